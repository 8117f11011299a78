"""The wiggle curve has a true valley, and its slopes are the backprop gradients."""

from __future__ import annotations

import numpy as np
import pytest

from mechanics.network import forward, loss

from .conftest import cached_lesson


def test_valley_is_an_interior_minimum_away_from_the_start(story_lessons):
    for lesson_ in story_lessons:
        wiggle = lesson_.wiggle
        assert wiggle.ws[0] < wiggle.valley < wiggle.ws[-1], lesson_.seed
        assert wiggle.ws[0] < wiggle.start < wiggle.ws[-1], lesson_.seed
        assert abs(wiggle.valley - wiggle.start) >= 0.5, lesson_.seed
        lowest = int(np.argmin(wiggle.losses))
        assert 0 < lowest < len(wiggle.ws) - 1, lesson_.seed
        assert abs(lowest - wiggle.valley_index) <= 1, lesson_.seed
        assert wiggle.losses[lowest] == pytest.approx(wiggle.valley_loss, abs=1e-12)
        assert wiggle.valley_loss <= wiggle.losses.min() + 1e-12, lesson_.seed
        assert wiggle.losses[0] > wiggle.valley_loss + 1e-6, lesson_.seed
        assert wiggle.losses[-1] > wiggle.valley_loss + 1e-6, lesson_.seed
        assert wiggle.at(wiggle.start)[0] - wiggle.valley_loss >= 0.1, lesson_.seed


def test_the_curve_climbs_again_beyond_the_valley(story_lessons):
    """A valley, not a ledge: past the valley the loss rises by a visible amount."""
    for lesson_ in story_lessons:
        wiggle = lesson_.wiggle
        far_end = wiggle.losses[-1] if wiggle.valley > wiggle.start else wiggle.losses[0]
        rise = far_end - wiggle.valley_loss
        assert rise >= 0.7 * lesson_.settings.wiggle_min_drop / 2 - 1e-12, lesson_.seed


def test_slope_matches_finite_differences_of_the_sampled_curve(story_lessons):
    for lesson_ in story_lessons:
        wiggle = lesson_.wiggle
        numeric = np.gradient(wiggle.losses, wiggle.ws)
        spacing = (wiggle.ws[-1] - wiggle.ws[0]) / (len(wiggle.ws) - 1)
        # Second-order differences are exact to O(spacing^2) where the neighbours are a
        # grid step apart; next to the inserted start and valley samples they are not.
        gaps = np.diff(wiggle.ws)
        even = np.zeros(len(wiggle.ws), dtype=bool)
        even[1:-1] = (gaps[:-1] > 0.5 * spacing) & (gaps[1:] > 0.5 * spacing)
        assert even.sum() >= len(wiggle.ws) - 8
        np.testing.assert_allclose(wiggle.slopes[even], numeric[even], atol=spacing, rtol=0)


def test_start_and_valley_are_exact_samples(story_lessons):
    for lesson_ in story_lessons:
        wiggle = lesson_.wiggle
        assert np.all(np.diff(wiggle.ws) > 0)
        assert wiggle.ws[wiggle.start_index] == wiggle.start
        assert wiggle.ws[wiggle.valley_index] == wiggle.valley
        assert wiggle.losses[wiggle.valley_index] == wiggle.valley_loss
        assert wiggle.losses[wiggle.start_index] == lesson_.trace[0].loss


def test_slope_is_zero_at_the_valley_and_signs_point_downhill(story_lessons):
    for lesson_ in story_lessons:
        wiggle = lesson_.wiggle
        assert abs(wiggle.at(wiggle.valley)[1]) < 1e-9, lesson_.seed
        # A sample may land on the valley itself, where the slope is zero to rounding.
        left, right = wiggle.ws < wiggle.valley - 1e-9, wiggle.ws > wiggle.valley + 1e-9
        assert np.all(wiggle.slopes[left] < 0), lesson_.seed
        assert np.all(wiggle.slopes[right] > 0), lesson_.seed


@pytest.mark.parametrize("seed", [0, 7])
def test_curve_holds_every_other_weight_at_step_zero(seed):
    lesson_ = cached_lesson(seed)
    wiggle = lesson_.wiggle
    start = lesson_.trace[0].params
    assert wiggle.name == "W1" and wiggle.start == start["W1"][wiggle.index]
    for w, expected in list(zip(wiggle.ws, wiggle.losses, strict=True))[::50]:
        params = {name: value.copy() for name, value in start.items()}
        params["W1"][wiggle.index] = w
        assert loss(forward(params, lesson_.inputs), lesson_.target_index) == expected
    loss_at_start, slope_at_start = wiggle.at(wiggle.start)
    assert loss_at_start == lesson_.trace[0].loss
    assert slope_at_start == lesson_.trace[0].grads["W1"][wiggle.index]


def test_loss_ticks_are_round_and_bracket_the_curve_within_a_step(story_lessons):
    """The loss axis's numbers: evenly spaced round values (1, 2, 2.5 or 5 times a power of
    ten), the first at or below the curve's lowest loss and the last at or above its
    highest, each less than a step away, so the axis's range is the curve's own."""
    for lesson_ in story_lessons:
        wiggle = lesson_.wiggle
        ticks = wiggle.loss_ticks
        steps = np.diff(ticks)
        step = float(steps[0])
        np.testing.assert_allclose(steps, step, atol=1e-9)
        mantissa = step / 10.0 ** np.floor(np.log10(step) + 1e-9)
        assert any(abs(mantissa - m) < 1e-9 for m in (1.0, 2.0, 2.5, 5.0)), (lesson_.seed, step)
        np.testing.assert_allclose(ticks / step, np.round(ticks / step), atol=1e-6)
        low, high = float(wiggle.losses.min()), float(wiggle.losses.max())
        assert ticks[0] <= low + 1e-9 and low - ticks[0] < step, lesson_.seed
        assert ticks[-1] >= high - 1e-9 and ticks[-1] - high < step, lesson_.seed
        assert 3 <= len(ticks) <= 6, (lesson_.seed, ticks)
        written = [f"{value:.{wiggle.loss_tick_decimals}f}" for value in ticks]
        assert [float(w) for w in written] == pytest.approx(list(ticks), abs=1e-12), written
