"""The live read-outs of sections 3-5, read back from the video with OCR while they move.

The read-outs turn over as something moves: w, loss and slope as the dot sweeps the curve
(section 3), the step, loss and p(Paris) at every training step (4), the step and loss as
the ball rolls down the path (5). Each section is rendered at 1280x720 for seeds 0 and 7
(only the plays with a read-out to read), and every read-out legible on a frame of a moving
part of the film (not a still hold) is cut from the decoded MP4 and read by tesseract.

Each reading must be the prefix and one number the engine computes for that read-out; the
readings of one frame must all come from one row of the engine (one wiggle sample, one
training step); and each must be the text the scene had on screen on that frame. OCR is
not perfect, so a few misreads are allowed (and listed when there are too many). Two
planted faults show that the reads catch a read-out drawn over its old reading, and one
wired to the wrong numbers.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from manim import Scene

from mechanics import Lesson, lesson
from mechanics import formatting as fmt
from scenes.generalization import Generalization
from scenes.lesson_scene import LessonScene
from scenes.loop import Loop
from scenes.wiggle import Wiggle, slope_text, w_text

from .planted import WiggleWhoseLossFollowsTheSlopes
from .readout_ocr import Film, Read, frame_count, normalise, read, render_watched

SEEDS = (0, 7)
MAX_MISREAD_SHARE = 0.03  # tesseract misread about 1 clean 720p read-out in 50 at worst
# Section 3 walks w in steps, each reading held long enough to read: a nudge up of two
# steps and a walk of four or more to the valley, so at least this many distinct w readings
# are read in motion, on at least LEAST_TURNED_FRAMES frames after a step has turned them.
LEAST_SWEEP_READINGS = 7
LEAST_TURNED_FRAMES = 20
MEDIA = Path(tempfile.mkdtemp(prefix="readout-ocr-media-"))
atexit.register(shutil.rmtree, MEDIA, ignore_errors=True)

Row = dict[str, str]  # read-out prefix -> the number it shows, for one sample or step


# What the engine lets the read-outs show ------------------------------------------------


def wiggle_rows(lesson_: Lesson) -> list[Row]:
    """Section 3: the three read-outs follow one sample of the wiggle."""
    wiggle = lesson_.wiggle
    return [
        {"w = ": w_text(w), "loss = ": fmt.loss_value(loss), "slope = ": slope_text(slope)}
        for w, loss, slope in zip(wiggle.ws, wiggle.losses, wiggle.slopes, strict=True)
    ]


def training_rows(lesson_: Lesson) -> list[Row]:
    """Section 5: the step counter and that step's loss."""
    return [
        {"Step ": fmt.whole(step.index), "Loss ": fmt.loss_value(step.loss)}
        for step in lesson_.trace
    ]


def loop_rows(lesson_: Lesson) -> list[Row]:
    """Section 4: the step counter, its loss, and the target's probability then."""
    target = f"{lesson_.target} "
    return [
        {**row, target: fmt.percent(step.probabilities[lesson_.target_index])}
        for row, step in zip(training_rows(lesson_), lesson_.trace, strict=True)
    ]


def every_step(lesson_: Lesson) -> tuple[str, int]:
    """Every step's counter must be read at least once."""
    return "Step ", len(lesson_.trace)


def through_the_sweeps(lesson_: Lesson) -> tuple[str, int]:
    """Many w readings must be read: the reads go through the sweeps, not round them."""
    return "w = ", LEAST_SWEEP_READINGS


@dataclass(frozen=True)
class Section:
    rows: Callable[[Lesson], list[Row]]  # what the read-outs may show together
    coverage: Callable[[Lesson], tuple[str, int]]  # a read-out, and how many readings of it
    frame_rate: int = 10


SECTIONS: dict[type[LessonScene], Section] = {
    Wiggle: Section(wiggle_rows, through_the_sweeps),
    # 20 steps of short plays: at 5 fps each fast step's read-outs are still read on
    # 10 frames, and the file keeps to its time budget.
    Loop: Section(loop_rows, every_step, frame_rate=5),
    Generalization: Section(training_rows, every_step),
}


