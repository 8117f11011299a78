"""Rendering sections: each in its own Manim process and media folder, several at once.

A finished section leaves, beside its video, a record of the key it was rendered under: a
digest of everything that decides its pixels (its scene file, the shared scene modules,
the engine, the seed, the quality, Manim's command line and the library versions). A later
run with the same key reuses the video instead of rendering it again; a change to any of
those inputs, or a different seed, never does. Because the record is written last, a run
that crashed or was interrupted resumes from the sections it finished.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from publishing import captions, manim_caches, scratch, soundtrack, video
from publishing.files import add_files, sha256, whole_or_absent
from publishing.film import ROOT, SECTIONS, Quality, Section
from publishing.stills import contact_sheet
from scenes.seeding import (
    BEATS_VARIABLE,
    BURNED,
    CAPTIONS_VARIABLE,
    KEY_FRAMES_VARIABLE,
    LINES_VARIABLE,
    SEED_VARIABLE,
    STILLS_VARIABLE,
    VOICE_VARIABLE,
)
from voices import SILENT, audio, voice_named

PR_SET_PDEATHSIG = 1  # prctl(2)


def linux_prctl() -> Callable[..., int] | None:
    """prctl(2), looked up now: a child between fork and exec must not load anything."""
    if not sys.platform.startswith("linux"):
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    prctl.restype = ctypes.c_int
    return prctl


PRCTL = linux_prctl()
RECORD_VERSION = 1
ANIMATION_LINE = re.compile(r"Animation (\d+) :")
PLAYED_LINE = re.compile(r"Played (\d+) animations")


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
    voice: str = SILENT  # "piper", "none" or a folder of recordings (voices.voice_named)
    caption_mode: str = BURNED  # burned into the picture, or only in the .srt ("file")

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
    def key_frames(self) -> Path:
        """When each key frame of the section is on screen, written by the scene."""
        return self.media / "key-frames.json"

    @property
    def lines(self) -> Path:
        """The lines the section spoke, with when each starts, written by the scene."""
        return self.media / "lines.json"

    @property
    def beats(self) -> Path:
        """The section's beats, with their frames and lines, written by the scene."""
        return self.media / "beats.json"

    @property
    def speech(self) -> Path:
        """The section's sound track as 48 kHz PCM, kept to join into the lecture's."""
        return self.media / "speech.wav"

    @property
    def spoken(self) -> bool:
        return self.voice != SILENT

    @property
    def record(self) -> Path:
        return self.media / "render.json"

    @property
    def still_folder(self) -> Path:
        return self.folder / "stills" / self.section.stem

    def manim_arguments(self) -> list[str]:
        """Manim's command line after `render`, but for the folders and the scene.

        Manim's own cache is off: it hashes every mobject on every play, and a cached play
        advances the scene's clock by its nominal run time rather than by the frames it
        holds, which would shift captions and key frames. Reuse happens a level up, a whole
        section at a time, keyed by `render_key`."""
        return [
            *self.quality.manim_flags,
            *self.quality.encoder_arguments,
            "--disable_caching",
            "--progress_bar",
            "none",
        ]

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "publishing.manim_cli",  # Manim's command line, frames handed over more cheaply
            "render",
            *self.manim_arguments(),
            "--media_dir",
            str(self.media),
            str(self.section.file),
            self.section.scene,
        ]


@dataclass(frozen=True)
class Finished:
    """What became of a seed's lecture, and what to tell the person waiting."""

    ready: bool  # the folder holds the finished lecture (assembled now or before)
    said: tuple[str, ...]


@dataclass(frozen=True)
class Outcome:
    job: Job
    seconds_of_video: float
    seconds_to_render: float
    reused: bool
    peak_memory_mb: float | None = None  # of the Manim process; None when reused


def source_files(section: Section, sections: Sequence[Section]) -> list[Path]:
    """The files whose content decides a section's pixels and sound: its own scene, the
    shared scene modules (every scene module that is not another section's), the engine
    and the voices (speech sets the beats' lengths)."""
    # Every section's scene file is its own, including the film's when tests or benchmarks
    # swap in other sections.
    others = {other.file.resolve() for other in (*SECTIONS, *sections) if other != section}
    shared = [
        path
        for path in sorted((ROOT / "scenes").glob("*.py"))
        if path.resolve() not in others and path.resolve() != section.file.resolve()
    ]
    engine = sorted((ROOT / "mechanics").glob("*.py"))
    return [section.file, *shared, *engine, *sorted((ROOT / "voices").glob("*.py"))]


