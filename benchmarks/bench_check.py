"""Benchmark: the four-property check of a large synthetic archive, against the cold validate
of the same archive, measured in the same run.

    python benchmarks/bench_check.py --items 100000

Generates the archive (benchmarks/generate_archive.py) unless it exists and commits it to a git
repository (the check reads the approvals of the history), then times:
  validate  dossier validate with no cache (.dossier/ removed)
  check     dossier check --stage gd with no cache (.dossier/ removed), its report as JSON,
            the run not recorded (--no-record)
and prints a Markdown table with the ratio of check to validate (target: 1.5 or less).
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

import yaml

HERE = Path(__file__).resolve().parent


def timed(cmd: list[str], env: dict) -> tuple[float, int]:
    start = time.perf_counter()
    result = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start, result.returncode


def repository(root: Path) -> str:
    """The archive committed to git (once); the e-mail of its sales manager, who runs the check."""
    people = yaml.safe_load((root / "people.yaml").read_text(encoding="utf-8"))["people"]
    email = next(p["email"] for p in people if "sales_manager" in p.get("roles", []))
    if not (root / ".git").exists():
        for args in (["init", "-q", "-b", "main"], ["add", "-A"],
                     ["-c", f"user.email={email}", "-c", "user.name=bench", "commit", "-q", "-m", "archive"]):
            subprocess.run(["git", *args], cwd=root, check=True)
    return email


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    args = parser.parse_args()
    root = args.out / f"archive-{args.items}"
    if not (root / "archive.yaml").exists():
        subprocess.run([sys.executable, str(HERE / "generate_archive.py"), "--items", str(args.items), str(root)],
                       check=True)
    email = repository(root)
    env = {**os.environ, "GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "user.email", "GIT_CONFIG_VALUE_0": email}
    dossier = [sys.executable, "-m", "dossier", "--archive", str(root)]
    rows = []
    for name, command in (("dossier validate, cold", [*dossier, "validate"]),
                          ("dossier check --stage gd, cold", [*dossier, "check", "--stage", "gd", "--format", "json",
                                                              "--no-record"])):
        shutil.rmtree(root / ".dossier", ignore_errors=True)
        rows.append((name, *timed(command, env)))
    print(f"{args.items} items; {platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{dt.date.today()}")
    print("| run | seconds | exit | ratio to cold validate |\n|---|---:|---:|---:|")
    for name, seconds, code in rows:
        print(f"| {name} | {seconds:.2f} | {code} | {seconds / rows[0][1]:.2f} |")


if __name__ == "__main__":
    main()
