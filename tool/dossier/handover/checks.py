"""The four-property check 四性检测 of one stage: every item DA/T 70 Appendix A applies to the
stage, decided by the holding's checker where the data allows, else left to a person."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Protocol

from ..archive.messages import MESSAGES
from .items import items_of
from .outcome import Decision, Outcome, by_person

# Items no data can decide: reading content, carriers, environment (DA/T 70 says "人工").
BY_PERSON_ONLY = ("2-7", "2-8", "3-4", "3-9", "4-4", "4-5", "4-6", "4-8", "4-9")


class Checker(Protocol):
    def decide(self, number: str) -> Decision | None: ...


def run(checker: Checker, stage: str) -> list[Outcome]:
    outcomes = []
    for item in items_of(stage):
        decision = None if item.number in BY_PERSON_ONLY else checker.decide(item.number)
        if decision is None:
            key = f"check-manual-{item.number}"
            decision = by_person((key if key in MESSAGES else "check-manual", {}))
        outcomes.append(Outcome(item, stage, decision.method, decision.result, decision.evidence, decision.findings))
    return outcomes


def is_package(path: Path) -> bool:
    """A BagIt bag (a received package) rather than an archive."""
    return (path / "bagit.txt").is_file()


def check(path: Path, stage: str, today: dt.date, use_cache: bool = True) -> list[Outcome]:
    """Check the archive at `path`, or the package at `path`, at `stage` (gd, yj or bc)."""
    if is_package(path):
        from .package_check import PackageCheck

        return run(PackageCheck(path, stage, today), stage)
    from .archive_check import ArchiveCheck

    return run(ArchiveCheck(path, stage, today, use_cache), stage)
