"""`dossier doctor`, run as a user runs it (a real process, a real PATH, a real clone): every problem is
named with its fix, and exit 1 while any is left; exit 0 once each fix is applied."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, SAMPLE, git

IDENTITIES = REPO / "samples" / "identities"
TOOLS = ("git", "fc-list", "pdftotext", "pdftoppm", "ssh-keygen", "gs")


def machine(tmp_path: Path, without: tuple[str, ...] = ()) -> dict:
    """An environment whose PATH holds the tools dossier uses, less `without`, and a home of its own."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in TOOLS:
        found = shutil.which(tool)
        if tool not in without and found:
            (bin_dir / tool).symlink_to(found)
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    env = {key: value for key, value in os.environ.items() if not key.startswith(("GIT_", "DOSSIER_"))}
    return {**env, "PATH": str(bin_dir), "HOME": str(home), "LANG": "C.UTF-8"}


def doctor(cwd: Path, env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dossier", *args, "doctor"], cwd=cwd, env=env,
                          capture_output=True, text=True)


@pytest.fixture
def clone(tmp_path) -> Path:
    """A clone of the sample archive whose user is the customer manager wang.wei, hooks installed, key in place."""
    root = tmp_path / "clone"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".dossier"))
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "wang.wei@longcheng-club.cn")
    return root


def ready(clone: Path, env: dict) -> None:
    key = Path(env["HOME"]) / ".ssh" / "id_ed25519"
    shutil.copy(IDENTITIES / "wang.wei", key)
    key.chmod(0o600)
    subprocess.run([sys.executable, "-m", "dossier", "install-hooks"], cwd=clone, env=env, check=True,
                   capture_output=True)


def test_without_ssh_keygen_doctor_names_it_and_the_package(tmp_path, clone):
    env = machine(tmp_path, without=("ssh-keygen",))
    ready(clone, env)
    result = doctor(clone, env, "--lang", "en")
    assert result.returncode == 1, result.stdout + result.stderr
    problems = [line for line in result.stdout.splitlines() if line.startswith("!! ")]
    assert len(problems) == 1, result.stdout
    assert "ssh-keygen" in problems[0] and "openssh-client" in problems[0]
    assert "sudo apt-get install openssh-client" in problems[0]
    assert "1 problem(s)" in result.stdout
    zh = doctor(clone, env)  # the sample archive is Chinese: so is doctor, under C.UTF-8
    assert "找不到 ssh-keygen" in zh.stdout and "openssh-client" in zh.stdout


def test_a_ready_machine_and_clone_pass(tmp_path, clone):
    env = machine(tmp_path)
    ready(clone, env)
    result = doctor(clone, env, "--lang", "en")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "王伟 (wang.wei)" in result.stdout and "everything dossier needs is in place" in result.stdout


def test_each_problem_of_the_person_and_clone_comes_with_its_fix(tmp_path, clone):
    env = machine(tmp_path)
    key = Path(env["HOME"]) / ".ssh" / "id_ed25519"
    shutil.copy(IDENTITIES / "wang.wei", key)
    key.chmod(0o644)  # readable by others: ssh would refuse it
    git(clone, "config", "user.email", "wangwei@example.cn")  # not in people.yaml
    result = doctor(clone, env, "--lang", "en")
    assert result.returncode == 1
    out = result.stdout
    assert "wangwei@example.cn is not in people.yaml" in out
    assert f"chmod 600 {key}" in out and "mode 0644" in out
    assert "pre-commit, commit-msg" in out and "dossier install-hooks" in out
    assert "3 problem(s)" in out
    # following each fix clears it
    key.chmod(0o600)
    git(clone, "config", "user.email", "wang.wei@longcheng-club.cn")
    subprocess.run([sys.executable, "-m", "dossier", "install-hooks"], cwd=clone, env=env, check=True,
                   capture_output=True)
    assert doctor(clone, env, "--lang", "en").returncode == 0


def test_a_passphrase_key_and_a_missing_signing_key_are_named(tmp_path, clone):
    env = machine(tmp_path)
    ready(clone, env)
    key = Path(env["HOME"]) / ".ssh" / "id_ed25519"
    key.unlink()
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "secret", "-f", str(key)], check=True)
    git(clone, "config", "user.signingkey", str(tmp_path / "gone.pub"))
    out = doctor(clone, env, "--lang", "en").stdout
    assert "protected by a passphrase" in out
    assert f"{tmp_path / 'gone'}, which does not exist" in out


def test_outside_an_archive_the_machine_is_checked_and_the_rest_is_said_skipped(tmp_path):
    env = machine(tmp_path)
    result = doctor(tmp_path, env, "--lang", "en")
    assert result.returncode == 0, result.stdout
    assert "-- no archive found here" in result.stdout


def test_a_broken_people_file_is_reported_where_it_is(tmp_path, clone):
    env = machine(tmp_path)
    ready(clone, env)
    (clone / "people.yaml").write_text("people: [\n", encoding="utf-8")
    result = doctor(clone, env, "--lang", "en")
    assert result.returncode == 1 and "people.yaml:" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
