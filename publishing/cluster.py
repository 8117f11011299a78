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
file lands whole under its final name, the record and the manifest last. Ctrl-C sets a
cluster-wide event that stops the run's Manim processes, and cancels the rest.
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from collections.abc import Mapping, Sequence

from publishing import jobs as section_jobs
from publishing import lecture as lectures
from publishing.film import Section
from publishing.jobs import Finished, Job, Outcome, Progress, RenderError
from publishing.manifest import versions

SCHEDULER_VARIABLE = "MECHANICS_SCHEDULER"  # the scheduler's address, when --scheduler is not
STOP_POLL = 1.0  # seconds between a running task's looks at the stop event


class ClusterError(Exception):
    """The cluster cannot be used: one line saying why and what to do."""


def scheduler_address(given: str | None) -> str | None:
    """--scheduler, or else $MECHANICS_SCHEDULER, or None for this machine alone."""
    return given or os.environ.get(SCHEDULER_VARIABLE) or None


def connect(address: str, timeout: float = 15.0):
    """A client of the scheduler at `address`, which must have at least one worker."""
    from distributed import Client

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


def render_section(
    job: Job, key: str, sections: Sequence[Section], known: dict[str, str], stop: str
) -> Outcome:
    """A worker's task: render one section, unless the worker's code differs or the run is
    stopped (the event named `stop` is set)."""
    from distributed import Event

    here = versions()
    if section_jobs.render_key(job, sections, here) != key:
        differ = [
            f"{name} {here.get(name)} (asked: {known[name]})"
            for name in known
            if here.get(name) != known[name]
        ]
        what = "libraries differ: " + ", ".join(differ) if differ else "code differs"
        raise RenderError(
            f"{section_jobs.describe(job)}: on worker {socket.gethostname()} the {what}; "
            "run the same commit, set up with `make setup`, on every worker"
        )
    running, stopped = section_jobs.Running(), Event(stop)
    result: list = []

    def render() -> None:
        try:
            result.append(section_jobs.render(job, key, running))
        except BaseException as error:
            result.append(error)

    # The render runs beside, and this thread watches the event: a Dask Event answers only
    # in the task's own thread.
    rendering = threading.Thread(target=render, daemon=True)
    rendering.start()
    rendering.join(STOP_POLL)
    while rendering.is_alive():
        try:
            if stopped.is_set():
                running.stop_all()
                break
        except Exception:  # the scheduler is gone: the worker will be stopped too
            break
        rendering.join(STOP_POLL)
    rendering.join()
    (outcome,) = result
    if isinstance(outcome, RenderError):
        raise outcome
    if isinstance(outcome, Exception):  # a file that could not be written or read, say
        raise RenderError(f"{section_jobs.describe(job)} could not be installed: {outcome}")
    if isinstance(outcome, BaseException):
        raise outcome
    return outcome


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
    from distributed import Event, as_completed

    run = uuid.uuid4().hex[:12]  # in every key: a new run never meets an old run's tasks
    stop = f"mechanics-stop-{run}"
    outcomes = list(reused)
    for outcome in reused:
        progress.finish(outcome)
    futures: dict = {}  # future -> ("section", job) or ("lecture", seed)
    by_seed: dict[int, list] = {}
    seeds = list(dict.fromkeys([*film, *(job.seed for job, _ in to_render)]))
    for job, key in to_render:
        # Seed by seed, as asked (lectures finish one after another), and within a seed
        # the most expensive section first, as on one machine (jobs.in_course_order).
        place = len(seeds) - seeds.index(job.seed)
        future = client.submit(
            render_section,
            job,
            key,
            sections,
            known,
            stop,
            key=f"render-seed-{job.seed}-{job.section.stem}-{run}",
            priority=place * 1000 + round(100 * job.section.relative_cost),
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
            priority=(len(seeds) + 1) * 1000,  # a lecture as soon as it can be assembled
            pure=False,
        )
        futures[future] = ("lecture", seed)
    stop_reporting = threading.Event()
    names = {future.key: what for future, what in futures.items()}

    def report() -> None:
        while not stop_reporting.wait(status_every):
            try:
                busy = {key for keys in client.processing().values() for key in keys}
            except Exception:
                continue
            running = [
                what for key, (kind, what) in names.items() if key in busy and kind == "section"
            ]
            progress.now_running(running)
            progress.status()

    reporter = threading.Thread(target=report, daemon=True)
    reporter.start()
    try:
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
                reason = one_line(error, "the lecture could not be assembled")
                progress.lecture(what, None, f"seed {what}: {reason}")
    except BaseException as error:
        try:
            Event(stop, client=client).set()
            client.cancel(list(futures))
        except Exception:  # the scheduler is gone: its workers' tasks end with it
            pass
        if isinstance(error, Exception):
            raise ClusterError(
                f"the run on the Dask cluster stopped ({one_line(error, 'error')}); finished "
                "sections and lectures are kept: run the same command again to resume"
            ) from error
        raise
    finally:
        stop_reporting.set()
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
    text = " ".join(str(error).split()) or type(error).__name__
    return f"{context}: {type(error).__name__}: {text}"
