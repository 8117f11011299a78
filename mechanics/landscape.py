"""The landscape: the real loss on a sheet of weight space that holds the real training path
and crosses it where the loss curves upward most steeply, so the path runs down a valley.

Along the sheet runs the path itself: the weights of every training step, joined by straight
segments and continued straight on beyond both ends. The coordinate along it is the distance
travelled in weight space. Across it runs one fixed direction: of all directions at right
angles to the path's overall direction (start to end), the one in which the loss at the final
weights curves upward most steeply (and at right angles to the final slope, so the loss starts to
rise on both sides). That is the top eigenvector of the Hessian there, projected; the
Hessian comes from finite differences of backprop gradients. Every point of
the sheet is a real set of weights and every height is the real loss there, so the ball rolls
on the real path at the real loss, and the walls on both sides are real too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .network import Params, batched_losses, flatten, loss_and_grads, unflatten
from .settings import Settings
from .training import Step


@dataclass(frozen=True)
class Landscape:
    """The loss over (distance along the path, offset across it)."""

    origin: Params  # the final weights: distance = length, offset = 0
    across: Params  # the cross direction, a unit vector (as a flat vector), params-shaped
    curvature: float  # the loss's second derivative along `across` at the final weights
    path_points: np.ndarray  # (steps, P) the weights of every step, as flat vectors
    distances: np.ndarray  # (n,) grid coordinates along the path; 0 is the start
    offsets: np.ndarray  # (m,) grid coordinates across, symmetric; the middle one is 0
    losses: np.ndarray  # (n, m) the real loss at every grid point
    path: np.ndarray  # (steps, 2) every step's (distance, offset); the offset is 0
    path_losses: np.ndarray  # (steps,) the loss at each path point of the sheet
    walls: np.ndarray  # (2,) the loss at both edges of the sheet across the path's end

    @property
    def floor(self) -> float:
        """The loss at the path's end, where training stopped."""
        return float(self.path_losses[-1])

    @property
    def beyond(self) -> float:
        """The loss on the floor at the sheet's far end, past where training stopped."""
        return float(self.losses[-1, len(self.offsets) // 2])

    @property
    def wall_rise(self) -> float:
        """How far the lower of the two walls at the path's end stands above the floor."""
        return float(self.walls.min() - self.floor)


def hessian(params: Params, inputs: np.ndarray, target: int, step: float = 1e-5) -> np.ndarray:
    """The Hessian of the loss at `params`, (P, P): column i is the change of the backprop
    gradient when weight i moves by +-step (central differences), symmetrised."""
    flat = flatten(params)
    columns = []
    for i in range(flat.size):
        nudge = np.zeros_like(flat)
        nudge[i] = step
        up = loss_and_grads(unflatten(flat + nudge, params), inputs, target)[1]
        down = loss_and_grads(unflatten(flat - nudge, params), inputs, target)[1]
        columns.append((flatten(up) - flatten(down)) / (2.0 * step))
    matrix = np.array(columns).T
    return (matrix + matrix.T) / 2.0


def curving_directions(matrix: np.ndarray, excluded: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The eigen-directions of the quadratic form `matrix` restricted to the directions at
    right angles to every column of `excluded`, most steeply curving upward first, with
    their curvatures. Signs are fixed (largest component positive) so the result does not
    depend on the eigen-solver's choice."""
    basis, _ = np.linalg.qr(excluded)
    projector = np.eye(matrix.shape[0]) - basis @ basis.T
    values, vectors = np.linalg.eigh(projector @ matrix @ projector)
    order = np.argsort(values)[::-1]
    vectors = vectors[:, order].T
    largest = vectors[np.arange(len(vectors)), np.argmax(np.abs(vectors), axis=1)]
    return vectors * np.sign(largest)[:, None], values[order]


def travelled(points: np.ndarray) -> np.ndarray:
    """The distance travelled from the first point to each point, along straight segments."""
    return np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(points, axis=0), axis=1))])


def point_on_path(points: np.ndarray, distances: np.ndarray, at: np.ndarray) -> np.ndarray:
    """The points at distances `at` along the path through `points` (with `distances` their
    own distances): between two points on the segment joining them; before the first and
    after the last, straight on along the first and last segment."""
    segment = np.clip(np.searchsorted(distances, at, side="right") - 1, 0, len(points) - 2)
    start, end = points[segment], points[segment + 1]
    length = distances[segment + 1] - distances[segment]
    fraction = (at - distances[segment]) / length
    return start + fraction[:, None] * (end - start)


