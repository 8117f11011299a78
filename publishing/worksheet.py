"""A worksheet per lecture, its answers, and the course's answer sheet.

worksheet.md goes to the student with their lecture (with their name, when the course has a
roster, and the line to hand in); answers.json (and the course's answers.csv, one row per
seed) stays with the lecturer. The answers are the engine's (mechanics.worksheet), written
as the film writes them; answers.csv writes them as a keyboard types them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from common.files import whole_or_absent
from mechanics import Lesson
from mechanics.worksheet import Answer, answers
from publishing.film import SECTIONS, TITLE
from publishing.roster import Student, course_of, course_students, student_of, write_table

WORKSHEET = "worksheet.md"
ANSWERS = "answers.json"
COURSE_ANSWERS = "answers.csv"
STUDENT_COLUMN = "student"  # a hand-in's (and answers.csv's) student id, from the roster
SEED_COLUMN = "seed"  # a hand-in's seed, for a course without a roster
NAME_COLUMN = "name"
# The film's typography, as a keyboard types it: minus sign, curly quotes.
TYPED = str.maketrans({"\u2212": "-", "\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})


def worksheet_files(folder: Path) -> list[Path]:
    return [folder / WORKSHEET, folder / ANSWERS]


def as_typed(shown: str) -> str:
    """An answer as the film writes it, in the characters a keyboard types: -1.13 for
    −1.13, straight quotes for curly ones; the film's rounding and words unchanged."""
    return shown.translate(TYPED)


def hand_in_columns(student: Student | None, questions: Sequence[Answer]) -> list[str]:
    """The hand-in's header: who (the student's id from the roster, else the seed), then one
    column per question, named by its key, in the worksheet's order."""
    return [STUDENT_COLUMN if student else SEED_COLUMN, *(q.key for q in questions)]


def hand_in_lines(seed: int, student: Student | None, questions: Sequence[Answer]) -> list[str]:
    """The part of the worksheet that says how to hand the answers in, with the header the
    grader reads and the student's own line started."""
    who = student.id if student else str(seed)
    return [
        "",
        "## Hand in",
        "",
        "Hand in your answers as CSV: these two lines in a text file (or a spreadsheet saved",
        "as CSV), with your answers typed into the second line, each after its comma, in the",
        "order of the questions (each question above names its column).",
        "",
        "```",
        ",".join(hand_in_columns(student, questions)),
        who + "," * len(questions),
        "```",
        "",
        "- Copy numbers as the film writes them, with its decimals: `-` is fine for a minus",
        "  sign, and the `%` may be left out.",
        "- Words as the film says them (capitals do not matter); the connection as the film",
        '  writes it, with straight quotes or none: `from "word" to mixer 2`.',
        "- No commas inside an answer.",
    ]


def worksheet_text(seed: int, questions: Sequence[Answer], student: Student | None = None) -> str:
    """The questions, grouped by the section that shows their answers, with room to write,
    then how to hand them in. With a student (from the course's roster), their name."""
    titles = {section.number: section.title for section in SECTIONS}
    whose = student.name if student else f"seed {seed}"
    name = f"{student.name} ({student.id})" if student else "______________________"
    lines = [
        f"# {TITLE}: worksheet for {whose}",
        "",
        f"Watch your own lecture, seed {seed}, and write down what it shows. Every answer",
        "is on screen (or spoken) in your film: copy numbers exactly as the film writes them.",
        "Another seed's film gives other answers.",
        "",
        f"Name: {name}",
    ]
    section = None
    for number, question in enumerate(questions, start=1):
        if question.section != section:
            section = question.section
            lines += ["", f"## {section}. {titles[section]}"]
        lines += [
            "",
            f"{number}. {question.question}",
            "",
            f"   Answer ({question.key}): ______________________",
        ]
    lines += hand_in_lines(seed, student, questions)
    return "\n".join(lines) + "\n"


def answers_document(
    lesson: Lesson, questions: Sequence[Answer], student: Student | None = None
) -> dict:
    document = {"title": TITLE, "seed": lesson.seed}
    if student:
        document[STUDENT_COLUMN] = {"id": student.id, "name": student.name}
    return document | {"answers": [asdict(question) for question in questions]}


def write_worksheet(folder: Path, lesson: Lesson) -> list[Path]:
    """Write worksheet.md and answers.json for the lesson's seed, with the name of the
    student the course (the lecture folder's grandparent, render.py's --out) gave this seed,
    when it has a roster; return their paths."""
    questions = answers(lesson)
    student = student_of(course_of(folder), lesson.seed)
    sheet, key = worksheet_files(folder)
    with whole_or_absent(sheet) as partial:
        partial.write_text(worksheet_text(lesson.seed, questions, student), encoding="utf-8")
    with whole_or_absent(key) as partial:
        document = answers_document(lesson, questions, student)
        partial.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", "utf-8")
    return [sheet, key]


def course_keys(out: Path) -> dict[int, dict]:
    """Every finished lecture's answers.json under `out` (seed-N/QUALITY/ with a manifest),
    one per seed whatever its qualities, by seed."""
    found: dict[int, dict] = {}
    for path in sorted(out.glob(f"seed-*/*/{ANSWERS}")):
        if not (path.parent / "manifest.json").is_file():
            continue  # not (yet) a finished lecture
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        found.setdefault(document["seed"], document)
    return {seed: found[seed] for seed in sorted(found)}


def course_rows(out: Path) -> list[dict]:
    """The course's key, one row per finished lecture in seed order: the seed, its student
    (id and name from the course's roster; empty without one), and each answer as typed."""
    students = {student.seed: student for student in course_students(out)}
    rows = []
    for seed, document in course_keys(out).items():
        student = students.get(seed)
        row = {
            SEED_COLUMN: seed,
            STUDENT_COLUMN: student.id if student else "",
            NAME_COLUMN: student.name if student else "",
        }
        row |= {answer["key"]: as_typed(answer["shown"]) for answer in document["answers"]}
        rows.append(row)
    return rows


def write_course_answers(out: Path) -> Path | None:
    """answers.csv in `out`: a row per seed with a finished lecture, its student, a column
    per question. None (and no file) when there is no finished lecture yet."""
    rows = course_rows(out)
    destination = out / COURSE_ANSWERS
    if not rows:
        destination.unlink(missing_ok=True)
        return None
    columns = list(dict.fromkeys(key for row in rows for key in row))
    return write_table(destination, columns, ([row.get(c, "") for c in columns] for row in rows))
