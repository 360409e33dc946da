"""A volume PDF put together from rendered documents: their pages in order, page numbers
stamped on some of them, each font embedded once.

Copying pages with pypdf costs milliseconds per page (parsing every object, cloning it,
writing it again), seconds for a volume, on every rendering. So a document is read with
pypdf once, when it is rendered (in the worker), and cached as a `Fragment`: its PDF objects
already written out, with the references between them left open. Putting a volume together
is then numbering the fragments' objects and writing them one after the other, with a page
tree, the fonts, an outline and a cross-reference table (`VolumeWriter`).

Fonts: each document keeps the font dictionaries WeasyPrint wrote (widths, ToUnicode map),
but their font programs point at volume-wide ones (render/fonts.py), written at the end: each
font file's face subset to the glyphs all the documents use (render/harfbuzz.py).

Page numbers are drawn by a small content stream after the page's own content (with q … Q
around it), with a font every page's resources name in advance: embedded like the others
(PDF/A), the digits of the volume's sans-serif font.

The volume is PDF/A-2b (dossier/pdfa.py): its documents are written by WeasyPrint as PDF/A,
the sRGB output intent of the cover goes into the catalog, with the XMP metadata, the
document information and an identifier.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field

from pypdf import PdfReader
from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject, EncodedStreamObject,
                           FloatObject, IndirectObject, NameObject, NumberObject, PdfObject, StreamObject,
                           TextStringObject)

from .. import pdfa
from . import harfbuzz
from .cache import FontUse, RenderCache, Rendered
from .fonts import FontSources, is_cff
from .pdf import DIGITS, number_stamp

NUMBER_FONT = "#page-number"  # the volume-wide font of the page numbers
NUMBER_RESOURCE = "DossierPageNumber"  # its name in every page's resources


class VolumeFont(NameObject):
    """In a document being cut into a fragment: a reference to a volume-wide font."""


@dataclass
class Fragment:
    """A document's PDF objects, written out. A chunk is bytes (PDF syntax), an int (a reference
    to the fragment's object of that index) or a str (a reference to a volume-wide font)."""

    objects: list[list[bytes | int | str]] = field(default_factory=list)
    pages: list[tuple[int, list[int]]] = field(default_factory=list)  # page object, its content streams
    intent: list[bytes | int | str] = field(default_factory=list)  # /OutputIntents, when kept


def fragment(pdf: bytes, sources: FontSources, intent: bool = False) -> tuple[Fragment, list[FontUse], list[str]]:
    """Cut a rendered document into a fragment: every object its pages reach; the pages
    (first in the fragment) without /Parent and /Contents, which the volume sets; its font
    programs pointing at the volume's, and the page-number font named in every page; with
    `intent`, its output intent. Returns the fragment, the font programs it shares and the
    names of the fonts it could not share."""
    reader = PdfReader(io.BytesIO(pdf))
    pages = list(reader.pages)
    fonts, unshared = _share_fonts(pages[0], sources)
    numbers: dict[int, int] = {}
    queue: list[PdfObject] = []
    for page in pages:
        _name_number_font(page)
        numbers[page.indirect_reference.idnum] = len(queue)
        queue.append(DictionaryObject({k: v for k, v in page.items() if k not in ("/Parent", "/Contents", "/Type")}))

    def local(ref: IndirectObject) -> int:
        if ref.idnum not in numbers:
            numbers[ref.idnum] = len(queue)
            queue.append(ref.get_object())
        return numbers[ref.idnum]

    cut = Fragment()
    if intent and "/OutputIntents" in reader.trailer["/Root"]:
        cut.intent = _compact(_chunks(reader.trailer["/Root"].raw_get("/OutputIntents"), local))
    for index, page in enumerate(pages):
        contents = page.raw_get("/Contents") if "/Contents" in page else ArrayObject()
        refs = contents.get_object() if isinstance(contents.get_object(), ArrayObject) else [contents]
        cut.pages.append((index, [local(ref) for ref in refs]))
    done = 0
    while done < len(queue):  # what the objects refer to joins the queue as they are written
        cut.objects.append(_compact(_chunks(queue[done], local)))
        done += 1
    return cut, fonts, unshared


