"""The choreography report (publishing/choreography/): its measures on plain data, and
end to end on small synthetic lecture folders, each with a defect planted, that the report
must catch (and a clean one it must pass)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from publishing.choreography.__main__ import main
from publishing.choreography.captions import caption_checks
from publishing.choreography.lecture import Cue, Section, Word, read_line
from publishing.choreography.numbers import (
    number_in_word,
    numbers_read,
    shows,
    sighting,
    spoken_numbers,
)
from publishing.choreography.pace import align, cue_pace, pace_figures
from publishing.choreography.picture import ChangeDetector, speech_intervals, still_runs
from publishing.choreography.plot import PICTURE
from publishing.choreography.sound import quiet_stretches, silences

from .choreography_fixtures import (
    Film,
    captions_film,
    clean_film,
    fast_film,
    numbers_film,
    silence_film,
    still_film,
    timeline,
    write_folder,
)

ROOT = Path(__file__).resolve().parents[1]


# On plain data ---------------------------------------------------------------------------


def test_still_runs_go_from_a_change_to_the_next():
    times = [k / 10 for k in range(100)]  # 10 s
    changed = [True] * 100
    for k in range(20, 61):  # nothing changes from 2.0 s until 6.0 s
        changed[k] = False
    for k in range(65, 100):  # nor from 6.4 s to the end
        changed[k] = False
    runs = still_runs(times, changed, end=10.0)
    assert runs == [(1.9, 6.1), (6.4, 10.0)]
    assert still_runs(times, changed, end=10.0, least=4.5) == []


def test_change_detector_ignores_noise_and_catches_a_small_change_and_a_slow_fade():
    rng = np.random.default_rng(0)
    still = np.full((150, 320, 3), 20, np.int16)
    detector = ChangeDetector()
    assert detector.feed(still)[1]  # the first picture
    noisy = [still + rng.integers(-6, 7, still.shape) for _ in range(30)]
    assert not any(detector.feed(picture)[1] for picture in noisy)
    readout = still.copy()
    readout[40:44, 100:102] += 40  # a digit's stroke over a few blocks
    assert detector.feed(readout)[1]
    fading = [readout + 3 * k for k in range(1, 12)]  # 3 levels a sample: each step small
    flags = [detector.feed(picture)[1] for picture in fading]
    assert any(flags) and not all(flags)


def test_speech_joins_words_closer_than_three_tenths():
    words = [Word("a", 0.0, 0.4, "l", 1), Word("b", 0.6, 1.0, "l", 1)]
    words += [Word("c", 1.4, 2.0, "m", 1)]
    assert speech_intervals(words) == [(0.0, 1.0), (1.4, 2.0)]


def test_silences_are_excused_in_title_cards_and_at_the_end():
    db = np.full(400, -20.0)  # 20 s of 50 ms windows
    db[0:70] = -80  # 0-3.5 s: the title card's
    db[160:260] = -60  # 8-13 s: a silence mid-section
    db[340:] = -90  # 17-20 s, 3.0 s: not over 3 s
    stretches = quiet_stretches(db)
    assert np.allclose(stretches, [(0.0, 3.5), (8.0, 13.0)])
    sections = [Section(1, "One", 0.0, 20.0)]
    found = silences(stretches, [(0.0, 3.0)], 20.0, sections)
    assert [s.excused for s in found] == ["title card", None]
    db[330:] = -90  # 16.5-20 s: over 3 s, but it ends the lecture
    found = silences(quiet_stretches(db), [(0.0, 3.0)], 20.0, sections)
    assert [s.excused for s in found] == ["title card", None, "end of the lecture"]


def test_cues_find_their_words_by_text_and_pace_is_words_over_their_span():
    words = [Word(w, 1 + 0.4 * k, 1.35 + 0.4 * k, "l1", 1) for k, w in enumerate("abcdef")]
    words += [Word(w, 5 + 0.2 * k, 5.2 + 0.2 * k, "l2", 1) for k, w in enumerate("ghij")]
    cues = [Cue(1, 1.0, 2.4, "A b, c"), Cue(2, 2.0, 3.4, "d\ne f."), Cue(3, 5, 6, "G h I j")]
    assert align(cues, words) == [[0, 1, 2], [3, 4, 5], [6, 7, 8, 9]]
    paces = cue_pace(cues, words, [Section(1, "One", 0, 10)])
    assert paces[0].wpm == pytest.approx(60 * 3 / 1.15)
    assert paces[2].wpm == pytest.approx(300)
    figures = pace_figures(paces)
    assert figures["median_wpm"] == pytest.approx(60 * 3 / 1.15)


def test_caption_checks():
    cues = [
        Cue(1, 0.0, 3.0, "short and slow"),
        Cue(2, 3.0, 6.0, "x" * 43),
        Cue(3, 6.0, 9.0, "one\ntwo\nthree"),
        Cue(4, 9.0, 10.0, "eighteen characters"[:18]),
    ]
    checks = caption_checks(cues, [Section(1, "One", 0, 10)])
    assert [bool(check.problems) for check in checks] == [False, True, True, True]
    assert checks[1].longest == 43 and checks[2].lines == 3 and checks[3].cps == 18
    assert checks[2].chars == len("onetwothree")


def test_numbers_in_words_and_on_screen():
    assert number_in_word("(17.3%),") == "17.3%"
    assert number_in_word("\u22121.13.") == "-1.13"
    assert number_in_word("1,024") == "1024"
    assert number_in_word("step-4") == "4"
    assert number_in_word("Paris") is None
    read = numbers_read("Step 10 Loss 0.412 p = O.173 \u22121.13 1,024 w 81.8%")
    assert read == ["10", "0.412", "0.173", "-1.13", "1024", "81.8%"]
    assert shows("17.3%", read) and shows("81.8%", read) and shows("81.8", read)
    assert shows("-1.13", read) and shows("-1.13", ["1.13"])  # a lost minus sign
    assert shows("0.412", read) and not shows("0.41", read)  # the screen's rounding
    assert shows("10", read) and not shows("4", read) and not shows("1", read)
    assert not shows("1.13", ["-1.13"])


def test_only_the_lessons_numbers_are_held_to_the_screen_where_the_folder_says_which():
    words = "Plot it for every p between 0 and 1: 2.02."
    line = {
        "id": "02-loss-03",
        "words": words,
        "start": 1.0,
        "spoken": [[w, 1.0 + k * 0.4, 1.3 + k * 0.4] for k, w in enumerate(words.split())],
        "numbers": [9],  # only "2.02." is the lesson's; 0 and 1 are the axis's
    }
    said = [n.number for n in spoken_numbers(read_line(line, 2).spoken)]
    assert said == ["2.02"]
    del line["numbers"]  # an older folder: every number counts
    said = [n.number for n in spoken_numbers(read_line(line, 2).spoken)]
    assert said == ["0", "1", "2.02"]


def test_sighting_finds_when_a_number_turned_over():
    def from_(t0):
        return lambda t: t >= t0 - 1e-9

    onset, end = 10.0, 10.4
    seen = sighting(from_(0.0), onset, end)
    assert seen.already and seen.at_onset and not seen.late
    seen = sighting(from_(9.8), onset, end)
    assert seen.appeared == pytest.approx(-0.2) and not seen.already and not seen.late
    seen = sighting(from_(10.2), onset, end)
    assert seen.appeared == pytest.approx(0.2) and seen.at_end and not seen.late
    seen = sighting(from_(11.0), onset, end)
    assert seen.appeared == pytest.approx(1.0) and seen.late and not seen.at_end
    seen = sighting(lambda t: False, onset, end)
    assert seen.appeared is None and seen.late
    calls = []
    sighting(lambda t: calls.append(t) or t >= 9.55, onset, end)
    assert len(calls) <= 8  # a binary search, not the thirty steps of the grid


# End to end ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """The report on each film, made when a test first asks for it."""
    made: dict[str, tuple[Path, dict]] = {}

    def report(name: str, film: Film) -> tuple[Path, dict]:
        if name not in made:
            folder = write_folder(film, tmp_path_factory.mktemp(name) / "lecture")
            out = folder.parent / "report.json"
            assert main([str(folder), "--json", str(out)]) == 0
            made[name] = folder, json.loads(out.read_text())
        return made[name]

    return report


def verdicts(report: dict) -> dict[str, str]:
    return {target["name"]: target["status"] for target in report["targets"]}


def test_a_clean_folder_passes_every_target(reports, capsys):
    folder, report = reports("clean", clean_film())
    assert set(verdicts(report).values()) == {"PASS"}, report["targets"]
    assert report["voiced"] and report["word_times"] == "beats.json"
    assert [s["excused"] for s in report["silences"]] == ["title card", "title card"]
    assert report["pace"]["lecture"]["median_wpm"] == pytest.approx(156, abs=1)
    assert report["gaps"]["lecture"]["min"] == pytest.approx(0.7, abs=0.01)
    [number] = report["numbers"]
    assert number["number"] == "0.41" and number["already"]
    assert (folder / PICTURE).stat().st_size > 10_000
    assert main([str(folder), "--strict", "--picture", str(folder.parent / "t.png")]) == 0
    out = capsys.readouterr().out
    assert "Section 2  The Loss" in out
    assert "voice over still picture: 0.0 s (target <= 20 s) PASS" in out


def test_a_folder_without_word_times_is_measured_from_its_lines(reports):
    _, report = reports("old", clean_film(word_times=False))
    assert report["word_times"] == "estimated evenly over each line"
    assert report["pace"]["lecture"]["median_wpm"] == pytest.approx(156, abs=8)
    assert verdicts(report)["voice over still picture"] == "PASS"


def test_speech_over_a_still_picture_is_caught(reports):
    folder, report = reports("still", still_film())
    still = report["voice_over_still"]
    assert still["seconds"] > 20 and verdicts(report)["voice over still picture"] == "FAIL"
    worst = still["runs"][0]
    assert worst["start"] == pytest.approx(8.0, abs=0.15)
    assert worst["seconds"] == pytest.approx(30.0, abs=0.25)
    assert worst["spoken"] == pytest.approx(still["seconds"])
    assert any("the net reads the words" in line for line in worst["lines"])
    assert main([str(folder), "--strict", "--picture", str(folder.parent / "t.png")]) == 1


def test_a_silence_mid_section_is_caught_and_the_title_cards_is_not(reports):
    _, report = reports("silence", silence_film())
    found = report["silences"]
    assert [s["excused"] for s in found] == ["title card", None]
    assert found[1]["start"] == pytest.approx(12.66, abs=0.1)
    assert found[1]["seconds"] == pytest.approx(5.0, abs=0.15)
    assert found[1]["section"] == 1
    assert verdicts(report)["silences over 3 s"] == "FAIL"


def test_spoken_numbers_must_be_on_screen_with_their_word(reports):
    _, report = reports("numbers", numbers_film())
    numbers = {n["number"]: n for n in report["numbers"]}
    assert set(numbers) == {"0.41", "17.3%", "3.88", "-1.13"}
    assert numbers["0.41"]["already"] and not numbers["0.41"]["late"]
    paris = numbers["17.3%"]
    assert paris["appeared"] == pytest.approx(-0.2, abs=0.11) and not paris["late"]
    # 3.88 is only in the captions, which do not count.
    assert numbers["3.88"]["appeared"] is None and numbers["3.88"]["late"]
    slope = numbers["-1.13"]
    assert slope["appeared"] == pytest.approx(1.0, abs=0.11) and slope["late"]
    assert not slope["at_onset"]
    assert verdicts(report)["spoken numbers on screen"] == "FAIL"


def test_bad_captions_are_caught(reports):
    _, report = reports("captions", captions_film())
    bad = {cue["index"]: cue for cue in report["captions"] if cue["problems"]}
    assert sorted(bad) == [2, 3, 4]
    assert bad[2]["longest"] == 50 and bad[3]["lines"] == 3
    assert bad[4]["cps"] == pytest.approx(25, abs=1)  # the newline is not counted
    statuses = verdicts(report)
    assert statuses["caption line length"] == "FAIL"
    assert statuses["caption lines a cue"] == "FAIL"
    assert statuses["caption speed"] == "FAIL"
    assert statuses["pace"] == "PASS"


def test_speech_at_220_words_a_minute_is_caught(reports):
    _, report = reports("fast", fast_film())
    assert report["pace"]["lecture"]["median_wpm"] == pytest.approx(220, abs=1)
    assert report["pace"]["lecture"]["share_in_band"] == 0
    assert verdicts(report)["pace"] == "FAIL"


def test_a_silent_film_skips_the_sound_checks(reports, capsys):
    _, report = reports("silent", clean_film(voiced=False))
    assert not report["voiced"]
    statuses = verdicts(report)
    assert statuses["silences over 3 s"] == statuses["pace"] == "SKIP"
    assert statuses["voice over still picture"] == "SKIP"
    assert statuses["caption speed"] == "PASS"
    assert "a silent film" in capsys.readouterr().out


def run_cli(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "publishing.choreography", *arguments],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


BROKEN = ["missing folder", "no beats.json", "bad beats.json", "no captions", "bad video"]


@pytest.mark.parametrize("broken", BROKEN)
def test_bad_input_says_what_to_do_in_one_line(tmp_path, broken):
    folder = tmp_path / "lecture"
    if broken != "missing folder":
        folder.mkdir()
        (folder / "the-mechanics-of-learning.mp4").write_bytes(b"not a video")
        (folder / "the-mechanics-of-learning.srt").write_text("")
    if broken == "bad beats.json":
        (folder / "beats.json").write_text('{"fps": 60}')
    if broken in ("no captions", "bad video"):
        (folder / "beats.json").write_text(json.dumps(timeline(clean_film())))
    if broken == "no captions":
        (folder / "the-mechanics-of-learning.srt").unlink()
    result = run_cli(str(folder))
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "render" in result.stderr  # what to do
