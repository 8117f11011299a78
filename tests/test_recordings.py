"""The lecturer's own voice: the script lists every line to record, a folder of recordings
times the film to their lengths, bad recordings are named, and `--voice none` is silent."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from publishing import soundtrack, video
from publishing.film import SECTIONS
from scenes.narration import PAUSE_AFTER_SPEECH

from .audio_checks import tone, write_sound
from .fixtures.recap import RECAP
from .lecture_rendering import TINY, render_tiny, spoken_lines

WIGGLE = next(section for section in SECTIONS if section.slug == "wiggle")
SCRIPT_LINE = re.compile(r"^(\d\d-[a-z-]+-\d\d)\n    (.+)$", re.MULTILINE)


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    """One output folder for the recordings tests: the script read once is kept there."""
    return tmp_path_factory.mktemp("out")


@pytest.fixture(scope="module")
def script(out) -> list[tuple[str, str]]:
    """Section 3's narration script for seed 0, as a lecturer reads it: (id, words)."""
    assert render_tiny("--seed", "0", "--sections", "wiggle", "--script", "--out", str(out)) == 0
    assert not (out / "seed-0" / "tiny").exists()  # a script renders nothing
    return SCRIPT_LINE.findall((out / "seed-0" / "script.txt").read_text())


def tone_seconds(index: int) -> float:
    return 1.0 + 0.75 * (index % 4)  # 1 to 3.25 s, longer and shorter than the film's voice


@pytest.fixture(scope="module")
def takes(tmp_path_factory, script) -> Path:
    """A recording per line: tones of known lengths, at three sample rates, WAV and FLAC."""
    folder = tmp_path_factory.mktemp("takes")
    formats = [(44_100, ".wav", 2), (22_050, ".flac", 1), (48_000, ".wav", 1)]
    for index, (line_id, _) in enumerate(script):
        rate, suffix, channels = formats[index % 3]
        write_sound(folder / f"{line_id}{suffix}", tone(tone_seconds(index), rate), rate, channels)
    return folder


@pytest.fixture(scope="module")
def recorded(out, takes) -> Path:
    # The folder named as a lecturer would, relative to where they are.
    args = ("--seed", "0", "--sections", "wiggle", "--voice", takes.name, "--out", str(out))
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(takes.parent)
        assert render_tiny(*args) == 0
    return out / "seed-0" / "tiny"


def test_the_script_lists_every_line_of_the_section_with_this_seeds_numbers(script):
    assert [line_id for line_id, _ in script] == [
        f"{WIGGLE.stem}-{n:02d}" for n in range(1, len(script) + 1)
    ]
    assert len(script) >= 5
    srt_lines = "\n".join(words for _, words in script)
    assert "gradient" in srt_lines


