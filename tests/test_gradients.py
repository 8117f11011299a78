"""Backpropagation, written by hand, agrees with central finite differences everywhere."""

from __future__ import annotations

import numpy as np
import pytest

from mechanics.network import PARAM_NAMES, backward, forward, log_softmax, loss

from .conftest import cached_lesson

H = 1e-4


def numerical_gradient(params, inputs, target, name, index) -> float:
    """The five-point central difference for one entry:
    (-L(w+2h) + 8 L(w+h) - 8 L(w-h) + L(w-2h)) / 12h, accurate to O(h^4)."""
    values = {}
    for shift in (-2, -1, 1, 2):
        moved = {key: value.copy() for key, value in params.items()}
        moved[name][index] += shift * H
        values[shift] = loss(forward(moved, inputs), target)
    return (-values[2] + 8 * values[1] - 8 * values[-1] + values[-2]) / (12 * H)


def relative_error(a: float, b: float) -> float:
    return abs(a - b) / max(abs(a), abs(b), 1e-4)


@pytest.mark.parametrize("seed", [0, 1, 7, 42, 199])
@pytest.mark.parametrize("step_index", [0, 3, 20])
def test_backprop_matches_central_differences_for_every_entry(seed, step_index):
    lesson_ = cached_lesson(seed)
    step = lesson_.trace[step_index]
    target = lesson_.target_index
    grads = backward(step.params, forward(step.params, lesson_.inputs), target)
    checked = 0
    for name in PARAM_NAMES:
        for index in np.ndindex(step.params[name].shape):
            numeric = numerical_gradient(step.params, lesson_.inputs, target, name, index)
            assert relative_error(grads[name][index], numeric) < 1e-6, (name, index)
            checked += 1
    inputs, mixers = len(lesson_.tokens), lesson_.settings.hidden_size
    outputs = len(lesson_.candidates)
    every_weight_and_bias = inputs * mixers + mixers + mixers * outputs + outputs
    assert checked == sum(step.params[name].size for name in PARAM_NAMES) == every_weight_and_bias


def test_trace_gradients_are_the_backprop_gradients_of_their_weights():
    lesson_ = cached_lesson(0)
    for step in lesson_.trace:
        expected = backward(step.params, step.forward, lesson_.target_index)
        for name in PARAM_NAMES:
            np.testing.assert_array_equal(step.grads[name], expected[name])


def test_each_step_moves_every_weight_against_its_gradient():
    lesson_ = cached_lesson(7)
    rate = lesson_.learning_rate
    for before, after in zip(lesson_.trace, lesson_.trace[1:], strict=False):
        for name in PARAM_NAMES:
            np.testing.assert_allclose(
                after.params[name], before.params[name] - rate * before.grads[name], rtol=0, atol=0
            )


def test_forward_keeps_every_intermediate_consistent():
    lesson_ = cached_lesson(0)
    step = lesson_.trace[0]
    f, p = step.forward, step.params
    np.testing.assert_allclose(f.pre_activations, p["W1"] @ lesson_.inputs + p["b1"])
    np.testing.assert_allclose(f.hidden, np.tanh(f.pre_activations))
    np.testing.assert_allclose(f.logits, p["W2"] @ f.hidden + p["b2"])
    np.testing.assert_allclose(f.probabilities, np.exp(f.logits) / np.exp(f.logits).sum())
    assert f.probabilities.sum() == pytest.approx(1.0, abs=1e-15)
    assert step.loss == pytest.approx(-np.log(f.probabilities[lesson_.target_index]), rel=1e-14)


@pytest.mark.parametrize("scale", [1e2, 1e4, 1e8])
def test_loss_and_gradients_stay_finite_for_huge_weights(scale):
    lesson_ = cached_lesson(0)
    params = {name: value * scale for name, value in lesson_.trace[0].params.items()}
    params["b2"] = np.array([-scale, scale, 0.0, 0.0, 0.0])  # Paris pushed far below London
    f = forward(params, lesson_.inputs)
    value = loss(f, lesson_.target_index)
    grads = backward(params, f, lesson_.target_index)
    assert np.isfinite(value) and value > 0
    assert all(np.all(np.isfinite(g)) for g in grads.values())


def test_log_softmax_is_exact_where_naive_softmax_overflows():
    logits = np.array([1000.0, 0.0, -1000.0])
    np.testing.assert_allclose(log_softmax(logits), [0.0, -1000.0, -2000.0])
