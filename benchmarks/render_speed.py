"""How fast the lecture renders, measured in one run on this machine; prints a table and
writes it as JSON so figures can be compared between commits.

    .venv/bin/python benchmarks/render_speed.py [--seed 0] [--jobs 2] [--json FILE]

In order, each from a cold start (a fresh folder, and a fresh cache of speech unless
--speech-cache names one for every run): the narrated lecture at 1080p60 with the code of
--before (a git revision, checked out beside as a worktree; default: main before issue 32's
speed work), then with this code, both run as commands, and every section's frames compared
between the two (PSNR and SSIM on luma, every sixth frame); the silent one (--voice none);
a warm re-run with nothing changed; a run after changing one section; the narrated one at
preview; the floor, that is the same 1080p frames decoded and only converted and encoded
again, every frame, with the project's x264 settings, as the same ratio; lesson(seed); and
the quality of the 1080p encode against a lossless render of the same frames. Then, as a
slower machine, the narrated 1080p60 lecture with the process held to one core
(`taskset`-style CPU affinity, so render.py's default is one job) and its floor on that
core; and the narrated lecture at 4K (3840x2160, 60 fps) with its own floor. About 70
minutes on two cores (the 4K runs take about 20 of them). The JSON is rewritten after
every step.
Nothing is asserted: targets belong in review, not in a timed test.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from av.video.reformatter import VideoReformatter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import render  # noqa: E402
from mechanics import lesson  # noqa: E402
from publishing import video  # noqa: E402
from publishing.film import QUALITIES, SECTIONS, Quality  # noqa: E402
from publishing.manifest import versions  # noqa: E402
from publishing.manim_cli import encoder_frame  # noqa: E402
from voices.base import CACHE_VARIABLE  # noqa: E402

YOUTUBE_1080P60_MBPS = 12.0  # YouTube's recommended upload bitrate for 1080p60 SDR, H.264
BEFORE_SPEED_WORK = "a829d23"  # main before issue 32 (held frames, drawing, the surface)
QUALITY_SAMPLE_EVERY = 6  # frames compared for PSNR/SSIM: every sixth (10 per second)


def lossless(quality: Quality) -> Quality:
    """The same frames, encoded without loss: the reference the real encode is judged by."""
    return replace(
        quality,
        name=f"{quality.name}-lossless",
        encoder_overrides=(("crf", "0"), ("preset", "ultrafast")),
    )


def run_render(
    out: Path,
    seed: int,
    quality: str,
    jobs: int,
    qualities=QUALITIES,
    sections=SECTIONS,
    extra: tuple[str, ...] = (),
    tree: Path | None = None,
) -> dict:
    """render.py for the seed and quality into `out`, quietly: its wall time, and per
    section the figures its render record keeps and whether it was rendered this time.
    With `tree`, the render.py of that source tree, run as a command (as a user runs it);
    without, this tree's, called in this process (so sections and qualities can differ)."""
    folder = out / f"seed-{seed}" / quality
    records = [folder / ".manim" / section.stem / "render.json" for section in sections]
    before = [path.stat().st_mtime_ns if path.exists() else None for path in records]
    arguments = ["--seed", str(seed), "--quality", quality, "--jobs", str(jobs), "--out", str(out)]
    started = time.perf_counter()
    if tree is not None:
        command = [sys.executable, str(tree / "render.py"), *arguments, *extra]
        environment = os.environ | {"PYTHONPATH": str(tree)}
        ran = subprocess.run(command, cwd=tree, env=environment, capture_output=True, text=True)
        code, printed = ran.returncode, ran.stdout + ran.stderr
    else:
        with contextlib.redirect_stdout(io.StringIO()) as output:
            code = render.main(arguments + list(extra), sections=sections, qualities=qualities)
        printed = output.getvalue()
    wall = time.perf_counter() - started
    if code != 0:
        print(printed)
        raise SystemExit(f"render.py exited {code}")
    rows = []
    for section, path, mtime in zip(sections, records, before, strict=True):
        record = json.loads(path.read_text())
        rows.append(
            {
                "section": section.stem,
                "video_seconds": record["seconds_of_video"],
                "render_seconds": record["seconds_to_render"],
                "ratio": record["seconds_to_render"] / record["seconds_of_video"],
                "peak_memory_mb": record.get("peak_memory_mb"),
                "rendered_now": path.stat().st_mtime_ns != mtime,
            }
        )
    video_seconds = sum(row["video_seconds"] for row in rows)
    return {
        "wall_seconds": wall,
        "video_seconds": video_seconds,
        "ratio": wall / video_seconds,
        "sections": rows,
        "folder": str(folder),
    }