def render_key(job: Job, sections: Sequence[Section], versions: dict[str, str]) -> str:
    """A digest of every input that decides the section's video (see the module's doc)."""
    digest = hashlib.sha256()
    described = {
        "record": RECORD_VERSION,
        "seed": job.seed,
        "quality": [job.quality.name, job.quality.width, job.quality.height, job.quality.fps],
        "scene": job.section.scene,
        "manim": job.manim_arguments(),
        "versions": versions,
        "voice": voice_key(job),
        "sound": [soundtrack.AAC_BIT_RATE, soundtrack.AAC_OPTIONS] if job.spoken else None,
        "captions": job.caption_mode,
    }
    digest.update(json.dumps(described, sort_keys=True).encode())
    add_sources(digest, job.section, sections)
    return digest.hexdigest()


def add_sources(digest: hashlib._Hash, section: Section, sections: Sequence[Section]) -> None:
    """Feed the digest every file that decides the section (see `source_files`)."""
    add_files(digest, source_files(section, sections))


def voice_key(job: Job) -> dict | None:
    """What decides the section's speech (None for a silent film)."""
    voice = voice_named(job.voice)
    return voice.key(job.section.stem) if voice else None


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
    if record.get("captions") and not job.captions.is_file():
        return None
    if record.get("beats") and not job.beats.is_file():
        return None
    if job.spoken and (not job.speech.is_file() or sha256(job.speech) != record.get("speech")):
        return None
    return record


