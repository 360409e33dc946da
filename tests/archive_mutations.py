"""Mutations of the sample archive, each a change someone could stage, with the rule it should
make report; the sample committed in a folder of a repository (as the project keeps it), with a
volume's manifest binding one item. Shared by the differential tests of the pre-commit check
(test_staged_check.py) and of validate's store (test_archive_facts.py)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import SAMPLE, git, init_repo

S01 = "records/3/2026/3-2026-S01-{:04d}.yaml"
LEDGER = S01.format(2)  # customer C0001, manager li.na (S01), bound in the manifest


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
