"""Key frames: each beat's telling moment, noted by time and, when asked, saved as a still.

render.py takes the lecture's thumbnail from the times noted (they go back in the scene's
report, scenes/contract.py), and the stills (saved when the request names a folder) let a
reviewer see every beat without playing the video.
"""

from __future__ import annotations

from pathlib import Path

from manim import Scene


class KeyFrames:
    """The key frames of one scene."""

    def __init__(self, scene: Scene) -> None:
        self.scene = scene
        self.times: list[tuple[str, float]] = []
        self.stills: list[str] = []  # the PNGs saved, in order

    def save(self, name: str) -> None:
        """Note the frame on screen now, and save it as a still when stills were asked for.

        Beats call this at their most telling moment too, not only at their end. The time
        is noted whether or not stills are saved, so a frame can be found in the video."""
        scene = self.scene
        self.times.append((name, scene.renderer.time))
        folder = scene.request.stills
        if folder and not scene.renderer.skip_animations:
            path = Path(folder) / f"{len(self.stills) + 1:02d}-{name}.png"
            self.stills.append(str(path))
            path.parent.mkdir(parents=True, exist_ok=True)
            # The last frame Manim drew is one step short of the animation's end: draw the
            # finished state, as the next frame of the video will show it.
            scene.renderer.update_frame(scene)
            scene.camera.get_image().convert("RGB").save(path)
