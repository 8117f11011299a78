"""Manim's 3-D camera, drawing the faces of a shaded surface all at once instead of one by one.

Drawing the loss surface, Manim's ThreeDCamera projects, shades, orders and paints each of
its hundreds of faces through a dozen Python calls of its own on every frame the camera or
the surface moves: section 5's slowest work. The arithmetic is the same for every face, so
this camera does it in numpy over all the faces at once (the projection with the camera's
rotation, perspective and zoom; each face's light on its start and end corners, as
`get_shaded_rgb` adds it; each face's depth), and leaves only Cairo's own calls per face:
its path, its fill and stroke gradients. The numbers are Manim's, in Manim's order, so the
picture is Manim's (section 5's 1080p60 video came out byte for byte the same, and a 1080p
frame of the surface took 66 ms instead of 158, 47 of them Cairo's filling and stroking).
Anything that is not a plain shaded face (text, the ball, a shape Manim would split into
pieces, points that are not finite) is drawn by Manim's code, in its place in depth.
"""

from __future__ import annotations

import itertools as it
from collections.abc import Sequence
from typing import Any

import cairo
import numpy as np
from manim import DOWN, Mobject, ThreeDCamera, VMobject
from manim.camera.camera import CAP_STYLE_MAP, LINE_JOIN_MAP

RTOL = 1.0e-5  # np.isclose's, as Manim uses to decide whether two anchors meet
NORMAL_TOLERANCE = 1e-6  # get_unit_normal's: a shorter cross product is no normal


def bounding_centres(points: np.ndarray) -> np.ndarray:
    """Each face's `get_center` (the middle of its anchors' box), for faces of n points
    stacked as (faces, n, 3)."""
    anchors = np.concatenate([points[:, 0::4], points[:, 3::4]], axis=1)
    return (anchors.max(axis=1) + anchors.min(axis=1)) / 2


