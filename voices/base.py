"""What every voice of the film is: something that turns a line of narration into a clip.

The voices themselves are named in voices/registry.py; this module knows none of them, so
each can import it without a circle. A spoken clip is a 48 kHz, 16-bit, mono WAV file,
levelled by common/audio.py, and cached: a line is spoken once per voice and wording. A
silent film's clip has no sound, only the time its line takes to read (voices/silent.py).
"""

from __future__ import annotations

import functools
import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from common import audio
from common.files import add_files, user_cache, whole_or_absent
from voices.timing import WordTime

CACHE_VARIABLE = "MECHANICS_SPEECH_CACHE"


@dataclass(frozen=True)
class Clip:
    """A line's speech: a levelled 48 kHz mono WAV, how long it plays, and when each of the
    line's words is said in it (from the engine's alignment or forced alignment). A silent
    film's line has no WAV (`path` None): its seconds and word times are its reading."""

    path: Path | None
    seconds: float
    words: tuple[WordTime, ...] = ()

    @property
    def has_sound(self) -> bool:
        return self.path is not None

    def onset(self, index: int) -> float:
        """When the line's `index`-th word starts, in seconds from the clip's start."""
        return self.words[index].start


class Voice(ABC):
    """A speaker of the film's lines."""

    name: str
    speaks = True  # whether its clips have sound (a silent film's voice does not)

    @abstractmethod
    def clip(self, line_id: str, words: str) -> Clip:
        """The line spoken (from the cache when it was spoken before)."""

    @abstractmethod
    def key(self, line_prefix: str) -> dict:
        """What decides the clips of the lines whose ids start with `line_prefix` (a
        section's), for the section's render key: a change re-renders the section."""

    @abstractmethod
    def describe(self) -> dict:
        """The voice as the manifest names it."""

    @abstractmethod
    def licences(self) -> dict[str, str]:
        """Each part's licence (engine, model, voice), so a lecturer can choose a voice
        knowing what may be published with it; empty when nothing is licensed."""

    def licence_summary(self) -> str:
        """The licences in one line: "engine MIT (kokoro-onnx); model Apache-2.0 (...)"."""
        parts = self.licences()
        return "; ".join(f"{part} {licence}" for part, licence in parts.items()) or "none needed"

    def missing(self) -> str | None:
        """What this machine lacks for the voice to speak, in a few words, or None (checked
        before any slow work starts)."""
        return None


SHARED_CODE = ("base.py", "speech.py", "timing.py")


@functools.cache
def code_digest(voice_module: str) -> str:
    """A digest of the code that makes a voice's clips: its own module (`__file__`), what
    every voice shares and the levelling of their samples. Changing it makes that voice's
    clips afresh, and only that voice's."""
    here = Path(__file__).parent
    digest = hashlib.sha256()
    add_files(digest, [Path(voice_module), *(here / name for name in SHARED_CODE)])
    add_files(digest, [Path(audio.__file__)])
    return digest.hexdigest()


def speech_cache() -> Path:
    """Where clips are kept between runs: MECHANICS_SPEECH_CACHE, or the user's cache."""
    return user_cache(CACHE_VARIABLE, "speech")


Made = tuple[np.ndarray, list[WordTime]]


def cached_clip(path: Path, make: Callable[[], Made]) -> Clip:
    """The clip at `path` with its word times (`<digest>.words.json` beside it), both made
    (and each written whole, the times last) first when they are not there yet."""
    times = path.with_suffix(".words.json")
    if not (path.is_file() and times.is_file()):
        samples, words = make()
        path.parent.mkdir(parents=True, exist_ok=True)
        with whole_or_absent(path) as partial:
            audio.write_wav(partial, samples)
        with whole_or_absent(times) as partial:
            partial.write_text(json.dumps([[w.word, w.start, w.end] for w in words]))
    words = tuple(WordTime(w, a, b) for w, a, b in json.loads(times.read_text()))
    return Clip(path, audio.seconds_of_wav(path), words)
