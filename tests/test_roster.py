"""A course's roster: each student's seed is given once and kept in the course folder."""

from __future__ import annotations

import pytest

from publishing.roster import (
    STUDENTS,
    RosterError,
    Student,
    assign,
    course_students,
    read_roster,
    record,
    student_of,
)


def roster_file(tmp_path, text: str, encoding: str = "utf-8"):
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding=encoding)
    return path


def test_a_spreadsheets_roster_is_read_in_its_order(tmp_path):
    path = roster_file(
        tmp_path, "Name,ID,email\nZoë Ng, s002 ,z@x\n\nAda Byron,s001,a@x\n", "utf-8-sig"
    )
    assert read_roster(path) == [("s002", "Zoë Ng"), ("s001", "Ada Byron")]


def test_students_get_the_lowest_free_seeds_recorded_in_the_course_folder(tmp_path):
    course = tmp_path / "course"
    students = assign(course, [("s1", "Ada"), ("s2", "Bo"), ("s3", "Cy")])
    assert not (course / STUDENTS).exists()  # nothing written until the run goes ahead
    record(course, students)
    assert students == [Student("s1", "Ada", 0), Student("s2", "Bo", 1), Student("s3", "Cy", 2)]
    assert (course / STUDENTS).read_text(encoding="utf-8") == (
        "id,name,seed\ns1,Ada,0\ns2,Bo,1\ns3,Cy,2\n"
    )
    assert student_of(course, 1) == Student("s2", "Bo", 1)
    assert student_of(course, 9) is None


def test_a_students_seed_never_changes(tmp_path):
    course = tmp_path / "course"
    record(course, assign(course, [("s1", "Ada"), ("s2", "Bo"), ("s3", "Cy")]))
    # Reordered, one gone, one renamed, one new: the new one does not get the leaver's seed.
    again = assign(course, [("s4", "Di"), ("s3", "Cyrus"), ("s1", "Ada")])
    assert again == [Student("s4", "Di", 3), Student("s3", "Cyrus", 2), Student("s1", "Ada", 0)]
    record(course, again)
    assert course_students(course) == [
        Student("s1", "Ada", 0),
        Student("s2", "Bo", 1),
        Student("s3", "Cyrus", 2),
        Student("s4", "Di", 3),
    ]


def test_a_course_without_a_roster_has_no_students(tmp_path):
    assert course_students(tmp_path) == []
    assert student_of(tmp_path, 0) is None


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("student,surname\n1,Ng\n", "header line naming its columns id and name"),
        ("id,name\ns1,Ada\ns1,Bo\n", "line 3: the id 's1' appears twice"),
        ("id,name\ns1,\n", "line 2: every student needs an id and a name"),
        ("id,name\n", "lists no students"),
    ],
)
def test_a_roster_it_cannot_read_is_refused_in_one_line(tmp_path, text, says):
    with pytest.raises(RosterError, match=says) as refused:
        read_roster(roster_file(tmp_path, text))
    assert "\n" not in str(refused.value)


def test_a_missing_or_binary_roster_is_refused(tmp_path):
    with pytest.raises(RosterError, match="no roster at"):
        read_roster(tmp_path / "absent.csv")
    (tmp_path / "roster.csv").write_bytes(b"id,name\n\xff\xfe\x00")
    with pytest.raises(RosterError, match="not UTF-8"):
        read_roster(tmp_path / "roster.csv")


def test_a_damaged_record_is_refused_not_reassigned(tmp_path):
    (tmp_path / STUDENTS).write_text("id,name,seed\ns1,Ada,zero\n")
    with pytest.raises(RosterError, match="damaged"):
        assign(tmp_path, [("s1", "Ada")])
