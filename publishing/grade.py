"""grade: mark the students' hand-ins against the course's key.

    python -m publishing.grade COURSE HAND-IN.csv [MORE.csv ...] [--out marks.csv]

The key is each finished lecture's answers.json in COURSE (render.py's --out); the course's
students.csv says which seed each student id has. A hand-in is the CSV the worksheet asks
for: a header `student,p_target_before,...` (or `seed,...` in a course without a roster),
then a line per student; a file may hold one student's line or a whole class's.

The film is the standard: an answer is right when it says what the film shows, however a
student honestly types it. A number is right when it has the film's value at the film's
precision: any minus sign (- − –), the % or not, spaces anywhere around; more decimals are
right when they round to the film's number (they cannot contradict it), fewer are right
only when they still have its value (10.90 and 10.9 for 10.9%; not 11). A word is right in
any case, with or without quotes; a connection with curly, straight or no quotes. What
cannot be read as the kind of answer asked ("about ten percent", "1O.9") is marked "?" with
a line on stderr naming the student and the question, for the lecturer to look at; a blank
answer is 0. Marks go to marks.csv (1, 0 or ? per question, the total and how many
questions), written whole, and a short table to stdout. Exit code 0 when every hand-in was
marked without a "?", 1 when something was reported on stderr, 2 for a usage error.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from publishing.roster import STUDENTS, RosterError, Student, course_students, write_table
from publishing.usage import OneLineParser, UsageError
from publishing.worksheet import NAME_COLUMN, SEED_COLUMN, STUDENT_COLUMN, course_keys

MARKS = "marks.csv"
RIGHT, WRONG, UNREADABLE = "1", "0", "?"
MINUSES = str.maketrans({"\u2212": "-", "\u2013": "-"})  # minus sign, en dash
QUOTES = "\"'\u201c\u201d\u2018\u2019`"
NUMBER = re.compile(r"([+-]?)\s*(\d+(?:\.\d*)?|\.\d+)\s*(%?)")
CONNECTION = re.compile(r"from (\S+) to mixer (\d+)")


class Unreadable(ValueError):
    """An answer that cannot be read as the kind of answer asked: marked "?"."""


@dataclass(frozen=True)
class Number:
    value: Decimal
    decimals: int  # places after the point, as written
    percent: bool


def read_number(text: str) -> Number:
    """A number as written, with any minus sign, a % or not, and spaces around."""
    written = NUMBER.fullmatch(text.strip().translate(MINUSES))
    if not written:
        raise Unreadable(f'cannot read "{text.strip()}" as a number')
    sign, digits, percent = written.groups()
    decimals = len(digits.partition(".")[2])
    return Number(Decimal(sign + digits), decimals, bool(percent))


def words(text: str) -> str:
    """A text without quotes, in one case, its spaces single: how two writings compare."""
    unquoted = "".join(" " if char in QUOTES else char for char in text)
    return " ".join(unquoted.split()).casefold()


def read_connection(text: str) -> tuple[str, int]:
    """The word and the mixer of a connection written as the film writes it."""
    written = CONNECTION.fullmatch(words(text))
    if not written:
        raise Unreadable(
            f'cannot read "{text.strip()}" as a connection like from "word" to mixer 2'
        )
    return written[1], int(written[2])


def mark(shown: str, written: str) -> str:
    """RIGHT or WRONG for what a student wrote, the film's `shown` the standard; Unreadable
    when it cannot be read as the kind of answer `shown` is."""
    if not written.strip():
        return WRONG
    if CONNECTION.fullmatch(words(shown)):
        return RIGHT if read_connection(written) == read_connection(shown) else WRONG
    try:
        film = read_number(shown)
    except Unreadable:  # a word
        return RIGHT if words(written) == words(shown) else WRONG
    student = read_number(written)
    if student.percent and not film.percent:
        return WRONG  # a loss or a weight is not a percentage
    if film.decimals == 0:
        return RIGHT if student.value == film.value else WRONG  # a step is a whole number
    place = Decimal(1).scaleb(-film.decimals)
    return RIGHT if student.value.quantize(place, ROUND_HALF_UP) == film.value else WRONG


@dataclass
class HandIn:
    seed: int
    student: Student | None
    written: dict[str, str]  # question key -> as written; no entry for a missing column
    where: str  # FILE, line N


@dataclass
class Marking:
    """What the hand-ins gave: the marked ones by seed, and every problem, one line each."""

    key: dict[int, dict]  # seed -> its answers.json
    students: dict[str, Student]
    hand_ins: dict[int, HandIn] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def questions(self) -> list[str]:
        documents = self.key.values()
        return list(dict.fromkeys(a["key"] for d in documents for a in d["answers"]))


def who(seed: int, student: Student | None) -> str:
    return f"{student.id} ({student.name})" if student else f"seed {seed}"


def rows_of(path: Path) -> list[list[str]]:
    """A hand-in file's cells, as a spreadsheet saves CSV: UTF-8 with or without a byte-order
    mark, separated by commas, or by semicolons where the header has no comma (a spreadsheet
    in a language that writes a decimal comma saves its CSV so)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UsageError(f"no hand-in file {path}") from None
    except UnicodeDecodeError:
        raise ValueError("it is not UTF-8 text; save it as CSV UTF-8") from None
    except OSError as error:
        raise ValueError(f"cannot read it ({error.strerror})") from None
    header = text.partition("\n")[0]
    delimiter = ";" if ";" in header and "," not in header else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def read_hand_ins(path: Path, marking: Marking) -> None:
    """Add the hand-ins of one CSV file to `marking`, or a line saying why one is not."""
    try:
        rows = rows_of(path)
    except ValueError as error:
        marking.problems.append(f"{path}: {error}; not marked")
        return
    questions = marking.questions
    header = [cell.strip().lower() for cell in rows[0]] if rows else []
    # By the student's id; by the seed in a course without a roster (or when only it is given).
    by_student = STUDENT_COLUMN in header and (bool(marking.students) or SEED_COLUMN not in header)
    if not by_student and SEED_COLUMN not in header:
        marking.problems.append(
            f"{path}: its first line must name the columns, as the worksheet shows: "
            f"{STUDENT_COLUMN if marking.students else SEED_COLUMN},{','.join(questions)}; "
            "not marked"
        )
        return
    if by_student and not marking.students:
        marking.problems.append(
            f"{path}: hands in by student id, but the course has no {STUDENTS} to find their "
            f"seeds: name the column {SEED_COLUMN} instead ({SEED_COLUMN},...); not marked"
        )
        return
    missing = [q for q in questions if q not in header]
    if missing:
        numbered = ", ".join(f"{questions.index(q) + 1} {q}" for q in missing)
        others = [c for c in header if c not in (*questions, STUDENT_COLUMN, SEED_COLUMN)]
        extra = f" (it has {', '.join(others)}: not a question's name)" if others else ""
        marking.problems.append(
            f"{path}: no column for question {numbered}{extra}: marked {UNREADABLE}"
        )
    for line, row in enumerate(rows[1:], start=2):
        if any(cell.strip() for cell in row):
            add_hand_in(row, header, by_student, f"{path}, line {line}", marking)


