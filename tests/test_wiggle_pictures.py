"""Section 3's pictures as a viewer reads them, checked from what was drawn:

- the loss axis's numbers sit at the heights they name and span the curve (so the valley's
  depth reads honestly), each the engine's tick value;
- the inset network's labels (tokens, mixer numbers) name the chosen line's two ends as the
  caption does, and the chosen line stands out (every other line faded back);
- w is first nudged up a little, then walked in one sweep to the valley, every reading of
  the read-outs held on screen long enough to read.

Each check has a planted defect that it catches.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from manim import AnimationGroup, Text, ValueTracker, smooth

from mechanics import formatting as fmt
from mechanics.sources import source_of
from scenes import style
from scenes.wiggle import CHOSEN_WIDTH, Wiggle, w_text

from .planted import painted_yellow
from .scene_rendering import SEEDS, render_tiny, rendered

FPS = 5  # render_tiny's frame rate


# The loss axis ---------------------------------------------------------------------------
def loss_axis_labels(scene) -> list[tuple[float, float]]:
    """Each y tick label of the chart: (the number it reads, the loss at its height)."""
    axes = scene.axes
    left = axes.y_axis.get_left()[0]
    found = []
    for mark, label in axes.ticks:
        if label.get_center()[0] >= left:
            continue  # an x tick
        written = label.original_text.replace("\N{MINUS SIGN}", "-")
        _, loss_there = axes.p2c(mark.get_start())
        found.append((float(written), loss_there))
    return found


def loss_axis_faults(scene) -> list[str]:
    wiggle = scene.lesson.wiggle
    labels = loss_axis_labels(scene)
    faults = [
        f"label {reads} sits at loss {at:.4f}" for reads, at in labels if abs(reads - at) > 1e-6
    ]
    if len(labels) < 3:
        faults.append(f"only {len(labels)} loss labels")
        return faults
    values = sorted(reads for reads, _ in labels)
    step = values[1] - values[0]
    low, high = float(wiggle.losses.min()), float(wiggle.losses.max())
    if not (values[0] <= low + 1e-9 and low - values[0] < step):
        faults.append(f"the lowest label {values[0]} does not reach just under {low:.4f}")
    if not (values[-1] >= high - 1e-9 and values[-1] - high < step):
        faults.append(f"the highest label {values[-1]} does not reach just over {high:.4f}")
    # The chart spans exactly the labelled range: the curve is not stretched past it.
    if abs(scene.axes.y_low - values[0]) > 1e-9 or abs(scene.axes.y_high - values[-1]) > 1e-9:
        faults.append(f"axis {scene.axes.y_low}..{scene.axes.y_high} is not the labels' range")
    return faults


@pytest.mark.parametrize("seed", SEEDS)
def test_the_loss_axis_is_numbered_where_its_numbers_are(seed):
    scene = rendered(Wiggle, seed)
    assert loss_axis_faults(scene) == []
    # Each label is recorded as the engine's tick value, written as on screen.
    ticks = [s for s in scene.record.shown if "loss_ticks" in str(s.source)]
    labels = {
        f"{reads:.{scene.lesson.wiggle.loss_tick_decimals}f}"
        for reads, _ in loss_axis_labels(scene)
    }
    assert {s.written for s in ticks} == labels
    for shown in ticks:
        assert shown.value == float(shown.source.value_in(scene.lesson))


class WiggleWithLossLabelsOneStepOff(Wiggle):
    """Every loss label writes the next tick's value: well-formed numbers, wrong heights."""

    def loss_ticks(self):
        ticks = super().loss_ticks()
        refs = [ref for _, ref in ticks]
        return [(value, refs[min(k + 1, len(refs) - 1)]) for k, (value, _) in enumerate(ticks)]

    def construct(self) -> None:
        self.single_out_one_weight()
        self.draw_the_loss_curve()


def test_a_loss_label_at_the_wrong_height_is_caught(tmp_path):
    scene = render_tiny(WiggleWithLossLabelsOneStepOff, 0, media=tmp_path)
    assert any("sits at loss" in fault for fault in loss_axis_faults(scene))


