"""The tiny next-token network: forward pass, loss and backpropagation, written out by hand.

Three inputs (one number per token), one hidden layer of tanh "mixers", one logit per
candidate word, softmax. Parameters live in a dict {"W1", "b1", "W2", "b2"} of float64
arrays: W1 is (hidden, inputs), b1 (hidden,), W2 (candidates, hidden), b2 (candidates,).
Every function here is pure: arrays in, new arrays out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Params = dict[str, np.ndarray]

PARAM_NAMES = ("W1", "b1", "W2", "b2")
WEIGHT_NAMES = ("W1", "W2")  # the weight matrices: inputs to mixers, mixers to outputs


@dataclass(frozen=True)
class Forward:
    """Every intermediate value of one forward pass, so a scene can show the math at any node."""

    inputs: np.ndarray  # (3,)     x
    pre_activations: np.ndarray  # (H,)     W1 @ x + b1
    hidden: np.ndarray  # (H,)     tanh(pre_activations)
    logits: np.ndarray  # (K,)     W2 @ hidden + b2
    log_probabilities: np.ndarray  # (K,)     log_softmax(logits)
    probabilities: np.ndarray  # (K,)     softmax(logits)


def log_softmax(logits: np.ndarray) -> np.ndarray:
    """log(softmax(z)) along the last axis, shifted by the max so it never overflows."""
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def forward(params: Params, inputs: np.ndarray) -> Forward:
    """Run the network on one input vector, keeping every intermediate."""
    pre_activations = params["W1"] @ inputs + params["b1"]
    hidden = np.tanh(pre_activations)
    logits = params["W2"] @ hidden + params["b2"]
    log_probabilities = log_softmax(logits)
    return Forward(
        inputs=inputs,
        pre_activations=pre_activations,
        hidden=hidden,
        logits=logits,
        log_probabilities=log_probabilities,
        probabilities=np.exp(log_probabilities),
    )


def loss(forward_pass: Forward, target: int) -> float:
    """Cross entropy for one example: -log p(target), from the log-softmax so it stays finite."""
    return float(-forward_pass.log_probabilities[target])


def backward(params: Params, forward_pass: Forward, target: int) -> Params:
    """Gradients of the loss with respect to every parameter, by the chain rule, layer by layer."""
    d_logits = forward_pass.probabilities.copy()
    d_logits[target] -= 1.0  # d(-log softmax_t)/dz = p - onehot(t)
    d_hidden = params["W2"].T @ d_logits
    d_pre = d_hidden * (1.0 - forward_pass.hidden**2)  # tanh' = 1 - tanh^2
    return {
        "W1": np.outer(d_pre, forward_pass.inputs),
        "b1": d_pre,
        "W2": np.outer(d_logits, forward_pass.hidden),
        "b2": d_logits,
    }


def loss_and_grads(params: Params, inputs: np.ndarray, target: int) -> tuple[float, Params]:
    """The loss at these weights and its gradient: one forward and one backward pass."""
    forward_pass = forward(params, inputs)
    return loss(forward_pass, target), backward(params, forward_pass, target)


def gradient_step(params: Params, grads: Params, learning_rate: float) -> Params:
    """One step of plain gradient descent: move every weight against its gradient."""
    return {name: params[name] - learning_rate * grads[name] for name in PARAM_NAMES}


def flatten(params: Params) -> np.ndarray:
    """All parameters as one vector, in PARAM_NAMES order."""
    return np.concatenate([params[name].ravel() for name in PARAM_NAMES])


def flat_index(like: Params, name: str, index: tuple[int, ...]) -> int:
    """Where params[name][index] sits in flatten(params)."""
    offset = 0
    for other in PARAM_NAMES:
        if other == name:
            return offset + int(np.ravel_multi_index(index, like[name].shape))
        offset += like[other].size
    raise KeyError(name)


def unflatten(vector: np.ndarray, like: Params) -> Params:
    """The inverse of flatten, shaped like `like`; leading axes of `vector` stay batch axes."""
    batch_shape = vector.shape[:-1]
    params, start = {}, 0
    for name in PARAM_NAMES:
        size = like[name].size
        params[name] = vector[..., start : start + size].reshape(batch_shape + like[name].shape)
        start += size
    return params


def batched_losses(
    flat_params: np.ndarray, like: Params, inputs: np.ndarray, target: int
) -> np.ndarray:
    """The loss for many parameter vectors at once: (..., P) -> (...).

    The same computation as forward + loss, vectorised over leading axes so that a whole
    landscape grid costs one pass of array code instead of a Python loop.
    """
    params = unflatten(flat_params, like)
    hidden = np.tanh(params["W1"] @ inputs + params["b1"])
    logits = np.einsum("...kh,...h->...k", params["W2"], hidden) + params["b2"]
    return -log_softmax(logits)[..., target]


def batch_logits(params: Params, inputs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The hidden values and logits for many input vectors at once: (..., 3) ->
    ((..., H), (..., K)). The same computation as `forward`, vectorised over examples."""
    hidden = np.tanh(inputs @ params["W1"].T + params["b1"])
    return hidden, hidden @ params["W2"].T + params["b2"]


def batch_forward(params: Params, inputs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The hidden values and log-probabilities for many input vectors at once."""
    hidden, logits = batch_logits(params, inputs)
    return hidden, log_softmax(logits)


def answers(params: Params, inputs: np.ndarray) -> np.ndarray:
    """The network's answer, the candidate with the highest probability, for each input:
    the largest logit (softmax keeps the order, so it need not be computed)."""
    return np.argmax(batch_logits(params, inputs)[1], axis=-1)


def example_losses(params: Params, inputs: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """The loss -log p(target) of each example: inputs (N, 3), targets (N,) -> (N,)."""
    log_probabilities = batch_forward(params, inputs)[1]
    return -log_probabilities[np.arange(len(targets)), targets]


def mean_loss_and_grads(
    params: Params, inputs: np.ndarray, targets: np.ndarray
) -> tuple[float, Params]:
    """The mean loss over N examples and its gradient: `backward` for a batch, the
    per-example gradients summed by the matrix products and divided by N."""
    count = len(targets)
    hidden, log_probabilities = batch_forward(params, inputs)
    d_logits = np.exp(log_probabilities)
    d_logits[np.arange(count), targets] -= 1.0
    d_logits /= count
    d_pre = (d_logits @ params["W2"]) * (1.0 - hidden**2)
    grads = {
        "W1": d_pre.T @ inputs,
        "b1": d_pre.sum(axis=0),
        "W2": d_logits.T @ hidden,
        "b2": d_logits.sum(axis=0),
    }
    return float(-log_probabilities[np.arange(count), targets].mean()), grads
