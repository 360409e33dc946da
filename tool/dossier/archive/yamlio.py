"""Writing archive YAML the way people write it: block style, Chinese as is, keys in
the schema's order, and dates unquoted (the loader keeps them as text)."""

from __future__ import annotations

import re

import yaml


# libyaml's emitter when present (about 4× faster, same output), else the pure-Python one.
_Base = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_Base):
    """A safe dumper that does not treat ISO dates as timestamps, matching loader.py."""


_Dumper.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeDumper.yaml_implicit_resolvers.items()
}


def _text(dumper: _Dumper, text: str) -> yaml.ScalarNode:
    # An encrypted value (crypto.py) as a literal block, as `dossier rekey` writes it: the armor's
    # lines as they are, which `age -d` reads back when pasted.
    style = "|" if text.startswith("-----BEGIN AGE ENCRYPTED FILE-----") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _text)


WIDTH = 100


def dump(data: object) -> str:
    """The YAML text of plain data. A mapping of the shapes cards and items have (block mappings
    and lists of short texts, numbers, true/false, null) is written here directly, as libyaml would
    write it; anything else (a text that needs quoting other than in single quotes, could wrap at
    the width or be an alias, a float, a date …) by PyYAML. Both give the same text (tests/test_yamlio.py
    compares them); the direct way costs a fifth of PyYAML's, whose representer is pure Python."""
    if type(data) is dict and data:
        lines: list[str] = []
        if _block_mapping(data, 0, lines, set()):
            return "".join(lines)
    return pyyaml_dump(data)


def pyyaml_dump(data: object) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=WIDTH,
                     default_flow_style=False)


# A text libyaml writes plain in block context when nothing resolves it to another type: a letter,
# digit, "(" or printable non-ASCII character first (no indicator, no "---" or "..."), then such
# characters, spaces and punctuation that is an indicator only at the start, no space last. libyaml's
# printable non-ASCII is U+00A0-U+D7FF and U+E000-U+FFFD less U+FEFF; U+2028 and U+2029 are breaks.
_NON_ASCII = "\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd"
_PLAIN = re.compile(f"[0-9A-Za-z({_NON_ASCII}](?:[0-9A-Za-z_ \\-./()+,&@%*!;'\"{_NON_ASCII}]*"
                    f"[0-9A-Za-z_\\-./()+,&@%*!;'\"{_NON_ASCII}])?")
# What PyYAML's resolver tries on a text by its first character (numbers, booleans, nulls …), as
# one pattern per character: a text one of them matches is quoted so that it reads back as text.
_IMPLICIT = {first: re.compile("|".join(f"(?:{regexp.pattern})" for _, regexp in resolvers), re.X)
             for first, resolvers in _Dumper.yaml_implicit_resolvers.items() if first}
_KEYS: dict[str, bool] = {}  # keys met so far → written plain (cards have a few dozen)


def _scalar(value: object, column: int) -> str | None:
    """`value` as libyaml writes it starting at `column`, or None: not a case handled here."""
    kind = type(value)
    if kind is str:
        if not value:
            return "''"
        if not _PLAIN.fullmatch(value) or (" " in value and column + len(value) > WIDTH):  # would wrap
            return None
        implicit = _IMPLICIT.get(value[0])
        if implicit is not None and implicit.match(value):  # a number, true, null …
            return None if " " in value or "'" in value else f"'{value}'"
        return value
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    return "null" if value is None else None


def _key(key: object) -> str | None:
    if type(key) is not str:
        return None
    plain = _KEYS.get(key)
    if plain is None:
        plain = len(key) <= 64 and _scalar(key, 0) == key  # a longer key may be written "? key"
        if len(_KEYS) < 4096:
            _KEYS[key] = plain
    return key if plain else None


def _block_mapping(data: dict, indent: int, lines: list[str], seen: set[int], first: str = "") -> bool:
    """Append the lines of a non-empty mapping at `indent` (its first line after `first`, the "- "
    of a list item); False when some part is not a case handled here. A container met twice would
    be an alias (&id001): not handled."""
    if id(data) in seen:
        return False
    seen.add(id(data))
    pad = " " * indent
    for index, (key, value) in enumerate(data.items()):
        name = _key(key)
        if name is None:
            return False
        head = (first if index == 0 and first else pad) + name + ":"
        if not _value(value, head, lines, seen, indent + 2, indent):
            return False
    return True


def _value(value: object, head: str, lines: list[str], seen: set[int], deeper: int, items_at: int) -> bool:
    """`head` (a key with its colon, or a list's dash) and its value: a scalar or empty container on
    the same line, a mapping below at `deeper`, a list's items at `items_at`."""
    kind = type(value)
    if kind is dict or kind is list:
        if id(value) in seen:  # met twice: an alias (&id001)
            return False
        if value:
            lines.append(head + "\n")
            return (_block_mapping if kind is dict else _block_sequence)(value, deeper if kind is dict else items_at,
                                                                      lines, seen)
        seen.add(id(value))
        text = "{}" if kind is dict else "[]"
    else:
        text = _scalar(value, len(head) + 1)
    if text is None:
        return False
    lines.append(f"{head} {text}\n")
    return True


def _block_sequence(items: list, indent: int, lines: list[str], seen: set[int]) -> bool:
    if id(items) in seen:
        return False
    seen.add(id(items))
    dash = " " * indent + "-"
    for item in items:
        kind = type(item)
        if kind is dict and item:
            if not _block_mapping(item, indent + 2, lines, seen, dash + " "):
                return False
        elif kind is list and item:
            return False  # a list in a list ("- - x"): PyYAML's
        elif not _value(item, dash, lines, seen, indent + 2, indent + 2):
            return False
    return True
