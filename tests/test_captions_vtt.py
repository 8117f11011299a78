"""WebVTT beside every .srt: browsers' <track> and LMS players read WebVTT, not SRT."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest

from common.files import sha256
from publishing import captions, reuse
from publishing.film import QUALITIES, SECTIONS
from publishing.job import Job

# Written by hand from the SRT below, to the WebVTT specification (W3C, "WebVTT: The Web
# Video Text Tracks Format"): the header, a blank line, then cues without numbers, the
# times with a dot, & and < escaped, blank lines between cues.
SRT = """1
00:00:00,000 --> 00:00:02,480
The forward pass: inputs

2
00:00:02,480 --> 00:00:05,007
weight & bias <moved>
by 0.045

3
01:02:03,400 --> 01:02:04,000
Past an hour
"""

VTT = """WEBVTT

00:00:00.000 --> 00:00:02.480
The forward pass: inputs

00:00:02.480 --> 00:00:05.007
weight &amp; bias &lt;moved&gt;
by 0.045

01:02:03.400 --> 01:02:04.000
Past an hour
"""

TIME = r"(\d{2,}):([0-5]\d):([0-5]\d)\.(\d{3})"
CUE = re.compile(rf"{TIME} --> {TIME}\n((?:[^\n]+\n?)+)")


def vtt_time(match: re.Match, first: int) -> timedelta:
    hours, minutes, seconds, millis = (int(match[first + k]) for k in range(4))
    return timedelta(hours=hours, minutes=minutes, seconds=seconds, milliseconds=millis)


def read_vtt(text: str) -> list[tuple[timedelta, timedelta, str]]:
    """A WebVTT file's cues (start, end, text), read strictly: the header, then blocks of a
    timing line and text, one blank line apart, nothing else (no numbers, no stray lines)."""
    header, *blocks = text.rstrip("\n").split("\n\n")
    assert header == "WEBVTT", header
    cues = []
    for block in blocks:
        match = CUE.fullmatch(block)
        assert match, f"not a WebVTT cue: {block!r}"
        start, end = vtt_time(match, 1), vtt_time(match, 5)
        assert start < end, block
        cues.append((start, end, match[9].rstrip("\n")))
    return cues


def test_an_srt_becomes_the_webvtt_written_by_hand():
    assert captions.webvtt(SRT) == VTT


def test_the_strict_reader_takes_the_hand_written_file_and_refuses_an_srt():
    assert read_vtt(VTT)[1] == (
        timedelta(seconds=2.48),
        timedelta(seconds=5, milliseconds=7),
        "weight &amp; bias &lt;moved&gt;\nby 0.045",
    )
    with pytest.raises(AssertionError):
        read_vtt("WEBVTT\n\n" + SRT)


def test_no_captions_is_a_header_alone():
    assert captions.webvtt("") == "WEBVTT\n"
    assert read_vtt(captions.webvtt("")) == []


def test_the_srt_and_its_twin_are_written_and_removed_together(tmp_path: Path):
    srt_path = tmp_path / "02-the-scorecard.srt"
    captions.write_captions(srt_path, SRT)
    assert srt_path.read_text() == SRT
    assert (tmp_path / "02-the-scorecard.vtt").read_text() == VTT
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "02-the-scorecard.srt",
        "02-the-scorecard.vtt",
    ]
    captions.remove_captions(srt_path)
    assert list(tmp_path.iterdir()) == []


def test_a_section_is_reused_only_with_both_its_captions(tmp_path: Path):
    """A section rendered before the .vtt existed (or whose .vtt was deleted) is rendered
    again rather than reused without it."""
    job = Job(SECTIONS[0], 0, QUALITIES["preview"], tmp_path)
    job.media.mkdir(parents=True)
    job.video.write_bytes(b"video")
    job.report.write_text("{}")
    job.captions.write_text(SRT)
    record = {
        "key": "k",
        "video_sha256": sha256(job.video),
        "report_sha256": sha256(job.report),
        "captions": True,
    }
    job.record.write_text(json.dumps(record))
    assert reuse.finished(job, "k") is None
    (tmp_path / f"{SECTIONS[0].stem}.vtt").write_text(VTT)
    assert reuse.finished(job, "k") == record
