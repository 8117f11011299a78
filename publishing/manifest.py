"""manifest.json: what was rendered, with what, and the numbers a lecturer may quote.

It carries no clock time, so rendering the same seed and quality again on the same machine
writes the same manifest; its SHA-256s make a regeneration checkable file by file.
"""

from __future__ import annotations

import importlib.metadata
import json
import platform
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import av

from common.files import sha256, whole_or_absent
from mechanics import Lesson
from mechanics import formatting as fmt
from publishing import video
from publishing.film import TITLE, Quality
from publishing.roster import Student
from publishing.soundtrack import SoundFacts

PROJECT = "mechanics-of-learning"


@dataclass(frozen=True)
class Entry:
    """A file of the lecture folder and, for videos, its place in the lecture."""

    path: Path
    kind: str  # "lecture", "section", "captions", "chapters", "thumbnail", "explore", ...
    title: str = ""
    start: float | None = None  # seconds from the lecture's start, for sections


@dataclass(frozen=True)
class Speech:
    """Who speaks the lecture, and how its sound measures."""

    voice: dict  # the voice's own description (name, engine, model card)
    sound: SoundFacts


def speech_entry(speech: Speech | None) -> dict:
    if speech is None:
        return {"voice": None, "audio": None}
    sound = speech.sound
    return {
        "voice": speech.voice,
        "audio": {
            "codec": f"{sound.codec} {sound.profile}",
            "sample_rate": sound.sample_rate,
            "channels": sound.channels,
            "integrated_loudness_lufs": round(sound.loudness_lufs, 2),
            "true_peak_dbtp": round(sound.true_peak_dbtp, 2),
        },
    }


def versions() -> dict[str, str]:
    """The versions that decide the pixels: the project, Manim, numpy, PyAV (its FFmpeg)."""
    found = {"python": platform.python_version()}
    for name in (PROJECT, "manim", "numpy", "av", "manimpango", "pycairo"):
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = "not installed"
    found["ffmpeg (libavformat)"] = ".".join(map(str, av.library_versions["libavformat"]))
    return found


def key_numbers(lesson: Lesson) -> dict:
    """The numbers the lecture shows that a lecturer is likely to quote, exact and as shown."""
    target = lesson.target_index
    first, last = lesson.trace[0], lesson.trace[-1]
    run = lesson.second_run
    first_guess = dict(zip(lesson.candidates, map(float, first.probabilities), strict=True))
    return {
        "target": lesson.target,
        "tokens": list(lesson.tokens),
        "candidates": list(lesson.candidates),
        "steps": len(lesson.trace) - 1,
        "learning_rate": lesson.learning_rate,
        "first_guess": {
            "probabilities": first_guess,
            "top_candidate": lesson.candidates[int(first.probabilities.argmax())],
        },
        "initial_target_probability": float(first.probabilities[target]),
        "initial_target_probability_shown": fmt.percent(first.probabilities[target]),
        "final_target_probability": float(last.probabilities[target]),
        "final_target_probability_shown": fmt.percent(last.probabilities[target]),
        "initial_loss": float(first.loss),
        "final_loss": float(last.loss),
        "losses_per_step": [float(step.loss) for step in lesson.trace],
        "losses_per_step_shown": [fmt.loss_value(step.loss) for step in lesson.trace],
        "target_probability_per_step": [float(p) for p in lesson.target_probabilities],
        "wiggle": {
            "weight": f"{lesson.wiggle.name}[{lesson.wiggle.index[0]}, {lesson.wiggle.index[1]}]",
            "start": float(lesson.wiggle.start),
            "valley": float(lesson.wiggle.valley),
            "valley_loss": float(lesson.wiggle.valley_loss),
        },
        "landscape": {
            "floor": lesson.landscape.floor,
            "walls": [float(wall) for wall in lesson.landscape.walls],
            "floor_past_the_last_step": lesson.landscape.beyond,
        },
        "second_run": {
            "training_sentences": run.train_count,
            "held_out_sentences": run.held_out_count,
            "held_out_right_before": int(run.held_out_right[0]),
            "held_out_right_after": int(run.held_out_right[-1]),
            "training_loss": [float(run.train_losses[0]), float(run.train_losses[-1])],
            "held_out_loss": [float(run.held_out_losses[0]), float(run.held_out_losses[-1])],
        },
        "networks_drawn_for_this_seed": lesson.draws,
    }


def file_entry(folder: Path, entry: Entry) -> dict:
    described = {
        "file": entry.path.relative_to(folder).as_posix(),
        "kind": entry.kind,
        "bytes": entry.path.stat().st_size,
        "sha256": sha256(entry.path),
    }
    if entry.title:
        described["title"] = entry.title
    if entry.start is not None:
        described["start_seconds"] = round(entry.start, 6)
    if entry.path.suffix == ".mp4":
        facts = video.facts(entry.path)
        described |= {
            "seconds": round(facts.frames / float(facts.frame_rate), 6),
            "frames": facts.frames,
            "width": facts.width,
            "height": facts.height,
            "fps": float(facts.frame_rate),
            "codec": f"{facts.codec} {facts.profile}, {facts.pixel_format}",
        }
    return described


def write_manifest(
    folder: Path,
    lesson: Lesson,
    quality: Quality,
    entries: Sequence[Entry],
    speech: Speech | None = None,
    assembled_from: dict | None = None,
    student: Student | None = None,
) -> Path:
    """Write manifest.json (under a temporary name, then renamed) and return its path."""
    manifest = {
        "title": TITLE,
        "seed": lesson.seed,
        "student": {"id": student.id, "name": student.name} if student else None,
        "quality": {
            "name": quality.name,
            "width": quality.width,
            "height": quality.height,
            "fps": quality.fps,
        },
        "versions": versions(),
        **speech_entry(speech),
        "files": [file_entry(folder, entry) for entry in entries],
        "key_numbers": key_numbers(lesson),
        "assembled_from": assembled_from,
    }
    destination = folder / "manifest.json"
    with whole_or_absent(destination) as partial:
        partial.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return destination
