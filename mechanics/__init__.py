"""The numpy training engine behind every number in the film. Imports numpy only.

from mechanics import lesson
L = lesson(seed=0)
"""

from .landscape import Landscape
from .lesson import Lesson, check_seed, lesson
from .network import Forward, backward, forward, loss
from .scorecard import Scorecard
from .second_run import SecondRun, Sentences
from .settings import Settings
from .training import Step
from .wiggle import Wiggle

__all__ = [
    "Forward",
    "Landscape",
    "Lesson",
    "Scorecard",
    "SecondRun",
    "Sentences",
    "Settings",
    "Step",
    "Wiggle",
    "backward",
    "check_seed",
    "forward",
    "lesson",
    "loss",
]
