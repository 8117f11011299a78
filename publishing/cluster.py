"""Rendering on a Dask cluster: one task per (seed, section), one per seed's lecture.

    render.py --seed 0-299 --scheduler tcp://HOST:8786 --out /shared/renders

Each task runs on a worker exactly what render.py runs on one machine: a section's Manim
process, or the assembly of a lecture once its sections are done. Workers write into
`--out`, so it must be a folder every worker reaches under the same path (a shared
filesystem), and every worker must run this project's code and virtual environment: a task
first checks that the worker computes the same render key as the client, so a worker with
other code or libraries fails the task with one clear line instead of rendering a
different film.

Nothing is lost: a worker that dies mid-render has its task rerun on another worker by the
scheduler (a Manim process dies with the worker that started it: `jobs.Running`), and every
file lands whole under its final name, the record and the manifest last. Ctrl-C cancels the
run's tasks, and a running render stops when it sees its task cancelled (as it does when
the client that asked is gone).
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import uuid
from collections.abc import Callable, Mapping, Sequence

from publishing import jobs as section_jobs
from publishing import lecture as lectures
from publishing.film import Section
from publishing.jobs import Finished, Job, Outcome, Progress, RenderError
from publishing.manifest import versions

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
        key = section_jobs.render_key(job, sections, here)
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
            f"{section_jobs.describe(job)}: on worker {host}, "
            f"{describe_difference(theirs, here, known)}; run the same commit, set up with "
            "`make setup`, at the same path on every worker"
        )
    cancelled, running = cancellation(), section_jobs.Running()
    result: list = []

    def render() -> None:
        try:
            result.append(section_jobs.render_installed(job, key, running))
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


def executing(dask_worker) -> list[str]:
    """On a worker (through Client.run): the keys of the tasks it is executing now."""
    return [task.key for task in dask_worker.state.executing]


def assemble_lecture(
    jobs: Sequence[Job],
    sections: Sequence[Section],
    known: dict[str, str],
    outcomes: Sequence[Outcome],
) -> Finished:
    """A worker's task: assemble a seed's lecture. Dask starts it once this run's renders of
    the seed's sections (`outcomes`) are done; the others were reused."""
    return lectures.finish(jobs, sections, known, {outcome.job.section for outcome in outcomes})


def render_on_cluster(
    client,
    to_render: Sequence[tuple[Job, str]],
    reused: Sequence[Outcome],
    film: Mapping[int, Sequence[Job]],
    sections: Sequence[Section],
    known: dict[str, str],
    progress: Progress,
    status_every: float = 30.0,
) -> list[Outcome]:
    """Render the jobs as tasks on the cluster, and each seed's lecture (`film[seed]`, the
    jobs of every section of the film) as a task that follows its sections.

    Returns every outcome (the reused ones first); what failed is in `progress.failed`.
    Ctrl-C stops the run's Manim processes on every worker, then is raised again."""
    from distributed import as_completed

    run = uuid.uuid4().hex[:12]  # in every key: a new run never meets an old run's tasks
    outcomes = list(reused)
    for outcome in reused:
        progress.finish(outcome)
    futures: dict = {}  # future -> ("section", job) or ("lecture", seed)
    by_seed: dict[int, list] = {}
    # The order of one machine (jobs.in_course_order) as priorities: seed by seed, so
    # lectures finish one after another; a lecture as soon as its sections are done.
    ordered = section_jobs.in_course_order(to_render)

    def report() -> None:
        names = {future.key: what for future, (kind, what) in futures.items() if kind == "section"}
        try:
            busy = {key for keys in client.run(executing).values() for key in keys}
            workers = len(client.scheduler_info()["workers"])
        except Exception:
            return  # the scheduler does not answer now: the next report asks again
        progress.now_running([what for key, what in names.items() if key in busy])
        progress.status()
        if not workers:
            progress.say(
                f"[{progress.elapsed()}] the scheduler has no workers: the run waits "
                "until one connects (`dask worker`, see the README), or Ctrl-C"
            )

    reporting = threading.Event()  # set in `finally` even if submitting fails first
    try:
        for place, (job, key) in enumerate(ordered):
            future = client.submit(
                render_section,
                job,
                key,
                sections,
                known,
                key=f"render-seed-{job.seed}-{job.section.stem}-{run}",
                priority=len(ordered) - place,
                pure=False,
            )
            futures[future] = ("section", job)
            by_seed.setdefault(job.seed, []).append(future)
        for seed, jobs in film.items():
            future = client.submit(
                assemble_lecture,
                list(jobs),
                sections,
                known,
                by_seed.get(seed, []),
                key=f"lecture-seed-{seed}-{run}",
                priority=len(ordered) + 1,
                pure=False,
            )
            futures[future] = ("lecture", seed)
        reporting = section_jobs.report_every(status_every, report)
        for future in as_completed(futures, loop=client.loop):
            kind, what = futures[future]
            error = future.exception() if future.status == "error" else None
            if kind == "section":
                if error is None:
                    outcome = future.result()
                    outcomes.append(outcome)
                    progress.finish(outcome)
                else:
                    progress.fail(what, one_line(error, f"{section_jobs.describe(what)} failed"))
            elif error is None:
                progress.lecture(what, future.result())
            elif not any(section.status == "error" for section in by_seed.get(what, [])):
                # (a lecture whose section failed fails with it: that failure is reported)
                progress.lecture(what, None, section_jobs.assembly_failure(what, error))
    except BaseException as error:
        with contextlib.suppress(Exception):  # a scheduler gone takes its tasks with it
            client.cancel(list(futures))  # the renders see it and stop (render_section)
        if isinstance(error, Exception):
            raise ClusterError(
                f"the run on the Dask cluster stopped ({one_line(error, 'error')}); finished "
                "sections and lectures are kept: run the same command again to resume"
            ) from error
        raise
    finally:
        reporting.set()
    return outcomes


def one_line(error: BaseException, context: str) -> str:
    """An error from a worker in one line: a RenderError says it all; others get context
    (a worker lost too often comes back as Dask's KilledWorker)."""
    if isinstance(error, RenderError):
        return str(error)
    if type(error).__name__ == "KilledWorker":
        return (
            f"{context}: the workers that ran it died each time (killed, out of memory or "
            "lost); see the workers' logs"
        )
    return f"{context}: {type(error).__name__}: {section_jobs.in_one_line(error)}"
