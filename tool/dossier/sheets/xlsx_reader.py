"""The cells of an xlsx sheet 读取工作表: read by calamine in a child process, given as openpyxl gives them.

Why calamine: it is the field's standard fast xlsx reader (Rust; pandas' engine="calamine", polars'
read_excel); it reads a 10,000-row sheet in a tenth of openpyxl's time (issue 18).

Why a child process: calamine builds a dense grid from the first to the last cell holding a value,
so a 5 KiB workbook with values at A1 and XFD1048576 asks for 512 GiB, and Rust's allocator then
aborts the whole process (no Python exception). The child reads under an address-space limit
(RLIMIT_AS) and a CPU-time limit, with the clone's lock closed (it must never outlive the parent
holding it) and killed when the parent dies; it sends the rows back through a pipe. When the
calamine child dies, openpyxl (which reads row by row) reads the sheet in a second child under the
same limits, so a sheet the import read before is still read; only one that neither reader can
read within the limits becomes a message naming the file and what to do.

The same values as openpyxl's `iter_rows(values_only=True)` (tests/test_sheet_reader_differential.py):
calamine's '' (an empty cell, an empty text, a formula without a cached value) is None; an integral
number is an int, as openpyxl gives a number written without a point; a date is a datetime at
midnight. Where calamine gives less than openpyxl — an error cell (#N/A: calamine gives ''), text
with spaces at its ends not marked xml:space="preserve" (calamine trims them), an _xHHHH_ escape
(calamine decodes it, openpyxl does not), an integer of 16 digits or more (calamine rounds it to a
float) — the workbook is read by openpyxl instead, in a child under the same limits (this process
looks for them while the calamine child reads); a number cell holding NaN is refused, as openpyxl
refused it. Rows are given without the empty cells at their ends: nothing reads past a row's last
value. Where the two still differ (a <dimension> smaller than the sheet hid cells from openpyxl; a
negative date serial): the differential test pins it.
"""

from __future__ import annotations

import datetime as dt
import os
import pickle
import re
import signal
import zipfile
import zlib
from pathlib import Path
from typing import Iterable, Sequence

from ..archive.errors import DossierError
from ..archive.problems import Problem

ADDRESS_SPACE = 4 * 2**30  # bytes the child may add to what it inherits: a 64 MiB sheet needs well under 1 GiB
CPU_SECONDS = 120  # a 64 MiB sheet takes a few seconds
EXACT_INTEGERS = 2**53  # a float below this that is integral is exactly the integer the sheet holds
# What calamine gives otherwise than openpyxl (see above): error cells; _xHHHH_ escapes; integers of
# 16 digits or more. Each is its own search with a literal start (one alternation of them all takes
# three times as long).
_BEYOND_CALAMINE = tuple(map(re.compile, (rb"t\s*=\s*[\"']e[\"']", rb"_x[0-9A-Fa-f]{4}_", rb"v>\s*[-+]?\d{16}")))
# A text starting with white space (a text element's `t>` then a space), and one ending with it,
# searched in the part reversed (`>t/<` then a space): both only count outside xml:space="preserve".
_STARTS_IN_SPACE = re.compile(rb"t>\s")
_ENDS_IN_SPACE = re.compile(rb">t(?::\w+)?/<\s")


def read_xlsx(path: Path, wanted: str) -> tuple[str, list[tuple]]:
    """The sheet named `wanted` of the workbook at `path` (or its only sheet): its name and rows
    (rows[0] is row 1, None for an empty cell). DossierError or SheetProblems for a workbook that
    cannot be read, has no such sheet, or does not fit the child's limits."""
    from ..git.transaction import pause_point

    child = _Child(path, wanted, "calamine")
    try:
        if _beyond_calamine(path):  # looked for while the child reads
            child.kill()
            child = _Child(path, wanted, "openpyxl")
        pause_point("reading")
        data, status = child.result()
        if _died(data, status) and child.reader == "calamine":
            # calamine's grid did not fit (a stray value far from the table): openpyxl reads row by
            # row, as the import always did, so such a sheet is read rather than refused
            child = _Child(path, wanted, "openpyxl")
            data, status = child.result()
        return _answer(path, data, status)
    finally:
        child.kill()


class _Child:
    """A child process reading the sheet with `reader` (calamine, openpyxl)."""

    def __init__(self, path: Path, wanted: str, reader: str) -> None:
        self.reader = reader
        receiving, sending = os.pipe()
        parent = os.getpid()
        self.pid = os.fork()
        if self.pid == 0:
            os.close(receiving)
            _child(path, wanted, reader, sending, parent)
        os.close(sending)
        self.receiving = receiving

    def result(self) -> tuple[bytes, int]:
        """What the child sent and how it ended (os.waitpid's status)."""
        receiving, self.receiving = self.receiving, None  # the stream below closes it, whatever happens
        with os.fdopen(receiving, "rb") as stream:
            data = stream.read()
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        return data, status

    def kill(self) -> None:
        """End a child not waited for (a read given up, Ctrl-C while waiting)."""
        if self.pid:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = 0
        if self.receiving is not None:
            os.close(self.receiving)
            self.receiving = None


def _beyond_calamine(path: Path) -> bool:
    """Does a worksheet or the shared strings hold what calamine gives otherwise than openpyxl? (A part
    that does not unpack: openpyxl reads, and names the damage as it always did.)"""
    try:
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.startswith("xl/worksheets/") or name == "xl/sharedStrings.xml":
                    data = archive.read(name)
                    if any(p.search(data) for p in _BEYOND_CALAMINE) or _unpreserved_space(data):
                        return True
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError, zlib.error):
        return True
    return False


