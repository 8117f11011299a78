"""Typed references into the lesson: a number's place is written as Python, checked where it is
written, and kept as data that tests walk again on their own lesson."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mechanics import lesson
from mechanics.sources import Field, Index, Ref, Source, source_of, value_of

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def src() -> Ref:
    return Ref(lesson(0))


def test_a_reference_holds_the_value_and_its_place(src):
    weight = src.trace[3].params["W1"][2, 0]
    assert value_of(weight) == lesson(0).trace[3].params["W1"][2, 0]
    assert source_of(weight) == Source(
        (Field("trace"), Index(3), Field("params"), Index("W1"), Index((2, 0)))
    )
    assert str(source_of(weight)) == "trace[3].params['W1'][2, 0]"


def test_a_place_walks_to_the_same_number_in_another_lesson(src):
    place = source_of(src.second_run.held_out_right[-1])
    assert place.value_in(lesson(7)) == lesson(7).second_run.held_out_right[-1]


def test_numpy_indices_make_the_same_place_as_python_ones(src):
    assert source_of(src.trace[np.int64(2)].loss) == source_of(src.trace[2].loss)


def test_a_misspelt_field_fails_where_it_is_written(src):
    with pytest.raises(AttributeError, match="los"):
        src.trace[0].los  # noqa: B018


def test_an_index_past_the_end_fails_where_it_is_written(src):
    with pytest.raises(IndexError):
        src.trace[len(lesson(0).trace)]
    with pytest.raises(KeyError):
        src.trace[0].params["W3"]


def test_nothing_in_the_project_evaluates_strings():
    for folder in ("mechanics", "scenes", "publishing"):
        for path in (ROOT / folder).glob("*.py"):
            assert "eval(" not in path.read_text(), path
