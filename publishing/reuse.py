"""Render keys and reuse: a section rendered before is not rendered again.

A finished section leaves, beside its video, a record of the key it was rendered under: a
digest of everything that decides its pixels (its scene file, the shared scene modules,
the engine, the voices, the seed, the quality, Manim's command line and the library
versions). A later run with the same key reuses the video instead of rendering it again; a
change to any of those inputs, or a different seed, never does. Because the record is
written last, a run that crashed or was interrupted resumes from the sections it finished.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

from common.files import add_files, sha256
from publishing import soundtrack, video
from publishing.captions import twin
from publishing.film import ROOT, SECTIONS, Section
from publishing.job import Job, Outcome
from publishing.manim_process import manim_arguments
from scenes.sections import ending_card
from voices.base import SHARED_CODE

RECORD_VERSION = 2  # 2: the scene's lines, beats and key frames in one report


def source_files(section: Section, sections: Sequence[Section]) -> list[Path]:
    """The files whose content decides a section's pixels and sound: its own scene, the
    shared scene modules (every scene module that is not another section's), the engine,
    the voices' shared code (speech sets the beats' lengths) and the common layer below them
    (its audio makes the sound). Each voice's own module is read by its key instead
    (`voice_key`), so editing one voice re-renders only the films it speaks."""
    # Every section's scene file is its own, including the film's when tests or benchmarks
    # swap in other sections.
    others = {other.file.resolve() for other in (*SECTIONS, *sections) if other != section}
    shared = [
        path
        for path in sorted((ROOT / "scenes").glob("*.py"))
        if path.resolve() not in others and path.resolve() != section.file.resolve()
    ]
    engine = sorted((ROOT / "mechanics").glob("*.py"))
    voices = [ROOT / "voices" / name for name in (*SHARED_CODE, "registry.py")]
    return [section.file, *shared, *engine, *voices, *sorted((ROOT / "common").glob("*.py"))]


def add_sources(digest: hashlib._Hash, section: Section, sections: Sequence[Section]) -> None:
    """Feed the digest every file that decides the section (see `source_files`)."""
    add_files(digest, source_files(section, sections))


def voice_key(job: Job) -> dict:
    """What decides the section's speech (or, in a silent film, its reading time)."""
    return job.speaker().key(job.section.stem)


def ending(section: Section, film: Sequence[Section]) -> list | None:
    """What the film's ending shows, when `section` plays it (the registry's last section,
    scenes/closing.py): the closing card's sections; None for every other section. A section
    added after it re-renders it without the card."""
    card = ending_card(section, film)
    return [[s.number, s.short_title, s.closing_word] for s in card] or None


def render_key(job: Job, sections: Sequence[Section], versions: dict[str, str]) -> str:
    """A digest of every input that decides the section's video (see the module's doc)."""
    digest = hashlib.sha256()
    described = {
        "record": RECORD_VERSION,
        "seed": job.seed,
        "quality": [job.quality.name, job.quality.width, job.quality.height, job.quality.fps],
        "scene": job.section.scene,
        "manim": manim_arguments(job.quality),
        "versions": versions,
        "voice": voice_key(job),
        "sound": [soundtrack.AAC_BIT_RATE, soundtrack.AAC_OPTIONS, video.SPEECH_LANGUAGE]
        if job.spoken
        else None,
        "title": video.section_title(job.section, job.seed),  # in the MP4's metadata
        "captions": job.caption_mode,
        "ending": ending(job.section, job.film),
    }
    digest.update(json.dumps(described, sort_keys=True).encode())
    add_sources(digest, job.section, sections)
    return digest.hexdigest()


def read_record(job: Job) -> dict:
    try:
        return json.loads(job.record.read_text())
    except (OSError, ValueError):
        return {}


def finished(job: Job, key: str) -> dict | None:
    """The record of an earlier render this run can reuse, or None."""
    record = read_record(job)
    if record.get("key") != key or (job.stills and not record.get("stills")):
        return None
    if not job.video.is_file() or sha256(job.video) != record.get("video_sha256"):
        return None
    if not job.report.is_file() or sha256(job.report) != record.get("report_sha256"):
        return None
    if record.get("captions") and not (job.captions.is_file() and twin(job.captions).is_file()):
        return None
    if job.spoken and (not job.speech.is_file() or sha256(job.speech) != record.get("speech")):
        return None
    return record


def plan(
    jobs: Sequence[Job], sections: Sequence[Section], versions: dict[str, str]
) -> tuple[list[Outcome], list[tuple[Job, str]]]:
    """Split the jobs into those an earlier run finished (reused as they are) and those to
    render, each with its key."""
    reused, to_render = [], []
    for job in jobs:
        key = render_key(job, sections, versions)
        record = finished(job, key)
        if record:
            reused.append(Outcome(job, record["seconds_of_video"], 0.0, reused=True))
        else:
            to_render.append((job, key))
    return reused, to_render