def _share_fonts(page, sources: FontSources) -> tuple[list[FontUse], list[str]]:
    """Point the font programs of the fonts WeasyPrint wrote (those of the first page: it gives
    every page of a document one font dictionary; attachments' pages keep theirs) at the
    volume's, where the font file they were cut from is found."""
    fonts = page.get("/Resources", {}).get("/Font", {})
    shared, unshared = [], []
    for name, ref in fonts.items():
        font = ref.get_object()
        if font.get("/Subtype") != "/Type0":
            continue  # a bitmap font WeasyPrint draws as Type 3: no font program to share
        cid = font["/DescendantFonts"][0].get_object()
        descriptor = cid["/FontDescriptor"].get_object()
        key = "/FontFile3" if "/FontFile3" in descriptor else "/FontFile2"
        base = str(font.get("/BaseFont", name)).lstrip("/")
        glyphs = _glyph_ids(cid.get("/W", ArrayObject()))
        found = key in descriptor and sources.find(base, str(descriptor.get("/FontFamily", "")),
                                                   descriptor[key].get_object().get_data(), glyphs)
        if not found:
            unshared.append(base)
            continue
        use = FontUse(font=found[0], index=found[1], cff=key == "/FontFile3", name=base, glyphs=glyphs)
        descriptor[NameObject(key)] = VolumeFont(use.program)
        shared.append(use)
    return shared, unshared


def _glyph_ids(widths) -> list[int]:
    """The glyph ids a CID font's /W array gives widths for ([first [w …] first [w …] …])."""
    ids: list[int] = []
    for start, run in zip(widths[::2], widths[1::2]):
        ids += range(int(start), int(start) + len(run))
    return ids


def _name_number_font(page) -> None:
    if "/Resources" not in page:
        page[NameObject("/Resources")] = DictionaryObject()
    resources = page["/Resources"]
    if "/Font" not in resources:
        resources[NameObject("/Font")] = DictionaryObject()
    resources["/Font"][NameObject("/" + NUMBER_RESOURCE)] = VolumeFont(NUMBER_FONT)


def _chunks(value, local) -> list:
    if isinstance(value, VolumeFont):
        return [str(value)]
    if isinstance(value, IndirectObject):
        return [local(value)]
    if isinstance(value, StreamObject):
        if isinstance(value, EncodedStreamObject):
            data = value._data  # the stream as stored (still encoded): copied, not decoded
            header = DictionaryObject(value)
        else:
            data = value.get_data()
            header = DictionaryObject({k: v for k, v in value.items() if k not in ("/Filter", "/DecodeParms")})
        header[NameObject("/Length")] = NumberObject(len(data))
        return [*_chunks(header, local), b"\nstream\n" + data + b"\nendstream"]
    if isinstance(value, DictionaryObject):
        out: list = [b"<<"]
        for key, item in value.items():
            out += [_written(NameObject(key)), b" ", *_chunks(item, local), b"\n"]
        return out + [b">>"]
    if isinstance(value, ArrayObject):
        out = [b"["]
        for item in value:
            out += [*_chunks(item, local), b" "]
        return out + [b"]"]
    return [_written(value)]


def _written(value: PdfObject) -> bytes:
    out = io.BytesIO()
    value.write_to_stream(out)
    return out.getvalue()


def _compact(chunks: list) -> list:
    """Adjacent bytes joined: fewer, longer chunks."""
    out: list = []
    for chunk in chunks:
        if isinstance(chunk, bytes) and out and isinstance(out[-1], bytes):
            out[-1] += chunk
        else:
            out.append(chunk)
    return out


# --- the volume ---------------------------------------------------------------------------------


@dataclass
class _Page:
    number: int
    body: bytes  # the page dictionary without << >>, /Parent and /Contents
    contents: list[int]
    stamp: int = 0  # the page number stamped on it (0: none)