# The inset -------------------------------------------------------------------------------
class WiggleUpToTheSlope(Wiggle):
    """The beats up to the slope: the weight picked out on the inset, as it stays while
    the dot moves."""

    def construct(self) -> None:
        self.single_out_one_weight()
        self.draw_the_loss_curve()
        self.show_the_slope()


def nearest(labels, point) -> Text:
    return min(labels, key=lambda label: np.linalg.norm(label.get_center() - point))


def inset_faults(scene) -> list[str]:
    """What the drawing says the chosen weight joins, against the caption; and whether the
    chosen line stands out from every other line."""
    wiggle, inset = scene.lesson.wiggle, scene.inset
    row, col = wiggle.index
    chosen = inset.weight_line(wiggle.name, wiggle.index)
    start, end = chosen.get_start_and_end()
    token_node = min(inset.input_nodes, key=lambda node: np.linalg.norm(node.get_center() - start))
    mixer_node = min(inset.hidden_nodes, key=lambda node: np.linalg.norm(node.get_center() - end))
    token = nearest(scene.token_labels, token_node.get_center()).original_text
    number = nearest(scene.mixer_numbers, mixer_node.get_center()).original_text
    faults = []
    # A viewer reads the caption's "mixer n" off the numbers drawn in the nodes.
    drawn = f"from \u201c{token}\u201d to mixer {number}"
    if drawn not in scene.weight_caption.original_text:
        faults.append(
            f"the drawing reads {drawn!r}, the caption {scene.weight_caption.original_text!r}"
        )
    numbers = [label.original_text for label in scene.mixer_numbers]
    if numbers != [str(j + 1) for j in range(len(inset.hidden_nodes))]:
        faults.append(f"mixers numbered {numbers}")
    # The chosen line stands out in the legend's colour for its weight now, at full
    # strength; every other line is faded back; its token and mixer are lit up.
    others = [line for line in inset.all_lines if line is not chosen]
    w_now = float(wiggle.ws[int(round(scene.tracker.get_value()))])
    if chosen.get_stroke_color().to_hex().upper() != style.colour_for(w_now).upper():
        faults.append(f"the chosen line is drawn {chosen.get_stroke_color().to_hex()}")
    if chosen.get_stroke_opacity() < 0.99 or chosen.get_stroke_width() < CHOSEN_WIDTH:
        faults.append("the chosen line is faint or thin")
    bright = [line for line in others if line.get_stroke_opacity() > 0.31]
    if bright:
        faults.append(f"{len(bright)} other lines are not faded back")
    for label in (scene.token_labels[col], scene.mixer_numbers[row]):
        if label.get_fill_color().to_hex().upper() != style.HIGHLIGHT.upper():
            faults.append(f"{label.original_text!r} is not lit up")
    return faults


@pytest.mark.parametrize("seed", SEEDS)
def test_the_inset_labels_name_the_chosen_weight_and_it_stands_out(seed, tmp_path):
    scene = render_tiny(WiggleUpToTheSlope, seed, media=tmp_path)
    assert inset_faults(scene) == []
    row, col = scene.lesson.wiggle.index
    assert [label.original_text for label in scene.token_labels] == list(scene.lesson.tokens)
    assert scene.weight_caption.original_text == (
        f"w: {fmt.connection(scene.lesson.tokens[col], row)}"
    )


class WiggleCountingMixersFromZero(WiggleUpToTheSlope):
    @staticmethod
    def mixer_number(j: int) -> str:
        return f"{j}"


class WiggleWithTheChosenLineAmongTheOthers(WiggleUpToTheSlope):
    """The weight picked out as before: recoloured, every other line as bright as ever."""

    def pick_out_the_weight(self):
        wiggle = self.lesson.wiggle
        return AnimationGroup(painted_yellow(self.inset, wiggle.name, wiggle.index))


def test_mixer_numbers_that_disagree_with_the_caption_are_caught(tmp_path):
    faults = inset_faults(render_tiny(WiggleCountingMixersFromZero, 0, media=tmp_path))
    assert any("the drawing reads" in fault for fault in faults), faults


