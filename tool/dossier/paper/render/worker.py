"""Rendering one document (an item with its attachments, the cover, a page of the contents,
the 备考表) with WeasyPrint: in the worker processes of render/items.py ItemRenderer, or in
the command's own process when there are only a few.

WeasyPrint is imported, the stylesheet parsed and the fonts loaded once per process
(`preload`); the parent process preloads before starting the workers, which inherit it all.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from .. import pdfa
from ...archive.errors import DossierError
from . import STYLESHEET, VOLUME_TEMPLATES
from .assemble import fragment
from .cache import RenderCache, Rendered
from .fonts import FontSources

ROW_ANCHOR = "row-"  # ids of the contents rows: which of them fitted on the page


@dataclass
class Job:
    key: str  # the cache key: sha256 of everything that makes the document
    label: str  # for messages: the item's code, or what part of the volume
    html: str
    base_url: str
    root: str  # the archive root (its render cache keeps the font files)
    parts: list[str | None] = field(default_factory=list)  # per printed attachment: None (an HTML page) or a PDF path
    first_page_only: bool = False  # keep the first page and count the contents rows on it
    intent: bool = False  # keep its output intent: the volume's (render/assemble.py)


_STATE: dict = {}


def preload() -> None:
    """Import WeasyPrint, parse the stylesheet and load the fonts once per process."""
    if _STATE:
        return
    from weasyprint import CSS, HTML, URLFetcher
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    fetcher = URLFetcher(allowed_protocols={"file"})  # attachments beside the items: never the network
    _STATE.update(HTML=HTML, fonts=fonts, fetcher=fetcher, sources={},
                  css=CSS(string=STYLESHEET.read_text(encoding="utf-8"), base_url=VOLUME_TEMPLATES.as_uri() + "/",
                          font_config=fonts, url_fetcher=fetcher))


def font_sources(root: str) -> FontSources:
    """The font files of this process's documents, saved in the render cache of the archive `root`."""
    preload()
    if root not in _STATE["sources"]:
        _STATE["sources"][root] = FontSources(RenderCache(Path(root)).save_font)
    return _STATE["sources"][root]


def render_job(job: Job) -> tuple[str | tuple | None, Rendered | None]:
    """Render one document; (error, None) or (None, the rendered document). The error is a
    text, or (key, arguments) of a DossierError."""
    try:
        preload()
        document = _STATE["HTML"](string=job.html, base_url=job.base_url, url_fetcher=_STATE["fetcher"]).render(
            stylesheets=[_STATE["css"]], font_config=_STATE["fonts"], **pdfa.WEASYPRINT_OPTIONS)
        fitted = None
        if job.first_page_only:
            fitted = sum(1 for name in document.pages[0].anchors if name.startswith(ROW_ANCHOR))
            document = document.copy(document.pages[:1])
        pdf = document.write_pdf(**pdfa.WEASYPRINT_OPTIONS)
        pages = len(document.pages)
        if any(part is not None for part in job.parts):
            pdf, pages = assemble_item(pdf, job.parts)
        cut, fonts, unshared = fragment(pdf, font_sources(job.root), intent=job.intent)
        return None, Rendered(pages, fonts, cut, fitted, unshared=unshared)
    except DossierError as exc:
        return (exc.key, exc.args_), None
    except Exception as exc:  # noqa: BLE001 - reported with the item's code, never a traceback
        return f"{type(exc).__name__}: {exc}", None


def assemble_item(pdf: bytes, parts: list[str | None]) -> tuple[bytes, int]:
    """The item's pages, then its attachments in order: HTML pages (images, placeholders) are
    the last pages of `pdf`, one each; PDF attachments bring their own pages, fitted to A4, once
    Ghostscript has made them PDF/A (their fonts embedded: dossier/pdfa.py)."""
    from pypdf import PdfReader, PdfWriter

    from .pdf import fit_to_a4

    reader = PdfReader(io.BytesIO(pdf))
    in_html = sum(1 for part in parts if part is None)
    body = len(reader.pages) - in_html
    writer = PdfWriter()
    for page in reader.pages[:body]:
        writer.add_page(page)
    next_html = body
    for part in parts:
        if part is None:
            writer.add_page(reader.pages[next_html])
            next_html += 1
        else:
            for page in PdfReader(io.BytesIO(pdfa.normalise_attachment(part))).pages:
                fit_to_a4(writer, page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), len(writer.pages)
