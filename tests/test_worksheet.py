"""Each lecture's worksheet: its answers are the engine's, written as the film writes them,
and the lecture folder and the course folder carry them. (That each answer is on the seed's
screen is checked with the scenes' records, in test_scenes_truth.py.)"""

from __future__ import annotations

import csv
import json

import numpy as np

from mechanics.worksheet import answers
from publishing.roster import assign, record
from publishing.worksheet import as_typed, course_rows, write_course_answers, write_worksheet

from .conftest import STORY_SEEDS, cached_lesson

HAND_IN_COLUMNS = (  # the worksheet's question keys, in its order, as a student's header has them
    "p_target_before,first_guess,wiggled_weight,valley_w,valley_loss,loss_step_1,"
    "step_past_half,p_target_after"
)


def expected_answers(lesson) -> dict[str, str]:
    """The answers worked out here from the lesson's arrays, with plain f-strings."""
    target = lesson.target_index
    first, last = lesson.trace[0], lesson.trace[-1]
    wiggle = lesson.wiggle
    valley = int(np.searchsorted(wiggle.ws, wiggle.valley))
    row, col = wiggle.index
    p = np.array([step.probabilities[target] for step in lesson.trace])
    w = f"{wiggle.ws[valley]:+.2f}".replace("-", "\N{MINUS SIGN}")
    return {
        "p_target_before": f"{100 * first.probabilities[target]:.1f}%",
        "first_guess": lesson.candidates[int(np.argmax(first.probabilities))],
        "wiggled_weight": f"from \u201c{lesson.tokens[col]}\u201d to mixer {row + 1}",
        "valley_w": w,
        "valley_loss": f"{wiggle.losses[valley]:.3f}",
        "loss_step_1": f"{lesson.trace[1].loss:.3f}",
        # The first step whose read-out (one decimal) shows more than 50.0%: seed 163's
        # step 2 has p = 0.50022, shown as 50.0%, so its answer is step 3.
        "step_past_half": str(next(n for n, pn in enumerate(p) if float(f"{100 * pn:.1f}") > 50)),
        "p_target_after": f"{100 * last.probabilities[target]:.1f}%",
    }


def test_every_answer_is_the_engines_as_the_film_writes_it(story_lessons):
    assert len(story_lessons) == len(STORY_SEEDS)
    for lesson in story_lessons:
        given = {answer.key: answer.shown for answer in answers(lesson)}
        assert given == expected_answers(lesson), lesson.seed


def test_the_answers_differ_from_seed_to_seed(story_lessons):
    """Answers cannot be copied from a neighbour: two seeds' keys differ, and each question
    but the first guess (four words) and the 50% step (a few steps) has many answers."""
    keys = [tuple(answer.shown for answer in answers(lesson)) for lesson in story_lessons]
    assert len(set(keys)) == len(keys)
    columns = list(zip(*keys, strict=True))
    assert all(len(set(column)) >= 4 for column in columns)


def test_the_lecture_has_its_worksheet_and_the_course_its_answers(lecture):
    document = json.loads((lecture / "answers.json").read_text())
    assert document["seed"] == 0
    from mechanics import lesson

    assert {a["key"]: a["shown"] for a in document["answers"]} == expected_answers(lesson(0))
    sheet = (lecture / "worksheet.md").read_text()
    for number, answer in enumerate(document["answers"], start=1):
        assert f"{number}. {answer['question']}" in sheet
        assert answer["shown"] not in sheet.split("Name:")[1] or answer["shown"].isdigit()
    manifest = json.loads((lecture / "manifest.json").read_text())
    listed = {entry["file"] for entry in manifest["files"] if entry["kind"] == "worksheet"}
    assert listed == {"worksheet.md", "answers.json"}
    with (lecture.parent.parent / "answers.csv").open(newline="", encoding="utf-8") as file:
        (row,) = list(csv.DictReader(file))
    typed = {a["key"]: as_typed(a["shown"]) for a in document["answers"]}
    assert row == {"seed": "0", "student": "", "name": "", **typed}


