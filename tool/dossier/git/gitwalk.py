"""The git processes that read the modification record, started at once and read later.

A walk is three processes side by side: `git log` over some paths (each commit with its
author, date, trailers and the blob ids before and after), `git rev-list --parents HEAD`
(the commit graph, for the approvals) and a `git cat-file --batch` that waits for the
objects history.py will ask for once it has read the log.

The processes are started with os.posix_spawnp and read from anonymous files, with nothing
but os and signal: git starts walking at once, and history.py does what does not depend on
the log's answer while it walks.
"""

from __future__ import annotations

import os
import signal

from ..archive.errors import DossierError

TRASH = "trash/"
RS, US, GS = "\x1e", "\x1f", "\x1d"  # record, unit and group separators in the log's format
LOG_FORMAT = (
    f"--format={RS}%H{US}%aI{US}%ae{US}"
    f"%(trailers:key=Reason,valueonly,unfold,separator=%x1d){US}"
    f"%(trailers:key=Dossier-Action,valueonly,unfold,separator=%x1d){US}"
)

# Kept: dates and config isolation set on purpose (GIT_CONFIG_COUNT with its GIT_CONFIG_KEY_n and
# GIT_CONFIG_VALUE_n too: git never sets those itself), and, in a server's pre-receive hook, the
# quarantine where git holds the pushed objects until the hook accepts them.
_KEEP = {"GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM", "GIT_CONFIG_COUNT",
         "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_QUARANTINE_PATH"}
_KEEP_PREFIXES = ("GIT_CONFIG_KEY_", "GIT_CONFIG_VALUE_")


# Set by git/transaction.py for the client hooks it runs on the commit it builds: the work tree is
# written only after that commit, so what differs there from the index is the command's own change
# not yet written, not a person's edit after `git add` (regulation/staged_check.py).
OPERATION_ENV = "DOSSIER_OPERATION"


def environment() -> dict[str, str]:
    """The environment git runs in: inherited GIT_* variables cleared (as pre-commit does), so
    the tool behaves the same inside a hook, where git sets GIT_DIR and GIT_PREFIX, and outside
    it; all but the index being committed. `git commit -a` and `git commit PATH…` stage into a
    temporary index and name it in GIT_INDEX_FILE, so the hooks must read that one to see what
    is committed; git names `.git/index` relative to where it runs hooks, the repository's
    top, so it is made absolute for git run from the archive's folder."""
    kept = {k: v for k, v in os.environ.items()
            if not k.startswith("GIT_") or k in _KEEP or k.startswith(_KEEP_PREFIXES)}
    index = os.environ.get("GIT_INDEX_FILE")
    if index:
        kept["GIT_INDEX_FILE"] = os.path.abspath(index)
    return kept


def said(text: str, limit: int = 600) -> str:
    """What a failed git command said, on one line and short: cut at a word's end, never inside a
    word, and marked as cut. ssh's warnings come framed in lines of @, each line ending in a carriage
    return that git shows as '?' (git's sanitising of stderr): the frame and those '?' go, the
    sentences stay."""
    lines = [line.rstrip() for line in text.splitlines()]
    if sum(line.endswith("?") for line in lines) >= 2:  # carriage returns, not questions
        lines = [line[:-1] if line.endswith("?") else line for line in lines]
    line = " ".join(" ".join(part.strip().strip("@").split()) for part in lines if part.strip("@ \t"))
    if len(line) <= limit:
        return line
    return line[:limit].rsplit(" ", 1)[0] + " …"


