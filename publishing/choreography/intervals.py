"""Time as intervals (start, end) in seconds: joined, intersected, added up; which
section a time falls in; a time written as M:SS.s."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from publishing.choreography.lecture import Section

Interval = tuple[float, float]


def merged(intervals: Iterable[Interval], gap: float = 0.0) -> list[Interval]:
    """The intervals sorted, those closer than `gap` joined."""
    out: list[list[float]] = []
    for start, end in sorted(intervals):
        if out and start - out[-1][1] < gap:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(a, b) for a, b in out]


def intersection(a: Sequence[Interval], b: Sequence[Interval]) -> list[Interval]:
    """The parts of time in both lists of sorted, disjoint intervals."""
    out, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if start < end:
            out.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def total(intervals: Iterable[Interval]) -> float:
    return float(sum(end - start for start, end in intervals))


def section_at(sections: Sequence[Section], t: float) -> int | None:
    for section in sections:
        if section.start <= t < section.end:
            return section.number
    return sections[-1].number if sections and math.isclose(t, sections[-1].end) else None


def clock(t: float) -> str:
    """Lecture time as M:SS.s."""
    minutes, seconds = divmod(max(t, 0.0), 60)
    return f"{int(minutes)}:{seconds:04.1f}"
