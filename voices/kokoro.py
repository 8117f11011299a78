"""A natural voice: Kokoro-82M (Apache-2.0), offline on the CPU through onnxruntime.

The files come from the package registries, pinned and verified (voices/kokoro_files.py);
the text becomes phonemes through espeak-ng, as kokoro-onnx does it. The model is patched in
memory to also report how many frames each phoneme lasts, so each word's time comes from
the engine, not from listening. Synthesis is deterministic: Kokoro draws no random numbers
at inference, and onnxruntime runs on one thread, so its sums are taken in the same order
every time.

Like Piper, each line is brought to the film's pace. Kokoro decides its phonemes' lengths
before it makes a sound, so the pace is found on the lengths alone (a small part of the
graph, about 1/100 of the work); the line is spoken, and spoken again only when its pace,
measured on the sound, falls outside a lecturer's band (9 lines in 56).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from common import audio
from voices import kokoro_files
from voices.base import Clip, Voice, cached_clip, code_digest
from voices.speech import PACE_BAND, PACE_TOLERANCE, SENTENCE_PAUSE, TARGET_WPM, pace, spoken
from voices.timing import WordTime, engine_word_times, is_sound, words_of

DEFAULT_VOICE = "af_sky"  # heard best by machine (benchmarks/voice_listening.py)
SAMPLE_RATE = 24_000
SAMPLES_PER_FRAME = 600  # the decoder's output per frame of a phoneme's length
DURATIONS = "/encoder/Clip_output_0"  # each phoneme's frames: round(length / speed), >= 1
# A sentence's sound rises out of silence before its first phoneme's frames begin: over 20
# sentences at speed 1 (am_michael), a median 0.07 s (0.035 to 0.13 s). `speaking` counts it.
SOUND_LEAD = 0.07
LENGTHS_TO_SOUND = 1.02  # the sound's time over the time its lengths foretell (`speaking`)
SPEEDS = (1 / 1.8, 1 / 0.8)  # never slower or faster than this (as Piper)
PACE_ATTEMPTS = 7  # on the lengths alone: cheap
PACKAGES = ("kokoro-onnx", "onnxruntime", "phonemizer", "espeakng-loader")
# kokoro-onnx is MIT, but the text becomes phonemes through phonemizer and the espeak-ng
# library that espeakng-loader bundles, both GPL-3.0-or-later.
ENGINE_LICENCE = "MIT (kokoro-onnx), its phonemes by GPL-3.0-or-later phonemizer and espeak-ng"
# The sentence and clause marks Kokoro hears as pauses and intonation. They are given to it
# as marks, apart from the words: espeak reads "0.84." at a sentence's end as "zero. eighty
# four" when it sees the marks itself.
MARKS = re.compile(r"([.!?,;:]+)(?=\s|$)")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class Sentence:
    """One sentence's phonemes as the model takes them: tokens, and each token's phoneme."""

    tokens: tuple[int, ...]
    phonemes: str


def accent(name: str) -> str:
    """espeak's language for a Kokoro voice: its name's first letter (a: US, b: British)."""
    return "en-gb" if name.startswith("b") else "en-us"


def describe_voice(name: str) -> str:
    """A Kokoro voice's name as a person reads it: "am_michael" -> "michael (US, male)"."""
    country = "British" if name[0] == "b" else "US"
    sex = "female" if name[1] == "f" else "male"
    return f"{name.split('_', 1)[1]} ({country}, {sex})"


@functools.cache
def loaded_model(path: Path):
    """The whole model (with each phoneme's frames as a second output) and the part of it
    that decides the frames alone, on one thread each: verified and loaded once per process
    (about 2 s and 0.5 GB), and shared by every Kokoro voice, which differ only in their
    style table."""
    import onnx
    import onnxruntime
    from onnx import TensorProto, helper

    model = onnx.load(str(kokoro_files.verified(path, kokoro_files.MODEL_SHA256)))
    lengths = onnx.utils.Extractor(model).extract_model(["tokens", "style", "speed"], [DURATIONS])
    model.graph.node.append(
        helper.make_node("Cast", [DURATIONS], ["durations"], to=TensorProto.INT64)
    )
    model.graph.output.append(helper.make_tensor_value_info("durations", TensorProto.INT64, None))
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    return tuple(
        onnxruntime.InferenceSession(
            graph.SerializeToString(), sess_options=options, providers=["CPUExecutionProvider"]
        )
        for graph in (model, lengths)
    )


@functools.cache
def tokenizer():
    """kokoro-onnx's text-to-phoneme reader (espeak-ng), one per process."""
    from kokoro_onnx.tokenizer import Tokenizer

    return Tokenizer()


