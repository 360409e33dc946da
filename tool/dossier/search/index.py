"""The index 索引: an SQLite database under .dossier/ (ignored by git) for finding items at once.

It holds every item by its electronic code (category, year, section, serial) and by customer,
manager, handler, type, date and status; every customer card; and a full-text index of titles
and content that works for Chinese (FTS5 with the trigram tokenizer: any substring of three
characters or more is found through the index).

It is updated incrementally from file changes, keyed like validate's cache: a file whose
stat key (size, mtime, inode) is unchanged is trusted, unless it changed so close to the last
update that the clock could not tell (then its content hash decides); a changed file is read
again only when its content hash differs; deleted files are dropped. A change of the index's
format or of the tool's version rebuilds it. Every update is one SQLite transaction, so a
crash or Ctrl-C leaves the previous index, never a half-written one.

Search (`find`): an electronic code, or part of one, is looked up by number; anything else is
searched as words (all must occur) in titles, content and the names of customers. Words of
one or two characters, too short for a trigram, are looked up through the index's vocabulary
(every trigram that starts with them: each column ends with two line breaks, so every
character is the start of a trigram) and, when a word is too common for that, by a scan of
the indexed text (LIKE).
"""

from __future__ import annotations

import contextlib
import gc
import json
import marshal
import os
import re
import sqlite3
import stat as stat_module
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from .. import code_fingerprint
from ..archive import codes
from ..access.rights import Reader
from ..archive.catalogue import Filters
from ..archive.config import ARCHIVE_FILE, DEFAULT_MAX_FILE_BYTES, text_or_none
from ..archive.fsutil import RACY_NS
from ..access.crypto import ARMOR_BEGIN
from ..archive.loader import LoadError, load_bytes
from ..archive.problems import Problem
from ..archive.progress import track
from ..git import gitchanges
from ..git.gitchanges import blob_id

INDEX_FILE = ".dossier/index.sqlite"
STAT_SNAPSHOT = ".dossier/index-stat.marshal"  # what the files table holds, for a quick comparison
FORMAT = 6  # the layout of the tables and of the indexed text: a change rebuilds the index
PARALLEL_THRESHOLD = 400  # files to read before worker processes pay for themselves
FOLDERS = gitchanges.INDEX_FOLDERS
MANY_CHANGES = 5000  # files changed between two commits beyond which a stat of every file is cheaper
SHORT_TERM_LIMIT = 400  # trigrams a 1–2 character word may expand to before a scan is cheaper
SNIPPET_BEFORE, SNIPPET_AFTER = 14, 26
MARK_OPEN, MARK_CLOSE = "【", "】"

StatKey = tuple[int, int, int]

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
-- every item and customer file the index has read, unreadable ones with the problem why
CREATE TABLE files (path TEXT PRIMARY KEY, size INTEGER, mtime INTEGER, ino INTEGER, digest TEXT,
                    problem TEXT) WITHOUT ROWID;
CREATE INDEX files_unreadable ON files (path) WHERE problem IS NOT NULL;
-- the electronic code sorts as the catalogue does: categories 1-6, then D (daily); year, section, serial
CREATE TABLE items (
    id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, code TEXT NOT NULL,
    category TEXT, year INTEGER, section TEXT, serial INTEGER,
    customer TEXT, manager TEXT, handler TEXT, type TEXT, date TEXT, status TEXT, title TEXT
);
CREATE INDEX items_code ON items (code);
CREATE INDEX items_section ON items (category, year, section);
CREATE INDEX items_customer ON items (customer);
CREATE INDEX items_manager ON items (manager);
CREATE INDEX items_type ON items (type);
CREATE INDEX items_status ON items (status);
CREATE INDEX items_date ON items (date);
CREATE TABLE customers (path TEXT PRIMARY KEY, id TEXT, name TEXT, short_name TEXT,
                        manager TEXT, grade TEXT, status TEXT, nature TEXT, export INTEGER) WITHOUT ROWID;
