"""One orchestrator for one machine and a cluster: render the sections, assemble each seed's
lecture as soon as its sections are done, report progress, collect failures per seed.

The work is written once, here; where it runs is an `Executor`: `LocalExecutor` (threads
starting Manim processes on this machine) or `publishing.cluster.DaskExecutor` (tasks on a
Dask cluster), the shape dask-jobqueue uses, the cluster swapped and the work unchanged.
"""

from __future__ import annotations

import functools
from abc import ABC, abstractmethod
from collections import Counter, deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

from publishing import lecture as lectures
from publishing.film import Section
from publishing.job import Finished, Job, Outcome, assembly_failure, describe, failure_line
from publishing.manim_process import Running
from publishing.progress import Progress, report_every
from publishing.section_render import render_installed


class Executor(ABC):
    """Where the work runs: it renders a section and runs a lecture's assembly, each as a
    task whose result arrives as a `concurrent.futures.Future`."""

    @abstractmethod
    def capacity(self) -> int:
        """How many tasks run at once now."""

    @abstractmethod
    def render(self, job: Job, key: str, priority: int) -> Future:
        """Render the section (an `Outcome`, or a RenderError naming it)."""

    @abstractmethod
    def assemble(self, seed: int, finish: Callable[[], Finished]) -> Future:
        """Assemble a seed's lecture (`finish()`, a `Finished`)."""

    @abstractmethod
    def stop(self) -> None:
        """Stop every task of the run: an interruption."""

    @abstractmethod
    def close(self) -> None:
        """Release what the executor holds, once the run is over."""

    def note(self) -> str | None:
        """Anything the person waiting should know about where the work runs."""
        return None


class LocalExecutor(Executor):
    """This machine: `workers` threads, each running one section's Manim process at a time."""

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)
        self.pool = ThreadPoolExecutor(max_workers=self.workers)
        self.running = Running()

    def capacity(self) -> int:
        return self.workers

    def render(self, job: Job, key: str, priority: int) -> Future:
        return self.pool.submit(render_installed, job, key, self.running)

    def assemble(self, seed: int, finish: Callable[[], Finished]) -> Future:
        return self.pool.submit(finish)

    def stop(self) -> None:
        self.running.stop_all()
        self.pool.shutdown(wait=True, cancel_futures=True)

    def close(self) -> None:
        self.pool.shutdown(wait=True)


@dataclass(frozen=True)
class Plan:
    """What a run renders and assembles: the sections to render, each with its render key,
    those an earlier run finished, and the jobs of every section of the film per seed."""

    to_render: Sequence[tuple[Job, str]]
    reused: Sequence[Outcome]
    lectures: Mapping[int, Sequence[Job]]  # seed -> every section of its film, in order
    sections: Sequence[Section]
    versions: dict[str, str]

    def finish(self, seed: int, done: set[Section]) -> Callable[[], Finished]:
        """The assembly of a seed's lecture, given the sections done in this run."""
        jobs = list(self.lectures[seed])
        return functools.partial(lectures.finish, jobs, self.sections, self.versions, done)


def in_course_order(to_render: Sequence[tuple[Job, str]]) -> list[tuple[Job, str]]:
    """Seed by seed, as asked, so lectures finish one after another rather than all at the
    end; within a seed the most expensive section first, so the last to finish is short."""
    order = {seed: place for place, seed in enumerate(dict.fromkeys(j.seed for j, _ in to_render))}
    return sorted(to_render, key=lambda pair: (order[pair[0].seed], -pair[0].section.relative_cost))


def run(
    plan: Plan, executor: Executor, progress: Progress, status_every: float = 30.0
) -> list[Outcome]:
    """Render the plan's sections in course order, as many at once as the executor runs,
    and assemble each seed's lecture as soon as its last section is done (before any
    further section: a finished lecture early is worth more).

    Returns every outcome (the reused ones first); what failed, per seed, is in
    `progress.failed`. Ctrl-C stops every task and is raised again once they have stopped."""
    outcomes: list[Outcome] = []
    waiting = Counter(job.seed for job, _ in plan.to_render)
    done: dict[int, set[Section]] = {}
    for outcome in plan.reused:
        outcomes.append(outcome)
        done.setdefault(outcome.job.seed, set()).add(outcome.job.section)
        progress.finish(outcome)
    queued = deque(in_course_order(plan.to_render))
    rendering: dict[Future, Job] = {}
    assembling: dict[Future, int] = {}
    to_assemble: deque[int] = deque()

    def assemble_when_ready(seed: int) -> None:
        if waiting[seed] == 0 and seed in plan.lectures and seed not in progress.failed:
            to_assemble.append(seed)

    def fill() -> None:
        while len(rendering) + len(assembling) < executor.capacity():
            if to_assemble:
                seed = to_assemble.popleft()
                finish = plan.finish(seed, done.get(seed, set()))
                assembling[executor.assemble(seed, finish)] = seed
            elif queued:
                job, key = queued.popleft()
                progress.start(job)
                rendering[executor.render(job, key, priority=len(queued))] = job
            else:
                return

    def rendered(job: Job, future: Future) -> None:
        waiting[job.seed] -= 1
        error = future.exception()
        if error is None:
            outcome = future.result()
            outcomes.append(outcome)
            progress.finish(outcome)
            done.setdefault(job.seed, set()).add(job.section)
            assemble_when_ready(job.seed)
        elif isinstance(error, Exception):  # the seed's lecture waits for a rerun
            progress.fail(job, failure_line(error, f"{describe(job)} failed"))
        else:
            raise error

    def assembled(seed: int, future: Future) -> None:
        error = future.exception()
        if error is None:
            progress.lecture(seed, future.result())
        elif isinstance(error, Exception):  # this seed's; the others go on
            progress.lecture(seed, None, assembly_failure(seed, error))
        else:
            raise error

    for seed in {outcome.job.seed for outcome in plan.reused} - set(waiting):
        assemble_when_ready(seed)
    reporting = report_every(status_every, lambda: progress.status(executor.note()))
    try:
        fill()
        while rendering or assembling:
            finished, _ = wait([*rendering, *assembling], timeout=0.5, return_when=FIRST_COMPLETED)
            for future in finished:
                if future in assembling:
                    assembled(assembling.pop(future), future)
                else:
                    rendered(rendering.pop(future), future)
            fill()
    except BaseException:
        executor.stop()
        raise
    finally:
        reporting.set()
    executor.close()
    return outcomes
