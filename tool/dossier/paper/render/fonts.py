"""The CJK fonts a volume needs, and how its documents share them.

Without a CJK font, WeasyPrint would print empty boxes (豆腐块) where the Chinese text should
be: refuse to render instead and say what to install. With one, each font goes into a volume
once (below, and render/assemble.py)."""

from __future__ import annotations

import struct
import subprocess
from typing import Callable

from ...archive.errors import DossierError

HARFBUZZ_PACKAGE = "libharfbuzz-subset0"  # Debian / Ubuntu
PACKAGE = "fonts-noto-cjk"  # Debian / Ubuntu: Noto Sans CJK SC (黑体) and Noto Serif CJK SC (宋体)


def cjk_families() -> list[str]:
    """Font families fontconfig offers for Chinese (`fc-list :lang=zh family`)."""
    try:
        result = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return []  # no fontconfig at all: no font WeasyPrint could use either
    if result.returncode != 0:
        return []
    return sorted({name.strip() for line in result.stdout.splitlines() for name in line.split(",") if name.strip()})


def require_cjk_font() -> list[str]:
    families = cjk_families()
    if not families:
        raise DossierError("render-no-cjk-font", package=PACKAGE)
    return families


# --- one copy of each font per volume ----------------------------------------------------------
#
# WeasyPrint embeds in every PDF it writes a subset of each font it used: the glyphs used, kept
# at their ids in the font file. Items rendered one by one each carry their own subsets of the
# CJK fonts (about 300 KB per item), and a volume of 1,000 items would carry 1,000 copies.
# Instead, the font program of each document is replaced, in its cached fragment
# (render/assemble.py), by a reference to the font file it was cut from, kept once in the render
# cache; the volume embeds each font file once, subset to the glyphs all its documents use, as
# WeasyPrint would have done for one long document.
#
# Which font file: fontconfig lists the files of the font's family; the one that, subset to the
# document's glyphs as WeasyPrint subsets (render/harfbuzz.py), gives back exactly the bytes
# WeasyPrint embedded is the one. Checked once per font and process. A font no file matches
# keeps its own subset (the PDF stays whole and correct), and the document says so
# (Rendered.unshared): `render volume` warns, and the tests fail.

# the page numbers' font: volume.css's sans-serif families (the items' own, so its program is shared)
NUMBER_FONT_PATTERN = "Noto Sans CJK SC,Source Han Sans SC,WenQuanYi Zen Hei,sans-serif:lang=zh"


class FontSources:
    """The font files WeasyPrint's embedded subsets were cut from, found and saved (as
    `save_font(sha, data)`) once per process."""

    def __init__(self, save_font: Callable[[str, bytes], None]) -> None:
        self.save_font = save_font
        self._found: dict[tuple[str, str], tuple[str, int] | None] = {}
        self._files: dict[tuple[str, int], str] = {}  # (path, size) → sha256

    def find(self, name: str, family: str, program: bytes, glyphs: list[int]) -> tuple[str, int] | None:
        """(sha256 of the font file, face index) of the font `name` of `family` whose
        embedded subset is `program` (glyphs `glyphs`), or None when no file gives it back."""
        key = (name, family)
        if key not in self._found:
            self._found[key] = self._match(family, program, glyphs)
        return self._found[key]

    def _match(self, family: str, program: bytes, glyphs: list[int]) -> tuple[str, int] | None:
        from . import harfbuzz

        if not harfbuzz.available():
            return None
        for path, index in faces(_escaped(family)):
            data = _read(path)
            if data is not None and harfbuzz.subset(data, index, glyphs) == program:
                return self.keep(path, data), index
        return None

    def keep(self, path: str, data: bytes) -> str:
        """The sha256 of the font file at `path` (holding `data`), saved in the render cache."""
        import hashlib

        known = (path, len(data))
        if known not in self._files:
            self._files[known] = hashlib.sha256(data).hexdigest()
            self.save_font(self._files[known], data)
        return self._files[known]

    def number_font(self) -> tuple[str, int]:
        """(sha256, face index) of the font the page numbers are stamped with. A volume needs
        HarfBuzz's subsetter to embed it (and to share the items' fonts)."""
        from . import harfbuzz

        if not harfbuzz.available():
            raise DossierError("render-no-harfbuzz-subset", package=HARFBUZZ_PACKAGE)
        found = faces(NUMBER_FONT_PATTERN, match=True)
        data = _read(found[0][0]) if found else None
        if data is None:
            raise DossierError("render-no-cjk-font", package=PACKAGE)
        return self.keep(found[0][0], data), found[0][1]


def faces(pattern: str, match: bool = False) -> list[tuple[str, int]]:
    """(file, face index) of the fonts fontconfig lists for `pattern` (`fc-match`: the best one)."""
    command = ["fc-match" if match else "fc-list", pattern, "--format", "%{file}\t%{index}\n"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return []
    found = []
    for line in result.stdout.splitlines():
        path, _, index = line.partition("\t")
        if path and index.isdigit():
            found.append((path, int(index)))
    return sorted(set(found)) if not match else found[:1]


def is_cff(data: bytes, index: int) -> bool:
    """Whether face `index` of the font file `data` (a .ttc collection or a single font) has
    CFF outlines ("OTTO"), to be embedded as FontFile3 /OpenType rather than FontFile2."""
    if data[:4] == b"ttcf":
        (offset,) = struct.unpack_from(">I", data, 12 + 4 * index)
        return data[offset:offset + 4] == b"OTTO"
    return data[:4] == b"OTTO"


def _escaped(family: str) -> str:
    """A family name as a fontconfig pattern (its special characters escaped)."""
    return "".join("\\" + c if c in "\\-:,=" else c for c in family)


def _read(path: str) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None
