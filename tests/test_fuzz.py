"""Fuzzing the commands that read untrusted files (issue 13, acceptance): validate on mutated
YAML, import (of what export wrote) on mutated xlsx and csv sheets.

Seeded and bounded, so a failure replays: each case names its seed. The mutations are both
blind (flipped, inserted and removed bytes, truncation) and aimed (hostile values in a field
or a cell: 5,000 digits, NaN, infinities, formulas, bidirectional and invisible characters,
huge and empty text, dates that do not exist, wrong types). Every run must end with exit 0, 1
or 2 — never an internal error or a traceback — and a failing one must say where: a
file:line:column, a Sheet!cell, or at least the file.
"""

from __future__ import annotations

import io
import random
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from conftest import SEES_ALL, act_as, init_repo

SEED = 20261207
HOSTILE = ["9" * 5000, "-" + "9" * 400, ".nan", "-.inf", "1e999", "NaN", "inf", "-1", "-0.001", "0x1F", "=1+1",
           "@SUM(A1)", "+1", "\u202egnp.exe", "名\u200b称", "\ufeff", "x" * 40000, "", " ", "2025-13-45",
           "9999-99-99", "人民币", "１２３", "−5", "TRUE", "None", "'", '"', "\n", "\t", "C9999", "../../etc/passwd",
           "-9223372036854775809", "1" * 30, "0.1234567", "2025-02-29", "已加密 / encrypted",
           "-----BEGIN AGE ENCRYPTED FILE-----"]
YAML_TOKENS = [b": ", b"- ", b"{", b"}", b"[", b"]", b"*a", b"&a ", b"!!python/object:os.system ", b"<<: *a\n",
               b"\t", b"\x00", b"\xff\xfe", b"'", b'"', b"\n  ", b"---\n", b"? ", b"|\n", b"%YAML 1.1\n", b"!!binary ",
               b"\xe2\x80\xae", b"9" * 5000, b".nan", b"1e999"]
POSITIONED = re.compile(r"\S+:\d+:\d+: \S+: |!(?:[A-Z]+\d+|\d+:\d+): |^\S+\.(?:xlsx|csv|yaml): |\.(?:xlsx|csv)\b",
                        re.MULTILINE)


@pytest.fixture
def repo(base_archive, monkeypatch):
    init_repo(base_archive, SEES_ALL)
    act_as(monkeypatch, SEES_ALL)
    return base_archive


def check(result, seed: int, what: str) -> None:
    said = result.out + result.err
    assert result.code in (0, 1, 2), f"seed {seed} ({what}): exit {result.code}\n{said}"
    assert "internal error" not in said and "Traceback" not in said, f"seed {seed} ({what}):\n{said}"
    if result.code:
        assert POSITIONED.search(said), f"seed {seed} ({what}): no position in\n{said}"


# --- mutations -----------------------------------------------------------------------------------


def blind(rng: random.Random, raw: bytes) -> bytes:
    """Flip, insert or remove a few bytes, or cut the file short."""
    data = bytearray(raw)
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(data) + 1)
        kind = rng.choice(("flip", "insert", "remove", "truncate"))
        if kind == "flip" and at < len(data):
            data[at] ^= 1 << rng.randrange(8)
        elif kind == "insert":
            data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        elif kind == "remove":
            del data[at:at + rng.randint(1, 16)]
        else:
            del data[max(at, 1):]
    return bytes(data)


def yaml_mutant(rng: random.Random, raw: bytes, value: str | None = None) -> bytes:
    """`value` in place of a field's value (plain: a number, a word), else a random mutation."""
    lines = raw.split(b"\n")
    at = rng.randrange(len(lines))
    kind = "value" if value is not None else rng.choice(("value", "value", "token", "blind", "duplicate"))
    if kind == "value":  # a hostile value in place of a field's, plain or quoted
        at = rng.choice([index for index, line in enumerate(lines) if b": " in line])
        key, _, _ = lines[at].partition(b": ")
        plain = value is not None or rng.random() < 0.7
        value = value if value is not None else rng.choice(HOSTILE)
        lines[at] = key + b": " + (value.encode() if plain else repr(value).encode())
    elif kind == "token":
        column = rng.randrange(len(lines[at]) + 1)
        lines[at] = lines[at][:column] + rng.choice(YAML_TOKENS) + lines[at][column:]
    elif kind == "duplicate":
        lines.insert(at, lines[at])
    else:
        return blind(rng, raw)
    return b"\n".join(lines)


