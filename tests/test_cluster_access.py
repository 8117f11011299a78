"""Who gets into the cluster, and what render.py says about an address that is not a
scheduler: one line within 15 seconds, exit code 2, never a hang or a traceback. On a real
TLS cluster (`dask scheduler --protocol tls`, certificates made by
`python -m publishing.certificates`), a client without the course's certificate is turned
away; tests/test_cluster.py renders through it."""

from __future__ import annotations

import http.server
import os
import socket
import ssl
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from cryptography import x509

from publishing import certificates as certificates_module
from publishing.certificates import CertificateFiles, make_certificates
from publishing.cluster_access import (
    client_security,
    on_this_machine,
    own_addresses,
    parse_scheduler_address,
)
from publishing.film import ROOT

from .cluster import local_cluster
from .lecture_rendering import fixture_sections, render_tiny

USER_PATIENCE = 15.0  # seconds a person waits for render.py to say what is wrong


def render_py(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess, float]:
    """render.py as a person runs it, in a process of its own (so a thread or event loop
    left behind would keep it alive past the deadline)."""
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "render.py", "--sections", "1", "--out", str(tmp_path / "out"), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=USER_PATIENCE,
    )
    return result, time.monotonic() - started


def one_line(err: str) -> str:
    assert "Traceback" not in err, err
    assert err.count("\n") == 1, err
    return err


