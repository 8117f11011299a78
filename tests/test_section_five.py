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


# ---- colours that mean one thing: the legend shows each answer as the map does -----------
def legend_entries_that_disagree(legend, candidates) -> list[str]:
    """Each candidate's legend entry: a swatch of its region's colour (the map's cells), a
    dot in its markers' colour on it, and its name."""
    wrong = []
    for answer, candidate in enumerate(candidates):
        (swatch, dot), name = legend[answer]
        if swatch.get_fill_color().to_hex().upper() != region_hex(answer):
            wrong.append(f"{candidate}: swatch {swatch.get_fill_color().to_hex()}, map's region")
        if dot.get_fill_color().to_hex().upper() != style.ANSWER_COLOURS[answer]:
            wrong.append(f"{candidate}: dot {dot.get_fill_color().to_hex()}, not its markers'")
        off_centre = np.linalg.norm(dot.get_center() - swatch.get_center())
        if not isinstance(dot, Circle) or off_centre > 1e-9:
            wrong.append(f"{candidate}: no sentence's dot on the swatch")
        if name.text != candidate:
            wrong.append(f"entry {answer} names {name.text!r}, not {candidate!r}")
    return wrong


@pytest.mark.parametrize("seed", SEEDS)
def test_the_legend_shows_each_answer_as_the_map_and_its_markers_do(seed):
    scene = rendered(Generalization, seed)
    assert legend_entries_that_disagree(scene.legend, scene.lesson.candidates) == []


def test_a_legend_in_the_markers_full_colours_is_caught():
    """As the film was: full-colour swatches beside darker regions (olive for yellow)."""
    scene = rendered(Generalization, SEEDS[0])
    legend = scene.legend.copy()
    for answer in range(len(scene.lesson.candidates)):
        legend[answer][0][0].set_fill(style.ANSWER_COLOURS[answer], 1.0)
    assert len(legend_entries_that_disagree(legend, scene.lesson.candidates)) == len(
        scene.lesson.candidates
    )


# ---- the two loss curves: told apart by colour and dash, and a legend says which ----------
def polyline_length(mobject) -> float:
    return sum(
        float(np.linalg.norm(part.points[-1] - part.points[0]))
        for part in mobject.family_members_with_points()
    )


def loss_curves_that_look_alike(curves_drawn, true_pieces, swatches, chart, losses) -> list[str]:
    """The trained-on curve solid, the held-out curve dashed (its dashes cut from the
    engine's line), in different colours; each read-out's line drawn as its curve is."""
    wrong = []
    colours = {}
    for series, drawn in curves_drawn.items():
        parts = [p for piece in drawn for p in piece.family_members_with_points()]
        colours[series] = {p.get_stroke_color().to_hex().upper() for p in parts}
        covered = sum(polyline_length(piece) for piece in drawn)
        whole = sum(polyline_length(piece) for piece in true_pieces[series])
        dashed = covered < 0.8 * whole
        if dashed != (series == "held_out_losses"):
            wrong.append(f"{series}: {'dashed' if dashed else 'solid'}")
        steps = np.arange(len(losses[series]))
        for part in parts:  # every dash lies on the engine's line through its losses
            for point in part.get_anchors():
                step, value = chart.p2c(point)
                if abs(value - np.interp(step, steps, losses[series])) > 1e-6:
                    wrong.append(f"{series}: a dash off the engine's line at step {step:.2f}")
                    break
        swatch = swatches[series]
        swatch_dashed = len(swatch.family_members_with_points()) > 1
        swatch_colour = swatch.family_members_with_points()[0].get_stroke_color().to_hex()
        if swatch_dashed != dashed or {swatch_colour.upper()} != colours[series]:
            wrong.append(f"{series}: its read-out's line is not drawn as the curve is")
    if colours["train_losses"] & colours["held_out_losses"]:
        wrong.append("both curves in one colour")
    return wrong


def curve_facts(scene):
    run = scene.lesson.second_run
    losses = {"train_losses": run.train_losses, "held_out_losses": run.held_out_losses}
    readouts = scene.second_readouts[2]
    swatches = {"train_losses": readouts[0][0], "held_out_losses": readouts[1][0]}
    return scene.curves_drawn, scene.curves, swatches, scene.chart, losses


