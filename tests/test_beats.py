"""A section's beats, as a presenter steps through them: the beats `construct` calls, in
frames of the video, each ending on its finished picture and after its lines."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from manim import FadeIn, Square, linear

from publishing import video
from scenes.lesson_scene import beat
from scenes.loss import Loss

from .frame_audit import mean_difference
from .scene_rendering import TINY, render_tiny, scene_video

FPS = TINY["frame_rate"]


class EndsMoving(Loss):
    """A beat whose last play is a fade, then a beat that holds still."""

    def construct(self) -> None:
        self.fade_in_a_square()
        self.rest()

    @beat
    def fade_in_a_square(self) -> None:
        self.play(FadeIn(Square(6.0, fill_opacity=1.0)), run_time=1.0, rate_func=linear)

    @beat
    def rest(self) -> None:
        self.wait(1.0)


class InnerBeats(Loss):
    def construct(self) -> None:
        self.outer()

    @beat
    def outer(self) -> None:
        with self.narration("One line over two inner beats."):
            self.inner()
            self.inner()

    @beat
    def inner(self) -> None:
        self.wait(0.4)


class BeatInsideALine(InnerBeats):
    def construct(self) -> None:
        with self.narration("A line a beat starts inside."):
            self.inner()


def video_frames(media: Path) -> list[np.ndarray]:
    return list(video.frames(scene_video(media)))


def test_a_beat_that_ends_on_a_play_is_held_one_frame_showing_it_finished(tmp_path):
    scene = render_tiny(EndsMoving, 0, media=tmp_path)
    fade, rest = scene.beats.beats
    # The fade's 5 frames show it one step short of its end at most; one more frame shows
    # it done. The rest holds 5 frames.
    assert (fade["name"], fade["start_frame"], fade["end_frame"]) == ("fade_in_a_square", 0, 6)
    assert (rest["name"], rest["start_frame"], rest["end_frame"]) == ("rest", 6, 11)
    frames = video_frames(tmp_path)
    assert len(frames) == 11
    finished = frames[-1]  # the still square, as the rest shows it
    assert mean_difference(frames[fade["end_frame"] - 1], finished) < 0.5
    assert mean_difference(frames[fade["end_frame"] - 2], finished) > 5.0  # still fading


def test_beats_inside_a_beat_are_part_of_it_with_its_lines(tmp_path):
    scene = render_tiny(InnerBeats, 0, media=tmp_path)
    (outer,) = scene.beats.beats
    assert outer["name"] == "outer" and outer["start_frame"] == 0
    assert outer["end_frame"] == len(video_frames(tmp_path))
    assert outer["lines"] == [line["id"] for line in scene.narrator.spoken]
    assert len(outer["lines"]) == 1


def test_a_beat_starting_inside_a_line_is_refused(tmp_path):
    with pytest.raises(RuntimeError, match="starts inside a line of narration"):
        render_tiny(BeatInsideALine, 0, media=tmp_path)
