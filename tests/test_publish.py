"""publish: uploads to a local YouTube (tests/youtube_server.py, its own process), resumed
from the byte the server holds, stopped by the quota and gone on from the ledger; and the
dry run's refusals, each from a planted bad input. The lectures are tiny fake lecture
folders shaped as render.py writes them (a real 1 MB MP4 made with PyAV, captions,
chapters, a 1280x720 thumbnail, a manifest)."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from publishing import cli, publish
from publishing.youtube import Retry

ROOT = Path(__file__).resolve().parent.parent
SERVER = Path(__file__).with_name("youtube_server.py")
CHUNK = 256 * 1024  # the smallest chunk YouTube takes
VIDEO_SECONDS = 150.0
CHAPTERS = "0:00 The Forward Pass\n0:40 The Loss\n1:30 The Wiggle\n"
CAPTIONS = (
    "1\n00:00:00,000 --> 00:00:02,500\nA network reads three words.\n\n"
    "2\n00:00:02,500 --> 00:00:05,000\nIt guesses the fourth.\n"
)
REFRESH = "refresh-token-of-the-test"  # the one tests/youtube_server.py honours
CODE = "consent-code-of-the-test"  # the consent code it exchanges for a token


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_video(path: Path, frames: int = 10) -> None:
    """A real H.264 MP4 of noise (so it does not compress): about 1 MB, four chunks."""
    noise = np.random.default_rng(7)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = 320, 180, "yuv420p"
        stream.options = {"crf": "0", "preset": "ultrafast"}
        for _ in range(frames):
            picture = noise.integers(0, 255, (180, 320, 3), dtype=np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(picture, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


def make_lecture(course: Path, seed: int, quality: str = "720p") -> Path:
    folder = course / f"seed-{seed}" / quality
    folder.mkdir(parents=True)
    video = folder / "the-mechanics-of-learning.mp4"
    write_video(video)
    (folder / "the-mechanics-of-learning.srt").write_text(CAPTIONS)
    (folder / "chapters.txt").write_text(CHAPTERS)
    Image.new("RGB", (1280, 720), (20, 30, 40)).save(folder / "thumbnail.png")
    manifest = {
        "title": "The Mechanics of Learning",
        "seed": seed,
        "quality": {"name": quality, "width": 1280, "height": 720, "fps": 30},
        "files": [
            {
                "file": "the-mechanics-of-learning.mp4",
                "kind": "lecture",
                "bytes": video.stat().st_size,
                "sha256": digest(video),
                "seconds": VIDEO_SECONDS,
            }
        ],
        "key_numbers": {
            "target": "Paris",
            "tokens": ["The", "Capital", "Is"],
            "steps": 40,
            "initial_target_probability_shown": "10.9%",
            "final_target_probability_shown": "93.4%",
            "losses_per_step_shown": ["2.22", "1.50", "0.07"],
        },
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


class Server:
    """tests/youtube_server.py in its own process, on a free port."""

    def __init__(self):
        self.process = subprocess.Popen(
            [sys.executable, str(SERVER)], stdout=subprocess.PIPE, text=True
        )
        self.url = f"http://127.0.0.1:{int(self.process.stdout.readline())}"

    def state(self) -> dict:
        with urllib.request.urlopen(f"{self.url}/_state") as response:
            return json.load(response)

    def plant(self, **faults) -> None:
        request = urllib.request.Request(f"{self.url}/_faults", json.dumps(faults).encode())
        urllib.request.urlopen(request).close()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def server(tmp_path, monkeypatch):
    running = Server()
    token = tmp_path / "config" / "youtube-token.json"
    token.parent.mkdir()
    token.write_text(
        json.dumps(
            {
                "refresh_token": REFRESH,
                "client_id": "test-client.apps.googleusercontent.com",
                "client_secret": "test-secret",
                "token_uri": f"{running.url}/token",
            }
        )
    )
    monkeypatch.setenv("MECHANICS_YOUTUBE_API_ROOT", running.url)
    monkeypatch.setenv("MECHANICS_YOUTUBE_TOKEN", str(token))
    monkeypatch.setenv("MECHANICS_YOUTUBE_CLIENT_SECRETS", str(tmp_path / "no-secrets.json"))
    yield running
    running.stop()


@pytest.fixture
def offline(tmp_path, monkeypatch):
    """No YouTube at all, and no credentials: what a dry run must do without."""
    monkeypatch.setenv("MECHANICS_YOUTUBE_API_ROOT", "http://127.0.0.1:9")
    monkeypatch.setenv("MECHANICS_YOUTUBE_TOKEN", str(tmp_path / "no-token.json"))
    monkeypatch.setenv("MECHANICS_YOUTUBE_CLIENT_SECRETS", str(tmp_path / "no-secrets.json"))


class Sleeps:
    """Retry's waits, recorded instead of slept, with the jitter fixed at its middle."""

    def __init__(self, tries: int = 8):
        self.slept: list[float] = []
        self.retry = Retry(tries=tries, sleep=self.slept.append, jitter=lambda: 0.5, say=print)