def section_of(scene_class: type[LessonScene]) -> Section:
    """The section a scene class (or a planted-fault subclass of it) renders."""
    return next(section for cls, section in SECTIONS.items() if issubclass(scene_class, cls))


def engine_rows(scene_class: type[LessonScene], seed: int) -> list[Row]:
    """Each row as whole readings (prefix and number), normalised as OCR output is."""
    rows = section_of(scene_class).rows(lesson(seed))
    return [{prefix: normalise(prefix + number) for prefix, number in row.items()} for row in rows]


# Rendering and reading ------------------------------------------------------------------


@dataclass
class Reads:
    """A section's film and tesseract's readings of its read-outs in motion."""

    film: Film
    rows: list[Row]  # from the engine, normalised
    reads: list[Read]

    @functools.cached_property
    def engine(self) -> dict[str, set[str]]:
        """Each read-out's readings the engine allows."""
        allowed: dict[str, set[str]] = defaultdict(set)
        for row in self.rows:
            for prefix, reading in row.items():
                allowed[prefix].add(reading)
        return dict(allowed)

    def not_engine(self) -> list[Read]:
        """Readings that are not the prefix and one engine value for that read-out."""
        return [r for r in self.reads if r.reading not in self.engine[r.sighting.prefix]]

    def not_on_screen(self) -> list[Read]:
        """Readings that differ from the text the scene had on screen on that frame."""
        return [r for r in self.reads if r.reading != r.on_screen]

    def frames(self) -> dict[int, list[Read]]:
        """The reads of each frame read."""
        by_frame: dict[int, list[Read]] = defaultdict(list)
        for r in self.reads:
            by_frame[r.sighting.frame].append(r)
        return dict(by_frame)

    def not_one_row(self) -> dict[int, list[Read]]:
        """Frames whose readings do not all come from one engine row."""
        return {
            frame: reads
            for frame, reads in self.frames().items()
            if not any(all(row[r.sighting.prefix] == r.reading for r in reads) for row in self.rows)
        }

    def turned_frames(self) -> set[int]:
        """Frames on which a read-out shows other than it did when its play began: a stale
        copy from the play's start would show there."""
        first: dict[tuple[int, str], str] = {}
        for r in self.reads:
            first.setdefault((r.sighting.play, r.sighting.prefix), r.on_screen)
        return {
            r.sighting.frame
            for r in self.reads
            if r.on_screen != first[r.sighting.play, r.sighting.prefix]
        }


def read_film(scene_class: type[LessonScene], seed: int, media: Path = MEDIA) -> Reads:
    """Render a section's read-out plays, then read every read-out legible in motion."""
    rows = engine_rows(scene_class, seed)
    prefixes = tuple(rows[0])
    rate = section_of(scene_class).frame_rate
    film = render_watched(scene_class, seed, prefixes, media, frame_rate=rate)
    in_motion = [sighting for sighting in film.sightings if sighting.moving]
    return Reads(film, rows, read(film.video, in_motion))


@functools.cache
def section_reads(scene_class: type[LessonScene], seed: int) -> Reads:
    """One render and one OCR pass per section and seed, shared by the tests below."""
    return read_film(scene_class, seed)


def listing(reads: list[Read], limit: int = 25) -> str:
    """The wrong reads, for a failure message: frame, text on screen, what OCR read."""
    lines = [
        f"  frame {r.sighting.frame}: on screen {r.sighting.text!r}, read {r.ocr!r}"
        for r in reads[:limit]
    ]
    more = [f"  ... and {len(reads) - limit} more"] if len(reads) > limit else []
    return "\n".join(lines + more)


def assert_few(wrong: list[Read], total: int, what: str) -> None:
    """At most MAX_MISREAD_SHARE of the reads (or frames) may be wrong: OCR's misreads."""
    assert total, "nothing was read"
    share = len(wrong) / total
    assert share <= MAX_MISREAD_SHARE, (
        f"{len(wrong)} of {total} ({share:.1%}) {what}:\n{listing(wrong)}"
    )


