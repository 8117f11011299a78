"""The landscape is the real loss on a sheet that holds the real training path, and the path
runs down a valley: the loss rises on both sides of it."""

from __future__ import annotations

import numpy as np
import pytest

from mechanics.network import flatten, forward, loss, unflatten

from .conftest import cached_lesson

WALL_MARGIN = 0.5  # the walls' promise: at least this far above the ball, across the path


def real_loss(lesson_, flat_weights: np.ndarray) -> float:
    """The loss of one set of weights, by the single-example forward pass."""
    params = unflatten(flat_weights, lesson_.trace[0].params)
    return loss(forward(params, lesson_.inputs), lesson_.target_index)


def walk_along(points: list[np.ndarray], distance: float) -> np.ndarray:
    """The point `distance` along straight segments through `points`, continued straight on
    past both ends: written as a plain walk, independently of the engine."""
    travelled = 0.0
    for k in range(len(points) - 1):
        segment = points[k + 1] - points[k]
        length = float(np.linalg.norm(segment))
        last = k == len(points) - 2
        if distance < travelled + length or last or (k == 0 and distance < 0):
            return points[k] + (distance - travelled) / length * segment
        travelled += length
    raise AssertionError("unreachable")


def cross_point(lesson_, distance: float, offset: float) -> np.ndarray:
    points = [flatten(step.params) for step in lesson_.trace]
    return walk_along(points, distance) + offset * flatten(lesson_.landscape.across)


@pytest.mark.parametrize("seed", [0, 7, 123])
def test_grid_heights_are_the_network_loss_at_those_weights(seed):
    lesson_ = cached_lesson(seed)
    landscape = lesson_.landscape
    assert landscape.losses.shape == (len(landscape.distances), len(landscape.offsets))
    for i, j in [(0, 0), (5, 17), (12, 12), (24, 3), (24, 24), (3, 12)]:
        point = cross_point(lesson_, landscape.distances[i], landscape.offsets[j])
        assert landscape.losses[i, j] == pytest.approx(real_loss(lesson_, point), rel=1e-10)


@pytest.mark.parametrize("seed", [0, 7, 123])
def test_the_path_on_the_sheet_is_the_real_path_at_the_real_loss(seed):
    lesson_ = cached_lesson(seed)
    landscape = lesson_.landscape
    points = np.array([flatten(step.params) for step in lesson_.trace])
    np.testing.assert_array_equal(landscape.path_points, points)
    lengths = np.linalg.norm(np.diff(points, axis=0), axis=1)
    np.testing.assert_allclose(landscape.path[1:, 0], np.cumsum(lengths), rtol=1e-12)
    assert landscape.path[0, 0] == 0.0
    np.testing.assert_array_equal(landscape.path[:, 1], 0.0)
    np.testing.assert_allclose(landscape.path_losses, lesson_.losses, rtol=1e-12)
    for step, (distance, offset) in zip(lesson_.trace, landscape.path, strict=True):
        point = cross_point(lesson_, distance, offset)
        np.testing.assert_allclose(point, flatten(step.params), atol=1e-12)


