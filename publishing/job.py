"""One section of one seed's lecture to render (`Job`), where its files go, and what became
of it (`Outcome`, `Finished`, `RenderError`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from publishing.film import SECTIONS, Quality, Section
from scenes.contract import BURNED, SceneReport, SceneRequest
from voices.base import Voice, speech_cache
from voices.registry import SILENT, voice_named


class RenderError(Exception):
    """A section that did not render: one line naming it and its log."""


@dataclass(frozen=True)
class Job:
    """One section of one seed's lecture at one quality."""

    section: Section
    seed: int
    quality: Quality
    folder: Path  # <out>/seed-<N>/<quality>
    stills: bool = False
    voice: str = SILENT  # a voice's name in voices/registry.py, or a folder of recordings
    caption_mode: str = BURNED  # burned into the picture, or only in the .srt ("file")
    film: tuple[Section, ...] = SECTIONS  # the registry it is a section of (its last ends it)

    @property
    def name(self) -> str:
        return f"seed {self.seed} {self.section.stem}"

    @property
    def media(self) -> Path:
        return self.folder / ".manim" / self.section.stem

    @property
    def log(self) -> Path:
        return self.folder / "logs" / f"{self.section.stem}.log"

    @property
    def video(self) -> Path:
        return self.folder / f"{self.section.stem}.mp4"

    @property
    def captions(self) -> Path:
        return self.video.with_suffix(".srt")

    @property
    def report(self) -> Path:
        """The scene's report, installed: its lines, beats, key frames and captions."""
        return self.media / "report.json"

    @property
    def progress(self) -> Path:
        """How many animations the running scene has played, noted after each."""
        return self.media / "progress"

    @property
    def speech(self) -> Path:
        """The section's sound track as 48 kHz PCM, kept to join into the lecture's."""
        return self.media / "speech.wav"

    def speaker(self) -> Voice:
        """The section's voice, made from its name: the one place render.py's side does."""
        return voice_named(self.voice)

    @property
    def spoken(self) -> bool:
        """Whether the section has a sound track (its voice speaks)."""
        return self.speaker().speaks

    @property
    def record(self) -> Path:
        return self.media / "render.json"

    @property
    def still_folder(self) -> Path:
        return self.folder / "stills" / self.section.stem

    def request(self, report: Path) -> SceneRequest:
        """What the scene is asked to draw, and where it says what it did (`report`, in the
        render attempt's own folder: a twin on another node writes its own). The speech cache
        is this machine's (a worker's own, on a cluster)."""
        return SceneRequest(
            seed=self.seed,
            section=self.section.stem,
            film=self.film,
            quality=self.quality.name,
            voice=self.voice,
            speech_cache=str(speech_cache()) if self.spoken else None,
            captions=self.caption_mode,
            report=str(report),
            progress=str(self.progress),
            stills=str(self.still_folder) if self.stills else None,
        )

    def scene_report(self) -> SceneReport | None:
        """The report of the section's last render, or None when there is none to read."""
        return read_report(self.report)


def read_report(path: Path) -> SceneReport | None:
    """A scene's report, or None when there is none to read (the scene failed, or it was
    cut off: a report is written whole or not at all)."""
    try:
        return SceneReport.read(path)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def describe(job: Job) -> str:
    return f"section {job.section.number} ({job.section.title}) of seed {job.seed}"


@dataclass(frozen=True)
class Outcome:
    job: Job
    seconds_of_video: float
    seconds_to_render: float
    reused: bool
    peak_memory_mb: float | None = None  # of the Manim process; None when reused


@dataclass(frozen=True)
class Finished:
    """What became of a seed's lecture, and what to tell the person waiting."""

    ready: bool  # the folder holds the finished lecture (assembled now or before)
    said: tuple[str, ...]


def in_one_line(error: BaseException) -> str:
    """An error's message on one line (its type's name when it has none)."""
    return " ".join(str(error).split()) or type(error).__name__


def failure_line(error: BaseException, context: str) -> str:
    """Why a task failed, in one line: a RenderError says it all; others get `context`
    (a Dask worker lost too often comes back as its KilledWorker)."""
    if isinstance(error, RenderError):
        return str(error)
    if type(error).__name__ == "KilledWorker":
        return (
            f"{context}: the workers that ran it died each time (killed, out of memory or "
            "lost); see the workers' logs"
        )
    return f"{context}: {type(error).__name__}: {in_one_line(error)}"


def assembly_failure(seed: int, error: BaseException) -> str:
    """Why a seed's lecture could not be assembled, in one line."""
    return f"seed {seed}: the lecture could not be assembled: {in_one_line(error)}"
