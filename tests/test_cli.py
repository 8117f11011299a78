"""The console command `mechanics-of-learning`: it hands each command the rest of the line,
imports a command only when asked, and answers a wrong name in one line, exit 2."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
import tomllib
import types
from pathlib import Path

import pytest

from publishing import cli

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_help_names_every_command(capsys):
    assert cli.main(["--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: mechanics-of-learning COMMAND")
    for name in ("render", "publish", "grade"):
        assert f"\n  {name} " in out


def test_version_is_the_projects(capsys):
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out == f"mechanics-of-learning {PYPROJECT['project']['version']}\n"


@pytest.mark.parametrize("argv", [["bogus"], ["--seed", "0"], []])
def test_an_unknown_or_missing_command_is_one_line_and_exit_2(capsys, argv):
    assert cli.main(argv) == 2
    said = capsys.readouterr()
    assert said.out == ""
    assert said.err.count("\n") == 1
    assert said.err.startswith("mechanics-of-learning: error: ")
    assert "render, publish, grade" in said.err


def test_render_signs_its_errors_with_the_console_commands_name(capsys):
    assert cli.main(["render", "--seed", "seven"]) == 2
    said = capsys.readouterr()
    assert said.err.count("\n") == 1
    assert said.err.startswith("mechanics-of-learning render: error: --seed takes integers")


def test_renders_help_is_under_the_console_commands_name(capsys):
    with pytest.raises(SystemExit) as stopped:
        cli.main(["render", "--help"])
    assert stopped.value.code == 0
    assert capsys.readouterr().out.startswith("usage: mechanics-of-learning render [-h]")


def test_render_py_keeps_its_own_name(capsys):
    import render

    assert render.main(["--seed", "seven"]) == 2
    assert capsys.readouterr().err.startswith("render.py: error: --seed takes integers")


def test_a_command_is_imported_when_asked_and_handed_the_rest_of_the_line(monkeypatch):
    """publish and grade are written elsewhere: any main(argv) is called with the rest, and
    argparse's default name for it (sys.argv[0]) is the console command's."""
    seen = []

    def main(argv):
        seen.append((argv, sys.argv[0]))
        return 3

    monkeypatch.setitem(sys.modules, "publishing.publish", types.SimpleNamespace(main=main))
    assert cli.main(["publish", "course/", "--dry-run"]) == 3
    assert seen == [(["course/", "--dry-run"], "mechanics-of-learning publish")]
    assert sys.argv[0] != "mechanics-of-learning publish"  # put back


def test_a_main_that_takes_prog_is_given_the_name(monkeypatch):
    seen = []

    def main(argv, prog="grade.py"):
        seen.append((argv, prog))
        return 0

    monkeypatch.setitem(sys.modules, "publishing.grade", types.SimpleNamespace(main=main))
    assert cli.main(["grade", "course/"]) == 0
    assert seen == [(["course/"], "mechanics-of-learning grade")]


def test_a_command_missing_from_this_copy_is_one_line(monkeypatch, capsys):
    monkeypatch.setitem(cli.COMMANDS, "grade", cli.Command("publishing.not_here", "nothing"))
    assert cli.main(["grade"]) == 1
    said = capsys.readouterr().err
    assert said.count("\n") == 1
    assert "publishing.not_here is missing" in said


def test_asking_for_one_command_imports_no_other():
    probe = (
        "import sys; from publishing import cli; cli.main(['--version']); "
        "print(sorted(m for m in ('render', 'manim', 'publishing.publish') if m in sys.modules))"
    )
    shown = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert shown.stdout.splitlines()[-1] == "[]"


def test_pyprojects_console_script_loads_the_dispatcher():
    value = PYPROJECT["project"]["scripts"]["mechanics-of-learning"]
    entry = importlib.metadata.EntryPoint("mechanics-of-learning", value, "console_scripts")
    assert entry.load() is cli.main


def test_the_installed_console_script_is_the_dispatcher():
    """Once the project is installed again (`pip install -e .`), setup's script runs it."""
    installed = importlib.metadata.entry_points(group="console_scripts")
    entries = [entry for entry in installed if entry.name == "mechanics-of-learning"]
    if not entries:
        pytest.skip("the installed project predates [project.scripts]: pip install -e .")
    assert [entry.value for entry in entries] == ["publishing.cli:main"]
