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
from .network import Forward, Params, backward, flatten, forward, gradient_step, loss
from .scorecard import Scorecard, scorecard_of
from .second_run import SecondRun, second_run_of
from .wiggle import Wiggle, find_wiggle

SEED_LIMIT = 2**32
SECOND_RUN_STREAM = 1  # the second run's sentences come from the seed's second stream


@dataclass(frozen=True)
class Settings:
    """Everything besides the seed that shapes a lesson. The defaults are the film's."""

    tokens: tuple[str, ...] = ("The", "Capital", "Is")
    candidates: tuple[str, ...] = ("Paris", "London", "Rome", "Berlin", "Madrid")
    target: str = "Paris"
    hidden_size: int = 4
    steps: int = 20
    learning_rate: float = 0.25
    weight_scale: float = 1.0  # standard deviation of the initial weights
    input_range: tuple[float, float] = (0.2, 1.0)  # |input value| per token
    decimals: int = 2  # initial inputs and weights are drawn at this precision
    wiggle_samples: int = 401
    wiggle_window: float = 3.0  # a valley must lie within this distance of the start,
    wiggle_min_distance: float = 0.5  # at least this far from it,
    wiggle_min_drop: float = 0.1  # and at least this much lower in loss
    landscape_size: int = 25  # 24 x 24 faces: smooth, and cheap enough to turn the camera on
    landscape_margin: float = 0.2  # the sheet reaches this fraction of the path's length beyond it
    landscape_widest: float = 8.0  # walls are searched up to this many path lengths across
    landscape_samples: int = 800  # ... at this many widths,
    landscape_candidates: int = 6  # ... along this many most-curving directions
    sentences_per_answer: int = 3  # the second run: sentences per candidate answer,
    held_out_per_answer: int = 1  # ... of which this many are held out,
    sentence_ring: float = 0.75  # ... each answer's place on a ring of this radius,
    sentence_spread: float = 0.18  # ... its sentences drawn within this distance of it
    second_run_steps: int = 300
    second_run_learning_rate: float = 0.4
    map_size: int = 96  # the answer map: points per axis,
    map_extent: float = 1.25  # ... inputs 2 and 3 from -extent to +extent,
    map_snapshots: int = 20  # ... mapped at about this many steps
    scorecard_stops: tuple[float, ...] = (0.5, 0.25, 0.1, 0.02)  # round confidences to visit
    max_draws: int = 1000

    def __post_init__(self) -> None:
        if self.target not in self.candidates:
            raise ValueError(f"target {self.target!r} is not among the candidates")
        if self.steps < 1 or self.hidden_size < 1 or self.landscape_size < 3:
            raise ValueError("steps, hidden_size and landscape_size must be positive")
        if self.landscape_size % 2 == 0:
            raise ValueError("landscape_size must be odd, so the path runs along a grid line")

    @property
    def target_index(self) -> int:
        return self.candidates.index(self.target)


@dataclass(frozen=True)
class Step:
    """One point of training: the weights, their gradients, and what the network then says."""

    index: int
    params: Params
    grads: Params
    forward: Forward
    loss: float

    @property
    def probabilities(self) -> np.ndarray:
        return self.forward.probabilities

    @property
    def slope(self) -> float:
        """How steep the loss is here: the length of the gradient over all the weights."""
        return float(np.linalg.norm(flatten(self.grads)))


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


def train(params: Params, inputs: np.ndarray, settings: Settings) -> tuple[Step, ...]:
    """Plain gradient descent for `settings.steps` steps; step 0 is the untrained network."""
    target = settings.target_index
    trace = []
    for index in range(settings.steps + 1):
        forward_pass = forward(params, inputs)
        grads = backward(params, forward_pass, target)
        trace.append(Step(index, params, grads, forward_pass, loss(forward_pass, target)))
        params = gradient_step(params, grads, settings.learning_rate)
    return tuple(trace)


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


def lesson(seed: int = 0, settings: Settings = Settings()) -> Lesson:
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
