"""Which Kokoro voice should speak the lecture: each voice heard by a machine, beside Piper.

    PYTHONPATH=. .venv/bin/python benchmarks/voice_listening.py [--seed 23]
        [--script renders/seed-23/script.txt] [--voices af_heart,am_michael]
        [--screen-lines 02-loss-08,04-loop-11] [--no-probes] [--top 3]
        [--lecture-voices am_michael,bm_george] [--lines 02-loss,04-loop] [--no-lecture]
        [--cache DIR] [--json FILE]

Two steps, every clip synthesized afresh (a new temporary speech cache unless --cache):

1. The screen: every English Kokoro voice (or --voices) and Piper, on a few of the
   seed's lines, chosen for their numbers (decimals, percentages, whole numbers), and an
   ordinary sentence, plus two probe lines that are not the lecture's, with the signs and
   symbols the film writes on screen (−, ×, →, ≈, w₁, log(p)) and no lecture line says.
2. The lecture: the best --top Kokoro voices of the screen (or --lecture-voices) and Piper
   on every line of the seed's lecture (or --lines, ids or their prefixes).

For each voice: the share of the expected words PocketSphinx heard (in order: the longest
common subsequence of the words a listener should hear, numbers spelled out, and what it
heard, words that sound alike such as "to" and "two" taken as one; the share_heard of
tests/audio_checks.py, which does not, is kept in the JSON); the share of number words heard
(the spelled-out words of the written numbers, such as "three point four three" for 3.43,
counted where they fall in that same alignment); the numbers heard whole (every word of the
number, in a row, in the transcript) and those missed; the loudness of the clips as the film
plays them (BS.1770, both channels), the highest true peak, the pace in words a minute over
the words' own time (pauses between sentences left out, as voices/speech.py counts it; the
film's target is 157) by the engine's word times (wpm) and by the sound alone (snd), how far
the last word's time runs past the clip's end (past, seconds), the longest silence inside a
clip, and the real-time factor (seconds of synthesis over seconds of audio, loading the
model not counted: it is given apart). The screen ranks Kokoro's voices by number words
heard, then words heard.

The recognizer is a rough listener: it knows no "tanh", "logit" or "softmax", and hears
about four words in five of clean speech; the figures compare voices, they do not grade
them. Nothing is asserted. With the script at hand (render.py --seed 23 --script takes
about 3 minutes), on two busy cores: the screen about 18 minutes (29 voices x 6 lines),
the lecture about 20 more (4 voices x 56 lines); Kokoro synthesizes at about 0.9 x real
time on one thread, Piper at about 0.35.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from common import audio
from tests.audio_checks import (
    bs1770_loudness,
    fft_true_peak_dbtp,
    number_in_words,
    rms_windows,
    share_heard,
    transcript,
)
from voices.base import Voice
from voices.kokoro import Kokoro
from voices.kokoro_files import ENGLISH_VOICES
from voices.piper import PiperJoe
from voices.registry import KOKORO, PIPER, voice_named
from voices.speech import SENTENCE_PAUSE, SPOKEN, TARGET_WPM

ROOT = Path(__file__).resolve().parent.parent
# Seed 23's lines with numbers (decimals, percentages, whole numbers, a step and a section)
# and an ordinary sentence; another seed has the same ids.
SCREEN_LINES = ("02-loss-08", "04-loop-11", "05-generalization-05", "04-loop-05")
# No line of the lecture says a negative number or a sign: these say what the screen shows.
PROBES = {
    "probe-01": "Its weight w₁ is −1.13; the slope is −0.27 × 4 → −1.08.",
    "probe-02": "The loss, −log(p), is ≈ 2.22 when p is 10.9%.",
}
NUMBER = r"[−-]?\d+(?:\.\d+)?%?"
TOKEN = re.compile(rf"{NUMBER}|[A-Za-z']+|[{''.join(SPOKEN)}]")
# Number words the recognizer writes as another word that sounds the same: each side is
# compared by its first spelling, so "down to" matches the heard "down two" and "4" the
# heard "for" (PocketSphinx picks the spelling its language model likes).
SOUNDS_ALIKE = {"to": "two", "too": "two", "for": "four", "won": "one", "ate": "eight"}
SILENCE_DBFS = -45.0  # a 20 ms window quieter than this is silence
SENTENCE_END = re.compile(r"[.!?][\"'”]*$")


@dataclass(frozen=True)
class Expected:
    """What a listener should hear in a line: its words, which of them belong to a number,
    and each number as written with its words."""

    words: list[str]
    is_number: list[bool]
    numbers: list[tuple[str, list[str]]]


def expected(caption: str) -> Expected:
    """A caption's words as they should be heard: numbers spelled out, signs said as the
    voices say them (voices/speech.py), lower case."""
    words, flags, numbers = [], [], []
    for token in TOKEN.findall(caption):
        if token in SPOKEN:
            said = SPOKEN[token].split()
            words += said
            flags += [False] * len(said)
        elif token[-1].isdigit() or token[-1] == "%":
            said = number_in_words(token)
            words += said
            flags += [True] * len(said)
            numbers.append((token, said))
        elif token.strip("'"):
            words.append(token.strip("'").lower())
            flags.append(False)
    return Expected(words, flags, numbers)


def alike(words: list[str]) -> list[str]:
    return [SOUNDS_ALIKE.get(word, word) for word in words]


def matched(expected_words: list[str], heard: list[str]) -> list[bool]:
    """Which expected words the longest common subsequence with `heard` takes (as
    tests/audio_checks.share_heard counts it, words that sound alike taken as one)."""
    expected_words, heard = alike(expected_words), alike(heard)
    n, m = len(expected_words), len(heard)
    table = np.zeros((n + 1, m + 1), dtype=int)
    for i in range(n):
        for j in range(m):
            same = expected_words[i] == heard[j]
            table[i + 1, j + 1] = table[i, j] + 1 if same else max(table[i, j + 1], table[i + 1, j])
    taken = [False] * n
    i, j = n, m
    while i and j:
        if expected_words[i - 1] == heard[j - 1] and table[i, j] == table[i - 1, j - 1] + 1:
            taken[i - 1] = True
            i, j = i - 1, j - 1
        elif table[i - 1, j] >= table[i, j - 1]:
            i -= 1
        else:
            j -= 1
    return taken


def said_in_a_row(words: list[str], heard: list[str]) -> bool:
    words, heard = alike(words), alike(heard)
    return any(heard[k : k + len(words)] == words for k in range(len(heard) - len(words) + 1))


def speaking_seconds(times) -> float:
    """The words' own time: each sentence from its first word's start to its last's end."""
    total, first = 0.0, None
    for time_ in times:
        first = time_ if first is None else first
        if SENTENCE_END.search(time_.word):
            total += time_.end - first.start
            first = None
    if first is not None:
        total += times[-1].end - first.start
    return total


