"""Progress, one model and two views: plain lines for a log or a pipe (as they always were),
and on a terminal a live bar with each running section's animation n of m and the time
left, the same lines printed above it."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from rich.console import Console

import render
from publishing.film import QUALITIES, SECTIONS, Section
from publishing.job import Finished, Job, Outcome
from publishing.progress import LiveView, Progress, live_view, view_for
from scenes.contract import SceneRequest, note_progress

PREVIEW = QUALITIES["preview"]


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.seconds = 1000.0

    def __call__(self) -> float:
        return self.seconds


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


# A film of three sections with costs chosen so the time left is easy to work out by hand.
FILM = (
    Section(1, "pass", "The Forward Pass", Path("/nowhere/one.py"), "One", relative_cost=1.0),
    Section(2, "score", "The Scorecard", Path("/nowhere/two.py"), "Two", relative_cost=2.0),
    Section(3, "wiggle", "The Wiggle", Path("/nowhere/three.py"), "Three", relative_cost=1.0),
)


def job_at(tmp_path: Path, section: int, seed: int = 3, played: int = 0, of=None) -> Job:
    """A section that is running: its scene has played `played` animations, of `of` in an
    earlier run's record (none when it never finished)."""
    job = Job(FILM[section - 1], seed, PREVIEW, tmp_path / f"seed-{seed}")
    job.media.mkdir(parents=True, exist_ok=True)
    if of is not None:
        job.record.write_text(f'{{"animations": {of}}}')
    note_progress(SceneRequest(progress=str(job.progress)), played)
    return job


def shown(renderable, width: int = 100) -> str:
    """What a terminal `width` columns wide shows."""
    file = io.StringIO()
    Console(file=file, force_terminal=True, width=width, color_system=None).print(renderable)
    return file.getvalue()


def a_run_under_way(tmp_path: Path, said: list[str], clock: Clock) -> Progress:
    """Seed 3's three sections and seed 8's first (costs 1, 2, 1 and 1): seed 3's first
    rendered in 100 s, its other two running (17 of 40 animations, and 3 of a count no
    earlier run knows), seed 8's failed.

    Time left when the first is done, at 1:40: 100 s for cost 1 of 5, 4 to go: 400 s, 6:40;
    after seed 8's failed, at 1:45: cost 4 to render in all (5, less the failed 1), 3 to
    go: 105 s x 3 = 315 s, 5:15."""
    first, second, third = (
        job_at(tmp_path, 1),
        job_at(tmp_path, 2, played=17, of=40),
        job_at(tmp_path, 3, played=3),
    )
    failing = job_at(tmp_path, 1, seed=8)
    run = Progress(4, said.append, [first, second, third, failing], lectures=2, now=clock)
    run.start(first)
    clock.seconds += 100
    run.finish(Outcome(first, 12.5, 100.0, reused=False))
    run.start(second)
    run.start(third)
    run.start(failing)
    clock.seconds += 5
    run.fail(failing, "seed 8 01-pass failed; Manim's log: 01-pass.log")
    return run


def test_the_plain_lines_are_as_they_always_were(tmp_path):
    said, clock = [], Clock()
    run = a_run_under_way(tmp_path, said, clock)
    run.status()
    run.lecture(3, Finished(True, ("seed 3: assembled",)))
    assert said == [
        "[0:00] seed 3 01-pass: rendering The Forward Pass",
        "[1:40] seed 3 01-pass: 12.5 s of video rendered in 100.0 s "
        "(0/2 lectures, 1/4 sections done, about 6:40 left)",
        "[1:40] seed 3 02-score: rendering The Scorecard",
        "[1:40] seed 3 03-wiggle: rendering The Wiggle",
        "[1:40] seed 8 01-pass: rendering The Forward Pass",
        "[1:45] seed 8 01-pass failed; Manim's log: 01-pass.log",
        "[1:45] 0/2 lectures, 1/4 sections done, about 5:15 left; 2 running: "
        "seed 3 02-score at animation 17/40, seed 3 03-wiggle at animation 3; failed: seed 8",
        "[1:45] seed 3: assembled",
        "[1:45] 1/2 lectures, 1/4 sections done, about 5:15 left",
    ]


