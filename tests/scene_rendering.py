"""Render a section's scene in this process, tiny and fast, and read back what it showed."""

from __future__ import annotations

import atexit
import functools
import hashlib
import importlib
import shutil
import tempfile
from pathlib import Path

import srt
from manim import Scene, tempconfig

from mechanics.settings import DEFAULT_SETTINGS, Settings
from scenes.lesson_scene import LessonScene
from scenes.record import LAYOUT
from scenes.sections import SECTIONS, Section

from .frame_audit import FrameAudit
from .layout_audit import LayoutAudit

MEDIA = Path(tempfile.mkdtemp(prefix="mechanics-test-media-"))
atexit.register(shutil.rmtree, MEDIA, ignore_errors=True)
SEEDS = (0, 7)  # the seeds every scene test renders


def scene_of(section: Section) -> type[LessonScene]:
    """The scene class a registered section names, imported from its file."""
    module = importlib.import_module(f"scenes.{section.file.stem}")
    return getattr(module, section.scene)


SCENES = tuple(scene_of(section) for section in SECTIONS)  # every section, in order
TINY = {
    "pixel_width": 320,
    "pixel_height": 180,
    "frame_rate": 5,
    "disable_caching": True,
    "progress_bar": "none",
    "verbosity": "WARNING",
}


def render_tiny(
    scene_class: type[LessonScene],
    seed: int,
    media: Path = MEDIA,
    settings: Settings = DEFAULT_SETTINGS,
) -> LessonScene:
    """Render the scene for a seed (and settings) at 320x180, 5 fps (narrower, and Pango
    wraps long texts: at 192 pixels a 10-unit caption line breaks in two), and return it
    with its record."""
    folder = media / f"{scene_class.__name__}-{seed}"
    # One LaTeX cache for every test render: formulas compile once, not once per scene.
    with tempconfig({**TINY, "media_dir": str(folder), "tex_dir": str(MEDIA / "Tex")}):
        scene = scene_class(seed=seed, settings=settings)
        scene.frame_audit = FrameAudit()
        scene.frame_audit.install(scene)
        scene.layout_audit = LayoutAudit()
        scene.layout_audit.install(scene)
        scene.render()
    return scene


@functools.cache
def rendered(scene_class: type[LessonScene], seed: int) -> LessonScene:
    return render_tiny(scene_class, seed)


def scene_video(folder: Path) -> Path:
    """The video Manim made of a scene rendered into `folder` (not its partial movies)."""
    (video,) = [path for path in folder.rglob("*.mp4") if "partial_movie_files" not in path.parts]
    return video


def srt_of(scene: LessonScene) -> str:
    """The words of the scene's captions (see caption_words)."""
    (path,) = (MEDIA / f"{type(scene).__name__}-{scene.seed}").rglob("*.srt")
    return caption_words(path.read_text())


def caption_words(captions: str) -> str:
    """An .srt's words, cue after cue, as one text: a cue's two lines, and the cues a long
    line of narration is cut into, read as the line."""
    return " ".join(" ".join(cue.content.split()) for cue in srt.parse(captions))


def engine_numbers(scene: LessonScene):
    """Every recorded number that claims to come from the engine."""
    return [shown for shown in scene.record.shown if shown.source != LAYOUT]


def parse_written(written: str) -> tuple[float, int]:
    """A written number as a float (percent as a fraction) and its last digit's place."""
    plain = written.replace("\N{MINUS SIGN}", "-").replace("\\%", "%").strip("()")
    scale = 100.0 if plain.endswith("%") else 1.0
    plain = plain.rstrip("%")
    decimals = len(plain.split(".")[1]) if "." in plain else 0
    return float(plain) / scale, decimals + (2 if scale == 100.0 else 0)


def assert_number_is_the_engines(scene: LessonScene, shown) -> None:
    """The value recorded is the engine's at that source, and the written number is that
    value correctly rounded."""
    engine_value = float(shown.source.value_in(scene.lesson))
    assert shown.value == engine_value, shown
    parsed, places = parse_written(shown.written)
    assert abs(parsed - engine_value) <= 0.5 * 10.0**-places + 1e-12, shown
    assert shown.written in shown.text, shown


def drawn_frames(scene) -> list[str]:
    """Record a SHA-256 of every frame the scene hands to its encoder (a repeated frame
    once per repeat): the pictures themselves, before any lossy encoding, which with
    Manim's default x264 threads may differ from run to run."""
    digests: list[str] = []
    renderer = scene.renderer
    write = renderer.add_frame

    def recorded(frame, num_frames: int = 1):
        if not renderer.skip_animations:
            digests.extend([hashlib.sha256(frame.tobytes()).hexdigest()] * num_frames)
        write(frame, num_frames)

    renderer.add_frame = recorded
    return digests


def frames_drawn_by(scene_class: type[Scene], frame_rate: int = 15) -> list[str]:
    """Render a plain Manim scene tiny, in this process, and return `drawn_frames`."""
    folder = MEDIA / f"frames-{scene_class.__name__}"
    with tempconfig({**TINY, "frame_rate": frame_rate, "media_dir": str(folder)}):
        scene = scene_class()
        frames = drawn_frames(scene)
        scene.render()
    return frames
