"""Hold every frame a scene writes to a fresh drawing of the scene at that moment.

Manim paints a play's unchanging mobjects once into a background image and draws only the
moving ones on top, frame after frame. A mobject left in that image after it changed, one
drawn twice, or one never drawn shows up as a difference between the frame written and a
drawing of everything on screen made from scratch.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

# Anti-aliasing may shift an edge pixel's value a little; a stale or missing glyph changes
# a pixel by far more. A frame is wrong when more than TOLERATED_PIXELS differ by more
# than LEVEL in some channel.
LEVEL = 24
TOLERATED_PIXELS = 2


def mean_difference(a: np.ndarray, b: np.ndarray) -> float:
    """How far apart two pictures are: the mean absolute difference of their RGB values."""
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


@dataclass
class Mismatch:
    frame: int  # index of the frame in the video
    play: int  # Manim's play counter when it was written
    pixels: int  # how many pixels differ by more than LEVEL
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 of the differing pixels


@dataclass
class FrameAudit:
    """Installed on a scene's renderer; compares every written frame with a fresh drawing."""

    frames: int = 0
    checked: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)

    def install(self, scene) -> None:
        renderer = scene.renderer
        write = renderer.add_frame

        def audited_add_frame(frame, num_frames: int = 1):
            if not renderer.skip_animations:
                self.compare(scene, frame)
                self.frames += num_frames
            write(frame, num_frames)

        renderer.add_frame = audited_add_frame

    def compare(self, scene, written: np.ndarray) -> None:
        renderer = scene.renderer
        written = np.array(written, copy=True)
        background = renderer.static_image
        renderer.static_image = None
        try:
            renderer.update_frame(scene)  # everything in the scene, drawn from nothing
            fresh = renderer.get_frame()
        finally:
            renderer.static_image = background
            renderer.camera.pixel_array[...] = written
        self.checked += 1
        diff = np.abs(fresh.astype(np.int16) - written.astype(np.int16)).max(axis=2)
        wrong = diff > LEVEL
        count = int(wrong.sum())
        if count > TOLERATED_PIXELS:
            ys, xs = np.nonzero(wrong)
            box = (int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max()))
            self.mismatches.append(Mismatch(self.frames, renderer.num_plays, count, box))