def render(job: Job, key: str, running: Running) -> Outcome:
    """Render the section with Manim in its own process, then install its files.

    Every file lands under its final name only when complete; the record comes last."""
    job.log.parent.mkdir(parents=True, exist_ok=True)
    job.record.unlink(missing_ok=True)
    job.key_frames.unlink(missing_ok=True)
    job.lines.unlink(missing_ok=True)
    job.beats.unlink(missing_ok=True)
    job.speech.unlink(missing_ok=True)
    if job.stills:
        shutil.rmtree(job.still_folder, ignore_errors=True)
    env = scene_environment(
        job.seed,
        job.lines,
        job.voice,
        job.caption_mode,
        beats=job.beats,
        key_frames=job.key_frames,
        stills=job.still_folder if job.stills else None,
    )
    # issue 28 (recovery): Manim writes its movies into a folder of this attempt's own,
    # removed when the attempt ends; its text and LaTeX caches stay shared in job.media.
    with scratch.attempt_folder(job.media) as attempt:
        command = scratch.in_attempt(job.command(), attempt, caches=job.media)
        started = time.perf_counter()
        with job.log.open("w") as log_file:
            returncode, peak_memory = running.run(command, env=env, stdout=log_file)
        elapsed = time.perf_counter() - started
        if returncode != 0:
            because = manim_caches.failure_reason(job.log)  # issue 28: the file at fault
            because = f": {because}" if because else ""
            raise RenderError(f"{describe(job)} failed{because}; Manim's log: {job.log}")
        produced = sorted(attempt.glob(f"videos/**/{job.quality.height}p*/{job.section.scene}.mp4"))
        if not produced:
            raise RenderError(f"{describe(job)} made no video; Manim's log: {job.log}")
        frames = video.frame_count(produced[0])
        sound = speech_track(job, frames) if job.spoken else None
        video.write_constant_rate(produced[:1], job.video, job.quality, sound)
        seconds = video.frame_count(job.video) / job.quality.fps
        srt = produced[0].with_suffix(".srt")
        has_captions = srt.exists()
        if has_captions:
            with whole_or_absent(job.captions) as partial:
                partial.write_text(captions.clipped_captions(srt.read_text(), seconds))
        else:
            job.captions.unlink(missing_ok=True)
    if job.stills:
        frames = sorted(job.still_folder.glob("*.png"))
        contact_sheet(frames, job.still_folder.with_suffix(".png"))
    record = {
        "key": key,
        "video_sha256": sha256(job.video),
        "captions": has_captions,
        "beats": job.beats.is_file(),
        "stills": job.stills,
        "speech": sha256(job.speech) if job.spoken else None,
        "seconds_of_video": seconds,
        "seconds_to_render": elapsed,
        "peak_memory_mb": peak_memory,
        "animations": played_animations(job.log),
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


def in_one_line(error: BaseException) -> str:
    """An error's message on one line (its type's name when it has none)."""
    return " ".join(str(error).split()) or type(error).__name__


def assembly_failure(seed: int, error: BaseException) -> str:
    """Why a seed's lecture could not be assembled, in one line."""
    return f"seed {seed}: the lecture could not be assembled: {in_one_line(error)}"


def scene_environment(
    seed: int,
    lines: Path,
    voice: str,
    caption_mode: str,
    beats: Path | None = None,
    key_frames: Path | None = None,
    stills: Path | None = None,
) -> dict[str, str]:
    """This process's environment with what a scene is told through it (scenes/seeding.py):
    its seed, voice and captions, and where to write its lines, beats, key frames and stills
    (a variable not asked for is removed, so a caller's own setting cannot leak in)."""
    env = {
        **os.environ,
        SEED_VARIABLE: str(seed),
        LINES_VARIABLE: str(lines),
        VOICE_VARIABLE: voice,
        CAPTIONS_VARIABLE: caption_mode,
        "COLUMNS": "200",  # one log line per Manim message, so progress can be read from it
    }
    asked = ((BEATS_VARIABLE, beats), (KEY_FRAMES_VARIABLE, key_frames), (STILLS_VARIABLE, stills))
    for variable, path in asked:
        if path is None:
            env.pop(variable, None)
        else:
            env[variable] = str(path)
    return env


def speech_track(job: Job, frames: int):
    """The section's speech, laid out as its scene spoke it, kept beside it for the lecture."""
    track = soundtrack.section_track(
        soundtrack.read_lines(job.lines), soundtrack.samples_for(frames, job.quality.fps)
    )
    with whole_or_absent(job.speech) as partial:
        audio.write_wav(partial, track)
    return track


def describe(job: Job) -> str:
    return f"section {job.section.number} ({job.section.title}) of seed {job.seed}"


def played_animations(log: Path) -> int | None:
    found = PLAYED_LINE.findall(log.read_text(errors="replace")) if log.exists() else []
    return int(found[-1]) if found else None


def animations_done(log: Path) -> int:
    """How many of the section's animations Manim has finished, read from its log."""
    try:
        found = ANIMATION_LINE.findall(log.read_text(errors="replace"))
    except OSError:
        return 0
    return int(found[-1]) + 1 if found else 0


def die_with_parent() -> Callable[[], None] | None:
    """What a child runs before Manim starts, on Linux: ask the kernel to kill it when the
    thread that started it dies. A killed render.py or Dask worker then leaves no Manim
    process behind writing into the folder its rerun writes to."""
    if PRCTL is None:
        return None
    parent = os.getpid()

    def in_child() -> None:
        if PRCTL(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0 or os.getppid() != parent:
            os._exit(1)  # no guard, or the parent died before it was set: do not start

    return in_child


class Running:
    """The Manim processes running now, so an interruption can stop every one of them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._processes: set[subprocess.Popen] = set()
        self.stopping = False

    def run(self, command: list[str], env: dict[str, str], stdout) -> tuple[int, float]:
        """Run the command to its end: its exit code and its peak memory in MB."""
        with self._lock:
            if self.stopping:
                return -1, 0.0
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=stdout,
                stderr=subprocess.STDOUT,
                preexec_fn=die_with_parent(),
            )
            self._processes.add(process)
        try:
            _, status, usage = os.wait4(process.pid, 0)  # wait() does not give the usage
            process.returncode = os.waitstatus_to_exitcode(status)
            return process.returncode, usage.ru_maxrss / 1024  # ru_maxrss is in KiB
        finally:
            with self._lock:
                self._processes.discard(process)

    def stop_all(self, grace: float = 10.0) -> None:
        """Ask every running process to stop; kill those still running after `grace` s.
        The threads that started them collect them."""
        with self._lock:
            self.stopping = True
            processes = list(self._processes)
        for process in processes:
            process.terminate()
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and any(p.returncode is None for p in processes):
            time.sleep(0.05)
        for process in processes:
            if process.returncode is None:
                process.kill()


class Progress:
    """Prints what a person waiting wants to know: what started and finished, how many
    sections and lectures are done, which are running and how far they have got, about how
    long is left, and what failed, with its seed.

    The time left is the time so far, scaled by the sections' relative costs still to
    render against those rendered, once the first `parallel` (one wave) are done."""

    def __init__(
        self,
        total: int,
        say: Callable[[str], None],
        to_render: Sequence[Job] = (),
        lectures: int = 0,
        parallel: int = 1,
    ) -> None:
        self.total, self.say = total, say
        self.parallel = parallel  # sections rendered at once
        self.rendered = 0
        self.done = 0
        self.lectures = lectures
        self.cost_to_render = sum(job.section.relative_cost for job in to_render)
        self.cost_rendered = 0.0
        self.started_at = time.perf_counter()
        self.running: dict[Job, int | None] = {}  # job -> its animations in an earlier run
        self.failed: dict[int, list[str]] = {}  # seed -> what failed, in one line each
        self.ready: set[int] = set()  # seeds whose lecture is finished
        self.lock = threading.Lock()

    def elapsed(self) -> str:
        return f"{clock(time.perf_counter() - self.started_at)}"

    def left(self) -> str:
        """About how long is left, from the costs rendered so far: "" until the first wave
        of sections rendered at once is done (until then, time so far over cost done
        counts each section as if it had run alone, and overstates by the parallelism)."""
        if self.rendered < self.parallel or not self.cost_rendered:
            return ""
        seconds = time.perf_counter() - self.started_at
        rest = max(0.0, self.cost_to_render - self.cost_rendered)
        return f", about {clock(seconds * rest / self.cost_rendered)} left"

    def counts(self) -> str:
        lectures = f"{len(self.ready)}/{self.lectures} lectures, " if self.lectures else ""
        return f"{lectures}{self.done}/{self.total} sections done"

    def start(self, job: Job) -> None:
        with self.lock:
            self.running[job] = read_record(job).get("animations")
            self.say(f"[{self.elapsed()}] {job.name}: rendering {job.section.title}")

    def now_running(self, jobs: Sequence[Job]) -> None:
        """The jobs running now, as a cluster's scheduler reports them."""
        with self.lock:
            self.running = {
                job: self.running.get(job, read_record(job).get("animations")) for job in jobs
            }

    def finish(self, outcome: Outcome) -> None:
        with self.lock:
            self.running.pop(outcome.job, None)
            self.done += 1
            if outcome.reused:
                how = "reused from an earlier run"
            else:
                how = f"rendered in {outcome.seconds_to_render:.1f} s"
                self.cost_rendered += outcome.job.section.relative_cost
                self.rendered += 1
            self.say(
                f"[{self.elapsed()}] {outcome.job.name}: {outcome.seconds_of_video:.1f} s of "
                f"video {how} ({self.counts()}{self.left() if not outcome.reused else ''})"
            )

    def fail(self, job: Job, reason: str | None = None) -> None:
        """A job that did not finish; with a reason, it failed and is reported."""
        with self.lock:
            self.running.pop(job, None)
            if reason is not None:
                self.cost_to_render -= job.section.relative_cost
                self.failed.setdefault(job.seed, []).append(reason)
                self.say(f"[{self.elapsed()}] {reason}")

    def lecture(self, seed: int, finished: Finished | None, failure: str | None = None) -> None:
        """A seed's lecture was dealt with: assembled, found up to date, still waiting for
        sections, or (`failure`) not assembled."""
        with self.lock:
            for line in finished.said if finished else ():
                self.say(f"[{self.elapsed()}] {line}")
            if failure is not None:
                self.failed.setdefault(seed, []).append(failure)
                self.say(f"[{self.elapsed()}] {failure}")
            elif finished and finished.ready:
                self.ready.add(seed)
                self.say(f"[{self.elapsed()}] {self.counts()}{self.left()}")

    def status(self) -> None:
        with self.lock:
            if not self.running:
                return
            parts = []
            for job, expected in self.running.items():
                done = animations_done(job.log)
                of = f"/{expected}" if expected else ""
                parts.append(f"{job.name} at animation {done}{of}")
            failed = f"; failed: seed {', '.join(map(str, self.failed))}" if self.failed else ""
            self.say(
                f"[{self.elapsed()}] {self.counts()}{self.left()}; {len(parts)} running: "
                + ", ".join(parts)
                + failed
            )


def clock(seconds: float) -> str:
    """7:05 for 425 s; 2:01:40 past an hour."""
    minutes, seconds = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


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


def report_every(seconds: float, report: Callable[[], None]) -> threading.Event:
    """Call `report` every `seconds` in a thread of its own, until the event returned is set."""
    stop = threading.Event()

    def reporting() -> None:
        while not stop.wait(seconds):
            report()

    threading.Thread(target=reporting, daemon=True).start()
    return stop


def in_course_order(to_render: Sequence[tuple[Job, str]]) -> list[tuple[Job, str]]:
    """Seed by seed, as asked, so lectures finish one after another rather than all at the
    end; within a seed the most expensive section first, so the last to finish is short."""
    order = {seed: place for place, seed in enumerate(dict.fromkeys(j.seed for j, _ in to_render))}
    return sorted(to_render, key=lambda pair: (order[pair[0].seed], -pair[0].section.relative_cost))


def render_all(
    to_render: Sequence[tuple[Job, str]],
    reused: Sequence[Outcome],
    workers: int,
    progress: Progress,
    status_every: float = 30.0,
    lectures: Mapping[int, Callable[[set[Section]], Finished]] | None = None,
) -> list[Outcome]:
    """Render the jobs, `workers` at a time (`in_course_order`), and assemble each seed's
    lecture (`lectures[seed]`, given the sections done) as soon as its last section is
    done, in the same pool.

    Returns every outcome (the reused ones first); what failed is in `progress.failed`.
    Ctrl-C stops every Manim process and is raised again once they have stopped."""
    lectures = lectures or {}
    outcomes: list[Outcome] = []
    waiting = Counter(job.seed for job, _ in to_render)
    done: dict[int, set[Section]] = {}
    for outcome in reused:
        outcomes.append(outcome)
        done.setdefault(outcome.job.seed, set()).add(outcome.job.section)
        progress.finish(outcome)
    running = Running()

    def attempt(job: Job, key: str) -> Outcome:
        progress.start(job)
        try:
            outcome = render_installed(job, key, running)
        except BaseException:
            progress.fail(job)
            raise
        progress.finish(outcome)
        return outcome

    pool = ThreadPoolExecutor(max_workers=max(1, workers))
    queued = deque(in_course_order(to_render))
    pending: dict = {}  # future -> the job it renders
    assembling: dict = {}  # future -> the seed whose lecture it assembles
    to_assemble: deque[int] = deque()

    def fill() -> None:
        """Keep `workers` things running: a lecture ready to assemble first (a finished
        lecture early is worth more than a section), else the next section."""
        while len(pending) + len(assembling) < max(1, workers):
            if to_assemble:
                seed = to_assemble.popleft()
                assembling[pool.submit(lectures[seed], done.get(seed, set()))] = seed
            elif queued:
                job, key = queued.popleft()
                pending[pool.submit(attempt, job, key)] = job
            else:
                return

    def assemble_when_ready(seed: int) -> None:
        if waiting[seed] == 0 and seed in lectures and seed not in progress.failed:
            to_assemble.append(seed)

    for seed in {outcome.job.seed for outcome in reused} - set(waiting):
        assemble_when_ready(seed)
    reporting = report_every(status_every, progress.status)
    try:
        fill()
        while pending or assembling:
            finished, _ = wait([*pending, *assembling], timeout=0.5, return_when=FIRST_COMPLETED)
            for future in finished:
                if future in assembling:
                    seed = assembling.pop(future)
                    error = future.exception()
                    if error is None:
                        progress.lecture(seed, future.result())
                    elif isinstance(error, Exception):  # this seed's; the others go on
                        progress.lecture(seed, None, assembly_failure(seed, error))
                    else:
                        raise error
                    continue
                job = pending.pop(future)
                waiting[job.seed] -= 1
                error = future.exception()
                if error is None:
                    outcomes.append(future.result())
                    done.setdefault(job.seed, set()).add(job.section)
                    assemble_when_ready(job.seed)
                elif isinstance(error, RenderError):
                    progress.fail(job, str(error))  # and the seed's lecture waits for a rerun
                else:
                    raise error
            fill()
    except BaseException:
        running.stop_all()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    finally:
        reporting.set()
    pool.shutdown(wait=True)
    return outcomes
