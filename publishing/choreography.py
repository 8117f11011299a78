"""Choreography: how a finished lecture's voice and picture move together, measured.

    python -m publishing.choreography renders/seed-5/1080p/ [--picture OUT.png]
                                      [--json OUT.json] [--strict]

Reads the lecture folder render.py wrote (the MP4, its .srt and beats.json) and measures it
against the storyboard's figures (STORYBOARD.md, "Choreography"):

- voice over still picture: seconds of speech inside runs of STILL_SECONDS or more where
  the picture (the caption band aside) does not change; at most 20 s in the lecture;
- silences: stretches over 3 s below -45 dBFS, outside the title cards and the end;
- pace: each cue's words a minute over its speech (150-165), the gaps between lines (0.5 s);
- captions: characters a line (42), lines a cue (2), characters a second (17);
- spoken numbers: each number the voice says is on screen (outside the caption band) while
  it is said, read back by tesseract; when it turned over, relative to its word.

It prints the figures per section and for the lecture, a PASS/FAIL line per target, and
draws a timeline (choreography.png). The figures are a report: the exit code is 0 whatever
they are, unless --strict, then 1 when a target fails. Bad input exits 2.

The measuring is plain functions over plain data (intervals, arrays of levels, cues, words);
the decoding (PyAV) and reading (tesseract) are kept apart, at the end of the file.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

# Targets (STORYBOARD.md, "Choreography").
VOICE_OVER_STILL_TARGET = 20.0  # seconds of speech over still pictures in the whole lecture
STILL_SECONDS = 3.0  # a picture unchanged this long or longer is a still
SILENCE_DB = -45.0  # RMS over a window below this is silence
SILENCE_SECONDS = 3.0  # longer than this is a silence to report
PACE = (150.0, 165.0)  # words a minute
LINE_GAP = 0.5  # seconds between one line's last word and the next line's first
MAX_LINE_CHARS = 42
MAX_CUE_LINES = 2
MAX_CPS = 17.0  # characters a second
LATE = 0.3  # seconds after its word's onset by which a spoken number must be on screen

# Measuring.
WINDOW = 0.05  # seconds: the RMS window of the sound's level
PEAKS_PER_SECOND = 100  # the waveform's min/max envelope, for the picture
WORD_MERGE = 0.3  # words closer than this are one stretch of speech
SAMPLES_PER_SECOND = 10  # pictures compared a second, at most
MOTION_BLOCK = 6  # pixels: pictures are compared in blocks of 6x6 (1080p: 320x180 blocks)
# A sample "changes" when some block (the mean of its 6x6 pixels, in any of R, G, B) differs
# from the picture at the last change by more than CHANGE_LEVEL of 255. A mean over the
# whole frame would miss a read-out turning over (a few hundred pixels of two million); the
# block mean keeps it (a digit's stroke crossing a block moves it by 30 to 100) while
# smoothing the encoder's noise: on seed 5's 1080p60 loop section, still pictures differ
# by at most 10 (a keyframe re-coding the dense lines of the network), most by 3 to 6; a
# bar growing by 2 pixels moved a block by 24. Comparing with the picture at the last
# change, not the previous sample, catches a slow fade or drift too: it adds up.
CHANGE_LEVEL = 16.0
CAPTION_BAND = 0.15  # the bottom of the frame holding captions: neither compared nor read
TURN_BACK = 1.0  # seconds before a number's word searched for when it turned over
TURN_AHEAD = 2.0  # seconds after it searched for a late number
TURN_STEP = 0.1
OCR_HEIGHT = 1080  # frames are scaled up towards this height for tesseract (at most 3x)

LECTURE_VIDEO = "the-mechanics-of-learning.mp4"
PICTURE = "choreography.png"
DASHES = dict.fromkeys(map(ord, "\u2212\u2010\u2011\u2012\u2013\u2014\ufe63\uff0d"), "-")

Interval = tuple[float, float]


class BadInput(Exception):
    """A folder this report cannot read; the message says what to do."""


# The lecture, as the folder describes it ------------------------------------------------


@dataclass(frozen=True)
class Section:
    number: int
    title: str
    start: float
    end: float


@dataclass(frozen=True)
class Beat:
    section: int
    name: str
    start: float
    end: float


@dataclass(frozen=True)
class Word:
    text: str
    start: float
    end: float
    line: str  # the id of its line
    section: int
    engine: bool = True  # a number of the lesson, when it holds one (not "section 1")


@dataclass(frozen=True)
class Line:
    id: str
    section: int
    words: str
    start: float
    spoken: tuple[Word, ...] | None  # None: the folder has no word times
    marks: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Cue:
    index: int
    start: float
    end: float
    text: str


@dataclass
class Lecture:
    folder: Path
    video: Path
    title: str
    seed: object
    quality: str
    fps: float
    frames: int
    width: int
    height: int
    voiced: bool
    sections: list[Section]
    beats: list[Beat]
    lines: list[Line]
    cues: list[Cue]

    @property
    def duration(self) -> float:
        return self.frames / self.fps


def load_lecture(folder: Path) -> Lecture:
    """The lecture in `folder`, or BadInput saying what is wrong with it."""
    if not folder.is_dir():
        raise BadInput(
            f"no lecture folder at {folder}: give the folder render.py wrote, "
            "e.g. renders/seed-0/1080p/"
        )
    timeline = folder / "beats.json"
    if not timeline.is_file():
        raise BadInput(f"{timeline} is missing: render the lecture with render.py, which writes it")
    try:
        data = json.loads(timeline.read_text(encoding="utf-8"))
        fps = float(data["fps"])
        video = folder / data.get("video", LECTURE_VIDEO)
        sections = [
            Section(int(s["number"]), str(s["title"]), s["start_frame"] / fps, s["end_frame"] / fps)
            for s in data["sections"]
        ]
        beats, lines = [], []
        for beat in data["beats"]:
            beats.append(Beat(int(beat["section"]), str(beat["name"]), beat["start"], beat["end"]))
            lines += [read_line(line, int(beat["section"])) for line in beat["lines"]]
        lecture = Lecture(
            folder=folder,
            video=video,
            title=str(data.get("title", "")),
            seed=data.get("seed"),
            quality=str(data.get("quality", "")),
            fps=fps,
            frames=int(data["frames"]),
            width=int(data["width"]),
            height=int(data["height"]),
            voiced=bool(data.get("voiced", True)),
            sections=sections,
            beats=beats,
            lines=sorted(lines, key=lambda line: line.start),
            cues=[],
        )
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, IndexError) as error:
        raise BadInput(
            f"{timeline} is not a lecture timeline ({type(error).__name__}: {error}): "
            "render the lecture again with render.py"
        ) from None
    if not video.is_file():
        raise BadInput(f"{video} is missing: render the lecture again with render.py")
    captions = video.with_suffix(".srt")
    if not captions.is_file():
        raise BadInput(f"{captions} is missing: render the lecture again with render.py")
    try:
        lecture.cues = read_cues(captions.read_text(encoding="utf-8"))
    except Exception as error:  # srt raises its own errors for a malformed file
        raise BadInput(
            f"{captions} is not a subtitle file ({type(error).__name__}): "
            "render the lecture again with render.py"
        ) from None
    return lecture


def read_line(line: dict, section: int) -> Line:
    spoken = line.get("spoken")
    words = None
    # Which words are the lesson's numbers; a folder that does not say counts every number.
    engine = set(line["numbers"]) if "numbers" in line else None
    if spoken is not None:
        words = tuple(
            Word(
                str(text),
                float(onset),
                float(end),
                line["id"],
                section,
                engine is None or k in engine,
            )
            for k, (text, onset, end) in enumerate(spoken)
        )
    marks = {str(name): float(t) for name, t in (line.get("marks") or {}).items()}
    return Line(line["id"], section, str(line["words"]), float(line["start"]), words, marks)


def read_cues(text: str) -> list[Cue]:
    import srt

    return [
        Cue(k, cue.start.total_seconds(), cue.end.total_seconds(), cue.content.strip())
        for k, cue in enumerate(srt.parse(text), start=1)
    ]


# Intervals ------------------------------------------------------------------------------


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


# Words: when each is said ---------------------------------------------------------------


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


# 1. Voice over still picture ------------------------------------------------------------


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


# 2. Silences ----------------------------------------------------------------------------


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


# 3. Pace --------------------------------------------------------------------------------


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


# 4. Captions ----------------------------------------------------------------------------


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


# 5. Spoken numbers ----------------------------------------------------------------------

NUMBER_AT_START = re.compile(r"^[(\[\"'\u201c\u2018]*([-\u2212\u2013]?\d[\d,]*(?:\.\d+)?%?)")
NUMBER_INSIDE = re.compile(r"\d[\d,]*(?:\.\d+)?%?")
READ_NUMBER = re.compile(r"-?\d+(?:\.\d+)?%?")


def normal_number(token: str) -> str:
    """A number as compared: one kind of minus, no thousands separators, no trailing comma."""
    token = token.translate(DASHES).rstrip(",")
    return re.sub(r"(?<=\d),(?=\d)", "", token)


def number_in_word(word: str) -> str | None:
    """The number a spoken word holds ("(17.3%)," -> "17.3%"), or None."""
    if not any(ch.isdigit() for ch in word):
        return None
    match = NUMBER_AT_START.match(word) or NUMBER_INSIDE.search(word)
    return normal_number(match.group(1) if match.re is NUMBER_AT_START else match.group(0))


def numbers_read(text: str) -> list[str]:
    """The numbers in an OCR reading, each a whole token."""
    text = text.translate(DASHES)
    text = re.sub(r"(?<=[\d.])[Oo]|[Oo](?=[.,]?\d)", "0", text)  # tesseract's O for 0
    text = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text)
    return READ_NUMBER.findall(text)


def shows(number: str, read: Iterable[str]) -> bool:
    """Whether a number the voice said is among the numbers read off the screen: the same
    value (a percentage also as a probability: 17.3% as 17.3 or 0.173); a negative number
    also without its minus sign, which tesseract often drops."""
    value = float(number.rstrip("%"))
    wanted = [value] + ([value / 100] if number.endswith("%") else [])
    for token in read:
        seen = float(token.rstrip("%"))
        for target in wanted:
            if math.isclose(seen, target, rel_tol=1e-9, abs_tol=1e-12):
                return True
            if target < 0 and not token.startswith("-") and math.isclose(seen, -target):
                return True
    return False


@dataclass
class SpokenNumber:
    number: str
    word: str
    start: float
    end: float
    line: str
    section: int


def spoken_numbers(words: Iterable[Word]) -> list[SpokenNumber]:
    """Every word that is one of the lesson's numbers (where the folder says which; else
    every word holding a digit), with when it is said. A layout number the voice says
    ("section 1", "between 0 and 1") is not held to the screen."""
    found = []
    for word in words:
        number = number_in_word(word.text)
        if number is not None and word.engine:
            found.append(
                SpokenNumber(number, word.text, word.start, word.end, word.line, word.section)
            )
    return found


@dataclass
class Sighting:
    """What the screen showed of a spoken number."""

    at_onset: bool
    at_end: bool
    appeared: float | None  # seconds from its word's onset it first showed (None: never)
    already: bool  # on screen TURN_BACK seconds before its word already

    @property
    def late(self) -> bool:
        return self.appeared is None or self.appeared > LATE + 1e-9

    def describe(self) -> str:
        if self.appeared is None:
            return f"NOT on screen (from {TURN_BACK:g} s before its word to {TURN_AHEAD:g} s after)"
        if self.already:
            return f"on screen, already {TURN_BACK:g} s before its word"
        if abs(self.appeared) < 0.05:
            return "on screen, turned over with its word"
        if self.appeared < 0:
            return f"on screen, turned over {-self.appeared:.1f} s before its word"
        verdict = "LATE: " if self.late else "on screen, "
        return f"{verdict}turned over {self.appeared:.1f} s after its word"


def sighting(
    present: Callable[[float], bool],
    onset: float,
    end: float,
    step: float = TURN_STEP,
    back: float = TURN_BACK,
    ahead: float = TURN_AHEAD,
) -> Sighting:
    """When a number showed, given `present(t)`: on screen at lecture time t. Searches the
    grid onset + k * step from `back` before to `ahead` after, assuming it stays once shown
    (a binary search: a few readings per number, not thirty)."""
    at_onset = present(onset)
    at_end = present(max(end - 1e-3, onset))

    def first_present(absent_k: int, present_k: int) -> int:
        while present_k - absent_k > 1:
            middle = (absent_k + present_k) // 2
            if present(onset + middle * step):
                present_k = middle
            else:
                absent_k = middle
        return present_k

    lowest = -round(back / step)
    if at_onset:
        if present(onset + lowest * step):
            return Sighting(True, at_end, lowest * step, True)
        return Sighting(True, at_end, first_present(lowest, 0) * step, False)
    highest = round(ahead / step)
    end_k = math.floor((end - onset) / step)
    probes = sorted({round(LATE / step), end_k, highest // 4, highest // 2, highest} - {0})
    absent_k = 0
    for k in (k for k in probes if 0 < k <= highest):
        if present(onset + k * step):
            return Sighting(False, at_end, first_present(absent_k, k) * step, False)
        absent_k = k
    return Sighting(False, at_end, None, False)


# Report ---------------------------------------------------------------------------------


@dataclass
class Motion:
    times: np.ndarray  # seconds of each compared picture
    steps: np.ndarray  # its difference from the picture before
    changed: np.ndarray  # bool: it changed (from the picture at the last change)
    end: float


@dataclass
class Sound:
    db: np.ndarray  # RMS level of consecutive WINDOW-second windows
    low: np.ndarray  # the waveform's min and max per 1 / PEAKS_PER_SECOND seconds
    high: np.ndarray


@dataclass
class Target:
    name: str
    figure: str
    target: str
    status: str  # PASS, FAIL, SKIP

    def line(self) -> str:
        return f"{self.name}: {self.figure} (target {self.target}) {self.status}"


def measure(
    lecture: Lecture,
    motion: Motion,
    sound: Sound | None,
    sightings: Sequence[Sighting] | None,
) -> dict:
    """Every figure of the report, as plain data (what --json writes). `sightings`: what
    the screen showed of each of `spoken_numbers(said(lecture, sound)[0])`, or None when
    they could not be read."""
    sections = lecture.sections
    loud = loud_intervals(sound.db) if sound is not None else None
    words, exact = said(lecture, sound)
    voiced = sound is not None
    report: dict = {
        "folder": str(lecture.folder),
        "title": lecture.title,
        "seed": lecture.seed,
        "quality": lecture.quality,
        "seconds": lecture.duration,
        "fps": lecture.fps,
        "voiced": voiced,
        "word_times": "beats.json" if exact else "estimated evenly over each line",
        "notes": [],
        "thresholds": {
            "still_seconds": STILL_SECONDS,
            "change_level": CHANGE_LEVEL,
            "motion_block": MOTION_BLOCK,
            "samples_per_second": SAMPLES_PER_SECOND,
            "caption_band": CAPTION_BAND,
            "silence_db": SILENCE_DB,
            "silence_seconds": SILENCE_SECONDS,
            "word_merge": WORD_MERGE,
        },
        "sections": [asdict(section) for section in sections],
    }

    if lecture.voiced and not voiced:
        report["notes"].append("beats.json says the film is voiced, but its video has no sound")
    if not exact:
        report["notes"].append(
            'beats.json has no word times (lines without "spoken"): each line\'s words are '
            "spread evenly over its speech, so pace and number timings are rough"
        )

    # 1. Voice over still picture.
    runs = still_runs(motion.times.tolist(), motion.changed.tolist(), motion.end)
    if voiced:
        speech = speech_intervals(words) if exact else loud or []
        seconds, per_section, worst = voice_over_still(runs, speech, words, sections)
        report["voice_over_still"] = {
            "seconds": seconds,
            "intervals": [list(piece) for piece in intersection(runs, speech)],
            "per_section": per_section,
            "runs": [asdict(run) for run in worst],
        }
    else:
        report["voice_over_still"] = None
    report["still_runs"] = [list(run) for run in runs]
    report["motion"] = {
        "times": motion.times.round(3).tolist(),
        "steps": motion.steps.round(2).tolist(),
    }

    # 2. Silences.
    if voiced:
        titles = [(b.start, b.end) for b in lecture.beats if b.name == "show_title"]
        found = silences(quiet_stretches(sound.db), titles, lecture.duration, sections)
        report["silences"] = [asdict(s) for s in found]
    else:
        report["silences"] = None

    # 3. Pace.
    if voiced:
        paces = cue_pace(lecture.cues, words, sections)
        gaps = line_gaps(lecture.lines, words)
        report["pace"] = {
            "cues": [asdict(p) for p in paces],
            "lecture": pace_figures(paces),
            "per_section": {
                s.number: pace_figures([p for p in paces if p.section == s.number])
                for s in sections
            },
        }
        report["gaps"] = {
            "lecture": gap_figures(gaps),
            "per_section": {
                s.number: gap_figures([g for g in gaps if g.section == s.number]) for s in sections
            },
            "short": [asdict(g) for g in gaps if g.seconds < LINE_GAP],
        }
    else:
        report["pace"] = report["gaps"] = None

    # 4. Captions.
    report["captions"] = [asdict(check) for check in caption_checks(lecture.cues, sections)]

    # 5. Spoken numbers.
    numbers = spoken_numbers(words)
    if sightings is None:
        report["numbers"] = None
        report["numbers_said"] = [asdict(n) for n in numbers]
    else:
        report["numbers"] = [
            asdict(n) | asdict(s) | {"late": s.late, "seen": s.describe()}
            for n, s in zip(numbers, sightings, strict=True)
        ]
    report["marks"] = [
        {"line": line.id, "name": name, "time": t}
        for line in lecture.lines
        for name, t in line.marks.items()
    ]
    report["cues"] = [asdict(cue) for cue in lecture.cues]
    report["targets"] = [asdict(t) for t in targets(report)]
    return report


def targets(report: dict) -> list[Target]:
    """A verdict per storyboard figure."""
    out = []
    silent = "skipped: a silent film"

    def verdict(ok: bool) -> str:
        return "PASS" if ok else "FAIL"

    still = report["voice_over_still"]
    if still is None:
        out.append(Target("voice over still picture", silent, "<= 20 s", "SKIP"))
    else:
        s = still["seconds"]
        out.append(
            Target(
                "voice over still picture",
                f"{s:.1f} s",
                f"<= {VOICE_OVER_STILL_TARGET:g} s",
                verdict(s <= VOICE_OVER_STILL_TARGET),
            )
        )
    found = report["silences"]
    if found is None:
        out.append(Target("silences over 3 s", silent, "none", "SKIP"))
    else:
        bad = [s for s in found if s["excused"] is None]
        longest = max((s["seconds"] for s in bad), default=0.0)
        figure = f"{len(bad)}" + (f", the longest {longest:.1f} s" if bad else "")
        out.append(Target("silences over 3 s", figure, "none", verdict(not bad)))
    pace = report["pace"]
    band = f"{PACE[0]:g}-{PACE[1]:g} wpm"
    if pace is None:
        out.append(Target("pace", silent, band, "SKIP"))
        out.append(Target("gaps between lines", silent, f">= {LINE_GAP:g} s", "SKIP"))
    else:
        figures = pace["lecture"]
        median = figures["median_wpm"]
        if median is None:
            out.append(Target("pace", "no cue matched to speech", band, "FAIL"))
        else:
            figure = f"median {median:.0f} wpm, {figures['share_in_band']:.0%} of cues in band"
            out.append(Target("pace", figure, band, verdict(PACE[0] <= median <= PACE[1])))
        gaps = report["gaps"]["lecture"]
        if gaps["min"] is None:
            out.append(Target("gaps between lines", "no two lines", f">= {LINE_GAP:g} s", "PASS"))
        else:
            figure = f"min {gaps['min']:.2f} s, {gaps['under_target']} under"
            out.append(
                Target(
                    "gaps between lines",
                    figure,
                    f">= {LINE_GAP:g} s",
                    verdict(gaps["min"] >= LINE_GAP - 1e-9),
                )
            )
    checks = report["captions"]
    for name, key, limit, figure, unit in (
        ("caption line length", "longest", MAX_LINE_CHARS, "longest {} characters", ""),
        ("caption lines a cue", "lines", MAX_CUE_LINES, "at most {}", ""),
        ("caption speed", "cps", MAX_CPS, "at most {:.1f} characters/s", " characters/s"),
    ):
        worst = max((c[key] for c in checks), default=0)
        over = sum(c[key] > limit for c in checks)
        out.append(
            Target(
                name,
                f"{figure.format(worst)}, {over} cues over",
                f"<= {limit:g}{unit}",
                verdict(not over),
            )
        )
    numbers = report["numbers"]
    if numbers is None:
        out.append(Target("spoken numbers on screen", "skipped: no tesseract", "all", "SKIP"))
    else:
        bad = sum(n["late"] for n in numbers)
        figure = f"{bad} of {len(numbers)} missing or late"
        out.append(
            Target(
                "spoken numbers on screen",
                figure,
                f"all, by {LATE:g} s after the word",
                verdict(not bad),
            )
        )
    return out


def format_report(report: dict) -> str:
    """The report as text: per section, the lecture, the lists, the verdicts."""
    out = []
    say = out.append
    voiced = report["voiced"]
    say(
        f"{report['title']}, seed {report['seed']}, {report['quality']}: "
        f"{report['seconds']:.1f} s at {report['fps']:g} fps, "
        f"{'voiced' if voiced else 'a silent film (no sound: sound checks skipped)'}"
    )
    say(f"{report['folder']}")
    say(f"word times: {report['word_times']}")
    for note in report["notes"]:
        say(f"note: {note}")
    say(
        f"picture change: a picture {SAMPLES_PER_SECOND} times a second changes when the mean "
        f"of some {MOTION_BLOCK}x{MOTION_BLOCK}-pixel block moves more than "
        f"{CHANGE_LEVEL:g}/255 from the last change; the bottom {CAPTION_BAND:.0%} "
        "(captions) is left out"
    )
    say("")
    for section in [*report["sections"], None]:
        say(section_summary(report, section))
    say("")
    still = report["voice_over_still"]
    if still is not None:
        say("Voice over still picture, the worst runs:")
        for run in still["runs"][:10]:
            say(
                f"  {clock(run['start'])}  still {run['seconds']:.1f} s, "
                f"{run['spoken']:.1f} s spoken:"
            )
            for line in run["lines"][:3]:
                say(f"      {shorten(line, 90)}")
        if not still["runs"]:
            say("  none")
    if report["silences"] is not None:
        say("Silences over 3 s (below -45 dBFS):")
        for s in report["silences"]:
            why = f"excused: {s['excused']}" if s["excused"] else "DEFECT"
            say(f"  {clock(s['start'])}  {s['seconds']:.1f} s  section {s['section']}  {why}")
        if not report["silences"]:
            say("  none")
    if report["pace"] is not None:
        off = [
            p
            for p in report["pace"]["cues"]
            if p["wpm"] is None or not PACE[0] <= p["wpm"] <= PACE[1]
        ]
        say(
            f"Cues outside {PACE[0]:g}-{PACE[1]:g} wpm: {len(off)} of {len(report['pace']['cues'])}"
        )
        for p in off[:15]:
            rate = "unmatched" if p["wpm"] is None else f"{p['wpm']:.0f} wpm"
            say(
                f"  {clock(p['start'])}  {rate:>9}  {p['words']} words in {p['seconds']:.2f} s"
                f"  {shorten(p['text'], 60)}"
            )
        short = report["gaps"]["short"]
        say(f"Gaps between lines under {LINE_GAP:g} s: {len(short)}")
        for g in short[:10]:
            say(f"  {clock(g['start'])}  {g['seconds']:.2f} s  {g['after']} -> {g['before']}")
    problems = [c for c in report["captions"] if c["problems"]]
    say(f"Caption problems: {len(problems)} of {len(report['captions'])} cues")
    for c in problems[:15]:
        say(
            f"  {clock(c['start'])}  cue {c['index']}: {'; '.join(c['problems'])}"
            f"  {shorten(c['text'], 50)}"
        )
    numbers = report["numbers"]
    if numbers is None:
        say("Spoken numbers: not read (tesseract is not installed: apt-get install tesseract-ocr)")
    else:
        say(f"Spoken numbers: {len(numbers)}")
        for n in numbers:
            say(f"  {clock(n['start'])}  {n['number']:>8}  {n['line']}  {n['seen']}")
    say("")
    say("Targets:")
    for t in report["targets"]:
        say("  " + Target(**t).line())
    return "\n".join(out)


def section_summary(report: dict, section: dict | None) -> str:
    """A section's figures (or the lecture's, for None), a few lines."""

    def mine(items):
        if items is None:
            return None
        return [i for i in items if section is None or i["section"] == section["number"]]

    if section is None:
        head = f"Whole lecture  0:00.0-{clock(report['seconds'])}"
        key = None
    else:
        head = (
            f"Section {section['number']}  {section['title']}  "
            f"{clock(section['start'])}-{clock(section['end'])}"
        )
        key = section["number"]
    rows = [head]
    still = report["voice_over_still"]
    if still is not None:
        seconds = still["seconds"] if key is None else still["per_section"][key]
        runs = mine(still["runs"])
        rows.append(f"  voice over still picture  {seconds:.1f} s, over {len(runs)} still runs")
    found = mine(report["silences"])
    if found is not None:
        bad = [s for s in found if s["excused"] is None]
        rows.append(f"  silences over 3 s         {len(bad)} ({len(found) - len(bad)} excused)")
    if report["pace"] is not None:
        pace = report["pace"]["lecture" if key is None else "per_section"]
        pace = pace if key is None else pace[key]
        gaps = report["gaps"]["lecture"] if key is None else report["gaps"]["per_section"][key]
        median = "-" if pace["median_wpm"] is None else f"{pace['median_wpm']:.0f}"
        share = "-" if pace["share_in_band"] is None else f"{pace['share_in_band']:.0%}"
        low = "-" if gaps["min"] is None else f"{gaps['min']:.2f}"
        middle = "-" if gaps["median"] is None else f"{gaps['median']:.2f}"
        rows.append(
            f"  pace                      median {median} wpm, {share} of cues in "
            f"{PACE[0]:g}-{PACE[1]:g}; gaps between lines min {low} s, "
            f"median {middle} s"
        )
    checks = mine(report["captions"])
    bad = sum(bool(c["problems"]) for c in checks)
    rows.append(f"  captions                  {len(checks)} cues, {bad} with problems")
    numbers = mine(report["numbers"])
    if numbers is not None:
        bad = sum(n["late"] for n in numbers)
        rows.append(f"  spoken numbers            {len(numbers)}, {bad} missing or late")
    return "\n".join(rows)


def shorten(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "\u2026"


# Decoding and reading -------------------------------------------------------------------


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


def brightness(pixels: np.ndarray) -> np.ndarray:
    """An RGB frame's brightest channel, the caption band cut off: the film's text is light
    and coloured on a near-black ground, and its brightest channel separates it from the
    ground whatever its hue."""
    return pixels[: int(round(pixels.shape[0] * (1 - CAPTION_BAND)))].max(axis=2)


def ocr_image(bright: np.ndarray, binary: bool = False):
    """A frame's brightness made ready for tesseract: dark text on white (the ground, the
    median, white; the brightest ink black), scaled up towards 1080 lines (at most 3x)."""
    from PIL import Image

    values = bright.astype(np.float32)
    ground = float(np.median(values))
    ink = max(float(np.percentile(values, 99.9)), ground + 1.0)
    darkness = np.clip((values - ground) / (ink - ground), 0.0, 1.0)
    if binary:
        darkness = (darkness > 0.4).astype(np.float32)
    image = Image.fromarray((255 * (1 - darkness)).astype(np.uint8))
    scale = min(max(OCR_HEIGHT / (bright.shape[0] / (1 - CAPTION_BAND)), 1.0), 3.0)
    if scale > 1.01:
        size = (round(image.width * scale), round(image.height * scale))
        image = image.resize(size, Image.Resampling.LANCZOS)
    return image


# How a frame is read, in turn, until the number is found: the picture as it is, as sparse
# text (numbers anywhere); thresholded to black and white; thresholded, as one block of text
# (this one reads the digits by an axis's ticks, "0-|", that sparse text misses).
READINGS = ((False, "11"), (True, "11"), (True, "6"))


def tesseract(image, layout: str = "11") -> str:
    """Tesseract's reading of a picture; `layout` is its page segmentation mode."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    result = subprocess.run(
        ["tesseract", "stdin", "stdout", "--psm", layout],
        input=buffer.getvalue(),
        capture_output=True,
        check=False,
        env=env,
    )
    return result.stdout.decode("utf-8", "replace")


