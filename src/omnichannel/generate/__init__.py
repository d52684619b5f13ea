"""The simulated omnichannel world: raw extracts with their mess, and the truth behind them.

`generate_world` simulates people and what every system records of them
(`world`, `extracts`), plants the defects real extracts have (`mess`),
writes the extracts as hive-partitioned Parquet (`writer`) following the
contract in `schema`, and writes the truth (`truth`) beside them.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
import shutil
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from omnichannel.generate.forked import ForkedStep, fork_child
from omnichannel.generate.memory import heap_for_large_arrays, release_free_memory
from omnichannel.generate.schema import TABLES
from omnichannel.generate.stopwatch import Stopwatch

GENERATION_FILE = "_generation.json"
GENERATOR_VERSION = 5


def _parameters(scale: float, days: int, start: dt.date, seed: int) -> dict:
    return {
        "scale": scale,
        "days": days,
        "start": start.isoformat(),
        "seed": seed,
        "generator_version": GENERATOR_VERSION,
    }


def is_up_to_date(out: Path, scale: float, days: int, start: dt.date, seed: int) -> bool:
    """True when `out` already holds a complete world made with these parameters."""
    marker = Path(out) / GENERATION_FILE
    if not marker.exists():
        return False
    return json.loads(marker.read_text()).get("parameters") == _parameters(scale, days, start, seed)


def _write_other_extracts(
    world,
    extracts: dict[str, pd.DataFrame],
    event_defects: Callable[[], pd.DataFrame],
    records,
    out: Path,
    truth: Path,
    calendar: np.ndarray,
    progress,
    task,
    clock: Stopwatch,
    events_forked: bool,
) -> tuple[dict[str, int], list[ForkedStep]]:
    """Every extract but the events, the truth and the defects; rows per table written.

    Once the extracts are built (clean), a child process (`ForkedStep`, where fork is
    available) computes the truth from its copy; the parent plants the defects, then a
    second child computes the identifiable records of the extracts as delivered (it
    takes the truth's KPIs and orders from the first when it needs them), while the
    parent writes the extracts. Returns the rows per table and the two steps to wait
    for (run in process, in this order, where fork is not available)."""
    from omnichannel.generate.event_process import fork_available
    from omnichannel.generate.extracts import (
        build_inventory_extracts,
        build_more_extracts,
        build_relationship_extracts,
    )
    from omnichannel.generate.mess import plant_defects
    from omnichannel.generate.truth import source_records
    from omnichannel.generate.writer import ParquetFiles, write_table

    build_more_extracts(world, extracts)
    build_relationship_extracts(world, extracts)
    build_inventory_extracts(world, extracts)
    release_free_memory()
    clock.lap("other extracts")
    progress.advance(task)
    # what the truth records of the clean extracts read (key and person of each row), taken
    # before the defects are planted; the records themselves are made after the forks below,
    # while the children compute (they are not on the path to the identifiable records)
    clean_keys = _record_keys(extracts)
    fork = events_forked and fork_available()
    truth_step = ForkedStep(truth, "truth", fork=fork)
    truth_step.start(lambda child_clock: _write_truth(world, extracts, truth, child_clock))
    progress.advance(task)
    defects = pd.concat(
        [
            event_defects(),  # the events child's plan, handed over
            plant_defects(world.tables["_rngs"][11], extracts, world.days, world.tables["_start"]),
        ],
        ignore_index=True,
    )
    # the record graph of the extracts as delivered, in a second child beside the truth's
    identifiable_step = ForkedStep(truth, "identifiable", fork=fork)
    identifiable_step.start(
        lambda child_clock: _write_identifiable(world, extracts, truth, child_clock, in_child=fork)
    )
    if events_forked:  # the event-grain tables are the children's from here on
        world.events = world.events.iloc[:0]
        world.tables.pop("_session_text")
    defects.to_parquet(truth / "defects.parquet", index=False)
    del defects
    records.add_frame(source_records(clean_keys, world.people))
    del clean_keys
    release_free_memory()
    clock.lap("defects, source records of the extracts")
    progress.advance(task)
    rows: dict[str, int] = {}
    with ParquetFiles() as files:
        for table in TABLES:
            if table.qualified_name not in extracts:
                continue
            progress.update(task, description=f"writing {table.qualified_name}")
            rows[table.qualified_name] = write_table(
                extracts.pop(table.qualified_name), table, out, calendar, files
            )
            progress.advance(task)
    clock.lap("write other extracts")
    return rows, [truth_step, identifiable_step]


@contextmanager
def _files_created_ahead(out: Path, calendar: np.ndarray, fork: bool) -> Iterator[None]:
    """Create the world's files (empty) in a child while the body runs (`fork`), and
    collect the child at the end (it ends within seconds, long before the writing does)."""
    from omnichannel.generate.writer import create_empty_files

    if not fork:
        yield
        return
    pid = fork_child(lambda: create_empty_files(_files_in_writing_order(out, calendar)))
    try:
        yield
    finally:
        os.waitpid(pid, 0)


def _files_in_writing_order(out: Path, calendar: np.ndarray) -> list[str]:
    """Every file of the world, the web and app events' first (their child writes them
    from the start), then by table and day."""
    from omnichannel.generate.writer import partition_path

    first = ("web_analytics.events", "app_analytics.events")
    tables = sorted(TABLES, key=lambda t: t.qualified_name not in first)
    return [
        partition_path(out, table, None if table.partition == "snapshot" else day)
        for table in tables
        for day in ([None] if table.partition == "snapshot" else calendar)
    ]


def _record_keys(extracts: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Per extract, the columns `truth.source_records` reads (its key and `_person`), as they
    are now: text as Arrow (immutable; most keys already are, without a copy), persons
    copied, so that planting the defects afterwards changes neither."""
    from omnichannel.generate import text

    keys = {}
    for table in TABLES:
        frame = extracts.get(table.qualified_name)
        if frame is None:
            continue
        key = table.key[0]
        keys[table.qualified_name] = pd.DataFrame(
            {
                key: text.column(text.strings(frame[key])),
                "_person": frame["_person"].to_numpy().copy(),
            },
            copy=False,
        )
    return keys