class GitProcess:
    """One git process, started at once and read later. Its output goes to an anonymous file
    (not a pipe), so several run side by side, and beside Python, without one waiting for
    the other to drain it. With `later=True` its input is given afterwards, through feed()."""

    def __init__(self, args: list[str], cwd: str, later: bool = False) -> None:
        self.cwd = cwd
        self._out, self._err, self._in = _anonymous_file(), _anonymous_file(), -1
        actions = [(os.POSIX_SPAWN_DUP2, self._out, 1), (os.POSIX_SPAWN_DUP2, self._err, 2)]
        if later:
            reading, self._in = os.pipe()
            actions.append((os.POSIX_SPAWN_DUP2, reading, 0))
        else:
            actions.append((os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0))
        try:
            # as subprocess does, git gets the signals Python ignores (SIGPIPE) back
            self._pid = os.posix_spawnp("git", ["git", "-C", cwd, *args], environment(), file_actions=actions,
                                        setsigdef=(signal.SIGPIPE, signal.SIGXFSZ))
        except OSError as exc:
            self._close()
            if isinstance(exc, FileNotFoundError):  # no git at all
                raise DossierError("history-not-git", root=cwd) from None
            raise
        finally:
            if later:
                os.close(reading)
        self._code: int | None = None

    def feed(self, data: bytes) -> None:
        """Give the whole input at once: git writes to a file, so it never stops reading."""
        view = memoryview(data)
        try:
            while view:
                view = view[os.write(self._in, view):]
        except BrokenPipeError:  # git ended early; result() tells why
            pass
        os.close(self._in)
        self._in = -1

    def result(self) -> tuple[int, bytes, bytes]:
        if self._in >= 0:
            self.feed(b"")
        code = self._wait()
        out, err = _read_all(self._out), _read_all(self._err)
        self._close()
        return code, out, err

    def stop(self) -> None:
        """End the process if it is still running (its output is no longer wanted)."""
        if self._code is None:
            pid, status = os.waitpid(self._pid, os.WNOHANG)
            if pid == 0:
                os.kill(self._pid, signal.SIGKILL)
            else:
                self._code = os.waitstatus_to_exitcode(status)
        self._wait()
        self._close()

    def text(self) -> str:
        """The output, or a DossierError that says why git failed ("" for a repository with
        no commit yet)."""
        code, out, err = self.result()
        if code != 0:
            from pathlib import Path

            from . import gitrepo

            if not gitrepo.is_repository(Path(self.cwd)):
                raise DossierError("history-not-git", root=self.cwd)
            if gitrepo.run(["rev-parse", "--verify", "-q", "HEAD"], Path(self.cwd), check=False).returncode != 0:
                return ""
            raise DossierError("history-git-failed", root=self.cwd, detail=said(err.decode("utf-8", "replace")))
        return out.decode("utf-8", "replace")

    def _wait(self) -> int:
        if self._code is None:
            self._code = os.waitstatus_to_exitcode(os.waitpid(self._pid, 0)[1])
        return self._code

    def _close(self) -> None:
        for fd in (self._out, self._err, self._in):
            if fd >= 0:
                os.close(fd)
        self._out = self._err = self._in = -1  # never close a number the system may have given out again


def _anonymous_file() -> int:
    """A file descriptor of a file without a name: in memory where the system has that."""
    if hasattr(os, "memfd_create"):
        try:
            return os.memfd_create("dossier-git", os.MFD_CLOEXEC)
        except OSError:
            pass
    import tempfile

    handle = tempfile.TemporaryFile()
    return os.dup(handle.fileno())  # the duplicate outlives the closed handle


def _read_all(fd: int) -> bytes:
    size = os.lseek(fd, 0, os.SEEK_END)
    os.lseek(fd, 0, os.SEEK_SET)
    chunks, left = [], size
    while left > 0:
        chunk = os.read(fd, left)
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


class Walk:
    """The three processes that read the record of `pathspecs` (relative to the archive root,
    where git runs, so an archive in a subfolder of its repository works the same)."""

    def __init__(self, root: str, pathspecs: list[str], extra: list[str] | tuple[str, ...] = ()) -> None:
        # --full-history: a change stays in the record even where a merge took the other
        # side's version; merges are left out (what they bring in are their parents' changes)
        self.log = GitProcess(["log", "HEAD", "-z", "--raw", "--no-abbrev", "--no-renames", "--relative",
                               "--full-history", "--no-merges", LOG_FORMAT, *extra, "--", *pathspecs], root)
        self._all = [self.log]
        try:
            self.graph = self._start(["rev-list", "--parents", "HEAD"], root)
            self.objects = self._start(["cat-file", "--batch"], root, later=True)
        except BaseException:
            self.stop()
            raise

    def _start(self, args: list[str], root: str, later: bool = False) -> GitProcess:
        process = GitProcess(args, root, later)
        self._all.append(process)
        return process

    def stop(self) -> None:
        for process in self._all:
            process.stop()


def item_pathspecs(item_path: str) -> list[str]:
    """An item's two places: where it is filed and where it waits in the trash."""
    return [item_path, TRASH + item_path]


def item_walk(root: str, item_path: str) -> Walk:
    """The walk of one item's record."""
    return Walk(root, item_pathspecs(item_path))
