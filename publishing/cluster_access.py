"""Who may use the cluster, and whether an address is a Dask scheduler at all.

A Dask scheduler runs whatever code its clients send, on every worker; so render.py talks
to a scheduler on another machine only over TLS, with the course's certificates (made by
`python -m publishing.certificates`), unless told `--insecure`. Plain tcp:// is for a
scheduler on this machine.

Before making a Dask Client, render.py asks the address who it is, with a deadline:
distributed's Client waits for the scheduler's handshake without one, so a web server
(the dashboard's port, say) would hold it forever, and a Client that fails to start keeps
its event loop's thread and spends half a minute closing at exit, with a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import re
import socket
import ssl
import time
from dataclasses import dataclass
from pathlib import Path

from publishing.certificates import CertificateFiles, certificates_folder

PROBE_SECONDS = 5.0  # a scheduler says who it is in milliseconds, even across a campus
SCHEMES = ("tls", "tcp")
ADDRESS = re.compile(
    r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://"
    r"(?P<host>\[[0-9A-Fa-f:.]+\]|[^:/\[\]\s]+):(?P<port>\d+)/?"
)
EXAMPLE = "tls://10.0.0.5:8786"
WHAT_TO_DO = (
    "start a scheduler with `dask scheduler` (see the README), check the address, "
    "or leave out --scheduler"
)


class ClusterError(Exception):
    """The cluster cannot be used: one line saying why and what to do."""


@dataclass(frozen=True)
class SchedulerAddress:
    scheme: str
    host: str  # without an IPv6 address's brackets
    port: int

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"


def parse_scheduler_address(address: str) -> SchedulerAddress:
    """`address` as tls://HOST:PORT or tcp://HOST:PORT, or a ClusterError saying what a
    scheduler's address looks like."""
    match = ADDRESS.fullmatch(address.strip())
    if match is None or not 0 < int(match["port"]) < 65536:
        raise ClusterError(
            f"{address!r} is not a Dask scheduler's address: give it as tls://HOST:PORT "
            f"(e.g. {EXAMPLE}; tcp://HOST:PORT on this machine), as `dask scheduler` prints it"
        )
    scheme = match["scheme"].lower()
    if scheme not in SCHEMES:
        raise ClusterError(
            f"{address} is not a Dask scheduler's address (a {scheme}:// address; the "
            f"dashboard's web page is not the scheduler): give it as tls://HOST:PORT, e.g. "
            f"{EXAMPLE}, as `dask scheduler` prints it"
        )
    return SchedulerAddress(scheme, match["host"].strip("[]"), int(match["port"]))


