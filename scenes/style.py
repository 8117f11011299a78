"""The film's visual vocabulary: palette, type and sizes, in one place, and the one way to set
a text (`text`) or a formula (`math`) in the film's typefaces (numbers are written by
mechanics/formatting.py).

It imports Manim only when a text or a formula is first made: render.py and publishing
(the thumbnail's colours and font) read this module, and must start, and say what is
missing, on a machine without Manim's libraries.

Colours follow the Okabe-Ito colour-blind-safe palette, and no meaning rests on hue alone:
positive weights are bright warm lines, negative weights dimmer cool ones (they differ in
brightness as well as hue, so they stay apart in greyscale); arrows that increase a weight
point up, arrows that decrease one point down.
"""

from __future__ import annotations

import functools
from math import sqrt
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from manim import MathTex, Text

# Palette ------------------------------------------------------------------------------
BACKGROUND = "#0D1017"
INK = "#ECEFF4"  # main text
MUTED = "#97A0B3"  # secondary text, axes, captions
FAINT = "#3A4150"  # guides, empty bars, idle node rims
NODE_FILL = "#161B26"

POSITIVE = "#F5A524"  # positive weights and activations: bright orange
NEGATIVE = "#3F7FE8"  # negative weights and activations: blue, and drawn dimmer
NEGATIVE_OPACITY = 0.55  # negative lines are drawn at this opacity, positive ones at 1
HIGHLIGHT = "#FFE45C"  # whatever the narration points at right now
SIGNAL = "#FFF3B0"  # the forward-pass flash
TARGET = "#3DDC97"  # the word the network should predict ("Paris")
LOSS = "#FF5A4E"  # the loss and its flash
INCREASE = "#2FBF71"  # update arrows that raise a weight (point up)
DECREASE = "#E8553F"  # update arrows that lower a weight (point down)
# Section 5's answer map: one colour per candidate, in the order of the lesson's candidates
# (the target, Paris, keeps its green). Regions are these colours darkened toward the
# background, so the markers drawn in the full colours stand out on them.
ANSWER_COLOURS = ("#3DDC97", "#56B4E9", "#E69F00", "#CC79A7", "#F0E442")
REGION_SHADE = 0.55  # a region's colour is this share of its answer's colour, the rest background
# Section 5's landscape: colour stops from low to high loss, at the quantiles of its losses.
HEIGHT_COLOURS = ("#2B5FD9", "#21A6A6", "#3DDC97", "#F5A524", "#FF5A4E")

# Type ---------------------------------------------------------------------------------
FONT = "Inter"
TITLE_SIZE = 60
HEADER_SIZE = 30
LABEL_SIZE = 28
VALUE_SIZE = 24
READOUT_SIZE = 34
CAPTION_SIZE = 28
MATH_SIZE = 36


def text(content: str, size: float = LABEL_SIZE, colour: str = INK, **kwargs) -> Text:
    """Text in the film's typeface.

    Made once per distinct (content, size, colour, options) and copied after that: building
    a Text (Pango, then parsing its SVG into curves) costs tens of milliseconds, and live
    read-outs show the same strings again and again as their values sweep back and forth."""
    return _text(content, size, colour, tuple(sorted(kwargs.items()))).copy()


@functools.lru_cache(maxsize=4096)
def _text(content: str, size: float, colour: str, options: tuple) -> Text:
    from manim import Text  # here, not at the top: see the module's docstring

    return Text(content, font=FONT, font_size=size, color=colour, **dict(options))


# Formulas in a sans-serif setting (Helvetica letters and digits, sans-serif math italics)
# that sits with Inter, the film's typeface: serif LaTeX beside Inter reads as two films.
# pdflatex cannot load Inter itself; helvet and sansmath come with Debian's TeX Live.
SANS_MATH_PREAMBLE = (
    r"\usepackage[scaled=0.95]{helvet}\renewcommand{\familydefault}{\sfdefault}"
    r"\usepackage{sansmath}\sansmath"
)


def math(*parts: str, size: float = MATH_SIZE, colour: str = INK, **kwargs) -> MathTex:
    """A formula in the film's sans-serif math setting; each part one sub-expression."""
    return _sans_math()(*parts, font_size=size, color=colour, **kwargs)


