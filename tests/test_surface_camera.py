"""Section 5's camera draws a surface's faces all at once, never through Manim's per-face
drawing, and every frame exactly as Manim's ThreeDCamera does: through a fade, a camera move
and a moved surface."""

from __future__ import annotations

import numpy as np
from manim import (
    BLUE_D,
    BLUE_E,
    DEGREES,
    OUT,
    FadeIn,
    Surface,
    ThreeDCamera,
    ThreeDScene,
)

from scenes.surface_camera import SurfaceCamera

from .scene_rendering import frames_drawn_by


class TurningSurface(ThreeDScene):
    camera_type = ThreeDCamera

    def __init__(self, **kwargs) -> None:
        super().__init__(camera_class=type(self).camera_type, **kwargs)

    def construct(self) -> None:
        self.set_camera_orientation(phi=65 * DEGREES, theta=-40 * DEGREES)
        surface = Surface(
            lambda u, v: np.array([u, v, 0.6 * np.sin(u) * np.cos(v)]),
            u_range=[-2, 2],
            v_range=[-2, 2],
            resolution=(10, 10),
            checkerboard_colors=[BLUE_D, BLUE_E],
            stroke_width=0.6,
        )
        self.play(FadeIn(surface), run_time=0.6)
        self.move_camera(phi=50 * DEGREES, theta=-110 * DEGREES, run_time=1.0)
        self.play(surface.animate.shift(0.8 * OUT).rotate(20 * DEGREES), run_time=0.8)


class TurningSurfaceAtOnce(TurningSurface):
    camera_type = SurfaceCamera


def test_surface_camera_draws_every_frame_as_manims_camera(monkeypatch):
    handed = []
    display = SurfaceCamera.display_vectorized

    def counted(camera, vmobject, ctx):
        handed.append(vmobject)
        return display(camera, vmobject, ctx)

    monkeypatch.setattr(SurfaceCamera, "display_vectorized", counted)
    expected = frames_drawn_by(TurningSurface)
    drawn = frames_drawn_by(TurningSurfaceAtOnce)
    assert len(drawn) == len(expected) > 30
    differing = [k for k, (a, b) in enumerate(zip(expected, drawn, strict=True)) if a != b]
    assert differing == []
    assert handed == []  # every face was drawn with the others, none by Manim's own path
