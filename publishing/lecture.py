"""The full lecture: the sections joined, with its captions, chapters, thumbnail, presenter
page, the machine to explore, worksheet and manifest.

The manifest is written last, so a folder with a manifest.json is a finished lecture. The
lecture's files are removed before any of its sections is rendered again, and every file
appears whole or not at all, so an interrupted run never leaves a lecture looking finished
that does not match its sections.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from common import audio
from common.files import add_files, sha256, whole_or_absent
from mechanics import lesson
from publishing import captions, reuse, soundtrack, video
from publishing.captions import Part
from publishing.explore import TEMPLATE as EXPLORE_TEMPLATE
from publishing.explore import explore_file, write_explore
from publishing.film import (
    LECTURE_STEM,
    SUBTITLE,
    TITLE,
    Quality,
    Section,
)
from publishing.job import Finished, Job
from publishing.manifest import Entry, Speech, write_manifest
from publishing.presenter import PAGE, PAGE_SOURCE, presenter_files, write_presenter
from publishing.roster import course_of, student_of
from publishing.thumbnail import make_thumbnail
from publishing.worksheet import worksheet_files, write_worksheet

CHAPTERS = "chapters.txt"
THUMBNAIL = "thumbnail.png"
MANIFEST = "manifest.json"


def lecture_files(folder: Path) -> list[Path]:
    names = [f"{LECTURE_STEM}.mp4", f"{LECTURE_STEM}.srt", f"{LECTURE_STEM}.vtt"]
    names += [CHAPTERS, THUMBNAIL]
    return [
        *(folder / name for name in names),
        *presenter_files(folder),
        explore_file(folder),
        *worksheet_files(folder),
        folder / MANIFEST,
    ]


def assembly_inputs(jobs: Sequence[Job]) -> dict:
    """What the lecture is assembled from, beyond the files the manifest lists with their
    SHA-256 (each section's video and captions): the sections in order, each one's sound
    track, the voice, the student whose lecture it is (a corrected name makes it again)
    and the code that assembles it."""
    student = student_of(course_of(jobs[0].folder), jobs[0].seed)
    code = hashlib.sha256()
    add_files(code, [*sorted(Path(__file__).parent.glob("*.py")), PAGE_SOURCE, EXPLORE_TEMPLATE])
    return {
        "sections": [job.section.stem for job in jobs],
        "speech": [sha256(job.speech) if job.spoken else None for job in jobs],
        "voice": jobs[0].voice,
        "student": [student.id, student.name] if student else None,
        "code": code.hexdigest(),
    }


def up_to_date(folder: Path, jobs: Sequence[Job]) -> bool:
    """Whether the folder already holds the finished lecture of exactly these sections: a
    re-run with nothing changed then leaves it as it is instead of assembling it again
    (with sound, that is an AAC encode and a loudness measurement, some 10 s at 1080p)."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        return False
    if manifest.get("assembled_from") != assembly_inputs(jobs):
        return False
    return all(
        (folder / entry["file"]).is_file() and sha256(folder / entry["file"]) == entry["sha256"]
        for entry in manifest.get("files", [])
    )


def clear(folder: Path) -> None:
    """Remove the lecture's files: its sections are about to change."""
    for path in lecture_files(folder):
        path.unlink(missing_ok=True)


@dataclass(frozen=True)
class Lecture:
    video: Path
    seconds: float
    copied: bool  # joined without re-encoding
    chapters_note: str | None  # why there is no chapters.txt, when there is none


def assemble(folder: Path, seed: int, quality: Quality, jobs: Sequence[Job]) -> Lecture:
    """Join the rendered sections (every section of the film, in order) into the lecture
    and write its captions, chapters, thumbnail and manifest, the manifest last. With a
    roster, the MP4's title, the explore page, the worksheet and the manifest name the
    student whose lecture it is."""
    full, full_captions = lecture_files(folder)[:2]
    student = student_of(course_of(folder), seed)
    sound = lecture_speech(jobs)
    title = video.lecture_title(seed, student)
    copied = video.write_constant_rate([job.video for job in jobs], full, quality, sound, title)
    parts = lecture_parts(jobs, quality)
    captions.write_captions(full_captions, captions.merged_captions(parts))
    chapters = folder / CHAPTERS
    note = captions.chapters_problem(parts)
    if note is None:
        with whole_or_absent(chapters) as partial:
            partial.write_text(captions.chapter_lines(parts))
    thumbnail = folder / THUMBNAIL
    source, seconds = thumbnail_moment(jobs, parts, quality)
    make_thumbnail(video.frame_at(source, seconds), TITLE, SUBTITLE, thumbnail)
    presenter = write_presenter(folder, seed, quality, jobs, parts, jobs[0].spoken)
    numbers = lesson(seed)
    starts = {job.section.slug: part.start for job, part in zip(jobs, parts, strict=True)}
    explore = write_explore(folder, numbers, starts, student)
    worksheet = write_worksheet(folder, numbers)

    entries = [Entry(full, "lecture", TITLE, 0.0)]
    for job, part in zip(jobs, parts, strict=True):
        entries.append(Entry(job.video, "section", part.title, part.start))
        if job.captions.is_file():
            entries.append(Entry(job.captions, "captions", part.title))
            entries.append(Entry(captions.twin(job.captions), "captions", part.title))
    entries.append(Entry(full_captions, "captions", TITLE))
    entries.append(Entry(captions.twin(full_captions), "captions", TITLE))
    if note is None:
        entries.append(Entry(chapters, "chapters"))
    entries.append(Entry(thumbnail, "thumbnail"))
    entries.extend(Entry(path, "presenter") for path in presenter)
    entries.append(Entry(explore, "explore"))
    entries.extend(Entry(path, "worksheet") for path in worksheet)
    voice = jobs[0].speaker()
    spoken = Speech(voice.describe(), soundtrack.sound_facts(full)) if voice.speaks else None
    write_manifest(folder, numbers, quality, entries, spoken, assembly_inputs(jobs), student)
    return Lecture(full, sum(part.seconds for part in parts), copied, note)


def lecture_speech(jobs: Sequence[Job]) -> np.ndarray | None:
    """The sections' sound tracks end to end (None for a silent film): each is exactly as
    long as its video, so the speech stays in step with the picture across every join."""
    if not jobs[0].spoken:
        return None
    return np.concatenate([audio.read_wav(job.speech) for job in jobs])


def lecture_parts(jobs: Sequence[Job], quality: Quality) -> list[Part]:
    """Each section's place in the lecture, from the frames its video holds."""
    parts, start = [], 0.0
    for job in jobs:
        seconds = video.frame_count(job.video) / quality.fps
        text = job.captions.read_text() if job.captions.is_file() else ""
        parts.append(Part(job.section.title, start, seconds, text))
        start += seconds
    return parts


def thumbnail_moment(
    jobs: Sequence[Job], parts: Sequence[Part], quality: Quality
) -> tuple[Path, float]:
    """Which video and when to take the thumbnail from: the frame of the beat the film's
    registry names, when that section noted its key frames; otherwise (a film without a
    thumbnail beat, or a section rendered by plain Manim) the middle of the lecture.

    A key-frame record that lacks the named beat is an error, not a quiet fallback: the beat
    was renamed, and the registry must follow."""
    for job in jobs:
        beat = job.section.thumbnail_beat
        report = job.scene_report()
        if beat is None or report is None or not report.key_frames:
            continue
        for key_frame in report.key_frames:
            if key_frame["name"] == beat:
                # The beat's time is the end of its animation: take the frame just before.
                return job.video, key_frame["seconds"] - 0.5 / quality.fps
        raise ValueError(
            f"section {job.section.number} has no key frame {beat!r} for the thumbnail: "
            "rename it in scenes/sections.py"
        )
    full = lecture_files(jobs[0].folder)[0]
    return full, sum(part.seconds for part in parts) / 2


def finish(
    jobs: Sequence[Job],
    sections: Sequence[Section],
    known: dict[str, str],
    done: set[Section],
) -> Finished:
    """Assemble a seed's lecture when every section of the film (`jobs`, in order) is
    rendered, and say so. `done` holds the sections this run
    rendered or reused; only the others are looked up among earlier runs' records. Runs
    where render.py runs, or on a Dask worker."""
    seed, folder, quality = jobs[0].seed, jobs[0].folder, jobs[0].quality
    missing = [
        job.section.stem
        for job in jobs
        if job.section not in done
        and reuse.finished(job, reuse.render_key(job, sections, known)) is None
    ]
    if missing:
        said = (
            f"seed {seed}: the full lecture needs {', '.join(missing)} too; "
            "render them (or run without --sections) to assemble it"
        )
        return Finished(False, (said,))
    if up_to_date(folder, jobs):
        return Finished(True, (f"seed {seed}: the lecture in {folder}/ is up to date",))
    clear(folder)  # an older manifest must not stand beside newer files while this runs
    try:
        lecture = assemble(folder, seed, quality, jobs)
    except BaseException:
        clear(folder)  # no lecture that looks finished but is not
        raise
    how = "joined without re-encoding" if lecture.copied else "re-encoded to join"
    said = [f"seed {seed}: {lecture.video} ({duration(lecture.seconds)}, {how})"]
    if lecture.chapters_note:
        said.append(f"seed {seed}: no chapters.txt: {lecture.chapters_note}")
    said.append(f"seed {seed}: captions, chapters, thumbnail, worksheet and manifest in {folder}/")
    said.append(f"seed {seed}: to present it beat by beat, open {folder / PAGE}")
    said.append(f"seed {seed}: to play with its machine, open {explore_file(folder)}")
    return Finished(True, tuple(said))


def duration(seconds: float) -> str:
    """4:38.9"""
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes)}:{rest:04.1f}"
