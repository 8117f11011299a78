"""The base every section's scene stands on, composed of parts that each do one thing:

- `record` (scenes/record.py) records every number the scene shows, with its source in the
  lesson, and notes the screen after every play, so tests can hold it to the engine;
- `narrator` (scenes/narration.py) holds the caption band and the .srt: a beat speaks with
  `with self.narration("..."):`;
- `key_frames` (scenes/key_frames.py) notes each beat's telling moment and saves stills;
- `beats` (scenes/beats.py) notes the frames and lines of each beat, for the presenter.

The scene itself loads the lesson for its seed and settings, names its section from the
film's registry (scenes/sections.py), draws the title card and header, and draws on every
frame exactly what is on screen.
"""

from __future__ import annotations

import math
from contextlib import AbstractContextManager

import numpy as np
from manim import (
    DOWN,
    RIGHT,
    UL,
    UP,
    FadeIn,
    FadeOut,
    Indicate,
    Mobject,
    Scene,
    ValueTracker,
    VGroup,
    Wait,
    Write,
)
from manim.utils.family import extract_mobject_family_members
from manim.utils.iterables import list_update

from mechanics import lesson
from mechanics.settings import Settings
from mechanics.sources import Ref
from scenes import style
from scenes.beats import Beats, beat
from scenes.closing import end_the_film
from scenes.contract import SceneReport, SceneRequest, handed
from scenes.key_frames import KeyFrames
from scenes.narration import Caption, Narrator, SpokenLine
from scenes.record import Formatter, LiveText, Number, Record
from scenes.sections import SECTIONS, Section, section_of_scene
from scenes.style import text
from voices.timing import marked

POINT_OUT_SCALE = 1.08  # how much a named thing swells as the voice names it


