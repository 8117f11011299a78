"""What a person waiting for a render wants to know, said as it happens: one model of the
run (`Progress`) and two views of it, plain lines for a log or a pipe, and on a terminal a
live bar redrawn a few times a second (`LiveView`), with the same lines printed above it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import TextIO

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from publishing.job import Finished, Job, Outcome
from publishing.reuse import read_record
from scenes.contract import read_progress


@dataclass(frozen=True)
class RunningSection:
    """A section being rendered: how many animations its scene has played, of how many it
    played in an earlier run (None when it never finished one), or else of how many the
    same section played for another seed in this run (`estimated`: seeds differ by a few)."""

    name: str
    animations: int
    expected: int | None
    estimated: bool = False

    def of(self) -> str:
        """ "116", "~116" from another seed, or "" when nothing is known."""
        if not self.expected:
            return ""
        return f"~{self.expected}" if self.estimated else str(self.expected)


@dataclass(frozen=True)
class Snapshot:
    """The run at one moment, as both views show it."""

    done: int
    total: int
    lectures_ready: int
    lectures: int
    elapsed: float  # seconds
    left: float | None  # seconds, None until it can be estimated
    running: tuple[RunningSection, ...]
    failed: tuple[int, ...]  # seeds
    note: str | None  # the executor's (a cluster without workers)


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
        now: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.total, self.say, self.now = total, say, now
        self.parallel = parallel  # sections rendered at once
        self.rendered = 0
        self.done = 0
        self.lectures = lectures
        self.cost_to_render = sum(job.section.relative_cost for job in to_render)
        self.cost_rendered = 0.0
        self.started_at = now()
        self.running: dict[Job, int | None] = {}  # job -> its animations in an earlier run
        self.counted: dict[str, int] = {}  # a section's animations, for any seed, this run
        self.failed: dict[int, list[str]] = {}  # seed -> what failed, in one line each
        self.ready: set[int] = set()  # seeds whose lecture is finished
        self.lock = threading.RLock()
        self.live = False  # a live view shows the status: no status lines then
        self.note: str | None = None

    def seconds_elapsed(self) -> float:
        return self.now() - self.started_at

    def elapsed(self) -> str:
        return f"{clock(self.seconds_elapsed())}"

    def seconds_left(self) -> float | None:
        """About how long is left, from the costs rendered so far: None until the first wave
        of sections rendered at once is done (until then, time so far over cost done
        counts each section as if it had run alone, and overstates by the parallelism)."""
        if self.rendered < self.parallel or not self.cost_rendered:
            return None
        rest = max(0.0, self.cost_to_render - self.cost_rendered)
        return self.seconds_elapsed() * rest / self.cost_rendered

    def left(self) -> str:
        seconds = self.seconds_left()
        return "" if seconds is None else f", about {clock(seconds)} left"

    def counts(self) -> str:
        lectures = f"{len(self.ready)}/{self.lectures} lectures, " if self.lectures else ""
        return f"{lectures}{self.done}/{self.total} sections done"

    def start(self, job: Job) -> None:
        with self.lock:
            self.running[job] = read_record(job).get("animations")
            self.say(f"[{self.elapsed()}] {job.name}: rendering {job.section.title}")

    def finish(self, outcome: Outcome) -> None:
        with self.lock:
            self.running.pop(outcome.job, None)
            self.done += 1
            played = read_record(outcome.job).get("animations")
            if played:
                self.counted[outcome.job.section.stem] = played
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

    def snapshot(self) -> Snapshot:
        """The run now: counts, time, how far each running section has got (from the
        animations its scene has played, scenes/contract.py), what failed."""
        with self.lock:
            running = tuple(
                RunningSection(
                    job.name,
                    read_progress(job.progress),
                    expected or self.counted.get(job.section.stem),
                    estimated=not expected and job.section.stem in self.counted,
                )
                for job, expected in self.running.items()
            )
            return Snapshot(
                self.done,
                self.total,
                len(self.ready),
                self.lectures,
                self.seconds_elapsed(),
                self.seconds_left(),
                running,
                tuple(self.failed),
                self.note,
            )

    def status(self, note: str | None = None) -> None:
        """Where the run is, in a line (`snapshot`), with the executor's `note` (a cluster
        without workers); under a live view, which shows both, only the note is kept."""
        with self.lock:
            self.note = note
            if self.live:
                return
            if note:
                self.say(f"[{self.elapsed()}] {note}")
            if not self.running:
                return
            parts = []
            for section in self.snapshot().running:
                of = f"/{section.of()}" if section.expected else ""
                parts.append(f"{section.name} at animation {section.animations}{of}")
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


def report_every(seconds: float, report: Callable[[], None]) -> threading.Event:
    """Call `report` every `seconds` in a thread of its own, until the event returned is set."""
    stop = threading.Event()

    def reporting() -> None:
        while not stop.wait(seconds):
            report()

    threading.Thread(target=reporting, daemon=True).start()
    return stop


def live_view(snapshot: Snapshot) -> RenderableType:
    """The run drawn for a terminal: a bar of sections (and one of lectures), time so far
    and left, then a line per running section with its animation n of m, what failed."""
    overall = Table.grid(padding=(0, 1))
    overall.add_row(
        "sections",
        ProgressBar(total=snapshot.total or 1, completed=snapshot.done, width=30),
        f"{snapshot.done}/{snapshot.total}",
    )
    if snapshot.lectures:
        overall.add_row(
            "lectures",
            ProgressBar(total=snapshot.lectures, completed=snapshot.lectures_ready, width=30),
            f"{snapshot.lectures_ready}/{snapshot.lectures}",
        )
    left = "" if snapshot.left is None else f", about {clock(snapshot.left)} left"
    lines: list[RenderableType] = [overall, Text(f"{clock(snapshot.elapsed)} so far{left}")]
    running = Table.grid(padding=(0, 1))
    for section in snapshot.running:
        if section.expected:
            shown = min(section.animations, section.expected)
            bar = ProgressBar(total=section.expected, completed=shown, width=20)
            how_far = f"animation {section.animations} of {section.of()}"
        else:
            bar, how_far = Text(""), f"animation {section.animations}"
        running.add_row(Text(f"  {section.name}"), bar, Text(how_far))
    if snapshot.running:
        lines.append(running)
    if snapshot.failed:
        lines.append(Text(f"failed: seed {', '.join(map(str, snapshot.failed))}", style="red"))
    if snapshot.note:
        lines.append(Text(snapshot.note, style="yellow"))
    return Group(*lines)


class LiveView(AbstractContextManager):
    """The progress drawn live on a terminal while the block runs; the lines the run says
    (started, finished, failed) are printed above it, as they would be without it."""

    REFRESHES_PER_SECOND = 4

    def __init__(self, progress: Progress, console: Console) -> None:
        self.progress = progress
        self.live = Live(
            console=console,
            get_renderable=lambda: live_view(progress.snapshot()),
            refresh_per_second=self.REFRESHES_PER_SECOND,
            redirect_stdout=True,  # print() lands above the bar
            redirect_stderr=True,
        )

    def __enter__(self) -> LiveView:
        self.progress.live = True
        self.live.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.live.stop()  # the last picture stays, the summary follows it
        self.progress.live = False


def view_for(progress: Progress, stream: TextIO) -> AbstractContextManager:
    """The live view on a terminal; elsewhere (a log file, a pipe, CI) nothing more than
    the plain lines, unchanged."""
    if stream.isatty():
        return LiveView(progress, Console(file=stream))
    return nullcontext()
