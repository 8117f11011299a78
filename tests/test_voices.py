"""The voices, without rendering: clips are levelled for YouTube, the film's voice is
deterministic and says its words, a lecturer's recordings are read at any rate or refused
by name, a silent film's voice times its lines by reading, and a new voice is one class
and one line of the registry."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import render
from common import audio
from publishing.film import QUALITIES, SECTIONS
from scenes.contract import FILE
from voices.base import Clip, Voice
from voices.recorded import Recordings
from voices.registry import NAMED_VOICES, voice_named
from voices.silent import READING_SPEED, Silent
from voices.speech import spoken
from voices.timing import read_word_times

from .audio_checks import (
    bs1770_loudness,
    fft_true_peak_dbtp,
    share_heard,
    spoken_words,
    tone,
    transcript,
    write_sound,
)

YOUTUBE_LUFS = -14.0  # YouTube's reference loudness
OTHER_LINE = "Arrows: up raises a weight, down lowers it; longer means a bigger step."
LINE = "Now our network from section 1: it gave Paris 10.9%, so its loss is 2.22."


def as_played(mono: np.ndarray) -> np.ndarray:
    """A clip as the film plays it: the same in both channels."""
    return np.column_stack([mono, mono])


SYNTHETIC_VOICES = ["piper", "kokoro"]


@pytest.fixture(scope="module", params=SYNTHETIC_VOICES)
def spoken_clip(request, tmp_path_factory):
    """A line said by each of the film's synthetic voices: (its name, its clip)."""
    name = request.param
    return name, voice_named(name, tmp_path_factory.mktemp("speech")).clip("test-01", LINE)


def test_a_levelled_clip_is_at_youtubes_loudness_under_the_peak_ceiling():
    rng = np.random.default_rng(0)
    # A loud, peaky signal: tones with sharp bursts of noise, far above -14 LUFS.
    signal = tone(3.0, audio.RATE, 0.9) + 0.9 * rng.standard_normal(3 * audio.RATE) * (
        rng.random(3 * audio.RATE) < 0.01
    )
    levelled = audio.levelled(np.clip(signal, -1, 1))
    assert abs(bs1770_loudness(as_played(levelled)) - YOUTUBE_LUFS) < 0.5
    assert fft_true_peak_dbtp(levelled) <= -1.5  # room under -1 dBTP for the AAC encoder


def test_the_limiter_leaves_quiet_sound_alone_and_holds_loud_peaks():
    quiet = tone(1.0, audio.RATE, 0.1)
    assert np.allclose(audio.limited(quiet, -2.0), quiet)
    loud = tone(1.0, audio.RATE, 1.0)
    held = audio.limited(loud, -6.0)
    assert fft_true_peak_dbtp(held) <= -6.0 + 0.1
    # A smooth gain: no step larger than a sine's own between neighbouring samples.
    assert np.max(np.abs(np.diff(held))) <= np.max(np.abs(np.diff(loud)))


def test_a_recording_at_any_common_rate_keeps_its_length(tmp_path):
    for rate, suffix, channels in [(44_100, ".wav", 2), (22_050, ".flac", 1), (16_000, ".wav", 1)]:
        path = write_sound(tmp_path / f"take-{rate}{suffix}", tone(2.5, rate), rate, channels)
        samples, read_rate = audio.read_samples(path)
        assert read_rate == rate
        prepared = audio.prepared(samples, rate)
        assert abs(len(prepared) / audio.RATE - 2.5) < 0.002, (rate, suffix)


def test_silence_around_speech_is_trimmed_to_a_short_edge():
    speech = np.concatenate([np.zeros(audio.RATE), tone(1.0, audio.RATE), np.zeros(audio.RATE)])
    trimmed = audio.trimmed(speech)
    assert abs(len(trimmed) / audio.RATE - (1.0 + 2 * audio.EDGE_SECONDS)) < 0.002


def test_the_film_voice_says_the_same_bytes_every_time(tmp_path, spoken_clip):
    """Whatever was spoken before: with Piper's noise on, each line drew on the generator
    the lines before it had moved on, so a cache's contents changed the film."""
    name, clip = spoken_clip
    voice = voice_named(name, tmp_path)
    voice.clip("test-00", OTHER_LINE)
    again = voice.clip("test-01", LINE)
    assert again.path != clip.path
    assert again.path.read_bytes() == clip.path.read_bytes()


SPEAK_IN_A_PROCESS = """
import sys
from pathlib import Path
from voices.registry import voice_named
clip = voice_named(sys.argv[1], Path(sys.argv[2])).clip("test-01", sys.argv[3])
print(clip.path)
"""


@pytest.mark.parametrize("name", SYNTHETIC_VOICES)
def test_two_processes_from_empty_caches_say_the_same_bytes(tmp_path, name):
    """The film is regenerable to the byte: a line said by a fresh process into an empty
    cache is the same WAV, with the same word times, every time."""
    said = []
    for run in ("first", "second"):
        command = [sys.executable, "-c", SPEAK_IN_A_PROCESS, name, str(tmp_path / run), LINE]
        path = Path(
            subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()
        )
        said.append((path.read_bytes(), path.with_suffix(".words.json").read_text()))
    assert said[0] == said[1]