CREATE INDEX customers_id ON customers (id);
-- what full-text search sees: the title, then every text value of the item, one per line (apart from
-- items, so that scanning items stays cheap)
CREATE TABLE item_text (id INTEGER PRIMARY KEY, text TEXT);
CREATE VIRTUAL TABLE items_fts USING fts5 (text, content='item_text', content_rowid='id', tokenize='trigram');
CREATE VIRTUAL TABLE items_terms USING fts5vocab (items_fts, 'row');
CREATE TRIGGER item_text_ai AFTER INSERT ON item_text BEGIN
    INSERT INTO items_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER item_text_ad AFTER DELETE ON item_text BEGIN
    INSERT INTO items_fts (items_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER items_ad AFTER DELETE ON items BEGIN
    DELETE FROM item_text WHERE id = old.id;
    DELETE FROM item_facts WHERE id = old.id;
END;
-- what the reports read: the FACT_FIELDS of the items of FACT_TYPES and every card, as loaded (marshal)
CREATE TABLE item_facts (id INTEGER PRIMARY KEY, data BLOB);
CREATE TABLE card_facts (path TEXT PRIMARY KEY, data BLOB) WITHOUT ROWID;
"""
_TABLES = ("items_terms", "items_fts", "item_text", "item_facts", "card_facts", "items", "customers", "files", "meta")
# The item types whose data the reports read (reports/source.CATEGORY_OF; a test keeps the two equal).
FACT_TYPES = frozenset({"sales-record", "debt-ledger", "credit-limit", "export-terms", "contract", "complaint"})
# What the reports read of such an item (reports/source._record; the rest, signatures, titles and
# the like, is half of the bytes and of the time to unmarshal them).
FACT_FIELDS = ("type", "code", "customer", "status", "date", "content")

_ITEM_COLUMNS = ("id", "path", "code", "category", "year", "section", "serial", "customer", "manager",
                 "handler", "type", "date", "status", "title")
_INSERT_ITEM = f"INSERT INTO items ({', '.join(_ITEM_COLUMNS)}) VALUES ({', '.join('?' * len(_ITEM_COLUMNS))})"
_CUSTOMER_COLUMNS = ("path", "id", "name", "short_name", "manager", "grade", "status", "nature", "export")
_INSERT_CUSTOMER = (f"INSERT INTO customers ({', '.join(_CUSTOMER_COLUMNS)}) "
                    f"VALUES ({', '.join('?' * len(_CUSTOMER_COLUMNS))})")
# Envelope fields whose text is searched besides the title and the content.
_TEXT_FIELDS = ("doc_number", "responsible", "remarks", "paper", "attachments")


# --- what is read from one file ----------------------------------------------------------------


def kind_of(rel: str) -> str | None:
    """'item' (a file named by its code under records/ or daily/), 'customer', or None."""
    parts = rel.split("/")
    if not rel.endswith(".yaml") or len(parts) < 2:
        return None
    if parts[0] == "customers":
        return "customer" if len(parts) == 2 else None
    if parts[0] in ("records", "daily") and codes.parse(parts[-1][:-5]):
        return "item"
    return None



def _strings(value: object) -> Iterator[str]:
    """Every text, number and date in `value`, depth first, without recursion."""
    stack = [value]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            stack.extend(reversed(list(current.values())))
        elif isinstance(current, list):
            stack.extend(reversed(current))
        elif isinstance(current, str):
            text = current.strip()
            if text and not text.startswith(ARMOR_BEGIN):  # an encrypted value: nothing to find in it
                yield text
        elif isinstance(current, (int, float)) and not isinstance(current, bool):
            yield str(current)


def item_row(rel: str, data: object) -> tuple:
    """The row of an item, its text last: its code comes from the file name (as `dossier list` reads it)."""
    code = codes.parse(rel.rsplit("/", 1)[-1][:-5])
    data = data if isinstance(data, dict) else {}
    title = text_or_none(data.get("title")) or ""
    parts = [title]
    for name in _TEXT_FIELDS:
        if name == "attachments":  # their titles, not their hashes
            listed = data.get(name) if isinstance(data.get(name), list) else []
            parts += [t for a in listed if isinstance(a, dict) for t in _strings(a.get("title"))]
        else:
            parts += _strings(data.get(name))
    parts += _strings(data.get("content"))
    text = "\n".join(parts).replace("\r", " ") + "\n\n"  # the end: every character starts a trigram
    values = [text_or_none(data.get(key)) for key in ("customer", "manager", "handler", "type", "date", "status")]
    return (rel, str(code), code.category, code.year, code.section, code.serial, *values, title, text)


def customer_row(rel: str, data: object) -> tuple:
    data = data if isinstance(data, dict) else {}
    customer_id = text_or_none(data.get("id")) or rel.rsplit("/", 1)[-1][:-5]
    values = [text_or_none(data.get(key)) for key in ("name", "short_name", "manager", "grade", "status", "nature")]
    return (rel, customer_id, *values, int(data.get("export") is True))


@dataclass
class _Read:
    """One file as read for the index: its row, or the problem that kept it out."""

    rel: str
    stat: StatKey
    digest: str
    kind: str
    row: tuple | None = None
    problem: Problem | None = None
    facts: bytes | None = None  # the data as loaded, for the reports (cards and FACT_TYPES items)


def _read(root: str, rel: str, kind: str, stat: StatKey, max_bytes: int, object_format: str) -> _Read:
    if stat[0] > max_bytes:
        return _Read(rel, stat, "", kind, problem=Problem(rel, 0, 0, "yaml", "yaml-too-large",
                                                          {"size": stat[0], "limit": max_bytes}))
    try:
        raw = _read_bytes(os.path.join(root, rel), max_bytes)
    except OSError as exc:
        return _Read(rel, stat, "", kind, problem=Problem(rel, 0, 0, "yaml", "yaml-unreadable",
                                                          {"detail": exc.strerror or str(exc)}))
    return _parse(rel, kind, stat, raw, blob_id(raw, object_format), max_bytes)


def _parse(rel: str, kind: str, stat: StatKey, raw: bytes, digest: str, max_bytes: int) -> _Read:
    try:
        doc = load_bytes(raw, rel, max_bytes)
    except LoadError as exc:
        return _Read(rel, stat, digest, kind, problem=exc.problem)
    row = item_row(rel, doc.data) if kind == "item" else customer_row(rel, doc.data)
    return _Read(rel, stat, digest, kind, row, facts=_facts(kind, doc.data))


def _facts(kind: str, data: object) -> bytes | None:
    """The data the reports read, marshalled: a card whole, of an item its FACT_FIELDS (None:
    not wanted, or not plain data: the reports then read the file)."""
    if kind == "item":
        if not (isinstance(data, dict) and data.get("type") in FACT_TYPES):
            return None
        data = {key: data[key] for key in FACT_FIELDS if key in data}
    try:
        return marshal.dumps(data)
    except ValueError:
        return None


def _read_job(job: tuple) -> _Read:
    return _read(*job)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Build a large structure of tuples without the cyclic garbage collector running over it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _ignore_interrupts() -> None:
    """In worker processes: Ctrl-C is the parent's to handle (it ends the pool), not theirs to print."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


# --- the database ------------------------------------------------------------------------------


@dataclass
class Update:
    """What one update did."""

    read: int = 0  # files read and parsed again
    removed: int = 0  # files dropped
    unchanged: int = 0
    rebuilt: bool = False
    seconds: float = 0.0
    by_git: bool = False  # git's status chose the files to read (not a stat of every file)


@dataclass
class Status:
    path: Path
    exists: bool
    items: int = 0
    customers: int = 0
    unreadable: list[Problem] = field(default_factory=list)
    updated: float | None = None  # seconds since the epoch
    stale: int | None = None  # files changed since the last update (None: not looked at)
    bytes: int = 0


@dataclass
class Hit:
    """One item found, with where the text matched."""

    code: str
    path: str
    date: str | None
    status: str | None
    customer: str | None
    manager: str | None
    type: str | None
    title: str
    snippet: str
    matched: str  # 'code', 'title', 'content' or 'customer'

    def to_json(self) -> dict:
        return {"code": self.code, "file": self.path, "date": self.date, "status": self.status,
                "customer": self.customer, "manager": self.manager, "type": self.type, "title": self.title,
                "matched": self.matched, "snippet": self.snippet}


@dataclass
class Found:
    hits: list[Hit]  # in catalogue order, at most the limit
    total: int  # every item that matched
    by_number: bool  # the text was looked up as an electronic code
    unreadable: list[Problem]  # files the index could not read (they may hold a match)
    hidden: int = 0  # items that matched but the reader may not read (not in hits or total)


class Index:
    """The index of the archive at `root`. Use as a context manager, or close() it."""

    def __init__(self, root: Path, *, timeout: float = 60.0) -> None:
        self._snapshot: dict[str, StatKey] | None = None  # the stat snapshot as last loaded
        self._expected: dict[str, str | None] = {}  # HEAD's blob ids of the files git named (_suspects)
        self.root = Path(root)
        self.path = self.root / INDEX_FILE
        self.timeout = timeout
        self._db: sqlite3.Connection | None = None

    # -- opening -----------------------------------------------------------------------------

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = self._connect()
        return self._db

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for attempt in range(2):
            db = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None, check_same_thread=False)
            try:
                db.execute("PRAGMA journal_mode=WAL")  # readers see the last commit while a writer works
                db.execute("PRAGMA synchronous=NORMAL")  # WAL stays consistent after a crash; it is a cache
                db.execute("SELECT count(*) FROM sqlite_master").fetchone()
                return db
            except sqlite3.DatabaseError:
                db.close()
                if attempt:
                    raise
                _remove_database(self.path)  # not a database (or damaged): it is only an index, start again
        raise AssertionError("unreachable")

    def _current(self) -> bool:
        """True when the database has this format and was written by this code (dossier.code_fingerprint)."""
        try:
            rows = dict(self.db.execute("SELECT key, value FROM meta WHERE key IN ('format', 'tool')"))
        except sqlite3.OperationalError:  # no meta table: a new or foreign file
            return False
        return rows.get("format") == str(FORMAT) and rows.get("tool") == code_fingerprint()

    def _create(self, object_format: str) -> None:
        """Inside a write transaction: drop whatever is there and create the tables; files are
        told apart by their blob ids in `object_format` (git's, so that they compare with HEAD's)."""
        db = self.db
        for name in _TABLES:
            db.execute(f"DROP TABLE IF EXISTS {name}")
        statement = ""
        for line in _SCHEMA.splitlines(keepends=True):  # not executescript(): it would commit
            statement += line
            if sqlite3.complete_statement(statement):
                db.execute(statement)
                statement = ""
        db.executemany("INSERT INTO meta VALUES (?, ?)", [("format", str(FORMAT)), ("tool", code_fingerprint()),
                                                           ("object_format", object_format)])

    # -- updating ----------------------------------------------------------------------------

    def update(self, files: dict[str, StatKey] | None = None, paths: Iterable[str] | None = None,
               *, rebuild: bool = False, jobs: int | None = None, full: bool = False) -> Update:
        """Bring the index up to date with the files (a damaged database is built again: it is
        only an index).

        Given neither files nor paths, git's status says which files may differ from what the
        index holds (see _suspects), and only those are read, unless `full` or git cannot say:
        then every file is stat'ed.
        files: the whole archive's stat keys (file_checks.scan), taken now when not given.
        paths: only look at these relative paths (files or folders; `dossier watch` passes
               what changed): each is stat'ed again and read again if its content changed.
        rebuild: start from an empty index (also done when the format or the version changed).
        """
        try:
            return self._update(files, paths, rebuild, jobs, full)
        except sqlite3.DatabaseError as exc:
            if not damaged(exc):
                raise
        self.close()
        _remove_database(self.path)
        return self._update(files, None, True, jobs, full)

    def _update(self, files: dict[str, StatKey] | None, paths: Iterable[str] | None, rebuild: bool,
                jobs: int | None, full: bool) -> Update:
        started = time.perf_counter()
        now_ns = time.time_ns()
        db = self.db
        db.execute("BEGIN IMMEDIATE")  # one writer; a crash or an exception rolls everything back
        try:
            # git's status is taken before any file is read, under the same lock: whatever changes
            # after it is seen by the next update
            current = self._current()
            known = gitchanges.Untracked.from_json(self._meta("git_others")) if current else None
            tree = gitchanges.work_tree(self.root, FOLDERS, known) if files is None and paths is None else None
            rebuilt = rebuild or not current or (tree is not None and self._object_format() != tree.object_format)
            if rebuilt:
                self._create(tree.object_format if tree else "sha1")
                paths = None
            suspects = None if rebuilt or full or tree is None else self._suspects(tree)
            if suspects is not None:
                current, gone, known = self._restat(suspects)
                todo, same = list(current.items()), 0  # every one read: git's status, not a stat key, chose them
            else:
                current, gone, known, todo, same = self._stat_todo(files, paths)
            read = self._apply(todo, jobs)
            self._drop(gone)
            self._remember(tree, None if suspects is None else [*suspects, *current, *gone])
            db.execute("INSERT OR REPLACE INTO meta VALUES ('updated_ns', ?)", (str(now_ns),))
            snapshot = None
            if paths is not None or (suspects is not None and (todo or gone)):
                db.execute("DELETE FROM meta WHERE key = 'snapshot'")  # the table moves on without it
            elif suspects is None and (todo or gone or known is not self._snapshot):
                snapshot = str(now_ns)
                db.execute("INSERT OR REPLACE INTO meta VALUES ('snapshot', ?)", (snapshot,))
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        if snapshot:
            self._save_snapshot(snapshot, current)
        return Update(read, len(gone), same + len(todo) - read, rebuilt, time.perf_counter() - started,
                      suspects is not None)

    def _stat_todo(self, files: dict[str, StatKey] | None, paths: Iterable[str] | None) -> tuple:
        """By stat keys: the files now, those gone, what the index held, those to read, and how
        many were trusted for an unchanged stat key."""
        if paths is None:
            known = self._known_stats()
            if files is None:
                files = _scan(self.root)
            current = {rel: stat for rel, stat in files.items() if rel in known or kind_of(rel)}
            gone = [rel for rel in known if rel not in current]
        else:
            current, gone, known = self._restat(paths)
        last = int(self._meta("updated_ns") or 0)
        todo, same = [], 0
        for rel, stat in current.items():
            old = known.get(rel)
            if old is not None and old == stat and (paths is None and stat[1] < last - RACY_NS):
                same += 1
            else:
                todo.append((rel, stat))
        return current, gone, known, todo, same

    # -- what git says changed ----------------------------------------------------------------
    #
    # After an update made with git, the meta table holds HEAD's commit then ('git_head') and
    # the files whose content in the index may differ from HEAD's ('git_dirty'): every other
    # file the index holds is as HEAD had it. So at the next update, a file can differ from the
    # index only if git's status lists it now (it differs from HEAD now), or it was listed as
    # dirty, or HEAD moved and the two commits hold it differently. Those are read; nothing else.

    def _suspects(self, tree: gitchanges.WorkTree) -> list[str] | None:
        """The files (and untracked folders) that may differ from the index; None when the last
        update did not leave git's state or the change of HEAD is too large to be worth it."""
        head, dirty = self._meta("git_head"), self._meta("git_dirty")
        if head is None or dirty is None:
            return None
        between: dict[str, str | None] = {}
        if head != (tree.head or ""):
            if not head or not tree.head:
                return None
            between = gitchanges.changed_between(self.root, head, tree.head, FOLDERS, tree.prefix)
            if between is None or len(between) > MANY_CHANGES:
                return None  # a stat of every file is cheaper than reading these
        self._expected = {**between, **tree.changed}
        return sorted({*json.loads(dirty), *between, *(p for p in tree.changed if kind_of(p) or p.endswith("/"))})

    def _remember(self, tree: gitchanges.WorkTree | None, checked: list[str] | None) -> None:
        """Record HEAD and the files the index holds otherwise than HEAD does, among `checked`
        (None: among all). Without git's view there is nothing to record: the next update
        stats every file."""
        if tree is None:
            self.db.execute("DELETE FROM meta WHERE key IN ('git_head', 'git_dirty', 'git_others')")
            return
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('git_others', ?)",
                        (tree.untracked.to_json() if tree.untracked else "",))
        paths = None if checked is None else {p for p in checked if kind_of(p)}
        expected = {} if checked is None else {p: self._expected[p] for p in paths if p in self._expected}
        missing = None if paths is None else paths - expected.keys()
        if tree.head and (missing is None or missing):
            blobs = gitchanges.head_blobs(self.root, tree.head, missing, FOLDERS, tree.prefix)
            if blobs is None:
                self.db.execute("DELETE FROM meta WHERE key IN ('git_head', 'git_dirty')")
                return
            expected.update((p, blob) for p, blob in blobs.items() if kind_of(p) and (paths is None or p in paths))
        held = self._digests(paths)
        candidates = held.keys() | expected.keys() if paths is None else paths
        dirty = sorted(p for p in candidates if held.get(p) != expected.get(p) or held.get(p) == gitchanges.UNKNOWN)
        self.db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                            [("git_head", tree.head or ""), ("git_dirty", json.dumps(dirty, ensure_ascii=False))])

    def _digests(self, paths: set[str] | None) -> dict[str, str]:
        if paths is None:
            return dict(self.db.execute("SELECT path, digest FROM files"))
        return dict(self.db.execute("SELECT path, digest FROM files WHERE path IN (SELECT value FROM json_each(?))",
                                    (json.dumps(sorted(paths)),)))

    def _object_format(self) -> str:
        return self._meta("object_format") or "sha1"

    def _known_stats(self) -> dict[str, StatKey]:
        """Path → stat key of every file the index holds: from the snapshot written by the last full
        update (a tenth of the time of reading the table) when nothing has changed the table since."""
        self._snapshot = None
        token = self._meta("snapshot")
        try:
            # marshal.loads of the whole file, not marshal.load (which reads in small steps: 6×
            # slower); the cyclic garbage collector, which the 100,000 new tuples would set off
            # several times over, has nothing to collect here.
            raw = (self.root / STAT_SNAPSHOT).read_bytes()
            with collector_paused():
                saved_token, stats = marshal.loads(raw)
            if token is not None and saved_token == token and isinstance(stats, dict):
                self._snapshot = stats
                return stats
        except (OSError, EOFError, ValueError, TypeError):
            pass  # missing or damaged: it is only a copy of the table
        with collector_paused():
            return {row[0]: tuple(row[1:]) for row in self.db.execute("SELECT path, size, mtime, ino FROM files")}

    def _save_snapshot(self, token: str, stats: dict[str, StatKey]) -> None:
        # No fsync: a snapshot lost in a crash fails to load or carries an old token, and the
        # table is read instead.
        path = self.root / STAT_SNAPSHOT
        temporary = path.with_name(path.name + ".tmp")
        try:
            temporary.write_bytes(marshal.dumps((token, stats)))
            os.replace(temporary, path)
        except OSError:
            pass

    def _meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _restat(self, paths: Iterable[str]) -> tuple[dict[str, StatKey], list[str], dict]:
        """The stat keys of `paths` now, which of them (or of the files under them) are gone, and
        what the index knows of them."""
        current: dict[str, StatKey] = {}
        gone = []
        known = {}
        query = "SELECT path, size, mtime, ino FROM files WHERE "
        for rel in {p.strip("/") for p in paths}:
            if not rel:
                continue
            full = self.root / rel
            if kind_of(rel) and not full.is_dir():
                known.update((row[0], tuple(row[1:])) for row in self.db.execute(query + "path = ?", (rel,)))
                try:
                    current[rel] = _stat_key(os.lstat(full))
                except OSError:
                    if rel in known:
                        gone.append(rel)
                continue
            # a folder (or what was one): everything the index holds under it
            under = {row[0]: tuple(row[1:]) for row in self.db.execute(query + "path > ? AND path < ?",
                                                                    (rel + "/", rel + "0"))}
            known.update(under)
            found = {r: s for r, s in _scan(self.root, [rel]).items() if kind_of(r)} if full.is_dir() else {}
            current.update(found)
            gone += [k for k in under if k not in found]
        return current, gone, known

    def _apply(self, todo: list[tuple[str, StatKey]], jobs: int | None) -> int:
        """Read the files that may have changed; write what did. Returns how many were read."""
        max_bytes = _max_file_bytes(self.root)
        object_format = self._object_format()
        root = str(self.root)
        changed: list[_Read] = []
        recheck = []
        digests = dict(self.db.execute("SELECT path, digest FROM files WHERE path IN (SELECT value FROM json_each(?))",
                                       (json.dumps([rel for rel, _ in todo]),))) if todo else {}
        for rel, stat in todo:
            digest = digests.get(rel)
            if digest is None:
                recheck.append((root, rel, kind_of(rel), stat, max_bytes, object_format))
                continue
            try:  # same content (a touch, a checkout of the same version): only the stat key is new
                raw = _read_bytes(self.root / rel, max_bytes)
            except OSError:
                raw = None
            blob = None if raw is None else blob_id(raw, object_format)
            if blob == digest:
                self.db.execute("UPDATE files SET size = ?, mtime = ?, ino = ? WHERE path = ?", (*stat, rel))
            elif raw is not None and len(raw) <= max_bytes:
                changed.append(_parse(rel, kind_of(rel), stat, raw, blob, max_bytes))
            else:
                recheck.append((root, rel, kind_of(rel), stat, max_bytes, object_format))
        processes = jobs or os.cpu_count() or 1
        if processes > 1 and len(recheck) >= PARALLEL_THRESHOLD:
            import multiprocessing  # only here: a find that reads a few files does not pay its import

            with multiprocessing.get_context("fork").Pool(processes, initializer=_ignore_interrupts) as pool:
                changed += track(pool.imap_unordered(_read_job, recheck, chunksize=200), len(recheck), "progress-index")
        else:
            changed += [_read(*job) for job in track(recheck, len(recheck), "progress-index")]
        self._write(changed)
        return len(changed)

    def _write(self, reads: list[_Read]) -> None:
        db = self.db
        paths = [(r.rel,) for r in reads]
        db.executemany("DELETE FROM items WHERE path = ?", paths)
        db.executemany("DELETE FROM customers WHERE path = ?", paths)
        db.executemany("DELETE FROM card_facts WHERE path = ?", paths)
        db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?)",
                       [(r.rel, *r.stat, r.digest, json.dumps(r.problem.to_json(), ensure_ascii=False)
                         if r.problem else None) for r in reads])
        items = [r.row for r in reads if r.row and r.kind == "item"]
        first = (db.execute("SELECT max(id) FROM items").fetchone()[0] or 0) + 1
        db.executemany(_INSERT_ITEM, [(first + n, *row[:-1]) for n, row in enumerate(items)])
        db.executemany("INSERT INTO item_text VALUES (?, ?)", [(first + n, row[-1]) for n, row in enumerate(items)])
        facts = [r.facts for r in reads if r.row and r.kind == "item"]
        db.executemany("INSERT INTO item_facts VALUES (?, ?)",
                       [(first + n, data) for n, data in enumerate(facts) if data is not None])
        db.executemany(_INSERT_CUSTOMER, [r.row for r in reads if r.row and r.kind == "customer"])
        db.executemany("INSERT INTO card_facts VALUES (?, ?)",
                       [(r.rel, r.facts) for r in reads if r.row and r.kind == "customer" and r.facts is not None])

    def _drop(self, gone: list[str]) -> None:
        rows = [(rel,) for rel in gone]
        for table in ("items", "customers", "card_facts", "files"):
            self.db.executemany(f"DELETE FROM {table} WHERE path = ?", rows)

    # -- reading -----------------------------------------------------------------------------

    def status(self, files: dict[str, StatKey] | None = None) -> Status:
        """Counts, the unreadable files, and (given the scan) how many files changed since."""
        if not self.path.exists():
            return Status(self.path, False)
        if not self._current():
            return Status(self.path, True, bytes=self.path.stat().st_size)
        db = self.db
        stale = None
        if files is not None:
            known = self._known_stats()
            current = {rel: stat for rel, stat in files.items() if rel in known or kind_of(rel)}
            stale = sum(known.get(rel) != stat for rel, stat in current.items()) + len(known.keys() - current.keys())
        updated = self._meta("updated_ns")
        return Status(
            self.path, True,
            items=db.execute("SELECT count(*) FROM items").fetchone()[0],
            customers=db.execute("SELECT count(*) FROM customers").fetchone()[0],
            unreadable=self.unreadable(),
            updated=int(updated) / 1e9 if updated else None,
            stale=stale,
            bytes=sum(p.stat().st_size for p in self.path.parent.glob(self.path.name + "*")),
        )

    def unreadable(self) -> list[Problem]:
        rows = self.db.execute("SELECT problem FROM files WHERE problem IS NOT NULL ORDER BY path")
        return [Problem.from_json(json.loads(row[0])) for row in rows]

    def counts(self) -> tuple[int, int]:
        """(items, customers) in the index."""
        return (self.db.execute("SELECT count(*) FROM items").fetchone()[0],
                self.db.execute("SELECT count(*) FROM customers").fetchone()[0])

    def item_facts(self, folder: str, types: Iterable[str]) -> list[tuple[str, int, bool, str | None, bytes | None]]:
        """(path, size, unreadable, type, data) of the item files the index holds under `folder`
        ('records/6/') that are of one of `types` or that it could not read: data is the
        marshalled data of FACT_TYPES items."""
        types = sorted(types)
        return self.db.execute(
            "SELECT f.path, f.size, f.problem IS NOT NULL, i.type, d.data FROM files f "
            "LEFT JOIN items i ON i.path = f.path LEFT JOIN item_facts d ON d.id = i.id "
            f"WHERE f.path > ? AND f.path < ? AND (f.problem IS NOT NULL OR i.type IN ({', '.join('?' * len(types))}))",
            (folder, folder[:-1] + "0", *types)).fetchall()

    def card_facts(self) -> list[tuple[str, int, bool, bytes | None]]:
        """(path, size, unreadable, data) of every customer card the index holds, by path."""
        return self.db.execute(
            "SELECT f.path, f.size, f.problem IS NOT NULL, c.data FROM files f LEFT JOIN card_facts c ON c.path = f.path "
            "WHERE f.path > 'customers/' AND f.path < 'customers0' ORDER BY f.path").fetchall()

    def card_managers(self) -> dict[str, str]:
        """Customer id → the manager on its card (what access.policy needs, without reading the cards)."""
        return dict(self.db.execute("SELECT id, manager FROM customers WHERE manager IS NOT NULL"))

    def owners(self, item_codes: Iterable[str]) -> dict[str, dict]:
        """Electronic code → the customer, manager and category of that item, for the codes the index holds."""
        rows = self.db.execute("SELECT code, customer, manager, category FROM items WHERE code IN "
                               "(SELECT value FROM json_each(?))", (json.dumps(sorted(set(item_codes))),))
        return {code: {"customer": customer, "manager": manager, "category": category}
                for code, customer, manager, category in rows}

    def find(self, text: str, filters: Filters = Filters(), limit: int | None = None,
             reader: Reader | None = None) -> Found:
        """Items matching `text` and the filters, in catalogue order (at most `limit` of them);
        with a `reader`, only those that person may read, and how many others matched."""
        try:
            return self._find(text, filters, limit, reader)
        except sqlite3.DatabaseError as exc:
            if not damaged(exc):
                raise
            from .errors import DossierError

            raise DossierError("index-damaged", file=str(self.path), detail=str(exc)) from None

    def _find(self, text: str, filters: Filters, limit: int | None, reader: Reader | None) -> Found:
        if not self._current():  # never built: an empty answer, not an error
            return Found([], 0, False, [])
        where, args = self._filter_sql(filters)
        number = _code_query(text)
        rows: list[tuple] = []
        terms: list[str] = []
        if number is not None:
            operator, value = ("=", number) if codes.parse(number) else ("LIKE", f"%{number}%")
            rows = self.db.execute(f"SELECT {_ORDER_COLUMNS} FROM items WHERE code {operator} ? {where}",
                                   (value, *args)).fetchall()
        if not rows:
            terms = _terms(text)
            if not terms:
                return Found([], 0, False, self.unreadable())
            rows = self._rows(self._match(terms), where, args)
        ids, hidden = _in_order(rows, reader)
        shown = ids if not limit else ids[:limit]
        return Found(self._hits(shown, terms), len(ids), not terms, self.unreadable(), hidden)

    def _filter_sql(self, filters: Filters) -> tuple[str, list]:
        clauses, args = [], []
        for column, value in (("category", filters.category), ("year", filters.year),
                              ("section", filters.section), ("manager", filters.manager),
                              ("status", filters.status), ("type", filters.type)):
            if value is not None:
                clauses.append(f"{column} = ?")
                args.append(value)
        if filters.customer is not None:
            clauses.append("customer IN (SELECT ? UNION SELECT id FROM customers WHERE name = ? OR short_name = ?)")
            args += [filters.customer] * 3
        return "".join(f" AND {c}" for c in clauses), args

    def _match(self, terms: list[str]) -> set[int]:
        """Ids of the items in which every term occurs (in the text, or in its customer's names).

        The rarest term (by the index's own counts) is looked up first; once few items are left,
        the other terms are checked in those items' text."""
        plans = sorted((self._plan(term) for term in terms), key=lambda plan: plan.estimate)
        result: set[int] | None = None
        for plan in plans:
            if result is not None and len(result) <= CHECK_LIMIT:
                ids = self._check(plan.term, result)
            else:
                ids = self._lookup(plan)
            ids |= self._customer_items(plan.customers, result)
            result = ids if result is None else result & ids
            if not result:
                break
        return result or set()

    def _plan(self, term: str) -> _Plan:
        db = self.db
        low = term.lower()  # the trigram tokenizer folds case
        if len(term) >= 3:
            counts = [db.execute("SELECT doc FROM items_terms WHERE term = ?", (low[i:i + 3],)).fetchone()
                      for i in range(len(low) - 2)]
            estimate = min((row[0] if row else 0) for row in counts)
            query = _phrase(term) if estimate else None
        else:  # every trigram that starts with it (each column ends with two line breaks)
            upper = low[:-1] + chr(ord(low[-1]) + 1)
            grams = db.execute("SELECT term, doc FROM items_terms WHERE term >= ? AND term < ? LIMIT ?",
                               (low, upper, SHORT_TERM_LIMIT + 1)).fetchall()
            estimate = sum(doc for _, doc in grams)
            query = " OR ".join(_phrase(g) for g, _ in grams) if grams else None
            if len(grams) > SHORT_TERM_LIMIT:  # a very common character: a scan of the text is cheaper
                query = ""
        like = _like(term)
        customers = [r[0] for r in db.execute(
            "SELECT id FROM customers WHERE id = ? COLLATE NOCASE OR name LIKE ? ESCAPE '\\' "
            "OR short_name LIKE ? ESCAPE '\\'", (term, like, like))]
        if customers:
            estimate += db.execute(f"SELECT count(*) FROM items WHERE customer IN ({_marks(customers)})",
                                   customers).fetchone()[0]
        return _Plan(term, estimate, query, customers)

    def _lookup(self, plan: _Plan) -> set[int]:
        if plan.query is None:  # the index holds no such text
            return set()
        if plan.query == "":
            rows = self.db.execute("SELECT id FROM item_text WHERE text LIKE ? ESCAPE '\\'", (_like(plan.term),))
        else:
            rows = self.db.execute("SELECT rowid FROM items_fts WHERE items_fts MATCH ?", (plan.query,))
        return {r[0] for r in rows}

    def _check(self, term: str, ids: set[int]) -> set[int]:
        rows = self.db.execute("SELECT id FROM item_text WHERE id IN (SELECT value FROM json_each(?)) "
                               "AND text LIKE ? ESCAPE '\\'", (json.dumps(sorted(ids)), _like(term)))
        return {r[0] for r in rows}

    def _customer_items(self, customers: list[str], among: set[int] | None) -> set[int]:
        if not customers:
            return set()
        rows = self.db.execute(f"SELECT id FROM items WHERE customer IN ({_marks(customers)})", customers)
        return {r[0] for r in rows} if among is None else {r[0] for r in rows if r[0] in among}

    def _rows(self, ids: set[int], where: str, args: list) -> list[tuple]:
        if not ids:
            return []
        return self.db.execute(
            f"SELECT {_ORDER_COLUMNS} FROM items WHERE id IN (SELECT value FROM json_each(?)) {where}",
            (json.dumps(sorted(ids)), *args)).fetchall()

    def _hits(self, ids: list[int], terms: list[str]) -> list[Hit]:
        if not ids:
            return []
        rows = self.db.execute(
            "SELECT i.id, i.code, i.path, i.date, i.status, i.customer, i.manager, i.type, i.title, t.text, "
            "c.name, c.short_name FROM items i JOIN item_text t ON t.id = i.id "
            "LEFT JOIN customers c ON c.id = i.customer WHERE i.id IN (SELECT value FROM json_each(?))",
            (json.dumps(ids),))
        by_id = {row[0]: row for row in rows}
        hits = []
        for item_id in ids:
            (_, code, path, date, status, customer, manager, item_type, title, text, name, short) = by_id[item_id]
            matched, snippet = _snippet(terms, title or "", text or "", [customer or "", name or "", short or ""])
            hits.append(Hit(code, path, date, status, customer, manager, item_type, title or "", snippet, matched))
        return hits


