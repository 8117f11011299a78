"""Section 3, The "Wiggle" (Gradient): one real weight swept, its loss curve, and the slope.

MECHANICS_SEED=7 manim render -ql scenes/wiggle.py Wiggle
"""

from __future__ import annotations

import math

from manim import (
    DOWN,
    LEFT,
    UP,
    Create,
    DashedLine,
    Dot,
    FadeIn,
    FadeOut,
    Flash,
    Line,
    ValueTracker,
    VGroup,
    linear,
    smooth,
)

from mechanics import formatting as fmt
from scenes import style
from scenes.chart import Chart
from scenes.diagram import NetworkDiagram
from scenes.lesson_scene import LessonScene, beat
from scenes.record import LiveText
from scenes.updating import redrawn, when_changed

TANGENT_HALF_WIDTH = 0.55  # in units of w: how far the tangent reaches either side
SWEEP_MARGIN = 0.03  # the sweep turns this fraction of the samples short of each end


def w_text(w: float) -> str:
    return fmt.signed(w)


def slope_text(slope: float) -> str:
    return fmt.signed(slope, 3)


class Wiggle(LessonScene):
    def construct(self) -> None:
        self.show_title()
        self.single_out_one_weight()
        self.draw_the_loss_curve()
        self.show_the_slope()
        self.wiggle_left_and_right()
        self.settle_in_the_valley()
        self.link_to_the_gradient()

    # Beats --------------------------------------------------------------------------------
    @beat
    def single_out_one_weight(self) -> None:
        wiggle = self.lesson.wiggle
        self.inset = NetworkDiagram(self.lesson, self.lesson.trace[0].params, labels=False)
        self.inset.scale(0.42).to_edge(LEFT, buff=0.9).shift(1.6 * UP)
        row, col = wiggle.index
        words = f"w: {fmt.connection(self.lesson.tokens[col], row)}"
        caption = self.record.layout_text(words, size=style.VALUE_SIZE, colour=style.MUTED)
        caption.next_to(self.inset, DOWN, buff=0.25).align_to(self.inset, LEFT)
        with self.narration("To fix a high loss, we have to blame specific ^connections.") as line:
            self.play(FadeIn(self.inset), run_time=1.0)
            line.wait_for("connections")
            self.play(self.inset.pulse_lines(list(self.inset.all_lines), run_time=1.2))
        with self.narration("Take one of them, a ^single weight w of the ^real network.") as line:
            line.wait_for("single")
            self.play(self.inset.highlight_weight(wiggle.name, wiggle.index))
            line.wait_for("real")
            self.play(FadeIn(caption))
            self.weight_caption = caption

    @beat
    def draw_the_loss_curve(self) -> None:
        wiggle = self.lesson.wiggle
        low, high = float(wiggle.ws[0]), float(wiggle.ws[-1])
        bottom, top = float(wiggle.losses.min()), float(wiggle.losses.max())
        room = 0.15 * (top - bottom)
        self.axes = Chart(
            (low, high),
            (bottom - room, top + room),
            width=7.6,
            height=4.9,
            x_ticks=[
                (value, fmt.plain(value, 0))
                for value in range(math.ceil(low), math.floor(high) + 1)
            ],
            tick_label=self.record.layout_text,
        ).move_to([3.0, 0.45, 0])
        axes = self.axes
        labels = axes.axis_labels(("w, the weight", style.HIGHLIGHT), ("loss", style.LOSS))
        self.curve = axes.curve(wiggle.ws, wiggle.losses, style.LOSS)
        self.feature(VGroup(axes, self.curve))
        with self.narration(
            "Wiggle w, hold every other weight still, and ^watch the loss."
        ) as line:
            self.play(axes.draw(), FadeIn(labels), run_time=1.0)
            line.wait_for("watch")
            self.play(Create(self.curve), run_time=2.0, rate_func=linear)

    @beat
    def show_the_slope(self) -> None:
        wiggle, axes = self.lesson.wiggle, self.axes
        self.tracker = ValueTracker(wiggle.start_index)
        w_now = self.record.follow(self.src.wiggle.ws, self.tracker, w_text)
        loss_now = self.record.follow(self.src.wiggle.losses, self.tracker, fmt.loss_value)
        slope_now = self.record.follow(self.src.wiggle.slopes, self.tracker, slope_text)

        def point():
            return axes.c2p(w_now(), loss_now())

        def tangent_end(sign: float):
            # Kept inside the chart, both in w and in loss, so the tangent and the ghost
            # dot never cross the axes or their labels.
            w0, loss0, slope = w_now(), loss_now(), slope_now()
            w = min(max(w0 + sign * TANGENT_HALF_WIDTH, axes.x_low), axes.x_high)
            if slope != 0.0:
                bounds = sorted(w0 + (y - loss0) / slope for y in (axes.y_low, axes.y_high))
                w = min(max(w, bounds[0]), bounds[1])
            return axes.c2p(w, loss0 + slope * (w - w0))

        def downhill() -> float:
            """Which side of the dot the ghost sits: downhill, or on the dot where flat."""
            if is_flat(slope_now()):
                return 0.0
            return -1.0 if slope_now() > 0 else 1.0

        # Everything here is drawn from the tracker's sample: w, its loss and its slope.
        sample = (w_now, loss_now, slope_now)
        self.tangent = tangent = redrawn(
            lambda: Line(tangent_end(-1), tangent_end(1)).set_stroke(style.INK, 3, opacity=0.8),
            *sample,
        )
        ghost = redrawn(
            lambda: Dot(tangent_end(downhill()), radius=0.1, color=style.INK).set_opacity(0.45),
            *sample,
        )
        dot = redrawn(
            lambda: Dot(point(), radius=0.12, color=style.HIGHLIGHT).set_z_index(3), *sample
        )
        drop = redrawn(
            lambda: DashedLine(axes.c2p(w_now(), axes.y_low), point()).set_stroke(
                style.HIGHLIGHT, 2, opacity=0.6
            ),
            *sample,
        )
        tracker = self.tracker
        self.readouts = VGroup(
            self.readout("w = ", self.src.wiggle.ws, tracker, w_text, colour=style.HIGHLIGHT),
            self.readout(
                "loss = ", self.src.wiggle.losses, tracker, fmt.loss_value, colour=style.LOSS
            ),
            self.readout("slope = ", self.src.wiggle.slopes, tracker, slope_text, colour=style.INK),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        self.readouts.next_to(self.weight_caption, DOWN, buff=0.35, aligned_edge=LEFT)
        self.hint = LiveText(
            lambda: direction_hint(slope_now())[0],
            colour=lambda: direction_hint(slope_now())[1],
            size=style.VALUE_SIZE,
        ).next_to(self.readouts, DOWN, buff=0.2, aligned_edge=LEFT)
        # The inset's line follows w: thicker as |w| grows, like a volume slider.
        line = self.inset.weight_line(wiggle.name, wiggle.index)
        largest = self.inset.largest
        line.add_updater(
            when_changed(
                lambda m: m.set_stroke(width=max(style.stroke_width_for(w_now(), largest), 2.5)),
                w_now,
            )
        )
        with self.narration(
            "The dot is the network as it is ^now. The ^ghost dot shows the ^slope here."
        ) as line:
            self.play(FadeIn(VGroup(drop, dot)), FadeIn(self.readouts), run_time=0.8)
            line.wait_for("now")
            self.play(
                Flash(dot.get_center(), color=style.HIGHLIGHT, flash_radius=0.3), run_time=0.8
            )
            line.wait_for("ghost")
            self.play(Create(tangent), FadeIn(ghost), FadeIn(self.hint), run_time=0.8)
            line.wait_for("slope")
            self.point_out(self.readouts[2], style.HIGHLIGHT, run_time=0.9)
            self.measure_tangent()
            self.key_frames.save("slope_at_start")

    def sweep_to(self, index: int, run_time: float) -> None:
        self.play(self.tracker.animate.set_value(index), run_time=run_time, rate_func=smooth)
        self.measure_tangent()

    def measure_tangent(self) -> None:
        """Record the slope of the tangent as drawn, read back from its two ends."""
        (w1, loss1), (w2, loss2) = (self.axes.p2c(p) for p in self.tangent.get_start_and_end())
        index = int(round(self.tracker.get_value()))
        slope = (loss2 - loss1) / (w2 - w1)
        self.record.drew("tangent slope", slope, self.src.wiggle.slopes[index])

    @beat
    def wiggle_left_and_right(self) -> None:
        samples = len(self.lesson.wiggle.ws)
        margin = int(SWEEP_MARGIN * samples)
        # w goes up first, as the voice says, then sweeps back down.
        start = self.lesson.wiggle.start_index
        with self.narration(
            "^Wiggle it: if w goes ^up a little, does the loss go up or down?"
        ) as line:
            line.wait_for("wiggle")  # a little up and back: the wiggle itself
            self.sweep_to(min(start + 2 * margin, samples - 1), run_time=0.6)
            self.sweep_to(start, run_time=0.6)
            line.wait_for("up")
            self.sweep_to(samples - 1 - margin, run_time=3.0)
            self.key_frames.save("wiggled_right")
        with self.narration(
            "Watch the slope read-out as w sweeps: its ^sign says which way is down."
        ) as line:
            self.sweep_to(margin, run_time=3.1)
            line.wait_for("sign")
            self.point_out(self.hint, style.HIGHLIGHT, run_time=0.9)
            self.key_frames.save("wiggled_left")

    @beat
    def settle_in_the_valley(self) -> None:
        wiggle, axes = self.lesson.wiggle, self.axes
        with self.narration(
            "Follow the slope downhill to the sweet spot: the ^valley, where it is ^flat."
        ) as line:
            self.sweep_to(wiggle.valley_index, run_time=3.0)
            valley = axes.c2p(float(wiggle.ws[wiggle.valley_index]), wiggle.valley_loss)
            line.wait_for("valley")
            self.play(Flash(valley, color=style.TARGET, flash_radius=0.35), run_time=0.9)
            line.wait_for("flat")
            self.point_out(self.hint, style.TARGET, run_time=0.9)
            self.key_frames.save("valley")

    @beat
    def link_to_the_gradient(self) -> None:
        with self.narration(
            "That ^slope is the gradient. Next, backpropagation finds it for ^every weight at once."
        ) as line:
            line.wait_for("slope")
            self.point_out(self.readouts[2], style.HIGHLIGHT, run_time=1.0)
            line.wait_for("every")
            self.play(self.inset.pulse_lines(list(self.inset.all_lines), run_time=1.5))
        self.play(FadeOut(self.weight_caption), run_time=0.5)


def is_flat(slope: float) -> bool:
    """A slope that the read-out writes as zero."""
    return slope_text(slope) == slope_text(0.0)


def direction_hint(slope: float) -> tuple[str, str]:
    """Which way is downhill, in words and colour: the sign of the slope as written decides,
    so the hint never contradicts the read-out (a slope that rounds to zero is flat)."""
    if is_flat(slope):
        return "slope flat:\nthe bottom of the valley", style.TARGET
    if slope < 0:
        return "slope negative:\nincrease w to go downhill", style.INCREASE
    return "slope positive:\ndecrease w to go downhill", style.DECREASE
