"""A course's roster: which student has which seed, recorded once in the course folder.

The lecturer's roster (`render.py --roster students.csv`: a header `id,name`, one student a
row) is read, and every student gets a seed the first time they appear: the lowest seed no
student of the course has yet, from 0. The assignment is written to `students.csv` in the
course folder (render.py's `--out`) before anything renders, and read back on every later
run, so a student's seed never changes: not when the roster is reordered, a student is
added or leaves, or a name is corrected (the name is updated, the seed kept). A seed is
never given to a second student, even after its first student left the roster.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from common.files import whole_or_absent

STUDENTS = "students.csv"  # in the course folder: id,name,seed
COLUMNS = ("id", "name", "seed")
MOST_STUDENTS = 100_000  # as render.py's MOST_SEEDS: more than any course has


class RosterError(ValueError):
    """A roster that cannot be read: one line saying where and what to do."""


@dataclass(frozen=True)
class Student:
    id: str  # the student's id as the lecturer's roster gives it, e.g. "s001"
    name: str  # e.g. "Zoë Ng"
    seed: int


def read_roster(path: Path) -> list[tuple[str, str]]:
    """The (id, name) of each student of a lecturer's roster CSV, in its order.

    The header names the columns `id` and `name` (in any case and order; other columns are
    ignored), as a spreadsheet exports it (UTF-8, with or without a byte-order mark)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise RosterError(f"no roster at {path}; give a CSV with columns id,name") from None
    except UnicodeDecodeError:
        raise RosterError(f"{path} is not UTF-8 text; save the roster as CSV UTF-8") from None
    except OSError as error:
        raise RosterError(f"cannot read the roster {path} ({error.strerror})") from None
    reader = csv.reader(io.StringIO(text))
    header = [cell.strip().lower() for cell in next(reader, [])]
    if "id" not in header or "name" not in header:
        raise RosterError(
            f"{path} needs a header line naming its columns id and name (e.g. `id,name`); "
            f"its first line is {','.join(header)!r}"
        )
    at_id, at_name = header.index("id"), header.index("name")
    students: dict[str, str] = {}
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue  # a blank line
        cells = [cell.strip() for cell in row] + [""] * len(header)
        student_id, name = cells[at_id], cells[at_name]
        if not student_id or not name:
            raise RosterError(f"{path}, line {line}: every student needs an id and a name")
        if student_id in students:
            raise RosterError(f"{path}, line {line}: the id {student_id!r} appears twice")
        students[student_id] = name
    if not students:
        raise RosterError(f"{path} lists no students; give one a row: id,name")
    if len(students) > MOST_STUDENTS:
        raise RosterError(f"{path} lists more than {MOST_STUDENTS:,} students; fewer, please")
    return list(students.items())


def course_of(lecture_folder: Path) -> Path:
    """The course folder (render.py's --out) of a lecture folder <out>/seed-N/QUALITY."""
    return lecture_folder.parent.parent


def course_students(course: Path) -> list[Student]:
    """Every student the course folder has recorded, in seed order; [] without a roster."""
    path = course / STUDENTS
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    try:
        rows = list(csv.DictReader(io.StringIO(text)))
        students = [Student(row["id"], row["name"], int(row["seed"])) for row in rows]
    except (KeyError, TypeError, ValueError):
        raise RosterError(
            f"{path} is damaged (it should have columns {','.join(COLUMNS)}); restore it from "
            "a backup: it records which student has which seed"
        ) from None
    return sorted(students, key=lambda student: student.seed)


def student_of(course: Path, seed: int) -> Student | None:
    """The student the course gave this seed, or None (no roster, or a seed of no student)."""
    return next((s for s in course_students(course) if s.seed == seed), None)


def assign(course: Path, roster: list[tuple[str, str]]) -> list[Student]:
    """The roster's students with their seeds, in the roster's order: the seeds the course
    folder recorded for them, and the lowest free seeds for newcomers. Nothing is written:
    `record` keeps them, once the run is sure to go ahead."""
    recorded = {student.id: student for student in course_students(course)}
    taken = {student.seed for student in recorded.values()}
    free = (seed for seed in range(len(taken) + len(roster) + 1) if seed not in taken)
    return [
        replace(recorded[student_id], name=name)
        if student_id in recorded
        else Student(student_id, name, next(free))
        for student_id, name in roster
    ]


def record(course: Path, students: Iterable[Student]) -> Path:
    """Add the students (new seeds, corrected names) to the course's students.csv, keeping
    every student it already had; written whole."""
    everyone = {student.id: student for student in course_students(course)}
    everyone |= {student.id: student for student in students}
    return write_students(course, everyone.values())


def write_students(course: Path, students: Iterable[Student]) -> Path:
    """students.csv: every student the course ever had, in seed order."""
    course.mkdir(parents=True, exist_ok=True)
    ordered = sorted(students, key=lambda student: student.seed)
    rows = ((student.id, student.name, student.seed) for student in ordered)
    return write_table(course / STUDENTS, COLUMNS, rows)


def write_table(destination: Path, columns: Sequence[str], rows: Iterable[Sequence]) -> Path:
    """One of the course's CSV files (students.csv, answers.csv, marks.csv), written whole:
    a header naming the columns, then a line per row, in UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    with whole_or_absent(destination) as partial:
        partial.write_text(buffer.getvalue(), encoding="utf-8")
    return destination


def whose(seed: int, student: Student | None) -> str:
    """Whose lecture it is, as its files say it: "seed 7", or "Zoë Ng (seed 7)"."""
    return f"{student.name} (seed {seed})" if student else f"seed {seed}"