class VolumeWriter:
    """Writes a volume from rendered documents; `number_font` is the font file (sha256 in the
    render cache) and face the page numbers are set in."""

    def __init__(self, cache: RenderCache, number_font: tuple[str, int]) -> None:
        self.cache = cache
        self._objects: list[bytes | None] = [None, None]  # 1: the page tree, 2: the catalog
        self._pages: list[_Page] = []
        self._programs: dict[str, tuple[int, set[int]]] = {}  # font program key → object number, glyphs
        self._intent: bytes | None = None
        self._number_source = number_font
        self._number_font = self._reserve()
        self._save = self._put(self._reserve(), _stream(b"q"))

    @property
    def pages(self) -> int:
        return len(self._pages)

    def add(self, rendered: Rendered) -> int:
        """Append the pages of a rendered document; returns the index of its first page."""
        first = len(self._pages)
        part = rendered.fragment
        base = len(self._objects)
        self._objects += [None] * len(part.objects)
        fonts = {use.program: self._program(use.program, use.glyphs) for use in rendered.fonts}
        fonts[NUMBER_FONT] = self._number_font

        def written(chunks: list) -> bytes:
            return b"".join(chunk if isinstance(chunk, bytes) else
                            b"%d 0 R" % (base + 1 + chunk if isinstance(chunk, int) else fonts[chunk])
                            for chunk in chunks)

        pages = dict(part.pages)
        for index, chunks in enumerate(part.objects):
            body = written(chunks)
            if index in pages:
                self._pages.append(_Page(base + 1 + index, body[2:-2], [base + 1 + c for c in pages[index]]))
            else:
                self._objects[base + index] = body
        if part.intent and self._intent is None:
            self._intent = written(part.intent)
        return first

    def number(self, first: int, count: int) -> None:
        """Stamp 1, 2, … count on the `count` pages from index `first` on."""
        for offset in range(count):
            self._pages[first + offset].stamp = offset + 1

    def finish(self, outline: list[tuple[str, int, list]], meta: pdfa.Metadata) -> bytes:
        """The PDF/A document: `outline` is a tree of bookmarks (title, page index, children)."""
        if self._intent is None:
            raise ValueError("no document of the volume brought an output intent")
        digits = self._page_number_font()
        for page in self._pages:
            contents = page.contents
            if page.stamp:
                stamp = self._put(self._reserve(), _stream(number_stamp(page.stamp, NUMBER_RESOURCE, digits)))
                contents = [self._save, *contents, stamp]
            refs = b" ".join(b"%d 0 R" % n for n in contents)
            self._objects[page.number - 1] = (b"<</Type /Page /Parent 1 0 R /Contents [%s]\n%s>>" % (refs, page.body))
        for key, (number, glyphs) in self._programs.items():
            self._put(number, self._font_program(key, glyphs))
        kids = b" ".join(b"%d 0 R" % page.number for page in self._pages)
        self._objects[0] = b"<</Type /Pages /Count %d /Kids [%s]>>" % (len(self._pages), kids)
        outlines = self._outline(outline)
        metadata = self._put(self._reserve(), _stream(pdfa.xmp(meta), {"/Type": NameObject("/Metadata"),
                                                                        "/Subtype": NameObject("/XML")}, compress=False))
        self._objects[1] = (b"<</Type /Catalog /Pages 1 0 R /Outlines %d 0 R /PageMode /UseOutlines /Metadata %d 0 R"
                            b" /OutputIntents %s>>" % (outlines, metadata, self._intent))
        info_number = self._put(self._reserve(), _written(DictionaryObject(
            {NameObject(k): TextStringObject(v) for k, v in pdfa.info(meta).items()})))
        return self._write(info_number)

    # --- objects -------------------------------------------------------------------------------------

    def _reserve(self) -> int:
        self._objects.append(None)
        return len(self._objects)

    def _put(self, number: int, body: bytes) -> int:
        self._objects[number - 1] = body
        return number

    def _write(self, info: int) -> bytes:
        out = bytearray(b"%%PDF-%s\n%%\xe2\xe3\xcf\xd3\n" % pdfa.VERSION.encode())
        offsets = []
        for number, body in enumerate(self._objects, 1):
            offsets.append(len(out))
            out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
        start = len(out)
        identifier = hashlib.md5(out, usedforsecurity=False).hexdigest().encode()  # same volume, same id
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1)
        out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
        out += (b"trailer\n<</Size %d /Root 2 0 R /Info %d 0 R /ID [<%s> <%s>]>>\nstartxref\n%d\n%%%%EOF\n"
                % (len(offsets) + 1, info, identifier, identifier, start))
        return bytes(out)

    def _outline(self, tree: list[tuple[str, int, list]]) -> int:
        """The outline dictionary and its items (all open); returns the dictionary's number."""
        root = self._reserve()
        links = b""
        if tree:
            first, last, count = self._outline_items(tree, root)
            links = b" /First %d 0 R /Last %d 0 R /Count %d" % (first, last, count)
        return self._put(root, b"<</Type /Outlines%s>>" % links)

    def _outline_items(self, items: list[tuple[str, int, list]], parent: int) -> tuple[int, int, int]:
        """Write `items` under `parent`; returns the first's and last's numbers and how many
        items there are, all levels counted."""
        numbers = [self._reserve() for _ in items]
        total = len(items)
        for n, (number, (title, page, children)) in enumerate(zip(numbers, items)):
            links = b""
            if n:
                links += b" /Prev %d 0 R" % numbers[n - 1]
            if n + 1 < len(items):
                links += b" /Next %d 0 R" % numbers[n + 1]
            if children:
                first, last, count = self._outline_items(children, number)
                links += b" /First %d 0 R /Last %d 0 R /Count %d" % (first, last, count)
                total += count
            self._put(number, b"<</Title %s /Parent %d 0 R /Dest [%d 0 R /Fit]%s>>" % (
                _written(TextStringObject(title)), parent, self._pages[page].number, links))
        return numbers[0], numbers[-1], total

    # --- fonts ---------------------------------------------------------------------------------------

    def _program(self, key: str, glyphs) -> int:
        """The number of the volume's font program `key` (written at the end), `glyphs` merged in."""
        if key not in self._programs:
            self._programs[key] = (self._reserve(), set())
        self._programs[key][1].update(glyphs)
        return self._programs[key][0]

    def _font_program(self, key: str, glyphs: set[int]) -> bytes:
        sha, _, index = key.partition("/")
        program = harfbuzz.subset(self.cache.font(sha).read_bytes(), int(index), sorted(glyphs))
        cff = program[:4] == b"OTTO"
        return _stream(program, {"/Subtype": NameObject("/OpenType")} if cff else {"/Length1": NumberObject(len(program))})

    def _page_number_font(self) -> dict[str, tuple[int, float]]:
        """Write the page numbers' font (a Type0 font over the digits of the number font's
        program, shared with the items' text when it is the same face); returns the digits'
        glyph ids and widths."""
        sha, index = self._number_source
        data = self.cache.font(sha).read_bytes()
        digits = harfbuzz.glyphs(data, index, DIGITS)
        program = self._program(f"{sha}/{index}", [glyph for glyph, _ in digits.values()])
        cff = is_cff(data, index)
        widths = {glyph: width for glyph, width in digits.values()}
        base = NameObject("/DossierPageNumber")
        descriptor = self._put(self._reserve(), _written(_dictionary({
            "/Type": NameObject("/FontDescriptor"), "/FontName": base, "/Flags": NumberObject(4),
            "/FontBBox": _numbers([0, -120, max(widths.values(), default=0), 880]), "/ItalicAngle": NumberObject(0),
            "/Ascent": NumberObject(880), "/Descent": NumberObject(-120), "/CapHeight": NumberObject(733),
            "/StemV": NumberObject(80), "/FontFile3" if cff else "/FontFile2": _ref(program),
        })))
        system = _dictionary({"/Registry": TextStringObject("Adobe"), "/Ordering": TextStringObject("Identity"),
                              "/Supplement": NumberObject(0)})
        cid_font = self._put(self._reserve(), _written(_dictionary({
            "/Type": NameObject("/Font"), "/Subtype": NameObject("/CIDFontType0" if cff else "/CIDFontType2"),
            "/BaseFont": base, "/CIDSystemInfo": system, "/CIDToGIDMap": NameObject("/Identity"),
            "/W": _width_array(widths), "/FontDescriptor": _ref(descriptor),
        })))
        to_unicode = self._put(self._reserve(), _stream(_to_unicode({g: c for c, (g, _) in digits.items()})))
        self._put(self._number_font, _written(_dictionary({
            "/Type": NameObject("/Font"), "/Subtype": NameObject("/Type0"), "/BaseFont": base,
            "/Encoding": NameObject("/Identity-H"), "/DescendantFonts": ArrayObject([_ref(cid_font)]),
            "/ToUnicode": _ref(to_unicode)})))
        return digits