def run(argv, capsys, sleeps: Sleeps | None = None, **kwargs) -> tuple[int, str, str]:
    sleeps = sleeps or Sleeps()
    code = publish.main([str(a) for a in argv], retry=sleeps.retry, chunk_bytes=CHUNK, **kwargs)
    out, err = capsys.readouterr()
    return code, out, err


def ledger(course: Path) -> dict:
    return json.loads((course / "youtube.json").read_text())


def test_upload_sends_the_exact_file_with_its_captions_thumbnail_and_description(
    tmp_path, server, capsys
):
    folder = make_lecture(tmp_path / "course", 3)
    code, out, err = run([folder], capsys)
    assert (code, err) == (0, ""), out
    state = server.state()
    ((video_id, video),) = state["videos"].items()
    assert video["sha256"] == digest(folder / "the-mechanics-of-learning.mp4")
    assert video["bytes"] == (folder / "the-mechanics-of-learning.mp4").stat().st_size
    snippet = video["metadata"]["snippet"]
    assert snippet["title"] == "The Mechanics of Learning (seed 3)"
    assert (snippet["categoryId"], snippet["defaultLanguage"]) == ("27", "en")
    assert snippet["defaultAudioLanguage"] == "en"
    assert video["metadata"]["status"]["privacyStatus"] == "private"
    # the strings the fixture's manifest carries, as they are: nothing reformatted
    assert 'reads the tokens "The", "Capital", "Is" and learns' in snippet["description"]
    said = 'Before training it gives "Paris" 10.9%; after 40 steps, 93.4%. The loss falls from'
    assert f"{said} 2.22 to 0.07.\n\n{CHAPTERS}" in snippet["description"]
    (caption,) = state["captions"]
    assert (caption["videoId"], caption["language"], caption["name"]) == (video_id, "en", "English")
    assert caption["sha256"] == digest(folder / "the-mechanics-of-learning.srt")
    (thumbnail,) = state["thumbnails"]
    assert (thumbnail["videoId"], thumbnail["content_type"]) == (video_id, "image/png")
    assert thumbnail["sha256"] == digest(folder / "thumbnail.png")
    (entry,) = ledger(tmp_path / "course")["lectures"].values()
    assert (entry["video_id"], entry["captions_id"], entry["thumbnail"]) == (
        video_id,
        caption["id"],
        True,
    )
    # the saved permission was refreshed at the token endpoint and kept, for its owner only
    token = Path(os.environ["MECHANICS_YOUTUBE_TOKEN"])
    assert state["tokens_issued"] == 1 and state["unauthorized"] == 0
    assert json.loads(token.read_text())["token"] == "access-token-1"
    assert stat.S_IMODE(token.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("kind", "sent_as"), [("JPEG", "image/jpeg"), ("GIF", "application/octet-stream")]
)
def test_a_thumbnail_goes_as_a_type_thumbnails_set_accepts(tmp_path, server, capsys, kind, sent_as):
    folder = make_lecture(tmp_path / "course", 2)
    Image.new("RGB", (1280, 720), (200, 100, 0)).save(folder / "thumbnail.png", format=kind)
    code, out, _ = run([folder], capsys)
    assert code == 0, out
    (thumbnail,) = server.state()["thumbnails"]
    assert thumbnail["content_type"] == sent_as
    assert thumbnail["sha256"] == digest(folder / "thumbnail.png")


