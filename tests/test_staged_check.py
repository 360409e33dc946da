"""The pre-commit hook's check of the staged change (staged_check.py) against the whole
validation: for each mutation, staged in a fresh clone, the problems the hook finds on the
staged files are exactly those `validate` finds there, rule, file, line, column and message."""

from __future__ import annotations

import datetime as dt

import pytest

from archive_mutations import LEDGER, MUTATIONS, S01, committed, edit, root  # noqa: F401 (fixtures)
from conftest import TODAY, git
from dossier.archive.problems import problem_line
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


def test_a_staged_configuration_is_answered_from_the_store_validate_left(root):
    """A commit that stages access.yaml checks the whole archive: after a `validate` of the same
    work tree (as a person runs before committing), its store answers, every card and item taken
    from it, with the problems of a whole validation without it."""
    edit(root, "access.yaml", r"expires: 2025-12-31", "expires: 2027-12-31")
    validate_archive(root, DAY)
    git(root, "add", "access.yaml")
    change = StagedChange.of(root)
    found = validate_staged(root, DAY, change)
    whole = validate_archive(root, DAY, change.paths, use_cache=False)
    assert found.cached == found.files - 3  # 3: the configuration's files
    assert [p.to_json() for p in found.problems] == [p.to_json() for p in whole.problems]
    assert "grant-expired" not in {p.rule for p in found.problems}


def test_a_configuration_edited_after_staging_is_refused(root):
    """The configuration is read from the work tree: a staged access.yaml whose work-tree file was
    edited again (here: its expired grant hidden from the check by a later edit) is refused,
    naming the file and what to do, instead of passing on a version the commit does not take."""
    edit(root, "access.yaml", r"expires: 2025-12-31", "expires: 2025-11-30")  # still expired
    git(root, "add", "access.yaml")
    edit(root, "access.yaml", r"expires: 2025-11-30", "expires: 2027-12-31")
    assert "grant-expired" not in {p.rule for p in validate_archive(root, DAY).problems}
    found = validate_staged(root, DAY, StagedChange.of(root))
    assert [(p.file, p.rule) for p in found.problems] == [("access.yaml", "staged-edited")] and found.errors
    assert "git add access.yaml" in problem_line(found.problems[0], "en")
    git(root, "add", "access.yaml")  # staged again: what is checked is what is committed
    assert validate_staged(root, DAY, StagedChange.of(root)).problems == []
