"""The landscape is the real loss on a slice that holds the real training path."""

from __future__ import annotations

import numpy as np
import pytest

from mechanics.network import flatten, forward, loss

from .conftest import cached_lesson


def loss_on_slice(lesson_, alpha: float, beta: float) -> float:
    landscape = lesson_.landscape
    params = {
        name: landscape.center[name]
        + alpha * landscape.directions[0][name]
        + beta * landscape.directions[1][name]
        for name in landscape.center
    }
    return loss(forward(params, lesson_.inputs), lesson_.target_index)


@pytest.mark.parametrize("seed", [0, 7, 123])
def test_grid_heights_are_the_network_loss_at_those_weights(seed):
    lesson_ = cached_lesson(seed)
    landscape = lesson_.landscape
    assert landscape.losses.shape == (len(landscape.alphas), len(landscape.betas))
    for i, j in [(0, 0), (5, 17), (12, 12), (24, 3), (24, 24)]:
        expected = loss_on_slice(lesson_, landscape.alphas[i], landscape.betas[j])
        assert landscape.losses[i, j] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("seed", [0, 7, 123])
def test_slice_is_centred_on_the_final_weights_and_spanned_by_orthonormal_directions(seed):
    lesson_ = cached_lesson(seed)
    landscape = lesson_.landscape
    np.testing.assert_array_equal(flatten(landscape.center), flatten(lesson_.trace[-1].params))
    d = np.array([flatten(direction) for direction in landscape.directions])
    np.testing.assert_allclose(d @ d.T, np.eye(2), atol=1e-12)
    np.testing.assert_array_equal(landscape.path[-1], [0.0, 0.0])
    assert landscape.path_losses[-1] == pytest.approx(lesson_.trace[-1].loss, rel=1e-12)
    assert loss_on_slice(lesson_, 0.0, 0.0) == lesson_.trace[-1].loss


def test_path_is_the_projection_of_every_step(story_lessons):
    for lesson_ in story_lessons[:20]:
        landscape = lesson_.landscape
        d = np.array([flatten(direction) for direction in landscape.directions])
        center = flatten(landscape.center)
        for step, point, off in zip(
            lesson_.trace, landscape.path, landscape.off_slice, strict=True
        ):
            offset = flatten(step.params) - center
            np.testing.assert_allclose(point, d @ offset, atol=1e-12)
            assert np.linalg.norm(offset - point @ d) == pytest.approx(off, abs=1e-12)


def test_path_lies_inside_the_grid_and_mostly_on_the_slice(story_lessons):
    for lesson_ in story_lessons:
        landscape = lesson_.landscape
        alpha, beta = landscape.path.T
        assert landscape.alphas[0] < alpha.min() and alpha.max() < landscape.alphas[-1]
        assert landscape.betas[0] < beta.min() and beta.max() < landscape.betas[-1]
        assert landscape.explained.sum() > 0.95, lesson_.seed


def test_surface_under_the_ball_never_rises_much_above_the_real_loss(story_lessons):
    gaps = np.array(
        [(lesson_.landscape.path_losses - lesson_.losses).max() for lesson_ in story_lessons]
    )
    print(f"largest surface-above-real-loss gap over seeds 0..199: {gaps.max():.4f}")
    assert gaps.max() < 0.1
    for lesson_ in story_lessons:
        differences = np.abs(lesson_.landscape.path_losses - lesson_.losses)
        assert lesson_.landscape.surface_gap == differences.max()
    for lesson_ in story_lessons:
        assert np.all(np.isfinite(lesson_.landscape.losses))
