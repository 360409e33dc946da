"""Validate a whole archive: configuration, customer cards and items.

Flow: open the configuration → ask git what changed since the last run (archive_facts.py,
gitchanges.py) → load, schema-check and rule-check those files (file_checks.py, on all cores
when many) → recompute the archive-wide rules over the groups of facts they touched → keep it
all in .dossier/validate.sqlite. With no cache (--no-cache, a check of what a commit stages, a
merge tried out), every file is checked and every rule run over all of them, keeping nothing.
When nothing changed since the last run the store answers (facts_store.look), and nothing that
parses or checks is even imported.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from . import facts_store
from ..archive.problems import Problem

if TYPE_CHECKING:
    from ..archive.schemas import SchemaSet
    from .file_checks import FileResult


@dataclass
class Report:
    problems: list[Problem]
    files: int
    cached: int = 0  # files whose result came from the cache

    @property
    def errors(self) -> int:
        return sum(p.is_error for p in self.problems)

    @property
    def warnings(self) -> int:
        return len(self.problems) - self.errors


# --- the whole run ---------------------------------------------------------------------------


def validate_archive(
    root: Path,
    today: dt.date | None = None,
    only: Iterable[str] | None = None,
    use_cache: bool = True,
    jobs: int | None = None,
    staged: dict[str, bytes] | None = None,
) -> Report:
    """Check the archive at `root`. `only` restricts the report to these relative paths
    (files or folders); the archive-wide rules still see every item. `staged` gives files
    whose content to check instead of the work tree's (the pre-commit hook: what the commit
    takes, where it differs from the file); a run with them is not cached."""
    today_text = (today or dt.date.today()).isoformat()
    kept = None
    if use_cache and not staged:
        try:
            context = facts_store.context_key(root)  # what the store's results were made with: read once a run
            kept = context, facts_store.look(root, context, today_text)
        except (OSError, sqlite3.Error):  # a read-only archive still validates, only more slowly
            kept = None
        else:
            seen = kept[1]
            if seen.problems is not None:  # nothing changed since the last run
                return restricted(sorted(seen.problems), only, seen.files + seen.documents, seen.files)
    return _check(root, today_text, only, jobs, staged or {}, kept)


def _check(root: Path, today: str, only: Iterable[str] | None, jobs: int | None, staged: dict[str, bytes],
           kept: tuple[str, facts_store.Seen] | None) -> Report:
    """The checks themselves, of the files that changed since the store's state (`kept`: its
    context key and what the run found) or, with no store, of every file."""
    from . import archive_facts, file_checks  # only here: a run the store answers parses nothing
    from ..archive.config import ARCHIVE_FILE, PEOPLE_FILE, open_archive
    from ..archive.loader import LoadError
    from ..archive.schemas import SchemaSet

    try:
        archive = open_archive(root)
    except LoadError as exc:
        return Report([exc.problem], 1)
    schemas = SchemaSet(root / "schemas")
    config_problems = file_checks.config_problems(archive, schemas, today)
    if any(p.is_error and p.file in (ARCHIVE_FILE, PEOPLE_FILE) for p in config_problems):
        return Report(sorted(config_problems), len(archive.documents))  # everything else depends on them
    archive.check_settings(schemas)  # checked above: with these schemas, once, before any worker starts

    if kept is not None:
        def check(paths: list[str]) -> dict[str, FileResult]:
            stats = {rel: file_checks.NO_STAT for rel in paths}
            return file_checks.check_files(archive, schemas, stats, file_checks.Reusable(), jobs)[0]

        try:
            problems, checked, cached = archive_facts.validate_incremental(
                root, kept[0], today, check, kept[1], config_problems, len(archive.documents))
        except (OSError, sqlite3.Error):  # a read-only archive still validates, only more slowly
            pass
        else:
            return restricted(sorted(config_problems + problems), only, checked + len(archive.documents), cached)
    files = file_checks.scan(root)
    files.update({rel: files.get(rel, (len(raw), 0, 0)) for rel, raw in staged.items()})  # staged, then removed
    results, _ = file_checks.check_files(archive, schemas, files, file_checks.Reusable(), jobs, staged)
    problems = config_problems + [p for r in results.values() for p in r.problems]
    problems += file_checks.all_archive_wide(root, results, today)
    return restricted(sorted(problems), only, len(results) + len(archive.documents), 0)


def restricted(problems: list[Problem], only: Iterable[str] | None, files: int, cached: int) -> Report:
    """The report of the problems in `only` (relative files or folders; None: every one)."""
    if only is None:
        return Report(problems, files, cached)
    prefixes = [p.rstrip("/") for p in only]
    selected = [p for p in problems if any(p.file == q or p.file.startswith(q + "/") or q in ("", ".") for q in prefixes)]
    return Report(selected, files, cached)


# --- for `dossier watch`: its results kept in validate's store ---------------------------------


def cached_results(root: Path, schemas: SchemaSet) -> dict[str, FileResult]:
    """The per-file results of validate's store under .dossier/, if made with this configuration."""
    from .archive_facts import load_results

    try:
        return load_results(root, facts_store.context_key(root))
    except (OSError, sqlite3.Error):
        return {}


def save_results(root: Path, schemas: SchemaSet, results: dict[str, FileResult], today: dt.date | None = None) -> None:
    """Keep watch's results in validate's store, so that validate reads again only what changed."""
    from .archive_facts import save_results as save

    try:
        save(root, facts_store.context_key(root), results, (today or dt.date.today()).isoformat())
    except (OSError, sqlite3.Error):
        pass  # a read-only archive still validates; it is only slower next time