def sounding_seconds(samples: np.ndarray, words: str) -> float:
    """The words' time heard in the sound, not taken from the engine: from the first loud
    20 ms window to the last, less the pauses put between sentences."""
    sounding = np.flatnonzero(rms_windows(samples) > SILENCE_DBFS)
    if sounding.size == 0:
        return 0.0
    breaks = sum(bool(SENTENCE_END.search(word)) for word in words.split()[:-1])
    return (sounding[-1] + 1 - sounding[0]) * 0.02 - breaks * SENTENCE_PAUSE


def longest_silence(samples: np.ndarray) -> float:
    """The longest run of silent 20 ms windows between the first sound and the last."""
    loud = rms_windows(samples) > SILENCE_DBFS
    sounding = np.flatnonzero(loud)
    if sounding.size == 0:
        return 0.0
    longest = run = 0
    for is_loud in loud[sounding[0] : sounding[-1] + 1]:
        run = 0 if is_loud else run + 1
        longest = max(longest, run)
    return longest * 0.02


@dataclass
class Heard:
    """One line, spoken by one voice, and what the machine heard in it."""

    line: str
    words: str
    heard: list[str]
    words_heard: float
    words_heard_exactly: float  # share_heard's count: no two words taken as one
    expected_words: int
    number_words: int
    number_words_heard: int
    numbers: list[str]
    numbers_missed: list[str]
    lufs: float
    true_peak_dbtp: float
    wpm: float
    wpm_by_sound: float
    last_word_past_end: float  # the last word's end, less the clip's length (s)
    seconds: float
    synthesis_seconds: float
    longest_silence: float


def listen(voice: Voice, line: str, words: str) -> Heard:
    started = time.perf_counter()
    clip = voice.clip(line, words)
    took = time.perf_counter() - started
    samples = audio.read_wav(clip.path)
    heard = transcript(samples)
    wanted = expected(words)
    taken = matched(wanted.words, heard)
    return Heard(
        line=line,
        words=words,
        heard=heard,
        words_heard=sum(taken) / max(len(taken), 1),
        words_heard_exactly=share_heard(wanted.words, heard),
        expected_words=len(wanted.words),
        number_words=sum(wanted.is_number),
        number_words_heard=sum(t and n for t, n in zip(taken, wanted.is_number, strict=True)),
        numbers=[written for written, _ in wanted.numbers],
        numbers_missed=[w for w, said in wanted.numbers if not said_in_a_row(said, heard)],
        lufs=bs1770_loudness(np.column_stack([samples, samples])),
        true_peak_dbtp=fft_true_peak_dbtp(samples),
        wpm=60 * len(clip.words) / speaking_seconds(clip.words),
        wpm_by_sound=60 * len(clip.words) / sounding_seconds(samples, words),
        last_word_past_end=clip.words[-1].end - clip.seconds,
        seconds=clip.seconds,
        synthesis_seconds=took,
        longest_silence=longest_silence(samples),
    )


