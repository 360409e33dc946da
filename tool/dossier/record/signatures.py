"""Reading the SSH signatures of commits 审批签名 (git's %G? with an allowed-signers file).

git hands the checking to ssh-keygen. Without a working ssh-keygen every signature reads as
bad (%G? = B), which would report a valid approval as a forgery, so before any signature is
read one known-good signature is checked: if that fails, the answer is "cannot check
signatures: install openssh-client" (exit 2), never a verdict on the commits.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..git import gitrepo
from ..archive.errors import DossierError

_RS, _US = "\x1e", "\x1f"
# a signature of b"dossier" in namespace "git" by a throwaway key made for this check only
_PROBE_MESSAGE = b"dossier"
_PROBE_SIGNATURE = """-----BEGIN SSH SIGNATURE-----
U1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAgz3ecWW05+6ZZG+5QpwiBweSZIn
zx3gyHDsgmzN4hdkQAAAADZ2l0AAAAAAAAAAZzaGE1MTIAAABTAAAAC3NzaC1lZDI1NTE5
AAAAQL4LU8xw7wxV9B3HPoxOI6m/S6119vVKbaGQY93fgAKlxQd9bBw5iwtODk+WK8Aris
kYgI6MxkMZ1sqPqCzsdgA=
-----END SSH SIGNATURE-----
"""


class SignaturesUnavailable(DossierError):
    """ssh-keygen is missing or does not work: a problem of the machine, not of the archive."""

    exit_code = 2


@dataclass(frozen=True)
class Signature:
    letter: str  # git's %G?: G good and listed, U good but the key is listed for no one, B bad, N none
    principal: str  # the e-mail the allowed-signers file gives the key ("" if none)
    key: str  # the key's fingerprint


_checked: set[str] = set()


def require_ssh_keygen(cwd: Path) -> None:
    """Check one known-good signature with the program git will use (gpg.ssh.program, else
    ssh-keygen); raise SignaturesUnavailable if it cannot."""
    program = gitrepo.config_value("gpg.ssh.program", cwd) or "ssh-keygen"
    if program in _checked:
        return
    with tempfile.NamedTemporaryFile("w", suffix=".sig", delete=False) as handle:
        handle.write(_PROBE_SIGNATURE)
    try:
        result = subprocess.run([program, "-Y", "check-novalidate", "-n", "git", "-s", handle.name],
                                input=_PROBE_MESSAGE, capture_output=True, env=gitrepo.environment())
        failure = None if result.returncode == 0 else gitrepo.said(subprocess.CompletedProcess(
            result.args, result.returncode, result.stdout.decode("utf-8", "replace"),
            result.stderr.decode("utf-8", "replace")))
    except OSError as exc:
        failure = f"{program}: {exc.strerror}"
    finally:
        Path(handle.name).unlink(missing_ok=True)
    if failure is not None:
        raise SignaturesUnavailable("signatures-unavailable", program=program, detail=failure)
    _checked.add(program)


def of_commits(cwd: Path, commits: list[tuple[str, Path]]) -> dict[str, Signature]:
    """The signature of each (commit, allowed-signers file), one git query per file."""
    if not commits:
        return {}
    require_ssh_keygen(cwd)
    by_file: dict[Path, list[str]] = {}
    for sha, signers in commits:
        by_file.setdefault(signers, []).append(sha)
    found = {}
    for signers, shas in by_file.items():
        out = gitrepo.output(["-c", f"gpg.ssh.allowedSignersFile={signers}", "log", "--no-walk=unsorted", "--stdin",
                              f"--format={_RS}%H{_US}%G?{_US}%GS{_US}%GF"], cwd, "history-read-failed",
                             input="\n".join(shas) + "\n")
        for chunk in out.split(_RS):
            if chunk.strip():
                sha, letter, principal, key = chunk.strip("\n").split(_US)
                found[sha] = Signature(letter or "N", principal.strip().lower(), key.strip())
    return found
