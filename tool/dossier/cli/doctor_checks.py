"""`dossier doctor`: is this machine ready for the archive? (体检, as `brew doctor` does)

Each check looks at one thing the tool relies on (the Python and git versions, the programs and
libraries that sign, render and read PDFs back, the person's git identity, their private keys'
file modes, the archive's hooks) and gives a Finding: fine, or a problem with the command or
package that fixes it. Nothing here prints; the CLI turns Findings into lines.
"""

from __future__ import annotations

import ctypes.util
import os
import re
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

PYTHON_AT_LEAST = (3, 11)
GIT_AT_LEAST = (2, 34)  # ssh-signed commits and `git verify-commit` with gpg.format ssh
APT = "sudo apt-get install"


@dataclass(frozen=True)
class Finding:
    """The outcome of one check: a message key ("doctor-ok-…", "doctor-note-…" or "doctor-bad-…") and its
    arguments."""

    key: str
    args: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """A note ("doctor-note-…": something not checked, and why) is no problem."""
        return not self.key.startswith("doctor-bad-")


def _ok(check: str, **args: object) -> Finding:
    return Finding(f"doctor-ok-{check}", args)


def _bad(check: str, **args: object) -> Finding:
    return Finding(f"doctor-bad-{check}", args)


def _version(text: str) -> tuple[int, ...]:
    found = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", text)
    return tuple(int(part) for part in found.groups() if part is not None) if found else ()


def _dotted(version: tuple[int, ...]) -> str:
    return ".".join(str(part) for part in version)


def check_python() -> Finding:
    found = _dotted(sys.version_info[:3])
    if sys.version_info[:2] >= PYTHON_AT_LEAST:
        return _ok("python", version=found)
    return _bad("python", version=found, wanted=_dotted(PYTHON_AT_LEAST))


def check_git() -> Finding:
    if shutil.which("git") is None:
        return _bad("git-missing", install=f"{APT} git")
    result = subprocess.run(["git", "--version"], capture_output=True, text=True)
    version = _version(result.stdout)
    if version[:2] >= GIT_AT_LEAST:
        return _ok("git", version=_dotted(version))
    return _bad("git-old", version=_dotted(version) or result.stdout.strip(), wanted=_dotted(GIT_AT_LEAST),
                install=f"{APT} git")


def check_program(program: str, package: str, purpose: str) -> Finding:
    """A program the tool runs: found on PATH, or the package that provides it."""
    found = shutil.which(program)
    if found:
        return _ok("program", program=program, path=found)
    return _bad("program", program=program, package=package, purpose=purpose, install=f"{APT} {package}")


def check_library(name: str, package: str, purpose: str) -> Finding:
    if ctypes.util.find_library(name):
        return _ok("library", library=name)
    return _bad("library", library=name, package=package, purpose=purpose, install=f"{APT} {package}")


def check_harfbuzz_subset() -> Finding:
    from ..paper.render import harfbuzz

    if harfbuzz.available():
        return _ok("library", library="harfbuzz-subset")
    return _bad("library", library="harfbuzz-subset", package="libharfbuzz-subset0", purpose="doctor-purpose-subset",
                install=f"{APT} libharfbuzz-subset0")


def check_cjk_font() -> Finding:
    from ..paper.render.fonts import PACKAGE, cjk_families

    families = cjk_families()
    if families:
        return _ok("font", families=", ".join(families[:3]))
    return _bad("font", install=f"{APT} {PACKAGE}")


def check_identity(root: Path) -> Finding:
    """The person acting is their git user.email, which people.yaml must list."""
    from ..git import gitrepo
    from ..archive.config import open_archive

    email = gitrepo.config_value("user.email", root)
    if not email:
        return _bad("email-missing")
    person = open_archive(root).person_by_email(email)
    if person is None:
        return _bad("email-unknown", email=email)
    return _ok("identity", email=email, person=f"{person.name} ({person.id})", roles=", ".join(person.roles))


def private_keys(root: Path | None) -> Iterator[tuple[str, Path]]:
    """The private keys the tool uses: the identity that decrypts ($DOSSIER_IDENTITY, else
    ~/.ssh/id_ed25519) and git's user.signingkey when it names a file (approvals)."""
    from ..access.crypto import DEFAULT_IDENTITY, IDENTITY_ENV

    yield "decrypt", Path(os.path.expanduser(os.environ.get(IDENTITY_ENV) or DEFAULT_IDENTITY))
    if root is not None:
        from ..git import gitrepo

        signing = gitrepo.config_value("user.signingkey", root)
        if signing and not signing.startswith(("ssh-", "key::")):
            path = Path(os.path.expanduser(signing))
            # git accepts the public key's file for signing and uses the private key beside it
            yield "sign", path.with_suffix("") if path.suffix == ".pub" else path


def check_key_mode(use: str, path: Path) -> Finding:
    """ssh refuses a private key others can read ("UNPROTECTED PRIVATE KEY FILE"): so must we."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return _bad(f"key-missing-{use}", file=str(path))
    if mode & 0o077:
        return _bad("key-mode", file=str(path), mode=f"{mode:04o}", install=f"chmod 600 {path}")
    if use == "decrypt":
        from ..access.crypto import load_identity
        from ..archive.errors import DossierError

        try:
            load_identity(str(path))
        except DossierError as exc:  # a passphrase, or not an ed25519 private key: its own advice
            return Finding("doctor-bad-key-unusable", {"error": exc})
    return _ok("key", file=str(path))


def check_hooks(root: Path) -> Finding:
    from ..git import gitrepo
    from ..record.hooks import MARK

    if not gitrepo.is_repository(root):
        return Finding("doctor-note-hooks-no-repo", {"root": str(root)})
    hooks = (root / gitrepo.run(["rev-parse", "--git-path", "hooks"], root).stdout.strip()).resolve()
    missing = [name for name in ("pre-commit", "commit-msg") if not _ours(hooks / name, MARK)]
    if missing:
        return _bad("hooks", hooks=", ".join(missing), install="dossier install-hooks")
    return _ok("hooks", folder=str(hooks))


def _ours(hook: Path, mark: str) -> bool:
    try:
        return os.access(hook, os.X_OK) and mark in hook.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


MACHINE_CHECKS: tuple[Callable[[], Finding], ...] = (
    check_python,
    check_git,
    lambda: check_program("ssh-keygen", "openssh-client", "doctor-purpose-sign"),
    lambda: check_library("pango-1.0", "libpango-1.0-0", "doctor-purpose-render"),
    check_harfbuzz_subset,
    check_cjk_font,
    lambda: check_program("pdftotext", "poppler-utils", "doctor-purpose-readback"),
    lambda: check_program("pdftoppm", "poppler-utils", "doctor-purpose-readback"),
    lambda: check_program("gs", "ghostscript", "doctor-purpose-pdfa"),
)


def examine(root: Path | None) -> list[Finding]:
    """Every check; those of the person and the archive only when there is an archive (`root`)."""
    findings = [check() for check in MACHINE_CHECKS]
    if root is None:
        return [*findings, Finding("doctor-note-no-archive")]
    from ..archive.errors import DossierError

    try:
        findings.append(check_identity(root))
    except DossierError as exc:  # people.yaml or archive.yaml cannot be read: where, and what to do
        findings.append(Finding("doctor-bad-archive", {"error": exc}))
    findings += [check_key_mode(use, path) for use, path in private_keys(root)]
    findings.append(check_hooks(root))
    return findings