def _handover(truth: Path, what: str = "kpis") -> Path:
    return truth / f".truth_for_identifiable.{what}.pickle"


def _hand_over(value: object, truth: Path, what: str) -> None:
    scratch = _handover(truth, what).with_suffix(".partial")
    with scratch.open("wb") as file:
        pickle.dump(value, file, protocol=5)
    scratch.rename(_handover(truth, what))  # whole or not at all


def _take_over(truth: Path, what: str):
    """What the truth step handed over, once it is there (the parent ends this process if
    the truth step fails)."""
    handover = _handover(truth, what)
    while not handover.exists():
        time.sleep(0.02)
    with handover.open("rb") as file:
        value = pickle.load(file)
    handover.unlink()
    return value


def _write_truth(world, extracts: dict[str, pd.DataFrame], truth: Path, clock) -> None:
    """The truth of the clean extracts: orders.parquet, sessions.parquet, the KPIs and
    order frame the identifiable records need, then the planted attribution over true
    people (it needs the truth's orders, not the identifiable records; handed over in
    scratch files while the identifiable records' graph is built)."""
    from omnichannel.generate.attribution_truth import attribution_inputs, true_people_attribution
    from omnichannel.generate.truth import compute_truth

    truth_tables = compute_truth(world, extracts)
    orders = truth_tables["_orders"]
    _hand_over((orders, truth_tables["kpis"]), truth, "kpis")
    # the truth files are written on a thread (Parquet encoding lets go of the GIL) while
    # the attribution, which the identifiable records wait for, is computed
    with ThreadPoolExecutor(max_workers=1) as writer:
        written = [
            writer.submit(truth_tables.pop(name).to_parquet, truth / f"{name}.parquet", index=False)
            for name in ("orders", "sessions")
        ]
        clock.lap("truth")
        # the touches and conversions first: the identifiable records' child runs the
        # customers' variant on them while this one runs the true people's
        inputs = attribution_inputs(world, extracts["app_analytics.geofence_visits"], orders)
        _hand_over(inputs, truth, "attribution_inputs")
        clock.lap("attribution_inputs")
        _hand_over(true_people_attribution(inputs), truth, "attribution")
        for future in written:
            future.result()
    del truth_tables
    clock.lap("attribution over true people")


