"""Section 1, The Forward Pass: tokens in, a random guess out, every number the engine's.

python render.py --seed 7 --quality preview --sections 1
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    UR,
    Create,
    FadeIn,
    FadeOut,
    Indicate,
    LaggedStart,
    Line,
    MathTex,
    VGroup,
    Write,
)

from mechanics import formatting as fmt
from mechanics.sources import Ref
from scenes import style
from scenes.diagram import NetworkDiagram, ProbabilityBars, card
from scenes.lesson_scene import LessonScene, beat
from scenes.style import math, text

# The diagram fills the frame's width; node math is written in the band between its bottom
# and the captions.
DIAGRAM = {
    "column_gap": 3.1,
    "node_radius": 0.3,
    "gaps": (2.2 / 2, 3.0 / 3, 3.4 / 4),
    "tallest": 3.4,
}
DIAGRAM_X = -0.1
BAR_LENGTH = 1.7
# How the film names the three weights of Lesson.called_out_weights, in order.
CALLED_OUT = ("turned up", "inverted", "nearly silent")
PERCENT_WIDTH = 1.35  # room right of a bar's track for its percentage, "100.0%"


class ForwardPass(LessonScene):
    def construct(self) -> None:
        self.show_title()
        self.show_inputs_and_target()
        self.show_network()
        self.call_out_weights()
        self.flow_to_mixers()
        self.show_mixer_math()
        self.flow_to_outputs()
        self.show_output_math()
        self.show_probabilities()
        self.explain_random_guess()

    # The untrained network: everything in this section is step 0 --------------------------
    @property
    def params(self) -> dict[str, np.ndarray]:
        return self.lesson.trace[0].params

    @property
    def forward(self):
        return self.lesson.trace[0].forward

    @property
    def step(self) -> Ref:
        return self.src.trace[0]

    def weighted_sum(self, name: str, row: int) -> list:
        """w·x + w·x + ... + b for the node fed by row `row` of layer `name`, as formula
        parts whose numbers are references into the lesson."""
        bias = {"W1": "b1", "W2": "b2"}[name]
        signal = {"W1": self.src.inputs, "W2": self.step.forward.hidden}[name]
        weights = self.step.params[name]
        parts: list = []
        for col in range(self.params[name].shape[1]):
            if col:
                parts.append("+")
            parts += [(weights[row, col], fmt.tex_number), r"\cdot", (signal[col], fmt.tex_number)]
        return [*parts, "+", (self.step.params[bias][row], fmt.tex_number)]

    def split_sum(self, parts: list, terms_on_first_line: int) -> tuple[list, list]:
        """A weighted sum's parts cut before its n-th "+", for a formula over two lines."""
        pluses = [k for k, part in enumerate(parts) if part == "+"]
        cut = pluses[terms_on_first_line - 1]
        return parts[:cut], parts[cut:]

    def formula_lines(self, *lines: list) -> VGroup:
        """A long formula over several lines: the first flush left, the rest (the working
        carried on, then the result) indented under it, the block in the math band."""
        block = VGroup(*[self.record.formula(*parts) for parts in lines])
        block.arrange(DOWN, buff=0.08)
        for line in block[1:]:
            line.align_to(block[0], LEFT).shift(0.6 * RIGHT)
        fit_width(block)
        return block.move_to([0, self.math_y(), 0])

    def math_y(self) -> float:
        """The middle of the band between the diagram and the captions, where math goes."""
        return (self.diagram.get_bottom()[1] + style.CAPTION_TOP) / 2

    def incoming(self, name: str, row: int) -> list[tuple[int, int]]:
        return [(row, col) for col in range(self.params[name].shape[1])]

    def spotlight_incoming(self, name: str, row: int) -> list:
        """The lines into one node stand out, each in its own sign's colour."""
        picked = [(name, index) for index in self.incoming(name, row)]
        return self.diagram.spotlight(picked, self.params)

    # Beats --------------------------------------------------------------------------------
    @beat
    def show_inputs_and_target(self) -> None:
        self.diagram = NetworkDiagram(
            self.lesson, self.params, number=self.record.number, **DIAGRAM
        )
        # The diagram's top (its "target" tag) just under the header; the legend and the
        # node math go in the band between its bottom and the captions.
        goal = text("target", size=style.VALUE_SIZE, colour=style.TARGET)
        goal.next_to(self.diagram.target_marker, UP, buff=0.08)
        self.diagram.add(goal).move_to([DIAGRAM_X, 0, 0]).remove(goal)
        lift = (style.PICTURE_TOP - goal.get_top()[1]) * UP
        self.diagram.shift(lift)
        goal.shift(lift)
        diagram = self.feature(self.diagram)
        with self.narration("We start with a simple goal: ^text in, a prediction out.") as line:
            line.wait_for("text")
            self.play(arrive(diagram.input_nodes, diagram.input_labels, RIGHT, 0.3), run_time=1.5)
        with self.narration('Out come candidates for the next word. We want ^"Paris".') as line:
            self.play(arrive(diagram.output_nodes, diagram.output_labels, LEFT, 0.15), run_time=1.2)
            line.wait_for("paris")
            self.play(Create(diagram.target_marker), FadeIn(goal), run_time=0.8)
            self.target_tag = goal

    @beat
    def show_network(self) -> None:
        diagram = self.diagram
        with self.narration(
            'In between, a layer of "mixers". Each ^line is a weight: a volume ^slider on its '
            "signal."
        ) as line:
            self.play(
                LaggedStart(*[FadeIn(node) for node in diagram.hidden_nodes], lag_ratio=0.15),
                run_time=1.2,
            )
            line.wait_for("line")
            self.play(Create(diagram.all_lines, lag_ratio=0.02), run_time=1.6)
            self.legend = weight_legend().move_to([0, self.math_y(), 0])
            line.wait_for("slider")
            self.play(FadeIn(self.legend), run_time=0.8)
        with self.narration(
            "^Thicker means louder. Bright ^orange adds, dim ^blue subtracts. For now, all ^random."
        ) as line:
            widest = max(line_.get_stroke_width() for line_ in diagram.all_lines)
            named = {
                "thicker": [
                    line_ for line_ in diagram.all_lines if line_.get_stroke_width() >= 0.6 * widest
                ],
                "orange": diagram.lines_where(self.params, lambda w: w >= 0),
                "blue": diagram.lines_where(self.params, lambda w: w < 0),
                "random": list(diagram.all_lines),
            }
            for mark, lines in named.items():
                line.wait_for(mark)
                self.play(diagram.pulse_lines(lines, run_time=1.2))

    @beat
    def call_out_weights(self) -> None:
        diagram = self.diagram
        # Each line names its weight as the weight's card comes in (on the marked word).
        said = (
            (
                "^Look closer at a line: its weight is just a ^number. "
                "This one turns its signal ^up.",
                "number",
            ),
            ("This one is ^negative: it flips its signal.", "negative"),
            ("And this one is ^nearly zero: its signal barely gets through.", "nearly"),
        )
        for (name, index), description, (words, mark) in zip(
            self.lesson.called_out_weights, CALLED_OUT, said, strict=True
        ):
            with self.narration(words) as spoken:
                line = diagram.weight_line(name, index)
                value = self.record.number(
                    self.step.params[name][index],
                    fmt.signed,
                    size=style.LABEL_SIZE,
                    colour=style.HIGHLIGHT,
                    prefix="w = ",
                )
                note = text(description, size=style.VALUE_SIZE, colour=style.MUTED)
                callout = card(VGroup(value, note).arrange(DOWN, buff=0.06), style.HIGHLIGHT)
                callout.set_z_index(2)  # above the highlighted line it names
                middle = line.point_from_proportion(0.5)
                # Away from the diagram's edge: below lines in the upper half, above the others.
                side = DOWN if middle[1] > diagram.get_center()[1] else UP
                callout.next_to(middle, side, buff=0.12)
                if "look" in spoken.marks:  # the first: the line lights up as it is named
                    spoken.wait_for("look")
                    self.play(*diagram.spotlight([(name, index)], self.params), run_time=0.6)
                spoken.wait_for(mark)
                self.play(
                    *diagram.spotlight([(name, index)], self.params), FadeIn(callout), run_time=0.6
                )
                self.key_frames.save(f"weight_{description.replace(' ', '_')}")
                self.point_out(value, style.HIGHLIGHT, run_time=1.0, swell=False)
                if "up" in spoken.marks:
                    spoken.wait_for("up")
                    self.play(diagram.pulse_lines([line], run_time=1.2))
            self.play(*diagram.end_spotlight(self.params), FadeOut(callout), run_time=0.5)

    @beat
    def flow_to_mixers(self) -> None:
        diagram = self.diagram
        self.play(FadeOut(self.legend), run_time=0.4)
        with self.narration(
            "Run the forward pass: the ^signal flows from the words into the ^mixers."
        ) as line:
            self.play(diagram.fill_nodes(0, self.lesson.inputs), run_time=0.6)
            line.wait_for("signal")
            self.play(diagram.flash_layer("W1", run_time=1.6))
            line.wait_for("mixers")
            self.play(diagram.fill_nodes(1, self.forward.hidden), run_time=0.8)

    @beat
    def show_mixer_math(self) -> None:
        diagram, j = self.diagram, self.lesson.featured_mixer
        node = diagram.hidden_nodes[j]
        with self.narration(
            "Inside a mixer: weigh each input, add them up, ^squash the sum with tanh."
        ) as line:
            self.mixer_math = self.formula_lines(
                [rf"h_{{{j + 1}}} = \tanh\big(", *self.weighted_sum("W1", j), r"\big)"],
                [
                    r"= \tanh(",
                    (self.step.forward.pre_activations[j], fmt.tex_value),
                    ") =",
                    (self.step.forward.hidden[j], fmt.tex_value),
                ],
            )
            name = node_name(rf"h_{{{j + 1}}}").next_to(node, UP, buff=0.08)
            self.record.layout(name.tex_string)
            self.play(
                *self.spotlight_incoming("W1", j),
                Indicate(node, color=style.HIGHLIGHT),
                FadeIn(name),
                Write(self.mixer_math),
                run_time=1.6,
            )
            self.key_frames.save("mixer_math")
            line.wait_for("squash")
            self.point_out(self.mixer_math[-1], style.HIGHLIGHT)
        self.play(
            *self.diagram.end_spotlight(self.params),
            FadeOut(self.mixer_math),
            FadeOut(name),
            run_time=0.6,
        )

    @beat
    def flow_to_outputs(self) -> None:
        diagram = self.diagram
        with self.narration(
            "The mixers' outputs ^flow on through the second layer of weights."
        ) as line:
            line.wait_for("flow")
            self.play(diagram.flash_layer("W2", run_time=2.4))

    @beat
    def show_output_math(self) -> None:
        diagram, target = self.diagram, self.lesson.target_index
        with self.narration(
            "Each word gets a score, its logit z. ^Softmax turns scores into ^probabilities."
        ) as line:
            first, rest = self.split_sum(self.weighted_sum("W2", target), 2)
            logit_math = self.formula_lines(
                [r"z_{\text{" + self.lesson.target + "}} =", *first],
                rest,
                ["=", (self.step.forward.logits[target], fmt.tex_value)],
            )
            name = node_name(r"z_{\text{" + self.lesson.target + "}}")
            name.next_to(diagram.output_nodes[target], LEFT, buff=0.08).shift(0.3 * UP)
            self.play(
                *self.spotlight_incoming("W2", target),
                Indicate(diagram.output_nodes[target], color=style.HIGHLIGHT),
                FadeIn(name),
                Write(logit_math),
                run_time=1.6,
            )
            self.key_frames.save("logit_math")
            softmax = [r"p(\text{" + self.lesson.target + r"}) = e^{"]
            softmax += [(self.step.forward.logits[target], fmt.tex_value), r"} \,/\, \big("]
            for k in range(len(self.lesson.candidates)):
                if k:
                    softmax.append("+")
                softmax += ["e^{", (self.step.forward.logits[k], fmt.tex_value), "}"]
            softmax.append(r"\big)")
            softmax_math = self.formula_lines(
                softmax, ["=", (self.step.probabilities[target], fmt.tex_percent)]
            )
            # One formula goes, then the next comes: a morph between them would show both.
            line.wait_for("softmax")
            self.play(*self.diagram.end_spotlight(self.params), FadeOut(logit_math), run_time=0.4)
            self.play(FadeIn(softmax_math), run_time=0.6)
            self.key_frames.save("softmax_math")
            line.wait_for("probabilities")
            self.point_out(softmax_math[-1], style.TARGET)
        self.play(FadeOut(softmax_math), FadeOut(name), run_time=0.5)

    @beat
    def show_probabilities(self) -> None:
        diagram = self.diagram
        probabilities = self.forward.probabilities
        with self.narration(
            "Every candidate gets a probability; together they add up to 100%, give or take "
            "rounding."
        ):
            # Room on the right for the bars and their percentages: the diagram moves left,
            # and down to the middle of the picture space, now the math band is empty.
            bars = ProbabilityBars(diagram, length=BAR_LENGTH)
            room = style.FRAME_RIGHT - (bars.get_right()[0] + PERCENT_WIDTH)
            drop = style.PICTURE_CENTRE_Y - diagram.get_center()[1]
            move = room * RIGHT + drop * UP
            self.play(
                diagram.animate.shift(move), FadeOut(self.target_tag, shift=move), run_time=0.8
            )
            self.bars = bars.shift(move)
            labels = VGroup(
                *[
                    self.bars.place_label(
                        self.record.number(
                            self.step.probabilities[k],
                            fmt.percent,
                            colour=style.TARGET if k == self.lesson.target_index else style.INK,
                        ),
                        k,
                    )
                    for k in range(len(probabilities))
                ]
            )
            self.feature(VGroup(diagram, self.bars, labels))
            self.play(FadeIn(self.bars.tracks), run_time=0.5)
            self.play(
                diagram.fill_nodes(2, probabilities, colour=style.INK),
                *self.bars.grow_to(probabilities),
                FadeIn(labels),
                run_time=1.5,
            )
            self.readout = self.record.number(
                self.step.probabilities[self.lesson.target_index],
                fmt.percent,
                size=style.READOUT_SIZE,
                colour=style.TARGET,
                prefix=f"{self.lesson.target} probability: ",
            ).to_corner(UR, buff=style.CORNER_BUFF)
            self.play(FadeIn(self.readout), run_time=0.8)
            self.wait(1.0)

    @beat
    def explain_random_guess(self) -> None:
        guess_index = self.lesson.first_guess
        first_guess = self.lesson.candidates[guess_index]
        with self.narration(
            f'Its best ^guess is "{first_guess}", not "{self.lesson.target}". '
            "The output is ^random because the ^weights are random."
        ) as line:
            line.wait_for("guess")
            self.play(
                Indicate(self.diagram.output_labels[guess_index], color=style.HIGHLIGHT),
                run_time=1.2,
            )
            line.wait_for("random")
            self.point_out(self.bars, style.HIGHLIGHT, run_time=1.0, swell=False)
            line.wait_for("weights")
            self.play(self.diagram.pulse_lines(list(self.diagram.all_lines), run_time=1.5))


