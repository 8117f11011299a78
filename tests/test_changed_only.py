"""A play's frames drawn by publishing.changed_only (only what can change) are byte for byte
the frames Manim draws itself (everything from the first moving mobject up)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from manim import (
    BLUE,
    DOWN,
    LEFT,
    ORANGE,
    ORIGIN,
    RED,
    RIGHT,
    UP,
    YELLOW,
    Circle,
    Dot,
    Polygon,
    Rectangle,
    Scene,
    Square,
    Triangle,
)
from manim.renderer.cairo_renderer import CairoRenderer

from publishing import changed_only, manim_cli

from .scene_rendering import frames_drawn_by


class PastStaticShapes(Scene):
    """A dot crosses shapes that never move: one below it, one above it that it passes
    under, one above it far away; a thin wedge with a thick mitred outline moves (its tips
    reach well past its points); and a marker above them all, which no animation moves,
    is kept by a scene updater on the far side of the screen from the dot."""

    def construct(self) -> None:
        below = Square(2.5, fill_opacity=0.5, color=BLUE)
        dot = Dot(radius=0.35, color=YELLOW).shift(3 * LEFT)
        crossed = Polygon(UP, 0.3 * RIGHT + DOWN, 0.3 * LEFT + DOWN, color=RED)
        crossed.set_fill(RED, opacity=0.6).set_stroke(width=6)
        far = Circle(0.4, color=BLUE).shift(2 * UP + 5 * RIGHT)
        wedge = Polygon(ORIGIN, 2 * RIGHT + 0.25 * UP, 2 * RIGHT + 0.25 * DOWN, color=ORANGE)
        wedge.set_stroke(width=30).shift(2 * DOWN + 4 * LEFT)
        marker = Triangle(color=RED).scale(0.25)
        self.add(below, dot, crossed, far, wedge, marker)
        self.wait(0.2)  # a still frame
        self.add_updater(lambda _: marker.move_to([-dot.get_x(), 2.5, 0]))
        self.play(dot.animate.shift(6 * RIGHT), wedge.animate.shift(4 * RIGHT), run_time=2)
        tall = Rectangle(height=3, width=0.4, fill_opacity=1, color=ORANGE).set_z_index(1)
        self.add(tall)
        self.play(dot.animate.shift(4 * LEFT + DOWN), run_time=1)


@contextmanager
def drawing(update_frame) -> Iterator[None]:
    """Frames drawn by this update_frame for the duration."""
    kept = CairoRenderer.update_frame
    CairoRenderer.update_frame = update_frame
    try:
        yield
    finally:
        CairoRenderer.update_frame = kept


def counted_compositions(monkeypatch) -> list[bool]:
    """Note whether changed_only drew each frame it was offered."""
    drawn: list[bool] = []
    compose = changed_only.ChangedOnly.compose

    def noted(self, *args):
        drawn.append(compose(self, *args))
        return drawn[-1]

    monkeypatch.setattr(changed_only.ChangedOnly, "compose", noted)
    return drawn


def test_frames_drawn_changed_only_are_manims(monkeypatch):
    with drawing(manim_cli.MANIMS_UPDATE_FRAME):
        manims = frames_drawn_by(PastStaticShapes)
    composed = counted_compositions(monkeypatch)
    with drawing(manim_cli.update_frame):
        ours = frames_drawn_by(PastStaticShapes)
    assert len(ours) == len(manims) > 40
    assert [at for at, (a, b) in enumerate(zip(ours, manims, strict=True)) if a != b] == []
    assert sum(composed) >= 40  # every frame but each play's first was drawn changed_only
    assert len(set(manims)) > 40  # the dot and its marker really moved
