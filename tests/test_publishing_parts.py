"""The publishing pieces on small inputs: captions, chapters, MP4 remux and join, render keys."""

from __future__ import annotations

import shutil
from datetime import timedelta
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
import srt

from common import audio, files
from publishing import captions, reuse, video
from publishing.captions import Part
from publishing.film import QUALITIES, Section
from publishing.job import Job
from publishing.reuse import render_key, source_files
from voices import base, kokoro, piper, registry, silent, speech, timing
from voices.base import code_digest

from .lecture_rendering import cache_content

AT_60 = QUALITIES["1080p"]  # 60 fps

# ---- captions and chapters -------------------------------------------------------------

FIRST = "1\n00:00:01,000 --> 00:00:03,000\nHello.\n\n2\n00:00:04,000 --> 00:00:09,500\nLate.\n"
SECOND = "1\n00:00:00,500 --> 00:00:02,000\nAgain.\n"


def test_merged_captions_move_each_section_by_its_start_and_stay_inside_it():
    parts = [Part("One", 0.0, 9.0, FIRST), Part("Two", 9.0, 5.0, SECOND)]
    cues = list(srt.parse(captions.merged_captions(parts)))
    assert [cue.index for cue in cues] == [1, 2, 3]
    assert [cue.content for cue in cues] == ["Hello.", "Late.", "Again."]
    assert cues[1].end == timedelta(seconds=9.0)  # clipped to the end of its section
    assert (cues[2].start, cues[2].end) == (timedelta(seconds=9.5), timedelta(seconds=11.0))


def test_a_section_without_captions_adds_no_cues():
    parts = [Part("One", 0.0, 9.0, ""), Part("Two", 9.0, 5.0, SECOND)]
    (cue,) = srt.parse(captions.merged_captions(parts))
    assert cue.start == timedelta(seconds=9.5)


@pytest.mark.parametrize(
    "seconds, written", [(0.0, "0:00"), (59.99, "0:59"), (61.0, "1:01"), (3725.0, "1:02:05")]
)
def test_chapter_times_are_written_as_youtube_reads_them(seconds, written):
    assert captions.chapter_time(seconds) == written


def test_chapter_lines_start_at_zero_and_follow_the_sections():
    parts = [Part("A", 0.0, 59.2, ""), Part("B", 59.2, 44.0, ""), Part("C", 103.2, 35.0, "")]
    assert captions.chapter_lines(parts) == "0:00 A\n0:59 B\n1:43 C\n"
    assert captions.chapters_problem(parts) is None


def test_chapters_youtube_would_refuse_are_named():
    two = [Part("A", 0.0, 30.0, ""), Part("B", 30.0, 30.0, "")]
    assert "at least 3" in captions.chapters_problem(two)
    short = [Part("A", 0.0, 30.0, ""), Part("B", 30.0, 4.0, ""), Part("C", 34.0, 30.0, "")]
    assert "B" in captions.chapters_problem(short)


# ---- MP4: constant rate, fast start, joins ---------------------------------------------


