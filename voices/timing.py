"""When each word of a line is spoken: the times that cues on words and captions are held to.

Three sources, one result (a `WordTime` per whitespace-separated word of the line, in
seconds from the start of its clip):

- the speech engine's own alignment, where it gives one: Piper and Kokoro report how long
  each phoneme lasts (`engine_word_times`), so their words' onsets are exact by construction;
- offline forced alignment of a known text to a recording (`aligned_word_times`,
  PocketSphinx 5), for a lecturer's own takes;
- reading time, for a silent film (`read_word_times`): where a reader's eye would be.

A mark in a line is a word written with a caret, `"the ^thick orange lines"`, or a number
placeholder, `"it gave Paris ^{p}"`; `marked` takes the carets out and names the marks.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

MARK = "^"


@dataclass(frozen=True)
class WordTime:
    """A word of the line and when it is said, in seconds from the start of the clip."""

    word: str
    start: float
    end: float


@dataclass(frozen=True)
class Marked:
    """A line's words without their carets, and the index of each marked word by name."""

    words: str
    marks: dict[str, int]


def words_of(line: str) -> list[str]:
    return line.split()


def mark_name(token: str) -> str:
    """The name a marked token goes by: its placeholder's name, or the word itself in
    lower case without punctuation ("^thick," -> "thick", "^{p}%" -> "p")."""
    placeholder = re.search(r"\{(\w+)", token)
    if placeholder:
        return placeholder.group(1)
    return re.sub(r"[^\w%.−-]", "", token.lstrip(MARK)).strip(".").lower()


def marked(template: str) -> Marked:
    """The marks of a line template (before its numbers are filled in): a token starting
    with a caret is marked. Each placeholder fills in one word, so indices hold after."""
    tokens = words_of(template)
    marks: dict[str, int] = {}
    for index, token in enumerate(tokens):
        if token.startswith(MARK):
            name = mark_name(token)
            if name in marks:
                raise ValueError(f"the mark {name!r} appears twice in {template!r}")
            marks[name] = index
    words = " ".join(token.removeprefix(MARK) for token in tokens)
    return Marked(words, marks)


def read_word_times(line: str, characters_per_second: float) -> list[WordTime]:
    """A silent film's word times: each word when a reader reaches it, at a steady pace."""
    times, position = [], 0
    for word in words_of(line):
        start = position / characters_per_second
        position += len(word) + 1
        times.append(WordTime(word, start, (position - 1) / characters_per_second))
    return times


def spread_over(words: Sequence[str], start: float, end: float) -> list[WordTime]:
    """Words laid evenly over a stretch by their lengths: for a stretch whose inner times
    no source gives (a word PocketSphinx does not know)."""
    weights = np.array([len(word) + 1 for word in words], dtype=float)
    edges = start + (end - start) * np.concatenate([[0.0], np.cumsum(weights)]) / weights.sum()
    return [
        WordTime(w, float(a), float(b)) for w, a, b in zip(words, edges, edges[1:], strict=False)
    ]


# The engine's own alignment ----------------------------------------------------------------------
def is_sound(phoneme: str) -> bool:
    """A phoneme that is a sound: an IPA letter, not a space, punctuation, a stress or
    length mark (modifier letters, Unicode category Lm)."""
    return any(
        unicodedata.category(ch)[0] == "L" and unicodedata.category(ch) != "Lm" for ch in phoneme
    )


def timed_phonemes(
    phonemes: Sequence[str], samples: Sequence[int], offset: float, rate: int
) -> list[tuple[str, float, float]]:
    """Piper's alignment of one sentence as (sound, start, end) in seconds: each phoneme
    lasts the samples the engine gave it. The first and last entries are the sentence's
    start and end markers, which are no sound."""
    edges = offset + np.concatenate([[0], np.cumsum(samples)]) / rate
    return [
        (phoneme, float(edges[k]), float(edges[k + 1]))
        for k, phoneme in enumerate(phonemes)
        if 0 < k < len(phonemes) - 1 and is_sound(phoneme)
    ]


