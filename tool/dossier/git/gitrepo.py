"""The layer through which the tool runs git (gitwalk.py starts the modification record's
long walks, without subprocess, for the same reason it keeps its imports light).

Inherited GIT_* variables are cleared first (gitwalk.environment, as pre-commit does), so the
tool behaves the same inside a hook, where git sets GIT_DIR and GIT_INDEX_FILE, and outside it.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from .gitwalk import environment
from .gitwalk import said as _said


def run(args: list[str], cwd: Path, check: bool = True, input: str | None = None,
        extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """git `args` in `cwd`; `extra_env` sets variables on top (a temporary index: GIT_INDEX_FILE)."""
    env = {**environment(), **extra_env} if extra_env else environment()
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=check, input=input)


def output(args: list[str], cwd: Path, failure_key: str, input: str | None = None,
           extra_env: dict[str, str] | None = None) -> str:
    """git's standard output; a failure becomes DossierError(failure_key) naming the git command
    (past any `-c key=value`) and what git said."""
    from ..archive.errors import DossierError

    result = run(args, cwd, check=False, input=input, extra_env=extra_env)
    if result.returncode != 0:
        step = next(arg for arg, before in zip(args, ["", *args]) if arg != "-c" and before != "-c")
        raise DossierError(failure_key, step=step, detail=said(result))
    return result.stdout


def said(result: subprocess.CompletedProcess) -> str:
    """What a failed git command said, on one line and short (gitwalk.said)."""
    return _said(result.stderr or result.stdout)


def is_repository(path: Path) -> bool:
    try:
        return run(["rev-parse", "--is-inside-work-tree"], path, check=False).stdout.strip() == "true"
    except FileNotFoundError:  # git itself is not installed
        return False


def config_value(key: str, cwd: Path) -> str | None:
    try:
        result = run(["config", "--get", key], cwd, check=False)
    except FileNotFoundError:
        return None
    value = result.stdout.strip()
    return value or None


def names_ever_added(cwd: Path, glob: str) -> list[str]:
    """Base names of every file matching `glob` (a pathspec glob relative to cwd) that
    was ever added on any branch: deleted and purged items included."""
    if not is_repository(cwd):
        return []
    result = run(["log", "--all", "--format=", "--name-only", "--diff-filter=A", "--", f":(glob){glob}"], cwd,
                 check=False)
    return [line.rsplit("/", 1)[-1] for line in result.stdout.splitlines() if line]


def blob(root: Path, rev: str, rel: str) -> bytes | None:
    """The bytes of archive-relative `rel` in commit `rev` (in the index for rev ""), exactly as
    stored; None if it is not there."""
    result = subprocess.run(["git", "cat-file", "blob", f"{rev}:./{rel}"], cwd=root, env=environment(),
                            capture_output=True)
    return result.stdout if result.returncode == 0 else None
