"""The film ends on its closing card, then black (scenes/closing.py), after the last section
of the registry, whichever that is: the card stands alone, held after its last word."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from manim import FadeIn

from scenes.generalization import Generalization
from scenes.lesson_scene import LessonScene, beat
from scenes.sections import SECTIONS, Section, closing_card, with_section
from scenes.style import text

from .scene_rendering import SCENES, SEEDS, render_tiny, rendered

ENDING = ["close_the_loop", "fade_to_black"]  # the closing card's beat, then black

# A film one fixture section longer than the real one.
EPILOGUE = Section(len(SECTIONS) + 1, "epilogue", "Epilogue", Path(__file__), "Epilogue")
LONGER_FILM = with_section(EPILOGUE)


class Epilogue(LessonScene):
    """A fixture section after the film's last: its title card, then one picture and line."""

    film = LONGER_FILM

    def construct(self) -> None:
        self.show_title()
        self.say_one_more_thing()

    @beat
    def say_one_more_thing(self) -> None:
        with self.narration("One more thing."):
            self.play(FadeIn(self.feature(text("One more thing."))), run_time=0.4)


class GeneralizationTitle(Generalization):
    """Section 5, the registry's last, cut to its title card: cheap to render."""

    def construct(self) -> None:
        self.show_title()


class GeneralizationTitleBeforeTheEpilogue(GeneralizationTitle):
    """The same, in the film with a section after it."""

    film = LONGER_FILM


def beat_names(scene: LessonScene) -> list[str]:
    return [entry["name"] for entry in scene.beats.beats]


def closing_problems(
    screens, last_word_end, fade_started, last_frame, words, header: str
) -> list[str]:
    wrong = []
    card = [screen for screen in screens if set(words) <= set(screen)]
    if not card:
        wrong.append("the closing card is never shown whole")
    if any(header in screen for screen in card):
        wrong.append("the section's header stands over the closing card")
    if fade_started - last_word_end < 2.0:
        wrong.append(f"the fade starts {fade_started - last_word_end:.2f} s after the last word")
    if last_frame[..., :3].max() > 0:
        wrong.append("the last frame is not black")
    return wrong


def closing_facts(scene: LessonScene):
    words = [section.closing_word for section in closing_card(scene.film)]
    return (
        scene.layout_audit.screens,
        scene.last_word_end,
        scene.fade_started,
        scene.renderer.get_frame(),
        words,
        scene.section.title,
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_the_closing_card_stands_alone_held_after_the_last_word_then_black(seed):
    scene = rendered(SCENES[-1], seed)
    assert beat_names(scene)[-2:] == ENDING
    assert closing_problems(*closing_facts(scene)) == []
    assert scene.renderer.time - scene.fade_ended >= 0.5  # black frames to end on
    assert scene.layout_audit.screens[-1] == []


def test_a_closing_under_the_header_cut_short_and_not_black_is_caught():
    scene = rendered(SCENES[-1], SEEDS[0])
    screens, last_word_end, _, frame, words, header = closing_facts(scene)
    planted_screens = [[*screen, header] for screen in screens]
    grey = np.array(frame, copy=True)
    grey[0, 0, :3] = 13
    found = closing_problems(
        planted_screens, last_word_end, last_word_end + 0.9, grey, words, header
    )
    assert len(found) == 3, found


def test_the_closing_card_follows_the_registrys_last_section(tmp_path):
    """Section 5's scene ends the film only while it is the last section: with one more
    section after it, the card and the black come at the end of that one instead."""
    last = render_tiny(GeneralizationTitle, SEEDS[0], media=tmp_path)
    not_last = render_tiny(GeneralizationTitleBeforeTheEpilogue, SEEDS[0], media=tmp_path)
    epilogue = render_tiny(Epilogue, SEEDS[0], media=tmp_path)
    assert beat_names(last) == ["show_title", *ENDING]
    assert beat_names(not_last) == ["show_title"]
    assert beat_names(epilogue) == ["show_title", "say_one_more_thing", *ENDING]
    assert closing_problems(*closing_facts(epilogue)) == []
    assert [line["words"] for line in epilogue.narrator.spoken] == [
        "One more thing.",
        "You have mastered the loop: Guess, Measure, Wiggle, Step.",
    ]


def test_the_ending_goes_to_the_last_section_when_the_film_has_a_card_to_close_on():
    """A film's last section plays the card; a film whose sections have no closing word (a
    test's one-section film) ends on its last beat, with no empty card and no line to say."""
    from types import SimpleNamespace

    from scenes.closing import ends_the_film
    from tests.fixtures.recap import RECAP

    def scene(section: Section, film: tuple[Section, ...]) -> SimpleNamespace:
        return SimpleNamespace(section=section, film=film)

    assert ends_the_film(scene(SECTIONS[-1], SECTIONS))
    assert not ends_the_film(scene(SECTIONS[-1], with_section(RECAP)))
    assert ends_the_film(scene(RECAP, with_section(RECAP)))
    assert not ends_the_film(scene(RECAP, (RECAP,)))
