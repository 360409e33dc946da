"""Benchmark: the quarterly report (consumption, ABC by Pareto, proposed class changes) on a
large synthetic archive, against a baseline measured in the same run.

    python benchmarks/bench_reports.py --items 100000 [--period 2026-Q3] [--repeat 3]
        [--formats xlsx,html,pdf] [--others monthly:2026-10,credit:2026-09,annual:2025]
        [--archive PATH] [--before REV]

Uses benchmarks/out/archive-<items> (generated with benchmarks/generate_archive.py if it is not
there; never deleted), or --archive (e.g. a git repository of it, as bench_index.py makes). Its
index is brought up to date first (untimed), as any `dossier find` leaves it. Times, each the
median of --repeat runs, interleaved:

  baseline   a fresh Python that reads every sales-record file of the archive (every year) and
             parses it with yaml.CSafeLoader, nothing else: the least any report over the sales
             records must do
  figures    `reports.load` + `reports.build` in a fresh Python (imports included): the numbers
  xlsx/html/pdf   `dossier report quarterly --period P --format F` end to end (the command line,
             its start-up, the figures and the rendering)
  others     `dossier report KIND --period P --format pdf` for each KIND:P of --others
  before     with --before REV: each report command again with the tool as it was at REV
             (`git archive REV tool/` into a temporary folder, run from there), on the archive
             --before-archive (default: the same): an index is trusted only by the code that
             made it, so on the same archive a tool of another commit reads the files of the
             period's folders instead; a copy of the archive lets that tool keep its own index

The reports are made as the archive's general manager (user.email through GIT_CONFIG_*
variables), who may read every customer: the access rules leave nothing out.

and prints a Markdown table with seconds and ratios to the baseline.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
READER = "zhao.guoqiang@longcheng-club.cn"  # the general manager of generate_archive.py's archives

BASELINE = r"""
import os, sys, yaml
root = sys.argv[1]
count = 0
for year in sorted(os.listdir(os.path.join(root, "records", "6"))):
    folder = os.path.join(root, "records", "6", year)
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), "rb") as stream:
            raw = stream.read()
        if b"sales-record" in raw:
            data = yaml.load(raw, Loader=yaml.CSafeLoader)
            count += data.get("type") == "sales-record"
