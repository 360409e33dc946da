"""The console script: an item's git walk started before the command line loads, taken over by
`dossier history`, stopped unused otherwise; and the script run as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys

import click
import pytest

from dossier.git import gitwalk
from dossier.cli.main import cli
from dossier.record.history import item_history
from dossier.cli.launch import GLOBAL_VALUE_OPTIONS, history_request
from test_history import CODE, OTHER, story  # noqa: F401 - the story fixture

ROOT = "/srv/archive"


@pytest.mark.parametrize("args, expected", [
    (["history", CODE], (None, CODE)),
    (["--archive", ROOT, "history", CODE], (ROOT, CODE)),
    ([f"--archive={ROOT}", "--lang", "zh", "history", CODE], (ROOT, CODE)),
    (["history", "--format", "json", CODE, "--lang", "en"], (None, CODE)),
    (["history", "--lang=en", CODE], (None, CODE)),
])
def test_a_history_request_is_recognised_in_any_order_of_its_options(args, expected):
    assert history_request(args) == expected


@pytest.mark.parametrize("args", [
    [], ["history"], ["history", "nonsense"], ["show", CODE], ["log", "--customer", CODE],
    ["--archive"], ["--archive", ROOT], ["--version", "history", CODE], ["-h", "history", CODE],
    ["--help"], ["render", "volume", "history", CODE], ["--archive", "history", CODE],
])
def test_anything_else_starts_nothing(args):
    assert history_request(args) is None


def test_the_options_skipped_are_the_groups_options_that_take_a_value():
    taking_a_value = {name for param in cli.params if isinstance(param, click.Option) and not param.is_flag
                      for name in param.opts}
    assert set(GLOBAL_VALUE_OPTIONS) == taking_a_value


def _started(root, code: str) -> gitwalk.Walk:
    path = f"records/3/2025/{code}.yaml"
    gitwalk.start_item_walk(str(root), path)
    return gitwalk._ahead[(str(root), path)]


def _reaped(walk: gitwalk.Walk) -> bool:
    """Every process of the walk has ended and been waited for (none left as a zombie)."""
    for process in walk._all:
        try:
            os.waitpid(process._pid, os.WNOHANG)
        except ChildProcessError:
            continue
        return False
    return True


def test_history_takes_over_the_walk_started_for_it(story):  # noqa: F811
    root, _ = story
    walk = _started(root, CODE)
    ahead = item_history(root, CODE)
    assert not gitwalk._ahead and _reaped(walk)
    assert [c.to_json() for c in ahead] == [c.to_json() for c in item_history(root, CODE)]
    assert [c.action for c in ahead] == ["added", "modified", "deleted", "restored"]


def test_a_walk_for_another_item_is_not_taken_and_is_stopped_unused(story):  # noqa: F811
    root, _ = story
    walk = _started(root, OTHER)
    try:
        assert [c.code for c in item_history(root, CODE)] == [CODE] * 4
        assert list(gitwalk._ahead) == [(str(root), f"records/3/2025/{OTHER}.yaml")]
    finally:
        gitwalk.stop_unused()
    assert not gitwalk._ahead and _reaped(walk)


def test_a_walk_that_cannot_start_is_left_for_history_to_report(story, monkeypatch):  # noqa: F811
    root, _ = story
    monkeypatch.setenv("PATH", "/nonexistent")  # no git
    gitwalk.start_item_walk(str(root), f"records/3/2025/{CODE}.yaml")
    assert not gitwalk._ahead


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