# --- search text ---------------------------------------------------------------------------------

CHECK_LIMIT = 5000  # candidates few enough to check the remaining words in their text


@dataclass
class _Plan:
    """How one word is looked up: the index's estimate of the items holding it, the FTS5 query
    (None: no item can hold it; '': scan the text), and the customers whose names hold it."""

    term: str
    estimate: int
    query: str | None
    customers: list[str]


# What ordering a match needs, and what deciding whether its reader may read it needs.
_ORDER_COLUMNS = "id, code, path, customer, category, manager"


def _in_order(rows: list[tuple], reader: Reader | None = None) -> tuple[list[int], int]:
    """Ids of _ORDER_COLUMNS rows in catalogue order (the order of the codes as text), without the
    items the reader may not read, and how many those were."""
    kept = rows
    if reader is not None and not reader.sees_all:
        # many items share a customer, category and manager: ask once for each of those
        allowed = {key for key in {row[3:] for row in rows} if reader.may_read(*key)}
        kept = [row for row in rows if row[3:] in allowed]
    return [row[0] for row in sorted(kept, key=lambda row: (row[1], row[2]))], len(rows) - len(kept)


def _marks(values: list) -> str:
    return ", ".join("?" * len(values))


_CODE_PART = re.compile(r"[0-9SD-]*[0-9][0-9SD-]*|[1-6D]-")