@dataclass
class Summary:
    voice: str
    lines: int
    words_heard: float  # of all expected words, pooled over the lines
    number_words_heard: float
    numbers_heard: str  # "k/n"
    numbers_missed: list[str]
    lufs_median: float
    lufs_range: tuple[float, float]
    true_peak_max: float
    wpm_median: float
    wpm_range: tuple[float, float]
    wpm_by_sound_median: float
    last_word_past_end_max: float
    longest_silence: float
    rtf: float
    load_seconds: float
    per_line: list[dict] = field(default_factory=list)


def summary(voice: str, heard: list[Heard], load_seconds: float) -> Summary:
    expected_words = sum(h.expected_words for h in heard)
    number_words = sum(h.number_words for h in heard)
    numbers = sum(len(h.numbers) for h in heard)
    missed = [f"{h.line}: {number}" for h in heard for number in h.numbers_missed]
    lufs = [h.lufs for h in heard]
    wpm = [h.wpm for h in heard]
    return Summary(
        voice=voice,
        lines=len(heard),
        words_heard=sum(h.words_heard * h.expected_words for h in heard) / max(expected_words, 1),
        number_words_heard=sum(h.number_words_heard for h in heard) / max(number_words, 1),
        numbers_heard=f"{numbers - len(missed)}/{numbers}",
        numbers_missed=missed,
        lufs_median=statistics.median(lufs),
        lufs_range=(min(lufs), max(lufs)),
        true_peak_max=max(h.true_peak_dbtp for h in heard),
        wpm_median=statistics.median(wpm),
        wpm_range=(min(wpm), max(wpm)),
        wpm_by_sound_median=statistics.median(h.wpm_by_sound for h in heard),
        last_word_past_end_max=max(h.last_word_past_end for h in heard),
        longest_silence=max(h.longest_silence for h in heard),
        rtf=sum(h.synthesis_seconds for h in heard) / sum(h.seconds for h in heard),
        load_seconds=load_seconds,
        per_line=[asdict(h) for h in heard],
    )


class Listener:
    """The voices, each made and loaded once, and every line each has said (so the lecture
    step reuses the screen's clips and their synthesis times)."""

    def __init__(self, cache: Path) -> None:
        self.cache = cache
        self.voices: dict[str, tuple[Voice, float]] = {}
        self.heard: dict[tuple[str, str], Heard] = {}

    def voice(self, name: str) -> tuple[Voice, float]:
        if name not in self.voices:
            started = time.perf_counter()
            voice = voice_named(name, self.cache)
            if isinstance(voice, Kokoro):
                voice.sessions, voice.tokenizer, voice.styles  # noqa: B018 (loaded, untimed)
            elif isinstance(voice, PiperJoe):
                voice.piper  # noqa: B018
            self.voices[name] = voice, time.perf_counter() - started
        return self.voices[name]

    def summary(self, name: str, lines: dict[str, str]) -> Summary:
        voice, load = self.voice(name)
        for line, words in lines.items():
            if (name, line) not in self.heard:
                self.heard[name, line] = listen(voice, line, words)
        return summary(name, [self.heard[name, line] for line in lines], load)


def script_lines(seed: int, script: Path | None) -> dict[str, str]:
    """The seed's lines, id to words, from its script.txt (written by render.py if absent)."""
    if script is None:
        out = Path(tempfile.mkdtemp(prefix="voice-listening-script-"))
        command = [sys.executable, str(ROOT / "render.py"), "--seed", str(seed), "--script"]
        subprocess.run([*command, "--jobs", "1", "--out", str(out)], check=True, cwd=ROOT)
        script = out / f"seed-{seed}" / "script.txt"
    found = re.findall(r"^(\d\d-[\w-]+)\n {4}(.+)$", script.read_text(), flags=re.MULTILINE)
    return dict(found)


def chosen(lines: dict[str, str], wanted: list[str]) -> dict[str, str]:
    """The lines whose ids are, or start with, one of `wanted` (all of them if none)."""
    if not wanted:
        return lines
    return {k: v for k, v in lines.items() if any(k.startswith(w) for w in wanted)}


