"""The film's registry (scenes/sections.py) is the one place its structure is written."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from scenes.sections import (
    ROOT,
    SECTIONS,
    Section,
    check,
    closing_card,
    section_of_scene,
    thumbnail_section,
    with_section,
)


def lesson_scenes_in(path: Path) -> list[str]:
    """The classes a scene module defines directly on LessonScene."""
    tree = ast.parse(path.read_text())
    return [
        node.name
        for node in tree.body
        if isinstance(node, ast.ClassDef)
        and any(getattr(base, "id", None) == "LessonScene" for base in node.bases)
    ]


def test_every_section_scene_in_scenes_is_registered():
    """An unregistered scene file would count as shared code, and editing it would render
    every section again."""
    registered = {(s.file.name, s.scene) for s in SECTIONS}
    found = {
        (path.name, name)
        for path in sorted((ROOT / "scenes").glob("*.py"))
        for name in lesson_scenes_in(path)
    }
    assert found == registered


def test_the_film_is_numbered_in_order_with_one_thumbnail():
    assert [s.number for s in SECTIONS] == list(range(1, len(SECTIONS) + 1))
    assert thumbnail_section().thumbnail_beat
    with pytest.raises(ValueError, match="thumbnail"):
        check(replace(s, thumbnail_beat=None) for s in SECTIONS)
    with pytest.raises(ValueError, match="numbered"):
        check(reversed(SECTIONS))


def test_the_thumbnail_beat_is_a_key_frame_its_scene_saves():
    section = thumbnail_section()
    source = section.file.read_text()
    beat = re.escape(section.thumbnail_beat)
    assert re.search(rf'key_frames\.save\("{beat}"\)|def {beat}\(', source)


def test_a_scene_finds_its_section_by_class_name():
    assert section_of_scene("Loop").slug == "loop"
    with pytest.raises(KeyError, match="scenes/sections.py"):
        section_of_scene("NoSuchScene")


def test_a_section_added_at_the_end_is_checked():
    extra = Section(len(SECTIONS) + 1, "extra", "Extra", ROOT / "x.py", "Extra")
    assert with_section(extra)[-1] == extra
    with pytest.raises(ValueError, match="slug"):
        with_section(replace(extra, slug=SECTIONS[0].slug))


def test_the_closing_card_names_the_sections_with_a_closing_word():
    assert [s.closing_word for s in closing_card()] == ["Guess", "Measure", "Wiggle", "Step"]


def test_render_help_lists_the_registered_sections():
    shown = subprocess.run(
        [sys.executable, "render.py", "--help"], cwd=ROOT, capture_output=True, text=True
    ).stdout
    flat = " ".join(shown.split())
    assert f"numbers (1-{len(SECTIONS)})" in flat
    for section in SECTIONS:
        assert f"{section.number} ({section.slug})" in flat


def test_render_py_and_the_film_style_start_without_manim():
    """render.py reads the registry and, through the thumbnail, the style before it checks
    that Manim's libraries are there: neither may import Manim (style.py makes its texts and
    formulas with Manim only when asked for one)."""
    code = "import sys, render, scenes.style; print('manim' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