def lower_walls(
    floor_point: np.ndarray,
    direction: np.ndarray,
    widths: np.ndarray,
    like: Params,
    inputs: np.ndarray,
    target: int,
) -> np.ndarray:
    """For each half-width across, how far the lower of the two walls at `floor_point`
    stands above it."""
    floor = batched_losses(floor_point, like, inputs, target)
    left = batched_losses(floor_point - widths[:, None] * direction, like, inputs, target)
    right = batched_losses(floor_point + widths[:, None] * direction, like, inputs, target)
    return np.minimum(left, right) - floor


def valley_across(
    trace: tuple[Step, ...], points: np.ndarray, inputs: np.ndarray, settings: Settings
) -> tuple[np.ndarray, float, float]:
    """The cross direction, its curvature and the sheet's half-width.

    Candidates are the Hessian's eigen-directions at the final weights, at right angles to
    the path's overall direction and to the final slope (so the loss starts to rise on both
    sides), most steeply curving first. The first whose walls both rise as far above the
    floor as the path fell (first loss minus last) wins, at the smallest half-width that
    does it; if none does, the one whose lower wall stands highest. `points` are the
    trace's weights as flat vectors; widths are searched up to `landscape_widest` times the
    path's length.
    """
    origin, target = trace[-1].params, settings.target_index
    start, end = points[0], points[-1]
    length = travelled(points)[-1]
    excluded = np.stack([end - start, flatten(trace[-1].grads)], axis=1)
    directions, curvatures = curving_directions(hessian(origin, inputs, target), excluded)
    drop = trace[0].loss - trace[-1].loss
    samples = settings.landscape_samples
    widths = np.linspace(1.0 / samples, 1.0, samples) * settings.landscape_widest * length
    best = (-np.inf, 0, 0.0)  # (lower wall, candidate, half-width)
    for candidate in range(settings.landscape_candidates):
        walls = lower_walls(end, directions[candidate], widths, origin, inputs, target)
        reached = np.flatnonzero(walls >= drop)
        if reached.size:
            best = (drop, candidate, widths[reached[0]])
            break
        if walls.max() > best[0]:
            best = (walls.max(), candidate, widths[np.argmax(walls)])
    _, chosen, half_width = best
    return directions[chosen], float(curvatures[chosen]), float(half_width)


def symmetric(half_width: float, size: int) -> np.ndarray:
    """`size` offsets evenly from -half_width to +half_width, exactly symmetric: the middle
    one (size odd) is 0.0."""
    unit = np.linspace(-1.0, 1.0, size)
    return half_width * (unit - unit[::-1]) / 2.0


def sheet(
    points: np.ndarray, across: np.ndarray, along: np.ndarray, offsets: np.ndarray
) -> np.ndarray:
    """The weights at every (distance along the path through `points`, offset across it
    in the flat direction `across`): (len(along), len(offsets), P)."""
    floor_line = point_on_path(points, travelled(points), along)
    return floor_line[:, None, :] + offsets[None, :, None] * across


def heights(
    land: Landscape, inputs: np.ndarray, target: int, size: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The real loss on a `size` x `size` grid over the whole sheet, finer than its own:
    (distances, offsets, losses), for a picture in which every pixel is a real loss."""
    along = np.linspace(land.distances[0], land.distances[-1], size)
    offsets = symmetric(float(land.offsets[-1]), size)
    across = flatten(land.across)
    grid = sheet(land.path_points, across, along, offsets)
    return along, offsets, batched_losses(grid, land.origin, inputs, target)


def landscape_of(trace: tuple[Step, ...], inputs: np.ndarray, settings: Settings) -> Landscape:
    """The loss landscape around the training path of `trace` (see `valley_across` for how
    wide it is across)."""
    origin, target = trace[-1].params, settings.target_index
    points = np.array([flatten(step.params) for step in trace])
    distances = travelled(points)
    length = distances[-1]
    across, curvature, half_width = valley_across(trace, points, inputs, settings)

    size, margin = settings.landscape_size, settings.landscape_margin
    grid_distances = np.linspace(-margin * length, (1.0 + margin) * length, size)
    offsets = symmetric(half_width, size)
    grid = sheet(points, across, grid_distances, offsets)
    walls = points[-1] + np.array([-half_width, half_width])[:, None] * across
    return Landscape(
        origin=origin,
        across=unflatten(across, origin),
        curvature=curvature,
        path_points=points,
        distances=grid_distances,
        offsets=offsets,
        losses=batched_losses(grid, origin, inputs, target),
        path=np.stack([distances, np.zeros_like(distances)], axis=1),
        path_losses=batched_losses(points, origin, inputs, target),
        walls=batched_losses(walls, origin, inputs, target),
    )
