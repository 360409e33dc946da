"""When the server received each commit 服务器接收时间: the one clock a client cannot set.

A client writes whatever it likes into a commit (author and committer dates, trailers, a
deletion record's purge_after) and runs with whatever clock it likes. The server's hooks
note, with the server's own clock, when each commit first reached it: the post-receive hook
appends `<commit> <UTC time>` lines to the file received.log held by the ref
refs/dossier/received in the bare repository (a chain of commits, so the log itself is only
ever added to; clients may not push that ref). The retention month before a purge is
measured on those times. A clone fetches them with
`git fetch origin +refs/dossier/received:refs/dossier/received`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..git import gitrepo

REF = "refs/dossier/received"
LOG = "received.log"
ZERO = "0" * 40
_SERVER = ["-c", "user.name=dossier server", "-c", "user.email=dossier-server@localhost"]


def read(cwd: Path) -> dict[str, dt.datetime]:
    """Each commit the server noted → when it first received it."""
    result = gitrepo.run(["cat-file", "blob", f"{REF}:{LOG}"], cwd, check=False)
    times: dict[str, dt.datetime] = {}
    for line in result.stdout.splitlines() if result.returncode == 0 else []:
        sha, _, when = line.partition(" ")
        try:
            times.setdefault(sha, dt.datetime.fromisoformat(when))
        except ValueError:
            continue
    return times


class Clock:
    """The server's receipts; on the server itself, `now` for what the push being judged brings."""

    def __init__(self, times: dict[str, dt.datetime], now: dt.datetime | None = None) -> None:
        self.times, self.now = times, now

    @classmethod
    def of_repository(cls, cwd: Path) -> "Clock":
        return cls(read(cwd))

    @classmethod
    def at_server(cls, bare: Path) -> "Clock":
        return cls(read(bare), dt.datetime.now(dt.timezone.utc))

    def received(self, sha: str) -> dt.datetime | None:
        return self.times.get(sha, self.now) if sha else None

    def received_purge(self, history, commit, record: str) -> dt.datetime | None:
        """The earliest receipt of the commit that removed `record` and of the main-line commit
        that brought that removal."""
        removed_in = gitrepo.run(["log", "-1", "--diff-filter=D", "--format=%H", commit.sha, "--",
                                  f":(top){history.prefix}{record}"], history.cwd, check=False).stdout.strip()
        known = [t for t in (self.received(removed_in), self.received(commit.sha)) if t is not None]
        return min(known) if known else None


def record(bare: Path, updates: list[tuple[str, str, str]], now: dt.datetime | None = None) -> int:
    """Note the commits the updates brought that the log does not hold yet, at `now` (the
    server's clock). Returns how many were noted."""
    now = now or dt.datetime.now(dt.timezone.utc)
    known = read(bare)
    fresh: list[str] = []
    for old, new, _ in updates:
        if new == ZERO:
            continue
        args = ["rev-list", new] + ([f"^{old}"] if old != ZERO else [])
        fresh += [sha for sha in gitrepo.run(args, bare).stdout.split() if sha not in known and sha not in fresh]
    if fresh:
        _append(bare, "".join(f"{sha} {now.isoformat(timespec='seconds')}\n" for sha in fresh))
    return len(fresh)


def record_all(bare: Path) -> int:
    """Note every commit the server holds now (when the hook is installed on a running server)."""
    heads = gitrepo.run(["for-each-ref", "--format=%(objectname)", "refs/heads/"], bare).stdout.split()
    return record(bare, [(ZERO, sha, "") for sha in heads])


def _append(bare: Path, lines: str, attempts: int = 5) -> None:
    for _ in range(attempts):  # another push may note its commits at the same moment: start again
        old = gitrepo.run(["rev-parse", "-q", "--verify", REF], bare, check=False).stdout.strip()
        before = gitrepo.run(["cat-file", "blob", f"{REF}:{LOG}"], bare, check=False).stdout if old else ""
        blob = gitrepo.run(["hash-object", "-w", "--stdin"], bare, input=before + lines).stdout.strip()
        tree = gitrepo.run(["mktree"], bare, input=f"100644 blob {blob}\t{LOG}\n").stdout.strip()
        commit = gitrepo.run([*_SERVER, "commit-tree", tree, *(["-p", old] if old else []), "-m",
                              "Commits received"], bare).stdout.strip()
        if gitrepo.run(["update-ref", REF, commit, old or ZERO], bare, check=False).returncode == 0:
            return