def unit_normals(v1: np.ndarray, v2: np.ndarray) -> np.ndarray:
    """`get_unit_normal(v1, v2)` for rows of vectors at once, every branch of it: the unit
    cross product, or, where that is too short (a vector is zero, or both are aligned), the
    first non-zero one turned 90 degrees toward the z axis (DOWN if it is upright or both
    are zero)."""
    div1, div2 = np.abs(v1).max(axis=1), np.abs(v2).max(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        u1, u2 = v1 / div1[:, None], v2 / div2[:, None]
        cross = np.cross(u1, u2)
        length = np.sqrt(np.einsum("ij,ij->i", cross, cross))
        crossed = (div1 > 0) & (div2 > 0) & (length > NORMAL_TOLERANCE)
        u = np.where((div1 == 0)[:, None], u2, u1)
        x, y, z = u.T
        turned = np.stack([-x * z, -y * z, x * x + y * y], axis=1)
        turned /= np.sqrt(np.einsum("ij,ij->i", turned, turned))[:, None]
        upright = (np.abs(x) < NORMAL_TOLERANCE) & (np.abs(y) < NORMAL_TOLERANCE)
        upright |= (div1 == 0) & (div2 == 0)
        turned[upright] = DOWN
        return np.where(crossed[:, None], cross / length[:, None], turned)


def corner_lights(points: np.ndarray, index: int, light_source: np.ndarray) -> np.ndarray:
    """What `get_shaded_rgb` adds to each face's colour (the same for red, green and blue)
    at one point index, facing `get_3d_vmob_unit_normal` there, for faces of n >= 8 points
    stacked as (faces, n, 3)."""
    n = points.shape[1]
    before = index - 3 if index > 2 else n - 4
    after = index + 3 if index < n - 3 else 3
    corner = points[:, index]
    normals = unit_normals(points[:, after] - corner, points[:, before] - corner)
    to_sun = light_source - corner
    distance = np.sqrt(np.einsum("ij,ij->i", to_sun, to_sun))
    with np.errstate(divide="ignore", invalid="ignore"):
        to_sun = np.where((distance > 0)[:, None], to_sun / distance[:, None], 0.0)
    light = 0.5 * np.einsum("ij,ij->i", normals, to_sun) ** 3
    return np.where(light < 0, 0.5 * light, light)


def shaded(
    rgbas: Sequence[np.ndarray], start: np.ndarray, end: np.ndarray
) -> list[list[list[float]]]:
    """ThreeDCamera.modified_rgbas for many faces: each face's first two colours (one
    colour twice), lit at the start and the end corner, as plain floats for Cairo."""
    pairs = np.array([rgba[:2] if len(rgba) >= 2 else rgba.repeat(2, axis=0) for rgba in rgbas])
    pairs[:, 0, :3] += start[:, None]
    pairs[:, 1, :3] += end[:, None]
    return pairs.tolist()


def gradient(
    start: Sequence[float], end: Sequence[float], rgbas: Sequence[Sequence[float]]
) -> cairo.Pattern:
    """set_cairo_context_color's two-stop gradient from one corner to the other (Cairo's
    surface holds BGR, so the colours go in reversed, as Manim passes them)."""
    pattern = cairo.LinearGradient(start[0], start[1], end[0], end[1])
    (r0, g0, b0, a0), (r1, g1, b1, a1) = rgbas
    pattern.add_color_stop_rgba(0.0, b0, g0, r0, a0)
    pattern.add_color_stop_rgba(1.0, b1, g1, r1, a1)
    return pattern


class SurfaceCamera(ThreeDCamera):
    """A ThreeDCamera that projects, shades and orders plain shaded faces all at once."""

    def is_face(self, mobject: Mobject) -> bool:
        """A mobject this camera draws with the others of its run: a shaded VMobject of
        whole cubic curves, neither fixed in the frame nor turned to face the camera."""
        return (
            isinstance(mobject, VMobject)
            and mobject.shade_in_3d
            and self.should_apply_shading
            and len(mobject.points) >= 8
            and len(mobject.points) % 4 == 0
            and mobject not in self.fixed_in_frame_mobjects
            and mobject not in self.fixed_orientation_mobjects
        )

    def get_mobjects_to_display(self, *args: Any, **kwargs: Any) -> list[Mobject]:
        """ThreeDCamera's order (by the depth of each shaded mobject's centre, nearest last,
        the rest after them in their own order), with the faces' depths found at once."""
        mobjects = super(ThreeDCamera, self).get_mobjects_to_display(*args, **kwargs)
        depth_axis = self.get_rotation_matrix()[2]
        keys = np.full(len(mobjects), np.inf)
        faces: dict[int, list[int]] = {}  # stacked by their number of points
        for k, mob in enumerate(mobjects):
            if not getattr(mob, "shade_in_3d", False):
                continue
            if (
                not mob.submobjects
                and getattr(mob, "z_index_group", mob) is mob
                and len(mob.points) >= 4
                and len(mob.points) % 4 == 0
            ):
                faces.setdefault(len(mob.points), []).append(k)
            else:
                keys[k] = np.dot(mob.get_z_index_reference_point(), depth_axis)
        for indices in faces.values():
            points = np.stack([mobjects[k].points for k in indices])
            keys[indices] = bounding_centres(points) @ depth_axis
        return [mobjects[k] for k in np.argsort(keys, kind="stable")]

    def display_multiple_non_background_colored_vmobjects(
        self, vmobjects: Sequence[VMobject], pixel_array: np.ndarray
    ) -> None:
        """Manim's drawing in the given order, runs of faces of one size painted together."""
        ctx = self.get_cairo_context(pixel_array)
        runs = it.groupby(vmobjects, lambda vm: len(vm.points) if self.is_face(vm) else None)
        for size, run in runs:
            if size is None:
                for vmobject in run:
                    self.display_vectorized(vmobject, ctx)
            else:
                self.display_faces(list(run), ctx)

    def display_faces(self, faces: list[VMobject], ctx: cairo.Context) -> None:
        """display_vectorized for faces of equally many points, the numbers worked out for
        all of them at once; a face Manim would treat specially (points not finite, a path
        in pieces) is left to Manim."""
        points = np.stack([face.points for face in faces])
        count, size = points.shape[:2]
        end = ((size - 1) // 6) * 3  # get_3d_vmob_end_corner_index
        light_source = self.light_source.points[0]
        with np.errstate(invalid="ignore", over="ignore"):
            flat = self.project_points(points.reshape(-1, 3)).reshape(count, size, 3)[..., :2]
            start_light = corner_lights(points, 0, light_source)
            end_light = corner_lights(points, end, light_source)
            ok = np.isfinite(points).all(axis=(1, 2))
            tolerance = np.array([face.tolerance_for_point_equality for face in faces])

            def meet(a: np.ndarray, b: np.ndarray) -> np.ndarray:
                """Manim's test that two anchors meet (np.isclose), per pair of points."""
                atol = tolerance.reshape((count,) + (1,) * (b.ndim - 1))
                return (np.abs(a - b) <= atol + RTOL * np.abs(b)).all(axis=-1)

            ok &= meet(flat[:, 3:-1:4], flat[:, 4::4]).all(axis=1)  # one path, no pieces
            closed = meet(flat[:, 0], flat[:, -1])
        fills = shaded([face.get_fill_rgbas() for face in faces], start_light, end_light)
        strokes = shaded([face.get_stroke_rgbas() for face in faces], start_light, end_light)
        backs = shaded([face.get_stroke_rgbas(True) for face in faces], start_light, end_light)
        corners = flat[:, [0, end]].tolist()
        paths = flat.reshape(count, -1).tolist()
        for k, face in enumerate(faces):
            if not ok[k]:
                self.display_vectorized(face, ctx)
                continue
            path = paths[k]
            ctx.new_path()
            ctx.new_sub_path()
            ctx.move_to(path[0], path[1])
            for b in range(2, 2 * size, 8):
                ctx.curve_to(*path[b : b + 6])
            if closed[k]:
                ctx.close_path()
            self.stroke_face(ctx, face, corners[k], backs[k], background=True)
            ctx.set_source(gradient(*corners[k], fills[k]))
            ctx.fill_preserve()
            self.stroke_face(ctx, face, corners[k], strokes[k], background=False)

    def stroke_face(
        self,
        ctx: cairo.Context,
        face: VMobject,
        corners: list[list[float]],
        rgbas: list[list[float]],
        background: bool,
    ) -> None:
        """apply_stroke with the colours already lit."""
        width = face.get_stroke_width(background)
        if width == 0:
            return
        ctx.set_source(gradient(*corners, rgbas))
        ctx.set_line_width(width * self.cairo_line_width_multiple)
        ctx.set_line_join(LINE_JOIN_MAP[face.joint_type])
        ctx.set_line_cap(CAP_STYLE_MAP[face.cap_style])
        ctx.stroke_preserve()
