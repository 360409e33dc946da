"""Git hooks that make git enforce the regulation: installing them, and the client side.

Client side (installed by `dossier init` / `dossier install-hooks`):
  pre-commit  validates the staged archive files (regulation/staged_check.py) and refuses
              outputs that hold decrypted values (outputs.py);
  commit-msg  refuses a commit that modifies or deletes a filed item without `Reason:`.
The server side (pre-receive, post-receive) is server_hooks.py. All of them judge with the one
change-control policy (policy.py). A hook runs on every commit: this module imports what a
commit whose message gives a reason needs, and the record only when it does not.
"""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..git import gitrepo
from ..archive.errors import DossierError
from ..archive.fsutil import atomic_write_text
from ..archive.hidden_text import visible

if TYPE_CHECKING:
    from .approvals import ArchiveHistory

MARK = "# installed by dossier"
LEGACY = ".legacy"


def hook_script(arguments: str, reads_input: bool = False) -> str:
    """The hook: one that was there before dossier's (kept as <name>.legacy) runs first, with the
    same arguments and, for a hook that reads its input (pre-receive), the same input; if it
    refuses, the refusal stands."""
    command = f'{shlex.quote(sys.executable)} -m dossier {arguments} "$@"'
    if reads_input:
        return (f"#!/bin/sh\n{MARK}\ninput=$(cat)\n"
                f'if [ -x "$0{LEGACY}" ]; then printf \'%s\\n\' "$input" | "$0{LEGACY}" "$@" || exit $?; fi\n'
                f"printf '%s\\n' \"$input\" | {command}\n")
    return (f"#!/bin/sh\n{MARK}\n"
            f'if [ -x "$0{LEGACY}" ]; then "$0{LEGACY}" "$@" || exit $?; fi\n'
            f"exec {command}\n")


def install(hooks_dir: Path, name: str, arguments: str, reads_input: bool = False) -> Path:
    """Write dossier's hook `name`. A hook of someone else's found there is kept, as
    <name>.legacy, and runs first (as pre-commit, the framework, does)."""
    path = hooks_dir / name
    legacy = legacy_of(path)
    if path.exists() and MARK not in path.read_text(encoding="utf-8", errors="replace"):
        if legacy.exists():
            raise DossierError("hook-legacy-exists", hook=str(path), legacy=legacy.name)
        os.replace(path, legacy)
    atomic_write_text(path, hook_script(arguments, reads_input))
    path.chmod(0o755)
    return path


def legacy_of(hook: Path) -> Path:
    """Where the hook that was there before dossier's is kept."""
    return hook.with_name(hook.name + LEGACY)


def install_client_hooks(archive_root: Path) -> list[Path]:
    hooks_dir = (archive_root / gitrepo.run(["rev-parse", "--git-path", "hooks"], archive_root).stdout.strip()).resolve()
    archive = shlex.quote(str(archive_root.resolve()))
    return [install(hooks_dir, name, f"--archive {archive} hook {name}") for name in ("pre-commit", "commit-msg")]


def staged_changes(history: ArchiveHistory) -> list[tuple[str, str]]:
    spec = f":(top){history.prefix}"
    out = gitrepo.run(["-c", "core.quotePath=false", "diff", "--cached", "--no-renames", "--name-status", "HEAD", "--", spec], history.cwd,
                      check=False).stdout
    changes = []
    for line in out.splitlines():
        status, _, path = line.partition("\t")
        if path.startswith(history.prefix):
            changes.append((status[0], path[len(history.prefix):]))
    return changes


def has_reason(message_file: Path, cwd: Path) -> bool:
    """The message has a `Reason:` trailer holding visible text (not only spaces or zero-width
    characters)."""
    trailers = gitrepo.run(["interpret-trailers", "--parse", str(message_file)], cwd).stdout
    return any(line.split(":", 1)[0].strip().lower() == "reason" and visible(line.split(":", 1)[1])
               for line in trailers.splitlines() if ":" in line)


def filed_paths_without_reason(archive_root: Path, message_file: Path) -> list[str]:
    """commit-msg: the paths whose change needs a reason (policy.needs), if the message gives none."""
    if has_reason(message_file, archive_root):
        return []  # whatever the commit changes, its reason is given
    if not gitrepo.run(["rev-parse", "--verify", "-q", "HEAD"], archive_root, check=False).stdout:
        return []  # the first commit only adds
    if gitrepo.run(["rev-parse", "--verify", "-q", "MERGE_HEAD"], archive_root, check=False).stdout:
        return []  # a merge is the approval; the reasons are in the commits it brings (verify checks them)
    from . import policy  # the record and the policy: only for a message without a reason
    from .approvals import ArchiveHistory

    with ArchiveHistory.of_work_tree(archive_root) as history:
        return [need.path for need in policy.needs(history.blob, "HEAD", staged_changes(history)) if need.reason]
