"""The film's ending: the closing card, one verb for each section on it (Guess, Measure, ...),
held after its line is said, then a fade to black on which the film ends.

It is not any section's own content: it is played after `construct` by whichever scene
draws the last section of the film's registry (scenes/sections.py, or the registry render.py
hands the scene in its request), as that scene's last beats (`LessonScene.tear_down` calls
`end_the_film`; a scene here is a LessonScene, which imports this module). A section added
after the others takes the ending with it. The scene first makes way for the card with its
`leave_for_the_closing_card` (by default everything but the caption fades out).
"""

from __future__ import annotations

from manim import DOWN, RIGHT, UP, FadeIn, Rectangle, Scene, VGroup
from manim.utils.exceptions import EndSceneEarlyException

from scenes import style
from scenes.beats import beat
from scenes.sections import closing_card, ending_card
from scenes.style import text

# The card stays this long after the last word is said, then fades to black, and the film
# ends on black.
CLOSING_HOLD = 2.0
FADE_TO_BLACK = 1.5
BLACK_AT_THE_END = 0.6


def ends_the_film(scene: Scene) -> bool:
    """Whether the scene plays the film's ending (scenes/sections.py `ending_card`; a
    subclass, e.g. a test's variation, draws the section it inherits)."""
    return bool(ending_card(scene.section, scene.film))


def end_the_film(scene: Scene) -> None:
    """After the scene's own beats: the closing card, then black, when the scene draws the
    film's last section; nothing otherwise."""
    if not ends_the_film(scene):
        return
    try:
        close_the_loop(scene)
        fade_to_black(scene)
    except EndSceneEarlyException:
        pass  # `manim -n`: the render stopped at the last animation asked for, as construct does


@beat
def close_the_loop(scene: Scene) -> None:
    """The closing card on its own (the last section's picture and header make way for it),
    each verb coming in as it is said, held after the last word."""
    scene.leave_for_the_closing_card()
    sections = closing_card(scene.film)
    columns = VGroup()
    for section in sections:
        columns.add(
            VGroup(
                text(section.closing_word, size=style.TITLE_SIZE * 0.85, weight="BOLD"),
                scene.record.layout_text(
                    f"{section.number}  {section.short_title}",
                    size=style.VALUE_SIZE,
                    colour=style.MUTED,
                ),
            ).arrange(DOWN, buff=0.25)
        )
    columns.arrange(RIGHT, buff=0.55, aligned_edge=UP)
    lowest = min(column[1].get_top()[1] for column in columns)
    for column in columns:
        # Each line starts with its section's digit: line the digits' tops up.
        column[1].shift((lowest - column[1].get_top()[1]) * UP)
    # With no header, the card stands in the middle of the frame above the captions.
    columns.move_to([0, (style.SAFE_TOP + style.CAPTION_TOP) / 2, 0])
    scene.closing_columns = scene.pin(columns)
    scene.feature(columns)
    verbs = ", ".join(f"^{section.closing_word}" for section in sections)
    with scene.narration(f"You have mastered the loop: {verbs}.") as line:
        for section, column in zip(sections, columns, strict=True):
            line.wait_for(section.closing_word.lower(), lead=0.1)
            scene.play(FadeIn(column, shift=0.2 * DOWN), run_time=0.45)
        scene.key_frames.save("closing_card")
        scene.last_word_end = line.start + line.times[-1].end
    # The film's last picture stays a while after the last word.
    scene.wait_at_least(scene.last_word_end + CLOSING_HOLD - scene.renderer.time)


@beat
def fade_to_black(scene: Scene) -> None:
    """The picture and the caption go to black, and the film ends on black frames."""
    curtain = Rectangle(
        width=style.FRAME_HALF_WIDTH * 2 + 0.2, height=style.FRAME_HALF_HEIGHT * 2 + 0.2
    ).set_stroke(width=0)
    curtain.set_fill("#000000", 1.0)
    curtain.fills_the_frame = True  # not a thing placed in the frame (the layout audit)
    scene.pin(curtain)
    scene.fade_started = scene.renderer.time
    scene.play(FadeIn(curtain), run_time=FADE_TO_BLACK)
    scene.fade_ended = scene.renderer.time
    scene.remove(*(mobject for mobject in scene.mobjects if mobject is not curtain))
    scene.wait_at_least(BLACK_AT_THE_END)
