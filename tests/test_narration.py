"""A narration block holds its line long enough to read, and blocks do not nest."""

from __future__ import annotations

import pytest
import srt

from scenes import style
from scenes.loss import Loss

from .scene_rendering import render_tiny

QUICK = "Short."
LONG = "A line long enough that it needs more time to read than its block takes to play."


class TwoLines(Loss):
    def construct(self) -> None:
        with self.narration(QUICK):
            self.wait(1.0)  # longer than the line needs
        with self.narration(LONG):
            pass  # nothing to show: the block still holds the line until it is read


class NestedLines(Loss):
    def construct(self) -> None:
        with self.narration(QUICK), self.narration(LONG):
            pass


def test_each_line_stays_as_long_as_it_needs_and_no_longer_than_its_block(tmp_path):
    scene = render_tiny(TwoLines, 0, media=tmp_path)
    (path,) = tmp_path.rglob("*.srt")
    quick, long = srt.parse(path.read_text())
    assert quick.content == QUICK
    # A line of 80 characters is one cue of two lines of at most 42.
    assert long.content.split("\n") == [
        "A line long enough that it needs more time",
        "to read than its block takes to play.",
    ]
    # The quick line's block plays its fade (0.5 s) and a 1 s wait; the next line's fade-out
    # of it belongs to the next line's start.
    assert (quick.end - quick.start).total_seconds() == pytest.approx(1.5, abs=0.21)
    needed = len(LONG) / style.READING_SPEED
    assert (long.end - long.start).total_seconds() >= needed - 0.21  # one frame at 5 fps
    assert scene.renderer.time >= needed


def test_a_line_inside_another_is_refused(tmp_path):
    with pytest.raises(RuntimeError, match="inside another"):
        render_tiny(NestedLines, 0, media=tmp_path)
