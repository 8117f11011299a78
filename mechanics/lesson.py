"""The Lesson: every number the five sections of the film show, for one seed.

`lesson(seed)` draws a network from the seed, trains it by plain gradient descent on the
one example "The Capital Is" -> "Paris", and computes the wiggle curve and the loss
landscape from that training. It also trains the same starting network on many sentences,
some held out (the second run, for section 5). It is a pure function of (seed, settings): the same
arguments give bit-identical arrays, and every array it returns is read-only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .landscape import Landscape, landscape_of
from .network import WEIGHT_NAMES, Params
from .scorecard import Scorecard, scorecard_of
from .second_run import SecondRun, second_run_of
from .settings import DEFAULT_SETTINGS, Settings
from .training import Step, train
from .wiggle import Wiggle, find_wiggle

SEED_LIMIT = 2**32
WeightIndex = tuple[str, tuple[int, ...]]  # a weight: its matrix's name and its (row, col)
SECOND_RUN_STREAM = 1  # the second run's sentences come from the seed's second stream


@dataclass(frozen=True)
class Lesson:
    """All the numbers of the film for one seed; scenes read these and compute nothing."""

    seed: int
    settings: Settings
    inputs: np.ndarray
    trace: tuple[Step, ...]
    scorecard: Scorecard
    wiggle: Wiggle
    landscape: Landscape
    second_run: SecondRun
    draws: int  # how many networks were drawn before one told the whole story
    tokens: tuple[str, ...] = field(init=False)
    candidates: tuple[str, ...] = field(init=False)
    target: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "tokens", self.settings.tokens)
        object.__setattr__(self, "candidates", self.settings.candidates)
        object.__setattr__(self, "target", self.settings.target)

    @property
    def target_index(self) -> int:
        return self.settings.target_index

    @property
    def learning_rate(self) -> float:
        return self.settings.learning_rate

    @property
    def losses(self) -> np.ndarray:
        """The loss at every step of the trace."""
        return np.array([step.loss for step in self.trace])

    @property
    def target_probabilities(self) -> np.ndarray:
        """p(target) at every step of the trace."""
        return np.array([step.probabilities[self.target_index] for step in self.trace])

    @property
    def first_guess(self) -> int:
        """The candidate the untrained network rates highest."""
        return int(np.argmax(self.trace[0].probabilities))

    @property
    def largest_weight(self) -> float:
        """The largest |w| of any weight at any step: the scale line widths are drawn against,
        so a line's thickness compares between steps."""
        return max(
            float(np.abs(step.params[name]).max()) for step in self.trace for name in WEIGHT_NAMES
        )

    @property
    def largest_update(self) -> float:
        """The largest change any one weight makes in any step taken (the last step's update
        is never taken): the scale update arrows are drawn against."""
        return max(
            float(np.abs(step.update[name]).max())
            for step in self.trace[:-1]
            for name in WEIGHT_NAMES
        )

    @property
    def called_out_weights(self) -> tuple[WeightIndex, WeightIndex, WeightIndex]:
        """Three weights of the untrained network worth a closer look: the largest (loudest
        positive), the smallest (most negative) and the one nearest zero (quietest). Ties go
        to the first in W1, W2 order, row by row."""
        params = self.trace[0].params
        weights = [
            ((name, index), float(params[name][index]))
            for name in WEIGHT_NAMES
            for index in np.ndindex(params[name].shape)
        ]
        loudest = max(weights, key=lambda item: item[1])
        inverted = min(weights, key=lambda item: item[1])
        quietest = min(weights, key=lambda item: abs(item[1]))
        return loudest[0], inverted[0], quietest[0]

    @property
    def featured_mixer(self) -> int:
        """The mixer whose signal sways the untrained target logit the most: |w2 * h| largest."""
        first = self.trace[0]
        target_row = first.params["W2"][self.target_index]
        return int(np.argmax(np.abs(target_row * first.forward.hidden)))


