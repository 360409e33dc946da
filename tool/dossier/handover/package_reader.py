"""A received package read without the archive's repository (DA/T 92-2022 §9.2.3: the package
describes itself): its 说明文件, 目录文件, fixity information and each item's metadata XML."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from . import layout
from .holding import Entry, FileRef, Holding
from .metadata import ELEMENTS, FILES, HISTORY, ITEM_ROOT
from .outcome import Finding
from .xmlfile import Node, XmlError, parse

DATA = "data"


@dataclass
class Package:
    root: Path  # the bag
    holding: Holding
    xml: dict[str, Node]  # every XML file that parsed, by path under data/
    broken: list[Finding] = field(default_factory=list)  # XML files that did not parse
    item_folders: dict[str, Entry] = field(default_factory=dict)  # folder → its item

    def node(self, rel: str) -> Node | None:
        return self.xml.get(rel)

    def description(self, tag: str) -> str | None:
        node = self.node(layout.DESCRIPTION)
        return node.value(tag) if node is not None else None


def source_commit(bag: Path) -> str:
    try:
        return parse((bag / DATA / layout.DESCRIPTION).read_bytes()).value("来源提交") or ""
    except (OSError, XmlError):
        return ""


def read(bag: Path) -> Package:
    base = bag / DATA
    present = sorted(Path(d, n).relative_to(base).as_posix() for d, _, names in os.walk(base) for n in names)
    xml, broken = {}, []
    for rel in present:
        if rel.endswith(".xml"):
            try:
                xml[rel] = parse((base / rel).read_bytes())
            except XmlError as exc:
                broken.append(Finding.of(rel, "check-xml", (exc.line, exc.column), detail=exc.detail))
            except OSError as exc:
                broken.append(Finding.of(rel, "check-xml", (0, 0), detail=str(exc)))
    package = Package(bag, Holding(base, [], present), xml, broken)
    for rel, node in xml.items():
        if node.tag == ITEM_ROOT:
            entry = _entry(rel, node)
            package.holding.entries.append(entry)
            package.item_folders[rel.rsplit("/", 1)[0]] = entry
    package.holding.entries.sort(key=lambda e: e.file)
    return package


def _entry(rel: str, node: Node) -> Entry:
    record = {}
    for element in ELEMENTS:
        found = node.find(element.tag)
        record[element.tag] = None if found is None else (found.text, found.position)
    folder = rel.rsplit("/", 1)[0]
    entry = Entry(rel, record)
    files = node.find(FILES)
    for listed in files.all("文件") if files is not None else []:
        name = listed.value("计算机文件名") or ""
        entry.files.append(FileRef(name, f"{folder}/{name}", listed.position, sha256=listed.value("数字摘要"),
                                   size=_int(listed.value("计算机文件大小")), format=listed.value("格式信息"),
                                   pages=_int(listed.value("页数")), role=listed.attrs.get("角色", "attachment")))
    entry.history = [(e.value("行为"), e.value("人员"), e.value("日期")) for e in
                     (node.find(HISTORY).all("事件") if node.find(HISTORY) is not None else [])]
    entry.tools = [f.value("文档创建程序") for f in (files.all("文件") if files is not None else [])]
    return entry


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None
