"""The strict YAML loader: untrusted bytes in, plain data with positions out, or a LoadError.

libyaml (through PyYAML's CParser) only tokenises and parses; this module builds the data
itself from the event stream.  Building from events rather than from PyYAML's node graph
matters: the C composer recurses once per nesting level and crashes the process on deeply
nested input, and the constructors would create tagged objects.  Here nothing is ever
constructed from a tag, nothing recurses, and every value's position is recorded.
"""

from __future__ import annotations

import codecs
import math
import os
import re
import stat
from dataclasses import dataclass
from typing import Any, Sequence

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

from .errors import ProblemError
from .problems import Problem

MAX_BYTES = 1_048_576
MAX_NODES = 100_000  # values produced, an alias counting its whole value again at every use
# libyaml's scanner is quadratic in flow nesting depth (40,000 levels take 2-8 s, so 1 MiB of
# "[" would take tens of minutes) and consumers walk the data recursively: cut off early.
MAX_DEPTH = 100
# Integers beyond ±(2**53 - 1) are not exact in JSON tools, spreadsheets or float arithmetic
# (and Python refuses more than 4,300 digits outright); no count or quantity comes near.
MAX_INTEGER = 2**53 - 1
LIBYAML_DEPTH_PROBLEM = "exceeded maximum nesting depth"
RULE = "yaml"


@dataclass(frozen=True)
class Document:
    """One loaded file: its data and the 1-based (line, column) of every value and mapping key."""

    file: str  # display path (posix, relative to the archive root) used in problems
    data: Any  # dict / list / str / int / float / bool / None
    positions: dict[tuple, tuple[int, int]]  # JSON path -> start of the value; () is the root
    key_positions: dict[tuple, tuple[int, int]]  # JSON path -> the mapping key naming it

    def position(self, path: Sequence) -> tuple[int, int]:
        """Where `path` starts: exact if recorded, else its nearest recorded ancestor, else (1, 1).

        Values reached through an alias have no positions of their own: they get the alias's.
        """
        path = tuple(path)
        for end in range(len(path), -1, -1):
            found = self.positions.get(path[:end])
            if found is not None:
                return found
        return (1, 1)


class LoadError(ProblemError):
    """A file that cannot be loaded; `.problem` says why and where (rule "yaml"). A command it
    stops shows it as `file:line:column: yaml: …`, as validate does."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem)
        self.args = (problem,)  # pickling (multiprocessing) rebuilds the error from args


def load_bytes(raw: bytes, file: str, max_bytes: int = MAX_BYTES, *, max_nodes: int = MAX_NODES) -> Document:
    """Load one YAML document from `raw`; `file` is the display path used in problems."""
    if len(raw) > max_bytes:
        raise _error(file, "yaml-too-large", 0, 0, size=len(raw), limit=max_bytes)
    _check_text(raw, file)
    return _parse(raw, file, max_nodes)


def load_file(
    fs_path: str | os.PathLike, file: str, max_bytes: int = MAX_BYTES, *, max_nodes: int = MAX_NODES
) -> Document:
    """Load the YAML file at `fs_path`; an oversized file is rejected before it is read."""
    return load_bytes(_read(fs_path, file, max_bytes), file, max_bytes, max_nodes=max_nodes)


def _error(file: str, key: str, line: int, column: int, **args: Any) -> LoadError:
    return LoadError(Problem(file, line, column, RULE, key, args))


# --- reading ------------------------------------------------------------------------------

# O_NONBLOCK: opening a FIFO would otherwise wait forever for a writer.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def _read(fs_path: str | os.PathLike, file: str, max_bytes: int) -> bytes:
    try:
        with open(os.open(fs_path, _OPEN_FLAGS), "rb") as stream:
            info = os.fstat(stream.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise _error(file, "yaml-unreadable", 0, 0, detail="not a regular file")
            if info.st_size > max_bytes:
                raise _error(file, "yaml-too-large", 0, 0, size=info.st_size, limit=max_bytes)
            # Sized by fstat: asking for max_bytes would allocate 1 MiB per file, costlier than the parse.
            raw = stream.read(info.st_size + 1)
            if len(raw) > info.st_size:  # it grew since fstat: read on, but no further than the limit + 1
                raw += stream.read(max_bytes + 1 - len(raw))
            return raw
    except OSError as err:
        raise _error(file, "yaml-unreadable", 0, 0, detail=err.strerror or str(err)) from err


# --- checks on the raw text, before the parser sees it ---------------------------------------

# Possessive quantifiers: a comment full of "#" must not make the match backtrack exponentially.
_BLANK = re.compile(rb"(?:[ \t\r\n]++|#[^\r\n]*+)*+")
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# The line breaks libyaml counts, so our positions agree with the parser's.
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_TAB_INDENT = re.compile("(?:^|(?<=[\r\x85\u2028\u2029])) *\t", re.MULTILINE)
# Everything outside YAML's printable set; libyaml would refuse it without a line number.
_NON_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _check_text(raw: bytes, file: str) -> None:
    if _BLANK.fullmatch(raw):
        raise _error(file, "yaml-empty", 0, 0)
    if raw.startswith(_BOMS):
        raise _error(file, "yaml-bom", 1, 1)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line, column = _position_after(raw[: err.start].decode("utf-8"))
        raise _error(file, "yaml-utf8", line, column, byte=f"{raw[err.start]:02X}") from None
    tab = _TAB_INDENT.search(text) if "\t" in text else None
    if tab:
        raise _error(file, "yaml-tab", *_position_after(text[: tab.end() - 1]))
    control = _NON_PRINTABLE.search(text)
    if control:
        detail = f"control character U+{ord(control.group()):04X} is not allowed"
        raise _error(file, "yaml-syntax", *_position_after(text[: control.start()]), detail=detail)


def _position_after(prefix: str) -> tuple[int, int]:
    """1-based line and column of the character that follows `prefix`."""
    line, line_start = 1, 0
    for brk in _LINE_BREAK.finditer(prefix):
        line, line_start = line + 1, brk.end()
    return line, len(prefix) - line_start + 1


# --- parsing -------------------------------------------------------------------------------


class _PyEventSource(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):
    """PyYAML's pure-Python parser: the same events as CParser, used only without libyaml."""

    def __init__(self, stream: bytes) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)


