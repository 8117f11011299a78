"""Read a section's live read-outs back from its video with OCR, frame by frame.

While a scene renders, `ReadoutWatch` notes for every frame written each read-out on
screen ("loss = 0.412", "Step 7") that a viewer could read: what its Text says and where it
is in pixels, measured from the mobject itself (the layout may move it at any time). After
the render, those frames are decoded from the MP4 the film is made of, each read-out is
cropped out and tesseract reads it. A read-out drawn over a stale copy of itself, or one
showing a number the engine never produced, then reads wrong, whatever the scene believes.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import av
import numpy as np
from manim import (
    Animation,
    FadeIn,
    FadeOut,
    Text,
    Transform,
    VMobject,
    Wait,
    tempconfig,
)
from manim.utils.family import extract_mobject_family_members
from manim.utils.iterables import list_update
from PIL import Image, ImageOps

from .scene_rendering import scene_video

NUMBER = r"[\u2212+-]?\d+(?:\.\d+)?%?"  # how the film writes a read-out's number
OPAQUE = 0.999  # below this fill opacity a read-out is fading in or out: not read
SAME_SHAPE = 1e-3  # relative point error under which two glyph outlines are the same shape
TEXT_HEIGHT = 34  # pixels: a read-out's box is scaled to this height for tesseract
MARGIN = 0.12  # of the text's height, kept around its box when cropping
BORDER = 10  # pixels of white added around a crop
DASHES = dict.fromkeys(map(ord, "\u2212\u2010\u2011\u2012\u2013\u2014\ufe63\uff0d"), "-")

Box = tuple[int, int, int, int]  # x0, y0, x1, y1 in pixels, y down


@dataclass(frozen=True)
class Sighting:
    """One read-out, legible on one frame of the video."""

    frame: int  # index of the frame in the video
    play: int  # Manim's play counter when it was written
    prefix: str  # which read-out: "w = ", "Loss ", ...
    text: str  # what its Text says (Text.original_text)
    box: Box
    moving: bool  # written by a play that animates something, not by a still wait


@dataclass(frozen=True)
class Read:
    """What tesseract read on a sighting."""

    sighting: Sighting
    ocr: str  # tesseract's line, as it came

    @property
    def reading(self) -> str:
        return normalise(self.ocr)

    @property
    def on_screen(self) -> str:
        return normalise(self.sighting.text)


@dataclass
class ReadoutWatch:
    """Installed on a scene: notes every legible read-out of every frame written, and
    has the renderer skip the plays that show no read-out to read: those with none on
    screen and those that only fade them in or out (rendering them would only cost time)."""

    prefixes: tuple[str, ...]
    frames: int = 0
    sightings: list[Sighting] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)  # read-outs on screen not read, by reason

    def install(self, scene) -> None:
        renderer = scene.renderer
        write, compile_play = renderer.add_frame, scene.compile_animation_data

        def watched_add_frame(frame, num_frames: int = 1):
            if not renderer.skip_animations:
                self.note(scene, moving=not waiting(scene))
                self.frames += num_frames
            write(frame, num_frames)

        def compile_animation_data(*animations, **play_kwargs):
            # The renderer calls this before it decides whether to render the play.
            compiled = compile_play(*animations, **play_kwargs)
            if not self.to_read(scene):
                renderer.skip_animations = True
            return compiled

        renderer.add_frame = watched_add_frame
        scene.compile_animation_data = compile_animation_data

    def to_read(self, scene) -> bool:
        """Whether the play about to run shows a read-out other than fading in or out."""
        fades = [
            {id(member) for member in animation.mobject.get_family()}
            for animation in running(scene.animations or [])
            if isinstance(animation, FadeIn | FadeOut)
        ]
        return any(
            not any(id(text) in faded for faded in fades) for _, text in self.readouts(scene)
        )

    def readouts(self, scene) -> list[tuple[str, Text]]:
        """The read-out Texts in the scene now, each with its prefix."""
        family = extract_mobject_family_members(
            list_update(scene.mobjects, scene.foreground_mobjects)
        )
        found = []
        for mobject in family:
            if isinstance(mobject, Text):
                prefix = readout_prefix(mobject.original_text, self.prefixes)
                if prefix is not None:
                    found.append((prefix, mobject))
        return found

    def note(self, scene, moving: bool) -> None:
        readouts = self.readouts(scene)
        if not readouts:
            return
        own = {id(member) for _, text in readouts for member in text.get_family()}
        others = animated_boxes(scene, own)
        play = scene.renderer.num_plays
        for prefix, text in readouts:
            box = pixel_box(scene, text)
            if box is None or not on_screen(scene, box):
                self.skipped["off screen"] += 1
            elif not opaque(text):
                self.skipped["fading"] += 1
            elif reshaped(scene, text):
                self.skipped["morphing"] += 1
            elif any(overlap(widened(box), other) for other in others):
                self.skipped["crossed"] += 1
            else:
                self.sightings.append(
                    Sighting(self.frames, play, prefix, text.original_text, box, moving)
                )


def readout_prefix(content: str, prefixes: Iterable[str]) -> str | None:
    """The prefix of a read-out's text: prefix + one number and nothing else."""
    for prefix in prefixes:
        if content.startswith(prefix) and re.fullmatch(NUMBER, content[len(prefix) :]):
            return prefix
    return None


