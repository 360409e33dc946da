"""The pre-commit hook's check of the staged change (staged_check.py) against the whole
validation: for each mutation, staged in a real repository (the sample archive in a folder of
it, as the project keeps it), the problems the hook finds on the staged files are exactly those
`validate` finds there, rule, file, line, column and message."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import SAMPLE, TODAY, git, init_repo
from dossier.record.hooks import staged_archive_paths, staged_versions
from dossier.regulation.staged_check import validate_staged
from dossier.regulation.validate import validate_archive

DAY = dt.date.fromisoformat(TODAY)
S01 = "records/3/2026/3-2026-S01-{:04d}.yaml"
LEDGER = S01.format(2)  # customer C0001, manager li.na (S01)


@pytest.fixture(scope="module")
def committed(tmp_path_factory) -> Path:
    """The sample archive committed in the folder archive/ of a repository, with a volume's
    manifest that binds LEDGER as it is."""
    top = tmp_path_factory.mktemp("sample") / "repo"
    root = top / "archive"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".dossier"))
    (root / "volumes").mkdir()
    digest = subprocess.run(["sha256sum", root / LEDGER], capture_output=True, text=True).stdout.split()[0]
    (root / "volumes/LCHG-XS·2026-D30-C3-V01.yaml").write_text(
        f"archive_number: LCHG-XS·2026-D30-C3-V01\nitems:\n- code: 3-2026-S01-0002\n  sha256: {digest}\n",
        encoding="utf-8")
    init_repo(top, "li.na@longcheng-club.cn")
    return root


@pytest.fixture
def root(committed, tmp_path) -> Path:
    """A fresh clone of it: no .dossier/, nothing but git."""
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(committed.parent), str(clone))
    return clone / "archive"


def edit(root: Path, rel: str, pattern: str, replacement: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    changed = re.sub(pattern, replacement, text, count=1, flags=re.MULTILINE)
    assert changed != text, (rel, pattern)
    path.write_text(changed, encoding="utf-8")


def touch(root: Path, rel: str) -> None:
    """A change that breaks no rule."""
    edit(root, rel, r"^title: ", "title: 改 ")


def changed_item(root):
    edit(root, LEDGER, r"^status: filed$", "status: lost")


def duplicate_code(root):
    shutil.copy(root / LEDGER, root / S01.format(18))


def serial_gap_by_deletion(root):
    (root / S01.format(16)).unlink()
    touch(root, S01.format(17))


def new_item_after_a_gap(root):
    (root / S01.format(20)).write_text((root / S01.format(17)).read_text(encoding="utf-8").replace(
        "3-2026-S01-0017", "3-2026-S01-0020"), encoding="utf-8")


def wrong_customer(root):
    edit(root, LEDGER, r"^customer: C0001$", "customer: C0999")


def section_violation(root):
    edit(root, LEDGER, r"^manager: li.na$", "manager: wang.wei")


def bound_item_changed(root):
    touch(root, LEDGER)


def renamed_file(root):
    git(root, "mv", S01.format(3), S01.format(30))


def card_deleted(root):
    (root / "customers/C0001.yaml").unlink()
    touch(root, LEDGER)


def card_lookalike(root):
    name = re.search(r"^name: (.*)$", (root / "customers/C0001.yaml").read_text(encoding="utf-8"), re.M)[1]
    edit(root, "customers/C0002.yaml", r"^name: .*$", f"name: {name}")


def card_manager(root):
    edit(root, "customers/C0001.yaml", r"^manager: li.na$", "manager: wang.wei")


def card_manager_of_sealed_item(root):
    edit(root, "customers/C0014.yaml", r"^manager: .*$", "manager: li.na")
    touch(root, "records/3/2026/3-2026-S03-0008.yaml")


def export_card_touched(root):
    edit(root, "customers/C0024.yaml", r"^name: (.*)$", r"name: \1 Kazakhstan")


def export_terms_deleted(root):
    (root / "records/3/2026/3-2026-S04-0002.yaml").unlink()
    export_card_touched(root)


MUTATIONS = {
    changed_item: "schema", duplicate_code: "code-unique", serial_gap_by_deletion: "serial-gap",
    new_item_after_a_gap: "serial-gap", wrong_customer: "customer-unknown", section_violation: "manager-section",
    bound_item_changed: "bound-changed", renamed_file: "code-path", card_deleted: "customer-unknown",
    card_lookalike: "customer-name-duplicate", card_manager: "confidential", card_manager_of_sealed_item: "confidential",
    export_card_touched: None, export_terms_deleted: "export-terms",
}


@pytest.mark.parametrize("mutation", MUTATIONS, ids=lambda m: m.__name__)
def test_the_staged_check_finds_what_validate_finds_on_the_staged_files(root, mutation):
    mutation(root)
    git(root, "add", "-A", ".")
    paths = staged_archive_paths(root)
    found = validate_staged(root, DAY, paths, staged_versions(root, paths)).problems
    whole = validate_archive(root, DAY, paths, use_cache=False).problems
    assert [p.to_json() for p in found] == [p.to_json() for p in whole]
    expected = MUTATIONS[mutation]
    assert expected is None or expected in {p.rule for p in found}, found
    assert not (root / ".dossier").exists()  # nothing cached, nothing needed


def test_the_staged_version_is_checked_not_the_work_tree(root):
    item = S01.format(13)  # customer C0001, not bound
    edit(root, item, r"^customer: C0001$", "customer: C0999")
    git(root, "add", item)
    edit(root, item, r"^customer: C0999$", "customer: C0001")
    paths = staged_archive_paths(root)
    found = validate_staged(root, DAY, paths, staged_versions(root, paths)).problems
    assert [p.rule for p in found] == ["customer-unknown"]