def write_clip(path: Path, colours: list[int], ticks: list[int], profile: str = "high") -> Path:
    """An H.264 clip with Manim's muxer layout (index at the end) and the given frame
    timestamps in 1/15360 s, which need not be evenly spaced."""
    with av.open(str(path), "w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=60, options={"profile": profile})
        stream.width, stream.height, stream.pix_fmt = 64, 32, "yuv420p"
        stream.codec_context.time_base = Fraction(1, 15360)
        for colour, tick in zip(colours, ticks, strict=True):
            picture = np.zeros((32, 64, 3), np.uint8)
            picture[:, : 4 + colour % 60] = (colour * 3 % 256, colour * 7 % 256, 90)
            frame = av.VideoFrame.from_ndarray(picture, format="rgb24")
            frame.pts, frame.time_base = tick, Fraction(1, 15360)
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return path


def uneven_ticks(count: int) -> list[int]:
    """Frame times like those Manim wrote for 04-loop: mostly 256 apart, now and then 251."""
    ticks, now = [], 0
    for k in range(count):
        ticks.append(now)
        now += 251 if k % 7 == 6 else 256
    return ticks


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    folder = tmp_path_factory.mktemp("clips")
    first = write_clip(folder / "first.mp4", list(range(40)), uneven_ticks(40))
    second = write_clip(folder / "second.mp4", list(range(100, 130)), uneven_ticks(30))
    other = write_clip(
        folder / "baseline.mp4", list(range(200, 220)), uneven_ticks(20), profile="baseline"
    )
    return first, second, other


def test_a_remuxed_section_has_a_constant_rate_fast_start_and_the_same_pictures(clips, tmp_path):
    first = clips[0]
    assert not video.facts(first).fast_start and len(video.facts(first).frame_durations) == 2
    out = tmp_path / "out.mp4"
    assert video.write_constant_rate([first], out, AT_60)
    facts = video.facts(out)
    assert facts.fast_start
    assert facts.frame_rate == 60 and facts.frames == 40
    assert len(facts.frame_durations) == 1
    assert video.frame_digests(out) == video.frame_digests(first)


def test_joined_sections_hold_every_picture_in_order_without_re_encoding(clips, tmp_path):
    first, second, _ = clips
    out = tmp_path / "joined.mp4"
    assert video.write_constant_rate([first, second], out, AT_60) is True
    assert video.frame_digests(out) == video.frame_digests(first) + video.frame_digests(second)
    facts = video.facts(out)
    assert facts.frames == 70 and facts.fast_start and facts.frame_rate == 60
    assert facts.seconds == pytest.approx(70 / 60)


def test_sections_that_cannot_be_copied_together_are_re_encoded(clips, tmp_path):
    first, _, baseline = clips
    assert not video.can_copy([first, baseline])
    out = tmp_path / "reencoded.mp4"
    assert video.write_constant_rate([first, baseline], out, AT_60) is False
    facts = video.facts(out)
    assert facts.frames == 60 and facts.fast_start and facts.codec == "h264"
    # Re-encoded, so close rather than equal: the last frame is the baseline clip's last.
    last = list(video.frames(out))[-1].astype(int)
    original = list(video.frames(baseline))[-1].astype(int)
    assert np.abs(last - original).mean() < 3


def test_a_frame_is_found_by_its_time(clips):
    first = clips[0]
    pictures = list(video.frames(first))
    with av.open(str(first)) as container:
        times = [frame.time for frame in container.decode(video=0)]
    for index in (0, 13, 39):
        assert np.array_equal(video.frame_at(first, times[index] + 0.001), pictures[index])
    assert np.array_equal(video.frame_at(first, 99.0), pictures[-1])


def test_a_failed_write_leaves_no_file(tmp_path):
    out = tmp_path / "never.mp4"
    with pytest.raises(av.error.FFmpegError):
        video.write_constant_rate([tmp_path / "missing.mp4"], out, AT_60)
    assert not list(tmp_path.iterdir())


# ---- render keys --------------------------------------------------------------------------


def test_the_render_key_changes_with_the_scene_the_seed_and_the_quality(tmp_path):
    scene = tmp_path / "scene.py"
    scene.write_text("# first version\n")
    section = Section(1, "one", "One", scene, "One")
    versions = {"manim": "0.22.0"}

    def key(seed=0, quality="preview", sections=(section,)):
        job = Job(section, seed, QUALITIES[quality], tmp_path / "out")
        return render_key(job, sections, versions)

    first = key()
    assert key() == first
    assert key(seed=1) != first
    assert key(quality="720p") != first
    assert render_key(Job(section, 0, QUALITIES["preview"], tmp_path), [section], {}) != first
    scene.write_text("# second version\n")
    assert key() != first


def test_another_sections_scene_is_not_part_of_a_sections_key(tmp_path):
    mine, theirs = tmp_path / "mine.py", tmp_path / "theirs.py"
    mine.write_text("# mine\n")
    theirs.write_text("# theirs\n")
    sections = (Section(1, "a", "A", mine, "A"), Section(2, "b", "B", theirs, "B"))
    job = Job(sections[0], 0, QUALITIES["preview"], tmp_path / "out")
    before = render_key(job, sections, {})
    theirs.write_text("# theirs, changed\n")
    assert render_key(job, sections, {}) == before


def test_a_sections_key_reads_the_voices_and_the_sound_code_below_them(tmp_path):
    """The voices time the lines and common/audio.py levels the sound, so an edit to what
    every voice shares must render the section again."""
    scene = tmp_path / "scene.py"
    scene.write_text("# a scene\n")
    section = Section(1, "one", "One", scene, "One")
    read = {path.resolve() for path in source_files(section, [section])}
    for module in (audio, files, base, speech, timing, registry):
        assert Path(module.__file__).resolve() in read, module.__name__


@pytest.mark.parametrize("voice", ["none", "piper", "kokoro", "kokoro:bf_emma"])
def test_an_edit_to_one_voice_re_renders_only_the_films_it_speaks(tmp_path, monkeypatch, voice):
    """Each voice's own module enters only its own films' keys: an edit to Kokoro's code
    changes a Kokoro film's key and leaves a Piper or silent film's alone, and the other
    way round. Each edit is made to a copy of the project's code that both the render key
    and the voices read."""
    scene = tmp_path / "scene.py"
    scene.write_text("# a scene\n")
    section = Section(1, "one", "One", scene, "One")
    job = Job(section, 0, QUALITIES["preview"], tmp_path / "out", voice=voice)
    modules = {"none": silent, "piper": piper, "kokoro": kokoro, "kokoro:bf_emma": kokoro}
    changed = {}
    for edited in {*modules.values()}:
        root = tmp_path / edited.__name__
        for package in ("common", "mechanics", "scenes", "voices"):
            shutil.copytree(reuse.ROOT / package, root / package)
        copy = root / "voices" / Path(edited.__file__).name
        with monkeypatch.context() as patched:
            patched.setattr(reuse, "ROOT", root)
            patched.setattr(edited, "__file__", str(copy))
            code_digest.cache_clear()
            before = render_key(job, [section], {})
            copy.write_text(copy.read_text() + "# edited\n")
            code_digest.cache_clear()
            changed[edited.__name__] = render_key(job, [section], {}) != before
    code_digest.cache_clear()
    assert changed == {module.__name__: module is modules[voice] for module in modules.values()}


# ---- Manim's command line with the cheaper frame hand-over --------------------------------


def test_manim_cli_writes_the_same_video_and_caches_as_manims_own_command_line(tmp_path):
    """The launcher render.py uses changes how frames are drawn and reach the encoder and
    how the text and LaTeX caches are written (whole or not at all), not what is shown: a
    scene with a Text, a MathTex, an animation and a wait (a frame held) decodes to Manim's
    own frames, and its cached SVGs and .tex are the same bytes. The held frame is encoded
    once (publishing/held_frames.py): each frame of the wait shows the wait's first frame,
    which is Manim's."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    scene = Path(__file__).resolve().parent / "fixtures" / "engine_number.py"
    videos, caches = [], []
    for module in ("manim", "publishing.manim_cli"):
        media = tmp_path / module
        arguments = [*QUALITIES["preview"].manim_flags, *QUALITIES["preview"].encoder_arguments]
        command = [sys.executable, "-m", module, "render", *arguments, "--disable_caching"]
        command += ["--media_dir", str(media), str(scene), "EngineFormula"]
        subprocess.run(command, cwd=root, check=True, capture_output=True)
        (video_file,) = media.rglob("EngineFormula.mp4")
        videos.append(video_file)
        cached = sorted([*media.glob("texts/*"), *media.glob("Tex/*")])
        caches.append(
            {
                (name := str(path.relative_to(media))): cache_content(name, path.read_bytes())
                for path in cached
            }
        )
    assert video.frame_count(videos[0]) == video.frame_count(videos[1]) == 15
    manims, ours = (video.frame_digests(path) for path in videos)
    played, waited = 8, 7  # 0.5 s of Write, then 0.5 s of wait, at 15 fps
    assert ours[: played + 1] == manims[: played + 1]  # the play, and the wait's first frame
    assert ours[played:] == [manims[played]] * waited
    kinds = sorted({(Path(name).parent.name, Path(name).suffix) for name in caches[0]})
    assert kinds == [("Tex", ".svg"), ("Tex", ".tex"), ("texts", ".svg")]  # both caches filled
    assert caches[0] == caches[1]


# ---- the thumbnail beat the registry names ------------------------------------------------


def test_a_thumbnail_beat_the_scene_no_longer_saves_is_an_error_not_a_quiet_fallback(tmp_path):
    """Renaming the beat without the registry would otherwise move the thumbnail silently."""
    from types import SimpleNamespace

    from publishing.lecture import thumbnail_moment
    from scenes.contract import SceneReport, SceneRequest

    def noting(name: str) -> SimpleNamespace:
        report = SceneReport(SceneRequest(), key_frames=({"name": name, "seconds": 3.0},))
        return SimpleNamespace(
            section=section, scene_report=lambda: report, video=tmp_path / "loop.mp4"
        )

    section = Section(1, "loop", "Loop", tmp_path / "loop.py", "Loop", thumbnail_beat="arrows")
    parts = [Part("Loop", 0.0, 10.0, "")]
    with pytest.raises(ValueError, match="no key frame 'arrows'"):
        thumbnail_moment([noting("arrows_renamed")], parts, AT_60)
    job = noting("arrows")
    assert thumbnail_moment([job], parts, AT_60) == (job.video, 3.0 - 0.5 / 60)
