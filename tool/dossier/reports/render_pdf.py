"""A report as PDF: WeasyPrint lays out the document with an empty block where each table part
and each chart goes; drawn_tables.py draws the tables into their blocks (it says why) and the
charts, pages of PDF drawn by matplotlib, are laid onto theirs.

0. the charts are drawn by matplotlib in a second process meanwhile (charts.py); their
   sizes are known beforehand;
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
   it; pypdf adds the tables and the charts where their blocks are.
"""

from __future__ import annotations

import io
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Callable

from ..errors import DossierError
from .charts import figure_size
from .drawn_tables import MM, TableLayout, TableText
from .glyphs import Glyphs, sheet_text
from .model import Chart, Document, Table
from .render_html import PAGE_MARGINS_MM, TEMPLATES, glyph_sheet_html, render_html, weasyprint

PAGE_WIDTH, PAGE_HEIGHT = 297 * MM, 210 * MM  # A4 landscape (report.css)
TOP, RIGHT, BOTTOM, LEFT = (mm * MM for mm in PAGE_MARGINS_MM)
FULL = PAGE_HEIGHT - TOP - BOTTOM  # a page of table, points
WIDTH = PAGE_WIDTH - LEFT - RIGHT
CHART_HEIGHT = 88 * MM  # charts are shrunk to fit this height and the page's width (report.css div.chart img)
PX = 0.75  # points in a CSS pixel
SLACK = 0.5  # points: a first part cut this much shorter than the space found is sure to fit
WHOLE = FULL / 3  # a table this high or less is kept whole: at worst a third of a page is left empty
NO_FOOTERS = "@page { @bottom-center { content: none !important } @bottom-right { content: none !important } }"


@dataclass(frozen=True)
class Block:
    """An empty block of the HTML where a part of a table, or a chart, is drawn."""

    id: str
    height: float  # points
    keep: bool = False  # kept with the headings above: a table's header and first row, or a short table
    new_page: bool = False
    width: float = 0.0  # points, for a chart


def document_pdf(doc: Document) -> bytes:
    charts = [chart for section in doc.sections for chart in section.charts]
    chart_pdfs = _charts_meanwhile(charts)
    weasyprint()  # imported after the fork: the chart process does without it
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    tables = [table for table in doc.tables() if table.rows]
    texts = [TableText.of(table) for table in tables]
    glyphs = _glyph_sheet(texts, doc.lang, fonts) if tables else None
    layouts = {f"t{i}": TableLayout(text, glyphs, WIDTH) for i, text in enumerate(texts) if text.drawable(glyphs)}
    report = _Report(doc, fonts, layouts, {id(t): f"t{i}" for i, t in enumerate(tables)}, charts)
    parts = {name: layout.pages(FULL, FULL) for name, layout in layouts.items()}
    parts.update(report.cut({name: layout for name, layout in layouts.items() if name not in report.whole}, parts))
    rendered = report.lay_out(parts)
    split = [name for name in layouts if not _in_one_piece(rendered, name)]
    if split:  # cannot happen once the passes have placed every table; if it does, first parts of one row
        parts.update({name: layouts[name].pages(layouts[name].least, FULL) for name in split})
        rendered = report.lay_out(parts)
    return report.draw(rendered.write_pdf(), rendered, parts, glyphs, chart_pdfs())


class _Report:
    """A report being laid out: its document, fonts, tables measured and charts drawn."""

    def __init__(self, doc: Document, fonts, layouts: dict[str, TableLayout], names: dict[int, str],
                 charts: list[Chart]):
        self.doc, self.fonts, self.layouts, self.names = doc, fonts, layouts, names
        self.whole = {name for name, layout in layouts.items() if layout.height(layout.rows) <= WHOLE}
        self.charts = {id(chart): (f"c{i}", _chart_box(chart)) for i, chart in enumerate(charts)}

    def lay_out(self, parts: dict[str, list], ends: bool = False, **options):
        """The document laid out by WeasyPrint, with blocks for `parts` (with `ends`, as the
        measuring passes have them)."""
        from weasyprint import HTML

        html = render_html(self.doc, lambda item: self._blocks(item, parts, ends))
        return HTML(string=html, base_url=str(TEMPLATES)).render(font_config=self.fonts, **options)

    def cut(self, layouts: dict[str, TableLayout], parts: dict[str, list]) -> dict[str, list]:
        """The parts of the tables not kept whole (`layouts`), the first cut to the space left
        where the table starts (step 3). `parts` has every table's parts, the first of a long
        one guessed a page; each pass places at least the first table not yet in place, as
        where a table starts depends only on what comes before it."""
        from weasyprint import CSS

        measuring = [CSS(string=NO_FOOTERS)]
        parts = dict(parts)
        for _ in range(len(layouts) + 1 if layouts else 0):
            spaces = _spaces(self.lay_out(parts, ends=True, stylesheets=measuring), layouts)
            found = {name: layout.pages(spaces[name], FULL) for name, layout in layouts.items()}
            # a table that starts elsewhere but is cut alike moves nothing; one cut anew moves only
            # what follows it, so the tables before it are where the pass found them
            recut = [name for name in layouts if _sizes(found[name]) != _sizes(parts[name])]
            parts.update(found)
            if not recut or recut[0] == list(layouts)[-1]:
                break
        return {name: parts[name] for name in layouts}

    def _blocks(self, item: Table | Chart, parts: dict[str, list], ends: bool) -> list[Block] | None:
        """The blocks standing for a table or a chart. With `ends`, a table has those of its
        first part and of its last, on a page of its own: what follows the table lands where it
        will with every part, on fewer pages."""
        if id(item) in self.charts:
            name, (width, height, scale) = self.charts[id(item)]
            return [Block(name, height * scale, width=width * scale)]
        name = self.names.get(id(item))
        if name not in self.layouts:
            return None
        layout, first, *others = self.layouts[name], *parts[name]
        if name in self.whole:
            return [Block(name, layout.height(first), keep=True)]
        made = [Block(name, layout.least, keep=True)]
        if len(first) > 1:
            made.append(Block(f"{name}-rest", layout.height(first) - layout.least))
        if ends and others:
            return made + [Block(f"{name}-{len(others)}", layout.height(others[-1]), new_page=True)]
        return made + [Block(f"{name}-{k}", layout.height(part)) for k, part in enumerate(others, 1)]

    def draw(self, pdf: bytes, rendered, parts: dict[str, list], glyphs: Glyphs | None, charts: list[bytes]) -> bytes:
        """`pdf` with the tables and `charts` (a PDF each) drawn where `rendered` has their blocks."""
        from pypdf import PdfReader, PdfWriter

        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
        fonts = {name: "DT" + name for name in glyphs.fonts} if glyphs else {}  # the sheet's fonts, as pages name them
        clones = {fonts[name]: ref.clone(writer) for name, ref in glyphs.fonts.items()} if glyphs else {}
        pages = [PdfReader(io.BytesIO(chart)).pages[0] for chart in charts]
        forms = {name: (_chart_form(writer, page), box) for (name, box), page in zip(self.charts.values(), pages)}
        for page, target in zip(rendered.pages, writer.pages):
            height = float(target.mediabox.height)
            ops = [self.layouts[name].draw(parts[name][k], x * PX, height - y * PX, fonts)
                   for name, k, (x, y, *_) in _placed(page, self.layouts, parts)]
            ops += [_chart_operators(name, box, page.anchors[name][0] * PX, height - page.anchors[name][1] * PX)
                    for name, (_, box) in forms.items() if name in page.anchors]
            if ops:
                _add_operators(target, ops, clones, {name: form for name, (form, _) in forms.items()})
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()


