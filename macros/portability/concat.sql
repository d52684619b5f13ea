{#-
    dbt.concat, null when any part is null, on every engine.

    dbt renders `concat(a, b)` everywhere, but engines disagree on nulls:
    Spark's concat is null when a part is null, DuckDB's skips the null part
    (`concat('+', '49', null)` is '+49', so `normalize_phone` of a missing
    number would give '+49' on DuckDB and null on Spark). DuckDB's `||`
    propagates nulls like Spark's concat, so DuckDB gets `||`.
    Wired in by `dispatch` (namespace dbt) in dbt_project.yml.
-#}
{% macro duckdb__concat(fields) -%}
    ({{ fields | join(' || ') }})
{%- endmacro %}
