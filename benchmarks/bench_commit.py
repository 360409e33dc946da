"""Benchmark: a commit of one changed item with dossier's hooks installed, against the same
commit without them (`git commit --no-verify`), in a work clone and in a fresh clone (issue 18).

    python benchmarks/bench_commit.py ARCHIVE_REPO [--rounds 5]

ARCHIVE_REPO is a git repository holding an archive at its top, everything committed (e.g.
one made by generate_archive.py --items 100000, then git init, add, commit). The runs are
interleaved (one without hooks, one with, alternately first) so that the load of a shared
machine weighs on both alike; the table gives medians, the ratio of the medians and the load
averages before and after. Each run commits a change of another filed item, with a Reason.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def items(repo: Path) -> list[str]:
    return [name for name in git(repo, "ls-files", "--", "records/3").split("\n") if name.endswith(".yaml")]


def commit_one(repo: Path, rel: str, hooks: bool) -> float:
    """Change `rel` (a line added to its title), stage it, and time the commit."""
    path = repo / rel
    path.write_text(path.read_text(encoding="utf-8").replace("\ntitle: ", "\ntitle: 改", 1), encoding="utf-8")
    git(repo, "add", rel)
    command = ["git", "commit", "-q", "-m", "基准测试", "-m", "Reason: 基准测试"] + ([] if hooks else ["--no-verify"])
    start = time.perf_counter()
    result = subprocess.run(command, cwd=repo, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"the commit of {rel} failed: {result.stderr.strip()}")
    return seconds


def install_hooks(repo: Path) -> None:
    subprocess.run([sys.executable, "-m", "dossier", "--archive", str(repo), "install-hooks"], check=True,
                   capture_output=True)


def interleaved(repo: Path, names: list[str], rounds: int) -> tuple[list[float], list[float]]:
    plain, hooked = [], []
    for index in range(rounds):
        for hooks in ((False, True) if index % 2 == 0 else (True, False)):
            (hooked if hooks else plain).append(commit_one(repo, names.pop(), hooks))
    return plain, hooked


def fresh_clones(source: Path, names: list[str], rounds: int) -> tuple[list[float], list[float]]:
    """Each round: a new clone, its hooks installed, its first commit with them and its second
    without (or the other way round): no .dossier/ anywhere."""
    plain, hooked = [], []
    for index in range(rounds):
        with tempfile.TemporaryDirectory(prefix="bench-clone-") as folder:
            clone = Path(folder) / "clone"
            git(Path(folder), "clone", "-q", str(source), str(clone))
            for key in ("user.email", "user.name"):
                git(clone, "config", key, git(source, "config", key).strip())
            install_hooks(clone)
            for hooks in ((True, False) if index % 2 == 0 else (False, True)):
                (hooked if hooks else plain).append(commit_one(clone, names.pop(), hooks))
    return plain, hooked


def row(name: str, plain: list[float], hooked: list[float]) -> str:
    ratio = statistics.median(hooked) / statistics.median(plain)
    return (f"| {name} | {statistics.median(plain):.2f} ({min(plain):.2f}–{max(plain):.2f}) | "
            f"{statistics.median(hooked):.2f} ({min(hooked):.2f}–{max(hooked):.2f}) | {ratio:.1f}× |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("repo", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--clones", type=int, default=3)
    args = parser.parse_args()
    repo = args.repo.resolve()
    if git(repo, "status", "--porcelain", "--untracked-files=no"):
        raise SystemExit(f"{repo}: commit or stash the changes first")
    names = items(repo)
    load_before = os.getloadavg()
    install_hooks(repo)
    rows = [row("work clone", *interleaved(repo, names, args.rounds))]
    if args.clones:
        rows.append(row("fresh clone, first commit", *fresh_clones(repo, names, args.clones)))
    load_after = os.getloadavg()
    count = len(git(repo, "ls-files").split("\n")) - 1
    print(f"{count} files; {platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"git {git(repo, 'version').split()[-1]}, {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC; "
          f"load averages {' '.join(f'{x:.1f}' for x in load_before)} before, "
          f"{' '.join(f'{x:.1f}' for x in load_after)} after")
    print("| commit of one item | git commit --no-verify, s (median, range) | git commit with dossier's hooks, s | ratio |")
    print("|---|---:|---:|---:|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
