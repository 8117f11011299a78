"""Reruns that always recover (issue 28): a run killed at any moment, or Manim's caches cut
off mid-write, or scratch left by a dead writer, and the next run finishes with the same
bytes as a run never interrupted.

The renders are real: render.py in a process of its own on two one-second fixture
sections at 256x144, 5 fps, the second with a formula, so Manim fills both its text cache
(Pango's SVGs) and its LaTeX cache (.tex, .svg) on the way."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from common import scratch
from common.files import whole_or_absent
from publishing import manim_caches
from publishing.film import Section
from publishing.manim_process import scene_command

from .lecture_rendering import (
    FIXTURE,
    cache_content,
    lecture_bytes,
    render_py_in_a_process,
    render_tiny,
)

CUT = 8192  # where the user's text SVG was cut off: one write buffer of the killed render
LATEX_TIMEOUT = 60.0


def two_sections(scenes: Path) -> tuple[Section, Section]:
    """Section 1: a Text; section 2: a Text and a MathTex. Copies of the fixture file."""
    scenes.mkdir(parents=True, exist_ok=True)
    for name in ("number.py", "formula.py"):
        if not (scenes / name).exists():
            shutil.copyfile(FIXTURE, scenes / name)
    return (
        Section(1, "number", "Number", scenes / "number.py", "EngineNumber"),
        Section(2, "formula", "Formula", scenes / "formula.py", "EngineFormula"),
    )


def start_render(out: Path, scenes: Path) -> subprocess.Popen:
    """render.py on `two_sections`, one section at a time (so a run goes through the same
    stages in the same order), in a process of its own that takes Ctrl-C as from a
    terminal."""
    sections = f"importlib.import_module('tests.test_recovery').two_sections(Path({str(scenes)!r}))"
    return render_py_in_a_process(out, sections, "--jobs", "1")


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory) -> Path:
    """The two sections' lecture folder, rendered once without a stop."""
    out = tmp_path_factory.mktemp("uninterrupted")
    assert render_tiny("--out", str(out), "--jobs", "1", sections=two_sections(out / "scenes")) == 0
    return out / "seed-0" / "tiny"


# ---- killed at many moments --------------------------------------------------------------


