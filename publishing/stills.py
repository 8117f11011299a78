"""Contact sheets: a section's key frames side by side, to check a seed's film at a glance."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

from common.files import whole_or_absent


def contact_sheet(frames: list[Path], destination: Path, columns: int = 3) -> None:
    """The key frames of a section side by side, captioned with their beat, in one PNG."""
    if not frames:
        return
    images = [Image.open(frame).convert("RGB") for frame in frames]
    width = 640
    height = round(width * images[0].height / images[0].width)
    label = 24
    rows = -(-len(images) // columns)
    sheet = Image.new("RGB", (columns * width, rows * (height + label)), "#202020")
    draw = ImageDraw.Draw(sheet)
    for k, (frame, image) in enumerate(zip(frames, images, strict=True)):
        x, y = (k % columns) * width, (k // columns) * (height + label)
        sheet.paste(image.resize((width, height)), (x, y + label))
        draw.text((x + 8, y + 5), frame.stem, fill="#e0e0e0")
    with whole_or_absent(destination) as partial:
        sheet.save(partial, format="PNG")
