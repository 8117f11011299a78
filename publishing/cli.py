"""`mechanics-of-learning`, the console command setup installs: one name to remember for the
course's commands, each still a module of its own (render.py, publishing/publish.py,
publishing/grade.py) that this only hands the rest of the command line to.

    mechanics-of-learning render --seed 0-29 --out course/
    mechanics-of-learning publish ...
    mechanics-of-learning grade ...

A command's module is imported only when it is asked for, so a slow or missing one costs the
others nothing."""

from __future__ import annotations

import importlib
import importlib.metadata
import inspect
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass

PROG = "mechanics-of-learning"
PROJECT = "mechanics-of-learning"  # the distribution's name in pyproject.toml


@dataclass(frozen=True)
class Command:
    module: str  # whose main(argv, prog=...) runs it
    summary: str


COMMANDS = {
    "render": Command("render", "render each seed's lecture into a finished folder (render.py)"),
    "publish": Command("publishing.publish", "upload finished lectures to YouTube"),
    "grade": Command("publishing.grade", "grade students' worksheets against their seeds' keys"),
}


def usage() -> str:
    width = max(map(len, COMMANDS))
    lines = [
        f"usage: {PROG} COMMAND [ARGS...]  ({PROG} COMMAND --help for its options)",
        "",
        "The Mechanics of Learning: a lecture on how a neural network learns, one per seed.",
        "",
        "commands:",
        *(f"  {name:<{width}}  {command.summary}" for name, command in COMMANDS.items()),
        "",
        "options:",
        "  -h, --help     show this message",
        "  --version      show the version",
    ]
    return "\n".join(lines)


def version() -> str:
    try:
        return importlib.metadata.version(PROJECT)
    except importlib.metadata.PackageNotFoundError:  # run from a copy never installed
        return "not installed"


def command_main(name: str) -> Callable[..., int] | str:
    """The command's main function, imported now; or why it cannot run, in one line."""
    module = COMMANDS[name].module
    try:
        return importlib.import_module(module).main
    except ModuleNotFoundError as error:
        if error.name != module:  # something the command itself needs: not ours to hide
            raise
        return f"{name} is not in this copy of the project ({module} is missing); update it"


def main(argv: list[str] | None = None) -> int:
    """Run the command named first with the rest of the line; exit 2 for a name it does
    not know, with one line saying what to type."""
    args = sys.argv[1:] if argv is None else list(argv)
    if not args:
        print(f"{PROG}: error: name a command: {', '.join(COMMANDS)} (see --help)", file=sys.stderr)
        return 2
    if args[0] in ("-h", "--help"):
        print(usage())
        return 0
    if args[0] == "--version":
        print(f"{PROG} {version()}")
        return 0
    name, rest = args[0], args[1:]
    if name not in COMMANDS:
        print(
            f"{PROG}: error: unknown command {name!r}; choose from {', '.join(COMMANDS)} "
            "(see --help)",
            file=sys.stderr,
        )
        return 2
    run = command_main(name)
    if isinstance(run, str):
        print(f"{PROG}: error: {run}", file=sys.stderr)
        return 1
    prog = f"{PROG} {name}"
    saved, sys.argv = sys.argv, [prog, *rest]  # argparse's default prog, for any command
    try:
        return run(rest, prog=prog) if accepts_prog(run) else run(rest)
    except BrokenPipeError:  # its reader stopped reading (`... render --voices | head`)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    finally:
        sys.argv = saved


def accepts_prog(function: Callable[..., int]) -> bool:
    """Whether a command's main takes `prog`, the name to sign its messages with."""
    return "prog" in inspect.signature(function).parameters


if __name__ == "__main__":
    sys.exit(main())
