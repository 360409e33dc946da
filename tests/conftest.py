"""Shared fixtures: real archives in temporary folders, and the CLI run in-process."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from dossier.cli.main import main

# The render cache lives in the user's cache folder (render/cache.py): the tests' goes to a
# folder of their own, never into the home of whoever runs them, removed when the process ends
# (a run's rendered pages, up to a gigabyte, were left behind: a day's runs filled a shared disk).
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="dossier-tests-cache-")
atexit.register(shutil.rmtree, os.environ["XDG_CACHE_HOME"], ignore_errors=True)

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "archive"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
TODAY = "2026-11-23"
SEES_ALL = "li.na@example.cn"  # the fixtures' sales manager: read commands show her everything
SAMPLE_SEES_ALL = "li.na@longcheng-club.cn"  # the same in the sample archive


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def run(capsys, monkeypatch, tmp_path_factory):
    """Run `dossier ARGS…` in-process, as a user would, with a fixed date; the person acting is the
    fixtures' sales manager unless the archive's repository sets its own user.email."""
    monkeypatch.setenv("DOSSIER_TODAY", TODAY)
    monkeypatch.delenv("DOSSIER_ARCHIVE", raising=False)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(identity_file(tmp_path_factory.mktemp("identity"), SEES_ALL)))

    def invoke(*args: str) -> Result:
        capsys.readouterr()
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke


def identity_file(folder: Path, email: str) -> Path:
    """A git config file naming the user (for GIT_CONFIG_GLOBAL)."""
    path = folder / "gitconfig"
    path.write_text(f"[user]\n\temail = {email}\n\tname = {email.split('@')[0]}\n", encoding="utf-8")
    return path


def act_as(monkeypatch, email: str) -> None:
    """The person acting is `email`, whatever any repository's own configuration says."""
    monkeypatch.setenv("GIT_CONFIG_COUNT", "1")
    monkeypatch.setenv("GIT_CONFIG_KEY_0", "user.email")
    monkeypatch.setenv("GIT_CONFIG_VALUE_0", email)


def copy_archive(source: Path, target: Path) -> Path:
    """A mini-archive from tests/fixtures with the real schemas of the sample archive."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".dossier"))
    if not (target / "schemas").exists():
        shutil.copytree(SAMPLE / "schemas", target / "schemas")
    return target


@pytest.fixture
def base_archive(tmp_path) -> Path:
    """The small clean archive every rule scenario starts from."""
    return copy_archive(FIXTURES / "base", tmp_path / "archive")


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def init_repo(path: Path, email: str) -> None:
    """Make `path` a real git repository whose user is `email`, with everything committed."""
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.email", email)
    git(path, "config", "user.name", email.split("@")[0])
    git(path, "config", "commit.gpgsign", "false")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "Initial archive")
