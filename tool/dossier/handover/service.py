"""A check run from start to end, as the CLI and tests call it: check, make the report's data
and digest; and the report as PDF or xlsx bytes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..git import gitrepo
from .checks import check, is_package
from .report import Run, document


@dataclass
class CheckRun:
    run: Run
    digest: str
    archive_root: Path | None  # where the run is recorded (None for a received package)


def check_run(target: Path, stage: str, today: dt.date, person: str, lang: str, use_cache: bool = True) -> CheckRun:
    outcomes = check(target, stage, today, use_cache)
    if is_package(target):
        from .package_reader import source_commit

        run = Run("package", target.name, stage, person, today.isoformat(), source_commit(target), outcomes)
        return CheckRun(run, run.digest(), None)
    from ..archive.config import open_archive

    settings = open_archive(target).settings.data
    name = f"{(settings.get('fonds') or {}).get('code', '')} {settings.get('organisation', '')}".strip()
    head = gitrepo.run(["rev-parse", "-q", "--verify", "HEAD"], target, check=False) \
        if gitrepo.is_repository(target) else None
    commit = head.stdout.strip() if head is not None and head.returncode == 0 else ""
    run = Run("archive", name, stage, person, today.isoformat(), commit, outcomes)
    return CheckRun(run, run.digest(), target)


def report_bytes(run: Run, fmt: str, lang: str) -> bytes:
    doc = document(run, lang, run.name)
    if fmt == "xlsx":
        from ..reports.render_xlsx import render_xlsx

        return render_xlsx(doc)
    from ..reports.render_pdf import document_pdf

    return document_pdf(doc)
