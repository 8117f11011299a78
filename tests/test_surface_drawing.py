"""Section 5's camera paints the engine's real surface as Manim's own ThreeDCamera does: the
same picture from the views the film takes, with the ball, its trail, another shaded
object standing in the valley (its faces must interleave with the surface's in depth) and a
shaded shape in two pieces (left to Manim) in it. A camera that orders the faces wrongly
draws a picture this comparison tells apart."""

from __future__ import annotations

import itertools as it

import numpy as np
import pytest
from manim import (
    DEGREES,
    RIGHT,
    Dot,
    Line,
    Mobject,
    Sphere,
    Square,
    ThreeDCamera,
    VMobject,
    tempconfig,
)

from scenes import style
from scenes.generalization import FLOOR_VIEW, ROLL_VIEW, START_VIEW, Generalization
from scenes.surface_camera import SurfaceCamera

SIZE = {"pixel_width": 320, "pixel_height": 180}
MEAN_LEVELS = 0.1  # mean absolute difference allowed, in 8-bit levels
FAR_OFF = 16  # levels: a pixel this far off is a different picture there...
FAR_OFF_SHARE = 5e-4  # ...and at most this share of the pixels may be


class FacesBackToFront(SurfaceCamera):
    """A planted defect: the shaded faces drawn farthest last."""

    def get_mobjects_to_display(self, *args, **kwargs) -> list[Mobject]:
        order = super().get_mobjects_to_display(*args, **kwargs)
        shaded = [mob for mob in order if getattr(mob, "shade_in_3d", False)]
        return shaded[::-1] + [mob for mob in order if mob not in shaded]


def valley_scene() -> list[Mobject]:
    """Seed 0's surface as the film builds it, with the ball, two trail segments, a
    shaded sphere in the valley and a shaded two-piece shape."""
    scene = Generalization(seed=0)
    scene.axes = scene.build_axes()
    surface = scene.build_surface()
    points = [scene.path_point(step) for step in range(3)]
    ball = Dot(points[2], radius=0.13, color=style.HIGHLIGHT)
    trail = [Line(a, b).set_stroke(style.HIGHLIGHT, 4) for a, b in it.pairwise(points)]
    sphere = Sphere(points[1], radius=0.5, resolution=(8, 8))
    pieces = VMobject(shade_in_3d=True).set_fill(style.LOSS, 0.8)
    pieces.set_points(np.vstack([Square(0.6).points, Square(0.4).shift(RIGHT).points]))
    pieces.move_to(points[0]).rotate(70 * DEGREES, RIGHT)
    return [surface, sphere, pieces, *trail, ball]


def drawn(camera_class: type[ThreeDCamera], mobjects, phi: float, theta: float) -> np.ndarray:
    """One picture of the mobjects, from (phi, theta), by a fresh camera of the class."""
    camera = camera_class()
    camera.set_phi(phi)
    camera.set_theta(theta)
    camera.frame_center = mobjects[0].get_center()
    camera.add_fixed_orientation_mobjects(mobjects[-1])
    camera.capture_mobjects(mobjects)
    return camera.pixel_array[..., :3].astype(float)


def left_to_manim(monkeypatch, mobjects) -> list[Mobject]:
    """The mobjects SurfaceCamera hands to Manim's display_vectorized when it draws."""
    handed: list[Mobject] = []
    display = SurfaceCamera.display_vectorized

    def counted(camera, vmobject, ctx):
        handed.append(vmobject)
        return display(camera, vmobject, ctx)

    monkeypatch.setattr(SurfaceCamera, "display_vectorized", counted)
    with tempconfig(SIZE):
        drawn(SurfaceCamera, mobjects, *START_VIEW)
    return handed


def differences(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """The mean absolute difference in levels and the share of pixels far off."""
    off = np.abs(a - b)
    return float(off.mean()), float((off.max(axis=-1) > FAR_OFF).mean())


@pytest.fixture(scope="module")
def valley():
    with tempconfig(SIZE):
        yield valley_scene()


@pytest.mark.parametrize("view", [START_VIEW, ROLL_VIEW, FLOOR_VIEW, (75 * DEGREES, 150 * DEGREES)])
def test_the_real_surface_is_drawn_as_manims_camera_draws_it(valley, view):
    with tempconfig(SIZE):
        expected = drawn(ThreeDCamera, valley, *view)
        mean, far = differences(drawn(SurfaceCamera, valley, *view), expected)
        assert expected.std() > 10  # a picture, not a blank frame
        assert mean <= MEAN_LEVELS and far <= FAR_OFF_SHARE, (mean, far)
        mean, far = differences(drawn(FacesBackToFront, valley, *view), expected)
        assert mean > MEAN_LEVELS or far > FAR_OFF_SHARE, (mean, far)  # the test sees it


def test_only_what_is_not_a_plain_face_is_left_to_manim(valley, monkeypatch):
    surface, sphere, pieces, *others = valley
    handed = left_to_manim(monkeypatch, valley)
    assert len(surface) > 300 and len(sphere) > 30
    assert set(map(id, handed)) == {id(pieces), *map(id, others)}
