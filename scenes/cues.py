"""A line of narration as subtitle cues, the way subtitle style guides ask for them.

At most MAX_LINE characters a line and two lines a cue; a long line of narration becomes
several cues, broken where the speech breaks (a sentence's end first, then a clause's),
each shown from the moment its first word is said until the next cue's first word. The
times come from the words' own times (voices/timing.py), so a cue is on screen while it is
spoken. Manim-free: the narrator, the .srt and the choreography report share it.
"""

from __future__ import annotations

import functools
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from voices.timing import WordTime

MAX_LINE = 42  # characters a line
MAX_LINES = 2  # lines a cue
MAX_READING_SPEED = 17.0  # characters a second

SENTENCE_END = (".", "?", "!")
CLAUSE_END = (",", ";", ":", "—")


@dataclass(frozen=True)
class Cue:
    """Words shown together, wrapped to at most two lines, from `start` to `end` (seconds
    from the line's start)."""

    lines: tuple[str, ...]
    start: float
    end: float
    first_word: int  # index of its first word in the line

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def wrapped(words: Sequence[str]) -> list[str]:
    """The words in as few lines of MAX_LINE characters as they need, balanced."""
    joined = " ".join(words)
    lines = textwrap.wrap(joined, width=MAX_LINE)
    if len(lines) == 2:  # balance the two lines: the shortest width that still gives two
        width = len(joined) // 2
        while len(balanced := textwrap.wrap(joined, width=width)) > 2:
            width += 1
        lines = balanced
    return lines


def break_cost(word: str) -> float:
    """How badly a cue ends after this word: a sentence's end costs nothing, a clause's a
    little, the middle of a clause most."""
    if word.endswith(SENTENCE_END) or word.endswith(tuple(f'{e}"' for e in SENTENCE_END)):
        return 0.0
    if word.endswith(CLAUSE_END):
        return 1.0
    return 3.0


def grouped(words: Sequence[str]) -> list[tuple[int, int]]:
    """The line's words cut into cues [start, stop): every cue fits two lines, and the cuts
    fall where they cost least (one per cue, plus each cut's place; a sentence's end kept
    inside a cue costs half a cue, so sentences tend to get cues of their own)."""
    n = len(words)

    @functools.cache
    def best(first: int) -> tuple[float, tuple[tuple[int, int], ...]]:
        if first == n:
            return 0.0, ()
        options = []
        for stop in range(first + 1, n + 1):
            if len(wrapped(words[first:stop])) > MAX_LINES:
                break
            inner_sentences = sum(1 for word in words[first : stop - 1] if break_cost(word) == 0.0)
            here = 1.0 + 0.5 * inner_sentences + (break_cost(words[stop - 1]) if stop < n else 0)
            rest, cuts = best(stop)
            options.append((here + rest, ((first, stop), *cuts)))
        if not options:  # a single word longer than two lines: it is a cue of its own
            rest, cuts = best(first + 1)
            return 1.0 + rest, ((first, first + 1), *cuts)
        return min(options, key=lambda option: option[0])

    return list(best(0)[1])


def cues_of(times: Sequence[WordTime], line_end: float) -> list[Cue]:
    """The line's cues, each up from its first word's onset (the first from the line's
    start) to the next cue's first word, the last until `line_end`."""
    words = [t.word for t in times]
    groups = grouped(words)
    starts = [0.0] + [times[first].start for first, _ in groups[1:]]
    ends = starts[1:] + [max(line_end, starts[-1])]
    return [
        Cue(tuple(wrapped(words[first:stop])), start, end, first)
        for (first, stop), start, end in zip(groups, starts, ends, strict=True)
    ]
