"""Tiny synthetic "scans" for attachments, written by hand (stdlib only):

- `png_scan`: an A4-proportioned pale page with a title, lines of "text", a table rule,
  a signature scrawl and, for signed documents, a red seal 印章 (under 10 KB);
- `pdf_scan`: a valid PDF of 1–2 A4 pages (vector "text" lines, a signature, a seal),
  with a correct cross-reference table.
"""

from __future__ import annotations

import math
import random
import struct
import zlib

PAPER = (250, 248, 240)
INK = (52, 54, 62)
PEN = (28, 44, 120)
SEAL = (204, 38, 38)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bytes(width: int, height: int, rgb: bytearray) -> bytes:
    stride = width * 3
    raw = b"".join(b"\x00" + bytes(rgb[y * stride:(y + 1) * stride]) for y in range(height))
    return (b"\x89PNG\r\n\x1a\n"
            + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + _chunk(b"IDAT", zlib.compress(raw, 9))
            + _chunk(b"IEND", b""))


class _Canvas:
    def __init__(self, width: int, height: int):
        self.w, self.h = width, height
        self.px = bytearray(bytes(PAPER) * (width * height))

    def rect(self, x0: int, y0: int, x1: int, y1: int, colour: tuple) -> None:
        x0, x1 = max(0, x0), min(self.w, x1)
        if x1 <= x0:
            return
        run = bytes(colour) * (x1 - x0)
        for y in range(max(0, y0), min(self.h, y1)):
            start = (y * self.w + x0) * 3
            self.px[start:start + len(run)] = run

    def dot(self, x: float, y: float, colour: tuple, size: int = 1) -> None:
        self.rect(int(x), int(y), int(x) + size, int(y) + size, colour)


