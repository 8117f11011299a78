"""Section 5 draws the engine's valley and the engine's second run: the surface stands on
the engine's grid, the ball on the real path at the real loss, never hidden by the surface;
every map cell is the network's answer there, every marker at its sentence's inputs, every
curve through the engine's losses, and every read-out beside its own step."""

from __future__ import annotations

import re
from types import SimpleNamespace

import numpy as np
import pytest
from manim import Circle, Square

from mechanics import formatting as fmt
from mechanics.network import PARAM_NAMES
from scenes import style
from scenes.generalization import Generalization, View

from .scene_rendering import SEEDS, rendered

# The ball may sit a little under the flat faces drawn between grid lines (the floor curves
# up between them); faces within one cell of a point are its own floor, not a wall.
OWN_FLOOR_CELLS = 1.0


@pytest.mark.parametrize("seed", SEEDS)
def test_landscape_surface_stands_on_the_engines_grid(seed):
    scene = rendered(Generalization, seed)
    land = scene.lesson.landscape
    expected = {
        tuple(np.round(scene.axes.c2p(a, b, land.losses[i, j]), 9))
        for i, a in enumerate(land.distances)
        for j, b in enumerate(land.offsets)
    }
    corners = {tuple(np.round(point, 9)) for face in scene.surface for point in face.get_anchors()}
    assert corners == expected  # every vertex is a grid point, and every grid point is drawn


@pytest.mark.parametrize("seed", SEEDS)
def test_ball_rolls_along_the_real_path_at_the_real_loss_one_step_at_a_time(seed):
    scene = rendered(Generalization, seed)
    lesson = scene.lesson
    weights = [
        np.concatenate([step.params[name].ravel() for name in PARAM_NAMES]) for step in lesson.trace
    ]
    lengths = np.linalg.norm(np.diff(weights, axis=0), axis=1)
    travelled = np.concatenate([[0.0], np.cumsum(lengths)])
    expected = {"ball along": travelled, "ball across": np.zeros_like(travelled)}
    expected["ball height"] = lesson.losses
    for kind, values in expected.items():
        measured = [drawn.value for drawn in scene.record.drawn if drawn.kind == kind]
        np.testing.assert_allclose(measured, values, atol=1e-9, err_msg=kind)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_floor_past_the_last_step_is_drawn_through_the_engines_grid(seed):
    scene = rendered(Generalization, seed)
    land = scene.lesson.landscape
    middle = len(land.offsets) // 2
    assert land.offsets[middle] == 0.0
    past = land.distances > land.path[-1, 0]
    expected = [[land.path[-1, 0], 0.0, scene.lesson.losses[-1]]] + [
        [distance, 0.0, loss]
        for distance, loss in zip(land.distances[past], land.losses[past, middle], strict=True)
    ]
    corners = np.unique(np.round(scene.floor_line.get_anchors(), 12), axis=0)
    measured = np.array([scene.axes.p2c(corner) for corner in corners])
    np.testing.assert_allclose(measured[np.argsort(measured[:, 0])], expected, atol=1e-9)
    assert expected[-1][2] == land.beyond < scene.lesson.losses[-1]


def occluded(scene, view: View, points: np.ndarray) -> list[int]:
    """Which of these scene points some face of the surface hides from the camera at `view`:
    a face, not within a cell of the point on the grid, covers the point's projection and
    stands nearer the camera there."""
    camera = scene.renderer.camera
    saved = scene.current_view()
    scene.aim_camera(view)
    try:
        land, axes = scene.lesson.landscape, scene.axes
        cell = np.array([land.distances[1] - land.distances[0], land.offsets[1] - land.offsets[0]])
        projected_points = camera.project_points(points)
        grid_points = np.array([axes.p2c(point)[:2] for point in points])
        hidden = []
        for face in scene.surface:
            corners = np.unique(np.round(face.get_anchors(), 12), axis=0)
            on_grid = np.array([axes.p2c(corner)[:2] for corner in corners])
            low, high = on_grid.min(axis=0), on_grid.max(axis=0)
            projected = camera.project_points(corners)
            (x0, y0), (x1, y1) = projected[:, :2].min(axis=0), projected[:, :2].max(axis=0)
            inside = np.flatnonzero(
                (projected_points[:, 0] >= x0)
                & (projected_points[:, 0] <= x1)
                & (projected_points[:, 1] >= y0)
                & (projected_points[:, 1] <= y1)
            )
            for k in inside:  # only points under the face's bounding box can be covered
                point, where = projected_points[k], grid_points[k]
                if k in hidden:
                    continue
                near_own = np.all(where >= low - OWN_FLOOR_CELLS * cell) and np.all(
                    where <= high + OWN_FLOOR_CELLS * cell
                )
                if not near_own and covers(projected, point):
                    hidden.append(k)
        return sorted(hidden)
    finally:
        scene.aim_camera(saved)


