"""A silent film's voice: the lecturer speaks in the hall, the film only shows its lines.

Its clip has no sound. It is the line read at a steady pace: each word when a reader's eye
reaches it, the whole line as long as it takes to read, so a scene times a silent line the
same way it times a spoken one.
"""

from __future__ import annotations

from voices.base import Clip, Voice, code_digest
from voices.timing import read_word_times

READING_SPEED = 17.0  # characters per second: every caption stays up at least this long


class Silent(Voice):
    """No voice: the lines are read, not heard."""

    name = "none"
    speaks = False

    def clip(self, line_id: str, words: str) -> Clip:
        seconds = len(words) / READING_SPEED
        return Clip(None, seconds, tuple(read_word_times(words, READING_SPEED)))

    def key(self, line_prefix: str) -> dict:
        """Only the reading speed decides a silent film's timing, and it is in this file."""
        return {"voice": self.name, "code": code_digest(__file__)}

    def describe(self) -> dict:
        """Not in the manifest, which names a voice only when the film has sound."""
        return {"name": "none (a silent film)"}

    def licences(self) -> dict[str, str]:
        """Nothing is spoken, so nothing is licensed."""
        return {}