class LessonScene(Scene):
    """A section of the film, drawn from the lesson of one seed."""

    film: tuple[Section, ...] = SECTIONS  # the registry it is a section of (a test's may differ)

    def __init__(
        self,
        *args,
        request: SceneRequest | None = None,
        seed: int | None = None,
        settings: Settings | None = None,
        **kwargs,
    ) -> None:
        """Drawn for `request`: by default the one this process was handed (render.py's,
        through publishing.manim_cli), with `seed` and `settings` (a test's) over it."""
        super().__init__(*args, **kwargs)
        request = handed() if request is None else request
        if seed is not None or settings is not None:
            request = request.with_seed(request.seed if seed is None else seed, settings)
        self.request = request
        if request.film:  # the registry render.py renders (a test's may add a section)
            self.film = request.film
        self.seed = request.seed
        self.lesson = lesson(self.seed, request.settings)
        self.src = Ref(self.lesson)  # the lesson's numbers, each with its place in it
        self.record = Record()
        self.narrator = Narrator(self)
        self.key_frames = KeyFrames(self)
        self.beats = Beats(self)
        self.featured: Mobject | None = None
        self.ends_still = True  # the last frame written shows the scene as it is now
        self._static_ids: set[int] | None = None  # what the current play's background holds

    @property
    def section(self) -> Section:
        """This scene's entry in the film's registry (a subclass, e.g. a test's, inherits it)."""
        for cls in type(self).__mro__:
            try:
                return section_of_scene(cls.__name__, self.film)
            except KeyError:
                continue
        raise KeyError(f"{type(self).__name__} is not a section of the film")

    def setup(self) -> None:
        self.camera.background_color = style.BACKGROUND

    # Numbers, words and read-outs ---------------------------------------------------------
    def narration(
        self, words: str, run_time: float = 0.5, **numbers: Number
    ) -> AbstractContextManager[SpokenLine]:
        """A line of narration for a block: `with self.narration("p is ^{p}", p=(ref, fmt))
        as line:`. Its numbers come from the lesson and are recorded; a word with a caret is
        a mark the block can wait for (`line.wait_for("p")`)."""
        plan = marked(words)
        composed = self.record.compose(plan.words, **numbers)
        tokens = plan.words.split()
        if len(composed.split()) != len(tokens):
            raise ValueError(f"a number in {words!r} fills in more than one word")
        engine_numbers = [k for k, token in enumerate(tokens) if "{" in token]
        return self.narrator.line(composed, plan.marks, run_time, engine_numbers)

    def say(self, words: str, run_time: float = 0.5, **numbers: Number) -> None:
        """A line of narration with nothing else to show: it stays until read."""
        with self.narration(words, run_time, **numbers):
            pass

    def readout(
        self, prefix: str, series: Ref, tracker: ValueTracker, formatter: Formatter, **text_kwargs
    ) -> LiveText:
        """A live "prefix + number" read-out following an engine series along a tracker,
        kept flat on the screen."""
        # A plain function, not the bound method: Manim deep-copies mobjects, and a bound
        # method would drag the whole scene into the copy.
        return self.pin(
            self.record.live(
                prefix, series, tracker, formatter, pin=lambda m: self.pin(m), **text_kwargs
            )
        )

    def play(self, *args, **kwargs) -> None:
        super().play(*args, **kwargs)
        self.record.note_screen(self.mobjects)
        # A play's last frame is one step short of its end; a wait's shows its end.
        self.ends_still = all(isinstance(animation, Wait) for animation in args)

    def point_out(
        self, mobject: Mobject, colour: str, run_time: float = 0.9, swell: bool = True
    ) -> None:
        """Draw the eye to what the voice names: it lights up in `colour` and swells a
        little, never out of the action-safe area (a read-out in a corner swells less, or
        not).
        `swell=False` for a part packed among others (a term of a formula, a number on a
        card, bars beside their labels): it only lights up."""
        half = np.array([style.SAFE_RIGHT, style.SAFE_TOP])
        centre, size = mobject.get_center()[:2], np.array([mobject.width, mobject.height]) / 2
        room = (half - np.abs(centre)) / np.maximum(size, 1e-6)
        most = POINT_OUT_SCALE if swell else 1.0
        scale = float(np.clip(min(room.min(), most), 1.0, most))
        self.play(Indicate(mobject, color=colour, scale_factor=scale), run_time=run_time)

    def wait_at_least(self, seconds: float) -> None:
        """Wait whole frames covering `seconds`. Manim holds a still frame for
        `int(seconds * fps)` frames, rounding down: a 12.3 s hold at 5 fps gave 12.2 s, and
        the film ended before the pause after its last line. A hair over the whole frames
        rounds the right way whether the wait is still or moving."""
        fps = self.camera.frame_rate
        frames = math.ceil(seconds * fps - 1e-9)
        self.wait(frames / fps + 1e-6)

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

    def feature(self, picture: Mobject | None) -> Mobject | None:
        """Name the beat's main picture, the diagram or chart the viewer is looking at, so
        tests can hold it to the frame: it must fill most of it."""
        self.featured = picture
        return picture

    @staticmethod
    def centre_picture(picture: Mobject, x: float = 0.0) -> Mobject:
        """Put a beat's picture in the middle of the space between the header and the
        caption band (at x), where the eye rests, not against the header."""
        return picture.move_to([x, style.PICTURE_CENTRE_Y, 0.0])

    # Title card and header ----------------------------------------------------------------
    @beat
    def show_title(self) -> None:
        """Every section's first beat: its title card, which then becomes the header."""
        self.title_card()

    def title_card(self) -> VGroup:
        """The section's number and title, large and centred, then kept small as a header."""
        number = self.record.layout_text(f"{self.section.number}", size=96, colour=style.HIGHLIGHT)
        title = text(self.section.title, size=style.TITLE_SIZE, weight="BOLD")
        card = self.pin(VGroup(number, title).arrange(DOWN, buff=0.35))
        self.play(FadeIn(number, scale=0.8), Write(title), run_time=1.2)
        self.key_frames.save("title_card")
        self.wait(0.8)
        header = self.pin(self.header())
        self.play(FadeOut(card, shift=0.3 * UP), FadeIn(header), run_time=0.7)
        return header

    def header(self) -> VGroup:
        number = self.record.layout_text(
            f"{self.section.number}", size=style.HEADER_SIZE, colour=style.HIGHLIGHT
        )
        title = text(self.section.title, size=style.HEADER_SIZE, colour=style.MUTED)
        header = VGroup(number, title).arrange(RIGHT, buff=0.25)
        return header.to_corner(UL, buff=style.CORNER_BUFF)

    def pin(self, mobject):
        """Keep a 2-D overlay (caption, title, read-out) flat on the screen. Nothing to do in
        a 2-D scene; the 3-D section overrides it."""
        return mobject

    def leave_for_the_closing_card(self) -> None:
        """Make way for the film's closing card, when this scene ends the film
        (scenes/closing.py): everything but the caption fades out, the header with it."""
        leaving = [mobject for mobject in self.mobjects if not isinstance(mobject, Caption)]
        if leaving:
            self.play(*(FadeOut(mobject) for mobject in leaving), run_time=1.0)

    def tear_down(self) -> None:
        end_the_film(self)  # the closing card and black, when this is the film's last section
        self.narrator.close()
        super().tear_down()

    def report(self, captions: str | None) -> SceneReport:
        """What the scene did, for render.py (scenes/contract.py): written by the scene
        process once Manim has finished the video and composed its `captions`."""
        return SceneReport(
            request=self.request,
            lines=tuple(self.narrator.spoken),
            beats=tuple(self.beats.beats),
            key_frames=tuple({"name": n, "seconds": s} for n, s in self.key_frames.times),
            captions=captions,
            animations=self.renderer.num_plays,
            stills=tuple(self.key_frames.stills),
        )