@pytest.mark.parametrize("seed", SEEDS)
def test_the_two_loss_curves_differ_in_colour_and_dash_and_the_legend_says_which(seed):
    scene = rendered(Generalization, seed)
    assert loss_curves_that_look_alike(*curve_facts(scene)) == []


def test_two_solid_curves_in_one_colour_are_caught():
    """As the film was: a thin white line on a thick red one, the two read as one."""
    scene = rendered(Generalization, SEEDS[0])
    drawn, true_pieces, swatches, chart, losses = curve_facts(scene)
    solid = true_pieces["held_out_losses"].copy().set_stroke(style.LOSS)
    planted = {"train_losses": drawn["train_losses"], "held_out_losses": solid}
    found = loss_curves_that_look_alike(planted, true_pieces, swatches, chart, losses)
    assert "held_out_losses: solid" in found and "both curves in one colour" in found


def test_a_dashed_curve_off_the_engines_losses_is_caught():
    scene = rendered(Generalization, SEEDS[0])
    drawn, true_pieces, swatches, chart, losses = curve_facts(scene)
    shifted = {**losses, "held_out_losses": losses["held_out_losses"] + 0.05}
    found = loss_curves_that_look_alike(drawn, true_pieces, swatches, chart, shifted)
    assert any("off the engine's line" in p for p in found), found


# ---- the maps' axes are named: the inputs of the second and third tokens ------------------
def map_axes_misnamed(answer_map, labels, tokens) -> list[str]:
    """Under the map, across it: the second token's input; beside it on the left, turned
    to run up: the third token's (inputs 2 and 3, the map's axes in the engine)."""
    wrong = []
    across, up = labels
    border = answer_map.border
    if tokens[1] not in across.text or tokens[2] in across.text:
        wrong.append(f"the across axis reads {across.text!r}")
    if tokens[2] not in up.text or tokens[1] in up.text:
        wrong.append(f"the up axis reads {up.text!r}")
    if not (across.get_top()[1] < border.get_bottom()[1] and across.width > across.height):
        wrong.append("the across label is not under the map, level")
    if abs(across.get_center()[0] - border.get_center()[0]) > 1e-6:
        wrong.append("the across label is not centred under the map")
    if not (up.get_right()[0] < border.get_left()[0] and up.height > up.width):
        wrong.append("the up label is not left of the map, turned")
    if abs(up.get_center()[1] - border.get_center()[1]) > 1e-6:
        wrong.append("the up label is not centred beside the map")
    for label in labels:  # lit up as the voice names them, then back to the axes' grey
        if label.get_fill_color().to_hex().upper() != style.MUTED:
            wrong.append(f"{label.text!r} stays {label.get_fill_color().to_hex()}")
    return wrong


@pytest.mark.parametrize("seed", SEEDS)
def test_each_map_names_its_axes_and_the_voice_names_them_on_the_map(seed):
    scene = rendered(Generalization, seed)
    tokens = scene.lesson.tokens
    for answer_map, labels in zip((scene.before, scene.after), scene.map_labels, strict=True):
        assert map_axes_misnamed(answer_map, labels, tokens) == []
    said = [line for line in scene.narrator.spoken if "map of answers" in line["words"]]
    assert len(said) == 1 and f'"{tokens[1]}" and "{tokens[2]}" inputs' in said[0]["words"]
    assert said[0]["late_marks"] == {}


def test_swapped_map_axes_are_caught():
    scene = rendered(Generalization, SEEDS[0])
    across, up = scene.map_labels[0]
    swapped = [across.copy(), up.copy()]
    swapped[0].text, swapped[1].text = up.text, across.text
    found = map_axes_misnamed(scene.before, swapped, scene.lesson.tokens)
    assert len(found) == 2, found


def test_an_axis_label_left_lit_is_caught():
    """As a first draft did: the light played at the snapshots' linear pace stayed on."""
    scene = rendered(Generalization, SEEDS[0])
    lit = [label.copy().set_color(style.HIGHLIGHT) for label in scene.map_labels[1]]
    found = map_axes_misnamed(scene.after, lit, scene.lesson.tokens)
    assert len(found) == 2 and all("stays" in p for p in found), found
