"""Every seed tells the film's story: checked on seeds 0..199."""

from __future__ import annotations

import numpy as np


def test_first_guess_is_never_paris(story_lessons):
    for lesson_ in story_lessons:
        first = lesson_.trace[0].probabilities
        assert lesson_.candidates[int(np.argmax(first))] != "Paris", lesson_.seed


def test_paris_ends_above_ninety_percent_after_twenty_steps(story_lessons):
    for lesson_ in story_lessons:
        assert len(lesson_.trace) >= 21, lesson_.seed
        assert lesson_.target_probabilities[20] > 0.9, lesson_.seed


def test_loss_never_rises_between_steps(story_lessons):
    for lesson_ in story_lessons:
        assert np.all(np.diff(lesson_.losses) <= 0.0), lesson_.seed


def test_paris_probability_climbs_from_low(story_lessons):
    starts = np.array([lesson_.target_probabilities[0] for lesson_ in story_lessons])
    assert np.median(starts) < 0.25  # about a random guess among five words


def test_the_lesson_names_its_words(story_lessons):
    lesson_ = story_lessons[0]
    assert lesson_.tokens == ("The", "Capital", "Is")
    assert lesson_.target == "Paris" and "Paris" in lesson_.candidates
    assert lesson_.inputs.shape == (3,)
    assert len(lesson_.candidates) == 5


def test_losses_and_probabilities_are_finite(story_lessons):
    for lesson_ in story_lessons:
        assert np.all(np.isfinite(lesson_.losses))
        for step in lesson_.trace:
            assert np.all(np.isfinite(step.probabilities))
            assert all(np.all(np.isfinite(g)) for g in step.grads.values())