@functools.cache
def _sans_math() -> type[MathTex]:
    """The class `SansMath`, made on first use (see the module's docstring)."""
    from manim import MathTex, TexTemplate

    template = TexTemplate()
    template.add_to_preamble(SANS_MATH_PREAMBLE)

    class SansMath(MathTex):
        """MathTex in the film's sans-serif setting (also the digits of a DecimalNumber,
        given as its mob_class)."""

        def __init__(self, *parts: str, **kwargs) -> None:
            kwargs.setdefault("tex_template", template)
            super().__init__(*parts, **kwargs)

    return SansMath


def __getattr__(name: str) -> object:
    """`style.SansMath` (`from scenes.style import SansMath`), made on first use."""
    if name == "SansMath":
        return _sans_math()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# Layout (Manim units; the frame is 14.2 x 8) --------------------------------------------
# Broadcast practice keeps everything inside the action-safe area, 3.5 % in from every
# edge: lecture-hall projectors and some players crop the frame's edges.
FRAME_HALF_WIDTH = 8 * 16 / 9 / 2
FRAME_HALF_HEIGHT = 4.0
ACTION_SAFE = 0.035
SAFE_X = ACTION_SAFE * 2 * FRAME_HALF_WIDTH  # 0.50 units, 67 px at 1080p
SAFE_Y = ACTION_SAFE * 2 * FRAME_HALF_HEIGHT  # 0.28 units, 38 px at 1080p
SAFE_RIGHT = FRAME_HALF_WIDTH - SAFE_X  # x of the action-safe area's right edge
SAFE_TOP = FRAME_HALF_HEIGHT - SAFE_Y  # y of its top edge
FRAME_RIGHT = SAFE_RIGHT - 0.1  # the right edge of what is drawn, inside the safe area
CORNER_BUFF = (SAFE_X + 0.05, 0.4, 0.0)  # `to_corner(..., buff=CORNER_BUFF)`: header, read-outs
CAPTION_Y = -3.3  # centre of the caption band, two lines clear of the frame's bottom edge
CAPTION_TOP = -2.85  # nothing else may reach below this line
CAPTION_WIDTH = 12.6
# A beat's picture is centred in the space between the header and the caption band.
PICTURE_TOP = 3.0  # clear of the header (its top 3.6, its deepest descender 3.17)
PICTURE_CENTRE_Y = (PICTURE_TOP + CAPTION_TOP) / 2


def stroke_width_for(weight: float, largest: float, thinnest: float = 1.0, thickest: float = 9.0):
    """Line width for a weight: grows with |w|, scaled to the largest |w| of the whole film
    so a line's thickness can be compared between steps."""
    share = min(abs(weight) / largest, 1.0) if largest > 0 else 0.0
    return thinnest + (thickest - thinnest) * sqrt(share)


def colour_for(value: float) -> str:
    return POSITIVE if value >= 0 else NEGATIVE


def channels(colour: str) -> tuple[int, int, int]:
    """#RRGGBB as three 0-255 integers."""
    return tuple(int(colour[k : k + 2], 16) for k in (1, 3, 5))


def height_scale(losses: np.ndarray) -> list[tuple[str, float]]:
    """The landscape's colour stops at real loss levels: the quantiles of its grid's losses,
    so each colour covers a similar share of the sheet even where the walls soar."""
    bands = len(HEIGHT_COLOURS) - 1
    levels = np.quantile(losses, np.linspace(0.0, 1.0, bands + 1))
    return list(zip(HEIGHT_COLOURS, (float(level) for level in levels), strict=True))


def region_colour(answer: int) -> str:
    """An answer's region on the answer map: its colour darkened toward the background."""
    mixed = (
        REGION_SHADE * ink + (1 - REGION_SHADE) * ground
        for ink, ground in zip(channels(ANSWER_COLOURS[answer]), channels(BACKGROUND), strict=True)
    )
    return "#" + "".join(f"{int(round(channel)):02X}" for channel in mixed)


# A number the voice says appears with its word: it starts to fade in a little before the
# word and is fully there a little after (well inside the 0.3 s a viewer allows).
NUMBER_LEAD = 0.15  # seconds before the word
NUMBER_FADE = 0.3  # seconds the fade takes