def test_a_dropped_connection_resumes_from_the_byte_the_server_holds(tmp_path, server, capsys):
    folder = make_lecture(tmp_path / "course", 0)
    size = (folder / "the-mechanics-of-learning.mp4").stat().st_size
    server.plant(drop={"put": 2, "after": 100_000})  # the second chunk dies 100,000 bytes in
    sleeps = Sleeps()
    code, out, err = run([folder], capsys, sleeps)
    assert (code, err) == (0, ""), out
    (session,) = server.state()["sessions"].values()
    assert session["puts"][:3] == [
        [0, CHUNK, "kept"],
        [CHUNK, 100_000, "dropped"],
        [CHUNK + 100_000, CHUNK, "kept"],  # from the byte the status query reported
    ]
    assert session["status_queries"] == 1
    assert all(what == "kept" for _, _, what in session["puts"][3:])
    # every byte crossed the line once: nothing re-sent, neither from 0 nor the chunk's start
    assert sum(sent for _, sent, _ in session["puts"]) == size
    assert session["received_sha256"] == digest(folder / "the-mechanics-of-learning.mp4")
    assert sleeps.slept == [1.0]  # one wait: the first backoff, jitter at its middle
    (said,) = [line for line in out.splitlines() if "trying again" in line]
    assert said.startswith(f"the upload of {folder / 'the-mechanics-of-learning.mp4'} failed (")
    assert said.endswith("; trying again in 1.0 s (failure 1 of 8)")


def test_an_upload_stopped_mid_way_goes_on_in_the_next_run_from_the_byte_held(
    tmp_path, server, capsys
):
    course = tmp_path / "course"
    folder = make_lecture(course, 0)
    size = (folder / "the-mechanics-of-learning.mp4").stat().st_size
    server.plant(drop={"put": 2, "after": 100_000})
    code, out, _ = run([course], capsys, Sleeps(tries=1))  # gives up at the first failure
    assert code == 1 and "failed 1 times in a row" in out
    (entry,) = ledger(course)["lectures"].values()
    assert entry["upload_session"].startswith(server.url) and "video_id" not in entry
    code, out, _ = run([course], capsys)
    assert code == 0, out
    assert "going on with the upload a run before left unfinished" in out
    (session,) = server.state()["sessions"].values()  # the same session: no new one opened
    assert session["puts"][2][0] == CHUNK + 100_000 and session["status_queries"] == 1
    assert sum(sent for _, sent, _ in session["puts"]) == size
    assert session["received_sha256"] == digest(folder / "the-mechanics-of-learning.mp4")
    (entry,) = ledger(course)["lectures"].values()
    assert entry["upload_session"] is None and entry["video_id"] == session["video_id"]


def test_an_upload_session_youtube_forgot_is_started_again(tmp_path, server, capsys):
    course = tmp_path / "course"
    folder = make_lecture(course, 0)
    server.plant(drop={"put": 2, "after": 100_000})
    assert run([course], capsys, Sleeps(tries=1))[0] == 1
    server.plant(forget_sessions=True)
    code, out, _ = run([course], capsys)
    assert code == 0, out
    state = server.state()
    (session,) = state["sessions"].values()
    assert session["puts"][0] == [0, CHUNK, "kept"]
    assert state["video_inserts"] == 2
    (video,) = state["videos"].values()
    assert video["sha256"] == digest(folder / "the-mechanics-of-learning.mp4")


def test_server_errors_are_retried_with_growing_waits(tmp_path, server, capsys):
    folder = make_lecture(tmp_path / "course", 0)
    server.plant(unavailable=3)
    sleeps = Sleeps()
    code, out, err = run([folder], capsys, sleeps)
    assert (code, err) == (0, ""), out
    assert sleeps.slept == [1.0, 2.0, 4.0]
    (session,) = server.state()["sessions"].values()
    assert session["status_queries"] == 3
    assert session["received_sha256"] == digest(folder / "the-mechanics-of-learning.mp4")


def test_an_upload_that_keeps_failing_is_given_up_in_one_line(tmp_path, server, capsys):
    course = tmp_path / "course"
    make_lecture(course, 0)
    server.plant(unavailable=100)
    code, out, err = run([course], capsys, Sleeps(tries=3))
    assert code == 1 and "Traceback" not in out + err
    (last,) = [line for line in out.splitlines() if line.startswith("publish:")]
    assert "failed 3 times in a row (last: HTTP 503)" in last
    assert "0 of 1 lectures done" in last
    (entry,) = ledger(course)["lectures"].values()  # only the session, to go on with later
    assert set(entry) == {"upload_session"}


