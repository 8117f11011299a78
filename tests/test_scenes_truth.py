"""Every section shows the engine's numbers, and only the engine's numbers.

Each scene records every number it puts on screen with its place in the lesson, and
notes every digit-bearing text on screen after each animation. These tests render the
scenes tiny for seeds 0 and 7 and hold both records to the engine.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from manim import FadeIn

from mechanics import formatting as fmt
from mechanics.network import WEIGHT_NAMES
from mechanics.settings import Settings
from mechanics.sources import Ref, Source, source_of
from scenes.forward_pass import ForwardPass
from scenes.generalization import Generalization
from scenes.lesson_scene import beat
from scenes.loop import Loop
from scenes.loss import Loss, loss_text, p_text
from scenes.record import LAYOUT
from scenes.sections import SECTIONS
from scenes.style import text
from scenes.wiggle import Wiggle, slope_text, w_text

from .planted import WiggleWhoseLossFollowsTheSlopes
from .scene_rendering import (
    SCENES,
    SEEDS,
    assert_number_is_the_engines,
    engine_numbers,
    render_tiny,
    rendered,
    srt_of,
)


def unrecorded(scene) -> set[str]:
    """Digit-bearing texts seen on screen that are not a recorded text. A caption shows its
    recorded narration split over lines, so a run of whole words of a narration counts."""
    recorded = {shown.text for shown in scene.record.shown}
    return {
        seen
        for seen in scene.record.seen_on_screen
        if seen not in recorded and not any(f" {seen} " in f" {r} " for r in recorded)
    }


def texts_with(scene, written: str) -> list[str]:
    return [shown.text for shown in scene.record.shown if shown.written == written]


@pytest.mark.parametrize("scene_class", SCENES)
@pytest.mark.parametrize("seed", SEEDS)
def test_every_number_on_screen_was_recorded(scene_class, seed):
    scene = rendered(scene_class, seed)
    assert scene.record.seen_on_screen, "the scene showed no numbers at all"
    assert unrecorded(scene) == set()


@pytest.mark.parametrize("scene_class", SCENES)
@pytest.mark.parametrize("seed", SEEDS)
def test_every_recorded_number_is_the_engines_correctly_rounded(scene_class, seed):
    scene = rendered(scene_class, seed)
    numbers = engine_numbers(scene)
    assert len(numbers) >= 10
    for shown in numbers:
        assert_number_is_the_engines(scene, shown)


@pytest.mark.parametrize("scene_class", SCENES)
def test_two_seeds_show_different_numbers(scene_class):
    shown = [
        {(s.source, s.written) for s in engine_numbers(rendered(scene_class, seed))}
        for seed in SEEDS
    ]
    assert shown[0] != shown[1]
    differing = {source for source, _ in shown[0] ^ shown[1]}
    assert len(differing) >= 4  # section 2's round stops are the same for every seed


@pytest.mark.parametrize("seed", SEEDS)
def test_forward_pass_shows_inputs_probabilities_and_the_paris_readout(seed):
    scene = rendered(ForwardPass, seed)
    lesson = scene.lesson
    first = lesson.trace[0]
    for value in lesson.inputs:
        assert texts_with(scene, fmt.signed(value)), value
    for probability in first.probabilities:
        assert texts_with(scene, fmt.percent(probability)), probability
    paris = fmt.percent(first.probabilities[lesson.target_index])
    assert f"Paris probability: {paris}" in scene.record.seen_on_screen


@pytest.mark.parametrize("seed", SEEDS)
def test_forward_pass_writes_out_one_mixer_and_the_paris_output(seed):
    scene = rendered(ForwardPass, seed)
    first = scene.lesson.trace[0]
    sources = {shown.source for shown in scene.record.shown}
    step = Ref(scene.lesson).trace[0]
    mixers, inputs = first.params["W1"].shape

    def shown(ref: Ref) -> bool:
        return source_of(ref) in sources

    written_out = [
        j
        for j in range(mixers)
        if shown(step.forward.hidden[j])
        and all(shown(step.params["W1"][j, i]) for i in range(inputs))
        and shown(step.forward.pre_activations[j])
    ]
    assert written_out, "no mixer's weighted sum was written out"
    target = scene.lesson.target_index
    assert all(shown(step.params["W2"][target, j]) for j in range(mixers))
    assert all(shown(step.forward.logits[k]) for k in range(len(scene.lesson.candidates)))
    logit = source_of(step.forward.logits[target])
    tex = [s.text for s in scene.record.shown if s.source == logit]
    assert any(r"\tanh" not in t and "e^{" in t for t in tex)  # the softmax was written


@pytest.mark.parametrize("seed", SEEDS)
def test_forward_pass_calls_out_weights_by_their_real_values(seed):
    scene = rendered(ForwardPass, seed)
    params = scene.lesson.trace[0].params
    called = [s for s in scene.record.shown if s.text.startswith("w = ")]
    assert len(called) == 3
    all_weights = np.concatenate([params["W1"].ravel(), params["W2"].ravel()])
    assert called[0].value == all_weights.max()
    assert called[1].value == all_weights.min()
    assert abs(called[2].value) == np.abs(all_weights).min()


@pytest.mark.parametrize("seed", SEEDS)
def test_loss_stops_at_round_values_then_at_the_networks_p(seed):
    scene = rendered(Loss, seed)
    card = scene.lesson.scorecard
    for stop in card.stops:
        assert p_text(card.ps[stop]) in scene.record.seen_on_screen
        assert loss_text(card.losses[stop]) in scene.record.seen_on_screen
    assert "0.100" in scene.record.seen_on_screen and "2.30" in scene.record.seen_on_screen
    assert card.ps[card.stops[-1]] == scene.lesson.target_probabilities[0]
    assert loss_text(scene.lesson.trace[0].loss) in scene.record.seen_on_screen


@pytest.mark.parametrize("seed", SEEDS)
def test_captions_are_written_to_srt_with_the_engines_numbers(seed):
    forward = srt_of(rendered(ForwardPass, seed))
    loss = srt_of(rendered(Loss, seed))
    lesson = rendered(Loss, seed).lesson
    assert "because the weights are random" in forward
    p = fmt.percent(lesson.target_probabilities[0])
    assert f"it gave Paris {p}, so its loss is {loss_text(lesson.trace[0].loss)}" in loss


@pytest.mark.parametrize("scene_class", SCENES)
def test_layout_numbers_are_only_section_numbers_and_axis_ticks(scene_class):
    scene = rendered(scene_class, 0)
    layout = {s.written for s in scene.record.shown if s.source == LAYOUT}
    section_numbers = {f"{section.number}" for section in SECTIONS}
    axis_ticks = {
        "0",
        "0.5",
        *(f"{n}" for n in range(1, scene.lesson.settings.steps + 1)),  # value and step ticks
        *(f"\N{MINUS SIGN}{n}" for n in range(1, 6)),
    }
    axis_ticks.add(f"{scene.lesson.settings.second_run_steps}")  # section 5's second run
    mixers = scene.lesson.settings.hidden_size
    node_indices = {f"{j}" for j in range(1, mixers + 1)}  # h_1, h_2, ...
    assert layout <= section_numbers | axis_ticks | node_indices | {"100%"}


def assert_curve_drawn_through(scene, xs: np.ndarray, ys: np.ndarray) -> None:
    """The scene's curve passes through exactly these samples (its Bezier anchors)."""
    anchors = np.vstack([scene.curve.points[::4], scene.curve.points[-1:]])
    expected = np.array([scene.axes.c2p(x, y) for x, y in zip(xs, ys, strict=True)])
    np.testing.assert_allclose(anchors, expected, atol=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_wiggle_curve_is_drawn_through_the_engines_samples(seed):
    scene = rendered(Wiggle, seed)
    assert_curve_drawn_through(scene, scene.lesson.wiggle.ws, scene.lesson.wiggle.losses)


@pytest.mark.parametrize("seed", SEEDS)
def test_every_tangent_drawn_has_the_backprop_slope(seed):
    scene = rendered(Wiggle, seed)
    wiggle = scene.lesson.wiggle
    tangents = [drawn for drawn in scene.record.drawn if drawn.kind == "tangent slope"]
    assert len(tangents) >= 4  # at the start, both ends of the sweep, the valley
    for drawn in tangents:
        *series, index = drawn.source.steps
        assert Source(tuple(series)) == source_of(Ref(scene.lesson).wiggle.slopes)
        index = index.key
        _, backprop = wiggle.at(wiggle.ws[index])  # the engine's gradient, computed afresh
        assert drawn.value == pytest.approx(backprop, rel=1e-6, abs=1e-9), drawn


@pytest.mark.parametrize("seed", SEEDS)
def test_wiggle_starts_at_the_real_weight_and_settles_in_the_engines_valley(seed):
    scene = rendered(Wiggle, seed)
    wiggle = scene.lesson.wiggle
    assert f"w = {w_text(wiggle.start)}" in scene.record.seen_on_screen
    assert f"slope = {slope_text(wiggle.slopes[wiggle.start_index])}" in scene.record.seen_on_screen
    assert f"w = {w_text(wiggle.valley)}" in scene.record.seen_on_screen
    assert "slope = 0.000" in scene.record.seen_on_screen
    assert wiggle.ws[wiggle.valley_index] == wiggle.valley


@pytest.mark.parametrize("seed", SEEDS)
def test_loss_curve_is_drawn_through_the_engines_samples(seed):
    scene = rendered(Loss, seed)
    card = scene.lesson.scorecard
    assert_curve_drawn_through(scene, card.curve_ps, card.curve_losses)


@pytest.mark.parametrize("seed", SEEDS)
def test_loop_shows_every_steps_loss_and_paris_probability(seed):
    scene = rendered(Loop, seed)
    lesson = scene.lesson
    assert len(lesson.trace) - 1 >= 15
    for n, step in enumerate(lesson.trace):
        assert f"Step {n}" in scene.record.seen_on_screen
        assert f"Loss {fmt.loss_value(step.loss)}" in scene.record.seen_on_screen
        paris = fmt.percent(step.probabilities[lesson.target_index])
        assert f"Paris {paris}" in scene.record.seen_on_screen
    assert lesson.target_probabilities[-1] > 0.9


def drawn_arrow(arrow) -> tuple[float, float]:
    """Which way an update arrow points (+1 up, -1 down, 0 when its head faces back along
    its stem) and how long it is, measured from the drawing: its stem and its head."""
    stem, head = arrow[0], arrow[1]
    corners = head.get_vertices()
    middle = corners.mean(axis=0)
    base = max(stem.get_start_and_end(), key=lambda end: np.linalg.norm(end - middle))
    way = np.sign(middle[1] - base[1])  # the head sits at this end of the stem
    above = int(np.sum(corners[:, 1] > middle[1]))
    facing = 1.0 if above == 1 else -1.0  # a triangle with one corner up points up
    tip = corners[np.argmax(facing * corners[:, 1])]
    return (way if facing == way else 0.0), abs(tip[1] - base[1])


def arrows_against_their_gradients(scene) -> list[str]:
    """Every drawn arrow whose direction is not minus its gradient's sign, as read from
    the lesson (not from the path the scene recorded)."""
    wrong = []
    for n, name, index, arrow in scene.arrows_shown:
        gradient = float(scene.lesson.trace[n].grads[name][index])
        direction, _ = drawn_arrow(arrow)
        if direction != -np.sign(gradient):
            wrong.append(f"step {n} {name}{index}: drawn {direction}, gradient {gradient:+.4f}")
    return wrong


@pytest.mark.parametrize("seed", SEEDS)
def test_every_arrow_points_against_its_weights_gradient(seed):
    scene = rendered(Loop, seed)
    steps = len(scene.lesson.trace) - 1
    assert len(scene.arrows_shown) == steps * (3 * 4 + 4 * 5)  # every weight line, every step
    assert arrows_against_their_gradients(scene) == []


@pytest.mark.parametrize("seed", SEEDS)
def test_arrow_lengths_grow_with_the_size_of_the_update(seed):
    scene = rendered(Loop, seed)
    for n in range(len(scene.lesson.trace) - 1):
        drawn = [
            (abs(float(scene.lesson.trace[n].grads[name][index])), drawn_arrow(arrow)[1])
            for step, name, index, arrow in scene.arrows_shown
            if step == n
        ]
        lengths = [length for _, length in sorted(drawn)]
        assert all(a <= b + 1e-9 for a, b in zip(lengths, lengths[1:], strict=False)), n


class LoopWithReversedHeads(Loop):
    """Arrows whose heads are turned back along their stems: their stored ends still agree."""

    def construct(self) -> None:
        self.set_up_the_network()
        self.train_step(0, full=True)

    def show_arrows(self, n: int, run_time: float) -> dict:
        arrows = super().show_arrows(n, run_time)
        for arrow in arrows.values():
            arrow[1].rotate(np.pi)
        return arrows


def test_an_arrow_with_a_reversed_head_is_caught(tmp_path):
    scene = render_tiny(LoopWithReversedHeads, 0, media=tmp_path)
    assert len(arrows_against_their_gradients(scene)) == len(scene.arrows_shown) > 0


def readouts_that_disagree(scene) -> list[str]:
    """Moments where the read-outs beside "Step n" are not step n's: its loss, its p(Paris)
    and, in section 4, the bars' percentages, all read from the lesson directly."""
    lesson, target = scene.lesson, scene.lesson.target_index
    wrong = []
    for moment, screen in enumerate(scene.layout_audit.screens):
        steps = [t for t in screen if re.fullmatch(r"Step \d+", t)]
        if len(steps) > 1:
            wrong.append(f"moment {moment}: two step counters {steps}")
        if len(steps) != 1:
            continue
        step = lesson.trace[int(steps[0].split()[1])]
        expected = {"Loss ": f"Loss {fmt.loss_value(step.loss)}"}
        if isinstance(scene, Loop):
            expected["Paris "] = f"Paris {fmt.percent(step.probabilities[target])}"
            labels = [t for t in screen if re.fullmatch(r"\d+\.\d%", t)]
            if labels and labels != [fmt.percent(p) for p in step.probabilities]:
                wrong.append(f"moment {moment}: {steps[0]} beside percentages {labels}")
            shares = scene.layout_audit.bar_shares[moment]
            if (
                labels
                and shares
                and any(
                    abs(share - float(label[:-1]) / 100) > 0.0005 + 0.001
                    for share, label in zip(shares, labels, strict=True)
                )
            ):
                wrong.append(f"moment {moment}: bars {shares} beside percentages {labels}")
        for prefix, reading in expected.items():
            shown = [t for t in screen if t.startswith(prefix)]
            if shown != [reading]:
                wrong.append(f"moment {moment}: {steps[0]} beside {shown}, not {reading!r}")
    return wrong


@pytest.mark.parametrize("scene_class", (Loop, Generalization))
@pytest.mark.parametrize("seed", SEEDS)
def test_each_step_counter_stands_beside_its_own_steps_numbers(scene_class, seed):
    scene = rendered(scene_class, seed)
    assert sum(any(t.startswith("Step ") for t in s) for s in scene.layout_audit.screens) > 50
    assert readouts_that_disagree(scene) == []


class LoopShowingTheNextStepsLoss(Loop):
    """A read-out that shows the wrong quantity: step n+1's loss beside "Step n"."""

    def construct(self) -> None:
        self.set_up_the_network()
        self.train_step(0, full=True)
        self.train_step(1, full=True)

    def readout_for(self, n: int):
        readout = super().readout_for(n)
        readout.submobjects[1] = super().readout_for(n + 1)[1].move_to(readout[1])
        return readout


class LoopWhoseBarsCatchUpLate(Loop):
    """Bars that grow to step n only after its numbers turned over."""

    def construct(self) -> None:
        self.set_up_the_network()
        self.train_step(0, full=True)
        self.train_step(1, full=True)

    def run_forward(self, n: int, run_time: float) -> None:
        catch_up = len(self.readout) > 0
        if catch_up:
            self.bars.set_to = lambda probabilities: None
        super().run_forward(n, run_time)
        if catch_up:
            del self.bars.set_to
            self.play(*self.bars.grow_to(self.lesson.trace[n].probabilities), run_time=1.0)


def test_bars_that_disagree_with_their_percentages_are_caught(tmp_path):
    scene = render_tiny(LoopWhoseBarsCatchUpLate, 0, media=tmp_path)
    assert any("bars" in problem for problem in readouts_that_disagree(scene))


def test_a_read_out_showing_another_steps_loss_is_caught(tmp_path):
    scene = render_tiny(LoopShowingTheNextStepsLoss, 0, media=tmp_path)
    assert readouts_that_disagree(scene)


def sweep_readings_that_disagree(scene) -> list[str]:
    """Moments where w, loss and slope on screen are not one sample of the engine's curve."""
    wiggle = scene.lesson.wiggle
    samples = {
        (f"w = {w_text(w)}", f"loss = {fmt.loss_value(loss)}", f"slope = {slope_text(slope)}")
        for w, loss, slope in zip(wiggle.ws, wiggle.losses, wiggle.slopes, strict=True)
    }
    wrong = []
    for moment, screen in enumerate(scene.layout_audit.screens):
        shown = [[t for t in screen if t.startswith(p)] for p in ("w = ", "loss = ", "slope = ")]
        if not any(shown):
            continue
        if any(len(readings) != 1 for readings in shown):
            wrong.append(f"moment {moment}: {shown}")
        elif tuple(readings[0] for readings in shown) not in samples:
            wrong.append(f"moment {moment}: {shown} is no sample of the curve")
    return wrong


@pytest.mark.parametrize("seed", SEEDS)
def test_wiggle_read_outs_show_one_sample_of_the_curve_at_every_moment(seed):
    scene = rendered(Wiggle, seed)
    assert sum(any(t.startswith("w = ") for t in s) for s in scene.layout_audit.screens) > 50
    assert sweep_readings_that_disagree(scene) == []


class WiggleWhoseLossFollowsTheSlope(WiggleWhoseLossFollowsTheSlopes):
    """A read-out labelled "loss" that shows the slope's samples, up to the sweeps."""

    def construct(self) -> None:
        self.single_out_one_weight()
        self.draw_the_loss_curve()
        self.show_the_slope()
        self.wiggle_left_and_right()


def test_a_loss_read_out_showing_the_slope_is_caught(tmp_path):
    scene = render_tiny(WiggleWhoseLossFollowsTheSlope, 0, media=tmp_path)
    assert sweep_readings_that_disagree(scene)


@pytest.mark.parametrize("seed", SEEDS)
def test_plot_points_sit_at_each_steps_paris_probability(seed):
    scene = rendered(Loop, seed)
    points = [drawn for drawn in scene.record.drawn if drawn.kind == "plot point"]
    assert len(points) == len(scene.lesson.trace)
    for drawn in points:
        assert drawn.value == pytest.approx(float(drawn.source.value_in(scene.lesson)), abs=1e-9)


class ForwardPassWithATypedNumber(ForwardPass):
    """A scene that cheats: it types a probability in by hand."""

    @beat
    def explain_random_guess(self) -> None:
        self.play(FadeIn(text("Paris: 42.0%")))


def test_a_number_typed_into_a_scene_is_caught(tmp_path):
    scene = render_tiny(ForwardPassWithATypedNumber, 0, media=tmp_path)
    assert unrecorded(scene) == {"Paris: 42.0%"}


@pytest.mark.parametrize("seed", SEEDS)
def test_landscape_readout_tracks_the_real_loss_at_every_step(seed):
    scene = rendered(Generalization, seed)
    for step in scene.lesson.trace:
        assert f"Step {step.index}" in scene.record.seen_on_screen
        assert f"Loss {fmt.loss_value(step.loss)}" in scene.record.seen_on_screen


# ---- the network's size comes from the settings, not from the scenes ----------------------
WIDER = Settings(hidden_size=6)


@pytest.mark.parametrize("scene_class", [ForwardPass, Loop], ids=lambda c: c.__name__)
def test_sections_drawing_the_network_tell_the_truth_with_six_mixers(scene_class, tmp_path):
    scene = render_tiny(scene_class, 0, media=tmp_path, settings=WIDER)
    assert scene.lesson.trace[0].params["W1"].shape == (6, 3)
    assert len(scene.diagram.hidden_nodes) == 6
    assert len(scene.diagram.all_lines) == 6 * 3 + 5 * 6
    numbers = engine_numbers(scene)
    assert len(numbers) >= 10
    for shown in numbers:
        assert_number_is_the_engines(scene, shown)
    assert unrecorded(scene) == set()
    assert scene.frame_audit.checked >= 100 and scene.frame_audit.mismatches == []
    assert [str(problem) for problem in scene.layout_audit.problems[:10]] == []


@pytest.mark.parametrize("seed", SEEDS)
def test_every_worksheet_answer_is_on_the_seeds_screen(seed):
    """Each answer of the seed's worksheet is written in its section exactly as the key
    writes it, from the same place in the lesson (numbers), or shown in words there."""
    from mechanics.worksheet import answers

    by_section = dict(zip((section.number for section in SECTIONS), SCENES, strict=True))
    for answer in answers(rendered(SCENES[0], seed).lesson):
        scene = rendered(by_section[answer.section], seed)
        if isinstance(answer.value, str) and answer.source == "wiggle.index":
            assert any(answer.shown in shown.text for shown in scene.record.shown), answer
        elif isinstance(answer.value, str):
            assert f'"{answer.shown}"' in srt_of(scene), answer  # the word, spoken and captioned
        else:
            assert any(
                str(shown.source) == answer.source and shown.written == answer.shown
                for shown in scene.record.shown
            ), answer


# ---- section 4: the lines that glow as a step is taken, the loss's flash -------------------
def glowing_lines_not_the_most_changed(scene) -> list[str]:
    """Each step's glowing lines against the weights the lesson's update changes most,
    ranked here from the lesson's numbers."""
    wrong = []
    for n, shown in scene.shifts_shown:
        update = scene.lesson.trace[n].update
        ranked = sorted(
            (
                (abs(float(update[name][i])), name, i)
                for name in WEIGHT_NAMES
                for i in np.ndindex(update[name].shape)
            ),
            reverse=True,
        )
        expected = {(name, tuple(i)) for _, name, i in ranked[: len(shown)]}
        if {(name, tuple(i)) for name, i in shown} != expected or not shown:
            wrong.append(f"step {n}: glowing {shown}, most changed {sorted(expected)}")
    return wrong


@pytest.mark.parametrize("seed", SEEDS)
def test_the_lines_that_glow_as_a_step_is_taken_changed_most(seed):
    scene = rendered(Loop, seed)
    assert [n for n, _ in scene.shifts_shown] == list(range(len(scene.lesson.trace) - 1))
    assert glowing_lines_not_the_most_changed(scene) == []


def flashes_too_short_or_tight(scene) -> list[str]:
    """Every loss flash is on screen at least half a second (from its box's fade-in to the
    end of its fade-out), its box clear of the swollen digits by 0.08 units on every side."""
    wrong = []
    for k, flash in enumerate(scene.loss_flashes):
        seen = flash["gone"] - flash["shown"]
        if seen < 0.5 - 1e-9:
            wrong.append(f"flash {k}: shown {seen:.2f} s")
        box, digits = flash["box"], flash["digits"]
        room = min(
            digits.get_left()[0] - box.get_left()[0],
            box.get_right()[0] - digits.get_right()[0],
            digits.get_bottom()[1] - box.get_bottom()[1],
            box.get_top()[1] - digits.get_top()[1],
        )
        if room < 0.08:
            wrong.append(f"flash {k}: box {room:.2f} from the digits")
    return wrong


@pytest.mark.parametrize("seed", SEEDS)
def test_the_loss_flash_stays_long_enough_and_clears_the_digits(seed):
    scene = rendered(Loop, seed)
    assert len(scene.loss_flashes) == len(scene.lesson.trace) - 1  # one for each step taken
    assert flashes_too_short_or_tight(scene) == []


class LoopWithTheOldGlowAndFlash(Loop):
    """The least-changed lines glow, and the loss's box hugs the unswollen digits and goes
    at once (as the old Circumscribe did)."""

    def construct(self) -> None:
        self.set_up_the_network()
        self.diagram.most_changed = lambda changes, count: sorted(
            ((name, i) for name in WEIGHT_NAMES for i in self.diagram.lines[name]),
            key=lambda key: abs(float(changes[key[0]][key[1]])),
        )[:count]
        self.train_step(0, full=True)

    def flash_loss(self, run_time: float) -> None:
        super().flash_loss(run_time)
        self.loss_flashes[-1]["box"].surround(self.readout[1], buff=0.02)

    def clear_loss_box(self) -> list:
        fade = super().clear_loss_box()
        self.loss_flashes[-1]["gone"] = self.loss_flashes[-1]["shown"] + 0.1
        return fade


def test_a_wrong_glow_and_a_twitching_tight_flash_are_caught(tmp_path):
    scene = render_tiny(LoopWithTheOldGlowAndFlash, 0, media=tmp_path)
    assert len(glowing_lines_not_the_most_changed(scene)) == 1
    wrong = flashes_too_short_or_tight(scene)
    assert any("shown 0.10 s" in w for w in wrong) and any("from the digits" in w for w in wrong)


# ---- the film and the page beside it ---------------------------------------------------------
FILM_ONLY = {  # numbers the film says that the page has no place for, and why
    "slope": "section 5's floor: how steep the path is at its start and end",
    "landscape.beyond": "section 5's floor past the path's end",
}


@pytest.mark.parametrize("seed", SEEDS)
def test_the_page_beside_the_film_shows_the_films_numbers(seed):
    """explore.html shows the same numbers as the film for the same seed: every number a
    scene wrote from the engine is among the page's, as written (the page's own tests
    check its numbers against the engine at every position)."""
    from mechanics.formatting import numbers_in
    from publishing.explore import machine

    def strings(value) -> list[str]:
        if isinstance(value, str):
            return [value]
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            return [text for item in value for text in strings(item)]
        return []

    def numbers(text: str) -> set[str]:
        """As the page writes them: a formula's "-" is a minus sign there, "\\%" a "%"."""
        text = text.replace("\\%", "%")
        return {number.replace("-", "\N{MINUS SIGN}") for number in numbers_in(text)}

    lesson = rendered(SCENES[0], seed).lesson
    on_the_page = {number for text in strings(machine(lesson, {})) for number in numbers(text)}
    missing = {
        (scene_class.__name__, str(shown.source), shown.written)
        for scene_class in SCENES
        for shown in rendered(scene_class, seed).record.shown
        if shown.source is not LAYOUT
        and not any(place in str(shown.source) for place in FILM_ONLY)
        and not numbers(shown.written) <= on_the_page
    }
    assert sorted(missing) == [], "\n".join(map(str, sorted(missing)))
