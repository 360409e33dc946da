"""Benchmark: `dossier validate` with no cache (cold) on a large archive, this package against others.

    python benchmarks/bench_cold_validate.py --archive DIR [--runs 3] --compare TOOL_DIR [--compare …]
    python benchmarks/bench_cold_validate.py --items 100000          (generates benchmarks/out/archive-N)

TOOL_DIR is another version's tool/ folder, e.g. main's before a change:
    git archive main tool | tar -x -C /tmp/before      →  --compare /tmp/before/tool
Each run removes the archive's .dossier/ cache and runs `python -m dossier --archive DIR validate`
with PYTHONPATH naming the package, in this Python (so with the same libraries); the versions'
runs are interleaved (a b a b …) so that a change in the machine's load touches them alike.
Then, in this process, the schema check alone per item on --sample items: jsonschema (the
path before compiled.py) against SchemaSet.accepts (jsonschema-rs), and the strict loader.
Prints the medians, their ratio to the first --compare, the load average and the machine.
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

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def validate_once(root: Path, tool: Path) -> float:
    """Seconds of one cold `dossier validate` with the package in `tool`; stops on a crash."""
    shutil.rmtree(root / ".dossier", ignore_errors=True)
    env = {**os.environ, "PYTHONPATH": str(tool.resolve())}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "dossier", "--archive", str(root), "validate", "--lang", "en"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"validate with {tool} failed: {done.stderr.decode()[-800:]}")
    return seconds


def per_item(root: Path, sample: int) -> dict[str, float]:
    """µs per item of the loader, jsonschema and the compiled check, in this process."""
    sys.path.insert(0, str(REPO / "tool"))
    from dossier.archive.loader import load_file
    from dossier.archive.schemas import SchemaSet

    schemas = SchemaSet(root / "schemas")
    paths = sorted(root.glob("records/*/*/*.yaml"))
    paths = random.Random(1).sample(paths, min(sample, len(paths)))
    start = time.perf_counter()
    docs = [load_file(path, path.name).data for path in paths]
    timings = {"strict loader (loader.py)": time.perf_counter() - start}
    for name, check in (("jsonschema (before)", lambda d: next(schemas.iter_item_errors(d), None) is None),
                        ("jsonschema-rs (SchemaSet.accepts)", lambda d: schemas.accepts("item", d))):
        check(docs[0])  # compiles the validators
        start = time.perf_counter()
        verdicts = [check(data) for data in docs]
        timings[name] = time.perf_counter() - start
        assert all(verdicts), f"{name}: the generated archive should validate"
    return {name: seconds / len(docs) * 1e6 for name, seconds in timings.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--archive", type=Path, help="an archive made by generate_archive.py --items N DIR")
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sample", type=int, default=3000, help="items timed in process")
    parser.add_argument("--compare", type=Path, action="append", default=[], metavar="TOOL_DIR")
    args = parser.parse_args()
    root = args.archive or HERE / "out" / f"archive-{args.items}"
    if not (root / "archive.yaml").exists():
        subprocess.run([sys.executable, str(HERE / "generate_archive.py"), "--items", str(args.items), str(root)],
                       check=True)
    items = sum(1 for folder in ("records", "daily") for _ in (root / folder).rglob("*.yaml"))
    tools = [*args.compare, REPO / "tool"]
    load_before = os.getloadavg()
    times: dict[Path, list[float]] = {tool: [] for tool in tools}
    for _ in range(args.runs):
        for tool in tools:
            times[tool].append(validate_once(root, tool))
    load_after = os.getloadavg()
    micro = per_item(root, args.sample)

    print(f"{items} items; {platform.node()}, nproc {os.cpu_count()}, Python {platform.python_version()}, "
          f"{dt.date.today()}; load average (1, 5, 15 min) {', '.join(f'{x:.1f}' for x in load_before)} before, "
          f"{', '.join(f'{x:.1f}' for x in load_after)} after; {args.runs} interleaved runs each")
    print("\n| package | runs (s) | median (s) | µs per item (wall) | speed-up over the first |\n|---|---|---:|---:|---:|")
    first = statistics.median(times[tools[0]])
    for tool in tools:
        median = statistics.median(times[tool])
        runs = ", ".join(f"{t:.1f}" for t in times[tool])
        print(f"| {tool} | {runs} | {median:.1f} | {median / items * 1e6:.0f} | {first / median:.2f}× |")
    print(f"\n| in one process, {args.sample} items | µs per item |\n|---|---:|")
    for name, micros in micro.items():
        print(f"| {name} | {micros:.1f} |")


if __name__ == "__main__":
    main()