def block_means(values: np.ndarray, size: int) -> np.ndarray:
    """The mean of each size x size block of a 2-D array (the ragged edge dropped)."""
    rows, columns = values.shape[0] // size, values.shape[1] // size
    blocks = values[: rows * size, : columns * size].reshape(rows, size, columns, size)
    return blocks.mean(axis=(1, 3))


class Screen:
    """The numbers on screen at chosen times of the lecture, read by tesseract.

    Decodes a frame when first asked (seeking to the keyframe before it) and reads it at
    most once; a frame that looks like one already read (no 4x4-pixel block's mean moved
    by CHANGE_LEVEL) reuses its reading. Only the frames' brightness is kept."""

    def __init__(self, video: Path, fps: float, frames: int) -> None:
        import av

        self.fps, self.frames = fps, frames
        self.container = av.open(str(video))
        self.stream = self.container.streams.video[0]
        self.stream.thread_type = "AUTO"
        self.bright: dict[int, np.ndarray] = {}
        self.readings: dict[tuple[int, int], list[str]] = {}
        self.looks: list[tuple[np.ndarray, int, list[str]]] = []
        self.ocr_runs = 0

    def close(self) -> None:
        self.container.close()

    def index(self, t: float) -> int:
        return min(max(int(math.floor(t * self.fps + 1e-6)), 0), self.frames - 1)

    def frame(self, index: int) -> np.ndarray | None:
        """The brightness of frame `index`, decoded from the keyframe before it."""
        if index in self.bright:
            return self.bright[index]
        base, origin = self.stream.time_base, self.stream.start_time or 0
        for lead in (0.0, 1.0, math.inf):  # seek again earlier when a seek lands past it
            target = max(index / self.fps - lead, 0.0)
            self.container.seek(origin + int(target / base), stream=self.stream, backward=True)
            for frame in self.container.decode(self.stream):
                at = round(float((frame.pts - origin) * base) * self.fps)
                if at > index:
                    break
                if at == index:
                    self.bright[index] = brightness(frame.to_ndarray(format="rgb24"))
                    return self.bright[index]
            if target == 0.0:
                break
        return None

    def numbers_at(self, t: float, reading: int = 0) -> list[str]:
        """The numbers read on screen at `t` the `reading`-th way (see READINGS)."""
        index = self.index(t)
        key = (index, reading)
        if key not in self.readings:
            bright = self.frame(index)
            if bright is None:
                self.readings[key] = []
                return []
            look = block_means(bright, 4)
            for other, way, found in self.looks:
                if way == reading and block_difference(look, other) <= CHANGE_LEVEL:
                    self.readings[key] = found
                    return found
            binary, layout = READINGS[reading]
            self.readings[key] = numbers_read(tesseract(ocr_image(bright, binary), layout))
            self.looks.append((look, reading, self.readings[key]))
            self.ocr_runs += 1
        return self.readings[key]

    def present(self, number: str) -> Callable[[float], bool]:
        """Whether `number` is on screen at a time: read one way, or else (a reading more,
        only then) the next (READINGS)."""
        return lambda t: any(
            shows(number, self.numbers_at(t, reading)) for reading in range(len(READINGS))
        )


