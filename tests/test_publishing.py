"""render.py end to end: the real lecture, rendered tiny, lands as a folder ready to present
and to upload; the same seed gives the same frames; interrupted runs resume."""

from __future__ import annotations

import importlib.metadata
import json
import re
import shutil
import signal
import time
from datetime import timedelta
from pathlib import Path

import av
import numpy as np
import pytest
import srt
from PIL import Image

from common.audio import EDGE_SECONDS
from common.files import sha256
from mechanics import lesson
from publishing import soundtrack, video
from publishing.choreography.measure import choreography
from publishing.choreography.report import targets
from publishing.explore import page_text
from publishing.film import LECTURE_STEM, SECTIONS, thumbnail_section
from publishing.thumbnail import BOTTOM_BAND, SIZE, TOP_BAND
from scenes.narration import PAUSE_AFTER_SPEECH
from scenes.sections import with_section
from voices.base import CACHE_VARIABLE

from .audio_checks import (
    bs1770_loudness,
    fft_true_peak_dbtp,
    number_in_words,
    peak_windows,
    rms_windows,
    share_heard,
    spoken_words,
    transcript,
)
from .lecture_rendering import (
    TINY,
    fixture_sections,
    render_in_a_process,
    render_tiny,
    scene_report,
    spoken_lines,
)
from .scene_rendering import caption_words
from .test_captions_vtt import read_vtt

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def manifest(lecture) -> dict:
    return json.loads((lecture / "manifest.json").read_text())


def section_videos(folder: Path) -> list[Path]:
    return [folder / f"{section.stem}.mp4" for section in SECTIONS]


def starts(folder: Path) -> list[float]:
    """Where each section begins in the full lecture, from the frames it holds."""
    lengths = [video.frame_count(path) / TINY.fps for path in section_videos(folder)]
    return list(np.cumsum([0.0, *lengths[:-1]]))


def test_the_folder_holds_the_lecture_its_sections_and_publishing_files(lecture):
    names = {path.name for path in lecture.iterdir()}
    expected = {f"{s.stem}.{ext}" for s in SECTIONS for ext in ("mp4", "srt", "vtt")} | {
        f"{LECTURE_STEM}.mp4",
        f"{LECTURE_STEM}.srt",
        f"{LECTURE_STEM}.vtt",
        "chapters.txt",
        "thumbnail.png",
        "presenter.html",
        "beats.json",
        "beats.js",
        "explore.html",
        "manifest.json",
    }
    assert expected <= names
    assert not list(lecture.rglob("*.partial"))


