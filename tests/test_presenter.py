"""presenter.html in a real browser: Debian's Chromium, headless, driven by Playwright, opens
the page from file:// in a rendered lecture folder and presses the lecturer's keys. The page
must stop on each beat's last frame (the picture compared with the decoded video), go back,
jump, blank, follow in the notes window, and explain a missing file instead of going blank.

The timeline the page reads is checked first against what it is made from: the sections'
videos, frame by frame, and the lines each scene spoke.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Browser, Page

from publishing import video
from publishing.film import LECTURE_STEM, SECTIONS
from scenes.narration import PAUSE_AFTER_SPEECH

from .frame_audit import mean_difference
from .lecture_rendering import TINY, fixture_sections, render_tiny, scene_report, spoken_lines

FAST = 16  # playback rate (Chromium's highest) for walking the whole lecture: same logic
NOISE = 2.5  # mean |RGB| difference between Chromium's picture and PyAV's decode of a frame
# (measured 0.98 to 1.0 on frames of every section); other frames differ by 1.4 to 38, or
# not at all where the film holds still


# ---- the timeline, from what it is made of -----------------------------------------------
def timeline_of(folder: Path) -> dict:
    return json.loads((folder / "beats.json").read_text())


def test_the_beats_tile_the_lecture_frame_for_frame(lecture):
    timeline = timeline_of(lecture)
    counts = [video.frame_count(lecture / f"{section.stem}.mp4") for section in SECTIONS]
    offsets = np.cumsum([0, *counts])
    assert timeline["frames"] == offsets[-1] == video.frame_count(lecture / f"{LECTURE_STEM}.mp4")
    assert timeline["fps"] == TINY.fps and timeline["voiced"] is True
    beats = timeline["beats"]
    assert beats[0]["start_frame"] == 0 and beats[-1]["end_frame"] == offsets[-1]
    for before, after in zip(beats, beats[1:], strict=False):
        assert before["end_frame"] == after["start_frame"] > before["start_frame"]
    for beat in beats:
        assert beat["start"] == pytest.approx(beat["start_frame"] / TINY.fps, abs=1e-6)
        assert beat["end"] == pytest.approx(beat["end_frame"] / TINY.fps, abs=1e-6)
    for section, offset, count in zip(SECTIONS, offsets, counts, strict=False):
        # The scene's own beats, as it noted them: no frame of its video outside a beat.
        noted = scene_report(lecture, section).beats
        assert noted[0]["start_frame"] == 0 and noted[-1]["end_frame"] == count, section.stem
        ours = [beat for beat in beats if beat["section"] == section.number]
        assert [(b["name"], b["start_frame"], b["end_frame"]) for b in ours] == [
            (b["name"], b["start_frame"] + offset, b["end_frame"] + offset) for b in noted
        ]


def test_every_line_is_said_inside_one_beat_before_it_ends(lecture):
    """So a presenter pausing at a beat's end never cuts a line short."""
    timeline = timeline_of(lecture)
    fps = TINY.fps
    starts = [section["start_frame"] for section in timeline["sections"]]
    for section, start in zip(SECTIONS, starts, strict=True):
        lines = spoken_lines(lecture, section)
        beats = [beat for beat in timeline["beats"] if beat["section"] == section.number]
        assert [line["id"] for beat in beats for line in beat["lines"]] == [
            line["id"] for line in lines
        ]
        said = {line["id"]: line for line in lines}
        for beat in beats:
            for line in beat["lines"]:
                spoken = said[line["id"]]
                assert line["words"] == spoken["words"]
                begins = start + spoken["start"] * fps
                ends = start + (spoken["start"] + spoken["seconds"] + PAUSE_AFTER_SPEECH) * fps
                assert beat["start_frame"] <= begins + 1e-6, line["id"]
                assert ends <= beat["end_frame"] + 1e-6, line["id"]


# ---- the browser (conftest's `browser`: Debian's Chromium) -------------------------------
@pytest.fixture(scope="module")
def film_frames(lecture) -> list[np.ndarray]:
    """Every frame of the lecture video, decoded by FFmpeg (PyAV), not by the browser."""
    return list(video.frames(lecture / f"{LECTURE_STEM}.mp4"))


def open_presenter(browser: Browser, folder: Path, fragment: str = "") -> Page:
    """The page from file://, in a window the video's own size: one pixel per pixel."""
    tab = browser.new_page(viewport={"width": TINY.width, "height": TINY.height})
    tab.goto((folder / "presenter.html").as_uri() + fragment)
    tab.wait_for_function("document.body.dataset.phase !== 'loading'")
    return tab