def _write_identifiable(
    world,
    extracts: dict[str, pd.DataFrame],
    truth: Path,
    clock,
    in_child: bool,
) -> None:
    """The identifiable records of the extracts as delivered (defects planted) and the
    identity-dependent KPIs over customers (their headline; the truth's value over true
    people kept under `true_people`). The record graph does not need the truth; the KPIs
    wait for the truth step's hand-over files."""
    from omnichannel.generate.attribution_truth import add_attribution_kpis, customer_attribution
    from omnichannel.generate.linkable import (
        EXTRACTS_READ,
        WORLD_TABLES_READ,
        Records,
        plant_customer_kpis,
    )

    if in_child:  # let go of what this step does not read (pages shared with the parent)
        for name in [name for name in extracts if name not in EXTRACTS_READ]:
            del extracts[name]
        for name in [name for name in world.tables if name not in WORLD_TABLES_READ]:
            del world.tables[name]
        world.footfall = pd.DataFrame()
        release_free_memory()
    # what a perfect warehouse could tie to a person, on the extracts as delivered
    records = Records(world, extracts)
    clock.lap("identifiable records: graph")
    orders, kpis = _take_over(truth, "kpis")
    clock.lap("identifiable records: wait for the truth")
    identifiable = plant_customer_kpis(world, extracts, orders, kpis, records)
    del orders, records
    # written on a thread (Parquet encoding lets go of the GIL) while the attribution,
    # which only reads the frame, is computed: this process is often the last one running
    with ThreadPoolExecutor(max_workers=1) as writer:
        written = writer.submit(
            identifiable.to_parquet, truth / "identifiable_records.parquet", index=False
        )
        clock.lap("identifiable records: KPIs")
        # the planted attribution shares, over customers and true people (attribution_truth.py)
        inputs = _take_over(truth, "attribution_inputs")
        clock.lap("identifiable records: wait for the attribution inputs")
        customers = customer_attribution(inputs, identifiable)
        clock.lap("identifiable records: attribution over customers")
        true_people = _take_over(truth, "attribution")
        clock.lap("identifiable records: wait for the attribution over true people")
        add_attribution_kpis(inputs, true_people, customers, kpis).to_parquet(
            truth / "attribution_touches.parquet", index=False
        )
        written.result()
    del identifiable, true_people, customers, inputs
    (truth / "kpis.json").write_text(json.dumps(kpis, indent=2, sort_keys=True))
    clock.lap("identifiable records: attribution rows and kpis.json")