def _stream(data: bytes, extra: dict | None = None, compress: bool = True) -> bytes:
    stream = DecodedStreamObject()
    stream.set_data(data)
    if compress and len(data) > 64:
        stream = stream.flate_encode()
    for key, value in (extra or {}).items():
        stream[NameObject(key)] = value
    return _written(stream)


def _ref(number: int) -> IndirectObject:
    return IndirectObject(number, 0, None)


def _dictionary(values: dict) -> DictionaryObject:
    return DictionaryObject({NameObject(k): v for k, v in values.items()})


def _numbers(values: list) -> ArrayObject:
    return ArrayObject(NumberObject(v) if float(v).is_integer() else FloatObject(v) for v in values)


def _width_array(widths: dict[int, float]) -> ArrayObject:
    """/W: [first [w w …] first [w …] …], one run per stretch of consecutive glyph ids."""
    array = ArrayObject()
    run = None
    for glyph in sorted(widths):
        if glyph - 1 not in widths:
            run = ArrayObject()
            array += [NumberObject(glyph), run]
        run.append(_numbers([widths[glyph]])[0])
    return array


def _to_unicode(unicode: dict[int, str]) -> bytes:
    """The ToUnicode CMap (as WeasyPrint writes it): glyph id → the text it stands for."""
    lines = [b"/CIDInit /ProcSet findresource begin", b"12 dict begin", b"begincmap", b"/CIDSystemInfo",
             b"<< /Registry (Adobe)", b"/Ordering (UCS)", b"/Supplement 0", b">> def",
             b"/CMapName /Adobe-Identity-UCS def", b"/CMapType 2 def", b"1 begincodespacerange", b"<0000> <ffff>",
             b"endcodespacerange"]
    items = sorted(unicode.items())
    for start in range(0, len(items), 100):
        batch = items[start:start + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines += [f"<{glyph:04x}> <{text.encode('utf-16-be').hex()}>".encode() for glyph, text in batch]
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return b"\n".join(lines)
