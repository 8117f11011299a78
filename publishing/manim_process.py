"""Manim processes: the command line a section's scene runs with, and the processes running
now, so an interruption (or a dead parent) stops every one of them."""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from publishing.film import ROOT, Quality

PR_SET_PDEATHSIG = 1  # prctl(2)


def linux_prctl() -> Callable[..., int] | None:
    """prctl(2), looked up now: a child between fork and exec must not load anything."""
    if not sys.platform.startswith("linux"):
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    prctl.restype = ctypes.c_int
    return prctl


PRCTL = linux_prctl()


def manim_arguments(quality: Quality) -> list[str]:
    """Manim's command line after `render`, but for the folders, the request and the scene.

    Manim's own cache is off: it hashes every mobject on every play, and a cached play
    advances the scene's clock by its nominal run time rather than by the frames it holds,
    which would shift captions and key frames. Reuse happens a level up, a whole section at
    a time, keyed by `publishing.reuse.render_key`."""
    return [
        *quality.manim_flags,
        *quality.encoder_arguments,
        "--disable_caching",
        "--progress_bar",
        "none",
    ]


REQUEST_OPTION = "--request"  # publishing.manim_cli's own: the scene's request file
CACHE_OPTION = "--cache_dir"  # publishing.manim_cli's own: where Manim's caches are kept


def scene_command(
    request: Path,
    media: Path,
    caches: Path,
    scene_file: Path,
    scene: str,
    arguments: list[str],
) -> list[str]:
    """The scene process: Manim's command line through publishing.manim_cli, which hands
    the scene its request and writes its report (scenes/contract.py). Manim writes its
    movies into `media` (a folder of the attempt's own) and keeps its text and LaTeX caches
    in `caches`, shared by every attempt."""
    return [
        sys.executable,
        "-m",
        "publishing.manim_cli",  # Manim's command line, frames handed over more cheaply
        "render",
        REQUEST_OPTION,
        str(request),
        *arguments,
        "--media_dir",
        str(media),
        CACHE_OPTION,
        str(caches),
        str(scene_file),
        scene,
    ]


def die_with_parent() -> Callable[[], None] | None:
    """What a child runs before Manim starts, on Linux: ask the kernel to kill it when the
    thread that started it dies. A killed render.py or Dask worker then leaves no Manim
    process behind writing into the folder its rerun writes to."""
    if PRCTL is None:
        return None
    parent = os.getpid()

    def in_child() -> None:
        if PRCTL(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0 or os.getppid() != parent:
            os._exit(1)  # no guard, or the parent died before it was set: do not start

    return in_child


class Running:
    """The Manim processes running now, so an interruption can stop every one of them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._processes: set[subprocess.Popen] = set()
        self.stopping = False

    def run(self, command: list[str], stdout) -> tuple[int, float]:
        """Run the command to its end: its exit code and its peak memory in MB."""
        with self._lock:
            if self.stopping:
                return -1, 0.0
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                stdout=stdout,
                stderr=subprocess.STDOUT,
                preexec_fn=die_with_parent(),
            )
            self._processes.add(process)
        try:
            _, status, usage = os.wait4(process.pid, 0)  # wait() does not give the usage
            process.returncode = os.waitstatus_to_exitcode(status)
            return process.returncode, usage.ru_maxrss / 1024  # ru_maxrss is in KiB
        finally:
            with self._lock:
                self._processes.discard(process)

    def stop_all(self, grace: float = 10.0) -> None:
        """Ask every running process to stop; kill those still running after `grace` s.
        The threads that started them collect them."""
        with self._lock:
            self.stopping = True
            processes = list(self._processes)
        for process in processes:
            process.terminate()
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and any(p.returncode is None for p in processes):
            time.sleep(0.05)
        for process in processes:
            if process.returncode is None:
                process.kill()
