"""Key frames: each beat's telling moment, noted by time and, when asked, saved as a still.

render.py takes the lecture's thumbnail from the timeline (MECHANICS_KEY_FRAMES) and the
stills (MECHANICS_STILLS) let a reviewer see every beat without playing the video.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from manim import Scene

from scenes.seeding import KEY_FRAMES_VARIABLE, STILLS_VARIABLE


class KeyFrames:
    """The key frames of one scene."""

    def __init__(self, scene: Scene) -> None:
        self.scene = scene
        self.times: list[tuple[str, float]] = []
        self.saved = 0

    def save(self, name: str) -> None:
        """Note the frame on screen now, and save it as a still when stills were asked for.

        Beats call this at their most telling moment too, not only at their end. The time
        is noted whether or not stills are saved, so a frame can be found in the video."""
        scene = self.scene
        self.times.append((name, scene.renderer.time))
        folder = os.environ.get(STILLS_VARIABLE)
        if folder and not scene.renderer.skip_animations:
            self.saved += 1
            path = Path(folder) / f"{self.saved:02d}-{name}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            # The last frame Manim drew is one step short of the animation's end: draw the
            # finished state, as the next frame of the video will show it.
            scene.renderer.update_frame(scene)
            scene.camera.get_image().convert("RGB").save(path)

    def write_timeline(self) -> None:
        """Write when each key frame was on screen, when a timeline was asked for."""
        timeline = os.environ.get(KEY_FRAMES_VARIABLE)
        if timeline:
            times = [{"name": name, "seconds": seconds} for name, seconds in self.times]
            Path(timeline).write_text(json.dumps(times, indent=1))
