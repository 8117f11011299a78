"""Training: plain gradient descent on the one example, recorded step by step."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .network import (
    PARAM_NAMES,
    Forward,
    Params,
    backward,
    flatten,
    forward,
    gradient_step,
    loss,
)
from .settings import Settings


@dataclass(frozen=True)
class Step:
    """One point of training: the weights, their gradients, and what the network then says."""

    index: int
    params: Params
    grads: Params
    update: Params  # what gradient descent changes from here: -learning rate x gradient
    forward: Forward
    loss: float

    @property
    def probabilities(self) -> np.ndarray:
        return self.forward.probabilities

    @property
    def slope(self) -> float:
        """How steep the loss is here: the length of the gradient over all the weights."""
        return float(np.linalg.norm(flatten(self.grads)))


def train(params: Params, inputs: np.ndarray, settings: Settings) -> tuple[Step, ...]:
    """Plain gradient descent for `settings.steps` steps; step 0 is the untrained network."""
    target = settings.target_index
    trace = []
    for index in range(settings.steps + 1):
        forward_pass = forward(params, inputs)
        grads = backward(params, forward_pass, target)
        update = {name: -settings.learning_rate * grads[name] for name in PARAM_NAMES}
        trace.append(Step(index, params, grads, update, forward_pass, loss(forward_pass, target)))
        params = gradient_step(params, grads, settings.learning_rate)
    return tuple(trace)
