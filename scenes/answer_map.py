"""Section 5's answer map: the network's answer over the plane of two inputs, one cell per
point the engine mapped, coloured by the answer, with the sentences marked on it.

Cells are drawn as rectangles, one per run of equal answers along a row (a row runs along
input 2 at one value of input 3), so each cell shows exactly one engine answer and a map
costs a few hundred rectangles, not thousands. (Manim 0.22's ImageMobject cannot be drawn
with Pillow 13: its Cairo camera calls Image.fromarray on float zeros with mode="RGBA".)
"""

from __future__ import annotations

import numpy as np
from manim import Circle, Rectangle, Square, VGroup

from scenes import style
from scenes.style import region_colour


def runs(row: np.ndarray) -> list[tuple[int, int, int]]:
    """(first, last, value) for each run of equal values in a row."""
    edges = np.flatnonzero(np.diff(row)) + 1
    starts = np.concatenate([[0], edges])
    ends = np.concatenate([edges, [len(row)]]) - 1
    return [(int(a), int(b), int(row[a])) for a, b in zip(starts, ends, strict=True)]


def trained_marker(colour: str) -> Circle:
    """A sentence trained on: a dot."""
    return Circle(radius=0.09).set_fill(colour, 1.0).set_stroke(style.BACKGROUND, 2)


def held_out_marker(colour: str) -> Square:
    """A sentence held out: a diamond with a light edge, so it shows on its own colour."""
    return (
        Square(side_length=0.2).rotate(np.pi / 4).set_fill(colour, 1.0).set_stroke(style.INK, 2.5)
    )


class AnswerMap(VGroup):
    """A square map of the network's answers with its sentences marked: a dot for a sentence
    trained on, a diamond for one held out, in its right answer's full colour."""

    def __init__(self, answers: np.ndarray, axis: np.ndarray, *, side: float) -> None:
        super().__init__()
        self.axis, self.side = axis, side
        self.border = Rectangle(width=side, height=side).set_stroke(style.MUTED, 1.5)
        self.cells = self.cells_for(answers)
        self.markers = VGroup()
        self.add(self.cells, self.border, self.markers)

    def cells_for(self, answers: np.ndarray) -> VGroup:
        """The cells of an engine answer map (answers[i, j] at input 2 = axis[i], input 3 =
        axis[j]), in this map's place: one rectangle per run of equal answers along a row."""
        half = self.cell / 2
        cells = VGroup()
        for j in range(answers.shape[1]):
            for first, last, answer in runs(answers[:, j]):
                low = self.point(self.axis[first] - half, self.axis[j] - half)
                high = self.point(self.axis[last] + half, self.axis[j] + half)
                colour = region_colour(answer)
                rectangle = Rectangle(width=high[0] - low[0], height=high[1] - low[1])
                # An edge of the same colour closes the anti-aliased seams between runs
                # (it reaches a fraction of a pixel into the neighbouring cell).
                rectangle.set_fill(colour, 1.0).set_stroke(colour, 2.0)
                cells.add(rectangle.move_to((low + high) / 2))
        return cells

    @property
    def cell(self) -> float:
        """The spacing of the engine's points, in input units."""
        return float(self.axis[1] - self.axis[0])

    def point(self, second: float, third: float) -> np.ndarray:
        """Where inputs (2, 3) = (second, third) lie on the map: cell centres stand at the
        engine's axis values."""
        low = self.axis[0] - self.cell / 2
        span = self.cell * len(self.axis)
        left, bottom = self.border.get_corner(np.array([-1.0, -1.0, 0.0]))[:2]
        x = left + (second - low) / span * self.side
        y = bottom + (third - low) / span * self.side
        return np.array([x, y, 0.0])

    def mark(self, inputs: np.ndarray, answers: np.ndarray, held_out: np.ndarray) -> VGroup:
        """One marker per sentence, at its inputs 2 and 3."""
        for x, answer, held in zip(inputs, answers, held_out, strict=True):
            colour = style.ANSWER_COLOURS[int(answer)]
            marker = held_out_marker(colour) if held else trained_marker(colour)
            self.markers.add(marker.move_to(self.point(x[1], x[2])))
        return self.markers
