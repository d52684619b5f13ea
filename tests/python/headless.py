"""Debian's chromium, driven headless by Playwright (never `playwright install`).

`make chromium` (a prerequisite of `make test`) installs the Debian package when
it is missing; CHROMIUM names another binary.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> Path:
    """The chromium binary: $CHROMIUM, else /usr/bin/chromium, else `chromium` on PATH."""
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return Path(candidate)
    raise RuntimeError("chromium is not installed: run `make chromium` (apt-get install chromium)")


@contextmanager
def headless_browser() -> Iterator[object]:
    """A headless chromium `Browser`, closed on exit whatever happens."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium_path()), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()