@pytest.mark.parametrize("name", [f"{s.stem}.mp4" for s in SECTIONS] + [f"{LECTURE_STEM}.mp4"])
def test_every_video_fits_youtubes_recommendations(lecture, name):
    facts = video.facts(lecture / name)
    assert (facts.codec, facts.profile, facts.pixel_format) == ("h264", "High", "yuv420p")
    assert facts.fast_start, facts.top_level_boxes
    assert (facts.width, facts.height) == (TINY.width, TINY.height)
    assert facts.frame_rate == TINY.fps
    assert len(facts.frame_durations) == 1  # a constant frame rate
    assert facts.audio_streams == 1
    sound = soundtrack.sound_facts(lecture / name)
    assert (sound.codec, sound.profile, sound.sample_rate, sound.channels) == (
        "aac",
        "LC",
        48_000,
        2,
    )
    # As long as the picture, but for the AAC encoder's last frame of padding.
    assert 0 <= sound.seconds - facts.frames / TINY.fps < soundtrack.AAC_FRAME / 48_000
    gaps = np.diff([*facts.keyframe_indices, facts.frames])
    assert facts.keyframe_indices[0] == 0 and gaps.max() <= max(1, TINY.fps // 2)


def test_the_full_lecture_is_the_sections_frame_for_frame(lecture):
    joined = video.frame_digests(lecture / f"{LECTURE_STEM}.mp4")
    pieces = [digest for path in section_videos(lecture) for digest in video.frame_digests(path)]
    assert joined == pieces


def test_each_sections_captions_parse_and_fall_inside_its_video(lecture):
    for path in section_videos(lecture):
        cues = list(srt.parse(path.with_suffix(".srt").read_text()))
        length = timedelta(seconds=video.frame_count(path) / TINY.fps)
        assert cues, path
        assert all(timedelta(0) <= cue.start < cue.end <= length for cue in cues), path


def test_the_lectures_captions_are_the_sections_moved_by_their_starts(lecture):
    expected = []
    for path, start in zip(section_videos(lecture), starts(lecture), strict=True):
        for cue in srt.parse(path.with_suffix(".srt").read_text()):
            offset = timedelta(seconds=start)
            expected.append((cue.start + offset, cue.end + offset, cue.content))
    merged = list(srt.parse((lecture / f"{LECTURE_STEM}.srt").read_text()))
    assert [(cue.start, cue.end, cue.content) for cue in merged] == expected
    assert [cue.index for cue in merged] == list(range(1, len(merged) + 1))
    length = timedelta(seconds=video.frame_count(lecture / f"{LECTURE_STEM}.mp4") / TINY.fps)
    assert merged[-1].end <= length
    assert any(f"{lesson(0).target}" in cue.content for cue in merged)


@pytest.mark.parametrize("stem", [s.stem for s in SECTIONS] + [LECTURE_STEM])
def test_each_webvtt_parses_and_holds_exactly_its_srts_cues(lecture, stem):
    cues = list(srt.parse((lecture / f"{stem}.srt").read_text()))
    escaped = [cue.content.replace("&", "&amp;").replace("<", "&lt;") for cue in cues]
    expected = [(cue.start, cue.end, text) for cue, text in zip(cues, escaped, strict=True)]
    assert read_vtt((lecture / f"{stem}.vtt").read_text()) == expected


@pytest.mark.parametrize(
    "stem, title",
    [(s.stem, f"The Mechanics of Learning: {s.number}. {s.title} (seed 0)") for s in SECTIONS]
    + [(LECTURE_STEM, "The Mechanics of Learning (seed 0)")],
)
def test_every_video_is_titled_and_speaks_english(lecture, stem, title):
    with av.open(str(lecture / f"{stem}.mp4")) as container:
        assert container.metadata["title"] == title
        assert container.streams.audio[0].metadata["language"] == "eng"


def test_chapters_are_youtube_lines_at_the_real_section_boundaries(lecture):
    lines = (lecture / "chapters.txt").read_text().splitlines()
    assert len(lines) == len(SECTIONS) >= 3
    assert lines[0].startswith("0:00 ")
    section_starts = starts(lecture)
    for line, section, start in zip(lines, SECTIONS, section_starts, strict=True):
        minutes, seconds, title = re.fullmatch(r"(\d+):(\d\d) (.+)", line).groups()
        assert int(minutes) * 60 + int(seconds) == int(start)
        assert title == section.title
    ends = [*section_starts[1:], video.frame_count(lecture / f"{LECTURE_STEM}.mp4") / TINY.fps]
    assert all(end - start >= 10 for start, end in zip(section_starts, ends, strict=True))


def test_explore_html_is_the_seeds_machine_linked_to_the_lectures_chapters(lecture, manifest):
    """The page beside the lecture is the one the engine's seed gives, with each section's
    link at the start its video's frames put it (see test_explore.py for the page itself)."""
    page = (lecture / "explore.html").read_text()
    chapter_starts = dict(zip([s.slug for s in SECTIONS], starts(lecture), strict=True))
    assert page == page_text(lesson(0), chapter_starts)
    for slug, start in chapter_starts.items():
        assert f'"{slug}":{{"href":"{LECTURE_STEM}.mp4#t={start:.2f}"' in page
    [entry] = [entry for entry in manifest["files"] if entry["kind"] == "explore"]
    assert entry["file"] == "explore.html"


def test_the_thumbnail_is_a_real_frame_of_the_loop_with_the_title(lecture):
    thumbnail = Image.open(lecture / "thumbnail.png")
    assert thumbnail.format == "PNG" and thumbnail.size == SIZE == (1280, 720)
    loop = thumbnail_section()
    key_frames = scene_report(lecture, loop).key_frames
    (moment,) = [k["seconds"] for k in key_frames if k["name"] == loop.thumbnail_beat]
    frame = video.frame_at(lecture / f"{loop.stem}.mp4", moment - 0.5 / TINY.fps)
    source = np.asarray(Image.fromarray(frame).resize(SIZE, Image.Resampling.LANCZOS), int)
    pixels = np.asarray(thumbnail.convert("RGB"), int)
    middle = slice(TOP_BAND, SIZE[1] - BOTTOM_BAND)
    assert np.abs(pixels[middle] - source[middle]).max() == 0
    title_band = pixels[:TOP_BAND]
    assert (title_band.max(axis=2) > 200).mean() > 0.02  # the title's light type is there


# ---- the voice ---------------------------------------------------------------------------


def test_the_lecture_plays_at_youtubes_loudness_under_the_peak_ceiling(lecture, manifest):
    sound = soundtrack.decoded(lecture / f"{LECTURE_STEM}.mp4")
    loudness, peak = bs1770_loudness(sound), fft_true_peak_dbtp(sound)
    assert -15.0 <= loudness <= -13.0
    assert peak <= -1.0
    assert np.abs(sound).max() < 0.999  # nothing clipped
    measured = manifest["audio"]
    assert measured["integrated_loudness_lufs"] == pytest.approx(loudness, abs=0.1)
    assert measured["true_peak_dbtp"] == pytest.approx(peak, abs=0.2)
    assert (measured["codec"], measured["sample_rate"], measured["channels"]) == (
        "aac LC",
        48_000,
        2,
    )
    # The film's default voice, named with its model and its files' digests.
    assert manifest["voice"]["name"] == "sky (US, female) (Kokoro-82M v1.0)"
    assert "Apache-2.0" in manifest["voice"]["model"]
    assert (
        "6e742170d309016e5891a994e1ce1559c702a2ccd0075e67ef7157974f6406cb"
        in (manifest["voice"]["model"])
    )


def test_each_line_is_spoken_in_its_own_span_with_silence_between(lecture):
    """Speech lies inside each line's span from the scene's timeline, and silence outside,
    in every section and in the full lecture at the sections' starts; and each line's sound
    begins where its span does, to within 10 ms, so picture and sound are in step across
    every join."""
    lecture_sound = soundtrack.decoded(lecture / f"{LECTURE_STEM}.mp4")[:, 0]
    for section, start in zip(SECTIONS, starts(lecture), strict=True):
        lines = spoken_lines(lecture, section)
        own = soundtrack.decoded(lecture / f"{section.stem}.mp4")[:, 0]
        length = len(own)
        offset = round(start * 48_000)
        for sound in (own, lecture_sound[offset : offset + length]):
            level = rms_windows(sound)  # 20 ms windows
            fine = peak_windows(sound)  # 5 ms windows: a soft first sound counts
            spoken = np.zeros(len(level), bool)
            for line in lines:
                first, last = line["start"] / 0.02, (line["start"] + line["seconds"]) / 0.02
                inside = level[int(first) + 3 : int(last) - 3]
                assert np.mean(inside > -45) > 0.6, line["id"]  # speech, with its own pauses
                # The first sound: within the clip's lead-in (up to 40 ms of quiet before
                # the speech, which levelling may lift above the threshold), not before.
                look_from = int(line["start"] / 0.005) - 20
                onset = (np.argmax(fine[look_from:] > -45) + look_from) * 0.005
                assert line["start"] - 0.01 <= onset <= line["start"] + EDGE_SECONDS + 0.01, (
                    line["id"],
                    onset - line["start"],
                )
                spoken[max(int(first) - 2, 0) : int(last) + 3] = True
            assert (level[~spoken] < -60).all(), section.stem  # silence between lines


def test_no_line_is_cut_off_or_runs_into_the_next(lecture):
    for section in SECTIONS:
        lines = spoken_lines(lecture, section)
        seconds = video.frame_count(lecture / f"{section.stem}.mp4") / TINY.fps
        ends = [line["start"] + line["seconds"] for line in lines]
        assert all(
            a + PAUSE_AFTER_SPEECH <= b["start"] + 1e-9
            for a, b in zip(ends, lines[1:], strict=False)
        )
        assert ends[-1] <= seconds, section.stem


def test_captions_are_timed_to_the_speech(lecture):
    """Each line's cues say its words in order: the first comes on as the line starts, each
    next one as its first word is said, and the last goes when the speech and its pause end."""
    for section in SECTIONS:
        cues = list(srt.parse((lecture / f"{section.stem}.srt").read_text()))
        for line in spoken_lines(lecture, section):
            words, first = line["words"].split(), 0
            onsets = [line["start"]] + [line["start"] + a for _, a, _ in line["times"][1:]]
            while first < len(words):
                cue = cues.pop(0)
                shown = cue.content.split()
                assert shown == words[first : first + len(shown)], (cue.content, line["words"])
                assert cue.start.total_seconds() == pytest.approx(onsets[first], abs=0.001)
                first += len(shown)
            spoken_until = line["start"] + line["seconds"]
            assert spoken_until <= cue.end.total_seconds() + 0.001
            assert cue.end.total_seconds() <= spoken_until + PAUSE_AFTER_SPEECH + 0.001
        assert cues == []


LISTENED = ("02-loss", "05-generalization")  # the sections that speak the most numbers


def test_a_machine_hears_each_line_say_its_own_words_and_the_seeds_numbers(lecture):
    """PocketSphinx (offline, rough: it gets about two words in three right) listens to
    every line of two sections in the lecture's own sound, and to every line with a decimal
    number. Each line must be heard closer to its own words than to any other line's, and
    most decimal numbers, the seed's, must be heard in full."""
    sound = soundtrack.decoded(lecture / f"{LECTURE_STEM}.mp4")[:, 0]
    heard: dict[str, list[str]] = {}
    words: dict[str, str] = {}
    for section, start in zip(SECTIONS, starts(lecture), strict=True):
        for line in spoken_lines(lecture, section):
            if section.stem in LISTENED or re.search(r"\d\.\d", line["words"]):
                first = round((start + line["start"]) * 48_000)
                clip = sound[first : first + round(line["seconds"] * 48_000)]
                heard[line["id"]], words[line["id"]] = transcript(clip), line["words"]
    for line_id, transcribed in heard.items():
        scores = {
            other: share_heard(spoken_words(text), transcribed) for other, text in words.items()
        }
        assert max(scores, key=scores.get) == line_id, (line_id, transcribed)
    decimals = [
        (number_in_words(number), transcribed)
        for line_id, transcribed in heard.items()
        for number in re.findall(r"\d+\.\d+%?", words[line_id])
    ]
    in_full = [share_heard(said, transcribed) >= 0.75 for said, transcribed in decimals]
    assert len(decimals) >= 6 and np.mean(in_full) >= 0.75, decimals


def test_each_line_lasts_as_long_as_its_words_take_to_say(lecture):
    """Counted in words as they are said ("0.045" is five), over the whole clip: a line of
    numbers is not slow for being short on the page."""
    for section in SECTIONS:
        for line in spoken_lines(lecture, section):
            pace = 60 * len(spoken_words(line["words"])) / line["seconds"]
            assert 90 <= pace <= 270, (line["id"], pace)  # measured (Kokoro): 135 to 242


def test_the_manifest_describes_every_file_truly(lecture, manifest):
    assert manifest["seed"] == 0 and manifest["quality"]["name"] == "tiny"
    assert manifest["quality"]["fps"] == TINY.fps
    assert manifest["versions"]["manim"] == importlib.metadata.version("manim")
    assert manifest["versions"]["numpy"] == np.__version__
    assert manifest["versions"]["mechanics-of-learning"]
    listed = {entry["file"]: entry for entry in manifest["files"]}
    assert set(listed) == {
        path.name for path in lecture.iterdir() if path.is_file() and path.name != "manifest.json"
    }
    for name, entry in listed.items():
        assert entry["sha256"] == sha256(lecture / name), name
        assert entry["bytes"] == (lecture / name).stat().st_size
        if name.endswith(".mp4"):
            assert entry["frames"] == video.frame_count(lecture / name)
            assert entry["seconds"] == pytest.approx(entry["frames"] / TINY.fps)
    captioned = {name for name, entry in listed.items() if entry["kind"] == "captions"}
    assert captioned == {name for name in listed if name.endswith((".srt", ".vtt"))}
    sections = [entry for entry in manifest["files"] if entry["kind"] == "section"]
    assert [entry["title"] for entry in sections] == [s.title for s in SECTIONS]
    assert [entry["start_seconds"] for entry in sections] == pytest.approx(starts(lecture))


def test_the_manifests_key_numbers_are_the_engines(manifest):
    numbers, engine = manifest["key_numbers"], lesson(0)
    assert numbers["target"] == engine.target
    assert numbers["initial_target_probability"] == engine.target_probabilities[0]
    assert numbers["final_target_probability"] == engine.target_probabilities[-1]
    assert numbers["losses_per_step"] == list(engine.losses)
    assert numbers["target_probability_per_step"] == list(engine.target_probabilities)
    final = f"{100 * engine.target_probabilities[-1]:.1f}%"
    assert numbers["final_target_probability_shown"] == final
    assert numbers["steps"] == len(engine.trace) - 1
    run = engine.second_run
    second = numbers["second_run"]
    assert second["held_out_sentences"] == int(run.sentences.held_out.sum())
    held = run.sentences.held_out
    right = run.given[-1][held] == run.sentences.answers[held]
    assert second["held_out_right_after"] == int(right.sum())
    assert second["held_out_loss"] == [run.held_out_losses[0], run.held_out_losses[-1]]
    assert numbers["landscape"]["walls"] == list(engine.landscape.walls)


def test_a_second_run_reuses_every_section_and_the_lecture(lecture, manifest, capsys):
    files = {path.name: path.stat().st_mtime_ns for path in lecture.iterdir() if path.is_file()}
    out = lecture.parent.parent
    assert render_tiny("--seed", "0", "--out", str(out)) == 0
    printed = capsys.readouterr().out
    assert printed.count("reused from an earlier run") == len(SECTIONS)
    assert "is up to date" in printed
    assert {p.name: p.stat().st_mtime_ns for p in lecture.iterdir() if p.is_file()} == files


def test_a_lecture_file_gone_is_assembled_again_to_the_same_bytes(lecture, manifest, capsys):
    (lecture / "thumbnail.png").unlink()
    assert render_tiny("--seed", "0", "--out", str(lecture.parent.parent)) == 0
    printed = capsys.readouterr().out
    assert "is up to date" not in printed
    assert f"to play with its machine, open {lecture / 'explore.html'}" in printed
    assert json.loads((lecture / "manifest.json").read_text()) == manifest


def test_a_section_added_to_the_registry_renders_into_the_lecture(lecture, tmp_path, capsys):
    """Adding a section is one scene file and one registry entry: the fixture's sixth section
    renders beside the film's five into a six-chapter lecture whose manifest, captions and
    chapters include it. Sections 1-4 are reused, their keys unchanged; section 5 no longer
    ends the film, so it renders again without the closing card, which the sixth now plays
    (the registry reaches the scenes in their requests)."""
    from tests.fixtures.recap import RECAP

    out = tmp_path / "out"
    shutil.copytree(lecture.parent.parent, out)
    film = with_section(RECAP)
    assert render_tiny("--seed", "0", "--out", str(out), sections=film) == 0
    printed = capsys.readouterr().out
    assert printed.count("reused from an earlier run") == len(SECTIONS) - 1
    assert f"seed 0 {SECTIONS[-1].stem}: rendering" in printed
    folder = out / "seed-0" / "tiny"
    closing = "You have mastered the loop"
    assert closing in caption_words((folder / f"{RECAP.stem}.srt").read_text())
    assert closing not in caption_words((folder / f"{SECTIONS[-1].stem}.srt").read_text())
    recap = folder / f"{RECAP.stem}.mp4"
    assert recap.is_file()
    frames = sum(video.frame_count(folder / f"{s.stem}.mp4") for s in film)
    assert video.frame_count(folder / f"{LECTURE_STEM}.mp4") == frames
    manifest = json.loads((folder / "manifest.json").read_text())
    sections = [entry for entry in manifest["files"] if entry["kind"] == "section"]
    assert [entry["title"] for entry in sections] == [s.title for s in film]
    chapters = (folder / "chapters.txt").read_text().splitlines()
    assert len(chapters) == 6 and chapters[-1].endswith("Recap")
    engine = lesson(0)
    last = engine.trace[-1]
    captions = caption_words((folder / f"{LECTURE_STEM}.srt").read_text())
    assert f"the loss fell from {engine.trace[0].loss:.3f} to {last.loss:.3f}" in captions


# ---- determinism ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def loss_renders(tmp_path_factory) -> dict[str, Path]:
    """Section 2 rendered again, on its own (one job), for seed 0 and for seed 7, its lines
    spoken afresh (an empty cache of speech)."""
    out = tmp_path_factory.mktemp("again")
    args = ["--seed", "0", "7", "--sections", "loss", "--jobs", "1", "--out", str(out)]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CACHE_VARIABLE, str(tmp_path_factory.mktemp("fresh-speech")))
        assert render_tiny(*args) == 0
    return {seed: out / f"seed-{seed}" / "tiny" / "02-loss.mp4" for seed in (0, 7)}


