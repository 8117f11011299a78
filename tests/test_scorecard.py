"""Section 2's numbers: the loss curve -log(p) and the marker's stops."""

from __future__ import annotations

import numpy as np
import pytest

from .conftest import cached_lesson


@pytest.mark.parametrize("seed", [0, 7])
def test_marker_starts_at_certainty_visits_round_values_and_ends_at_the_real_p(seed):
    lesson_ = cached_lesson(seed)
    card = lesson_.scorecard
    stopped_at = [card.ps[i] for i in card.stops]
    assert stopped_at[0] == 1.0 and card.losses[0] == 0.0
    assert stopped_at[1:-1] == list(lesson_.settings.scorecard_stops)
    assert stopped_at[-1] == lesson_.target_probabilities[0] == card.actual_p
    assert card.losses[card.stops[-1]] == lesson_.trace[0].loss == card.actual_loss
    assert card.losses[card.stops[3]] == pytest.approx(2.302585, abs=1e-6)  # -log(0.10)


@pytest.mark.parametrize("seed", [0, 7])
def test_every_sample_is_minus_log_p(seed):
    card = cached_lesson(seed).scorecard
    np.testing.assert_allclose(card.losses, -np.log(card.ps), rtol=1e-12)
    np.testing.assert_allclose(card.curve_losses, -np.log(card.curve_ps), rtol=1e-12)


def test_curve_covers_the_real_loss_and_the_blow_up(story_lessons):
    for lesson_ in story_lessons:
        card = lesson_.scorecard
        assert card.curve_losses.max() == pytest.approx(card.loss_ceiling)
        assert card.loss_ceiling >= max(5.0, card.actual_loss + 0.5)
        assert card.losses.max() <= card.loss_ceiling
        assert np.all(np.isfinite(card.losses))


@pytest.mark.parametrize("seed", [0, 7])
def test_the_confidence_slider_stops_at_every_hundredth_and_at_the_networks_own_p(seed):
    """explore.html's slider: every stop an engine sample, the network's own p among them
    with the engine's own loss, so the page's point on the curve is the film's."""
    from mechanics.scorecard import confidence_slider

    card = cached_lesson(seed).scorecard
    slider = confidence_slider(card)
    hundredths = {round(k / 100, 2) for k in range(1, 101)}
    assert set(slider.ps.tolist()) == hundredths | {card.actual_p}
    assert np.all(np.diff(slider.ps) > 0)
    assert slider.ps[slider.actual_index] == card.actual_p
    assert slider.losses[slider.actual_index] == card.actual_loss
    others = np.arange(len(slider.ps)) != slider.actual_index
    np.testing.assert_allclose(slider.losses[others], -np.log(slider.ps[others]), rtol=1e-12)
    assert slider.losses[-1] == 0.0 and np.all(np.isfinite(slider.losses))