def own_addresses() -> set[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    """The addresses of this machine's network interfaces."""
    import psutil  # distributed's dependency

    found = set()
    for interface in psutil.net_if_addrs().values():
        for entry in interface:
            if entry.family in (socket.AF_INET, socket.AF_INET6):
                with contextlib.suppress(ValueError):
                    found.add(ipaddress.ip_address(entry.address.split("%")[0]))
    return found


def on_this_machine(host: str) -> bool:
    """Whether `host` is this machine: localhost, a loopback address, its own name, or an
    address of one of its interfaces (a name must resolve to such addresses only)."""
    try:
        addresses = {ipaddress.ip_address(host)}
    except ValueError:
        if host.lower() in {"localhost", socket.gethostname().lower(), socket.getfqdn().lower()}:
            return True
        try:
            addresses = {
                ipaddress.ip_address(entry[4][0].split("%")[0])
                for entry in socket.getaddrinfo(host, None)
            }
        except (OSError, ValueError):
            return False  # no such name: not here (and the probe says nothing answers)
    own = own_addresses()
    return bool(addresses) and all(ip.is_loopback or ip in own for ip in addresses)


def client_security(address: SchedulerAddress, certificates: str | Path | None, insecure: bool):
    """The distributed Security for a client of `address`: TLS with the course's
    certificates for tls://, none for tcp:// (refused to another machine unless
    `insecure`). A ClusterError says what is missing."""
    if address.scheme == "tcp":
        if not insecure and not on_this_machine(address.host):
            raise ClusterError(
                f"{address} is plain tcp:// to another machine: unencrypted, and anyone who "
                "reaches that port can run code on every worker; start the cluster with TLS "
                f"and use tls://{str(address).split('://', 1)[1]} (see the README's Security), "
                "or pass --insecure on a network you trust"
            )
        return None
    from distributed import Security

    files = CertificateFiles(certificates_folder(certificates))
    missing = files.missing()
    if missing:
        raise ClusterError(
            f"{address} asks for TLS, but {files.folder} has no "
            + ", ".join(path.name for path in missing)
            + f": make the course's certificates with `python -m publishing.certificates "
            f"{files.folder}` and start the scheduler and workers with them (see the README), "
            "or point --certificates at the folder they came from"
        )
    security = Security(
        require_encryption=True,
        tls_ca_file=str(files.authority),
        tls_client_cert=str(files.certificate),
        tls_client_key=str(files.key),
    )
    try:
        security.get_connection_args("client")  # reads the files now, not mid-connection
    except (OSError, ssl.SSLError, ValueError) as error:
        raise ClusterError(
            f"the certificates in {files.folder} cannot be used ({error}): make new ones with "
            f"`python -m publishing.certificates --replace {files.folder}` and give them to "
            "the scheduler and workers too"
        ) from None
    return security


def probe(address: SchedulerAddress, security, seconds: float = PROBE_SECONDS) -> dict:
    """The identity of the Dask scheduler at `address`, or within `seconds` a ClusterError
    saying what answered instead (nothing, a web server, a worker, a scheduler that does
    not take this machine's certificates)."""
    from distributed.comm import connect

    started = time.monotonic()
    try:
        with socket.create_connection((address.host, address.port), timeout=seconds):
            pass
    except OSError as error:
        reason = error.strerror or str(error) or type(error).__name__
        raise ClusterError(f"nothing answers at {address} ({reason}): {WHAT_TO_DO}") from None

    async def identity() -> dict:
        arguments = security.get_connection_args("client") if security else {}
        comm = await connect(str(address), timeout=seconds, **arguments)
        try:
            await comm.write({"op": "identity", "reply": True})
            return await comm.read()
        finally:
            comm.abort()

    left = max(0.1, seconds - (time.monotonic() - started))
    try:
        answer = asyncio.run(asyncio.wait_for(identity(), left))
    except TimeoutError:
        raise ClusterError(
            f"{address} answers, but not as a Dask scheduler (no reply in {seconds:g} s; a web "
            + (
                "server, or a scheduler without TLS?"
                if security
                else "server such as the dashboard's port?"
            )
            + f"): {WHAT_TO_DO}"
        ) from None
    except (OSError, ValueError) as error:  # CommClosedError is an OSError
        raise ClusterError(refusal(address, security, error)) from None
    kind = answer.get("type") if isinstance(answer, dict) else None
    if kind != "Scheduler":
        raise ClusterError(
            f"{address} is a Dask {kind or 'server'}, not the scheduler: give the scheduler's "
            "address, as `dask scheduler` prints it"
        )
    return answer


def refusal(address: SchedulerAddress, security, error: BaseException) -> str:
    """Why the scheduler at `address` closed the connection, from the error and its causes
    (which side of a TLS handshake gave up depends on its timing, not only on who refused)."""
    chain: list[BaseException] = []
    while error is not None and error not in chain:
        chain.append(error)
        error = error.__cause__ or error.__context__
    said = " ".join(str(each) for each in chain)
    if security is None:
        return (
            f"{address} closed the connection ({type(chain[0]).__name__}): a scheduler that "
            f"speaks TLS? then give tls://{address.host}:{address.port} and the course's "
            f"certificates; or {WHAT_TO_DO}"
        )
    if "IOStream is not idle" in said or "WRONG_VERSION_NUMBER" in said:
        return (
            f"{address} does not speak TLS (a scheduler started without --protocol tls?): "
            "start it with the course's certificates (see the README's Security)"
        )
    if any(isinstance(each, ssl.SSLCertVerificationError) for each in chain):
        return (
            f"the scheduler at {address} shows a certificate that the course's authority did "
            "not sign: give --certificates the folder the scheduler's certificates came from"
        )
    return (
        f"the scheduler at {address} does not accept this machine's certificate "
        f"({type(chain[-1]).__name__}): give --certificates the folder the scheduler's "
        "certificates came from"
    )


def start_client(address: SchedulerAddress, security, timeout: float):
    """A distributed Client of the scheduler at `address`. One that fails to start is
    closed at once: left to the garbage collector, it would keep its event loop's thread
    and spend half a minute closing at exit, with a traceback."""
    from distributed import Client

    client = Client.__new__(Client)
    try:
        client.__init__(str(address), security=security, timeout=timeout, set_as_default=False)
    except Exception as error:
        abandon(client)
        raise ClusterError(
            f"cannot reach the Dask scheduler at {address} ({error}); {WHAT_TO_DO}"
        ) from None
    return client


def abandon(client) -> None:
    """Close a Client that did not start, and stop its event loop's thread."""
    with contextlib.suppress(Exception):
        client.close(timeout=2)
    client.status = "closed"  # so that its __del__ does not try again
    with contextlib.suppress(Exception):
        client._loop_runner.stop()