def encode_only(path: str, quality_name: str) -> dict:
    """Decode a section, then convert + encode its frames again exactly as render.py's
    Manim does (publishing/manim_cli.py): RGBA in, wrapped without a copy, one conversion
    to YUV, x264 with the project's settings. Decoding is timed apart: it is not rendering."""
    quality = QUALITIES[quality_name]
    reformatter = VideoReformatter()
    decode = encode = 0.0
    frames = 0
    with (
        av.open(path) as source,
        av.open(os.devnull, "w", format="mp4") as out,
    ):
        stream = out.add_stream("libx264", rate=quality.fps, options=quality.encoder_options)
        stream.width, stream.height, stream.pix_fmt = quality.width, quality.height, "yuv420p"
        context = stream.codec_context
        tick = time.perf_counter()
        for frame in source.decode(video=0):
            pixels = frame.to_ndarray(format="rgba")
            tock = time.perf_counter()
            decode += tock - tick
            picture = encoder_frame(reformatter, pixels, context)
            picture.pts, picture.time_base = frames, Fraction(1, quality.fps)
            out.mux(stream.encode(picture))
            frames += 1
            tick = time.perf_counter()
            encode += tick - tock
        started = time.perf_counter()
        out.mux(stream.encode(None))
        encode += time.perf_counter() - started
    return {"decode_seconds": decode, "encode_seconds": encode, "frames": frames}


def floor(folder: Path, jobs: int, quality: str = "1080p") -> dict:
    """Convert + encode every section's frames again, `jobs` sections at a time."""
    paths = sorted(
        (str(folder / f"{s.stem}.mp4") for s in SECTIONS),
        key=lambda p: -os.path.getsize(p),
    )
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(encode_only, paths, [quality] * len(paths)))
    wall = time.perf_counter() - started
    decode = sum(r["decode_seconds"] for r in results)
    encode = sum(r["encode_seconds"] for r in results)
    video_seconds = sum(r["frames"] for r in results) / QUALITIES[quality].fps
    # The pool's wall time less its decoding share: decoding is not part of rendering.
    encode_wall = wall * encode / (encode + decode)
    return {
        "wall_seconds_with_decoding": wall,
        "decode_cpu_seconds": decode,
        "encode_cpu_seconds": encode,
        "wall_seconds": encode_wall,
        "video_seconds": video_seconds,
        "ratio": encode_wall / video_seconds,
    }


def luma_frames(path: Path, every: int):
    with av.open(str(path)) as container:
        for index, frame in enumerate(container.decode(video=0)):
            if index % every == 0:
                yield frame.to_ndarray(format="gray").astype(np.float64)


def ssim(a: np.ndarray, b: np.ndarray) -> float:
    """Mean SSIM (Wang et al. 2004) with 8x8 uniform windows, on 8-bit luma."""
    from scipy.ndimage import uniform_filter

    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    mean_a, mean_b = uniform_filter(a, 8), uniform_filter(b, 8)
    var_a = uniform_filter(a * a, 8) - mean_a**2
    var_b = uniform_filter(b * b, 8) - mean_b**2
    cov = uniform_filter(a * b, 8) - mean_a * mean_b
    index = ((2 * mean_a * mean_b + c1) * (2 * cov + c2)) / (
        (mean_a**2 + mean_b**2 + c1) * (var_a + var_b + c2)
    )
    return float(index.mean())


