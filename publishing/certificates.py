"""The certificates that let only a course's own machines into its Dask cluster.

    .venv/bin/python -m publishing.certificates                 # into certificates/
    .venv/bin/python -m publishing.certificates /secure/place   # or a folder of your choice

A Dask scheduler listening on plain tcp:// runs whatever code anyone who reaches its port
sends, on every worker. With TLS, the scheduler, its workers and render.py each show a
certificate signed by the course's own authority (CA) and accept only peers that do the
same, and everything they say to each other is encrypted. This writes that authority
(`ca.pem`, and its key `ca-key.pem`, which signed the pair and need not leave this
machine) and one certificate and key shared by the scheduler, the workers and render.py
(`cluster.pem`, `cluster-key.pem`): they are all the same trusted party, the lecturer.
Keys are readable by their owner alone (mode 0600).
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from publishing.usage import OneLineParser, UsageError

CERTIFICATES_VARIABLE = "MECHANICS_CERTIFICATES"  # the folder, when --certificates is not
PROJECT_FOLDER = Path(__file__).resolve().parent.parent
DEFAULT_FOLDER = PROJECT_FOLDER / "certificates"  # the project folder: the same on each worker
VALID_DAYS = 2 * 365  # a course, and the next one's rerun
NAME = "mechanics-of-learning"


@dataclass(frozen=True)
class CertificateFiles:
    """Where a course's certificates are, in its folder."""

    folder: Path

    @property
    def authority(self) -> Path:
        return self.folder / "ca.pem"

    @property
    def authority_key(self) -> Path:
        return self.folder / "ca-key.pem"

    @property
    def certificate(self) -> Path:
        return self.folder / "cluster.pem"

    @property
    def key(self) -> Path:
        return self.folder / "cluster-key.pem"

    def needed(self) -> list[Path]:
        """What the scheduler, a worker and render.py read (not the authority's key)."""
        return [self.authority, self.certificate, self.key]

    def missing(self) -> list[Path]:
        return [path for path in self.needed() if not path.is_file()]

    def dask_options(self) -> list[str]:
        """The options that give `dask scheduler` and `dask worker` these certificates."""
        return [
            "--tls-ca-file",
            str(self.authority),
            "--tls-cert",
            str(self.certificate),
            "--tls-key",
            str(self.key),
        ]


def certificates_folder(given: str | Path | None = None) -> Path:
    """--certificates, or else $MECHANICS_CERTIFICATES, or else certificates/ in the
    project folder (which every worker has at the same path)."""
    chosen = given or os.environ.get(CERTIFICATES_VARIABLE) or DEFAULT_FOLDER
    return Path(chosen).expanduser()


class CertificateError(Exception):
    """The certificates cannot be written: one line saying why and what to do."""


def make_certificates(folder: Path, replace: bool = False) -> CertificateFiles:
    """Write a new authority and the cluster's certificate and key into `folder`. An
    existing folder with anything in it is left alone unless `replace`: its certificates
    may be the ones the cluster's machines hold."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    files = CertificateFiles(folder)
    try:
        if folder.exists() and not folder.is_dir():
            raise CertificateError(f"{folder} is a file, not a folder: choose another folder")
        if folder.is_dir() and any(folder.iterdir()) and not replace:
            raise CertificateError(
                f"{folder} already holds files (certificates the cluster may be using): "
                "choose another folder, or pass --replace to make new ones there (then copy "
                "them to every machine of the cluster again)"
            )
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise CertificateError(
            f"cannot make the folder {folder} ({error.strerror or error}): choose a folder "
            "you can write to"
        ) from None

    now = datetime.datetime.now(datetime.UTC)
    period = (now - datetime.timedelta(minutes=5), now + datetime.timedelta(days=VALID_DAYS))

    def named(role: str) -> x509.Name:
        return x509.Name(
            [
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, NAME),
                x509.NameAttribute(NameOID.COMMON_NAME, f"{NAME} {role}"),
            ]
        )

    authority_key = ec.generate_private_key(ec.SECP256R1())
    authority = (
        x509.CertificateBuilder()
        .subject_name(named("certificate authority"))
        .issuer_name(named("certificate authority"))
        .public_key(authority_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(period[0])
        .not_valid_after(period[1])
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(authority_key.public_key()), critical=False
        )
        .sign(authority_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = (
        x509.CertificateBuilder()
        .subject_name(named("cluster"))
        .issuer_name(authority.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(period[0])
        .not_valid_after(period[1])
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=True,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        # Each machine is both: a server to those that call it, a client of those it calls.
        .add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
            ),
            critical=False,
        )
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(NAME)]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(authority_key.public_key()),
            critical=False,
        )
        .sign(authority_key, hashes.SHA256())
    )

    def private(secret) -> bytes:
        return secret.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    try:
        write(files.authority_key, private(authority_key), 0o600)
        write(files.key, private(key), 0o600)
        write(files.authority, authority.public_bytes(serialization.Encoding.PEM), 0o644)
        write(files.certificate, certificate.public_bytes(serialization.Encoding.PEM), 0o644)
    except OSError as error:
        raise CertificateError(
            f"cannot write into {folder} ({error.strerror or error}): choose a folder you "
            "can write to"
        ) from None
    return files


def write(path: Path, content: bytes, mode: int) -> None:
    """`content` under `path`, whole, created with `mode` (a key is never readable by
    others, not even for a moment)."""
    partial = path.with_name(f".{path.name}.partial")
    partial.unlink(missing_ok=True)
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(descriptor, "wb") as output:
            output.write(content)
        os.chmod(partial, mode)  # whatever the umask took away
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = OneLineParser(
        prog="python -m publishing.certificates",
        description="Make the TLS certificates of a course's Dask cluster: an authority, and "
        "one certificate and key for the scheduler, the workers and render.py.",
    )
    parser.add_argument(
        "folder",
        nargs="?",
        help=f"where to write them; default ${CERTIFICATES_VARIABLE}, or else certificates/ "
        "in the project folder (where render.py --certificates looks by default)",
    )
    parser.add_argument(
        "--replace",
        action="store_true",
        help="write new certificates into a folder that already holds files",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        arguments = parse_arguments(argv)
        files = make_certificates(certificates_folder(arguments.folder), arguments.replace)
    except (CertificateError, UsageError) as error:
        print(f"certificates: error: {error}", file=sys.stderr)
        return 2
    options = " ".join(files.dask_options())
    print(f"certificates: {files.folder}/ holds the course's authority and cluster key")
    print(f"  scheduler: .venv/bin/dask scheduler --protocol tls {options}")
    print(f"  worker:    .venv/bin/dask worker tls://SCHEDULER:8786 {options}")
    print(
        f"  render:    .venv/bin/python render.py --scheduler tls://SCHEDULER:8786 "
        f"--certificates {files.folder}"
    )
    print(
        "Copy ca.pem, cluster.pem and cluster-key.pem to every machine of the cluster, to the "
        "same path, keeping their modes (e.g. scp -p), unless the folder is shared."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
