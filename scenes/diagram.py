"""The network diagram every section draws: nodes in columns, one line per weight.

A line's look is a documented function of its weight (see `style.stroke_width_for`):
width grows with |w| relative to the largest |w| anywhere in the training trace, so widths
compare between steps; colour and brightness give the sign. Nodes fill with their value.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    AnimationGroup,
    Circle,
    Line,
    Rectangle,
    ShowPassingFlash,
    SurroundingRectangle,
    Text,
    Triangle,
    UpdateFromAlphaFunc,
    VGroup,
    smooth,
)

from mechanics import Lesson
from mechanics import formatting as fmt
from mechanics.network import WEIGHT_NAMES
from mechanics.sources import Ref
from scenes import style
from scenes.style import text


def card(group: VGroup, edge: str = style.FAINT, buff: float = 0.1) -> VGroup:
    """Text on a dark card, so it reads on top of whatever lies beneath it (lines, a
    surface): the card, then the text."""
    backing = SurroundingRectangle(
        group, buff=buff, corner_radius=0.08, color=edge, stroke_width=1.5
    ).set_fill(style.BACKGROUND, 1.0)
    return VGroup(backing, group)


SPOTLIGHT_FADE = 0.3  # lines out of the spotlight keep this share of their opacity
GLOW_OPACITY = 0.45  # a changing line's glow at its strongest


class NetworkDiagram(VGroup):
    """Input, hidden and output nodes with a line per weight, drawn from a set of weights.

    `lines[name][index]` is the line of weight `params[name][index]`, e.g. lines["W1"][(j, i)]
    joins input i to mixer j. Build it with `NetworkDiagram(lesson, lesson.trace[0].params)`.
    `number` is the scene's recorded-number factory (`Record.number`); with it, each
    input node is labelled with its token's value, without it with the token alone.
    `labels=False` draws nodes and lines only, for a small inset.

    How many nodes each column holds comes from the weights' shapes. `gaps` are the
    distances between neighbouring nodes' centres, column by column; a column taller than
    `tallest` is squeezed to that height, so a wider network still fits its place.
    """

    def __init__(
        self,
        lesson: Lesson,
        params: dict[str, np.ndarray],
        *,
        column_gap: float = 2.9,
        node_radius: float = 0.27,
        gaps: tuple[float, float, float] = (2.5 / 2, 3.4 / 3, 3.8 / 4),
        tallest: float = 3.8,
        number: Callable[..., Text] | None = None,
        labels: bool = True,
    ) -> None:
        super().__init__()
        self.lesson = lesson
        self.largest = lesson.largest_weight
        self.node_radius = node_radius
        mixers, inputs = params["W1"].shape
        sizes = (inputs, mixers, params["W2"].shape[0])
        self.columns = [
            self._column(size, x=(k - 1) * column_gap, height=min(gap * (size - 1), tallest))
            for k, (size, gap) in enumerate(zip(sizes, gaps, strict=True))
        ]
        self.input_nodes, self.hidden_nodes, self.output_nodes = self.columns
        self.lines = {
            name: {
                (row, col): self._line(source, target)
                for row, target in enumerate(self.columns[layer + 1])
                for col, source in enumerate(self.columns[layer])
            }
            for layer, name in enumerate(WEIGHT_NAMES)
        }
        for name in WEIGHT_NAMES:
            for index, line in self.lines[name].items():
                line.set_stroke(**self.line_style(params[name][index]))
        self.input_labels = VGroup(
            *[self._input_label(i, node, number) for i, node in enumerate(self.input_nodes)]
        )
        self.output_labels = VGroup(
            *[
                text(word, colour=style.TARGET if word == lesson.target else style.INK).next_to(
                    node, RIGHT, buff=0.2
                )
                for word, node in zip(lesson.candidates, self.output_nodes, strict=True)
            ]
        )
        target_label = self.output_labels[lesson.target_index]
        self.target_marker = SurroundingRectangle(
            target_label, color=style.TARGET, buff=0.08, corner_radius=0.08, stroke_width=2
        )
        self.all_lines = VGroup(
            *[line for name in WEIGHT_NAMES for line in self.lines[name].values()]
        )
        self.add(self.all_lines, *self.columns)
        if labels:
            self.add(self.input_labels, self.output_labels, self.target_marker)

    # Construction ---------------------------------------------------------------------
    def _column(self, size: int, x: float, height: float) -> VGroup:
        ys = np.linspace(height / 2, -height / 2, size) if size > 1 else np.zeros(1)
        return VGroup(
            *[
                Circle(radius=self.node_radius)
                .set_stroke(style.MUTED, 2)
                .set_fill(style.NODE_FILL, 1)
                .move_to([x, y, 0])
                for y in ys
            ]
        )

    def _line(self, source: Circle, target: Circle) -> Line:
        direction = target.get_center() - source.get_center()
        unit = direction / np.linalg.norm(direction)
        return Line(
            source.get_center() + unit * self.node_radius,
            target.get_center() - unit * self.node_radius,
        )

    def _input_label(self, i: int, node: Circle, number: Callable[..., Text] | None) -> VGroup:
        label = VGroup(text(self.lesson.tokens[i]))
        if number is not None:
            label.add(number(Ref(self.lesson).inputs[i], fmt.signed, colour=style.MUTED))
        label.arrange(DOWN, buff=0.08, aligned_edge=RIGHT)
        return label.next_to(node, LEFT, buff=0.22)

    # The encoding -----------------------------------------------------------------------
    def line_style(self, weight: float) -> dict:
        """Width from |w| (against the film's largest weight), colour and opacity from its sign."""
        return {
            "width": style.stroke_width_for(weight, self.largest),
            "color": style.colour_for(weight),
            "opacity": 1.0 if weight >= 0 else style.NEGATIVE_OPACITY,
        }

    def weight_line(self, name: str, index: tuple[int, int]) -> Line:
        return self.lines[name][tuple(index)]

    # Animations the sections share ------------------------------------------------------
    def spotlight(self, picked: list[tuple[str, tuple[int, int]]], params) -> list:
        """Pick some lines out without changing how they are drawn: they stay as the legend
        draws their weights (a near-zero weight stays a hairline), raised above the rest,
        and every other line fades back. `end_spotlight` brings the others back."""
        chosen = {id(self.weight_line(name, index)) for name, index in picked}
        animations = []
        for name in WEIGHT_NAMES:
            for index, line in self.lines[name].items():
                if id(line) in chosen:
                    line.set_z_index(1)
                    continue
                look = self.line_style(params[name][index])
                look.update(opacity=look["opacity"] * SPOTLIGHT_FADE)
                animations.append(line.animate.set_stroke(**look))
        return animations

    def end_spotlight(self, params) -> list:
        animations = []
        for name in WEIGHT_NAMES:
            for index, line in self.lines[name].items():
                line.set_z_index(0)
                animations.append(line.animate.set_stroke(**self.line_style(params[name][index])))
        return animations

    def fill_nodes(self, layer: int, values: np.ndarray, *, colour: str | None = None):
        """Fill a column's nodes by their values: opacity |v| (clipped to 1), colour by sign
        unless one colour is given (probabilities use the target colour)."""
        return AnimationGroup(
            *[
                node.animate.set_fill(
                    colour or style.colour_for(value), opacity=min(abs(float(value)), 1.0)
                )
                for node, value in zip(self.columns[layer], values, strict=True)
            ]
        )

    def flash_layer(self, name: str, run_time: float = 1.0) -> AnimationGroup:
        """A pulse of light travelling along every line of one layer, left to right."""
        return AnimationGroup(
            *[
                ShowPassingFlash(
                    line.copy().set_stroke(style.SIGNAL, width=line.get_stroke_width() + 3),
                    time_width=0.6,
                    run_time=run_time,
                )
                for line in self.lines[name].values()
            ]
        )

    def pulse_lines(self, lines: list[Line], run_time: float = 1.0) -> AnimationGroup:
        """A pulse along some lines, each in its own colour and strength, wider: to show
        which lines the voice is naming (the thick ones, the orange ones, the blue ones)."""
        return AnimationGroup(
            *[
                ShowPassingFlash(
                    line.copy().set_stroke(width=line.get_stroke_width() + 5),
                    time_width=0.8,
                    run_time=run_time,
                )
                for line in lines
            ]
        )

    def lines_where(self, params: dict[str, np.ndarray], keep: Callable[[float], bool]) -> list:
        """The lines whose weight passes `keep` (e.g. `lambda w: w < 0`)."""
        return [
            line
            for name in WEIGHT_NAMES
            for index, line in self.lines[name].items()
            if keep(float(params[name][index]))
        ]

    def update_arrows(self, changes: dict[str, np.ndarray], largest_change: float) -> dict:
        """One UpdateArrow per weight for a step's changes (the step's -rate * gradient):
        pointing the way the weight moves, longer for larger moves (square-root scaled
        against the largest change of the whole training, so small late steps still show).
        Each sits on its own line at the place `arrow_places` found for it, the same place
        every step, where it overlaps no other arrow and as few other lines as can be."""
        places = self.arrow_places()
        arrows = {}
        for name in WEIGHT_NAMES:
            for index in self.lines[name]:
                change = float(changes[name][index])
                if change == 0.0:
                    continue  # a weight that does not move gets no arrow
                length = arrow_length(change, largest_change, self.arrow_longest)
                arrows[(name, index)] = UpdateArrow(places[(name, index)], change, length)
        return arrows

    def arrow_places(self) -> dict:
        """Where each weight's arrow sits, as {(name, index): centre}: found once for the
        diagram as it stands (see `place_arrows`), again only if the diagram has moved."""
        where = (*np.round(self.get_center(), 6), round(self.width, 6))
        if getattr(self, "_arrow_places_where", None) != where:
            segments = {
                (name, index): line.get_start_and_end()
                for name in WEIGHT_NAMES
                for index, line in self.lines[name].items()
            }
            nodes = [
                (node.get_center(), node.width / 2) for column in self.columns for node in column
            ]
            # The longest arrow that leaves every arrow a place of its own: a crowded
            # network (more mixers) draws shorter arrows rather than overlapping ones.
            for longest in ARROW_LENGTHS:
                places = place_arrows(segments, nodes, longest)
                if places is not None:
                    break
            else:
                places = place_arrows(segments, nodes, ARROW_LENGTHS[-1], force=True)
            self._arrow_places, self.arrow_longest = places, longest
            self._arrow_places_where = where
        return self._arrow_places

    def params_shape(self, name: str) -> tuple[int, int]:
        """The shape of a weight matrix, as the diagram draws it: (nodes fed, nodes feeding)."""
        layer = WEIGHT_NAMES.index(name)
        return len(self.columns[layer + 1]), len(self.columns[layer])

    def morph_to(self, params: dict[str, np.ndarray], glowing: list = ()) -> AnimationGroup:
        """Every line eases to the width and colour of a new set of weights; the lines
        named in `glowing` ((name, index) pairs) glow while they change (see `glow`)."""
        return AnimationGroup(
            *[
                line.animate.set_stroke(**self.line_style(params[name][index]))
                for name in WEIGHT_NAMES
                for index, line in self.lines[name].items()
            ],
            *[self.glow(*key) for key in glowing],
        )

    def glow(self, name: str, index: tuple[int, int]) -> UpdateFromAlphaFunc:
        """A soft light around one line, in the line's own colour (a glow never makes a
        negative line look positive), as wide as the line is at each frame: it comes up
        quickly, stays while the line changes, and goes as the change ends, so the voice
        can name it while it is there. Where to look as the weights shift."""
        line = self.weight_line(name, index)
        halo = line.copy().set_stroke(width=0, opacity=0)

        def follow(halo: Line, alpha: float) -> None:
            strength = min(smooth(min(alpha / 0.15, 1.0)), smooth(min((1 - alpha) / 0.15, 1.0)))
            halo.become(line.copy()).set_stroke(
                line.get_stroke_color(),
                width=line.get_stroke_width() + 14 * strength,
                opacity=GLOW_OPACITY * strength,
            )

        return UpdateFromAlphaFunc(halo, follow, remover=True, suspend_mobject_updating=False)

    def most_changed(self, changes: dict[str, np.ndarray], count: int) -> list:
        """The (name, index) of the `count` weights a step changes most, largest first."""
        keys = [(name, index) for name in WEIGHT_NAMES for index in self.lines[name]]
        keys.sort(key=lambda key: -abs(float(changes[key[0]][key[1]])))
        return keys[:count]


class UpdateArrow(VGroup):
    """The step one weight is about to take: a vertical stem and a triangular head.

    Up (the weight increases) is a filled head in the increase colour; down is an outlined
    head in the decrease colour, so direction, fill and colour all tell them apart.
    """

    def __init__(self, centre: np.ndarray, change: float, length: float) -> None:
        super().__init__()
        up = change > 0
        direction = np.array([0.0, 1.0 if up else -1.0, 0.0])
        colour = style.INCREASE if up else style.DECREASE
        head_size = ARROW_HEAD
        base = centre - direction * length / 2
        tip = centre + direction * length / 2
        stem = Line(base, tip - direction * head_size * 0.8).set_stroke(colour, 4)
        head = Triangle().scale_to_fit_width(head_size * 1.2).set_stroke(colour, 2.5)
        head.set_fill(colour, 1.0 if up else 0.0)
        if not up:
            head.rotate(np.pi)
        head.move_to(tip - direction * head_size * 0.45)
        self.add(stem, head)
        # A dark outline keeps the arrow readable where it crosses bright lines.
        self.set_stroke(style.BACKGROUND, ARROW_OUTLINE, background=True)


ARROW_SHORTEST = 0.12  # an update arrow's length for the smallest change,
ARROW_LENGTHS = (0.44, 0.4, 0.36, 0.32, 0.28)  # ... and for the largest change of the
# whole training: the first of these for which every arrow finds a place of its own
ARROW_HEAD = 0.13  # the head's height (its width is 1.2 times that)
ARROW_OUTLINE = 7.0  # the dark outline's stroke width (0.01 frame units per unit of width)
ARROW_GAP = 0.05  # the least room between two arrows' drawn outlines


def arrow_length(change: float, largest_change: float, longest: float) -> float:
    """An update arrow's length: square-root scaled against the largest change of the
    training, so small late steps still show."""
    share = np.sqrt(abs(change) / largest_change) if largest_change > 0 else 0.0
    return ARROW_SHORTEST + (longest - ARROW_SHORTEST) * min(share, 1.0)


def arrow_box(centre: np.ndarray, length: float) -> np.ndarray:
    """[[x0, y0], [x1, y1]]: what an upright arrow of this length centred here covers as
    drawn, its dark outline included."""
    outline = ARROW_OUTLINE * 0.01 / 2
    half = np.array([ARROW_HEAD * 1.2 / 2 + outline, length / 2 + outline])
    return np.array([centre[:2] - half, centre[:2] + half])


def boxes_overlap(a: np.ndarray, b: np.ndarray, gap: float = 0.0) -> bool:
    """Whether two boxes come closer than `gap` on both axes (touch or overlap)."""
    return bool(
        min(a[1][0], b[1][0]) - max(a[0][0], b[0][0]) > -gap
        and min(a[1][1], b[1][1]) - max(a[0][1], b[0][1]) > -gap
    )


def segment_crosses_box(start: np.ndarray, end: np.ndarray, box: np.ndarray) -> bool:
    """Whether the segment start-end passes through the box (Liang-Barsky clipping)."""
    low, high = 0.0, 1.0
    d = end[:2] - start[:2]
    for axis in (0, 1):
        for p, q in ((-d[axis], start[axis] - box[0][axis]), (d[axis], box[1][axis] - start[axis])):
            if p == 0:
                if q < 0:
                    return False
                continue
            r = q / p
            if p < 0:
                low = max(low, r)
            else:
                high = min(high, r)
            if low > high:
                return False
    return True


def place_arrows(
    segments: dict,
    nodes: list[tuple[np.ndarray, float]],
    longest: float,
    force: bool = False,
    along: int = 33,
) -> dict[object, np.ndarray] | None:
    """A place on each line for its update arrow, as {key: centre}: no two arrows (at their
    longest, with their outlines and `ARROW_GAP`) touch, none covers a node, and each sits
    where as few other lines as possible cross it and near its line's middle, so which
    line an arrow belongs to can be told. Greedy: the line with the fewest free places
    left is placed next. None when some line finds no free place; with `force`, that line
    gets its least crowded place instead (and the layout audit reports the overlap)."""
    spots = np.linspace(0.15, 0.85, along)
    options = {}
    for key, (start, end) in segments.items():
        rows = []
        for t in spots:
            centre = start + t * (end - start)
            box = arrow_box(centre, longest)
            if any(_box_meets_circle(box, c, r + 0.03) for c, r in nodes):
                continue
            crossings = sum(
                segment_crosses_box(a, b, box) for other, (a, b) in segments.items() if other != key
            )
            rows.append((crossings + abs(t - 0.5), centre, box))
        options[key] = rows
    placed: dict[object, np.ndarray] = {}
    boxes: list[np.ndarray] = []
    while len(placed) < len(segments):
        free = {
            key: [
                row for row in rows if not any(boxes_overlap(row[2], b, ARROW_GAP) for b in boxes)
            ]
            for key, rows in options.items()
            if key not in placed
        }
        key = min(free, key=lambda k: (len(free[k]), str(k)))
        if not free[key] and not force:
            return None
        rows = (
            free[key]
            or sorted(options[key], key=lambda row: sum(boxes_overlap(row[2], b) for b in boxes))[
                :1
            ]
        )
        _, centre, box = min(rows, key=lambda row: row[0])
        placed[key] = centre
        boxes.append(box)
    return placed


def _box_meets_circle(box: np.ndarray, centre: np.ndarray, radius: float) -> bool:
    nearest = np.clip(centre[:2], box[0], box[1])
    return bool(np.linalg.norm(nearest - centre[:2]) < radius)


class ProbabilityBars(VGroup):
    """One horizontal bar per candidate beside the output nodes, with room for its percentage.

    The bars are drawn here; the percentages are made by the scene (so it can record what
    it shows) and placed with `place_label`.
    """

    def __init__(self, diagram: NetworkDiagram, *, length: float = 2.0, height: float = 0.26):
        super().__init__()
        self.length = length
        self.bar_height = height
        self.target_index = diagram.lesson.target_index
        left = max(label.get_right()[0] for label in diagram.output_labels) + 0.3
        self.tracks = VGroup(
            *[
                Rectangle(width=length, height=height)
                .set_stroke(style.FAINT, 1)
                .set_fill(style.FAINT, 0.2)
                .move_to([left + length / 2, node.get_center()[1], 0])
                for node in diagram.output_nodes
            ]
        )
        self.bars = VGroup(*[self._bar(0.0, k) for k in range(len(self.tracks))])
        self.add(self.tracks, self.bars)

    def _bar(self, probability: float, k: int) -> Rectangle:
        colour = style.TARGET if k == self.target_index else style.MUTED
        width = max(self.length * float(probability), 1e-3)
        bar = Rectangle(width=width, height=self.bar_height).set_stroke(width=0)
        return bar.set_fill(colour, 0.9).move_to(self.tracks[k], aligned_edge=LEFT)

    def grow_to(self, probabilities: np.ndarray) -> list:
        """Animations that bring every bar to its probability."""
        return [
            bar.animate.become(self._bar(probability, k))
            for k, (bar, probability) in enumerate(zip(self.bars, probabilities, strict=True))
        ]

    def set_to(self, probabilities: np.ndarray) -> None:
        """Bring every bar to its probability at once, on the frame its number turns over."""
        for k, (bar, probability) in enumerate(zip(self.bars, probabilities, strict=True)):
            bar.become(self._bar(probability, k))

    def place_label(self, label, k: int):
        """Put a percentage label just right of bar k's track."""
        return label.next_to(self.tracks[k], RIGHT, buff=0.15)