def waiting(scene) -> bool:
    """Whether the frame comes from a wait: a hold, not a moving part of the film."""
    return all(isinstance(animation, Wait) for animation in scene.animations or [])


def pixel_box(scene, mobject) -> Box | None:
    """The mobject's box in pixels, or None if it has no points.

    Points go through the camera's own projection (3-D scenes project, fixed-in-frame
    overlays stay put), then through the matrix of the Cairo context the camera draws
    with. Manim makes that context at its first drawing and keeps it, so a 3-D camera that
    later re-centres does not move the overlays pinned in frame."""
    camera = scene.renderer.camera
    parts = [
        camera.transform_points_pre_display(member, member.points)
        for member in mobject.family_members_with_points()
    ]
    if not parts:
        return None
    points = np.concatenate(parts)
    context = camera.get_cached_cairo_context(camera.pixel_array)
    assert context is not None, "measured before the camera first drew"
    matrix = context.get_matrix()
    xs = matrix.xx * points[:, 0] + matrix.xy * points[:, 1] + matrix.x0
    ys = matrix.yx * points[:, 0] + matrix.yy * points[:, 1] + matrix.y0
    return int(xs.min()), int(ys.min()), int(np.ceil(xs.max())), int(np.ceil(ys.max()))


def on_screen(scene, box: Box) -> bool:
    """Whether the box, with its crop margin, lies wholly inside the frame."""
    camera = scene.renderer.camera
    x0, y0, x1, y1 = widened(box)
    return x0 >= 0 and y0 >= 0 and x1 < camera.pixel_width and y1 < camera.pixel_height


def widened(box: Box) -> Box:
    """The box with the margin kept around a read-out when it is cropped."""
    x0, y0, x1, y1 = box
    margin = max(2, round(MARGIN * (y1 - y0)))
    return x0 - margin, y0 - margin, x1 + margin, y1 + margin


def overlap(a: Box, b: Box) -> bool:
    """Whether two pixel boxes share a pixel."""
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def animated_boxes(scene, own: set[int]) -> list[Box]:
    """The pixel boxes of what the running animations draw, read-outs (`own`) aside.

    A flash drawn around a read-out (Circumscribe) crosses its crop, and OCR reads its
    strokes as glyphs; frames with such a stroke across a read-out are not read. Only
    mobjects in the scene's animations count, never Manim's list of what to draw: a stale
    copy of a read-out drawn under it is the very fault these reads must catch."""
    boxes = []
    for animation in running(scene.animations or []):
        for member in animation.mobject.family_members_with_points():
            if isinstance(member, VMobject) and id(member) not in own:
                box = pixel_box(scene, member)
                if box is not None:
                    boxes.append(box)
    return boxes


def opaque(text: Text) -> bool:
    """Fully opaque: not fading in or out."""
    return all(member.get_fill_opacity() >= OPAQUE for member in text.family_members_with_points())


def running(animations: Iterable[Animation]) -> Iterable[Animation]:
    """Every animation running, groups opened up."""
    for animation in animations:
        yield animation
        yield from running(getattr(animation, "animations", []))


def reshaped(scene, text: Text) -> bool:
    """Whether a running transform is morphing the text's glyphs into other glyphs.

    Moving, scaling or recolouring it leaves it readable; a morph between two readings
    shows neither, so such frames are not read."""
    for animation in running(scene.animations or []):
        if not isinstance(animation, Transform):
            continue
        family = animation.mobject.get_family()
        index = next((k for k, member in enumerate(family) if member is text), None)
        if index is None:
            continue
        starts = animation.starting_mobject.get_family()
        ends = animation.target_copy.get_family()
        if index >= min(len(starts), len(ends)):
            return True
        if not same_shape(starts[index].get_all_points(), ends[index].get_all_points()):
            return True
    return False


