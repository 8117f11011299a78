"""The lecture as its folder describes it: beats.json's sections, beats and lines (with
their words' times when it has them) and the .srt's cues; BadInput says what is wrong
with a folder that cannot be read."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

LECTURE_VIDEO = "the-mechanics-of-learning.mp4"


class BadInput(Exception):
    """A folder this report cannot read; the message says what to do."""


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
