"""PDF pages with pypdf: attachment pages fitted to A4, page numbers stamped on the pages
of the items (top right, where Chinese archives number the front of a leaf), in an embedded
font (render/assemble.py)."""

from __future__ import annotations

from pypdf import PageObject, PdfWriter, Transformation

A4 = (595.28, 841.89)  # points
TOLERANCE = 3.0  # points: a page this close to A4 is kept as it is
DIGITS = "0123456789"
NUMBER_SIZE = 12
NUMBER_TOP = 36.0  # points from the top edge to the baseline (about 12.7 mm)
NUMBER_RIGHT = 42.0  # points from the right edge to the end of the number (about 14.8 mm)


def fit_to_a4(writer: PdfWriter, page: PageObject) -> PageObject:
    """Add `page` to `writer`, scaled and centred on an A4 page unless it already is A4."""
    if page.get("/Rotate", 0) % 360:
        page.transfer_rotation_to_content()
    box = page.mediabox
    width, height = float(box.width), float(box.height)
    if abs(width - A4[0]) <= TOLERANCE and abs(height - A4[1]) <= TOLERANCE and not float(box.left) and not float(box.bottom):
        return writer.add_page(page)
    blank = PageObject.create_blank_page(width=A4[0], height=A4[1])
    scale = min(A4[0] / width, A4[1] / height)
    dx = (A4[0] - width * scale) / 2 - float(box.left) * scale
    dy = (A4[1] - height * scale) / 2 - float(box.bottom) * scale
    blank.merge_transformed_page(page, Transformation().scale(scale, scale).translate(dx, dy))
    return writer.add_page(blank)


def number_stamp(number: int, font: str, digits: dict[str, tuple[int, float]]) -> bytes:
    """The content that draws `number` at the top right of an A4 page with the font resource
    `font` (a Type0 font, Identity-H: two bytes per glyph id; `digits` gives each digit's glyph
    id and width); it starts with Q, closing the q put before the page's own content (whatever
    that content leaves changed, the number is drawn in the page's plain coordinates)."""
    text = str(number)
    width = sum(digits[c][1] for c in text) / 1000 * NUMBER_SIZE
    glyphs = "".join(f"{digits[c][0]:04x}" for c in text)
    return (f"Q BT /{font} {NUMBER_SIZE} Tf 1 0 0 1 {A4[0] - NUMBER_RIGHT - width:.2f} "
            f"{A4[1] - NUMBER_TOP:.2f} Tm <{glyphs}> Tj ET").encode("ascii")
