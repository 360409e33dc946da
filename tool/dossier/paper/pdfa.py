"""Archival PDF 长期保存格式 (PDF/A-2b, ISO 19005-2, level B): what GB/T 18894 and DA/T 47 expect
of fixed-layout records kept for the long term. Every PDF the tool writes is one: volumes
(render/assemble.py), reports (reports/render_pdf.py) and whatever `archival_pdf` renders.

Why -2b: PDF/A-2 allows what WeasyPrint writes (OpenType/CFF fonts, transparency, object
streams) where PDF/A-1 does not; level B (the visual appearance is preserved: every font
embedded, colours defined by an output intent, no external content) is what a paper record
needs, and -2u would add the promise that every glyph maps to Unicode, which the scans and the
PDFs customers send (attachments) cannot keep. -3 would only add embedded files of any kind,
which an archival copy should not carry.

The metadata, in XMP and in the document information dictionary (the same values, as PDF/A
requires): title = 案卷题名 (or the report's title), creator = 立卷单位 (the organisation),
identifier = 档号, the dates the record covers (dc:date) and when the PDF was made.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from ..archive.errors import DossierError

VARIANT = "pdf/a-2b"
PART, CONFORMANCE = "2", "B"
VERSION = "1.7"
# WeasyPrint's documented options for a PDF/A document: version, output intent (sRGB),
# identifier and XMP metadata, annotations printable
WEASYPRINT_OPTIONS = {"pdf_variant": VARIANT}
PRODUCER = "Customer Dossier (WeasyPrint, pypdf)"
GHOSTSCRIPT = "gs"
GHOSTSCRIPT_PACKAGE = "ghostscript"
GHOSTSCRIPT_TIMEOUT = 300  # seconds for one attached PDF


@dataclass(frozen=True)
class Metadata:
    """What an archival PDF says about itself."""

    title: str  # 案卷题名
    creator: str  # 立卷单位
    identifier: str  # 档号
    subject: str = ""
    keywords: str = ""
    dates: tuple[str, ...] = ()  # ISO dates the record covers (first, last)
    created: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc).replace(microsecond=0))
    tool: str = "Customer Dossier"  # CreatorTool / Info /Creator: the command that made it


def _xmp_date(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def pdf_date(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("D:%Y%m%d%H%M%S+00'00'")


def xmp(meta: Metadata) -> bytes:
    """The XMP packet: PDF/A identification, Dublin Core, PDF and XMP basic properties."""
    stamp = _xmp_date(meta.created)
    text = escape
    dates = "".join(f"<rdf:li>{text(d)}</rdf:li>" for d in meta.dates if d)
    body = (
        f'<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">'
        f"<pdfaid:part>{PART}</pdfaid:part><pdfaid:conformance>{CONFORMANCE}</pdfaid:conformance></rdf:Description>"
        f'<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:format>application/pdf</dc:format>"
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{text(meta.title)}</rdf:li></rdf:Alt></dc:title>'
        f"<dc:creator><rdf:Seq><rdf:li>{text(meta.creator)}</rdf:li></rdf:Seq></dc:creator>"
        f"<dc:identifier>{text(meta.identifier)}</dc:identifier>"
        + (f'<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{text(meta.subject)}</rdf:li></rdf:Alt>'
           f"</dc:description>" if meta.subject else "")
        + (f"<dc:date><rdf:Seq>{dates}</rdf:Seq></dc:date>" if dates else "")
        + "</rdf:Description>"
        f'<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">'
        f"<pdf:Producer>{text(PRODUCER)}</pdf:Producer>"
        + (f"<pdf:Keywords>{text(meta.keywords)}</pdf:Keywords>" if meta.keywords else "")
        + "</rdf:Description>"
        f'<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">'
        f"<xmp:CreatorTool>{text(meta.tool)}</xmp:CreatorTool><xmp:CreateDate>{stamp}</xmp:CreateDate>"
        f"<xmp:ModifyDate>{stamp}</xmp:ModifyDate><xmp:MetadataDate>{stamp}</xmp:MetadataDate></rdf:Description>"
    )
    packet = ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n<x:xmpmeta xmlns:x="adobe:ns:meta/">'
              f'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">{body}</rdf:RDF></x:xmpmeta>\n'
              '<?xpacket end="w"?>')
    return packet.encode("utf-8")


def info(meta: Metadata) -> dict[str, str]:
    """The document information dictionary, equal to the XMP (PDF/A-2 6.6.2.3)."""
    values = {"/Title": meta.title, "/Author": meta.creator, "/Subject": meta.subject, "/Keywords": meta.keywords,
              "/Creator": meta.tool, "/Producer": PRODUCER, "/CreationDate": pdf_date(meta.created),
              "/ModDate": pdf_date(meta.created)}
    return {key: value for key, value in values.items() if value}


def archival_pdf(html: str, base_url: str, meta: Metadata, stylesheets: list | None = None,
                 font_config=None, url_fetcher=None) -> bytes:
    """An HTML document as PDF/A-2b: laid out by WeasyPrint, which writes the variant (fonts
    embedded as subsets, sRGB output intent, identifier), our metadata put in its place.
    The one function to call for a PDF/A document of HTML (handover packages use it)."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=base_url, url_fetcher=url_fetcher).render(
        stylesheets=stylesheets, font_config=font_config, **WEASYPRINT_OPTIONS)
    return finalise(document.write_pdf(**WEASYPRINT_OPTIONS), meta)


