"""Section 4, The Loop (Optimization): forward, loss, gradient arrows, step; again and again.

python render.py --seed 7 --quality preview --sections loop
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Circumscribe,
    Create,
    Dot,
    FadeIn,
    FadeOut,
    Indicate,
    Line,
    SurroundingRectangle,
    VGroup,
    smooth,
    squish_rate_func,
)

from mechanics import formatting as fmt
from mechanics.sources import Ref, value_of
from scenes import style
from scenes.chart import Chart
from scenes.diagram import NetworkDiagram, ProbabilityBars, UpdateArrow
from scenes.lesson_scene import LessonScene, beat
from scenes.narration import SpokenLine
from scenes.style import text

LOSS_SWELL = 1.12  # how much the loss's digits swell as it flashes
SHIFTS_SHOWN = 3  # the lines that glow as a step is taken: those whose weights change most
READOUT_Y = 3.28  # the read-out's centre, level with the header
FULL_STEPS = 3  # the first steps play each beat on its own, slowly; the rest run faster
FULL_PACE = {"forward": 1.0, "flash": 0.5, "arrows": 0.7, "shift": 1.0}  # seconds a beat
QUICK_PACE = {"forward": 0.3, "flash": 0.2, "arrows": 0.25, "shift": 0.35}


class Loop(LessonScene):
    def construct(self) -> None:
        self.show_title()
        self.set_up_the_network()
        self.explain_the_step()
        self.take_the_first_step()
        self.repeat_the_step()
        self.speed_up()
        self.check_in_halfway()
        self.finish_training()
        self.show_the_trained_network()

    @property
    def halfway(self) -> int:
        """The step training waits on while its read-outs are said."""
        return (FULL_STEPS + len(self.lesson.trace) - 1) // 2

    # Beats --------------------------------------------------------------------------------
    @beat
    def set_up_the_network(self) -> None:
        lesson = self.lesson
        self.diagram = NetworkDiagram(
            lesson,
            lesson.trace[0].params,
            number=self.record.number,
            column_gap=2.9,  # room between the columns for an arrow on every line
            gaps=(2.7 / 2, 3.7 / 3, 4.3 / 4),
            tallest=4.3,
        )
        self.diagram.scale(0.88)
        self.bars = ProbabilityBars(self.diagram, length=0.8)
        self.arrow_scale = self.lesson.largest_update
        # Every update arrow drawn, as (step, layer, weight index, arrow): tests measure its
        # direction and length from the drawing itself.
        self.arrows_shown: list[tuple[int, str, tuple[int, int], UpdateArrow]] = []
        # The lines that glowed as each step was taken, as (step, [(layer, index), ...]).
        self.shifts_shown: list[tuple[int, list]] = []
        # Each flash of the loss: when its box was fully shown and began to go, the box and
        # the swollen digits it surrounds (copies), for tests.
        self.loss_flashes: list[dict] = []
        self.chart = Chart(
            (0, len(lesson.trace) - 1),
            (0.0, 1.0),
            width=1.7,
            height=2.2,
            x_ticks=[(0, "0"), (10, "10"), (20, "20")],
            y_ticks=[(0.0, "0"), (0.5, "0.5"), (1.0, "1")],
            tick_label=self.record.layout_text,
        )
        chart_title = VGroup(
            *[
                text(words, size=style.VALUE_SIZE, colour=style.TARGET)
                for words in (f"p({lesson.target})", "per step")
            ]
        ).arrange(DOWN, buff=0.1)
        chart_title.next_to(self.chart, UP, buff=0.2)
        self.chart_title = chart_title
        self.arrow_legend = arrow_legend().next_to(self.chart, DOWN, buff=0.35)
        # The picture: the network and its bars, then the chart with its key, side by side
        # and centred between the header and the captions, inside the action-safe area.
        side = VGroup(self.chart_title, self.chart, self.arrow_legend)
        network = VGroup(self.diagram, self.bars, self.bar_label_room())
        self.centre_picture(VGroup(network, side).arrange(RIGHT, buff=0.3))
        self.feature(VGroup(network, side))
        self.readout = VGroup()
        self.percent_labels = VGroup()
        self.plot = VGroup()
        with self.narration(
            "We don't wiggle one weight at a time. ^Backpropagation gives us "
            "the gradient of ^every weight at once."
        ) as line:
            self.play(FadeIn(self.diagram), FadeIn(self.bars.tracks), run_time=1.2)
            line.wait_for("backpropagation")
            self.play(self.chart.draw(), FadeIn(self.chart_title), run_time=1.0)
            line.wait_for("every")
            self.play(self.diagram.pulse_lines(list(self.diagram.all_lines), run_time=1.5))

    @beat
    def explain_the_step(self) -> None:
        with self.narration(
            "Then every weight takes a small ^step against its ^gradient, "
            "the way the ghost dot pointed ^downhill."
        ) as line:
            legend = self.arrow_legend
            self.play(self.diagram.pulse_lines(list(self.diagram.all_lines), run_time=1.2))
            line.wait_for("step")
            self.play(FadeIn(legend), run_time=0.8)
            line.wait_for("gradient")
            self.point_out(legend[0], style.HIGHLIGHT, run_time=1.0)
            line.wait_for("downhill")
            self.point_out(legend[1], style.HIGHLIGHT, run_time=1.0)

    def readout_for(self, n: int) -> VGroup:
        """Step n's counter, loss and p(Paris), for the top right."""
        target = self.lesson.target_index
        step = self.record.number(
            self.src.trace[n].index, fmt.whole, size=style.READOUT_SIZE, prefix="Step "
        )
        loss = self.record.number(
            self.src.trace[n].loss,
            fmt.loss_value,
            size=style.READOUT_SIZE,
            colour=style.LOSS,
            prefix="Loss ",
        )
        paris = self.record.number(
            self.src.trace[n].probabilities[target],
            fmt.percent,
            size=style.READOUT_SIZE,
            colour=style.TARGET,
            prefix=f"{self.lesson.target} ",
        )
        readout = VGroup(step, loss, paris).arrange(RIGHT, buff=0.5)
        # Level with the header, inside the action-safe area with room for the loss's flash.
        return readout.move_to([style.FRAME_RIGHT - readout.width / 2, READOUT_Y, 0])

    def flash_loss(self, run_time: float) -> None:
        """The loss on the read-out flashes red: how wrong the network is now. A red box
        with room around the swollen digits appears as they swell, and stays until the
        weights have shifted (`clear_loss_box`): a flash long enough to be seen even when
        training runs quickly."""
        loss = self.readout[1]
        box = SurroundingRectangle(
            loss.copy().scale(LOSS_SWELL), buff=0.12, corner_radius=0.08
        ).set_stroke(style.LOSS, 4)
        self.loss_box = box
        shown = self.renderer.time
        self.play(FadeIn(box, scale=1.1), loss.animate.scale(LOSS_SWELL), run_time=run_time)
        self.loss_flashes.append({"shown": shown, "box": box.copy(), "digits": loss.copy()})
        self.play(loss.animate.scale(1 / LOSS_SWELL).set_color(style.INK), run_time=run_time / 2)

    def clear_loss_box(self) -> list:
        """The animation that takes the loss's flash box away (none when it is gone)."""
        box, self.loss_box = getattr(self, "loss_box", None), None
        if box is None:
            return []
        return [FadeOut(box, rate_func=squish_rate_func(smooth, 0.5, 1.0))]

    def loss_box_gone(self) -> None:
        """Note when the loss's flash box has faded out (after the play that clears it)."""
        if self.loss_flashes and "gone" not in self.loss_flashes[-1]:
            self.loss_flashes[-1]["gone"] = self.renderer.time

    def run_forward(self, n: int, run_time: float) -> None:
        """The signal runs through step n's network and lights its nodes. When it reaches
        the outputs, the bars, their percentages, the read-out and the plot turn over to
        step n together, on one frame: bars and numbers never disagree, and no digits morph.
        (The very first time, the bars grow from empty, then their numbers fade in.)"""
        diagram, forward = self.diagram, self.lesson.trace[n].forward
        self.play(
            diagram.fill_nodes(0, self.lesson.inputs),
            diagram.flash_layer("W1", run_time=run_time),
            diagram.fill_nodes(1, forward.hidden),
            run_time=run_time,
        )
        self.play(
            diagram.flash_layer("W2", run_time=run_time),
            diagram.fill_nodes(2, forward.probabilities, colour=style.INK),
            run_time=run_time,
        )
        labels = VGroup(
            *[
                self.bars.place_label(
                    self.record.number(
                        self.src.trace[n].probabilities[k],
                        fmt.percent,
                        size=style.VALUE_SIZE * 0.9,
                        colour=style.TARGET if k == self.lesson.target_index else style.INK,
                    ),
                    k,
                )
                for k in range(len(forward.probabilities))
            ]
        )
        readout, point = self.readout_for(n), self.plot_point(n)
        if not len(self.readout):
            self.play(*self.bars.grow_to(forward.probabilities), run_time=run_time)
            self.play(FadeIn(labels), FadeIn(readout), Create(point), run_time=run_time)
        else:
            self.bars.set_to(forward.probabilities)
            self.remove(self.percent_labels, self.readout)
            self.add(labels, readout, point)
        self.percent_labels, self.readout = labels, readout

    def plot_point(self, n: int) -> VGroup:
        """Step n's p(target) on the plot, joined to the previous step's point."""
        p = self.plotted(n)
        point = self.chart.c2p(n, value_of(p))
        dot = Dot(point, radius=0.045, color=style.TARGET)
        self.record.drew("plot point", self.chart.p2c(dot.get_center())[1], p)
        pieces = VGroup(dot)
        if len(self.plot):
            pieces.add(Line(self.plot[-1][0].get_center(), point).set_stroke(style.TARGET, 3))
        self.plot.add(pieces)
        return pieces

    def plotted(self, n: int) -> Ref:
        """What the plot shows at step n: p(target)."""
        return self.src.trace[n].probabilities[self.lesson.target_index]

    def bar_label_room(self) -> VGroup:
        """An invisible stand-in for the widest percentage beside the bars, so the layout
        leaves them room before any is shown."""
        widest = text("99.9%", size=style.VALUE_SIZE * 0.9).set_opacity(0)
        return VGroup(
            *[self.bars.place_label(widest.copy(), k) for k in range(len(self.bars.tracks))]
        )

    def show_arrows(self, n: int, run_time: float) -> dict:
        arrows = self.diagram.update_arrows(self.lesson.trace[n].update, self.arrow_scale)
        for (name, index), arrow in arrows.items():
            self.arrows_shown.append((n, name, index, arrow))
        self.play(*[FadeIn(arrow, scale=0.6) for arrow in arrows.values()], run_time=run_time)
        return arrows

    def step_weights(self, n: int, arrows: dict, run_time: float) -> None:
        """The step is taken: every line eases to its new weight. The lines that change
        most (by the engine's update) glow as they change, their arrows staying until the
        change is made, so the eye finds the shift where it is largest."""
        changes = self.lesson.trace[n].update
        most = self.diagram.most_changed(changes, SHIFTS_SHOWN)
        self.shifts_shown.append((n, most))
        self.play(
            self.diagram.morph_to(self.lesson.trace[n + 1].params, glowing=most),
            *[
                FadeOut(arrow, rate_func=squish_rate_func(smooth, 0.6, 1.0))
                if key in most
                else FadeOut(arrow, rate_func=squish_rate_func(smooth, 0.0, 0.4))
                for key, arrow in arrows.items()
            ],
            *self.clear_loss_box(),
            run_time=run_time,
        )
        self.loss_box_gone()

    @beat
    def take_the_first_step(self) -> None:
        self.train_step(0, full=True)

    @beat
    def repeat_the_step(self) -> None:
        # Each stage on its word: the words are a second or so apart, the forward pass a
        # little quicker than step 0's to fit between them.
        with self.narration(
            "Again: first the ^forward pass, then the ^loss, then the ^arrows, "
            "and the weights ^shift."
        ) as line:
            self.play_step(1, **(FULL_PACE | {"forward": 0.55}), on=line)
        for n in range(2, FULL_STEPS):
            with self.narration("Once more, and the network is a little less wrong."):
                self.train_step(n, full=True)

    @beat
    def speed_up(self) -> None:
        steps = list(range(FULL_STEPS, self.halfway))
        half = len(steps) // 2
        self.train_during(
            f"Again and again. Watch the {self.lesson.target} probability climb.", steps[:half]
        )
        self.train_during(
            f"The chart on the right plots {self.lesson.target}, one dot per step.", steps[half:]
        )

    def train_during(self, words: str, steps: list[int]) -> None:
        """Quick steps under a line, spread over it: the voice names what to watch while the
        machine runs, and the steps do not run on after it in silence."""
        with self.narration(words) as line:
            for k, n in enumerate(steps):  # each step's share of the time the line has left
                left = line.start + line.needed - self.renderer.time
                stretch = left / (len(steps) - k) / step_seconds(QUICK_PACE)
                self.train_step(n, full=False, stretch=min(max(stretch, 0.6), 3.0))

    @beat
    def check_in_halfway(self) -> None:
        """Halfway, training waits on its read-outs while they are said: the counter turns
        as its line begins, and the loss and p(Paris) are named on screen."""
        halfway, target = self.halfway, self.lesson.target_index
        self.run_forward(halfway, run_time=QUICK_PACE["forward"])
        with self.narration(
            f"Step {{step}}: the ^loss is down to {{loss}}, and {self.lesson.target} has ^{{p}}.",
            step=(self.src.trace[halfway].index, fmt.whole),
            loss=(self.src.trace[halfway].loss, fmt.loss_value),
            p=(self.src.trace[halfway].probabilities[target], fmt.percent),
        ) as line:
            line.wait_for("loss")
            self.flash_loss(run_time=0.8)
            line.wait_for("p")
            self.point_out(self.readout[2], style.TARGET, run_time=0.9)
            shown = self.show_arrows(halfway, run_time=QUICK_PACE["arrows"])
            self.step_weights(halfway, shown, run_time=QUICK_PACE["shift"])

    @beat
    def finish_training(self) -> None:
        steps = list(range(self.halfway + 1, len(self.lesson.trace) - 1))
        half = len(steps) // 2
        self.train_during(
            f"At every step the loss falls and {self.lesson.target} climbs.", steps[:half]
        )
        self.train_during(
            "Forward, loss, arrows, shift, over and over: that is training.", steps[half:]
        )

    @beat
    def train_step(self, n: int, full: bool, stretch: float = 1.0) -> None:
        """One step of training. The first is narrated beat by beat, the next few play at a
        pace a student can follow, the rest run quickly (`stretch` times slower to fill a
        line): every step is shown."""
        if n == 0:
            self.narrate_first_step()
        elif full:
            self.play_step(n, **FULL_PACE)
            self.wait(0.4)
        else:
            self.play_step(n, **{stage: t * stretch for stage, t in QUICK_PACE.items()})

    def narrate_first_step(self) -> None:
        with self.narration("The signal goes forward through the current weights."):
            self.run_forward(0, run_time=1.2)
        with self.narration(
            "The loss flashes ^red: this is how ^wrong the network is now."
        ) as line:
            line.wait_for("red")
            self.flash_loss(run_time=0.6)
            line.wait_for("wrong")
            self.point_out(self.percent_labels[self.lesson.target_index], style.TARGET, 1.0)
            self.play(*self.clear_loss_box(), run_time=0.5)
            self.loss_box_gone()
        with self.narration(
            "Arrows: ^up raises a weight, ^down lowers it; ^longer means a bigger step."
        ) as line:
            arrows = self.show_arrows(0, run_time=0.8)
            self.key_frames.save("arrows_first_step")
            update = self.lesson.trace[0].update
            ups = [a for (name, i), a in arrows.items() if update[name][i] > 0]
            downs = [a for (name, i), a in arrows.items() if update[name][i] < 0]
            longest = max(arrows.values(), key=lambda arrow: arrow.height)
            for mark, chosen in (("up", ups), ("down", downs), ("longer", [longest])):
                line.wait_for(mark)
                self.play(
                    *[Indicate(a, scale_factor=1.3, color=a[0].get_color()) for a in chosen],
                    run_time=0.9,
                )
        with self.narration("The weights ^shift: the glowing lines change the most.") as line:
            line.wait_for("shift")
            self.step_weights(0, arrows, run_time=3.0)

    def play_step(
        self,
        n: int,
        *,
        forward: float,
        flash: float,
        arrows: float,
        shift: float,
        on: SpokenLine | None = None,
    ) -> None:
        """The four beats of step n, each given its run time; with a line `on`, each beat
        starts on its marked word (forward, loss, arrows, shift)."""

        def cue(mark: str) -> None:
            if on is not None:
                on.wait_for(mark)

        cue("forward")
        self.run_forward(n, run_time=forward)
        cue("loss")
        self.flash_loss(run_time=flash)
        cue("arrows")
        shown = self.show_arrows(n, run_time=arrows)
        cue("shift")
        self.step_weights(n, shown, run_time=shift)

    @beat
    def show_the_trained_network(self) -> None:
        last = len(self.lesson.trace) - 1
        target = self.lesson.target_index
        with self.narration(
            f"Training is done: after ^{{steps}} steps, the network gives "
            f"{self.lesson.target} ^{{p}}.",
            steps=(self.src.trace[last].index, fmt.whole),
            p=(self.src.trace[last].probabilities[target], fmt.percent),
        ) as line:
            self.run_forward(last, run_time=0.5)  # the counter turns before it is said
            line.wait_for("steps")
            self.point_out(self.readout[0], style.HIGHLIGHT, run_time=0.9)
            line.wait_for("p")
            self.play(
                Circumscribe(self.diagram.output_labels[target], color=style.TARGET),
                run_time=1.2,
            )


def step_seconds(pace: dict[str, float]) -> float:
    """How long a step takes at a pace: the forward pass is two plays (through each layer),
    the loss's flash a play and a half (it swells, then settles)."""
    return 2 * pace["forward"] + 1.5 * pace["flash"] + pace["arrows"] + pace["shift"]


def arrow_legend() -> VGroup:
    """What an update arrow means, shown before the first one appears."""
    rows = [
        VGroup(UpdateArrow(np.zeros(3), change, 0.4), text(words, size=style.VALUE_SIZE)).arrange(
            RIGHT, buff=0.2
        )
        for change, words in ((+1.0, "weight up"), (-1.0, "weight down"))
    ]
    return VGroup(*rows).arrange(DOWN, aligned_edge=LEFT, buff=0.15)
