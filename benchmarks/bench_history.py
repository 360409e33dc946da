"""Benchmark: `dossier history CODE` against `git log --follow -- PATH` on a long history.

    python benchmarks/bench_history.py [--commits 10000] [--items 2000] [--runs 5] [--compare TOOL_DIR …]

Builds once (cached under benchmarks/out/history-<commits>-<items>/, rebuilt when the
parameters change or with --rebuild) a repository holding an archive in its archive/
subfolder, written with one `git fast-import` stream:
  - the first commit files --items items (categories 1–6, sections S02/S04) with
    archive.yaml, people.yaml and access.yaml of the test fixtures and the 400 customers'
    cards (the access check reads each card's manager);
  - every later commit modifies one item (its content.limit, pages and remarks change),
    by a customer manager; about a third of them sit on short topic branches that
    li.na, the sales manager, merges --no-ff (the merges count among the commits);
  - one item, the target, is modified in 18 of the commits (some on the main line, some
    on topic branches), deleted into trash/ and restored: 20 changes.
then `git gc`; the repository's user.email is wang.wei's, the target's customer manager, so
the command runs the access check a manager's reading does. It times, in the same run, the
median of --runs interleaved runs of each:
  baseline  git log --follow -- archive/records/…/<target>.yaml   (what git shows by itself)
  plain     git log -- <path> <trash path>                         (the walk history does, unformatted)
  history   dossier --archive … history <target>                 (the command line, Python start included)
  start-up  python -c "import dossier.cli.main"                   (the part of that no history work needs)
  compared  `python -m dossier history` with this package and with the package under each
            --compare TOOL_DIR (an earlier commit's tool/, say from `git archive`), for
            before/after figures from one run
and, for information, the library call item_history() in this process, interleaved with
them. Python runs with its bytecode cached (under benchmarks/out/pycache), as an installed
tool does. Prints a Markdown table with the ratio to the baseline; the target is history
within 2× of git log.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
FIXTURE = REPO / "tests" / "fixtures" / "base"
TARGET = "3-2025-S02-0001"
FORMAT_VERSION = "2"  # bump when the generated history changes
MANAGERS = [("wang.wei", "S02"), ("chen.xiaoyu", "S04")]
CUSTOMERS = 400
READER = "wang.wei@example.cn"  # who runs `dossier history`: the target's customer manager
TYPES = {"1": "visit-report", "2": "contract", "3": "credit-limit", "4": "complaint", "5": "industry-trend",
         "6": "sales-record"}
START = dt.datetime(2024, 1, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def item_path(code: str) -> str:
    category, year = code.split("-")[:2]
    return f"archive/records/{category}/{year}/{code}.yaml"


def item_text(code: str, version: int) -> bytes:
    category, _, section, serial = code.split("-")
    manager = next(m for m, s in MANAGERS if s == section)
    number = int(serial)
    return f"""code: {code}
category: {category}
type: {TYPES[category]}
title: 山西客户{number}号档案
customer: C{number % CUSTOMERS + 1:04d}
manager: {manager}
handler: zhou.jing
date: 2025-04-10
pages: {1 + version % 7}
retention: D30
secrecy: 内部
status: filed
filed: 2025-04-15
signatures:
  customer: {{name: 王建国, date: 2025-04-11}}
  handler: {{person: zhou.jing, date: 2025-04-10}}
  supervisor: {{person: {"li.na" if version % 2 else "zhang.min"}, date: 2025-04-12}}
content:
  limit: {100000 + 5000 * version}.00 CNY
  effective: 2025-04-15
  basis: 年度协议金额及历史付款记录
remarks: 第 {version} 次修订
""".encode()


def card_text(number: int) -> bytes:
    """A customer card: the fixture's C0001 with another id, name and manager."""
    card = (FIXTURE / "customers" / "C0001.yaml").read_text(encoding="utf-8")
    card = card.replace("id: C0001", f"id: C{number:04d}").replace("name: 山西晋能集团有限公司", f"name: 山西客户{number}号公司")
    return card.replace("manager: wang.wei", f"manager: {MANAGERS[number % 2][0]}").encode()