def test_a_chosen_line_lost_among_the_others_is_caught(tmp_path):
    faults = inset_faults(render_tiny(WiggleWithTheChosenLineAmongTheOthers, 0, media=tmp_path))
    assert any("not faded back" in fault for fault in faults), faults


# The wiggle in motion --------------------------------------------------------------------
def w_readings(scene) -> list[tuple[str, float]]:
    """The w read-out's readings in the order shown, each with how long it stayed up (s).
    A reading is timed from the frames written while it showed."""
    runs: list[list] = []
    audit = scene.layout_audit
    for screen, frames in zip(audit.screens, audit.moment_frames, strict=True):
        reading = next((t for t in screen if t.startswith("w = ")), None)
        if reading is None:
            continue
        if runs and runs[-1][0] == reading:
            runs[-1][1] += frames
        else:
            runs.append([reading, frames])
    return [(reading, frames / FPS) for reading, frames in runs]


# Three numbers (w, its loss, its slope) change together at each stop: a viewer needs about
# three quarters of a second to take them in (a review found 0.5-0.6 s too short).
LEAST_READING_SECONDS = 0.75


def as_number(reading: str) -> float:
    return float(re.sub(r"^w = ", "", reading).replace("\N{MINUS SIGN}", "-"))


def motion_faults(scene) -> list[str]:
    wiggle = scene.lesson.wiggle
    readings = w_readings(scene)
    faults = [
        f"{reading!r} up for {seconds:.1f} s"
        for reading, seconds in readings
        if seconds < LEAST_READING_SECONDS - 1e-9
    ]
    ws = [as_number(reading) for reading, _ in readings]
    span = float(wiggle.ws[-1] - wiggle.ws[0])
    if readings[0][0] != f"w = {w_text(wiggle.start)}":
        faults.append(f"w starts at {readings[0][0]!r}")
    # First a small nudge up: w's first move is up, by a little.
    moves = np.diff(ws)
    if len(moves) == 0 or not 0 < moves[0] <= 0.1 * span:
        faults.append(f"w does not first go up a little: {ws[:3]}")
    # Then one sweep: once w heads for the valley it never turns back (where the valley
    # lies below, the nudge up is the only move away from it, and it is small).
    toward = np.sign(wiggle.valley - wiggle.start)
    heading = int(np.argmax(np.sign(moves) == toward)) if np.any(np.sign(moves) == toward) else 0
    away = moves[:heading]
    if np.any(away <= 0) or away.sum() > 0.1 * span:
        faults.append(f"w moves away from the valley by more than a nudge: {ws[: heading + 1]}")
    if np.any(np.sign(moves[heading:]) != toward):
        faults.append(f"w turns back on its way to the valley: {ws[heading:]}")
    if readings[-1][0] != f"w = {w_text(wiggle.valley)}":
        faults.append(f"w ends at {readings[-1][0]!r}, not the valley")
    return faults


@pytest.mark.parametrize("seed", SEEDS)
def test_w_is_nudged_up_then_walked_to_the_valley_readably(seed):
    scene = rendered(Wiggle, seed)
    assert len(w_readings(scene)) >= 6
    assert motion_faults(scene) == []
    # Every reading during the walk came from the engine's samples (the read-outs test
    # holds each moment's three read-outs to one sample).
    assert all(
        source_of(scene.src.wiggle.ws) == source_of(followed.series)
        for followed in scene.record.followed
        if followed.prefix == "w = "
    )


class WiggleSweptAsBefore(Wiggle):
    """The wiggle as it was: a smooth sweep to the far end and back to the valley, the
    read-outs turning over on every frame."""

    def settle_in_the_valley(self) -> None:
        tracker: ValueTracker = self.tracker
        wiggle = self.lesson.wiggle
        for index in (len(wiggle.ws) - 5, 4, wiggle.valley_index):
            self.play(tracker.animate.set_value(index), run_time=3.0, rate_func=smooth)


def test_a_sweep_too_fast_to_read_and_turning_back_is_caught(tmp_path):
    faults = motion_faults(render_tiny(WiggleSweptAsBefore, 0, media=tmp_path))
    assert any(" up for " in fault for fault in faults), faults
    assert any("turns back" in fault for fault in faults), faults