def _unpreserved_space(data: bytes) -> bool:
    """Does a text element without xml:space="preserve" start or end with white space (calamine trims
    it)? Text holds no `<`: the last one before a match begins its element's tag."""
    for match in _STARTS_IN_SPACE.finditer(data):
        if data[data.rfind(b"<", 0, match.start()) + 1] != ord("/"):  # <t>, <x:t>: not a closing </t>
            return True
    for match in _ENDS_IN_SPACE.finditer(data[::-1]):
        opening = data.rfind(b"<", 0, len(data) - match.end())
        if b"preserve" not in data[opening:data.find(b">", opening)]:
            return True
    return False


def _died(data: bytes, status: int) -> bool:
    """Did the child end without a whole answer (the allocator's abort, a limit, an error)?"""
    return os.waitstatus_to_exitcode(status) != 0 or not data


def _answer(path: Path, data: bytes, status: int) -> tuple[str, list[tuple]]:
    """What the child sent, or the message for a child that died (a signal: the allocator's abort,
    the CPU limit; or an exit without a whole answer)."""
    from .spreadsheet import SHEET, SheetProblems

    if _died(data, status):
        raise SheetProblems([Problem(path.name, 0, 0, SHEET, "sheet-too-spread",
                                     {"file": path.name, "memory": f"{ADDRESS_SPACE / 2**30:.0f}",
                                      "seconds": CPU_SECONDS})])
    kind, *rest = pickle.loads(data)
    if kind == "missing":
        raise DossierError("sheet-not-found", file=path.name, sheet=rest[0], sheets=", ".join(rest[1]))
    if kind == "unreadable":
        raise DossierError("sheet-unreadable", file=str(path), detail=rest[0])
    return rest[0], rest[1]


def _child(path: Path, wanted: str, reader: str, sending: int, parent: int) -> None:
    """The child process 读表子进程: limited, reads, sends, and ends without running anything of the
    parent's (os._exit: no atexit handlers, no buffers flushed twice)."""
    code = 1
    try:
        _die_with(parent)
        from ..git.transaction import release_inherited_locks

        release_inherited_locks()
        _limit()
        data = pickle.dumps(_read(path, wanted, reader), pickle.HIGHEST_PROTOCOL)
        with os.fdopen(sending, "wb") as stream:
            stream.write(data)
        code = 0
    finally:
        os._exit(code)


def _die_with(parent: int) -> None:
    """Be killed when the parent ends (Linux's PR_SET_PDEATHSIG; elsewhere the parent's end closes the
    pipe, and the child ends when it next writes); stop at once if it already has."""
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
    except (AttributeError, OSError):
        pass
    if os.getppid() != parent:
        os._exit(1)


def _limit() -> None:
    """The child's limits: address space beyond what it inherited, CPU time. Its stdout and stderr go
    nowhere: the allocator's abort prints a backtrace (the parent says what happened), and a child
    holding the parent's stdout would keep a pipe reading it open after the parent ended."""
    import faulthandler
    import resource

    faulthandler.disable()  # pytest's, or PYTHONFAULTHANDLER's: it writes to a descriptor of its own
    inherited = int(Path("/proc/self/statm").read_text().split()[0]) * os.sysconf("SC_PAGE_SIZE") \
        if Path("/proc/self/statm").exists() else 0
    resource.setrlimit(resource.RLIMIT_AS, (inherited + ADDRESS_SPACE, inherited + ADDRESS_SPACE))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
    nowhere = os.open(os.devnull, os.O_WRONLY)
    os.dup2(nowhere, 1)
    os.dup2(nowhere, 2)
    os.close(nowhere)


def _read(path: Path, wanted: str, reader: str) -> tuple:
    """("sheet", name, rows), ("missing", wanted, names) or ("unreadable", detail)."""
    try:
        names, rows_of = _openpyxl(path) if reader == "openpyxl" else _calamine(path)
        if wanted in names:
            chosen = wanted
        elif len(names) == 1:
            chosen = names[0]
        else:
            return ("missing", wanted, names)
        return ("sheet", chosen, _trimmed_rows(rows_of(chosen)))
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - both readers raise many kinds for a damaged file
        return ("unreadable", f"{type(exc).__name__}: {exc}")


def _calamine(path: Path):
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))

    def rows_of(name: str):
        # skip_empty_area=False: row 1 and column A come first, wherever the values begin
        for row in workbook.get_sheet_by_name(name).to_python(skip_empty_area=False):
            yield [_as_openpyxl(value) for value in row]
    return workbook.sheet_names, rows_of


def _openpyxl(path: Path):
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)

    def rows_of(name: str):
        return workbook[name].iter_rows(values_only=True)
    return workbook.sheetnames, rows_of


def _as_openpyxl(value: object) -> object:
    """One cell of calamine's as openpyxl gives it."""
    kind = type(value)
    if kind is str:
        return value if value else None
    if kind is float:
        if value != value:  # NaN: openpyxl refused such a workbook (int("NaN")), and so does the reader
            raise ValueError("a number cell holds NaN")
        return int(value) if value.is_integer() and abs(value) < EXACT_INTEGERS else value
    if kind is dt.date:
        return dt.datetime(value.year, value.month, value.day)
    return value


def _trimmed_rows(rows: Iterable[Sequence]) -> list[tuple]:
    """The rows without the empty cells at their ends (openpyxl pads to the sheet's width, calamine to
    its range's): no cell past a row's last value is read. openpyxl gives every row missing from the
    sheet as one shared tuple of the sheet's width (16,384 Nones when a value sits in column XFD):
    a row seen empty before is not searched again, or a million such rows would take minutes."""
    trimmed, blank = [], None
    for row in rows:
        if row is blank:
            trimmed.append(())
            continue
        end = len(row)
        while end and row[end - 1] is None:
            end -= 1
        if not end:
            blank = row
        trimmed.append(tuple(row[:end]))
    return trimmed
