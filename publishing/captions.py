"""The lecture's captions and YouTube chapters, from the sections' own .srt files and lengths;
each .srt with a WebVTT twin for HTML5 players and LMS pages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import srt

from common.files import whole_or_absent

# YouTube turns a description's timestamps into chapters only when the first is 0:00,
# there are at least three, and each chapter lasts at least ten seconds.
MIN_CHAPTERS = 3
MIN_CHAPTER_SECONDS = 10.0


@dataclass(frozen=True)
class Part:
    """A section's place in the full lecture."""

    title: str
    start: float  # seconds from the lecture's start
    seconds: float
    captions: str  # the section's .srt text ("" when it has none)


def merged_captions(parts: Sequence[Part]) -> str:
    """One .srt for the lecture: each section's cues moved by its start, clipped to its
    own length so no cue spills into the next section, numbered from 1."""
    cues = []
    for part in parts:
        offset = timedelta(seconds=part.start)
        end_of_part = timedelta(seconds=part.start + part.seconds)
        for cue in srt.parse(part.captions):
            start, end = cue.start + offset, min(cue.end + offset, end_of_part)
            if start < end:
                cues.append(srt.Subtitle(index=0, start=start, end=end, content=cue.content))
    return srt.compose(cues, reindex=True, start_index=1)


def clipped_captions(captions: str, seconds: float) -> str:
    """A section's .srt with every cue ending by the end of its video."""
    return merged_captions([Part("", 0.0, seconds, captions)])


def chapter_time(seconds: float) -> str:
    """YouTube's timestamp: M:SS, or H:MM:SS from an hour on (whole seconds, rounded down)."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def chapter_lines(parts: Sequence[Part]) -> str:
    """The lines to paste into a YouTube description, one chapter per section."""
    return "".join(f"{chapter_time(part.start)} {part.title}\n" for part in parts)


def chapters_problem(parts: Sequence[Part]) -> str | None:
    """Why YouTube would not show these parts as chapters, or None when it would."""
    if len(parts) < MIN_CHAPTERS:
        return f"YouTube needs at least {MIN_CHAPTERS} chapters, the lecture has {len(parts)}"
    short = [part.title for part in parts if part.seconds < MIN_CHAPTER_SECONDS]
    if short:
        return f"YouTube needs chapters of {MIN_CHAPTER_SECONDS:.0f} s or more: {', '.join(short)}"
    return None


def webvtt(captions: str) -> str:
    """The .srt's cues as WebVTT, which browsers' <track> elements and LMS players read (they
    do not read SRT): a WEBVTT header, HH:MM:SS.mmm times with a dot, no cue numbers, and
    the text's &, < and > escaped, since WebVTT reads them as markup."""
    blocks = ["WEBVTT\n"]
    for cue in srt.parse(captions):
        text = cue.content.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        blocks.append(f"{vtt_time(cue.start)} --> {vtt_time(cue.end)}\n{text}\n")
    return "\n".join(blocks)


def vtt_time(moment: timedelta) -> str:
    """01:02:03.456: WebVTT's timestamp, to the millisecond (rounded down, as srt writes)."""
    milliseconds = moment // timedelta(milliseconds=1)
    seconds, millis = divmod(milliseconds, 1000)
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def twin(path: Path) -> Path:
    """The WebVTT file beside an .srt: 02-the-scorecard.vtt beside 02-the-scorecard.srt."""
    return path.with_suffix(".vtt")


def write_captions(path: Path, captions: str) -> None:
    """The .srt and its WebVTT twin, each whole or absent; the twin first, so an .srt never
    stands without it."""
    for destination, text in ((twin(path), webvtt(captions)), (path, captions)):
        with whole_or_absent(destination) as partial:
            partial.write_text(text)


def remove_captions(path: Path) -> None:
    """An .srt and its WebVTT twin gone together."""
    for stale in (path, twin(path)):
        stale.unlink(missing_ok=True)
