"""Narration: one line at a time, spoken (or shown, in a silent film), as subtitle cues in
the .srt and, when burned in, in the caption band.

    with self.narration("As confidence drops, the loss ^climbs.") as line:
        self.slide_to(1, run_time=2.0)
        line.wait_for("climbs")            # the next play starts as "climbs" is said
        self.play(Indicate(self.readout))

The line comes in as the block starts (the previous one fades out first: never two on top).
When the film speaks (the request's voice, scenes/contract.py), the line's speech starts with
it, and the block does not end before the speech has, plus a pause: the beat lasts as long
as its words need. A
word written with a caret is a mark: `line.wait_for(name)` holds the picture until that
word is said, so what it names changes as it is named. Every word's time comes from the
voice (voices/timing.py: Piper's own alignment, or forced alignment of a recording); a
silent film's voice (voices/silent.py) places them by reading time and holds each line
`len(words) / READING_SPEED` seconds. The subtitles are the line's cues (scenes/cues.py),
each up while it is said.

Each line has an id, `<section stem>-<n>` ("02-loss-05"), for the narration script and a
lecturer's recordings; the lines spoken, with when they start, their words' times and
marks, go back to render.py in the scene's report, to lay the speech into the section's
sound track.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from manim import DOWN, UP, FadeIn, FadeOut, Scene, VGroup

from scenes import style
from scenes.contract import BURNED
from scenes.cues import Cue, cues_of
from scenes.style import text
from voices.base import Clip
from voices.registry import voice_named
from voices.timing import WordTime, words_of

PAUSE_AFTER_SPEECH = 0.6  # seconds of quiet after a line before the next may start
BREATH_BETWEEN_BEATS = 0.5  # and this much more where one beat ends and the next begins
LATE_MARK = 0.1  # seconds: a mark reached later than this after its word is late


class Caption(VGroup):
    """A cue of narration in the caption band: the one thing allowed there."""


def caption_block(lines: list[str]) -> Caption:
    """A cue's lines (at most two of 42 characters), centred in the caption band."""
    block = Caption(*[text(line, size=style.CAPTION_SIZE, colour=style.MUTED) for line in lines])
    block.arrange(DOWN, buff=0.08)
    if block.width > style.CAPTION_WIDTH:
        block.scale_to_fit_width(style.CAPTION_WIDTH)
    block.move_to([0, style.CAPTION_Y, 0])
    safe_bottom = style.SAFE_Y - style.FRAME_HALF_HEIGHT
    if block.get_bottom()[1] < safe_bottom:  # a line with deep descenders, or wrapped in three
        block.shift((safe_bottom - block.get_bottom()[1]) * UP)
    return block


class CueCaption(Caption):
    """A burned-in line of several cues: shows, on every frame, the cue being said."""

    def __init__(self, cues: list[Cue], clock) -> None:
        self.blocks = [caption_block(list(cue.lines)) for cue in cues]
        self.starts = [cue.start for cue in cues]
        self.showing = 0
        super().__init__(self.blocks[0])
        self.add_updater(lambda caption: caption.follow(clock()))

    def follow(self, seconds: float) -> None:
        """Show the cue whose time has come (`seconds` from the line's start)."""
        current = max(i for i, start in enumerate(self.starts) if start <= seconds + 1e-9)
        if current != self.showing:
            self.remove(self.blocks[self.showing])
            self.add(self.blocks[current])
            self.showing = current


@dataclass
class SpokenLine:
    """A line being said: when each of its words is, and its marks by name."""

    scene: Scene
    line_id: str
    words: str
    start: float  # scene time at which it starts to be said
    times: list[WordTime]
    marks: dict[str, int]
    needed: float  # how long it must last: its speech and a pause, or its reading time
    late: dict[str, float] = field(default_factory=dict)  # marks reached after their word

    def time_of(self, mark: str) -> float:
        """Seconds from the line's start until its marked word is said."""
        if mark not in self.marks:
            raise KeyError(f"no mark {mark!r} in {self.words!r}; marks: {sorted(self.marks)}")
        return self.times[self.marks[mark]].start

    def wait_for(self, mark: str, lead: float = 0.0) -> None:
        """Hold the picture until the marked word is said, so the next play lands on it
        (`lead` seconds before it: a number fading in is readable as its word is said)."""
        due = self.start + self.time_of(mark) - lead
        now = self.scene.renderer.time
        frame = 1 / self.scene.camera.frame_rate
        if due - now > frame / 2:
            self.scene.wait_at_least(due - now)
        elif now - due > LATE_MARK:
            self.late[mark] = round(now - due, 3)