print(count)
"""

FIGURES = r"""
import datetime, sys
from pathlib import Path
from dossier import reports
period = reports.resolve_period("quarterly", sys.argv[2], datetime.date(2026, 11, 23))
data = reports.load("quarterly", Path(sys.argv[1]), period)
report = reports.build("quarterly", data, period)
print(len(data.sales), sum(len(rows) for rows in report.consumption.values()), len(report.proposals))
"""


CPU: dict[str, list[float]] = {}  # run → CPU seconds (user + system) of its processes, load or not


def timed(cmd: list[str], env: dict | None = None, name: str = "") -> tuple[float, str]:
    start, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(cmd, capture_output=True, text=True, env=env)
    seconds, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode not in (0, 1) or "Traceback" in result.stderr:
        raise SystemExit(f"{' '.join(cmd[:6])}… failed:\n{result.stderr}")
    CPU.setdefault(name, []).append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return seconds, result.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--period", default="2026-Q3")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--formats", default="xlsx,html,pdf")
    parser.add_argument("--others", default="", help="more reports as PDF, KIND:PERIOD,… "
                        "(e.g. monthly:2026-10,credit:2026-09,annual:2025)")
    parser.add_argument("--archive", type=Path, help="the archive to use (default: OUT/archive-ITEMS)")
    parser.add_argument("--before", metavar="REV", help="also run each report with the tool of this commit")
    parser.add_argument("--before-archive", type=Path, metavar="PATH",
                        help="with --before: a copy of the archive for that tool, which keeps its own index there")
    args = parser.parse_args()
    root = args.archive or args.out / f"archive-{args.items}"
    if not (root / "archive.yaml").exists():
        subprocess.run([sys.executable, str(HERE / "generate_archive.py"), "--items", str(args.items), str(root)],
                       check=True)
    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    env = dict(os.environ, DOSSIER_TODAY="2026-11-23", PYTHONPATH=str(REPO / "tool"), GIT_CONFIG_COUNT="1",
               GIT_CONFIG_KEY_0="user.email", GIT_CONFIG_VALUE_0=READER)
    timed([sys.executable, "-m", "dossier", "--archive", str(root), "index", "update"], env)
    with tempfile.TemporaryDirectory() as output, tempfile.TemporaryDirectory() as before:
        before_env = dict(env, PYTHONPATH=str(_tool_at(args.before, Path(before)))) if args.before else None
        before_root = args.before_archive or root
        if before_env and args.before_archive:
            timed([sys.executable, "-m", "dossier", "--archive", str(before_root), "index", "update"], before_env)
        runs = {"baseline: every sales record, yaml.CSafeLoader": [sys.executable, "-c", BASELINE, str(root)],
                "figures: reports.load + build (fresh Python)": [sys.executable, "-c", FIGURES, str(root),
                                                                   args.period]}

        def report(kind: str, period: str, fmt: str) -> list[str]:
            return [sys.executable, "-m", "dossier", "--archive", str(root), "report", kind, "--period", period,
                    "--format", fmt, "--output", output, "--lang", "zh"]

        for fmt in args.formats.split(","):
            runs[f"dossier report quarterly --format {fmt}"] = report("quarterly", args.period, fmt)
        for other in filter(None, args.others.split(",")):
            kind, period = other.split(":")
            runs[f"dossier report {kind} --period {period} --format pdf"] = report(kind, period, "pdf")
        envs = {name: env for name in runs}
        if before_env:
            for name in [name for name in runs if name.startswith("dossier report")]:
                runs[f"{name} (before: {args.before})"] = [str(before_root) if part == str(root) else part
                                                           for part in runs[name]]
                envs[f"{name} (before: {args.before})"] = before_env
        times: dict[str, list[float]] = {name: [] for name in runs}
        notes: dict[str, str] = {}
        for _ in range(args.repeat):
            for name, cmd in runs.items():
                seconds, out = timed(cmd, envs[name], name)
                times[name].append(seconds)
                notes[name] = out.splitlines()[0] if out else ""
        sizes = {p.name: p.stat().st_size for p in Path(output).iterdir()}
    base = statistics.median(times[next(iter(runs))])
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{args.items} items, quarter {args.period}; {platform.node()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, {dt.date.today()}, load {load_before:.2f} before, {load:.2f} after "
          f"(the runs' own processes count); median of {args.repeat}")
    print("| run | median seconds | min | ratio to baseline | CPU s | output |\n|---|---:|---:|---:|---:|---|")
    for name, values in times.items():
        median = statistics.median(values)
        detail = notes[name]
        if name.startswith("dossier report"):
            words = name.split(" (before")[0].split()
            kind, fmt = words[2], words[-1]
            period = words[4] if "--period" in words else args.period
            written = f"{kind}-{period}.zh.{fmt}"
            detail = f"{sizes[written] / 1024:,.0f} KiB" if written in sizes else detail
        print(f"| {name} | {median:.2f} | {min(values):.2f} | {median / base:.2f}× | "
              f"{statistics.median(CPU[name]):.2f} | {detail} |")
    if args.before:
        print(f"\n| report | now s | before ({args.before}) s | now ÷ before | CPU s now | CPU s before "
              f"| CPU now ÷ before |\n|---|---:|---:|---:|---:|---:|---:|")
        for name in [name for name in times if name.startswith("dossier report") and "(before" not in name]:
            then_name = f"{name} (before: {args.before})"
            now, then = statistics.median(times[name]), statistics.median(times[then_name])
            cpu_now, cpu_then = statistics.median(CPU[name]), statistics.median(CPU[then_name])
            print(f"| {name} | {now:.2f} | {then:.2f} | {now / then:.2f} | {cpu_now:.2f} | {cpu_then:.2f} | "
                  f"{cpu_now / cpu_then:.2f} |")


def _tool_at(rev: str, folder: Path) -> Path:
    """The tool/ folder of commit `rev`, written into `folder` (what PYTHONPATH then names)."""
    archive = subprocess.run(["git", "-C", str(REPO), "archive", rev, "tool"], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder / "tool"


if __name__ == "__main__":
    main()
