"""The xlsx reader's child process (sheets/xlsx_reader.py, issue 18): attacks on its bounds, and
what it must never do to the importing process.

calamine builds a dense grid from the first to the last value cell: a few KiB can ask for 512 GiB,
and Rust's allocator then aborts the process. Real files, real `dossier` processes: such a sheet
ends with a message naming the file and what to do, a legitimate sheet as large as the limits
allow is read, damaged files are named as unreadable, and the child neither keeps the clone's
lock nor outlives a killed import.
"""

from __future__ import annotations

import ctypes
import io
import os
import signal
import struct
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from conftest import SEES_ALL, copy_archive, FIXTURES, init_repo
from dossier.git import transaction
from dossier.sheets import xlsx_reader
from dossier.sheets.spreadsheet import MAX_SHEET_BYTES
from test_operations import dossier
from test_sheet_cells import HEADER
from test_spreadsheet import GOOD, HEADER as GOOD_HEADER

SHEET = "客户管理表"


@pytest.fixture
def repo(tmp_path) -> Path:
    root = copy_archive(FIXTURES / "base", tmp_path / "archive")
    init_repo(root, SEES_ALL)
    return root


def far_cell(path: Path) -> Path:
    """About 5 KiB: three new customers under their headings, and one value at the sheet's last cell,
    XFD1048576."""
    workbook = openpyxl.Workbook()
    workbook.active.title = SHEET
    for row in [GOOD_HEADER, *GOOD]:
        workbook.active.append(row)
    workbook.active["XFD1048576"] = "far"
    workbook.save(path)
    return path