@pytest.fixture
def web_server():
    """A plain HTTP server on this machine (what a dashboard's or any web port is)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    server.daemon_threads = True
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    try:
        yield f"tcp://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_web_server_is_no_scheduler_and_render_py_says_so_in_one_line(tmp_path, web_server):
    result, seconds = render_py(tmp_path, "--scheduler", web_server)
    assert result.returncode == 2, result.stderr
    err = one_line(result.stderr)
    assert f"{web_server} answers, but not as a Dask scheduler" in err
    assert "`dask scheduler`" in err and "leave out --scheduler" in err
    assert seconds < USER_PATIENCE


def test_a_malformed_address_is_one_line_and_render_py_exits_at_once(tmp_path, capsys):
    result, seconds = render_py(tmp_path, "--scheduler", "tcp://nohost:notaport")
    assert result.returncode == 2, result.stderr
    assert "is not a Dask scheduler's address" in one_line(result.stderr)
    assert seconds < USER_PATIENCE
    sections = fixture_sections(tmp_path / "scenes")
    for address in ("foo", "http://x", "http://127.0.0.1:8787", "tcp://host:99999", "tcp://:1"):
        args = ("--out", str(tmp_path / "out"), "--scheduler", address)
        assert render_tiny(*args, sections=sections) == 2, address
        err = one_line(capsys.readouterr().err)
        assert "is not a Dask scheduler's address" in err and "tls://HOST:PORT" in err, err


def test_nothing_listening_is_one_line_at_once(tmp_path, capsys):
    with socket.socket() as taken:  # a port that was free a moment ago, and is again
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
    sections = fixture_sections(tmp_path / "scenes")
    started = time.monotonic()
    args = ("--out", str(tmp_path / "out"), "--scheduler", f"tcp://127.0.0.1:{port}")
    assert render_tiny(*args, sections=sections) == 2
    assert time.monotonic() - started < 5
    err = one_line(capsys.readouterr().err)
    assert f"nothing answers at tcp://127.0.0.1:{port}" in err and "`dask scheduler`" in err


def test_plain_tcp_to_another_machine_is_refused_unless_insecure(tmp_path, capsys):
    """192.0.2.1 is a documentation address: the refusal comes before any connection."""
    sections = fixture_sections(tmp_path / "scenes")
    args = ("--out", str(tmp_path / "out"), "--scheduler", "tcp://192.0.2.1:8786")
    assert render_tiny(*args, sections=sections) == 2
    err = one_line(capsys.readouterr().err)
    assert "plain tcp:// to another machine" in err and "--insecure" in err
    assert "tls://192.0.2.1:8786" in err
    remote = parse_scheduler_address("tcp://192.0.2.1:8786")
    assert client_security(remote, None, insecure=True) is None  # allowed when asked


def test_this_machine_is_its_loopback_names_and_interfaces_only():
    assert on_this_machine("localhost") and on_this_machine("127.0.0.1")
    assert on_this_machine("127.3.4.5") and on_this_machine("::1")
    assert on_this_machine(socket.gethostname())
    for address in own_addresses():
        assert on_this_machine(str(address))
    assert not on_this_machine("192.0.2.1") and not on_this_machine("2001:db8::1")
    assert not on_this_machine("no-such-host.invalid")
    assert parse_scheduler_address("tls://[::1]:8786").host == "::1"
    assert str(parse_scheduler_address("TLS://[::1]:8786")) == "tls://[::1]:8786"


def test_tls_without_certificates_says_how_to_make_them(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv(certificates_module.CERTIFICATES_VARIABLE, str(tmp_path / "none"))
    sections = fixture_sections(tmp_path / "scenes")
    args = ("--out", str(tmp_path / "out"), "--scheduler", "tls://127.0.0.1:8786")
    assert render_tiny(*args, sections=sections) == 2
    err = one_line(capsys.readouterr().err)
    assert f"{tmp_path / 'none'} has no ca.pem, cluster.pem, cluster-key.pem" in err
    assert f"python -m publishing.certificates {tmp_path / 'none'}" in err


def test_the_certificates_command_makes_an_authority_and_a_key_only_its_owner_reads(
    tmp_path, capsys
):
    folder = tmp_path / "course"
    assert certificates_module.main([str(folder)]) == 0
    assert "tls://SCHEDULER:8786" in capsys.readouterr().out
    files = CertificateFiles(folder)
    for key in (files.key, files.authority_key):
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    authority = x509.load_pem_x509_certificate(files.authority.read_bytes())
    certificate = x509.load_pem_x509_certificate(files.certificate.read_bytes())
    certificate.verify_directly_issued_by(authority)
    assert authority.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert sorted(path.name for path in folder.iterdir()) == [
        "ca-key.pem",
        "ca.pem",
        "cluster-key.pem",
        "cluster.pem",
    ]
    # A folder with files in it is kept: its certificates may be the cluster's.
    key = files.key.read_bytes()
    assert certificates_module.main([str(folder)]) == 2
    err = one_line(capsys.readouterr().err)
    assert "already holds files" in err and "--replace" in err
    assert files.key.read_bytes() == key
    assert certificates_module.main([str(folder), "--replace"]) == 0
    assert files.key.read_bytes() != key
    capsys.readouterr()


@pytest.mark.parametrize("where", ["under a file", "a file"])
def test_the_certificates_command_says_in_one_line_when_it_cannot_write(tmp_path, capsys, where):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a folder")
    folder = a_file / "certificates" if where == "under a file" else a_file
    assert certificates_module.main([str(folder)]) == 2
    err = one_line(capsys.readouterr().err)
    assert str(folder) in err and "choose" in err
    assert certificates_module.main(["--no-such-option"]) == 2
    assert "see --help" in one_line(capsys.readouterr().err)


def test_a_tls_cluster_lets_in_only_its_own_certificates(tmp_path, capsys):
    """A scheduler started as the README says: a stranger (another course's certificates,
    or this course's public ca.pem with a key of its own, or no certificate at all, or
    plain tcp://) is turned away in one line; the dashboard's web port is no scheduler."""
    other = make_certificates(tmp_path / "other-course")
    sections = fixture_sections(tmp_path / "scenes")
    with local_cluster(tmp_path / "cluster", workers=0) as cluster:
        assert cluster.address.startswith("tls://127.0.0.1:")
        ours = CertificateFiles(cluster.certificates)
        # A stranger who has this course's authority (ca.pem is no secret) but no key of it.
        stranger = tmp_path / "stranger"
        stranger.mkdir()
        (stranger / "ca.pem").write_bytes(ours.authority.read_bytes())
        for name in ("cluster.pem", "cluster-key.pem"):
            (stranger / name).write_bytes((other.folder / name).read_bytes())
        said = {}
        for name, args in {
            "other course": ("--scheduler", cluster.address, "--certificates", str(other.folder)),
            "stranger": ("--scheduler", cluster.address, "--certificates", str(stranger)),
            "plain": ("--scheduler", cluster.address.replace("tls://", "tcp://")),
        }.items():
            started = time.monotonic()
            code = render_tiny("--out", str(tmp_path / "out"), *args, sections=sections)
            said[name] = one_line(capsys.readouterr().err)
            assert code == 2, said[name]
            assert time.monotonic() - started < USER_PATIENCE
        with cluster.client() as client:
            dashboard = client.scheduler_info()["services"]["dashboard"]
        started = time.monotonic()
        args = ("--scheduler", f"tcp://127.0.0.1:{dashboard}")
        assert render_tiny("--out", str(tmp_path / "out"), *args, sections=sections) == 2
        said["dashboard"] = one_line(capsys.readouterr().err)
        assert time.monotonic() - started < USER_PATIENCE
        no_certificate = talk_without_a_certificate(cluster.address, ours.authority)
    assert "a certificate that the course's authority did not sign" in said["other course"]
    assert "does not accept this machine's certificate" in said["stranger"]
    assert "closed the connection (" in said["plain"]
    assert "a scheduler that speaks TLS" in said["plain"]
    assert "answers, but not as a Dask scheduler" in said["dashboard"]
    assert no_certificate.startswith("refused"), no_certificate


def talk_without_a_certificate(address: str, authority: Path) -> str:
    """What a TLS client that trusts the scheduler but shows no certificate of its own gets
    back when it speaks: refused (or the scheduler's first reply, which it must never get)."""
    where = parse_scheduler_address(address)
    context = ssl.create_default_context(cafile=str(authority))
    context.check_hostname = False
    try:
        with (
            socket.create_connection((where.host, where.port), timeout=5) as raw,
            context.wrap_socket(raw) as tls,
        ):
            tls.sendall(os.urandom(64))
            reply = tls.recv(1024)
    except (ssl.SSLError, ConnectionError) as error:
        return f"refused: {error}"
    return "refused: closed" if not reply else f"answered {reply!r}"


def test_a_client_that_fails_to_start_leaves_no_thread_and_no_traceback(tmp_path):
    """Should a Client fail after the probe passed (the scheduler gone in between), it is
    closed at once: distributed would otherwise keep its event loop's thread, and close it
    at exit after a wait, with a traceback."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
    driver = (
        "import threading, sys; "
        "from publishing.cluster_access import ClusterError, parse_scheduler_address, "
        "start_client; "
        f"where = parse_scheduler_address('tcp://127.0.0.1:{port}')\n"
        "try:\n    start_client(where, None, timeout=1)\n"
        "except ClusterError as error:\n    print(error)\n"
        "print('threads:', threading.active_count())"
    )
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", driver],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=USER_PATIENCE,
    )
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}" in result.stdout
    assert "threads: 1" in result.stdout
    assert time.monotonic() - started < 8