def test_a_clip_is_spoken_once_then_read_from_the_cache(spoken_clip):
    name, clip = spoken_clip
    voice = voice_named(name, clip.path.parent.parent)
    stamp = clip.path.stat().st_mtime_ns
    assert voice.clip("test-01", LINE) == clip
    assert clip.path.stat().st_mtime_ns == stamp


def test_the_film_voice_says_its_words_numbers_included(spoken_clip):
    _, clip = spoken_clip
    samples = audio.read_wav(clip.path)
    heard = transcript(samples)
    # PocketSphinx hears about four words in five of either voice's speech; another line's
    # words are heard in it far less (the control shows the measure can tell them apart).
    assert share_heard(spoken_words(LINE), heard) >= 0.5, heard
    assert share_heard(spoken_words(OTHER_LINE), heard) <= 0.3, heard
    assert "two point two" in " ".join(heard), heard  # the loss, 2.22, as it is heard


def test_the_film_voice_is_levelled_and_paced_like_speech(spoken_clip):
    _, clip = spoken_clip
    samples = audio.read_wav(clip.path)
    assert abs(bs1770_loudness(as_played(samples)) - YOUTUBE_LUFS) < 0.5
    assert fft_true_peak_dbtp(samples) <= -1.5
    assert np.max(np.abs(samples)) < 0.99  # no clipping
    words = len(LINE.split())
    assert 1.5 <= words / clip.seconds <= 4.0  # 90 to 240 words a minute


def test_recordings_that_cannot_be_used_are_named_with_the_reason(tmp_path):
    write_sound(tmp_path / "01-forward-pass-01.wav", tone(1.0, 44_100), 44_100)
    write_sound(tmp_path / "01-forward-pass-02.flac", np.zeros(44_100), 44_100)
    (tmp_path / "01-forward-pass-03.wav").write_bytes(b"RIFF not really a wave file")
    recordings = voice_named(str(tmp_path))
    assert isinstance(recordings, Recordings)
    ids = [f"01-forward-pass-0{n}" for n in range(1, 5)]
    problems = recordings.problems(ids)
    assert len(problems) == 3
    assert "01-forward-pass-02.flac is silent" in problems
    assert any(p.startswith("01-forward-pass-03.wav: it cannot be read") for p in problems)
    assert "01-forward-pass-04 is missing" in problems
    with pytest.raises(audio.AudioError, match="01-forward-pass-04 is missing"):
        recordings.clip("01-forward-pass-04", "words")


def test_a_voice_that_is_neither_known_nor_a_folder_is_refused(tmp_path):
    with pytest.raises(ValueError, match="'piper', 'kokoro', .*--voices.*'none' or a folder "):
        voice_named(str(tmp_path / "no-such-folder"))


def test_a_silent_films_voice_gives_the_reading_time_and_no_sound(tmp_path):
    """A silent line is timed like a spoken one: its clip has the reader's word times and
    lasts as long as the line takes to read, with no sound and nothing kept in the cache."""
    voice = voice_named("none", tmp_path)
    assert isinstance(voice, Silent)
    assert not voice.speaks
    clip = voice.clip("02-loss-01", LINE)
    assert clip.path is None and not clip.has_sound
    assert clip.seconds == len(LINE) / READING_SPEED
    assert clip.words == tuple(read_word_times(LINE, READING_SPEED))
    assert clip.words[-1].end == clip.seconds  # the last word read as the time runs out
    assert clip.onset(3) == len("Now our network ") / READING_SPEED
    assert list(tmp_path.iterdir()) == []
    # Its render key is the same for every section and every run: its name and its code.
    key = voice.key("01-forward-pass")
    assert key == voice_named("none").key("02-loss") and set(key) == {"voice", "code"}


def test_the_voices_that_speak_say_so(tmp_path):
    assert voice_named("piper", tmp_path).speaks
    assert voice_named(str(tmp_path), tmp_path).speaks  # a folder of recordings


class Echo(Voice):
    """A voice for the test of adding one: says nothing, in a second."""

    name = "echo"

    def __init__(self, cache: Path) -> None:
        self.cache = cache

    def clip(self, line_id: str, words: str) -> Clip:
        return Clip(self.cache / f"{line_id}.wav", 1.0)

    def key(self, line_prefix: str) -> dict:
        return {"voice": self.name}

    def describe(self) -> dict:
        return {"name": self.name}

    def licences(self) -> dict[str, str]:
        return {"voice": "CC0"}


def test_a_new_voice_is_one_class_and_one_line_in_the_registry(tmp_path, monkeypatch):
    """As the README promises: with its line in NAMED_VOICES, `--voice echo` is that voice,
    for the scenes and for render.py, which does not take it for a folder of recordings."""
    monkeypatch.setitem(NAMED_VOICES, "echo", Echo)
    voice = voice_named("echo", tmp_path)
    assert isinstance(voice, Echo) and voice.cache == tmp_path
    request = render.read_request(["--voice", "echo", "--seed", "3", "4"], SECTIONS, QUALITIES)
    assert request.voice == "echo"
    assert not request.recorded
    assert request.captions == FILE  # a voice that speaks leaves the captions to the .srt


def test_the_voice_reads_the_captions_words_as_a_lecturer_says_them():
    assert spoken("squash the sum with tanh.") == "squash the sum with tanch."
    assert spoken("thanks") == "thanks"  # only the whole word
    assert spoken(LINE) == LINE  # numbers are read as written
