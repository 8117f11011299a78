"""Manim's text and LaTeX caches: which of their files can be read, and which file a failed
render could not read.

Manim 0.22 keeps, per media folder, an SVG for every `Text` (`texts/<hash>.svg`, written by
Pango) and a .tex, .dvi and .svg for every `Tex` (`Tex/<hash>.*`), and reuses a file that
exists without reading it first. It writes them in place: a render killed mid-write left
a cut-off SVG that failed every later render of the section ("ParseError: unclosed token")
until someone deleted it by hand. publishing.manim_cli now writes them whole or not at all;
this module finds the broken ones written before (or by plain `manim`), so they can be
removed and made again, and reads back the file a failed render names in its log.

It imports nothing of Manim: render.py reads failures with it in the parent process.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path

TEXT_FOLDER = "texts"
TEX_FOLDER = "Tex"
TEX_END = rb"\end{document}"
DVI_POST_POST = 249  # the DVI opcode before the file's id byte and its closing 223s
DVI_PADDING = 223
FAULT_MARK = "[publishing.manim_cli] file at fault: "


def cache_files(caches: Path) -> Iterator[Path]:
    """The files Manim would reuse from the cache folders under `caches` (scratch files,
    whose names start with a dot, are not among them)."""
    for folder, suffixes in (
        (caches / TEXT_FOLDER, {".svg"}),
        (caches / TEX_FOLDER, {".svg", ".tex", ".dvi", ".xdv", ".pdf"}),
    ):
        if folder.is_dir():
            for path in sorted(folder.iterdir()):
                if path.suffix in suffixes and not path.name.startswith(".") and path.is_file():
                    yield path


def why_unreadable(path: Path) -> str | None:
    """Why Manim could not use this cache file (None when it can): empty, an SVG that is not
    whole XML, a .tex cut before its end, a DVI or PDF cut before its last bytes."""
    data = path.read_bytes()
    if not data:
        return "it is empty"
    if path.suffix == ".svg":
        try:
            ET.fromstring(data)
        except ET.ParseError as error:
            return f"it is not whole XML ({error}) at {len(data):,} bytes"
    elif path.suffix == ".tex" and not data.rstrip().endswith(TEX_END):
        return f"it ends before {TEX_END.decode()} at {len(data):,} bytes"
    elif path.suffix in (".dvi", ".xdv") and not dvi_is_whole(data):
        return f"its postamble is cut off at {len(data):,} bytes"
    elif path.suffix == ".pdf" and b"%%EOF" not in data[-1024:]:
        return f"it has no %%EOF at {len(data):,} bytes"
    return None


def dvi_is_whole(data: bytes) -> bool:
    """A DVI (or XeTeX's XDV) ends with post_post, a 4-byte pointer, the id byte, and four
    or more 223s: a file cut anywhere before its last byte lacks them."""
    body = data.rstrip(bytes([DVI_PADDING]))
    return len(data) - len(body) >= 4 and len(body) >= 6 and body[-6] == DVI_POST_POST


def remove_unreadable(caches: Path, say: Callable[[str], None]) -> list[Path]:
    """Remove every cache file under `caches` that Manim could not use, saying which and
    why, so that Manim makes it again instead of failing on it."""
    removed = []
    for path in cache_files(caches):
        try:
            reason = why_unreadable(path)
        except FileNotFoundError:
            continue  # removed meanwhile (a twin's check)
        if reason:
            path.unlink(missing_ok=True)
            removed.append(path)
            say(f"removed Manim's cache file {path}: {reason}; Manim makes it again")
    return removed


def fault_line(path: Path | str, error: BaseException) -> str:
    """The line a failed render ends its log with, naming the file it could not read."""
    described = f"{type(error).__name__}: {' '.join(str(error).split())}".rstrip(": ")
    return FAULT_MARK + json.dumps({"file": str(path), "error": described})


def failure_reason(log: Path) -> str | None:
    """What a failed render's log says broke it, in one line, when it names a file:
    "Manim could not read <file> (<error>)"; None when it names none (or has no log)."""
    try:
        lines = log.read_text(errors="replace").splitlines()
    except OSError:
        return None
    for line in reversed(lines):
        if line.startswith(FAULT_MARK):
            try:
                fault = json.loads(line[len(FAULT_MARK) :])
                return f"Manim could not read {fault['file']} ({fault['error']})"
            except (ValueError, KeyError, TypeError):
                return None
    return None