def test_a_value_far_outside_the_table_is_read_as_before(repo, tmp_path):
    """calamine's grid for a 5 KiB sheet with a stray value at XFD1048576 would take 512 GiB: its child
    dies at the limit, openpyxl's child reads the sheet (a million rows, one value past the table),
    and the import goes on as it did before calamine, with nothing of the dead child on the terminal."""
    sheet = far_cell(tmp_path / "far.xlsx")
    assert sheet.stat().st_size < 8 * 1024
    started = time.monotonic()
    result = dossier(repo, "import", "customers", sheet, "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "far.xlsx: 3 row(s): 3 new" in result.stdout, result.stdout
    assert "Traceback" not in result.stderr and "memory allocation" not in result.stderr  # the child's stderr: nowhere
    assert time.monotonic() - started < 60


def test_a_sheet_neither_reader_reads_within_the_limits_is_named_with_what_to_do(tmp_path, monkeypatch):
    """Both children die (here each aborts, as Rust's allocator does, whichever reader it runs): the
    message names the file and what to do, in both languages."""
    from dossier.archive.messages import message
    from dossier.sheets.spreadsheet import SheetProblems

    monkeypatch.setattr(xlsx_reader, "_read", lambda path, wanted, reader: os.abort())  # in the forked children
    with pytest.raises(SheetProblems) as refused:
        xlsx_reader.read_xlsx(far_cell(tmp_path / "far.xlsx"), SHEET)
    problem = refused.value.problems[0]
    assert (problem.file, problem.key) == ("far.xlsx", "sheet-too-spread")
    assert "delete the stray cells, or copy the table into a new sheet" in message(problem.key, "en", **problem.args)
    assert "请删除这些零星单元格" in message(problem.key, "zh", **problem.args)


def big_sheet(path: Path, unpacked: int) -> Path:
    """A legitimate workbook whose sheet part unpacks to about `unpacked` bytes: a table of twelve
    columns of short texts and numbers, as dense as a sheet gets."""
    row_xml = ('<row r="{n}">' + "".join(f'<c r="{chr(65 + c)}{{n}}" t="inlineStr"><is><t>晋阳{c}号{{n}}</t></is></c>'
                                         for c in range(6))
               + "".join(f'<c r="{chr(71 + c)}{{n}}"><v>{{n}}.{c}5</v></c>' for c in range(6)) + "</row>")
    per_row = len(row_xml.format(n=100000).encode())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        source = io.BytesIO()
        workbook = openpyxl.Workbook()
        workbook.active.title = SHEET
        workbook.save(source)
        with zipfile.ZipFile(source) as template:
            for part in template.infolist():
                if part.filename != "xl/worksheets/sheet1.xml":
                    book.writestr(part, template.read(part))
        with book.open("xl/worksheets/sheet1.xml", "w") as stream:
            stream.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            rows = (unpacked - 200) // per_row
            for start in range(1, rows + 1, 1000):
                stream.write("".join(row_xml.format(n=n) for n in range(start, min(start + 1000, rows + 1))).encode())
            stream.write(b"</sheetData></worksheet>")
    return path


def test_a_sheet_as_large_as_the_limits_allow_is_read_within_the_childs_budget(tmp_path):
    sheet = big_sheet(tmp_path / "big.xlsx", MAX_SHEET_BYTES - 64 * 1024)
    assert sum(part.file_size for part in zipfile.ZipFile(sheet).infolist()) <= MAX_SHEET_BYTES
    name, rows = xlsx_reader.read_xlsx(sheet, SHEET)
    assert name == SHEET and len(rows) > 100_000
    assert rows[0] == ("晋阳0号1", "晋阳1号1", "晋阳2号1", "晋阳3号1", "晋阳4号1", "晋阳5号1", 1.05, 1.15, 1.25, 1.35,
                       1.45, 1.55)


def lying_sizes(path: Path, unpacked_mib: int) -> Path:
    """A real workbook whose sheet part unpacks to `unpacked_mib` MiB while the local and central
    headers say it unpacks to its few hundred bytes of XML: _check_unpacked_size sees a small file."""
    source = io.BytesIO()
    workbook = openpyxl.Workbook()
    workbook.active.title = SHEET
    workbook.active.append(HEADER)
    workbook.save(source)
    part = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(source) as template, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for info in template.infolist():
            if info.filename != part:
                book.writestr(info, template.read(info))
        declared = len(template.read(part))
        head, tail = template.read(part).split(b"</sheetData>")
        with book.open(part, "w") as stream:
            stream.write(head)
            for _ in range(unpacked_mib):
                stream.write(b" " * 2**20)
            stream.write(b"</sheetData>" + tail)
    raw = bytearray(path.read_bytes())
    for signature, name_length, name_at, size_at in ((b"PK\x03\x04", 26, 30, 22), (b"PK\x01\x02", 28, 46, 24)):
        at = raw.find(signature)
        while at >= 0:
            length = struct.unpack_from("<H", raw, at + name_length)[0]
            if raw[at + name_at:at + name_at + length] == part.encode():
                struct.pack_into("<I", raw, at + size_at, declared)
            at = raw.find(signature, at + 4)
    path.write_bytes(bytes(raw))
    return path


def test_a_zip_lying_about_a_parts_size_is_named_without_unpacking_it(repo, tmp_path):
    """Neither zipfile nor calamine's zip inflates a part past the size its headers declare: the
    import names the file as damaged at once."""
    sheet = lying_sizes(tmp_path / "lying.xlsx", 300)
    assert sum(part.file_size for part in zipfile.ZipFile(sheet).infolist()) < 64 * 1024
    started = time.monotonic()
    result = dossier(repo, "import", "customers", sheet)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"cannot read {sheet}:" in result.stderr and "save it again as .xlsx" in result.stderr
    assert time.monotonic() - started < 30
    from python_calamine import CalamineWorkbook, CalamineError

    with pytest.raises(CalamineError, match="larger than its declared uncompressed size"):
        CalamineWorkbook.from_path(str(sheet)).get_sheet_by_index(0).to_python()


def damaged(tmp_path: Path) -> dict[str, Path]:
    """Workbooks damaged as files are: cut short, not a zip, a sheet part missing, its XML broken."""
    good = tmp_path / "good.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.title = SHEET
    workbook.active.append(HEADER)
    workbook.save(good)
    raw = good.read_bytes()
    found = {"truncated": raw[: len(raw) // 2], "not a zip": b"PK\x03\x04 this is no workbook" * 10}
    for name, change in (("missing sheet", None), ("malformed", b"<sheetData><row r=\"1\"><c r=\"A1\"")):
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(raw)) as source, zipfile.ZipFile(out, "w") as target:
            for part in source.infolist():
                if part.filename == "xl/worksheets/sheet1.xml":
                    if change is None:
                        continue
                    target.writestr(part, change)
                else:
                    target.writestr(part, source.read(part))
        found[name] = out.getvalue()
    paths = {}
    for name, data in found.items():
        paths[name] = tmp_path / f"{name.replace(' ', '-')}.xlsx"
        paths[name].write_bytes(data)
    return paths


def test_damaged_workbooks_are_named_as_unreadable(repo, tmp_path):
    for what, sheet in damaged(tmp_path).items():
        result = dossier(repo, "import", "customers", sheet)
        assert result.returncode == 1, (what, result.stdout + result.stderr)
        assert f"cannot read {sheet}:" in result.stderr and "save it again as .xlsx" in result.stderr, what
        assert "Traceback" not in result.stderr and "internal error" not in result.stderr, what


def test_a_sheet_that_is_not_there_is_named_with_the_sheets_there_are(repo, tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.title = "甲"
    workbook.create_sheet("乙")
    workbook.save(tmp_path / "two.xlsx")
    result = dossier(repo, "import", "customers", tmp_path / "two.xlsx")
    assert result.returncode == 1 and "two.xlsx has no sheet 客户管理表 (it has: 甲, 乙)" in result.stderr, result.stderr


# --- the child and the importing process ----------------------------------------------------------


def test_a_forked_child_releases_the_lock_it_inherited(repo):
    """A child that outlives its parent must not hold the clone's lock: after release_inherited_locks
    the lock is free as soon as the parent lets it go, while the child still runs."""
    ready_in, ready_out = os.pipe()
    with transaction.locked(repo, "test"):
        pid = os.fork()
        if pid == 0:
            try:
                transaction.release_inherited_locks()
                os.write(ready_out, b"x")
                time.sleep(30)
            finally:
                os._exit(0)
        os.read(ready_in, 1)
    try:
        with transaction.locked(repo, "after"):  # DOSSIER_LOCK_WAIT unset: it would wait 60 s, then refuse
            assert os.waitpid(pid, os.WNOHANG) == (0, 0)  # the child is still there
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(ready_in)
        os.close(ready_out)


def _children() -> list[int]:
    found = []
    for task in Path("/proc/self/task").iterdir():
        found += [int(pid) for pid in (task / "children").read_text().split()]
    return found


def test_a_killed_import_takes_its_reading_child_with_it(repo, tmp_path, monkeypatch):
    """SIGKILL of the import while its child reads a large sheet: the child dies too (it would be
    reparented to this test process, made the subreaper), and the lock is free at once."""
    libc = ctypes.CDLL(None, use_errno=True)
    assert libc.prctl(36, 1) == 0  # PR_SET_CHILD_SUBREAPER: orphans of our children come to us
    try:
        sheet = big_sheet(tmp_path / "big.xlsx", MAX_SHEET_BYTES - 64 * 1024)  # seconds to read
        before = set(_children())  # this process's own (a test run's worker has some)
        killed = dossier(repo, "import", "customers", sheet, kill_at="reading")
        assert killed.returncode == -9, killed.stderr
        deadline = time.monotonic() + 0.5  # the kernel kills it with its parent; reading would take longer
        while (orphans := set(_children()) - before) and time.monotonic() < deadline:
            for pid in orphans:
                os.waitpid(pid, os.WNOHANG)
            time.sleep(0.05)
        assert set(_children()) - before == set()
    finally:
        libc.prctl(36, 0)
    follow = dossier(repo, "import", "customers", far_cell(tmp_path / "far.xlsx"), "--dry-run",
                     env={"DOSSIER_LOCK_WAIT": "0"})
    assert follow.returncode == 0 and "3 new" in follow.stdout, follow.stdout + follow.stderr
