"""A bad seed is refused with a message that names it; the CLI answers in one line."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from mechanics import lesson


@pytest.mark.parametrize("bad", [-1, 2**32, 1.5, "3", True, None, float("nan")])
def test_lesson_refuses_a_seed_that_is_not_an_integer_in_range(bad):
    with pytest.raises(ValueError, match=repr(bad).replace("(", r"\(").replace(")", r"\)")):
        lesson(bad)


def test_lesson_accepts_numpy_integers():
    assert lesson(np.int64(5)).seed == 5


def test_engine_does_not_import_manim():
    code = "import sys, mechanics; mechanics.lesson(0); print('manim' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_cli_tells_the_story_in_numbers():
    out = subprocess.run(
        [sys.executable, "-m", "mechanics", "--seed", "3"], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    first_p = lesson(3).target_probabilities[0]
    assert f"p(Paris) = {100 * first_p:.1f}%" in out.stdout
    assert "step 20" in out.stdout and "valley at w" in out.stdout and "sheet 25 x 25" in out.stdout
    run = lesson(3).second_run
    assert f"held out answered right: {run.held_out_right[0]} before, 5 after" in out.stdout


@pytest.mark.parametrize("bad", ["-1", "abc", "4294967296"])
def test_cli_answers_a_bad_seed_in_one_line(bad):
    out = subprocess.run(
        [sys.executable, "-m", "mechanics", "--seed", bad], capture_output=True, text=True
    )
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr
    assert bad in out.stderr
