"""Scenes get their seed from render.py --seed through one request file (scenes/contract.py),
or, under plain manim, the default request's seed 0; what they did comes back in a report."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mechanics import formatting as fmt
from mechanics.settings import Settings
from publishing.film import QUALITIES
from publishing.job import Job
from publishing.manim_cli import take_request
from scenes.contract import SceneReport, SceneRequest, hand_over, handed
from scenes.loss import Loss, loss_text
from scenes.sections import SECTIONS, section_of_scene

from .conftest import cached_lesson
from .scene_rendering import caption_words

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def handing_over():
    """hand_over, undone after the test: the process goes back to the default request."""
    yield hand_over
    hand_over(SceneRequest())


def test_a_plain_manim_run_draws_the_default_request():
    assert handed() == SceneRequest()
    assert (handed().seed, handed().voice, handed().captions) == (0, "none", "burned")
    assert Loss().lesson.seed == 0


def test_the_seed_travels_from_render_py_to_the_scene_in_one_request_file(tmp_path, handing_over):
    """render.py's Job -> request.json -> publishing.manim_cli --request -> the scene."""
    job = Job(section_of_scene("Loss"), 7, QUALITIES["preview"], tmp_path, caption_mode="file")
    request_file, report = tmp_path / "request.json", tmp_path / "report.json"
    job.request(report).write(request_file)
    manim_arguments = take_request(["render", "--request", str(request_file), "-ql", "Loss"])
    assert manim_arguments == ["render", "-ql", "Loss"]  # Manim never sees it
    scene = Loss()
    assert scene.seed == scene.lesson.seed == 7
    assert scene.request == job.request(report) and scene.narrator.burned is False
    assert scene.request.report == str(report)


@pytest.mark.parametrize("bad", [-1, 2**32])
def test_a_request_with_a_bad_seed_is_refused(bad):
    with pytest.raises(ValueError, match="seed"):
        SceneRequest(seed=bad)


def test_a_request_or_report_from_another_version_is_refused(tmp_path):
    text = SceneRequest(seed=3).to_json().replace('"contract": 1', '"contract": 0')
    with pytest.raises(ValueError, match="another version"):
        SceneRequest.from_json(text)


def test_a_report_reads_back_as_the_scene_wrote_it():
    request = SceneRequest(
        seed=9, settings=Settings(hidden_size=6), voice="piper", film=SECTIONS[:2]
    )
    report = SceneReport(
        request,
        lines=({"id": "02-loss-01", "words": "Hi.", "start": 1.25, "times": [["Hi.", 0, 0.4]]},),
        beats=({"name": "show_title", "start_frame": 0, "end_frame": 12, "lines": []},),
        key_frames=({"name": "title_card", "seconds": 1.2},),
        captions="1\n00:00:00,000 --> 00:00:01,000\nHi.\n",
        animations=14,
        stills=("01-title_card.png",),
    )
    assert SceneReport.from_json(report.to_json()) == report
    assert SceneReport.from_json(report.to_json()).request.settings.hidden_size == 6
    assert SceneReport.from_json(report.to_json()).request.film == SECTIONS[:2]


def test_render_py_renders_a_real_section_for_its_seed_with_stills(tmp_path):
    result = subprocess.run(
        [sys.executable, "render.py", "--seed", "7", "--quality", "preview"]
        + ["--sections", "loss", "--stills", "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "seed-7" / "preview"
    assert (folder / "02-loss.mp4").stat().st_size > 10_000
    lesson = cached_lesson(7)
    captions = caption_words((folder / "02-loss.srt").read_text())
    p = fmt.percent(lesson.target_probabilities[0])
    assert f"it gave Paris {p}, so its loss is {loss_text(lesson.trace[0].loss)}" in captions
    stills = sorted((folder / "stills" / "02-loss").glob("*.png"))
    assert [still.stem for still in stills][:2] == ["01-title_card", "02-show_title"]
    assert len(stills) >= 8
    assert (folder / "stills" / "02-loss.png").stat().st_size > 10_000
    # The scene said what it did through the contract, and how far it had got as it went.
    report = SceneReport.read(folder / ".manim" / "02-loss" / "report.json")
    assert report.request.seed == 7 and report.request.section == "02-loss"
    assert [Path(still).name for still in report.stills] == [still.name for still in stills]
    played = json.loads((folder / ".manim" / "02-loss" / "render.json").read_text())["animations"]
    assert played == report.animations > 20
    assert (folder / ".manim" / "02-loss" / "progress").read_text() == str(played)
