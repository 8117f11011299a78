"""Updaters that do their work only when it would change the picture.

Manim calls every updater on every frame of every play. A read-out or marker that follows
a tracker is rebuilt from scratch each time (a DashedLine, a DecimalNumber's glyphs), even
through the many frames in which its tracker stands still: a caption fading, a flash, an
arrow being drawn. At 1080p60 that rebuilding was most of section 2's drawing time.

`when_changed` wraps such an updater: it runs when one of its inputs (the values the
drawing is made from) reads differently, or when anything else (an animation) has changed
the mobject since it last ran. Otherwise the mobject already is what the updater would
make of it, so skipping the call leaves every pixel as it was.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from manim import Mobject, VMobject

Updater = Callable[[Mobject], object]

# Everything of a mobject that decides how it is drawn and that an animation may change.
DRAWN_ARRAYS = ("points", "fill_rgbas", "stroke_rgbas", "background_stroke_rgbas")
DRAWN_VALUES = ("stroke_width", "background_stroke_width", "sheen_factor", "z_index")


def look(mobject: Mobject) -> tuple:
    """What the mobject and its family look like, as a value that compares by content."""
    parts: list[object] = []
    for member in mobject.get_family():
        parts.append(id(member))
        for name in DRAWN_ARRAYS:
            array = getattr(member, name, None)
            if isinstance(array, np.ndarray):
                parts += (array.shape, array.tobytes())
        for name in DRAWN_VALUES:
            parts.append(getattr(member, name, None))
        if isinstance(member, VMobject):
            parts.append(tuple(np.asarray(member.sheen_direction).tolist()))
    return tuple(parts)


def when_changed(
    updater: Updater, *inputs: Callable[[], object], changes: Mobject | None = None
) -> Updater:
    """`updater`, run only when an input reads differently or the mobject it changes (the
    one it is called on, unless `changes` names another) looks different from how the
    updater last left it."""
    last: dict[str, object] = {}

    def update(mobject: Mobject) -> None:
        changed = mobject if changes is None else changes
        reading = tuple(read() for read in inputs)
        if last and last["reading"] == reading and last["look"] == look(changed):
            return
        updater(mobject)
        last["reading"], last["look"] = reading, look(changed)

    return update


def redrawn(build: Callable[[], Mobject], *inputs: Callable[[], object]) -> Mobject:
    """Manim's `always_redraw`, rebuilt only when an input reads differently (see
    `when_changed`). As in `always_redraw`, the mobject itself is rebuilt even when the
    updater runs on a copy of it (an animation updates its start and end copies too)."""
    mobject = build()

    def rebuild(_: Mobject) -> None:
        mobject.become(build())

    mobject.add_updater(when_changed(rebuild, *inputs, changes=mobject))
    return mobject
