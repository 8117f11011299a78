"""The qualities the film renders at, and the names its files carry. The sections are
scenes/sections.py's registry, re-exported here for publishing."""

from __future__ import annotations

from dataclasses import dataclass

from scenes.sections import ROOT, SECTIONS, Section, thumbnail_section

__all__ = ["QUALITIES", "ROOT", "SECTIONS", "Quality", "Section", "thumbnail_section"]

TITLE = "The Mechanics of Learning"
SUBTITLE = "How a neural network learns"
LECTURE_STEM = "the-mechanics-of-learning"


@dataclass(frozen=True)
class Quality:
    """A render quality: the frame size and rate, and how Manim is told about them."""

    name: str
    width: int
    height: int
    fps: int
    manim_flags: tuple[str, ...]
    description: str = ""
    encoder_overrides: tuple[tuple[str, str], ...] = ()  # e.g. a lossless reference encode

    @property
    def encoder_options(self) -> dict[str, str]:
        """x264's settings: H.264 High, yuv420p (Manim's), CRF 23, and these choices.

        Preset superfast, not Manim's medium: on 300 frames of section 4 at 1080p60 it
        encoded in 3.6 s instead of 7.0 s with a higher PSNR against a lossless encode
        (45.4 dB against 45.2; SSIM 0.998 both) at 2.4 instead of 1.9 Mbit/s, far under
        the 12 YouTube suggests for 1080p60. (veryfast: 4.1 s, 43.0 dB; ultrafast: 2.8 s
        but 5.5 Mbit/s and no CABAC, so not High profile.)
        A keyframe at least every half second and two consecutive B-frames, as YouTube
        recommends; the keyframes also let a lecturer jump to any moment without a wait.
        One encoder thread: with more, x264 encoded the same frames differently from run to
        run (six different files in 100 encodes of one three-frame animation of section 2),
        and a film must be regenerable to the byte. It costs little: a 10 s 1080p60 clip
        took 12.8 s to encode with one thread and 12.3 s with the default."""
        keyframe_interval = max(1, self.fps // 2)
        options = {
            "crf": "23",
            "preset": "superfast",
            "g": str(keyframe_interval),
            "bf": "2",
            "threads": "1",
        }
        return options | dict(self.encoder_overrides)

    @property
    def encoder_arguments(self) -> tuple[str, ...]:
        """The encoder options as Manim's command line takes them."""
        pairs = (f"{key}={value}" for key, value in self.encoder_options.items())
        return tuple(part for pair in pairs for part in ("--encoder-option", pair))


QUALITIES = {
    quality.name: quality
    for quality in (
        Quality("preview", 854, 480, 15, ("-ql",), "854x480, 15 fps, for drafts"),
        Quality("720p", 1280, 720, 30, ("-qm",), "1280x720, 30 fps"),
        Quality("1080p", 1920, 1080, 60, ("-qh",), "1920x1080, 60 fps, the default"),
        Quality("4k", 3840, 2160, 60, ("-qk",), "3840x2160, 60 fps"),
    )
}
