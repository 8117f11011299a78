"""A real Dask cluster on this machine for the tests: a scheduler and workers, each its own
process, started as a user would start them (`dask scheduler`, `dask worker`), over TLS with
certificates made by `python -m publishing.certificates`, as the README says."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from distributed import Client

from publishing.certificates import CertificateFiles, make_certificates
from publishing.cluster_access import client_security, parse_scheduler_address
from publishing.film import ROOT

DASK = str(Path(sys.executable).with_name("dask"))
MANIM_CLI = "publishing.manim_cli"


@dataclass
class LocalCluster:
    address: str
    scheduler: subprocess.Popen
    workers: list[subprocess.Popen]
    certificates: Path | None  # the folder of its TLS certificates; None: plain tcp://

    @property
    def render_args(self) -> tuple[str, ...]:
        """What render.py is given to render on this cluster."""
        if self.certificates is None:
            return ("--scheduler", self.address)
        return ("--scheduler", self.address, "--certificates", str(self.certificates))

    def client(self, **options) -> Client:
        """A Dask client of the cluster, with its certificates (as render.py makes one)."""
        where = parse_scheduler_address(self.address)
        security = client_security(where, self.certificates, insecure=False)
        return Client(self.address, security=security, **options)


def wait_for(condition, timeout: float, what: str, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while True:
        found = condition()
        if found:
            return found
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(every)


@contextmanager
def local_cluster(
    folder: Path, workers: int = 2, threads: int = 1, tls: bool = True
) -> Iterator[LocalCluster]:
    """A scheduler and `workers` workers of `threads` threads, without nannies (so a worker
    killed stays dead, and its work must move to another), logging into `folder`; over TLS
    with certificates of its own in `folder`/certificates, unless not `tls`."""
    folder.mkdir(parents=True, exist_ok=True)
    address_file = folder / "scheduler.json"
    certificates, security = None, []
    if tls:
        certificates = make_certificates(folder / "certificates", replace=True).folder
        security = CertificateFiles(certificates).dask_options()
    processes: list[subprocess.Popen] = []

    def start(*arguments: str, log: str) -> subprocess.Popen:
        with (folder / log).open("w") as output:
            process = subprocess.Popen(
                [DASK, *arguments], cwd=ROOT, stdout=output, stderr=subprocess.STDOUT
            )
        processes.append(process)
        return process

    try:
        scheduler = start(
            "scheduler",
            "--scheduler-file",
            str(address_file),
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--dashboard-address",
            ":0",
            *(["--protocol", "tls", *security] if tls else []),
            log="scheduler.log",
        )
        address = wait_for(lambda: address_in(address_file), 60, "the scheduler's address")
        started = [
            start(
                "worker",
                address,
                "--nthreads",
                str(threads),
                "--no-nanny",
                "--name",
                f"worker-{number}",
                *security,
                log=f"worker-{number}.log",
            )
            for number in range(1, workers + 1)
        ]
        cluster = LocalCluster(address, scheduler, started, certificates)
        with cluster.client(timeout=60) as client:
            if workers:
                client.wait_for_workers(workers, timeout=60)
        yield cluster
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def address_in(scheduler_file: Path) -> str | None:
    """The address in the scheduler's file, once written whole (it appears empty first)."""
    try:
        return json.loads(scheduler_file.read_text())["address"]
    except (OSError, ValueError, KeyError):
        return None


def children(pid: int) -> list[int]:
    """The live processes whose parent is `pid` (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z" and int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def command_line(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return []


def manim_children(pid: int) -> list[int]:
    """The Manim processes a worker process started."""
    return [child for child in children(pid) if MANIM_CLI in command_line(child)]


def alive(pid: int) -> bool:
    """Whether the process exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"
