"""Plain 2-D charts in the film's style: axes meeting at the lower-left corner whatever the
data's range, tick marks and labels where asked, and curves drawn through engine samples."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from manim import DOWN, LEFT, AnimationGroup, Axes, Create, FadeIn, Line, Text, VGroup, VMobject

from scenes import style
from scenes.style import text

TICK_STYLE = {"size": style.VALUE_SIZE, "colour": style.MUTED}


class Chart(VGroup):
    """Axes over [x_low, x_high] x [y_low, y_high], the y-axis at x_low and the x-axis at y_low.

    `tick_label` makes each tick's label; scenes pass `LessonScene.layout_text` so the digits
    of axis ticks are recorded as layout, not as engine output.
    """

    def __init__(
        self,
        x_range: tuple[float, float],
        y_range: tuple[float, float],
        *,
        width: float,
        height: float,
        x_ticks: Sequence[tuple[float, str]] = (),
        y_ticks: Sequence[tuple[float, str]] = (),
        tick_label: Callable[..., Text] = text,
    ) -> None:
        super().__init__()
        self.x_low, self.x_high = x_range
        self.y_low, self.y_high = y_range
        self.axes = Axes(
            x_range=[0, self.x_high - self.x_low, self.x_high - self.x_low],
            y_range=[0, self.y_high - self.y_low, self.y_high - self.y_low],
            x_length=width,
            y_length=height,
            tips=False,
            axis_config={"color": style.MUTED, "stroke_width": 2, "include_ticks": False},
        )
        self.ticks = VGroup()
        for value, label in x_ticks:
            self._tick(self.c2p(value, self.y_low), DOWN, tick_label(label, **TICK_STYLE))
        for value, label in y_ticks:
            self._tick(self.c2p(self.x_low, value), LEFT, tick_label(label, **TICK_STYLE))
        self.add(self.axes, self.ticks)

    def _tick(self, point: np.ndarray, outward: np.ndarray, label: Text) -> None:
        mark = Line(point, point + 0.1 * outward).set_stroke(style.MUTED, 2)
        label.next_to(mark, outward, buff=0.08)
        self.ticks.add(VGroup(mark, label))

    def axis_labels(self, x: tuple[str, str], y: tuple[str, str]) -> VGroup:
        """What each axis measures, as (words, colour): under the x-axis, and turned along
        the y-axis at its left, clear of the tick labels."""
        x_words, x_colour = x
        y_words, y_colour = y
        below = text(x_words, size=style.VALUE_SIZE, colour=x_colour)
        below.next_to(self.axes.x_axis, DOWN, buff=0.55)
        beside = text(y_words, size=style.VALUE_SIZE, colour=y_colour).rotate(np.pi / 2)
        ticks_left = [
            tick for tick in self.ticks if tick.get_center()[0] < self.x_axis.get_left()[0]
        ]
        beside.next_to(VGroup(self.y_axis, *ticks_left), LEFT, buff=0.2)
        return VGroup(below, beside)

    def draw(self) -> AnimationGroup:
        """Axes drawn in, tick labels faded in."""
        return AnimationGroup(Create(self.axes), FadeIn(self.ticks))

    def c2p(self, x: float, y: float) -> np.ndarray:
        """The scene point of data coordinates (x, y)."""
        return self.axes.c2p(x - self.x_low, y - self.y_low)

    def p2c(self, point: np.ndarray) -> tuple[float, float]:
        """The data coordinates of a scene point: the inverse of c2p."""
        x, y = self.axes.p2c(point)
        return x + self.x_low, y + self.y_low

    @property
    def x_axis(self):
        return self.axes.x_axis

    @property
    def y_axis(self):
        return self.axes.y_axis

    def curve(self, xs: np.ndarray, ys: np.ndarray, colour: str, width: float = 5) -> VMobject:
        """A smooth line through the samples, exactly as the engine sampled them."""
        points = [self.c2p(x, y) for x, y in zip(xs, ys, strict=True)]
        return VMobject().set_points_smoothly(points).set_stroke(colour, width)
