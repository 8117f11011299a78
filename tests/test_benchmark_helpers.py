"""The render benchmark's own measures, on small inputs, so a benchmark run cannot be wrong
for reasons a test would have caught (it takes a quarter of an hour to run)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from publishing.film import QUALITIES
from tests.test_publishing_parts import uneven_ticks, write_clip

BENCHMARK = Path(__file__).resolve().parent.parent / "benchmarks" / "render_speed.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("render_speed", BENCHMARK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_ssim_is_one_for_equal_pictures_and_falls_with_noise(bench):
    rng = np.random.default_rng(0)
    picture = rng.uniform(0, 255, (72, 128))
    assert bench.ssim(picture, picture) == pytest.approx(1.0)
    slightly, badly = (
        np.clip(picture + rng.normal(0, sigma, picture.shape), 0, 255) for sigma in (5, 60)
    )
    assert 1.0 > bench.ssim(picture, slightly) > bench.ssim(picture, badly)


def test_a_video_compared_with_itself_is_perfect(bench, tmp_path):
    clip = write_clip(tmp_path / "clip.mp4", list(range(12)), uneven_ticks(12))
    result = bench.compare((str(clip), str(clip)))
    assert result["frames_compared"] == 2  # frames 0 and 6
    assert result["psnr_db_min"] == 100.0 and result["ssim_min"] == pytest.approx(1.0)


def test_the_reference_quality_is_lossless_and_otherwise_the_same(bench):
    reference = bench.lossless(QUALITIES["1080p"])
    assert reference.encoder_options["crf"] == "0"
    assert (reference.width, reference.height, reference.fps) == (1920, 1080, 60)
    assert reference.name != "1080p"
