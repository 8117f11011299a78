"""A narration block holds its line long enough to read, blocks do not nest, a play can
wait for a marked word, and a burned-in caption shows the cue being said."""

from __future__ import annotations

import pytest
import srt
from manim import Dot, FadeIn

from scenes import style
from scenes.cues import cues_of
from scenes.loss import Loss
from scenes.narration import CueCaption
from voices.timing import read_word_times

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


MARKED = "One two three ^four five six seven eight nine ten eleven twelve."


class MarkedLine(Loss):
    """A play waits for a marked word; another is late for its mark."""

    def construct(self) -> None:
        with self.narration(MARKED) as line:
            line.wait_for("four")
            self.landed = self.renderer.time - line.start
            self.due = line.time_of("four")
            self.play(FadeIn(Dot()), run_time=0.4)
        with self.narration("^Early word, then a long play.") as line:
            self.wait(1.0)
            line.wait_for("early")  # already past: noted as late, not waited for


def test_a_play_waits_for_its_marked_word_and_a_late_mark_is_noted(tmp_path, monkeypatch):
    scene = render_tiny(MarkedLine, 0, media=tmp_path)
    # A silent film reads: "four" comes after "One two three " at reading speed.
    assert scene.due == pytest.approx(len("One two three ") / style.READING_SPEED)
    assert scene.due <= scene.landed <= scene.due + 1 / 5 + 1e-6  # within a frame at 5 fps
    first, second = scene.report(captions=None).lines
    assert first["marks"] == {"four": pytest.approx(scene.due, abs=1e-3)}
    assert first["late_marks"] == {}
    # Its word is the line's first; the play reached it after the caption's fade-in and
    # the one-second wait.
    assert 1.0 <= second["late_marks"]["early"] <= 1.0 + 0.5 + 0.21


def test_a_burned_caption_of_several_cues_shows_the_one_being_said():
    times = read_word_times(LONG + " " + LONG, style.READING_SPEED)
    cues = cues_of(times, 2 * len(LONG) / style.READING_SPEED)
    assert len(cues) >= 2
    now = [0.0]
    caption = CueCaption(cues, lambda: now[0])
    shown = []
    for cue in cues:
        now[0] = cue.start + 0.01
        caption.update()
        (block,) = caption.submobjects
        shown.append(block is caption.blocks[cues.index(cue)])
    assert all(shown)
    now[0] = 0.0
    caption.update()
    assert caption.submobjects == [caption.blocks[0]]
