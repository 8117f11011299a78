"""Choosing a voice: `render.py --voices` lists every voice with its licences and what this
machine lacks, and `render.py --audition` has real voices say the same line of a seed's
lecture, its numbers the engine's, with a page to listen to them; bad input is one line."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest

import render
from common import audio
from common.files import sha256
from mechanics import formatting as fmt
from mechanics import lesson
from publishing.audition import AUDITION, INDEX, clip_name
from voices import registry
from voices.registry import NAMED_VOICES, voice_named

from .audio_checks import share_heard, spoken_words, transcript

ROOT = Path(__file__).resolve().parent.parent
SEED = 7
VOICES = ("piper", "kokoro:bf_emma")  # one voice of each engine: the suite stays fast
LOSS = "loss"  # the section whose line is auditioned: one scene to read, and it says p


@pytest.fixture(scope="module")
def speech_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("speech")


@pytest.fixture(scope="module")
def audition(tmp_path_factory, speech_cache):
    """An audition of two voices for one seed, each clip spoken afresh: (folder, its output)."""
    out = tmp_path_factory.mktemp("renders")
    args = ["--seed", str(SEED), "--sections", LOSS, "--out", str(out), "--audition", *VOICES]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MECHANICS_SPEECH_CACHE", str(speech_cache))
        assert render.main(args) == 0
    return out / f"seed-{SEED}" / AUDITION


def page_line(folder: Path) -> str:
    """The words of the line the page says every voice speaks."""
    found = re.search(r'<blockquote id="line">(.*?)</blockquote>', (folder / INDEX).read_text())
    assert found, "the page quotes no line"
    return unescape(found[1])


def flat(text: str) -> str:
    return " ".join(text.split())


def test_voices_lists_every_voice_its_licences_and_the_default(capsys):
    assert render.main(["--voices"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    for name in NAMED_VOICES:
        row = [line for line in lines if line.split()[:1] == [name]]
        assert len(row) == 1, name
        assert row[0].split()[1] in ("installed", "missing"), row[0]
        assert voice_named(name).licence_summary() in flat(out), name
    default = render.parse_args([], render.QUALITIES).voice
    marked = [line.split()[0] for line in lines if "(the default)" in line]
    assert marked == [default]
    assert "folder of your own recordings is a voice too" in flat(out)


def test_voices_says_what_a_missing_voice_lacks(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "piper", None)  # as when piper-tts is not installed
    assert render.main(["--voices"]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("  piper"))
    assert "missing" in row and "piper" in row.split("missing", 1)[1]


def test_each_voice_writes_its_own_clip_as_the_film_would_speak_it(audition, speech_cache):
    """The clip in the folder is the voice's own, the one the film's scenes get for the line
    (same levelling, same cache), and no two voices share one."""
    line = page_line(audition)
    line_id = re.search(r"line (\S+) of the lecture", (audition / INDEX).read_text())[1]
    clips = {name: sha256(audition / clip_name(name)) for name in VOICES}
    assert len(set(clips.values())) == len(VOICES), f"voices share a clip: {clips}"
    for name, digest in clips.items():
        spoken = voice_named(name, speech_cache).clip(line_id, line)
        assert digest == sha256(spoken.path), f"{name}'s clip is not its own"
    assert sorted(path.name for path in audition.iterdir()) == sorted(
        [INDEX, *(clip_name(name) for name in VOICES)]
    )


def test_every_clip_says_the_seeds_line_with_the_engines_number(audition):
    line = page_line(audition)
    number = fmt.percent(lesson(SEED).scorecard.actual_p)  # what the loss section says of p
    assert number in line.replace(",", " ").split(), line
    for name in VOICES:
        samples, rate = audio.read_samples(audition / clip_name(name))
        assert rate == audio.RATE
        heard = transcript(samples)
        assert share_heard(spoken_words(line), heard) >= 0.5, (name, heard)
        assert share_heard(spoken_words(number), heard) >= 0.75, (name, heard)


def test_the_page_plays_every_clip_offline_with_its_name_and_licences(audition, capsys):
    page = (audition / INDEX).read_text()
    assert "http" not in page and "<script" not in page  # nothing fetched: it works offline
    for name in VOICES:
        assert f'<audio controls preload="none" src="{clip_name(name)}">' in page
        assert f"<h2>{name}</h2>" in page
        assert unescape(voice_named(name).licence_summary()) in unescape(page)


def test_a_voice_not_installed_is_left_out_with_a_note(audition, speech_cache, capsys, monkeypatch):
    """With no voice named, every installed one is auditioned; the others are noted."""
    out = audition.parent.parent.parent / "left-out"
    shutil.copytree(audition.parent / ".script", out / f"seed-{SEED}" / ".script")
    few = {name: NAMED_VOICES[name] for name in ("piper", "kokoro:bf_emma", "none")}
    monkeypatch.setattr(registry, "NAMED_VOICES", few)
    monkeypatch.setattr(render, "NAMED_VOICES", few)
    monkeypatch.setitem(sys.modules, "piper", None)  # as when piper-tts is not installed
    monkeypatch.setenv("MECHANICS_SPEECH_CACHE", str(speech_cache))
    args = ["--seed", str(SEED), "--sections", LOSS, "--out", str(out), "--voice", "none"]
    assert render.main([*args, "--audition"]) == 0
    said = capsys.readouterr().out
    assert "piper left out, not installed" in said
    folder = out / f"seed-{SEED}" / AUDITION
    assert sorted(path.name for path in folder.iterdir()) == [INDEX, "kokoro-bf_emma.wav"]
    page = (folder / INDEX).read_text()
    assert "Left out" in page and "<li>piper: not installed" in page


def test_a_voice_asked_for_but_not_installed_is_one_line_and_exit_2(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "piper", None)
    code = render.main(["--out", str(tmp_path), "--audition", "piper", "kokoro:bf_emma"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert "the voice piper cannot speak" in err and "make setup" in err
    assert not list(tmp_path.rglob("*.wav"))


def test_an_unwritable_folder_is_one_line_and_exit_2(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = subprocess.run(
        [sys.executable, "render.py", "--audition", "--out", str(blocker / "renders")],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert "cannot write to" in result.stderr and "--out" in result.stderr
