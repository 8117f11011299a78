"""Scenes get their seed from render.py --seed or, under plain manim, from MECHANICS_SEED."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mechanics import formatting as fmt
from scenes.loss import Loss, loss_text
from scenes.seeding import scene_seed

from .conftest import cached_lesson
from .scene_rendering import caption_words

ROOT = Path(__file__).resolve().parent.parent


def test_scene_seed_defaults_to_zero(monkeypatch):
    monkeypatch.delenv("MECHANICS_SEED", raising=False)
    assert scene_seed() == 0


def test_scene_seed_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("MECHANICS_SEED", "7")
    assert scene_seed() == 7
    assert Loss().lesson.seed == 7


@pytest.mark.parametrize("bad", ["-1", "seven", "4294967296"])
def test_a_bad_environment_seed_is_named(monkeypatch, bad):
    monkeypatch.setenv("MECHANICS_SEED", bad)
    with pytest.raises(ValueError, match="MECHANICS_SEED"):
        scene_seed()


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
