"""A volume PDF read back as an archivist would read the paper: the cover, the rows of the
contents 卷内目录, the page number stamped on each page of the items, and the 备考表.

Text and word boxes come from poppler's `pdftotext -bbox`. The contents table is read
without knowing its geometry: rows start at the sequence numbers (cells are aligned to
the top), and inside a row the words of one cell overlap each other horizontally while
cells never overlap (every cell's text stays inside its column), so the cells are the
groups of words that overlap. The cells are then recognised by what they hold.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from ...archive.errors import DossierError

NS = "{http://www.w3.org/1999/xhtml}"
ARCHIVE_NUMBER = r"[A-Z0-9]{4}-[A-Z]{2}·\d{4}-(?:Y|D30|D10)-C[1-6D]-\d{4}"
VOLUME_NUMBER = r"[A-Z0-9]{4}-[A-Z]{2}·\d{4}-(?:Y|D30|D10)-C[1-6D]-V\d{2,}"
CODE = r"(?:[1-6]|D)-\d{4}-S\d{2}-\d{4}"
REMARK_RE = re.compile(rf"^(?P<code>{CODE})(?P<address>.*?)@(?P<commit>[0-9a-f]{{7,40}}|（未入git）)$")
PAGES_RE = re.compile(r"^(\d+)(?:[–-](\d+))?$")
SECRECY = ("内部", "秘密", "机密", "绝密")
WHITESPACE = re.compile(r"\s+")
STAMP_ZONE = 70.0  # points: a page number stamp sits within this distance of the top and right edges


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass
class Page:
    width: float
    height: float
    words: list[Word]

    @property
    def text(self) -> str:
        """The page's text in reading order (line by line, left to right), without spaces."""
        lines: list[list[Word]] = []
        for word in sorted(self.words, key=lambda w: w.y0):
            if lines and abs(lines[-1][0].y0 - word.y0) < 3:
                lines[-1].append(word)
            else:
                lines.append([word])
        return squeeze("".join(w.text for line in lines for w in sorted(line, key=lambda w: w.x0)))

    def stamp(self) -> int | None:
        """The page number stamped at the top right, if any."""
        for word in self.words:
            if word.text.isdigit() and word.y0 < STAMP_ZONE and word.x1 > self.width - STAMP_ZONE:
                return int(word.text)
        return None


@dataclass
class Row:
    """One row of the contents 卷内目录."""

    page: int  # 1-based page of the PDF it stands on
    index: int | None = None
    archive_number: str = ""
    doc_number: str = ""
    responsible: str = ""
    title: str = ""
    date: str = ""
    secrecy: str = ""
    pages: str = ""
    code: str = ""
    address: str = ""
    commit: str = ""
    cells: list[str] = field(default_factory=list)

    def page_range(self) -> tuple[int, int] | None:
        match = PAGES_RE.match(self.pages)
        if not match:
            return None
        first = int(match.group(1))
        return first, int(match.group(2) or first)


@dataclass
class VolumePdf:
    pages: list[Page]
    cover: Page | None
    contents: list[int]  # 0-based indexes of the contents pages
    body: list[int]  # 0-based indexes of the numbered pages (items and attachments)
    back: list[int]  # 0-based indexes of the pages after the items (备考表)
    rows: list[Row]

    @property
    def archive_number(self) -> str:
        found = re.search(VOLUME_NUMBER, self.cover.text) if self.cover else None
        return found.group(0) if found else ""

    def cover_count(self, label: str, unit: str) -> int | None:
        found = re.search(rf"{label}(\d+){unit}", self.cover.text) if self.cover else None
        return int(found.group(1)) if found else None

    @property
    def back_text(self) -> str:
        return "".join(self.pages[i].text for i in self.back)


def squeeze(text: str) -> str:
    """Text without any white space (CJK lines wrap anywhere; pdftotext spaces differ)."""
    return WHITESPACE.sub("", text.replace("\u3000", " "))


def read_pages(path: Path) -> list[Page]:
    if shutil.which("pdftotext") is None:
        raise DossierError("check-paper-no-pdftotext")
    result = subprocess.run(["pdftotext", "-bbox", "-enc", "UTF-8", str(path), "-"], capture_output=True)
    if result.returncode != 0:
        raise DossierError("check-paper-unreadable", path=str(path),
                           detail=" ".join(result.stderr.decode("utf-8", "replace").split())[:200])
    try:
        root = ET.fromstring(result.stdout)
    except ET.ParseError as exc:
        raise DossierError("check-paper-unreadable", path=str(path), detail=str(exc)) from None
    pages = []
    for page in root.iter(f"{NS}page"):
        words = [Word(w.text or "", float(w.get("xMin")), float(w.get("yMin")), float(w.get("xMax")), float(w.get("yMax")))
                 for w in page.iter(f"{NS}word")]
        pages.append(Page(float(page.get("width")), float(page.get("height")), words))
    return pages


