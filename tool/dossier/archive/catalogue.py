"""Browsing the archive in catalogue order 目录顺序: list and show items.

Filters on category, year and section are applied to paths before any file is read.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from . import codes
from .loader import Document, LoadError, load_file
from .problems import Problem


@dataclass(frozen=True)
class Filters:
    category: str | None = None
    year: int | None = None
    section: str | None = None
    customer: str | None = None
    manager: str | None = None
    status: str | None = None
    type: str | None = None

    def admits_code(self, code: codes.Code) -> bool:
        return (
            (self.category is None or code.category == self.category)
            and (self.year is None or code.year == self.year)
            and (self.section is None or code.section == self.section)
        )

    def admits(self, data: dict) -> bool:
        return all(
            wanted is None or data.get(field) == wanted
            for field, wanted in (("customer", self.customer), ("manager", self.manager),
                                  ("status", self.status), ("type", self.type))
        )


@dataclass(frozen=True)
class Entry:
    """One row of the catalogue."""

    code: codes.Code
    doc: Document

    @property
    def data(self) -> dict:
        return self.doc.data


def item_files(root: Path) -> list[tuple[codes.Code, Path]]:
    found = []
    for folder in ("records", "daily"):
        for dirpath, _, names in os.walk(root / folder):
            for name in names:
                code = codes.parse(name.removesuffix(".yaml")) if name.endswith(".yaml") else None
                if code:
                    found.append((code, Path(dirpath) / name))
    return sorted(found, key=lambda pair: pair[0].sort_key)


def entries(root: Path, filters: Filters) -> tuple[list[Entry], list[LoadError]]:
    """The items the filters admit, in catalogue order, and the files that failed to load."""
    rows, failures = [], []
    for code, path in item_files(root):
        if not filters.admits_code(code):
            continue
        try:
            doc = load_file(path, path.relative_to(root).as_posix())
        except LoadError as exc:
            failures.append(exc)
            continue
        if isinstance(doc.data, dict) and filters.admits(doc.data):
            rows.append(Entry(code, doc))
    return rows, failures


def load_cards(root: Path) -> tuple[dict[str, Document], list[Problem]]:
    """Every customer card 客户资料卡 by id (by file name when it has none), and the cards that
    cannot be read, as problems: callers decide whether they may go on without them."""
    cards, problems = {}, []
    folder = root / "customers"
    names = sorted(os.listdir(folder)) if folder.is_dir() else []
    for name in names:
        if not name.endswith(".yaml"):
            continue
        rel = f"customers/{name}"
        try:
            doc = load_file(folder / name, rel)
        except LoadError as exc:
            problems.append(exc.problem)
            continue
        card_id = doc.data.get("id") if isinstance(doc.data, dict) else None
        cards[card_id if isinstance(card_id, str) else name[:-5]] = doc
    return cards, problems