try:
    from yaml.cyaml import CParser as _EventSource
except ImportError:  # PyYAML built without libyaml: correct, several times slower
    _EventSource = _PyEventSource


def _parse(raw: bytes, file: str, max_nodes: int) -> Document:
    parser = _EventSource(raw)
    try:
        parser.get_event()  # StreamStartEvent; blank input was rejected, so a document follows
        parser.get_event()  # DocumentStartEvent
        builder = _Builder(file, max_nodes)
        _build_document(parser, builder)
        extra = parser.get_event()
        if isinstance(extra, DocumentStartEvent):
            raise _error(file, "yaml-multiple-documents", *_pos(extra.start_mark))
        return builder.finish()
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line, column = _pos(mark) if mark else (0, 0)
        detail = getattr(err, "problem", None) or str(err)
        if LIBYAML_DEPTH_PROBLEM in detail:
            # libyaml >= 0.2.6 (PyYAML 6.0.2+ wheels) has its own nesting limit of 1000, met by its
            # scanner before our builder sees the 101st level in flow collections: same fault.
            raise _error(file, "yaml-too-deep", line, column, limit=MAX_DEPTH) from err
        raise _error(file, "yaml-syntax", line, column, detail=detail) from err
    finally:
        parser.dispose()


def _build_document(parser: Any, builder: _Builder) -> None:
    """Feed the events of one document to `builder`, up to its DocumentEndEvent."""
    handlers = {
        ScalarEvent: builder.scalar,
        MappingStartEvent: builder.start_mapping,
        SequenceStartEvent: builder.start_sequence,
        MappingEndEvent: builder.end,
        SequenceEndEvent: builder.end,
        AliasEvent: builder.alias,
    }
    get_event = parser.get_event
    while (handler := handlers.get(type(event := get_event()))) is not None:
        handler(event)


def _pos(mark: Any) -> tuple[int, int]:
    return mark.line + 1, mark.column + 1


# --- scalars: YAML 1.2 core schema ------------------------------------------------------------

_WORDS: dict[str, Any] = {
    **dict.fromkeys(("", "~", "null", "Null", "NULL"), None),
    **dict.fromkeys(("true", "True", "TRUE"), True),
    **dict.fromkeys(("false", "False", "FALSE"), False),
    **dict.fromkeys((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), math.inf),
    **dict.fromkeys(("-.inf", "-.Inf", "-.INF"), -math.inf),
    **dict.fromkeys((".nan", ".NaN", ".NAN"), math.nan),
}
_NOT_A_WORD = object()
_MAYBE_NOT_TEXT = frozenset("-+.0123456789").union(word[0] for word in _WORDS if word)
# One pattern, so a date or a code costs one failed match, not three.
_NUMBER = re.compile(
    r"(?P<int>[-+]?[0-9]+)"
    r"|(?P<float>[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)"
    r"|(?P<radix>0o[0-7]+|0x[0-9a-fA-F]+)"
)
_YAML_TAG = "tag:yaml.org,2002:"
_SCALAR_TYPES = {"str": str, "int": int, "float": float, "bool": bool, "null": type(None)}