def arrive(nodes: VGroup, labels: VGroup, direction, lag: float) -> LaggedStart:
    """Nodes fade in one after another with their labels, drifting in from `direction`."""
    return LaggedStart(
        *[
            FadeIn(VGroup(node, label), shift=0.2 * direction)
            for node, label in zip(nodes, labels, strict=True)
        ],
        lag_ratio=lag,
    )


def node_name(tex: str) -> MathTex:
    return math(tex, colour=style.HIGHLIGHT)


def fit_width(mobject, width: float = style.CAPTION_WIDTH) -> None:
    if mobject.width > width:
        mobject.scale_to_fit_width(width)


def weight_legend() -> VGroup:
    """What a line's look means, shown the first time weights appear."""
    rows = []
    for colour, opacity, words in (
        (style.POSITIVE, 1.0, "positive weight (bright)"),
        (style.NEGATIVE, style.NEGATIVE_OPACITY, "negative weight (dim)"),
    ):
        sample = Line(LEFT * 0.35, RIGHT * 0.35).set_stroke(colour, 6, opacity=opacity)
        rows.append(VGroup(sample, text(words, size=style.VALUE_SIZE)).arrange(RIGHT, buff=0.2))
    thin = Line(LEFT * 0.25, RIGHT * 0.25).set_stroke(style.MUTED, 1.5)
    thick = Line(LEFT * 0.25, RIGHT * 0.25).set_stroke(style.MUTED, 8)
    sizes = VGroup(
        VGroup(thin, thick).arrange(RIGHT, buff=0.1),
        text("thicker = larger |w|", size=style.VALUE_SIZE),
    ).arrange(RIGHT, buff=0.2)
    signs = VGroup(*rows).arrange(RIGHT, buff=0.5)
    return VGroup(signs, sizes).arrange(DOWN, buff=0.15)
