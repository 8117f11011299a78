"""Spoken numbers: which words hold one of the lesson's numbers, whether the numbers read
off the screen show it, and when it turned over (a search around its word)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from publishing.choreography.lecture import Word
from publishing.choreography.thresholds import LATE, TURN_AHEAD, TURN_BACK, TURN_STEP

DASHES = dict.fromkeys(map(ord, "\u2212\u2010\u2011\u2012\u2013\u2014\ufe63\uff0d"), "-")


NUMBER_AT_START = re.compile(r"^[(\[\"'\u201c\u2018]*([-\u2212\u2013]?\d[\d,]*(?:\.\d+)?%?)")
NUMBER_INSIDE = re.compile(r"\d[\d,]*(?:\.\d+)?%?")
READ_NUMBER = re.compile(r"-?\d+(?:\.\d+)?%?")


def normal_number(token: str) -> str:
    """A number as compared: one kind of minus, no thousands separators, no trailing comma."""
    token = token.translate(DASHES).rstrip(",")
    return re.sub(r"(?<=\d),(?=\d)", "", token)


def number_in_word(word: str) -> str | None:
    """The number a spoken word holds ("(17.3%)," -> "17.3%"), or None."""
    if not any(ch.isdigit() for ch in word):
        return None
    match = NUMBER_AT_START.match(word) or NUMBER_INSIDE.search(word)
    return normal_number(match.group(1) if match.re is NUMBER_AT_START else match.group(0))


def numbers_read(text: str) -> list[str]:
    """The numbers in an OCR reading, each a whole token."""
    text = text.translate(DASHES)
    text = re.sub(r"(?<=[\d.])[Oo]|[Oo](?=[.,]?\d)", "0", text)  # tesseract's O for 0
    text = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text)
    return READ_NUMBER.findall(text)


def shows(number: str, read: Iterable[str]) -> bool:
    """Whether a number the voice said is among the numbers read off the screen: the same
    value (a percentage also as a probability: 17.3% as 17.3 or 0.173); a negative number
    also without its minus sign, which tesseract often drops."""
    value = float(number.rstrip("%"))
    wanted = [value] + ([value / 100] if number.endswith("%") else [])
    for token in read:
        seen = float(token.rstrip("%"))
        for target in wanted:
            if math.isclose(seen, target, rel_tol=1e-9, abs_tol=1e-12):
                return True
            if target < 0 and not token.startswith("-") and math.isclose(seen, -target):
                return True
    return False


@dataclass
class SpokenNumber:
    number: str
    word: str
    start: float
    end: float
    line: str
    section: int


def spoken_numbers(words: Iterable[Word]) -> list[SpokenNumber]:
    """Every word that is one of the lesson's numbers (where the folder says which; else
    every word holding a digit), with when it is said. A layout number the voice says
    ("section 1", "between 0 and 1") is not held to the screen."""
    found = []
    for word in words:
        number = number_in_word(word.text)
        if number is not None and word.engine:
            found.append(
                SpokenNumber(number, word.text, word.start, word.end, word.line, word.section)
            )
    return found


@dataclass
class Sighting:
    """What the screen showed of a spoken number."""

    at_onset: bool
    at_end: bool
    appeared: float | None  # seconds from its word's onset it first showed (None: never)
    already: bool  # on screen TURN_BACK seconds before its word already

    @property
    def late(self) -> bool:
        return self.appeared is None or self.appeared > LATE + 1e-9

    def describe(self) -> str:
        if self.appeared is None:
            return f"NOT on screen (from {TURN_BACK:g} s before its word to {TURN_AHEAD:g} s after)"
        if self.already:
            return f"on screen, already {TURN_BACK:g} s before its word"
        if abs(self.appeared) < 0.05:
            return "on screen, turned over with its word"
        if self.appeared < 0:
            return f"on screen, turned over {-self.appeared:.1f} s before its word"
        verdict = "LATE: " if self.late else "on screen, "
        return f"{verdict}turned over {self.appeared:.1f} s after its word"


def sighting(
    present: Callable[[float], bool],
    onset: float,
    end: float,
    step: float = TURN_STEP,
    back: float = TURN_BACK,
    ahead: float = TURN_AHEAD,
) -> Sighting:
    """When a number showed, given `present(t)`: on screen at lecture time t. Searches the
    grid onset + k * step from `back` before to `ahead` after, assuming it stays once shown
    (a binary search: a few readings per number, not thirty)."""
    at_onset = present(onset)
    at_end = present(max(end - 1e-3, onset))

    def first_present(absent_k: int, present_k: int) -> int:
        while present_k - absent_k > 1:
            middle = (absent_k + present_k) // 2
            if present(onset + middle * step):
                present_k = middle
            else:
                absent_k = middle
        return present_k

    lowest = -round(back / step)
    if at_onset:
        if present(onset + lowest * step):
            return Sighting(True, at_end, lowest * step, True)
        return Sighting(True, at_end, first_present(lowest, 0) * step, False)
    highest = round(ahead / step)
    end_k = math.floor((end - onset) / step)
    probes = sorted({round(LATE / step), end_k, highest // 4, highest // 2, highest} - {0})
    absent_k = 0
    for k in (k for k in probes if 0 < k <= highest):
        if present(onset + k * step):
            return Sighting(False, at_end, first_present(absent_k, k) * step, False)
        absent_k = k
    return Sighting(False, at_end, None, False)
