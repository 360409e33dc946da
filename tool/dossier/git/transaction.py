"""Whole operations 整体操作: every command that changes several files of the archive (import,
bind, delete, restore, purge, rekey, customer reassign, report --apply) changes them all or
none, even when its process is killed, and one at a time per clone.

How (docs/records-in-git.md, "Whole operations and the lock"):

1. The clone's lock (`<git common dir>/dossier.lock`, an exclusive flock) is held from the
   first read the operation depends on (allocating a code, planning an import) to the end:
   a second command waits for it, up to DOSSIER_LOCK_WAIT seconds (default 60), then refuses
   naming the command that holds it. The kernel releases a flock when its process dies.
2. The commit is built aside: a temporary index read from HEAD, the new files' objects
   handed to git as one stream (`fast-import`: the bytes the command holds, never files git
   would read and hash again), `write-tree`; the client hooks run on that index as `git commit`
   would run them (pre-commit, commit-msg); `commit-tree`. Nothing visible has changed yet.
3. A journal (`<git dir>/dossier-operation.json`: the action, HEAD before, the new commit,
   each path's blob before and after) is written, and each new file's bytes beside it under a
   fixed name (fsutil.aside); then one flush puts objects, journal and bytes on disk, and HEAD
   moves in one atomic `update-ref HEAD NEW OLD` (it refuses if HEAD moved meanwhile). This is
   the moment the operation happens: before it, nothing did; after it, all of it did.
4. A flush puts HEAD on disk; the new files are renamed over the old ones, the index is given
   their blobs (and their stat data, `update-index --refresh`), a last flush puts them on disk,
   and the journal is removed: a command that says it is done has made it durable, at three
   flushes for the batch, not one fsync per file. Git's own fsync settings are not relied on: by
   default (core.fsync, git 2.36+) git flushes packs but not loose objects, references or the
   index.

The next command that finds a journal (recover) finishes step 4 when HEAD holds the new
commit, or drops the journal and the bytes set aside when it does not (nothing had changed),
and says which.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import stat
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from . import gitrepo
from .gitwalk import OPERATION_ENV
from ..archive.errors import DossierError
from ..archive.fsutil import aside, atomic_write_bytes, atomic_write_text, flush_file_systems, write_asides

LOCK = "dossier.lock"
JOURNAL = "dossier-operation.json"
ZERO = "0" * 40
FILE_MODE = "100644"
DEFAULT_WAIT = 60.0  # seconds a command queues behind another before it refuses

_held: dict[str, int] = {}  # lock files this process holds → the descriptor its flock is on


# --- where: the repository around an archive ------------------------------------------------------


@dataclass(frozen=True)
class Repository:
    """The git repository an archive lives in: its top, the archive's folder in it, its git dirs."""

    top: Path
    prefix: str  # the archive's folder relative to top, "" or ending in "/"
    git_dir: Path  # this work tree's (HEAD, the index, the journal)
    common_dir: Path  # the clone's (refs, objects, the lock)


def repository(root: Path) -> Repository | None:
    result = gitrepo.run(["rev-parse", "--show-toplevel", "--show-prefix", "--absolute-git-dir", "--git-common-dir"],
                         root, check=False)
    lines = result.stdout.splitlines()
    if result.returncode != 0 or len(lines) < 4:
        return None
    top, prefix, git_dir, common = lines[0], lines[1], lines[2], lines[3]
    return Repository(Path(top), prefix, Path(git_dir), (root / common).resolve())


def _git_dir_of(root: Path) -> Path | None:
    """The git dir of the work tree holding `root`, found without running git (every command
    looks for an interrupted operation, so this must cost nothing when there is none)."""
    for folder in (root.resolve(), *root.resolve().parents):
        dot_git = folder / ".git"
        if dot_git.is_dir():
            return dot_git
        if dot_git.is_file():  # a linked work tree or a submodule: "gitdir: PATH"
            text = dot_git.read_text(encoding="utf-8", errors="replace").strip()
            return (folder / text.removeprefix("gitdir:").strip()).resolve() if text.startswith("gitdir:") else None
    return None


