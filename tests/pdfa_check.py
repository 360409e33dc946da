"""The PDF/A-2b properties every PDF the tool writes must have, checked with tools nobody on
the project wrote: pikepdf (qpdf) for the structure and the metadata, poppler's pdffonts for
the fonts, and veraPDF, the reference validator, where it is installed.

`problems(path)` lists what is wrong (empty: nothing); `expected` metadata values are
compared too (dc:title, dc:creator, dc:identifier).
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pikepdf

DC = "{http://purl.org/dc/elements/1.1/}"
PDFAID = "{http://www.aiim.org/pdfa/ns/id/}"
XMP = "{http://ns.adobe.com/xap/1.0/}"


def problems(path: Path, title: str | None = None, creator: str | None = None,
             identifier: str | None = None) -> list[str]:
    found: list[str] = []
    data = Path(path).read_bytes()
    if not data.startswith(b"%PDF-1.7"):
        found.append(f"header {data[:9]!r}: PDF/A-2 documents here declare 1.7 (they hold OpenType fonts)")
    with pikepdf.open(path) as pdf:
        found += _metadata(pdf, {"title": title, "creator": creator, "identifier": identifier})
        found += _structure(pdf)
        found += [f"font not embedded: {name}" for name in _unembedded(pdf)]
    found += _pdffonts(path)
    return found


def _metadata(pdf: pikepdf.Pdf, expected: dict) -> list[str]:
    found = []
    if "/Metadata" not in pdf.Root:
        return ["no XMP metadata stream in the catalog"]
    meta = pdf.open_metadata()
    if meta.get(f"{PDFAID}part") != "2" or meta.get(f"{PDFAID}conformance") != "B":
        found.append(f"pdfaid: part {meta.get(f'{PDFAID}part')} conformance {meta.get(f'{PDFAID}conformance')}")
    values = {"title": meta.get(f"{DC}title"), "creator": (meta.get(f"{DC}creator") or [None])[0],
              "identifier": meta.get(f"{DC}identifier")}
    for key, value in values.items():
        if not value:
            found.append(f"XMP dc:{key} is empty")
        elif expected.get(key) is not None and value != expected[key]:
            found.append(f"XMP dc:{key} is {value!r}, expected {expected[key]!r}")
    for key in ("CreateDate", "ModifyDate"):
        if not meta.get(f"{XMP}{key}"):
            found.append(f"XMP xmp:{key} is missing")
    info = pdf.trailer.get("/Info")
    if info is None:
        return found + ["no document information dictionary"]
    if str(info.get("/Title", "")) != values["title"]:
        found.append(f"Info /Title {info.get('/Title')!r} differs from dc:title {values['title']!r}")
    if str(info.get("/Author", "")) != values["creator"]:
        found.append(f"Info /Author {info.get('/Author')!r} differs from dc:creator {values['creator']!r}")
    for key, xmp_key in (("/CreationDate", "CreateDate"), ("/ModDate", "ModifyDate")):
        if key not in info:
            found.append(f"Info {key} is missing")
        elif meta.get(f"{XMP}{xmp_key}") and _pdf_date(str(info[key])) != _xmp_date(meta[f"{XMP}{xmp_key}"]):
            found.append(f"Info {key} {info[key]} differs from xmp:{xmp_key} {meta[f'{XMP}{xmp_key}']}")
    return found


def _pdf_date(text: str) -> dt.datetime:
    return dt.datetime.strptime(text[2:16], "%Y%m%d%H%M%S")


def _xmp_date(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).astimezone(dt.timezone.utc).replace(tzinfo=None)


def _structure(pdf: pikepdf.Pdf) -> list[str]:
    found = []
    intents = pdf.Root.get("/OutputIntents")
    if not intents or not any(i.get("/S") == "/GTS_PDFA1" and "/DestOutputProfile" in i for i in intents):
        found.append("no PDF/A output intent with an ICC profile")
    if "/ID" not in pdf.trailer:
        found.append("no file identifier (/ID) in the trailer")
    if "/Encrypt" in pdf.trailer:
        found.append("encrypted")
    if "/JavaScript" in pdf.Root.get("/Names", {}) or "/OpenAction" in pdf.Root:
        found.append("JavaScript or an open action")
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream) and "/LZWDecode" in str(obj.get("/Filter", "")):
            found.append("an LZW-compressed stream")
            break
    return found


def _unembedded(pdf: pikepdf.Pdf) -> list[str]:
    """Names of fonts, on any page, in any form XObject or annotation appearance, without a font program."""
    missing: set[str] = set()
    seen: set[tuple] = set()

    def resources(res) -> None:
        if res is None:
            return
        for font in (res.get("/Font") or {}).values():
            if font.objgen in seen:
                continue
            seen.add(font.objgen)
            if not _embedded(font):
                missing.add(str(font.get("/BaseFont", "?")))
        for xobject in (res.get("/XObject") or {}).values():
            if xobject.objgen not in seen and xobject.get("/Subtype") == "/Form":
                seen.add(xobject.objgen)
                resources(xobject.get("/Resources"))

    for page in pdf.pages:
        resources(page.obj.get("/Resources"))
        for annotation in page.obj.get("/Annots") or []:
            for appearance in (annotation.get("/AP") or {}).values():
                if isinstance(appearance, pikepdf.Stream):
                    resources(appearance.get("/Resources"))
    return sorted(missing)


def _embedded(font) -> bool:
    subtype = font.get("/Subtype")
    if subtype == "/Type3":
        return True  # its glyphs are content streams inside the font
    if subtype == "/Type0":
        font = font["/DescendantFonts"][0]
    descriptor = font.get("/FontDescriptor")
    return descriptor is not None and any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def _pdffonts(path: Path) -> list[str]:
    result = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    rows = result.stdout.splitlines()[2:]
    # name, type…, encoding, emb, sub, uni, object, generation: emb is the sixth field from the end
    return [f"pdffonts: not embedded: {row}" for row in rows if row.split()[-5] != "yes"]


def verapdf(path: Path) -> str | None:
    """veraPDF's verdict (None: compliant) for PDF/A-2b; call only where `verapdf` is installed."""
    result = subprocess.run([shutil.which("verapdf"), "--flavour", "2b", "--format", "text", str(path)],
                            capture_output=True, text=True, timeout=600)
    return None if result.stdout.startswith("PASS") else (result.stdout + result.stderr)[-2000:]
