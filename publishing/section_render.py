"""Render one section: its scene in a Manim process of its own, handed its request, then its
files installed from the scene's report, each whole under its final name, the record last."""

from __future__ import annotations

import json
import shutil
import time

from common import audio, scratch
from common.files import sha256, whole_or_absent
from publishing import captions, manim_caches, soundtrack, video
from publishing.job import Job, Outcome, RenderError, describe, read_report
from publishing.manim_process import Running, manim_arguments, scene_command
from publishing.stills import contact_sheet
from scenes.contract import SceneReport


def render(job: Job, key: str, running: Running) -> Outcome:
    """Render the section with Manim in its own process, then install its files.

    Every file lands under its final name only when complete; the record comes last."""
    job.log.parent.mkdir(parents=True, exist_ok=True)
    job.media.mkdir(parents=True, exist_ok=True)
    for stale in (job.record, job.report, job.progress, job.speech):
        stale.unlink(missing_ok=True)
    if job.stills:
        shutil.rmtree(job.still_folder, ignore_errors=True)
    # The request, the report and Manim's movies are in a folder of this attempt's own,
    # removed when it ends (a twin of the task on another node has its own); the text and
    # LaTeX caches stay shared in job.media.
    with scratch.attempt_folder(job.media) as attempt:
        request, attempt_report = attempt / "request.json", attempt / "report.json"
        job.request(attempt_report).write(request)
        command = scene_command(
            request,
            attempt,
            job.media,
            job.section.file,
            job.section.scene,
            manim_arguments(job.quality),
        )
        started = time.perf_counter()
        with job.log.open("w") as log_file:
            returncode, peak_memory = running.run(command, stdout=log_file)
        elapsed = time.perf_counter() - started
        if returncode != 0:
            because = manim_caches.failure_reason(job.log)  # the file at fault, if one is
            because = f": {because}" if because else ""
            raise RenderError(f"{describe(job)} failed{because}; Manim's log: {job.log}")
        produced = sorted(attempt.glob(f"videos/**/{job.quality.height}p*/{job.section.scene}.mp4"))
        report = read_report(attempt_report)
        if not produced or report is None:
            raise RenderError(f"{describe(job)} made no video; Manim's log: {job.log}")
        frames = video.frame_count(produced[0])
        sound = speech_track(job, report, frames) if job.spoken else None
        title = video.section_title(job.section, job.seed)
        video.write_constant_rate(produced[:1], job.video, job.quality, sound, title)
        with whole_or_absent(job.report) as partial:
            partial.write_text(report.to_json())
    seconds = video.frame_count(job.video) / job.quality.fps
    if report.captions is not None:
        captions.write_captions(job.captions, captions.clipped_captions(report.captions, seconds))
    else:
        captions.remove_captions(job.captions)
    if job.stills:
        contact_sheet(sorted(job.still_folder.glob("*.png")), job.still_folder.with_suffix(".png"))
    record = {
        "key": key,
        "video_sha256": sha256(job.video),
        "report_sha256": sha256(job.report),
        "captions": report.captions is not None,
        "stills": job.stills,
        "speech": sha256(job.speech) if job.spoken else None,
        "seconds_of_video": seconds,
        "seconds_to_render": elapsed,
        "peak_memory_mb": peak_memory,
        "animations": report.animations,
    }
    with whole_or_absent(job.record) as partial:
        partial.write_text(json.dumps(record, indent=1))
    return Outcome(job, seconds, elapsed, reused=False, peak_memory_mb=peak_memory)


def render_installed(job: Job, key: str, running: Running) -> Outcome:
    """`render`, with any failure to install its files (a disk full, a folder gone) told as
    a RenderError naming the section, like a failed render."""
    try:
        return render(job, key, running)
    except RenderError:
        raise
    except Exception as error:
        raise RenderError(f"{describe(job)} could not be installed: {error}") from error


def speech_track(job: Job, report: SceneReport, frames: int):
    """The section's speech, laid out as its scene spoke it, kept beside it for the lecture."""
    track = soundtrack.section_track(
        list(report.lines), soundtrack.samples_for(frames, job.quality.fps)
    )
    with whole_or_absent(job.speech) as partial:
        audio.write_wav(partial, track)
    return track