def engine_word_times(
    words: Sequence[str],
    word_sounds: Sequence[Sequence[str]],
    spoken: Sequence[tuple[str, float, float]],
) -> list[WordTime]:
    """Each written word's time from the engine's timed sounds (Piper's or Kokoro's).

    espeak reads a line's words as it reads them one by one, except that it runs some
    together ("at a") and says a few differently in context ("the"). So the sounds of the
    words said one by one are matched to the sounds of the line (difflib's longest common
    blocks); a word starts at its first matched sound and ends at its last. A word with no
    matched sound shares the stretch between its neighbours."""
    flat, owner = [], []
    for index, sounds in enumerate(word_sounds):
        flat += list(sounds)
        owner += [index] * len(sounds)
    matcher = difflib.SequenceMatcher(None, flat, [p for p, _, _ in spoken], autojunk=False)
    found: list[list[tuple[float, float]]] = [[] for _ in words]
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            _, start, end = spoken[block.b + k]
            found[owner[block.a + k]].append((start, end))
    times = [
        WordTime(word, hits[0][0], hits[-1][1]) if hits else None
        for word, hits in zip(words, found, strict=True)
    ]
    total = spoken[-1][2] if spoken else 0.0
    return fill_gaps(words, times, total)


# Forced alignment (PocketSphinx) ------------------------------------------------------------
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


def integer_words(n: int) -> list[str]:
    if n < 10:
        return [ONES[n]]
    if n < 20:
        return [TEENS[n - 10]]
    if n < 100:
        tens, ones = divmod(n, 10)
        return [TENS[tens]] + ([ONES[ones]] if ones else [])
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return [ONES[hundreds], "hundred"] + (integer_words(rest) if rest else [])
    thousands, rest = divmod(n, 1000)
    return integer_words(thousands) + ["thousand"] + (integer_words(rest) if rest else [])


def said_as(word: str) -> list[str]:
    """A written word as the dictionary words a speaker says: "−1.13" -> minus one point
    one three, "17.3%" -> seventeen point three percent, "mixer's" -> mixers."""
    word = word.replace("’", "'").lower()
    said: list[str] = []
    for token in re.findall(r"[−-]?\d+(?:\.\d+)?%?|[a-z']+", word):
        if token[0].isdigit() or token[0] in "−-":
            if token[0] in "−-":
                said.append("minus")
                token = token[1:]
            percent = token.endswith("%")
            whole, _, decimals = token.rstrip("%").partition(".")
            said += integer_words(int(whole))
            if decimals:
                said += ["point"] + [ONES[int(d)] for d in decimals]
            if percent:
                said.append("percent")
        else:
            said.append(re.sub(r"'s$", "s", token).strip("'"))
    return [s for s in said if s]


def aligned_word_times(samples: np.ndarray, rate: int, line: str) -> list[WordTime]:
    """The line's words in a recording of it, by PocketSphinx's forced alignment.

    PocketSphinx places words well within a phrase and poorly across a long one (on a take
    of two sentences it put the second word 0.19 s early), so where the take's pauses match
    the line's sentences (or its clauses) one for one, each is aligned on its own stretch."""
    words = words_of(line)
    stretches = speech_stretches(samples, rate)
    for ends in (SENTENCE_ENDS, CLAUSE_ENDS):
        phrases = phrases_of(words, ends)
        if len(phrases) == len(stretches):
            times: list[WordTime] = []
            for (first, stop), (start, end) in zip(phrases, stretches, strict=True):
                piece = samples[int(start * rate) : int(end * rate)]
                times += [
                    WordTime(t.word, t.start + start, t.end + start)
                    for t in aligned_phrase(piece, rate, words[first:stop])
                ]
            return times
    return aligned_phrase(samples, rate, words)


SENTENCE_ENDS = (".", "?", "!")
CLAUSE_ENDS = (".", "?", "!", ",", ";", ":")
PAUSE_SECONDS = 0.2  # quiet this long between phrases of a take
QUIET_DBFS = -40.0


