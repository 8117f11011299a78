"""What a person waiting for a render wants to know, said as it happens."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence

from publishing.job import Finished, Job, Outcome
from publishing.reuse import read_record
from scenes.contract import read_progress


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

    def status(self, note: str | None = None) -> None:
        """Where the run is: counts, time left, how far each running section has got (from
        the animations its scene has played, scenes/contract.py), what failed, and the
        executor's `note` (a cluster without workers)."""
        with self.lock:
            if note:
                self.say(f"[{self.elapsed()}] {note}")
            if not self.running:
                return
            parts = []
            for job, expected in self.running.items():
                done = read_progress(job.progress)
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


def report_every(seconds: float, report: Callable[[], None]) -> threading.Event:
    """Call `report` every `seconds` in a thread of its own, until the event returned is set."""
    stop = threading.Event()

    def reporting() -> None:
        while not stop.wait(seconds):
            report()

    threading.Thread(target=reporting, daemon=True).start()
    return stop
