"""A report as PDF: WeasyPrint lays out the document with an empty block where each table part
and each chart goes; drawn_tables.py and drawn_charts.py draw the tables and the charts into
their blocks (they say why).

1. the characters of the tables and charts are rendered on a glyph sheet (glyphs.py); the
   charts' sizes are known beforehand (charts.figure_size);
2. each table is measured. A table of a third of a page or less is one block, kept whole and
   with the headings above it (they go to the next page together if it does not fit). A
   longer one is cut into parts: the first fills the space left on the page where the table
   starts, each other part a page. Its first part is two blocks: the header and first row,
   kept with the headings above (as a table's first row is), then its other rows;
3. where a table starts is known only once WeasyPrint has laid out what comes before it, so
   the document is laid out with first parts cut to the space found, again until every table
   starts where its parts were cut for: a pass places at least one more. The passes leave out
   the middle parts of each table (the last part starts a page: what follows lands where it
   will) and the page footers: each lays out a few pages, in a tenth of a second;
4. the last pass, with an empty page put in for each middle part, is the report: WeasyPrint
   writes it, and pypdf adds the tables, the charts and the page footers (drawn here like the
   tables, and as report.css has them).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from ..paper import pdfa
from . import drawn_charts
from .charts import figure_size
from .drawn_tables import MM, TableLayout, TableText, show
from .glyphs import Glyphs, sheet_text
from .model import Chart, Document, Table
from .render_html import (PAGE_MARGINS_MM, TEMPLATES, environment, footer_text, glyph_sheet_html, render_html,
                          weasyprint)

PAGE_WIDTH, PAGE_HEIGHT = 297 * MM, 210 * MM  # A4 landscape (report.css)
TOP, RIGHT, BOTTOM, LEFT = (mm * MM for mm in PAGE_MARGINS_MM)
FULL = PAGE_HEIGHT - TOP - BOTTOM  # a page of table, points
WIDTH = PAGE_WIDTH - LEFT - RIGHT
CHART_HEIGHT = 88 * MM  # charts are shrunk to fit this height and the page's width (report.css div.chart img)
PX = 0.75  # points in a CSS pixel
SLACK = 0.5  # points: a first part cut this much shorter than the space found is sure to fit
WHOLE = FULL / 3  # a table this high or less is kept whole: at worst a third of a page is left empty
NO_FOOTERS = "@page { @bottom-center { content: none !important } @bottom-right { content: none !important } }"
FOOTER_SIZE, FOOTER_COLOUR = 8.0, (0.333, 0.333, 0.333)  # report.css @page: 8pt, #555


@dataclass(frozen=True)
class Block:
    """An empty block of the HTML where a part of a table, or a chart, is drawn."""

    id: str
    height: float  # points
    keep: bool = False  # kept with the headings above: a table's header and first row, or a short table
    new_page: bool = False
    width: float = 0.0  # points, for a chart


def prepare() -> None:
    """Import what a PDF takes and compile the templates (ahead.py does it before the report
    is known)."""
    weasyprint()
    import pikepdf  # noqa: F401
    import pypdf  # noqa: F401

    for template in ("report.html.j2", "glyphs.html.j2"):
        environment().get_template(template)


def warm_up() -> None:
    """Make a glyph sheet of the digits (ahead.py, while the report is not there yet): the first
    PDF a process writes has cffi parse the C types of HarfBuzz's font subsetting, 40-50 ms
    then off the report's path."""
    from weasyprint.text.fonts import FontConfiguration

    _glyph_sheet([], "", [], "zh", FontConfiguration())


def document_pdf(doc: Document, identifier: str = "") -> bytes:
    """The report as PDF/A-2b (dossier/pdfa.py); `identifier` names it in its metadata."""
    charts = [chart for section in doc.sections for chart in section.charts]
    weasyprint()
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    tables = [table for table in doc.tables() if table.rows]
    texts = [TableText.of(table) for table in tables]
    footer = footer_text(doc)
    glyphs = _glyph_sheet(texts, footer, charts, doc.lang, fonts)
    layouts = {f"t{i}": TableLayout(text, glyphs, WIDTH) for i, text in enumerate(texts) if text.drawable(glyphs)}
    report = _Report(doc, fonts, layouts, {id(t): f"t{i}" for i, t in enumerate(tables)}, charts)
    parts = {name: layout.pages(FULL, FULL) for name, layout in layouts.items()}
    parts, rendered = report.cut({name: layout for name, layout in layouts.items() if name not in report.whole}, parts)
    pages = report.pages(rendered, parts)
    pdf = rendered.copy([page for page, _ in pages]).write_pdf(**pdfa.WEASYPRINT_OPTIONS)
    drawn = report.draw(pdf, [placed for _, placed in pages], parts, glyphs, footer)
    return pdfa.finalise(drawn, metadata(doc, identifier or doc.kind))


def metadata(doc: Document, identifier: str) -> pdfa.Metadata:
    return pdfa.Metadata(title=doc.title, creator=doc.organisation, identifier=identifier, subject=doc.period,
                         dates=(doc.generated.isoformat(),), tool=f"Customer Dossier (dossier report {doc.kind})")


