"""Every MP4 says what it is (its title) and what language it speaks (the sound's mdhd box)."""

from __future__ import annotations

import struct
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from publishing import reuse, video
from publishing.film import QUALITIES, SECTIONS, Quality
from publishing.job import Job

SMALL = Quality("small", 64, 48, 5, ())
TITLE = "The Mechanics of Learning: 2. The Scorecard (seed 7)"


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    """Five frames of 64x48, encoded as the sections are."""
    path = tmp_path_factory.mktemp("source") / "source.mp4"
    with av.open(str(path), "w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=SMALL.fps, options=SMALL.encoder_options)
        stream.width, stream.height, stream.pix_fmt = SMALL.width, SMALL.height, "yuv420p"
        for index in range(5):
            picture = np.full((SMALL.height, SMALL.width, 3), index * 40, np.uint8)
            frame = av.VideoFrame.from_ndarray(picture, format="rgb24").reformat(format="yuv420p")
            frame.pts, frame.time_base = index, Fraction(1, SMALL.fps)
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return path


def media_languages(path: Path) -> list[str]:
    """Each track's language as the mdhd boxes hold it, read from the bytes: after version,
    flags, two times, the time scale and the duration (version 0: 4 bytes each), 15 bits,
    three letters of five bits, each letter minus 0x60 (ISO/IEC 14496-12, 8.4.2)."""
    data, languages, at = path.read_bytes(), [], 0
    while (at := data.find(b"mdhd", at + 1)) > 0:
        assert data[at + 4] == 0  # version 0
        (packed,) = struct.unpack(">H", data[at + 24 : at + 26])
        languages.append("".join(chr(0x60 + (packed >> shift & 0x1F)) for shift in (10, 5, 0)))
    return languages


def test_the_title_and_the_sounds_language_are_written(source, tmp_path):
    out = tmp_path / "titled.mp4"
    video.write_constant_rate([source], out, SMALL, np.zeros(48_000, np.float32), TITLE)
    with av.open(str(out)) as container:
        assert container.metadata["title"] == TITLE
        assert container.streams.audio[0].metadata["language"] == "eng"
    assert media_languages(out) == ["und", "eng"]  # the picture has none; the speech, English


def test_a_silent_film_has_its_title_and_no_sound(source, tmp_path):
    out = tmp_path / "silent.mp4"
    video.write_constant_rate([source], out, SMALL, None, TITLE)
    with av.open(str(out)) as container:
        assert container.metadata["title"] == TITLE
        assert not container.streams.audio
    assert media_languages(out) == ["und"]


def test_the_same_inputs_give_the_same_bytes(source, tmp_path):
    first, second = tmp_path / "first.mp4", tmp_path / "second.mp4"
    for out in (first, second):
        video.write_constant_rate([source], out, SMALL, np.zeros(48_000, np.float32), TITLE)
    assert first.read_bytes() == second.read_bytes()


def test_the_titles_name_the_film_the_section_and_the_seed():
    scorecard = next(section for section in SECTIONS if section.number == 2)
    assert video.lecture_title(7) == "The Mechanics of Learning (seed 7)"
    # The section's full title, as chapters.txt and the manifest name it.
    assert video.section_title(scorecard, 7) == (
        "The Mechanics of Learning: 2. The Scorecard (Loss) (seed 7)"
    )


def test_a_sections_render_key_holds_its_title(tmp_path, monkeypatch):
    """The title is in the section's bytes, so a section rendered under another title (or
    none, before titles) is rendered again, not reused."""
    job = Job(SECTIONS[0], 0, QUALITIES["preview"], tmp_path)
    before = reuse.render_key(job, SECTIONS, {})
    monkeypatch.setattr(video, "section_title", lambda section, seed: "Another title")
    assert reuse.render_key(job, SECTIONS, {}) != before
