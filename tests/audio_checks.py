"""Test recordings (tones of known length, written as WAV or FLAC), and measuring sound
independently of the code under test: loudness by ITU-R BS.1770-4 written
out here from the standard (its 48 kHz K-weighting coefficients and gating), true peaks by
FFT interpolation (not the polyphase filter common/audio.py uses), and a rough listener
(PocketSphinx, offline speech recognition)."""

from __future__ import annotations

import re
import wave
from pathlib import Path

import av
import numpy as np
from scipy.signal import lfilter, resample, resample_poly

RATE = 48_000


def tone(seconds: float, rate: int, level: float = 0.3, frequency: float = 440.0) -> np.ndarray:
    t = np.arange(int(round(seconds * rate))) / rate
    return level * np.sin(2 * np.pi * frequency * t)


def write_sound(path: Path, samples: np.ndarray, rate: int, channels: int = 1) -> Path:
    """A test recording: WAV through the standard library, FLAC through FFmpeg."""
    pcm = (np.clip(samples, -1, 1) * 32767).astype(np.int16)
    pcm = np.repeat(pcm[:, None], channels, axis=1)
    if path.suffix == ".wav":
        with wave.open(str(path), "wb") as out:
            out.setnchannels(channels)
            out.setsampwidth(2)
            out.setframerate(rate)
            out.writeframes(pcm.tobytes())
        return path
    layout = "mono" if channels == 1 else "stereo"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("flac", rate=rate, layout=layout)
        frame = av.AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout=layout)
        frame.sample_rate = rate
        container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return path


# ITU-R BS.1770-4, table 1 and table 2: the K-weighting filter's two stages at 48 kHz.
SHELF_B = [1.53512485958697, -2.69169618940638, 1.19839281085285]
SHELF_A = [1.0, -1.69065929318241, 0.73248077421585]
HIGH_PASS_B = [1.0, -2.0, 1.0]
HIGH_PASS_A = [1.0, -1.99004745483398, 0.99007225036621]


def bs1770_loudness(samples: np.ndarray) -> float:
    """Integrated loudness (LUFS) of (n,) or (n, channels) samples at 48 kHz, gated."""
    channels = samples if samples.ndim == 2 else samples[:, None]
    shelved = lfilter(SHELF_B, SHELF_A, channels, axis=0)
    weighted = lfilter(HIGH_PASS_B, HIGH_PASS_A, shelved, axis=0)
    block, step = int(0.4 * RATE), int(0.1 * RATE)
    starts = range(0, len(weighted) - block + 1, step)
    powers = np.array([np.sum(np.mean(weighted[s : s + block] ** 2, axis=0)) for s in starts])
    loudness = -0.691 + 10 * np.log10(np.maximum(powers, 1e-30))
    absolute = powers[loudness > -70.0]
    relative_gate = -0.691 + 10 * np.log10(np.mean(absolute)) - 10.0
    gated = powers[(loudness > -70.0) & (loudness > relative_gate)]
    return float(-0.691 + 10 * np.log10(np.mean(gated)))


def fft_true_peak_dbtp(samples: np.ndarray, factor: int = 8, chunk: int = 1 << 15) -> float:
    """The true peak (dB) by FFT interpolation, `factor` times, in overlapping chunks."""
    channels = samples if samples.ndim == 2 else samples[:, None]
    margin = 512
    peak = 0.0
    for column in channels.T:
        for start in range(0, len(column), chunk):
            lo, hi = max(start - margin, 0), min(start + chunk + margin, len(column))
            fine = resample(column[lo:hi], (hi - lo) * factor)
            first = (start - lo) * factor
            inner = fine[first : first + min(chunk, len(column) - start) * factor]
            peak = max(peak, float(np.max(np.abs(inner))) if inner.size else 0.0)
    return 20 * np.log10(max(peak, 1e-12))


def rms_windows(samples: np.ndarray, seconds: float = 0.02) -> np.ndarray:
    """RMS level (dBFS) of consecutive windows of a mono signal."""
    width = int(seconds * RATE)
    count = len(samples) // width
    windows = samples[: count * width].reshape(count, width)
    return 20 * np.log10(np.maximum(np.sqrt(np.mean(windows**2, axis=1)), 1e-12))


def peak_windows(samples: np.ndarray, seconds: float = 0.005) -> np.ndarray:
    """Peak level (dBFS) of consecutive windows: speech as common/audio.py tells it from
    silence (any sample above SILENCE_DBFS), so a soft "th" counts as sound."""
    width = int(seconds * RATE)
    count = len(samples) // width
    windows = samples[: count * width].reshape(count, width)
    return 20 * np.log10(np.maximum(np.abs(windows).max(axis=1), 1e-12))


ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
TEENS = [
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def whole_in_words(n: int) -> list[str]:
    if n < 10:
        return [ONES[n]]
    if n < 20:
        return [TEENS[n - 10]]
    if n < 100:
        return [TENS[n // 10]] + ([ONES[n % 10]] if n % 10 else [])
    words = [ONES[n // 100], "hundred"]
    return words + (whole_in_words(n % 100) if n % 100 else [])


def number_in_words(written: str) -> list[str]:
    """How a reader says a written number: "10.9%" -> ten point nine percent."""
    negative = written.startswith(("-", "−"))
    digits = written.lstrip("-−+").rstrip("%")
    whole, _, fraction = digits.partition(".")
    words = (["minus"] if negative else []) + whole_in_words(int(whole or 0))
    if fraction:
        words += ["point"] + [ONES[int(d)] for d in fraction]
    return words + (["percent"] if written.endswith("%") else [])


def spoken_words(caption: str) -> list[str]:
    """A caption's words as a listener hears them: lower case, numbers said out."""
    words = []
    for token in re.findall(r"[−-]?\d+(?:\.\d+)?%?|[A-Za-z']+", caption):
        is_number = token[-1].isdigit() or token[-1] == "%"
        words += number_in_words(token) if is_number else [token.lower()]
    return words


def transcript(samples: np.ndarray) -> list[str]:
    """What PocketSphinx hears in mono 48 kHz speech (it listens at 16 kHz)."""
    from pocketsphinx import Decoder

    heard = resample_poly(samples, 1, 3)
    decoder = Decoder(samprate=16000, loglevel="FATAL")
    decoder.start_utt()
    decoder.process_raw((np.clip(heard, -1, 1) * 32767).astype(np.int16).tobytes(), full_utt=True)
    decoder.end_utt()
    hypothesis = decoder.hyp()
    return hypothesis.hypstr.split() if hypothesis else []


def share_heard(expected: list[str], heard: list[str]) -> float:
    """The share of the expected words heard, in order (longest common subsequence)."""
    table = np.zeros((len(expected) + 1, len(heard) + 1), dtype=int)
    for i, word in enumerate(expected):
        for j, other in enumerate(heard):
            table[i + 1, j + 1] = (
                table[i, j] + 1 if word == other else max(table[i, j + 1], table[i + 1, j])
            )
    return table[-1, -1] / max(len(expected), 1)
