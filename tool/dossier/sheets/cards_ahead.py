"""Customer cards built, and written aside, while the sheet is still being read (issue 18).

On two cores, one reads the sheet (openpyxl: most of an import's time) while the other would
wait for it. So every ROWS_AT_ONCE rows read go to a worker process, which converts them, builds
the card of each row that names its card by itself (a 客户编号, or the 客户名称 of exactly one
card) as spreadsheet_import._build_card does, and — for an import that writes — puts each new or
changed card's bytes aside (fsutil.write_asides) where the operation renames them from, and
gives their blobs to git (transaction.BlobStream). The plan takes a card built ahead only for the
same row, card id and values, and builds the others itself: this changes when cards are built and
written aside, never what is planned or written.

All or nothing still holds: the bytes set aside are invisible hidden files until the operation's
commit (transaction.py) renames them; before the worker writes any, a marker in the git dir
(transaction.ASIDES_AHEAD) names their folder, and the next command removes every aside file left
there (transaction.recover), as this command does when it ends. The worker ends at the end of its
input — when this process ends it, or dies — after finishing the batch in hand (so git's stream
ends whole), and holds the clone's lock it inherited until then: no other command runs while it
may still write. Blobs git stored for a killed import are unreferenced, as for any operation
killed before its commit.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

from ..archive.catalogue import load_cards
from ..archive.config import Archive
from ..archive.fsutil import write_asides
from ..archive.schemas import SchemaSet
from ..git.transaction import BlobStream, mark_asides, pause_point, sweep_asides
from . import spreadsheet_import as imp
from .spreadsheet import Layout, Mapping, People, Row, Sheet, SheetProblems, data_row, find_layout


class CardsAhead:
    """The worker and what it gave back. Use as a context manager: the worker ends with it, and
    the bytes it set aside that no operation took are removed."""

    def __init__(self, archive: Archive, schemas: SchemaSet, mapping: Mapping, sealer: imp.Sealer | None,
                 write: bool) -> None:
        self.archive, self.schemas, self.mapping, self.sealer = archive, schemas, mapping, sealer
        self.write = write  # set the new bytes aside: for an import that writes (it holds the lock)
        self.cards, self.unreadable = load_cards(archive.root)
        self.layout: Layout | None = None
        self.process = self.rows_to = self.results = None
        self.sent = 0  # sheet rows handed to the worker so far
        self.upto = 0  # the last sheet row of the batches that came back
        self.rows: list[Row] = []  # converted by the worker, in order
        self.built: dict[tuple[int, str], tuple] = {}  # (row, card id) → (values, change, problems)
        self.ready: dict[str, bytes] = {}  # path → the bytes the worker set aside for it
        self.blobs: dict[str, str] = {}  # path → the blob of those bytes, stored in git by the worker
        self.marked: Path | None = None  # the git dir holding the marker, once written
        self.off = (os.cpu_count() or 1) < 2

    def __enter__(self) -> CardsAhead:
        return self

    def __exit__(self, *exc) -> None:
        self._stop()
        if self.marked is not None:
            sweep_asides(self.marked)

    def rows_read(self, sheet: Sheet) -> None:
        """read_sheet's on_rows: what the worker finished meanwhile is taken, and the rows read since
        the last call go to it."""
        if self.off:
            return
        if self.process is None and not self._start(sheet):
            self.off = True
            return
        while self.results.poll():  # never waits: the worker sends from a thread of its own
            if not self._take():
                break
        self._send(sheet)

    def converted(self, sheet: Sheet, layout: Layout) -> tuple[list[Row], int]:
        """The rows the worker converted (after giving it the last ones; it then ends) and the sheet
        row to go on from; none when its layout is not the sheet's."""
        if self.process is None:
            return [], layout.header_row + 1
        self._send(sheet)
        self._stop()
        if self.layout != layout:
            self.rows, self.built, self.ready, self.blobs = [], {}, {}, {}
            return [], layout.header_row + 1
        return self.rows, self.upto + 1

    def _start(self, sheet: Sheet) -> bool:
        """Fork the worker with what it needs; False when the sheet's header is not found among
        the rows read (the plan says why) or no process is to be had."""
        import multiprocessing

        try:
            self.layout = find_layout(sheet, self.mapping)
        except SheetProblems:
            return False
        if self.layout.header_row > len(sheet.rows):
            return False
        if self.write:
            self.marked = mark_asides(self.archive.root, ["customers"])  # None outside git: written as today
            self.write = self.marked is not None
        context = multiprocessing.get_context("fork")
        rows_in, self.rows_to = _pipe(context)
        self.results, results_out = _pipe(context)
        imp._card_work = imp._CardWork(self.archive, self.schemas, self.mapping, sheet.name, self.layout.where,
                                       self.sealer)
        job = _Job(People(self.archive.people), self.layout, self.cards, imp._names(self.cards),
                   self.archive.root if self.write else None, self.marked)
        try:
            self.process = context.Process(target=_serve, args=(job, rows_in, results_out, self.rows_to,
                                                                self.results), daemon=True)
            self.process.start()
        except OSError:
            self.process = None
            return False
        finally:
            imp._card_work = None  # the worker has its copy
            rows_in.close()
            results_out.close()
        self.sent = self.upto = self.layout.header_row
        return True

    def _send(self, sheet: Sheet) -> None:
        if self.off or len(sheet.rows) <= self.sent:
            return
        try:
            self.rows_to.send((self.sent + 1, sheet.rows[self.sent:]))
        except OSError:  # the worker is gone: the plan builds the cards it did not
            self.off = True
            return
        self.sent = len(sheet.rows)

    def _take(self) -> bool:
        """One message of the worker: a batch's rows and cards, or at its end git's names of the blobs.
        False when there is no more (it ended, or died: what it sent is whole, the plan does the rest)."""
        try:
            message = self.results.recv()
        except (EOFError, OSError):
            self.off = True
            return False
        if isinstance(message, dict):  # the last: path → blob, of the bytes set aside
            self.blobs = message
            return True
        last, rows, built = message
        self.rows += rows
        self.built.update(built)
        if self.write:
            self.ready.update((change.path, change.text.encode("utf-8")) for _, change, _ in built.values()
                              if change.text is not None)
            pause_point("ahead")
        self.upto = last
        return True

    def _stop(self) -> None:
        if self.process is not None:
            self.off = True
            self.rows_to.close()
            while self._take():
                pass
            self.process.join()
            self.results.close()
            self.process = None