def phrases_of(words: Sequence[str], ends: tuple[str, ...]) -> list[tuple[int, int]]:
    """The words cut after every word ending with one of `ends`, as [first, stop)."""
    cuts = [k + 1 for k, word in enumerate(words[:-1]) if word.rstrip('"”’').endswith(ends)]
    edges = [0, *cuts, len(words)]
    return list(zip(edges, edges[1:], strict=False))


def speech_stretches(samples: np.ndarray, rate: int) -> list[tuple[float, float]]:
    """The stretches of sound between pauses of PAUSE_SECONDS or more, in seconds."""
    step = int(0.01 * rate)
    frames = samples[: len(samples) // step * step].reshape(-1, step)
    loud = 20 * np.log10(np.sqrt(np.mean(frames**2, axis=1)) + 1e-12) > QUIET_DBFS
    stretches, start, quiet = [], None, 0
    for index, is_loud in enumerate(loud):
        if is_loud:
            if start is None:
                start = index
            quiet = 0
        elif start is not None:
            quiet += 1
            if quiet * 0.01 >= PAUSE_SECONDS:
                stretches.append((start, index - quiet + 1))
                start = None
    if start is not None:
        stretches.append((start, len(loud)))
    # PocketSphinx's aligner gives silence before the first word to that word and squeezes
    # the next (0.3 s of it put the second word 0.26 s early): a stretch starts at its sound.
    before, after, seconds = 0.01, 0.08, len(samples) / rate
    return [(max(a * 0.01 - before, 0.0), min(b * 0.01 + after, seconds)) for a, b in stretches]


def aligned_phrase(samples: np.ndarray, rate: int, words: Sequence[str]) -> list[WordTime]:
    """One phrase's words aligned to its sound. A word the dictionary lacks is left out of
    the alignment and given its share of the stretch between its neighbours; when the
    aligner fails altogether, the words are spread over the sound."""
    from pocketsphinx import Decoder
    from scipy.signal import resample_poly

    pcm = resample_poly(samples, 16_000, rate) if rate != 16_000 else samples
    pcm16 = (np.clip(pcm, -1, 1) * 32767).astype(np.int16).tobytes()
    decoder = Decoder(samprate=16_000, loglevel="FATAL")
    said = [[s for s in said_as(word) if decoder.lookup_word(s)] for word in words]
    flat = [s for group in said for s in group]
    seconds = len(samples) / rate
    if not flat:
        return spread_over(words, 0.0, seconds)
    try:
        decoder.set_align_text(" ".join(flat))
        decoder.start_utt()
        decoder.process_raw(pcm16, full_utt=True)
        decoder.end_utt()
        found = [
            (segment.word, segment.start_frame / 100, (segment.end_frame + 1) / 100)
            for segment in decoder.seg() or ()  # None when nothing could be aligned
            if segment.word not in ("<s>", "</s>", "<sil>", "[NOISE]")
        ]
    except (RuntimeError, ValueError):
        found = []
    if len(found) != len(flat):
        return spread_over(words, 0.0, seconds)
    times: list[WordTime | None] = []
    position = 0
    for word, group in zip(words, said, strict=True):
        if group:
            first, last = found[position], found[position + len(group) - 1]
            times.append(WordTime(word, first[1], last[2]))
            position += len(group)
        else:
            times.append(None)
    return fill_gaps(words, times, seconds)


def fill_gaps(words: Sequence[str], times: list, seconds: float) -> list[WordTime]:
    """Words without a time share the stretch between the words around them."""
    out: list[WordTime] = []
    index = 0
    while index < len(words):
        if times[index] is not None:
            out.append(times[index])
            index += 1
            continue
        stop = index
        while stop < len(words) and times[stop] is None:
            stop += 1
        start = out[-1].end if out else 0.0
        end = times[stop].start if stop < len(words) else seconds
        out += spread_over(words[index:stop], start, max(end, start))
        index = stop
    return out
