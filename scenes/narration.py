"""Narration: one line at a time in the caption band and in the .srt, each up long enough
to read.

    with self.narration("As confidence drops, the loss climbs."):
        self.slide_to(1, run_time=2.0)

The line comes in as the block starts (the previous one fades out first: never two on top)
and the block does not end before the line has been up for `len(words) / READING_SPEED`
seconds. The line stays on screen, and its subtitle runs, until the next line comes or the
scene ends.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from contextlib import contextmanager

from manim import DOWN, UP, FadeIn, FadeOut, Scene, VGroup

from scenes import style
from scenes.diagram import text


class Caption(VGroup):
    """A line or two of narration in the caption band: the one thing allowed there."""


def caption_block(words: str) -> Caption:
    """The narration, wrapped to at most two balanced lines, centred in the caption band."""
    lines = textwrap.wrap(words, width=72)
    if len(lines) > 1:
        width = len(words) // 2 + 4
        while len(lines := textwrap.wrap(words, width=width)) > 2:
            width += 2
    block = Caption(*[text(line, size=style.CAPTION_SIZE, colour=style.MUTED) for line in lines])
    block.arrange(DOWN, buff=0.08)
    if block.width > style.CAPTION_WIDTH:
        block.scale_to_fit_width(style.CAPTION_WIDTH)
    return block.move_to([0, style.CAPTION_Y, 0])


class Narrator:
    """The caption band and the subtitles of one scene."""

    def __init__(self, scene: Scene) -> None:
        self.scene = scene
        self.caption: Caption | None = None
        self.words: str | None = None  # the open subtitle's words
        self.start = 0.0  # when the open subtitle came on
        self.speaking = False  # inside a narration block

    @contextmanager
    def line(self, words: str, run_time: float = 0.5) -> Iterator[None]:
        """Show `words` for the block, and at least as long as they take to read."""
        if self.speaking:
            raise RuntimeError(f"a narration inside another: {words!r}; end the first block")
        self.show(words, run_time)
        self.speaking = True
        try:
            yield
        finally:
            self.speaking = False
        self.hold()

    def show(self, words: str, run_time: float) -> None:
        scene = self.scene
        self.hold()
        self.close()
        caption = scene.pin(caption_block(words))
        if self.caption is not None:
            scene.play(FadeOut(self.caption), run_time=0.4 * run_time)
            run_time *= 0.6
        self.start = scene.renderer.time
        scene.play(FadeIn(caption, shift=0.1 * UP), run_time=run_time)
        # Manim redraws on every frame everything added after the first moving mobject
        # (to keep the stacking order). Nothing else enters the caption band, so the caption
        # can go to the bottom of the stack: then it is drawn once per play, into the
        # background, instead of on every frame (tens of glyphs, the costliest text).
        scene.bring_to_back(caption)
        self.caption = caption
        self.words = words

    def hold(self) -> None:
        """Wait, if need be, until the open line has been up long enough to read."""
        if self.words is None:
            return
        needed = len(self.words) / style.READING_SPEED
        shown_for = self.scene.renderer.time - self.start
        if needed - shown_for >= 0.25:  # a shorter hold would not be noticed
            self.scene.wait(needed - shown_for)

    def close(self) -> None:
        """End the open subtitle now (its line may stay on screen until the next)."""
        if self.words is None:
            return
        elapsed = self.scene.renderer.time - self.start
        self.scene.add_subcaption(self.words, duration=elapsed, offset=-elapsed)
        self.words = None
