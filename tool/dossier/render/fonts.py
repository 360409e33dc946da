"""The CJK fonts a volume needs, and how its documents share them.

Without a CJK font, WeasyPrint would print empty boxes (豆腐块) where the Chinese text should
be: refuse to render instead and say what to install. With one, each font goes into a volume
once (below, and render/assemble.py)."""

from __future__ import annotations

import subprocess
from typing import Callable

from ..errors import DossierError

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
# WeasyPrint embeds in every PDF it writes a subset of each font it used. Items rendered one by
# one would each carry their own subsets of the CJK fonts (about 300 KB per item, and 120 ms of
# subsetting), and a volume of 1,000 items would carry 1,000 copies. Instead, while an item is
# written, its fonts are recorded (the glyphs used, their widths and text) and a placeholder
# stands where the font program goes; the font file is kept once in the render cache. The
# volume then embeds each font once, subset to the glyphs all its documents use
# (render/assemble.py), as WeasyPrint would have done for one long document.

PLACEHOLDER = b"dossier: font kept in the render cache"
_FINGERPRINTS: dict[tuple, str] = {}  # per process: a font file's sha256 is computed once


def defer_fonts(weasyprint_pdf, save_font, capture: Callable[[], list | None]) -> None:
    """Wrap WeasyPrint's build_fonts_dictionary so that, while `capture()` gives a list, plain
    vector fonts are recorded in it (FontUse) and stored with `save_font(sha, data)` instead
    of being subset and embedded. Other WeasyPrint documents of the process (reports) are
    left alone, and so is a WeasyPrint without that function: it embeds its subsets."""
    original = getattr(weasyprint_pdf, "build_fonts_dictionary", None)
    if original is None or getattr(original, "defers_fonts", False):
        return

    def build_fonts_dictionary(pdf, fonts, compress, subset, options):
        captured = capture()
        if subset and captured is not None:
            captured.extend(_placeholders(fonts, save_font))
        return original(pdf, fonts, compress, subset, options)

    build_fonts_dictionary.defers_fonts = True
    weasyprint_pdf.build_fonts_dictionary = build_fonts_dictionary


def _placeholders(fonts: dict, save_font) -> list:
    """FontUse of each group of fonts sharing a font file, and placeholders in their place.
    Fonts WeasyPrint treats specially (bitmap, colour, variable, with missing glyphs) are left
    to it."""
    from .cache import FontUse

    groups: dict[str, list] = {}
    for font in fonts.values():
        groups.setdefault(font.hash, []).append(font)
    uses = []
    for resource, members in groups.items():
        first = members[0]
        if not all(_plain(font) for font in members):
            continue
        sha = _fingerprint(first, save_font)
        use = FontUse(resource=resource, font=sha, index=first.index, cff="CFF " in first.tables,
                      name=first.name.decode("latin-1").lstrip("/"), family=first.family, flags=first.flags,
                      ascent=first.ascent, descent=first.descent, italic_angle=first.italic_angle,
                      stemv=first.stemv, stemh=first.stemh)
        for font in members:
            use.widths.update(font.widths)
            use.unicode.update(font.to_unicode)
        # the first four bytes tell WeasyPrint which kind of font program it writes
        placeholder = (b"OTTO" if use.cff else b"\0\1\0\0") + PLACEHOLDER
        for font in members:
            font.file_content = placeholder
            font.clean = _keep
            # nor widths and text in the document's own font dictionaries: the volume's carry them
            font.widths, font.to_unicode = {}, {}
        uses.append(use)
    return uses


def _plain(font) -> bool:
    return not (font.bitmap or font.png or font.svg or font.colr or font.missing or font.used_in_forms
                or "fvar" in font.tables or "CFF2" in font.tables)


def _keep(to_unicode, hinting) -> None:
    """Font.clean for a placeholder: nothing to subset."""


def _fingerprint(font, save_font) -> str:
    import hashlib

    data = font.file_content
    known = (font.family, font.weight, font.style, font.index, len(data))
    sha = _FINGERPRINTS.get(known)
    if sha is None:
        sha = _FINGERPRINTS[known] = hashlib.sha256(data).hexdigest()
    save_font(sha, data)  # cheap when the cache has it already
    return sha
