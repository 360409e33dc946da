"""The contents 卷内目录 of a volume divided into pages.

Each page of the contents is rendered as a document of its own (templates/volume/
contents.html), so that the pages render in parallel and a change to one row renders its page
again, not the whole contents (a table of 1,000 rows takes WeasyPrint 15–20 s to lay out).
Which rows go on which page is decided before rendering, from an estimate of each row's
height: the lines its cells wrap into, from the widths of the columns and fonts in
volume.css. The estimate errs on the tall side; a page whose rows still do not fit keeps those
that do, and the rest move on to the next page (`lay_out`).
"""

from __future__ import annotations

import unicodedata
from typing import Callable, TypeVar

T = TypeVar("T")
PT_PER_MM = 72 / 25.4
# volume.css: @page contents, table.catalogue and its columns (mm), fonts (pt), line heights
PAGE_HEIGHT = (297 - 20 - 18) * PT_PER_MM
TITLE_HEIGHT = 80.0  # the form's title and the lines under it, on the first page
HEADER_HEIGHT = 23.0  # the header row, repeated on every page, and the table's rules
SAFETY = 6.0  # points kept free on every page, for what the estimate does not see
ROW_PADDING = 2 * 1.2 * PT_PER_MM + 0.6
CELL_PADDING = 2 * 1.1 * PT_PER_MM + 0.6
TABLE_WIDTH = 210 - 24 - 12
# (column, width in mm, font size, line height) of the cells that wrap; 题名 takes what is left
COLUMNS = (("archive_number", 23, 7.0, 1.35), ("doc_number", 19, 8.0, 1.35), ("responsible", 17, 8.0, 1.35),
           ("title", TABLE_WIDTH - (8.5 + 23 + 19 + 17 + 15 + 9 + 12 + 37), 8.0, 1.35))
REMARKS = (37, (7.5, 1.3), (6.3, 1.3))  # width; the electronic code's line, then the address
SECTION_ROW = 8.0 * 1.35 + ROW_PADDING
WIDE_LATIN = set("mwMW@%&")
NO_LINE_START = set("，。、；：？！）〕」』】》〉”’,.;:?!)]}%")


def text_width(text: str, size: float) -> list[float]:
    """Each character's advance in points, erring wide: CJK and full-width forms take 1 em,
    Latin letters and digits about 0.6 em."""
    widths = []
    for char in text:
        if char in WIDE_LATIN:
            em = 0.95
        elif ord(char) < 0x80:
            em = 0.62
        else:
            em = 1.0 if unicodedata.east_asian_width(char) in "WFA" or ord(char) >= 0x2E80 else 0.7
        widths.append(em * size)
    return widths


def lines(text: str, width_mm: float, size: float) -> int:
    """How many lines `text` wraps into in a cell `width_mm` wide (word-break: break-all; a
    closing mark never starts a line, so it takes the character before it along)."""
    room = width_mm * PT_PER_MM - CELL_PADDING
    count, used, previous = 1, 0.0, 0.0
    for char, advance in zip(text, text_width(text, size)):
        if used + advance > room and used > 0:
            count += 1
            used = previous if char in NO_LINE_START else 0.0
        used += advance
        previous = advance
    return count


def row_height(row: dict) -> float:
    if "section" in row:
        return SECTION_ROW
    values = {**row, "title": row["title"] + ("（电子文件缺失）" if row.get("missing") else "")}
    tallest = max(lines(str(values[key] or ""), width, size) * size * height for key, width, size, height in COLUMNS)
    width, (code_size, code_height), (size, height) = REMARKS
    remarks = (lines(row["code"], width, code_size) * code_size * code_height
               + lines(f"{row['address']}@{row['commit'] or '（未入 git）'}", width, size) * size * height)
    return max(tallest, remarks) + ROW_PADDING


def estimate_pages(rows: list[dict], first: bool) -> list[list[dict]]:
    """The rows divided into pages by their estimated heights (`first`: the first of them
    stands on the contents' first page, under the form's title)."""
    pages: list[list[dict]] = [[]]
    room = PAGE_HEIGHT - HEADER_HEIGHT - SAFETY - (TITLE_HEIGHT if first else 0)
    for row in rows:
        height = row_height(row)
        if pages[-1] and height > room:
            # a section's heading row goes over with the section's first row
            carried = [pages[-1].pop()] if len(pages[-1]) > 1 and "section" in pages[-1][-1] else []
            pages.append(carried)
            room = PAGE_HEIGHT - HEADER_HEIGHT - SAFETY - sum(map(row_height, carried))
        pages[-1].append(row)
        room -= height
    return pages


# Renders pages, given as (first page of the contents?, rows): for each, how many of its rows
# fitted on it and the rendered page.
RenderPages = Callable[[list[tuple[bool, list[dict]]]], list[tuple[int, T]]]


def lay_out(rows: list[dict], render: RenderPages) -> list[T]:
    """The rendered pages of the contents. Pages are planned by estimate and rendered
    together; when one overflows, it keeps the rows that fitted, and the pages after it are
    planned and rendered again from the first row that did not."""
    done: list[T] = []
    placed = 0
    while placed < len(rows) or not done:
        planned = estimate_pages(rows[placed:], first=not done)
        for page, (fitted, rendered) in zip(planned, render([(not done and n == 0, page) for n, page in
                                                               enumerate(planned)])):
            done.append(rendered)
            placed += max(fitted, 1)  # a single row taller than a page keeps a page to itself
            if fitted < len(page):
                break
    return done
