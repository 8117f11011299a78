"""The narration script of a seed: every line the film speaks, with its id and that seed's
numbers, found by running the sections' scenes without drawing them.

    render.py --seed 7 --script      # writes renders/seed-7/script.txt

A lecturer reads it aloud, one recording per line named by its id, and renders with
`--voice FOLDER`. The lines of each section are kept (with the key of the code and seed that
wrote them) so asking again, or checking a folder of recordings, costs nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from common.files import whole_or_absent
from publishing.film import TITLE, Section
from publishing.job import RenderError
from publishing.manim_process import Running, scene_command
from publishing.reuse import add_sources, ending
from scenes.contract import SceneReport, SceneRequest

SCRIPT = "script.txt"
KEPT_FORMAT = 2  # a kept line is its id, words and the indices of its engine numbers


def script_key(section: Section, sections: Sequence[Section], seed: int) -> str:
    """What decides a section's lines: its code, the shared code, the engine and the seed."""
    digest = hashlib.sha256(f"{KEPT_FORMAT} {seed} {section.scene}".encode())
    digest.update(json.dumps(ending(section, sections)).encode())
    add_sources(digest, section, sections)
    return digest.hexdigest()


def section_lines(
    section: Section, sections: Sequence[Section], seed: int, folder: Path, running: Running
) -> list[dict]:
    """The lines `section` speaks for `seed` (id, words, and which words are the lesson's
    numbers), from the kept copy when the code and seed are the same, else by running its
    scene without drawing a frame."""
    kept = folder / f"{section.stem}.json"
    key = script_key(section, sections, seed)
    try:
        stored = json.loads(kept.read_text())
        if stored["key"] == key:
            return stored["lines"]
    except (OSError, ValueError, KeyError):
        pass
    media = folder / section.stem
    report = media / "report.json"
    report.unlink(missing_ok=True)
    media.mkdir(parents=True, exist_ok=True)
    request = media / "request.json"
    film = tuple(sections)
    SceneRequest(seed=seed, section=section.stem, film=film, report=str(report)).write(request)
    dry_run = ["--dry_run", "-s", "-ql", "--disable_caching", "--progress_bar", "none"]
    command = scene_command(request, media, media, section.file, section.scene, dry_run)
    log = media / "script.log"
    with log.open("w") as log_file:
        returncode, _ = running.run(command, stdout=log_file)
    try:
        spoken = SceneReport.read(report).lines if returncode == 0 else None
    except (OSError, ValueError, KeyError, TypeError):
        spoken = None
    if spoken is None:
        raise RenderError(
            f"the script of section {section.number} ({section.title}) for seed {seed} could "
            f"not be read from its scene; log: {log}"
        )
    lines = [
        {"id": line["id"], "words": line["words"], "numbers": line["numbers"]} for line in spoken
    ]
    with whole_or_absent(kept) as partial:
        partial.write_text(json.dumps({"key": key, "lines": lines}, indent=1))
    return lines


def film_lines(
    film: Sequence[Section],
    sections: Sequence[Section],
    seed: int,
    folder: Path,
    workers: int,
) -> list[dict]:
    """Every line of the film for a seed, in order (sections read `workers` at a time)."""
    running = Running()
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        try:
            per_section = list(
                pool.map(lambda s: section_lines(s, sections, seed, folder, running), film)
            )
        except BaseException:
            running.stop_all()
            raise
    return [line for lines in per_section for line in lines]


def script_text(seed: int, lines: Sequence[dict], voice_folder: str = "FOLDER") -> str:
    """The script as a person reads it: each line's id (the recording's name) and words."""
    head = [
        f"{TITLE}: the narration script for seed {seed}",
        "",
        "Record each line below as <id>.wav or <id>.flac in one folder (any sample rate),",
        "then render the film timed to your voice:",
        f"    python render.py --seed {seed} --voice {voice_folder}",
        "Read the numbers as they are written; they are this seed's.",
        "",
    ]
    body = [f"{line['id']}\n    {line['words']}\n" for line in lines]
    return "\n".join(head) + "\n" + "\n".join(body)


def write_script(path: Path, seed: int, lines: Sequence[dict]) -> None:
    with whole_or_absent(path) as partial:
        partial.write_text(script_text(seed, lines))
