"""Section 3, The "Wiggle" (Gradient): one real weight swept, its loss curve, and the slope.

The weight is found on a labelled inset of the network (its token, its mixer), nudged up a
little (the loss goes up or down with it: the slope's sign), then walked downhill to the
valley in steps, each held long enough to read the read-outs.

python render.py --seed 7 --quality preview --sections wiggle
"""

from __future__ import annotations

import math

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    AnimationGroup,
    Circle,
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
)

from mechanics import formatting as fmt
from scenes import style
from scenes.chart import Chart
from scenes.diagram import NetworkDiagram
from scenes.lesson_scene import LessonScene, beat
from scenes.record import LiveText
from scenes.updating import redrawn, when_changed

TANGENT_HALF_WIDTH = 0.55  # in units of w: how far the tangent reaches either side
# The walk along the curve: w moves in steps, each held long enough to read the three
# read-outs (a reading changing every frame cannot be read).
READING_HOLD = 0.8  # seconds, at least, that each reading (w, loss, slope) stays on screen
NUDGE_SHARE = 0.06  # the nudge up: this share of the swept range, in two steps
NUDGE_STEPS = 2
STEP_W = 0.3  # the walk to the valley takes steps of about this much w
FEWEST_STEPS, MOST_STEPS = 4, 12
# The inset: the network drawn small, every node labelled, the chosen line picked out.
INSET = {"column_gap": 1.55, "node_radius": 0.19, "gaps": (0.8, 0.6, 0.46), "tallest": 2.0}
INSET_LEFT = -style.SAFE_RIGHT + 0.08  # the inset's token labels start here
INTRO_SCALE = 1.6  # the inset's size while it is the only picture, before the chart comes
CHOSEN_WIDTH = 5.0  # the chosen line is never drawn thinner than this
CHOSEN_WIDER = 3.0  # and is drawn this much wider than its weight would be: in the small
# inset it is the one line to watch, still thicker as |w| grows, like a volume slider
MIXER_NUMBER_SIZE = 20
CHART_WIDTH, CHART_HEIGHT = 6.6, 4.7


def chosen_look(w: float, largest: float) -> dict:
    """The chosen line's stroke for a value of w: its sign's colour (the legend's), at full
    strength, wider than the other lines draw their weights."""
    width = max(style.stroke_width_for(w, largest) + CHOSEN_WIDER, CHOSEN_WIDTH)
    return {"color": style.colour_for(w), "width": width, "opacity": 1.0}


w_text = fmt.signed  # the wiggle's read-outs, as the page explore.html writes them too
slope_text = fmt.slope


def at_once(t: float) -> float:
    """A rate function that jumps to the end on the play's first moving frame: a step."""
    return 1.0 if t > 0 else 0.0