def add_hand_in(
    row: list[str], header: list[str], by_student: bool, where: str, marking: Marking
) -> None:
    """Add one line of a hand-in to `marking`, or a line saying why it is not marked."""
    column = {name: at for at, name in reversed(list(enumerate(header)))}
    cells = [cell.strip() for cell in row]
    too_many = any(cells[len(header) :])
    cells += [""] * len(header)
    given = cells[column[STUDENT_COLUMN if by_student else SEED_COLUMN]]
    if by_student:
        student = marking.students.get(given)
        if student is None:
            marking.problems.append(
                f'{where}: no student "{given}" in the course\'s {STUDENTS}; not marked'
            )
            return
        seed = student.seed
    else:
        try:
            seed = int(given)
        except ValueError:
            marking.problems.append(f'{where}: cannot read the seed "{given}"; not marked')
            return
        student = next((s for s in marking.students.values() if s.seed == seed), None)
    if seed not in marking.key:
        marking.problems.append(
            f"{where}: {who(seed, student)} has seed {seed}, which has no finished lecture "
            "in the course; not marked"
        )
        return
    if too_many:
        marking.problems.append(
            f"{where}: {who(seed, student)} has more answers than columns (a comma inside "
            "an answer?); not marked"
        )
        return
    if seed in marking.hand_ins:
        marking.problems.append(
            f"{where}: a second hand-in for {who(seed, student)}, after "
            f"{marking.hand_ins[seed].where}; not marked"
        )
        return
    written = {q: cells[column[q]] for q in marking.questions if q in column}
    marking.hand_ins[seed] = HandIn(seed, student, written, where)


def marks_of(hand_in: HandIn, marking: Marking) -> dict[str, str]:
    """Each question's mark; a line in `marking.problems` for each "?"."""
    marks = {}
    key = {a["key"]: a["shown"] for a in marking.key[hand_in.seed]["answers"]}
    for number, question in enumerate(marking.questions, start=1):
        if question not in hand_in.written or question not in key:
            marks[question] = UNREADABLE
            continue
        try:
            marks[question] = mark(key[question], hand_in.written[question])
        except Unreadable as error:
            marks[question] = UNREADABLE
            whose = who(hand_in.seed, hand_in.student)
            marking.problems.append(f"{whose}, question {number} {question}: {error}")
    return marks