def _code_query(text: str) -> str | None:
    """The text as (part of) an electronic code, upper-cased; None if it cannot be one."""
    candidate = text.strip().upper()
    return candidate if _CODE_PART.fullmatch(candidate) else None


def _terms(text: str) -> list[str]:
    return list(dict.fromkeys(t for t in text.split() if t))


def _phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _snippet(terms: list[str], title: str, text: str, customer: list[str]) -> tuple[str, str]:
    """Where the first term that occurs stands, as a short line with the match marked."""
    if not terms:
        return "code", title
    body = text[len(title):] if text.startswith(title) else text
    sources = [("title", title), ("content", body)] + [("customer", value) for value in customer if value]
    for matched, source in sources:
        low = source.lower()
        for term in terms:
            at = low.find(term.lower())
            if at >= 0:
                return matched, _window(source, at, len(term))
    return "content", title


def _window(source: str, at: int, length: int) -> str:
    start, end = max(0, at - SNIPPET_BEFORE), min(len(source), at + length + SNIPPET_AFTER)
    part = (source[start:at] + MARK_OPEN + source[at:at + length] + MARK_CLOSE + source[at + length:end])
    part = " ".join(part.split("\n")).strip()
    return ("…" if start > 0 else "") + part + ("…" if end < len(source.rstrip("\n")) else "")


