"""Validate a whole archive: configuration, customer cards and items.

Flow: open the configuration → ask git what changed since the last run (archive_facts.py,
gitchanges.py) → load, schema-check and rule-check those files (on all cores when many) →
recompute the archive-wide rules over the groups of facts they touched → keep it all in
.dossier/validate.sqlite. With no cache (--no-cache, a check of what a commit stages, a merge
tried out), every file is checked and every rule run over all of them, keeping nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .. import code_fingerprint
from . import confidential, rules
from ..archive import schema_errors
from ..archive.config import ACCESS_FILE, ARCHIVE_FILE, PEOPLE_FILE, Archive, open_archive
from ..archive.loader import Document, LoadError, load_bytes
from ..archive.problems import Problem
from ..archive.progress import track
from ..archive.schemas import SCHEMA_SUFFIX, SchemaSet

ITEM_FOLDERS = ("records", "daily")
PARALLEL_THRESHOLD = 400  # below this, starting worker processes costs more than it saves

StatKey = tuple[int, int, int]
NO_STAT: StatKey = (-1, -1, -1)  # a result made from bytes, not from a file's stat


@dataclass
class FileResult:
    """The outcome of checking one file, as cached."""

    stat: StatKey
    digest: str
    problems: list[Problem]
    facts: object = None  # rules.ItemFacts or rules.CustomerFacts
    depends: tuple[tuple[str, StatKey | None], ...] = ()  # attachments and their stat keys
    sealing: object = None  # confidential.Sealing: the file's confidential values


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


@dataclass
class _Cache:
    """Results that may be reused (dossier watch's, in memory)."""

    files: dict[str, FileResult] = field(default_factory=dict)


# --- scanning --------------------------------------------------------------------------------


def scan(root: Path) -> dict[str, StatKey]:
    """Every file under customers/, records/, daily/, trash/ and volumes/, with its stat key.

    Plain strings, not Path objects: on 100,000 files pathlib alone costs seconds."""
    found: dict[str, StatKey] = {}
    base = os.fspath(root) + os.sep
    stack = [base + name for name in ("customers", *ITEM_FOLDERS, "trash", "volumes")]
    while stack:
        folder = stack.pop()
        try:
            entries = os.scandir(folder)
        except (FileNotFoundError, NotADirectoryError):
            continue
        with entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                else:
                    st = entry.stat(follow_symlinks=False)
                    rel = entry.path[len(base):]
                    found[rel if os.sep == "/" else rel.replace(os.sep, "/")] = (st.st_size, st.st_mtime_ns, st.st_ino)
    return found


def kind_of(rel: str) -> str | None:
    """'customer', 'item', 'stray' (a YAML file out of place) or None (not ours to check)."""
    if not rel.endswith((".yaml", ".yml")):
        return None
    parts = rel.split("/")
    if parts[0] == "customers":
        return "customer" if len(parts) == 2 and rel.endswith(".yaml") else "stray"
    if parts[0] in ITEM_FOLDERS:
        return "item" if rel.endswith(".yaml") else "stray"
    return None  # trash/ is checked by the lifecycle commands


# --- checking one file (runs in worker processes) ------------------------------------------------


@dataclass
class _Checker:
    archive: Archive
    schemas: SchemaSet

    def check(self, rel: str, kind: str, stat: StatKey, files: dict[str, StatKey]) -> FileResult:
        path = self.archive.root / rel
        if kind == "stray":
            return FileResult(stat, "", [Problem(rel, 0, 0, "stray-file", "stray-file")])
        limit = self.archive.settings.max_file_bytes
        if stat[0] > limit:  # never read an oversized file
            problem = Problem(rel, 0, 0, "yaml", "yaml-too-large", {"size": stat[0], "limit": limit})
            return FileResult(stat, "", [problem])
        try:
            raw = path.read_bytes()
        except OSError as exc:
            return FileResult(stat, "", [Problem(rel, 0, 0, "yaml", "yaml-unreadable", {"detail": exc.strerror})])
        digest = hashlib.sha256(raw).hexdigest()
        return self.check_bytes(rel, kind, stat, digest, raw, files)

    def check_content(self, rel: str, kind: str, raw: bytes) -> FileResult:
        """The result for these bytes as the file `rel` (a blob of git's: no stat, no scan)."""
        if kind == "stray":
            return FileResult(NO_STAT, "", [Problem(rel, 0, 0, "stray-file", "stray-file")])
        return self.check_bytes(rel, kind, NO_STAT, hashlib.sha256(raw).hexdigest(), raw, {})

    def check_bytes(self, rel, kind, stat, digest, raw, files) -> FileResult:
        try:
            doc = load_bytes(raw, rel, self.archive.settings.max_file_bytes)
        except LoadError as exc:
            return FileResult(stat, digest, [exc.problem])
        if kind == "customer":
            problems = schema_errors.schema_problems(doc, self.schemas, "customer")
            problems += rules.customer_rules(doc, self.archive.people)
            return FileResult(stat, digest, problems, rules.customer_facts(doc), sealing=self._sealing(doc, kind))
        problems = schema_errors.schema_problems(doc, self.schemas, "item")
        problems += rules.item_rules(doc, self.archive.people, self.archive.root, self.schemas.dispatch.category_of)
        return FileResult(stat, digest, problems, rules.item_facts(doc), _attachment_deps(rel, doc, files),
                          self._sealing(doc, kind))

    def _sealing(self, doc: Document, kind: str):
        return confidential.sealing(doc, kind, self.schemas, self.archive.settings.requires_encryption)


def _attachment_deps(rel: str, doc: Document, files: dict[str, StatKey]) -> tuple:
    attachments = doc.data.get("attachments") if isinstance(doc.data, dict) else None
    folder = rel.rsplit("/", 1)[0]
    names = [a.get("file") for a in attachments or [] if isinstance(a, dict) and isinstance(a.get("file"), str)]
    lookup = files.get if files else (lambda _: None)  # workers get no scan: _fill_deps completes it
    return tuple((f"{folder}/{name}", lookup(os.path.normpath(f"{folder}/{name}"))) for name in names)


_worker: _Checker | None = None  # set in the parent before forking; inherited by workers


def _check_in_worker(job: tuple) -> FileResult:
    return _worker.check(*job)


# --- configuration ---------------------------------------------------------------------------


def _config_problems(archive: Archive, schemas: SchemaSet, today: str) -> list[Problem]:
    found = []
    for name, schema in ((ARCHIVE_FILE, "archive"), (PEOPLE_FILE, "people"), (ACCESS_FILE, "access")):
        doc = archive.documents.get(name)
        if doc is not None:
            found += schema_errors.schema_problems(doc, schemas, schema)
            found += rules.hidden_text_rules(doc)
    found += rules.people_rules(archive.documents[PEOPLE_FILE], archive.people)
    if ACCESS_FILE in archive.documents:
        found += rules.access_rules(archive.documents[ACCESS_FILE], archive.people, today)
    return found


def _context_key(root: Path) -> str:
    """What every stored result depends on besides its own file: this code, the schemas and the
    configuration, as bytes (read, not parsed: the check that nothing changed compiles nothing)."""
    digest = hashlib.sha256(code_fingerprint().encode())
    schema_dir = root / "schemas"
    for path in sorted(schema_dir.rglob("*" + SCHEMA_SUFFIX)):
        digest.update(path.relative_to(schema_dir).as_posix().encode() + b"\0" + path.read_bytes())
    for name in (ARCHIVE_FILE, PEOPLE_FILE, ACCESS_FILE):
        path = root / name
        digest.update(name.encode() + (path.read_bytes() if path.exists() else b"-"))
    return digest.hexdigest()


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
    if use_cache and not staged:
        from . import archive_facts

        try:
            context = _context_key(root)  # what the store's results were made with: read once a run
            seen = archive_facts.look(root, context, today_text)
        except (OSError, sqlite3.Error):  # a read-only archive still validates, only more slowly
            return validate_archive(root, today, only, False, jobs)
        if seen.problems is not None:  # nothing changed since the last run
            return _restrict(sorted(seen.problems), only, seen.files + seen.documents, seen.files)
    try:
        archive = open_archive(root)
    except LoadError as exc:
        return Report([exc.problem], 1)
    schemas = SchemaSet(root / "schemas")
    config_problems = _config_problems(archive, schemas, today_text)
    if any(p.is_error and p.file in (ARCHIVE_FILE, PEOPLE_FILE) for p in config_problems):
        return Report(sorted(config_problems), len(archive.documents))  # everything else depends on them
    archive.check_settings(schemas)  # checked above: with these schemas, once, before any worker starts

    if use_cache and not staged:
        def check(paths: list[str]) -> dict[str, FileResult]:
            return _check_files(archive, schemas, {rel: NO_STAT for rel in paths}, _Cache(), jobs)[0]

        try:
            problems, checked, cached = archive_facts.validate_incremental(
                root, context, today_text, check, seen, config_problems, len(archive.documents))
        except (OSError, sqlite3.Error):  # a read-only archive still validates, only more slowly
            return validate_archive(root, today, only, False, jobs)
        return _restrict(sorted(config_problems + problems), only, checked + len(archive.documents), cached)
    files = scan(root)
    staged = staged or {}
    files.update({rel: files.get(rel, (len(raw), 0, 0)) for rel, raw in staged.items()})  # staged, then removed
    results, _ = _check_files(archive, schemas, files, _Cache(), jobs, staged)
    problems = config_problems + [p for r in results.values() for p in r.problems]
    problems += _archive_wide(root, results, today_text)
    return _restrict(sorted(problems), only, len(results) + len(archive.documents), 0)


def _check_files(archive, schemas, files, cache: _Cache, jobs,
                 staged: dict[str, bytes] | None = None) -> tuple[dict[str, FileResult], int]:
    global _worker
    checker = _Checker(archive, schemas)
    results: dict[str, FileResult] = {}
    todo = []
    from_bytes: dict[str, FileResult] = {}
    for rel, stat in files.items():
        kind = kind_of(rel)
        if kind is None:
            continue
        if staged and rel in staged:  # what a commit takes: from the bytes given, never the cache
            raw = staged[rel]
            from_bytes[rel] = checker.check_bytes(rel, kind, stat, hashlib.sha256(raw).hexdigest(), raw, files)
            continue
        reused = _reuse(archive.root, rel, stat, cache.files.get(rel), files)
        if reused is not None:
            results[rel] = reused
        else:
            todo.append((rel, kind, stat, files))
    cached = len(results)
    results.update(from_bytes)
    processes = jobs or os.cpu_count() or 1
    if processes > 1 and len(todo) >= PARALLEL_THRESHOLD:
        import multiprocessing  # only here: a run that checks a few files does not pay its import

        _worker = checker
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            checked = list(track(pool.imap(_check_in_worker, [job[:3] + (None,) for job in todo], chunksize=200),
                                 len(todo), "progress-validate"))
        _worker = None
        checked = [_fill_deps(result, files) for result in checked]
    else:
        checked = [checker.check(*job) for job in track(todo, len(todo), "progress-validate")]
    results.update(zip((job[0] for job in todo), checked))
    return results, cached


def _fill_deps(result: FileResult, files: dict[str, StatKey]) -> FileResult:
    """Workers are not sent the whole scan; look the attachments' stat keys up here."""
    result.depends = tuple((path, files.get(os.path.normpath(path))) for path, _ in result.depends)
    return result


def _reuse(root: Path, rel: str, stat: StatKey, entry: FileResult | None, files) -> FileResult | None:
    """The cached result, if the file and its attachments are unchanged."""
    if entry is None or any(files.get(os.path.normpath(p)) != key for p, key in entry.depends):
        return None
    if entry.stat == stat:
        return entry
    try:
        digest = hashlib.sha256((root / rel).read_bytes()).hexdigest()
    except OSError:
        return None
    if digest != entry.digest:
        return None
    entry.stat = stat  # same content, new stat (a checkout or a touch): trust it from now on
    return entry


def _archive_wide(root: Path, results: dict[str, FileResult], today: str) -> list[Problem]:
    ordered = [results[rel] for rel in sorted(results)]  # two cards of one id: the last by path counts
    facts = [r.facts for r in ordered if isinstance(r.facts, rules.ItemFacts)]
    customers = {r.facts.id: r.facts for r in ordered if isinstance(r.facts, rules.CustomerFacts)}
    from .fixity import bound_changes  # bound items stay as their volume's manifest recorded them
    sealings = (r.sealing for r in ordered if r.sealing is not None)
    return (rules.archive_rules(facts, customers, today, rules.trash_codes(root)) + bound_changes(root, results)
            + confidential.check(root, sealings, today))


def _restrict(problems: list[Problem], only: Iterable[str] | None, files: int, cached: int) -> Report:
    if only is None:
        return Report(problems, files, cached)
    prefixes = [p.rstrip("/") for p in only]
    selected = [p for p in problems if any(p.file == q or p.file.startswith(q + "/") or q in ("", ".") for q in prefixes)]
    return Report(selected, files, cached)


# --- hooks for `dossier watch`: the same checks, kept in memory and re-run on what changes --------


def open_checks(root: Path, today: dt.date | None = None) -> tuple[Archive | None, SchemaSet | None, list[Problem]]:
    """The configuration as validate_archive reads it, and its problems on `today` (grants end). The
    archive is None when archive.yaml or people.yaml cannot be used: then nothing else can be checked."""
    try:
        archive = open_archive(root)
    except LoadError as exc:
        return None, None, [exc.problem]
    schemas = SchemaSet(root / "schemas")
    problems = _config_problems(archive, schemas, (today or dt.date.today()).isoformat())
    if any(p.is_error and p.file in (ARCHIVE_FILE, PEOPLE_FILE) for p in problems):
        return None, schemas, sorted(problems)
    return archive, schemas, problems


def cached_results(root: Path, schemas: SchemaSet) -> dict[str, FileResult]:
    """The per-file results of validate's store under .dossier/, if made with this configuration."""
    from .archive_facts import load_results

    try:
        return load_results(root, _context_key(root))
    except (OSError, sqlite3.Error):
        return {}


def save_results(root: Path, schemas: SchemaSet, results: dict[str, FileResult], today: dt.date | None = None) -> None:
    """Keep watch's results in validate's store, so that validate reads again only what changed."""
    from .archive_facts import save_results as save

    try:
        save(root, _context_key(root), results, (today or dt.date.today()).isoformat())
    except (OSError, sqlite3.Error):
        pass  # a read-only archive still validates; it is only slower next time


def check_paths(archive: Archive, schemas: SchemaSet, files: dict[str, StatKey], paths: Iterable[str],
                previous: dict[str, FileResult], jobs: int | None = None, trust_stat: bool = True
                ) -> dict[str, FileResult]:
    """Results for `paths` (relative; `files` holds the whole archive's stat keys), each taken from
    `previous` where the file and its attachments are unchanged, else checked again. With
    trust_stat False a file whose stat key did not change is compared by content hash (a change
    was seen within the clock's resolution)."""
    paths = [rel for rel in paths if rel in files and kind_of(rel)]
    if len(paths) >= PARALLEL_THRESHOLD:  # many changes (a checkout): on every core
        results, _ = _check_files(archive, schemas, files, _Cache(previous), jobs)
        return {rel: results[rel] for rel in paths}
    checker = _Checker(archive, schemas)
    found = {}
    for rel in paths:
        entry = previous.get(rel)
        if entry is not None and not trust_stat and entry.stat == files[rel]:
            entry = FileResult(NO_STAT, entry.digest, entry.problems, entry.facts, entry.depends, entry.sealing)
        found[rel] = (_reuse(archive.root, rel, files[rel], entry, files)
                      or checker.check(rel, kind_of(rel), files[rel], files))
    return found


def archive_wide(root: Path, results: dict[str, FileResult], today: dt.date) -> list[Problem]:
    """The problems of the archive-wide rules, as validate_archive finds them."""
    return _archive_wide(root, results, today.isoformat())