def test_the_film_is_timed_to_the_recordings(recorded, script):
    lines = spoken_lines(recorded, WIGGLE)
    assert [line["id"] for line in lines] == [line_id for line_id, _ in script]
    assert [line["words"] for line in lines] == [words for _, words in script]
    for index, line in enumerate(lines):
        # A tone has no silence to trim: the clip is exactly the recording's length.
        assert line["seconds"] == pytest.approx(tone_seconds(index), abs=0.002), line["id"]
    for line, after in zip(lines, lines[1:], strict=False):
        assert after["start"] >= line["start"] + line["seconds"] + PAUSE_AFTER_SPEECH - 1e-9
    sound = soundtrack.decoded(recorded / f"{WIGGLE.stem}.mp4")[:, 0]
    assert len(sound) / 48_000 >= video.frame_count(recorded / f"{WIGGLE.stem}.mp4") / TINY.fps
    for line in lines:
        # The tone is heard where the line is, at its own pitch.
        first = round((line["start"] + 0.1) * 48_000)
        piece = sound[first : first + 48_000 // 2]
        pitch = np.argmax(np.abs(np.fft.rfft(piece))) * 48_000 / len(piece)
        assert pitch == pytest.approx(440, abs=4), line["id"]


def test_a_longer_recording_holds_its_beat_until_it_is_said(tmp_path):
    """The recap's beat shows its summary for 7.5 s: a 2 s take fits inside it, a 12 s take
    holds the beat until it has been said, and the pause after it."""
    lengths = {}
    for seconds in (2.0, 12.0):
        takes = tmp_path / f"takes-{seconds:.0f}"
        takes.mkdir()
        write_sound(takes / f"{RECAP.stem}-01.wav", tone(seconds, 44_100), 44_100)
        out = tmp_path / f"out-{seconds:.0f}"
        assert render_tiny("--voice", str(takes), "--out", str(out), sections=(RECAP,)) == 0
        folder = out / "seed-0" / "tiny"
        (line,) = spoken_lines(folder, RECAP)
        lengths[seconds] = video.frame_count(folder / f"{RECAP.stem}.mp4") / TINY.fps
        assert line["seconds"] == pytest.approx(seconds, abs=0.002)
        assert line["start"] + seconds + PAUSE_AFTER_SPEECH <= lengths[seconds] + 1e-9
    # 12.3 s of speech and pause instead of the beat's own 7.5 s, to within a frame.
    assert lengths[12.0] - lengths[2.0] == pytest.approx(12.3 - 7.5, abs=1 / TINY.fps)


def test_missing_unreadable_and_silent_recordings_are_named_in_one_line(
    out, takes, tmp_path, capsys
):
    bad = tmp_path / "bad"
    shutil.copytree(takes, bad)
    takes_by_id = {path.stem: path for path in bad.iterdir()}
    missing, silent, broken = sorted(takes_by_id)[:3]
    takes_by_id[missing].unlink()
    takes_by_id[silent].unlink()
    write_sound(bad / f"{silent}.wav", np.zeros(44_100), 44_100)
    takes_by_id[broken].unlink()
    (bad / f"{broken}.flac").write_bytes(b"fLaC but nothing after")
    before = set(out.rglob("*.mp4"))
    args = ("--seed", "0", "--sections", "wiggle", "--voice", str(bad), "--out", str(out))
    assert render_tiny(*args) == 2
    error = capsys.readouterr().err.strip()
    assert error.count("\n") == 0 and "Traceback" not in error
    assert f"{missing} is missing" in error
    assert f"{silent}.wav is silent" in error
    assert f"{broken}.flac: it cannot be read" in error
    assert set(out.rglob("*.mp4")) == before  # nothing rendered


def test_a_silent_film_has_no_sound_track_and_burns_its_captions_in(tmp_path):
    out = tmp_path / "out"
    assert render_tiny("--voice", "none", "--out", str(out), sections=(RECAP,)) == 0
    folder = out / "seed-0" / "tiny"
    assert video.facts(folder / f"{RECAP.stem}.mp4").audio_streams == 0
    lines = spoken_lines(folder, RECAP)
    assert lines and all("clip" not in line for line in lines)
    assert (folder / f"{RECAP.stem}.srt").read_text().count("-->") == len(lines)
    assert any(caption_band_lit(frame) for frame in video.frames(folder / f"{RECAP.stem}.mp4"))


def caption_band_lit(frame: np.ndarray) -> bool:
    """Whether anything light is drawn in the bottom eighth of the frame, the caption band
    (the layout audit keeps everything else out of it)."""
    band = frame[-frame.shape[0] // 8 :]
    return bool((band.max(axis=2) > 120).mean() > 0.002)


def test_a_spoken_film_leaves_its_captions_to_the_srt_by_default(recorded):
    frames = video.frames(recorded / f"{WIGGLE.stem}.mp4")
    assert not any(caption_band_lit(frame) for frame in frames)
    assert (recorded / f"{WIGGLE.stem}.srt").read_text().count("-->") >= 5
