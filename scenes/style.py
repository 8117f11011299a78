"""The film's visual vocabulary: palette, type and sizes, in one place (numbers are written
by mechanics/formatting.py).

Colours follow the Okabe-Ito colour-blind-safe palette, and no meaning rests on hue alone:
positive weights are bright warm lines, negative weights dimmer cool ones (they differ in
brightness as well as hue, so they stay apart in greyscale); arrows that increase a weight
point up, arrows that decrease one point down.
"""

from __future__ import annotations

import math

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

# Type ---------------------------------------------------------------------------------
FONT = "Inter"
TITLE_SIZE = 60
HEADER_SIZE = 30
LABEL_SIZE = 28
VALUE_SIZE = 24
READOUT_SIZE = 34
CAPTION_SIZE = 28
MATH_SIZE = 36

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
    return thinnest + (thickest - thinnest) * math.sqrt(share)


def colour_for(value: float) -> str:
    return POSITIVE if value >= 0 else NEGATIVE


# A number the voice says appears with its word: it starts to fade in a little before the
# word and is fully there a little after (well inside the 0.3 s a viewer allows).
NUMBER_LEAD = 0.15  # seconds before the word
NUMBER_FADE = 0.3  # seconds the fade takes
