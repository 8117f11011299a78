"""How the film writes a number, in one place, with one rounding rule.

`fixed` is the rule: round to a number of decimal places (Python's correctly rounded format)
and write a value that rounds to zero as 0, never −0. Every other writer here is `fixed` plus
a sign, a unit or a typesetting habit. The scenes and the story CLI (`python -m mechanics`)
write with these, so a number reads the same wherever it appears.
"""

from __future__ import annotations

import re

MINUS = "\N{MINUS SIGN}"
CONFIDENCE_DECIMALS = 3
SCORECARD_LOSS_DECIMALS = 2
NUMBER = re.compile(r"[−\-]?\d+(?:\.\d+)?%?")  # a written number, as it stands in a text


def fixed(value: float, decimals: int = 2) -> str:
    """0.42 / -0.13 / 0.00: rounded to `decimals` places, never a negative zero."""
    written = f"{value:.{decimals}f}"
    return f"{0.0:.{decimals}f}" if float(written) == 0.0 else written


def plain(value: float, decimals: int = 2) -> str:
    """0.42 / −0.13: a sign only when negative, a true minus sign."""
    return fixed(value, decimals).replace("-", MINUS)


def signed(value: float, decimals: int = 2) -> str:
    """+0.42 / −0.13 / 0.00: always a sign, except on a value that rounds to zero."""
    written = fixed(value, decimals)
    if float(written) > 0.0:
        written = "+" + written
    return written.replace("-", MINUS)


def percent(probability: float, decimals: int = 1) -> str:
    """0.1086 -> 10.9%."""
    return f"{fixed(100.0 * probability, decimals)}%"


def loss_value(loss: float) -> str:
    """A loss as the read-outs of sections 3-5 write it: three places, 0.039."""
    return fixed(loss, 3)


def confidence(p: float) -> str:
    """A confidence on the scorecard, to three places (0.109), so -log of the written p
    rounds to the loss written beside it."""
    return fixed(p, CONFIDENCE_DECIMALS)


def scorecard_loss(loss: float) -> str:
    """A loss on the scorecard, to two places: 2.22."""
    return fixed(loss, SCORECARD_LOSS_DECIMALS)


def slope(value: float) -> str:
    """A slope of the wiggle, signed, to three places: −0.123."""
    return signed(value, 3)


def whole(value: float) -> str:
    """A count or a training step's number: 7."""
    return f"{int(value)}"


def connection(token: str, mixer: int) -> str:
    """A first-layer weight in words: from “Capital” to mixer 2 (mixers count from 1)."""
    return f"from \u201c{token}\u201d to mixer {mixer + 1}"


def tex_number(value: float, decimals: int = 2) -> str:
    """A number inside a MathTex product: negatives in parentheses, so -0.5 · -0.3 cannot
    be misread."""
    written = fixed(value, decimals)
    return f"({written})" if written.startswith("-") else written


def factor(value: float, decimals: int = 2) -> str:
    """A number inside a written product: negatives in parentheses with a true minus, so
    0.42·(−0.13) cannot be misread."""
    return tex_number(value, decimals).replace("-", MINUS)


def tex_value(value: float, decimals: int = 2) -> str:
    """A number standing alone in MathTex (a result, an exponent): no parentheses."""
    return fixed(value, decimals)


def tex_percent(probability: float, decimals: int = 1) -> str:
    """A percentage for MathTex, where % starts a comment: 10.9\\%."""
    return percent(probability, decimals).replace("%", r"\%")


def has_digits(content: str) -> bool:
    """Whether a text shows any digit, so it may carry a number."""
    return re.search(r"\d", content) is not None


def numbers_in(content: str) -> list[str]:
    """Every written number in a text or formula, as written."""
    return NUMBER.findall(content)