def test_the_quota_stops_with_one_line_and_a_rerun_goes_on_from_the_ledger(
    tmp_path, server, capsys, monkeypatch
):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    course = tmp_path / "course"
    folders = [make_lecture(course, seed) for seed in (0, 1, 2)]
    server.plant(quota_on_insert=2)
    noon_in_california = datetime(2026, 12, 6, 20, 0, tzinfo=UTC)  # 12:00 PST
    code, out, _ = run([course], capsys, now=lambda: noon_in_california)
    assert code == publish.QUOTA_STOP
    (line,) = [line for line in out.splitlines() if line.startswith("publish:")]
    assert "quota is used up (quotaExceeded): 1 of 3 lectures done" in line
    assert "midnight Pacific time, 08:00 UTC here (in 12 h 00 min)" in line
    assert len(server.state()["videos"]) == 1

    code, out, _ = run([course], capsys)
    assert code == 0, out
    state = server.state()
    assert state["video_inserts"] == 4  # 1, the refused one, then the two left: seed 0 not again
    uploaded = sorted(video["sha256"] for video in state["videos"].values())
    assert uploaded == sorted(digest(f / "the-mechanics-of-learning.mp4") for f in folders)
    assert len(state["captions"]) == len(state["thumbnails"]) == 3
    code, out, _ = run([course], capsys)
    assert code == 0 and "all 3 lectures are on YouTube already" in out
    assert server.state()["video_inserts"] == 4


def test_the_channels_upload_limit_stops_like_the_quota_and_says_24_hours(
    tmp_path, server, capsys, monkeypatch
):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    course = tmp_path / "course"
    for seed in (0, 1):
        make_lecture(course, seed)
    server.plant(limit_on_insert=2)
    sunday_evening = datetime(2026, 12, 6, 20, 0, tzinfo=UTC)
    code, out, _ = run([course], capsys, now=lambda: sunday_evening)
    assert code == publish.QUOTA_STOP
    assert out.splitlines()[-1] == (
        "publish: the channel's limit of uploads in 24 hours is reached (uploadLimitExceeded): "
        "1 of 2 lectures done; it lifts within 24 hours, by Mon 20:00 UTC: run the same "
        "command again then to go on (youtube.json keeps what is done)"
    )


def test_a_half_done_lecture_is_finished_without_uploading_the_video_again(
    tmp_path, server, capsys
):
    course = tmp_path / "course"
    make_lecture(course, 5)
    assert run([course], capsys)[0] == 0
    record = ledger(course)
    (entry,) = record["lectures"].values()
    del entry["thumbnail"]  # as if stopped after the captions
    (course / "youtube.json").write_text(json.dumps(record))
    assert run([course], capsys)[0] == 0
    state = server.state()
    assert (len(state["captions"]), len(state["thumbnails"])) == (1, 2)
    record = ledger(course)
    (entry,) = record["lectures"].values()
    del entry["captions_id"], entry["thumbnail"]  # as if stopped after the video
    (course / "youtube.json").write_text(json.dumps(record))
    code, out, _ = run([course], capsys)
    assert code == 0, out
    state = server.state()
    assert state["video_inserts"] == 1
    assert [c["videoId"] for c in state["captions"]] == [entry["video_id"]] * 2
    assert [t["videoId"] for t in state["thumbnails"]] == [entry["video_id"]] * 3


def test_a_refused_thumbnail_stops_that_step_only_and_a_rerun_sets_it(tmp_path, server, capsys):
    course = tmp_path / "course"
    for seed in (0, 1):
        make_lecture(course, seed)
    server.plant(thumbnails_forbidden=True)
    code, out, _ = run([course], capsys)
    assert code == 1
    refusals = [line for line in out.splitlines() if "YouTube refused the thumbnail" in line]
    assert len(refusals) == 2 and refusals[0].startswith("seed 0 (720p): YouTube refused")
    assert "verified by phone: https://www.youtube.com/verify" in refusals[0]
    assert out.splitlines()[-1].startswith("publish: 0 of 2 lectures done; YouTube refused")
    entries = ledger(course)["lectures"].values()
    assert all(e["video_id"] and e["captions_id"] and "thumbnail" not in e for e in entries)
    server.plant(thumbnails_forbidden=False)
    code, out, _ = run([course], capsys)
    assert code == 0, out
    state = server.state()
    assert state["video_inserts"] == 2 and len(state["captions"]) == 2
    assert sorted(t["videoId"] for t in state["thumbnails"]) == sorted(state["videos"])


