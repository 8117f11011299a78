"""The wiggle: the loss as one weight moves while every other weight is held still.

With a single training example most weights have no valley: the loss along any output
weight (W2, b2) keeps falling forever, because pushing a logit further always helps. A
first-layer weight W1[j, i] is different: it acts through h_j = tanh(...), which is bounded,
and the loss is convex in h_j, so along W1[j, i] the loss has one valley exactly when the
best h_j lies strictly inside (-1, 1). The rule below picks such a weight.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .network import Params, batched_losses, flat_index, flatten, loss_and_grads
from .settings import Settings

WIGGLE_PARAM = "W1"
PROBE_SAMPLES = 241
FAR_SIDE_SHARE = 0.7  # the sweep goes past the valley until this share of the rise shows
# The loss axis's ticks: round steps, the smallest that covers the curve in at most
# MAX_LOSS_INTERVALS intervals, from the curve's lowest loss rounded down to its highest
# rounded up, so the axis's numbers show how deep the valley really is.
LOSS_TICK_STEPS = (0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0)
MAX_LOSS_INTERVALS = 5


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

    @property
    def loss_tick_step(self) -> float:
        """The round step between the loss axis's ticks."""
        low, high = float(self.losses.min()), float(self.losses.max())
        for step in LOSS_TICK_STEPS:
            if outward(high, step, np.ceil) - outward(low, step, np.floor) <= MAX_LOSS_INTERVALS:
                return step
        return LOSS_TICK_STEPS[-1]

    @property
    def loss_ticks(self) -> np.ndarray:
        """The loss axis's ticks: every step from the lowest loss rounded down to the highest
        rounded up (so the curve lies within the first and last tick)."""
        step = self.loss_tick_step
        low = outward(float(self.losses.min()), step, np.floor)
        high = outward(float(self.losses.max()), step, np.ceil)
        return np.round(np.arange(low, high + 1, dtype=float) * step, 10)

    @property
    def loss_tick_decimals(self) -> int:
        """How many decimal places the ticks need: 0.25 two, 0.2 one, 1 none."""
        step = self.loss_tick_step
        return next(places for places in range(4) if abs(round(step, places) - step) < 1e-12)

    def at(self, w: float) -> tuple[float, float]:
        """(loss, slope) at any w: one forward and one backward pass of the real network."""
        return loss_and_slope(self.base_params, self.inputs, self.target, self.name, self.index, w)


def outward(value: float, step: float, rounding) -> int:
    """How many steps `value` is, rounded down (np.floor) or up (np.ceil); a value that sits
    on a step to rounding stays there."""
    steps = value / step
    nearest = round(steps)
    return int(nearest) if abs(steps - nearest) < 1e-9 else int(rounding(steps))


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


@dataclass(frozen=True)
class Candidate:
    """A first-layer weight whose loss curve has a valley, and how plain that valley is."""

    index: tuple[int, ...]
    start: float
    valley: float
    valley_loss: float
    drop: float  # from the start down to the valley
    rise: float  # from the valley up to the far end of the window, beyond it
    far_end: float  # where, beyond the valley, the loss has climbed back by most of the rise

    @property
    def score(self) -> float:
        """A valley is as plain as its lower side: the smaller of its drop and its rise."""
        return min(self.drop, self.rise)


def valley_along(
    params: Params, inputs: np.ndarray, target: int, index: tuple[int, ...], settings: Settings
) -> Candidate | None:
    """Probe the loss along params["W1"][index] within the window around its value, and
    describe the valley there, or None if the loss has no interior minimum in the window."""
    start = float(params[WIGGLE_PARAM][index])
    window = settings.wiggle_window
    probe = np.linspace(start - window, start + window, PROBE_SAMPLES)
    moved = np.tile(flatten(params), (len(probe), 1))
    moved[:, flat_index(params, WIGGLE_PARAM, index)] = probe
    losses = batched_losses(moved, params, inputs, target)
    lowest = int(np.argmin(losses))
    if lowest in (0, len(probe) - 1):
        return None  # no interior minimum: the loss only falls towards an edge
    below, above = probe[lowest - 1], probe[lowest + 1]
    slope_below = loss_and_slope(params, inputs, target, WIGGLE_PARAM, index, below)[1]
    slope_above = loss_and_slope(params, inputs, target, WIGGLE_PARAM, index, above)[1]
    if not slope_below < 0.0 < slope_above:
        return None
    valley = find_valley(params, inputs, target, WIGGLE_PARAM, index, below, above)
    valley_loss = loss_and_slope(params, inputs, target, WIGGLE_PARAM, index, valley)[0]
    start_loss = loss_and_slope(params, inputs, target, WIGGLE_PARAM, index, start)[0]
    far_side = probe > valley if valley > start else probe < valley
    far_ws, far_losses = probe[far_side], losses[far_side]
    if len(far_ws) == 0:
        return None
    rise = float(far_losses.max() - valley_loss)
    climbed = far_losses >= valley_loss + FAR_SIDE_SHARE * rise
    order = np.argsort(np.abs(far_ws - valley))  # walk outwards from the valley
    far_end = float(far_ws[order][np.argmax(climbed[order])])
    return Candidate(index, start, valley, valley_loss, start_loss - valley_loss, rise, far_end)


def find_wiggle(
    params: Params, inputs: np.ndarray, target: int, settings: Settings
) -> Wiggle | None:
    """The rule: among the first-layer weights, those whose loss curve has a true valley within
    `settings.wiggle_window` of the start, at least `settings.wiggle_min_distance` away from it
    (so the slope shows), at least `settings.wiggle_min_drop` below it and rising again beyond
    it by at least half that (so it reads as a valley, not a ledge); of these, the one whose
    valley is plainest: the largest smaller-of-drop-and-rise. None if there is none.

    The swept range reaches past the start by half the start-to-valley distance (at least
    0.5), and past the valley to where the loss has climbed back by most of its rise.
    """
    candidates = [
        candidate
        for index in np.ndindex(params[WIGGLE_PARAM].shape)
        if (candidate := valley_along(params, inputs, target, index, settings)) is not None
        and abs(candidate.valley - candidate.start) >= settings.wiggle_min_distance
        and candidate.drop >= settings.wiggle_min_drop
        and candidate.rise >= settings.wiggle_min_drop / 2
    ]
    if not candidates:
        return None
    best = max(candidates, key=lambda candidate: candidate.score)
    start, valley = best.start, best.valley
    pad = max(0.5, 0.5 * abs(valley - start))
    direction = 1.0 if valley > start else -1.0
    far_end = valley + direction * max(abs(best.far_end - valley), 0.5)
    near_end = start - direction * pad
    low, high = sorted((near_end, far_end))
    ws = np.linspace(low, high, settings.wiggle_samples)
    ws = np.union1d(ws, [start, valley])  # the dot starts and settles on exact samples
    losses, slopes = curve(params, inputs, target, WIGGLE_PARAM, best.index, ws)
    return Wiggle(
        name=WIGGLE_PARAM,
        index=tuple(int(i) for i in best.index),
        base_params=params,
        inputs=inputs,
        target=target,
        start=start,
        ws=ws,
        losses=losses,
        slopes=slopes,
        valley=valley,
        valley_loss=best.valley_loss,
    )
