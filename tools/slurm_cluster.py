"""A Dask cluster on SLURM for `render.py --scheduler`: the scheduler runs here (a login
node), each worker is a SLURM job on one machine, running this project's code and venv.

    .venv/bin/python tools/slurm_cluster.py --machines 20            # then, in another shell:
    .venv/bin/python render.py --seed 0-299 --scheduler tcp://... --out /shared/renders

It prints the scheduler's address and the dashboard's, submits the jobs, and keeps the
cluster up until Ctrl-C (which cancels the jobs). `--dry-run` prints the job script each
worker would run and submits nothing. The project folder and --out must be on a filesystem
every node mounts at the same path. Uses dask-jobqueue (installed by `make setup`); for PBS,
SGE or LSF, its PBSCluster, SGECluster and LSFCluster take the same arguments.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="tools/slurm_cluster.py", description=__doc__)
    parser.add_argument("--machines", type=int, default=1, help="SLURM jobs (workers); default 1")
    parser.add_argument("--cores", type=int, default=2, help="cores per worker; default 2")
    parser.add_argument(
        "--memory", default="4GB", help="memory per worker; default 4GB (1 GB per 1080p render)"
    )
    parser.add_argument("--walltime", default="08:00:00", help="per job; default 08:00:00")
    parser.add_argument("--queue", help="SLURM partition")
    parser.add_argument("--account", help="SLURM account")
    parser.add_argument("--port", type=int, default=8786, help="the scheduler's; default 8786")
    parser.add_argument("--dry-run", action="store_true", help="print the job script only")
    args = parser.parse_args(argv)
    if args.machines < 1 or args.cores < 1:
        parser.error("--machines and --cores must be 1 or more")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from dask_jobqueue import SLURMCluster

    cluster = SLURMCluster(
        job_name="mechanics-of-learning",
        cores=args.cores,  # one worker process per job, a thread per core: a section each
        processes=1,
        memory=args.memory,
        walltime=args.walltime,
        queue=args.queue,
        account=args.account,
        python=str(ROOT / ".venv" / "bin" / "python"),
        job_script_prologue=[f"cd {ROOT}"],
        scheduler_options={"port": 0 if args.dry_run else args.port},
    )
    try:
        if args.dry_run:
            print(cluster.job_script())
            return 0
        cluster.scale(jobs=args.machines)
        print(f"scheduler: {cluster.scheduler_address}", flush=True)
        print(f"dashboard: {cluster.dashboard_link}", flush=True)
        print(
            f"render with: .venv/bin/python render.py --seed 0-299 --scheduler "
            f"{cluster.scheduler_address} --out /a/shared/folder   (Ctrl-C here to stop)",
            flush=True,
        )
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return 0
    finally:
        cluster.close()


if __name__ == "__main__":
    sys.exit(main())
