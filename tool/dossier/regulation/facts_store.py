"""validate's store of facts (校验事实库), and the look at it that answers a run when nothing changed.

.dossier/validate.sqlite (ignored by git; data only: SQLite tables of text and JSON, never
code to unpickle) holds, for every file under the archive's folders, the git object id of the
content it was checked as, and for cards and items their per-file problems and the facts the
archive-wide rules need; and the archive-wide problems, each under the group of facts it was
computed from (archive_facts.py keeps them current). Every write happens in one SQLite
transaction, so a run killed half-way leaves the store as it was; a store that cannot be read
is started again.

This module imports neither the loader nor the rules: a run that finds nothing changed since
the last (same code, schemas and configuration, same day, same HEAD and git status) costs git's
status and a read of the store, nothing parsed or compiled.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .. import code_fingerprint
from ..archive.config import ACCESS_FILE, PEOPLE_FILE
from ..archive.locate import ARCHIVE_FILE, SCHEMA_SUFFIX
from ..archive.problems import Problem
from ..git.gitchanges import ARCHIVE_FOLDERS, GitView, Untracked, WorkTree, work_tree

STORE_FILE = ".dossier/validate.sqlite"
VERSION = "1"

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT);
CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, oid TEXT, digest TEXT, problems TEXT, facts TEXT,
    sealing TEXT, attachments TEXT, code TEXT, section TEXT, customer TEXT, card TEXT, signed TEXT);
CREATE INDEX IF NOT EXISTS files_code ON files(code);
CREATE INDEX IF NOT EXISTS files_section ON files(section);
CREATE INDEX IF NOT EXISTS files_customer ON files(customer);
CREATE INDEX IF NOT EXISTS files_card ON files(card);
CREATE INDEX IF NOT EXISTS files_signed ON files(signed);
CREATE INDEX IF NOT EXISTS files_with_problems ON files(path) WHERE problems != '[]';
CREATE TABLE IF NOT EXISTS deps (attachment TEXT, item TEXT);
CREATE INDEX IF NOT EXISTS deps_attachment ON deps(attachment);
CREATE TABLE IF NOT EXISTS wide (grp TEXT, problem TEXT);
CREATE INDEX IF NOT EXISTS wide_grp ON wide(grp);
"""


class Store:
    """The SQLite file, opened for one run; `in_transaction(store)` wraps every change of it."""

    def __init__(self, root: Path) -> None:
        self.path = root / STORE_FILE
        self.db = _open(self.path)

    def close(self) -> None:
        self.db.close()

    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT v FROM meta WHERE k = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, **values: str) -> None:
        self.db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", values.items())

    def reset(self, context: str) -> None:
        for table in ("meta", "files", "deps", "wide"):
            self.db.execute(f"DELETE FROM {table}")
        self.set_meta(version=VERSION, context=context)

    def oids(self, paths: Iterable[str] | None = None) -> dict[str, str]:
        if paths is None:
            return dict(self.db.execute("SELECT path, oid FROM files"))
        found = {}
        for chunk in _chunks(list(paths)):
            found.update(self.db.execute(f"SELECT path, oid FROM files WHERE path IN ({marks(chunk)})", chunk))
        return found

    def rows(self, where: str, args: tuple = ()) -> list[sqlite3.Row]:
        return self.db.execute(f"SELECT * FROM files WHERE {where}", args).fetchall()

    def rows_of(self, paths: list[str]) -> list[sqlite3.Row]:
        found = []
        for chunk in _chunks(paths):
            found += self.rows(f"path IN ({marks(chunk)})", tuple(chunk))
        return found

    def dependents(self, attachments: list[str]) -> set[str]:
        found = set()
        for chunk in _chunks(attachments):
            found.update(r[0] for r in self.db.execute(
                f"SELECT item FROM deps WHERE attachment IN ({marks(chunk)})", chunk))
        return found

    def problems(self) -> list[Problem]:
        found = [Problem.from_json(p) for (text,) in self.db.execute(
            "SELECT problems FROM files WHERE problems != '[]'") for p in json.loads(text)]
        return found + [Problem.from_json(json.loads(text)) for (text,) in self.db.execute("SELECT problem FROM wide")]

    def replace_group(self, group: str, problems: list[Problem], like: bool = False) -> None:
        self.db.execute("DELETE FROM wide WHERE grp LIKE ?" if like else "DELETE FROM wide WHERE grp = ?", (group,))
        self.db.executemany("INSERT INTO wide VALUES (?, ?)", ((group, dump(p.to_json())) for p in problems))

    def add_group(self, group: str, problems: list[Problem]) -> None:
        self.db.executemany("INSERT INTO wide VALUES (?, ?)", ((group, dump(p.to_json())) for p in problems))