def generate_world(
    scale: float,
    days: int,
    start: dt.date,
    seed: int,
    out: Path,
    truth: Path,
    show_progress: bool = True,
) -> dict:
    """Simulate the world and write every raw table of `schema.TABLES` plus the truth.

    Returns the parameters, rows per table, seconds and rows per second.
    """
    from rich.progress import Progress

    from omnichannel.generate.event_extracts import session_text, written_events
    from omnichannel.generate.event_process import EventWriter, fork_available
    from omnichannel.generate.extracts import build_extracts
    from omnichannel.generate.truth import RecordsFile
    from omnichannel.generate.world import simulate
    from omnichannel.generate.writer import expected_paths, partition_path, remove_stale_files

    if days < 1 or scale <= 0:
        raise ValueError("days must be >= 1 and scale > 0")
    started = time.perf_counter()
    clock = Stopwatch()
    out, truth = Path(out), Path(truth)
    # the extracts of an earlier world are overwritten in place (see remove_stale_files);
    # without its marker a half-written folder never passes for a complete world
    # (a new or empty folder holds nothing stale: no walk over its 12,400 new files after)
    earlier_world = out.is_dir() and any(out.iterdir())
    out.mkdir(parents=True, exist_ok=True)
    (out / GENERATION_FILE).unlink(missing_ok=True)
    if truth.exists():
        shutil.rmtree(truth)
    truth.mkdir(parents=True)
    by_name = {t.qualified_name: t for t in TABLES}
    calendar = np.datetime64(start.isoformat(), "D") + np.arange(days)
    steps = ["simulate", "extracts", "truth", "mess", *[t.qualified_name for t in TABLES]]
    events = EventWriter(truth)
    with (
        # a new folder's ~12,400 partition folders and files are created by a child while
        # the world is simulated on one core (the writers then only truncate and fill them)
        _files_created_ahead(out, calendar, not earlier_world and fork_available()),
        heap_for_large_arrays(),
        Progress(disable=not show_progress, transient=True) as progress,
    ):
        task = progress.add_task("generating", total=len(steps))
        world = simulate(scale, days, start, seed)
        clock.lap("simulate")
        progress.advance(task)
        records = RecordsFile(truth / "source_records.parquet", world.people["person_id"])
        st = session_text(world)
        world.tables["_session_text"] = st  # type: ignore[assignment]
        written = written_events(world)
        release_free_memory()  # before the fork: the child starts from what is in use
        clock.lap("session text")
        # the web and app events (and their defects) are a child process's from here on
        events.start(
            world,
            st,
            written,
            lambda name, day: partition_path(out, by_name[name], calendar[day]),
        )
        del st, written  # the child's now
        truth_steps = []
        try:
            extracts = build_extracts(world)
            clock.lap("ads")
            rows, truth_steps = _write_other_extracts(
                world,
                extracts,
                events.event_defects,
                records,
                out,
                truth,
                calendar,
                progress,
                task,
                clock,
                events.forks,
            )
            progress.update(task, description="writing web and app events")
            event_rows, event_seconds = events.finish(records.add_events)
            rows.update(event_rows)
            clock.lap("wait for the events")
            truth_figures = [step.wait() for step in truth_steps]
            clock.lap("wait for the truth")
        finally:
            events.stop()
            for step in truth_steps:
                step.stop()
        records.close()
        if earlier_world:
            remove_stale_files(out, expected_paths(out, TABLES, calendar))
        clock.lap("source records and clean-up")
        progress.advance(task, 2)
    seconds = time.perf_counter() - started
    event_step = "events (child process)" if events.forks else "events (in process, in the wait)"
    where = "child process" if truth_steps[0].forks else "in process"
    truth_steps_cpu = {
        f"{step} ({where})": seconds
        for figures in truth_figures
        for step, seconds in figures["step_cpu_seconds"].items()
    }
    rows = dict(sorted(rows.items()))
    total = sum(rows.values())
    report = {
        "parameters": _parameters(scale, days, start, seed),
        "rows": rows,
        "total_rows": total,
        "seconds": round(seconds, 3),
        "rows_per_second": round(total / seconds) if seconds else None,
        # wall seconds of the parent's steps; the events are written meanwhile by a child
        "step_seconds": clock.seconds
        | {
            event_step: event_seconds["wall"],
            f"truth ({where})": truth_figures[0]["wall"],
            f"identifiable records ({where})": truth_figures[1]["wall"],
        },
        "step_cpu_seconds": clock.cpu_seconds
        | {event_step: event_seconds["cpu"]}
        | truth_steps_cpu,
        # peak resident set (MB) of the parent at the end of each step, and of the child
        "step_peak_rss_mb": clock.peak_rss_mb,
        "peak_rss_mb": {
            "parent": max(clock.peak_rss_mb.values()),
            **({"events child": event_seconds["peak_rss_mb"]} if events.forks else {}),
            **(
                {
                    "truth child": truth_figures[0]["peak_rss_mb"],
                    "identifiable records child": truth_figures[1]["peak_rss_mb"],
                }
                if truth_steps[0].forks
                else {}
            ),
        },
    }
    (out / GENERATION_FILE).write_text(
        json.dumps({"parameters": report["parameters"], "rows": rows}, indent=2, sort_keys=True)
    )
    return report