def xlsx_mutant(rng: random.Random, raw: bytes) -> bytes:
    kind = rng.choice(("cells", "cells", "cells", "xml", "blind"))
    if kind == "blind":
        return blind(rng, raw)
    if kind == "xml":  # the sheet's XML itself: types and values openpyxl then reads as they are
        source = zipfile.ZipFile(io.BytesIO(raw))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for part in source.infolist():
                data = source.read(part)
                if part.filename.startswith("xl/worksheets/sheet"):
                    swaps = [(b't="n"', b't="b"'), (b't="n"', b't="e"'), (b't="n"', b't="d"'), (b"<v>", b"<v>9" + b"9" * 400),
                             (b"<v>", b"<v>-"), (b"<v>", b"<v>NaN"), (b"</row>", b"<c r=\"ZZZ999999\"><v>1</v></c></row>"),
                             (b"<sheetData>", b"<sheetData><row r=\"0\"/>"), (b"inlineStr", b"s")]
                    old, new = rng.choice(swaps)
                    data = data.replace(old, new, rng.randint(1, 5))
                target.writestr(part, data)
        return out.getvalue()
    book = openpyxl.load_workbook(io.BytesIO(raw))
    sheet = book.active
    for _ in range(rng.randint(1, 6)):
        row, column = rng.randint(2, sheet.max_row + 1), rng.randint(1, sheet.max_column + 1)  # row 1: merged title
        value = rng.choice([*HOSTILE, float("nan"), float("inf"), -1e308, 10**40, -5, True, 0.1 + 0.2])
        sheet.cell(row=row, column=column).value = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_mutant(rng: random.Random, raw: bytes) -> bytes:
    if rng.random() < 0.3:
        return blind(rng, raw)
    lines = raw.decode("utf-8-sig").split("\r\n")
    at = rng.randrange(1, len(lines))
    cells = lines[at].split(",")
    for _ in range(rng.randint(1, 3)):
        value = rng.choice([*HOSTILE, "x" * (129 * 1024), 'a"b', '"unclosed', "a,b", "\x00"])
        cells[rng.randrange(len(cells))] = value
    lines[at] = ",".join(cells)
    encoding = rng.choice(("utf-8-sig", "utf-8", "gb18030"))
    return "\r\n".join(lines).encode(encoding, errors="replace")


# --- the runs ---------------------------------------------------------------------------------------


def test_validate_survives_mutated_yaml(repo, run):
    targets = ["records/3/2025/3-2025-S02-0001.yaml", "customers/C0001.yaml", "people.yaml", "access.yaml"]
    originals = {rel: (repo / rel).read_bytes() for rel in targets}
    codes = set()
    for case in range(len(HOSTILE) + 16):  # every hostile value once, then random mutations
        seed = SEED + case
        rng = random.Random(seed)
        rel = targets[case % len(targets)]
        aimed = HOSTILE[case] if case < len(HOSTILE) else None
        (repo / rel).write_bytes(yaml_mutant(rng, originals[rel], aimed))
        result = run("--archive", repo, "validate", "--no-cache", "--lang", rng.choice(("en", "zh")))
        check(result, seed, rel)
        codes.add(result.code)
        (repo / rel).write_bytes(originals[rel])
    assert 1 in codes  # the mutants were found out, not all harmless


@pytest.mark.parametrize("what", ["customers", "records"])
def test_import_survives_mutated_sheets_that_export_wrote(repo, run, tmp_path, what):
    exported = {}
    for fmt in ("xlsx", "csv"):
        sheet = tmp_path / f"sheet.{fmt}"
        assert run("--archive", repo, "export", what, "--output", sheet).code == 0
        exported[fmt] = sheet.read_bytes()
        round_trip = run("--archive", repo, "import", what, sheet, "--dry-run", "--lang", "en")
        assert round_trip.code == 0 and " 0 new, 0 changed" in round_trip.out, round_trip.out + round_trip.err
    for case in range(24):
        seed = SEED + 1000 * (what == "records") + case
        rng = random.Random(seed)
        fmt = ("xlsx", "csv")[case % 2]
        mutant = tmp_path / f"mutant-{case}.{fmt}"
        mutant.write_bytes((xlsx_mutant if fmt == "xlsx" else csv_mutant)(rng, exported[fmt]))
        result = run("--archive", repo, "import", what, mutant, "--dry-run", "--lang", rng.choice(("en", "zh")))
        check(result, seed, f"{what} {fmt}")
