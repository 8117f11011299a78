"""Small synthetic lecture folders for the choreography report, made without Manim.

A `Film` lists what is said (lines of words at a pace), what is drawn (a dot that moves
except while the picture is meant to be still, numbers as text) and how it is cut into
sections and beats; `write_folder` renders it as render.py would lay out a lecture folder:
an H.264 MP4 (encoded like the film's: CRF 23, a keyframe every half second, two B-frames)
with AAC 48 kHz stereo sound where the words are (a tone burst a word), the .srt and
beats.json.
"""

from __future__ import annotations

import json
import subprocess
import textwrap
from dataclasses import dataclass, field
from datetime import timedelta
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import srt
from PIL import Image, ImageDraw, ImageFont

RATE = 48_000
BACKGROUND = (13, 16, 23)  # the film's
INK = (230, 232, 236)
MUTED = (150, 155, 165)
CAPTION_PAUSE = 0.3  # a cue ends this long after its last word, as the film's do


def font_file() -> str:
    found = subprocess.run(
        ["fc-match", "-f", "%{file}", "Inter"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return found or "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


@dataclass
class Said:
    """A line of narration: its words at `wpm` words a minute from `start`, back to back."""

    words: str
    start: float
    wpm: float = 156.0
    caption: str | None = None  # the cue's text, when not the words wrapped at 42
    cue_seconds: float | None = None  # the cue's length, when not the speech's + 0.3 s
    marks: dict[str, float] = field(default_factory=dict)

    def times(self) -> list[tuple[str, float, float]]:
        slot = 60.0 / self.wpm
        return [
            (word, self.start + k * slot, self.start + (k + 1) * slot)
            for k, word in enumerate(self.words.split())
        ]

    @property
    def end(self) -> float:
        return self.times()[-1][2]


@dataclass
class Shown:
    """Text drawn on screen (outside the caption band) from `start` to `end`."""

    text: str
    start: float
    end: float
    x: float = 0.08  # of the width
    y: float = 0.12  # of the height


@dataclass
class Film:
    seconds: float
    sections: list[tuple[str, float, float]]  # title, start, end
    beats: list[tuple[str, float, float]]  # name, start, end (section: where it starts)
    lines: list[Said]
    still: list[tuple[float, float]] = field(default_factory=list)  # the dot stops
    shown: list[Shown] = field(default_factory=list)
    voiced: bool = True
    word_times: bool = True  # write "spoken" into beats.json
    size: tuple[int, int] = (640, 360)
    fps: int = 10


def section_of(film: Film, t: float) -> int:
    return next(k for k, (_, a, b) in enumerate(film.sections, start=1) if a <= t < b)


def cues(film: Film) -> list[tuple[float, float, str]]:
    out = []
    for line in film.lines:
        start = line.times()[0][1]
        seconds = line.cue_seconds or (line.end - start + CAPTION_PAUSE)
        text = line.caption or "\n".join(textwrap.wrap(line.words, width=42))
        out.append((start, start + seconds, text))
    return out


def moving(film: Film, t: float) -> bool:
    return not any(a <= t < b for a, b in film.still)


def dot_position(film: Film, t: float) -> tuple[float, float]:
    """The dot goes round a circle, and stays where it was while the picture is still."""
    moved, step = 0.0, 1.0 / film.fps
    moved = sum(step for k in range(int(round(t * film.fps))) if moving(film, k * step))
    width, height = film.size
    angle = 0.9 * moved
    return width * (0.7 + 0.15 * np.cos(angle)), height * (0.45 + 0.2 * np.sin(angle))


def picture(film: Film, t: float, fonts: dict[int, ImageFont.FreeTypeFont]) -> Image.Image:
    width, height = film.size
    image = Image.new("RGB", film.size, BACKGROUND)
    draw = ImageDraw.Draw(image)
    x, y = dot_position(film, t)
    radius = height / 40
    draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=(240, 160, 60))
    for item in film.shown:
        if item.start <= t < item.end:
            draw.text((item.x * width, item.y * height), item.text, fill=INK, font=fonts[0])
    for start, end, text in cues(film):
        if start <= t < end:
            for k, row in enumerate(text.split("\n")[:2]):
                top = height * 0.86 + k * height * 0.065
                draw.text((width / 2, top), row, fill=MUTED, font=fonts[1], anchor="mt")
    return image


def speech(film: Film) -> np.ndarray:
    """A tone burst per word, faded in and out, at about -16 dBFS: silence elsewhere."""
    samples = np.zeros(int(round(film.seconds * RATE)), np.float32)
    for n, line in enumerate(film.lines):
        for k, (_, start, end) in enumerate(line.times()):
            a, b = int(start * RATE), min(int(end * RATE), len(samples))
            t = np.arange(b - a) / RATE
            burst = 0.22 * np.sin(2 * np.pi * (180 + 40 * ((n + k) % 5)) * t)
            fade = np.minimum(1.0, np.minimum(t, t[-1] - t) / 0.02) if len(t) else t
            samples[a:b] = burst * fade
    return samples


def write_video(film: Film, path: Path) -> None:
    frames = int(round(film.seconds * film.fps))
    height = film.size[1]
    faces = {
        0: ImageFont.truetype(font_file(), round(height * 0.12)),
        1: ImageFont.truetype(font_file(), round(height * 0.045)),
    }
    with av.open(str(path), "w") as container:
        video = container.add_stream("libx264", rate=film.fps)
        video.width, video.height = film.size
        video.pix_fmt = "yuv420p"
        video.options = {"crf": "23", "preset": "superfast", "g": str(max(1, film.fps // 2)),
                         "bf": "2", "threads": "1"}  # fmt: skip
        audio = None
        if film.voiced:
            audio = container.add_stream("aac", rate=RATE, layout="stereo")
        for index in range(frames):
            frame = av.VideoFrame.from_image(picture(film, index / film.fps, faces))
            frame.pts = index
            frame.time_base = Fraction(1, film.fps)
            container.mux(video.encode(frame))
        container.mux(video.encode(None))
        if audio is not None:
            mono = speech(film)
            pcm = np.repeat(mono[None, :], 2, axis=0)  # planar stereo
            for start in range(0, pcm.shape[1], 1024):
                chunk = np.ascontiguousarray(pcm[:, start : start + 1024])
                frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="stereo")
                frame.sample_rate = RATE
                frame.pts = start
                frame.time_base = Fraction(1, RATE)
                container.mux(audio.encode(frame))
            container.mux(audio.encode(None))


def timeline(film: Film) -> dict:
    fps = film.fps
    sections = [
        {"number": k, "title": title, "start_frame": round(a * fps), "end_frame": round(b * fps)}
        for k, (title, a, b) in enumerate(film.sections, start=1)
    ]
    beats = []
    count: dict[int, int] = {}
    for name, a, b in film.beats:
        section = section_of(film, a)
        lines = []
        for line in film.lines:
            if a <= line.start < b:
                count[section] = count.get(section, 0) + 1
                entry = {
                    "id": f"0{section}-test-{count[section]:02d}",
                    "words": line.words,
                    "start": line.start,
                    "marks": line.marks,
                }
                if film.word_times:
                    entry["spoken"] = [[w, round(s, 6), round(e, 6)] for w, s, e in line.times()]
                lines.append(entry)
        beats.append(
            {
                "section": section,
                "name": name,
                "title": name.replace("_", " ").capitalize(),
                "start_frame": round(a * fps),
                "end_frame": round(b * fps),
                "start": a,
                "end": b,
                "lines": lines,
            }
        )
    return {
        "title": "The Mechanics of Learning",
        "seed": 0,
        "quality": "test",
        "video": "the-mechanics-of-learning.mp4",
        "width": film.size[0],
        "height": film.size[1],
        "fps": fps,
        "frames": int(round(film.seconds * fps)),
        "voiced": film.voiced,
        "sections": sections,
        "beats": beats,
    }


def write_folder(film: Film, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write_video(film, folder / "the-mechanics-of-learning.mp4")
    subtitles = [
        srt.Subtitle(k, timedelta(seconds=a), timedelta(seconds=b), text)
        for k, (a, b, text) in enumerate(cues(film), start=1)
    ]
    (folder / "the-mechanics-of-learning.srt").write_text(srt.compose(subtitles))
    (folder / "beats.json").write_text(json.dumps(timeline(film), indent=1, ensure_ascii=False))
    return folder


# The films the tests plant defects in ---------------------------------------------------

# Short words, so the captions stay under 17 characters a second at 156 words a minute.
SENTENCES = [
    "the net reads the words and then it makes a guess",
    "we see how far off the guess is from the truth",
    "a small push on each weight makes the loss go down",
    "the dot moves as the net learns a bit more each step",
    "now the net gets it right and the loss is low",
    "we try it on new words it has not seen",
]


def clean_film(**changes) -> Film:
    """Two sections of about 25 s, each a silent title card then lines 0.7 s apart over a
    moving picture; a number said while it is on screen."""
    lines = []
    for section, (a, b) in enumerate([(0.0, 26.0), (26.0, 50.0)]):
        t = a + 3.5
        for k, words in enumerate(SENTENCES[3 * section : 3 * section + 3]):
            lines.append(Said(words, t, marks={"look": t + 1.0} if k == 0 else {}))
            t = lines[-1].end + 0.7
        if section == 0:
            lines.append(Said("the loss is 0.41 now", t))
        t = lines[-1].end + 0.7
        while t < b - 5.0:
            lines.append(Said(SENTENCES[(len(lines)) % 6], t))
            t = lines[-1].end + 0.7
    number = next(line for line in lines if "0.41" in line.words)
    film = Film(
        seconds=50.0,
        sections=[("The Forward Pass", 0.0, 26.0), ("The Loss", 26.0, 50.0)],
        beats=[
            ("show_title", 0.0, 3.0),
            ("read_the_words", 3.0, 26.0),
            ("show_title", 26.0, 29.0),
            ("score_the_guess", 29.0, 50.0),
        ],
        lines=lines,
        still=[(0.0, 3.0), (26.0, 29.0)],
        shown=[Shown("loss = 0.41", number.start - 2.0, number.end + 2.0)],
    )
    for key, value in changes.items():
        setattr(film, key, value)
    return film


def in_a_row(
    sentences: list[str], start: float, gap: float = 0.7, wpm: float = 156.0
) -> list[Said]:
    """Lines one after the other, `gap` seconds apart."""
    lines: list[Said] = []
    for words in sentences:
        lines.append(Said(words, lines[-1].end + gap if lines else start, wpm=wpm))
    return lines


def one_section(seconds: float, lines: list[Said], **more) -> Film:
    """A section with a 3 s silent title card, then one beat holding the lines."""
    return Film(
        seconds=seconds,
        sections=[("The Wiggle", 0.0, seconds)],
        beats=[("show_title", 0.0, 3.0), ("wiggle_a_weight", 3.0, seconds)],
        lines=lines,
        **({"still": [(0.0, 3.0)]} | more),
    )


def still_film() -> Film:
    """Six lines (about 25 s of speech) over a picture that stops from 8 s to 38 s."""
    lines = in_a_row(SENTENCES[:1], 3.5) + in_a_row(SENTENCES, 8.5)
    return one_section(44.0, lines, still=[(0.0, 3.0), (8.0, 38.0)])


def silence_film() -> Film:
    """A 5 s silence between two lines in the middle of the section, and the title card's."""
    first = in_a_row(SENTENCES[:2], 3.5)
    second = in_a_row(SENTENCES[2:4], first[-1].end + 5.0)
    return one_section(second[-1].end + 1.5, first + second)


def numbers_film() -> Film:
    """Four numbers said: 0.41 on screen all along, 17.3% shown as 0.173 from 0.2 s before
    its word, 3.88 only in the captions, -1.13 shown 1 s after its word."""
    lines = in_a_row(
        [
            "the loss is 0.41 at the start",
            "the net gives Paris 17.3% for now",
            "each step is 3.88 times as big",
            "the slope here is \u22121.13 for this one",
        ],
        3.5,
        gap=1.5,
    )

    def onset(line: Said, number: str) -> tuple[float, float]:
        return next((s, e) for w, s, e in line.times() if number in w)

    paris, _ = onset(lines[1], "17.3%")
    slope, _ = onset(lines[3], "1.13")
    shown = [
        Shown("loss 0.41", 2.0, lines[0].end + 1.0),
        Shown("p = 0.173", paris - 0.2, lines[1].end + 1.0, y=0.35),
        Shown("\u22121.13", slope + 1.0, 40.0, y=0.55),
    ]
    return one_section(lines[-1].end + 3.0, lines, shown=shown)


def captions_film() -> Film:
    """Three bad cues among good ones: a line of 50 characters, three lines, 25 a second."""
    lines = in_a_row(SENTENCES[:5], 3.5)
    lines[1].caption = "we see how far off the guess is from the truth, ok"  # 50
    lines[2].caption = "a small push\non each weight\nmakes the loss go down"
    lines[3].cue_seconds = len(lines[3].words) / 25.0
    return one_section(lines[-1].end + 1.5, lines)


def fast_film() -> Film:
    """Every line at 220 words a minute."""
    lines = in_a_row(SENTENCES, 3.5, wpm=220.0)
    return one_section(lines[-1].end + 1.5, lines)
