"""Render The Mechanics of Learning: the film's sections for a seed and a quality.

    python render.py --seed 0 --quality 1080p
    python render.py --seed 7 --quality preview --sections 1 loss

Each section is rendered by Manim in its own process and lands, whole or not at all, as
<out>/seed-<N>/<quality>/<NN>-<name>.mp4 (with its .srt captions when the scene has any).
Manim's working files and cache stay under .manim/ in that folder, its logs under logs/.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from mechanics import check_seed
from scenes.seeding import SEED_VARIABLE, STILLS_VARIABLE

ROOT = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Section:
    """One section of the film: the Manim scene that draws it and the name its files carry."""

    number: int
    slug: str
    title: str
    file: Path
    scene: str

    @property
    def stem(self) -> str:
        return f"{self.number:02d}-{self.slug}"

    @property
    def exists(self) -> bool:
        return self.file.is_file()


SECTIONS = (
    Section(1, "forward-pass", "The Forward Pass", ROOT / "scenes/forward_pass.py", "ForwardPass"),
    Section(2, "loss", "The Scorecard (Loss)", ROOT / "scenes/loss.py", "Loss"),
    Section(3, "wiggle", 'The "Wiggle" (Gradient)', ROOT / "scenes/wiggle.py", "Wiggle"),
    Section(4, "loop", "The Loop (Optimization)", ROOT / "scenes/loop.py", "Loop"),
    Section(
        5, "generalization", "Generalization", ROOT / "scenes/generalization.py", "Generalization"
    ),
)


@dataclass(frozen=True)
class Quality:
    name: str
    manim_flag: str
    width: int
    height: int
    fps: int


QUALITIES = {
    quality.name: quality
    for quality in (
        Quality("preview", "l", 854, 480, 15),
        Quality("720p", "m", 1280, 720, 30),
        Quality("1080p", "h", 1920, 1080, 60),
        Quality("4k", "k", 3840, 2160, 60),
    )
}


class UsageError(Exception):
    """Bad input from the person at the keyboard: one line, exit code 2."""


class OneLineParser(argparse.ArgumentParser):
    def error(self, message: str):
        raise UsageError(f"{message} (see --help)")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = OneLineParser(
        prog="render.py",
        description="Render The Mechanics of Learning for a seed and a quality.",
        epilog="Sections: "
        + ", ".join(f"{s.number} ({s.slug})" for s in SECTIONS)
        + ". Files land in OUT/seed-N/QUALITY/.",
    )
    parser.add_argument("--seed", default="0", help="an integer in [0, 2**32); default 0")
    parser.add_argument(
        "--quality",
        default="1080p",
        choices=list(QUALITIES),
        help="preview (480p15), 720p (30 fps), 1080p (60 fps, default), 4k (2160p60)",
    )
    parser.add_argument(
        "--sections",
        nargs="+",
        metavar="SECTION",
        help="numbers (1-5) or names; default: every section that exists, in order",
    )
    parser.add_argument("--out", default="renders", help="output folder; default renders/")
    parser.add_argument(
        "--stills",
        action="store_true",
        help="also save the key frames of every beat as PNG, and a contact sheet per section",
    )
    return parser.parse_args(argv)


def parse_seed(text: str) -> int:
    try:
        return check_seed(int(text))
    except ValueError:
        raise UsageError(f"--seed must be an integer in [0, 2**32), got {text!r}") from None


def pick_sections(names: list[str] | None, sections: tuple[Section, ...]) -> list[Section]:
    """The sections asked for, by number or name, in film order; all that exist by default."""
    if not names:
        return [section for section in sections if section.exists]
    picked = []
    for name in names:
        matches = [s for s in sections if name.lower() in (str(s.number), s.slug, s.scene.lower())]
        if not matches:
            known = ", ".join(f"{s.number} or {s.slug}" for s in sections)
            raise UsageError(f"unknown section {name!r}; choose from {known}")
        section = matches[0]
        if not section.exists:
            raise UsageError(f"section {section.number} ({section.title}) is not built yet")
        if section not in picked:
            picked.append(section)
    return sorted(picked, key=lambda section: section.number)


def prepare_folder(folder: Path) -> None:
    """Create the output folder and prove it can be written, before any slow work starts."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder):
            pass
    except OSError as error:
        raise UsageError(
            f"cannot write to {folder} ({error.strerror}); choose another --out folder"
        ) from None


def check_tools() -> None:
    """Fail early, in one line, when Manim's system libraries or LaTeX are missing."""
    try:
        import cairo  # noqa: F401
        import manimpango  # noqa: F401
    except ImportError as error:
        raise UsageError(f"a library Manim needs is missing ({error}); run `make setup`") from None
    for tool in ("latex", "dvisvgm"):
        if shutil.which(tool) is None:
            raise UsageError(
                f"LaTeX is missing (no {tool!r} on PATH); run `make setup` or apt-get install "
                "texlive-latex-base texlive-latex-recommended texlive-latex-extra "
                "texlive-fonts-recommended dvisvgm"
            )


