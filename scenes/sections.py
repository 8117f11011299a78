"""The film's structure, in one place: its sections, in order, and everything the rest of the
project needs to know about each. Imports no Manim, so render.py and publishing read it
before checking the machine.

To add a section: write its scene (a `LessonScene` subclass in scenes/), add a `Section` to
`SECTIONS` here, and give it tests. render.py's arguments and help, the chapters, the
closing card, the thumbnail, the render keys, the manifest and the tests all read this.
The film's ending (the closing card, then black: scenes/closing.py) is played by the scene
of the last section here, after its own beats: a section added at the end takes it over.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Section:
    """One section of the film.

    `file` and `scene` name the Manim scene that draws it, without importing it.
    `closing_word` is its verb on the film's closing card (Guess, Measure, ...), under which
    `short_title` names it; a section without one is not on the card.
    `thumbnail_beat` names the key frame the lecture's thumbnail is taken from, for the one
    section that has it.
    `relative_cost` only orders parallel work (the longest renders start first): the scene's
    render time at 1080p60 relative to the forward pass, as benchmarks/render_speed.py
    measured it (sections 1-4 on 2026-11-26; section 5 after issue 12: 241.8 s).
    """

    number: int
    slug: str
    title: str
    file: Path
    scene: str
    short_title: str = ""
    closing_word: str | None = None
    thumbnail_beat: str | None = None
    relative_cost: float = 1.0

    @property
    def stem(self) -> str:
        return f"{self.number:02d}-{self.slug}"

    @property
    def exists(self) -> bool:
        return self.file.is_file()


def scene_file(name: str) -> Path:
    return ROOT / "scenes" / name


SECTIONS: tuple[Section, ...] = (
    Section(
        1,
        "forward-pass",
        "The Forward Pass",
        scene_file("forward_pass.py"),
        "ForwardPass",
        short_title="The Forward Pass",
        closing_word="Guess",
    ),
    Section(
        2,
        "loss",
        "The Scorecard (Loss)",
        scene_file("loss.py"),
        "Loss",
        short_title="The Scorecard",
        closing_word="Measure",
        relative_cost=0.99,
    ),
    Section(
        3,
        "wiggle",
        "The \u201cWiggle\u201d (Gradient)",
        scene_file("wiggle.py"),
        "Wiggle",
        short_title="The Gradient",
        closing_word="Wiggle",
        relative_cost=1.1,
    ),
    Section(
        4,
        "loop",
        "The Loop (Optimization)",
        scene_file("loop.py"),
        "Loop",
        short_title="The Loop",
        closing_word="Step",
        # The network mid-training, an arrow on every weight.
        thumbnail_beat="arrows_first_step",
        relative_cost=1.55,
    ),
    Section(
        5,
        "generalization",
        "Generalization",
        scene_file("generalization.py"),
        "Generalization",
        short_title="Generalization",
        relative_cost=3.2,
    ),
)


def check(sections: Iterable[Section]) -> tuple[Section, ...]:
    """The sections, once checked: numbered 1, 2, ... in order, with unique slugs and scene
    names, and exactly one thumbnail beat. A ValueError says what is wrong."""
    sections = tuple(sections)
    if [s.number for s in sections] != list(range(1, len(sections) + 1)):
        raise ValueError("sections must be numbered 1, 2, ... in order")
    for what in ("slug", "scene"):
        names = [getattr(s, what) for s in sections]
        if len(set(names)) != len(names):
            raise ValueError(f"two sections share a {what}")
    if sum(s.thumbnail_beat is not None for s in sections) != 1:
        raise ValueError("exactly one section must name the thumbnail beat")
    return sections


def with_section(section: Section, sections: Iterable[Section] = SECTIONS) -> tuple[Section, ...]:
    """The film with one more section at the end (a lecture's extra chapter, or a test's)."""
    return check((*sections, section))


def section_of_scene(scene: str, sections: Iterable[Section] = SECTIONS) -> Section:
    """The section a scene class (by name) draws; a KeyError names an unregistered one."""
    for section in sections:
        if section.scene == scene:
            return section
    raise KeyError(f"scene {scene} is not a section of the film: add it to scenes/sections.py")


def thumbnail_section(sections: Iterable[Section] = SECTIONS) -> Section:
    (section,) = [s for s in sections if s.thumbnail_beat is not None]
    return section


def closing_card(sections: Iterable[Section] = SECTIONS) -> list[Section]:
    """The sections named on the closing card, in order."""
    return [s for s in sections if s.closing_word is not None]


def ending_card(section: Section, film: Sequence[Section]) -> list[Section]:
    """The closing card's sections when `section` plays the film's ending (it is the film's
    last, and the film has a card to close on: a test's film of sections without closing
    words ends on its last beat); [] for every other section."""
    card = closing_card(film)
    return card if film and section == film[-1] else []


check(SECTIONS)