def covers(corners: np.ndarray, point: np.ndarray) -> bool:
    """Whether a projected quad (4 corners, any order) covers a projected point and lies
    nearer the camera (larger z) there: split into triangles, interpolate z."""
    centre = corners[:, :2].mean(axis=0)
    order = np.argsort(np.arctan2(*(corners[:, :2] - centre).T[::-1]))
    quad = corners[order]
    for triangle in (quad[[0, 1, 2]], quad[[0, 2, 3]]):
        (x0, y0, z0), (x1, y1, z1), (x2, y2, z2) = triangle
        det = (y1 - y2) * (x0 - x2) + (x2 - x1) * (y0 - y2)
        if abs(det) < 1e-12:
            continue
        a = ((y1 - y2) * (point[0] - x2) + (x2 - x1) * (point[1] - y2)) / det
        b = ((y2 - y0) * (point[0] - x2) + (x0 - x2) * (point[1] - y2)) / det
        c = 1.0 - a - b
        if min(a, b, c) >= 0.0 and a * z0 + b * z1 + c * z2 > point[2] + 1e-6:
            return True
    return False


def path_and_trail_points(scene) -> np.ndarray:
    """Every step's point, the middle of every trail segment, and the corners of the floor
    line past the path's end."""
    steps = np.array([scene.path_point(k) for k in range(len(scene.lesson.trace))])
    return np.vstack([steps, (steps[1:] + steps[:-1]) / 2, scene.floor_line.get_anchors()])


def views_along(move: tuple[View, View], samples: int = 9) -> list[View]:
    """Camera states through a move: Manim moves phi, theta, zoom and centre together."""
    start, end = move
    return [
        View(
            start.phi + t * (end.phi - start.phi),
            start.theta + t * (end.theta - start.theta),
            start.zoom + t * (end.zoom - start.zoom),
            np.asarray(start.centre) + t * (np.asarray(end.centre) - np.asarray(start.centre)),
        )
        for t in np.linspace(0.0, 1.0, samples)
    ]


@pytest.mark.parametrize("seed", SEEDS)
def test_the_surface_never_hides_the_ball_or_its_trail(seed):
    scene = rendered(Generalization, seed)
    assert len(scene.moves_with_path) >= 2  # the roll, held still, and the look along the floor
    points = path_and_trail_points(scene)
    for move in scene.moves_with_path:
        for view in views_along(move):
            assert occluded(scene, view, points) == [], view


def test_a_low_view_from_beside_the_valley_is_caught_hiding_the_path():
    scene = rendered(Generalization, SEEDS[0])
    roll = scene.moves_with_path[0][0]
    beside = View(80 * np.pi / 180, -90 * np.pi / 180, roll.zoom, roll.centre)
    assert len(occluded(scene, beside, path_and_trail_points(scene))) > 5


def region_hex(answer: int) -> str:
    """The map colour of an answer, mixed here from the palette: share of the answer's colour,
    the rest background."""

    def channels(colour: str) -> np.ndarray:
        return np.array([int(colour[k : k + 2], 16) for k in (1, 3, 5)], dtype=float)

    shade = style.REGION_SHADE
    mixed = shade * channels(style.ANSWER_COLOURS[answer]) + (1 - shade) * channels(
        style.BACKGROUND
    )
    return "#" + "".join(f"{round(c):02X}" for c in mixed)


def cells_that_disagree(answer_map, cells, answers: np.ndarray) -> list[str]:
    """Cells whose colour or place is not the engine's answer map: every rectangle covers a
    run of one row and shows that run's answer, and together they tile the map exactly."""
    n = answers.shape[0]
    left, bottom = answer_map.border.get_corner(np.array([-1.0, -1.0, 0.0]))[:2]
    side = answer_map.border.width
    covered = np.zeros_like(answers, dtype=int)
    wrong = []
    for rectangle in cells:
        (x0, y0, _), (x1, y1, _) = (
            rectangle.get_corner(-np.ones(3)),
            rectangle.get_corner(np.ones(3)),
        )
        first, last = round((x0 - left) / side * n), round((x1 - left) / side * n) - 1
        row = round((y0 - bottom) / side * n)
        if abs(y1 - y0 - side / n) > 1e-6 or abs(x0 - left - first * side / n) > 1e-6:
            wrong.append(f"rectangle off the cell grid at row {row}")
            continue
        covered[first : last + 1, row] += 1
        shown = rectangle.get_fill_color().to_hex().upper()
        for answer in np.unique(answers[first : last + 1, row]):
            if region_hex(int(answer)) != shown:
                wrong.append(f"row {row} cells {first}..{last}: {shown}, engine says {answer}")
    if not np.all(covered == 1):
        wrong.append(f"{int(np.sum(covered != 1))} cells not covered exactly once")
    return wrong


@pytest.mark.parametrize("seed", SEEDS)
def test_every_map_cell_shows_the_networks_answer_at_that_snapshot(seed):
    scene = rendered(Generalization, seed)
    run = scene.lesson.second_run
    shown = scene.maps_shown
    assert [snapshot for snapshot, _, _ in shown] == [0, *range(len(run.snapshot_steps))]
    for snapshot, answer_map, cells in shown:
        assert cells_that_disagree(answer_map, cells, run.maps[snapshot]) == []
    assert shown[-1][1].cells is shown[-1][2]  # the after-map ends on the last snapshot


