"""The wiggle: the loss as one weight moves while every other weight is held still.

With a single training example most weights have no valley: the loss along any output
weight (W2, b2) keeps falling forever, because pushing a logit further always helps. A
first-layer weight W1[j, i] is different: it acts through h_j = tanh(...), which is bounded,
and the loss is convex in h_j, so along W1[j, i] the loss has one valley exactly when the
best h_j lies strictly inside (-1, 1). The rule below picks such a weight.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .network import Params, batched_losses, flat_index, flatten, loss_and_grads

if TYPE_CHECKING:
    from .lesson import Settings

WIGGLE_PARAM = "W1"
PROBE_SAMPLES = 241


@dataclass(frozen=True)
class Wiggle:
    """The loss curve along one weight, all others held at `base_params`."""

    name: str  # which parameter array, "W1"
    index: tuple[int, int]  # which entry of it
    base_params: Params  # the weights held fixed (step 0's)
    inputs: np.ndarray
    target: int
    start: float  # the weight's value at step 0
    ws: np.ndarray  # dense samples of w across the swept range, start and valley among them
    losses: np.ndarray  # loss at each sample
    slopes: np.ndarray  # backprop dLoss/dw at each sample
    valley: float  # w at the curve's minimum (where the slope is zero)
    valley_loss: float

    @property
    def start_index(self) -> int:
        """Where the weight's real value sits among the samples."""
        return int(np.searchsorted(self.ws, self.start))

    @property
    def valley_index(self) -> int:
        """Where the valley sits among the samples."""
        return int(np.searchsorted(self.ws, self.valley))

    def at(self, w: float) -> tuple[float, float]:
        """(loss, slope) at any w: one forward and one backward pass of the real network."""
        return loss_and_slope(self.base_params, self.inputs, self.target, self.name, self.index, w)


def loss_and_slope(
    params: Params, inputs: np.ndarray, target: int, name: str, index: tuple[int, int], w: float
) -> tuple[float, float]:
    """The loss with params[name][index] set to w, and its backprop gradient along that weight."""
    moved = dict(params)
    moved[name] = params[name].copy()
    moved[name][index] = w
    value, grads = loss_and_grads(moved, inputs, target)
    return value, float(grads[name][index])


def curve(params, inputs, target, name, index, ws) -> tuple[np.ndarray, np.ndarray]:
    """Loss and slope at every sample w."""
    pairs = [loss_and_slope(params, inputs, target, name, index, w) for w in ws]
    losses, slopes = np.array(pairs).T
    return losses, slopes


def find_valley(params, inputs, target, name, index, low: float, high: float) -> float:
    """The w in [low, high] where the slope crosses zero from below, by bisection on the
    backprop slope: the slope is negative at `low` and positive at `high`."""
    for _ in range(200):
        middle = 0.5 * (low + high)
        if middle in (low, high):
            break
        _, slope = loss_and_slope(params, inputs, target, name, index, middle)
        if slope < 0.0:
            low = middle
        else:
            high = middle
    return 0.5 * (low + high)


def find_wiggle(
    params: Params, inputs: np.ndarray, target: int, settings: Settings
) -> Wiggle | None:
    """The rule: among the first-layer weights, those whose loss curve has a true valley within
    `settings.wiggle_window` of the start, at least `settings.wiggle_min_distance` away from it
    (so the slope shows) and at least `settings.wiggle_min_drop` below it (so the valley shows);
    of these, the one whose valley is deepest below the start. None if there is none.

    The swept range then reaches past the start and the valley by half their distance (at
    least 0.5) on both sides, so the curve visibly rises around the valley.
    """
    best = None
    flat = flatten(params)
    for index in np.ndindex(params[WIGGLE_PARAM].shape):
        start = float(params[WIGGLE_PARAM][index])
        probe = np.linspace(
            start - settings.wiggle_window, start + settings.wiggle_window, PROBE_SAMPLES
        )
        moved = np.tile(flat, (len(probe), 1))
        moved[:, flat_index(params, WIGGLE_PARAM, index)] = probe
        lowest = int(np.argmin(batched_losses(moved, params, inputs, target)))
        if lowest in (0, len(probe) - 1):
            continue  # no interior minimum: the loss only falls towards an edge
        below, above = lowest - 1, lowest + 1
        _, slope_below = loss_and_slope(params, inputs, target, WIGGLE_PARAM, index, probe[below])
        _, slope_above = loss_and_slope(params, inputs, target, WIGGLE_PARAM, index, probe[above])
        if not (slope_below < 0.0 < slope_above):
            continue
        valley = find_valley(
            params, inputs, target, WIGGLE_PARAM, index, probe[below], probe[above]
        )
        if abs(valley - start) < settings.wiggle_min_distance:
            continue
        valley_loss, _ = loss_and_slope(params, inputs, target, WIGGLE_PARAM, index, valley)
        start_loss, _ = loss_and_slope(params, inputs, target, WIGGLE_PARAM, index, start)
        drop = start_loss - valley_loss
        if drop < settings.wiggle_min_drop:
            continue
        if best is None or drop > best[0]:
            best = (drop, index, start, valley, valley_loss)
    if best is None:
        return None
    _, index, start, valley, valley_loss = best
    pad = max(0.5, 0.5 * abs(valley - start))
    ws = np.linspace(min(start, valley) - pad, max(start, valley) + pad, settings.wiggle_samples)
    ws = np.union1d(ws, [start, valley])  # the dot starts and settles on exact samples
    losses, slopes = curve(params, inputs, target, WIGGLE_PARAM, index, ws)
    return Wiggle(
        name=WIGGLE_PARAM,
        index=tuple(int(i) for i in index),
        base_params=params,
        inputs=inputs,
        target=target,
        start=start,
        ws=ws,
        losses=losses,
        slopes=slopes,
        valley=valley,
        valley_loss=valley_loss,
    )
