"""The one orchestrator (publishing/orchestrator.py), whatever executes its tasks: sections in
course order, a seed's lecture as soon as its sections are done and before any further
section, failures collected per seed while the other seeds go on, Ctrl-C stopping every task.

The executor here runs each task at once in this thread and notes what it was asked, so the
order is the orchestrator's own; the real executors are held to the same results in
tests/test_cluster.py (a Dask cluster renders what one machine renders, to the byte)."""

from __future__ import annotations

import threading
from concurrent.futures import Future
from pathlib import Path

import pytest

from publishing.film import QUALITIES, SECTIONS
from publishing.job import Finished, Job, Outcome, RenderError
from publishing.orchestrator import Executor, Plan, in_course_order, run
from publishing.progress import Progress
from scenes.contract import SceneRequest, note_progress


class Immediate(Executor):
    """Runs each task as it is submitted; notes the order of the work."""

    def __init__(self, capacity: int = 1, failing: set[str] = frozenset(), interrupt_at=None):
        self.slots, self.failing, self.interrupt_at = capacity, failing, interrupt_at
        self.asked: list[str] = []
        self.stopped = False

    def capacity(self) -> int:
        return self.slots

    def render(self, job: Job, key: str, priority: int) -> Future:
        self.asked.append(job.name)
        if job.name == self.interrupt_at:
            raise KeyboardInterrupt
        future: Future = Future()
        if job.name in self.failing:
            future.set_exception(RenderError(f"{job.name} failed; Manim's log: ..."))
        else:
            future.set_result(Outcome(job, 10.0, 1.0, reused=False))
        return future

    def assemble(self, seed: int, finish) -> Future:
        self.asked.append(f"lecture {seed}")
        future: Future = Future()
        future.set_result(Finished(True, (f"seed {seed}: assembled",)))
        return future

    def stop(self) -> None:
        self.stopped = True

    def close(self) -> None:
        pass


FILM = SECTIONS[:3]


def plan_for(seeds: list[int], reused_sections=()) -> Plan:
    jobs = {
        s: [Job(x, s, QUALITIES["preview"], Path(f"/nowhere/{s}")) for x in FILM] for s in seeds
    }
    reused = [
        Outcome(job, 9.0, 0.0, True) for job in jobs[seeds[0]] if job.section in reused_sections
    ]
    to_render = [
        (job, "key") for s in seeds for job in jobs[s] if not any(o.job == job for o in reused)
    ]
    return Plan(to_render, reused, jobs, FILM, {})


def progress_of(plan: Plan, said: list[str]) -> Progress:
    return Progress(len(plan.to_render) + len(plan.reused), said.append, lectures=2)


def test_a_seeds_lecture_is_assembled_as_soon_as_its_sections_are_done():
    plan, said = plan_for([3, 8]), []
    executor = Immediate()
    outcomes = run(plan, executor, progress_of(plan, said), status_every=60)
    order = [job.name for job, _ in in_course_order(plan.to_render)]
    assert executor.asked == [*order[:3], "lecture 3", *order[3:], "lecture 8"]
    assert len(outcomes) == 6 and not executor.stopped
    assert sum("assembled" in line for line in said) == 2


def test_within_a_seed_the_most_expensive_section_renders_first():
    plan = plan_for([3])
    costs = [job.section.relative_cost for job, _ in in_course_order(plan.to_render)]
    assert costs == sorted(costs, reverse=True)


def test_a_failed_section_keeps_its_seeds_lecture_back_and_the_other_seed_goes_on():
    plan, said = plan_for([3, 8]), []
    failing = {f"seed 3 {FILM[1].stem}"}
    progress = progress_of(plan, said)
    run(plan, Immediate(failing=failing), progress, status_every=60)
    assert list(progress.failed) == [3]
    assert progress.failed[3] == [f"seed 3 {FILM[1].stem} failed; Manim's log: ..."]
    assert progress.ready == {8}


def test_reused_sections_count_and_a_lecture_of_reused_sections_alone_is_assembled():
    plan, said = plan_for([3], reused_sections=FILM), []
    executor = Immediate()
    outcomes = run(plan, executor, progress_of(plan, said), status_every=60)
    assert executor.asked == ["lecture 3"] and all(outcome.reused for outcome in outcomes)


def test_ctrl_c_stops_every_task_and_is_raised_again():
    plan = plan_for([3, 8])
    second = in_course_order(plan.to_render)[1][0].name
    executor = Immediate(interrupt_at=second)
    with pytest.raises(KeyboardInterrupt):
        run(plan, executor, progress_of(plan, []), status_every=60)
    assert executor.stopped


def test_as_many_sections_render_at_once_as_the_executor_has_room_for():
    class Slow(Immediate):
        """Each render takes a twentieth of a second, in a timer thread."""

        def __init__(self) -> None:
            super().__init__(capacity=2)
            self.futures: list[Future] = []
            self.most = 0

        def render(self, job, key, priority):
            in_flight = sum(not future.done() for future in self.futures) + 1
            self.most = max(self.most, in_flight)
            future: Future = Future()
            self.futures.append(future)
            outcome = Outcome(job, 1.0, 1.0, reused=False)
            threading.Timer(0.05, future.set_result, [outcome]).start()
            return future

    executor, plan = Slow(), plan_for([3, 8])
    run(plan, executor, progress_of(plan, []), status_every=60)
    assert executor.most == 2 and len(executor.futures) == 6


def test_the_progress_line_says_how_far_a_running_section_has_got_from_its_scene(tmp_path):
    """The scene notes the animations it has played (scenes/contract.py); the record of an
    earlier render says how many there were: no log is read."""
    job = Job(FILM[0], 3, QUALITIES["preview"], tmp_path)
    job.media.mkdir(parents=True)
    job.record.write_text('{"animations": 40}')
    note_progress(SceneRequest(progress=str(job.progress)), 17)
    said: list[str] = []
    progress = Progress(1, said.append)
    progress.start(job)
    progress.status()
    assert said[-1].endswith(
        f"0/1 sections done; 1 running: seed 3 {FILM[0].stem} at animation 17/40"
    )
