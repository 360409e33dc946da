"""The record of check runs 检测记录 (DA/T 70 §4.3.1.2: every check is logged into the record):
one YAML file per run under the archive's checks/ folder — who, when, the stage, the tool's
version, the commit checked, each item's code and result with its count of findings, and the
sha256 of the report — committed by the tool alone, so the history of checks is part of the
archive's history (`git log -- checks/`)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from ..archive import yamlio
from ..git.transaction import Operation, locked
from .report import Run, tool_version

CHECKS = "checks"
HEADER = ("# 四性检测记录 Record of a four-property check (DA/T 70-2018), written by `dossier check`.\n"
          "# Do not edit: the report's digest names the report this run produced.\n")
NAME = re.compile(r"^\d{4}-\d{2}-\d{2}-(gd|yj|bc)-\d{3}\.yaml$")


def record_text(run: Run, report_digest: str) -> str:
    data = {"standard": "DA/T 70-2018", "stage": run.stage.upper(), "date": run.date, "person": run.person,
            "tool_version": tool_version(), "commit": run.commit, "target": run.target, "name": run.name,
            "counts": run.counts(), "report_sha256": report_digest,
            "items": [{"code": o.code, "method": o.method, "result": o.result, "findings": len(o.findings)}
                      for o in run.outcomes]}
    return HEADER + yamlio.dump(data)


def record(root: Path, run: Run, report_digest: str) -> tuple[str, str | None]:
    """Write the run's record under checks/ and commit it alone, as one operation under the clone's
    lock (transaction.py: its number is allocated there too); (path, commit or None when the
    archive is not a git repository)."""
    with locked(root, "check"):
        folder = root / CHECKS / run.date[:4]
        taken = {p.name for p in folder.iterdir()} if folder.is_dir() else set()
        number = 1 + max((int(n[-8:-5]) for n in taken if NAME.match(n) and n.startswith(run.date)), default=0)
        rel = f"{CHECKS}/{run.date[:4]}/{run.date}-{run.stage}-{number:03d}.yaml"
        counts = run.counts()
        subject = (f"四性检测 {run.stage.upper()}: 通过 {counts['通过']}, 不通过 {counts['不通过']}, "
                   f"需人工 {counts['需人工']} (four-property check)")
        # hooks=False: the record of a check that found faults must be kept, and the pre-commit hook
        # would refuse any commit while the archive has them; the record itself is no archive file.
        operation = Operation(root, "check", hooks=False)
        operation.write(rel, record_text(run, report_digest).encode("utf-8"))
        return rel, operation.commit(subject, [("Dossier-Action", "check"), ("Dossier-Report-SHA256", report_digest)])


def last_run(root: Path) -> dict | None:
    """The newest record under checks/, or None."""
    found = sorted((p for p in (root / CHECKS).glob("*/*.yaml") if NAME.match(p.name)), key=lambda p: p.name)
    if not found:
        return None
    try:
        data = yaml.safe_load(found[-1].read_text(encoding="utf-8"))
    except (yaml.YAMLError, OSError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None
