"""A worksheet's answers for one seed: questions a student answers by watching their film.

Every answer is a value of the lesson at a named place (a `Source`), written exactly as the
film writes it (mechanics.formatting), so a student who copies it from the screen matches
the key character for character, and another seed's key does not fit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import formatting as fmt
from .lesson import Lesson
from .sources import Ref, source_of, value_of

HALF = 50.0  # percent


@dataclass(frozen=True)
class Answer:
    """One question and its answer, as the film shows it."""

    key: str  # a short name: the column in the course's answers.csv
    section: int  # the section of the film that shows it
    question: str
    shown: str  # the answer as written on screen (or spoken, for words)
    value: float | int | str  # the engine's value behind it
    source: str  # where in the lesson the value is, e.g. "trace[1].loss"


def answer(key: str, section: int, question: str, ref: Ref, write: Callable[..., str]) -> Answer:
    """The answer at `ref`, written by `write` as the film writes it."""
    value = value_of(ref)
    value = value if isinstance(value, str | int) else float(value)
    return Answer(key, section, question, write(value), value, str(source_of(ref)))


def step_passing_half(lesson: Lesson) -> int:
    """The first training step whose read-out shows the target above 50%: as written, so a
    p of 0.50022, shown as 50.0%, is not yet above it."""
    for step in lesson.trace:
        shown = fmt.percent(step.probabilities[lesson.target_index])
        if float(shown.rstrip("%")) > HALF:
            return step.index
    raise ValueError(f"seed {lesson.seed}: {lesson.target} never passes {HALF:g}%")


def answers(lesson: Lesson) -> tuple[Answer, ...]:
    """The worksheet's answers for the lesson's seed, in the order the film shows them."""
    src, target = Ref(lesson), lesson.target_index
    valley = lesson.wiggle.valley_index
    row, col = lesson.wiggle.index
    passing = step_passing_half(lesson)
    word = f"\u201c{lesson.target}\u201d"
    return (
        answer(
            "p_target_before",
            1,
            f"Before any training, what probability does the network give {word}?",
            src.trace[0].probabilities[target],
            fmt.percent,
        ),
        answer(
            "first_guess",
            1,
            "Which word does the untrained network guess?",
            src.candidates[lesson.first_guess],
            str,
        ),
        Answer(
            "wiggled_weight",
            3,
            "Which connection's weight w does the wiggle single out?",
            fmt.connection(lesson.tokens[col], row),
            f"{lesson.wiggle.name}[{row}, {col}]",
            "wiggle.index",
        ),
        answer(
            "valley_w",
            3,
            "At the bottom of the valley, where the slope is flat, what is w?",
            src.wiggle.ws[valley],
            fmt.signed,
        ),
        answer(
            "valley_loss",
            3,
            "And what is the loss there?",
            src.wiggle.losses[valley],
            fmt.loss_value,
        ),
        answer(
            "loss_step_1",
            4,
            "In the training loop, what loss does the read-out show at Step 1?",
            src.trace[1].loss,
            fmt.loss_value,
        ),
        answer(
            "step_past_half",
            4,
            f"At which step does the read-out first show {word} above 50%?",
            src.trace[passing].index,
            fmt.whole,
        ),
        answer(
            "p_target_after",
            4,
            f"After the last step, what probability does the network give {word}?",
            src.trace[len(lesson.trace) - 1].probabilities[target],
            fmt.percent,
        ),
    )