def assert_frames_read_as_rows(reads: Reads) -> None:
    """At most MAX_MISREAD_SHARE of the frames may fail to read as one engine row."""
    wrong = reads.not_one_row()
    misread = [r for frame in sorted(wrong) for r in wrong[frame]]
    assert len(wrong) <= MAX_MISREAD_SHARE * len(reads.frames()), (
        f"{len(wrong)} of {len(reads.frames())} frames do not read as one engine row:\n"
        + listing(misread)
    )


# The film -------------------------------------------------------------------------------

SCENES = pytest.mark.parametrize("scene_class", SECTIONS, ids=lambda c: c.__name__)
SEED = pytest.mark.parametrize("seed", SEEDS)


@SCENES
@SEED
def test_every_read_out_in_motion_reads_as_one_engine_value(scene_class, seed):
    reads = section_reads(scene_class, seed)
    assert_few(reads.not_engine(), len(reads.reads), "reads are not one engine value")


@SCENES
@SEED
def test_each_frame_in_motion_reads_as_one_engine_row(scene_class, seed):
    """All read-outs of a frame show the same wiggle sample, or the same training step."""
    assert_frames_read_as_rows(section_reads(scene_class, seed))


@SCENES
@SEED
def test_every_read_out_in_motion_reads_as_the_text_on_screen(scene_class, seed):
    reads = section_reads(scene_class, seed)
    assert_few(reads.not_on_screen(), len(reads.reads), "reads differ from the text on screen")


@SCENES
@SEED
def test_every_read_out_text_on_screen_is_an_engine_value(scene_class, seed):
    """What the scene put on screen, frame by frame, without OCR: no error is allowed."""
    reads = section_reads(scene_class, seed)
    sightings = reads.film.sightings
    assert [s for s in sightings if normalise(s.text) not in reads.engine[s.prefix]] == []


@SCENES
@SEED
def test_the_reads_go_through_the_moving_parts(scene_class, seed):
    reads = section_reads(scene_class, seed)
    assert frame_count(reads.film.video) == reads.film.watch.frames, "frame indices are off"
    assert {r.sighting.prefix for r in reads.reads} == set(reads.engine), "a read-out unread"
    prefix, least = section_of(scene_class).coverage(lesson(seed))
    readings = {r.on_screen for r in reads.reads if r.sighting.prefix == prefix}
    assert len(readings) >= least, sorted(readings)


# Planted faults: the reads must catch them ----------------------------------------------


class WiggleDrawnOverItsOldReadings(Wiggle):
    """The read-outs as the film once drew them: Manim's list of moving mobjects, fixed at
    the start of a play, keeps each read-out's Text of that moment and draws it under the
    current one for the whole sweep."""

    def update_to_time(self, t: float) -> None:
        Scene.update_to_time(self, t)


def test_a_read_out_drawn_over_its_old_reading_is_caught(tmp_path):
    reads = read_film(WiggleDrawnOverItsOldReadings, 0, media=tmp_path)
    with pytest.raises(AssertionError):
        assert_few(reads.not_engine(), len(reads.reads), "reads are not one engine value")
    with pytest.raises(AssertionError):
        assert_frames_read_as_rows(reads)
    turned = reads.turned_frames()
    caught = turned & set(reads.not_one_row())
    assert len(turned) >= LEAST_TURNED_FRAMES, "too few sweep frames to judge"
    assert len(caught) > 0.5 * len(turned), f"{len(caught)} of {len(turned)} sweep frames"


def test_a_loss_read_out_showing_other_numbers_is_caught(tmp_path):
    reads = read_film(WiggleWhoseLossFollowsTheSlopes, 0, media=tmp_path)
    with pytest.raises(AssertionError):
        assert_few(reads.not_engine(), len(reads.reads), "reads are not one engine value")
    losses = [r for r in reads.reads if r.sighting.prefix == "loss = "]
    caught = [r for r in losses if r.reading not in reads.engine["loss = "]]
    assert len(caught) > 0.5 * len(losses), f"{len(caught)} of {len(losses)} loss reads"
    # Read as drawn: the engine's numbers catch it, not OCR noise.
    assert_few(reads.not_on_screen(), len(reads.reads), "reads differ from the text on screen")
