"""The film's typeface, Inter, embedded in a page as CSS: explore.html is one self-contained
file opened from file:// with no network request, on machines that do not have Inter.

Each weight is subset to the page's own characters and saved as WOFF2 in a data: URL, so the
page stays small. The bytes depend on the characters alone (no timestamps, no set order), so
a rerun writes the same page and the manifest's SHA-256 holds.

    css = font_face_css(page_text)          # weights 400 and 600
    missing_characters(page_text)           # what Inter cannot draw, to refuse or fall back
"""

from __future__ import annotations

import base64
import functools
import io
import os
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

from scenes import style

FOLDER = Path("/usr/share/fonts/opentype/inter")  # Debian's fonts-inter
FOLDER_VARIABLE = "MECHANICS_INTER_FONTS"  # another folder holding the same files
FILES = {
    400: "Inter-Regular.otf",
    500: "Inter-Medium.otf",
    600: "Inter-SemiBold.otf",
    700: "Inter-Bold.otf",
}
PAGE_WEIGHTS = (400, 600)  # explore.html's text and its headings and read-outs
ALWAYS = " "  # a page always has spaces, and a subset without one would fall back for them

# The layout features a page's text needs, and no more: each kept feature keeps the glyphs it
# reaches. kern and mark/mkmk place letters; ccmp, locl, calt, liga, rlig shape them as
# Inter intends; tnum gives the live read-outs tabular figures, so a changing number does
# not jitter. fontTools' defaults would also keep frac, numr and dnom (every digit three more
# times over) and dozens of features for scripts Inter does not have.
FEATURES = ("kern", "mark", "mkmk", "ccmp", "locl", "calt", "liga", "rlig", "tnum")
NAME_IDS = (0, 1, 2, 3, 4, 5, 6, 13, 14)  # the names, copyright and licence (SIL OFL 1.1)


class FontMissingError(FileNotFoundError):
    """Inter's files are not where the page's fonts are read from: one line saying what to do."""


@dataclass(frozen=True)
class Face:
    """One weight of Inter as the page embeds it."""

    weight: int
    woff2: bytes

    @property
    def css(self) -> str:
        data = base64.b64encode(self.woff2).decode("ascii")
        return (
            f'@font-face {{ font-family: "{style.FONT}"; font-weight: {self.weight}; '
            "font-style: normal; font-display: block; "
            f'src: url(data:font/woff2;base64,{data}) format("woff2"); }}\n'
        )


def folder() -> Path:
    """Where Inter's files are: $MECHANICS_INTER_FONTS, or Debian's fonts-inter."""
    return Path(os.environ.get(FOLDER_VARIABLE) or FOLDER)


def font_path(weight: int) -> Path:
    """Inter's file for a weight; a clear error when the weight or the file is not there."""
    if weight not in FILES:
        raise ValueError(f"Inter weight {weight} is not one of {sorted(FILES)}")
    path = folder() / FILES[weight]
    if not path.is_file():
        raise FontMissingError(
            f"{path} is missing: install Debian's fonts-inter (make setup), "
            f"or set {FOLDER_VARIABLE} to a folder holding Inter's .otf files"
        )
    return path


def load(path: Path) -> TTFont:
    """The font as read, and saved later without a new head.modified: the time of saving
    would make every run's bytes differ."""
    return TTFont(path, recalcTimestamp=False)


def canonical(characters: str) -> str:
    """The characters once each, in code point order, with a space: the cache key, so the same
    set of characters in any order is cut once (fontTools' output ignores their order)."""
    return "".join(sorted(set(characters + ALWAYS)))


def options() -> subset.Options:
    """fontTools' subsetting as the page wants it: its features, no hinting (browsers do not
    need CFF hints at screen sizes), .notdef kept with its outline, and Inter's own glyph
    order with no room for time or chance."""
    chosen = subset.Options()
    chosen.layout_features = list(FEATURES)
    chosen.hinting = False
    chosen.desubroutinize = True  # WOFF2's Brotli compresses plain charstrings better
    chosen.notdef_glyph = True
    chosen.notdef_outline = True
    chosen.name_IDs = list(NAME_IDS)
    chosen.ignore_missing_unicodes = True  # missing_characters says which, for the caller
    chosen.flavor = "woff2"
    return chosen


@functools.lru_cache(maxsize=32)
def subset_woff2(path: Path, characters: str) -> bytes:
    """The font at `path` cut to exactly `characters` (canonical), as WOFF2 bytes. Cached by
    path, so pointing $MECHANICS_INTER_FONTS elsewhere is never answered from memory."""
    font = load(path)
    chosen = options()
    subsetter = subset.Subsetter(options=chosen)
    subsetter.populate(unicodes=[ord(character) for character in characters])
    subsetter.subset(font)
    font.flavor = chosen.flavor
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


def faces(characters: str, weights: Sequence[int] = PAGE_WEIGHTS) -> tuple[Face, ...]:
    """Each weight of Inter, subset to the characters (and a space)."""
    kept = canonical(characters)
    return tuple(Face(weight, subset_woff2(font_path(weight), kept)) for weight in weights)


def font_face_css(characters: str, weights: Sequence[int] = PAGE_WEIGHTS) -> str:
    """@font-face rules embedding Inter at each weight, cut to the page's characters: the
    same characters give the same text, byte for byte."""
    return "".join(face.css for face in faces(characters, weights))


@functools.lru_cache(maxsize=8)
def coverage(path: Path) -> frozenset[int]:
    """The code points the font at `path` draws."""
    return frozenset(TTFont(path, lazy=True).getBestCmap())


def missing_characters(characters: str, weight: int = 400) -> str:
    """The characters Inter lacks, once each in the order given, so a caller can refuse or
    fall back knowingly. Control characters (a newline, a tab) are drawn by no font and are
    not counted."""
    drawn = coverage(font_path(weight))
    lacking = (
        character
        for character in characters
        if ord(character) not in drawn and unicodedata.category(character) != "Cc"
    )
    return "".join(dict.fromkeys(lacking))
