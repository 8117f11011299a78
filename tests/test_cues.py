"""A line of narration as subtitle cues: two lines of 42 characters at most, cut where the
speech breaks, each up from its first word until the next cue's."""

from __future__ import annotations

from scenes.cues import MAX_LINE, MAX_LINES, cues_of, grouped
from voices.timing import WordTime, read_word_times

THREE_SENTENCES = (
    "The real loss on a sheet of weight space. Along it runs the training path, "
    "and across it the loss rises on both sides. We stop where the loss is small."
)


def timed(line: str, seconds_a_word: float = 0.4) -> list[WordTime]:
    return [
        WordTime(word, k * seconds_a_word, (k + 0.8) * seconds_a_word)
        for k, word in enumerate(line.split())
    ]


def test_a_long_line_becomes_cues_of_two_short_lines_cut_at_its_sentences():
    cues = cues_of(timed(THREE_SENTENCES), line_end=12.0)
    assert len(cues) >= 3
    for cue in cues:
        assert 1 <= len(cue.lines) <= MAX_LINES
        assert all(len(line) <= MAX_LINE for line in cue.lines), cue.lines
    # Every word is shown once, in order.
    assert " ".join(" ".join(cue.lines) for cue in cues) == THREE_SENTENCES
    # The sentences' ends are cue ends.
    ends = [cue.lines[-1].split()[-1] for cue in cues]
    assert "space." in ends and "sides." in ends


def test_each_cue_is_up_from_its_first_word_until_the_next_cue():
    times = timed(THREE_SENTENCES)
    cues = cues_of(times, line_end=14.0)
    assert cues[0].start == 0.0
    for cue, after in zip(cues, cues[1:], strict=False):
        assert cue.end == after.start == times[after.first_word].start
    assert cues[-1].end == 14.0


def test_a_line_that_fits_two_lines_is_one_balanced_cue():
    (cue,) = cues_of(timed("Again: forward, loss, arrows, shift, and the loss falls."), 5.0)
    assert len(cue.lines) == 2
    assert abs(len(cue.lines[0]) - len(cue.lines[1])) <= 10
    (short,) = cues_of(timed("Again and again."), 2.0)
    assert short.lines == ("Again and again.",)


def test_a_word_longer_than_a_cue_gets_a_cue_of_its_own():
    word = "x" * 100
    assert grouped(["short", word, "end"]) == [(0, 1), (1, 2), (2, 3)]


def test_cues_at_the_films_pace_read_at_under_17_characters_a_second():
    seconds_a_word = 60 / 157  # the voice's pace
    times = timed(THREE_SENTENCES, seconds_a_word)
    for cue in cues_of(times, times[-1].end + 0.6):
        characters = len(" ".join(cue.lines))
        assert characters / (cue.end - cue.start) <= 17.0, cue


def test_a_silent_films_cues_follow_reading_time():
    times = read_word_times(THREE_SENTENCES, 17.0)
    cues = cues_of(times, len(THREE_SENTENCES) / 17.0)
    for cue in cues:
        assert len(" ".join(cue.lines)) / (cue.end - cue.start) <= 17.0 * 1.1