def test_the_live_view_shows_counts_animations_and_time_left(tmp_path):
    said, clock = [], Clock()
    screen = shown(live_view(a_run_under_way(tmp_path, said, clock).snapshot()))
    lines = [line.rstrip() for line in screen.splitlines()]
    assert lines[0].startswith("sections ") and lines[0].endswith(" 1/4")
    assert lines[1].startswith("lectures ") and lines[1].endswith(" 0/2")
    assert lines[2] == "1:45 so far, about 5:15 left"
    assert lines[3].startswith("  seed 3 02-score ")
    assert lines[3].endswith(" animation 17 of 40")
    assert lines[4].startswith("  seed 3 03-wiggle ")
    assert lines[4].endswith(" animation 3")
    assert lines[5] == "failed: seed 8"
    assert len(lines) == 6


def test_the_live_bars_are_filled_as_far_as_the_counts(tmp_path):
    said, clock = [], Clock()
    screen = shown(live_view(a_run_under_way(tmp_path, said, clock).snapshot()))
    sections, lectures, _, running = screen.splitlines()[:4]
    # 1 of 4 sections on 30 cells: 7.5 filled; 17 of 40 animations on 20: 8.5 filled
    # (a half cell is drawn as ╸; without colours the rest of a bar is blank).
    assert "━" * 7 + "╸ " in sections and sections.count("━") == 7
    assert "━" * 8 + "╸ " in running and running.count("━") == 8
    assert "━" not in lectures  # none of 2 ready


def test_the_live_view_has_no_time_left_before_the_first_wave(tmp_path):
    run = Progress(2, [].append, [job_at(tmp_path, 1)], now=Clock())
    run.start(job_at(tmp_path, 1))
    lines = shown(live_view(run.snapshot())).splitlines()
    assert lines[1].rstrip() == "0:00 so far"
    assert lines[2].rstrip().endswith("animation 0")


def test_under_the_live_view_lines_print_above_it_and_no_status_lines(tmp_path):
    file = Terminal()
    run = Progress(1, print, [job_at(tmp_path, 1)], now=Clock())
    job = job_at(tmp_path, 1, played=2, of=9)
    with LiveView(run, Console(file=file, force_terminal=True, width=80)):
        run.start(job)
        run.status("the cluster has no workers yet")
    assert not run.live
    text = file.getvalue()
    assert "seed 3 01-pass: rendering The Forward Pass" in text  # printed above the bar
    assert "animation 2 of 9" in text and "the cluster has no workers yet" in text
    assert "1 running:" not in text  # the status line is the bar's job now
    assert text.index("rendering The Forward Pass") < text.rindex("animation 2 of 9")


def test_only_a_terminal_gets_the_live_view(tmp_path):
    run = Progress(1, print)
    assert isinstance(view_for(run, Terminal()), LiveView)
    assert not isinstance(view_for(run, io.StringIO()), LiveView)


@pytest.mark.parametrize("terminal", [True, False])
def test_render_py_shows_the_live_view_only_on_a_terminal(tmp_path, monkeypatch, terminal):
    """render.py's run, with the orchestrator stood in for (nothing is rendered): the
    progress it is handed is live exactly when stdout is a terminal."""
    seen = []

    def run(plan, executor, progress, status_every):
        seen.append(progress.live)
        executor.close()
        return []

    monkeypatch.setattr(render.orchestrator, "run", run)
    monkeypatch.setattr(sys, "stdout", Terminal() if terminal else io.StringIO())
    request = render.read_request(
        ["--out", str(tmp_path), "--sections", "1", "--voice", "none", "--quality", "preview"],
        SECTIONS,
        QUALITIES,
    )
    render.render(request, status_every=30)
    assert seen == [terminal]


def test_a_section_never_rendered_before_is_counted_against_another_seeds_run(tmp_path):
    said, clock = [], Clock()
    first = job_at(tmp_path, 1, seed=3, of=90)  # its record: 90 animations
    fresh = job_at(tmp_path, 1, seed=4, played=40)  # no record of its own
    unknown = job_at(tmp_path, 2, seed=4, played=5)  # no seed has played this one yet
    run = Progress(3, said.append, [first, fresh, unknown], now=clock)
    run.start(first)
    run.finish(Outcome(first, 12.5, 100.0, reused=False))
    run.start(fresh)
    run.start(unknown)
    run.status()
    assert said[-1].endswith(
        "2 running: seed 4 01-pass at animation 40/~90, seed 4 02-score at animation 5"
    )
    lines = [line.rstrip() for line in shown(live_view(run.snapshot())).splitlines()]
    assert lines[2].endswith(" animation 40 of ~90") and lines[3].endswith(" animation 5")