def same_shape(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two outlines are one shape, up to position and uniform scale."""
    if a.shape != b.shape:
        return False
    if not len(a):
        return True
    a, b = a - a.mean(axis=0), b - b.mean(axis=0)
    size_a, size_b = np.linalg.norm(a), np.linalg.norm(b)
    if size_a == 0 or size_b == 0:
        return size_a == size_b
    return float(np.abs(a / size_a - b / size_b).max()) <= SAME_SHAPE


# Rendering ------------------------------------------------------------------------------


@dataclass
class Film:
    """A rendered scene's video and the read-outs it showed (the scene itself is let go:
    it holds hundreds of megabytes of mobjects)."""

    video: Path
    watch: ReadoutWatch

    @property
    def sightings(self) -> list[Sighting]:
        return self.watch.sightings


def render_watched(
    scene_class: type,
    seed: int,
    prefixes: tuple[str, ...],
    media: Path,
    *,
    frame_rate: int = 10,
    size: tuple[int, int] = (1280, 720),
) -> Film:
    """Render the plays of a scene that show its read-outs, watching every frame written."""
    folder = media / f"{scene_class.__name__}-{seed}"
    settings = {
        "pixel_width": size[0],
        "pixel_height": size[1],
        "frame_rate": frame_rate,
        "disable_caching": True,
        "progress_bar": "none",
        "verbosity": "ERROR",
        "media_dir": str(folder),
        "tex_dir": str(media / "Tex"),
    }
    with tempconfig(settings):
        scene = scene_class(seed=seed)
        watch = ReadoutWatch(prefixes)
        watch.install(scene)
        scene.render()
    return Film(scene_video(folder), watch)


# Reading --------------------------------------------------------------------------------


def normalise(reading: str) -> str:
    """A reading as compared: any minus sign or dash as "-", no spaces."""
    return re.sub(r"\s+", "", reading.translate(DASHES))


def frame_count(video: Path) -> int:
    """How many frames the video holds, counted by decoding it."""
    with av.open(str(video)) as container:
        return sum(1 for _ in container.decode(video=0))


def crops(video: Path, sightings: list[Sighting]) -> list[Image.Image]:
    """Each sighting's read-out, cut from its decoded frame and made ready for tesseract."""
    by_frame: dict[int, list[int]] = defaultdict(list)
    for k, sighting in enumerate(sightings):
        by_frame[sighting.frame].append(k)
    images: list[Image.Image | None] = [None] * len(sightings)
    with av.open(str(video)) as container:
        for index, frame in enumerate(container.decode(video=0)):
            if index in by_frame:
                pixels = frame.to_ndarray(format="rgb24")
                for k in by_frame[index]:
                    images[k] = prepared(pixels, sightings[k].box)
    missing = [sightings[k] for k, image in enumerate(images) if image is None]
    assert not missing, f"frames not in the video: {missing[:3]}"
    return images


def prepared(pixels: np.ndarray, box: Box) -> Image.Image:
    """Dark text on white, its box TEXT_HEIGHT pixels high, with a white border.

    The text is light and coloured on a near-black ground, so its brightest channel
    separates it from the ground whatever its hue; the ground (most of the crop) maps to
    white and the brightest ink to black. Tesseract misread more 720p read-outs after a
    2-3x upscale than at about their own size, so the crop is scaled to a fixed height."""
    x0, y0, x1, y1 = widened(box)
    brightest = pixels[y0 : y1 + 1, x0 : x1 + 1].max(axis=2).astype(float)
    ground, ink = float(np.median(brightest)), float(brightest.max())
    darkness = np.clip((brightest - ground) / max(ink - ground, 1.0), 0.0, 1.0)
    image = Image.fromarray((255 * (1 - darkness)).astype(np.uint8))
    scale = TEXT_HEIGHT / max(box[3] - box[1], 1)
    size = (round(image.width * scale), round(image.height * scale))
    image = image.resize(size, Image.Resampling.LANCZOS)
    return ImageOps.expand(image, border=BORDER, fill=255)


def tesseract(images: list[Image.Image], whitelist: str) -> list[str]:
    """One line of text per image, from a single tesseract run over all of them.

    One thread: the machine is shared, and tesseract's threads cost more than they save
    on images this small."""
    if not images:
        return []
    separator = "@@PAGE@@"  # "@" is never whitelisted, so no reading can contain it
    with tempfile.TemporaryDirectory(prefix="readout-ocr-") as folder:
        paths = []
        for k, image in enumerate(images):
            path = Path(folder) / f"{k:05d}.png"
            image.save(path)
            paths.append(str(path))
        listing = Path(folder) / "images.txt"
        listing.write_text("\n".join(paths) + "\n")
        command = ["tesseract", str(listing), "stdout", "--psm", "7"]
        command += ["-c", f"tessedit_char_whitelist={whitelist}"]
        command += ["-c", f"page_separator={separator}"]
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        result = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
    lines = [page.strip() for page in result.stdout.split(separator)]
    assert len(lines) == len(images), (len(lines), len(images), result.stdout[-300:])
    return lines


def whitelist_for(prefix: str) -> str:
    """The characters a read-out with this prefix can show."""
    return "".join(sorted(set(prefix.replace(" ", "")) | set("0123456789.+-%")))


def read(video: Path, sightings: list[Sighting]) -> list[Read]:
    """Tesseract's reading of every sighting, each read-out with its own whitelist."""
    images = crops(video, sightings)
    by_prefix: dict[str, list[int]] = defaultdict(list)
    for k, sighting in enumerate(sightings):
        by_prefix[sighting.prefix].append(k)
    lines: list[str] = [""] * len(sightings)
    for prefix, ks in by_prefix.items():
        found = tesseract([images[k] for k in ks], whitelist_for(prefix))
        for k, line in zip(ks, found, strict=True):
            lines[k] = line
    return [Read(sighting, line) for sighting, line in zip(sightings, lines, strict=True)]