def marks_rows(marking: Marking) -> Iterator[dict[str, str | int]]:
    for seed in sorted(marking.hand_ins):
        hand_in = marking.hand_ins[seed]
        marks = marks_of(hand_in, marking)
        student = hand_in.student
        yield {
            STUDENT_COLUMN: student.id if student else "",
            NAME_COLUMN: student.name if student else "",
            SEED_COLUMN: seed,
            **marks,
            "total": sum(value == RIGHT for value in marks.values()),
            "out_of": len(marks),
        }


def write_marks(rows: Sequence[dict], destination: Path) -> None:
    columns = list(rows[0])
    write_table(destination, columns, ([row[column] for column in columns] for row in rows))


def table(rows: Sequence[dict], marking: Marking) -> list[str]:
    """Per question how many got it right, per student their total, and who handed nothing in."""
    questions = marking.questions
    width = max(len(q) for q in questions) + 4
    lines = [f"{'question':<{width}}right"]
    for number, question in enumerate(questions, start=1):
        right = sum(row[question] == RIGHT for row in rows)
        unread = sum(row[question] == UNREADABLE for row in rows)
        note = f" ({unread} unreadable)" if unread else ""
        lines.append(f"{f'{number} {question}':<{width}}{right} of {len(rows)}{note}")
    names = max(len(f"{row['student']} {row['name']}".strip()) for row in rows)
    lines += ["", f"{'student':<{max(names, 7)}}  seed  total"]
    for row in rows:
        name = f"{row['student']} {row['name']}".strip() or "-"
        lines.append(
            f"{name:<{max(names, 7)}}  {row['seed']:>4}  {row['total']} of {row['out_of']}"
        )
    handed = {hand_in.seed for hand_in in marking.hand_ins.values()}
    absent = [s for s in marking.students.values() if s.seed not in handed]
    if absent:
        lines += ["", "no hand-in from: " + ", ".join(who(s.seed, s) for s in absent)]
    return lines


def parse_args(argv: list[str] | None, prog: str = "grade") -> argparse.Namespace:
    parser = OneLineParser(
        prog=prog,
        description="Mark the students' hand-ins (the CSV their worksheet asks for) against "
        "the course's key, and write marks.csv.",
    )
    parser.add_argument("course", type=Path, help="the course folder (render.py's --out)")
    parser.add_argument("hand_ins", type=Path, nargs="+", metavar="HAND-IN.csv")
    parser.add_argument(
        "--out", type=Path, metavar="FILE", help=f"where to write the marks; default COURSE/{MARKS}"
    )
    return parser.parse_args(argv)


def grade(arguments: argparse.Namespace, prog: str = "grade") -> int:
    course = arguments.course
    if not course.is_dir():
        raise UsageError(f"no course folder {course}; give render.py's --out folder")
    key = course_keys(course)
    if not key:
        raise UsageError(
            f"no finished lecture in {course} (seed-N/QUALITY/ with a manifest.json): render "
            f"the course first, e.g. render.py --seed 0-29 --out {course}"
        )
    destination = arguments.out or course / MARKS
    if destination.is_dir():
        raise UsageError(f"{destination} is a folder; give --out a file name, e.g. marks.csv")
    if not destination.parent.is_dir():
        raise UsageError(f"no folder {destination.parent} to write {destination.name} in")
    try:
        students = {student.id: student for student in course_students(course)}
    except RosterError as error:
        raise UsageError(str(error)) from None
    marking = Marking(key, students)
    for path in arguments.hand_ins:
        read_hand_ins(path, marking)
    rows = list(marks_rows(marking))
    for problem in marking.problems:
        print(f"{prog}: {problem}", file=sys.stderr)
    if not rows:
        print(f"{prog}: no hand-in could be marked; nothing written", file=sys.stderr)
        return 1
    try:
        write_marks(rows, destination)
    except OSError as error:
        print(f"{prog}: cannot write {destination} ({error.strerror})", file=sys.stderr)
        return 1
    print(f"marked {len(rows)} hand-ins against the key of {len(key)} lectures: {destination}")
    print("\n".join(table(rows, marking)))
    return 1 if marking.problems else 0


def main(argv: list[str] | None = None, prog: str = "grade") -> int:
    try:
        return grade(parse_args(argv, prog), prog)
    except UsageError as error:
        print(f"{prog}: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