def test_the_same_seed_gives_the_same_frames_whatever_the_jobs(lecture, loss_renders):
    first = lecture / "02-loss.mp4"  # rendered beside another section, two jobs at a time
    assert video.frame_digests(loss_renders[0]) == video.frame_digests(first)
    assert sha256(loss_renders[0]) == sha256(first)  # and, on one machine, the same bytes
    # The sound too, though its speech was synthesized again from an empty cache.
    assert np.array_equal(soundtrack.decoded(loss_renders[0]), soundtrack.decoded(first))


def test_another_seed_gives_other_frames(lecture, loss_renders):
    seed0 = video.frame_digests(lecture / "02-loss.mp4")
    assert video.frame_digests(loss_renders[7]) != seed0


def test_only_some_sections_make_no_full_lecture(loss_renders):
    folder = loss_renders[0].parent
    assert not (folder / f"{LECTURE_STEM}.mp4").exists()
    assert not (folder / "manifest.json").exists()


# ---- resuming and interruptions, with one-second fixture scenes ---------------------------


def test_a_crashed_section_leaves_no_lecture_and_the_next_run_resumes(tmp_path, capsys):
    out = tmp_path / "out"
    broken = fixture_sections(tmp_path / "scenes", second_scene="Broken")
    assert render_tiny("--out", str(out), "--seed", "3", sections=broken) == 1
    folder = out / "seed-3" / "tiny"
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "section 2 (Second) of seed 3 failed" in err
    assert (folder / "01-number.mp4").exists() and not (folder / "02-second.mp4").exists()
    assert not (folder / f"{LECTURE_STEM}.mp4").exists() and not (folder / "manifest.json").exists()
    assert not list(folder.rglob("*.partial"))
    first_render = (folder / "01-number.mp4").stat().st_mtime_ns

    fixed = fixture_sections(tmp_path / "scenes")
    assert render_tiny("--out", str(out), "--seed", "3", sections=fixed) == 0
    printed = capsys.readouterr().out
    assert "01-number: 1.0 s of video reused" in printed
    assert (folder / "01-number.mp4").stat().st_mtime_ns == first_render
    assert (folder / f"{LECTURE_STEM}.mp4").exists() and (folder / "manifest.json").exists()
    assert "no chapters.txt" in printed  # two one-second sections are not YouTube chapters


