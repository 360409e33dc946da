"""A report as PDF: WeasyPrint lays out the document with an empty block where each part of a
table goes, and drawn_tables.py draws the tables into those blocks (it says why).

0. the charts are drawn by matplotlib in a second process meanwhile (charts.py);
1. the characters of the tables are rendered on a glyph sheet (glyphs.py);
2. each table is measured. A table of a third of a page or less is one block, kept whole and
   with the headings above it (they go to the next page together if it does not fit). A
   longer one is cut into parts: the first fills the space left on the page where the table
   starts, each other part a page. Its first part is two blocks: the header and first row,
   kept with the headings above (as a table's first row is), then its other rows;
3. where a table starts is known only once WeasyPrint has laid out what comes before it, so
   the document is laid out with first parts cut to the space found, again until every table
   starts where its parts were cut for: a pass places at least one more. These passes leave
   out the page footers and the middle pages of each table: each lays out a few pages, in a
   tenth of a second;
4. WeasyPrint lays out the whole document, with its footers and page numbers, and writes
   it; pypdf adds the parts, drawn where their blocks are.
"""

from __future__ import annotations

import io
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Callable

from ..errors import DossierError
from .drawn_tables import MM, TableLayout, TableText
from .glyphs import Glyphs, sheet_text
from .model import Chart, Document, Table
from .render_html import PAGE_MARGINS_MM, TEMPLATES, glyph_sheet_html, render_html, svg_uri

PAGE_WIDTH, PAGE_HEIGHT = 297 * MM, 210 * MM  # A4 landscape (report.css)
TOP, RIGHT, BOTTOM, LEFT = (mm * MM for mm in PAGE_MARGINS_MM)
FULL = PAGE_HEIGHT - TOP - BOTTOM  # a page of table, points
WIDTH = PAGE_WIDTH - LEFT - RIGHT
PX = 0.75  # points in a CSS pixel
SLACK = 0.5  # points: a first part cut this much shorter than the space found is sure to fit
WHOLE = FULL / 3  # a table this high or less is kept whole: at worst a third of a page is left empty
NO_FOOTERS = "@page { @bottom-center { content: none !important } @bottom-right { content: none !important } }"


@dataclass(frozen=True)
class Block:
    """An empty block of the HTML where a part of a table is drawn. The first part is two
    blocks: the header and first row, kept with the headings above as a table's first row
    would be (where it lands is where the table starts), then the part's other rows."""

    id: str
    height: float  # points
    keep: bool = False  # the header and first row
    new_page: bool = False


def document_pdf(doc: Document) -> bytes:
    charts = [chart for section in doc.sections for chart in section.charts]
    chart_svgs = _charts_meanwhile(charts)
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    cache: dict = {}
    tables = [table for table in doc.tables() if table.rows]
    texts = [TableText.of(table) for table in tables]
    glyphs = _glyph_sheet(texts, doc.lang, fonts) if tables else None
    layouts = {f"t{i}": TableLayout(text, glyphs, WIDTH) for i, text in enumerate(texts) if text.drawable(glyphs)}
    names = {id(t): f"t{i}" for i, t in enumerate(tables)}
    uris = dict(zip(map(id, charts), chart_svgs()))

    def lay_out(parts: dict[str, list], ends: bool = False, **options):
        html = render_html(doc, lambda chart: uris[id(chart)], _blocks(names, layouts, parts, whole, ends))
        return HTML(string=html, base_url=str(TEMPLATES)).render(font_config=fonts, cache=cache, **options)

    whole = {name for name, layout in layouts.items() if layout.height(layout.rows) <= WHOLE}
    parts = {name: layout.pages(FULL, FULL) for name, layout in layouts.items()}
    parts.update(_cut({name: layouts[name] for name in layouts if name not in whole}, parts, lay_out))
    rendered = lay_out(parts)
    split = [name for name in layouts if not _in_one_piece(rendered, name)]
    if split:  # cannot happen once the passes have placed every table; if it does, first parts of one row
        parts.update({name: layouts[name].pages(layouts[name].least, FULL) for name in split})
        rendered = lay_out(parts)
    pdf = rendered.write_pdf()
    return _draw(pdf, rendered, layouts, parts, glyphs) if layouts else pdf


def _cut(layouts: dict[str, TableLayout], parts: dict[str, list], lay_out) -> dict[str, list]:
    """The parts of the tables not kept whole (`layouts`), the first cut to the space left
    where the table starts (step 3). `parts` has every table's parts, the first of a long one
    guessed a page; each pass places at least the first table not yet in place, as where a
    table starts depends only on what comes before it."""
    from weasyprint import CSS

    measuring = [CSS(string=NO_FOOTERS)]
    parts = dict(parts)
    for _ in range(len(layouts) + 1 if layouts else 0):
        spaces = _spaces(lay_out(parts, ends=True, stylesheets=measuring), layouts)
        found = {name: layout.pages(spaces[name], FULL) for name, layout in layouts.items()}
        # a table that starts elsewhere but is cut alike moves nothing; one cut anew moves only
        # what follows it, so the tables before it are where the pass found them
        recut = [name for name in layouts if _sizes(found[name]) != _sizes(parts[name])]
        parts.update(found)
        if not recut or recut[0] == list(layouts)[-1]:
            break
    return {name: parts[name] for name in layouts}


