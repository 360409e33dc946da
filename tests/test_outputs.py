"""Decrypted data never lands where git can take it (issue 13 point 1), and --output names a
file or a folder by its extension (issue 15 point 5).

Attacks, in real git repositories: an export run inside the archive with the default output,
into a sub-folder, through a symbolic link pointing into the archive, into another repository
that would track it; then a sheet copied into the archive by hand and `git add -A` / `git add
-f` with the pre-commit hook installed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

import openpyxl
import pytest

from conftest import REPO, SAMPLE, SEES_ALL, act_as, git, init_repo
from dossier.record.outputs import OUTPUT_SUFFIXES

GITIGNORE = REPO / "tool/dossier/defaults/gitignore"


@pytest.fixture
def repo(base_archive, run, monkeypatch):
    """The base archive in git with init's .gitignore and the client hooks; the sales manager acts."""
    (base_archive / ".gitignore").write_bytes(GITIGNORE.read_bytes())
    init_repo(base_archive, SEES_ALL)
    assert run("--archive", base_archive, "install-hooks").code == 0
    act_as(monkeypatch, SEES_ALL)
    return base_archive


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
            if p.is_file() and ".git" not in p.parts}


def commit(repo: Path, *add: str) -> subprocess.CompletedProcess:
    git(repo, "add", *add)
    return subprocess.run(["git", "commit", "-q", "-m", "add"], cwd=repo, capture_output=True, text=True)


# --- outputs refuse the archive's work tree ----------------------------------------------------


def test_an_export_run_in_the_archive_writes_nothing_the_hook_would_let_in(repo, run, monkeypatch):
    monkeypatch.chdir(repo / "customers")  # the default --output is "."
    before = files(repo)
    result = run("export", "customers", "--lang", "en")
    assert result.code == 2, result.out + result.err
    assert "is inside the archive's work tree" in result.err and "decrypted values" in result.err
    assert files(repo) == before and git(repo, "status", "--porcelain") == ""
    zh = run("export", "customers", "--lang", "zh")
    assert zh.code == 2 and "位于档案工作目录" in zh.err


@pytest.mark.parametrize("command", [
    ["export", "customers", "--output", "{archive}/exports"],
    ["export", "items", "--format", "csv", "--output", "{archive}/records/c.csv"],
    ["render", "catalogue", "--output", "{archive}"],
    ["render", "volume", "3", "2025", "--output", "{archive}/volumes/v.pdf"],
    ["report", "monthly", "--period", "2025-06", "--output", "{archive}/reports"],
    ["report", "credit", "--period", "2025-06", "--format", "xlsx", "--output", "{link}/c.xlsx"],
    ["handover", "3", "2025", "--output", "{link}/package"],
])
def test_every_output_holding_decrypted_values_refuses_the_archive(repo, run, tmp_path, command):
    link = tmp_path / "looks-outside"
    link.symlink_to(repo / "daily")  # a link leading into the archive is followed first
    before = files(repo)
    args = [part.format(archive=repo, link=link) for part in command]
    result = run("--archive", repo, *args, "--lang", "en")
    assert result.code == 2, result.out + result.err
    assert "inside the archive's work tree" in result.err and "internal error" not in result.err
    assert files(repo) == before


def test_a_folder_another_repository_would_track_is_refused_and_an_ignored_one_taken(repo, run, tmp_path):
    other = tmp_path / "project"
    other.mkdir()
    git(other, "init", "-q")
    result = run("--archive", repo, "export", "customers", "--output", other / "sheets", "--lang", "en")
    assert result.code == 2 and f"inside the git work tree {other.resolve()}, which would track it" in result.err
    (other / ".gitignore").write_text("sheets/\n*.csv\n")
    assert run("--archive", repo, "export", "customers", "--output", other / "sheets").code == 0
    assert run("--archive", repo, "export", "customers", "--output", other / "c.csv").code == 0
    assert (other / "sheets/客户管理表.xlsx").is_file() and (other / "c.csv").is_file()
    assert git(other, "status", "--porcelain") == "?? .gitignore\n"


# --- --output: a file by its extension, else a folder ---------------------------------------------


