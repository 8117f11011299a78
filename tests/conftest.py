"""Shared fixtures: lessons are pure and read-only, so one computed lesson serves many tests."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from mechanics import Lesson, lesson

STORY_SEEDS = range(200)


@functools.cache
def cached_lesson(seed: int) -> Lesson:
    return lesson(seed)


@pytest.fixture(scope="session")
def story_lessons() -> list[Lesson]:
    """The lessons of seeds 0..199, the range every story claim is checked on."""
    return [cached_lesson(seed) for seed in STORY_SEEDS]


@pytest.fixture(scope="session")
def lecture(tmp_path_factory) -> Path:
    """Seed 0's whole narrated lecture at 256x144, 5 fps, two sections at a time: the
    publishing and the presenter tests read the same folder (and leave it as they found it)."""

    from .lecture_rendering import render_tiny

    out = tmp_path_factory.mktemp("renders")
    assert render_tiny("--seed", "0", "--jobs", "2", "--out", str(out)) == 0
    return out / "seed-0" / "tiny"


CHROMIUM = Path("/usr/bin/chromium")  # Debian's, installed by `make setup`
CHROMIUM_FLAGS = [  # no GPU here, and no network: nothing may reach out at start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright: the pages the project writes are
    tested in the browser a student opens them in. One per test module, closed after it:
    Playwright's sync API keeps an event loop running in the thread while it is open, and
    asyncio.run (the cluster's address probe) then fails in any later test there."""
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is not installed: run `make setup`")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield browser
        browser.close()
