"""Every figure of the report: the folder read, its sound, picture and numbers on screen
decoded, and all of it measured into plain data (what --json writes)."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path

from publishing.choreography.captions import caption_checks
from publishing.choreography.intervals import intersection
from publishing.choreography.lecture import BadInput, Lecture, load_lecture
from publishing.choreography.numbers import Sighting, spoken_numbers
from publishing.choreography.ocr import read_numbers
from publishing.choreography.pace import cue_pace, gap_figures, line_gaps, pace_figures
from publishing.choreography.picture import (
    Motion,
    read_motion,
    speech_intervals,
    still_runs,
    voice_over_still,
)
from publishing.choreography.report import targets
from publishing.choreography.sound import (
    Sound,
    loud_intervals,
    padded_to,
    quiet_stretches,
    read_sound,
    silences,
)
from publishing.choreography.thresholds import (
    CAPTION_BAND,
    CHANGE_LEVEL,
    LINE_GAP,
    MOTION_BLOCK,
    SAMPLES_PER_SECOND,
    SILENCE_DB,
    SILENCE_SECONDS,
    STILL_SECONDS,
    WORD_MERGE,
)
from publishing.choreography.words import said


def measure(
    lecture: Lecture,
    motion: Motion,
    sound: Sound | None,
    sightings: Sequence[Sighting] | None,
) -> dict:
    """Every figure of the report, as plain data (what --json writes). `sightings`: what
    the screen showed of each of `spoken_numbers(said(lecture, sound)[0])`, or None when
    they could not be read."""
    sections = lecture.sections
    loud = loud_intervals(sound.db) if sound is not None else None
    words, exact = said(lecture, sound)
    voiced = sound is not None
    report: dict = {
        "folder": str(lecture.folder),
        "title": lecture.title,
        "seed": lecture.seed,
        "quality": lecture.quality,
        "seconds": lecture.duration,
        "fps": lecture.fps,
        "voiced": voiced,
        "word_times": "beats.json" if exact else "estimated evenly over each line",
        "notes": [],
        "thresholds": {
            "still_seconds": STILL_SECONDS,
            "change_level": CHANGE_LEVEL,
            "motion_block": MOTION_BLOCK,
            "samples_per_second": SAMPLES_PER_SECOND,
            "caption_band": CAPTION_BAND,
            "silence_db": SILENCE_DB,
            "silence_seconds": SILENCE_SECONDS,
            "word_merge": WORD_MERGE,
        },
        "sections": [asdict(section) for section in sections],
    }

    if lecture.voiced and not voiced:
        report["notes"].append("beats.json says the film is voiced, but its video has no sound")
    if not exact:
        report["notes"].append(
            'beats.json has no word times (lines without "spoken"): each line\'s words are '
            "spread evenly over its speech, so pace and number timings are rough"
        )

    # 1. Voice over still picture.
    runs = still_runs(motion.times.tolist(), motion.changed.tolist(), motion.end)
    if voiced:
        speech = speech_intervals(words) if exact else loud or []
        seconds, per_section, worst = voice_over_still(runs, speech, words, sections)
        report["voice_over_still"] = {
            "seconds": seconds,
            "intervals": [list(piece) for piece in intersection(runs, speech)],
            "per_section": per_section,
            "runs": [asdict(run) for run in worst],
        }
    else:
        report["voice_over_still"] = None
    report["still_runs"] = [list(run) for run in runs]
    report["motion"] = {
        "times": motion.times.round(3).tolist(),
        "steps": motion.steps.round(2).tolist(),
    }

    # 2. Silences.
    if voiced:
        titles = [(b.start, b.end) for b in lecture.beats if b.name == "show_title"]
        found = silences(quiet_stretches(sound.db), titles, lecture.duration, sections)
        report["silences"] = [asdict(s) for s in found]
    else:
        report["silences"] = None

    # 3. Pace.
    if voiced:
        paces = cue_pace(lecture.cues, words, sections)
        gaps = line_gaps(lecture.lines, words)
        report["pace"] = {
            "cues": [asdict(p) for p in paces],
            "lecture": pace_figures(paces),
            "per_section": {
                s.number: pace_figures([p for p in paces if p.section == s.number])
                for s in sections
            },
        }
        report["gaps"] = {
            "lecture": gap_figures(gaps),
            "per_section": {
                s.number: gap_figures([g for g in gaps if g.section == s.number]) for s in sections
            },
            "short": [asdict(g) for g in gaps if g.seconds < LINE_GAP],
        }
    else:
        report["pace"] = report["gaps"] = None

    # 4. Captions.
    report["captions"] = [asdict(check) for check in caption_checks(lecture.cues, sections)]

    # 5. Spoken numbers.
    numbers = spoken_numbers(words)
    if sightings is None:
        report["numbers"] = None
        report["numbers_said"] = [asdict(n) for n in numbers]
    else:
        report["numbers"] = [
            asdict(n) | asdict(s) | {"late": s.late, "seen": s.describe()}
            for n, s in zip(numbers, sightings, strict=True)
        ]
    report["marks"] = [
        {"line": line.id, "name": name, "time": t}
        for line in lecture.lines
        for name, t in line.marks.items()
    ]
    report["cues"] = [asdict(cue) for cue in lecture.cues]
    report["targets"] = [asdict(t) for t in targets(report)]
    return report


def choreography(folder: Path) -> tuple[dict, Sound | None]:
    """Read the folder and measure it: the report's data, and the sound for the picture.
    Tesseract reads the spoken numbers while the picture's motion is decoded."""
    import av

    lecture = load_lecture(folder)
    try:
        sound = read_sound(lecture.video)
        if sound is not None:
            sound = padded_to(sound, lecture.duration)
        numbers = spoken_numbers(said(lecture, sound)[0])
        with ThreadPoolExecutor(max_workers=1) as reader:
            seen = None
            if shutil.which("tesseract"):
                seen = reader.submit(
                    read_numbers, lecture.video, lecture.fps, lecture.frames, numbers
                )
            motion = read_motion(lecture.video, lecture.fps, lecture.frames)
            sightings = seen.result() if seen is not None else None
    except (av.error.FFmpegError, OSError, ValueError) as error:
        raise BadInput(
            f"{lecture.video} cannot be read ({type(error).__name__}: {error}): "
            "render the lecture again with render.py"
        ) from None
    return measure(lecture, motion, sound, sightings), sound