def state(page: Page) -> dict:
    return page.evaluate(
        """() => ({phase: document.body.dataset.phase, beat: Number(document.body.dataset.beat),
                   blank: document.body.dataset.blank, time: film.currentTime,
                   paused: film.paused})"""
    )


def wait_for(page: Page, phase: str, beat: int, timeout: float = 30_000) -> dict:
    """Wait until the page is in `phase` at `beat` and its video has finished seeking."""
    page.wait_for_function(
        f"""document.body.dataset.phase === '{phase}' && document.body.dataset.beat === '{beat}'
            && !film.seeking && film.readyState >= 2""",
        timeout=timeout,
    )
    return state(page)


def picture(page: Page) -> np.ndarray:
    """What the video element shows now, as the browser paints it."""
    png = page.locator("#film").screenshot()
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def assert_shows_frame(page: Page, frames: list[np.ndarray], index: int) -> None:
    """The browser shows frame `index` within a second or two: as close to it as decoding
    allows, and no nearer to any frame around it (frames that are the same picture tie)."""
    deadline = time.monotonic() + 2.0
    while True:
        shot = picture(page)
        near = {
            k: mean_difference(shot, frames[k])
            for k in range(index - 3, index + 4)
            if 0 <= k < len(frames)
        }
        if near[index] <= NOISE and near[index] <= min(near.values()) + 0.3:
            return
        assert time.monotonic() < deadline, (index, near)
        page.wait_for_timeout(100)


def assert_within_frame(seconds: float, frame: int) -> None:
    """The playback position lies inside frame `frame` of the video."""
    assert frame / TINY.fps <= seconds < (frame + 1) / TINY.fps, (seconds, frame)


def test_each_beat_stops_on_its_last_frame(browser, lecture, film_frames):
    """Walk the whole lecture: each press of → plays one beat, which stops showing its own
    last frame, not the next beat's first."""
    beats = timeline_of(lecture)["beats"]
    page = open_presenter(browser, lecture)
    page.keyboard.press("h")  # the overlay off: the film's pixels only
    page.evaluate(f"film.playbackRate = {FAST}")
    assert_shows_frame(page, film_frames, 0)
    for index, beat in enumerate(beats):
        page.keyboard.press("ArrowRight")
        now = wait_for(page, "done", index)
        assert now["paused"]
        assert_within_frame(now["time"], beat["end_frame"] - 1)
        assert_shows_frame(page, film_frames, beat["end_frame"] - 1)
    page.keyboard.press("ArrowRight")  # after the last beat there is nothing more to play
    assert state(page)["phase"] == "done" and state(page)["beat"] == len(beats) - 1
    page.close()


def test_the_voice_plays_at_normal_speed_and_stops_with_its_beat(browser, lecture):
    """The shortest beat that speaks, played at normal speed with its sound."""
    beats = timeline_of(lecture)["beats"]
    spoken = min(
        (index for index, beat in enumerate(beats) if beat["lines"]),
        key=lambda index: beats[index]["end_frame"] - beats[index]["start_frame"],
    )
    section = beats[spoken]["section"]
    first = next(index for index, beat in enumerate(beats) if beat["section"] == section)
    page = open_presenter(browser, lecture)
    page.keyboard.press(str(section))
    wait_for(page, "ready", first)
    page.evaluate(f"film.playbackRate = {FAST}")
    for index in range(first, spoken):
        page.keyboard.press("ArrowRight")
        wait_for(page, "done", index)
    page.evaluate("film.playbackRate = 1")
    page.keyboard.press("ArrowRight")
    now = wait_for(page, "done", spoken)
    assert_within_frame(now["time"], beats[spoken]["end_frame"] - 1)
    sound = page.evaluate(
        "({muted: film.muted, volume: film.volume, bytes: film.webkitAudioDecodedByteCount})"
    )
    assert sound["muted"] is False and sound["volume"] == 1 and sound["bytes"] > 0
    page.close()


def test_next_while_playing_finishes_the_beat(browser, lecture, film_frames):
    beats = timeline_of(lecture)["beats"]
    page = open_presenter(browser, lecture)
    page.keyboard.press("h")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("document.body.dataset.phase === 'playing'")
    page.keyboard.press("ArrowRight")
    now = wait_for(page, "done", 0)
    assert_within_frame(now["time"], beats[0]["end_frame"] - 1)
    assert_shows_frame(page, film_frames, beats[0]["end_frame"] - 1)
    page.close()


