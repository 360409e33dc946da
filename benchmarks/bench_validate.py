"""Benchmark: full validation of a large synthetic archive, against check-jsonschema.

    python benchmarks/bench_validate.py --items 100000

Generates the archive (benchmarks/generate_archive.py) unless it exists, then times in
one session:
  baseline  check-jsonschema --schemafile schemas/item.schema.json on every item file
            (in batches of 10,000 paths, the command line's limit), same envelope schema
  cold      dossier validate with no cache (.dossier/ removed)
  warm      dossier validate again, nothing changed
  one-edit  dossier validate after one item file changed
and prints a Markdown table of seconds and ratios against the baseline.

    python benchmarks/bench_validate.py --everyday REPO [--rounds 5]

times, on an archive committed in git at REPO (issue 18), the runs a person waits on every
day against git's and check-jsonschema's own, interleaved round by round (medians; the load
averages before and after):
  nothing changed   dossier validate  vs  git status on the same tree
  one item changed  dossier validate  vs  check-jsonschema of that one file
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BATCH = 10_000


def timed(cmd: list[str], cwd: Path | None = None) -> tuple[float, int]:
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start, result.returncode


def item_files(root: Path) -> list[str]:
    return sorted(str(p.resolve()) for folder in ("records", "daily") for p in (root / folder).rglob("*.yaml"))


def baseline(root: Path) -> tuple[float, int]:
    files = item_files(root)
    total, worst = 0.0, 0
    for start in range(0, len(files), BATCH):  # from schemas/: it resolves the relative $id there (README)
        seconds, code = timed(["check-jsonschema", "--schemafile", "item.schema.json", *files[start:start + BATCH]],
                              cwd=root / "schemas")
        total, worst = total + seconds, max(worst, code)
    return total, worst


def everyday(repo: Path, rounds: int) -> None:
    import statistics

    dossier = [sys.executable, "-m", "dossier", "--archive", str(repo), "validate"]
    timed(dossier)  # the store made (or brought up to date) once, outside the measure
    names = [p for p in item_files(repo) if "/records/3/" in p]
    pairs: dict[str, tuple[list[float], list[float]]] = {"nothing": ([], []), "one": ([], [])}
    load_before = os.getloadavg()
    originals: dict[Path, bytes] = {}
    try:
        for index in range(rounds):
            runs = [("nothing", ["git", "status"], dossier)]
            edited = Path(names.pop())
            runs.append(("one", [str(Path(sys.executable).parent / "check-jsonschema"), "--schemafile",
                                 "item.schema.json", str(edited)], dossier))
            for name, baseline_cmd, ours in runs:
                if name == "one":
                    originals[edited] = edited.read_bytes()
                    edited.write_text(edited.read_text(encoding="utf-8").replace("\ntitle: ", "\ntitle: 改", 1),
                                      encoding="utf-8")
                order = (baseline_cmd, ours) if index % 2 == 0 else (ours, baseline_cmd)
                for command in order:
                    seconds, _ = timed(command, cwd=repo / "schemas" if command[0].endswith("check-jsonschema") else repo)
                    pairs[name][command is ours].append(seconds)
    finally:  # the repository as it was: the next benchmark (bench_commit) wants it clean
        for path, raw in originals.items():
            path.write_bytes(raw)
    load_after = os.getloadavg()
    print(f"{len(item_files(repo))} items; {platform.node()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC; load averages "
          f"{' '.join(f'{x:.1f}' for x in load_before)} before, {' '.join(f'{x:.1f}' for x in load_after)} after")
    print("| run | baseline | baseline, s (median, range) | dossier validate, s | ratio |\n|---|---|---:|---:|---:|")
    for name, label, base in (("nothing", "nothing changed", "git status"),
                              ("one", "one item changed", "check-jsonschema of that file")):
        theirs, ours = pairs[name]
        print(f"| {label} | {base} | {statistics.median(theirs):.2f} ({min(theirs):.2f}–{max(theirs):.2f}) | "
              f"{statistics.median(ours):.2f} ({min(ours):.2f}–{max(ours):.2f}) | "
              f"{statistics.median(ours) / statistics.median(theirs):.1f}× |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--everyday", type=Path, metavar="REPO")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args()
    if args.everyday:
        return everyday(args.everyday.resolve(), args.rounds)
    root = args.out / f"archive-{args.items}"
    if not (root / "archive.yaml").exists():
        subprocess.run([sys.executable, str(HERE / "generate_archive.py"), "--items", str(args.items), str(root)],
                       check=True)
    dossier = [sys.executable, "-m", "dossier", "--archive", str(root), "validate"]
    shutil.rmtree(root / ".dossier", ignore_errors=True)
    rows = []
    if not args.skip_baseline:
        rows.append(("check-jsonschema (baseline)", *baseline(root)))
    rows.append(("dossier validate, cold", *timed(dossier)))
    rows.append(("dossier validate, nothing changed", *timed(dossier)))
    edited = Path(item_files(root)[len(item_files(root)) // 2])
    edited.write_text(edited.read_text(encoding="utf-8") + "remarks: 基准测试修改\n", encoding="utf-8")
    rows.append(("dossier validate, one file changed", *timed(dossier)))
    base = rows[0][1] if not args.skip_baseline else None
    print(f"{args.items} items; {platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{dt.date.today()}")
    print("| run | seconds | exit | ratio to baseline |\n|---|---:|---:|---:|")
    for name, seconds, code in rows:
        ratio = f"{base / seconds:.1f}× faster" if base and "baseline" not in name else "1.0"
        print(f"| {name} | {seconds:.2f} | {code} | {ratio} |")


if __name__ == "__main__":
    main()
