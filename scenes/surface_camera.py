"""Manim's 3-D camera, with the per-face work that does not depend on the view done once.

Drawing the loss surface, the camera shades every face and sorts the faces by depth on
every frame. The shade of a face depends only on where its corners are and on the light,
and a face's centre only on its points, yet Manim computed both again for each of the
hundreds of faces on each frame (about a sixth of section 5's time at 1080p, by py-spy).
This camera keeps, per face, the light on each corner and the centre, for as long as the
face's points (and the light) stay exactly as they were: section 5 rendered at 720p in
73 s instead of 94. The arithmetic that remains is Manim's own, on the same numbers, so
every pixel is as Manim draws it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from manim import Mobject, ThreeDCamera, VMobject
from manim.mobject.three_d.three_d_utils import (
    get_3d_vmob_end_corner,
    get_3d_vmob_end_corner_unit_normal,
    get_3d_vmob_start_corner,
    get_3d_vmob_start_corner_unit_normal,
)
from manim.utils.color.core import get_shaded_rgb

NO_COLOUR = np.zeros(3)


class SurfaceCamera(ThreeDCamera):
    """A ThreeDCamera that remembers each face's light and centre while its points hold."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._lights: dict[int, tuple[bytes, bytes, np.ndarray, np.ndarray]] = {}
        self._centres: dict[int, tuple[bytes, np.ndarray]] = {}

    def corner_lights(self, vmobject: VMobject) -> tuple[np.ndarray, np.ndarray]:
        """What Manim's shading adds to the start and end corners' colour: `get_shaded_rgb`
        of black, so adding it to a colour is exactly Manim's `rgb + light`."""
        points = vmobject.points.tobytes()
        light_point = self.light_source.points[0]
        light = light_point.tobytes()
        kept = self._lights.get(id(vmobject))
        if kept is None or kept[0] != points or kept[1] != light:
            start = get_shaded_rgb(
                NO_COLOUR,
                get_3d_vmob_start_corner(vmobject),
                get_3d_vmob_start_corner_unit_normal(vmobject),
                light_point,
            )
            end = get_shaded_rgb(
                NO_COLOUR,
                get_3d_vmob_end_corner(vmobject),
                get_3d_vmob_end_corner_unit_normal(vmobject),
                light_point,
            )
            kept = (points, light, start, end)
            self._lights[id(vmobject)] = kept
        return kept[2], kept[3]

    def modified_rgbas(self, vmobject: VMobject, rgbas: np.ndarray) -> np.ndarray:
        """ThreeDCamera.modified_rgbas, with the corners' light looked up."""
        if not self.should_apply_shading:
            return rgbas
        if vmobject.shade_in_3d and (vmobject.get_num_points() > 0):
            shaded_rgbas = rgbas.repeat(2, axis=0) if len(rgbas) < 2 else np.array(rgbas[:2])
            start, end = self.corner_lights(vmobject)
            shaded_rgbas[0, :3] = shaded_rgbas[0, :3] + start
            shaded_rgbas[1, :3] = shaded_rgbas[1, :3] + end
            return shaded_rgbas
        return rgbas

    def centre(self, mobject: Mobject) -> np.ndarray:
        """`get_z_index_reference_point`, kept while the mobject's points hold (a mobject
        with submobjects or a z-index group is centred afresh: its centre is theirs too)."""
        if mobject.submobjects or getattr(mobject, "z_index_group", mobject) is not mobject:
            return mobject.get_z_index_reference_point()
        points = mobject.points.tobytes()
        kept = self._centres.get(id(mobject))
        if kept is None or kept[0] != points:
            kept = (points, mobject.get_center())
            self._centres[id(mobject)] = kept
        return kept[1]

    def get_mobjects_to_display(self, *args: Any, **kwargs: Any) -> list[Mobject]:
        """ThreeDCamera's order (nearest last), with each face's centre looked up."""
        mobjects = super(ThreeDCamera, self).get_mobjects_to_display(*args, **kwargs)
        rot_matrix = self.get_rotation_matrix()

        def z_key(mob: Mobject) -> float:
            if not (hasattr(mob, "shade_in_3d") and mob.shade_in_3d):
                return np.inf
            return np.dot(self.centre(mob), rot_matrix.T)[2]

        return sorted(mobjects, key=z_key)
