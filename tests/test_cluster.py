"""render.py --scheduler on a real Dask cluster: a scheduler and two workers, each its own
process on this machine. The cluster renders what one machine renders, to the byte; a
worker killed mid-render loses nothing; a rerun skips what is finished; Ctrl-C stops the
workers' Manim processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from publishing.certificates import make_certificates
from publishing.cluster import ClusterError, check_workers, render_section
from publishing.film import ROOT
from publishing.job import Job, RenderError
from publishing.manifest import versions

from .cluster import LocalCluster, alive, command_line, local_cluster, manim_children, wait_for
from .lecture_rendering import (
    QUALITIES,
    fixture_sections,
    lecture_bytes,
    render_in_a_process,
    render_tiny,
)

SEEDS = ("0", "1")


@pytest.fixture(scope="module")
def scenes(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("scenes")


@pytest.fixture(scope="module")
def on_one_machine(tmp_path_factory, scenes) -> dict[str, bytes]:
    """Two seeds' lectures of two one-second sections, rendered without a cluster."""
    out = tmp_path_factory.mktemp("one-machine")
    sections = fixture_sections(scenes)
    assert render_tiny("--out", str(out), "--seed", *SEEDS, "--jobs", "2", sections=sections) == 0
    return lecture_bytes(out)


def test_the_cluster_renders_what_one_machine_renders_and_a_rerun_skips_it(
    tmp_path, scenes, on_one_machine, capsys
):
    out = tmp_path / "out"
    sections = fixture_sections(scenes)
    with local_cluster(tmp_path / "cluster") as cluster:
        args = ("--out", str(out), "--seed", "0-1", *cluster.render_args)
        assert render_tiny(*args, sections=sections) == 0
        first = capsys.readouterr().out
        assert render_tiny(*args, sections=sections) == 0
        again = capsys.readouterr().out
        refused = worker_with_other_code(cluster, out, sections)
    assert lecture_bytes(out) == on_one_machine
    assert "Dask dashboard: http://" in first and "2/2 lectures, 4/4 sections done" in first
    assert "answers.csv" in first
    assert again.count("reused from an earlier run") == 4
    assert again.count("is up to date") == 2
    assert "on worker" in refused and "the code differs" in refused


def worker_with_other_code(cluster: LocalCluster, out: Path, sections) -> str:
    """What render.py (before sending work) and a worker (taking a task) say when the
    worker's code gives another render key than the one asked for."""
    job, wrong = Job(sections[0], 0, QUALITIES["tiny"], out / "seed-0" / "tiny"), "0" * 64
    with cluster.client() as client:
        with pytest.raises(ClusterError) as refused:
            check_workers(client, [(job, wrong)], sections, versions())
        assert "2 of 2 workers would render another film" in str(refused.value)
        future = client.submit(render_section, job, wrong, sections, versions())
        with pytest.raises(RenderError) as failed:
            future.result()
    return str(failed.value)


def test_a_worker_killed_mid_render_loses_nothing(tmp_path, scenes, on_one_machine):
    out = tmp_path / "out"
    sections = fixture_sections(scenes)
    killed: dict[str, int] = {}
    with local_cluster(tmp_path / "cluster") as cluster:
        victim = cluster.workers[0]

        def kill_the_first_worker_mid_render() -> None:
            manim = wait_for(lambda: manim_children(victim.pid), 120, "a render", every=0.01)
            os.kill(victim.pid, signal.SIGKILL)
            # Its Manim process dies with it at once, rather than writing on as an orphan
            # into the folder the rerun writes to.
            killed["manim gone"] = wait_for(lambda: not alive(manim[0]), 0.5, "Manim to die")

        killer = threading.Thread(target=kill_the_first_worker_mid_render, daemon=True)
        killer.start()
        args = ("--out", str(out), "--seed", *SEEDS, *cluster.render_args)
        assert render_tiny(*args, sections=sections) == 0
        killer.join(timeout=5)
        assert victim.poll() == -signal.SIGKILL  # the worker died mid-run, as planned
        assert cluster.workers[1].poll() is None  # and the other worker did its work
    assert killed == {"manim gone": True}
    assert lecture_bytes(out) == on_one_machine


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "killed"])
def test_stopping_render_py_stops_the_renders_on_the_workers(tmp_path, scenes, stop):
    """Ctrl-C cancels the run; a render.py killed outright (or cut off) leaves its tasks
    unwanted, and the scheduler cancels them: either way the workers' Manim stops."""
    out = tmp_path / "out"
    with local_cluster(tmp_path / "cluster") as cluster:
        process = render_in_a_process(out, scenes / "slow", *cluster.render_args)
        slow = wait_for(
            lambda: [
                child
                for worker in cluster.workers
                for child in manim_children(worker.pid)
                if "Slow" in command_line(child)
            ],
            120,
            "the slow section to start",
        )
        time.sleep(1.0)  # well into the render
        process.send_signal(stop)
        stdout, stderr = process.communicate(timeout=60)
        if stop == signal.SIGINT:
            assert process.returncode == 130, stderr
            assert "Traceback" not in stderr and "interrupted" in stderr
        wait_for(lambda: not any(alive(pid) for pid in slow), 30, "the workers' Manim to stop")
        assert all(worker.poll() is None for worker in cluster.workers)  # the cluster stays
    folder = out / "seed-0" / "tiny"
    assert not (folder / "02-second.mp4").exists() and not (folder / "manifest.json").exists()


def test_the_slurm_example_runs_the_projects_venv_on_two_cores_over_tls(tmp_path):
    certificates = make_certificates(tmp_path / "certificates")
    slurm = [sys.executable, "tools/slurm_cluster.py", "--dry-run", "--memory", "6GB"]
    result = subprocess.run(
        [*slurm, "--certificates", str(certificates.folder)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    script = result.stdout
    assert "#SBATCH --cpus-per-task=2" in script and "#SBATCH --mem=6G" in script
    assert f"cd {ROOT}" in script
    assert f"{ROOT}/.venv/bin/python -m distributed.cli.dask_worker tls://" in script
    assert "--nthreads 2" in script and "--protocol tls://" in script
    assert " ".join(certificates.dask_options()) in script
    # Without certificates, one line on how to make them (and no cluster started).
    missing = subprocess.run(
        [*slurm, "--certificates", str(tmp_path / "none")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1, missing.stderr
    assert "python -m publishing.certificates" in missing.stderr