class _Report:
    """A report being laid out: its document, fonts, tables measured and charts drawn."""

    def __init__(self, doc: Document, fonts, layouts: dict[str, TableLayout], names: dict[int, str],
                 charts: list[Chart]):
        self.doc, self.fonts, self.layouts, self.names = doc, fonts, layouts, names
        self.whole = {name for name, layout in layouts.items() if layout.height(layout.rows) <= WHOLE}
        self.charts = {id(chart): (f"c{i}", _chart_box(chart)) for i, chart in enumerate(charts)}
        self.chart_named = {f"c{i}": chart for i, chart in enumerate(charts)}
        self.blank = None

    def lay_out(self, parts: dict[str, list]):
        """The document laid out by WeasyPrint, without page footers, with blocks for `parts`:
        of each table the first part and the last, on a page of its own (what follows the
        table lands where it will with every part, on fewer pages)."""
        from weasyprint import CSS, HTML

        html = render_html(self.doc, lambda item: self._blocks(item, parts))
        return HTML(string=html, base_url=str(TEMPLATES)).render(font_config=self.fonts,
                                                                 stylesheets=[CSS(string=NO_FOOTERS)])

    def cut(self, layouts: dict[str, TableLayout], parts: dict[str, list]):
        """The parts of every table, the first part of a table not kept whole (`layouts`) cut to
        the space left where it starts, and the document laid out with them (step 3). `parts`
        has every table's parts, the first of a long one guessed a page; each pass places at
        least the first table not yet in place, as where a table starts depends only on what
        comes before it."""
        parts, least = dict(parts), set()

        def cut_at(name: str, space: float) -> list:
            return layouts[name].pages(layouts[name].least if name in least else space, FULL)

        for _ in range(len(layouts) + 2):
            rendered = self.lay_out(parts)
            spaces = _spaces(rendered, layouts)
            if all(_sizes(cut_at(name, spaces[name])) == _sizes(parts[name]) for name in layouts):
                split = {name for name in layouts if not _in_one_piece(rendered, name)}
                if not split:
                    return parts, rendered
                least |= split  # cannot happen once cut right; if it does, first parts of one row
            parts.update(_next_cuts(rendered, layouts, parts, cut_at))
        parts.update({name: layout.pages(layout.least, FULL) for name, layout in layouts.items()})
        return parts, self.lay_out(parts)

    def pages(self, rendered, parts: dict[str, list]) -> list[tuple[object, list[tuple[str, int, float, float]]]]:
        """The report's pages: those `rendered` laid out, and before the page with a table's
        last part, a page for each of its middle parts; each with what is drawn on it: (table
        or chart, part number, x, y), in CSS pixels."""
        made = []
        for page in rendered.pages:
            placed = list(self._placed(page, parts))
            for name, k, _, _ in placed:
                if k > 1 and k == len(parts[name]) - 1:  # the last part: the middle ones go before it
                    made += [(self._blank(), [(name, middle, LEFT / PX, TOP / PX)]) for middle in range(1, k)]
            made.append((page, placed))
        return made

    def _placed(self, page, parts: dict[str, list]):
        """What is drawn on a laid-out page: (chart or table, part number, x, y)."""
        anchors = page.anchors
        for name, _ in self.charts.values():
            if name in anchors:
                yield name, 0, *anchors[name][:2]
        for name in self.layouts:
            for k in sorted({0, len(parts[name]) - 1}):
                anchor = f"{name}-{k}" if k else name
                if anchor in anchors:
                    yield name, k, *anchors[anchor][:2]

    def _blank(self):
        """An empty page of the report's size, for a middle part of a table (laid out once)."""
        if self.blank is None:
            from weasyprint import HTML

            html = f"<style>@page {{ size: A4 landscape; margin: {' '.join(f'{mm}mm' for mm in PAGE_MARGINS_MM)} }}</style>"
            self.blank = HTML(string=html).render(font_config=self.fonts).pages[0]
        return self.blank

    def _blocks(self, item: Table | Chart, parts: dict[str, list]) -> list[Block] | None:
        """The blocks standing for a table (its first part and its last, see lay_out) or a chart."""
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
        if others:
            made.append(Block(f"{name}-{len(others)}", layout.height(others[-1]), new_page=True))
        return made

    def draw(self, pdf: bytes, placed: list[list[tuple[str, int, float, float]]], parts: dict[str, list],
             glyphs: Glyphs, footer: str) -> bytes:
        """`pdf` with, on each page, the footer, and the tables and charts where `placed` says."""
        from pypdf import PdfReader, PdfWriter

        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
        fonts = {name: "DT" + name for name in glyphs.fonts}  # the sheet's fonts, as pages name them
        clones = {fonts[name]: ref.clone(writer) for name, ref in glyphs.fonts.items()}
        for number, (target, on_page) in enumerate(zip(writer.pages, placed), 1):
            height = float(target.mediabox.height)
            ops = [_footer(glyphs, footer, f"{number} / {len(placed)}", fonts)]
            for name, k, x, y in on_page:
                if name in self.chart_named:
                    chart = self.chart_named[name]
                    scale = self.charts[id(chart)][1][2]
                    ops.append(drawn_charts.draw(chart, glyphs, fonts, x * PX, height - y * PX, scale))
                else:
                    ops.append(self.layouts[name].draw(parts[name][k], x * PX, height - y * PX, fonts))
            _add_operators(target, ops, clones)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()


