"""The lecturer's own voice: one recording per line, named by the line's id.

    render.py --seed 7 --script          # writes the lines to read, with their ids
    render.py --seed 7 --voice takes/    # takes/01-forward-pass-01.wav, ... (or .flac)

Any sample rate and channel count FFmpeg reads will do; each recording is trimmed of the
silence around it and levelled like the film's own voice, so the film is timed to the
lecturer's pace and sounds even from line to line.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from common import audio
from common.files import sha256
from voices.base import Clip, Voice, cached_clip, code_digest
from voices.timing import WordTime, aligned_word_times

SUFFIXES = (".wav", ".flac")


class Recordings(Voice):
    """A folder of recordings, `<line id>.wav` or `<line id>.flac`."""

    def __init__(self, folder: Path, cache: Path) -> None:
        self.folder = folder
        self.cache = cache / "recordings"
        self.name = f"recordings in {folder}"

    def recording(self, line_id: str) -> Path | None:
        for suffix in SUFFIXES:
            for path in (
                self.folder / f"{line_id}{suffix}",
                self.folder / f"{line_id}{suffix.upper()}",
            ):
                if path.is_file():
                    return path
        return None

    def problem(self, line_id: str) -> str | None:
        """Why the line's recording cannot be used, in a few words, or None."""
        path = self.recording(line_id)
        if path is None:
            return f"{line_id} is missing"
        try:
            usable(path)
        except audio.AudioError as error:
            return str(error)
        return None

    def problems(self, line_ids: Sequence[str]) -> list[str]:
        return [problem for line_id in line_ids if (problem := self.problem(line_id))]

    def clip(self, line_id: str, words: str) -> Clip:
        """The recording, prepared; checked as it is read, so a cached clip (checked when
        it was made) costs no decoding."""
        path = self.recording(line_id)
        if path is None:
            raise audio.AudioError(f"recording {line_id} is missing (in {self.folder})")
        key = f"{sha256(path)} {code_digest(__file__)} {words}"
        digest = hashlib.sha256(key.encode()).hexdigest()[:32]
        return cached_clip(self.cache / f"{digest}.wav", lambda: prepared_take(path, words))

    def key(self, line_prefix: str) -> dict:
        recordings = sorted(
            path
            for path in self.folder.iterdir()
            if path.name.startswith(line_prefix) and path.suffix.lower() in SUFFIXES
        )
        return {
            "voice": "recordings",
            "files": {path.name: sha256(path) for path in recordings},
            "code": code_digest(__file__),
        }

    def describe(self) -> dict:
        return {"name": "the lecturer's recordings", "folder": str(self.folder.resolve())}

    def licences(self) -> dict[str, str]:
        return {"recordings": "yours"}


def prepared_take(path: Path, words: str) -> tuple[np.ndarray, list[WordTime]]:
    """The take as the film plays it, with its words' times found by forced alignment."""
    samples = audio.prepared(*usable(path))
    return samples, aligned_word_times(samples, audio.RATE, words)


def usable(path: Path) -> tuple[np.ndarray, int]:
    """The recording's samples and rate; an AudioError naming the file says why it cannot
    be used (unreadable, or silent)."""
    try:
        samples, rate = audio.read_samples(path)
    except audio.AudioError as error:
        raise audio.AudioError(f"{path.name}: {error}") from None
    if audio.peak_dbfs(samples) < audio.SILENT_RECORDING_DBFS:
        raise audio.AudioError(f"{path.name} is silent")
    return samples, rate