def test_a_playlist_is_found_or_made_once_and_each_video_added(tmp_path, server, capsys):
    course = tmp_path / "course"
    for seed in (0, 1):
        make_lecture(course, seed)
    assert run([course, "--playlist", "ML 101"], capsys)[0] == 0
    state = server.state()
    (playlist,) = state["playlists"]
    assert playlist["snippet"]["title"] == "ML 101"
    assert playlist["status"]["privacyStatus"] == "private"
    added = [item["snippet"]["resourceId"]["videoId"] for item in state["playlist_items"]]
    assert sorted(added) == sorted(state["videos"])
    # a new lecture, and a ledger that forgot the playlist: found by its name, not made again
    make_lecture(course, 2)
    record = ledger(course)
    record["playlists"] = {}
    (course / "youtube.json").write_text(json.dumps(record))
    assert run([course, "--playlist", "ML 101"], capsys)[0] == 0
    state = server.state()
    assert len(state["playlists"]) == 1 and len(state["playlist_items"]) == 3


def test_a_student_gets_their_name_in_the_title_and_public_uploads_kept_private_are_said(
    tmp_path, server, capsys
):
    course = tmp_path / "course"
    make_lecture(course, 4)
    (course / "students.csv").write_text("id,name,seed\ns001,Zoë Ng,4\n", encoding="utf-8")
    server.plant(keep_private=True)
    code, out, _ = run([course, "--privacy", "public"], capsys)
    assert code == 0, out
    (video,) = server.state()["videos"].values()
    assert video["metadata"]["snippet"]["title"] == "The Mechanics of Learning for Zoë Ng (seed 4)"
    assert video["metadata"]["status"]["privacyStatus"] == "public"
    assert "YouTube made it private, not public" in out


def test_a_course_takes_the_highest_finished_quality_or_the_one_asked(tmp_path, offline, capsys):
    course = tmp_path / "course"
    make_lecture(course, 0, "preview")
    make_lecture(course, 0, "720p")
    (course / "seed-1" / "1080p").mkdir(parents=True)  # unfinished: no manifest
    code, out, _ = run([course, "--dry-run"], capsys)
    assert code == 0, out
    assert "seed 0 (720p)" in out and "seed 0 (preview)" not in out
    assert "seed-1: no finished lecture in it; skipped" in out
    code, out, _ = run([course, "--dry-run", "--quality", "preview"], capsys)
    assert code == 0 and "seed 0 (preview)" in out


def test_a_dry_run_of_a_good_lecture_says_what_would_go_without_network(tmp_path, offline, capsys):
    folder = make_lecture(tmp_path / "course", 9)
    code, out, err = run([folder, "--dry-run", "--privacy", "unlisted"], capsys)
    assert (code, err) == (0, ""), out
    assert "seed 9 (720p): 'The Mechanics of Learning (seed 9)', unlisted" in out
    assert "video 1.1 MB" in out and "3 chapters" in out and "problem" not in out
    assert not Path(os.environ["MECHANICS_YOUTUBE_TOKEN"]).exists()


def plant_cut_video(folder: Path) -> list[str]:
    video = folder / "the-mechanics-of-learning.mp4"
    video.write_bytes(video.read_bytes()[:-1000])
    return []


def plant_long_title(folder: Path) -> list[str]:
    return ["--title", "x" * 101]


def plant_description_with_bracket(folder: Path) -> list[str]:
    template = folder.parent.parent / "description.txt"
    template.write_text("Seed {seed}: the lecture for ages <12\n")
    return ["--description", str(template)]


def plant_two_chapters(folder: Path) -> list[str]:
    (folder / "chapters.txt").write_text("0:00 The Forward Pass\n1:00 The Loss\n")
    return []


def plant_short_chapter(folder: Path) -> list[str]:
    (folder / "chapters.txt").write_text("0:00 The Forward Pass\n0:05 The Loss\n1:00 The End\n")
    return []


def plant_big_thumbnail(folder: Path) -> list[str]:
    noise = np.random.default_rng(3).integers(0, 255, (720, 1280, 3), dtype=np.uint8)
    Image.fromarray(noise).save(folder / "thumbnail.png")  # noise: about 2.8 MB as PNG
    assert (folder / "thumbnail.png").stat().st_size > 2 * 1024 * 1024
    return []


