"""The voices the film speaks with, by name (`render.py --voice NAME`).

A new voice is a `Voice` subclass in a module of its own and one line in `NAMED_VOICES`;
any other name is a folder of a lecturer's recordings. The voices import voices/base.py,
never this module, so the table can name them all without an import circle.
"""

from __future__ import annotations

import textwrap
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
        raise ValueError(
            f"--voice must be {PIPER!r}, {KOKORO!r}, '{KOKORO}:NAME' (render.py --voices lists "
            f"them), {SILENT!r} or a folder of recordings; {name!r} is not a folder"
        )
    return Recordings(folder, cache)


def roster(default: str, cache: Path | None = None, width: int = 100) -> list[str]:
    """Every named voice, one line each: its name (and which is the default), whether this
    machine can speak with it (else what it lacks) and who it is; the licences under each
    run of voices that share them, so Kokoro's voices stay a compact group; and a last line
    for the lecturer's own recordings. Lines wrap at `width`."""
    column = max(len(name) for name in NAMED_VOICES)
    under = " " * (column + 4)

    def wrapped(text: str, first: str) -> list[str]:
        return textwrap.wrap(text, width, initial_indent=first, subsequent_indent=under)

    lines = [f"The voices for --voice NAME (the default: {default}):"]
    pending = None
    for name in NAMED_VOICES:
        voice = voice_named(name, cache)
        licences = voice.licence_summary()
        if pending is not None and licences != pending:
            lines += wrapped(f"licences: {pending}", under)
        pending = licences
        problem = voice.missing()
        state = "installed" if problem is None else "missing"
        who = voice.name if voice.speaks else "a silent film, its captions in the picture"
        said = f"{who} (the default)" if name == default else who
        said += f": {problem}" if problem else ""
        lines.append(f"  {name:<{column}}  {state:<9}  {said}")
    lines += wrapped(f"licences: {pending}", under)
    lines += wrapped(
        "a folder of your own recordings is a voice too: one take per line, <line id>.wav or "
        ".flac (render.py --script lists them); licence: yours",
        f"  {'FOLDER':<{column}}  ",
    )
    return lines
