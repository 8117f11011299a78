"""A Dask cluster on SLURM for `render.py --scheduler`: the scheduler runs here (a login
node), each worker is a SLURM job on one machine, running this project's code and venv.

    .venv/bin/python -m publishing.certificates                      # once per course
    .venv/bin/python tools/slurm_cluster.py --machines 20            # then, in another shell:
    .venv/bin/python render.py --seed 0-299 --scheduler tls://... --out /shared/renders

It prints the scheduler's address and the dashboard's, submits the jobs, and keeps the
cluster up until Ctrl-C (which cancels the jobs). `--dry-run` prints the job script each
worker would run and submits nothing. The project folder and --out must be on a filesystem
every node mounts at the same path. The scheduler, its workers and render.py speak TLS
with the course's certificates (`certificates/` in the project folder, or --certificates),
so no one else on the cluster's network can send them work. Uses dask-jobqueue (installed
by `make setup`); for PBS, SGE or LSF, its PBSCluster, SGECluster and LSFCluster take the
same arguments.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from publishing.certificates import (  # noqa: E402
    CERTIFICATES_VARIABLE,
    CertificateFiles,
    certificates_folder,
)


class OneLineParser(argparse.ArgumentParser):
    def error(self, message: str):
        print(f"slurm_cluster.py: error: {message} (see --help)", file=sys.stderr)
        raise SystemExit(2)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = OneLineParser(
        prog="tools/slurm_cluster.py",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--machines", type=int, default=1, help="SLURM jobs (workers); default 1")
    parser.add_argument("--cores", type=int, default=2, help="cores per worker; default 2")
    parser.add_argument(
        "--memory", default="4GB", help="memory per worker; default 4GB (1 GB per 1080p render)"
    )
    parser.add_argument("--walltime", default="08:00:00", help="per job; default 08:00:00")
    parser.add_argument("--queue", help="SLURM partition")
    parser.add_argument("--account", help="SLURM account")
    parser.add_argument("--port", type=int, default=8786, help="the scheduler's; default 8786")
    parser.add_argument(
        "--certificates",
        metavar="DIR",
        help="the course's TLS certificates (python -m publishing.certificates); default "
        f"${CERTIFICATES_VARIABLE}, or else certificates/ in the project folder",
    )
    parser.add_argument(
        "--insecure",
        action="store_true",
        help="plain tcp://, no certificates: anyone who reaches the scheduler can run code "
        "on the workers; only on a network you trust",
    )
    parser.add_argument("--dry-run", action="store_true", help="print the job script only")
    args = parser.parse_args(argv)
    if args.machines < 1 or args.cores < 1:
        parser.error("--machines and --cores must be 1 or more")
    return args


def cluster_security(args: argparse.Namespace):
    """The Security that the scheduler, the workers and this script's client share: the
    course's certificates, or None with --insecure."""
    if args.insecure:
        return None
    from distributed import Security

    files = CertificateFiles(certificates_folder(args.certificates))
    missing = files.missing()
    if missing:
        print(
            f"slurm_cluster.py: error: {files.folder} has no "
            + ", ".join(path.name for path in missing)
            + f": make the course's certificates with `.venv/bin/python -m "
            f"publishing.certificates {files.folder}`, or pass --certificates (or --insecure "
            "on a network you trust)",
            file=sys.stderr,
        )
        raise SystemExit(2)
    certificate, key = str(files.certificate), str(files.key)
    return Security(
        require_encryption=True,
        tls_ca_file=str(files.authority),
        tls_scheduler_cert=certificate,
        tls_scheduler_key=key,
        tls_worker_cert=certificate,
        tls_worker_key=key,
        tls_client_cert=certificate,
        tls_client_key=key,
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    security = cluster_security(args)
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
        # The workers get the certificates' paths, which every node reads in the project
        # folder (or where --certificates says, on the shared filesystem).
        protocol=None if security is None else "tls://",
        security=security,
    )
    try:
        if args.dry_run:
            print(cluster.job_script())
            return 0
        cluster.scale(jobs=args.machines)
        print(f"scheduler: {cluster.scheduler_address}", flush=True)
        print(f"dashboard: {cluster.dashboard_link}", flush=True)
        access = (
            " --insecure"
            if security is None
            else f" --certificates {certificates_folder(args.certificates)}"
        )
        print(
            f"render with: .venv/bin/python render.py --seed 0-299 --scheduler "
            f"{cluster.scheduler_address}{access} --out /a/shared/folder   (Ctrl-C here to stop)",
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