def manim_child(parent: int) -> int | None:
    """The pid of the Manim process render.py (`parent`) runs now, or None."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        parent_of = int(stat.rsplit(")", 1)[1].split()[1])
        if parent_of == parent and b"publishing.manim_cli" in command:
            return int(entry.name)
    return None


def attempt_holds(media: Path, pattern: str) -> Callable[[int], bool]:
    """Whether the attempt of the run with this pid holds `pattern` (the attempts of runs
    killed before may hold it too)."""
    return lambda pid: any(media.glob(f"{scratch.ATTEMPT_PREFIX}{pid}@*/{pattern}"))


def interrupt(
    out: Path,
    scenes: Path,
    when: Callable[[int], bool],
    how: signal.Signals,
    manim_only: bool = False,
) -> subprocess.CompletedProcess:
    """Start a run and, the moment `when(its pid)` holds, send it `how` (to its Manim
    process alone with `manim_only`). The moment must come before the run ends."""
    process = start_render(out, scenes)
    deadline = time.monotonic() + LATEX_TIMEOUT
    while not when(process.pid):
        assert process.poll() is None, f"the run ended first: {process.communicate()}"
        assert time.monotonic() < deadline, "the moment never came"
        time.sleep(0.005)
    target = manim_child(process.pid) if manim_only else process.pid
    assert target is not None, "no Manim process to stop"
    os.kill(target, how)
    stdout, stderr = process.communicate(timeout=LATEX_TIMEOUT)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def plant_cut_caches(media: Path) -> list[Path]:
    """What an older render killed mid-write left in Manim's caches: every text SVG cut at
    8,192 bytes (or half, if shorter) and, for every formula, its .svg gone, its .dvi
    (compiled here) cut before its postamble and its .tex cut before its end. Returns the
    files planted."""
    planted = []
    for svg in sorted((media / manim_caches.TEXT_FOLDER).glob("*.svg")):
        whole = svg.read_bytes()
        svg.write_bytes(whole[: min(CUT, len(whole) // 2)])
        planted.append(svg)
    for tex in sorted((media / manim_caches.TEX_FOLDER).glob("*.tex")):
        build = tex.parent / "build"
        build.mkdir()
        subprocess.run(
            ["latex", "-interaction=batchmode", f"-output-directory={build}", str(tex)],
            check=True,
            stdout=subprocess.DEVNULL,
            timeout=LATEX_TIMEOUT,
        )
        dvi = tex.with_suffix(".dvi")
        dvi.write_bytes((build / dvi.name).read_bytes()[:-7])
        shutil.rmtree(build)
        tex.with_suffix(".svg").unlink()
        tex.write_bytes(tex.read_bytes()[: -len(b"\\end{document}") - 3])
        planted += [dvi, tex]
    return planted


def plant_dead_scratch(folder: Path) -> list[Path]:
    """Scratch of writers that died: a .partial of a dead pid on this host, one named before
    names carried an owner and untouched for two hours, and an attempt folder of a dead pid.
    """
    dead = subprocess.Popen(["true"])
    dead.wait()
    gone = f"{dead.pid}@{scratch.this_host()}"
    old = time.time() - 2 * scratch.ABANDONED_AFTER
    partial = folder / f".01-number.mp4.{gone}.0123456789ab.partial"
    unnamed = folder / ".manifest.json.0123456789ab.partial"
    attempt = folder / ".manim" / "02-formula" / f"{scratch.ATTEMPT_PREFIX}{gone}-0123456789ab"
    (attempt / "videos").mkdir(parents=True)
    (attempt / "videos" / "partial.mp4").write_bytes(b"\0" * 1000)
    for path in (partial, unnamed):
        path.write_bytes(b"\0" * 1000)
    os.utime(unnamed, (old, old))
    return [partial, unnamed, attempt]


def test_a_run_killed_at_any_moment_is_finished_by_the_next_with_the_same_bytes(
    tmp_path, uninterrupted
):
    out, scenes = tmp_path / "out", tmp_path / "scenes"
    two_sections(scenes)
    folder = out / "seed-0" / "tiny"
    number, formula = folder / ".manim" / "01-number", folder / ".manim" / "02-formula"
    started = time.monotonic()

    def after(seconds: float) -> Callable[[int], bool]:
        return lambda pid: time.monotonic() - started > seconds

    def exists(path: Path) -> Callable[[int], bool]:
        return lambda pid: path.exists()

    # Killed before any Manim process starts, as Manim starts; Ctrl-C mid-render.
    interrupt(out, scenes, after(0.3), signal.SIGKILL)
    interrupt(out, scenes, exists(folder / "logs" / "01-number.log"), signal.SIGKILL)
    stopped = interrupt(out, scenes, attempt_holds(number, "videos"), signal.SIGINT)
    assert stopped.returncode == 130

    # Killed while LaTeX writes the formula's cache (its private build folder exists): the
    # attempt's folder stays, for the next attempt to sweep.
    interrupt(out, scenes, attempt_holds(formula, ".tex-build-*"), signal.SIGKILL)
    assert list(formula.glob(f"{scratch.ATTEMPT_PREFIX}*"))
    left = list((formula / "Tex").iterdir())  # no .dvi, .aux or .log of the killed LaTeX
    assert {path.suffix for path in left} <= {".tex", ".svg"}
    assert not [path for path in left if manim_caches.why_unreadable(path)]
    # Manim alone killed mid-render: render.py tells the section failed.
    failed = interrupt(
        out, scenes, attempt_holds(formula, "videos"), signal.SIGKILL, manim_only=True
    )
    assert failed.returncode == 1 and "section 2 (Formula) of seed 0 failed" in failed.stderr

    # What an older version killed mid-write left in the formula's caches, and scratch of
    # writers that died; then killed while the lecture is assembled.
    planted = plant_cut_caches(formula)
    assert len(planted) == 3  # its text SVG, its .dvi and its .tex
    dead = plant_dead_scratch(folder)
    interrupt(
        out,
        scenes,
        lambda pid: (formula / "render.json").exists() and not (folder / "manifest.json").exists(),
        signal.SIGKILL,
    )
    log = " ".join((folder / "logs" / "02-formula.log").read_text().split())
    assert all(f"removed Manim's cache file {path}" in log for path in planted)

    finished = start_render(out, scenes)
    stdout, stderr = finished.communicate(timeout=120)
    assert finished.returncode == 0, stderr
    assert lecture_bytes(folder) == lecture_bytes(uninterrupted)
    assert not any(path.exists() for path in dead)
    assert not list(out.rglob("*.partial")) and not list(out.rglob(".tex-build-*"))
    assert not list(out.rglob(f"{scratch.ATTEMPT_PREFIX}*"))
    for cache in ("texts", "Tex"):
        for path in sorted((uninterrupted / ".manim").glob(f"*/{cache}/*")):
            made_again = folder / path.relative_to(uninterrupted)
            name = str(path.relative_to(uninterrupted))
            again, first = made_again.read_bytes(), path.read_bytes()
            assert cache_content(name, again) == cache_content(name, first), made_again
    assert not list(formula.glob("Tex/*.dvi"))  # the cut one is gone, as Manim cleans up
    print(f"killed at 6 moments, finished in {time.monotonic() - started:.1f} s")


# ---- Manim's caches ---------------------------------------------------------------------


def test_a_text_svg_cut_at_8192_bytes_is_found_removed_and_made_again(tmp_path, uninterrupted):
    """The user's fault: a text SVG cut off at 8,192 bytes failed every later run with
    "ParseError: unclosed token". Now the next render removes it, says so, and makes it
    again, byte for byte."""
    out = tmp_path / "out"
    shutil.copytree(uninterrupted.parent.parent, out)
    folder = out / "seed-0" / "tiny"
    (svg,) = (folder / ".manim" / "01-number" / "texts").glob("*.svg")
    whole = svg.read_bytes()
    assert len(whole) > CUT
    svg.write_bytes(whole[:CUT])
    assert "unclosed token" in manim_caches.why_unreadable(svg)
    (folder / "01-number.mp4").unlink()  # the section renders again

    assert render_tiny("--out", str(out), "--jobs", "1", sections=two_sections(out / "scenes")) == 0
    log = (folder / "logs" / "01-number.log").read_text()
    assert f"removed Manim's cache file {svg}: it is not whole XML" in " ".join(log.split())
    assert svg.read_bytes() == whole
    assert lecture_bytes(folder) == lecture_bytes(uninterrupted)


def test_unreadable_cache_files_are_told_from_whole_ones(tmp_path, uninterrupted):
    caches = tmp_path / "caches"
    shutil.copytree(uninterrupted / ".manim" / "02-formula", caches)
    whole = sorted(manim_caches.cache_files(caches))
    assert [path.suffix for path in whole] == [".svg", ".tex", ".svg"]
    assert all(manim_caches.why_unreadable(path) is None for path in whole)
    planted = plant_cut_caches(caches)
    (caches / "texts" / "empty.svg").write_bytes(b"")
    (caches / "texts" / ".scratch.svg.1@host.0123456789ab.partial").write_bytes(b"<svg")
    said: list[str] = []
    removed = manim_caches.remove_unreadable(caches, said.append)
    assert sorted(removed) == sorted([*planted, caches / "texts" / "empty.svg"])
    assert len(said) == 4 and all("removed Manim's cache file" in line for line in said)
    assert (caches / "texts" / ".scratch.svg.1@host.0123456789ab.partial").exists()


def test_a_failed_render_names_the_file_it_could_not_read(tmp_path, capsys):
    scenes = tmp_path / "scenes"
    scenes.mkdir()
    broken = tmp_path / "drawing.svg"
    broken.write_text("<svg xmlns='http://www.w3.org/2000/svg'><path d='M0 0L1 1'/>")
    (scenes / "drawing.py").write_text(
        "from manim import Scene, SVGMobject\n\n\n"
        "class Drawing(Scene):\n"
        "    def construct(self):\n"
        f"        self.add(SVGMobject({str(broken)!r}))\n"
        "        self.wait(0.2)\n"
    )
    sections = (Section(1, "drawing", "Drawing", scenes / "drawing.py", "Drawing"),)
    assert render_tiny("--out", str(tmp_path / "out"), "--voice", "none", sections=sections) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert f"failed: Manim could not read {broken} (ParseError: no element found" in line
    assert line.endswith("01-drawing.log")


def test_pangos_writer_is_handed_a_scratch_name_never_the_caches(tmp_path, monkeypatch):
    """A Text's SVG is written by Cairo in C, which a kill can stop anywhere: it writes a
    name of this process's own, and the cache's name appears only once the file is whole."""
    from publishing import manim_cache_writes

    cache = tmp_path / "texts" / "0123456789abcdef.svg"
    cache.parent.mkdir()
    written = []

    def cairo_writing(settings, size, spacing, liga, file_name, *rest) -> str:
        written.append(Path(file_name))
        Path(file_name).write_text("<svg")  # cut off here, by a kill
        assert not cache.exists()
        raise KeyboardInterrupt

    monkeypatch.setattr(manim_cache_writes, "MANIMPANGO_TEXT2SVG", cairo_writing)
    with pytest.raises(KeyboardInterrupt):
        manim_cache_writes.text2svg([], 1.0, 1.0, False, str(cache), 0, 0, 10, 10, "x")
    assert not cache.exists() and not written[0].exists()
    assert written[0].parent == cache.parent and written[0].name.endswith(".partial")

    def cairo_whole(settings, size, spacing, liga, file_name, *rest) -> str:
        Path(file_name).write_text("<svg/>")
        return file_name

    monkeypatch.setattr(manim_cache_writes, "MANIMPANGO_TEXT2SVG", cairo_whole)
    made = manim_cache_writes.text2svg([], 1.0, 1.0, False, str(cache), 0, 0, 10, 10, "x")
    assert made == str(cache) and cache.read_text() == "<svg/>"
    assert list(cache.parent.iterdir()) == [cache]


def test_failure_reason_reads_the_marked_line(tmp_path):
    log = tmp_path / "section.log"
    log.write_text(
        "Animation 0 : ...\n"
        + manim_caches.fault_line("/a/b.svg", ValueError("bad\n  input"))
        + "\nmore output\n"
    )
    assert (
        manim_caches.failure_reason(log) == "Manim could not read /a/b.svg (ValueError: bad input)"
    )
    log.write_text("Traceback ...\nRuntimeError: this scene fails on purpose\n")
    assert manim_caches.failure_reason(log) is None
    assert manim_caches.failure_reason(tmp_path / "no.log") is None


# ---- scratch left by writers ------------------------------------------------------------


def test_stale_partial_files_are_swept_but_a_live_writers_is_kept(tmp_path):
    folder = tmp_path / "seed-0" / "tiny"
    (folder / ".manim" / "01-number" / "texts").mkdir(parents=True)
    dead = plant_dead_scratch(folder)[:2]
    cache_scratch = folder / ".manim" / "01-number" / "texts" / dead[0].name
    shutil.copyfile(dead[0], cache_scratch)
    other_host = folder / ".beats.json.1@elsewhere.0123456789ab.partial"
    other_host.write_bytes(b"{")  # a twin on another node, writing now
    unnamed_fresh = folder / ".answers.json.0123456789ab.partial"
    unnamed_fresh.write_bytes(b"{")
    said: list[str] = []
    with whole_or_absent(folder / "01-number.srt") as live:
        live.write_text("1\n")
        removed = scratch.sweep_partials(folder, said.append)
        assert live.exists()
    assert sorted(removed) == sorted([*dead, cache_scratch])
    assert len(said) == 3
    assert other_host.exists() and unnamed_fresh.exists()
    assert (folder / "01-number.srt").read_text() == "1\n"

    old = time.time() - 2 * scratch.ABANDONED_AFTER
    os.utime(other_host, (old, old))
    assert scratch.sweep_partials(folder) == [other_host]


def test_an_attempt_folder_is_its_own_and_only_dead_attempts_are_swept(tmp_path):
    media = tmp_path / ".manim" / "01-number"
    media.mkdir(parents=True)
    dead = plant_dead_scratch(tmp_path)[2]
    dead = shutil.move(dead, media / dead.name)
    twin_here = media / f"{scratch.ATTEMPT_PREFIX}{scratch.owner()}-aaaaaaaaaaaa"
    twin_elsewhere = media / f"{scratch.ATTEMPT_PREFIX}1@elsewhere-bbbbbbbbbbbb"
    legacy = media / scratch.LEGACY_VIDEOS
    for running in (twin_here, twin_elsewhere, legacy):
        (running / "partial_movie_files").mkdir(parents=True)
    with pytest.raises(RuntimeError), scratch.attempt_folder(media) as attempt:
        assert attempt.name.startswith(f"{scratch.ATTEMPT_PREFIX}{scratch.owner()}-")
        assert not Path(dead).exists()  # swept as the attempt began
        assert twin_here.exists() and twin_elsewhere.exists() and legacy.exists()
        raise RuntimeError("Manim failed")
    assert not attempt.exists()

    old = time.time() - 2 * scratch.ABANDONED_AFTER
    for path in (twin_elsewhere, twin_elsewhere / "partial_movie_files", legacy):
        os.utime(path, (old, old))
    assert scratch.sweep_attempts(media) == [twin_elsewhere]  # legacy: written inside lately
    os.utime(legacy / "partial_movie_files", (old, old))
    os.utime(legacy, (old, old))
    assert scratch.sweep_attempts(media) == [legacy]
    assert twin_here.exists()


def test_a_section_command_puts_manims_media_in_the_attempt_and_keeps_the_caches_shared():
    attempt = Path("/m/attempt-1@h-0123456789ab")
    command = scene_command(attempt / "request.json", attempt, Path("/m"), Path("s.py"), "S", [])
    assert command[3:] == [
        "render",
        "--request",
        "/m/attempt-1@h-0123456789ab/request.json",
        "--media_dir",
        "/m/attempt-1@h-0123456789ab",
        "--cache_dir",
        "/m",
        "s.py",
        "S",
    ]