@dataclass(frozen=True)
class Rendered:
    section: Section
    video: Path
    seconds_of_video: float
    seconds_to_render: float


def video_seconds(path: Path) -> float:
    import av

    with av.open(str(path)) as container:
        return float(container.duration or 0) / 1_000_000


def render_section(
    section: Section, seed: int, quality: Quality, folder: Path, stills: bool = False
) -> Rendered:
    """Render one section with Manim in its own process and move its video into place.

    The final file appears only once Manim has finished: a failed or interrupted render
    leaves the previous file (or none), never a half-written one under the final name.
    """
    media = folder / ".manim" / section.stem
    logs = folder / "logs"
    logs.mkdir(exist_ok=True)
    log = logs / f"{section.stem}.log"
    command = [
        sys.executable,
        "-m",
        "manim",
        "render",
        f"-q{quality.manim_flag}",
        "--media_dir",
        str(media),
        "--progress_bar",
        "none",
        str(section.file),
        section.scene,
    ]
    env = {**os.environ, SEED_VARIABLE: str(seed)}
    if stills:
        # Cached animations are not drawn, so a still taken after one would be stale.
        command.insert(-2, "--disable_caching")
        still_folder = folder / "stills" / section.stem
        shutil.rmtree(still_folder, ignore_errors=True)
        env[STILLS_VARIABLE] = str(still_folder)
    started = time.perf_counter()
    with log.open("w") as log_file:
        result = subprocess.run(
            command, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT
        )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise RenderError(f"section {section.number} ({section.title}) failed; Manim's log: {log}")
    produced = sorted(media.glob(f"videos/**/{quality.height}p*/{section.scene}.mp4"))
    if not produced:
        raise RenderError(f"section {section.number} made no video; Manim's log: {log}")
    video = folder / f"{section.stem}.mp4"
    install(produced[0], video)
    captions = produced[0].with_suffix(".srt")
    if captions.exists():
        install(captions, video.with_suffix(".srt"))
    if stills:
        contact_sheet(sorted(still_folder.glob("*.png")), still_folder.with_suffix(".png"))
    return Rendered(section, video, video_seconds(video), elapsed)


def contact_sheet(frames: list[Path], destination: Path, columns: int = 3) -> None:
    """The key frames of a section side by side, captioned with their beat, in one PNG."""
    from PIL import Image, ImageDraw

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
    partial = destination.with_name(f".{destination.name}.partial")
    sheet.save(partial, format="PNG")
    os.replace(partial, destination)


def install(source: Path, destination: Path) -> None:
    """Copy under a temporary name, then rename: the destination is whole or absent."""
    partial = destination.with_name(f".{destination.name}.partial")
    shutil.copyfile(source, partial)
    os.replace(partial, destination)


class RenderError(Exception):
    """A section that did not render: one line, exit code 1."""


def summary(rendered: list[Rendered]) -> str:
    """The closing table: each section's length and how long it took to render."""

    def row(name: str, video: float, took: float) -> str:
        return f"{name:<28} {video:>7.1f}s {took:>7.1f}s"

    rows = [f"{'section':<28} {'video':>8} {'render':>8}"]
    rows += [row(r.section.stem, r.seconds_of_video, r.seconds_to_render) for r in rendered]
    total_video = sum(r.seconds_of_video for r in rendered)
    total_render = sum(r.seconds_to_render for r in rendered)
    rows.append(row("total", total_video, total_render))
    return "\n".join(rows)


def main(argv: list[str] | None = None, sections: tuple[Section, ...] = SECTIONS) -> int:
    try:
        args = parse_args(argv)
        seed = parse_seed(args.seed)
        quality = QUALITIES[args.quality]
        chosen = pick_sections(args.sections, sections)
        folder = Path(args.out) / f"seed-{seed}" / quality.name
        prepare_folder(folder)
        if not chosen:
            print("render.py: no section scenes exist yet; nothing to render")
            return 0
        check_tools()
    except UsageError as error:
        print(f"render.py: error: {error}", file=sys.stderr)
        return 2

    print(f"Rendering seed {seed} at {quality.name} into {folder}/")
    rendered = []
    try:
        for position, section in enumerate(chosen, start=1):
            print(f"[{position}/{len(chosen)}] {section.stem}: {section.title} ...", flush=True)
            rendered.append(render_section(section, seed, quality, folder, args.stills))
            print(f"      done in {rendered[-1].seconds_to_render:.1f} s", flush=True)
    except RenderError as error:
        print(f"render.py: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("render.py: interrupted; finished sections are kept", file=sys.stderr)
        return 130
    print(summary(rendered))
    return 0


if __name__ == "__main__":
    sys.exit(main())
