"""The archive in place as a holding: its filed and bound items 件 read as metadata records
(positions found only for the few values a finding names), with their attachments."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import yaml

from ..archive import codes
from ..archive.loader import LoadError, load_file
from .holding import Entry, FileRef, Holding
from .metadata import YAML_PATHS, record_of

ITEM_FOLDERS = ("records", "daily")
ARCHIVED = ("filed", "bound")
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Positions:
    """Where an element's value stands in an item's YAML: the file is loaded with positions only
    when a finding asks (findings are few; the items are many)."""

    def __init__(self, root: Path, rel: str) -> None:
        self.root, self.rel = root, rel

    @lru_cache(maxsize=None)
    def of(self, path: tuple) -> tuple[int, int]:
        try:
            return load_file(self.root / self.rel, self.rel).position(path)
        except LoadError:
            return (0, 0)


class LazyRecord(dict):
    """element → (value, position) where the position is looked up when first read."""

    def __init__(self, values: dict, positions: _Positions, paths: dict[str, tuple]) -> None:
        super().__init__({tag: None if value is None else (value, None) for tag, value in values.items()})
        self._positions, self._paths = positions, paths

    def get(self, tag, default=None):
        entry = super().get(tag, default)
        if entry is None or entry is default or entry[1] is not None:
            return entry
        value = (entry[0], self._positions.of(self._paths.get(tag, ())))
        self[tag] = value
        return value


def item_files(root: Path) -> list[str]:
    """Every item file's path (relative), in catalogue order."""
    found = []
    for folder in ITEM_FOLDERS:
        for dirpath, _, names in os.walk(root / folder):
            for name in names:
                code = codes.parse(name[:-5]) if name.endswith(".yaml") else None
                if code is not None:
                    found.append(Path(dirpath, name).relative_to(root).as_posix())
    return sorted(found, key=lambda rel: codes.parse(Path(rel).name[:-5]).sort_key)


def read_items(root: Path, rels: list[str]) -> dict[str, dict]:
    """The data of each item that loads as a mapping (validate reports those that do not)."""
    found = {}
    for rel in rels:
        try:
            data = yaml.load((root / rel).read_bytes(), Loader=Loader)
        except (yaml.YAMLError, OSError, ValueError):
            continue
        if isinstance(data, dict):
            found[rel] = data
    return found


def archived(items: dict[str, dict]) -> dict[str, dict]:
    return {rel: data for rel, data in items.items() if data.get("status") in ARCHIVED}


def holding(root: Path, items: dict[str, dict], settings: dict, present: list[str]) -> Holding:
    entries = []
    for rel, data in items.items():
        positions = _Positions(root, rel)
        record = LazyRecord(record_of(data, settings), positions, YAML_PATHS)
        entry = Entry(rel, record)
        folder = rel.rsplit("/", 1)[0]
        attachments = data.get("attachments") if isinstance(data.get("attachments"), list) else []
        for index, attachment in enumerate(attachments):
            if isinstance(attachment, dict) and isinstance(attachment.get("file"), str):
                pages = attachment.get("pages") if isinstance(attachment.get("pages"), int) else None
                path = os.path.normpath(f"{folder}/{attachment['file']}")
                entry.files.append(FileRef(attachment["file"], path, _Deferred(positions, ("attachments", index, "file")),
                                           sha256=attachment.get("sha256"), pages=pages))
        entries.append(entry)
    return Holding(root, entries, present)


class _Deferred(tuple):
    """A position looked up only if a finding uses it."""

    def __new__(cls, positions: _Positions, path: tuple):
        return super().__new__(cls, (0, 0))

    def __init__(self, positions: _Positions, path: tuple) -> None:
        self._positions, self._path = positions, path

    def __iter__(self):
        return iter(self._positions.of(self._path))

    def __getitem__(self, index):
        return self._positions.of(self._path)[index]
