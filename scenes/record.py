"""The record of every number a scene puts on screen, so tests can hold it to the engine.

A scene shows a number only through its `Record`: `number`, `formula`, `compose` (and the
narration, which composes its words here) read the value from a `Ref` into the lesson,
format it, and record (text on screen, number as written, value, source). Live read-outs
`follow` an engine series along a tracker. After every play the scene notes each
digit-bearing text on screen (`note_screen`); a test then checks that each was recorded,
so a number typed into a scene by hand is caught.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from manim import LEFT, DecimalNumber, MathTex, Mobject, Tex, Text, ValueTracker, VGroup

from mechanics.formatting import has_digits, numbers_in, plain
from mechanics.sources import Ref, Source, source_of, value_of
from scenes import style
from scenes.style import math, text

Formatter = Callable[[float], str]
Number = tuple[Ref, Formatter]  # a lesson number and how to write it


@dataclass(frozen=True)
class Layout:
    """The source of digits that are not the engine's: a section number, an axis tick."""

    def __str__(self) -> str:
        return "layout"


LAYOUT = Layout()


@dataclass(frozen=True)
class Shown:
    """One number the scene put on screen."""

    text: str  # the whole text or formula that carries it, as on screen
    written: str  # the number as written there
    value: float  # the value it was formatted from
    source: Source | Layout  # where in the lesson it comes from, or LAYOUT


@dataclass(frozen=True)
class Drawn:
    """Something the scene drew that is not text, measured from the mobject itself: a
    tangent's slope, an arrow's direction. Tests compare it with the engine's value."""

    kind: str  # e.g. "tangent slope", "update arrow"
    value: float  # as measured on screen, in data units
    source: Source  # the place in the lesson it must agree with


@dataclass(frozen=True)
class Followed:
    """A read-out that follows an engine series along a tracker."""

    series: Ref
    tracker: ValueTracker
    formatter: Formatter
    prefix: str

    def index(self) -> int:
        return int(round(self.tracker.get_value()))

    def value(self) -> float:
        return float(value_of(self.series)[self.index()])


class Record:
    """What one scene showed: the numbers it wrote, the texts seen on screen, the things it
    drew, each with its source."""

    def __init__(self) -> None:
        self.shown: list[Shown] = []
        self.seen_on_screen: set[str] = set()
        self.drawn: list[Drawn] = []
        self.followed: list[Followed] = []

    # Text with numbers ---------------------------------------------------------------------
    def number(
        self,
        ref: Ref,
        formatter: Formatter = plain,
        *,
        size: float = style.VALUE_SIZE,
        colour: str = style.INK,
        prefix: str = "",
        suffix: str = "",
    ) -> Text:
        """A Text showing the lesson's value at `ref`, recorded as shown."""
        value = float(value_of(ref))
        written = formatter(value)
        content = f"{prefix}{written}{suffix}"
        self.shown.append(Shown(content, written, value, source_of(ref)))
        return text(content, size=size, colour=colour)

    def formula(
        self,
        *parts: str | Number,
        size: float = style.MATH_SIZE,
        colour: str = style.INK,
        **tex_kwargs,
    ) -> MathTex:
        """A typeset formula whose numbers come from the lesson.

        Parts are LaTeX strings or (ref, formatter) pairs; each pair becomes one
        sub-expression of the MathTex, so it can be coloured or pointed at.
        """
        pieces, numbers = [], []
        for part in parts:
            if isinstance(part, str):
                pieces.append(part)
            else:
                ref, formatter = part
                value = float(value_of(ref))
                pieces.append(formatter(value))
                numbers.append((pieces[-1], value, source_of(ref)))
        formula = math(*pieces, size=size, colour=colour, **tex_kwargs)
        for written, value, source in numbers:
            self.shown.append(Shown(formula.tex_string, written, value, source))
        return formula

    def compose(self, words: str, **numbers: Number) -> str:
        """Words with numbers from the lesson: compose("{k} of {n}", k=(ref, formatter),
        ...). Each number is recorded as shown in the whole text."""
        self.layout(words)  # digits typed into the words themselves, e.g. "100%"
        values = {name: float(value_of(ref)) for name, (ref, _) in numbers.items()}
        written = {name: numbers[name][1](value) for name, value in values.items()}
        content = words.format(**written)
        for name, (ref, _) in numbers.items():
            self.shown.append(Shown(content, written[name], values[name], source_of(ref)))
        return content

    def worded(
        self,
        words: str,
        *,
        size: float = style.VALUE_SIZE,
        colour: str = style.INK,
        **numbers: Number,
    ) -> Text:
        """A Text of words carrying several lesson numbers (see `compose`)."""
        return text(self.compose(words, **numbers), size=size, colour=colour)

    def layout_text(self, content: str, **kwargs) -> Text:
        """Text whose digits are layout, not engine output (a section number, an axis tick)."""
        self.layout(content)
        return text(content, **kwargs)

    def layout(self, content: str) -> None:
        """Record the digits of a text or formula as layout rather than engine output."""
        for written in numbers_in(content):
            self.shown.append(Shown(content, written, float("nan"), LAYOUT))

    # Read-outs that change every frame -----------------------------------------------------
    def follow(
        self, series: Ref, tracker: ValueTracker, formatter: Formatter, prefix: str = ""
    ) -> Callable[[], float]:
        """For read-outs that change every frame as a marker travels along engine samples:
        returns a function giving series[i], i being the tracker's value rounded. Whenever
        a play ends, the value then showing is recorded (as prefix + number) with its
        exact index."""
        followed = Followed(series, tracker, formatter, prefix)
        self.followed.append(followed)
        return followed.value

    def live(
        self,
        prefix: str,
        series: Ref,
        tracker: ValueTracker,
        formatter: Formatter,
        **text_kwargs,
    ) -> LiveText:
        """A live "prefix + number" Text following an engine series along a tracker."""
        value = self.follow(series, tracker, formatter, prefix)
        return LiveText(lambda: f"{prefix}{formatter(value())}", **text_kwargs)

    # Drawings ------------------------------------------------------------------------------
    def drew(self, kind: str, value: float, ref: Ref) -> None:
        """Note a measurement of something drawn, and the lesson value it shows."""
        self.drawn.append(Drawn(kind, value, source_of(ref)))

    # The screen ----------------------------------------------------------------------------
    def note_screen(self, mobjects: Iterable[Mobject]) -> None:
        """After a play: record each followed read-out's value now showing, and note every
        digit-bearing text on screen."""
        for followed in self.followed:
            value = followed.value()
            written = followed.formatter(value)
            source = source_of(followed.series[followed.index()])
            shown = Shown(followed.prefix + written, written, value, source)
            if shown not in self.shown:
                self.shown.append(shown)
        for content in texts_on_screen(mobjects):
            if has_digits(content):
                self.seen_on_screen.add(content)


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


def texts_on_screen(mobjects: Iterable[Mobject]) -> list[str]:
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
