"""The second run: the film's starting network taught many sentences, some held out. What it
learns from the training sentences carries over to the held-out ones, for every seed."""

from __future__ import annotations

import numpy as np
import pytest

from mechanics.network import (
    PARAM_NAMES,
    answers,
    forward,
    loss,
    loss_and_grads,
    mean_loss_and_grads,
)

from .conftest import cached_lesson

SENTENCE_GAP = 0.15  # input units: at the film's map scale, 0.24 frame units between centres


def averaged_loss_and_grads(params, inputs, targets):
    """The mean loss and gradient, one example at a time through the single-example code."""
    results = [loss_and_grads(params, x, int(t)) for x, t in zip(inputs, targets, strict=True)]
    mean_loss = float(np.mean([value for value, _ in results]))
    grads = {name: np.mean([g[name] for _, g in results], axis=0) for name in PARAM_NAMES}
    return mean_loss, grads


def test_batch_gradient_is_the_mean_of_the_single_example_gradients():
    lesson_ = cached_lesson(0)
    sentences = lesson_.second_run.sentences
    params = lesson_.trace[3].params
    expected_loss, expected = averaged_loss_and_grads(params, sentences.inputs, sentences.answers)
    got_loss, got = mean_loss_and_grads(params, sentences.inputs, sentences.answers)
    assert got_loss == pytest.approx(expected_loss, rel=1e-12)
    for name in PARAM_NAMES:
        np.testing.assert_allclose(got[name], expected[name], rtol=1e-10, atol=1e-14)


def test_answers_are_the_forward_pass_argmax():
    lesson_ = cached_lesson(7)
    points = np.random.default_rng(1).uniform(-1.2, 1.2, (40, 3))
    expected = [int(np.argmax(forward(lesson_.trace[0].params, x).probabilities)) for x in points]
    np.testing.assert_array_equal(answers(lesson_.trace[0].params, points), expected)


@pytest.mark.parametrize("seed", [0, 7])
def test_sentences_are_paraphrases_around_each_answer_with_one_held_out(seed):
    lesson_ = cached_lesson(seed)
    settings, run = lesson_.settings, lesson_.second_run
    sentences = run.sentences
    answer_count = len(lesson_.candidates)
    assert sentences.inputs.shape == (answer_count * settings.sentences_per_answer, 3)
    np.testing.assert_array_equal(sentences.inputs[:, 0], lesson_.inputs[0])
    assert run.shared_input == lesson_.inputs[0]
    for answer in range(answer_count):
        mine = sentences.answers == answer
        assert mine.sum() == settings.sentences_per_answer
        assert (sentences.held_out & mine).sum() == settings.held_out_per_answer
        plane = sentences.inputs[mine, 1:]
        centre = plane.mean(axis=0)
        radius = np.linalg.norm(centre)
        assert abs(radius - settings.sentence_ring) < settings.sentence_spread
        spread = np.linalg.norm(plane[:, None] - plane[None], axis=-1).max()
        assert spread <= 2 * settings.sentence_spread + 0.02
    assert np.abs(sentences.inputs[:, 1:]).max() < settings.map_extent


@pytest.mark.parametrize("seed", [0, 7])
def test_training_sees_only_the_training_sentences_and_the_losses_are_replayed(seed):
    """Replay the run with the single-example code: same training losses at every step, same
    held-out losses, and at every snapshot the same answers, for the sentences and for
    points of the map (every map colour is the network's answer at that input)."""
    lesson_ = cached_lesson(seed)
    run, settings = lesson_.second_run, lesson_.settings
    sentences = run.sentences
    train = ~sentences.held_out
    params = lesson_.trace[0].params
    axis = run.map_axis
    assert axis[0] == -settings.map_extent and axis[-1] == settings.map_extent
    cells = np.random.default_rng(seed).integers(0, len(axis), (12, 2))
    snapshot = 0
    for step in range(settings.second_run_steps + 1):
        train_loss, grads = averaged_loss_and_grads(
            params, sentences.inputs[train], sentences.answers[train]
        )
        held = [
            loss(forward(params, x), int(t))
            for x, t in zip(sentences.inputs[~train], sentences.answers[~train], strict=True)
        ]
        assert run.train_losses[step] == pytest.approx(train_loss, rel=1e-9)
        assert run.held_out_losses[step] == pytest.approx(np.mean(held), rel=1e-9)
        if step == run.snapshot_steps[snapshot]:
            given = [int(np.argmax(forward(params, x).probabilities)) for x in sentences.inputs]
            np.testing.assert_array_equal(run.given[snapshot], given)
            for i, j in cells:
                x = np.array([lesson_.inputs[0], axis[i], axis[j]])
                assert run.maps[snapshot, i, j] == np.argmax(forward(params, x).probabilities)
            snapshot += 1
        params = {
            name: params[name] - settings.second_run_learning_rate * grads[name]
            for name in PARAM_NAMES
        }
    assert snapshot == len(run.snapshot_steps)
    assert run.snapshot_steps[0] == 0 and run.snapshot_steps[-1] == settings.second_run_steps


def test_held_out_sentences_land_in_their_own_answers_region_for_every_seed(story_lessons):
    """The claim section 5 makes, on seeds 0..199: after training, every held-out sentence is
    answered right, the map cell it stands on shows its answer, the held-out loss fell at
    every step as the training loss did, and before training most were answered wrong."""
    before = []
    closest = np.inf
    for lesson_ in story_lessons:
        run = lesson_.second_run
        sentences = run.sentences
        seed = lesson_.seed
        assert run.right[-1].all(), seed
        cells = [
            np.abs(run.map_axis[:, None] - values[None]).argmin(axis=0)
            for values in sentences.inputs[:, 1:].T
        ]
        np.testing.assert_array_equal(run.maps[-1][cells[0], cells[1]], sentences.answers)
        assert np.all(np.diff(run.held_out_losses) <= 0.0), seed
        assert np.all(np.diff(run.train_losses) <= 0.0), seed
        assert run.held_out_right[0] < run.held_out_right[-1] == sentences.held_out.sum()
        assert run.held_out_losses[-1] < 0.25 * run.held_out_losses[0], seed
        before.append(run.held_out_right[0])
        plane = sentences.inputs[:, 1:]
        gaps = np.linalg.norm(plane[:, None] - plane[None], axis=-1)
        closest = min(closest, gaps[~np.eye(len(plane), dtype=bool)].min())
    print(f"closest two sentences over seeds 0..199: {closest:.3f} apart")
    assert closest >= SENTENCE_GAP  # so their markers on the map never cover each other
    print(f"held out right before training, over seeds 0..199: at most {max(before)} of 5")
    assert max(before) <= 3
