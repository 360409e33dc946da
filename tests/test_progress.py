"""Long work shows its progress on a terminal (stderr, a pseudo-terminal here) and nowhere else: not
into a pipe, a file or a hook's output, and not with --quiet."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys

import pytest

from conftest import SEES_ALL, init_repo
from dossier.cli.main import Session, TerminalProgress
from dossier.archive.progress import showing, track

COMMANDS = {
    "validate": (("validate", "--no-cache", "--jobs", "1"), "checking files ["),
    "index": (("index", "rebuild"), "reading files into the index ["),
    "report": (("report", "monthly", "--period", "2025-09", "--format", "html", "--output", "{out}"), "reading records ["),
    "export": (("export", "customers", "--format", "csv", "--output", "{out}"), "writing rows ["),
}


def dossier(archive, args, on_terminal: bool) -> tuple[int, str]:
    """Run dossier as a process with stderr on a pseudo-terminal (or a pipe); (exit status, stderr)."""
    env = {**os.environ, "DOSSIER_PROGRESS_DELAY": "0", "DOSSIER_TODAY": "2026-11-23"}
    out = archive.parent / "out"  # what reports and exports write goes outside the archive's work tree
    args = [arg.format(out=out) for arg in args]
    command = [sys.executable, "-m", "dossier", "--archive", str(archive), *args, "--lang", "en"]
    if not on_terminal:
        done = subprocess.run(command, cwd=archive, env=env, capture_output=True, text=True)
        return done.returncode, done.stderr
    leader, follower = pty.openpty()
    process = subprocess.Popen(command, cwd=archive, env=env, stdout=subprocess.DEVNULL, stderr=follower)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed: the process is done
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return process.wait(), b"".join(chunks).decode("utf-8", "replace")


@pytest.fixture
def repo(base_archive):
    init_repo(base_archive, SEES_ALL)
    return base_archive


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_progress_shows_on_a_terminal_and_is_cleared(repo, name):
    args, shown = COMMANDS[name]
    code, err = dossier(repo, args, on_terminal=True)
    assert code == 0, err
    assert shown in err and err.endswith("\r\x1b[K"), repr(err)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_no_progress_into_a_pipe_nor_with_quiet(repo, name):
    args, shown = COMMANDS[name]
    code, err = dossier(repo, args, on_terminal=False)
    assert code == 0 and "[" not in err.replace("[OPTIONS]", ""), err
    code, err = dossier(repo, ("--quiet", *args), on_terminal=True)
    assert code == 0 and shown not in err and "\r" not in err, repr(err)


def test_the_line_waits_for_the_delay_and_is_throttled(monkeypatch):
    monkeypatch.setenv("DOSSIER_PROGRESS_DELAY", "3600")
    stream = io.StringIO()
    with showing(TerminalProgress(Session(None, "zh"), stream)):
        assert list(track(range(1000), 1000, "progress-validate")) == list(range(1000))
    assert stream.getvalue() == ""  # a quick run never draws (nor clears) a line
    monkeypatch.setenv("DOSSIER_PROGRESS_DELAY", "0")
    stream = io.StringIO()
    with showing(TerminalProgress(Session(None, "zh"), stream)):
        list(track(range(1000), 1000, "progress-validate"))
    drawn = stream.getvalue()
    assert drawn.startswith("\r正在检查文件 [") and drawn.endswith("\r\x1b[K")
    assert drawn.count("\r正在检查文件") < 20  # at most ten a second, not one per item


def test_without_a_sink_tracking_prints_nothing(capsys):
    assert list(track(iter([1, 2, 3]), 3, "progress-render")) == [1, 2, 3]
    assert capsys.readouterr() == ("", "")
