"""Every frame a section writes is what a fresh drawing of the scene shows at that moment.

Manim draws a play's unchanging mobjects once into a background image. These tests render
every section tiny, for two seeds, in 2-D and 3-D, and compare each written frame with
everything on screen drawn from scratch (see tests/frame_audit.py).
"""

from __future__ import annotations

import pytest
from manim import Scene

from scenes.wiggle import Wiggle

from .scene_rendering import SCENES, SEEDS, render_tiny, rendered


@pytest.mark.parametrize("scene_class", SCENES)
@pytest.mark.parametrize("seed", SEEDS)
def test_every_frame_written_equals_a_fresh_drawing(scene_class, seed):
    audit = rendered(scene_class, seed).frame_audit
    assert audit.checked >= 100, "too few frames were compared to mean anything"
    assert audit.mismatches == []


class WiggleWithManimsFrameList(Wiggle):
    """The read-outs as the film drew them before: Manim's moving list, fixed per play."""

    def update_to_time(self, t: float) -> None:
        Scene.update_to_time(self, t)


def test_a_read_out_drawn_over_its_old_reading_is_caught(tmp_path):
    audit = render_tiny(WiggleWithManimsFrameList, 0, media=tmp_path).frame_audit
    assert len(audit.mismatches) >= 10  # every frame of the sweeps
