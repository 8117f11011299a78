"""The video's thumbnail: a real frame of the lecture with the title set over it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from common.files import whole_or_absent
from scenes import style

SIZE = (1280, 720)  # YouTube's recommended thumbnail size
# The bands cover the section header (top) and the caption (bottom) of a 16:9 frame.
TOP_BAND = 128
BOTTOM_BAND = 110


def font(weight: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """The film's typeface (Inter) at a size; Pillow's own font when Inter is not installed."""
    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{file}", f"{style.FONT}:{weight}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return ImageFont.truetype(found, size)
    except (OSError, subprocess.CalledProcessError):
        return ImageFont.load_default(size)


def make_thumbnail(frame: np.ndarray, title: str, subtitle: str, destination: Path) -> None:
    """Scale the frame to 1280x720 and set the title above it and the subtitle below, on
    bands of the film's background that hide the section header and the caption."""
    picture = Image.fromarray(frame).convert("RGB").resize(SIZE, Image.Resampling.LANCZOS)
    draw = ImageDraw.Draw(picture)
    width, height = SIZE
    draw.rectangle((0, 0, width - 1, TOP_BAND - 1), fill=style.BACKGROUND)  # corners inclusive
    draw.rectangle((0, height - BOTTOM_BAND, width - 1, height - 1), fill=style.BACKGROUND)
    draw.text((width / 2, TOP_BAND / 2), title, font=font("bold", 76), fill=style.INK, anchor="mm")
    draw.text(
        (width / 2, height - BOTTOM_BAND / 2),
        subtitle,
        font=font("medium", 44),
        fill=style.TARGET,
        anchor="mm",
    )
    with whole_or_absent(destination) as partial:
        picture.save(partial, format="PNG")
