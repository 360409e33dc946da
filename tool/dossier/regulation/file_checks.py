"""Checking each card and item (逐件检查): its schema, the regulation's per-file rules and the
facts the archive-wide rules need, on every core when there are many; the configuration's own
checks; and the archive-wide rules over every file's facts at once. validate.py decides which
files to check (none, when nothing changed since its last run: it then never imports this
module, the loader or the rules); `dossier watch` and the pre-commit hook call these directly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from . import confidential, rules
from ..archive import schema_errors
from ..archive.config import ACCESS_FILE, ARCHIVE_FILE, PEOPLE_FILE, Archive, open_archive
from ..archive.loader import Document, LoadError, load_bytes
from ..archive.problems import Problem
from ..archive.progress import track
from ..archive.schemas import SchemaSet

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
class Reusable:
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
class Checker:
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


_worker: Checker | None = None  # set in the parent before forking; inherited by workers


def _check_in_worker(job: tuple) -> FileResult:
    return _worker.check(*job)


# --- configuration ---------------------------------------------------------------------------


def config_problems(archive: Archive, schemas: SchemaSet, today: str) -> list[Problem]:
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


def check_files(archive, schemas, files, cache: Reusable, jobs,
                 staged: dict[str, bytes] | None = None) -> tuple[dict[str, FileResult], int]:
    global _worker
    checker = Checker(archive, schemas)
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


def all_archive_wide(root: Path, results: dict[str, FileResult], today: str) -> list[Problem]:
    """Every archive-wide rule over every file's result (a run that keeps no store)."""
    ordered = [results[rel] for rel in sorted(results)]  # two cards of one id: the last by path counts
    facts = [r.facts for r in ordered if isinstance(r.facts, rules.ItemFacts)]
    customers = {r.facts.id: r.facts for r in ordered if isinstance(r.facts, rules.CustomerFacts)}
    from .fixity import bound_changes  # bound items stay as their volume's manifest recorded them
    sealings = (r.sealing for r in ordered if r.sealing is not None)
    return (rules.archive_rules(facts, customers, today, rules.trash_codes(root)) + bound_changes(root, results)
            + confidential.check(root, sealings, today))


def open_checks(root: Path, today: dt.date | None = None) -> tuple[Archive | None, SchemaSet | None, list[Problem]]:
    """The configuration as validate_archive reads it, and its problems on `today` (grants end). The
    archive is None when archive.yaml or people.yaml cannot be used: then nothing else can be checked."""
    try:
        archive = open_archive(root)
    except LoadError as exc:
        return None, None, [exc.problem]
    schemas = SchemaSet(root / "schemas")
    problems = config_problems(archive, schemas, (today or dt.date.today()).isoformat())
    if any(p.is_error and p.file in (ARCHIVE_FILE, PEOPLE_FILE) for p in problems):
        return None, schemas, sorted(problems)
    return archive, schemas, problems


def check_paths(archive: Archive, schemas: SchemaSet, files: dict[str, StatKey], paths: Iterable[str],
                previous: dict[str, FileResult], jobs: int | None = None, trust_stat: bool = True
                ) -> dict[str, FileResult]:
    """Results for `paths` (relative; `files` holds the whole archive's stat keys), each taken from
    `previous` where the file and its attachments are unchanged, else checked again. With
    trust_stat False a file whose stat key did not change is compared by content hash (a change
    was seen within the clock's resolution)."""
    paths = [rel for rel in paths if rel in files and kind_of(rel)]
    if len(paths) >= PARALLEL_THRESHOLD:  # many changes (a checkout): on every core
        results, _ = check_files(archive, schemas, files, Reusable(previous), jobs)
        return {rel: results[rel] for rel in paths}
    checker = Checker(archive, schemas)
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
    return all_archive_wide(root, results, today.isoformat())