# --- the lock ---------------------------------------------------------------------------------------


@contextmanager
def locked(root: Path, command: str):
    """Hold the clone's lock (the archive's .dossier/ folder outside git) for `command`."""
    repo = repository(root)
    folder = repo.common_dir if repo else root / ".dossier"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK
    key = str(path)
    if key in _held:  # this process holds it already: an operation within an operation
        yield
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        _acquire(fd, path)
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps({"pid": os.getpid(), "command": command,
                                 "since": dt.datetime.now().astimezone().isoformat(timespec="seconds")}).encode())
        _held[key] = fd
        try:
            yield
        finally:
            del _held[key]
            os.ftruncate(fd, 0)
    finally:
        os.close(fd)  # releases the flock


def release_inherited_locks() -> None:
    """In a forked child process 子进程: close the descriptors of the clone's lock it inherited. A flock
    belongs to the open file both processes share, so a child that outlived its parent would hold
    the lock on: no other command could run until it ended. The parent's lock is untouched."""
    for fd in _held.values():
        try:
            os.close(fd)
        except OSError:
            pass
    _held.clear()


def under_lock(action: str):
    """Run a function of an Archive (its first argument) under the clone's lock."""
    import functools

    def decorate(function):
        @functools.wraps(function)
        def locked_call(archive, *args, **kwargs):
            with locked(archive.root, action):
                return function(archive, *args, **kwargs)
        return locked_call
    return decorate


def _acquire(fd: int, path: Path) -> None:
    import fcntl

    wait = _wait_seconds()
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise DossierError("archive-busy", seconds=f"{wait:g}", **_holder(path)) from None
            time.sleep(0.05)


def _wait_seconds() -> float:
    try:
        return max(0.0, float(os.environ.get("DOSSIER_LOCK_WAIT", DEFAULT_WAIT)))
    except ValueError:
        return DEFAULT_WAIT