def _pipe(context) -> tuple:
    """A one-way pipe of `context` (receiving end, sending end), as large as Linux allows without
    privileges (1 MiB, F_SETPIPE_SZ): a batch of rows or of cards fits whole, so neither side waits
    for the other to read while it has work of its own."""
    import fcntl

    receiving, sending = context.Pipe(duplex=False)
    for end in (receiving, sending):
        try:
            fcntl.fcntl(end.fileno(), fcntl.F_SETPIPE_SZ, 1 << 20)
        except (AttributeError, OSError):  # elsewhere, or a lower limit: slower, never stuck
            break
    return receiving, sending


class _Job:
    """What the worker needs besides spreadsheet_import._card_work; made before it forks."""

    def __init__(self, people: People, layout: Layout, cards: dict, by_name: dict, root: Path | None,
                 git_dir: Path | None) -> None:
        self.people, self.layout, self.cards, self.by_name, self.root = people, layout, cards, by_name, root
        self.git_dir = git_dir


def _serve(job: _Job, rows_in, results_out, parent_send, parent_receive) -> None:
    """The worker: each batch of rows received is converted, its cards built (their bytes set aside
    and their blobs given to git) and sent back; at the end of its input (this process's parent
    ended it, or died), git's names of the blobs. A batch once begun is finished, so git's stream
    ends whole. A thread sends, so that the worker reads the next rows while the parent is busy."""
    import signal
    import threading
    from queue import SimpleQueue

    # Ctrl-C stops the parent, which ends the input; ignored here and by git (an ignored signal stays
    # ignored across exec), so that git's stream never ends inside a blob
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent_send.close()
    parent_receive.close()
    outbox: SimpleQueue = SimpleQueue()
    sender = threading.Thread(target=_send_all, args=(outbox, results_out))
    sender.start()
    blobs = BlobStream(job.root, job.git_dir) if job.root is not None else None
    while True:
        try:
            first, chunk = rows_in.recv()
        except EOFError:
            break
        rows, built = _build_batch(job, first, chunk)
        if blobs is not None:
            writes = {change.path: change.text.encode("utf-8") for _, change, _ in built.values()
                      if change.text is not None}
            write_asides((job.root / rel, data) for rel, data in writes.items())
            pause_point("ahead-worker")
            blobs.add(writes)
        outbox.put(pickle.dumps((first + len(chunk) - 1, rows, built), pickle.HIGHEST_PROTOCOL))
    outbox.put(pickle.dumps(blobs.close() if blobs is not None else {}, pickle.HIGHEST_PROTOCOL))
    outbox.put(None)
    sender.join()


def _send_all(outbox, results_out) -> None:
    """The worker's sending thread: each message of `outbox` until None (or until the parent is gone)."""
    while (data := outbox.get()) is not None:
        try:
            results_out.send_bytes(data)
        except OSError:  # the parent died: the worker finishes its input (it ends) and nothing is sent
            return


def _build_batch(job: _Job, first: int, chunk: list[tuple]) -> tuple[list[Row], dict]:
    """Rows `first`… converted, and the card of each that names its own built."""
    work = imp._card_work
    rows, built = [], {}
    for number, cells in enumerate(chunk, first):
        row = data_row(work.sheet, number, cells, work.mapping, job.layout, job.people)
        if row is None:
            continue
        rows.append(row)
        if row.problems:
            continue
        card_id = row.values.get("id")
        if card_id is None:
            ids = job.by_name.get(row.values.get("name"), [])
            card_id = ids[0] if len(ids) == 1 else None
        if card_id is None or not imp.SAFE_ID.fullmatch(str(card_id)):
            continue
        old = imp._card_data(job.cards.get(card_id))
        built[(number, card_id)] = (row.values, *imp._build_card((number, row.values, old, card_id)))
    return rows, built
