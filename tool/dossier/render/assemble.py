"""A volume PDF put together from rendered documents: their pages in order, page numbers
stamped on some of them, each font embedded once.

Copying pages with pypdf costs milliseconds per page (parsing every object, cloning it,
writing it again), seconds for a volume, on every rendering. So a document is read with
pypdf once, when it is rendered (in the worker), and cached as a `Fragment`: its PDF objects
already written out, with the references between them left open. Putting a volume together
is then numbering the fragments' objects and writing them one after the other, with a page
tree, the fonts, an outline and a cross-reference table (`VolumeWriter`).

Fonts: a document's text refers to its fonts by resource names (render/fonts.py); in the
fragment those names point at volume-wide fonts, filled in at the end: each font subset to
the glyphs all the documents use (render/harfbuzz.py), written as WeasyPrint writes its fonts
(a Type0 font over a CID font, Identity-H, the widths, a ToUnicode map that keeps the text
searchable, the font program).

Page numbers are drawn by a small content stream after the page's own content (with q … Q
around it), with a font every page's resources name in advance.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from pypdf import PdfReader
from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject, EncodedStreamObject,
                           FloatObject, IndirectObject, NameObject, NumberObject, PdfObject, StreamObject,
                           TextStringObject)

from . import harfbuzz
from .cache import FontUse, RenderCache, Rendered
from .pdf import number_font, number_stamp

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


def fragment(pdf: bytes, fonts: list[FontUse]) -> Fragment:
    """Cut a rendered document into a fragment: every object its pages reach; the pages
    (first in the fragment) without /Parent and /Contents, which the volume sets; the fonts
    in `fonts` pointing at the volume's, and the page-number font named in every page."""
    reader = PdfReader(io.BytesIO(pdf))
    pages = list(reader.pages)
    if fonts:  # WeasyPrint gives all pages of a document one font dictionary (attachments keep theirs)
        names = pages[0]["/Resources"]["/Font"]
        for use in fonts:
            names[NameObject("/" + use.resource)] = VolumeFont(use.resource)
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
    for index, page in enumerate(pages):
        contents = page.raw_get("/Contents") if "/Contents" in page else ArrayObject()
        refs = contents.get_object() if isinstance(contents.get_object(), ArrayObject) else [contents]
        cut.pages.append((index, [local(ref) for ref in refs]))
    done = 0
    while done < len(queue):  # what the objects refer to joins the queue as they are written
        cut.objects.append(_compact(_chunks(queue[done], local)))
        done += 1
    return cut


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
    def __init__(self, cache: RenderCache) -> None:
        self.cache = cache
        self._objects: list[bytes | None] = [None, None]  # 1: the page tree, 2: the catalog
        self._pages: list[_Page] = []
        self._fonts: dict[tuple[str, str], tuple[int, FontUse]] = {}
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
        fonts = {use.resource: self._font(use) for use in rendered.fonts}
        fonts[NUMBER_FONT] = self._number_font
        pages = dict(part.pages)
        for index, chunks in enumerate(part.objects):
            body = b"".join(chunk if isinstance(chunk, bytes) else
                            b"%d 0 R" % (base + 1 + chunk if isinstance(chunk, int) else fonts[chunk])
                            for chunk in chunks)
            if index in pages:
                self._pages.append(_Page(base + 1 + index, body[2:-2], [base + 1 + c for c in pages[index]]))
            else:
                self._objects[base + index] = body
        return first

    def number(self, first: int, count: int) -> None:
        """Stamp 1, 2, … count on the `count` pages from index `first` on."""
        for offset in range(count):
            self._pages[first + offset].stamp = offset + 1

    def finish(self, outline: list[tuple[str, int, list]], info: dict[str, str]) -> bytes:
        """The PDF: `outline` is a tree of bookmarks (title, page index, children)."""
        self._put(self._number_font, _written(number_font()))
        for page in self._pages:
            contents = page.contents
            if page.stamp:
                stamp = self._put(self._reserve(), _stream(number_stamp(page.stamp, NUMBER_RESOURCE)))
                contents = [self._save, *contents, stamp]
            refs = b" ".join(b"%d 0 R" % n for n in contents)
            self._objects[page.number - 1] = (b"<</Type /Page /Parent 1 0 R /Contents [%s]\n%s>>" % (refs, page.body))
        for number, use in self._fonts.values():
            self._put(number, self._font_dictionary(use))
        kids = b" ".join(b"%d 0 R" % page.number for page in self._pages)
        self._objects[0] = b"<</Type /Pages /Count %d /Kids [%s]>>" % (len(self._pages), kids)
        outlines = self._outline(outline)
        self._objects[1] = b"<</Type /Catalog /Pages 1 0 R /Outlines %d 0 R /PageMode /UseOutlines>>" % outlines
        info_number = self._put(self._reserve(), _written(DictionaryObject(
            {NameObject(k): TextStringObject(v) for k, v in info.items()})))
        return self._write(info_number)

    # --- objects -------------------------------------------------------------------------------------

    def _reserve(self) -> int:
        self._objects.append(None)
        return len(self._objects)

    def _put(self, number: int, body: bytes) -> int:
        self._objects[number - 1] = body
        return number

    def _write(self, info: int) -> bytes:
        out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, body in enumerate(self._objects, 1):
            offsets.append(len(out))
            out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
        start = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1)
        out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
        out += b"trailer\n<</Size %d /Root 2 0 R /Info %d 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(offsets) + 1, info,
                                                                                              start)
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

    def _font(self, use: FontUse) -> int:
        """The number of the volume's font object for `use` (written at the end), its glyphs merged in."""
        key = (use.resource, use.font)
        if key not in self._fonts:
            merged = FontUse(**{**use.__dict__, "widths": {}, "unicode": {}})
            self._fonts[key] = (self._reserve(), merged)
        number, merged = self._fonts[key]
        merged.widths.update(use.widths)
        merged.unicode.update(use.unicode)
        return number

    def _font_dictionary(self, use: FontUse) -> bytes:
        glyphs = sorted(set(use.widths) | set(use.unicode))
        program = harfbuzz.subset(self.cache.font(use.font).read_bytes(), use.index, glyphs)
        widths = use.widths
        flags = use.flags + (1 if len(widths) > 1 and len(set(widths.values())) == 1 else 0)  # FixedPitch
        extra = {"/Subtype": NameObject("/OpenType")} if use.cff else {"/Length1": NumberObject(len(program))}
        base = NameObject("/" + use.name)
        descriptor = self._put(self._reserve(), _written(_dictionary({
            "/Type": NameObject("/FontDescriptor"), "/FontName": base, "/FontFamily": TextStringObject(use.family),
            "/Flags": NumberObject(flags),
            "/FontBBox": _numbers([0, use.descent, max(widths.values(), default=0), use.ascent]),
            "/ItalicAngle": NumberObject(use.italic_angle), "/Ascent": NumberObject(use.ascent),
            "/Descent": NumberObject(use.descent), "/CapHeight": NumberObject(use.ascent),
            "/StemV": NumberObject(use.stemv), "/StemH": NumberObject(use.stemh),
            "/FontFile3" if use.cff else "/FontFile2": _ref(self._put(self._reserve(), _stream(program, extra))),
        })))
        system = _dictionary({"/Registry": TextStringObject("Adobe"), "/Ordering": TextStringObject("Identity"),
                              "/Supplement": NumberObject(0)})
        cid_font = self._put(self._reserve(), _written(_dictionary({
            "/Type": NameObject("/Font"), "/Subtype": NameObject("/CIDFontType0" if use.cff else "/CIDFontType2"),
            "/BaseFont": base, "/CIDSystemInfo": system, "/CIDToGIDMap": NameObject("/Identity"),
            "/W": _width_array(widths), "/FontDescriptor": _ref(descriptor),
        })))
        to_unicode = self._put(self._reserve(), _stream(_to_unicode(use.unicode)))
        return _written(_dictionary({
            "/Type": NameObject("/Font"), "/Subtype": NameObject("/Type0"), "/BaseFont": base,
            "/Encoding": NameObject("/Identity-H"), "/DescendantFonts": ArrayObject([_ref(cid_font)]),
            "/ToUnicode": _ref(to_unicode)}))


def _stream(data: bytes, extra: dict | None = None) -> bytes:
    stream = DecodedStreamObject()
    stream.set_data(data)
    if len(data) > 64:
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
