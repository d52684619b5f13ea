"""Where the project's files live, independent of the caller's working directory."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJECT_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
TRUTH_DIR = DATA_DIR / "truth"
BUILD_DIR = DATA_DIR / "build"
PUBLISHED_DIR = DATA_DIR / "published"
SEEDS_DIR = PROJECT_ROOT / "seeds"
BUILD_WAREHOUSE = BUILD_DIR / "warehouse.duckdb"
PUBLISHED_WAREHOUSE = PUBLISHED_DIR / "warehouse.duckdb"
