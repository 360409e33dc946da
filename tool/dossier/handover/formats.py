"""What a file is by its content (magic bytes), not by its name: the formats the archive takes
(GB/T 18894-2016 §8.3: PDF, PDF/A, and image formats for scans; OFD per GB/T 33190), whether a
file is encrypted or compressed in a way that is not open, and the special characters DA/T 70
1-6 looks for in metadata (GB 18030's double-byte non-Chinese symbols, control characters)."""

from __future__ import annotations

import re
import unicodedata
import zipfile
from pathlib import Path

# format → (name suffixes that say it, the leading bytes that are it)
SIGNATURES: dict[str, tuple[tuple[str, ...], tuple[bytes, ...]]] = {
    "PDF": ((".pdf",), (b"%PDF-",)),
    "PNG": ((".png",), (b"\x89PNG\r\n\x1a\n",)),
    "JPEG": ((".jpg", ".jpeg"), (b"\xff\xd8\xff",)),
    "TIFF": ((".tif", ".tiff"), (b"II*\x00", b"MM\x00*")),
    "OFD": ((".ofd",), (b"PK\x03\x04",)),
    "XLSX": ((".xlsx",), (b"PK\x03\x04",)),
    "ZIP": ((".zip",), (b"PK\x03\x04", b"PK\x05\x06")),
    "RAR": ((".rar",), (b"Rar!\x1a\x07",)),
    "7Z": ((".7z",), (b"7z\xbc\xaf\x27\x1c",)),
    "GZIP": ((".gz", ".tgz"), (b"\x1f\x8b",)),
    "AGE": ((".age",), (b"age-encryption.org/v1", b"-----BEGIN AGE ENCRYPTED FILE-----")),
    "PGP": ((".gpg", ".pgp", ".asc"), (b"-----BEGIN PGP MESSAGE-----",)),
}
TEXT_FORMATS = {".yaml": "YAML", ".yml": "YAML", ".xml": "XML"}  # records and metadata: UTF-8 text
CONTENT_FORMATS = ("PDF", "PNG", "JPEG", "TIFF", "OFD")  # fit for filing and for keeping (GB/T 18894, DA/T 47)
CLOSED = ("RAR", "7Z", "ZIP", "GZIP")  # compressed containers a receiving archive cannot open as records
ENCRYPTED = ("AGE", "PGP")
ARMORS = (b"-----BEGIN AGE ENCRYPTED FILE-----", b"-----BEGIN PGP MESSAGE-----", b"age-encryption.org/v1")
HEAD = 64


def sniff(head: bytes, name: str = "") -> str | None:
    """The format `head` (a file's first bytes) is, or None. Zip containers are told apart by name
    only when the name says an open zip-based format (xlsx, ofd); anything else zipped is ZIP."""
    suffix = Path(name).suffix.lower()
    if suffix in TEXT_FORMATS and _is_text(head):
        return TEXT_FORMATS[suffix] if suffix != ".xml" or head.lstrip().startswith(b"<") else None
    for fmt, (suffixes, magics) in SIGNATURES.items():
        if any(head.startswith(m) for m in magics):
            if magics[0] == b"PK\x03\x04" and suffix not in suffixes:
                continue
            return fmt
    return "ZIP" if head.startswith((b"PK\x03\x04", b"PK\x05\x06")) else None


def _is_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 3  # a character cut at the end of the head
    return b"\x00" not in head


def format_of_name(name: str) -> str | None:
    suffix = Path(name).suffix.lower()
    if suffix in TEXT_FORMATS:
        return TEXT_FORMATS[suffix]
    return next((fmt for fmt, (suffixes, _) in SIGNATURES.items() if suffix in suffixes), None)


def read_head(path: Path) -> bytes:
    with open(path, "rb") as stream:
        return stream.read(HEAD)


def pdf_facts(path: Path) -> tuple[int | None, bool, bool]:
    """(pages, encrypted, PDF/A declared in its XMP metadata) of a PDF; pages None when it cannot be read."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(str(path))
        encrypted = reader.is_encrypted
        if encrypted:
            return None, True, False
        metadata = reader.trailer["/Root"].get("/Metadata")
        xmp = metadata.get_object().get_data() if metadata is not None else b""
        return len(reader.pages), False, bool(_PDFA.search(xmp))
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, AttributeError):
        return None, False, False


_PDFA = re.compile(rb"pdfaid:part\s*(=\s*[\"']|>)\s*[1-4]")


def zip_is_plain(path: Path) -> bool:
    """Whether a zip-based file (xlsx, ofd) opens with an open method (stored or deflate) and unencrypted."""
    try:
        with zipfile.ZipFile(path) as archive:
            return all(info.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) and not info.flag_bits & 1
                       for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        return False


def has_armor(data: bytes) -> bool:
    """Whether `data` holds an encrypted value (an age or PGP ciphertext)."""
    return any(armor in data for armor in ARMORS)


def special_characters(text: str) -> list[str]:
    """The characters DA/T 70 1-6 refuses in a metadata value: control characters (other than
    line breaks and tabs), private-use and unassigned code points, the replacement character, and
    anything GB 18030 cannot encode. Returned as U+XXXX."""
    found = []
    for ch in text:
        category = unicodedata.category(ch)
        bad = (category in ("Cc", "Co", "Cn", "Cs") and ch not in "\n\t") or ch == "\ufffd"
        if not bad:
            try:
                ch.encode("gb18030")
            except UnicodeEncodeError:
                bad = True
        if bad:
            found.append(f"U+{ord(ch):04X}")
    return found
