"""Cues on words: a mark's time is when its word is said, by the voice's own account, held
against an independent finding of the word's onset.

The independent method is the sound itself: a word said after a pause starts where the
sound rises out of the silence (an energy onset, 10 ms windows). For Piper and Kokoro the times
under test come from the engine's own alignment; for a recording, from PocketSphinx's forced
alignment of a take made of two pieces with a known silence between them.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import resample_poly

from common import audio
from voices.registry import voice_named
from voices.timing import (
    aligned_word_times,
    marked,
    read_word_times,
    said_as,
)

from .audio_checks import write_sound

TOLERANCE = 0.1  # seconds between a mark and its word's onset
WINDOW = 0.01
QUIET_DBFS = -40.0
# Marks on words that follow a pause: a sentence's start, a clause's start.
PIPER_LINE = "Look closer at a line. ^Its weight is just a number, ^thick or thin. ^Then watch."


def onset_after(samples: np.ndarray, after: float, quiet_for: float = 0.12) -> float:
    """Where the sound rises out of a silence at least `quiet_for` long that lies after
    `after` seconds: the first loud window following the first such stretch of quiet."""
    step = int(WINDOW * audio.RATE)
    frames = samples[: len(samples) // step * step].reshape(-1, step)
    level = 20 * np.log10(np.sqrt(np.mean(frames**2, axis=1)) + 1e-12)
    loud = level > QUIET_DBFS
    first, need, run = int(after / WINDOW), int(quiet_for / WINDOW), 0
    for index in range(first, len(loud)):
        if not loud[index]:
            run += 1
        elif run >= need:
            return index * WINDOW
        else:
            run = 0
    raise AssertionError(f"no pause after {after} s")


def misplaced(marks: dict[str, float], onsets: dict[str, float]) -> dict[str, float]:
    """The marks further than TOLERANCE from their word's onset, with the distance."""
    return {
        name: round(marks[name] - onsets[name], 3)
        for name in marks
        if abs(marks[name] - onsets[name]) > TOLERANCE
    }


@pytest.fixture(scope="module")
def piper(tmp_path_factory):
    return voice_named("piper", tmp_path_factory.mktemp("speech"))


@pytest.fixture(scope="module", params=["piper", "kokoro"])
def engine(request, tmp_path_factory):
    """Each synthetic voice, whose word times come from its engine's phoneme lengths."""
    return voice_named(request.param, tmp_path_factory.mktemp("speech"))


def test_a_caret_marks_a_word_and_a_number_placeholder_names_its_mark():
    plan = marked("It gave Paris ^{p}, so its ^loss is {loss}.")
    assert plan.words == "It gave Paris {p}, so its loss is {loss}."
    assert plan.marks == {"p": 3, "loss": 6}
    with pytest.raises(ValueError, match="twice"):
        marked("^a and ^a")


def test_an_engines_marks_land_on_their_words_as_the_sound_finds_them(engine):
    plan = marked(PIPER_LINE)
    clip = engine.clip("timing-01", plan.words)
    samples = audio.read_wav(clip.path)
    assert [t.word for t in clip.words] == plan.words.split()
    marks = {name: clip.onset(index) for name, index in plan.marks.items()}
    # Each marked word follows a pause: look for the sound rising out of the pause nearest
    # before the mark (the window only says where to look; the onset is the sound's).
    onsets = {name: onset_after(samples, at - 0.35, 0.08) for name, at in marks.items()}
    assert misplaced(marks, onsets) == {}, (marks, onsets)
    # The check can fail: the same marks moved by 0.15 s are caught.
    assert set(misplaced({n: t + 0.15 for n, t in marks.items()}, onsets)) == set(marks)


def test_words_are_timed_in_order_within_the_clip(engine):
    clip = engine.clip("timing-02", "It gave Paris 13.3%, so its loss is 2.02.")
    starts = [t.start for t in clip.words]
    assert starts == sorted(starts)
    assert 0 <= starts[0] < 0.2 and clip.words[-1].end <= clip.seconds
    # A line's time is its clip's: a last word timed past the sound would shorten the
    # quiet before the next line (Kokoro's last frames outlast its sound by about 0.3 s).
    question = engine.clip("timing-03", "Which way is down? Follow the slope down.")
    assert all(0 <= t.start <= t.end <= question.seconds for t in question.words)
    assert question.seconds - question.words[-1].end < 0.2
    # "13.3%" is four spoken words: it takes longer than "so".
    number, so = clip.words[3], clip.words[4]
    assert number.end - number.start > 2 * (so.end - so.start)


def test_a_recordings_marks_land_on_their_words(piper, tmp_path):
    """A take made of two lines said apart: the second starts at a known moment."""
    first, second = "The loss puts a number on it.", "Towards zero confidence, watch it explode."
    a = audio.read_wav(piper.clip("take-a", first).path)
    b = audio.read_wav(piper.clip("take-b", second).path)
    lead, gap = 0.5, 0.7
    take = np.concatenate([np.zeros(int(lead * audio.RATE)), a, np.zeros(int(gap * audio.RATE)), b])
    (tmp_path / "takes").mkdir()
    # Written at 44.1 kHz, stereo, quieter: the take is resampled, trimmed and levelled like
    # any recording.
    at_44k = resample_poly(0.7 * take, 147, 160)
    path = write_sound(tmp_path / "takes" / "01-forward-pass-01.wav", at_44k, 44_100, 2)
    recordings = voice_named(str(path.parent), tmp_path / "cache")
    plan = marked("^The loss puts a number on it. ^Towards zero confidence, ^watch it explode.")
    clip = recordings.clip("01-forward-pass-01", plan.words)
    samples = audio.read_wav(clip.path)
    marks = {name: clip.onset(index) for name, index in plan.marks.items()}
    # Each marked word follows a pause: the take's start (its trimmed edge of quiet), the
    # known silence, a comma.
    onsets = {name: onset_after(samples, at - 0.35, 0.1) for name, at in marks.items()}
    onsets["the"] = onset_after(samples, 0.0, audio.EDGE_SECONDS - 0.015)
    assert misplaced(marks, onsets) == {}, (marks, onsets)
    assert set(misplaced({n: t - 0.15 for n, t in marks.items()}, onsets)) == set(marks)


def test_forced_alignment_reads_numbers_as_a_speaker_says_them():
    assert said_as("−1.13") == ["minus", "one", "point", "one", "three"]
    assert said_as("17.3%,") == ["seventeen", "point", "three", "percent"]
    assert said_as("300") == ["three", "hundred"]
    assert said_as("mixer's") == ["mixers"]


def test_an_alignment_that_fails_spreads_the_words_over_the_clip():
    noise = np.random.default_rng(0).standard_normal(audio.RATE) * 0.01
    times = aligned_word_times(noise, audio.RATE, "xqzt vvv blorp")
    assert [t.word for t in times] == ["xqzt", "vvv", "blorp"]
    assert times[0].start == 0 and times[-1].end == pytest.approx(1.0, abs=0.01)


def test_a_silent_film_marks_words_where_a_reader_reaches_them():
    times = read_word_times("One two three", 10.0)
    assert [round(t.start, 2) for t in times] == [0.0, 0.4, 0.8]
