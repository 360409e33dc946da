"""Files that come out byte for byte the same on every run from the same commit: PDF/A from HTML
(pdfa.archival_pdf, its dates set to the commit's), and xlsx (openpyxl) with its document dates and the
zip entries' times set likewise — as SOURCE_DATE_EPOCH does for builds."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

from ..sheets.sheet_cells import protect_workbook


def pdfa(html: str, base_url: str, when: dt.datetime, title: str, creator: str, identifier: str,
         stylesheet: tuple[str, str] | None = None) -> bytes:
    """A PDF/A document of `html` (with `stylesheet`: its text and base URL) made by the tool's one
    archival writer (pdfa.archival_pdf), dated `when`."""
    from weasyprint import CSS

    from ..paper.pdfa import Metadata, archival_pdf

    sheets = [CSS(string=stylesheet[0], base_url=stylesheet[1])] if stylesheet else []
    meta = Metadata(title, creator, identifier, created=when.astimezone(dt.timezone.utc).replace(microsecond=0),
                    tool="dossier handover")
    return _fixed_id(archival_pdf(html, base_url, meta, stylesheets=sheets))


def _fixed_id(pdf: bytes) -> bytes:
    """The PDF with a trailer /ID made from its content (qpdf's deterministic ID) instead of the
    second half qpdf draws anew on every save: the same document, the same bytes."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as document:
        out = io.BytesIO()
        document.save(out, deterministic_id=True, fix_metadata_version=False)
        return out.getvalue()


def stable_xlsx(book, when: dt.datetime) -> bytes:
    """An openpyxl workbook saved with `when` as its dates and as every zip entry's time."""
    book.properties.created = book.properties.modified = when.replace(tzinfo=None)
    protect_workbook(book)  # a title starting with = is a title, not a formula (sheet_cells)
    raw = io.BytesIO()
    book.save(raw)
    out = io.BytesIO()
    stamp = when.timetuple()[:6]
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in sorted(source.infolist(), key=lambda i: i.filename):
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>" + when.strftime(
                    "%Y-%m-%dT%H:%M:%SZ").encode(), data)
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, data)
    return out.getvalue()