def _resolve_plain(text: str) -> Any:
    """An unquoted scalar's value. YAML 1.2 core, so yes/no/on/off, dates, 010 and 1:30 stay text."""
    if text and text[0] not in _MAYBE_NOT_TEXT:  # the common case: plain text
        return text
    word = _WORDS.get(text, _NOT_A_WORD)
    if word is not _NOT_A_WORD:
        return word
    number = _NUMBER.fullmatch(text)
    if number is None:
        return text
    if number.lastgroup == "int":
        return _int(text, 10)
    if number.lastgroup == "float":
        return float(text)
    return int(text[2:], 8 if text[1] == "o" else 16)


def _int(text: str, base: int) -> int | float:
    """An integer; one too long for Python to convert (over 4,300 digits) stands as infinity,
    which the builder refuses like any number out of range."""
    try:
        return int(text, base)
    except ValueError:
        return math.inf


def _tagged_scalar(tag: str, text: str) -> Any:
    """A scalar with an explicit tag: only the standard JSON-like ones; ValueError says why not."""
    if tag == "!":  # the non-specific tag: a string
        return text
    kind = _SCALAR_TYPES.get(tag[len(_YAML_TAG) :]) if tag.startswith(_YAML_TAG) else None
    if kind is None:
        raise ValueError(_tag_problem(tag, "a scalar"))
    if kind is str:
        return text
    value = _resolve_plain(text)
    if kind is float and type(value) is int:
        return float(value)
    if type(value) is not kind:
        raise ValueError(f"{text!r} is not a valid {_short_tag(tag)}")
    return value


def _check_collection_tag(tag: str | None, name: str, what: str) -> None:
    if tag is not None and tag != "!" and tag != _YAML_TAG + name:
        raise ValueError(_tag_problem(tag, what))


def _tag_problem(tag: str, what: str) -> str:
    known = tag.startswith(_YAML_TAG) and tag[len(_YAML_TAG) :] in (*_SCALAR_TYPES, "map", "seq")
    return f"tag {_short_tag(tag)} cannot be used on {what}" if known else f"unknown tag {_short_tag(tag)}"


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_YAML_TAG) :] if tag.startswith(_YAML_TAG) else tag


# --- building the data -----------------------------------------------------------------------

_NO_KEY = object()
_KEY_KINDS = {dict: "mapping", list: "sequence", bool: "boolean", float: "number", type(None): "null"}
# When a document has several problems, the one reported is the first kind in this list.
_PRIORITY = ("yaml-duplicate-key", "yaml-merge-key", "yaml-key-type", "yaml-recursive-alias", "yaml-alias-limit",
             "yaml-too-many-values")


class _Frame:
    """An open mapping or sequence."""

    __slots__ = ("container", "path", "start_count", "anchor", "key", "key_pos")

    def __init__(self, container: dict | list, path: tuple, start_count: int, anchor: str | None) -> None:
        self.container = container
        self.path = path
        self.start_count = start_count  # nodes produced before this one: its size is count - start_count
        self.anchor = anchor
        self.key: Any = _NO_KEY  # in a mapping: the key waiting for its value
        self.key_pos = (0, 0)


