"""youtube.json in the course folder: what publish has done on YouTube, so a rerun skips it.

Each lecture is keyed by its seed, quality and the SHA-256 of its video (as manifest.json
records it), so a lecture rendered again is a new video, and one uploaded before is not
sent twice. Each step is recorded as soon as it is done (the video, its captions, its
thumbnail, each playlist it was added to), the file written whole every time, so a run
stopped anywhere (quota, network, Ctrl-C) goes on from the next step.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from common.files import whole_or_absent

LEDGER = "youtube.json"


class LedgerError(ValueError):
    """A ledger that cannot be read: one line saying what to do."""


def lecture_key(seed: int, quality: str, video_sha256: str) -> str:
    return f"seed-{seed}/{quality}/{video_sha256}"


@dataclass
class Ledger:
    path: Path
    lectures: dict[str, dict] = field(default_factory=dict)
    playlists: dict[str, str] = field(default_factory=dict)  # name: playlist id

    @classmethod
    def read(cls, course: Path) -> Ledger:
        path = course / LEDGER
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            return cls(path, dict(record["lectures"]), dict(record["playlists"]))
        except FileNotFoundError:
            return cls(path)
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise LedgerError(
                f"{path} is damaged ({error}); it records what is on YouTube already: restore "
                "it from a backup, or move it away to upload everything again"
            ) from None

    def entry(self, key: str) -> dict:
        return self.lectures.setdefault(key, {})

    def record(self, key: str, **done: object) -> None:
        """Note what was just done for a lecture and write the ledger whole at once."""
        self.entry(key).update(done)
        self.write()

    def write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        record = {"lectures": self.lectures, "playlists": self.playlists}
        with whole_or_absent(self.path) as partial:
            partial.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n")
