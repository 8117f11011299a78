"""Everything besides the seed that shapes a lesson, in a module of its own: every part of
the engine reads it, and none of them needs the lesson to do so."""

from __future__ import annotations

from dataclasses import dataclass


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


DEFAULT_SETTINGS = Settings()
