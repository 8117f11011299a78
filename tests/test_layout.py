"""Every section's layout, checked from mobject geometry at every frame and at the end of
every play (see tests/layout_audit.py): nothing off the frame or in the caption band, no
two texts on top of each other, every text large enough for a hall, and each beat's main
picture filling most of the frame."""

from __future__ import annotations

import pytest
from manim import DEGREES, RIGHT, FadeIn, FadeOut

from scenes import style
from scenes.forward_pass import ForwardPass
from scenes.generalization import Generalization
from scenes.lesson_scene import beat
from scenes.loop import Loop
from scenes.loss import Loss
from scenes.style import text
from scenes.wiggle import Wiggle

from .planted import painted_yellow
from .scene_rendering import SCENES, SEEDS, render_tiny, rendered


@pytest.mark.parametrize("scene_class", SCENES)
@pytest.mark.parametrize("seed", SEEDS)
def test_layout_holds_at_every_frame(scene_class, seed):
    audit = rendered(scene_class, seed).layout_audit
    assert audit.moments >= 100 and audit.play_ends >= 20
    assert audit.main_pictures >= audit.play_ends // 2  # all but the title card and intros
    assert [str(problem) for problem in audit.problems[:10]] == []


def problems(scene_class, tmp_path) -> list[str]:
    return [
        problem.what
        for problem in render_tiny(scene_class, 0, media=tmp_path).layout_audit.problems
    ]


class ForwardPassWithAYellowHighlight(ForwardPass):
    """The lines into a mixer are picked out in the highlight colour, as they once were: a
    negative weight then looks like a positive one."""

    def spotlight_incoming(self, name: str, row: int) -> list:
        return [painted_yellow(self.diagram, name, index) for index in self.incoming(name, row)]

    def construct(self) -> None:
        self.show_inputs_and_target()
        self.show_network()
        self.flow_to_mixers()
        self.show_mixer_math()


def test_a_line_drawn_in_a_colour_the_legend_does_not_give_is_caught(tmp_path):
    found = problems(ForwardPassWithAYellowHighlight, tmp_path)
    assert any("not a colour of the legend" in p for p in found), found


class LoopThatLeavesItsOldReadout(Loop):
    """Step 1's read-out is added over step 0's instead of in its place."""

    def construct(self) -> None:
        self.set_up_the_network()
        self.train_step(0, full=True)
        stale = self.readout
        self.train_step(1, full=True)
        self.add(stale)
        self.wait(0.2)


def test_a_read_out_left_under_the_next_is_caught(tmp_path):
    found = problems(LoopThatLeavesItsOldReadout, tmp_path)
    assert any("'Step 0' overlaps" in p or "overlaps Text 'Step 0'" in p for p in found), found


class WiggleWithTinyReadouts(Wiggle):
    def construct(self) -> None:
        self.single_out_one_weight()
        self.draw_the_loss_curve()
        self.show_the_slope()
        self.play(self.readouts.animate.scale(0.4))


def test_a_read_out_too_small_for_a_hall_is_caught(tmp_path):
    found = problems(WiggleWithTinyReadouts, tmp_path)
    assert any("'w = " in p and "too small" in p for p in found), found


class LossWithASmallChart(Loss):
    def construct(self) -> None:
        self.draw_curve()
        self.play(self.featured.animate.scale(0.6))


def test_a_main_picture_that_does_not_fill_the_frame_is_caught(tmp_path):
    found = problems(LossWithASmallChart, tmp_path)
    assert any(p.startswith("main picture") for p in found), found


class LossWithAReadoutOffTheEdge(Loss):
    @beat
    def close_on_hating_wrong(self) -> None:
        self.play(self.readout.animate.shift(2.0 * RIGHT))
        self.play(FadeIn(text("1", size=style.VALUE_SIZE).move_to([0, -3.0, 0])))

    def construct(self) -> None:
        self.draw_curve()
        self.close_on_hating_wrong()


def test_a_read_out_off_the_frame_and_a_text_in_the_caption_band_are_caught(tmp_path):
    found = problems(LossWithAReadoutOffTheEdge, tmp_path)
    assert any("leaves the action-safe area" in p for p in found), found
    assert any("enters the caption band" in p for p in found), found


class GeneralizationZoomedAsBefore(Generalization):
    """Section 5's last camera move as it was: zoomed in on the path's end."""

    def construct(self) -> None:
        self.show_the_landscape()
        self.move_camera(
            phi=52 * DEGREES,
            theta=-70 * DEGREES,
            zoom=1.15,
            frame_center=self.path_point(len(self.lesson.trace) - 1),
            run_time=1.0,
        )


def test_a_surface_running_off_the_frame_in_3d_is_caught(tmp_path):
    found = problems(GeneralizationZoomedAsBefore, tmp_path)
    assert any("leaves the action-safe area" in p for p in found), found


class LossWithACrossFade(Loss):
    """Two texts in one place, one fading out as the other fades in."""

    def construct(self) -> None:
        self.draw_curve()
        old = self.record.layout_text("1", size=style.READOUT_SIZE).move_to([4.0, 0.0, 0.0])
        new = self.record.layout_text("2", size=style.READOUT_SIZE).move_to(old)
        self.add(old)
        self.play(FadeOut(old), FadeIn(new), run_time=1.0)


def test_a_cross_fade_of_two_texts_in_one_place_is_caught(tmp_path):
    found = problems(LossWithACrossFade, tmp_path)
    assert any("Text '1' overlaps Text '2'" in p for p in found), found


class LoopWithArrowsAtTheMiddles(Loop):
    """Step 0's arrows each at its line's middle: lines whose ends' heights add up alike
    (mixer 1 to output 3, mixer 2 to output 2) cross at their middles, and so do their
    arrows."""

    def construct(self) -> None:
        self.set_up_the_network()
        self.run_forward(0, run_time=0.4)
        arrows = self.diagram.update_arrows(self.lesson.trace[0].update, self.arrow_scale)
        for (name, index), arrow in arrows.items():
            arrow.move_to(self.diagram.weight_line(name, index).get_center())
        self.play(*[FadeIn(arrow) for arrow in arrows.values()], run_time=0.4)


def test_overlapping_update_arrows_are_caught(tmp_path):
    found = problems(LoopWithArrowsAtTheMiddles, tmp_path)
    assert any(p.startswith("update arrow at") and "overlaps" in p for p in found), found