class _Builder:
    """Turns one document's events into plain data and positions, without recursion.

    Bad tags, undefined aliases and excessive depth are syntax errors and raise at once, in
    document order like the parser's own.  The other faults are only recorded, and finish()
    raises them after the parser has read the whole document, so any syntax error outranks
    them; among themselves _PRIORITY decides.
    """

    def __init__(self, file: str, max_nodes: int) -> None:
        self.file = file
        self.max_nodes = max_nodes
        self.data: Any = None
        self.positions: dict[tuple, tuple[int, int]] = {}
        self.key_positions: dict[tuple, tuple[int, int]] = {}
        self.stack: list[_Frame] = []
        # anchor -> its _Frame while the collection is open (an alias to it is recursive),
        # then (value, node count)
        self.anchors: dict[str, Any] = {}
        self.count = 0
        self.expanded_aliases = False  # decides which message a node limit gets
        self.problems: dict[str, Problem] = {}

    def finish(self) -> Document:
        if self.problems:
            raise self._worst()
        return Document(self.file, self.data, self.positions, self.key_positions)

    def _worst(self) -> LoadError:
        return LoadError(next(self.problems[key] for key in _PRIORITY if key in self.problems))

    def scalar(self, event: ScalarEvent) -> None:
        tag, text, mark = event.tag, event.value, event.start_mark
        if tag is None:  # the common case, kept free of extra calls: this runs for every scalar
            value = _resolve_plain(text) if event.implicit[0] else text
        else:
            try:
                value = _tagged_scalar(tag, text)
            except ValueError as err:
                raise self._syntax(mark, str(err)) from None
        if type(value) is float or type(value) is int:
            self._check_number(value, text, mark)
        self._add_nodes(1, mark)
        self._place(value, mark, tag is None and text == "<<" and event.implicit[0])
        if event.anchor:
            self.anchors[event.anchor] = (value, 1)

    def alias(self, event: AliasEvent) -> None:
        target = self.anchors.get(event.anchor)
        if target is None:
            raise self._syntax(event.start_mark, f"undefined alias *{event.anchor}")
        if type(target) is _Frame:
            self._record("yaml-recursive-alias", _pos(event.start_mark))
            target = (None, 1)
        value, size = target
        self.expanded_aliases = True
        self._add_nodes(size, event.start_mark)
        self._place(value, event.start_mark)

    def start_mapping(self, event: MappingStartEvent) -> None:
        self._start(event, {}, "map", "a mapping")

    def start_sequence(self, event: SequenceStartEvent) -> None:
        self._start(event, [], "seq", "a sequence")

    def _start(self, event: Any, container: dict | list, tag_name: str, what: str) -> None:
        try:
            _check_collection_tag(event.tag, tag_name, what)
        except ValueError as err:
            raise self._syntax(event.start_mark, str(err)) from None
        if len(self.stack) >= MAX_DEPTH:
            raise _error(self.file, "yaml-too-deep", *_pos(event.start_mark), limit=MAX_DEPTH)
        self._add_nodes(1, event.start_mark)
        frame = _Frame(container, self._place(container, event.start_mark), self.count - 1, event.anchor)
        if event.anchor:
            self.anchors[event.anchor] = frame
        self.stack.append(frame)

    def end(self, event: Any) -> None:
        frame = self.stack.pop()
        # Only if no inner node has taken the anchor over since (a later definition wins).
        if frame.anchor and self.anchors.get(frame.anchor) is frame:
            size = min(self.count - frame.start_count, self.max_nodes + 1)  # capped: keeps sums small
            self.anchors[frame.anchor] = (frame.container, size)

    def _place(self, value: Any, mark: Any, merge: bool = False) -> tuple:
        """Put a new value where the document is at; return the path for its children."""
        pos = (mark.line + 1, mark.column + 1)
        if not self.stack:
            self.data, path = value, ()
        else:
            frame = self.stack[-1]
            container = frame.container
            if type(container) is list:
                path = frame.path + (len(container),)
                container.append(value)
            elif frame.key is _NO_KEY:
                if type(value) is str and not merge and value not in container:
                    frame.key = value  # the common case, without a call
                else:
                    frame.key = self._key(value, pos, frame, merge)
                frame.key_pos = pos
                # Only a collection used as a key has children; that document is rejected anyway.
                return frame.path
            else:
                path = frame.path + (frame.key,)
                container[frame.key] = value
                self.key_positions[path] = frame.key_pos
                frame.key = _NO_KEY
        self.positions[path] = pos
        return path

    def _key(self, value: Any, pos: tuple[int, int], frame: _Frame, merge: bool) -> Any:
        if type(value) is str:
            key = value
            if merge:
                self._record("yaml-merge-key", pos)
        elif type(value) is int:  # `1:` means the text "1", as in archive.yaml's categories
            key = str(value)
        else:
            self._record("yaml-key-type", pos, kind=_KEY_KINDS[type(value)])
            return object()  # unique, so two bad keys are not also reported as duplicates
        if key in frame.container:
            first_line = self.key_positions[frame.path + (key,)][0]
            self._record("yaml-duplicate-key", pos, name=key, first_line=first_line)
        return key

    def _add_nodes(self, count: int, mark: Any) -> None:
        """Count values produced; past the limit stop at once, since aliases can multiply without end."""
        self.count += count
        if self.count > self.max_nodes:
            key = "yaml-alias-limit" if self.expanded_aliases else "yaml-too-many-values"
            self._record(key, _pos(mark), limit=self.max_nodes)
            raise self._worst()

    def _check_number(self, value: int | float, text: str, mark: Any) -> None:
        """NaN, infinities and integers no JSON tool holds exactly are refused where they stand:
        a `.nan` quantity passes every minimum, and a 5,000-digit integer breaks arithmetic."""
        if type(value) is float and not math.isfinite(value) or type(value) is int and abs(value) > MAX_INTEGER:
            raise _error(self.file, "yaml-number", *_pos(mark), value=text if len(text) <= 24 else text[:20] + "…",
                         limit=MAX_INTEGER)

    def _record(self, key: str, pos: tuple[int, int], **args: Any) -> None:
        self.problems.setdefault(key, Problem(self.file, pos[0], pos[1], RULE, key, args))

    def _syntax(self, mark: Any, detail: str) -> LoadError:
        return _error(self.file, "yaml-syntax", *_pos(mark), detail=detail)
