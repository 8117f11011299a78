"""The base every section's scene stands on: its lesson, captions, title card, beats, and a
record of every number it puts on screen so tests can hold it to the engine.

A scene shows a number only through `number`, `formula` or `narrate`, which read the value
from the lesson by its path (e.g. "trace[0].probabilities[0]"), format it, and record
(text on screen, number as written, value, path). After every play the scene notes each
digit-bearing text on screen; a test then checks that each was recorded, so a number typed
into a scene by hand is caught.
"""

from __future__ import annotations

import functools
import json
import os
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UL,
    UP,
    DecimalNumber,
    FadeIn,
    FadeOut,
    MathTex,
    Mobject,
    Scene,
    Tex,
    Text,
    ValueTracker,
    VGroup,
    Write,
)
from manim.utils.family import extract_mobject_family_members
from manim.utils.iterables import list_update

from mechanics import Lesson, lesson
from scenes import style
from scenes.diagram import text
from scenes.sections import TITLES
from scenes.seeding import KEY_FRAMES_VARIABLE, STILLS_VARIABLE, scene_seed

LAYOUT = "layout"  # the source of numbers that are not the engine's (section numbers, ticks)


@dataclass(frozen=True)
class Shown:
    """One number the scene put on screen."""

    text: str  # the whole text or formula that carries it, as on screen
    written: str  # the number as written there
    value: float  # the value it was formatted from
    source: str  # where in the lesson it comes from, or LAYOUT


@dataclass(frozen=True)
class Drawn:
    """Something the scene drew that is not text, measured from the mobject itself: a
    tangent's slope, an arrow's direction. Tests compare it with the engine's value."""

    kind: str  # e.g. "tangent slope", "update arrow"
    value: float  # as measured on screen, in data units
    source: str  # the lesson path it must agree with


def resolve(lesson_: Lesson, source: str):
    """The value at a path into the lesson, such as "trace[3].params['W1'][2, 0]"."""
    return eval(f"lesson.{source}", {"__builtins__": {}}, {"lesson": lesson_})  # noqa: S307


def beat(method: Callable) -> Callable:
    """Mark a method as one beat of the scene: when it ends, its last frame can be saved."""

    @functools.wraps(method)
    def run(self: LessonScene, *args, **kwargs):
        result = method(self, *args, **kwargs)
        self.finish_beat(method.__name__)
        return result

    return run