def _holder(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        data = {}
    return {"pid": str(data.get("pid", "?")), "command": str(data.get("command", "?")),
            "since": str(data.get("since", "?"))}


# --- one operation ------------------------------------------------------------------------------------


@dataclass
class Operation:
    """The files one command changes, committed together (step 2-4 of the module's docstring).
    Paths are relative to the archive's root."""

    root: Path
    action: str  # delete, import, bind …: named in the journal and in what recovery says
    writes: dict[str, bytes] = field(default_factory=dict)
    moves: dict[str, str] = field(default_factory=dict)  # destination → source (same blob, new place)
    removals: list[str] = field(default_factory=list)
    prune: str = ""  # a folder under which folders the operation leaves empty go (git keeps none)
    hooks: bool = True  # run the client hooks on the commit, as `git commit` does

    def write(self, rel: str, data: bytes) -> None:
        self.writes[rel] = data

    def move(self, src: str, dst: str) -> None:
        self.moves[dst] = src
        self.removals.append(src)

    def remove(self, rel: str) -> None:
        self.removals.append(rel)

    @property
    def paths(self) -> list[str]:
        return sorted({*self.writes, *self.moves, *self.removals})

    def commit(self, subject: str, trailers: list[tuple[str, str]], body: str = "") -> str | None:
        """Make the change: the new commit, or None when git is not used (files written one by
        one) or nothing changes. The message: subject, body, trailers."""
        repo = repository(self.root)
        if repo is None:
            for rel, data in self.writes.items():
                atomic_write_bytes(self.root / rel, data)
            return None
        with locked(self.root, self.action):
            return _Commit(self, repo).make(subject, trailers, body)


class _Commit:
    def __init__(self, operation: Operation, repo: Repository) -> None:
        self.op = operation
        self.repo = repo
        self.index = repo.git_dir / f"dossier-index.{os.getpid()}"
        self.contents: dict[str, bytes] = {}  # blob → bytes, of the files written

    def git(self, args: list[str], input: str | None = None, temp_index: bool = False) -> str:
        extra = {"GIT_INDEX_FILE": str(self.index)} if temp_index else None
        return gitrepo.output(args, self.repo.top, "lifecycle-git-failed", input=input, extra_env=extra)

    def full(self, rel: str) -> str:
        return self.repo.prefix + rel

    def make(self, subject: str, trailers: list[tuple[str, str]], body: str) -> str | None:
        old = gitrepo.run(["rev-parse", "--verify", "-q", "HEAD"], self.repo.top, check=False).stdout.strip()
        _remove_leftovers(self.repo.git_dir)  # of a process killed before its journal: we hold the lock
        try:
            tree, entries = self._tree(old)
            if old and tree == self.git(["rev-parse", f"{old}^{{tree}}"]).strip():
                return None
            message = self._message(subject, body, trailers)
            new = self.git(["commit-tree", tree, *(["-p", old] if old else []), "-F", "-"], input=message).strip()
        finally:
            self.index.unlink(missing_ok=True)
        pause_point("built")
        journal = Journal(self.op.action, old or ZERO, new, entries, subject, self.op.prune)
        journal.save(self.repo.git_dir)
        pause_point("journal")
        try:
            journal.prepare(self.repo, self.contents)
            moved = gitrepo.run(["update-ref", "-m", f"dossier {self.op.action}: {subject}", "HEAD", new,
                                 old or ZERO], self.repo.top, check=False)
            if moved.returncode != 0:
                raise DossierError("operation-head-moved", action=self.op.action, detail=gitrepo.said(moved))
        except BaseException:  # HEAD did not move: nothing happened, nothing is left
            journal.discard_asides(self.repo)
            journal.drop(self.repo.git_dir)
            raise
        pause_point("ref")
        journal.finish(self.repo, prepared=True)
        return new

    def _tree(self, old: str) -> tuple[str, dict[str, tuple[str | None, str | None]]]:
        """Write the new tree from HEAD and the changes; returns it and each path's (old, new) entry
        as "mode blob" (None: absent)."""
        self.git(["read-tree", old] if old else ["read-tree", "--empty"], temp_index=True)
        before = self._entries()
        after = dict(before)
        for rel in self.op.removals:
            after[rel] = None
        for dst, src in self.op.moves.items():
            if before.get(src) is None:
                raise DossierError("operation-not-committed", path=src)
            after[dst] = before[src]
        for rel, blob in _store_blobs(self.repo, self.op.writes).items():
            mode = (before.get(rel) or FILE_MODE).split()[0]
            after[rel] = f"{mode} {blob}"
            self.contents[blob] = self.op.writes[rel]
        lines = [f"{entry or '0 ' + ZERO}\t{self.full(rel)}" for rel, entry in after.items() if entry != before.get(rel)]
        self.git(["update-index", "--index-info"], input="".join(line + "\n" for line in lines), temp_index=True)
        tree = self.git(["write-tree"], temp_index=True).strip()
        return tree, {rel: (before.get(rel), after[rel]) for rel in self.op.paths if after[rel] != before.get(rel)}

    def _entries(self) -> dict[str, str | None]:
        """Each path's "mode blob" in the temporary index (None: not there)."""
        out = self.git(["ls-files", "-s", "-z"], temp_index=True)
        found: dict[str, str | None] = dict.fromkeys(self.op.paths)
        for record in filter(None, out.split("\0")):
            info, path = record.split("\t", 1)
            mode, blob, _ = info.split()
            rel = path[len(self.repo.prefix):]
            if rel in found:
                found[rel] = f"{mode} {blob}"
        return found

    def _message(self, subject: str, body: str, trailers: list[tuple[str, str]]) -> str:
        """The commit message after the client hooks: pre-commit checks the temporary index and
        commit-msg the message, as for `git commit`; either may refuse."""
        block = "\n".join(f"{key}: {value}" for key, value in trailers)
        message_file = self.repo.git_dir / f"DOSSIER_MSG.{os.getpid()}"
        message_file.write_text("\n\n".join(part for part in (subject, body.strip(), block) if part) + "\n",
                                encoding="utf-8")
        try:
            for hook, args in (("pre-commit", []), ("commit-msg", ["--", str(message_file)])) if self.op.hooks else ():
                result = gitrepo.run(["hook", "run", "--ignore-missing", hook, *args], self.repo.top, check=False,
                                     extra_env={"GIT_INDEX_FILE": str(self.index), OPERATION_ENV: self.op.action})
                if result.returncode != 0:
                    said = (result.stderr or result.stdout).strip()  # whole: it names what to fix
                    raise DossierError("operation-hook-refused", hook=hook, detail=said or f"exit {result.returncode}")
            return message_file.read_text(encoding="utf-8")
        finally:
            message_file.unlink(missing_ok=True)


def _store_blobs(repo: Repository, writes: dict[str, bytes]) -> dict[str, str]:
    """The blobs of new files' bytes, handed to git as one stream: `fast-import` stores them (in one
    pack, or as loose objects when there are few) and names each by its mark; no temporary files."""
    if not writes:
        return {}
    stream = bytearray()
    for number, data in enumerate(writes.values(), 1):
        stream += b"blob\nmark :%d\ndata %d\n" % (number, len(data))
        stream += data
        stream += b"\n"
    marks = repo.git_dir / f"dossier-marks.{os.getpid()}"
    try:
        _git_bytes(repo, ["fast-import", "--quiet", "--done", f"--export-marks={marks}"], bytes(stream + b"done\n"))
        named = dict(line.split() for line in marks.read_text(encoding="ascii").splitlines())
    finally:
        marks.unlink(missing_ok=True)
    return {rel: named[f":{number}"] for number, rel in enumerate(writes, 1)}


def _git_bytes(repo: Repository, args: list[str], data: bytes) -> bytes:
    """git `args` fed `data`, its output as bytes."""
    import subprocess

    from .gitwalk import environment

    result = subprocess.run(["git", *args], cwd=repo.top, env=environment(), input=data, capture_output=True,
                            check=False)
    if result.returncode != 0:
        raise DossierError("lifecycle-git-failed", step=args[0], detail=result.stderr.decode(errors="replace"))
    return result.stdout


def write_work_tree(root: Path, action: str, files: dict[str, bytes]) -> None:
    """Files a command changes in the work tree only, for the user to commit (rekey), written all
    or none: in git, their objects and a journal first (HEAD stays; the index is left alone), so a
    killed run is finished by the next command like an operation whose commit was made."""
    repo = repository(root)
    if repo is None or not files:
        for rel, data in files.items():
            atomic_write_bytes(root / rel, data)
        return
    with locked(root, action):
        head = gitrepo.run(["rev-parse", "--verify", "-q", "HEAD"], repo.top, check=False).stdout.strip() or ZERO
        now = _work_tree_blobs(repo, list(files))
        blobs = _store_blobs(repo, files)
        entries = {rel: (f"{FILE_MODE} {now[rel]}" if now[rel] else None, f"{FILE_MODE} {blob}")
                   for rel, blob in blobs.items()}
        journal = Journal(action, head, head, entries, action, stage=False)
        journal.save(repo.git_dir)
        pause_point("journal")
        journal.prepare(repo, {blobs[rel]: data for rel, data in files.items()})
        journal.finish(repo, prepared=True)


def pause_point(moment: str) -> None:
    """Tests stop the process here (DOSSIER_KILL_AT=moment sends it SIGKILL, as a power cut or
    `kill -9` would) to prove that every moment of an operation can be recovered from."""
    if os.environ.get("DOSSIER_KILL_AT") == moment:
        import signal

        os.kill(os.getpid(), signal.SIGKILL)


# --- the journal and recovery -------------------------------------------------------------------


@dataclass
class Journal:
    """What an operation in progress changes: written before HEAD moves, removed when the work
    tree holds the new commit."""

    action: str
    old: str
    new: str
    entries: dict[str, tuple[str | None, str | None]]  # path → ("mode blob" before, after)
    subject: str = ""
    prune: str = ""
    stage: bool = True  # the index follows (a commit); False: the work tree only (rekey)
    pid: int = 0
    started: str = ""

    def save(self, git_dir: Path) -> None:
        self.pid = os.getpid()
        self.started = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        data = {**self.__dict__, "entries": {rel: list(pair) for rel, pair in self.entries.items()}}
        atomic_write_text(git_dir / JOURNAL, json.dumps(data, ensure_ascii=False, indent=1))

    @classmethod
    def load(cls, git_dir: Path) -> "Journal | None":
        try:
            data = json.loads((git_dir / JOURNAL).read_text(encoding="utf-8"))
            data["entries"] = {rel: tuple(pair) for rel, pair in data["entries"].items()}
            return cls(**data)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, TypeError, KeyError):
            raise DossierError("operation-journal-broken", path=str(git_dir / JOURNAL)) from None

    def drop(self, git_dir: Path) -> None:
        (git_dir / JOURNAL).unlink(missing_ok=True)

    def prepare(self, repo: Repository, contents: dict[str, bytes]) -> None:
        """Each new file's bytes (`contents`: blob → bytes; others are read from git) beside the file
        it replaces, then one flush: objects, journal and bytes are on disk before anything moves."""
        root = repo.top / repo.prefix
        wanted = [_blob(after) for _, after in self.entries.values() if after]
        contents = {**contents, **_blob_contents(repo, [blob for blob in wanted if blob not in contents])}
        write_asides((root / rel, contents[_blob(after)]) for rel, (_, after) in self.entries.items() if after)
        pause_point("written")
        flush_file_systems([root, repo.git_dir, repo.common_dir])
        pause_point("flushed")

    def finish(self, repo: Repository, prepared: bool = False) -> list[str]:
        """Bring the work tree and the index to the new commit for the journal's paths (their bytes
        set aside by prepare, which recovery does again); returns the paths left alone because
        someone changed them since (neither the old nor the new content)."""
        root = repo.top / repo.prefix
        if not prepared:
            self.prepare(repo, {})
        flush_file_systems([repo.git_dir, repo.common_dir])  # HEAD is on disk before the work tree changes
        current = _work_tree_blobs(repo, list(self.entries))
        changed, kept, left = [], [], []  # left: paths whose bytes set aside were not renamed
        for rel, (before, after) in self.entries.items():
            now = current.get(rel)
            if now == _blob(after):
                changed.append(rel)
                left.append(rel)
            elif now != _blob(before):
                kept.append(rel)
                left.append(rel)
            else:
                _bring(root, rel, after, self.prune)
                changed.append(rel)
                pause_point("work-tree")
        self.discard_asides(repo, left)
        if changed and self.stage:
            listing = "".join(f"{self.entries[rel][1] or '0 ' + ZERO}\t{repo.prefix}{rel}\0" for rel in changed)
            gitrepo.output(["update-index", "-z", "--index-info"], repo.top, "lifecycle-git-failed", input=listing)
            # entries given by blob have no stat data: git reads those files once to record it, as
            # `git reset` did, or `git reset --keep` and `git status` would take them for changed
            gitrepo.output(["update-index", "-q", "--refresh"], repo.top, "lifecycle-git-failed")
        flush_file_systems([root, repo.git_dir])  # the new files and the index are on disk: done is durable
        self.drop(repo.git_dir)
        return kept

    def discard_asides(self, repo: Repository, paths: list[str] | None = None) -> None:
        """The bytes set aside that were not renamed: of `paths` (a file kept, or already new), or
        of every path (the operation undone)."""
        root = repo.top / repo.prefix
        for rel in self.entries if paths is None else paths:
            aside(root / rel).unlink(missing_ok=True)


