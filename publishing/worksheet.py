"""A worksheet per lecture, its answers, and the course's answer sheet.

worksheet.md goes to the student with their lecture; answers.json (and the course's
answers.csv, one row per seed) stays with the lecturer. The answers are the engine's
(mechanics.worksheet), written as the film writes them.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from common.files import whole_or_absent
from mechanics import Lesson
from mechanics.worksheet import Answer, answers
from publishing.film import SECTIONS, TITLE

WORKSHEET = "worksheet.md"
ANSWERS = "answers.json"
COURSE_ANSWERS = "answers.csv"


def worksheet_files(folder: Path) -> list[Path]:
    return [folder / WORKSHEET, folder / ANSWERS]


def worksheet_text(seed: int, questions: Sequence[Answer]) -> str:
    """The questions, grouped by the section that shows their answers, with room to write."""
    titles = {section.number: section.title for section in SECTIONS}
    lines = [
        f"# {TITLE}: worksheet for seed {seed}",
        "",
        f"Watch your own lecture, seed {seed}, and write down what it shows. Every answer",
        "is on screen (or spoken) in your film: copy numbers exactly as the film writes them.",
        "Another seed's film gives other answers.",
        "",
        "Name: ______________________",
    ]
    section = None
    for number, question in enumerate(questions, start=1):
        if question.section != section:
            section = question.section
            lines += ["", f"## {section}. {titles[section]}"]
        lines += ["", f"{number}. {question.question}", "", "   Answer: ______________________"]
    return "\n".join(lines) + "\n"


def answers_document(lesson: Lesson, questions: Sequence[Answer]) -> dict:
    return {
        "title": TITLE,
        "seed": lesson.seed,
        "answers": [asdict(question) for question in questions],
    }


def write_worksheet(folder: Path, lesson: Lesson) -> list[Path]:
    """Write worksheet.md and answers.json for the lesson's seed; return their paths."""
    questions = answers(lesson)
    sheet, key = worksheet_files(folder)
    with whole_or_absent(sheet) as partial:
        partial.write_text(worksheet_text(lesson.seed, questions))
    with whole_or_absent(key) as partial:
        text = json.dumps(answers_document(lesson, questions), indent=1, ensure_ascii=False)
        partial.write_text(text + "\n")
    return [sheet, key]


def course_rows(out: Path) -> list[dict]:
    """Every finished lecture's answers under `out` (seed-N/QUALITY/ with a manifest), one
    per seed whatever its qualities, in seed order."""
    found: dict[int, dict] = {}
    for path in out.glob(f"seed-*/*/{ANSWERS}"):
        if not (path.parent / "manifest.json").is_file():
            continue  # not (yet) a finished lecture
        try:
            document = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        row = {"seed": document["seed"]}
        row |= {answer["key"]: answer["shown"] for answer in document["answers"]}
        found.setdefault(document["seed"], row)
    return [found[seed] for seed in sorted(found)]


def write_course_answers(out: Path) -> Path | None:
    """answers.csv in `out`: a row per seed with a finished lecture, a column per question.
    None (and no file) when there is no finished lecture yet."""
    rows = course_rows(out)
    destination = out / COURSE_ANSWERS
    if not rows:
        destination.unlink(missing_ok=True)
        return None
    columns = list(dict.fromkeys(key for row in rows for key in row))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    with whole_or_absent(destination) as partial:
        partial.write_text(buffer.getvalue(), encoding="utf-8")
    return destination
