"""Files that appear whole or not at all, and their digests."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from common.scratch import partial_path


@contextmanager
def whole_or_absent(destination: Path) -> Iterator[Path]:
    """A temporary path beside `destination` to write to; renamed into place when the block
    ends normally, removed when it fails or is interrupted. A file under its final name is
    therefore always complete. The temporary name is this writer's own: processes sharing a
    folder (Dask workers and a speech cache on a shared home) that write the same file at
    once never write into each other's, and the last complete one stays. The name also says
    which process writes it (`scratch.partial_path`), so one left by a killed writer can be
    told from one being written, and swept."""
    partial = partial_path(destination)
    try:
        yield partial
        os.replace(partial, destination)
    finally:
        partial.unlink(missing_ok=True)


def add_files(digest: hashlib._Hash, paths: Iterable[Path]) -> None:
    """Feed the digest each file's name and content, so a renamed or edited file changes it."""
    for path in paths:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def user_cache(variable: str, name: str) -> Path:
    """A folder the project keeps between runs: $`variable` when it is set, else `name`
    under the user's cache ($XDG_CACHE_HOME, or ~/.cache)."""
    named = os.environ.get(variable)
    if named:
        return Path(named)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "mechanics-of-learning" / name
