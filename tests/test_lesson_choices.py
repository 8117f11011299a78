"""The numbers the film derives from training are the engine's, computed once, in
mechanics/: each step's update, the scales lines and arrows are drawn against, and the
weights and mixer the film points at."""

from __future__ import annotations

import numpy as np
import pytest

from mechanics import lesson
from mechanics.settings import Settings

SEEDS = (0, 7, 123)


@pytest.mark.parametrize("seed", SEEDS)
def test_each_update_is_the_step_gradient_descent_takes(seed):
    lesson_ = lesson(seed)
    rate = lesson_.settings.learning_rate
    for step, after in zip(lesson_.trace, lesson_.trace[1:], strict=False):
        for name in ("W1", "b1", "W2", "b2"):
            np.testing.assert_array_equal(step.update[name], -rate * step.grads[name])
            np.testing.assert_array_equal(step.params[name] + step.update[name], after.params[name])


@pytest.mark.parametrize("seed", SEEDS)
def test_scales_are_the_largest_weight_and_the_largest_update_taken(seed):
    lesson_ = lesson(seed)
    rate = lesson_.settings.learning_rate
    weights = [np.abs(s.params[n]).max() for s in lesson_.trace for n in ("W1", "W2")]
    taken = [rate * np.abs(s.grads[n]).max() for s in lesson_.trace[:-1] for n in ("W1", "W2")]
    assert lesson_.largest_weight == max(weights)
    assert lesson_.largest_update == pytest.approx(max(taken), rel=1e-15)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_called_out_weights_are_the_largest_smallest_and_quietest(seed):
    lesson_ = lesson(seed)
    params = lesson_.trace[0].params
    values = np.concatenate([params["W1"].ravel(), params["W2"].ravel()])
    loudest, inverted, quietest = (params[n][i] for n, i in lesson_.called_out_weights)
    assert loudest == values.max()
    assert inverted == values.min()
    assert abs(quietest) == np.abs(values).min()


@pytest.mark.parametrize("settings", [Settings(), Settings(hidden_size=6)])
def test_the_featured_mixer_sways_the_target_logit_most(settings):
    lesson_ = lesson(0, settings)
    first = lesson_.trace[0]
    pull = [
        abs(first.params["W2"][lesson_.target_index, j] * first.forward.hidden[j])
        for j in range(settings.hidden_size)
    ]
    assert pull[lesson_.featured_mixer] == max(pull)
    assert lesson_.candidates[lesson_.first_guess] != lesson_.target
    assert first.probabilities[lesson_.first_guess] == first.probabilities.max()