class Narrator:
    """The caption band and the subtitles of one scene."""

    def __init__(self, scene: Scene) -> None:
        self.scene = scene
        request = scene.request
        cache = Path(request.speech_cache) if request.speech_cache else None
        self.voice = voice_named(request.voice, cache)
        self.burned = request.captions == BURNED
        self.caption: Caption | None = None
        self.current: SpokenLine | None = None  # the open subtitle's line
        self.speaking = False  # inside a narration block
        self.spoken: list[dict] = []  # every line so far: id, words, start, clip, times

    def line_id(self) -> str:
        return f"{self.scene.section.stem}-{len(self.spoken) + 1:02d}"

    @contextmanager
    def line(
        self,
        words: str,
        marks: dict[str, int] | None = None,
        run_time: float = 0.5,
        engine_numbers: list[int] | None = None,
    ) -> Iterator[SpokenLine]:
        """Say (or show) `words` for the block, and at least as long as they take to say
        (or to read, in a silent film). `marks` names words by their index;
        `engine_numbers` are the indices of the words that are the lesson's numbers."""
        if self.speaking:
            raise RuntimeError(f"a narration inside another: {words!r}; end the first block")
        marks = marks or {}
        if marks and max(marks.values()) >= len(words_of(words)):
            raise ValueError(f"a mark past the end of {words!r}")
        line_id = self.line_id()
        clip = self.voice.clip(line_id, words)
        times = list(clip.words)
        needed = clip.seconds + (PAUSE_AFTER_SPEECH if clip.has_sound else 0.0)
        spoken = self.show(
            SpokenLine(self.scene, line_id, words, 0.0, times, marks, needed), run_time
        )
        self.spoken.append(self.entry(spoken, clip, engine_numbers or []))
        self.speaking = True
        try:
            yield spoken
        finally:
            self.speaking = False
        self.hold()
        self.spoken[-1]["late_marks"] = spoken.late

    def entry(self, line: SpokenLine, clip: Clip, engine_numbers: list[int]) -> dict:
        entry = {
            "id": line.line_id,
            "words": line.words,
            "numbers": engine_numbers,
            "start": line.start,
            "times": [[t.word, round(t.start, 4), round(t.end, 4)] for t in line.times],
            "marks": {name: round(line.time_of(name), 4) for name in line.marks},
        }
        if clip.has_sound:
            entry |= {"clip": str(clip.path), "seconds": clip.seconds}
        return entry

    def show(self, line: SpokenLine, run_time: float) -> SpokenLine:
        """Bring the line in; it starts to be said (its clock starts) as it appears."""
        scene = self.scene
        self.hold()
        self.close()
        if not self.burned:
            line.start = scene.renderer.time
            self.current = line
            return line
        cues = cues_of(line.times, line.needed)
        if len(cues) == 1:
            caption = scene.pin(caption_block(list(cues[0].lines)))
        else:
            caption = CueCaption(cues, lambda: scene.renderer.time - line.start)
            for block in caption.blocks:  # each cue stays flat on the screen when it comes on
                scene.pin(block)
            caption = scene.pin(caption)
        if self.caption is not None:
            # On top while it fades, for the same reason: below everything, it would make
            # Manim redraw the whole picture on every frame of the fade (the 3-D surface too).
            scene.bring_to_front(self.caption)
            scene.play(FadeOut(self.caption), run_time=0.4 * run_time)
            run_time *= 0.6
        line.start = scene.renderer.time
        scene.play(FadeIn(caption), run_time=run_time)
        if len(cues) == 1:
            # Manim redraws on every frame everything added after the first moving mobject
            # (to keep the stacking order). Nothing else enters the caption band, so a still
            # caption can go to the bottom of the stack: then it is drawn once per play,
            # into the background, instead of on every frame (tens of glyphs). A caption that
            # changes cue moves, so it goes on top, where it alone is redrawn.
            scene.bring_to_back(caption)
        self.caption = caption
        self.current = line
        return line

    def hold(self) -> None:
        """Wait, if need be, until the open line has been spoken, or up long enough to read."""
        line = self.current
        if line is None:
            return
        left = line.needed - (self.scene.renderer.time - line.start)
        if self.voice.speaks:  # speech must never be cut off, however short the rest
            if left > 1e-9:
                self.scene.wait_at_least(left)
        elif left >= 0.25:  # a shorter hold would not be noticed
            self.scene.wait(left)

    def breathe(self) -> None:
        """A breath where one beat ends and the next begins, after a beat that spoke."""
        self.hold()
        self.scene.wait_at_least(BREATH_BETWEEN_BEATS)

    def close(self) -> None:
        """End the open subtitle now, one cue at a time (its line may stay on screen until
        the next). A spoken line's last cue ends with its speech and pause."""
        line = self.current
        if line is None:
            return
        elapsed = self.scene.renderer.time - line.start
        shown = min(elapsed, line.needed) if self.voice.speaks else elapsed
        for cue in cues_of(line.times, shown):
            end = min(cue.end, shown)
            if end > cue.start:
                self.scene.add_subcaption(
                    cue.text, duration=end - cue.start, offset=cue.start - elapsed
                )
        self.current = None
