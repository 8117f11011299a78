"""The contract between render.py and a section's scene process: one request in, one report out.

    render.py --seed 7 ...
      -> Job.request()                            what the section is asked for (SceneRequest)
      -> <media>/request.json                     written by the parent
      -> python -m publishing.manim_cli render --request <media>/request.json ...
      -> hand_over(request)                       in the scene process, before any scene is made
      -> LessonScene: handed().seed               the lesson, the voice, where captions go
      -> <media>/report.json                      the SceneReport, written when the scene is done

The request says everything the scene may depend on besides its code: the seed and the
engine's settings, the section and the film's registry it is a section of (the last section
plays the closing card, scenes/closing.py), the quality's name, the voice and where its
speech is kept, where captions go, and where to write the report, the progress and the
stills. The report
says what the scene did: every line it spoke (with its clip and word times), its beats and key
frames, its captions as an .srt, how many animations it played, and what it was made from.
While the scene renders, the process rewrites `progress` after every animation, so the parent
can say how far it has got without reading Manim's log.

A plain `manim render scenes/loss.py Loss` hands nothing over: the scene draws the default
request (seed 0, silent, captions burned in) and reports to no one.

This module imports no Manim, so render.py can read it before checking the machine.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

from common.files import whole_or_absent
from mechanics import check_seed
from mechanics.settings import DEFAULT_SETTINGS, Settings
from scenes.sections import Section
from voices.registry import SILENT

BURNED, FILE = "burned", "file"  # where captions go: into the picture, or only the .srt
CONTRACT_VERSION = 1


def settings_from(data: dict) -> Settings:
    """Settings from their JSON form (lists back to the tuples the dataclass holds)."""
    return Settings(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})


def request_from(data: dict) -> SceneRequest:
    """A request from its JSON form."""
    film = tuple(Section(**{**s, "file": Path(s["file"])}) for s in data.pop("film", ()))
    return SceneRequest(**{**data, "settings": settings_from(data["settings"]), "film": film})


def as_json(data: dict) -> str:
    return json.dumps({"contract": CONTRACT_VERSION, **data}, indent=1, default=str)


class OneFile:
    """A side of the contract as one JSON file, written whole or not at all."""

    def write(self, path: Path) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        with whole_or_absent(Path(path)) as partial:
            partial.write_text(self.to_json())

    @classmethod
    def read(cls, path: Path):
        return cls.from_json(Path(path).read_text())


@dataclass(frozen=True)
class SceneRequest(OneFile):
    """What a section's scene is asked to draw, and where to say what it did."""

    seed: int = 0
    settings: Settings = DEFAULT_SETTINGS
    section: str = ""  # the section's stem ("02-loss"); "" when a plain Manim run
    film: tuple[Section, ...] = ()  # the film's registry, in order; (): scenes/sections.py's
    quality: str = ""  # the quality's name, recorded in the report
    voice: str = SILENT  # a voice's name in voices/registry.py, or a folder of recordings
    speech_cache: str | None = None  # where clips are kept; None: the voice's default
    captions: str = BURNED
    report: str | None = None  # where to write the SceneReport
    progress: str | None = None  # where to note the animations played so far
    stills: str | None = None  # a folder for each beat's key frame as PNG

    def __post_init__(self) -> None:
        check_seed(self.seed)
        if self.captions not in (BURNED, FILE):
            raise ValueError(f"captions must be {BURNED!r} or {FILE!r}, got {self.captions!r}")

    def to_json(self) -> str:
        return as_json(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> SceneRequest:
        data = json.loads(text)
        if data.pop("contract", None) != CONTRACT_VERSION:
            raise ValueError("a scene request of another version of this project")
        return request_from(data)

    def with_seed(self, seed: int, settings: Settings | None = None) -> SceneRequest:
        return replace(self, seed=seed, settings=self.settings if settings is None else settings)


@dataclass(frozen=True)
class SceneReport(OneFile):
    """What a scene did, for the parent to install: its lines, beats, key frames and
    captions, how many animations it played, and the request it was made from."""

    request: SceneRequest
    lines: tuple[dict, ...] = ()  # id, words, start, times, marks (and clip, seconds)
    beats: tuple[dict, ...] = ()  # name, start_frame, end_frame, lines
    key_frames: tuple[dict, ...] = ()  # name, seconds
    captions: str | None = None  # the .srt as Manim composes it; None: no captions
    animations: int = 0
    stills: tuple[str, ...] = field(default=())  # the PNGs saved, in order

    def to_json(self) -> str:
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "request"}
        data["request"] = asdict(self.request)
        return as_json(data)

    @classmethod
    def from_json(cls, text: str) -> SceneReport:
        data = json.loads(text)
        if data.pop("contract", None) != CONTRACT_VERSION:
            raise ValueError("a scene report of another version of this project")
        request = request_from(data.pop("request"))
        tuples = {k: tuple(v) for k, v in data.items() if isinstance(v, list)}
        return cls(request=request, **{**data, **tuples})


def note_progress(request: SceneRequest, animations: int) -> None:
    """Note how many animations the scene has played, where the parent looks for it."""
    if request.progress:
        with whole_or_absent(Path(request.progress)) as partial:
            partial.write_text(str(animations))


def read_progress(path: Path) -> int:
    """The animations a running scene has played so far (0 before its first)."""
    try:
        return int(path.read_text())
    except (OSError, ValueError):
        return 0


_handed: list[SceneRequest] = []  # the request this process was handed, when it was


def hand_over(request: SceneRequest) -> None:
    """Give this process's scenes their request: the scene process's entry point
    (publishing.manim_cli) calls it once, before Manim makes the scene."""
    _handed[:] = [request]


def handed() -> SceneRequest:
    """The request this process was handed, or the default of a plain Manim run."""
    return _handed[0] if _handed else SceneRequest()
