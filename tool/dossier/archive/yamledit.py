"""Replacing single scalar values of a YAML file in place, leaving every other byte as it was.

Re-dumping a whole file would lose its comments and layout and turn a one-value change into
a diff of the whole file. Here libyaml's events give the exact span of each scalar; a new
value is written as a literal block (`|`) in block context, as a double-quoted string inside
a flow collection (`{…}`, `[…]`), where blocks are not allowed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import yaml
from yaml.events import (
    AliasEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

try:
    from yaml.cyaml import CParser as _Parser
except ImportError:  # PyYAML without libyaml: the same events, more slowly
    _Parser = None


@dataclass(frozen=True)
class Span:
    start: int  # character offsets into the text
    end: int
    indent: int  # where a block's lines go: the key's column + 2, or the list item's column
    flow: bool  # inside a flow collection
    block: bool  # the scalar is a block scalar (| or >), which ends at the start of a line


class _Frame:
    __slots__ = ("is_map", "flow", "path", "key", "key_column", "index")

    def __init__(self, is_map: bool, flow: bool, path: tuple) -> None:
        self.is_map, self.flow, self.path = is_map, flow, path
        self.key: object = None
        self.key_column = 0
        self.index = 0


def scalar_spans(text: str) -> dict[tuple, Span]:
    """The span of every scalar value (not of keys), by its path as loader.Document names it."""
    parser = _Parser(text.encode("utf-8")) if _Parser else yaml.parse(text)
    get = parser.get_event if _Parser else parser.__next__
    spans: dict[tuple, Span] = {}
    stack: list[_Frame] = []
    while not isinstance(event := get(), StreamEndEvent):
        if isinstance(event, (MappingEndEvent, SequenceEndEvent)):
            stack.pop()
            _advance(stack)
            continue
        if not isinstance(event, (ScalarEvent, AliasEvent, MappingStartEvent, SequenceStartEvent)):
            continue
        frame = stack[-1] if stack else None
        if frame is not None and frame.is_map and frame.key is None:  # a key
            # the loader turns `1:` into the text "1": the scalar's own text
            frame.key = event.value if isinstance(event, ScalarEvent) else object()
            frame.key_column = event.start_mark.column
            continue
        path = () if frame is None else frame.path + ((frame.key,) if frame.is_map else (frame.index,))
        if isinstance(event, ScalarEvent):
            indent = frame.key_column + 2 if frame is not None and frame.is_map else event.start_mark.column
            spans[path] = Span(event.start_mark.index, event.end_mark.index, indent,
                               bool(frame and frame.flow), event.style in ("|", ">"))
            _advance(stack)
        elif isinstance(event, AliasEvent):
            _advance(stack)
        else:
            flow = bool(event.flow_style) or bool(frame and frame.flow)
            stack.append(_Frame(isinstance(event, MappingStartEvent), flow, path))
    return spans


def _advance(stack: list[_Frame]) -> None:
    """A value has ended: the next event is the frame's next key or item."""
    if not stack:
        return
    frame = stack[-1]
    if frame.is_map:
        frame.key = None
    else:
        frame.index += 1


def replace_scalars(text: str, new_values: dict[tuple, str]) -> str:
    """`text` with the scalars at these paths replaced by these strings; nothing else changes."""
    spans = scalar_spans(text)
    edits = []
    for path, value in new_values.items():
        span = spans[path]
        edits.append(_edit(text, span, value))
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def _edit(text: str, span: Span, value: str) -> tuple[int, int, str]:
    if span.flow or "\n" not in value.rstrip("\n"):
        return span.start, span.end, json.dumps(value, ensure_ascii=False)
    pad = " " * span.indent
    body = "".join(f"{pad}{line}\n" for line in value.rstrip("\n").split("\n"))
    if span.block:  # it runs to the start of the following line
        return span.start, span.end, "|\n" + body
    line_end = text.find("\n", span.end)
    line_end = len(text) if line_end < 0 else line_end
    rest = text[span.end:line_end]  # spaces and a comment, kept on the `|` line
    return span.start, min(line_end + 1, len(text)), f"|{rest}\n{body}"
