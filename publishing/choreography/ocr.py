"""Reading the screen with tesseract: the frames around each spoken number decoded, made
ready for OCR and read, each frame at most once, to find when the number showed."""

from __future__ import annotations

import io
import math
import os
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from publishing.choreography.numbers import Sighting, SpokenNumber, numbers_read, shows, sighting
from publishing.choreography.picture import block_difference
from publishing.choreography.thresholds import (
    CAPTION_BAND,
    CHANGE_LEVEL,
    OCR_HEIGHT,
    TURN_AHEAD,
    TURN_BACK,
)


def brightness(pixels: np.ndarray) -> np.ndarray:
    """An RGB frame's brightest channel, the caption band cut off: the film's text is light
    and coloured on a near-black ground, and its brightest channel separates it from the
    ground whatever its hue."""
    return pixels[: int(round(pixels.shape[0] * (1 - CAPTION_BAND)))].max(axis=2)


def ocr_image(bright: np.ndarray, binary: bool = False):
    """A frame's brightness made ready for tesseract: dark text on white (the ground, the
    median, white; the brightest ink black), scaled up towards 1080 lines (at most 3x)."""
    from PIL import Image

    values = bright.astype(np.float32)
    ground = float(np.median(values))
    ink = max(float(np.percentile(values, 99.9)), ground + 1.0)
    darkness = np.clip((values - ground) / (ink - ground), 0.0, 1.0)
    if binary:
        darkness = (darkness > 0.4).astype(np.float32)
    image = Image.fromarray((255 * (1 - darkness)).astype(np.uint8))
    scale = min(max(OCR_HEIGHT / (bright.shape[0] / (1 - CAPTION_BAND)), 1.0), 3.0)
    if scale > 1.01:
        size = (round(image.width * scale), round(image.height * scale))
        image = image.resize(size, Image.Resampling.LANCZOS)
    return image


# How a frame is read, in turn, until the number is found: the picture as it is, as sparse
# text (numbers anywhere); thresholded to black and white; thresholded, as one block of text
# (this one reads the digits by an axis's ticks, "0-|", that sparse text misses).
READINGS = ((False, "11"), (True, "11"), (True, "6"))


def tesseract(image, layout: str = "11") -> str:
    """Tesseract's reading of a picture; `layout` is its page segmentation mode."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    result = subprocess.run(
        ["tesseract", "stdin", "stdout", "--psm", layout],
        input=buffer.getvalue(),
        capture_output=True,
        check=False,
        env=env,
    )
    return result.stdout.decode("utf-8", "replace")


def block_means(values: np.ndarray, size: int) -> np.ndarray:
    """The mean of each size x size block of a 2-D array (the ragged edge dropped)."""
    rows, columns = values.shape[0] // size, values.shape[1] // size
    blocks = values[: rows * size, : columns * size].reshape(rows, size, columns, size)
    return blocks.mean(axis=(1, 3))


class Screen:
    """The numbers on screen at chosen times of the lecture, read by tesseract.

    Decodes a frame when first asked (seeking to the keyframe before it) and reads it at
    most once; a frame that looks like one already read (no 4x4-pixel block's mean moved
    by CHANGE_LEVEL) reuses its reading. Only the frames' brightness is kept."""

    def __init__(self, video: Path, fps: float, frames: int) -> None:
        import av

        self.fps, self.frames = fps, frames
        self.container = av.open(str(video))
        self.stream = self.container.streams.video[0]
        self.stream.thread_type = "AUTO"
        self.bright: dict[int, np.ndarray] = {}
        self.readings: dict[tuple[int, int], list[str]] = {}
        self.looks: list[tuple[np.ndarray, int, list[str]]] = []
        self.ocr_runs = 0

    def close(self) -> None:
        self.container.close()

    def index(self, t: float) -> int:
        return min(max(int(math.floor(t * self.fps + 1e-6)), 0), self.frames - 1)

    def frame(self, index: int) -> np.ndarray | None:
        """The brightness of frame `index`, decoded from the keyframe before it."""
        if index in self.bright:
            return self.bright[index]
        base, origin = self.stream.time_base, self.stream.start_time or 0
        for lead in (0.0, 1.0, math.inf):  # seek again earlier when a seek lands past it
            target = max(index / self.fps - lead, 0.0)
            self.container.seek(origin + int(target / base), stream=self.stream, backward=True)
            for frame in self.container.decode(self.stream):
                at = round(float((frame.pts - origin) * base) * self.fps)
                if at > index:
                    break
                if at == index:
                    self.bright[index] = brightness(frame.to_ndarray(format="rgb24"))
                    return self.bright[index]
            if target == 0.0:
                break
        return None

    def numbers_at(self, t: float, reading: int = 0) -> list[str]:
        """The numbers read on screen at `t` the `reading`-th way (see READINGS)."""
        index = self.index(t)
        key = (index, reading)
        if key not in self.readings:
            bright = self.frame(index)
            if bright is None:
                self.readings[key] = []
                return []
            look = block_means(bright, 4)
            for other, way, found in self.looks:
                if way == reading and block_difference(look, other) <= CHANGE_LEVEL:
                    self.readings[key] = found
                    return found
            binary, layout = READINGS[reading]
            self.readings[key] = numbers_read(tesseract(ocr_image(bright, binary), layout))
            self.looks.append((look, reading, self.readings[key]))
            self.ocr_runs += 1
        return self.readings[key]

    def present(self, number: str) -> Callable[[float], bool]:
        """Whether `number` is on screen at a time: read one way, or else (a reading more,
        only then) the next (READINGS)."""
        return lambda t: any(
            shows(number, self.numbers_at(t, reading)) for reading in range(len(READINGS))
        )


def read_numbers(
    video: Path, fps: float, frames: int, numbers: list[SpokenNumber]
) -> list[Sighting]:
    """Where each spoken number was on screen, read off the frames around its word; numbers
    whose searches overlap share their frames and readings, two groups at a time
    (tesseract is one process a reading)."""
    if not numbers:
        return []
    windows = [(n.start - TURN_BACK, max(n.end, n.start + TURN_AHEAD)) for n in numbers]
    groups: list[list[int]] = []
    for k in sorted(range(len(numbers)), key=lambda k: windows[k][0]):
        if groups and windows[k][0] <= max(windows[j][1] for j in groups[-1]) + 0.05:
            groups[-1].append(k)
        else:
            groups.append([k])
    results: list[Sighting | None] = [None] * len(numbers)

    def run(group: list[int]) -> None:
        screen = Screen(video, fps, frames)
        try:
            for k in group:
                n = numbers[k]
                results[k] = sighting(screen.present(n.number), n.start, n.end)
        finally:
            screen.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(run, groups))
    return [r for r in results if r is not None]