def compare(pair: tuple[str, str]) -> dict:
    encoded, reference = map(Path, pair)
    psnrs, ssims = [], []
    for a, b in zip(
        luma_frames(encoded, QUALITY_SAMPLE_EVERY),
        luma_frames(reference, QUALITY_SAMPLE_EVERY),
        strict=True,
    ):
        mse = float(np.mean((a - b) ** 2))
        psnrs.append(100.0 if mse == 0 else 10 * np.log10(255**2 / mse))
        ssims.append(ssim(a, b))
    seconds = video.seconds_of(encoded)
    return {
        "section": encoded.stem,
        "frames_compared": len(psnrs),
        "psnr_db_mean": statistics.fmean(psnrs),
        "psnr_db_min": min(psnrs),
        "ssim_mean": statistics.fmean(ssims),
        "ssim_min": min(ssims),
        "bitrate_mbps": encoded.stat().st_size * 8 / seconds / 1e6,
    }


def changed_section_run(out: Path, seed: int, jobs: int) -> dict:
    """Edit one section (a copy of its scene with a comment added) and render again."""
    edited = out / "edited-scene"
    edited.mkdir(exist_ok=True)
    (wiggle,) = [s for s in SECTIONS if s.slug == "wiggle"]
    copy = edited / wiggle.file.name
    copy.write_text(wiggle.file.read_text() + "\n# edited for the benchmark\n")
    sections = tuple(replace(s, file=copy) if s == wiggle else s for s in SECTIONS)
    result = run_render(out, seed, "1080p", jobs, sections=sections)
    result["changed"] = wiggle.stem
    result["rendered"] = [row["section"] for row in result["sections"] if row["rendered_now"]]
    return result


@contextlib.contextmanager
def source_tree(revision: str, where: Path):
    """This repository's code at `revision`, checked out beside (a git worktree), removed
    after: the code the speed work is measured against, on the same machine in the same run."""
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(where), revision],
        check=True,
        capture_output=True,
    )
    try:
        yield where
    finally:
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(where)],
            capture_output=True,
        )


def lecture_pairs(folder: Path, reference: Path) -> list[tuple[str, str]]:
    """Each section's MP4 in `folder` beside the same section's in `reference`."""
    return [(str(folder / f"{s.stem}.mp4"), str(reference / f"{s.stem}.mp4")) for s in SECTIONS]


@contextlib.contextmanager
def one_core():
    """Hold this process, and the processes it starts, to its first CPU (as `taskset -c`)."""
    allowed = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(allowed)})
    try:
        yield
    finally:
        os.sched_setaffinity(0, allowed)


SPOKEN: Path | None = None  # --speech-cache: every run reads this cache of speech


def fresh_speech_cache(folder: Path) -> None:
    """Speak every line again: a cold render synthesizes its speech. With --speech-cache,
    every run reads that cache instead, so the figures are rendering alone."""
    if SPOKEN is not None:
        os.environ[CACHE_VARIABLE] = str(SPOKEN)
        return
    shutil.rmtree(folder, ignore_errors=True)
    os.environ[CACHE_VARIABLE] = str(folder)


def machine() -> str:
    """This machine in a line: host, CPU model, cores, memory, Python."""
    model = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{platform.node()}, {model}, {os.cpu_count()} cores, {memory:.0f} GiB, "
        f"Python {platform.python_version()}"
    )


RATIOS = (  # (label, run, its floor)
    ("1080p60 R / floor R", "cold_1080p60", "floor_1080p60"),
    ("one core: R / floor R", "one_core_1080p60", "one_core_floor_1080p60"),
    ("4K60 R / floor R", "cold_4k60", "floor_4k60"),
)


