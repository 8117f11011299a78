"""Rendering on a Dask cluster: one task per (seed, section), one per seed's lecture.

    render.py --seed 0-299 --scheduler tcp://HOST:8786 --out /shared/renders

Each task runs on a worker exactly what render.py runs on one machine: a section's Manim
process, or the assembly of a lecture once its sections are done. Workers write into
`--out`, so it must be a folder every worker reaches under the same path (a shared
filesystem), and every worker must run this project's code and virtual environment: a task
first checks that the worker computes the same render key as the client, so a worker with
other code or libraries fails the task with one clear line instead of rendering a
different film.

The orchestration is publishing/orchestrator.py's, the same as on one machine; this module is
its `DaskExecutor` and the worker's side of a section's task.

Nothing is lost: a worker that dies mid-render has its task rerun on another worker by the
scheduler (a Manim process dies with the worker that started it: `manim_process.Running`), and every
file lands whole under its final name, the record and the manifest last. Ctrl-C cancels the
run's tasks, and a running render stops when it sees its task cancelled (as it does when
the client that asked is gone).
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import Future

from publishing import reuse
from publishing.film import Section
from publishing.job import Finished, Job, Outcome, RenderError, describe
from publishing.manifest import versions
from publishing.manim_process import Running
from publishing.orchestrator import Executor
from publishing.section_render import render_installed

SCHEDULER_VARIABLE = "MECHANICS_SCHEDULER"  # the scheduler's address, when --scheduler is not
STOP_POLL = 1.0  # seconds between a running render's looks at whether it was cancelled


class ClusterError(Exception):
    """The cluster cannot be used: one line saying why and what to do."""


def scheduler_address(given: str | None) -> str | None:
    """--scheduler, or else $MECHANICS_SCHEDULER, or None for this machine alone."""
    return given or os.environ.get(SCHEDULER_VARIABLE) or None


CONNECT_SECONDS = 15.0  # how long to try the scheduler, and to wait for a worker


def connect(address: str, timeout: float | None = None):
    """A client of the scheduler at `address`, which must have at least one worker."""
    from distributed import Client

    timeout = CONNECT_SECONDS if timeout is None else timeout
    try:
        client = Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        raise ClusterError(
            f"cannot reach the Dask scheduler at {address} ({error}); start one with "
            "`dask scheduler` (see the README), or leave out --scheduler"
        ) from None
    try:
        client.wait_for_workers(1, timeout=timeout)
    except (OSError, TimeoutError):
        client.close()
        raise ClusterError(
            f"the Dask scheduler at {address} has no workers; start one with "
            f"`dask worker {address}` in this project's folder (see the README)"
        ) from None
    return client


def worker_render_key(job: Job, sections: Sequence[Section]) -> tuple[str, str, dict]:
    """On a worker: its host, the render key its code and libraries give the job (or why
    it cannot compute one), and its versions."""
    here = versions()
    try:
        key = reuse.render_key(job, sections, here)
    except OSError as error:
        key = f"cannot read the project's files ({error})"
    return socket.gethostname(), key, here


def check_workers(
    client, to_render: Sequence[tuple[Job, str]], sections: Sequence[Section], known: dict
) -> int:
    """Before any work is sent: every worker computes the render keys this machine does
    (the same code, libraries and paths), or a ClusterError names those that do not. A
    worker that differs would fail every task it takes, in milliseconds, and so take most
    of them. Returns how many sections the cluster renders at once (its threads)."""
    if to_render:
        job, key = to_render[0]
        answers = client.run(worker_render_key, job, sections)
        wrong = [
            f"{host} ({address}): {describe_difference(theirs, here, known)}"
            for address, (host, theirs, here) in answers.items()
            if theirs != key
        ]
        if wrong:
            raise ClusterError(
                f"{len(wrong)} of {len(answers)} workers would render another film: "
                + "; ".join(wrong[:3])
                + ("; ..." if len(wrong) > 3 else "")
                + ". Run the same commit, set up with `make setup`, at the same path on every "
                "worker, or stop those workers"
            )
    return max(1, sum(client.nthreads().values()))


def describe_difference(theirs: str, here: dict, known: dict) -> str:
    if theirs.startswith("cannot"):
        return theirs
    differ = [
        f"{name} {here.get(name)} (here: {known[name]})"
        for name in known
        if here.get(name) != known[name]
    ]
    return "libraries differ: " + ", ".join(differ) if differ else "the code differs"


def render_section(
    job: Job, key: str, sections: Sequence[Section], known: dict[str, str]
) -> Outcome:
    """A worker's task: render one section, unless the worker's code differs. The render
    stops when the task is cancelled: by Ctrl-C, or because the client that asked is gone
    (its connection dropped, it was killed), so no render outlives its run to write into
    the folder beside the next run's."""
    host, theirs, here = worker_render_key(job, sections)
    if theirs != key:  # a worker that joined after the check
        raise RenderError(
            f"{describe(job)}: on worker {host}, "
            f"{describe_difference(theirs, here, known)}; run the same commit, set up with "
            "`make setup`, at the same path on every worker"
        )
    cancelled, running = cancellation(), Running()
    result: list = []

    def render() -> None:
        try:
            result.append(render_installed(job, key, running))
        except BaseException as error:
            result.append(error)

    # The render runs beside; this thread watches for the task's cancellation.
    rendering = threading.Thread(target=render, daemon=True)
    rendering.start()
    rendering.join(STOP_POLL)
    while rendering.is_alive():
        if cancelled():
            running.stop_all()
            break
        rendering.join(STOP_POLL)
    rendering.join()
    (outcome,) = result
    if isinstance(outcome, BaseException):
        raise outcome
    return outcome


