"""Scratch files that a killed run leaves behind, and how the next run tells them apart from
those a running writer still owns.

Every scratch name carries its owner, `<pid>@<host>`: the process that writes it (render.py,
a Dask worker, a Manim process started by one of them). A later run removes scratch

- whose owner is gone: on this host, no process has its pid any more (a SIGKILL, a power
  cut); or
- that nothing has written for `ABANDONED_AFTER` (an hour): an owner on another host, whose
  process cannot be seen from here, or a pid taken over since by another process.

A live writer's file is never taken from it: its pid is alive on this host, or it writes
more often than once an hour (a Manim render writes a movie file per animation; the
longest write, a lecture's join, takes seconds). A Dask twin rerunning a section on another
node while the first still runs is another host's owner that is writing: kept.

Used by `files.whole_or_absent` (names of files being written), render.py (stale
`.partial` files swept at the start of a run) and `publishing.section_render` (a folder per
render attempt for its request, report and Manim's movie files, removed when it ends).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ABANDONED_AFTER = 3600.0  # seconds without a write before another host's scratch is stale
PARTIAL_SUFFIX = ".partial"
ATTEMPT_PREFIX = "attempt-"
LEGACY_VIDEOS = "videos"  # where Manim wrote its movies before attempts had folders
OWNER = re.compile(r"(?P<pid>\d+)@(?P<host>[A-Za-z0-9-]+)")
OWNED_PARTIAL = re.compile(r"\.(?P<pid>\d+)@(?P<host>[A-Za-z0-9-]+)\.[0-9a-f]{12}\.partial$")
ATTEMPT = re.compile(rf"^{ATTEMPT_PREFIX}(?P<pid>\d+)@(?P<host>[A-Za-z0-9-]+)-[0-9a-f]{{12}}$")


def this_host() -> str:
    """This machine's name, in the characters a scratch name allows."""
    return re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname()) or "host"


def owner() -> str:
    """`<pid>@<host>` of this process, as it goes into a scratch name."""
    return f"{os.getpid()}@{this_host()}"


def token() -> str:
    return uuid.uuid4().hex[:12]


def partial_path(destination: Path) -> Path:
    """A name beside `destination` to write it under, this process's own and marked as
    scratch: `.<name>.<pid>@<host>.<token>.partial`."""
    return destination.with_name(f".{destination.name}.{owner()}.{token()}{PARTIAL_SUFFIX}")


def pid_alive(pid: int) -> bool:
    """Whether a process with this pid exists on this host (another user's counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def newest_write(path: Path) -> float:
    """When anything in `path` (a file, or a folder and all it holds) was last written."""
    newest = path.lstat().st_mtime
    if path.is_dir() and not path.is_symlink():
        for inner in path.rglob("*"):
            try:
                newest = max(newest, inner.lstat().st_mtime)
            except FileNotFoundError:
                continue
    return newest


def abandoned(path: Path, match: re.Match | None, now: float | None = None) -> bool:
    """Whether scratch at `path`, owned as `match` says (None: owner unknown), belongs to no
    running writer (see the module's doc)."""
    if match is not None and match["host"] == this_host() and not pid_alive(int(match["pid"])):
        return True
    try:
        return (now or time.time()) - newest_write(path) > ABANDONED_AFTER
    except FileNotFoundError:
        return False  # its owner removed it meanwhile


def sweep_partials(folder: Path, say: Callable[[str], None] | None = None) -> list[Path]:
    """Remove the `.partial` files under `folder` that no running writer owns; those named
    before partial names carried an owner go once nothing has written them for an hour."""
    removed = []
    for path in sorted(folder.rglob(f"*{PARTIAL_SUFFIX}")):
        if path.is_file() and abandoned(path, OWNED_PARTIAL.search(path.name)):
            path.unlink(missing_ok=True)
            removed.append(path)
            if say:
                say(f"removed {path}, left by a writer that was stopped")
    return removed


def attempt_folders(media: Path) -> list[Path]:
    """The attempt folders under a section's media folder, with the folder earlier versions
    had Manim write its movies to."""
    if not media.is_dir():
        return []
    found = [path for path in media.iterdir() if path.is_dir() and ATTEMPT.match(path.name)]
    legacy = media / LEGACY_VIDEOS
    return sorted(found) + ([legacy] if legacy.is_dir() else [])


def sweep_attempts(media: Path) -> list[Path]:
    """Remove the attempt folders under `media` that no running render owns."""
    removed = []
    for folder in attempt_folders(media):
        if abandoned(folder, ATTEMPT.match(folder.name)):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


@contextmanager
def attempt_folder(media: Path) -> Iterator[Path]:
    """A new folder for one render attempt of a section, `media/attempt-<pid>@<host>-<token>`,
    removed when the block ends, however it ends. Attempts before it that no running render
    owns are removed first: a twin running elsewhere keeps its own."""
    sweep_attempts(media)
    folder = media / f"{ATTEMPT_PREFIX}{owner()}-{token()}"
    folder.mkdir(parents=True)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
