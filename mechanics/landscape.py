"""The landscape: the real loss on a 2-D slice of weight space that holds the training path.

As in Li et al. (2018), "Visualizing the Loss Landscape of Neural Nets": the slice is
centred on the final weights and spanned by the top two principal directions of the
trajectory's offsets from them, so the path the weights really took lies in (or close
to) the slice. Each step is projected onto the slice, and how far it lies off it is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .network import Params, batched_losses, flatten, unflatten

if TYPE_CHECKING:
    from .lesson import Settings, Step


@dataclass(frozen=True)
class Landscape:
    """The loss surface over (alpha, beta): weights = center + alpha*d1 + beta*d2."""

    center: Params  # the slice's origin: the final weights
    directions: tuple[Params, Params]  # orthonormal (as flat vectors), params-shaped
    explained: np.ndarray  # (2,) share of the path's squared length along each direction
    alphas: np.ndarray  # (n,) grid coordinates along direction 1
    betas: np.ndarray  # (m,) grid coordinates along direction 2
    losses: np.ndarray  # (n, m) the real loss at every grid point
    path: np.ndarray  # (steps, 2) every trace step projected onto the slice
    path_losses: np.ndarray  # (steps,) the real loss at each projected point (on the surface)
    off_slice: np.ndarray  # (steps,) distance from each real step to its projection
    surface_gap: float  # the largest |loss on the slice - real loss| along the path


def principal_directions(offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The top two right singular vectors of the offsets matrix and their share of its
    squared norm. Signs are fixed so the first row (the start) has non-negative coordinates,
    which makes the result independent of the SVD routine's sign choice."""
    _, singular_values, right = np.linalg.svd(offsets, full_matrices=False)
    directions = right[:2].copy()
    start = offsets[0] @ directions.T
    directions[start < 0] *= -1.0
    explained = singular_values[:2] ** 2 / np.sum(singular_values**2)
    return directions, explained


def grid_axis(coordinates: np.ndarray, margin: float, size: int, floor: float) -> np.ndarray:
    """`size` evenly spaced values covering the coordinates with a margin on both sides;
    at least `floor` wide so a nearly straight path still gets a surface, not a ribbon."""
    low, high = coordinates.min(), coordinates.max()
    extra = max(margin * (high - low), 0.5 * max(floor - (high - low), 0.0))
    return np.linspace(low - extra, high + extra, size)


def landscape_of(trace: tuple[Step, ...], inputs: np.ndarray, settings: Settings) -> Landscape:
    """The loss landscape around the training path of `trace`."""
    center = trace[-1].params
    target = settings.target_index
    flat_center = flatten(center)
    offsets = np.array([flatten(step.params) for step in trace]) - flat_center
    directions, explained = principal_directions(offsets)
    path = offsets @ directions.T
    off_slice = np.linalg.norm(offsets - path @ directions, axis=1)

    alpha_extent = path[:, 0].max() - path[:, 0].min()
    size = settings.landscape_size
    alphas = grid_axis(path[:, 0], settings.landscape_margin, size, floor=0.0)
    betas = grid_axis(path[:, 1], settings.landscape_margin, size, floor=0.5 * alpha_extent)

    grid = alphas[:, None, None] * directions[0] + betas[None, :, None] * directions[1]
    losses = batched_losses(flat_center + grid, center, inputs, target)
    on_slice = flat_center + path @ directions
    path_losses = batched_losses(on_slice, center, inputs, target)
    return Landscape(
        center=center,
        directions=(unflatten(directions[0], center), unflatten(directions[1], center)),
        explained=explained,
        alphas=alphas,
        betas=betas,
        losses=losses,
        path=path,
        path_losses=path_losses,
        off_slice=off_slice,
        surface_gap=float(np.max(np.abs(path_losses - [step.loss for step in trace]))),
    )