def check_seed(seed: object) -> int:
    """The seed as an int, or a ValueError that names the bad value."""
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise ValueError(f"seed must be an integer in [0, 2**32), got {seed!r}")
    if not 0 <= int(seed) < SEED_LIMIT:
        raise ValueError(f"seed must be an integer in [0, 2**32), got {seed!r}")
    return int(seed)


def draw_network(rng: np.random.Generator, settings: Settings) -> tuple[np.ndarray, Params]:
    """Random token inputs and random weights, rounded so the sums shown on screen are exact.

    Biases start at zero, as is usual; the lines (weights) carry the randomness.
    """
    low, high = settings.input_range
    n_in, n_hidden, n_out = len(settings.tokens), settings.hidden_size, len(settings.candidates)
    magnitudes = rng.uniform(low, high, n_in)
    signs = rng.choice([-1.0, 1.0], n_in)
    inputs = np.round(magnitudes * signs, settings.decimals)

    def weights(shape: tuple[int, int]) -> np.ndarray:
        return np.round(rng.normal(0.0, settings.weight_scale, shape), settings.decimals)

    params = {
        "W1": weights((n_hidden, n_in)),
        "b1": np.zeros(n_hidden),
        "W2": weights((n_out, n_hidden)),
        "b2": np.zeros(n_out),
    }
    return inputs, params


def training_tells_the_story(trace: tuple[Step, ...], settings: Settings) -> bool:
    """The untrained guess is not the target, training never makes the loss rise,
    and the target ends above 90%."""
    target = settings.target_index
    first, last = trace[0], trace[-1]
    losses = np.array([step.loss for step in trace])
    return bool(
        np.argmax(first.probabilities) != target
        and np.all(np.diff(losses) <= 0.0)
        and last.probabilities[target] > 0.9
    )


def lesson(seed: int = 0, settings: Settings = DEFAULT_SETTINGS) -> Lesson:
    """Every number of the film for this seed.

    Networks are drawn one after another from the seed's own random stream until one tells
    the whole story: its first guess is not the target, gradient descent lowers the loss at
    every step and ends with p(target) > 0.9, and one of its first-layer weights has a loss
    curve with a true valley (see `find_wiggle`). The first such network is the lesson's, so
    the choice is deterministic; `Lesson.draws` says how many were drawn.
    """
    seed = check_seed(seed)
    rng = np.random.default_rng(seed)
    for draw in range(1, settings.max_draws + 1):
        inputs, params = draw_network(rng, settings)
        trace = train(params, inputs, settings)
        if not training_tells_the_story(trace, settings):
            continue
        wiggle = find_wiggle(trace[0].params, inputs, settings.target_index, settings)
        if wiggle is None:
            continue
        return _frozen(
            Lesson(
                seed=seed,
                settings=settings,
                inputs=inputs,
                trace=trace,
                scorecard=scorecard_of(
                    float(trace[0].probabilities[settings.target_index]),
                    trace[0].loss,
                    settings.scorecard_stops,
                ),
                wiggle=wiggle,
                landscape=landscape_of(trace, inputs, settings),
                second_run=second_run_of(
                    trace[0].params,
                    float(inputs[0]),
                    np.random.default_rng((seed, SECOND_RUN_STREAM)),
                    settings,
                ),
                draws=draw,
            )
        )
    raise RuntimeError(f"no network told the story in {settings.max_draws} draws for seed {seed}")


def _frozen(value):
    """Mark every array reachable from a lesson read-only, so no scene can change a number."""
    if isinstance(value, np.ndarray):
        value.flags.writeable = False
    elif isinstance(value, dict):
        for item in value.values():
            _frozen(item)
    elif isinstance(value, tuple | list):
        for item in value:
            _frozen(item)
    elif hasattr(value, "__dataclass_fields__"):
        for name in value.__dataclass_fields__:
            _frozen(getattr(value, name))
    return value
