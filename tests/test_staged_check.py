"""The pre-commit hook's check of the staged change (staged_check.py) against the whole
validation: for each mutation, staged in a fresh clone, the problems the hook finds on the
staged files are exactly those `validate` finds there, rule, file, line, column and message."""

from __future__ import annotations

import datetime as dt

import pytest

from archive_mutations import LEDGER, MUTATIONS, S01, committed, edit, root  # noqa: F401 (fixtures)
from conftest import TODAY, git
from dossier.regulation.staged_check import StagedChange, validate_staged
from dossier.regulation.validate import validate_archive

DAY = dt.date.fromisoformat(TODAY)


@pytest.mark.parametrize("mutation", MUTATIONS, ids=lambda m: m.__name__)
def test_the_staged_check_finds_what_validate_finds_on_the_staged_files(root, mutation):
    mutation(root)
    git(root, "add", "-A", ".")
    change = StagedChange.of(root)
    found = validate_staged(root, DAY, change).problems
    whole = validate_archive(root, DAY, change.paths, use_cache=False).problems
    assert [p.to_json() for p in found] == [p.to_json() for p in whole]
    expected = MUTATIONS[mutation]
    assert expected is None or expected in {p.rule for p in found}, found
    assert not (root / ".dossier").exists()  # nothing cached, nothing needed


def test_the_staged_version_is_checked_not_the_work_tree(root):
    item = S01.format(13)  # customer C0001, not bound
    edit(root, item, r"^customer: C0001$", "customer: C0999")
    git(root, "add", item)
    edit(root, item, r"^customer: C0999$", "customer: C0001")
    found = validate_staged(root, DAY, StagedChange.of(root)).problems
    assert [p.rule for p in found] == ["customer-unknown"]
