"""Allocating electronic codes 编号. A code is never reused: the next serial of a
section is one past every serial it has ever had, in the work tree, in trash/ and
anywhere in git history (deleted and purged items included)."""

from __future__ import annotations

import os
from pathlib import Path

from ..archive import codes
from ..git import gitrepo


def used_serials(root: Path, category: str, year: int, section: str) -> set[int]:
    prefix = f"{category}-{year}-{section}-"
    names: list[str] = []
    for folder in ("records", "daily", "trash"):
        for _, _, files in os.walk(root / folder):
            names += [n for n in files if n.startswith(prefix)]
    names += gitrepo.names_ever_added(root, f"**/{prefix}*.yaml")
    return {code.serial for code in map(codes.parse, (n.removesuffix(".yaml") for n in names)) if code}


def next_code(root: Path, category: str, year: int, section: str) -> codes.Code:
    used = used_serials(root, category, year, section)
    return codes.Code(category, year, section, max(used, default=0) + 1)