def row(s: Summary) -> str:
    return (
        f"{s.voice:<20} {s.lines:>3} {100 * s.words_heard:>6.1f} "
        f"{100 * s.number_words_heard:>6.1f} {s.numbers_heard:>7} {s.lufs_median:>6.1f} "
        f"{s.lufs_range[0]:>6.1f}..{s.lufs_range[1]:<6.1f} {s.true_peak_max:>6.2f} "
        f"{s.wpm_median:>6.1f} {s.wpm_range[0]:>5.0f}..{s.wpm_range[1]:<5.0f} "
        f"{s.wpm_by_sound_median:>6.1f} {s.last_word_past_end_max:>5.2f} "
        f"{s.longest_silence:>5.2f} {s.rtf:>5.2f} {s.load_seconds:>5.1f}"
    )


HEADER = (
    f"{'voice':<20} {'n':>3} {'words%':>6} {'num%':>6} {'numbers':>7} {'LUFS':>6} "
    f"{'LUFS range':<14} {'dBTP':>6} {'wpm':>6} {'wpm range':<12} {'snd':>6} {'past':>5} "
    f"{'sil s':>5} "
    f"{'RTF':>5} {'load':>5}"
)


def table(title: str, summaries: list[Summary]) -> None:
    print(f"\n{title}\n{HEADER}")
    for s in summaries:
        print(row(s))
    for s in summaries:
        if s.numbers_missed:
            print(f"  {s.voice} missed: {'; '.join(s.numbers_missed)}")


def rank(s: Summary) -> tuple[float, float]:
    return s.number_words_heard, s.words_heard


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=23)
    parser.add_argument("--script", type=Path, help="the seed's script.txt (else written)")
    parser.add_argument("--voices", default="", help="Kokoro voices to screen (default all)")
    parser.add_argument("--screen-lines", default=",".join(SCREEN_LINES))
    parser.add_argument("--no-probes", action="store_true", help="screen without the probes")
    parser.add_argument("--top", type=int, default=3, help="Kokoro voices for the lecture")
    parser.add_argument("--lecture-voices", default="", help="these, not the screen's best")
    parser.add_argument("--lines", default="", help="lecture line ids or prefixes (all)")
    parser.add_argument("--no-lecture", action="store_true", help="the screen alone")
    parser.add_argument("--cache", type=Path, help="speech cache (default: a fresh one)")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()

    started = time.perf_counter()
    cache = args.cache or Path(tempfile.mkdtemp(prefix="voice-listening-speech-"))
    lines = script_lines(args.seed, args.script)
    listener = Listener(cache)
    report: dict = {"seed": args.seed, "cache": str(cache), "target_wpm": TARGET_WPM}

    kokoro = [v for v in args.voices.split(",") if v] or list(ENGLISH_VOICES)
    screen = chosen(lines, [w for w in args.screen_lines.split(",") if w])
    if not args.no_probes:
        screen |= PROBES
    screened = []
    for name in [PIPER, *(f"{KOKORO}:{v}" for v in kokoro)]:
        screened.append(listener.summary(name, screen))
        print(row(screened[-1]), flush=True)
    ranked = sorted(screened[1:], key=rank, reverse=True)
    table(f"Screen: seed {args.seed}, {len(screen)} lines ({', '.join(screen)})", ranked)
    report["screen"] = {"lines": screen, "voices": [asdict(s) for s in screened]}
    report["probe_phonemes"] = {
        accent: {line: Kokoro(cache, voice).phonemes(words) for line, words in PROBES.items()}
        for accent, voice in (("en-us", "am_michael"), ("en-gb", "bm_george"))
    }
    report["screen_seconds"] = time.perf_counter() - started
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False))

    if not args.no_lecture:
        best = [v for v in args.lecture_voices.split(",") if v]
        best = [f"{KOKORO}:{v}" for v in best] or [s.voice for s in ranked[: args.top]]
        lecture = chosen(lines, [w for w in args.lines.split(",") if w])
        step = time.perf_counter()
        heard = []
        for name in [PIPER, *best]:
            heard.append(listener.summary(name, lecture))
            print(row(heard[-1]), flush=True)
        table(f"Lecture: seed {args.seed}, {len(lecture)} lines", heard)
        report["lecture"] = {"lines": len(lecture), "voices": [asdict(s) for s in heard]}
        report["lecture_seconds"] = time.perf_counter() - step
    report["seconds"] = time.perf_counter() - started
    print(f"\n{report['seconds'] / 60:.1f} minutes in all")
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