def plant_webp_thumbnail(folder: Path) -> list[str]:
    Image.new("RGB", (1280, 720)).save(folder / "thumbnail.png", format="WEBP")
    return []


def plant_square_thumbnail(folder: Path) -> list[str]:
    Image.new("RGB", (720, 720)).save(folder / "thumbnail.png")
    return []


def plant_broken_captions(folder: Path) -> list[str]:
    (folder / "the-mechanics-of-learning.srt").write_text("1\nnot a time\nwords\n")
    return []


@pytest.mark.parametrize(
    ("plant", "said"),
    [
        (plant_long_title, "the title is 101 characters; YouTube takes at most 100"),
        (plant_description_with_bracket, "the description has '<', which YouTube refuses"),
        (plant_two_chapters, "2 chapters; YouTube needs at least 3"),
        (plant_short_chapter, "chapters shorter than 10 s start at 0:00"),
        (plant_big_thumbnail, "YouTube takes at most 2 MB"),
        (plant_webp_thumbnail, "the thumbnail is WEBP; YouTube takes JPEG, PNG, GIF, BMP"),
        (plant_square_thumbnail, "the thumbnail is 720x720, not 16:9"),
        (plant_broken_captions, "cannot be parsed as SubRip"),
        (plant_cut_video, "manifest.json records: it changed after rendering"),
    ],
)
def test_a_dry_run_refuses_what_youtube_would(tmp_path, offline, capsys, plant, said):
    folder = make_lecture(tmp_path / "course", 1)
    extra = plant(folder)
    code, out, err = run([folder, "--dry-run", *extra], capsys)
    assert code == 1 and err == ""
    problems = [line.strip() for line in out.splitlines() if line.strip().startswith("problem:")]
    assert len(problems) == 1 and said in problems[0], out
    assert "0 of 1 lectures would be uploaded, 1 would be refused" in out