def _sizes(parts: list[list]) -> list[int]:
    return [len(part) for part in parts]


def _charts_meanwhile(charts: list[Chart]) -> Callable[[], list[str]]:
    """Start drawing `charts` in a second process: matplotlib takes about a second, which the
    report's own process spends importing WeasyPrint and measuring tables. The function
    returned waits for the charts (data URIs of SVGs, text as text)."""
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:  # no fork on this platform: the charts are drawn when asked for
        context = None
    if not charts or context is None or (os.cpu_count() or 1) < 2:
        return lambda: _chart_svgs(charts)
    pool = ProcessPoolExecutor(1, mp_context=context)
    future = pool.submit(_chart_svgs_or_none, charts)

    def result() -> list[str]:
        try:
            svgs = future.result()
        finally:
            pool.shutdown()
        return _chart_svgs(charts) if svgs is None else svgs  # None: fails again here, and is reported

    return result


def _chart_svgs(charts: list[Chart]) -> list[str]:
    return [svg_uri(chart, text_as_paths=False) for chart in charts]


def _chart_svgs_or_none(charts: list[Chart]) -> list[str] | None:
    """In the second process: a DossierError (no CJK font) does not survive pickling whole."""
    try:
        return _chart_svgs(charts)
    except DossierError:
        return None


def _glyph_sheet(texts: list[TableText], lang: str, fonts) -> Glyphs:
    from weasyprint import HTML

    regular, bold = set(), set()
    for text in texts:
        text_regular, text_bold = text.characters()
        regular |= text_regular
        bold |= text_bold
    html = glyph_sheet_html(sheet_text(regular), sheet_text(bold), lang)
    return Glyphs(HTML(string=html).write_pdf(font_config=fonts))


def _blocks(names: dict[int, str], layouts: dict[str, TableLayout], parts: dict[str, list], whole: set[str],
            ends: bool = False) -> Callable[[Table], list[Block] | None]:
    """The blocks standing for each table. With `ends`, those of the first part and of the
    last, on a page of its own: what follows the table lands where it will with every part,
    on fewer pages."""

    def blocks(table: Table) -> list[Block] | None:
        name = names.get(id(table))
        if name not in layouts:
            return None
        layout, first, *others = layouts[name], *parts[name]
        if name in whole:  # kept with the headings above it
            return [Block(name, layout.height(first), keep=True)]
        made = [Block(name, layout.least, keep=True)]
        if len(first) > 1:
            made.append(Block(f"{name}-rest", layout.height(first) - layout.least))
        if ends and others:
            return made + [Block(f"{name}-{len(others)}", layout.height(others[-1]), new_page=True)]
        return made + [Block(f"{name}-{k}", layout.height(part)) for k, part in enumerate(others, 1)]

    return blocks


def _spaces(rendered, layouts: dict[str, TableLayout]) -> dict[str, float]:
    """The space (points) from where each table starts to the bottom of its page."""
    spaces: dict[str, float] = {}
    for page in rendered.pages:
        for name in layouts:
            if name in page.anchors:
                spaces[name] = round(PAGE_HEIGHT - BOTTOM - page.anchors[name][1] * PX - SLACK, 1)
    return spaces


def _in_one_piece(rendered, name: str) -> bool:
    """Whether the first part of table `name` is on one page: its rows after the first follow
    the header and first row."""
    pages = [i for i, page in enumerate(rendered.pages) for anchor in (name, f"{name}-rest") if anchor in page.anchors]
    return len(set(pages)) == 1


def _draw(pdf: bytes, rendered, layouts: dict[str, TableLayout], parts: dict[str, list], glyphs: Glyphs) -> bytes:
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    fonts = {name: f"DT{name}" for name in glyphs.fonts}
    clones = {fonts[name]: ref.clone(writer) for name, ref in glyphs.fonts.items()}
    for page, target in zip(rendered.pages, writer.pages):
        placed = [(name, k, page.anchors[anchor]) for name in layouts for k in range(len(parts[name]))
                  if (anchor := f"{name}-{k}" if k else name) in page.anchors]
        ops = [layouts[name].draw(parts[name][k], x * PX, target.mediabox.height - y * PX, fonts)
               for name, k, (x, y, *_) in placed]
        if not ops:
            continue
        resources = target["/Resources"]
        if "/Font" not in resources:
            resources[NameObject("/Font")] = DictionaryObject()
        for name, ref in clones.items():
            resources["/Font"][NameObject("/" + name)] = ref
        # WeasyPrint's operators leave their coordinate system changed: they are kept apart
        stream = DecodedStreamObject()
        stream.set_data(b"q\n" + target.get_contents().get_data() + b"\nQ\n" + "\n".join(ops).encode("ascii"))
        target.replace_contents(stream)
        target.compress_content_streams()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
