"""Shared fixtures: lessons are pure and read-only, so one computed lesson serves many tests."""

from __future__ import annotations

import functools

import pytest

from mechanics import Lesson, lesson

STORY_SEEDS = range(200)


@functools.cache
def cached_lesson(seed: int) -> Lesson:
    return lesson(seed)


@pytest.fixture(scope="session")
def story_lessons() -> list[Lesson]:
    """The lessons of seeds 0..199, the range every story claim is checked on."""
    return [cached_lesson(seed) for seed in STORY_SEEDS]
