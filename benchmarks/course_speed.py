"""How many lectures an hour: a course of seeds rendered today's way (render.py on this
machine, --jobs = cores) and on a Dask cluster of this machine (a scheduler and one worker
with a thread per core, each its own process, started with `dask scheduler` / `dask worker
--no-nanny`). Prints a table and writes JSON.

    .venv/bin/python benchmarks/course_speed.py [--seeds 20] [--hd-seeds 2] [--json FILE]

For each quality (preview, then 1080p60 with fewer seeds: one 1080p lecture takes about
four minutes here) and each path, from a cold start: a fresh output folder and a fresh
cache of speech. Then the cost of a task on the cluster beyond its work: the wall time of
many empty tasks, and the cluster's wall time against the local path's per section.
Finally the extrapolation to a cluster of N two-core machines for 300 lectures, from the
measured time per lecture (a section is one task, so N machines finish N times as many,
while the scheduler and the shared folder keep up: at one lecture a minute per machine, a
scheduler's few milliseconds per task are nothing). Nothing is asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import render  # noqa: E402
from benchmarks.render_speed import fresh_speech_cache, machine  # noqa: E402
from tests.cluster import LocalCluster, local_cluster  # noqa: E402

COURSE = 300  # lectures, one per student
MACHINES = (1, 2, 5, 10, 20, 50, 100)


def run(out: Path, seeds: int, quality: str, cluster: Sequence[str] = ()) -> dict:
    """render.py for seeds 0..seeds-1 into `out`, quietly: wall time and lectures per hour.
    `cluster`: render.py's options that name the cluster (--scheduler, --certificates)."""
    argv = ["--seed", f"0-{seeds - 1}", "--quality", quality, "--out", str(out), *cluster]
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        code = render.main(argv)
    wall = time.perf_counter() - started
    if code != 0:
        print(printed.getvalue())
        raise SystemExit(f"render.py exited {code}")
    records = [json.loads(path.read_text()) for path in out.glob("seed-*/*/.manim/*/render.json")]
    return {
        "seeds": seeds,
        "wall_seconds": wall,
        "seconds_per_lecture": wall / seeds,
        "lectures_per_hour": 3600 * seeds / wall,
        "sections": len(records),
        "section_render_seconds": sum(record["seconds_to_render"] for record in records),
        "video_seconds": sum(record["seconds_of_video"] for record in records),
        "mean_section_render_seconds": statistics.fmean(
            record["seconds_to_render"] for record in records
        ),
    }


def empty_task_seconds(cluster: LocalCluster, tasks: int = 500) -> float:
    """Wall seconds per task of tasks that do nothing, submitted at once, on the cluster."""
    from distributed import wait

    with cluster.client() as client:
        client.submit(int, 0, pure=False).result()  # connected and warm
        started = time.perf_counter()
        futures = [client.submit(int, n, pure=False) for n in range(tasks)]
        wait(futures)
        return (time.perf_counter() - started) / tasks


def extrapolate(seconds_per_lecture: float) -> list[dict]:
    """300 lectures on N machines like this one, each a two-core worker."""
    return [
        {
            "machines": machines,
            "hours": math.ceil(COURSE / machines) * seconds_per_lecture / 3600,
        }
        for machines in MACHINES
    ]


def table(report: dict) -> str:
    lines = [f"machine: {report['machine']}", ""]
    lines.append(
        f"{'quality':<8} {'path':<6} {'seeds':>5} {'wall':>9} {'a lecture':>12} {'per hour':>11}"
    )
    for quality, paths in report["runs"].items():
        for path, figures in paths.items():
            lines.append(
                f"{quality:<8} {path:<6} {figures['seeds']:>5} {figures['wall_seconds']:>8.1f}s "
                f"{figures['seconds_per_lecture']:>11.1f}s {figures['lectures_per_hour']:>11.1f}"
            )
    if "overhead" in report:
        overhead = report["overhead"]
        lines += [
            "",
            f"an empty task on the cluster: {1000 * overhead['empty_task_seconds']:.1f} ms",
        ]
        for quality, seconds in overhead["cluster_minus_local_per_section"].items():
            lines.append(f"{quality}: cluster wall minus local wall, per section: {seconds:+.2f} s")
    if "course_1080p60" in report:
        lines += ["", f"{COURSE} lectures at 1080p60 on N two-core machines like this one:"]
        for row in report["course_1080p60"]:
            lines.append(f"  {row['machines']:>4} machines: {row['hours']:7.1f} h")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20, help="lectures at preview; default 20")
    parser.add_argument("--hd-seeds", type=int, default=2, help="lectures at 1080p60; default 2")
    parser.add_argument("--json", default=str(ROOT / "benchmarks" / "course_speed.json"))
    parser.add_argument("--keep", help="a folder to keep the renders in (default: a temporary one)")
    args = parser.parse_args()
    work = Path(args.keep or tempfile.mkdtemp(prefix="course-speed-"))
    cores = len(os.sched_getaffinity(0))
    report: dict = {"machine": machine(), "cores": cores, "runs": {}}

    def save() -> None:
        Path(args.json).write_text(json.dumps(report, indent=1) + "\n")

    plan = [("preview", args.seeds), ("1080p", args.hd_seeds)]
    for quality, seeds in plan:
        if seeds < 1:
            continue
        runs = report["runs"].setdefault(quality, {})
        for path in ("local", "dask"):
            out = work / f"{quality}-{path}"
            shutil.rmtree(out, ignore_errors=True)
            # A fresh cache of speech, set before the cluster starts: its worker's Manim
            # processes inherit the worker's environment, not this process's.
            fresh_speech_cache(work / f"speech-{quality}-{path}")
            if path == "local":
                runs[path] = run(out, seeds, quality)
            else:
                with local_cluster(work / "cluster", workers=1, threads=cores) as cluster:
                    if "empty_task_seconds" not in report.setdefault("overhead", {}):
                        report["overhead"]["empty_task_seconds"] = empty_task_seconds(cluster)
                    runs[path] = run(out, seeds, quality, cluster.render_args)
            print(f"{quality} {path}: {runs[path]['wall_seconds']:.1f} s", flush=True)
            save()
    report["overhead"]["cluster_minus_local_per_section"] = {
        quality: (paths["dask"]["wall_seconds"] - paths["local"]["wall_seconds"])
        / paths["dask"]["sections"]
        for quality, paths in report["runs"].items()
        if {"dask", "local"} <= set(paths)
    }
    if "dask" in report["runs"].get("1080p", {}):
        # A cluster of N machines runs the Dask path: its time per lecture, overhead and all.
        per_lecture = report["runs"]["1080p"]["dask"]["seconds_per_lecture"]
        report["course_1080p60"] = extrapolate(per_lecture)
        report["course_1080p60_seconds_per_lecture"] = per_lecture
    save()
    print(table(report))


if __name__ == "__main__":
    main()