class Stream:
    """A git fast-import stream: blobs and commits with marks."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.mark = 0
        self.clock = START

    def blob(self, data: bytes) -> int:
        self.mark += 1
        self.parts.append(b"blob\nmark :%d\ndata %d\n%s\n" % (self.mark, len(data), data))
        return self.mark

    def commit(self, branch: str, email: str, message: str, changes: list[str], parents: list[int]) -> int:
        self.mark += 1
        self.clock += dt.timedelta(minutes=37)
        when = f"{int(self.clock.timestamp())} +0800"
        text = message.encode()
        head = [f"commit refs/heads/{branch}", f"mark :{self.mark}",
                f"author {email.split('@')[0]} <{email}> {when}", f"committer {email.split('@')[0]} <{email}> {when}"]
        body = [f"data {len(text)}"]
        links = ([f"from :{parents[0]}"] if parents else []) + [f"merge :{p}" for p in parents[1:]]
        self.parts.append("\n".join(head + body).encode() + b"\n" + text + b"\n"
                          + "\n".join(links + changes).encode() + b"\n\n")
        return self.mark


def build(repo: Path, commits: int, items: int, seed: int) -> None:
    rng = random.Random(seed)
    codes = [f"{c}-2025-{s}-{n:04d}" for n in range(1, items // 12 + 2) for c in TYPES for _, s in MANAGERS][:items]
    assert TARGET in codes
    versions = dict.fromkeys(codes, 0)
    stream = Stream()
    files = ["M 100644 :%d archive/%s" % (stream.blob((FIXTURE / name).read_bytes()), name)
             for name in ("archive.yaml", "people.yaml", "access.yaml")]
    files += [f"M 100644 :{stream.blob(card_text(n))} archive/customers/C{n:04d}.yaml" for n in range(1, CUSTOMERS + 1)]
    files += [f"M 100644 :{stream.blob(item_text(code, 0))} {item_path(code)}" for code in codes]
    tip = stream.commit("main", "zhou.jing@example.cn", "Initial archive", files, [])
    made = 1
    # the commits (by position) that change the target: 18 modifications, a delete, a restore
    target_at = sorted(rng.sample(range(2, commits - 10), 20))
    target_steps = iter(["modify"] * 10 + ["delete", "restore"] + ["modify"] * 8)
    in_trash = False

    def change_one(code: str, email: str) -> tuple[list[str], str]:
        nonlocal in_trash
        step = next(target_steps) if code == TARGET else "modify"
        path = item_path(code)
        trash = path.replace("archive/", "archive/trash/", 1)
        if step == "delete":
            in_trash = True
            return [f"R {path} {trash}"], f"Delete {code}\n\nReason: 重复录入\nDossier-Action: delete\n"
        if step == "restore":
            in_trash = False
            return [f"R {trash} {path}"], f"Restore {code}\n\nDossier-Action: restore\n"
        versions[code] += 1
        where = trash if code == TARGET and in_trash else path
        mark = stream.blob(item_text(code, versions[code]))
        return [f"M 100644 :{mark} {where}"], f"Revise {code}\n\nReason: 第 {versions[code]} 次修订\n"

    others = [c for c in codes if c != TARGET]
    while made < commits:
        topic = made + 3 < commits and rng.random() < 0.12
        length = rng.randint(1, 5) if topic else 1
        length = min(length, commits - made - (1 if topic else 0))
        branch = "topic" if topic else "main"
        start, branch_changes = tip, []
        for _ in range(length):
            made += 1
            due = bool(target_at) and made >= target_at[0]
            code = TARGET if due else rng.choice(others)
            if due:
                target_at.pop(0)
            manager = rng.choice(MANAGERS)[0]
            changes, message = change_one(code, f"{manager}@example.cn")
            new = stream.commit(branch, f"{manager}@example.cn", message, changes, [start if topic else tip])
            branch_changes += changes
            if topic:
                start = new
            else:
                tip = new
        if topic:
            made += 1
            # the merge's tree starts from its first parent, where the main line has not moved
            # since the branch left it: replaying the branch's changes gives the branch's tree
            tip = stream.commit("main", "li.na@example.cn", "Approve topic\n\nDossier-Action: approve\n",
                                branch_changes, [tip, start])
    stream.parts.append(b"done\n")
    if repo.exists():
        shutil.rmtree(repo)
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    subprocess.run(["git", "fast-import", "--quiet", "--done"], cwd=repo, input=b"".join(stream.parts), check=True)
    git(repo, "checkout", "-q", "-f", "main")
    git(repo, "gc", "-q")
    git(repo, "config", "user.email", READER)


def git(cwd: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True, env=env).stdout


def median_seconds(runners: dict[str, Callable[[], object]], runs: int) -> dict[str, float]:
    """Median wall time of each runner, the runs interleaved (a b c a b c …) so that a change
    in the machine's load touches them all alike; one warm-up run each first."""
    times: dict[str, list[float]] = {name: [] for name in runners}
    for warm_up in [True] + [False] * runs:
        for name, run in runners.items():
            start = time.perf_counter()
            run()
            if not warm_up:
                times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def runner(cmd: list[str], cwd: Path, env: dict[str, str]) -> Callable[[], object]:
    """A runner of `cmd` (output discarded) that stops the benchmark if it fails."""
    def run() -> None:
        result = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        if result.returncode:
            sys.exit(f"{' '.join(cmd)} failed: {result.stderr.decode()[:500]}")
    return run


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--commits", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--compare", type=Path, action="append", default=[], metavar="TOOL_DIR",
                        help="also time the history command with the dossier package in TOOL_DIR")
    args = parser.parse_args()
    repo = args.out / f"history-{args.commits}-{args.items}"
    stamp = repo / ".git" / "bench-history"
    wanted = f"{FORMAT_VERSION} {args.commits} {args.items} {args.seed}"
    if args.rebuild or not stamp.is_file() or stamp.read_text() != wanted:
        start = time.perf_counter()
        build(repo, args.commits, args.items, args.seed)
        stamp.write_text(wanted)
        print(f"built {repo} in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    archive = repo / "archive"
    path = item_path(TARGET)
    total = int(git(repo, "rev-list", "--count", "HEAD"))
    merges = int(git(repo, "rev-list", "--count", "--merges", "HEAD"))
    follow = git(repo, "log", "--follow", "--format=%H", "--", path).split()

    sys.path.insert(0, str(REPO / "tool"))
    from dossier.record.history import item_history

    changes = item_history(archive, TARGET)
    approved = sum(1 for c in changes if c.approver)

    dossier = Path(sys.executable).parent / "dossier"
    command = [str(dossier)] if dossier.exists() else [sys.executable, "-m", "dossier"]
    trash = f"archive/trash/{path.removeprefix('archive/')}"
    # Bytecode cached as an installed tool has it (this environment may set
    # PYTHONDONTWRITEBYTECODE), kept under benchmarks/out/ rather than in the source tree.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")}
    env["PYTHONPYCACHEPREFIX"] = str(args.out / "pycache")
    history = [*command, "--archive", str(archive), "history", TARGET, "--lang", "en"]
    # compared as `python -m dossier` (an earlier package may have another console script
    # entry), this package too, so that the rows differ only in the package
    module = [sys.executable, "-m", "dossier", *history[len(command):]]
    compared = {f"python -m dossier history CODE, package in {tool}":
                runner(module, repo, {**env, "PYTHONPATH": str(tool.resolve())})
                for tool in [REPO / "tool", *args.compare]} if args.compare else {}
    load_before = os.getloadavg()[0]
    medians = median_seconds({
        "baseline": runner(["git", "log", "--follow", "--", path], repo, env),
        "plain": runner(["git", "log", "--", path, trash], repo, env),
        "history": runner(history, repo, env),
        "start-up": runner([sys.executable, "-c", "import dossier.cli.main"], repo, env),
        "library": lambda: item_history(archive, TARGET),
        **compared,
    }, args.runs)
    baseline = medians["baseline"]

    print(f"{total} commits ({merges} merges), {args.items} items; target {TARGET}: {len(changes)} changes in "
          f"`dossier history` ({approved} approved by a merge), {len(follow)} commits in `git log --follow`")
    print(f"{platform.node()}, nproc {os.cpu_count()}, load {load_before:.2f} → {os.getloadavg()[0]:.2f}, Python "
          f"{platform.python_version()}, {git(repo, 'version').strip()}, {dt.date.today()}; "
          f"median of {args.runs} interleaved runs")
    print()
    print("| run | median seconds | ratio to git log --follow |\n|---|---:|---:|")
    for name, seconds in (("git log --follow -- PATH (baseline)", baseline),
                          ("git log -- PATH TRASH_PATH (no --follow)", medians["plain"]),
                          ("dossier history CODE (command line)", medians["history"]),
                          ("  of which: Python start and `import dossier.cli.main`", medians["start-up"]),
                          ("item_history() (library, in process)", medians["library"]),
                          *((name, medians[name]) for name in compared)):
        print(f"| {name} | {seconds:.3f} | {seconds / baseline:.2f}× |")
    ratio = medians["history"] / baseline
    verdict = "within" if ratio <= 2 else "NOT within"
    print(f"\n`dossier history` is {verdict} 2× of `git log --follow` ({ratio:.2f}×).")


if __name__ == "__main__":
    main()