class LessonScene(Scene):
    """A section of the film, drawn from the lesson of one seed."""

    section_number: int = 0

    @property
    def section_title(self) -> str:
        return TITLES[self.section_number]

    def __init__(self, *args, seed: int | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.seed = scene_seed() if seed is None else seed
        self.lesson = lesson(self.seed)
        self.shown: list[Shown] = []
        self.seen_on_screen: set[str] = set()
        self.followed: list[tuple[str, ValueTracker, Callable[[float], str], str]] = []
        self.drawn: list[Drawn] = []
        self.stills_saved = 0
        self.key_frame_times: list[tuple[str, float]] = []
        self.caption: VGroup | None = None
        self.featured: Mobject | None = None
        self._static_ids: set[int] | None = None  # what the current play's background holds
        self._caption_words: str | None = None
        self._caption_start = 0.0

    def setup(self) -> None:
        self.camera.background_color = style.BACKGROUND

    # Numbers ------------------------------------------------------------------------------
    def read(self, source: str) -> float:
        return float(resolve(self.lesson, source))

    def number(
        self,
        source: str,
        formatter: Callable[[float], str] = style.plain,
        *,
        size: float = style.VALUE_SIZE,
        colour: str = style.INK,
        prefix: str = "",
        suffix: str = "",
    ) -> Text:
        """A Text showing the lesson's value at `source`, recorded as shown."""
        value = self.read(source)
        written = formatter(value)
        content = f"{prefix}{written}{suffix}"
        self.shown.append(Shown(content, written, value, source))
        return text(content, size=size, colour=colour)

    def formula(self, *parts: str | tuple[str, Callable[[float], str]], **tex_kwargs) -> MathTex:
        """A typeset formula whose numbers come from the lesson.

        Parts are LaTeX strings or (source, formatter) pairs; each pair becomes one
        sub-expression of the MathTex, so it can be coloured or pointed at.
        """
        pieces, numbers = [], []
        for part in parts:
            if isinstance(part, str):
                pieces.append(part)
            else:
                source, formatter = part
                value = self.read(source)
                written = formatter(value)
                pieces.append(written)
                numbers.append((written, value, source))
        tex_kwargs.setdefault("font_size", style.MATH_SIZE)
        tex_kwargs.setdefault("color", style.INK)
        formula = MathTex(*pieces, **tex_kwargs)
        for written, value, source in numbers:
            self.shown.append(Shown(formula.tex_string, written, value, source))
        return formula

    def follow(
        self,
        source: str,
        tracker: ValueTracker,
        formatter: Callable[[float], str],
        prefix: str = "",
    ) -> Callable[[], float]:
        """For read-outs that change every frame as a marker travels along engine samples:
        returns a function giving lesson.<source>[i], i being the tracker's value rounded.
        Whenever a play ends, the value then showing is recorded (as prefix + number) with
        its exact index."""
        values = resolve(self.lesson, source)

        def current() -> float:
            return float(values[int(round(tracker.get_value()))])

        self.followed.append((source, tracker, formatter, prefix))
        return current

    def readout(
        self,
        prefix: str,
        source: str,
        tracker: ValueTracker,
        formatter: Callable[[float], str],
        **text_kwargs,
    ) -> LiveText:
        """A live "prefix + number" Text following lesson.<source> along a tracker."""
        value = self.follow(source, tracker, formatter, prefix)
        # A plain function, not the bound method: Manim deep-copies mobjects, and a bound
        # method would drag the whole scene into the copy.
        return self.pin(
            LiveText(
                lambda: f"{prefix}{formatter(value())}", pin=lambda m: self.pin(m), **text_kwargs
            )
        )

    def compose(self, words: str, **numbers: tuple[str, Callable[[float], str]]) -> str:
        """Words with numbers from the lesson: compose("{k} of {n}", k=(source, formatter),
        ...). Each number is recorded as shown in the whole text."""
        self.shown_layout(words)  # digits typed into the words themselves, e.g. "100%"
        values = {}
        for name, (source, formatter) in numbers.items():
            values[name] = formatter(self.read(source))
        content = words.format(**values)
        for name, (source, _) in numbers.items():
            self.shown.append(Shown(content, values[name], self.read(source), source))
        return content

    def worded(
        self,
        words: str,
        *,
        size: float = style.VALUE_SIZE,
        colour: str = style.INK,
        **numbers: tuple[str, Callable[[float], str]],
    ) -> Text:
        """A Text of words carrying several lesson numbers (see `compose`)."""
        return text(self.compose(words, **numbers), size=size, colour=colour)

    def layout_text(self, content: str, **kwargs) -> Text:
        """Text whose digits are layout, not engine output (a section number, an axis tick)."""
        self.shown_layout(content)
        return text(content, **kwargs)

    def shown_layout(self, content: str) -> None:
        """Record the digits of a text or formula as layout rather than engine output."""
        for written in re.findall(r"[−\-]?\d+(?:\.\d+)?%?", content):
            self.shown.append(Shown(content, written, float("nan"), LAYOUT))

    def play(self, *args, **kwargs) -> None:
        super().play(*args, **kwargs)
        self._note_screen()

    # Frames -------------------------------------------------------------------------------
    def begin_animations(self) -> None:
        """Note what Manim painted into the play's background image (its static mobjects)."""
        super().begin_animations()
        self._static_ids = {id(mobject) for mobject in self.static_mobjects}

    def update_to_time(self, t: float) -> None:
        """Draw, on every frame, whatever is in the scene now and not in the background.

        Manim lists a play's moving mobjects once, at its start, as a flat list of family
        members. A read-out that swaps in a new Text mid-play then leaves its old Text in
        that list, drawn under the new one on every frame, and a mobject added mid-play is
        never drawn. Listing them afresh for each frame draws exactly what is on screen.
        """
        super().update_to_time(t)
        static = self._static_ids
        if static is not None and self.moving_mobjects:
            family = extract_mobject_family_members(
                list_update(self.mobjects, self.foreground_mobjects),
                use_z_index=self.renderer.camera.use_z_index,
                only_those_with_points=True,
            )
            self.moving_mobjects = [m for m in family if id(m) not in static]

    def _note_screen(self) -> None:
        for source, tracker, formatter, prefix in self.followed:
            index = int(round(tracker.get_value()))
            value = float(resolve(self.lesson, source)[index])
            written = formatter(value)
            shown = Shown(prefix + written, written, value, f"{source}[{index}]")
            if shown not in self.shown:
                self.shown.append(shown)
        for content in texts_on_screen(self.mobjects):
            if re.search(r"\d", content):
                self.seen_on_screen.add(content)

    def feature(self, picture: Mobject | None) -> Mobject | None:
        """Name the beat's main picture, the diagram or chart the viewer is looking at, so
        tests can hold it to the frame: it must fill most of it."""
        self.featured = picture
        return picture

    # Captions -----------------------------------------------------------------------------
    def narrate(self, words: str, run_time: float = 0.5, **numbers) -> None:
        """Show a line of narration in the caption band and add it to the .srt.

        Numbers in the words come from the lesson: narrate("p is {p}", p=(source, formatter)).
        The subtitle lasts until the next narration (or the end of the scene).
        """
        content = self.compose(words, **numbers)
        self.hold_caption()
        self.end_caption()
        caption = self.pin(caption_block(content))
        if self.caption is not None:
            # The old line goes before the new one comes: never two captions on top.
            self.play(FadeOut(self.caption), run_time=0.4 * run_time)
            run_time *= 0.6
        self._caption_start = self.renderer.time
        self.play(FadeIn(caption, shift=0.1 * UP), run_time=run_time)
        # Manim redraws on every frame everything added after the first moving mobject
        # (to keep the stacking order). Nothing else enters the caption band, so the caption
        # can go to the bottom of the stack: then it is drawn once per play, into the
        # background, instead of on every frame (tens of glyphs, the costliest text).
        self.bring_to_back(caption)
        self.caption = caption
        self._caption_words = content

    def hold_caption(self) -> None:
        """Wait, if need be, until the open caption has been up long enough to read."""
        if self._caption_words is None:
            return
        needed = len(self._caption_words) / style.READING_SPEED
        shown_for = self.renderer.time - self._caption_start
        if needed - shown_for >= 0.25:  # a shorter hold would not be noticed
            self.wait(needed - shown_for)

    def end_caption(self) -> None:
        """Close the open subtitle at the current time."""
        if self._caption_words is None:
            return
        elapsed = self.renderer.time - self._caption_start
        self.add_subcaption(self._caption_words, duration=elapsed, offset=-elapsed)
        self._caption_words = None

    # Title card and header ----------------------------------------------------------------
    @beat
    def show_title(self) -> None:
        """Every section's first beat: its title card, which then becomes the header."""
        self.title_card()

    def title_card(self) -> VGroup:
        """The section's number and title, large and centred, then kept small as a header."""
        number = self.layout_text(f"{self.section_number}", size=96, colour=style.HIGHLIGHT)
        title = text(self.section_title, size=style.TITLE_SIZE, weight="BOLD")
        card = self.pin(VGroup(number, title).arrange(DOWN, buff=0.35))
        self.play(FadeIn(number, scale=0.8), Write(title), run_time=1.2)
        self.key_frame("title_card")
        self.wait(0.8)
        header = self.pin(self.header())
        self.play(FadeOut(card, shift=0.3 * UP), FadeIn(header), run_time=0.7)
        return header

    def header(self) -> VGroup:
        number = self.layout_text(
            f"{self.section_number}", size=style.HEADER_SIZE, colour=style.HIGHLIGHT
        )
        title = text(self.section_title, size=style.HEADER_SIZE, colour=style.MUTED)
        header = VGroup(number, title).arrange(RIGHT, buff=0.25)
        return header.to_corner(UL, buff=0.4)

    def pin(self, mobject):
        """Keep a 2-D overlay (caption, title, read-out) flat on the screen. Nothing to do in
        a 2-D scene; the 3-D section overrides it."""
        return mobject

    # Beats and stills ---------------------------------------------------------------------
    def finish_beat(self, name: str) -> None:
        """Save the beat's last frame when stills were asked for."""
        self.key_frame(name)

    def key_frame(self, name: str) -> None:
        """Save the frame on screen now as a still, when stills were asked for.

        Beats call this at their most telling moment too, not only at their end. The time
        is noted whether or not stills are saved, so a frame can be found in the video."""
        self.key_frame_times.append((name, self.renderer.time))
        folder = os.environ.get(STILLS_VARIABLE)
        if folder and not self.renderer.skip_animations:
            self.stills_saved += 1
            path = Path(folder) / f"{self.stills_saved:02d}-{name}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            # The last frame Manim drew is one step short of the animation's end: draw the
            # finished state, as the next frame of the video will show it.
            self.renderer.update_frame(self)
            self.camera.get_image().convert("RGB").save(path)

    def tear_down(self) -> None:
        self.end_caption()
        super().tear_down()
        timeline = os.environ.get(KEY_FRAMES_VARIABLE)
        if timeline:
            times = [{"name": name, "seconds": seconds} for name, seconds in self.key_frame_times]
            Path(timeline).write_text(json.dumps(times, indent=1))


class LiveText(VGroup):
    """A text that reads the scene's state, such as "w = +0.63", and follows it frame by frame.

    It holds one Text. Whenever `words()` reads differently from the Text on screen, it
    swaps in a Text made from those words (left edge kept in place), so the Text on screen
    is always made from what it shows, never edited to look right. Each distinct reading is
    made once per read-out and kept: a sweep back and forth shows the same ones again.
    `colour` is a colour, or a function giving the colour for the current reading.
    """

    def __init__(
        self,
        words: Callable[[], str],
        *,
        size: float = style.READOUT_SIZE,
        colour: str | Callable[[], str] = style.INK,
        pin: Callable = lambda mobject: mobject,
    ) -> None:
        super().__init__()
        self.words, self.size, self.colour, self.pin = words, size, colour, pin
        self.made: dict[tuple[str, str], Text] = {}
        self.add(self._make())
        self.add_updater(lambda mobject: mobject.refresh())

    def _reading(self) -> tuple[str, str]:
        colour = self.colour() if callable(self.colour) else self.colour
        return self.words(), colour

    def _make(self) -> Text:
        reading = self._reading()
        if reading not in self.made:
            content, colour = reading
            self.made[reading] = text(content, size=self.size, colour=colour)
        return self.made[reading]

    def refresh(self) -> None:
        """Swap in the Text of the current reading, unless it is the one on screen."""
        shown = self.submobjects[0]
        fresh = self._make()
        if fresh is shown:
            return
        fresh.move_to(shown, aligned_edge=LEFT)
        fresh.set_opacity(shown.get_fill_opacity())
        self.submobjects = [self.pin(fresh)]


def texts_on_screen(mobjects) -> list[str]:
    """The strings that text-like mobjects among these (and inside them) show.

    A DecimalNumber counts as one string, its value as it reads, not as its digit glyphs.
    """
    found = []
    for mobject in mobjects:
        if isinstance(mobject, DecimalNumber):
            found.append(decimal_text(mobject))
        elif isinstance(mobject, Text):
            found.append(mobject.original_text)
        elif isinstance(mobject, MathTex | Tex):
            found.append(mobject.tex_string)
        else:
            found.extend(texts_on_screen(mobject.submobjects))
    return found


def decimal_text(number: DecimalNumber) -> str:
    """What a DecimalNumber reads as, e.g. "2.30"."""
    return f"{number.number:.{number.num_decimal_places}f}"


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
