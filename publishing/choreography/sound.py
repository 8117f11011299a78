"""The sound: its level in short windows (dBFS), the quiet stretches and which of them
are silences to report, the loud ones (speech, when the folder has no word times), and
its waveform for the picture."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from publishing.choreography.intervals import Interval, intersection, merged, section_at, total
from publishing.choreography.lecture import Section
from publishing.choreography.thresholds import (
    PEAKS_PER_SECOND,
    SILENCE_DB,
    SILENCE_SECONDS,
    WINDOW,
    WORD_MERGE,
)


@dataclass
class Sound:
    db: np.ndarray  # RMS level of consecutive WINDOW-second windows
    low: np.ndarray  # the waveform's min and max per 1 / PEAKS_PER_SECOND seconds
    high: np.ndarray


def levels_db(samples: np.ndarray, rate: int, window: float = WINDOW) -> np.ndarray:
    """RMS level (dBFS) of consecutive windows of (n,) or (n, channels) samples."""
    channels = samples if samples.ndim == 2 else samples[:, None]
    width = max(int(round(window * rate)), 1)
    count = len(channels) // width
    windows = channels[: count * width].reshape(count, width, -1)
    power = np.einsum("ijk,ijk->i", windows, windows, dtype=np.float64) / (width * len(channels.T))
    return 10 * np.log10(np.maximum(power, 1e-12))


def quiet_stretches(
    db: np.ndarray,
    window: float = WINDOW,
    level: float = SILENCE_DB,
    longer_than: float = SILENCE_SECONDS,
) -> list[Interval]:
    """Runs of windows below `level`, longer than `longer_than` seconds."""
    runs = runs_of(np.asarray(db) < level, window)
    return [(a, b) for a, b in runs if b - a > longer_than + 1e-9]


def runs_of(flags: np.ndarray, window: float) -> list[Interval]:
    """The runs of True in consecutive windows, in seconds."""
    padded = np.concatenate([[False], flags, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded)).tolist()
    return [(a * window, b * window) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def loud_intervals(
    db: np.ndarray, window: float = WINDOW, level: float = SILENCE_DB, gap: float = WORD_MERGE
) -> list[Interval]:
    """Stretches above `level` (speech, when there are no word times), close ones joined."""
    return merged(runs_of(np.asarray(db) >= level, window), gap)


@dataclass
class Silence:
    start: float
    seconds: float
    section: int | None
    excused: str | None  # "title card", "end of the lecture", or None: a defect


def silences(
    stretches: Sequence[Interval],
    titles: Sequence[Interval],
    end: float,
    sections: Sequence[Section],
    window: float = WINDOW,
) -> list[Silence]:
    """Each quiet stretch, excused when it lies mostly in a title card or ends the lecture."""
    found = []
    for start, stop in stretches:
        in_titles = total(intersection([(start, stop)], merged(titles)))
        excused = None
        if in_titles > 0.5 * (stop - start):
            excused = "title card"
        elif stop >= end - window - 1e-6:
            excused = "end of the lecture"
        found.append(Silence(start, stop - start, section_at(sections, start), excused))
    return found


def read_sound(video: Path) -> Sound | None:
    """The sound's levels and waveform, or None for a film without sound."""
    import av

    chunks, first = [], None
    with av.open(str(video)) as container:
        if not container.streams.audio:
            return None
        stream = container.streams.audio[0]
        rate = stream.codec_context.sample_rate or stream.rate
        for frame in container.decode(stream):
            if first is None:
                first = frame.time or 0.0
            samples = frame.to_ndarray()
            if not frame.format.is_planar:
                samples = samples.reshape(-1, len(frame.layout.channels)).T
            if samples.dtype.kind in "iu":
                samples = samples.astype(np.float32) / float(np.iinfo(samples.dtype).max)
            chunks.append(samples.astype(np.float32).T)
    samples = np.concatenate(chunks) if chunks else np.zeros((0, 1), np.float32)
    lead = int(round((first or 0.0) * rate))
    if lead > 0:
        samples = np.concatenate([np.zeros((lead, samples.shape[1]), np.float32), samples])
    elif lead < 0:
        samples = samples[-lead:]
    mono = samples.mean(axis=1)
    width = max(rate // PEAKS_PER_SECOND, 1)
    count = len(mono) // width
    blocks = mono[: count * width].reshape(count, width)
    return Sound(levels_db(samples, rate), blocks.min(axis=1), blocks.max(axis=1))


def padded_to(sound: Sound, seconds: float) -> Sound:
    """The sound's levels run to the video's end: missing sound is silence."""
    windows = int(math.ceil(seconds / WINDOW - 1e-9))
    db = sound.db[:windows]
    if len(db) < windows:
        db = np.concatenate([db, np.full(windows - len(db), -120.0)])
    return Sound(db, sound.low, sound.high)