def png_scan(rng: random.Random, signed: bool = True, width: int = 248, height: int = 351) -> bytes:
    """A page: title, text lines, a table rule, a signature and maybe a seal."""
    c = _Canvas(width, height)
    c.rect(0, 0, 3, height, (226, 224, 216))  # the scanner's shadow on the left edge
    margin = width // 9
    title_w = rng.randint(width // 3, width // 2)
    c.rect((width - title_w) // 2, 18, (width + title_w) // 2, 23, INK)
    y = 36
    for line in range(rng.randint(14, 20)):
        if rng.random() < 0.12:  # a table rule
            c.rect(margin, y + 1, width - margin, y + 2, (120, 120, 126))
            y += 7
            continue
        x = margin + (8 if line == 0 or rng.random() < 0.15 else 0)
        right = width - margin - (rng.randint(20, 90) if rng.random() < 0.2 else 0)
        while x < right - 6:
            word = rng.randint(5, 22)
            c.rect(x, y, min(x + word, right), y + 3, INK)
            x += word + rng.randint(3, 5)
        y += 9
        if y > height - 80:
            break
    # signature scrawl, bottom right
    x0, y0 = width - margin - 70, height - 48
    phase, amp = rng.random() * 6.28, rng.uniform(3.5, 6.0)
    for step in range(220):
        t = step / 220
        x = x0 + t * 62 + 4 * math.sin(t * 21 + phase)
        yy = y0 + amp * math.sin(t * 13 + phase) * (1 - t * 0.6) + 5 * t
        c.dot(x, yy, PEN, 2)
    c.rect(x0 - 4, y0 + 14, x0 + 66, y0 + 15, INK)  # the line signed on
    if signed:
        cx, cy, r = width - margin - 32, height - 44, 17
        for yy in range(cy - r, cy + r + 1):
            for xx in range(cx - r, cx + r + 1):
                dist = math.hypot(xx - cx, yy - cy)
                if r - 2.2 <= dist <= r or (dist < 4.5 and (xx - cx) * (yy - cy) >= -4):
                    c.dot(xx, yy, SEAL)
    return png_bytes(width, height, c.px)


# --- PDF -------------------------------------------------------------------------------------


def _pdf_text(text: str) -> str:
    """A PDF string: ASCII literal, or UTF-16BE hex for Chinese (document information only)."""
    if text.isascii():
        return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


def _page_stream(rng: random.Random, page: int, pages: int, heading: str, code: str, signed: bool) -> bytes:
    ops = ["0.98 0.97 0.94 rg 0 0 595 842 re f", "0.2 0.21 0.24 rg",
           f"BT /F1 13 Tf 72 780 Td {_pdf_text(heading)} Tj ET",
           f"BT /F1 8 Tf 72 762 Td {_pdf_text('Electronic code ' + code + f'   page {page}/{pages}')} Tj ET"]
    y = 730
    while y > 210:
        x = 72 + (18 if rng.random() < 0.15 else 0)
        right = 523 - (rng.randint(60, 260) if rng.random() < 0.2 else 0)
        while x < right - 12:
            word = rng.randint(14, 60)
            ops.append(f"{x} {y} {min(word, right - x)} 5 re")
            x += word + rng.randint(7, 11)
        ops.append("f")
        y -= rng.choice((18, 18, 18, 30))
    if page == pages:
        phase = rng.random() * 6.28
        pts = [(360 + i * 14, 120 + 10 * math.sin(i * 1.3 + phase)) for i in range(9)]
        path = [f"{pts[0][0]:.1f} {pts[0][1]:.1f} m"]
        for (x1, y1), (x2, y2) in zip(pts, pts[1:]):
            path.append(f"{x1 + 5:.1f} {y1 + 14:.1f} {x2 - 5:.1f} {y2 - 14:.1f} {x2:.1f} {y2:.1f} c")
        ops += ["0.11 0.17 0.47 RG 1.6 w", *path, "S", "0.2 0.21 0.24 RG 0.6 w 352 104 m 490 104 l S"]
        if signed:
            k, cx, cy, r = 0.5523, 470, 130, 42
            ops += ["0.8 0.15 0.15 RG 3 w",
                    f"{cx + r} {cy} m",
                    f"{cx + r} {cy + k * r:.1f} {cx + k * r:.1f} {cy + r} {cx} {cy + r} c",
                    f"{cx - k * r:.1f} {cy + r} {cx - r} {cy + k * r:.1f} {cx - r} {cy} c",
                    f"{cx - r} {cy - k * r:.1f} {cx - k * r:.1f} {cy - r} {cx} {cy - r} c",
                    f"{cx + k * r:.1f} {cy - r} {cx + r} {cy - k * r:.1f} {cx + r} {cy} c", "S",
                    "0.8 0.15 0.15 rg", f"{cx} {cy + 14} m {cx + 9} {cy - 10} l {cx - 13} {cy + 5} l "
                    f"{cx + 13} {cy + 5} l {cx - 9} {cy - 10} l f"]
    return "\n".join(ops).encode("ascii")


def pdf_scan(rng: random.Random, code: str, title: str, pages: int = 1, signed: bool = True) -> bytes:
    """A small valid PDF: catalog, pages, font, one page + content stream per page, info."""
    objects: list[bytes] = []  # object n is objects[n - 1]
    page_ids = [4 + 2 * i for i in range(pages)]
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{' '.join(f'{p} 0 R' for p in page_ids)}] /Count {pages} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    for index, page_id in enumerate(page_ids):
        stream = zlib.compress(_page_stream(rng, index + 1, pages, "Taiyuan Longcheng Club - Sales Department",
                                            code, signed), 9)
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
                       f"/Contents {page_id + 1} 0 R >>".encode())
        objects.append(f"<< /Length {len(stream)} /Filter /FlateDecode >>\nstream\n".encode() + stream
                       + b"\nendstream")
    info_id = len(objects) + 1
    objects.append(f"<< /Title {_pdf_text(title)} /Subject {_pdf_text(code)} /Producer (generate_archive.py) "
                   f"/CreationDate (D:20250101000000+08'00') >>".encode())
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {info_id} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