class Kokoro(Voice):
    """Kokoro-82M speaking with one of its English voices, at 24 kHz."""

    def __init__(self, cache: Path, voice: str = DEFAULT_VOICE) -> None:
        if voice not in kokoro_files.ENGLISH_VOICES:
            raise ValueError(f"Kokoro has no English voice {voice!r}")
        self.voice = voice
        self.cache = cache / f"kokoro-{voice}"
        self.name = f"{describe_voice(voice)} (Kokoro-82M v1.0)"

    @cached_property
    def versions(self) -> dict[str, str]:
        return {name: importlib.metadata.version(name) for name in PACKAGES}

    @property
    def pins(self) -> dict[Path, str]:
        """The files this voice reads, and the SHA-256 each must have."""
        return {
            kokoro_files.model_path(): kokoro_files.MODEL_SHA256,
            kokoro_files.voice_path(self.voice): kokoro_files.ENGLISH_VOICES[self.voice],
        }

    def key(self, line_prefix: str) -> dict:
        """The voice, its files' pinned digests, the engine's versions and this code."""
        return {
            "voice": self.name,
            "files": {path.name: digest for path, digest in self.pins.items()},
            "versions": self.versions,
            "code": code_digest(__file__),
        }

    def describe(self) -> dict:
        return {
            "name": self.name,
            "engine": f"kokoro-onnx {self.versions['kokoro-onnx']}, onnxruntime: {ENGINE_LICENCE}",
            "model": f"Kokoro-82M v1.0 int8 ({kokoro_files.LICENCE}), SHA-256 "
            f"{kokoro_files.MODEL_SHA256}, joined from PyPI's "
            f"{', '.join(part.project for part in kokoro_files.MODEL_PARTS)}",
            "voice_file": f"{self.voice}.bin from npm's {kokoro_files.VOICES_PACKAGE} "
            f"{kokoro_files.VOICES_VERSION} ({kokoro_files.LICENCE}), SHA-256 "
            f"{kokoro_files.ENGLISH_VOICES[self.voice]}",
        }

    def licences(self) -> dict[str, str]:
        """The same for every Kokoro voice: the voices differ in their style tables alone."""
        return {
            "engine": ENGINE_LICENCE,
            "model": f"{kokoro_files.LICENCE} (Kokoro-82M v1.0)",
            "voice": f"{kokoro_files.LICENCE} ({kokoro_files.VOICES_PACKAGE})",
        }

    def missing(self) -> str | None:
        """A file that is not as pinned, or the engine not installed."""
        try:
            import kokoro_onnx  # noqa: F401
        except ImportError as error:
            return str(error)
        problems = (kokoro_files.problem(path, digest) for path, digest in self.pins.items())
        return next((why for why in problems if why), None)

    def clip(self, line_id: str, words: str) -> Clip:
        digest = hashlib.sha256(repr((self.key(""), words)).encode()).hexdigest()[:32]
        return cached_clip(self.cache / f"{digest}.wav", lambda: self.synthesize(words))

    @cached_property
    def styles(self) -> np.ndarray:
        """The voice's style table, one row per phoneme count, verified before use."""
        path = kokoro_files.verified(
            kokoro_files.voice_path(self.voice), kokoro_files.ENGLISH_VOICES[self.voice]
        )
        table = np.fromfile(path, dtype=np.float32)
        return table.reshape(kokoro_files.VOICE_ROWS, 1, kokoro_files.STYLE_WIDTH)

    @property
    def sessions(self):
        """The whole model and the part that decides the frames alone (`loaded_model`)."""
        return loaded_model(kokoro_files.model_path())

    @property
    def tokenizer(self):
        return tokenizer()

    def phonemes(self, text: str) -> str:
        """The text's phonemes, its sentence and clause marks passed on as marks."""
        pieces = MARKS.split(spoken(text))
        said = []
        for words, mark in zip(pieces[::2], [*pieces[1::2], ""], strict=True):
            if words.strip():
                said.append(self.tokenizer.phonemize(words.strip(), accent(self.voice)))
            if mark:
                said[-1:] = [f"{said[-1] if said else ''}{mark}"]
        return " ".join(part for part in said if part)

    def sentence(self, text: str) -> Sentence:
        phonemes = self.tokenizer.known(self.phonemes(text))
        return Sentence(tuple(self.tokenizer.tokenize(phonemes)), phonemes)

    def inputs(self, sentence: Sentence, speed: float) -> dict[str, np.ndarray]:
        tokens = sentence.tokens
        return {
            "tokens": np.array([[0, *tokens, 0]], dtype=np.int64),
            "style": self.styles[min(len(tokens), kokoro_files.VOICE_ROWS) - 1],
            "speed": np.array([speed], dtype=np.float32),
        }

    def frames(self, sentence: Sentence, speed: float) -> np.ndarray:
        """How many frames each token lasts at `speed` (the pads at both ends included)."""
        _, lengths = self.sessions
        return np.asarray(lengths.run(None, self.inputs(sentence, speed))[0]).ravel()

    def speaking(self, sentence: Sentence, frames: np.ndarray) -> float:
        """Seconds from the sentence's first sound to its last, as its lengths foretell them:
        the first sound is heard SOUND_LEAD before its frames, and the last is drawn out in
        frames well after it has faded (by 0.2 to 0.6 s), so it counts no longer than the
        sentence's typical sound. Over 20 lines the sound then took a median 2 % longer
        (-1 % to +6 %): LENGTHS_TO_SOUND."""
        sounding = [k + 1 for k, phoneme in enumerate(sentence.phonemes) if is_sound(phoneme)]
        if not sounding:
            return 0.0
        lengths = frames[sounding]
        last = min(lengths[-1], np.median(lengths))
        took = frames[sounding[0] : sounding[-1]].sum() + last
        return (float(took) * SAMPLES_PER_FRAME / SAMPLE_RATE + SOUND_LEAD) * LENGTHS_TO_SOUND

    def speed_for(self, sentences: list[Sentence], count: int) -> float:
        """The speed that brings the line's words nearest TARGET_WPM by their lengths alone.
        Pace grows with speed, but in steps (a phoneme lasts whole frames), so a guess in
        proportion is kept inside the bracket the tries so far have narrowed, and the best
        speed tried wins."""
        tried: dict[float, float] = {}
        low, high = SPEEDS
        speed = 1.0
        for _ in range(PACE_ATTEMPTS):
            took = sum(self.speaking(s, self.frames(s, speed)) for s in sentences)
            tried[speed] = measured = pace(count, took)
            if abs(measured - TARGET_WPM) <= PACE_TOLERANCE:
                break
            if measured > TARGET_WPM:
                high = speed
            else:
                low = speed
            guess = self.toward_pace(speed, measured)
            speed = guess if low < guess < high else (low + high) / 2
            if speed in tried or high - low < 1e-3:
                break
        return min(tried, key=lambda tried_speed: abs(tried[tried_speed] - TARGET_WPM))

    @staticmethod
    def toward_pace(speed: float, measured: float) -> float:
        """The speed to try next, or `speed` itself when the pace is on target or a limit
        is reached (a line of numbers is slower to say)."""
        if abs(measured - TARGET_WPM) <= PACE_TOLERANCE:
            return speed
        return float(np.clip(speed * TARGET_WPM / measured, *SPEEDS))

    def synthesize(self, words: str) -> tuple[np.ndarray, list[WordTime]]:
        """The words spoken at the film's pace, at 48 kHz, levelled, with each word's time.

        The speed is found on the lengths alone; the pace is then measured on the sound,
        and a line heard outside a lecturer's band (PACE_BAND) is spoken once more at a
        corrected speed."""
        sentences = [self.sentence(text) for text in SENTENCE_END.split(words.strip())]
        sentences = [sentence for sentence in sentences if sentence.tokens]
        if not sentences:
            raise ValueError(f"Kokoro found nothing to say in {words!r}")
        written = words_of(words)
        speed = self.speed_for(sentences, len(written))
        samples, sounds, speaking = self.spoken_at(sentences, speed)
        heard = pace(len(written), speaking)
        if not PACE_BAND[0] <= heard <= PACE_BAND[1]:
            better = self.toward_pace(speed, heard)
            if better != speed:
                samples, sounds, _ = self.spoken_at(sentences, better)
        word_sounds = [[p for p in self.phonemes(word) if is_sound(p)] for word in written]
        times = engine_word_times(written, word_sounds, sounds)
        prepared, cut = audio.prepared_from(samples, SAMPLE_RATE)
        seconds = len(prepared) / audio.RATE
        return prepared, [
            WordTime(t.word, *np.clip([t.start - cut, t.end - cut], 0.0, seconds).tolist())
            for t in times
        ]

    def spoken_at(
        self, sentences: list[Sentence], speed: float
    ) -> tuple[np.ndarray, list[tuple[str, float, float]], float]:
        """The sentences at `speed`, joined by a short pause: the samples, each sound with
        its time, and how long the sounds took (pauses left out), measured on the sound."""
        model, _ = self.sessions
        pause = np.zeros(int(SENTENCE_PAUSE * SAMPLE_RATE))
        pieces, sounds, speaking, position = [], [], 0.0, 0
        for sentence in sentences:
            if pieces:
                pieces.append(pause)
                position += len(pause)
            sound, frames = model.run(None, self.inputs(sentence, speed))
            sound = np.asarray(sound, dtype=np.float64).ravel()
            frames = np.asarray(frames).ravel()
            start, stop = audio.speech_bounds(sound, SAMPLE_RATE)
            edges = np.concatenate([[0], np.cumsum(frames)]) * len(sound) / frames.sum()
            offset = (position - start) / SAMPLE_RATE
            # No time lies outside the sound that was kept: a sentence's last sound fades
            # before its frames end, and its first rises before its frames begin, out of
            # the frames of the silence before it (by 0.04 to 0.27 s, more when slower),
            # so the first sound starts where the sentence's sound does.
            heard = (
                offset + audio.speech_onset(sound) / SAMPLE_RATE,
                (position + stop - start) / SAMPLE_RATE,
            )
            timed = [
                (phoneme, *np.clip(offset + edges[k + 1 : k + 3] / SAMPLE_RATE, *heard))
                for k, phoneme in enumerate(sentence.phonemes)
                if is_sound(phoneme)
            ]
            if timed:
                timed[0] = (timed[0][0], heard[0], timed[0][2])
            if timed:
                speaking += timed[-1][2] - timed[0][1]
            sounds += timed
            pieces.append(sound[start:stop])
            position += stop - start
        return np.concatenate(pieces), sounds, speaking
