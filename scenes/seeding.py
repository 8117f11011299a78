"""What render.py tells a scene through the environment (so plain manim can do the same).

    MECHANICS_SEED=7 manim render -ql scenes/forward_pass.py ForwardPass

MECHANICS_SEED picks the seed (default 0, the film's); MECHANICS_STILLS names a folder where
the scene saves the key frame of every beat as PNG; MECHANICS_KEY_FRAMES names a JSON file
where it writes when each key frame is on screen (render.py takes the thumbnail from it).
This module imports no Manim, so render.py can read it before checking the machine.
"""

from __future__ import annotations

import os

from mechanics import check_seed

SEED_VARIABLE = "MECHANICS_SEED"
STILLS_VARIABLE = "MECHANICS_STILLS"
KEY_FRAMES_VARIABLE = "MECHANICS_KEY_FRAMES"
DEFAULT_SEED = 0


def scene_seed() -> int:
    """The seed named by MECHANICS_SEED (default 0); a ValueError names a bad one."""
    raw = os.environ.get(SEED_VARIABLE, str(DEFAULT_SEED))
    try:
        return check_seed(int(raw))
    except ValueError:
        raise ValueError(f"{SEED_VARIABLE} must be an integer in [0, 2**32), got {raw!r}") from None