def read_numbers(
    video: Path, fps: float, frames: int, numbers: list[SpokenNumber]
) -> list[Sighting]:
    """Where each spoken number was on screen, read off the frames around its word; numbers
    whose searches overlap share their frames and readings, two groups at a time
    (tesseract is one process a reading)."""
    if not numbers:
        return []
    windows = [(n.start - TURN_BACK, max(n.end, n.start + TURN_AHEAD)) for n in numbers]
    groups: list[list[int]] = []
    for k in sorted(range(len(numbers)), key=lambda k: windows[k][0]):
        if groups and windows[k][0] <= max(windows[j][1] for j in groups[-1]) + 0.05:
            groups[-1].append(k)
        else:
            groups.append([k])
    results: list[Sighting | None] = [None] * len(numbers)

    def run(group: list[int]) -> None:
        screen = Screen(video, fps, frames)
        try:
            for k in group:
                n = numbers[k]
                results[k] = sighting(screen.present(n.number), n.start, n.end)
        finally:
            screen.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(run, groups))
    return [r for r in results if r is not None]


# The timeline picture -------------------------------------------------------------------

ROW_SECONDS = 60.0
PX_PER_SECOND = 30
LEFT = 70
LANES = {"time": 20, "wave": 56, "motion": 40, "cues": 24, "marks": 16, "numbers": 22}
ROW_GAP = 14


