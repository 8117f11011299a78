"""Pace: each cue matched to its spoken words and its words a minute, and the gaps
between one line's last word and the next line's first."""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from publishing.choreography.lecture import Cue, Line, Section, Word
from publishing.choreography.thresholds import LINE_GAP, PACE
from publishing.choreography.words import line_words


def plain(word: str) -> str:
    """A word as compared between captions and speech: lower case, letters and digits."""
    return re.sub(r"[\W_]+", "", word.lower())


def align(cues: Sequence[Cue], words: Sequence[Word], slack: float = 2.0) -> list[list[int]]:
    """For each cue, the indices of its words in `words`: by text, in order (the cue's
    words must follow each other there, said within `slack` seconds of the cue), else
    those whose onset lies in the cue's time."""
    keys = [plain(word.text) for word in words]
    found, pointer = [], 0
    for cue in cues:
        wanted = [plain(token) for token in cue.text.split()]
        n, match = len(wanted), None
        for p in range(pointer, len(words) - n + 1):
            if words[p].start > cue.end + slack:
                break
            if words[p].start >= cue.start - slack and keys[p : p + n] == wanted:
                match = list(range(p, p + n))
                break
        if match is None:
            match = [k for k, word in enumerate(words) if cue.start - 0.05 <= word.start < cue.end]
        elif n:
            pointer = match[-1] + 1
        found.append(match)
    return found


@dataclass
class CuePace:
    index: int
    start: float
    words: int
    seconds: float
    wpm: float | None
    section: int | None
    text: str


def cue_pace(cues: Sequence[Cue], words: Sequence[Word], sections: Sequence[Section]):
    """Each cue's words a minute: its words over the span from its first onset to its last
    word's end."""
    paces = []
    for cue, indices in zip(cues, align(cues, words), strict=True):
        if not indices:
            paces.append(CuePace(cue.index, cue.start, 0, 0.0, None, None, cue.text))
            continue
        first, last = words[indices[0]], words[indices[-1]]
        span = last.end - first.start
        wpm = 60.0 * len(indices) / span if span > 0 else None
        section = first.section
        paces.append(CuePace(cue.index, first.start, len(indices), span, wpm, section, cue.text))
    return paces


def pace_figures(paces: Sequence[CuePace], band: tuple[float, float] = PACE) -> dict:
    """The median words a minute of the cues and the share of cues within the band."""
    rates = [pace.wpm for pace in paces if pace.wpm is not None]
    if not rates:
        return {"cues": 0, "median_wpm": None, "share_in_band": None}
    inside = sum(band[0] <= rate <= band[1] for rate in rates)
    return {
        "cues": len(rates),
        "median_wpm": statistics.median(rates),
        "share_in_band": inside / len(rates),
    }


@dataclass
class Gap:
    after: str  # line id
    before: str
    start: float  # the first line's last word's end
    seconds: float
    section: int


def line_gaps(lines: Sequence[Line], words: Sequence[Word]) -> list[Gap]:
    """The quiet between one line's last word and the next line's first, within sections."""
    by_line = line_words(words)
    spans = sorted(
        (ws[0].start, ws[-1].end, line.id, line.section)
        for line in lines
        if (ws := by_line.get(line.id))
    )
    return [
        Gap(a[2], b[2], a[1], b[0] - a[1], b[3])
        for a, b in zip(spans, spans[1:], strict=False)
        if a[3] == b[3]
    ]


def gap_figures(gaps: Sequence[Gap]) -> dict:
    seconds = [gap.seconds for gap in gaps]
    return {
        "gaps": len(seconds),
        "min": min(seconds) if seconds else None,
        "median": statistics.median(seconds) if seconds else None,
        "under_target": sum(s < LINE_GAP for s in seconds),
    }
