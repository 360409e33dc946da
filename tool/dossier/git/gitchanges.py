"""What changed in an archive's files, as git knows it (issue 18).

git keeps every tracked file's object id in its index and the stat data that tells it, in the
time `git status` takes, which files changed since; a tree of a commit names every file's
content by its id. Asking git is therefore the cheapest way to know what changed: a Python stat
of 100,000 files plus a cache of them costs more than git's own status of the same tree.

A GitView is one archive's folder in its repository (the archive may be a sub-folder: its
`prefix`). Paths in and out are archive-relative, posix. Every command runs with the
environment of gitwalk.environment: in a hook, the index being committed (GIT_INDEX_FILE).
"""

from __future__ import annotations

import hashlib
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .gitwalk import environment

ARCHIVE_FOLDERS = ("customers", "records", "daily", "trash", "volumes")  # what validate checks
EMPTY_TREE = {"sha1": "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
              "sha256": "6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321"}


@dataclass(frozen=True)
class StagedFile:
    """A file the commit being made adds (A), changes (M, T) or deletes (D): its blob id in git's
    index (git's zero id for a deleted file)."""

    status: str
    path: str
    blob: str


class GitFailed(Exception):
    """A git command failed where the caller can fall back to reading the files itself."""


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

    def _rel(self, name: bytes) -> str | None:
        """An archive-relative path from a repository-relative name (None outside the archive)."""
        text = name.decode("utf-8", "surrogateescape")
        return text[len(self.prefix):] if text.startswith(self.prefix) else None

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

    def tree_changes(self, old: str, new: str, folders=ARCHIVE_FOLDERS) -> list[str]:
        """The paths whose content differs between two trees of the archive's folder (git's
        diff of trees: proportional to what changed, not to the archive). GitFailed when `old`
        is unknown here (a cache from another clone)."""
        out = self.git(["diff-tree", "-r", "-z", "--no-renames", "--name-only", old, new, "--",
                        *(f":(top){folder}" for folder in folders)])  # the trees are the archive's folder
        return [name.decode("utf-8", "surrogateescape") for name in out.split(b"\0") if name]

    def tree_entries(self, tree: str, paths: list[str] | tuple[str, ...] = ARCHIVE_FOLDERS) -> dict[str, str]:
        """path → blob id of the files of `tree` (the archive's folder) at or under `paths`."""
        if not paths:
            return {}
        out = self.git(["ls-tree", "-r", "-z", "--full-tree", tree, "--", *paths])
        found = {}
        for entry in out.split(b"\0"):
            if entry:
                info, _, name = entry.partition(b"\t")
                found[name.decode("utf-8", "surrogateescape")] = info.split(b" ")[2].decode()
        return found

    # --- the index and the work tree ------------------------------------------------------------

    def status(self, folders=ARCHIVE_FOLDERS) -> dict[str, str]:
        """Every file under `folders` that differs from HEAD, staged or not, or that git does not
        track (untracked and ignored ones too: validate checks every file there), with git's
        two-letter status ("M ", " M", "??", "!!", " D" …). git refreshes its index on the way,
        comparing content where a file's stat data cannot be trusted (racily clean)."""
        out = self.git(["status", "--porcelain=v1", "-z", "--no-renames", "--untracked-files=all",
                        "--ignored=matching", "--", *folders])
        found = {}
        for entry in out.split(b"\0"):
            if len(entry) > 3:
                rel = self._rel(entry[3:])
                if rel is not None:
                    found[rel] = entry[:2].decode()
        return found

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
        """The contents of objects named as git names them (`:path` in the index, `TREE:path`),
        through one `git cat-file --batch`; None for a name that is not there."""
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
        """git's object id of a file holding `data` (no filters applied)."""
        digest = hashlib.new(self.object_format if self.object_format == "sha256" else "sha1")
        digest.update(b"blob %d\0" % len(data))
        digest.update(data)
        return digest.hexdigest()


def _git(cwd: Path, args: list[str], input: bytes | None = None) -> bytes:
    result = subprocess.run(["git", "-c", "core.quotePath=false", *args], cwd=cwd, env=environment(), input=input,
                            capture_output=True)
    if result.returncode != 0:
        raise GitFailed(result.stderr.decode("utf-8", "replace").strip())
    return result.stdout
