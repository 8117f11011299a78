"""lesson(seed) is a pure function: same seed, same bits; another seed, another network."""

from __future__ import annotations

import dataclasses
import hashlib

import numpy as np
import pytest

from mechanics import lesson


def arrays_of(value, path="lesson"):
    """Every array reachable from a lesson, with a path naming where it sits."""
    if isinstance(value, np.ndarray):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from arrays_of(item, f"{path}[{key!r}]")
    elif isinstance(value, tuple | list):
        for i, item in enumerate(value):
            yield from arrays_of(item, f"{path}[{i}]")
    elif dataclasses.is_dataclass(value):
        for field in dataclasses.fields(value):
            yield from arrays_of(getattr(value, field.name), f"{path}.{field.name}")


def fingerprint(lesson_) -> dict[str, str]:
    return {
        path: hashlib.sha256(array.dtype.str.encode() + array.tobytes()).hexdigest()
        for path, array in arrays_of(lesson_)
    }


@pytest.mark.parametrize("seed", [0, 7, 2**32 - 1])
def test_same_seed_gives_bit_identical_arrays(seed):
    first, second = fingerprint(lesson(seed)), fingerprint(lesson(seed))
    assert len(first) > 100
    assert first == second


def test_different_seeds_give_different_networks():
    weights = {seed: lesson(seed).trace[0].params["W1"].tobytes() for seed in range(10)}
    assert len(set(weights.values())) == 10


def test_every_array_is_read_only():
    for path, array in arrays_of(lesson(0)):
        assert not array.flags.writeable, path
    with pytest.raises(ValueError):
        lesson(0).trace[0].params["W1"][0, 0] = 9.0


def test_lesson_dataclasses_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        lesson(0).seed = 1