def test_changing_one_sections_code_renders_that_section_only(tmp_path, capsys):
    out = tmp_path / "out"
    sections = fixture_sections(tmp_path / "scenes")
    assert render_tiny("--out", str(out), sections=sections) == 0
    folder = out / "seed-0" / "tiny"
    before = video.frame_digests(folder / "02-second.mp4")
    capsys.readouterr()
    code = sections[1].file.read_text()
    sections[1].file.write_text(code.replace('f"Loss {first_loss', 'f"L = {first_loss'))
    assert render_tiny("--out", str(out), sections=sections) == 0
    printed = capsys.readouterr().out
    assert "01-number: 1.0 s of video reused" in printed
    assert "02-second: rendering" in printed
    assert video.frame_digests(folder / "02-second.mp4") != before


def test_several_seeds_make_one_lecture_each(tmp_path, capsys):
    out = tmp_path / "out"
    sections = fixture_sections(tmp_path / "scenes")
    assert render_tiny("--out", str(out), "--seed", "0", "7", sections=sections) == 0
    for seed in (0, 7):
        manifest = json.loads((out / f"seed-{seed}" / "tiny" / "manifest.json").read_text())
        assert manifest["seed"] == seed
        shown = f"{100 * lesson(seed).target_probabilities[0]:.1f}%"
        assert manifest["key_numbers"]["initial_target_probability_shown"] == shown


