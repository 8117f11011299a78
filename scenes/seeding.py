"""How a scene learns which seed to draw: render.py sets MECHANICS_SEED, plain manim reads it too.

    MECHANICS_SEED=7 manim render -ql scenes/forward_pass.py ForwardPass

Without the variable a scene draws seed 0, the film's default.
"""

from __future__ import annotations

import os

from mechanics import check_seed

SEED_VARIABLE = "MECHANICS_SEED"
DEFAULT_SEED = 0


def scene_seed() -> int:
    """The seed named by MECHANICS_SEED (default 0); a ValueError names a bad one."""
    raw = os.environ.get(SEED_VARIABLE, str(DEFAULT_SEED))
    try:
        return check_seed(int(raw))
    except ValueError:
        raise ValueError(f"{SEED_VARIABLE} must be an integer in [0, 2**32), got {raw!r}") from None
