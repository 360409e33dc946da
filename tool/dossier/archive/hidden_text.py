"""Text that lies 欺骗性文字: characters that change how text reads without showing themselves.

Bidirectional controls (the Trojan Source class, CVE-2021-42574) make a title display in an
order other than the one stored; invisible characters (zero-width spaces, joiners, fillers,
tags) make two names that look the same differ in bytes, so a look-alike customer card slips
past the exact-name match of import. Both are reported wherever they stand in a text field,
and customer names are compared by `name_key`: NFKC-normalised, invisibles removed, spaces
collapsed and case folded — what a reader sees, not what is stored.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Iterator

# Explicit directional formatting characters (Unicode UAX #9): embeddings, overrides, isolates
# and the implicit marks.
BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
# Characters that take no space and show nothing: zero-width space / non-joiner / joiner, word
# joiner and invisible operators, the byte-order mark, soft hyphen, combining grapheme joiner,
# Mongolian vowel separator, Hangul fillers, the interlinear annotation marks and Unicode tags.
INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u034f\u180e"
                      "\u115f\u1160\u3164\uffa0\ufff9\ufffa\ufffb") | frozenset(map(chr, range(0xE0000, 0xE0080)))


def _character_class(characters: frozenset[str]) -> str:
    """A regular expression class of `characters` written as ranges: re searches a class of 150
    single characters some 20 times slower than the same as 14 ranges."""
    runs: list[list[int]] = []
    for point in sorted(map(ord, characters)):
        if runs and point == runs[-1][1] + 1:
            runs[-1][1] = point
        else:
            runs.append([point, point])
    return "[" + "".join(re.escape(chr(first)) + ("-" + re.escape(chr(last)) if last > first else "")
                         for first, last in runs) + "]"


_HIDDEN = re.compile(_character_class(BIDI | INVISIBLE))


def hidden_characters(text: str) -> Iterator[tuple[int, str]]:
    """(index, character) of every bidirectional control or invisible character in `text`."""
    for match in _HIDDEN.finditer(text):
        yield match.start(), match.group()


def may_hide(data: object) -> bool:
    """False when no text of plain data (keys too) holds a hidden character, found by one search
    of its JSON text (which keeps every character from U+0020 on as it is), not text by text."""
    try:
        text = json.dumps(data, ensure_ascii=False, default=repr)
    except (TypeError, ValueError, RecursionError):  # a key JSON cannot hold, a container within itself
        return True
    return _HIDDEN.search(text) is not None


def describe(character: str) -> str:
    """'U+202E RIGHT-TO-LEFT OVERRIDE'."""
    return f"U+{ord(character):04X} {unicodedata.name(character, 'UNNAMED')}"


def text_fields(data: object, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """(path, text) of every string in plain data, mapping keys included (path of the value)."""
    stack = [(path, data)]
    while stack:  # no recursion: depth is bounded by the loader, but a loop costs nothing
        where, node = stack.pop()
        if isinstance(node, str):
            yield where, node
        elif isinstance(node, dict):
            for key, value in node.items():
                if isinstance(key, str):
                    yield where + (key,), key
                stack.append((where + (key,), value))
        elif isinstance(node, list):
            stack.extend((where + (index,), value) for index, value in enumerate(node))


def name_key(name: str) -> str:
    """What a name reads as: NFKC (full-width letters, compatibility forms), hidden characters
    removed, runs of white space made one space, case folded."""
    text = _HIDDEN.sub("", unicodedata.normalize("NFKC", name))
    return " ".join(text.split()).casefold()


def visible(text: str | None) -> bool:
    """A reason holds visible text: a letter, digit, punctuation mark or symbol, not only
    spaces, zero-width characters, direction marks or combining marks."""
    return any(unicodedata.category(ch)[0] in "LNPS" for ch in text or "")