def test_the_course_sheet_lists_finished_lectures_only(tmp_path):
    for seed, finished in ((3, True), (1, True), (2, False)):
        folder = tmp_path / f"seed-{seed}" / "720p"
        folder.mkdir(parents=True)
        rows = [{"key": "loss_step_1", "shown": f"0.{seed}00"}]
        (folder / "answers.json").write_text(json.dumps({"seed": seed, "answers": rows}))
        if finished:
            (folder / "manifest.json").write_text("{}")
    assert [row["seed"] for row in course_rows(tmp_path)] == [1, 3]
    path = write_course_answers(tmp_path)
    assert path.read_text().splitlines() == [
        "seed,student,name,loss_step_1",
        "1,,,0.100",
        "3,,,0.300",
    ]


def test_an_answer_is_typed_in_ascii_with_the_films_rounding():
    assert as_typed("\u22121.13") == "-1.13"
    assert as_typed("from \u201cIs\u201d to mixer 4") == 'from "Is" to mixer 4'
    assert as_typed("10.9%") == "10.9%"
    assert as_typed("+0.60") == "+0.60"
    assert as_typed("Berlin") == "Berlin"


def lecture_folder(course, seed):
    folder = course / f"seed-{seed}" / "720p"
    folder.mkdir(parents=True)
    write_worksheet(folder, cached_lesson(seed))
    (folder / "manifest.json").write_text("{}")
    return folder


def test_a_students_worksheet_has_their_name_and_their_hand_in_line(tmp_path):
    """With a roster, the worksheet and the key name the student the course gave the seed,
    and answers.csv has their id and name beside the key typed in ASCII."""
    record(
        tmp_path,
        assign(tmp_path, [("s001", "Ada Lovelace"), ("s002", "Zo\u00eb Ng"), ("s003", "Bo Li")]),
    )
    folders = {seed: lecture_folder(tmp_path, seed) for seed in (1, 2)}
    sheet = (folders[1] / "worksheet.md").read_text(encoding="utf-8")
    assert sheet.startswith("# The Mechanics of Learning: worksheet for Zo\u00eb Ng\n")
    assert "Watch your own lecture, seed 1," in sheet
    assert "\nName: Zo\u00eb Ng (s002)\n" in sheet
    hand_in = sheet.split("## Hand in")[1]
    assert f"\n```\nstudent,{HAND_IN_COLUMNS}\ns002,,,,,,,,\n```\n" in hand_in
    assert "`-` is fine for a minus" in hand_in and "`%` may be left out" in hand_in
    document = json.loads((folders[1] / "answers.json").read_text(encoding="utf-8"))
    assert document["student"] == {"id": "s002", "name": "Zo\u00eb Ng"}
    assert [a["shown"] for a in document["answers"]] == list(
        expected_answers(cached_lesson(1)).values()
    )
    write_course_answers(tmp_path)
    with (tmp_path / "answers.csv").open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert [(row["seed"], row["student"], row["name"]) for row in rows] == [
        ("1", "s002", "Zo\u00eb Ng"),
        ("2", "s003", "Bo Li"),
    ]
    bo, lesson = rows[1], cached_lesson(2)
    w = lesson.wiggle.ws[int(np.searchsorted(lesson.wiggle.ws, lesson.wiggle.valley))]
    row, col = lesson.wiggle.index
    assert w < 0 and bo["valley_w"] == f"{w:.2f}"  # a hyphen-minus, the film's two places
    assert bo["wiggled_weight"] == f'from "{lesson.tokens[col]}" to mixer {row + 1}'
    p = lesson.trace[0].probabilities[lesson.target_index]
    assert bo["p_target_before"] == f"{100 * p:.1f}%"
    assert all(value.isascii() for row in rows for k, value in row.items() if k != "name")


def test_without_a_roster_the_worksheet_is_the_seeds(tmp_path):
    folder = lecture_folder(tmp_path, 2)
    sheet = (folder / "worksheet.md").read_text(encoding="utf-8")
    assert sheet.startswith("# The Mechanics of Learning: worksheet for seed 2\n")
    assert "\nName: ______________________\n" in sheet
    assert f"\n```\nseed,{HAND_IN_COLUMNS}\n2,,,,,,,,\n```\n" in sheet
    assert "student" not in json.loads((folder / "answers.json").read_text(encoding="utf-8"))