def table(report: dict) -> str:
    lines = [f"machine: {report['machine']}", f"speech: {report.get('speech', 'cold')}", ""]
    lines.append(f"{'run':<26} {'wall s':>8} {'video s':>8} {'R':>6}")
    runs = (
        "before_cold_1080p60",
        "cold_1080p60",
        "silent_1080p60",
        "cold_preview",
        "floor_1080p60",
        "warm_1080p60",
    )
    slower = ("one_core_1080p60", "one_core_floor_1080p60", "cold_4k60", "floor_4k60")
    for name in (*runs, "changed_one", *slower):
        if name in report:
            run = report[name]
            lines.append(
                f"{name:<26} {run['wall_seconds']:>8.1f} {run['video_seconds']:>8.1f} "
                f"{run['ratio']:>6.2f}"
            )
    for label, run, its_floor in RATIOS:
        if run in report and its_floor in report:
            ratio = report[run]["ratio"] / report[its_floor]["ratio"]
            lines.append(f"{label:<26} {ratio:>24.2f}")
    if "before_cold_1080p60" in report and "cold_1080p60" in report:
        ratio = report["cold_1080p60"]["ratio"] / report["before_cold_1080p60"]["ratio"]
        lines.append(f"{'1080p60 R now / before':<26} {ratio:>24.2f}")
    if "cold_1080p60" in report and "silent_1080p60" in report:
        narrated, silent = report["cold_1080p60"], report["silent_1080p60"]
        ratio = narrated["wall_seconds"] / silent["wall_seconds"]
        lines.append(f"{'narrated / silent wall':<26} {ratio:>24.2f}")
    sectioned = ("before_cold_1080p60", "cold_1080p60", "silent_1080p60", "cold_preview")
    for name in (*sectioned, "one_core_1080p60", "cold_4k60"):
        if name in report:
            lines += ["", f"{name}: section, render s, video s, R, peak memory MB"]
            for row in report[name]["sections"]:
                lines.append(
                    f"  {row['section']:<24} {row['render_seconds']:>7.1f} "
                    f"{row['video_seconds']:>7.1f} {row['ratio']:>6.2f} "
                    f"{row['peak_memory_mb'] or 0:>7.0f}"
                )
    if "changed_one" in report:
        changed = report["changed_one"]
        lines.append(
            f"\nchanged {changed['changed']}: re-rendered {', '.join(changed['rendered'])}"
        )
    for key, heading in (
        ("quality", "1080p60 vs lossless"),
        ("against_before", "1080p60 now vs before"),
    ):
        if key not in report:
            continue
        lines += ["", f"{heading}: section, PSNR dB mean/min, SSIM mean/min, Mbps"]
        for row in report[key]:
            lines.append(
                f"  {row['section']:<24} {row['psnr_db_mean']:>6.1f} {row['psnr_db_min']:>6.1f}"
                f" {row['ssim_mean']:>7.4f} {row['ssim_min']:>7.4f} {row['bitrate_mbps']:>6.2f}"
            )
        if key == "quality":
            lines.append(
                f"  (YouTube recommends about {YOUTUBE_1080P60_MBPS:.0f} Mbps for 1080p60)"
            )
    lesson_ms = report["lesson_ms"]
    lines.append(f"\nlesson(seed): median {lesson_ms['median']:.1f} ms of {lesson_ms['runs']}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=render.cores())
    parser.add_argument("--json", default="benchmarks/render_speed.json", help="where to write")
    parser.add_argument("--keep", help="a folder to render into and keep (default: temporary)")
    parser.add_argument("--skip-quality", action="store_true", help="no lossless reference")
    parser.add_argument("--skip-one-core", action="store_true", help="no run held to one core")
    parser.add_argument("--skip-4k", action="store_true", help="no 4K runs")
    parser.add_argument("--skip-silent", action="store_true", help="no silent 1080p60 run")
    parser.add_argument(
        "--before",
        default=BEFORE_SPEED_WORK,
        help="a git revision rendered cold beside this code, from a worktree ('' for none)",
    )
    parser.add_argument(
        "--speech-cache",
        help="a cache of the seed's speech every run reads (rendering alone; default: cold)",
    )
    args = parser.parse_args()
    seed, jobs = args.seed, args.jobs
    global SPOKEN
    SPOKEN = Path(args.speech_cache).resolve() if args.speech_cache else None
    out = Path(args.keep or tempfile.mkdtemp(prefix="render-speed-"))
    shutil.rmtree(out / f"seed-{seed}", ignore_errors=True)
    shutil.rmtree(out / "silent", ignore_errors=True)
    # A cold cache of speech too: the narrated render synthesizes every line.
    fresh_speech_cache(out / "speech-cache")
    report = {
        "machine": machine(),
        "seed": seed,
        "jobs": jobs,
        "versions": versions(),
        "speech": f"cached in {SPOKEN}" if SPOKEN else "cold: synthesized in every run",
    }

    def step(name: str, work) -> None:
        print(f"{name} ...", flush=True)
        started = time.perf_counter()
        report[name] = work()
        print(f"{name}: {time.perf_counter() - started:.1f} s", flush=True)
        Path(args.json).write_text(json.dumps(report, indent=1))

    timings = []
    for _ in range(5):
        started = time.perf_counter()
        lesson(seed)
        timings.append(1000 * (time.perf_counter() - started))
    report["lesson_ms"] = {"median": statistics.median(timings), "runs": len(timings)}

    if args.before:
        # The code before the speed work, cold too (its own cache of speech), as a command.
        fresh_speech_cache(out / "speech-cache-before")
        with source_tree(args.before, out / "before-tree") as tree:
            report["before_revision"] = args.before
            step(
                "before_cold_1080p60",
                lambda: run_render(out / "before", seed, "1080p", jobs, tree=tree),
            )
        fresh_speech_cache(out / "speech-cache")
    step("cold_1080p60", lambda: run_render(out, seed, "1080p", jobs, tree=ROOT))
    folder = Path(report["cold_1080p60"]["folder"])
    if args.before:
        pairs = lecture_pairs(folder, Path(report["before_cold_1080p60"]["folder"]))
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            step("against_before", lambda: list(pool.map(compare, pairs)))
    if not args.skip_silent:
        silent = ("--voice", "none")
        step(
            "silent_1080p60",
            lambda: run_render(out / "silent", seed, "1080p", jobs, extra=silent),
        )
    step("warm_1080p60", lambda: run_render(out, seed, "1080p", jobs))
    step("changed_one", lambda: changed_section_run(out, seed, jobs))
    step("cold_preview", lambda: run_render(out, seed, "preview", jobs))
    step("floor_1080p60", lambda: floor(folder, jobs))
    if not args.skip_quality:
        reference_quality = lossless(QUALITIES["1080p"])
        qualities = {**QUALITIES, reference_quality.name: reference_quality}
        step(
            "reference_lossless",
            lambda: run_render(out, seed, reference_quality.name, jobs, qualities=qualities),
        )
        pairs = lecture_pairs(folder, Path(report["reference_lossless"]["folder"]))
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            step("quality", lambda: list(pool.map(compare, pairs)))

    if not args.skip_one_core:
        slow = out / "one-core"
        fresh_speech_cache(out / "speech-cache-one-core")
        with one_core():  # render.cores() is then 1, as on a one-core machine
            step("one_core_1080p60", lambda: run_render(slow, seed, "1080p", render.cores()))
            slow_folder = Path(report["one_core_1080p60"]["folder"])
            step("one_core_floor_1080p60", lambda: floor(slow_folder, 1))
    if not args.skip_4k:
        fresh_speech_cache(out / "speech-cache-4k")
        step("cold_4k60", lambda: run_render(out / "4k", seed, "4k", jobs))
        step("floor_4k60", lambda: floor(Path(report["cold_4k60"]["folder"]), jobs, "4k"))

    Path(args.json).write_text(json.dumps(report, indent=1))
    print()
    print(table(report))
    print(f"\nwritten: {args.json}; renders in {out}")
    if not args.keep:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
