"""The second run: the film's network, from the same starting weights, taught many sentences
instead of one, with some held out, to measure whether what it learns carries over.

Each sentence is three input numbers and a right answer among the candidates. All share the
first number (the film's first token); the other two place the sentence on a plane. Each
answer has its own place on a ring around the origin (the ring turned by the seed), and its
sentences are paraphrases: points drawn a short distance from that place, spread around it. Of each
answer's sentences some are held out: training never sees them. Plain gradient descent on
the mean loss over the training sentences; the held-out loss is measured at every step, and
the network's answer over the whole plane is mapped at a few steps along the way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .network import Params, answers, example_losses, gradient_step, mean_loss_and_grads
from .settings import Settings

PARAPHRASE_JITTER = np.pi / 12  # how far a paraphrase's heading strays from even spacing


@dataclass(frozen=True)
class Sentences:
    """Sentences as the network reads them, and what it should answer."""

    inputs: np.ndarray  # (N, 3) input numbers; column 0 is the same for all
    answers: np.ndarray  # (N,) the right answer, a candidate index
    held_out: np.ndarray  # (N,) True for a sentence training never sees


@dataclass(frozen=True)
class SecondRun:
    """Training on many sentences: the losses at every step, the answers at snapshots."""

    sentences: Sentences
    train_losses: np.ndarray  # (steps + 1,) mean loss over the training sentences
    held_out_losses: np.ndarray  # (steps + 1,) mean loss over the held-out sentences
    snapshot_steps: np.ndarray  # (S,) the steps at which the answers are mapped
    map_axis: np.ndarray  # (n,) input values along both map axes (inputs 2 and 3)
    maps: np.ndarray  # (S, n, n) the answer at (map_axis[i], map_axis[j]), input 1 shared
    given: np.ndarray  # (S, N) each sentence's answer at each snapshot

    @property
    def shared_input(self) -> float:
        """The first input number, the same for every sentence and for the whole map."""
        return float(self.sentences.inputs[0, 0])

    @property
    def train_count(self) -> int:
        return int((~self.sentences.held_out).sum())

    @property
    def held_out_count(self) -> int:
        return int(self.sentences.held_out.sum())

    @property
    def right(self) -> np.ndarray:
        """(S, N) whether each sentence is answered right at each snapshot."""
        return self.given == self.sentences.answers

    @property
    def held_out_right(self) -> np.ndarray:
        """(S,) how many held-out sentences are answered right at each snapshot."""
        return self.right[:, self.sentences.held_out].sum(axis=1)

    @property
    def train_right(self) -> np.ndarray:
        """(S,) how many training sentences are answered right at each snapshot."""
        return self.right[:, ~self.sentences.held_out].sum(axis=1)


def draw_sentences(rng: np.random.Generator, shared_input: float, settings: Settings) -> Sentences:
    """Paraphrases around each answer's place on a ring; the last of each answer's are held
    out. An answer's paraphrases stand at evenly spread headings around its place (turned
    and jittered by the seed), between 60% and 100% of the spread away from it, so no two
    sentences fall on top of each other. Input numbers are rounded like the film's inputs."""
    answer_count = len(settings.candidates)
    per_answer = settings.sentences_per_answer
    turn = rng.uniform(0.0, 2.0 * np.pi)
    angles = turn + 2.0 * np.pi * np.arange(answer_count) / answer_count
    places = settings.sentence_ring * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    spread = settings.sentence_spread
    distance = rng.uniform(0.6 * spread, spread, (answer_count, per_answer))
    jitter = rng.uniform(-PARAPHRASE_JITTER, PARAPHRASE_JITTER, (answer_count, per_answer))
    heading = (
        rng.uniform(0.0, 2.0 * np.pi, (answer_count, 1))
        + 2.0 * np.pi * np.arange(per_answer) / per_answer
        + jitter
    )
    offsets = distance[..., None] * np.stack([np.cos(heading), np.sin(heading)], axis=-1)
    plane = (places[:, None, :] + offsets).reshape(-1, 2)
    inputs = np.round(
        np.column_stack([np.full(len(plane), shared_input), plane]), settings.decimals
    )
    held = np.arange(per_answer) >= per_answer - settings.held_out_per_answer
    return Sentences(
        inputs=inputs,
        answers=np.repeat(np.arange(answer_count), per_answer),
        held_out=np.tile(held, answer_count),
    )


def snapshot_steps(steps: int, count: int) -> np.ndarray:
    """Step 0 and about `count` steps spread evenly on a log scale up to the last: the map
    changes fastest early on."""
    spread = np.round(np.geomspace(1, steps, count)).astype(int)
    return np.unique(np.concatenate([[0], spread]))


def answer_map(params: Params, shared_input: float, axis: np.ndarray) -> np.ndarray:
    """The network's answer at every point (axis[i], axis[j]) of the plane of inputs 2 and 3."""
    second, third = np.meshgrid(axis, axis, indexing="ij")
    points = np.stack([np.full_like(second, shared_input), second, third], axis=-1)
    return answers(params, points)


def second_run_of(
    start: Params, shared_input: float, rng: np.random.Generator, settings: Settings
) -> SecondRun:
    """Train from `start` on the drawn training sentences, measuring the held-out ones."""
    sentences = draw_sentences(rng, shared_input, settings)
    held = sentences.held_out
    train_inputs, train_answers = sentences.inputs[~held], sentences.answers[~held]
    held_inputs, held_answers = sentences.inputs[held], sentences.answers[held]
    steps = snapshot_steps(settings.second_run_steps, settings.map_snapshots)
    axis = np.linspace(-settings.map_extent, settings.map_extent, settings.map_size)
    params = start
    train_losses, held_out_losses, maps, given = [], [], [], []
    for step in range(settings.second_run_steps + 1):
        train_loss, grads = mean_loss_and_grads(params, train_inputs, train_answers)
        train_losses.append(train_loss)
        held_out_losses.append(float(example_losses(params, held_inputs, held_answers).mean()))
        if step in steps:
            maps.append(answer_map(params, shared_input, axis))
            given.append(answers(params, sentences.inputs))
        params = gradient_step(params, grads, settings.second_run_learning_rate)
    return SecondRun(
        sentences=sentences,
        train_losses=np.array(train_losses),
        held_out_losses=np.array(held_out_losses),
        snapshot_steps=steps,
        map_axis=axis,
        maps=np.array(maps),
        given=np.array(given),
    )
