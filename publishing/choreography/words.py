"""When each word is said: the folder's word times, or, for a folder without them, each
line's words spread evenly over its speech."""

from __future__ import annotations

from collections.abc import Sequence

from publishing.choreography.intervals import Interval, intersection
from publishing.choreography.lecture import Cue, Lecture, Line, Word
from publishing.choreography.sound import Sound, loud_intervals


def even_words(line: Line, end: float) -> tuple[Word, ...]:
    """A line's words spread evenly from its start to `end` (a folder without word times)."""
    texts = line.words.split()
    step = max(end - line.start, 0.0) / max(len(texts), 1)
    return tuple(
        Word(text, line.start + k * step, line.start + (k + 1) * step, line.id, line.section)
        for k, text in enumerate(texts)
    )


def estimated_line_end(
    line: Line, bound: float, cues: Sequence[Cue], loud: Sequence[Interval] | None
) -> float:
    """Where a line's speech ends when the folder has no word times: its cue's end (a
    spoken cue lasts as long as its speech), at most `bound` (the next line's start),
    trimmed to the last loud stretch when there is sound."""
    cue = next((c for c in cues if abs(c.start - line.start) < 0.25), None)
    end = min(cue.end, bound) if cue else bound
    if loud is not None:
        inside = intersection([(line.start, end)], loud)
        if inside:
            end = inside[-1][1]
    return max(end, line.start)


def lecture_words(lecture: Lecture, loud: Sequence[Interval] | None) -> tuple[list[Word], bool]:
    """Every word said, in order, and whether the times are the folder's own (False:
    estimated evenly over each line)."""
    exact = all(line.spoken is not None for line in lecture.lines)
    words: list[Word] = []
    for k, line in enumerate(lecture.lines):
        if line.spoken is not None:
            words += line.spoken
            continue
        bound = lecture.lines[k + 1].start if k + 1 < len(lecture.lines) else lecture.duration
        words += even_words(line, estimated_line_end(line, bound, lecture.cues, loud))
    return sorted(words, key=lambda word: word.start), exact


def said(lecture: Lecture, sound: Sound | None) -> tuple[list[Word], bool]:
    """Every word said, with the folder's word times or estimated ones (see lecture_words)."""
    return lecture_words(lecture, loud_intervals(sound.db) if sound is not None else None)


def line_words(words: Sequence[Word]) -> dict[str, list[Word]]:
    by_line: dict[str, list[Word]] = {}
    for word in words:
        by_line.setdefault(word.line, []).append(word)
    return by_line
