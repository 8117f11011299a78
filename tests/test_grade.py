"""grade: the students' hand-ins marked against the course's key, however a student honestly
types what the film shows; what it cannot read is a "?" with one line naming who and where.

The course is built without rendering: answers.json by the worksheet writer, a stand-in
manifest.json (a finished lecture is a folder with one), students.csv by the roster. Every
expected answer is worked out here from the engine's arrays (test_worksheet's
expected_answers) and typed by hand: minus signs and quotes swapped for a keyboard's.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from publishing.grade import Unreadable, main, mark
from publishing.roster import assign, record
from publishing.worksheet import write_worksheet

from .conftest import cached_lesson
from .test_worksheet import expected_answers

ROSTER = [("s001", "Ada Lovelace"), ("s002", "Zoë Ng"), ("s003", "Bo Li")]  # seeds 0, 1, 2
QUESTIONS = [  # the worksheet's questions, in its order
    *("p_target_before", "first_guess", "wiggled_weight", "valley_w", "valley_loss"),
    *("loss_step_1", "step_past_half", "p_target_after"),
]
HEADER = "student," + ",".join(QUESTIONS)
ROOT = Path(__file__).resolve().parent.parent


def build_course(course: Path, seeds, roster=ROSTER) -> Path:
    if roster:
        record(course, assign(course, roster))
    for seed in seeds:
        folder = course / f"seed-{seed}" / "720p"
        folder.mkdir(parents=True)
        write_worksheet(folder, cached_lesson(seed))
        (folder / "manifest.json").write_text("{}")
    return course


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    return build_course(tmp_path_factory.mktemp("course"), (0, 1, 2))


def typed(seed: int) -> dict[str, str]:
    """Seed's answers typed on a keyboard: a hyphen for the minus sign, straight quotes."""
    shown = expected_answers(cached_lesson(seed))
    return {
        key: value.replace("\u2212", "-").replace("\u201c", '"').replace("\u201d", '"')
        for key, value in shown.items()
    }


def hand_in(path: Path, *lines: str, header: str = HEADER) -> Path:
    path.write_text("\n".join((header, *lines)) + "\n", encoding="utf-8")
    return path


def line(who: str, answers: dict[str, str]) -> str:
    """A hand-in line as a student types it in a text editor (no CSV quoting)."""
    return ",".join([who, *(answers[key] for key in QUESTIONS)])


def graded(capsys, *argv) -> tuple[int, list[str], list[str]]:
    code = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out.splitlines(), err.splitlines()


