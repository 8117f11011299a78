"""Typed references into a lesson: where a number on screen comes from.

    src = Ref(lesson)
    loss = src.trace[3].loss          # a Ref: its value, and its place in the lesson
    value_of(loss)                    # 0.731...
    str(source_of(loss))              # "trace[3].loss"

Each field and index is looked up as it is written, so `src.trace[3].los` or
`src.trace[99]` fails on that line, not later when the number is drawn. The place is kept
as a `Source`, a tuple of fields and indices that tests compare as data and walk again on
a lesson of their own (`Source.value_in`), with no strings evaluated anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Field:
    name: str

    def __str__(self) -> str:
        return f".{self.name}"

    def of(self, value: Any) -> Any:
        return getattr(value, self.name)


@dataclass(frozen=True)
class Index:
    key: int | str | tuple[int, ...]

    def __str__(self) -> str:
        if isinstance(self.key, tuple):
            return f"[{', '.join(map(str, self.key))}]"
        return f"[{self.key!r}]"

    def of(self, value: Any) -> Any:
        return value[self.key]


@dataclass(frozen=True)
class Source:
    """A place in a lesson: the fields and indices that lead to it from the lesson."""

    steps: tuple[Field | Index, ...] = ()

    def __str__(self) -> str:
        return "".join(map(str, self.steps)).removeprefix(".")

    def then(self, step: Field | Index) -> Source:
        return Source((*self.steps, step))

    def value_in(self, lesson: Any) -> Any:
        """The value at this place in a lesson."""
        value = lesson
        for step in self.steps:
            value = step.of(value)
        return value


def plain_key(key: Any) -> int | str | tuple[int, ...]:
    """An index as plain Python (numpy integers become ints), so sources compare equal."""
    if isinstance(key, tuple):
        return tuple(int(part) for part in key)
    if isinstance(key, int | np.integer):
        return int(key)
    if isinstance(key, str):
        return key
    raise TypeError(f"a lesson is indexed by integers or names, not {key!r}")


class Ref:
    """A value of the lesson together with its place in it; see the module's doc."""

    __slots__ = ("_source", "_value")

    def __init__(self, value: Any, source: Source = Source()) -> None:
        object.__setattr__(self, "_value", value)
        object.__setattr__(self, "_source", source)

    def __getattr__(self, name: str) -> Ref:
        if name.startswith("_"):  # copy, pickle and the like look for these
            raise AttributeError(name)
        return Ref(getattr(self._value, name), self._source.then(Field(name)))

    def __getitem__(self, key: Any) -> Ref:
        key = plain_key(key)
        return Ref(self._value[key], self._source.then(Index(key)))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("a Ref is read-only")

    def __repr__(self) -> str:
        return f"Ref({self._source})"


def value_of(ref: Ref) -> Any:
    """What the reference points at."""
    return ref._value


def source_of(ref: Ref) -> Source:
    """Where the reference points."""
    return ref._source
