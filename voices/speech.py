"""How the film's synthetic voices speak, whichever engine: the pace, the pause between
sentences, and how the captions' signs are said. Both engines read English through espeak,
so they share these."""

from __future__ import annotations

import re

SENTENCE_PAUSE = 0.3  # seconds between the sentences of one line
# The film's pace: a lecturer's 150-165 words a minute (Piper's own is about 190).
TARGET_WPM = 157.0
PACE_TOLERANCE = 3.0  # words a minute either side of the target
PACE_BAND = (150.0, 165.0)  # a lecturer's pace, words a minute: what the film is held to

# espeak reads characters it has no sound for as nothing, or spells them out, and reads
# "tanh" as "tan": these are said as a lecturer says them.
SPOKEN = {"−": "minus ", "×": " times ", "→": " to ", "≈": " about "}
SPOKEN_WORDS = {"tanh": "tanch"}
# A function's brackets, said: "−log(p)" is "minus log of p" (Kokoro read the brackets as
# sounds, heard as "lock key").
APPLIED = re.compile(r"\b(log|exp)\(([^()]*)\)")


def spoken(words: str) -> str:
    """The caption's words as a voice should read them (the caption itself stays the same)."""
    for sign, word in SPOKEN.items():
        words = words.replace(sign, word)
    for written, said in SPOKEN_WORDS.items():
        words = re.sub(rf"\b{written}\b", said, words)
    return APPLIED.sub(r"\1 of \2", words)


def pace(words: int, speaking: float) -> float:
    """Words a minute, over the time the words themselves took (pauses left out)."""
    return 60 * words / speaking