def _open(path: Path) -> sqlite3.Connection:
    """The store, created if missing; one that is not a readable store of ours is started again."""
    path.parent.mkdir(exist_ok=True)
    for attempt in (1, 2):
        try:
            db = sqlite3.connect(path, isolation_level=None, timeout=120)  # another run finishing
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA synchronous = NORMAL")
            db.executescript(SCHEMA)
            return db
        except sqlite3.DatabaseError:
            if attempt == 2:
                raise
            for stale in (path, path.with_name(path.name + "-journal")):
                stale.unlink(missing_ok=True)
    raise AssertionError("unreachable")


def _chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def marks(chunk: list) -> str:
    return ",".join("?" * len(chunk))


def dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class in_transaction:
    def __init__(self, store: Store, begin: str = "BEGIN IMMEDIATE") -> None:
        self.db, self.begin = store.db, begin

    def __enter__(self) -> None:
        self.db.execute(self.begin)

    def __exit__(self, kind, *_) -> None:
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")


# --- what a run finds before it checks anything -------------------------------------------------


def context_key(root: Path) -> str:
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


def current_state(view: GitView, work: WorkTree | None = None) -> tuple[str, dict[str, str | None]]:
    """The tree of HEAD and the files git's status names (`work`, else asked now), each with the
    id of what the work tree holds now (None: not there)."""
    work = work or view.status()
    dirty = {}
    for rel in work.changed:
        try:
            dirty[rel] = view.blob_id((view.root / rel).read_bytes())
        except (IsADirectoryError, FileNotFoundError, NotADirectoryError):
            dirty[rel] = None
    return work.tree or view.empty_tree, dirty


@dataclass
class Seen:
    """What a run finds before it checks anything (issue 18: nothing changed costs git's status):
    git's state of the archive now, and the last run's report if nothing it read has changed."""

    state: tuple[str, dict[str, str | None]] | None  # (HEAD's tree, git's status); None outside git
    view: GitView | None = None  # the repository, when git gave the state
    untracked: str = ""  # how the files git does not track were found (Untracked, as JSON)
    problems: list[Problem] | None = None  # the last run's, configuration included
    files: int = 0  # cards and items
    documents: int = 0  # the configuration's files


def look(root: Path, context: str, today: str) -> Seen:
    """git's state now and, if the store was made by validate with this configuration on this day
    from the same state, its problems. Nothing is parsed or compiled, and nothing written but how
    the files git does not track were found, when they had to be listed again."""
    if not (root / STORE_FILE).exists():
        return _seen(root, None)
    with closing(Store(root)) as store:
        with in_transaction(store, "BEGIN"):  # one snapshot of the store
            meta = dict(store.db.execute("SELECT k, v FROM meta"))
            seen = _seen(root, meta.get("untracked"))
            if seen.state is not None and _made_from(meta, context, today, seen.state):
                seen.problems = [Problem.from_json(p) for p in json.loads(meta["config"])] + store.problems()
                seen.files, seen.documents = int(meta.get("files") or 0), int(meta.get("documents") or 0)
        if seen.untracked != (meta.get("untracked") or ""):
            try:
                with in_transaction(store):
                    store.set_meta(untracked=seen.untracked)
            except sqlite3.Error:  # a store that cannot be written: they are listed again next time
                pass
    return seen


def _seen(root: Path, untracked: str | None) -> Seen:
    work = work_tree(root, ARCHIVE_FOLDERS, Untracked.from_json(untracked))
    if work is None:  # outside git, or an index git cannot read: every file is compared
        return Seen(None)
    view = GitView(root, work.prefix, work.object_format)
    return Seen(current_state(view, work), view, work.untracked.to_json() if work.untracked else "")


def _made_from(meta: dict[str, str], context: str, today: str, state: tuple) -> bool:
    """True when the store's report was made with this code, schemas and configuration, today,
    from this state of git's."""
    return (meta.get("config") is not None and meta.get("context") == context and meta.get("version") == VERSION
            and meta.get("today") == today and meta.get("tree") == state[0]
            and json.loads(meta.get("dirty") or "null") == state[1])
