"""Speech as numbers: read, resample, trim, level and write the clips the film speaks.

Every clip the film plays is mono speech made ready once, the same way, whichever voice
spoke it: resampled to 48 kHz, its leading and trailing silence trimmed, brought to
YouTube's reference loudness (-14 LUFS) and held under a true-peak ceiling by a limiter,
with a few milliseconds of fade at each end so no clip starts or stops with a click.
Clips are then laid into silence, never on top of each other, so the lecture as a whole
has the loudness of its clips.
"""

from __future__ import annotations

import wave
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pyloudnorm
from scipy.ndimage import minimum_filter1d, uniform_filter1d
from scipy.signal import resample_poly

RATE = 48_000  # Hz: AAC's and YouTube's rate
TARGET_LUFS = -14.0  # YouTube's reference loudness
CEILING_DBTP = -2.0  # below YouTube's -1 dBTP, with room for the AAC encoder's overshoot
SILENCE_DBFS = -45.0  # quieter than this, a stretch at a clip's ends counts as silence
SILENT_RECORDING_DBFS = -50.0  # a recording whose loudest sample is below this is silent
EDGE_SECONDS = 0.04  # silence kept before and after the speech
FADE_SECONDS = 0.005
OVERSAMPLING = 4  # for true peaks (ITU-R BS.1770-4, annex 2)


class AudioError(ValueError):
    """A recording that cannot be used, with the reason in words."""


def read_samples(path: Path) -> tuple[np.ndarray, int]:
    """A sound file's samples (mono float64, channels averaged) and its sample rate.
    Any format FFmpeg reads: WAV, FLAC, ... An AudioError says why one cannot be read."""
    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                raise AudioError("it holds no audio")
            stream = container.streams.audio[0]
            rate = stream.codec_context.sample_rate
            resampler = av.AudioResampler(format="dbl", layout="mono", rate=rate)
            chunks = [
                converted.to_ndarray().reshape(-1)
                for frame in container.decode(stream)
                for converted in resampler.resample(frame)
            ]
            chunks += [converted.to_ndarray().reshape(-1) for converted in resampler.resample(None)]
    except (av.error.FFmpegError, OSError, UnicodeDecodeError) as error:
        raise AudioError(f"it cannot be read as audio ({error})") from None
    samples = np.concatenate(chunks) if chunks else np.zeros(0)
    if samples.size == 0:
        raise AudioError("it holds no samples")
    return samples, rate


def to_rate(samples: np.ndarray, rate: int) -> np.ndarray:
    """The samples at 48 kHz (polyphase resampling, exact for any whole-number rate)."""
    if rate == RATE:
        return samples.astype(np.float64)
    ratio = Fraction(RATE, rate)
    return resample_poly(samples, ratio.numerator, ratio.denominator)


def dbfs(amplitude: float) -> float:
    return 20 * np.log10(max(amplitude, 1e-12))


def peak_dbfs(samples: np.ndarray) -> float:
    return dbfs(float(np.max(np.abs(samples)))) if samples.size else -240.0


def speech_bounds(samples: np.ndarray, rate: int = RATE) -> tuple[int, int]:
    """Where the speech starts and stops (keeping EDGE_SECONDS of silence either side)."""
    loud = np.flatnonzero(np.abs(samples) >= 10 ** (SILENCE_DBFS / 20))
    if loud.size == 0:
        return 0, len(samples)
    edge = int(EDGE_SECONDS * rate)
    return max(loud[0] - edge, 0), min(loud[-1] + edge + 1, len(samples))


def speech_onset(samples: np.ndarray) -> int:
    """The first sample of speech: the first louder than silence (0 if none is)."""
    loud = np.flatnonzero(np.abs(samples) >= 10 ** (SILENCE_DBFS / 20))
    return int(loud[0]) if loud.size else 0


def trimmed(samples: np.ndarray, rate: int = RATE) -> np.ndarray:
    """The speech without the silence before and after it (keeping EDGE_SECONDS of it)."""
    start, stop = speech_bounds(samples, rate)
    return samples[start:stop]


def both_channels(mono: np.ndarray) -> np.ndarray:
    """A mono track as the film plays it: the same in both channels, (n, 2)."""
    return np.column_stack([mono, mono])


def loudness(samples: np.ndarray) -> float:
    """Integrated loudness in LUFS (ITU-R BS.1770-4, gated), of mono or (n, 2) samples.
    Mono counts as the same signal in both channels, as the film plays it."""
    stereo = samples if samples.ndim == 2 else both_channels(samples)
    block = int(0.4 * RATE)
    if len(stereo) < block:  # shorter than one gating block: pad with silence
        stereo = np.vstack([stereo, np.zeros((block - len(stereo), 2))])
    return float(pyloudnorm.Meter(RATE).integrated_loudness(stereo))


