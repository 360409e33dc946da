"""Benchmark: the index, `dossier find` and `dossier watch` on a large archive, against `git grep`.

    python benchmarks/bench_index.py --items 100000

Uses benchmarks/out/archive-<N> (generated with benchmarks/generate_archive.py unless it exists;
never modified) through a private copy, benchmarks/out/index-bench-<N>, that is a git repository
of its own (for `git grep`) and that this script edits (atomic replaces only). It times, in one run:

  build     dossier index rebuild (every file read, one transaction)
  update    after one file changed: Index.update(paths=[file]) (how `dossier watch` updates it),
            Index.update() (git's status names the change), Index.update(full=True) (stat scan of
            every file to find it), `dossier index update`;
            `git status` (git's own stat scan of the same tree) for scale
  find      by electronic code, part of a code, Chinese words of 1, 2, 3+ characters:
            Index.find() (the query), `dossier find --cached` (the command, Python start
            included) and `dossier find` (default: git's status says what changed first),
            against `git grep -F -n` over the same files, interleaved; then `dossier find` after
            one file changed, and `git status` of the same folders for scale
  watch     from an atomic save to the problem (or the "clean" line) printed by `dossier watch`,
            saves 4 s and 1.1 s apart; then again with one bound volume (500 items) in the archive,
            whose manifest each changed item is checked against

Prints Markdown tables (medians of --repeat runs) for docs/benchmarks.md.

    python benchmarks/bench_index.py --find-only REPO [--repeat 7]

times only the find rows, on an archive committed in git at REPO whose index is up to date
(issue 18's target: `dossier find` ≤ 0.3 s and faster than `git grep -F`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import queue
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tool"))

from dossier.search.index import Index  # noqa: E402

GIT_ENV = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}


def run(cmd: list[str], cwd: Path | None = None, env: dict | None = None) -> tuple[float, int, str]:
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, env=env or GIT_ENV, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True)
    return time.perf_counter() - start, result.returncode, result.stdout


def median_of(repeat: int, action) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def prepare(items: int, out: Path) -> Path:
    source = out / f"archive-{items}"
    if not (source / "archive.yaml").exists():
        subprocess.run([sys.executable, str(HERE / "generate_archive.py"), "--items", str(items), str(source)],
                       check=True)
    copy = out / f"index-bench-{items}"
    if not (copy / ".git").is_dir():
        shutil.rmtree(copy, ignore_errors=True)
        print(f"copying {source} → {copy} and committing it (for git grep) …", file=sys.stderr)
        shutil.copytree(source, copy, ignore=shutil.ignore_patterns(".dossier"))
        (copy / ".gitignore").write_text(".dossier/\n", encoding="utf-8")
        for args in (["init", "-q", "-b", "main"], ["add", "-A"],
                     ["-c", "user.email=bench@example.invalid", "-c", "user.name=bench", "-c",
                      "commit.gpgsign=false", "commit", "-q", "-m", "archive"]):
            subprocess.run(["git", *args], cwd=copy, env=GIT_ENV, check=True, stdout=subprocess.DEVNULL)
    return copy


def atomic_replace(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.bench.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def pick_queries(root: Path) -> dict[str, str]:
    """Queries that exist in this archive: a code, a part of one, and Chinese text of 1, 2 and 3+
    characters taken from a customer's name (rare: a few hundred items) and a title."""
    with Index(root) as index:
        rows = index.db.execute(
            "SELECT i.code, c.short_name FROM items i JOIN customers c ON c.id = i.customer "
            "WHERE i.type = 'debt-ledger' ORDER BY i.id").fetchall()
    chinese = [(code, short) for code, short in rows if short and len(short) >= 4
               and all("\u4e00" <= ch <= "\u9fff" for ch in short)]
    code, short = chinese[len(chinese) // 2]
    return {
        "electronic code": code,
        "part of a code (section-serial)": code.split("-", 2)[2],
        "Chinese, 4+ characters (a customer's short name)": short,
        "Chinese, 3 characters": short[:3],
        "Chinese, 2 characters": short[:2],
        "Chinese, 1 character": short[:1],
        "Chinese, 2 words (name and 欠款还款台账)": f"{short} 欠款还款台账",
    }


def bench_find(root: Path, repeat: int, dossier: list[str]) -> list[tuple]:
    rows = []
    queries = pick_queries(root)
    with Index(root) as index:
        for label, text in queries.items():
            found = index.find(text, limit=100)
            query = median_of(repeat, lambda: index.find(text, limit=100))
            pattern = text.split()[0]
            cached, default, grep = [], [], []
            for _ in range(repeat):  # interleaved: the same load for all three
                cached.append(run([*dossier, "find", text, "--cached"])[0])
                default.append(run([*dossier, "find", text])[0])
                grep.append(run(["git", "grep", "-F", "-n", "-e", pattern, "--", "records", "daily", "customers"],
                                root))
            grep_files = len({line.split(":", 1)[0] for line in grep[0][2].splitlines()})
            rows.append((label, text, found.total, query, statistics.median(cached), statistics.median(default),
                         statistics.median(g[0] for g in grep), grep_files))
    return rows


def bench_find_after_a_change(root: Path, repeat: int, dossier: list[str], change, text: str) -> tuple:
    """`dossier find` after one file changed (it reads that file), `git grep` and `git status`, interleaved."""
    find, grep, status = [], [], []
    for _ in range(repeat):
        change()
        find.append(run([*dossier, "find", text])[0])
        grep.append(run(["git", "grep", "-F", "-n", "-e", text, "--", "records", "daily", "customers"], root)[0])
        status.append(run(["git", "status", "--porcelain", "--untracked-files=all", "--", "records", "daily",
                           "customers"], root)[0])
    return statistics.median(find), statistics.median(grep), statistics.median(status)


def bench_watch(root: Path, dossier: list[str], saves: int, gap: float) -> tuple[list[float], float]:
    """Seconds from each atomic save to the printed line; and the watch's start-up time."""
    env = {**GIT_ENV, "PYTHONUNBUFFERED": "1"}
    started = time.perf_counter()
    process = subprocess.Popen([*dossier, "watch", "--lang", "en"], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True, env=env)
    lines: queue.Queue[tuple[float, str]] = queue.Queue()
    threading.Thread(target=lambda: [lines.put((time.perf_counter(), line)) for line in process.stdout],
                     daemon=True).start()

    def wait_for(words: str, timeout: float = 1800) -> float:
        deadline = time.perf_counter() + timeout
        while True:
            at, line = lines.get(timeout=max(0.0, deadline - time.perf_counter()))
            if words in line:
                return at

    start_up = wait_for("Ctrl-C stops") - started
    target = root / "records/3/2026/3-2026-S02-0010.yaml"
    rel = target.relative_to(root).as_posix()
    original = target.read_text(encoding="utf-8")
    broken = original.replace("status: filed", "status: lost", 1)
    assert broken != original
    latencies = []
    try:
        for n in range(saves):
            time.sleep(gap)
            fixing = n % 2 == 1
            saved = time.perf_counter()
            atomic_replace(target, original if fixing else broken)
            shown = wait_for(f"{rel}: clean" if fixing else f"{rel}:", timeout=60)
            latencies.append(shown - saved)
    finally:
        atomic_replace(target, original)
        process.send_signal(signal.SIGINT)
        process.wait(timeout=600)
    return latencies, start_up


def bind_a_volume(root: Path) -> Path:
    """A manifest binding the first 500 items of category 3, 2026 (their hashes as they are), so that
    validate's and the watch's bound-volume rule have work."""
    import hashlib

    items = sorted((root / "records/3/2026").glob("3-2026-S01-*.yaml"))[:500]
    lines = [f"- {{code: {p.stem}, sha256: {hashlib.sha256(p.read_bytes()).hexdigest()}}}" for p in items]
    manifest = root / "volumes" / "Z001-KH·2026-D30-C3-V01.yaml"
    manifest.parent.mkdir(exist_ok=True)
    manifest.write_text("items:\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return manifest


def print_find_rows(rows: list[tuple]) -> None:
    print("\n| find | text | items found | Index.find() ms | `find --cached` s | `find` s | `git grep -F -n` s "
          "| files git grep lists | `find` ÷ git grep |\n|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for label, text, total, query, cached, default, grep, files in rows:
        print(f"| {label} | {text} | {total} | {query * 1000:.1f} | {cached:.2f} | {default:.2f} | {grep:.2f} | "
              f"{files} | {default / grep:.2f} |")


def find_only(root: Path, repeat: int) -> None:
    dossier = [sys.executable, "-m", "dossier", "--archive", str(root)]
    run([*dossier, "index", "update"])  # an index made by other code is rebuilt first, not timed
    before = os.getloadavg()
    rows = bench_find(root, repeat, dossier)
    print(f"\n{root}; {platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{dt.datetime.now():%Y-%m-%d %H:%M}; load averages {' '.join(f'{x:.1f}' for x in before)} before, "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} after")
    print_find_rows(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--saves", type=int, default=10)
    parser.add_argument("--gap", type=float, default=4.0, help="seconds between saves in the watch test")
    parser.add_argument("--skip-watch", action="store_true")
    parser.add_argument("--find-only", type=Path, metavar="REPO")
    args = parser.parse_args()
    if args.find_only:
        return find_only(args.find_only.resolve(), args.repeat)
    root = prepare(args.items, args.out)
    dossier = [sys.executable, "-m", "dossier", "--archive", str(root)]
    load = os.getloadavg()[0]

    build = run([*dossier, "index", "rebuild"])
    size = sum(p.stat().st_size for p in (root / ".dossier").glob("index.sqlite*"))

    target = root / "records/2/2025/2-2025-S02-0001.yaml"
    original = target.read_text(encoding="utf-8")
    edits = iter(range(10_000))

    def change() -> str:
        atomic_replace(target, original.replace("title: ", f"title: 修改{next(edits)}", 1))
        return target.relative_to(root).as_posix()

    update_rows = []
    with Index(root) as index:
        times = []
        for _ in range(args.repeat):
            rel = change()
            start = time.perf_counter()
            done = index.update(paths=[rel])
            times.append(time.perf_counter() - start)
            assert done.read == 1
        update_rows.append(("Index.update(paths=[file]) (what `dossier watch` does)", statistics.median(times)))
        for label, full in (("Index.update() (git's status, then the changed file)", False),
                            ("Index.update(full=True) (stat scan of every file, then the changed one)", True)):
            times = []
            index.update()  # an update by paths (as watch makes) leaves no git state: the next one stats every file
            for _ in range(args.repeat):
                change()
                start = time.perf_counter()
                done = index.update(full=full)
                times.append(time.perf_counter() - start)
                assert done.read == 1 and done.by_git != full
            update_rows.append((label, statistics.median(times)))
    times = []
    for _ in range(args.repeat):
        change()
        times.append(run([*dossier, "index", "update"])[0])
    update_rows.append(("`dossier index update` (command, Python start included)", statistics.median(times)))
    update_rows.append(("`git status --porcelain` (git's stat scan of the same tree, for scale)",
                        statistics.median(run(["git", "status", "--porcelain"], root)[0] for _ in range(args.repeat))))
    atomic_replace(target, original)

    find_rows = bench_find(root, args.repeat, dossier)
    after_change = bench_find_after_a_change(root, args.repeat, dossier, change, find_rows[2][1])
    atomic_replace(target, original)

    print(f"\n{args.items} items ({root.name}); {platform.node()}, {os.cpu_count()} cores (nproc), "
          f"Python {platform.python_version()}, SQLite {__import__('sqlite3').sqlite_version}, "
          f"{dt.datetime.now():%Y-%m-%d %H:%M}, load average {load:.2f} at the start\n")
    print(f"Index build (`dossier index rebuild`): {build[0]:.1f} s, exit {build[1]}; "
          f"index {size / 1_048_576:.0f} MiB\n")
    print("| update after one file changed | median seconds | target 0.2 s |\n|---|---:|---|")
    for label, seconds in update_rows:
        verdict = "met" if seconds < 0.2 else "missed" if "git status" not in label else ""
        print(f"| {label} | {seconds:.3f} | {verdict} |")
    print_find_rows(find_rows)
    find_s, grep_s, status_s = after_change
    print(f"\nAfter one file changed: `dossier find {find_rows[2][1]}` {find_s:.2f} s, `git grep -F` {grep_s:.2f} s "
          f"(find ÷ grep {find_s / grep_s:.2f}), `git status` of the same folders {status_s:.2f} s; "
          f"load average {os.getloadavg()[0]:.2f} at the end")

    if not args.skip_watch:
        validate_seconds = run([*dossier, "validate"])[0]  # warms validate's cache, as any earlier run would
        latencies, start_up = bench_watch(root, dossier, args.saves, args.gap)
        hurried, _ = bench_watch(root, dossier, args.saves, 1.1)
        manifest = bind_a_volume(root)  # now every save is checked against the manifest too
        try:
            bound, _ = bench_watch(root, dossier, args.saves, 1.1)
            bound_spaced, _ = bench_watch(root, dossier, args.saves, args.gap)
        finally:
            manifest.unlink()
            manifest.parent.rmdir()
        print(f"\n`dossier validate` (warming the cache) {validate_seconds:.1f} s; `dossier watch` start-up "
              f"{start_up:.1f} s")
        print("\n| watch: atomic save → printed line | median s | fastest s | slowest s |\n|---|---:|---:|---:|")
        for label, found in ((f"saves {args.gap:g} s apart", latencies), ("saves 1.1 s apart", hurried),
                             (f"with a bound volume, saves {args.gap:g} s apart", bound_spaced),
                             ("with a bound volume, saves 1.1 s apart", bound)):
            print(f"| {label} ({len(found)}) | {statistics.median(found):.3f} | {min(found):.3f} | "
                  f"{max(found):.3f} |")
        for found in (latencies, hurried, bound_spaced, bound):
            print(f"\n{', '.join(f'{t:.3f}' for t in found)}")


if __name__ == "__main__":
    main()