def test_a_map_one_snapshot_behind_is_caught():
    scene = rendered(Generalization, SEEDS[0])
    run = scene.lesson.second_run
    snapshot, answer_map, cells = scene.maps_shown[4]
    assert cells_that_disagree(answer_map, cells, run.maps[snapshot - 1]) != []


@pytest.mark.parametrize("seed", SEEDS)
def test_markers_stand_at_their_sentences_inputs_in_their_answers_colour(seed):
    scene = rendered(Generalization, seed)
    run = scene.lesson.second_run
    sentences, axis = run.sentences, run.map_axis
    for answer_map in (scene.before, scene.after):
        left, bottom = answer_map.border.get_corner(np.array([-1.0, -1.0, 0.0]))[:2]
        side, n = answer_map.border.width, len(axis)
        for marker, x, answer, held in zip(
            answer_map.markers, sentences.inputs, sentences.answers, sentences.held_out, strict=True
        ):
            # Cell k's centre is axis[k]: (k + 1/2) / n of the way across.
            expected = [
                left + ((x[1] - axis[0]) / (axis[1] - axis[0]) + 0.5) / n * side,
                bottom + ((x[2] - axis[0]) / (axis[1] - axis[0]) + 0.5) / n * side,
            ]
            np.testing.assert_allclose(marker.get_center()[:2], expected, atol=1e-9)
            assert marker.get_fill_color().to_hex().upper() == style.ANSWER_COLOURS[answer]
            assert isinstance(marker, Square if held else Circle)
        for k, a in enumerate(answer_map.markers):  # no marker covers another
            for b in answer_map.markers[k + 1 :]:
                apart = np.linalg.norm(a.get_center() - b.get_center())
                assert apart > (a.width + b.width) / 2, (a.get_center(), b.get_center())


@pytest.mark.parametrize("seed", SEEDS)
def test_loss_curves_pass_through_the_engines_losses_at_every_step(seed):
    scene = rendered(Generalization, seed)
    run = scene.lesson.second_run
    for source, losses in (
        ("train_losses", run.train_losses),
        ("held_out_losses", run.held_out_losses),
    ):
        points = {}
        for piece in scene.curves[source]:
            for corner in piece.get_anchors():
                step, value = scene.chart.p2c(corner)
                points[round(step)] = value
                assert abs(step - round(step)) < 1e-9
        assert sorted(points) == list(range(len(losses)))
        np.testing.assert_allclose([points[k] for k in sorted(points)], losses, atol=1e-9)


def second_run_readouts_that_disagree(scene) -> list[str]:
    """At every moment, the after-map's step stands with that step's held-out count and both
    losses; the before-map's count is step 0's."""
    run = scene.lesson.second_run
    held = run.held_out_count
    steps = [int(step) for step in run.snapshot_steps]
    wrong = []
    for moment, screen in enumerate(scene.layout_audit.screens):
        titles = [t for t in screen if t.startswith("training: step ")]
        if not titles:
            continue
        snapshot = steps.index(int(titles[0].removeprefix("training: step ")))
        step = steps[snapshot]
        expected = sorted(
            [
                f"held out right: {run.held_out_right[0]} of {held}",
                f"held out right: {run.held_out_right[snapshot]} of {held}",
                f"trained on: {fmt.loss_value(run.train_losses[step])}",
                f"held out: {fmt.loss_value(run.held_out_losses[step])}",
            ]
        )
        found = sorted(  # the read-outs, not the legend's words
            t for t in screen if t.startswith(("held out", "trained on")) and re.search(r"\d", t)
        )
        if len(titles) != 1 or found != expected:
            wrong.append(f"moment {moment}: {titles} beside {found}, not {expected}")
    return wrong


@pytest.mark.parametrize("seed", SEEDS)
def test_each_second_run_step_stands_beside_its_own_numbers(seed):
    scene = rendered(Generalization, seed)
    shown = [s for s in scene.layout_audit.screens if any(t.startswith("training: ") for t in s)]
    steps = {t for s in shown for t in s if t.startswith("training: step ")}
    assert len(steps) == len(scene.lesson.second_run.snapshot_steps)
    assert second_run_readouts_that_disagree(scene) == []


def test_a_count_from_the_wrong_snapshot_is_caught():
    scene = rendered(Generalization, SEEDS[0])
    run = scene.lesson.second_run
    screens = scene.layout_audit.screens
    moment = next(
        k for k, s in enumerate(screens) if "training: step 0" in s and "trained on" in " ".join(s)
    )
    last = f"trained on: {fmt.loss_value(run.train_losses[-1])}"
    wrong_screen = [last if t.startswith("trained on") else t for t in screens[moment]]
    planted = SimpleNamespace(
        lesson=scene.lesson, layout_audit=SimpleNamespace(screens=[wrong_screen])
    )
    assert second_run_readouts_that_disagree(planted) != []
