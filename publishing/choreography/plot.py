"""The timeline picture (choreography.png): rows of a minute with the waveform and
silences, the picture's motion and still runs, the cues, the marks, the spoken numbers."""

from __future__ import annotations

import math
from pathlib import Path

from publishing.choreography.intervals import clock
from publishing.choreography.sound import Sound
from publishing.choreography.thresholds import CHANGE_LEVEL, PEAKS_PER_SECOND

PICTURE = "choreography.png"


ROW_SECONDS = 60.0
PX_PER_SECOND = 30
LEFT = 70
LANES = {"time": 20, "wave": 56, "motion": 40, "cues": 24, "marks": 16, "numbers": 22}
ROW_GAP = 14


def draw_timeline(report: dict, sound: Sound | None, destination: Path) -> None:
    """Rows of ROW_SECONDS: time and sections, the waveform with silences, picture motion
    with still runs (voice over them orange), the cues, the marks, the spoken numbers."""
    from PIL import Image, ImageDraw

    seconds = report["seconds"]
    rows = max(1, math.ceil(seconds / ROW_SECONDS - 1e-9))
    row_height = sum(LANES.values()) + ROW_GAP
    width = LEFT + int(ROW_SECONDS * PX_PER_SECOND) + 10
    image = Image.new("RGB", (width, 34 + rows * row_height), "white")
    draw = ImageDraw.Draw(image)
    font, small = fonts(13), fonts(10)
    title = f"{report['title']}, seed {report['seed']}, {report['quality']}: choreography"
    draw.text((8, 8), title, fill="black", font=font)

    def x_of(t: float) -> float:
        return LEFT + (t % ROW_SECONDS) * PX_PER_SECOND

    def pieces(start: float, end: float):
        """An interval cut at row ends: (row, x0, x1)."""
        t = start
        while t < end - 1e-9:
            row = int(t // ROW_SECONDS)
            stop = min(end, (row + 1) * ROW_SECONDS)
            yield row, x_of(t), LEFT + (stop - row * ROW_SECONDS) * PX_PER_SECOND
            t = stop

    def lane(row: int, name: str) -> tuple[int, int]:
        top = 34 + row * row_height
        for key, height in LANES.items():
            if key == name:
                return top, top + height
            top += height
        raise KeyError(name)

    for row in range(rows):
        for name in LANES:
            top, bottom = lane(row, name)
            draw.text((6, top + 2), name, fill="#666", font=small)
        top, bottom = lane(row, "time")
        start = row * ROW_SECONDS
        for second in range(int(start), int(min(start + ROW_SECONDS, seconds)) + 1):
            x = x_of(second) if second < start + ROW_SECONDS else LEFT + ROW_SECONDS * PX_PER_SECOND
            tall = second % 10 == 0
            draw.line([(x, bottom - (8 if tall else 3)), (x, bottom)], fill="#999")
            if tall:
                draw.text((x + 2, top), clock(second)[:-2], fill="#444", font=small)

    # Sections: a line where each starts, its title drawn last, over the waveform.
    titles = []
    for section in report["sections"]:
        for row, x0, _x1 in pieces(section["start"], section["start"] + 1e-3):
            top, _ = lane(row, "time")
            _, bottom = lane(row, "numbers")
            draw.line([(x0, top), (x0, bottom)], fill="#335", width=2)
            titles.append((x0 + 4, lane(row, "wave")[0] + 1, section))

    # Waveform and silences.
    if sound is not None:
        per_pixel = PEAKS_PER_SECOND / PX_PER_SECOND
        for column in range(int(seconds * PX_PER_SECOND)):
            a, b = int(column * per_pixel), int((column + 1) * per_pixel)
            if a >= len(sound.low):
                break
            low, high = float(sound.low[a:b].min()), float(sound.high[a:b].max())
            row = column // int(ROW_SECONDS * PX_PER_SECOND)
            x = LEFT + column % int(ROW_SECONDS * PX_PER_SECOND)
            top, bottom = lane(row, "wave")
            middle, half = (top + bottom) / 2, (bottom - top) / 2 - 2
            draw.line([(x, middle - high * half), (x, middle - low * half)], fill="#4a6fa5")
        for s in report["silences"] or []:
            for row, x0, x1 in pieces(s["start"], s["start"] + s["seconds"]):
                top, bottom = lane(row, "wave")
                colour = "#f3c0c0" if s["excused"] else "#e03030"
                draw.rectangle([x0, bottom - 6, x1, bottom - 1], fill=colour)
    else:
        for row in range(rows):
            top, _ = lane(row, "wave")
            draw.text((LEFT + 4, top + 20), "a silent film: no sound", fill="#999", font=small)

    # Picture motion: still runs shaded, speech over them orange, the change curve.
    spoken = report["voice_over_still"]["intervals"] if report["voice_over_still"] else []
    for start, end in report["still_runs"]:
        for row, x0, x1 in pieces(start, end):
            top, bottom = lane(row, "motion")
            draw.rectangle([x0, top + 1, x1, bottom - 1], fill="#e4e4e4")
    for start, end in spoken:
        for row, x0, x1 in pieces(start, end):
            top, bottom = lane(row, "motion")
            draw.rectangle([x0, bottom - 7, x1, bottom - 1], fill="#f0a030")
    times, steps = report["motion"]["times"], report["motion"]["steps"]
    previous = None
    for t, step in zip(times, steps, strict=True):
        row = int(t // ROW_SECONDS)
        top, bottom = lane(row, "motion")
        level = min(math.log1p(step) / math.log1p(4 * CHANGE_LEVEL), 1.0)
        point = (x_of(t), bottom - 2 - level * (bottom - top - 4), row)
        if previous is not None and previous[2] == row:
            draw.line([previous[:2], point[:2]], fill="#2a8a4a")
        previous = point
    for row in range(rows):
        top, bottom = lane(row, "motion")
        y = (
            bottom
            - 2
            - math.log1p(CHANGE_LEVEL) / math.log1p(4 * CHANGE_LEVEL) * (bottom - top - 4)
        )
        for x in range(LEFT, width - 10, 8):
            draw.line([(x, y), (x + 3, y)], fill="#aaa")

    # Cues.
    for k, cue in enumerate(report["cues"]):
        for row, x0, x1 in pieces(cue["start"], cue["end"]):
            top, bottom = lane(row, "cues")
            colour = "#cfe0f5" if k % 2 else "#dcead0"
            draw.rectangle([x0, top + 2, x1, bottom - 2], fill=colour, outline="#889")
            label = fitted(cue["text"].replace("\n", " "), x1 - x0 - 4, small)
            draw.text((x0 + 2, top + 6), label, fill="black", font=small)

    # Marks.
    for mark in report["marks"]:
        for row, x0, _x1 in pieces(mark["time"], mark["time"] + 1e-3):
            top, bottom = lane(row, "marks")
            draw.line([(x0, top + 1), (x0, bottom - 1)], fill="#7a3fa0", width=2)
            draw.text(
                (x0 + 3, top + 2), fitted(mark["name"], 60, small), fill="#7a3fa0", font=small
            )

    # Spoken numbers.
    for n in report["numbers"] or report.get("numbers_said", []):
        ok = not n.get("late", False)
        colour = "#1f9a3a" if ok else "#e03030"
        for row, x0, _x1 in pieces(n["start"], n["start"] + 1e-3):
            top, bottom = lane(row, "numbers")
            draw.ellipse([x0 - 4, top + 3, x0 + 4, top + 11], fill=colour)
            draw.text((x0 + 6, top + 2), n["number"], fill=colour, font=small)

    for x, y, section in titles:
        label = f"{section['number']} {section['title']}"
        draw.rectangle([x - 1, y, x + font.getlength(label) + 2, y + 15], fill="white")
        draw.text((x, y), label, fill="#335", font=font)
    image.save(destination, format="PNG")


def fonts(size: int):
    from PIL import ImageFont

    for name in ("DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default()


def fitted(text: str, width: float, font) -> str:
    """The text cut to fit `width` pixels, with an ellipsis when cut."""
    if width <= 8:
        return ""
    if font.getlength(text) <= width:
        return text
    while text and font.getlength(text + "\u2026") > width:
        text = text[:-1]
    return text + "\u2026" if text else ""
