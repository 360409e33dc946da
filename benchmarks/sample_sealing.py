"""The sample archive's confidential values encrypted to their readers, as `dossier rekey` does it,
with the fictional sample identities of samples/identities/ (demo keys, public on purpose).

Regenerating keeps a file byte for byte when its decrypted content is what the generator writes
again: age encryption is randomised, so writing afresh would change every ciphertext and make
each regeneration a diff of every confidential value.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
IDENTITIES = HERE.parent / "samples" / "identities"
GENERATED = ("customers", "records", "daily")
# The day whose readers the values are encrypted to (grants begin and end): the tests' TODAY.
SAMPLE_TODAY = dt.date(2026, 11, 23)

sys.path.insert(0, str(HERE.parent / "tool"))

from dossier.access import crypto, rekey  # noqa: E402
from dossier.archive.config import open_archive  # noqa: E402
from dossier.archive.loader import load_bytes  # noqa: E402
from dossier.archive.schemas import SchemaSet  # noqa: E402


def snapshot(root: Path) -> dict[str, bytes]:
    """The generated files as they are before a regeneration."""
    return {path.relative_to(root).as_posix(): path.read_bytes()
            for folder in GENERATED for path in sorted((root / folder).rglob("*.yaml"))}


def sample_identity() -> crypto.Identity:
    import pyrage

    keys = [pyrage.ssh.Identity.from_buffer(path.read_bytes())
            for path in sorted(IDENTITIES.iterdir()) if not path.name.endswith((".pub", ".md"))]
    return crypto.Identity(keys, str(IDENTITIES))


def seal_sample(root: Path, previous: dict[str, bytes]) -> int:
    """Encrypt the freshly written sample's confidential values; returns how many were (re)encrypted."""
    schemas = SchemaSet(root / "schemas")
    identity = sample_identity()
    for rel, old in previous.items():
        path = root / rel
        if path.is_file() and _clear(old, rel, schemas, identity) == load_bytes(path.read_bytes(), rel).data:
            path.write_bytes(old)  # the same content: keep its ciphertexts
    report = rekey.rekey(open_archive(root), schemas, None, identity, SAMPLE_TODAY)
    if report.failed or report.problems:
        raise SystemExit(f"could not encrypt the sample: {report.failed[:3]} {report.problems[:3]}")
    return len(report.outcomes)


def _clear(raw: bytes, rel: str, schemas: SchemaSet, identity: crypto.Identity) -> object:
    return crypto.readable(load_bytes(raw, rel).data, schemas, identity).data