def true_peak_dbtp(samples: np.ndarray, block: int = 1 << 20) -> float:
    """The true peak, in dB: the peak of the signal oversampled four times (a block at a
    time, each with a margin for the filter, so a whole lecture needs little memory)."""
    columns = samples if samples.ndim == 2 else samples[:, None]
    margin = 256
    peak = 0.0
    for column in columns.T:
        for start in range(0, len(column), block):
            lo, hi = max(start - margin, 0), min(start + block + margin, len(column))
            fine = resample_poly(column[lo:hi], OVERSAMPLING, 1)
            first = (start - lo) * OVERSAMPLING
            inner = fine[first : first + (min(start + block, len(column)) - start) * OVERSAMPLING]
            peak = max(peak, float(np.max(np.abs(inner))))
    return dbfs(peak)


def limited(samples: np.ndarray, ceiling_db: float) -> np.ndarray:
    """The samples with their peaks held under `ceiling_db` by a smooth, look-ahead gain.

    The gain each sample needs is spread to its neighbours (a minimum over 10 ms either
    side) and then smoothed (a mean over 5 ms either side). Every value in the mean is at
    most the gain the middle sample needs, so no peak passes, and the gain moves in ramps,
    not steps, so the limiter adds no clicks."""
    ceiling = 10 ** (ceiling_db / 20)
    magnitude = np.abs(resample_poly(samples, OVERSAMPLING, 1))
    magnitude = magnitude.reshape(-1, OVERSAMPLING).max(axis=1)[: len(samples)]
    needed = np.minimum(1.0, ceiling / np.maximum(magnitude, 1e-12))
    reach = int(0.010 * RATE)
    spread = minimum_filter1d(needed, size=2 * reach + 1, mode="nearest")
    gain = uniform_filter1d(spread, size=reach + 1, mode="nearest")
    return samples * gain


def faded(samples: np.ndarray) -> np.ndarray:
    ramp = np.linspace(0.0, 1.0, min(int(FADE_SECONDS * RATE), len(samples) // 2))
    out = samples.copy()
    out[: len(ramp)] *= ramp
    out[len(out) - len(ramp) :] *= ramp[::-1]
    return out


def levelled(samples: np.ndarray) -> np.ndarray:
    """Mono speech at 48 kHz brought to TARGET_LUFS with its true peak under CEILING_DBTP.

    Limiting lowers the loudness a little, so the gain is found again on the limited clip,
    six times at most."""
    out = samples
    for _ in range(6):
        out = limited(out * 10 ** ((TARGET_LUFS - loudness(out)) / 20), CEILING_DBTP)
        if abs(loudness(out) - TARGET_LUFS) < 0.05:
            break
    return faded(out)


def prepared(samples: np.ndarray, rate: int) -> np.ndarray:
    """Speech as the film plays it: at 48 kHz, trimmed, levelled."""
    return prepared_from(samples, rate)[0]


def prepared_from(samples: np.ndarray, rate: int) -> tuple[np.ndarray, float]:
    """The prepared speech, and how many seconds of the original were trimmed off its start
    (so times found in the original can be moved onto the clip)."""
    at_rate = to_rate(samples, rate)
    start, stop = speech_bounds(at_rate)
    return levelled(at_rate[start:stop]), start / RATE


def as_int16(samples: np.ndarray) -> np.ndarray:
    return np.round(np.clip(samples, -1.0, 1.0) * 32767).astype(np.int16)


def write_wav(path: Path, samples: np.ndarray) -> None:
    """16-bit 48 kHz WAV of mono (n,) or multi-channel (n, c) samples in [-1, 1]."""
    columns = samples if samples.ndim == 2 else samples[:, None]
    with wave.open(str(path), "wb") as out:
        out.setnchannels(columns.shape[1])
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(as_int16(columns).tobytes())


def read_wav(path: Path) -> np.ndarray:
    """A WAV written by `write_wav`, as float samples: (n,) for mono, (n, c) otherwise."""
    with wave.open(str(path), "rb") as source:
        channels = source.getnchannels()
        data = np.frombuffer(source.readframes(source.getnframes()), dtype=np.int16)
    samples = data.astype(np.float64) / 32767
    return samples if channels == 1 else samples.reshape(-1, channels)


def seconds_of_wav(path: Path) -> float:
    with wave.open(str(path), "rb") as source:
        return source.getnframes() / source.getframerate()
