"""What changed in an archive's files, as git sees it: which files differ from HEAD now (git's
own status, with its index, its racy-clean rule and its file-system monitor where one is set
up), and which files two commits hold differently.

This is how `dossier find` knows, for the cost of a `git status`, which files to look at before
it answers: everything else is as HEAD has it. Every function answers None when git cannot say
(not a work tree, git missing, an index git refuses to read, a commit no longer there); the
caller then looks at every file itself.
"""

from __future__ import annotations

import hashlib
import os
from typing import Iterable

from ..archive.errors import DossierError
from .gitwalk import GitProcess

INDEX_FOLDERS = ("customers", "records", "daily")  # where the files the index holds are
UNKNOWN = ""  # a blob id git did not give (an unmerged path): never taken as equal to anything
# git's stat check at its strictest, whatever the clone's settings: a file rewritten with the
# same size and modification time still has a new ctime.
_STRICT = ["-c", "core.checkStat=default", "-c", "core.trustctime=true"]
_ZERO = {"0" * 40, "0" * 64}
LS_TREE_ARGUMENTS = 1000  # paths named on one ls-tree command line, beyond which the whole tree is listed


class WorkTree:
    """The archive's work tree against HEAD."""

    def __init__(self, head: str | None, prefix: str, object_format: str, changed: dict[str, str | None]) -> None:
        self.head = head  # HEAD's commit id; None before the first commit
        self.prefix = prefix  # the archive's folder in the repository: '' or 'path/'
        self.object_format = object_format  # 'sha1' or 'sha256': how git names a blob
        self.changed = changed  # archive-relative path → its blob id in HEAD (None: not there)


def _start(root: str, args: list[str]) -> GitProcess | None:
    try:
        return GitProcess(args, root)
    except (DossierError, OSError):  # no git, or no process to be had
        return None


def _finish(process: GitProcess | None) -> str | None:
    if process is None:
        return None
    code, out, _ = process.result()
    return out.decode("utf-8", "surrogateescape") if code == 0 else None


def _git(root, args: list[str]) -> str | None:
    return _finish(_start(os.fspath(root), args))


def _status_processes(root: str, folders: tuple[str, ...]) -> tuple[GitProcess | None, GitProcess | None]:
    return (_start(root, ["rev-parse", "--show-prefix", "--show-object-format"]),
            _start(root, [*_STRICT, "status", "--porcelain=v2", "-z", "--branch", "--no-renames",
                          "--untracked-files=all", "--ignored=matching", "--", *folders]))


_ahead: dict[tuple[str, tuple[str, ...]], tuple] = {}  # (root, folders) → the processes started ahead


def start_work_tree(root, folders: tuple[str, ...]) -> None:
    """Start git's status of `root` now (`dossier find` does, before it loads the index and what
    else it needs); work_tree takes it over."""
    _ahead[(os.fspath(root), tuple(folders))] = _status_processes(os.fspath(root), tuple(folders))


def stop_unused() -> None:
    """Stop what was started ahead and not taken over (the command turned out not to need it)."""
    while _ahead:
        for process in _ahead.popitem()[1]:
            if process is not None:
                process.stop()


def work_tree(root, folders: Iterable[str]) -> WorkTree | None:
    """Every file under `folders` (archive-relative) that differs from HEAD, staged or not,
    untracked or ignored, by git's status; None when git cannot say."""
    key = (os.fspath(root), tuple(folders))
    started = _ahead.pop(key, None) or _status_processes(*key)
    about, status = (_finish(process) for process in started)
    if about is None or status is None:
        return None
    prefix, object_format = (about.split("\n") + ["", ""])[:2]
    if object_format not in ("sha1", "sha256"):
        return None
    return _parse_status(status, prefix, object_format)


def _parse_status(text: str, prefix: str, object_format: str) -> WorkTree:
    head: str | None = None
    changed: dict[str, str | None] = {}
    entries = iter(text.split("\0"))
    for entry in entries:
        kind = entry[:1]
        if entry.startswith("# branch.oid "):
            oid = entry.split(" ", 2)[2]
            head = None if oid == "(initial)" else oid
        elif kind == "1":  # 1 XY sub mH mI mW hH hI path
            fields = entry.split(" ", 8)
            changed[fields[8]] = None if fields[6] in _ZERO else fields[6]
        elif kind == "2":  # a rename despite --no-renames: both paths changed, the original follows
            fields = entry.split(" ", 9)
            changed[fields[9]] = UNKNOWN
            changed[next(entries)] = UNKNOWN
        elif kind == "u":  # unmerged: u XY sub m1 m2 m3 mW h1 h2 h3 path
            changed[entry.split(" ", 10)[10]] = UNKNOWN
        elif kind in ("?", "!"):
            changed[entry[2:]] = None
    relative = {_strip(path, prefix): blob for path, blob in changed.items()}
    return WorkTree(head, prefix, object_format, relative)


def _strip(path: str, prefix: str) -> str:
    return path[len(prefix):] if prefix and path.startswith(prefix) else path


def changed_between(root, old: str, new: str, folders: Iterable[str], prefix: str) -> dict[str, str | None] | None:
    """Archive-relative path → its blob id in `new` (None: not there) of every file under
    `folders` that the two commits hold differently; None when git cannot say."""
    raw = _git(root, ["diff-tree", "-r", "-z", "--no-renames", "--raw", old, new, "--", *folders])
    if raw is None:
        return None
    changed: dict[str, str | None] = {}
    fields = raw.split("\0")
    for header, path in zip(fields[0::2], fields[1::2]):  # ":old-mode new-mode old-blob new-blob X", path
        new_blob = header.split(" ")[3] if header.startswith(":") else UNKNOWN
        changed[_strip(path, prefix)] = None if new_blob in _ZERO else new_blob
    return changed


def head_blobs(root, head: str, paths: Iterable[str] | None, folders: Iterable[str]) -> dict[str, str] | None:
    """Archive-relative path → blob id in commit `head` of those of `paths` it holds (all the
    files under `folders` when paths is None or long); None when git cannot say."""
    named = sorted(paths) if paths is not None else []
    if paths is None or len(named) > LS_TREE_ARGUMENTS:
        named = list(folders)
    listing = _git(root, ["ls-tree", "-r", "-z", head, "--", *named]) if named else ""
    if listing is None:
        return None
    blobs = {}
    for entry in listing.split("\0"):
        info, _, path = entry.partition("\t")
        parts = info.split(" ")
        if len(parts) == 3 and parts[1] == "blob":
            blobs[path] = parts[2]  # ls-tree names paths relative to where it runs: the archive's root
    return blobs


def blob_id(raw: bytes, object_format: str = "sha1") -> str:
    """The id git gives a file holding `raw` (`git hash-object`)."""
    digest = hashlib.new(object_format)
    digest.update(b"blob %d\0" % len(raw))
    digest.update(raw)
    return digest.hexdigest()