def marks(path: Path) -> dict[str, dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as file:
        return {row["student"] or row["seed"]: row for row in csv.DictReader(file)}


@pytest.mark.parametrize(
    ("shown", "written", "expected"),
    [
        ("10.9%", "10.9%", "1"),
        ("10.9%", "10.9", "1"),  # the % optional
        ("10.9%", " 10.9 % ", "1"),
        ("10.9%", "10.90", "1"),  # the same value
        ("10.9%", "10.86", "1"),  # more decimals that round to the film's
        ("10.9%", "10.94", "1"),
        ("10.9%", "10.96", "0"),
        ("10.9%", "11", "0"),  # fewer decimals, another value
        ("10.9%", "10.8", "0"),
        ("10.9%", "0.109", "0"),  # a probability is asked as the film writes it
        ("\u22120.63", "-0.63", "1"),
        ("\u22120.63", "\u22120.63", "1"),
        ("\u22120.63", "\u2013 0.63", "1"),  # an en dash, a space
        ("\u22120.63", "0.63", "0"),
        ("+0.63", "0.63", "1"),
        ("0.00", "-0.00", "1"),
        ("1.870", "1.87", "1"),
        ("1.134", "1.13", "0"),  # the film shows three places: 1.13 is not 1.134
        ("1.134", "1.134%", "0"),  # a loss is not a percentage
        ("7", "7", "1"),
        ("7", "7.0", "1"),
        ("7", "7.4", "0"),  # a step is whole
        ("7", "8", "0"),
        ("Berlin", "  berlin ", "1"),
        ("Berlin", "\u201cBerlin\u201d", "1"),
        ("Berlin", "'BERLIN'", "1"),
        ("Berlin", "Paris", "0"),
        ("Berlin", "", "0"),  # no answer
        ("from \u201cIs\u201d to mixer 4", "from Is to mixer 4", "1"),
        ("from \u201cIs\u201d to mixer 4", 'from "Is" to mixer 4', "1"),
        ("from \u201cIs\u201d to mixer 4", "  From  'is'  to mixer 4", "1"),
        ("from \u201cIs\u201d to mixer 4", "from Is to mixer 3", "0"),
        ("from \u201cIs\u201d to mixer 4", "from The to mixer 4", "0"),
    ],
)
def test_an_answer_is_right_when_it_says_what_the_film_shows(shown, written, expected):
    assert mark(shown, written) == expected


@pytest.mark.parametrize(
    ("shown", "written", "message"),
    [
        ("10.9%", "about ten percent", 'cannot read "about ten percent" as a number'),
        ("10.9%", "1O.9", 'cannot read "1O.9" as a number'),  # a letter O
        ("1.134", "1,134", 'cannot read "1,134" as a number'),
        ("7", "seven", 'cannot read "seven" as a number'),
        (
            "from \u201cIs\u201d to mixer 4",
            "Is, 4",
            'cannot read "Is, 4" as a connection like from "word" to mixer 2',
        ),
    ],
)
def test_what_cannot_be_read_is_said_not_marked_wrong(shown, written, message):
    with pytest.raises(Unreadable) as unreadable:
        mark(shown, written)
    assert str(unreadable.value) == message


def test_a_class_is_marked_and_what_cannot_be_read_is_named(course, tmp_path, capsys):
    ada, zoe, bo = typed(0), typed(1), typed(2)
    assert "-" in bo["valley_w"] and '"' in bo["wiggled_weight"]  # the swaps are exercised
    p_before = cached_lesson(1).trace[0].probabilities[cached_lesson(1).target_index]
    zoe_odd = zoe | {
        "p_target_before": f"{100 * p_before:.1f} %",  # a space before the %
        "first_guess": f"  {zoe['first_guess'].lower()} ",
        "wiggled_weight": zoe["wiggled_weight"].replace('"', ""),
        "valley_w": zoe["valley_w"].lstrip("+"),
        "p_target_after": zoe["p_target_after"].rstrip("%"),
        "step_past_half": "99",  # wrong
    }
    bo_odd = bo | {
        "p_target_before": "about ten percent",
        "valley_w": bo["valley_w"].replace("-", "\u2013 "),  # an en dash and a space
        "loss_step_1": "1O.9",
    }
    submitted = hand_in(tmp_path / "class.csv", line("s001", ada), line("s002", zoe_odd))
    alone = hand_in(tmp_path / "bo.csv", line("s003", bo_odd))
    out = tmp_path / "marks.csv"
    code, printed, errors = graded(capsys, course, submitted, alone, "--out", out)
    assert code == 1  # something to look at
    assert errors == [
        'grade: s003 (Bo Li), question 1 p_target_before: cannot read "about ten percent" '
        "as a number",
        'grade: s003 (Bo Li), question 6 loss_step_1: cannot read "1O.9" as a number',
    ]
    table = marks(out)
    assert table["s001"] == {
        "student": "s001",
        "name": "Ada Lovelace",
        "seed": "0",
        **dict.fromkeys(QUESTIONS, "1"),
        "total": "8",
        "out_of": "8",
    }
    assert [table["s002"][q] for q in QUESTIONS] == ["1"] * 6 + ["0", "1"]
    assert (table["s002"]["name"], table["s002"]["total"]) == ("Zoë Ng", "7")
    assert [table["s003"][q] for q in QUESTIONS] == ["?", "1", "1", "1", "1", "?", "1", "1"]
    assert table["s003"]["total"] == "6"
    assert printed[0] == f"marked 3 hand-ins against the key of 3 lectures: {out}"
    assert "1 p_target_before  2 of 3 (1 unreadable)" in printed
    assert "7 step_past_half   2 of 3" in printed
    assert "s002 Zoë Ng           1  7 of 8" in printed


def test_another_seeds_answers_are_wrong(course, tmp_path, capsys):
    """Zoë (seed 1) hands in Ada's answers (seed 0): right only where the two keys agree."""
    ada, zoe = typed(0), typed(1)
    differ = [q for q in QUESTIONS if ada[q] != zoe[q]]
    assert {"p_target_before", "valley_w", "valley_loss", "loss_step_1"} <= set(differ)
    copied = hand_in(tmp_path / "copied.csv", line("s002", ada))
    code, _, errors = graded(capsys, course, copied, "--out", tmp_path / "marks.csv")
    assert (code, errors) == (0, [])
    row = marks(tmp_path / "marks.csv")["s002"]
    assert [q for q in QUESTIONS if row[q] == "0"] == differ
    assert row["total"] == str(len(QUESTIONS) - len(differ))


def test_each_bad_hand_in_is_one_line_and_the_rest_is_marked(course, tmp_path, capsys):
    ada, bo = typed(0), typed(2)
    first = hand_in(tmp_path / "first.csv", line("s001", ada), line("s009", ada))
    again = hand_in(tmp_path / "again.csv", line("s001", ada))
    comma = hand_in(tmp_path / "comma.csv", line("s002", ada | {"valley_loss": "1,870"}))
    typo = HEADER.replace("valley_w,", "valey_w,")
    no_w = hand_in(tmp_path / "no_w.csv", line("s003", bo), header=typo)
    nobody = hand_in(tmp_path / "nobody.csv", line("s002", ada), header=",".join(QUESTIONS))
    out = tmp_path / "marks.csv"
    code, _, errors = graded(capsys, course, first, again, comma, no_w, nobody, "--out", out)
    assert code == 1
    assert errors == [
        f'grade: {first}, line 3: no student "s009" in the course\'s students.csv; not marked',
        f"grade: {again}, line 2: a second hand-in for s001 (Ada Lovelace), after {first}, "
        "line 2; not marked",
        f"grade: {comma}, line 2: s002 (Zoë Ng) has more answers than columns (a comma "
        "inside an answer?); not marked",
        f"grade: {no_w}: no column for question 4 valley_w (it has valey_w: not a question's "
        "name): marked ?",
        f"grade: {nobody}: its first line must name the columns, as the worksheet shows: "
        f"{HEADER}; not marked",
    ]
    table = marks(out)
    assert sorted(table) == ["s001", "s003"]
    assert table["s003"]["valley_w"] == "?" and table["s003"]["total"] == "7"


def test_a_course_without_a_roster_is_marked_by_seed(tmp_path, capsys):
    course = build_course(tmp_path / "course", (1, 2), roster=None)
    by_seed = hand_in(
        tmp_path / "seeds.csv",
        line("2", typed(2)),
        line("1", typed(2)),
        header=f"seed,{HEADER[8:]}",
    )
    by_id = hand_in(tmp_path / "ids.csv", line("s001", typed(0)))
    code, printed, errors = graded(capsys, course, by_seed, by_id)
    assert code == 1
    assert errors == [
        f"grade: {by_id}: hands in by student id, but the course has no students.csv to find "
        "their seeds: name the column seed instead (seed,...); not marked"
    ]
    table = marks(course / "marks.csv")
    assert (table["2"]["student"], table["2"]["name"], table["2"]["total"]) == ("", "", "8")
    assert int(table["1"]["total"]) < 8
    assert printed[0] == f"marked 2 hand-ins against the key of 2 lectures: {course}/marks.csv"


def test_a_spreadsheets_semicolons_are_read(course, tmp_path, capsys):
    """A spreadsheet set to a language with a decimal comma saves CSV with semicolons."""
    zoe = typed(1)
    saved = hand_in(
        tmp_path / "excel.csv",
        line("s002", zoe).replace(",", ";"),
        header=HEADER.replace(",", ";"),
    )
    code, _, errors = graded(capsys, course, saved, "--out", tmp_path / "m.csv")
    assert (code, errors) == (0, [])
    assert marks(tmp_path / "m.csv")["s002"]["total"] == "8"


def test_a_rerun_writes_the_same_marks(course, tmp_path, capsys):
    submitted = hand_in(tmp_path / "class.csv", line("s003", typed(2)))
    out = tmp_path / "marks.csv"
    assert graded(capsys, course, submitted, "--out", out)[0] == 0
    first = out.read_bytes()
    out.write_text("half a file")
    assert graded(capsys, course, submitted, "--out", out)[0] == 0
    assert out.read_bytes() == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["class.csv", "marks.csv"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "grade: error: the following arguments are required: course, HAND-IN.csv"),
        (["{empty}", "{hand_in}"], "grade: error: no finished lecture in {empty}"),
        (["{missing}", "{hand_in}"], "grade: error: no course folder {missing}"),
        (["{course}", "{missing}"], "grade: error: no hand-in file {missing}"),
        (["{course}", "{hand_in}", "--out", "{course}"], "grade: error: {course} is a folder"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(course, tmp_path, capsys, argv, message):
    (tmp_path / "empty" / "seed-0" / "720p").mkdir(parents=True)  # not finished: no manifest
    names = {
        "empty": tmp_path / "empty",
        "missing": tmp_path / "nowhere",
        "course": course,
        "hand_in": hand_in(tmp_path / "h.csv", line("s001", typed(0))),
    }
    argv = [arg.format(**names) for arg in argv]
    code, printed, errors = graded(capsys, *argv)
    assert (code, printed, len(errors)) == (2, [], 1)
    assert errors[0].startswith(message.format(**names))
    assert not (tmp_path / "marks.csv").exists()


def test_it_runs_as_a_module(course, tmp_path):
    submitted = hand_in(tmp_path / "class.csv", line("s001", typed(0)))
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "publishing.grade",
            str(course),
            str(submitted),
            "--out",
            str(tmp_path / "m.csv"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (run.returncode, run.stderr) == (0, "")
    assert "s001 Ada Lovelace     0  8 of 8" in run.stdout


def test_a_damaged_roster_is_one_line(tmp_path, capsys):
    course = build_course(tmp_path / "course", (0,), roster=None)
    (course / "students.csv").write_text("who,when\nada,today\n")
    submitted = hand_in(tmp_path / "h.csv", line("s001", typed(0)))
    code, printed, errors = graded(capsys, course, submitted)
    assert (code, printed) == (2, [])
    assert errors == [
        f"grade: error: {course}/students.csv is damaged (it should have columns id,name,seed); "
        "restore it from a backup: it records which student has which seed"
    ]