def cancellation() -> Callable[[], bool]:
    """In a task: a function telling whether the task has been cancelled (or forgotten)
    on its worker since, as the scheduler does when no client wants its result any more."""
    from distributed import get_worker
    from distributed.worker import thread_state

    worker, own = get_worker(), thread_state.key

    def cancelled() -> bool:
        task = worker.state.tasks.get(own)
        return task is None or task.state in ("cancelled", "released", "forgotten")

    return cancelled


class DaskExecutor(Executor):
    """A Dask cluster: a section is a task running `render_section` on a worker, a lecture's
    assembly a task of its own; the run renders as many at once as the cluster has threads.

    Every task's key carries the run's id, so a new run never meets an old run's tasks. A
    task's result comes back as a `concurrent.futures.Future`, as on one machine."""

    CAPACITY_EVERY = 5.0  # seconds between asking the scheduler how many threads it has

    def __init__(
        self, client, sections: Sequence[Section], known: dict[str, str], threads: int
    ) -> None:
        self.client, self.sections, self.known = client, sections, known
        self.run_id = uuid.uuid4().hex[:12]
        self.threads, self.asked = max(1, threads), time.monotonic()
        self.workers = 1
        self.futures: list = []  # the run's Dask futures, to cancel on Ctrl-C

    def capacity(self) -> int:
        """The cluster's threads, asked again every few seconds: workers come and go."""
        if time.monotonic() - self.asked > self.CAPACITY_EVERY:
            self.asked = time.monotonic()
            with contextlib.suppress(Exception):  # no answer now: ask again next time
                threads = self.client.nthreads()
                self.workers, self.threads = len(threads), max(1, sum(threads.values()))
        return self.threads

    def note(self) -> str | None:
        if self.workers:
            return None
        return (
            "the scheduler has no workers: the run waits until one connects "
            "(`dask worker`, see the README), or Ctrl-C"
        )

    def render(self, job: Job, key: str, priority: int) -> Future:
        task = self.client.submit(
            render_section,
            job,
            key,
            self.sections,
            self.known,
            key=f"render-seed-{job.seed}-{job.section.stem}-{self.run_id}",
            priority=priority,
            pure=False,
        )
        return self.handed_back(task)

    def assemble(self, seed: int, finish: Callable[[], Finished]) -> Future:
        task = self.client.submit(
            finish, key=f"lecture-seed-{seed}-{self.run_id}", priority=1_000_000, pure=False
        )
        return self.handed_back(task)

    def handed_back(self, task) -> Future:
        """The Dask future's outcome as a concurrent.futures.Future."""
        self.futures.append(task)
        future: Future = Future()

        def settle(done) -> None:
            try:
                future.set_result(done.result())
            except BaseException as error:  # the task's error, or the run's cancellation
                future.set_exception(error)

        task.add_done_callback(settle)
        return future

    def close(self) -> None:
        """Nothing to release: the client is render.py's, closed when the run is over."""

    def stop(self) -> None:
        """Cancel the run's tasks: a running render sees it and stops (`render_section`)."""
        with contextlib.suppress(Exception):  # a scheduler gone takes its tasks with it
            self.client.cancel(self.futures)