def finalise(pdf: bytes, meta: Metadata) -> bytes:
    """`pdf` (written with an sRGB output intent, as WeasyPrint's PDF/A variant does) with its
    header version, XMP, document information and identifier set as PDF/A-2b requires."""
    import pikepdf
    from pikepdf import Dictionary, Name, Stream, String

    with pikepdf.open(io.BytesIO(pdf)) as document:
        if "/OutputIntents" not in document.Root:
            raise ValueError("no output intent: write the PDF with WEASYPRINT_OPTIONS")
        stream = Stream(document, xmp(meta))
        stream.Type, stream.Subtype = Name.Metadata, Name.XML
        document.Root.Metadata = stream
        document.trailer.Info = document.make_indirect(Dictionary({k: String(v) for k, v in info(meta).items()}))
        out = io.BytesIO()
        document.save(out, force_version=VERSION, fix_metadata_version=False)
        return out.getvalue()


def normalise_attachment(path: str) -> bytes:
    """An attached PDF converted to PDF/A-2b by Ghostscript, every font it uses embedded (a
    standard font such as Helvetica by its URW equivalent), colours converted to RGB."""
    gs = shutil.which(GHOSTSCRIPT)
    if gs is None:
        raise DossierError("pdfa-no-ghostscript", package=GHOSTSCRIPT_PACKAGE)
    with tempfile.TemporaryDirectory(prefix="dossier-pdfa-") as folder:
        target = Path(folder) / "normalised.pdf"
        command = [gs, "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-dPDFA=2", "-dPDFACompatibilityPolicy=1",
                   "-sColorConversionStrategy=RGB", "-sDEVICE=pdfwrite", f"-sOutputFile={target}", path]
        try:
            result = subprocess.run(command, capture_output=True, timeout=GHOSTSCRIPT_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise DossierError("pdfa-attachment-failed", path=path,
                               detail=f"timeout ({GHOSTSCRIPT_TIMEOUT} s)") from None
        data = target.read_bytes() if target.is_file() else b""
    if result.returncode != 0 or not data.startswith(b"%PDF"):
        lines = (result.stderr or result.stdout).decode("utf-8", "replace").strip().splitlines()
        raise DossierError("pdfa-attachment-failed", path=path, detail=lines[-1] if lines else "")
    return data