def read_volume(path: Path) -> VolumePdf:
    pages = read_pages(path)
    stamped = [i for i, page in enumerate(pages) if page.stamp() is not None]
    if stamped:
        body = list(range(stamped[0], stamped[-1] + 1))
        front = list(range(0, stamped[0]))
        back = list(range(stamped[-1] + 1, len(pages)))
    else:
        body, front, back = [], list(range(len(pages))), []
    cover = pages[0] if pages else None
    contents = [i for i in front if i > 0]
    rows = []
    for i in contents:
        rows += contents_rows(pages[i], i + 1)
    return VolumePdf(pages, cover, contents, body, back, rows)


# --- the contents table ------------------------------------------------------------------------


HEADERS = ("序号", "档号", "文号", "责任者", "题名", "日期", "密级", "页号", "备注")


def _header(page: Page) -> tuple[float, float] | None:
    """(bottom of the header row, left edge of the 档号 column) of a contents page."""
    number = next((w for w in page.words if w.text == "档号"), None)
    remarks = next((w for w in page.words if w.text == "备注"), None)
    if number is None or remarks is None:
        return None
    bottom = max(w.y1 for w in page.words if abs(w.y0 - number.y0) < 8 and w.text in HEADERS + ("序", "号"))
    return bottom, number.x0


def contents_rows(page: Page, page_number: int) -> list[Row]:
    header = _header(page)
    if header is None:
        return []
    bottom, number_left = header
    body = [w for w in page.words if w.y0 > bottom - 1]
    # the first column holds the sequence number; a section row ("卷章 S02 …") spans the table
    starts = sorted({round(w.y0, 1) for w in body if w.x0 < number_left and (w.text.isdigit() or w.text == "卷章")})
    if not starts:
        return []
    rows = []
    for n, top in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else float("inf")
        words = [w for w in body if top - 1 <= w.y0 < end - 1]
        if any(w.text == "卷章" and w.x0 < number_left and abs(w.y0 - top) < 1 for w in words):
            continue  # a section row
        row = _row(words, page_number)
        if row is not None:
            rows.append(row)
    return rows


def cells(words: list[Word]) -> list[str]:
    """The texts of a row's cells, left to right: words that overlap horizontally (or stand
    close on one line) belong to one cell."""
    groups: list[list[Word]] = []
    for word in sorted(words, key=lambda w: w.x0):
        for group in groups:
            if any(_together(word, other) for other in group):
                group.append(word)
                break
        else:
            groups.append([word])
    merged = True
    while merged:  # joining two groups can make them overlap a third
        merged = False
        for a in range(len(groups)):
            for b in range(a + 1, len(groups)):
                if any(_together(x, y) for x in groups[a] for y in groups[b]):
                    groups[a] += groups.pop(b)
                    merged = True
                    break
            if merged:
                break
    groups.sort(key=lambda g: min(w.x0 for w in g))
    return [squeeze("".join(w.text for w in sorted(g, key=lambda w: (round(w.y0), w.x0)))) for g in groups]


def _together(a: Word, b: Word) -> bool:
    if a.x0 < b.x1 and b.x0 < a.x1:
        return True
    same_line = abs(a.y0 - b.y0) < 2
    gap = max(a.x0, b.x0) - min(a.x1, b.x1)
    return same_line and gap < 3.0  # a word space; cells stand further apart (padding and rule)


def _row(words: list[Word], page_number: int) -> Row | None:
    found = cells(words)
    if not found or not found[0].isdigit():
        return None
    row = Row(page_number, int(found[0]), cells=found)
    rest = found[1:]
    if rest and re.fullmatch(ARCHIVE_NUMBER, rest[0]):
        row.archive_number = rest.pop(0)
    if rest and REMARK_RE.match(rest[-1]):
        match = REMARK_RE.match(rest.pop())
        row.code, row.address, row.commit = match["code"], match["address"], match["commit"]
    if rest and PAGES_RE.match(rest[-1]):
        row.pages = rest.pop()
    if rest and rest[-1] in SECRECY:
        row.secrecy = rest.pop()
    if rest and re.fullmatch(r"\d{8}", rest[-1]):
        row.date = rest.pop()
    if rest:
        row.title = rest.pop()
    if rest:
        row.responsible = rest.pop()
    if rest:
        row.doc_number = "".join(rest)
    return row
