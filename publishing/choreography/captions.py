"""Caption rules: each cue's characters a line, lines and characters a second, with the
storyboard's limits it breaks."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from publishing.choreography.intervals import section_at
from publishing.choreography.lecture import Cue, Section
from publishing.choreography.thresholds import MAX_CPS, MAX_CUE_LINES, MAX_LINE_CHARS


@dataclass
class CueCheck:
    index: int
    start: float
    seconds: float
    chars: int
    cps: float
    longest: int
    lines: int
    section: int | None
    problems: list[str]
    text: str


def caption_checks(cues: Sequence[Cue], sections: Sequence[Section]) -> list[CueCheck]:
    """Each cue's characters a second, longest line and number of lines, with its problems."""
    checks = []
    for cue in cues:
        rows = cue.text.split("\n")
        chars = sum(len(row) for row in rows)
        seconds = cue.end - cue.start
        cps = chars / seconds if seconds > 0 else math.inf
        longest = max((len(row) for row in rows), default=0)
        problems = []
        if longest > MAX_LINE_CHARS:
            problems.append(f"a line of {longest} characters (> {MAX_LINE_CHARS})")
        if len(rows) > MAX_CUE_LINES:
            problems.append(f"{len(rows)} lines (> {MAX_CUE_LINES})")
        if cps > MAX_CPS:
            problems.append(f"{cps:.1f} characters a second (> {MAX_CPS:g})")
        section = section_at(sections, cue.start)
        checks.append(
            CueCheck(
                cue.index,
                cue.start,
                seconds,
                chars,
                cps,
                longest,
                len(rows),
                section,
                problems,
                cue.text,
            )
        )
    return checks
