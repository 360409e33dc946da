"""The glyphs of the report fonts, for text that the PDF draws itself (drawn_tables.py).

The fonts are WeasyPrint's own: a "glyph sheet" holding every character to draw, regular
characters on its first page and bold ones on its second, is rendered with the report's
stylesheet, and its PDF is read back. Its ToUnicode maps give each character's glyph code,
its W arrays the glyph widths, and its embedded subset fonts are copied into the report: the
drawn text has the glyphs, fonts and text extraction of the text WeasyPrint lays out.

Characters are drawn one glyph each, without kerning or ligatures: right for Chinese and for
the digits and words of a table, not for scripts that need shaping. `covers` tells whether a
text can be drawn; a table with a character the sheet does not map is left to WeasyPrint.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
_BFRANGE = re.compile(rb"beginbfrange(.*?)endbfrange", re.S)
_HEX = re.compile(rb"<([0-9a-fA-F]+)>")
_SELECT_FONT = re.compile(rb"/([^\s/]+)\s+[0-9.]+\s+Tf")


@dataclass(frozen=True)
class Glyph:
    font: str  # the font's resource name in the sheet
    code: str  # the glyph's code in that font, 4 hex digits
    width: float  # advance, in 1/1000 em


def sheet_text(characters: set[str]) -> str:
    """The characters as the sheet shows them: one by one, apart, so that none is shaped
    together with its neighbour (and the space between them is a glyph of the sheet too)."""
    return " ".join(["0", *sorted(characters - {" "}), "0"])


class Glyphs:
    """Widths and codes of the characters of a rendered glyph sheet (PDF bytes)."""

    def __init__(self, sheet_pdf: bytes):
        from pypdf import PdfReader  # imported when needed: only a PDF needs it

        reader = PdfReader(io.BytesIO(sheet_pdf))
        self.fonts: dict = {}  # name → pypdf IndirectObject
        for page in reader.pages:
            fonts = page["/Resources"]["/Font"]
            self.fonts.update({name[1:]: fonts.raw_get(name) for name in fonts})
        self._styles = tuple(_page_glyphs(page, self.fonts) for page in reader.pages[:2])
        self._runs: dict[tuple[str, bool], list[tuple[str, str]]] = {}  # a table repeats its texts
        regular = self._styles[0]["0"].font  # the first font (a fallback font may draw other characters)
        descriptor = self.fonts[regular].get_object()["/DescendantFonts"][0]["/FontDescriptor"]
        self.ascent = float(descriptor["/Ascent"]) / 1000  # em
        self.descent = -float(descriptor["/Descent"]) / 1000  # em, positive

    def covers(self, text: str, bold: bool) -> bool:
        glyphs = self._styles[bold]
        return all(c in glyphs for c in text)

    def width(self, text: str, bold: bool) -> float:
        """The advance of `text`, in em."""
        glyphs = self._styles[bold]
        return sum(glyphs[c].width for c in text) / 1000

    def runs(self, text: str, bold: bool) -> list[tuple[str, str]]:
        """`text` as (font, hex codes) runs, a run for each change of font."""
        known = self._runs.get((text, bold))
        if known is None:
            known = self._runs[(text, bold)] = self._find_runs(text, bold)
        return known

    def _find_runs(self, text: str, bold: bool) -> list[tuple[str, str]]:
        glyphs = self._styles[bold]
        runs: list[tuple[str, list[str]]] = []
        for c in text:
            glyph = glyphs[c]
            if not runs or runs[-1][0] != glyph.font:
                runs.append((glyph.font, []))
            runs[-1][1].append(glyph.code)
        return [(font, "".join(codes)) for font, codes in runs]


def _page_glyphs(page, fonts) -> dict[str, Glyph]:
    """Character → glyph for the fonts the sheet's `page` selects (regular or bold, and any
    fallback font the text needed)."""
    used = {m.group(1).decode("latin-1") for m in _SELECT_FONT.finditer(page.get_contents().get_data())}
    glyphs: dict[str, Glyph] = {}
    for name in sorted(used):
        font = fonts[name].get_object()
        widths = _widths(font["/DescendantFonts"][0].get("/W", []))
        for code, text in _to_unicode(font["/ToUnicode"].get_data()).items():
            if len(text) == 1:
                glyphs.setdefault(text, Glyph(name, f"{code:04x}", widths.get(code, 1000.0)))
    return glyphs


def _to_unicode(cmap: bytes) -> dict[int, str]:
    """Glyph code → text, from a ToUnicode CMap's bfchar and bfrange entries."""
    result: dict[int, str] = {}
    for block in _BFCHAR.findall(cmap):
        values = _HEX.findall(block)
        for code, text in zip(values[::2], values[1::2]):
            result[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be")
    for block in _BFRANGE.findall(cmap):
        values = _HEX.findall(block)
        for first, last, start in zip(values[::3], values[1::3], values[2::3]):
            base = bytes.fromhex(start.decode()).decode("utf-16-be")
            for offset in range(int(last, 16) - int(first, 16) + 1):
                result[int(first, 16) + offset] = base[:-1] + chr(ord(base[-1]) + offset)
    return result


def _widths(array) -> dict[int, float]:
    """A CID font's W array: `c [w1 w2 …]` and `c_first c_last w` entries."""
    widths: dict[int, float] = {}
    items = list(array)
    i = 0
    while i < len(items):
        first = int(items[i])
        if isinstance(items[i + 1].get_object(), list):
            for offset, width in enumerate(items[i + 1].get_object()):
                widths[first + offset] = float(width)
            i += 2
        else:
            for code in range(first, int(items[i + 1]) + 1):
                widths[code] = float(items[i + 2])
            i += 3
    return widths
