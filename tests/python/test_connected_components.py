"""The identity graph's connected-components macro, checked against union-find.

The macro is plain Jinja over portable SQL, so it is rendered here without dbt
and run on DuckDB, on graphs whose components a union-find computes
independently.
"""

from __future__ import annotations

import random

import duckdb
import pytest
from jinja2 import Environment

from omnichannel.paths import PROJECT_ROOT

MACRO = PROJECT_ROOT / "macros" / "identity" / "connected_components.sql"


def components_sql(rounds: int, jumps: int) -> str:
    template = Environment(extensions=["jinja2.ext.do"]).from_string(
        MACRO.read_text() + f"{{{{ default__connected_components('edges', {rounds}, {jumps}) }}}}"
    )
    return template.render()


def union_find_labels(edges: list[tuple[str, str]]) -> dict[str, str]:
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b in edges:
        root_a, root_b = find(a), find(b)
        if root_a != root_b:
            parent[max(root_a, root_b)] = min(root_a, root_b)
    return {node: find(node) for node in list(parent)}


def run_components(edges: list[tuple[str, str]], rounds: int = 6, jumps: int = 10) -> list[tuple]:
    con = duckdb.connect()
    con.execute("create table edges (node_a varchar, node_b varchar)")
    con.executemany("insert into edges values (?, ?)", edges)
    return con.execute(
        f"select node_id, component_id, component_id_after_extra_round "
        f"from ({components_sql(rounds, jumps)}) order by node_id"
    ).fetchall()


def test_hand_made_graph():
    # two components {a, b, c, d} (a path d-c-b-a) and {x, y}, plus the lone node z
    edges = [("d", "c"), ("c", "b"), ("b", "a"), ("y", "x"), ("z", "z")]
    rows = run_components(edges, rounds=2, jumps=1)
    assert [(node, label) for node, label, _ in rows] == [
        ("a", "a"),
        ("b", "a"),
        ("c", "a"),
        ("d", "a"),
        ("x", "x"),
        ("y", "x"),
        ("z", "z"),
    ]


@pytest.mark.parametrize("length", [2, 17, 300])
def test_long_path_converges(length):
    nodes = [f"n{i:04d}" for i in range(length)]
    random.Random(length).shuffle(nodes)
    edges = list(zip(nodes, nodes[1:], strict=False)) or [(nodes[0], nodes[0])]
    rows = run_components(edges)
    assert {label for _, label, _ in rows} == {min(nodes)}
    assert all(label == extra for _, label, extra in rows)


def test_random_graph_matches_union_find():
    rng = random.Random(42)
    edges = [(f"v{rng.randrange(20000):05d}", f"v{rng.randrange(20000):05d}") for _ in range(15000)]
    rows = run_components(edges)
    expected = union_find_labels(edges)
    assert {node: label for node, label, _ in rows} == expected
    assert all(label == extra for _, label, extra in rows)


def test_too_few_rounds_is_detected():
    # one round without jumps cannot close a 300-node path: the extra round must disagree
    edges = [(f"n{i:04d}", f"n{i + 1:04d}") for i in range(300)]
    rows = run_components(edges, rounds=1, jumps=0)
    assert any(label != extra for _, label, extra in rows)