def test_back_goes_to_the_beats_start_then_to_the_one_before(browser, lecture, film_frames):
    beats = timeline_of(lecture)["beats"]
    page = open_presenter(browser, lecture)
    page.keyboard.press("h")
    page.evaluate(f"film.playbackRate = {FAST}")
    for index in (0, 1):
        page.keyboard.press("ArrowRight")
        wait_for(page, "done", index)
    for key, beat in (("ArrowLeft", 1), ("PageUp", 0), ("ArrowLeft", 0)):
        page.keyboard.press(key)
        now = wait_for(page, "ready", beat)
        assert now["paused"]
        assert_within_frame(now["time"], beats[beat]["start_frame"])
        assert_shows_frame(page, film_frames, beats[beat]["start_frame"])
    page.keyboard.press("PageDown")  # a clicker's forward key plays the beat from its start
    wait_for(page, "done", 0)
    page.close()


def test_number_keys_jump_to_the_start_of_a_section(browser, lecture):
    timeline = timeline_of(lecture)
    beats = timeline["beats"]
    page = open_presenter(browser, lecture)
    for section in reversed(timeline["sections"]):
        number = section["number"]
        first = next(i for i, beat in enumerate(beats) if beat["section"] == number)
        page.keyboard.press(str(number))
        now = wait_for(page, "ready", first)
        assert_within_frame(now["time"], section["start_frame"])
        overlay = page.locator("#overlay").inner_text()
        count = sum(beat["section"] == number for beat in beats)
        assert f"{number} \u00b7 {section['title']}" in overlay
        assert f"beat 1 of {count}" in overlay
    page.keyboard.press("9")  # no such section: nothing moves
    assert state(page)["beat"] == 0
    page.close()


def test_blank_hides_the_film_and_holds_it_until_pressed_again(browser, lecture):
    page = open_presenter(browser, lecture)
    page.keyboard.press("ArrowRight")
    page.wait_for_function("document.body.dataset.phase === 'playing' && film.currentTime > 0.5")
    page.keyboard.press("b")
    page.wait_for_timeout(100)
    held = state(page)
    assert held["blank"] == "on" and held["paused"]
    screen = np.asarray(Image.open(io.BytesIO(page.screenshot())).convert("RGB"))
    assert screen.max() == 0  # all black: nothing of the film, no overlay
    page.wait_for_timeout(300)
    assert state(page)["time"] == held["time"]
    page.keyboard.press("ArrowRight")  # a clicker's forward key brings the film back first
    page.wait_for_function(f"film.currentTime > {held['time']}")  # and it plays on
    back = state(page)
    assert back["blank"] == "off" and back["phase"] == "playing" and back["beat"] == 0
    page.close()


def test_full_screen_and_the_overlay_toggle(browser, lecture):
    page = open_presenter(browser, lecture)
    assert page.locator("#overlay").is_visible()
    start = page.locator("#start")  # over the film's first frame, which is still empty
    assert start.is_visible() and "The Mechanics of Learning" in start.inner_text()
    assert f"in {len(timeline_of(lecture)['beats'])} beats, narrated" in start.inner_text()
    page.keyboard.press("h")
    assert not page.locator("#overlay").is_visible()
    page.keyboard.press("h")
    assert page.locator("#overlay").is_visible()
    page.keyboard.press("f")
    page.wait_for_function("document.fullscreenElement !== null")
    page.keyboard.press("f")
    page.wait_for_function("document.fullscreenElement === null")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("document.body.dataset.phase === 'playing'")
    assert not start.is_visible()
    page.close()


def notes_text(notes: Page, part: str) -> str:
    return notes.locator(f"#notes .{part}").inner_text()


