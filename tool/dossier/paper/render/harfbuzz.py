"""Subsetting a font with HarfBuzz, as WeasyPrint does (the same library, the same flags),
but once for a whole volume instead of once per item: see render/fonts.py.

WeasyPrint's own bindings cannot load a font from bytes, so this module declares the few
functions it needs (cffi, ABI mode). libharfbuzz-subset is what WeasyPrint subsets with too
(bootstrap installs it).
"""

from __future__ import annotations

from functools import lru_cache

DECLARATIONS = """
    typedef struct hb_blob_t hb_blob_t;
    typedef struct hb_face_t hb_face_t;
    typedef struct hb_set_t hb_set_t;
    typedef struct hb_subset_input_t hb_subset_input_t;
    hb_blob_t *hb_blob_create(const char *data, unsigned int length, int mode, void *user_data, void *destroy);
    void hb_blob_destroy(hb_blob_t *blob);
    const char *hb_blob_get_data(hb_blob_t *blob, unsigned int *length);
    hb_face_t *hb_face_create(hb_blob_t *blob, unsigned int index);
    hb_blob_t *hb_face_reference_blob(hb_face_t *face);
    void hb_face_destroy(hb_face_t *face);
    unsigned int hb_tag_from_string(const char *str, int len);
    void hb_set_add(hb_set_t *set, unsigned int codepoint);
    void hb_set_add_range(hb_set_t *set, unsigned int first, unsigned int last);
    hb_subset_input_t *hb_subset_input_create_or_fail(void);
    void hb_subset_input_destroy(hb_subset_input_t *input);
    hb_set_t *hb_subset_input_glyph_set(hb_subset_input_t *input);
    hb_set_t *hb_subset_input_set(hb_subset_input_t *input, int set_type);
    void hb_subset_input_set_flags(hb_subset_input_t *input, unsigned int value);
    hb_face_t *hb_subset_or_fail(hb_face_t *source, const hb_subset_input_t *input);
    typedef struct hb_font_t hb_font_t;
    hb_font_t *hb_font_create(hb_face_t *face);
    void hb_font_destroy(hb_font_t *font);
    unsigned int hb_face_get_upem(const hb_face_t *face);
    int hb_font_get_nominal_glyph(hb_font_t *font, unsigned int unicode, unsigned int *glyph);
    int hb_font_get_glyph_h_advance(hb_font_t *font, unsigned int glyph);
"""
LIBRARIES = (("libharfbuzz.so.0", "libharfbuzz.0.dylib", "libharfbuzz-0.dll", "harfbuzz"),
             ("libharfbuzz-subset.so.0", "libharfbuzz-subset.0.dylib", "libharfbuzz-subset-0.dll", "harfbuzz-subset"))
MEMORY_MODE_READONLY = 1
SETS_DROP_TABLE_TAG = 3
NO_HINTING, RETAIN_GIDS, DESUBROUTINIZE, PASSTHROUGH_UNRECOGNIZED, NOTDEF_OUTLINE = 0x1, 0x2, 0x4, 0x20, 0x40
# the tables WeasyPrint drops from the fonts it embeds (weasyprint/pdf/fonts.py)
DROPPED_TABLES = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF", b"LTSH", b"PCLT", b"SVG ")


@lru_cache(maxsize=1)
def _libraries():
    try:
        from cffi import FFI
    except ImportError:
        return None
    ffi = FFI()
    ffi.cdef(DECLARATIONS)
    loaded = []
    for names in LIBRARIES:
        for name in names:
            try:
                loaded.append(ffi.dlopen(name))
                break
            except OSError:
                continue
        else:
            return None
    return ffi, loaded[0], loaded[1]


def available() -> bool:
    return _libraries() is not None


def subset(data: bytes, index: int, glyphs: list[int], notdef_outline: bool = False) -> bytes:
    """The face `index` of the font file `data` keeping `glyphs` at their glyph ids (the ids
    the items' text was written with), every other glyph empty, hinting dropped."""
    ffi, hb, hb_subset = _libraries()
    blob = hb.hb_blob_create(data, len(data), MEMORY_MODE_READONLY, ffi.NULL, ffi.NULL)
    face = hb.hb_face_create(blob, index)
    extra = NOTDEF_OUTLINE if notdef_outline else 0
    try:
        kept = _subset_face(ffi, hb, hb_subset, face, glyphs, RETAIN_GIDS | PASSTHROUGH_UNRECOGNIZED | DESUBROUTINIZE
                            | extra, drop=True)
        # second pass, as WeasyPrint does: drop the empty glyphs after the last one used
        try:
            small = _subset_face(ffi, hb, hb_subset, kept, [], PASSTHROUGH_UNRECOGNIZED | DESUBROUTINIZE | NO_HINTING
                                 | extra, keep_up_to=max(glyphs, default=0))
        finally:
            hb.hb_face_destroy(kept)
        try:
            return _face_bytes(ffi, hb, small)
        finally:
            hb.hb_face_destroy(small)
    finally:
        hb.hb_face_destroy(face)
        hb.hb_blob_destroy(blob)


def glyphs(data: bytes, index: int, text: str) -> dict[str, tuple[int, float]]:
    """For each character of `text` the face `index` of `data` has: its glyph id and advance
    width in thousandths of an em (what a PDF font dictionary's /W gives)."""
    ffi, hb, _ = _libraries()
    blob = hb.hb_blob_create(data, len(data), MEMORY_MODE_READONLY, ffi.NULL, ffi.NULL)
    face = hb.hb_face_create(blob, index)
    font = hb.hb_font_create(face)  # scaled to the face's units per em
    try:
        upem = hb.hb_face_get_upem(face)
        glyph = ffi.new("unsigned int *")
        found = {}
        for char in text:
            if hb.hb_font_get_nominal_glyph(font, ord(char), glyph):
                found[char] = (glyph[0], hb.hb_font_get_glyph_h_advance(font, glyph[0]) * 1000 / upem)
        return found
    finally:
        hb.hb_font_destroy(font)
        hb.hb_face_destroy(face)
        hb.hb_blob_destroy(blob)


def _subset_face(ffi, hb, hb_subset, face, glyphs: list[int], flags: int, drop: bool = False,
                 keep_up_to: int | None = None):
    request = hb_subset.hb_subset_input_create_or_fail()
    if request == ffi.NULL:
        raise MemoryError("hb_subset_input_create_or_fail")
    try:
        glyph_set = hb_subset.hb_subset_input_glyph_set(request)
        for glyph in glyphs:
            hb.hb_set_add(glyph_set, glyph)
        if keep_up_to is not None:
            hb.hb_set_add_range(glyph_set, 0, keep_up_to)
        if drop:
            tables = hb_subset.hb_subset_input_set(request, SETS_DROP_TABLE_TAG)
            for tag in DROPPED_TABLES:
                hb.hb_set_add(tables, hb.hb_tag_from_string(tag, 4))
        hb_subset.hb_subset_input_set_flags(request, flags)
        result = hb_subset.hb_subset_or_fail(face, request)
        if result == ffi.NULL:
            raise ValueError("HarfBuzz could not subset the font")
        return result
    finally:
        hb_subset.hb_subset_input_destroy(request)


def _face_bytes(ffi, hb, face) -> bytes:
    blob = hb.hb_face_reference_blob(face)
    try:
        length = ffi.new("unsigned int *")
        data = hb.hb_blob_get_data(blob, length)
        return ffi.unpack(data, length[0])
    finally:
        hb.hb_blob_destroy(blob)
