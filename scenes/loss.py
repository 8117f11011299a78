"""Section 2, The Scorecard (Loss): L = -log(p), and where the network's guess lands on it.

python render.py --seed 7 --quality preview --sections loss
"""

from __future__ import annotations

import numpy as np
from manim import (
    RIGHT,
    UP,
    Arrow,
    Circumscribe,
    Create,
    DashedLine,
    DecimalNumber,
    Dot,
    FadeIn,
    FadeOut,
    Flash,
    Line,
    RoundedRectangle,
    ValueTracker,
    VGroup,
    Write,
    linear,
    smooth,
)

from mechanics import formatting as fmt
from scenes import style
from scenes.chart import Chart
from scenes.lesson_scene import LessonScene, beat
from scenes.style import SansMath, math, text
from scenes.updating import redrawn, when_changed

p_text = fmt.confidence  # the scorecard's p and loss, as the page explore.html writes them too
loss_text = fmt.scorecard_loss
P_DECIMALS = fmt.CONFIDENCE_DECIMALS  # the live read-out's digits, the same places
LOSS_DECIMALS = fmt.SCORECARD_LOSS_DECIMALS


class Loss(LessonScene):
    def construct(self) -> None:
        self.show_title()
        self.show_formula()
        self.draw_curve()
        self.slide_through_round_values()
        self.show_the_blow_up()
        self.stop_at_the_network()
        self.close_on_hating_wrong()

    # Beats --------------------------------------------------------------------------------
    @beat
    def show_formula(self) -> None:
        with self.narration(
            "The network guessed wrong. But ^how wrong? The ^loss puts a number on it."
        ) as line:
            self.formula_big = math(r"L", "=", r"-\log(", "p", ")", size=96).set_color_by_tex(
                "p", style.TARGET
            )
            line.wait_for("how")
            self.play(Write(self.formula_big), run_time=1.3)
            line.wait_for("loss")
            self.point_out(self.formula_big[0], style.LOSS, run_time=1.0, swell=False)
        with self.narration(
            '^Cross entropy, simplified: minus the ^log of p, the ^confidence in "Paris".'
        ) as line:
            line.wait_for("cross")
            self.play(Circumscribe(self.formula_big, color=style.HIGHLIGHT), run_time=1.2)
            line.wait_for("log")
            self.point_out(self.formula_big[2], style.HIGHLIGHT, run_time=1.0, swell=False)
            line.wait_for("confidence")
            self.point_out(self.formula_big[3], style.HIGHLIGHT, run_time=1.0, swell=False)
        self.formula_small = (
            math(r"L", "=", r"-\log(", "p", ")", size=54)
            .set_color_by_tex("p", style.TARGET)
            .move_to([4.1, 2.55, 0])
        )
        self.play(self.formula_big.animate.become(self.formula_small), run_time=1.0)

    @beat
    def draw_curve(self) -> None:
        card = self.lesson.scorecard
        ceiling = card.loss_ceiling
        self.axes = Chart(
            (0.0, 1.0),
            (0.0, ceiling),
            width=7.2,
            height=4.1,
            x_ticks=[(0.0, "0"), (0.5, "0.5"), (1.0, "1")],
            y_ticks=[(value, f"{value}") for value in range(int(ceiling) + 1)],
            tick_label=self.record.layout_text,
        ).move_to([-2.35, 0.25, 0])
        axes = self.axes
        labels = axes.axis_labels(("p, confidence in Paris", style.TARGET), ("loss L", style.LOSS))
        self.curve = axes.curve(card.curve_ps, card.curve_losses, style.LOSS)
        self.feature(VGroup(axes, self.curve))
        with self.narration("Plot it: the loss for every confidence p between 0 and 1."):
            self.play(Create(axes.axes), FadeIn(axes.ticks), FadeIn(labels), run_time=1.2)
            self.play(Create(self.curve), run_time=2.0, rate_func=linear)
        self.add_marker_and_readout()

    def add_marker_and_readout(self) -> None:
        """The marker on the curve, the slider under the read-out, and the live read-out."""
        card, axes = self.lesson.scorecard, self.axes
        self.tracker = ValueTracker(card.stops[0])
        p_now = self.record.follow(self.src.scorecard.ps, self.tracker, p_text)
        loss_now = self.record.follow(self.src.scorecard.losses, self.tracker, loss_text)

        def marker_point():
            return axes.c2p(p_now(), loss_now())

        dot = redrawn(
            lambda: Dot(marker_point(), radius=0.11, color=style.HIGHLIGHT).set_z_index(3),
            p_now,
            loss_now,
        )
        drop = redrawn(
            lambda: DashedLine(axes.c2p(p_now(), 0), marker_point()).set_stroke(
                style.HIGHLIGHT, 2, opacity=0.7
            ),
            p_now,
            loss_now,
        )
        across = redrawn(
            lambda: DashedLine(axes.c2p(0, loss_now()), marker_point()).set_stroke(
                style.LOSS, 2, opacity=0.7
            ),
            p_now,
            loss_now,
        )
        slider = confidence_slider(p_now).move_to([4.1, -0.55, 0])

        self.readout = live_readout(p_now, loss_now).move_to([4.1, 1.15, 0])
        self.marker = VGroup(drop, across, dot)
        self.slider = slider
        with self.narration(
            "At 1, the network is ^certain of Paris, and the loss is ^zero."
        ) as line:
            self.play(FadeIn(self.marker), FadeIn(slider), FadeIn(self.readout), run_time=0.8)
            self.key_frames.save("certain")
            line.wait_for("certain")
            self.point_out(self.readout[1], style.TARGET, run_time=0.9)
            line.wait_for("zero")
            self.point_out(self.readout[3], style.LOSS, run_time=0.9)

    def slide_to(self, stop: int, run_time: float) -> None:
        self.play(
            self.tracker.animate.set_value(self.lesson.scorecard.stops[stop]),
            run_time=run_time,
            rate_func=smooth,
        )

    @beat
    def slide_through_round_values(self) -> None:
        with self.narration("As confidence drops, the loss climbs."):
            self.slide_to(1, run_time=2.0)
            self.wait(0.4)
            self.slide_to(2, run_time=1.5)
            self.wait(0.4)
        with self.narration("At one chance in ten, the loss is already this ^high.") as line:
            self.slide_to(3, run_time=1.5)
            line.wait_for("high")
            self.point_out(self.readout, style.HIGHLIGHT, run_time=0.8)
            self.key_frames.save("one_in_ten")

    @beat
    def show_the_blow_up(self) -> None:
        axes = self.axes
        with self.narration("Towards zero confidence, the loss explodes."):
            self.slide_to(4, run_time=1.5)
            top = axes.c2p(self.lesson.scorecard.curve_ps[0], self.lesson.scorecard.loss_ceiling)
            arrow = Arrow(
                top + 0.05 * UP, top + 0.55 * UP, buff=0, color=style.LOSS, stroke_width=5
            )
            infinity = math(r"L \to \infty \text{ as } p \to 0", size=36, colour=style.LOSS)
            self.record.layout(infinity.tex_string)
            infinity.next_to(arrow, RIGHT, buff=0.2)
            self.play(Create(arrow), FadeIn(infinity), run_time=0.8)
            self.blow_up = VGroup(arrow, infinity)
            self.key_frames.save("blow_up")

    @beat
    def stop_at_the_network(self) -> None:
        with self.narration(
            "Now our ^network from section 1: it gave Paris ^{p}, so its loss is ^{loss}.",
            p=(self.src.scorecard.actual_p, fmt.percent),
            loss=(self.src.scorecard.actual_loss, loss_text),
        ) as line:
            line.wait_for("network")
            self.slide_to(5, run_time=1.3)
            tag = text("our network", size=style.VALUE_SIZE, colour=style.HIGHLIGHT)
            tag.next_to(self.marker[2], RIGHT, buff=0.2)
            self.play(
                Flash(self.marker[2].get_center(), color=style.HIGHLIGHT, flash_radius=0.35),
                FadeIn(tag),
                run_time=0.6,
            )
            self.tag = tag
            self.key_frames.save("our_network")
            line.wait_for("p")
            self.point_out(self.readout[1], style.TARGET, run_time=0.9)
            line.wait_for("loss")
            self.point_out(self.readout[3], style.LOSS, run_time=0.9)

    @beat
    def close_on_hating_wrong(self) -> None:
        with self.narration(
            "The network ^hates being wrong: the ^less it believes, the ^more it pays."
        ) as line:
            line.wait_for("hates")
            self.point_out(self.tag, style.HIGHLIGHT, run_time=0.9)
            line.wait_for("less")
            self.play(FadeOut(self.tag), run_time=0.3)
            self.slide_to(4, run_time=1.1)
            line.wait_for("more")
            self.point_out(self.readout[3], style.LOSS, run_time=1.0)