def draw_timeline(report: dict, sound: Sound | None, destination: Path) -> None:
    """Rows of ROW_SECONDS: time and sections, the waveform with silences, picture motion
    with still runs (voice over them orange), the cues, the marks, the spoken numbers."""
    from PIL import Image, ImageDraw

    seconds = report["seconds"]
    rows = max(1, math.ceil(seconds / ROW_SECONDS - 1e-9))
    row_height = sum(LANES.values()) + ROW_GAP
    width = LEFT + int(ROW_SECONDS * PX_PER_SECOND) + 10
    image = Image.new("RGB", (width, 34 + rows * row_height), "white")
    draw = ImageDraw.Draw(image)
    font, small = fonts(13), fonts(10)
    title = f"{report['title']}, seed {report['seed']}, {report['quality']}: choreography"
    draw.text((8, 8), title, fill="black", font=font)

    def x_of(t: float) -> float:
        return LEFT + (t % ROW_SECONDS) * PX_PER_SECOND

    def pieces(start: float, end: float):
        """An interval cut at row ends: (row, x0, x1)."""
        t = start
        while t < end - 1e-9:
            row = int(t // ROW_SECONDS)
            stop = min(end, (row + 1) * ROW_SECONDS)
            yield row, x_of(t), LEFT + (stop - row * ROW_SECONDS) * PX_PER_SECOND
            t = stop

    def lane(row: int, name: str) -> tuple[int, int]:
        top = 34 + row * row_height
        for key, height in LANES.items():
            if key == name:
                return top, top + height
            top += height
        raise KeyError(name)

    for row in range(rows):
        for name in LANES:
            top, bottom = lane(row, name)
            draw.text((6, top + 2), name, fill="#666", font=small)
        top, bottom = lane(row, "time")
        start = row * ROW_SECONDS
        for second in range(int(start), int(min(start + ROW_SECONDS, seconds)) + 1):
            x = x_of(second) if second < start + ROW_SECONDS else LEFT + ROW_SECONDS * PX_PER_SECOND
            tall = second % 10 == 0
            draw.line([(x, bottom - (8 if tall else 3)), (x, bottom)], fill="#999")
            if tall:
                draw.text((x + 2, top), clock(second)[:-2], fill="#444", font=small)

    # Sections: a line where each starts, its title drawn last, over the waveform.
    titles = []
    for section in report["sections"]:
        for row, x0, _x1 in pieces(section["start"], section["start"] + 1e-3):
            top, _ = lane(row, "time")
            _, bottom = lane(row, "numbers")
            draw.line([(x0, top), (x0, bottom)], fill="#335", width=2)
            titles.append((x0 + 4, lane(row, "wave")[0] + 1, section))

    # Waveform and silences.
    if sound is not None:
        per_pixel = PEAKS_PER_SECOND / PX_PER_SECOND
        for column in range(int(seconds * PX_PER_SECOND)):
            a, b = int(column * per_pixel), int((column + 1) * per_pixel)
            if a >= len(sound.low):
                break
            low, high = float(sound.low[a:b].min()), float(sound.high[a:b].max())
            row = column // int(ROW_SECONDS * PX_PER_SECOND)
            x = LEFT + column % int(ROW_SECONDS * PX_PER_SECOND)
            top, bottom = lane(row, "wave")
            middle, half = (top + bottom) / 2, (bottom - top) / 2 - 2
            draw.line([(x, middle - high * half), (x, middle - low * half)], fill="#4a6fa5")
        for s in report["silences"] or []:
            for row, x0, x1 in pieces(s["start"], s["start"] + s["seconds"]):
                top, bottom = lane(row, "wave")
                colour = "#f3c0c0" if s["excused"] else "#e03030"
                draw.rectangle([x0, bottom - 6, x1, bottom - 1], fill=colour)
    else:
        for row in range(rows):
            top, _ = lane(row, "wave")
            draw.text((LEFT + 4, top + 20), "a silent film: no sound", fill="#999", font=small)

    # Picture motion: still runs shaded, speech over them orange, the change curve.
    spoken = report["voice_over_still"]["intervals"] if report["voice_over_still"] else []
    for start, end in report["still_runs"]:
        for row, x0, x1 in pieces(start, end):
            top, bottom = lane(row, "motion")
            draw.rectangle([x0, top + 1, x1, bottom - 1], fill="#e4e4e4")
    for start, end in spoken:
        for row, x0, x1 in pieces(start, end):
            top, bottom = lane(row, "motion")
            draw.rectangle([x0, bottom - 7, x1, bottom - 1], fill="#f0a030")
    times, steps = report["motion"]["times"], report["motion"]["steps"]
    previous = None
    for t, step in zip(times, steps, strict=True):
        row = int(t // ROW_SECONDS)
        top, bottom = lane(row, "motion")
        level = min(math.log1p(step) / math.log1p(4 * CHANGE_LEVEL), 1.0)
        point = (x_of(t), bottom - 2 - level * (bottom - top - 4), row)
        if previous is not None and previous[2] == row:
            draw.line([previous[:2], point[:2]], fill="#2a8a4a")
        previous = point
    for row in range(rows):
        top, bottom = lane(row, "motion")
        y = (
            bottom
            - 2
            - math.log1p(CHANGE_LEVEL) / math.log1p(4 * CHANGE_LEVEL) * (bottom - top - 4)
        )
        for x in range(LEFT, width - 10, 8):
            draw.line([(x, y), (x + 3, y)], fill="#aaa")

    # Cues.
    for k, cue in enumerate(report["cues"]):
        for row, x0, x1 in pieces(cue["start"], cue["end"]):
            top, bottom = lane(row, "cues")
            colour = "#cfe0f5" if k % 2 else "#dcead0"
            draw.rectangle([x0, top + 2, x1, bottom - 2], fill=colour, outline="#889")
            label = fitted(cue["text"].replace("\n", " "), x1 - x0 - 4, small)
            draw.text((x0 + 2, top + 6), label, fill="black", font=small)

    # Marks.
    for mark in report["marks"]:
        for row, x0, _x1 in pieces(mark["time"], mark["time"] + 1e-3):
            top, bottom = lane(row, "marks")
            draw.line([(x0, top + 1), (x0, bottom - 1)], fill="#7a3fa0", width=2)
            draw.text(
                (x0 + 3, top + 2), fitted(mark["name"], 60, small), fill="#7a3fa0", font=small
            )

    # Spoken numbers.
    for n in report["numbers"] or report.get("numbers_said", []):
        ok = not n.get("late", False)
        colour = "#1f9a3a" if ok else "#e03030"
        for row, x0, _x1 in pieces(n["start"], n["start"] + 1e-3):
            top, bottom = lane(row, "numbers")
            draw.ellipse([x0 - 4, top + 3, x0 + 4, top + 11], fill=colour)
            draw.text((x0 + 6, top + 2), n["number"], fill=colour, font=small)

    for x, y, section in titles:
        label = f"{section['number']} {section['title']}"
        draw.rectangle([x - 1, y, x + font.getlength(label) + 2, y + 15], fill="white")
        draw.text((x, y), label, fill="#335", font=font)
    image.save(destination, format="PNG")


def fonts(size: int):
    from PIL import ImageFont

    for name in ("DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default()


def fitted(text: str, width: float, font) -> str:
    """The text cut to fit `width` pixels, with an ellipsis when cut."""
    if width <= 8:
        return ""
    if font.getlength(text) <= width:
        return text
    while text and font.getlength(text + "\u2026") > width:
        text = text[:-1]
    return text + "\u2026" if text else ""


# Command line ---------------------------------------------------------------------------


def choreography(folder: Path) -> tuple[dict, Sound | None]:
    """Read the folder and measure it: the report's data, and the sound for the picture.
    Tesseract reads the spoken numbers while the picture's motion is decoded."""
    import av

    lecture = load_lecture(folder)
    try:
        sound = read_sound(lecture.video)
        if sound is not None:
            sound = padded_to(sound, lecture.duration)
        numbers = spoken_numbers(said(lecture, sound)[0])
        with ThreadPoolExecutor(max_workers=1) as reader:
            seen = None
            if shutil.which("tesseract"):
                seen = reader.submit(
                    read_numbers, lecture.video, lecture.fps, lecture.frames, numbers
                )
            motion = read_motion(lecture.video, lecture.fps, lecture.frames)
            sightings = seen.result() if seen is not None else None
    except (av.error.FFmpegError, OSError, ValueError) as error:
        raise BadInput(
            f"{lecture.video} cannot be read ({type(error).__name__}: {error}): "
            "render the lecture again with render.py"
        ) from None
    return measure(lecture, motion, sound, sightings), sound


def plain_json(value):
    """numpy's scalars as JSON numbers."""
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON")


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m publishing.choreography",
        description="How a lecture's voice and picture move together: voice over still "
        "pictures, silences, pace, captions and spoken numbers, against the storyboard's "
        "targets.",
    )
    parser.add_argument("folder", type=Path, help="a lecture folder, e.g. renders/seed-0/1080p/")
    parser.add_argument(
        "--picture",
        type=Path,
        help=f"where to draw the timeline (PNG); default {PICTURE} in the folder",
    )
    parser.add_argument("--json", type=Path, help="write every figure and list here as JSON")
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 when a target fails (default: always 0)"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    from common.files import whole_or_absent

    arguments = parse_arguments(argv)
    try:
        report, sound = choreography(arguments.folder)
    except BadInput as error:
        print(f"choreography: {error}", file=sys.stderr)
        return 2
    print(format_report(report))
    picture = arguments.picture or arguments.folder / PICTURE
    try:
        with whole_or_absent(picture) as partial:
            draw_timeline(report, sound, partial)
        print(f"timeline: {picture}")
        if arguments.json:
            with whole_or_absent(arguments.json) as partial:
                text = json.dumps(report, indent=1, ensure_ascii=False, default=plain_json)
                partial.write_text(text + "\n")
            print(f"figures: {arguments.json}")
    except OSError as error:
        print(
            f"choreography: cannot write ({error}): choose another --picture or --json path",
            file=sys.stderr,
        )
        return 2
    failed = any(t["status"] == "FAIL" for t in report["targets"])
    return 1 if arguments.strict and failed else 0


if __name__ == "__main__":
    sys.exit(main())
