"""Reports read the facts the index keeps current (issue 18 point 4) and their numbers stay those of
reading the files: a differential test over the sample archive and a generated one with broken,
unusable and misfiled items, every field of what the reports read and of what they compute,
for the general manager, a customer manager (who gets only what they may read), with and
without the key that opens confidential values."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, SAMPLE, SAMPLE_SEES_ALL, SEES_ALL, git, init_repo
from dossier import reports
from dossier.access.rights import policy
from dossier.archive.config import open_archive
from dossier.search.index import FACT_TYPES, Index
from dossier.reports.source import CATEGORY_OF

TODAY = dt.date(2026, 12, 7)
PERIODS = [("monthly", "2025-10"), ("monthly", "2026-06"), ("quarterly", "2025-Q3"), ("quarterly", "2026-Q2"),
           ("credit", "2025-09"), ("credit", "2026-Q1"), ("credit", "2025-H2"), ("credit", "2025"),
           ("annual", "2025"), ("annual", "2026-H1")]
IDENTITIES = REPO / "samples" / "identities"


def both_ways(root: Path, kind: str, text: str, reader=None):
    """(from the files, from the index) of what the report reads and what it computes."""
    period = reports.resolve_period(kind, text, TODAY)
    files = reports.load(kind, root, period, reader=reader, use_index=False)
    indexed = reports.load(kind, root, period, reader=reader)
    return (files, reports.build(kind, files, period)), (indexed, reports.build(kind, indexed, period))


def assert_same(root: Path, reader=None) -> int:
    """Every report over every period the same both ways; how many records they read in all."""
    seen = 0
    for kind, text in PERIODS:
        (files, built_from_files), (indexed, built_from_index) = both_ways(root, kind, text, reader)
        assert indexed == files, (kind, text)  # every field: cards, records, problems, counts, reader
        assert built_from_index == built_from_files, (kind, text)
        seen += indexed.sources
    return seen


def a_customer_manager(root: Path):
    archive = open_archive(root)
    rights = policy(archive, TODAY)
    return next(rights.reader(p) for p in archive.people.values()
                if p.is_customer_manager and not rights.reader(p).sees_all)


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("sample") / "archive"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".dossier"))
    (root / ".gitignore").write_text(".dossier/\n", encoding="utf-8")
    init_repo(root, SEES_ALL)
    with Index(root) as index:
        index.update()
    return root


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """A generated archive of 3,000 items, then spoiled: a sales record's amount no report can use,
    a ledger that is not YAML, a card that is not YAML, a sales record filed under another year."""
    root = tmp_path_factory.mktemp("generated") / "archive"
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "generate_archive.py"), "--items", "3000", str(root)],
                   check=True, capture_output=True)
    sales = [p for p in sorted((root / "records/6/2025").glob("*.yaml")) if "type: sales-record" in p.read_text("utf-8")]
    text = sales[0].read_text(encoding="utf-8")
    amount = text.split("amount: ", 1)[1].split("\n", 1)[0]
    sales[0].write_text(text.replace(f"amount: {amount}", "amount: 12,000 CNY", 1), encoding="utf-8")
    ledger = next(p for p in sorted((root / "records/3/2025").glob("*.yaml")) if "debt-ledger" in p.read_text("utf-8"))
    ledger.write_text("type: debt-ledger\ncontent: [unclosed\n", encoding="utf-8")
    card = sorted((root / "customers").glob("*.yaml"))[1]
    card.write_text(card.read_text(encoding="utf-8") + "  : : [\n", encoding="utf-8")
    (root / "records/6/2026").mkdir(exist_ok=True)
    shutil.move(sales[1], root / "records/6/2026" / sales[1].name)
    with Index(root) as index:  # not a git repository: the index is kept current by a stat of every file
        index.update()
    return root


def test_the_index_holds_the_data_of_every_type_the_reports_read():
    assert set(CATEGORY_OF) == FACT_TYPES


def test_the_sample_archive_reads_the_same_both_ways(sample):
    assert assert_same(sample) > 0


def test_the_sample_archive_with_the_key_that_opens_its_values(sample, monkeypatch):
    monkeypatch.setenv("DOSSIER_IDENTITY", str(IDENTITIES / "zhao.guoqiang"))
    period = reports.resolve_period("credit", "2025", TODAY)
    assert not any(p.key == "report-field-encrypted" for p in reports.load("credit", sample, period).problems)
    assert assert_same(sample) > 0


def test_a_customer_manager_reads_the_same_part_both_ways(sample):
    reader = a_customer_manager(sample)
    period = reports.resolve_period("credit", "2025", TODAY)
    data = reports.load("credit", sample, period, reader=reader)
    assert data.reader and data.hidden_items > 0  # a part only, and said so
    assert assert_same(sample, reader) > 0


def test_a_generated_archive_with_spoiled_files_reads_the_same_both_ways(generated):
    period = reports.resolve_period("monthly", "2025-10", TODAY)
    problems = {p.key for p in reports.load("monthly", generated, period).problems}
    assert "report-field-invalid" in problems and any(key.startswith("yaml-") for key in problems), problems
    assert assert_same(generated) > 1000
    assert assert_same(generated, a_customer_manager(generated)) > 0


def test_an_item_changed_since_the_index_was_updated_is_read_as_it_is_now(sample):
    """The report brings the index up to date first (git's status says what changed)."""
    rel = next(p for p in sorted((sample / "records/6/2025").glob("*.yaml")) if "sales-record" in p.read_text("utf-8"))
    before = rel.read_text(encoding="utf-8")
    try:
        amount = before.split("amount: ", 1)[1].split("\n", 1)[0]
        rel.write_text(before.replace(f"amount: {amount}", "amount: 1.00 CNY", 1), encoding="utf-8")
        assert assert_same(sample) > 0
        period = reports.resolve_period("annual", "2025", TODAY)
        lines = [line for record in reports.load("annual", sample, period).sales for line in record.lines
                 if line.code == rel.stem]
        assert lines and lines[0].amount == 1
    finally:
        rel.write_text(before, encoding="utf-8")
        git(sample, "status", "--porcelain")


def test_the_report_command_sees_a_change_and_names_an_unusable_value_where_it_is(sample, tmp_path):
    """The command starts git's status before it loads the report's modules (cli/reports.py); the
    index's look for changed files takes it over: an amount spoiled since the index was updated
    is named with its file, line and column."""
    rel = next(p for p in sorted((sample / "records/6/2025").glob("*.yaml")) if "sales-record" in p.read_text("utf-8"))
    before = rel.read_text(encoding="utf-8")
    amount = before.split("amount: ", 1)[1].split("\n", 1)[0]
    line = before.split("amount: ", 1)[0].count("\n") + 1
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "DOSSIER_TODAY": TODAY.isoformat(),
           "GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "user.email", "GIT_CONFIG_VALUE_0": SAMPLE_SEES_ALL}
    try:
        rel.write_text(before.replace(f"amount: {amount}", "amount: 12,000 CNY", 1), encoding="utf-8")
        result = subprocess.run([sys.executable, "-m", "dossier", "--archive", str(sample), "report", "monthly",
                                 "--period", "2025-10", "--format", "xlsx", "--output", str(tmp_path)],
                                env=env, cwd=sample, capture_output=True, text=True)
    finally:
        rel.write_text(before, encoding="utf-8")
        git(sample, "status", "--porcelain")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert f"{rel.relative_to(sample).as_posix()}:{line}:" in result.stderr and "12,000 CNY" in result.stderr


def test_without_an_index_the_files_are_read(tmp_path):
    root = tmp_path / "archive"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".dossier"))
    period = reports.resolve_period("quarterly", "2025-Q3", TODAY)
    data = reports.load("quarterly", root, period)
    assert data.sources > 0 and not (root / ".dossier" / "index.sqlite").exists()
