"""The console script (cli/launch.py), run as a user runs it: the same output as the command line
in process, and a message, not a traceback, for what it cannot do."""

from __future__ import annotations

import os
import subprocess
import sys

from test_history import CODE, story  # noqa: F401 - the story fixture


def _script(*args: str) -> subprocess.CompletedProcess:
    """`dossier ARGS…` as its own process, through the console script's entry (launch.run)."""
    return subprocess.run([sys.executable, "-m", "dossier", *map(str, args)], capture_output=True, text=True,
                          env={k: v for k, v in os.environ.items() if k != "DOSSIER_DEBUG"})


def test_the_script_shows_what_the_command_line_shows(story, run):  # noqa: F811
    root, _ = story
    for args in (["--archive", root, "history", CODE, "--lang", "en"],
                 [f"--archive={root}", "history", "--format", "json", CODE],
                 ["--archive", root, "--lang", "zh", "log"]):
        script, in_process = _script(*args), run(*args)
        assert (script.returncode, script.stdout, script.stderr) == (in_process.code, in_process.out, in_process.err)
        assert script.returncode == 0 and CODE in script.stdout


def test_the_script_reports_what_it_could_not_start(story, run, tmp_path):  # noqa: F811
    root, _ = story
    unknown = _script("--archive", root, "history", "3-2025-S02-0099", "--lang", "en")
    assert unknown.returncode == 1 and "3-2025-S02-0099" in unknown.stderr
    nowhere = _script("--archive", tmp_path / "none", "history", CODE, "--lang", "en")
    assert nowhere.returncode == 2 and "archive.yaml" in nowhere.stderr
    assert "Traceback" not in unknown.stderr + nowhere.stderr
