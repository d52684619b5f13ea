"""The performance benchmark: what generating and building the warehouse costs, by scale.

`omnichannel bench` (`make bench`) generates worlds at several scales and times,
each repeated (median, min, max): generation, the single-scan floor, full dbt
builds (models only, and with tests), one incremental day appended to the
history, with peak memory of every run; it proves DuckDB spills under a low
memory limit, then writes docs/benchmarks.md, a log-log plot and
bench/results.json. The entry point is `omnichannel.bench.runner.run_benchmark`.

Nothing is imported here: the dbt process loads `omnichannel.bench.probe` as a
plugin and should not pay for the rest.
"""