# --- files -------------------------------------------------------------------------------------


def _stat_key(st: os.stat_result) -> StatKey:
    return (st.st_size, st.st_mtime_ns, st.st_ino)  # the same key as validate's cache


def _scan(root: Path, folders: Iterable[str] = FOLDERS) -> dict[str, StatKey]:
    """Stat keys of every file under these folders (as file_checks.scan, without trash/)."""
    found: dict[str, StatKey] = {}
    stack = [(os.path.join(str(root), f), f + "/") for f in folders]
    with collector_paused():
        _walk(stack, found)
    return found


def _walk(stack: list[tuple[str, str]], found: dict[str, StatKey]) -> None:
    while stack:
        folder, rel = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            name = entry.name
            if entry.is_dir(follow_symlinks=False):
                stack.append((entry.path, rel + name + "/"))
            elif name.endswith(".yaml"):
                st = entry.stat(follow_symlinks=False)
                found[rel + name] = (st.st_size, st.st_mtime_ns, st.st_ino)


def scan(root: Path) -> dict[str, StatKey]:
    """Stat keys of the files the index holds (items and customer cards)."""
    return {rel: stat for rel, stat in _scan(Path(root)).items() if kind_of(rel)}


# O_NONBLOCK: opening a FIFO must not wait for a writer (as the loader reads files).
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def _read_bytes(path: str | Path, max_bytes: int) -> bytes:
    """At most max_bytes + 1 bytes of a regular file (OSError for anything else)."""
    fd = os.open(path, _OPEN_FLAGS)
    with open(fd, "rb") as handle:
        if not stat_module.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(0, "not a regular file")
        return handle.read(max_bytes + 1)


