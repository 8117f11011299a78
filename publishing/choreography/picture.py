"""The picture's motion: frames decoded a few times a second, scaled down to blocks and
compared; the runs where nothing changes (still pictures) and the speech over them."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from publishing.choreography.intervals import Interval, intersection, merged, section_at, total
from publishing.choreography.lecture import Section, Word
from publishing.choreography.thresholds import (
    CAPTION_BAND,
    CHANGE_LEVEL,
    MOTION_BLOCK,
    SAMPLES_PER_SECOND,
    STILL_SECONDS,
    WORD_MERGE,
)


class ChangeDetector:
    """Fed the pictures in order; says which ones changed.

    A picture changes when some block differs by more than `level` from the picture at the
    last change (not the previous one, so slow changes add up)."""

    def __init__(self, level: float = CHANGE_LEVEL) -> None:
        self.level = level
        self.reference: np.ndarray | None = None
        self.previous: np.ndarray | None = None

    def feed(self, picture: np.ndarray) -> tuple[float, bool]:
        """The difference from the previous picture, and whether this one changed."""
        picture = picture.astype(np.int16)
        if self.reference is None or self.previous is None:
            self.reference = self.previous = picture
            return 0.0, True
        step = block_difference(picture, self.previous)
        self.previous = picture
        if block_difference(picture, self.reference) > self.level:
            self.reference = picture
            return step, True
        return step, False


def block_difference(a: np.ndarray, b: np.ndarray) -> float:
    """The largest difference of one block (pixel of a downscaled picture) in any channel."""
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).max())


def still_runs(
    times: Sequence[float], changed: Sequence[bool], end: float, least: float = STILL_SECONDS
) -> list[Interval]:
    """The runs of at least `least` seconds where the picture did not change: from a
    sample that changed (or the first) to the next sample that changes (or the end)."""
    starts = [t for t, flag in zip(times, changed, strict=True) if flag]
    if times and not changed[0]:
        starts.insert(0, times[0])
    bounds = starts + [end]
    return [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b - a >= least - 1e-9]


def speech_intervals(words: Iterable[Word], gap: float = WORD_MERGE) -> list[Interval]:
    """Stretches of speech: the words, those closer than `gap` joined."""
    return merged(((word.start, word.end) for word in words if word.end > word.start), gap)


@dataclass
class StillRun:
    start: float
    seconds: float
    spoken: float  # seconds of speech inside
    section: int | None
    lines: list[str]  # "id: words" of the lines spoken in it


def voice_over_still(
    runs: Sequence[Interval],
    speech: Sequence[Interval],
    words: Sequence[Word],
    sections: Sequence[Section],
) -> tuple[float, dict[int, float], list[StillRun]]:
    """Seconds of speech over still pictures: in all, per section, and each run that has
    some, the most spoken first."""
    over = intersection(list(runs), list(speech))
    per_section = {
        section.number: total(intersection(over, [(section.start, section.end)]))
        for section in sections
    }
    texts = {}
    for word in words:
        texts.setdefault(word.line, []).append(word.text)
    found = []
    for start, end in runs:
        spoken = total(intersection([(start, end)], over))
        if spoken <= 0:
            continue
        said = []
        for word in words:
            if word.end > start and word.start < end and word.line not in said:
                said.append(word.line)
        lines = [f"{line}: {' '.join(texts[line])}" for line in said]
        found.append(StillRun(start, end - start, spoken, section_at(sections, start), lines))
    found.sort(key=lambda run: -run.spoken)
    return total(over), per_section, found


@dataclass
class Motion:
    times: np.ndarray  # seconds of each compared picture
    steps: np.ndarray  # its difference from the picture before
    changed: np.ndarray  # bool: it changed (from the picture at the last change)
    end: float


def motion_picture(frame, block: int = MOTION_BLOCK) -> np.ndarray:
    """A decoded frame scaled down (each pixel the mean of a block), caption band cut off.
    The blocks are a fixed share of the frame (1080p's 6x6 pixels, a 320x180 grid), so any
    quality is measured on the same grid. Below about 480p the encoder's noise moves single
    pixels past the threshold: measure a real quality (preview and up)."""
    width = min(frame.width, round(1920 / block))
    height = max(2, round(width * frame.height / frame.width))
    small = frame.reformat(width=width, height=height, format="rgb24", interpolation="AREA")
    pixels = small.to_ndarray()
    return pixels[: int(round(height * (1 - CAPTION_BAND)))]


def read_motion(video: Path, fps: float, frames: int) -> Motion:
    """Compare a picture every 1 / SAMPLES_PER_SECOND seconds (every k-th frame)."""
    import av

    every = max(1, math.ceil(fps / SAMPLES_PER_SECOND))
    detector = ChangeDetector()
    times, steps, changed = [], [], []
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for index, frame in enumerate(container.decode(stream)):
            if index % every:
                continue
            step, flag = detector.feed(motion_picture(frame))
            times.append(index / fps)
            steps.append(step)
            changed.append(flag)
    return Motion(
        np.array(times, float), np.array(steps, float), np.array(changed, bool), frames / fps
    )
