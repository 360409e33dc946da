"""The package's XML files: written by ElementTree (UTF-8, indented, byte-stable), read back by
expat into a small tree that keeps each element's line and column, so a check can name where a
value is. A received file is untrusted: a DOCTYPE or entity declaration is refused before parsing
(no entity expansion, no external entities)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from xml.parsers import expat


@dataclass
class Node:
    tag: str
    line: int
    column: int
    attrs: dict[str, str]
    text: str = ""
    children: list["Node"] = field(default_factory=list)

    def find(self, tag: str) -> "Node | None":
        return next((c for c in self.children if c.tag == tag), None)

    def all(self, tag: str) -> list["Node"]:
        return [c for c in self.children if c.tag == tag]

    def value(self, tag: str) -> str | None:
        node = self.find(tag)
        return None if node is None else node.text

    @property
    def position(self) -> tuple[int, int]:
        return self.line, self.column


class XmlError(ValueError):
    def __init__(self, detail: str, line: int = 0, column: int = 0) -> None:
        super().__init__(detail)
        self.detail, self.line, self.column = detail, line, column


def parse(data: bytes) -> Node:
    """The tree of `data`; raises XmlError naming the line and column."""
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise XmlError("DOCTYPE/ENTITY declarations are not allowed")
    parser = expat.ParserCreate("UTF-8")
    stack: list[Node] = []
    root: list[Node] = []

    def start(tag, attrs):
        node = Node(tag, parser.CurrentLineNumber, parser.CurrentColumnNumber + 1, dict(attrs))
        (stack[-1].children if stack else root).append(node)
        stack.append(node)

    def end(tag):
        node = stack.pop()
        node.text = node.text.strip()

    def text(data_):
        if stack:
            stack[-1].text += data_

    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, text
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise XmlError(expat.errors.messages[exc.code], exc.lineno, exc.offset + 1) from None
    if not root:
        raise XmlError("no root element")
    return root[0]


def element(tag: str, text: object = None, **attrs: str) -> ET.Element:
    node = ET.Element(tag, attrs)
    if text is not None:
        node.text = str(text)
    return node


def child(parent: ET.Element, tag: str, text: object = None, **attrs: str) -> ET.Element:
    node = element(tag, text, **attrs)
    parent.append(node)
    return node


def to_bytes(root: ET.Element) -> bytes:
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode").encode() + b"\n"
