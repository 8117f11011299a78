"""A lecture's YouTube title and description, from templates with {placeholders}.

Every number put in is a string the lecture already carries as it shows it on screen (the
`_shown` strings of manifest.json's key_numbers), never reformatted here.
"""

from __future__ import annotations

import string
from pathlib import Path

from publishing.roster import STUDENTS, Student
from publishing.usage import UsageError
from publishing.youtube_checks import Lecture

DESCRIPTION = """\
How a neural network learns, every number on screen computed by a real training run.

A tiny network reads the tokens {tokens} and learns to predict "{target}". \
Before training it gives "{target}" {initial_probability}; after {steps} steps, \
{final_probability}. The loss falls from {initial_loss} to {final_loss}.

{chapters}
Seed {seed}: a new seed gives a new network and new numbers telling the same story.
"""
PLACEHOLDERS = {
    "seed": "the lecture's seed",
    "student": "the name of the student the course gave this seed (students.csv)",
    "quality": "the lecture's quality, e.g. 1080p",
    "tokens": 'the words the network reads, each quoted: "The", "Capital", "Is"',
    "target": "the word the network learns to predict",
    "steps": "how many training steps the lecture shows",
    "initial_probability": "the target's probability before training, as shown",
    "final_probability": "the target's probability after training, as shown",
    "initial_loss": "the loss before training, as shown",
    "final_loss": "the loss after training, as shown",
    "chapters": "the lines of chapters.txt (YouTube makes chapters of them)",
}


def fields_of(template: str, option: str) -> set[str]:
    """The placeholders a template uses; UsageError for one that does not exist."""
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError as error:
        raise UsageError(f"{option}: {error}; write a literal brace as {{{{ or }}}}") from None
    unknown = sorted(names - PLACEHOLDERS.keys())
    if unknown:
        known = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
        raise UsageError(f"{option}: no placeholder {{{unknown[0]}}}; use {known}")
    return names


def read_description_template(path: Path | None) -> str:
    if path is None:
        return DESCRIPTION
    try:
        template = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"--description: no file {path}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"--description: cannot read {path} as UTF-8 text ({error})") from None
    fields_of(template, "--description")
    return template


def values_for(lecture: Lecture, student: Student | None) -> dict[str, object]:
    """What each placeholder stands for in this lecture: the seed, the student, and the
    strings the lecture shows (manifest.json's key_numbers), chapters.txt's lines."""
    numbers = lecture.key_numbers
    losses = numbers.get("losses_per_step_shown") or [None]
    chapters = lecture.chapters.read_text(encoding="utf-8") if lecture.chapters.is_file() else ""
    values = {
        "seed": lecture.seed,
        "quality": lecture.quality,
        "tokens": ", ".join(f'"{token}"' for token in numbers["tokens"])
        if "tokens" in numbers
        else None,
        "target": numbers.get("target"),
        "steps": numbers.get("steps"),
        "initial_probability": numbers.get("initial_target_probability_shown"),
        "final_probability": numbers.get("final_target_probability_shown"),
        "initial_loss": losses[0],
        "final_loss": losses[-1],
        "chapters": chapters,
    }
    if student is not None:
        values["student"] = student.name
    return values


def fill(template: str, option: str, lecture: Lecture, student: Student | None) -> str:
    """The template with this lecture's values; UsageError naming what the lecture lacks."""
    values = values_for(lecture, student)
    for name in fields_of(template, option):
        if values.get(name) is None:
            if name == "student":
                raise UsageError(
                    f"{option} uses {{student}} but seed {lecture.seed} has no student in "
                    f"{lecture.course / STUDENTS}"
                )
            raise UsageError(
                f"{option} uses {{{name}}} but {lecture.folder}/manifest.json has no such "
                "number; render the lecture again"
            )
    try:
        return template.format_map(values)
    except (ValueError, TypeError) as error:
        raise UsageError(f"{option}: {error}") from None
