"""Presenting in a hall: presenter.html steps through the lecture beat by beat, offline.

Every lecture folder gets the page (publishing/presenter.html, copied as it is) and the
lecture's timeline: each beat's section, name, frames and narration lines, from what the
scenes noted while they rendered (scenes/beats.py). The timeline is written twice, with the
same content: beats.json for people and tools, and beats.js, the same JSON handed to a
function, because a page opened from file:// may load a script beside it but not read a
JSON file (Chromium refuses it).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path

from publishing.captions import Part
from publishing.files import whole_or_absent
from publishing.film import LECTURE_STEM, TITLE, Quality
from publishing.job import Job

TIMELINE = "beats.json"
TIMELINE_SCRIPT = "beats.js"
PAGE = "presenter.html"
PAGE_SOURCE = Path(__file__).with_name(PAGE)
LOADER = "presenterBeats"  # the function beats.js calls with the timeline


def presenter_files(folder: Path) -> list[Path]:
    return [folder / TIMELINE, folder / TIMELINE_SCRIPT, folder / PAGE]


def section_beats(
    job: Job, frames: int, noted: Sequence[dict], spoken: Sequence[dict]
) -> list[dict]:
    """The section's beats as its scene noted them, in frames of its own video, each ending
    where the next begins. A section that noted none (a plain Manim scene) is one beat,
    holding the lines it spoke."""
    noted = list(noted) or [
        {
            "name": job.section.slug,
            "start_frame": 0,
            "end_frame": frames,
            "lines": [line["id"] for line in spoken],
        }
    ]
    starts = [0] + [beat["start_frame"] for beat in noted[1:]]
    ends = starts[1:] + [frames]
    return [
        {**beat, "start_frame": start, "end_frame": end}
        for beat, start, end in zip(noted, starts, ends, strict=True)
    ]


def lecture_line(line: dict, offset: float) -> dict:
    """A line as the lecture plays it: when it starts, when each of its words is said and
    its marks, in seconds of the lecture (the section's times moved by its start)."""
    start = offset + line["start"]
    return {
        "id": line["id"],
        "words": line["words"],
        "start": round(start, 6),
        "spoken": [
            [word, round(start + a, 4), round(start + b, 4)] for word, a, b in line["times"]
        ],
        "marks": {name: round(start + at, 4) for name, at in line["marks"].items()},
        "numbers": line["numbers"],  # which of its words are the lesson's numbers
    }


def beat_title(name: str) -> str:
    """A beat's method name as a heading: "show_the_slope" -> "Show the slope"."""
    return name.replace("_", " ").capitalize()


def timeline(
    seed: int, quality: Quality, jobs: Sequence[Job], parts: Sequence[Part], voiced: bool
) -> dict:
    """The lecture's beats in frames and seconds of the lecture video, with their lines."""
    fps = quality.fps
    sections, beats, offset = [], [], 0
    for job, part in zip(jobs, parts, strict=True):
        frames = round(part.seconds * fps)
        number = job.section.number
        sections.append(
            {
                "number": number,
                "title": part.title,
                "start_frame": offset,
                "end_frame": offset + frames,
            }
        )
        report = job.scene_report()
        noted, spoken = (report.beats, report.lines) if report else ((), ())
        said = {line["id"]: line for line in spoken}
        for beat in section_beats(job, frames, noted, spoken):
            start, end = offset + beat["start_frame"], offset + beat["end_frame"]
            lines = [lecture_line(said[line_id], part.start) for line_id in beat["lines"]]
            beats.append(
                {
                    "section": number,
                    "name": beat["name"],
                    "title": beat_title(beat["name"]),
                    "start_frame": start,
                    "end_frame": end,
                    "start": round(start / fps, 6),
                    "end": round(end / fps, 6),
                    "lines": lines,
                }
            )
        offset += frames
    return {
        "title": TITLE,
        "seed": seed,
        "quality": quality.name,
        "video": f"{LECTURE_STEM}.mp4",
        "width": quality.width,
        "height": quality.height,
        "fps": fps,
        "frames": offset,
        "voiced": voiced,
        "sections": sections,
        "beats": beats,
    }


def write_presenter(
    folder: Path,
    seed: int,
    quality: Quality,
    jobs: Sequence[Job],
    parts: Sequence[Part],
    voiced: bool,
) -> list[Path]:
    """Write the timeline (beats.json, beats.js) and presenter.html into the lecture folder."""
    data = json.dumps(timeline(seed, quality, jobs, parts, voiced), indent=1, ensure_ascii=False)
    beats_json, beats_js, page = presenter_files(folder)
    with whole_or_absent(beats_json) as partial:
        partial.write_text(data + "\n")
    with whole_or_absent(beats_js) as partial:
        partial.write_text(
            f"// The lecture's beats for presenter.html (the same as {TIMELINE}).\n"
            f"{LOADER}({data});\n"
        )
    with whole_or_absent(page) as partial:
        shutil.copyfile(PAGE_SOURCE, partial)
    return [beats_json, beats_js, page]