def _placed(page, layouts: dict[str, TableLayout], parts: dict[str, list]):
    """(table, part number, anchor) of the table parts whose blocks are on `page`."""
    for name in layouts:
        for k in range(len(parts[name])):
            anchor = f"{name}-{k}" if k else name
            if anchor in page.anchors:
                yield name, k, page.anchors[anchor]


def _chart_box(chart: Chart) -> tuple[float, float, float]:
    """The chart's width and height (points), and how much it is shrunk to fit (as report.css
    shrinks an image)."""
    width, height = (inches * 72 for inches in figure_size(chart))
    return width, height, min(1.0, WIDTH / width, CHART_HEIGHT / height)


def _chart_form(writer, chart):
    """The chart's page as a form XObject of `writer`: its content stream (matplotlib writes
    one) copied as it is, not parsed."""
    from pypdf.generic import ArrayObject, FloatObject, NameObject

    form = chart.raw_get("/Contents").clone(writer)
    form.get_object().update({
        NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): ArrayObject(FloatObject(v) for v in chart.mediabox),
        NameObject("/Resources"): chart["/Resources"].clone(writer)})
    return form


def _chart_operators(name: str, box: tuple[float, float, float], left: float, top: float) -> str:
    """Draw the chart's form (its page, from (0, 0) at the bottom left) with its top-left
    corner at (left, top), y up."""
    _, height, scale = box
    return f"q {scale:.5f} 0 0 {scale:.5f} {left:.2f} {top - height * scale:.2f} cm /{name} Do Q"


def _add_operators(target, ops: list[str], fonts: dict, forms: dict) -> None:
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    resources = target["/Resources"]
    for kind, objects in (("/Font", fonts), ("/XObject", forms)):
        if kind not in resources:
            resources[NameObject(kind)] = DictionaryObject()
        for name, ref in objects.items():
            resources[kind][NameObject("/" + name)] = ref
    # WeasyPrint's operators leave their coordinate system changed: they are kept apart
    stream = DecodedStreamObject()
    stream.set_data(b"q\n" + target.get_contents().get_data() + b"\nQ\n" + "\n".join(ops).encode("ascii"))
    target.replace_contents(stream)
    target.compress_content_streams()


def _sizes(parts: list[list]) -> list[int]:
    return [len(part) for part in parts]


def _charts_meanwhile(charts: list[Chart]) -> Callable[[], list[bytes]]:
    """Start drawing `charts` in a second process: matplotlib takes a second or more, while
    the report's own process lays out the report (the charts' sizes are known beforehand:
    charts.figure_size). The function returned waits for the charts (a PDF each)."""
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:  # no fork on this platform: the charts are drawn when asked for
        context = None
    if not charts or context is None or (os.cpu_count() or 1) < 2:
        return lambda: _chart_pdfs(charts)
    pool = ProcessPoolExecutor(1, mp_context=context)
    future = pool.submit(_chart_pdfs_or_none, charts)

    def result() -> list[bytes]:
        try:
            pdfs = future.result()
        finally:
            pool.shutdown()
        return _chart_pdfs(charts) if pdfs is None else pdfs  # None: fails again here, and is reported

    return result


def _chart_pdfs(charts: list[Chart]) -> list[bytes]:
    from .charts import render_pdf

    return [render_pdf(chart) for chart in charts]


def _chart_pdfs_or_none(charts: list[Chart]) -> list[bytes] | None:
    """In the second process: a DossierError (no CJK font) does not survive pickling whole."""
    try:
        return _chart_pdfs(charts)
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
