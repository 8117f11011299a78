"""The scorecard: the loss -log(p) as the network's confidence p in the target slides.

Section 2 moves a marker from p = 1 (no loss) down through round values to a small p where
the loss blows up, then to the network's real p(target) at step 0. Every point the marker
passes, and every value its read-out shows, is sampled here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SAMPLES_PER_LEG = 90


@dataclass(frozen=True)
class Scorecard:
    """The slide of the confidence marker, sampled; `stops` index where it pauses."""

    ps: np.ndarray  # the marker's p at every sample, in the order it travels
    losses: np.ndarray  # -log(p) at each sample
    stops: tuple[int, ...]  # sample indices where the marker rests: round values, then the real p
    actual_p: float  # p(target) of the untrained network (step 0)
    actual_loss: float  # its loss, as the engine computed it (from the log-softmax)
    curve_ps: np.ndarray  # the whole curve, for the axes: p from p_floor up to 1
    curve_losses: np.ndarray
    loss_ceiling: float  # the curve is drawn up to this loss; it covers the real loss


def loss_of_probability(p: np.ndarray | float) -> np.ndarray:
    """Cross entropy of one example as a function of the target's probability: -log(p).
    Written 0 - log(p) so that p = 1 gives +0.0, not -0.0."""
    return 0.0 - np.log(p)


def scorecard_of(actual_p: float, actual_loss: float, round_stops: tuple[float, ...]) -> Scorecard:
    """The marker's path: 1 -> each round stop -> the real p(target), sampled evenly per leg."""
    waypoints = (1.0, *round_stops, actual_p)
    legs = [
        np.linspace(start, end, SAMPLES_PER_LEG + 1)[1:]
        for start, end in zip(waypoints, waypoints[1:], strict=False)
    ]
    ps = np.concatenate([[1.0], *legs])
    stops = tuple(int(k * SAMPLES_PER_LEG) for k in range(len(waypoints)))
    losses = loss_of_probability(ps)
    losses[stops[-1]] = actual_loss  # the read-out's last stop shows the engine's own loss
    loss_ceiling = float(max(5.0, np.ceil(actual_loss + 0.5)))
    p_floor = float(np.exp(-loss_ceiling))
    curve_ps = np.geomspace(p_floor, 1.0, 400)
    return Scorecard(
        ps=ps,
        losses=losses,
        stops=stops,
        actual_p=actual_p,
        actual_loss=actual_loss,
        curve_ps=curve_ps,
        curve_losses=loss_of_probability(curve_ps),
        loss_ceiling=loss_ceiling,
    )


@dataclass(frozen=True)
class ConfidenceSlider:
    """The scorecard as a reader drags it: every confidence a slider can stop at, from one
    step above 0 to 1 in even steps, with the network's own p(target) among them."""

    ps: np.ndarray  # rising
    losses: np.ndarray  # -log(p) at each; the network's own stop holds the engine's loss
    actual_index: int  # where the network's own p(target) sits


def confidence_slider(scorecard: Scorecard, step: float = 0.01) -> ConfidenceSlider:
    """Every stop of a confidence slider in steps of `step`, plus the network's own p."""
    even = np.arange(1, round(1.0 / step) + 1) * step
    ps = np.union1d(np.round(even, 10), [scorecard.actual_p])
    actual_index = int(np.searchsorted(ps, scorecard.actual_p))
    losses = loss_of_probability(ps)
    losses[actual_index] = scorecard.actual_loss
    return ConfidenceSlider(ps=ps, losses=losses, actual_index=actual_index)