def test_the_notes_window_follows_the_film_and_steers_it(browser, lecture):
    timeline = timeline_of(lecture)
    beats = timeline["beats"]
    page = open_presenter(browser, lecture)
    page.evaluate(f"film.playbackRate = {FAST}")
    with page.expect_popup() as opened:
        page.keyboard.press("s")
    notes = opened.value
    notes.wait_for_function("document.body.dataset.beat === '0'")
    assert notes_text(notes, "now") == "(No narration in this beat.)"  # the title card
    assert notes_text(notes, "next") == beats[1]["lines"][0]["words"]
    assert re.fullmatch(r"\d\d:\d\d:\d\d", notes_text(notes, "clock"))
    assert "beat 1 of" in notes_text(notes, "where")

    page.keyboard.press("ArrowRight")  # in the film's window
    wait_for(page, "done", 0)
    notes.wait_for_function("document.body.dataset.phase === 'done'")
    assert notes_text(notes, "status") == "Paused at the end of this beat"

    notes.keyboard.press("ArrowRight")  # in the notes window: the film plays the next beat
    wait_for(page, "done", 1)
    notes.wait_for_function("document.body.dataset.beat === '1'")
    said = [line["words"] for line in beats[1]["lines"]]
    assert notes_text(notes, "now").split("\n\n") == said
    assert notes_text(notes, "next") == beats[2]["lines"][0]["words"]

    notes.keyboard.press("3")
    third = next(i for i, beat in enumerate(beats) if beat["section"] == 3)
    wait_for(page, "ready", third)
    notes.wait_for_function(f"document.body.dataset.beat === '{third}'")
    assert notes_text(notes, "where").startswith(f"3 \u00b7 {timeline['sections'][2]['title']}")
    notes.keyboard.press("b")
    page.wait_for_function("document.body.dataset.blank === 'on'")
    notes.wait_for_function("document.body.dataset.blank === 'on'")
    assert notes.locator("#notes .now").is_visible()  # only the film goes black
    assert notes_text(notes, "status").endswith("the film is blanked (B)")
    listed = notes.locator("#notes .section-beats li").all_inner_texts()
    assert listed == [beat["title"] for beat in beats if beat["section"] == 3]
    page.reload()  # the film's page starts again: the notes find it again
    page.wait_for_function("document.body.dataset.phase === 'ready'")
    page.keyboard.press("2")
    second = next(i for i, beat in enumerate(beats) if beat["section"] == 2)
    notes.wait_for_function(f"document.body.dataset.beat === '{second}'", timeout=5000)
    notes.close()
    page.close()


# ---- what the page says when something is missing ----------------------------------------
def partial_copy(lecture: Path, folder: Path, leave_out: set[str]) -> Path:
    folder.mkdir()
    for name in ("presenter.html", "beats.js", "beats.json", f"{LECTURE_STEM}.mp4"):
        if name not in leave_out:
            shutil.copyfile(lecture / name, folder / name)
    return folder


@pytest.mark.parametrize(
    ("leave_out", "said"),
    [
        ({"beats.js", "beats.json"}, "The lecture's timeline, beats.js, is missing"),
        ({"beats.js"}, "The lecture's timeline, beats.js, is missing"),
        ({f"{LECTURE_STEM}.mp4"}, f"The lecture video, {LECTURE_STEM}.mp4, cannot be played"),
    ],
)
def test_a_missing_file_is_explained_on_the_page(browser, lecture, tmp_path, leave_out, said):
    folder = partial_copy(lecture, tmp_path / "copy", leave_out)
    page = open_presenter(browser, folder)
    page.wait_for_function("document.body.dataset.phase === 'error'")
    message = page.locator("#message")
    assert message.is_visible()
    assert message.locator("h1").inner_text() == said
    assert "render.py" in message.inner_text()
    page.close()


def test_a_video_that_is_not_the_timelines_is_refused(browser, lecture, tmp_path):
    folder = partial_copy(lecture, tmp_path / "copy", {f"{LECTURE_STEM}.mp4"})
    shutil.copyfile(lecture / f"{SECTIONS[0].stem}.mp4", folder / f"{LECTURE_STEM}.mp4")
    page = open_presenter(browser, folder)
    page.wait_for_function("document.body.dataset.phase === 'error'")
    assert "does not match beats.js" in page.locator("#message h1").inner_text()
    page.close()


def test_the_notes_page_opened_on_its_own_says_how_to_open_it(browser, lecture):
    page = open_presenter(browser, lecture, "#notes")
    page.wait_for_function("document.body.dataset.phase === 'error'")
    assert "press S" in page.locator("#message").inner_text()
    page.close()


# ---- a silent lecture of plain Manim scenes ----------------------------------------------
def test_a_silent_lecture_of_plain_scenes_steps_a_section_at_a_time(browser, tmp_path):
    """Scenes that note no beats (plain Manim) are one beat each, and a silent film plays
    no sound: the lecturer speaks."""
    out = tmp_path / "out"
    sections = fixture_sections(tmp_path / "scenes")
    assert render_tiny("--out", str(out), "--voice", "none", sections=sections) == 0
    folder = out / "seed-0" / "tiny"
    timeline = timeline_of(folder)
    assert timeline["voiced"] is False
    counts = [video.frame_count(folder / f"{section.stem}.mp4") for section in sections]
    assert [(b["start_frame"], b["end_frame"], b["lines"]) for b in timeline["beats"]] == [
        (0, counts[0], []),
        (counts[0], sum(counts), []),
    ]
    page = open_presenter(browser, folder)
    for index, beat in enumerate(timeline["beats"]):
        page.keyboard.press(" ")
        now = wait_for(page, "done", index)
        assert_within_frame(now["time"], beat["end_frame"] - 1)
    assert page.evaluate("film.webkitAudioDecodedByteCount") == 0
    page.close()