def _max_file_bytes(root: Path) -> int:
    """archive.yaml's limit, read without failing: the index must work while it is being fixed."""
    try:
        data = load_bytes((root / ARCHIVE_FILE).read_bytes(), ARCHIVE_FILE).data
        return int(data.get("max_file_bytes", DEFAULT_MAX_FILE_BYTES))
    except (OSError, LoadError, AttributeError, TypeError, ValueError):
        return DEFAULT_MAX_FILE_BYTES


def damaged(exc: sqlite3.DatabaseError) -> bool:
    """SQLite found the file damaged or not a database (not busy, not a bad statement)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return (code & 0xFF in (11, 26)) if code is not None else type(exc) is sqlite3.DatabaseError  # CORRUPT, NOTADB


def _remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.unlink(f"{path}{suffix}")
        except FileNotFoundError:
            pass


# --- the archive's index, kept current --------------------------------------------------------


def open_index(root: Path, *, refresh: bool = True, jobs: int | None = None) -> Index:
    """The index of `root`, brought up to date first unless `refresh` is False (or a running
    `dossier watch` keeps it current)."""
    index = Index(root)
    try:
        if refresh and not watcher_running(root):
            index.update(jobs=jobs)
    except BaseException:
        index.close()
        raise
    return index


def current_index(root: Path) -> Index | None:
    """The index of `root` brought up to date (git's status says what to read), when one of this
    format and version exists; None otherwise: building it is left to find and `dossier index`,
    and the caller reads the files."""
    index = Index(root)
    try:
        if not index.path.exists() or not index._current():
            index.close()
            return None
        if not watcher_running(root):
            index.update()
    except BaseException:
        index.close()
        raise
    return index


WATCH_LOCK = ".dossier/watch.lock"


def watcher_running(root: Path) -> int | None:
    """The process id of a `dossier watch` that holds this archive's watch lock, else None."""
    try:
        import fcntl
    except ImportError:  # no advisory locks (Windows): never trust a watcher
        return None
    path = Path(root) / WATCH_LOCK
    try:
        handle = open(path, "r+")
    except OSError:
        return None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            text = handle.read().strip()
            return int(text) if text.isdigit() else -1
        fcntl.flock(handle, fcntl.LOCK_UN)
        return None
