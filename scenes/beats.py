"""The beats of a section as a presenter steps through them: which frames each one holds and
which narration lines it speaks.

A beat is a method marked `@beat` (scenes/lesson_scene.py). The ones `construct` calls are
the section's beats; a beat called inside another (a training step inside a run of steps)
is part of the outer one. They follow each other with no frame between them, and each ends
after its lines have been said, so a presenter that pauses at a beat's end never cuts a line
short. Its last frame shows how it ends: a beat that ends on an animation (whose last frame
Manim draws one step short of its end) is held one frame more, showing it finished.
A beat that would start inside a line is an error: make the line part of a beat.

The beats go back to render.py in the scene's report (scenes/contract.py), and it builds the
lecture's timeline, beats.json, from them (publishing/presenter.py).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from manim import Scene


class Beats:
    """The outermost beats of one scene, in frames of its video."""

    def __init__(self, scene: Scene) -> None:
        self.scene = scene
        self.depth = 0  # how many beats are running now, one inside another
        self.beats: list[dict] = []

    def frame(self) -> int:
        """How many frames the scene has written so far (its clock counts whole frames)."""
        return round(self.scene.renderer.time * self.scene.camera.frame_rate)

    @contextmanager
    def beat(self, name: str) -> Iterator[None]:
        """Note the frames and lines of the block as the beat `name`, when it is outermost."""
        narrator = self.scene.narrator
        outermost = self.depth == 0
        if outermost and narrator.speaking:
            raise RuntimeError(
                f"the beat {name!r} starts inside a line of narration: a presenter pausing "
                "at its end would cut the line short; make the line part of a beat"
            )
        start, first_line = self.frame(), len(narrator.spoken)
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1
        if outermost:
            if len(narrator.spoken) > first_line:
                narrator.breathe()
            if not self.scene.ends_still:  # its last frame was one step short of its end
                self.scene.wait_at_least(1 / self.scene.camera.frame_rate)
            lines = [line["id"] for line in narrator.spoken[first_line:]]
            self.beats.append(
                {"name": name, "start_frame": start, "end_frame": self.frame(), "lines": lines}
            )


def beat(method: Callable) -> Callable:
    """Mark a method as one beat of the scene: a presenter pauses where it ends (when
    `construct` calls it; see scenes/beats.py), and its last frame can be saved."""

    @functools.wraps(method)
    def run(self: Scene, *args, **kwargs):
        with self.beats.beat(method.__name__):
            result = method(self, *args, **kwargs)
        self.key_frames.save(method.__name__)
        return result

    return run
