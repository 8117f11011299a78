"""Each lecture's worksheet: its answers are the engine's, written as the film writes them,
and the lecture folder and the course folder carry them. (That each answer is on the seed's
screen is checked with the scenes' records, in test_scenes_truth.py.)"""

from __future__ import annotations

import csv
import json

import numpy as np

from mechanics.worksheet import answers
from publishing.worksheet import course_rows, write_course_answers

from .conftest import STORY_SEEDS


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
    assert row == {"seed": "0", **{a["key"]: a["shown"] for a in document["answers"]}}


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
    assert path.read_text().splitlines() == ["seed,loss_step_1", "1,0.100", "3,0.300"]