def walk(first: int, last: int, steps: int) -> list[int]:
    """`steps` sample indices evenly spaced from just after `first` to exactly `last`."""
    return [int(round(index)) for index in np.linspace(first, last, steps + 1)[1:]]


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
        row, col = wiggle.index
        self.inset = inset = NetworkDiagram(
            self.lesson, self.lesson.trace[0].params, labels=False, **INSET
        )
        # Each input is labelled with its token, each mixer with its number (as the
        # caption counts them), so "from 'The' to mixer 2" can be found on the drawing.
        self.token_labels = VGroup(
            *[
                self.record.layout_text(token, size=style.VALUE_SIZE, colour=style.INK).next_to(
                    node, LEFT, buff=0.12
                )
                for token, node in zip(self.lesson.tokens, inset.input_nodes, strict=True)
            ]
        )
        self.mixer_numbers = VGroup(
            *[
                self.record.layout_text(
                    self.mixer_number(j), size=MIXER_NUMBER_SIZE, colour=style.MUTED
                )
                .move_to(node)
                .set_z_index(2)  # above its node, which picking the weight out redraws
                for j, node in enumerate(inset.hidden_nodes)
            ]
        )
        self.mixers_label = self.record.layout_text(
            "mixers", size=style.VALUE_SIZE, colour=style.MUTED
        ).next_to(inset.hidden_nodes, UP, buff=0.12)
        self.labelled_inset = VGroup(
            inset, self.token_labels, self.mixer_numbers, self.mixers_label
        )
        self.labelled_inset.next_to([INSET_LEFT, style.PICTURE_TOP, 0.0], DOWN + RIGHT, buff=0.0)
        words = f"w: {fmt.connection(self.lesson.tokens[col], row)}"
        caption = self.record.layout_text(words, size=style.VALUE_SIZE, colour=style.MUTED)
        caption.next_to(self.labelled_inset, DOWN, buff=0.25).align_to(self.labelled_inset, LEFT)
        # While the voice introduces the weight, the inset is the picture: large, in the
        # middle. It moves to its corner when the chart comes (`draw_the_loss_curve`).
        self.inset_group = VGroup(self.labelled_inset, caption)
        self.inset_home = self.inset_group.get_center()
        self.centre_picture(self.inset_group.scale(INTRO_SCALE))
        self.feature(self.inset_group)
        with self.narration("To fix a high loss, we have to blame specific ^connections.") as line:
            self.play(FadeIn(self.labelled_inset), run_time=1.0)
            line.wait_for("connections")
            self.play(inset.pulse_lines(list(inset.all_lines), run_time=1.2))
        with self.narration("Take one of them, a ^single weight w of the ^real network.") as line:
            line.wait_for("single")
            self.play(self.pick_out_the_weight(), run_time=1.0)
            line.wait_for("real")
            self.play(FadeIn(caption))
            self.weight_caption = caption

    def pick_out_the_weight(self) -> AnimationGroup:
        """The chosen line in the spotlight (its sign's colour, as the legend says, wider
        and at full strength, every other line faded back), and its token, mixer and two
        nodes lit up in the highlight colour, so the caption's words can be found on it."""
        wiggle, inset = self.lesson.wiggle, self.inset
        row, col = wiggle.index
        chosen = inset.weight_line(wiggle.name, wiggle.index)
        return AnimationGroup(
            *inset.spotlight([(wiggle.name, wiggle.index)], self.lesson.trace[0].params),
            chosen.animate.set_stroke(**chosen_look(wiggle.start, inset.largest)),
            self.token_labels[col].animate.set_color(style.HIGHLIGHT),
            self.mixer_numbers[row].animate.set_color(style.HIGHLIGHT),
            inset.input_nodes[col].animate.set_stroke(style.HIGHLIGHT, 3),
            inset.hidden_nodes[row].animate.set_stroke(style.HIGHLIGHT, 3),
        )

    @staticmethod
    def mixer_number(j: int) -> str:
        """Mixer j's label on the inset: counted from 1, as the caption counts them."""
        return f"{j + 1}"

    def loss_ticks(self) -> list[tuple[float, object]]:
        """Each tick of the loss axis: the loss where it sits, and the engine's value
        (a Ref) its label writes: the same number."""
        ticks = self.lesson.wiggle.loss_ticks
        return [(float(value), self.src.wiggle.loss_ticks[k]) for k, value in enumerate(ticks)]

    @beat
    def draw_the_loss_curve(self) -> None:
        wiggle = self.lesson.wiggle
        low, high = float(wiggle.ws[0]), float(wiggle.ws[-1])
        ticks, places = wiggle.loss_ticks, wiggle.loss_tick_decimals
        x_ticks = [
            (value, fmt.plain(value, 0)) for value in range(math.ceil(low), math.floor(high) + 1)
        ]
        # The loss axis runs from the first tick to the last, the curve's lowest and
        # highest loss rounded outward: its numbers show how deep the valley really is.
        # Each loss tick's label writes the engine's tick value, recorded with its source
        # (the chart labels its x ticks first, then its y ticks, in order).
        loss_ticks = self.loss_ticks()
        made: list[str] = []

        def tick_label(label: str, **kwargs):
            made.append(label)
            if len(made) <= len(x_ticks):
                return self.record.layout_text(label, **kwargs)
            _, ref = loss_ticks[len(made) - len(x_ticks) - 1]
            return self.record.number(ref, lambda value: fmt.plain(value, places), **kwargs)

        self.axes = Chart(
            (low, high),
            (float(ticks[0]), float(ticks[-1])),
            width=CHART_WIDTH,
            height=CHART_HEIGHT,
            x_ticks=x_ticks,
            y_ticks=[(value, fmt.plain(value, places)) for value, _ in loss_ticks],
            tick_label=tick_label,
        )
        axes = self.axes
        labels = axes.axis_labels(("w, the weight", style.HIGHLIGHT), ("loss", style.LOSS))
        picture = VGroup(axes, labels)
        self.centre_picture(picture)
        picture.shift((style.FRAME_RIGHT - axes.x_axis.get_right()[0]) * RIGHT)
        self.curve = axes.curve(wiggle.ws, wiggle.losses, style.LOSS)
        self.feature(VGroup(axes, self.curve))
        with self.narration(
            "Wiggle w, hold every other weight still, and ^watch the loss."
        ) as line:
            self.play(
                self.inset_group.animate.scale(1 / INTRO_SCALE).move_to(self.inset_home),
                run_time=0.8,
            )
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
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.16)
        self.readouts.next_to(self.weight_caption, DOWN, buff=0.25, aligned_edge=LEFT)
        self.hint = LiveText(
            lambda: direction_hint(slope_now())[0],
            colour=lambda: direction_hint(slope_now())[1],
            size=style.VALUE_SIZE,
        ).next_to(self.readouts, DOWN, buff=0.2, aligned_edge=LEFT)
        # The inset's line follows w: thicker as |w| grows, like a volume slider, in its
        # sign's colour (the legend's), as `chosen_look` draws it.
        line = self.inset.weight_line(wiggle.name, wiggle.index)
        largest = self.inset.largest
        follow_w = when_changed(lambda m: m.set_stroke(**chosen_look(w_now(), largest)), w_now)
        line.add_updater(follow_w)
        with self.narration(
            "The dot is the network as it is ^now. The ^ghost dot shows the ^slope here."
        ) as line:
            self.play(FadeIn(VGroup(drop, dot)), FadeIn(self.readouts), run_time=0.8)
            line.wait_for("now")
            self.play(
                Flash(dot.get_center(), color=style.HIGHLIGHT, flash_radius=0.3), run_time=0.8
            )
            line.wait_for("ghost")
            self.play(Create(tangent), FadeIn(ghost), run_time=0.8)
            line.wait_for("slope")
            self.point_out(self.readouts[2], style.HIGHLIGHT, run_time=0.9)
            self.measure_tangent()
            self.key_frames.save("slope_at_start")

    def step_through(self, indices: list[int], hold: float) -> None:
        """Move w to each sample in turn, in one step each, and hold it there `hold`
        seconds: the dot, its tangent and the read-outs turn over together, and each
        reading stays long enough to be read."""
        # In whole frames: a play lasts a whole number of them, and a walk of steps each a
        # fraction of a frame too long would reach the valley after the voice names it.
        fps = self.camera.frame_rate
        frames = max(math.floor(hold * fps + 1e-6), math.ceil(READING_HOLD * fps - 1e-6))
        for index in indices:
            self.play(
                self.tracker.animate.set_value(index), run_time=frames / fps, rate_func=at_once
            )
            self.measure_tangent()

    def measure_tangent(self) -> None:
        """Record the slope of the tangent as drawn, read back from its two ends."""
        (w1, loss1), (w2, loss2) = (self.axes.p2c(p) for p in self.tangent.get_start_and_end())
        index = int(round(self.tracker.get_value()))
        slope = (loss2 - loss1) / (w2 - w1)
        self.record.drew("tangent slope", slope, self.src.wiggle.slopes[index])

    @beat
    def wiggle_left_and_right(self) -> None:
        """A small nudge up, as the voice says: whether the loss goes up or down with it
        is the slope's sign, seen against a ring left where w started."""
        wiggle, axes = self.lesson.wiggle, self.axes
        start, samples = wiggle.start_index, len(wiggle.ws)
        span = float(wiggle.ws[-1] - wiggle.ws[0])
        nudged = min(
            int(np.searchsorted(wiggle.ws, wiggle.start + NUDGE_SHARE * span)), samples - 1
        )
        self.start_ring = Circle(radius=0.13).set_stroke(style.MUTED, 2, opacity=0.8)
        self.start_ring.move_to(axes.c2p(float(wiggle.ws[start]), float(wiggle.losses[start])))
        with self.narration(
            "Wiggle it: if w goes ^up a little, does the loss go up or down?"
        ) as line:
            self.play(FadeIn(self.start_ring), run_time=0.5)
            line.wait_for("up")
            self.step_through(walk(start, nudged, NUDGE_STEPS), READING_HOLD + 0.2)
            self.key_frames.save("nudged_up")
        with self.narration("The ^sign of the slope says which way is ^down.") as line:
            line.wait_for("sign")
            self.point_out(self.readouts[2], style.HIGHLIGHT, run_time=0.9)
            line.wait_for("down")  # the answer comes after the question, not with it
            self.play(FadeIn(self.hint), run_time=0.5)
            self.point_out(self.hint, style.HIGHLIGHT, run_time=0.9)
            self.key_frames.save("slope_sign")

    @beat
    def settle_in_the_valley(self) -> None:
        """One slow walk downhill to the valley, a step at a time, arriving as the voice
        names the valley."""
        wiggle, axes = self.lesson.wiggle, self.axes
        here = int(round(self.tracker.get_value()))
        distance = abs(float(wiggle.ws[wiggle.valley_index] - wiggle.ws[here]))
        with self.narration(
            "Follow it downhill, one step at a time, to the sweet spot: "
            "the ^valley, where it is ^flat."
        ) as line:
            left = line.start + line.time_of("valley") - self.renderer.time - 0.2
            steps = min(
                max(round(distance / STEP_W), FEWEST_STEPS),
                MOST_STEPS,
                max(int(left // READING_HOLD), 1),
            )
            self.step_through(walk(here, wiggle.valley_index, steps), left / steps)
            valley = axes.c2p(float(wiggle.ws[wiggle.valley_index]), wiggle.valley_loss)
            line.wait_for("valley")
            self.play(Flash(valley, color=style.TARGET, flash_radius=0.35), run_time=0.9)
            line.wait_for("flat")
            self.point_out(self.hint, style.TARGET, run_time=0.9)
            self.key_frames.save("valley")

    @beat
    def link_to_the_gradient(self) -> None:
        inset = self.inset
        params = self.lesson.trace[0].params
        chosen = inset.weight_line(self.lesson.wiggle.name, self.lesson.wiggle.index)
        with self.narration(
            "That ^slope is the gradient. Next, backpropagation finds it for ^every weight at once."
        ) as line:
            line.wait_for("slope")
            self.point_out(self.readouts[2], style.HIGHLIGHT, run_time=1.0)
            line.wait_for("every")
            # Every weight: the dimmed lines come back as the pulse runs along them all.
            self.play(
                inset.pulse_lines(list(inset.all_lines), run_time=1.5),
                *[
                    line.animate.set_stroke(
                        opacity=inset.line_style(params[name][index])["opacity"]
                    )
                    for name, lines in inset.lines.items()
                    for index, line in lines.items()
                    if line is not chosen
                ],
            )
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
