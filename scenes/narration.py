"""Narration: one line at a time in the caption band and in the .srt, each up long enough
to read.

    with self.narration("As confidence drops, the loss climbs."):
        self.slide_to(1, run_time=2.0)

The line comes in as the block starts (the previous one fades out first: never two on top).
When the film speaks (MECHANICS_VOICE), the line's speech starts with it, and the block does
not end before the speech has, plus a short pause: the beat lasts as long as its words need.
A silent film holds each line `len(words) / READING_SPEED` seconds instead, time to read.
The line stays on screen until the next line comes or the scene ends; its subtitle runs
while it is spoken (or, silent, while it is up).

Each line has an id, `<section stem>-<n>` ("02-loss-05"), for the narration script and a
lecturer's recordings; the lines spoken, with when they start, are written to
MECHANICS_LINES for render.py to lay the speech into the section's sound track.
"""

from __future__ import annotations

import json
import os
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from manim import DOWN, UP, FadeIn, FadeOut, Scene, VGroup

from scenes import style
from scenes.diagram import text
from scenes.seeding import LINES_VARIABLE, VOICE_VARIABLE, captions_burned
from voices import SILENT, Clip, voice_named

PAUSE_AFTER_SPEECH = 0.3  # seconds of quiet after a line before the next may start


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
        self.voice = voice_named(os.environ.get(VOICE_VARIABLE, SILENT))
        self.burned = captions_burned()
        self.caption: Caption | None = None
        self.words: str | None = None  # the open subtitle's words
        self.start = 0.0  # when the open subtitle came on
        self.needed = 0.0  # how long the open line must last: its speech, or reading time
        self.speaking = False  # inside a narration block
        self.spoken: list[dict] = []  # every line so far: id, words, start, clip

    def line_id(self) -> str:
        return f"{self.scene.section.stem}-{len(self.spoken) + 1:02d}"

    @contextmanager
    def line(self, words: str, run_time: float = 0.5) -> Iterator[None]:
        """Say (or show) `words` for the block, and at least as long as they take to say
        (or to read, in a silent film)."""
        if self.speaking:
            raise RuntimeError(f"a narration inside another: {words!r}; end the first block")
        line_id = self.line_id()
        clip = self.voice.clip(line_id, words) if self.voice else None
        self.show(words, run_time)
        self.needed = clip.seconds + PAUSE_AFTER_SPEECH if clip else self.reading_time(words)
        self.spoken.append(self.entry(line_id, words, clip))
        self.speaking = True
        try:
            yield
        finally:
            self.speaking = False
        self.hold()

    def entry(self, line_id: str, words: str, clip: Clip | None) -> dict:
        entry = {"id": line_id, "words": words, "start": self.start}
        if clip:
            entry |= {"clip": str(clip.path), "seconds": clip.seconds}
        return entry

    @staticmethod
    def reading_time(words: str) -> float:
        return len(words) / style.READING_SPEED

    def show(self, words: str, run_time: float) -> None:
        scene = self.scene
        self.hold()
        self.close()
        if not self.burned:
            self.start = scene.renderer.time
            self.words = words
            return
        caption = scene.pin(caption_block(words))
        if self.caption is not None:
            # On top while it fades, for the same reason: below everything, it would make
            # Manim redraw the whole picture on every frame of the fade (the 3-D surface too).
            scene.bring_to_front(self.caption)
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
        """Wait, if need be, until the open line has been spoken, or up long enough to read."""
        if self.words is None:
            return
        shown_for = self.scene.renderer.time - self.start
        if self.voice:  # speech must never be cut off, however short the rest
            if self.needed - shown_for > 1e-9:
                self.scene.wait_at_least(self.needed - shown_for)
        elif self.needed - shown_for >= 0.25:  # a shorter hold would not be noticed
            self.scene.wait(self.needed - shown_for)

    def close(self) -> None:
        """End the open subtitle now (its line may stay on screen until the next). A
        spoken line's subtitle ends with its speech and pause."""
        if self.words is None:
            return
        elapsed = self.scene.renderer.time - self.start
        shown = min(elapsed, self.needed) if self.voice else elapsed
        self.scene.add_subcaption(self.words, duration=shown, offset=-elapsed)
        self.words = None

    def write_lines(self) -> None:
        """Write the lines spoken, when render.py asked for them (MECHANICS_LINES)."""
        destination = os.environ.get(LINES_VARIABLE)
        if destination:
            Path(destination).write_text(json.dumps(self.spoken, indent=1))
