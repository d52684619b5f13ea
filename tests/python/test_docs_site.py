"""The lineage docs: every node described, and the static site renders a KPI mart's lineage.

`dbt docs generate --static` runs on the fixture warehouse; the single-file site
is opened in headless chromium, the KPI mart's lineage graph is expanded, and the
nodes the graph actually drew (read from the page's cytoscape instance) must
contain every source and seed the mart is built from, as the manifest's
parent map says, walked independently here.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from headless import headless_browser
from omnichannel.dbt_runner import run_dbt

PROJECT = "omnichannel"
# The KPI mart whose lineage the docs test follows back to its raw sources.
LINEAGE_MART = "model.omnichannel.fct_channel_pnl"

DESCRIBED_NODE_TYPES = {"model", "seed", "snapshot", "analysis"}


def undescribed(manifest: dict) -> list[str]:
    """Every model, column, source, seed, analysis, macro, metric, semantic model, saved
    query and exposure of the project whose description is empty."""
    missing: list[str] = []

    def check(unique_id: str, node: dict) -> None:
        if not (node.get("description") or "").strip():
            missing.append(unique_id)
        for name, column in (node.get("columns") or {}).items():
            if not (column.get("description") or "").strip():
                missing.append(f"{unique_id}.{name}")

    for unique_id, node in manifest["nodes"].items():
        if node["resource_type"] in DESCRIBED_NODE_TYPES and node["package_name"] == PROJECT:
            check(unique_id, node)
    for section in ("sources", "metrics", "exposures", "saved_queries"):
        for unique_id, node in manifest.get(section, {}).items():
            check(unique_id, node)
    for unique_id, macro in manifest["macros"].items():
        if macro["package_name"] == PROJECT:
            check(unique_id, macro)
    for unique_id, semantic_model in manifest.get("semantic_models", {}).items():
        check(unique_id, semantic_model)
        for kind in ("entities", "dimensions", "measures"):
            for element in semantic_model.get(kind) or []:
                if not (element.get("description") or "").strip():
                    missing.append(f"{unique_id}.{kind}.{element['name']}")
    return sorted(missing)


def test_undescribed_finds_a_missing_description():
    manifest = {
        "nodes": {
            "model.omnichannel.m": {
                "resource_type": "model",
                "package_name": PROJECT,
                "description": "A model.",
                "columns": {"a": {"description": "A."}, "b": {"description": " "}},
            },
            "test.omnichannel.t": {"resource_type": "test", "package_name": PROJECT},
        },
        "sources": {"source.omnichannel.s.t": {"description": "", "columns": {}}},
        "macros": {
            "macro.omnichannel.x": {"package_name": PROJECT, "description": ""},
            "macro.dbt.y": {"package_name": "dbt", "description": ""},
        },
        "metrics": {"metric.omnichannel.net_sales": {"description": "Net sales."}},
        "semantic_models": {
            "semantic_model.omnichannel.orders": {
                "description": "Orders.",
                "measures": [{"name": "order_count", "description": None}],
            }
        },
    }
    assert undescribed(manifest) == [
        "macro.omnichannel.x",
        "model.omnichannel.m.b",
        "semantic_model.omnichannel.orders.measures.order_count",
        "source.omnichannel.s.t",
    ]


def test_every_node_column_macro_and_metric_is_described(warehouse):
    assert warehouse.outcome.success, "\n".join(warehouse.outcome.failures)
    assert undescribed(warehouse.manifest()) == []


def test_exposures_name_the_dashboard_and_the_notebook_with_owner_and_maturity(warehouse):
    exposures = {e["name"]: e for e in warehouse.manifest()["exposures"].values()}
    assert {"omnichannel_dashboard", "kpi_starter_notebook"} <= set(exposures)
    assert exposures["omnichannel_dashboard"]["type"] == "dashboard"
    assert exposures["kpi_starter_notebook"]["type"] == "notebook"
    for exposure in exposures.values():
        assert exposure["owner"].get("name") and exposure["owner"].get("email"), exposure["name"]
        assert exposure["maturity"] in {"low", "medium", "high"}, exposure["name"]
        marts = [node.split(".")[-1] for node in exposure["depends_on"]["nodes"]]
        assert marts and all(m.startswith(("fct_", "dim_", "kpi_")) for m in marts), marts


def ancestors(manifest: dict, unique_id: str) -> set[str]:
    parents = manifest["parent_map"]
    seen: set[str] = set()
    frontier = [unique_id]
    while frontier:
        for parent in parents.get(frontier.pop(), []):
            if parent not in seen:
                seen.add(parent)
                frontier.append(parent)
    return seen


@pytest.fixture(scope="module")
def static_docs(warehouse) -> Path:
    """`dbt docs generate --static` on the fixture warehouse: the single-file site.

    It writes to its own target dir (seeded with the build's partial-parse state),
    so the build's run_results.json, which other tests read, stays the build's.
    """
    assert warehouse.outcome.success, "\n".join(warehouse.outcome.failures)
    docs_target = warehouse.target_dir.parent / "docs_target"
    docs_target.mkdir(exist_ok=True)
    for artefact in ("partial_parse.msgpack", "manifest.json", "semantic_manifest.json"):
        if (warehouse.target_dir / artefact).exists():
            shutil.copyfile(warehouse.target_dir / artefact, docs_target / artefact)
    outcome = run_dbt(
        [
            "docs",
            "generate",
            "--static",
            "--target",
            "test",
            "--target-path",
            str(docs_target),
            "--log-path",
            str(warehouse.target_dir.parent / "logs"),
        ],
        env=warehouse.env,
    )
    assert outcome.success, outcome.failures
    site = docs_target / "static_index.html"
    assert site.exists()
    return site


def test_static_docs_render_a_kpi_mart_lineage_back_to_its_sources(
    static_docs, warehouse, tmp_path
):
    manifest = warehouse.manifest()
    mart = manifest["nodes"][LINEAGE_MART]
    upstream = ancestors(manifest, LINEAGE_MART)
    expected_roots = {u for u in upstream if u.split(".")[0] in {"source", "seed"}}
    assert any(u.startswith("source.") for u in expected_roots)

    with headless_browser() as browser:
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.goto(f"{static_docs.as_uri()}#!/model/{LINEAGE_MART}")
        page.wait_for_selector("text=Depends On")
        heading = page.locator(".app-title, h1").first.inner_text()
        body = page.locator("body").inner_text()
        page.screenshot(path=str(tmp_path / "docs_model_page.png"), full_page=False)

        page.locator(".launcher-btn").click()
        page.locator("a[ng-click='showExpanded()']").click()
        page.wait_for_function(
            "() => Array.from(document.querySelectorAll('*'))"
            ".some(e => e._cyreg && e._cyreg.cy && e._cyreg.cy.nodes().length > 3)"
        )
        page.wait_for_timeout(500)
        drawn = page.evaluate(
            "() => { const e = Array.from(document.querySelectorAll('*'))"
            ".find(e => e._cyreg && e._cyreg.cy);"
            " return e._cyreg.cy.nodes().filter(n => n.visible()).map(n => n.id()); }"
        )
        selector = page.locator("input").first.input_value()
        page.screenshot(path=str(tmp_path / "docs_lineage.png"))

    assert mart["name"] in heading
    assert mart["description"].split(".")[0] in body
    assert selector == f"+{mart['name']}+"
    missing = expected_roots - set(drawn)
    assert not missing, f"lineage of {mart['name']} does not reach {sorted(missing)}"
    assert upstream <= set(drawn)
    assert (tmp_path / "docs_lineage.png").stat().st_size > 10_000