def test_output_with_the_extension_is_the_file_itself(repo, run, tmp_path):
    out = tmp_path / "out"
    assert run("--archive", repo, "export", "customers", "--output", out / "c.xlsx").code == 0
    assert (out / "c.xlsx").is_file() and openpyxl.load_workbook(out / "c.xlsx").active.title == "客户管理表"
    assert run("--archive", repo, "export", "customers", "--output", out / "c.csv").code == 0
    assert (out / "c.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # the format follows the name
    assert run("--archive", repo, "export", "customers", "--output", out / "sheets").code == 0
    assert (out / "sheets/客户管理表.xlsx").is_file()
    mismatch = run("--archive", repo, "export", "customers", "--format", "csv", "--output", out / "d.xlsx",
                   "--lang", "en")
    assert mismatch.code == 2 and "does not end in .csv" in mismatch.err and not (out / "d.xlsx").exists()
    (out / "notes.txt").write_text("mine")
    taken = run("--archive", repo, "export", "customers", "--output", out / "notes.txt", "--lang", "en")
    assert taken.code == 2 and "is a file: name a folder, or a file ending in .xlsx, .csv" in taken.err
    assert (out / "notes.txt").read_text() == "mine"


def test_catalogue_report_and_volume_take_a_file_name(repo, run, tmp_path):
    out = tmp_path / "out"
    assert run("--archive", repo, "render", "catalogue", "--output", out / "目录.csv").code == 0
    assert [p.name for p in out.iterdir()] == ["目录.csv"]
    assert run("--archive", repo, "report", "monthly", "--period", "2025-06", "--output", out / "m.xlsx").code == 0
    assert openpyxl.load_workbook(out / "m.xlsx")
    result = run("--archive", repo, "render", "volume", "5", "2025", "--output", out / "卷.pdf")
    assert result.code == 0, result.out + result.err
    assert (out / "卷.pdf").read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in out.iterdir()) == ["m.xlsx", "卷.pdf", "目录.csv"]


# --- what git may take in: .gitignore and the pre-commit hook --------------------------------------


def test_init_and_the_sample_ignore_every_output_and_keep_attachments():
    text = GITIGNORE.read_text("utf-8")
    assert (SAMPLE / ".gitignore").read_bytes() == GITIGNORE.read_bytes()
    assert {f"*{suffix}" for suffix in OUTPUT_SUFFIXES} <= set(text.splitlines())
    tracked_pdfs = subprocess.run(["git", "ls-files", "-ci", "--exclude-standard"], cwd=SAMPLE, text=True,
                                  capture_output=True).stdout
    assert tracked_pdfs == ""  # the sample's attached scans are not ignored


def test_a_sheet_in_the_archive_is_ignored_and_refused_by_the_hook_even_forced(repo, run, tmp_path):
    sheet = tmp_path / "客户管理表.xlsx"
    assert run("--archive", repo, "export", "customers", "--output", sheet).code == 0
    placed = ("客户管理表.xlsx", "customers/客户管理表.xlsx", "records/3/2025/客户管理表.xlsx", "report.pdf",
              "daily/page.html", "records/3/2025/report.pdf")
    for where in placed:
        (repo / where).parent.mkdir(parents=True, exist_ok=True)
        (repo / where).write_bytes(sheet.read_bytes())
    # all ignored but a PDF beside items (where scans are attached), which the hook refuses
    assert git(repo, "status", "--porcelain") == "?? records/3/2025/report.pdf\n"
    refused = commit(repo, "-A")
    assert refused.returncode == 1 and "records/3/2025/report.pdf:0:0: output-file" in refused.stderr
    refused = commit(repo, "-f", ".")
    assert refused.returncode == 1, refused.stderr
    for where in placed:
        assert f"{where}:0:0: output-file: {where} is a sheet, PDF, web page or other output" in refused.stderr
    assert "add" not in git(repo, "log", "--format=%s")


def test_a_scan_an_item_names_is_committed_and_one_it_does_not_is_refused(repo, tmp_path):
    git(repo, "reset", "-q")
    folder = repo / "records/1/2025"
    scan = b"%PDF-1.4 scanned contract"
    (folder / "1-2025-S02-0001.contract.pdf").write_bytes(scan)
    (folder / "stray.pdf").write_bytes(scan)
    item = folder / "1-2025-S02-0001.yaml"
    digest = hashlib.sha256(scan).hexdigest()
    item.write_text(item.read_text("utf-8").replace(
        "title: 签字页扫描件}", f"title: 签字页扫描件}}\n  - {{file: 1-2025-S02-0001.contract.pdf, sha256: {digest}, "
                           "pages: 1, title: 合同扫描件}"), "utf-8")
    refused = commit(repo, "-A")
    assert refused.returncode == 1 and "records/1/2025/stray.pdf:0:0: output-file" in refused.stderr
    assert "contract.pdf:0:0" not in refused.stderr
    os.unlink(folder / "stray.pdf")
    git(repo, "rm", "-q", "--cached", "records/1/2025/stray.pdf")
    taken = subprocess.run(["git", "commit", "-q", "-m", "Attach the contract scan\n\nReason: 补充合同扫描件"], cwd=repo,
                           capture_output=True, text=True)
    assert taken.returncode == 0, taken.stderr
    assert "records/1/2025/1-2025-S02-0001.contract.pdf" in git(repo, "ls-files")
