"""render.py as a test runs it: the real command line at a tiny quality."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import render
from publishing.film import ROOT, SECTIONS, Quality, Section
from scenes.contract import SceneReport

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "engine_number.py"

# 256 pixels wide, not 192: at 192x108 (and 192x112) x264 encoded one three-frame animation
# of section 2 differently in about one run in eight, from identical input and with one
# thread; at 256x144 (16 runs) and 854x480 (8 runs) it never did.
TINY = Quality("tiny", 256, 144, 5, ("--resolution", "256,144", "--frame_rate", "5"))
QUALITIES = {**render.QUALITIES, TINY.name: TINY}


def render_tiny(*args: str, sections=SECTIONS) -> int:
    return render.main(["--quality", "tiny", *args], sections=sections, qualities=QUALITIES)


def scene_report(folder: Path, section: Section) -> SceneReport:
    """What a rendered section's scene reported (scenes/contract.py)."""
    return SceneReport.read(folder / ".manim" / section.stem / "report.json")


def spoken_lines(folder: Path, section: Section) -> list[dict]:
    """The lines a rendered section spoke (id, words, start, clip, seconds), from its scene."""
    return list(scene_report(folder, section).lines)


def fixture_sections(folder: Path, second_scene: str = "EngineLoss") -> tuple[Section, ...]:
    """Two sections of one-second plain Manim scenes, from copies of the fixture file, so a
    test can change their code."""
    folder.mkdir(parents=True, exist_ok=True)
    first, second = folder / "first.py", folder / "second.py"
    for copy in (first, second):
        if not copy.exists():
            shutil.copyfile(FIXTURE, copy)
    return (
        Section(1, "number", "Number", first, "EngineNumber"),
        Section(2, "second", "Second", second, second_scene),
    )


def render_in_a_process(out: Path, scenes: Path, *args: str) -> subprocess.Popen:
    """render.py, in a process of its own, rendering the fixture's two sections (the
    second one `Slow`, to be stopped) into `out` (see `render_py_in_a_process`)."""
    sections = f"t.fixture_sections(Path({str(scenes)!r}), second_scene='Slow')"
    return render_py_in_a_process(out, sections, *args)


def render_py_in_a_process(out: Path, sections: str, *args: str) -> subprocess.Popen:
    """render.py at the tiny quality, in a process of its own, rendering the `sections` (a
    Python expression, with this module as `t` and pathlib's Path at hand) into `out`; it
    takes Ctrl-C as a terminal delivers it (a shell that starts the tests in the background,
    `pytest &`, makes them ignore SIGINT, and children inherit that)."""
    driver = (
        "import signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
        f"import sys; sys.path[:0] = [{str(ROOT)!r}]; import tests.lecture_rendering as t; "
        "import importlib; from pathlib import Path; "
        f"sys.exit(t.render_tiny('--out', {str(out)!r}, *{list(args)!r}, sections={sections}))"
    )
    return subprocess.Popen(
        [sys.executable, "-c", driver],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def lecture_bytes(out: Path) -> dict[str, bytes]:
    """Every file a finished run leaves for people (not logs or Manim's working folders),
    by name under `out`."""
    return {
        str(path.relative_to(out)): path.read_bytes()
        for path in sorted(out.rglob("*"))
        if path.is_file() and not {"logs", ".manim"} & set(path.relative_to(out).parts)
    }


def cache_content(name: str, data: bytes) -> bytes:
    """A Manim cache file's content as it decides the picture. dvisvgm writes a formula's
    glyph definitions (`<defs>`) in an order that now and then differs from run to run
    (seen while other LaTeX runs went on), the glyphs and their uses the same: a LaTeX SVG
    is compared with its definitions sorted by id. Any other file is its bytes."""
    if not (name.endswith(".svg") and Path(name).parent.name == "Tex"):
        return data
    root = ElementTree.fromstring(data)
    for defs in root.iter("{http://www.w3.org/2000/svg}defs"):
        defs[:] = sorted(defs, key=lambda glyph: glyph.get("id", ""))
    return ElementTree.tostring(root)
