"""The voices the film speaks with, by name (`render.py --voice NAME`).

A new voice is a `Voice` subclass in a module of its own and one line in `NAMED_VOICES`;
any other name is a folder of a lecturer's recordings. The voices import voices/base.py,
never this module, so the table can name them all without an import circle.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from voices.base import Voice, speech_cache
from voices.kokoro import Kokoro
from voices.kokoro_files import ENGLISH_VOICES
from voices.piper import PiperJoe
from voices.recorded import Recordings
from voices.silent import Silent

PIPER = "piper"
KOKORO = "kokoro"
SILENT = "none"

# Each named voice, made from the speech cache it keeps its clips in.
NAMED_VOICES: dict[str, Callable[[Path], Voice]] = {
    PIPER: PiperJoe,
    KOKORO: Kokoro,  # its default voice; `kokoro:NAME` for each of its English voices
    **{f"{KOKORO}:{name}": lambda cache, name=name: Kokoro(cache, name) for name in ENGLISH_VOICES},
    SILENT: lambda cache: Silent(),  # keeps no clips
}


def voice_named(name: str, cache: Path | None = None) -> Voice:
    """The voice called `name`: one of NAMED_VOICES ("none" is a silent film), or a folder
    of recordings. A ValueError says, in one line, what is wrong with it."""
    cache = speech_cache() if cache is None else cache
    if name in NAMED_VOICES:
        return NAMED_VOICES[name](cache)
    folder = Path(name)
    if not folder.is_dir():
        names = ", ".join(repr(named) for named in NAMED_VOICES if ":" not in named)
        names = names.replace(f"'{KOKORO}'", f"'{KOKORO}' (or {KOKORO}:NAME, see --voices)")
        raise ValueError(
            f"--voice must be {names} or a folder of recordings; {name!r} is not a folder"
        )
    return Recordings(folder, cache)