def test_ctrl_c_stops_every_render_and_leaves_no_lecture(tmp_path):
    out = tmp_path / "out"
    slow = fixture_sections(tmp_path / "scenes", second_scene="Slow")
    process = render_in_a_process(out, slow[0].file.parent)
    log = out / "seed-0" / "tiny" / "logs" / "02-second.log"
    deadline = time.monotonic() + 120
    while not (log.exists() and "Manim Community" in log.read_text()):
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.2)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr and "interrupted" in stderr
    folder = out / "seed-0" / "tiny"
    assert not (folder / "02-second.mp4").exists()
    assert not (folder / f"{LECTURE_STEM}.mp4").exists() and not (folder / "manifest.json").exists()
    assert not list(folder.rglob("*.partial"))
    assert not processes_running(str(slow[1].file))


def processes_running(argument: str) -> list[str]:
    """Command lines of this machine's processes that mention `argument` (from /proc)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            words = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if argument.encode() in words:
            found.append(b" ".join(words).decode(errors="replace"))
    return found


def test_the_narrated_lecture_is_paced_and_captioned_as_the_storyboard_asks(lecture):
    """The choreography report on seed 0's narrated lecture: the voice at a lecturer's pace,
    half a second or more between lines, captions to subtitle rules. These figures come from
    the words' times and the .srt, the same at any quality. The picture's figures (voice over
    a still picture, silences, spoken numbers on screen) need a real quality: at 256x144 and
    5 fps the encoder's noise moves every pixel and a play rounds to whole fifths of a
    second; they are measured at 1080p60 (README, Checking the choreography)."""
    report, _ = choreography(lecture)
    status = {target.name: target for target in targets(report)}
    for name in (
        "pace",
        "gaps between lines",
        "caption line length",
        "caption lines a cue",
        "caption speed",
    ):
        assert status[name].status == "PASS", status[name].line()
