"""A course from a roster: each student's lecture is rendered for the seed the course gives
them, kept across runs, and the lecture's files say whose it is."""

from __future__ import annotations

import csv
import json

import av

from .lecture_rendering import fixture_sections, render_tiny


def roster(path, *rows: str):
    path.write_text("id,name\n" + "".join(f"{row}\n" for row in rows), encoding="utf-8")
    return str(path)


def lecture_of(out, seed: int):
    return out / f"seed-{seed}" / "tiny"


def test_each_student_gets_a_lecture_of_their_own_seed_kept_across_runs(tmp_path, capsys):
    out, sections = tmp_path / "course", fixture_sections(tmp_path / "scenes")
    first = roster(tmp_path / "first.csv", "s1,Ada Byron", "s2,Zo\u00eb Ng")
    assert render_tiny("--roster", first, "--out", str(out), sections=sections) == 0
    printed = capsys.readouterr().out
    assert (out / "students.csv").read_text(encoding="utf-8") == (
        "id,name,seed\ns1,Ada Byron,0\ns2,Zo\u00eb Ng,1\n"
    )
    rows = [line.split() for line in printed.splitlines() if line.endswith(("(s1)", "(s2)"))]
    assert rows[-2][0] == "0" and rows[-2][-3:] == ["Ada", "Byron", "(s1)"]  # the closing table
    assert rows[-1][0] == "1" and rows[-1][-3:] == ["Zo\u00eb", "Ng", "(s2)"]
    for seed, (student_id, name) in enumerate([("s1", "Ada Byron"), ("s2", "Zo\u00eb Ng")]):
        folder = lecture_of(out, seed)
        manifest = json.loads((folder / "manifest.json").read_text())
        assert (manifest["seed"], manifest["student"]) == (seed, {"id": student_id, "name": name})
        assert f"{name} (seed {seed})" in (folder / "explore.html").read_text()
        assert f"Name: {name} ({student_id})" in (folder / "worksheet.md").read_text()
        with av.open(str(folder / "the-mechanics-of-learning.mp4")) as film:
            assert film.metadata["title"] == f"The Mechanics of Learning for {name} (seed {seed})"

    # Reordered, a name corrected and a newcomer: the newcomer alone is rendered, on the next
    # free seed; the corrected student's lecture is assembled again from the sections it has.
    second = roster(tmp_path / "second.csv", "s3,Cy Twombly", "s2,Zo\u00eb Ng-Lee", "s1,Ada Byron")
    assert render_tiny("--roster", second, "--out", str(out), sections=sections) == 0
    printed = capsys.readouterr().out
    assert "Rendering 2 of 6 sections (4 reused)" in printed
    assert "seed 0: the lecture in" in printed and "is up to date" in printed
    manifest = json.loads((lecture_of(out, 1) / "manifest.json").read_text())
    assert manifest["student"] == {"id": "s2", "name": "Zo\u00eb Ng-Lee"}
    assert "Name: Zo\u00eb Ng-Lee (s2)" in (lecture_of(out, 1) / "worksheet.md").read_text()
    assert json.loads((lecture_of(out, 2) / "manifest.json").read_text())["student"]["id"] == "s3"
    with (out / "answers.csv").open(newline="", encoding="utf-8") as key:
        rows = [(row["seed"], row["student"], row["name"]) for row in csv.DictReader(key)]
    assert rows == [
        ("0", "s1", "Ada Byron"),
        ("1", "s2", "Zo\u00eb Ng-Lee"),
        ("2", "s3", "Cy Twombly"),
    ]


def test_a_roster_and_seeds_together_are_refused(tmp_path, capsys):
    path = roster(tmp_path / "r.csv", "s1,Ada")
    assert render_tiny("--roster", path, "--seed", "4", "--out", str(tmp_path / "o")) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "leave out --seed" in err
    assert not (tmp_path / "o" / "students.csv").exists()


def test_a_roster_it_cannot_read_is_one_line(tmp_path, capsys):
    path = tmp_path / "r.csv"
    path.write_text("student,surname\n1,Ng\n")
    assert render_tiny("--roster", str(path), "--out", str(tmp_path / "o")) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "header line naming its columns id and name" in err
