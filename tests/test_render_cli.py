"""render.py: sections by number or name, one-line answers to bad input, whole files only."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest

import render
from mechanics import lesson
from voices import kokoro_files

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "engine_number.py"

NUMBER_SECTION = render.Section(1, "engine-number", "Engine Number", FIXTURE, "EngineNumber")
BROKEN_SECTION = render.Section(2, "broken", "Broken", FIXTURE, "Broken")
MISSING_SECTION = render.Section(3, "missing", "Missing", FIXTURE.with_name("nope.py"), "Nope")
TEST_SECTIONS = (NUMBER_SECTION, BROKEN_SECTION, MISSING_SECTION)


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "render.py", *args], cwd=ROOT, capture_output=True, text=True
    )


def assert_one_line_error(result, exit_code: int, *words: str) -> None:
    assert result.returncode == exit_code
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    for word in words:
        assert word in result.stderr


def decoded_frames(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


@pytest.mark.parametrize(
    "args, words",
    [
        (["--sections", "9"], ["unknown section '9'"]),
        (["--sections", "banana"], ["unknown section 'banana'", "forward-pass"]),
        (["--seed", "-3"], ["--seed", "'-3'"]),
        (["--seed", "x"], ["--seed", "'x'"]),
        (["--seed", str(2**32)], ["--seed"]),
        (["--quality", "8k"], ["--quality", "'8k'"]),
        (["--frobnicate"], ["--frobnicate"]),
        (["--jobs", "0"], ["--jobs", "'0'"]),
        (["--jobs", "two"], ["--jobs", "'two'"]),
        (["--seed", "1", "x"], ["--seed", "'x'"]),
        (["--seed", "5-2"], ["--seed", "'5-2'", "backwards"]),
        (["--seed", "0-999999"], ["--seed", "100,000"]),
        (["--seed", "1,,2"], ["--seed", "'1,,2'"]),
        (["--seed", "3-"], ["--seed", "'3-'"]),
        (["--voice", "no-such-folder"], ["--voice", "'no-such-folder' is not a folder"]),
        (["--captions", "both"], ["--captions", "'both'"]),
        (["--seed", "0", "7", "--voice", "."], ["one seed's numbers"]),
    ],
)
def test_bad_input_gets_one_line_and_exit_code_2(args, words):
    assert_one_line_error(run_cli(*args), 2, *words)


def test_an_output_folder_that_cannot_be_written_is_refused(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert_one_line_error(run_cli("--out", str(blocker / "renders")), 2, "cannot write")


def test_help_names_the_qualities_and_sections():
    result = run_cli("--help")
    assert result.returncode == 0
    for word in ("preview", "720p", "1080p", "4k", "forward-pass", "generalization"):
        assert word in result.stdout


def test_seeds_are_integers_ranges_and_lists_in_the_order_given_each_once():
    assert render.parse_seeds(["0"]) == [0]
    assert render.parse_seeds(["0-4"]) == [0, 1, 2, 3, 4]
    assert render.parse_seeds(["7", "3,11-13", "12", " 4294967295 "]) == [
        7,
        3,
        11,
        12,
        13,
        2**32 - 1,
    ]
    assert len(render.parse_seeds(["0-299"])) == 300


def test_sections_are_picked_by_number_or_name_in_film_order():
    picked = render.pick_sections(["broken", "1", "Broken"], TEST_SECTIONS)
    assert picked == [NUMBER_SECTION, BROKEN_SECTION]
    assert render.pick_sections(None, TEST_SECTIONS) == [NUMBER_SECTION, BROKEN_SECTION]


def test_a_section_not_built_yet_is_refused(tmp_path, capsys):
    code = render.main(["--sections", "3", "--out", str(tmp_path)], sections=TEST_SECTIONS)
    assert code == 2
    assert "not built yet" in capsys.readouterr().err


def test_missing_latex_is_reported_before_rendering(tmp_path, capsys, monkeypatch):
    real_which = render.shutil.which
    monkeypatch.setattr(
        render.shutil, "which", lambda tool: None if tool == "latex" else real_which(tool)
    )
    code = render.main(["--out", str(tmp_path), "--sections", "1"], sections=TEST_SECTIONS)
    err = capsys.readouterr().err
    assert code == 2 and "LaTeX is missing" in err and "make setup" in err
    assert not list(tmp_path.rglob("*.mp4"))


def test_missing_inter_is_reported_before_rendering(tmp_path, capsys, monkeypatch):
    """explore.html embeds the film's typeface: without Debian's fonts-inter, say so first."""
    monkeypatch.setenv("MECHANICS_INTER_FONTS", str(tmp_path / "no-fonts"))
    code = render.main(["--out", str(tmp_path), "--sections", "1"], sections=TEST_SECTIONS)
    err = capsys.readouterr().err
    assert code == 2 and "fonts-inter" in err and "make setup" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not list(tmp_path.rglob("*.mp4"))


@pytest.mark.parametrize("voice, engine", [("piper", "piper"), ("kokoro", "kokoro_onnx")])
def test_a_missing_voice_is_reported_before_rendering(tmp_path, capsys, monkeypatch, voice, engine):
    monkeypatch.setitem(sys.modules, engine, None)  # as when the engine is not installed
    args = ["--out", str(tmp_path), "--sections", "1", "--voice", voice]
    code = render.main(args, sections=TEST_SECTIONS)
    err = capsys.readouterr().err
    assert (
        code == 2
        and f"the film's voice is missing ({voice} cannot speak" in err
        and "--voice none" in err
    )
    assert err.count("\n") == 1 and not list(tmp_path.rglob("*.mp4"))


def test_a_kokoro_file_not_as_pinned_is_refused_before_rendering(tmp_path, capsys, monkeypatch):
    """A voice file with one byte changed (or gone) is never spoken with: one line names
    the file and says to run setup, before anything renders."""
    files = tmp_path / "kokoro"
    (files / "voices").mkdir(parents=True)
    (files / kokoro_files.MODEL_FILE).symlink_to(kokoro_files.model_path())
    table = bytearray(kokoro_files.voice_path("bf_emma").read_bytes())
    table[1000] ^= 1
    kokoro_files.voice_path("bf_emma", files).write_bytes(bytes(table))
    monkeypatch.setenv(kokoro_files.FOLDER_VARIABLE, str(files))
    out = tmp_path / "out"
    for voice, wrong in [
        ("kokoro:bf_emma", "bf_emma.bin has SHA-256"),
        ("kokoro:bm_george", "bm_george.bin is missing"),
    ]:
        code = render.main(
            ["--out", str(out), "--sections", "1", "--voice", voice], sections=TEST_SECTIONS
        )
        err = capsys.readouterr().err
        assert code == 2 and f"({voice} cannot speak" in err and wrong in err, err
        assert "make setup" in err and err.count("\n") == 1 and not list(out.rglob("*.mp4"))


def test_a_missing_system_library_is_reported_before_rendering(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "manimpango", None)  # as when Pango is not installed
    code = render.main(["--out", str(tmp_path), "--sections", "1"], sections=TEST_SECTIONS)
    err = capsys.readouterr().err
    assert code == 2 and "a library Manim needs is missing" in err and "make setup" in err
    assert err.count("\n") == 1 and not list(tmp_path.rglob("*.mp4"))


@pytest.fixture(scope="module")
def rendered_seeds(tmp_path_factory):
    """The fixture scene rendered at preview quality for seeds 0 and 7."""
    out = tmp_path_factory.mktemp("renders")
    for seed in (0, 7):
        args = ["--seed", str(seed), "--quality", "preview", "--out", str(out), "--sections", "1"]
        assert render.main(args, sections=TEST_SECTIONS) == 0
    return out


def test_a_section_lands_in_the_seed_and_quality_folder(rendered_seeds):
    video = rendered_seeds / "seed-0" / "preview" / "01-engine-number.mp4"
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.width, stream.codec_context.height) == (854, 480)
        assert stream.base_rate == 15 and stream.frames == 15
    captions = video.with_suffix(".srt").read_text()
    assert "The network's first guess." in captions
    assert not list(rendered_seeds.rglob("*.partial"))


def test_the_seed_reaches_the_scene(rendered_seeds):
    assert lesson(0).target_probabilities[0] != lesson(7).target_probabilities[0]
    seed0 = decoded_frames(rendered_seeds / "seed-0" / "preview" / "01-engine-number.mp4")
    seed7 = decoded_frames(rendered_seeds / "seed-7" / "preview" / "01-engine-number.mp4")
    assert len(seed0) == len(seed7) == 15
    assert not np.array_equal(seed0[-1], seed7[-1])


def test_a_failing_section_exits_1_and_leaves_no_video(tmp_path, capsys):
    args = ["--quality", "preview", "--out", str(tmp_path), "--sections", "2"]
    assert render.main(args, sections=TEST_SECTIONS) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "section 2 (Broken) of seed 0 failed" in err
    assert not list(tmp_path.rglob("02-broken.mp4"))
    log = tmp_path / "seed-0" / "preview" / "logs" / "02-broken.log"
    assert "this scene fails on purpose" in log.read_text()


def test_with_no_scenes_built_there_is_nothing_to_render(tmp_path, capsys):
    assert render.main(["--out", str(tmp_path)], sections=(MISSING_SECTION,)) == 0
    assert "nothing to render" in capsys.readouterr().out