def test_a_real_run_refuses_up_front_sending_nothing(tmp_path, server, capsys):
    folder = make_lecture(tmp_path / "course", 1)
    plant_two_chapters(folder)
    code, out, _ = run([folder], capsys)
    assert code == 1
    assert "seed 1 (720p): 2 chapters; YouTube needs at least 3" in out
    assert server.state()["requests"] == []


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["{tmp}/nowhere"], "no folder {tmp}/nowhere; give a lecture folder or a course folder"),
        (["{tmp}/course/seed-1/720p"], "is not a finished lecture (no manifest.json)"),
        (["{tmp}/course", "--title", "{nope}"], "--title: no placeholder {nope}; use {seed}"),
        (["{tmp}/course", "--title", "for {student}"], "seed 0 has no student in"),
        (["{tmp}/course", "--description", "{tmp}/none.txt"], "--description: no file"),
        (["{tmp}/course", "--privacy", "secret"], "argument --privacy: invalid choice"),
        (["{tmp}/course"], "no OAuth client secrets at {tmp}/no-secrets.json"),
        (["{tmp}/course", "--client-secrets", "{tmp}/course/students.csv"], "is not an OAuth"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(tmp_path, offline, capsys, argv, said):
    course = tmp_path / "course"
    make_lecture(course, 0)
    unfinished = course / "seed-1" / "720p"
    unfinished.mkdir(parents=True)
    (unfinished / "the-mechanics-of-learning.mp4").write_bytes(b"half")
    (course / "students.csv").write_text("id,name,seed\n")  # a file, but no client secrets
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    code, out, err = run(argv, capsys)
    assert code == 2 and "Traceback" not in out + err
    assert len(err.splitlines()) == 1 and err.startswith("publish: error: ")
    assert said.replace("{tmp}", str(tmp_path)) in err


def test_a_course_folder_publish_cannot_write_to_is_said_before_anything_is_sent(
    tmp_path, server, capsys, monkeypatch
):
    course = tmp_path / "course"
    make_lecture(course, 0)

    def read_only(path):  # a read-only course folder (the tests run as root, who may write)
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr("publishing.youtube_ledger.whole_or_absent", read_only)
    code, out, err = run([course], capsys)
    assert code == 2 and "Traceback" not in out + err
    assert err == (
        f"publish: error: cannot write {course / 'youtube.json'} (Permission denied); publish "
        "records there what is on YouTube: make the course folder writable\n"
    )
    assert server.state()["requests"] == []


def test_the_module_runs_as_a_command(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "publishing.publish", str(tmp_path / "nowhere")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == (
        f"publish: error: no folder {tmp_path / 'nowhere'}; give a lecture folder or a course "
        "folder\n"
    )


def test_a_revoked_permission_asks_again_and_says_what_is_missing(tmp_path, server, capsys):
    token = Path(os.environ["MECHANICS_YOUTUBE_TOKEN"])
    saved = json.loads(token.read_text())
    token.write_text(json.dumps({**saved, "refresh_token": "revoked"}))  # the server refuses it
    make_lecture(tmp_path / "course", 0)
    code, out, err = run([tmp_path / "course"], capsys)
    assert code == 2 and "Traceback" not in out + err
    assert err == (
        f"publish: error: no OAuth client secrets at {tmp_path / 'no-secrets.json'}: download "
        "them from the Google Cloud console (README, 'Uploading to YouTube') and give "
        "--client-secrets FILE\n"
    )
    assert server.state()["tokens_issued"] == 0


def first_run(tmp_path: Path, server: Server) -> tuple[subprocess.Popen, dict, Path]:
    """publish as a command with client secrets but no saved permission: it prints the
    consent page's address and waits on a local port for the browser to come back."""
    secrets = tmp_path / "client_secret.json"
    secrets.write_text(
        json.dumps(
            {
                "installed": {
                    "client_id": "test-client.apps.googleusercontent.com",
                    "client_secret": "test-secret",
                    "auth_uri": "https://accounts.google.com/o/oauth2/auth",
                    "token_uri": f"{server.url}/token",
                    "redirect_uris": ["http://localhost"],
                }
            }
        )
    )
    token = tmp_path / "home" / "config" / "youtube-token.json"
    environment = {
        **{k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")},
        "PYTHONPATH": str(ROOT),
        "MECHANICS_YOUTUBE_TOKEN": str(token),
        "OAUTHLIB_INSECURE_TRANSPORT": "1",  # the test's token endpoint is plain http
    }
    command = [sys.executable, "-m", "publishing.publish", str(tmp_path / "course")]
    process = subprocess.Popen(
        [*command, "--client-secrets", str(secrets)],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline()
    assert line.startswith("Open this address in a browser on this machine"), line
    address = line.rsplit(" ", 1)[1].strip()
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(address).query))
    return process, query, token


def test_the_first_run_asks_for_permission_once_and_keeps_it_for_its_owner(tmp_path, server):
    folder = make_lecture(tmp_path / "course", 0)
    process, query, token = first_run(tmp_path, server)
    assert set(query["scope"].split()) == {
        "https://www.googleapis.com/auth/youtube.upload",
        "https://www.googleapis.com/auth/youtube.force-ssl",
    }
    back = f"{query['redirect_uri']}?state={query['state']}&code={CODE}&scope={query['scope']}"
    with urllib.request.urlopen(back.replace(" ", "%20")) as page:
        assert "publish may now upload" in page.read().decode()
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, out + err
    saved = json.loads(token.read_text())
    assert saved["refresh_token"] == REFRESH
    assert stat.S_IMODE(token.stat().st_mode) == 0o600
    assert stat.S_IMODE(token.parent.stat().st_mode) == 0o700
    state = server.state()
    assert state["grants"] == ["authorization_code"]
    (video,) = state["videos"].values()
    assert video["sha256"] == digest(folder / "the-mechanics-of-learning.mp4")


def test_a_refused_consent_is_one_line(tmp_path, server):
    make_lecture(tmp_path / "course", 0)
    process, query, token = first_run(tmp_path, server)
    back = f"{query['redirect_uri']}?state={query['state']}&error=access_denied"
    urllib.request.urlopen(back).close()
    out, err = process.communicate(timeout=60)
    assert process.returncode == 2 and not token.exists()
    assert err == (
        "publish: error: Google gave no permission (access_denied); run again and allow "
        "publish to upload to your channel\n"
    )


def test_the_console_command_signs_its_lines_with_its_own_name(tmp_path, capsys):
    assert cli.main(["publish", str(tmp_path / "nowhere")]) == 2
    assert capsys.readouterr().err == (
        f"mechanics-of-learning publish: error: no folder {tmp_path / 'nowhere'}; give a "
        "lecture folder or a course folder\n"
    )