def _blob(entry: str | None) -> str | None:
    return entry.split()[1] if entry else None


def _bring(root: Path, rel: str, after: str | None, prune: str) -> None:
    """One path to its new state: its bytes set aside renamed over it, or the file removed."""
    target = root / rel
    if after is None:
        target.unlink(missing_ok=True)
        if prune:
            _prune_empty(root / prune, target.parent)
        return
    os.replace(aside(target), target)
    if after.split()[0] == "100755":
        target.chmod(target.stat().st_mode | 0o111)


def _prune_empty(top: Path, folder: Path) -> None:
    """Folders a removal left empty under `top` go, `top` included."""
    while folder.is_relative_to(top):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def _work_tree_blobs(repo: Repository, paths: list[str]) -> dict[str, str | None]:
    """The blob each path's work-tree file would be (None: no file)."""
    root = repo.top / repo.prefix
    present = [rel for rel in paths if _is_regular_file(root / rel)]
    found: dict[str, str | None] = dict.fromkeys(paths)
    if present:
        out = gitrepo.output(["hash-object", "--no-filters", "--stdin-paths"], root, "lifecycle-git-failed",
                             input="\n".join(str(root / rel) for rel in present) + "\n")
        found.update(zip(present, out.split()))
    return found


def _is_regular_file(path: Path) -> bool:
    """A file, not a symbolic link (one lstat: a command checks thousands of paths)."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return False


def _blob_contents(repo: Repository, blobs: list[str]) -> dict[str, bytes]:
    """The bytes of `blobs`, read by one `cat-file --batch`."""
    unique = list(dict.fromkeys(blobs))
    if not unique:
        return {}
    out = _git_bytes(repo, ["cat-file", "--batch"], "".join(blob + "\n" for blob in unique).encode("ascii"))
    found, at = {}, 0
    for blob in unique:
        header_end = out.index(b"\n", at)
        header = out[at:header_end].split()
        if len(header) != 3:  # "<blob> missing"
            raise DossierError("lifecycle-git-failed", step="cat-file", detail=out[at:header_end].decode())
        size = int(header[2])
        found[blob] = out[header_end + 1:header_end + 1 + size]
        at = header_end + 1 + size + 1
    return found


def _remove_leftovers(git_dir: Path) -> None:
    """Temporary indexes and object folders of operations killed before their journal existed."""
    for stale in git_dir.glob("dossier-index.*"):
        stale.unlink(missing_ok=True)
    for stale in git_dir.glob("dossier-objects.*"):
        shutil.rmtree(stale, ignore_errors=True)
    for stale in git_dir.glob("dossier-marks.*"):
        stale.unlink(missing_ok=True)


@dataclass(frozen=True)
class Recovery:
    """What the next command did about an operation a killed process left."""

    action: str
    outcome: str  # finished (the commit was made) | written (a work-tree change) | undone
    commit: str
    subject: str
    pid: int
    started: str
    kept: tuple[str, ...] = ()  # paths changed by hand since, left as they are


def recover(root: Path) -> Recovery | None:
    """Finish or undo an operation a killed process left, under the lock; None when there is none."""
    git_dir = _git_dir_of(root)
    if git_dir is None or not (git_dir / JOURNAL).exists():
        return None
    with locked(root, "recover"):
        return _recover(root, git_dir)


def _recover(root: Path, git_dir: Path) -> Recovery | None:
    journal = Journal.load(git_dir)  # read again under the lock: its owner may have just finished
    repo = repository(root)
    if journal is None or repo is None:
        return None
    _remove_leftovers(git_dir)
    head = gitrepo.run(["rev-parse", "--verify", "-q", "HEAD"], repo.top, check=False).stdout.strip() or ZERO
    made = head == journal.new or gitrepo.run(["merge-base", "--is-ancestor", journal.new, head], repo.top,
                                              check=False).returncode == 0
    if made:
        kept = tuple(journal.finish(repo))
    else:  # HEAD never moved: the work tree was not touched (it is changed only after HEAD moves)
        kept = ()
        journal.discard_asides(repo)
        journal.drop(git_dir)
    outcome = ("finished" if journal.stage else "written") if made else "undone"
    return Recovery(journal.action, outcome, journal.new if made else journal.old, journal.subject, journal.pid,
                    journal.started, kept)
