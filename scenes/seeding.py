"""What render.py tells a scene through the environment (so plain manim can do the same).

    MECHANICS_SEED=7 manim render -ql scenes/forward_pass.py ForwardPass

MECHANICS_SEED picks the seed (default 0, the film's); MECHANICS_STILLS names a folder where
the scene saves the key frame of every beat as PNG; MECHANICS_KEY_FRAMES names a JSON file
where it writes when each key frame is on screen (render.py takes the thumbnail from it).
MECHANICS_VOICE names the voice that speaks the narration ("piper", a folder of recordings,
or "none", the default of a plain Manim run: a silent scene); MECHANICS_LINES names a JSON
file where the scene writes each line it spoke, with its id, words, clip and start time;
MECHANICS_CAPTIONS says whether captions are burned into the picture ("burned", the
default) or left to the .srt ("file"); MECHANICS_BEATS names a JSON file where the scene
writes its beats, with their frames and lines (render.py builds the presenter's timeline).
This module imports no Manim, so render.py can read it before checking the machine.
"""

from __future__ import annotations

import os

from mechanics import check_seed

SEED_VARIABLE = "MECHANICS_SEED"
STILLS_VARIABLE = "MECHANICS_STILLS"
KEY_FRAMES_VARIABLE = "MECHANICS_KEY_FRAMES"
VOICE_VARIABLE = "MECHANICS_VOICE"
LINES_VARIABLE = "MECHANICS_LINES"
CAPTIONS_VARIABLE = "MECHANICS_CAPTIONS"
BEATS_VARIABLE = "MECHANICS_BEATS"
BURNED, FILE = "burned", "file"  # where captions go
DEFAULT_SEED = 0


def scene_seed() -> int:
    """The seed named by MECHANICS_SEED (default 0); a ValueError names a bad one."""
    raw = os.environ.get(SEED_VARIABLE, str(DEFAULT_SEED))
    try:
        return check_seed(int(raw))
    except ValueError:
        raise ValueError(f"{SEED_VARIABLE} must be an integer in [0, 2**32), got {raw!r}") from None


def captions_burned() -> bool:
    """Whether captions are drawn into the picture (MECHANICS_CAPTIONS, default burned)."""
    where = os.environ.get(CAPTIONS_VARIABLE, BURNED)
    if where not in (BURNED, FILE):
        raise ValueError(f"{CAPTIONS_VARIABLE} must be {BURNED!r} or {FILE!r}, got {where!r}")
    return where == BURNED