def _chart_box(chart: Chart) -> tuple[float, float, float]:
    """The chart's width and height (points), and how much it is shrunk to fit (as report.css
    shrinks an image)."""
    width, height = (inches * 72 for inches in figure_size(chart))
    return width, height, min(1.0, WIDTH / width, CHART_HEIGHT / height)


def _footer(glyphs: Glyphs, footer: str, number: str, fonts: dict[str, str]) -> str:
    """The page's footer as report.css has WeasyPrint put it: `footer` in the middle of the
    bottom margin, `number` at its right, 8 pt grey."""
    line = (glyphs.ascent + glyphs.descent) * FOOTER_SIZE
    y = BOTTOM / 2 + line / 2 - glyphs.ascent * FOOTER_SIZE  # the baseline of a line centred in the margin
    middle = (PAGE_WIDTH - glyphs.width(footer, False) * FOOTER_SIZE) / 2
    right = PAGE_WIDTH - RIGHT - glyphs.width(number, False) * FOOTER_SIZE
    return "BT\n" + "\n".join(show(glyphs, text, x, y, FOOTER_SIZE, False, FOOTER_COLOUR, fonts)
                               for text, x in ((footer, middle), (number, right)) if text) + "\nET"


def _add_operators(target, ops: list[str], fonts: dict) -> None:
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    resources = target["/Resources"]
    if "/Font" not in resources:
        resources[NameObject("/Font")] = DictionaryObject()
    for name, ref in fonts.items():
        resources["/Font"][NameObject("/" + name)] = ref
    # WeasyPrint's operators leave their coordinate system changed: they are kept apart
    stream = DecodedStreamObject()
    stream.set_data(b"q\n" + target.get_contents().get_data() + b"\nQ\n" + "\n".join(ops).encode("ascii"))
    target.replace_contents(stream)
    target.compress_content_streams()


def _sizes(parts: list[list]) -> list[int]:
    return [len(part) for part in parts]


def _glyph_sheet(texts: list[TableText], footer: str, charts: list[Chart], lang: str, fonts) -> Glyphs:
    from weasyprint import HTML

    regular, bold = set(footer) | set("0123456789 /"), set()
    for chart in charts:
        regular |= drawn_charts.characters(chart)
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
                spaces[name] = _space(page.anchors[name][1] * PX)
    return spaces


def _space(top: float) -> float:
    """The space (points) below `top` (points from the top of the page) for a table part."""
    return round(PAGE_HEIGHT - BOTTOM - top - SLACK, 1)


def _next_cuts(rendered, layouts: dict[str, TableLayout], parts: dict[str, list], cut_at) -> dict[str, list]:
    """The parts of each table (`cut_at`(name, space)) for the next pass, with the space each
    would find were the tables before it cut as they will be, told from this pass where it can
    be: a table's last part starts a page, so what follows it on that page moves by as much as
    that part's height changes. Where it cannot (the table is on a later page than the last
    part before it, a table before it moves to the next page or changes between one part and
    more) the space found
    in this pass stands and a later pass places the table. Without this each pass placed
    about one more table (credit: six passes); the next pass checks every space as before."""
    order = sorted((number, page.anchors[anchor][1], name, anchor != name)
                   for number, page in enumerate(rendered.pages) for name in layouts
                   for anchor in (name, f"{name}-{len(parts[name]) - 1}") if anchor in page.anchors)
    cuts: dict[str, list] = {}
    shift, shifted_page, known = 0.0, -1, True  # shift: points, of what follows on shifted_page
    for number, y, name, last_part in order:
        if last_part:
            if known and len(cuts[name]) > 1:
                shift, shifted_page = _block(layouts[name], cuts[name][-1]) - _block(layouts[name], parts[name][-1]), number
            continue
        known = known and (not shift or shifted_page == number)
        space = _space(y * PX + (shift if known else 0.0))
        cuts[name] = cut_at(name, space)
        # moved off its page, or a last part come or gone: what follows moves in ways not told here
        known = known and space >= layouts[name].least and (len(cuts[name]) > 1) == (len(parts[name]) > 1)
    return cuts


def _block(layout: TableLayout, part: list) -> float:
    """The height of a part's block, points, as the HTML gives it."""
    return round(layout.height(part), 2)


def _in_one_piece(rendered, name: str) -> bool:
    """Whether the first part of table `name` is on one page: its rows after the first follow
    the header and first row."""
    pages = [i for i, page in enumerate(rendered.pages) for anchor in (name, f"{name}-rest") if anchor in page.anchors]
    return len(set(pages)) == 1
