"""What changed in an archive's files, as git knows it (issue 18).

git keeps every tracked file's object id in its index and the stat data that tells it, in the
time `git status` takes, which files changed since; a tree of a commit names every file's
content by its id. Asking git is therefore the cheapest way to know what changed: a Python stat
of 100,000 files plus a cache of them costs more than git's own status of the same tree. This
is how validate (regulation/archive_facts.py), the pre-commit hook (regulation/staged_check.py)
and find's index (search/index.py) know which files to read again.

A GitView is one archive's folder in its repository (the archive may be a sub-folder: its
`prefix`). Paths in and out are archive-relative, posix. Every command runs with the
environment of gitwalk.environment: in a hook, the index being committed (GIT_INDEX_FILE).
The functions at the end answer None where git cannot say (not a work tree, git missing, an
index git refuses to read, a commit no longer there): their callers then look at every file.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..archive.errors import DossierError
from ..archive.fsutil import RACY_NS
from .gitwalk import GitProcess, environment

ARCHIVE_FOLDERS = ("customers", "records", "daily", "trash", "volumes")  # what validate checks
INDEX_FOLDERS = ("customers", "records", "daily")  # where the files find's index holds are
EMPTY_TREE = {"sha1": "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
              "sha256": "6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321"}
UNKNOWN = ""  # a blob id git did not give (an unmerged path): never taken as equal to anything
_ZERO = {"0" * 40, "0" * 64}
MANY_PATHS = 500  # paths named on one ls-tree command line, beyond which the whole tree is listed
# git's stat check at its strictest, whatever the clone's settings: a file rewritten with the
# same size and modification time still has a new ctime.
_STRICT = ["-c", "core.checkStat=default", "-c", "core.trustctime=true"]


class GitFailed(Exception):
    """A git command failed where the caller can fall back to reading the files itself."""


@dataclass(frozen=True)
class StagedFile:
    """A file the commit being made adds (A), changes (M, T) or deletes (D): its blob id in git's
    index (git's zero id for a deleted file)."""

    status: str
    path: str
    blob: str


@dataclass
class WorkTree:
    """The archive's work tree against HEAD, as git's status gives it."""

    head: str | None  # HEAD's commit id; None before the first commit
    prefix: str  # the archive's folder in the repository: '' or 'path/'
    object_format: str  # 'sha1' or 'sha256': how git names a blob
    tree: str | None = None  # the id of the archive's folder in HEAD; None before the first commit
    untracked: Untracked | None = None  # how the files git does not track were found: keep it for next time
    changed: dict[str, str | None] = field(default_factory=dict)  # path → its blob id in HEAD (None: not there)
    codes: dict[str, str] = field(default_factory=dict)  # path → git's two letters ("M.", ".M", "??" …)


@dataclass
class Untracked:
    """The files under the archive's folders that git does not track (untracked or ignored: both
    are in the work tree, and validate checks them alike), and the stat of every folder there when
    they were listed. A file comes or goes only by changing its folder's modification time, so
    while no folder changed the list holds, and git's status need not walk the folders again:
    git's own untracked cache (core.untrackedCache) rests on the same fact. Folders changed within
    RACY_NS of their stat are not trusted: the list is then kept for this run only."""

    paths: list[str]  # archive-relative
    folders: dict[str, list[int]] | None  # folder → [mtime_ns, ctime_ns, inode] ([] absent); None: not trusted

    def holds(self, root) -> bool:
        """True when no folder changed since the list was made (so the list is still right)."""
        return self.folders is not None and _folder_stats(os.fspath(root), self.folders) == self.folders

    def to_json(self) -> str:
        """The list to keep for next time ("" when its folders cannot be trusted: listed again)."""
        return json.dumps([self.paths, self.folders], ensure_ascii=False) if self.folders is not None else ""

    @classmethod
    def from_json(cls, text: str | None) -> Untracked | None:
        try:
            paths, folders = json.loads(text) if text else (None, None)
        except (ValueError, TypeError):  # not ours: the folders are walked again
            return None
        return cls(paths, folders) if isinstance(paths, list) and isinstance(folders, dict) else None


@dataclass(frozen=True)
class GitView:
    root: Path  # the archive's folder
    prefix: str  # its path in the repository: "" at the top, "archive/" for a sub-folder
    object_format: str = "sha1"

    @classmethod
    def of(cls, root: Path) -> GitView | None:
        """The view of the repository `root` is in; None when it is in none (or git is missing)."""
        try:
            out = _git(root, ["rev-parse", "--is-inside-work-tree", "--show-prefix", "--show-object-format"])
        except (GitFailed, FileNotFoundError):
            return None
        inside, prefix, object_format = (out.decode("utf-8", "surrogateescape").split("\n") + ["", ""])[:3]
        return cls(Path(root), prefix, object_format or "sha1") if inside == "true" else None

    def git(self, args: list[str], input: bytes | None = None) -> bytes:
        return _git(self.root, args, input)

    # --- commits and trees --------------------------------------------------------------------

    def tree(self, rev: str = "HEAD") -> str | None:
        """The id of the archive's folder in commit `rev`; None before the first commit."""
        try:
            return self.git(["rev-parse", "-q", "--verify", f"{rev}:{self.prefix}"]).decode().strip() or None
        except GitFailed:
            return None

    @property
    def empty_tree(self) -> str:
        return EMPTY_TREE.get(self.object_format, EMPTY_TREE["sha1"])

    def tree_changes(self, old: str, new: str, folders: Iterable[str] = ARCHIVE_FOLDERS) -> dict[str, str | None]:
        """path → blob id in `new` (None: not there) of the files under `folders` whose content
        differs between two trees of the archive's folder (git's diff of trees: proportional to
        what changed, not to the archive). GitFailed when a tree is unknown here (a store or an
        index made in another clone)."""
        out = self.git(["diff-tree", "-r", "-z", "--no-renames", "--raw", old, new, "--",
                        *(f":(top){folder}" for folder in folders)])  # the trees are the archive's folder
        fields = out.decode("utf-8", "surrogateescape").split("\0")
        changed: dict[str, str | None] = {}
        for header, path in zip(fields[0::2], fields[1::2]):  # ":old-mode new-mode old-id new-id X", path
            blob = header.split(" ")[3] if header.startswith(":") else UNKNOWN
            changed[path] = None if blob in _ZERO else blob
        return changed

    def tree_entries(self, tree: str, paths: Iterable[str] | None = None,
                     folders: Iterable[str] = ARCHIVE_FOLDERS) -> dict[str, str]:
        """path → blob id of the files of `tree` (the archive's folder) among `paths`; those
        under `folders` when paths is None or too many to name (a superset: callers look up)."""
        named = sorted(paths) if paths is not None else []
        if paths is None or len(named) > MANY_PATHS:
            named = list(folders)
        if not named:
            return {}
        out = self.git(["ls-tree", "-r", "-z", "--full-tree", tree, "--", *named])
        found = {}
        for entry in out.decode("utf-8", "surrogateescape").split("\0"):
            info, _, name = entry.partition("\t")
            parts = info.split(" ")
            if len(parts) == 3 and parts[1] == "blob":  # not a submodule's commit
                found[name] = parts[2]
        return found

    # --- the index and the work tree ------------------------------------------------------------

    def status(self, folders: tuple[str, ...] = ARCHIVE_FOLDERS) -> WorkTree:
        """Every file under `folders` that differs from HEAD, staged or not, or that git does not
        track (untracked and ignored ones too: validate checks every file there). git refreshes
        its index on the way, comparing content where a file's stat data cannot be trusted
        (racily clean). A status started ahead for this folder (start_work_tree) is taken over."""
        tree = work_tree(self.root, folders)
        if tree is None:
            raise GitFailed("git status or ls-files failed")
        return tree

    def staged_changes(self, folders: tuple[str, ...] = ()) -> list[StagedFile]:
        """What the commit being made changes against HEAD (against nothing before the first
        commit), under `folders` or everywhere in the archive: one read of git's index."""
        base = self.tree("HEAD") and "HEAD" or self.empty_tree
        out = self.git(["diff-index", "--cached", "-z", "--no-renames", "--relative", base, "--", *(folders or ["."])])
        fields = out.split(b"\0")  # ":OLDMODE NEWMODE OLDID NEWID STATUS", then the path
        return [StagedFile(fields[i].decode()[-1:], fields[i + 1].decode("utf-8", "surrogateescape"),
                           fields[i].decode().split(" ")[3])
                for i in range(0, len(fields) - 1, 2) if fields[i].startswith(b":")]

    def edited_after_staging(self, paths: list[str]) -> dict[str, bytes]:
        """The staged bytes of those of `paths` whose work-tree file differs from them (staged,
        then edited again or removed; `git add -p`): what the commit takes."""
        out = self.git(["diff", "--name-only", "-z", "--relative", "--", *(f":(literal){rel}" for rel in paths)])
        differing = sorted({name.decode("utf-8", "surrogateescape") for name in out.split(b"\0")} & set(paths))
        return {rel: raw or b"" for rel, raw in zip(differing, self.blobs([f":{rel}" for rel in differing]))}

    def index_paths(self, pathspecs: list[str]) -> list[str]:
        """The paths in the index matching `pathspecs` (git's globs: `records/3/2026/3-2026-S01-*`)."""
        out = self.git(["ls-files", "-z", "--", *pathspecs])
        return [name.decode("utf-8", "surrogateescape") for name in out.split(b"\0") if name]

    def blobs(self, names: list[str]) -> list[bytes | None]:
        """The contents of objects named as git names them (`:path` in the index, `TREE:path`, an
        id), through one `git cat-file --batch`; None for a name that is not there."""
        if not names:
            return []
        qualified = [(f":./{name[1:]}" if name.startswith(":") else name) for name in names]
        out = self.git(["cat-file", "--batch"], "\n".join(qualified).encode("utf-8", "surrogateescape") + b"\n")
        found, at = [], 0
        for _ in qualified:
            end = out.index(b"\n", at)
            header = out[at:end].split(b" ")
            if len(header) != 3 or header[1] != b"blob":  # "NAME missing" or not a file
                found.append(None)
                at = end + 1
                continue
            size = int(header[2])
            found.append(out[end + 1:end + 1 + size])
            at = end + 1 + size + 1
        return found

    def blob_id(self, data: bytes) -> str:
        return blob_id(data, self.object_format)


def blob_id(raw: bytes, object_format: str = "sha1") -> str:
    """The id git gives a file holding `raw` (`git hash-object`, no filters applied)."""
    digest = hashlib.new("sha256" if object_format == "sha256" else "sha1")
    digest.update(b"blob %d\0" % len(raw))
    digest.update(raw)
    return digest.hexdigest()


def _git(cwd: Path, args: list[str], input: bytes | None = None) -> bytes:
    result = subprocess.run(["git", "-c", "core.quotePath=false", *args], cwd=cwd, env=environment(), input=input,
                            capture_output=True)
    if result.returncode != 0:
        raise GitFailed(result.stderr.decode("utf-8", "replace").strip())
    return result.stdout


# --- git's status, started ahead -----------------------------------------------------------------
# A status of 100,000 files takes git about as long as Python takes to load what validate or find
# needs; started first, it runs beside it (two processes, two cores).


# git's status of the files it tracks only (no untracked files, no pathspec: a walk of the folders
# or a pathspec makes git's status of 100,000 files half as slow again); the files it does not
# track come from `ls-files --others` of the archive's folders, and only when a folder changed.
_STATUS = [*_STRICT, "status", "--porcelain=v2", "-z", "--branch", "--no-renames", "--untracked-files=no"]
_ABOUT = ["rev-parse", "--show-prefix", "--show-object-format", "--verify", "-q", "HEAD:./"]  # HEAD:./ is the
# archive's folder: its place, its object format and HEAD's tree of it in one process


def _others_command(folders: Iterable[str]) -> list[str]:
    return ["ls-files", "-z", "--full-name", "--others", "--", *folders]


def _parse_status(status: str, root, prefix: str, object_format: str, folders: Iterable[str],
                  untracked: Untracked) -> WorkTree:
    """The WorkTree of git's status and of the files it does not track, under `folders` of the
    archive at `root`."""
    tree = WorkTree(None, prefix, object_format, untracked=untracked)
    within = tuple(f"{prefix}{folder}/" for folder in folders)
    entries = iter(status.split("\0"))
    for entry in entries:
        kind = entry[:1]
        if entry.startswith("# branch.oid "):
            oid = entry.split(" ", 2)[2]
            tree.head = None if oid == "(initial)" else oid
        elif kind == "1":  # 1 XY sub mH mI mW hH hI path
            fields = entry.split(" ", 8)
            _note(tree, within, fields[8], fields[1], None if fields[6] in _ZERO else fields[6])
        elif kind == "2":  # a rename despite --no-renames: both paths changed, the original follows
            fields = entry.split(" ", 9)
            _note(tree, within, fields[9], fields[1], UNKNOWN)
            _note(tree, within, next(entries), fields[1], UNKNOWN)
        elif kind == "u":  # unmerged: u XY sub m1 m2 m3 mW h1 h2 h3 path
            _note(tree, within, entry.split(" ", 10)[10], entry[2:4], UNKNOWN)
    for rel in untracked.paths:
        _note(tree, within, prefix + rel, "??", None)
    return tree


def _listed_others(out: str, root, prefix: str) -> list[str]:
    """The archive-relative files of `ls-files --others`; a folder it names (a repository of its
    own inside) is entered here, as `git status --untracked-files=all` would."""
    found = []
    for path in out.split("\0"):
        found += _files_in(Path(root), prefix, path) if path.endswith("/") else [path] if path else []
    return [path[len(prefix):] for path in found if path.startswith(prefix)]


def _files_in(root: Path, prefix: str, folder: str) -> list[str]:
    """The files of an untracked folder (repository-relative paths), as `--untracked-files=all`
    would list them."""
    if not folder.startswith(prefix):
        return [folder]  # outside the archive: left out
    found = []
    for top, dirs, files in os.walk(root / folder[len(prefix):]):  # links to folders: files to git, not entered
        rel = Path(top).relative_to(root).as_posix()
        found += [f"{prefix}{rel}/{name}" for name in files + [d for d in dirs if os.path.islink(os.path.join(top, d))]]
    return found


def _note(tree: WorkTree, within: tuple[str, ...], path: str, code: str, blob: str | None) -> None:
    if path.startswith(within):
        rel = path[len(tree.prefix):]
        tree.changed[rel], tree.codes[rel] = blob, code


def _folder_stats(root: str, folders: Iterable[str]) -> dict[str, list[int]] | None:
    """[mtime_ns, ctime_ns, inode] of each of `folders` (archive-relative; [] when absent); None
    when one changed too recently to be trusted (fsutil.RACY_NS)."""
    now, found = time.time_ns(), {}
    for folder in folders:
        try:
            stat = os.lstat(os.path.join(root, folder))
        except OSError:
            found[folder] = []
            continue
        if now - max(stat.st_mtime_ns, stat.st_ctime_ns) < RACY_NS:
            return None
        found[folder] = [stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]
    return found


def _all_folders(root: str, folders: Iterable[str]) -> list[str]:
    """`folders` and every folder under them (links to folders are files to git: not entered)."""
    found = []
    for folder in folders:
        found.append(folder)
        for top, dirs, _ in os.walk(os.path.join(root, folder)):
            rel = os.path.relpath(top, root).replace(os.sep, "/")
            found += [f"{rel}/{name}" for name in dirs if not os.path.islink(os.path.join(top, name))]
    return found


_ahead: dict[str, tuple] = {}  # root → the processes started ahead


def _status_processes(root: str) -> tuple[GitProcess | None, GitProcess | None]:
    return _start(root, _ABOUT), _start(root, _STATUS)


def _start(root: str, args: list[str]) -> GitProcess | None:
    try:
        return GitProcess(args, root)
    except (DossierError, OSError):  # no git, or no process to be had
        return None


def _finish(process: GitProcess | None, allowed: tuple[int, ...] = (0,)) -> str | None:
    if process is None:
        return None
    code, out, _ = process.result()
    return out.decode("utf-8", "surrogateescape") if code in allowed else None


def _stop(process: GitProcess | None) -> None:
    if process is not None:
        process.stop()


def start_work_tree(root) -> None:
    """Start git's status of `root` now (validate and find do, before they load what else they
    need); GitView.status and work_tree take it over. Started once: a second call finds it running."""
    key = os.fspath(root)
    if key not in _ahead:
        _ahead[key] = _status_processes(key)


def stop_unused() -> None:
    """Stop what was started ahead and not taken over (the command turned out not to need it)."""
    while _ahead:
        for process in _ahead.popitem()[1]:
            _stop(process)


def work_tree(root, folders: Iterable[str], known: Untracked | None = None) -> WorkTree | None:
    """Every file under `folders` (archive-relative) that differs from HEAD, staged or not,
    untracked or ignored, by git's status; None when git cannot say. The files git does not track
    are `known`'s while it holds (the WorkTree's `untracked`, kept by the caller for next time),
    else listed again."""
    key, folders = os.fspath(root), tuple(folders)
    about, status = _ahead.pop(key, None) or _status_processes(key)
    untracked, others = known, None
    if known is None or not known.holds(key):
        stats = _folder_stats(key, _all_folders(key, folders))  # before the listing: a later change shows next time
        others = _start(key, _others_command(folders))
    about, status = _finish(about, (0, 1)), _finish(status)  # 1: no HEAD yet (the rest is said all the same)
    listed = _finish(others) if others is not None else ""
    if about is None or status is None or listed is None:
        return None
    prefix, object_format, tree = (about.split("\n") + ["", ""])[:3]
    if object_format not in ("sha1", "sha256"):
        return None
    if others is not None:
        untracked = Untracked(_listed_others(listed, key, prefix), stats)
    found = _parse_status(status, key, prefix, object_format, folders, untracked)
    found.tree = tree or None
    return found


def changed_between(root, old: str, new: str, folders: Iterable[str], prefix: str) -> dict[str, str | None] | None:
    """Archive-relative path → its blob id in commit `new` (None: not there) of every file under
    `folders` that the two commits hold differently; None when git cannot say."""
    try:
        return GitView(Path(root), prefix).tree_changes(f"{old}:{prefix}", f"{new}:{prefix}", folders)
    except GitFailed:
        return None


def head_blobs(root, head: str, paths: Iterable[str] | None, folders: Iterable[str],
               prefix: str) -> dict[str, str] | None:
    """Archive-relative path → blob id in commit `head` of those of `paths` it holds (all the
    files under `folders` when paths is None or long); None when git cannot say."""
    try:
        return GitView(Path(root), prefix).tree_entries(f"{head}:{prefix}", paths, folders)
    except GitFailed:
        return None