@pytest.mark.parametrize("seed", [0, 7, 123])
def test_the_sheet_reaches_past_both_ends_of_the_path(seed):
    landscape = cached_lesson(seed).landscape
    length = landscape.path[-1, 0]
    assert landscape.distances[0] < 0.0 and landscape.distances[-1] > length
    assert landscape.offsets[len(landscape.offsets) // 2] == 0.0
    np.testing.assert_array_equal(landscape.offsets, -landscape.offsets[::-1])


def second_difference(lesson_, direction: np.ndarray, at: np.ndarray, h: float = 1e-3) -> float:
    """d^2 loss / ds^2 along a unit direction, from three losses: no gradients involved."""
    up, here, down = (real_loss(lesson_, at + s * direction) for s in (h, 0.0, -h))
    return (up - 2.0 * here + down) / h**2


@pytest.mark.parametrize("seed", [0, 7, 123])
def test_across_is_a_unit_direction_at_right_angles_to_the_path_and_the_final_slope(seed):
    lesson_ = cached_lesson(seed)
    across = flatten(lesson_.landscape.across)
    start, end = flatten(lesson_.trace[0].params), flatten(lesson_.trace[-1].params)
    assert np.linalg.norm(across) == pytest.approx(1.0, abs=1e-12)
    assert abs(across @ (end - start)) < 1e-10
    assert abs(across @ flatten(lesson_.trace[-1].grads)) < 1e-10
    curvature = second_difference(lesson_, across, end)
    assert curvature == pytest.approx(lesson_.landscape.curvature, rel=1e-3, abs=1e-5)


def test_for_seed_0_across_curves_up_more_steeply_than_any_other_such_direction():
    """Seed 0's first candidate has walls high enough, so `across` must be the most curving
    direction: random directions at right angles to the path and the slope curve less."""
    lesson_ = cached_lesson(0)
    start, end = flatten(lesson_.trace[0].params), flatten(lesson_.trace[-1].params)
    basis, _ = np.linalg.qr(np.stack([end - start, flatten(lesson_.trace[-1].grads)], axis=1))
    rng = np.random.default_rng(5)
    for _ in range(30):
        direction = rng.normal(size=end.size)
        direction -= basis @ (basis.T @ direction)
        direction /= np.linalg.norm(direction)
        assert second_difference(lesson_, direction, end) <= lesson_.landscape.curvature + 1e-4


def test_walls_rise_on_both_sides_of_the_ball_at_every_step(story_lessons):
    """The valley: at the path's end both edges stand at least WALL_MARGIN above the floor,
    and so they do beside the ball at every step, for every seed in 0..199."""
    lowest = np.inf
    for lesson_ in story_lessons:
        landscape = lesson_.landscape
        width = landscape.offsets[-1]
        ends = [cross_point(lesson_, landscape.path[-1, 0], side * width) for side in (-1, 1)]
        np.testing.assert_allclose(
            landscape.walls, [real_loss(lesson_, point) for point in ends], rtol=1e-10
        )
        assert landscape.wall_rise == pytest.approx(landscape.walls.min() - lesson_.losses[-1])
        across = flatten(landscape.across)
        for step, point in zip(lesson_.trace, landscape.path_points, strict=True):
            left = real_loss(lesson_, point - width * across)
            right = real_loss(lesson_, point + width * across)
            lowest = min(lowest, min(left, right) - step.loss)
        assert landscape.wall_rise >= WALL_MARGIN, lesson_.seed
    print(f"lowest wall beside the ball over seeds 0..199: {lowest:.3f} above it")
    assert lowest >= WALL_MARGIN


def test_the_floor_flattens_and_keeps_sinking_past_the_last_step(story_lessons):
    """What section 5 says about the end of the path: the slope under the ball is a small
    share of the first one, and past the last step the floor is lower still, so the film
    shows no lowest point: training stops because the loss is small."""
    for lesson_ in story_lessons:
        first, last = lesson_.trace[0], lesson_.trace[-1]
        assert last.slope < 0.1 * first.slope, lesson_.seed
        assert last.slope == pytest.approx(np.sqrt(sum(np.sum(g**2) for g in last.grads.values())))
        beyond = cross_point(lesson_, lesson_.landscape.distances[-1], 0.0)
        assert lesson_.landscape.beyond == pytest.approx(real_loss(lesson_, beyond), rel=1e-10)
        assert lesson_.landscape.beyond < lesson_.landscape.floor, lesson_.seed
        assert np.all(np.isfinite(lesson_.landscape.losses))


@pytest.mark.parametrize("seed", [0, 7])
def test_heights_on_a_finer_grid_hold_the_sheets_own_losses(seed):
    """explore.html's height map: on the sheet's own grid, the same losses bit for bit; on a
    grid four times finer, every fourth point is one of the sheet's, and every point is the
    network's loss at the weights there."""
    from mechanics.landscape import heights

    lesson = cached_lesson(seed)
    land = lesson.landscape
    along, across, losses = heights(land, lesson.inputs, lesson.target_index, len(land.distances))
    assert np.array_equal(losses, land.losses)
    assert np.array_equal(along, land.distances) and np.array_equal(across, land.offsets)
    along, across, finer = heights(land, lesson.inputs, lesson.target_index, 97)
    np.testing.assert_allclose(finer[::4, ::4], land.losses, rtol=1e-10, atol=1e-12)
    for i, j in [(37, 61), (1, 2), (95, 50), (48, 48)]:  # between the sheet's own points
        point = cross_point(lesson, along[i], across[j])
        assert finer[i, j] == pytest.approx(real_loss(lesson, point), rel=1e-10)