def decimal(value: float, places: int, colour: str, size: float) -> DecimalNumber:
    """A number that can change every frame, its digits in the film's math setting."""
    return DecimalNumber(
        value, num_decimal_places=places, color=colour, font_size=size, mob_class=SansMath
    )


def live_readout(p_now, loss_now) -> VGroup:
    """L = -log(p) = x, its two numbers set from the marker's sample on every frame."""
    size = style.READOUT_SIZE * 1.25
    readout = VGroup(
        math(r"L = -\log(", size=size),
        decimal(p_now(), P_DECIMALS, style.TARGET, size),
        math(r") =", size=size),
        decimal(loss_now(), LOSS_DECIMALS, style.LOSS, size),
    )

    def refresh(group: VGroup) -> None:
        centre = group.get_center()
        group[1].set_value(p_now())
        group[3].set_value(loss_now())
        group.arrange(RIGHT, buff=0.06)
        group[3].shift(0.08 * RIGHT)
        group.move_to(centre)

    refresh(readout)
    readout.add_updater(when_changed(refresh, p_now, loss_now))
    return readout


def confidence_slider(p_now) -> VGroup:
    """The page's slider, redrawn: a track from 0 to 1 with a knob at the current p."""
    width = 4.4
    track = RoundedRectangle(width=width, height=0.12, corner_radius=0.06)
    track.set_stroke(width=0).set_fill(style.FAINT, 1)
    label = text("confidence in Paris", size=style.VALUE_SIZE, colour=style.MUTED)
    label.next_to(track, UP, buff=0.25)
    group = VGroup(track, label)

    def knob() -> VGroup:
        left = track.get_left()
        x = left + RIGHT * width * float(np.clip(p_now(), 0, 1))
        filled = Line(left, x).set_stroke(style.TARGET, 8)
        return VGroup(filled, Dot(x, radius=0.13, color=style.HIGHLIGHT))

    group.add(redrawn(knob, p_now))
    return group
