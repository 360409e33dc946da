"""What is checked, whatever it came from: the items 件 of the archive in place or of a received
package, each as its metadata record and the computer files it names."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

Position = tuple[int, int]


@dataclass
class FileRef:
    """A computer file 计算机文件 an item names, and what its metadata says of it."""

    name: str  # as the metadata names it
    path: str  # relative to the holding's base folder
    position: Position  # where the metadata names it
    sha256: str | None = None
    size: int | None = None
    format: str | None = None
    pages: int | None = None
    role: str = "attachment"  # content (the item's PDF), record (its YAML), attachment


@dataclass
class Entry:
    """One item: its metadata file, its metadata elements (element → (value, position), None where
    absent) and its files."""

    file: str
    record: dict[str, tuple[str | None, Position] | None]
    files: list[FileRef] = field(default_factory=list)
    history: list[tuple[str | None, str | None, str | None]] = field(default_factory=list)  # 处理过程 (package)
    tools: list[str | None] = field(default_factory=list)  # 文档创建程序 of each file (package)

    def value(self, tag: str) -> str | None:
        entry = self.record[tag] if tag in self.record else None  # [] never looks a position up
        return entry[0] if entry else None

    def position(self, tag: str) -> Position:
        entry = self.record.get(tag)
        return entry[1] if entry else (0, 0)


@dataclass
class Holding:
    base: Path  # the archive root, or the package's data/ folder
    entries: list[Entry]
    present: list[str]  # every file under base, relative, in sorted order
