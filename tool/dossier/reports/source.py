"""What the reports read from the archive: customer cards and the items of six types, turned
into plain records with Decimal amounts and dates.

Only the folders that can hold the period's items are read (records/<category>/<year>/ for the
years concerned), and a file is parsed only when its bytes name a wanted type. Where the
archive's index exists (index.py), the data comes from it instead, as the index holds it after
bringing itself up to date: the same data as the files, without parsing them again; a file the
index could not read, and an item the reports cannot use (whose problem needs lines and
columns), are read from the file. An item that
cannot be used (unreadable YAML, a missing field, an amount that is not "12000.00 CNY") is
left out and named as a Problem; the figures never guess.

Items of every status count (draft, filed, bound): a month's sales record is often still a
draft when the month's report is made. Items in trash/ (deleted) do not count.
"""

from __future__ import annotations

import datetime as dt
import marshal
import os
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable

from ..archive import codes
from ..access.rights import Reader, named
from ..archive.catalogue import load_cards
from ..access.crypto import PLACEHOLDER
from ..archive.loader import MAX_BYTES, LoadError, load_bytes, load_file
from ..archive.problems import Problem
from .money import Money, parse_amount
from ..archive.progress import track

RULE = "report"
CATEGORY_OF = {
    "sales-record": "6",
    "debt-ledger": "3",
    "credit-limit": "3",
    "export-terms": "3",
    "contract": "2",
    "complaint": "4",
}
PARALLEL_FROM = 3000  # files; below this a pool costs more than it saves


# --- the records the reports work with -------------------------------------------------------


@dataclass(frozen=True)
class SaleLine:
    customer: str
    date: dt.date
    product: str
    goods: str | None
    amount: Decimal
    currency: str
    settlement: str | None  # credit / cash / transfer / card, from the sales record
    code: str


@dataclass(frozen=True)
class SalesRecord:
    code: str
    customer: str
    status: str
    period_start: dt.date
    period_end: dt.date
    settlement: str | None
    reconciled: bool | None
    lines: tuple[SaleLine, ...]


@dataclass(frozen=True)
class LedgerEntry:
    customer: str
    currency: str
    date: dt.date
    kind: str  # charge / repayment / brought-forward (the opening balance of a customer's first ledger)
    amount: Decimal
    due: dt.date | None
    reference: str | None
    code: str
    index: int  # position in its ledger, for a stable order


@dataclass(frozen=True)
class Ledger:
    code: str
    customer: str
    currency: str | None
    period_start: dt.date
    period_end: dt.date
    opening: Money | None
    closing: Money | None
    reconciled: bool | None
    entries: tuple[LedgerEntry, ...]


@dataclass(frozen=True)
class CreditLimit:
    code: str
    customer: str
    kind: str  # credit-limit / export-terms
    limit: Money
    effective: dt.date
    expires: dt.date | None
    date: dt.date


@dataclass(frozen=True)
class Contract:
    code: str
    customer: str
    number: str
    subject: str
    start: dt.date
    end: dt.date
    value: Money
    state: str


@dataclass(frozen=True)
class Complaint:
    code: str
    customer: str
    received: dt.date
    state: str
    description: str


@dataclass
class Dataset:
    """Everything a report reads, and what could not be used."""

    root: Path
    cards: dict[str, dict] = field(default_factory=dict)
    sales: list[SalesRecord] = field(default_factory=list)
    ledgers: list[Ledger] = field(default_factory=list)
    limits: list[CreditLimit] = field(default_factory=list)
    contracts: list[Contract] = field(default_factory=list)
    complaints: list[Complaint] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    sources: int = 0  # items used
    drafts: int = 0  # of which drafts
    organisation: str = ""
    currency: str = "CNY"
    people: dict[str, str] = field(default_factory=dict)  # person id → name
    reader: str = ""  # who the data was limited to, when they may not read everything
    hidden_cards: int = 0  # cards and items left out because the reader may not read them
    hidden_items: int = 0

    def name(self, customer: str) -> str:
        card = self.cards.get(customer) or {}
        return str(card.get("name") or customer)

    def sale_lines(self, start: dt.date, end: dt.date) -> Iterable[SaleLine]:
        """Every sales-record line dated in [start, end] (by the line's own date, whatever the
        record's period says)."""
        for record in self.sales:
            for line in record.lines:
                if start <= line.date <= end:
                    yield line


# --- loading ---------------------------------------------------------------------------------


class _Unusable(Exception):
    """A field the report needs is missing (expected None) or not in the form it needs."""

    def __init__(self, path: tuple, value: object, expected: str | None) -> None:
        super().__init__(path)
        self.path, self.value, self.expected = path, value, expected


Window = tuple[int | None, int]  # first and last year of the item codes read (first None: from the start)


def load_dataset(root: Path, types: Iterable[str], windows: dict[str, Window], jobs: int | None = None,
                 reader: Reader | None = None, use_index: bool = True) -> Dataset:
    """Cards and the items of `types` whose code year lies in the window of their category; with a
    `reader`, only those that person may read. The index is used where it exists, unless not
    `use_index` (the files are read: what the tests compare it with)."""
    from ..search.index import current_index

    data = Dataset(root)
    _read_settings(root, data)
    _open_values(root)
    wanted = tuple(types)
    folders = {CATEGORY_OF[t]: windows[CATEGORY_OF[t]] for t in wanted}
    index = current_index(root) if use_index else None
    try:
        _read_cards(root, data, index)
        if index is None:
            results = _parse_all(_item_files(root, folders), wanted, jobs)
        else:
            results = _indexed_items(root, index, folders, wanted)
    finally:
        if index is not None:
            index.close()
    for result in results:
        if isinstance(result, Problem):
            data.problems.append(result)
        elif result is not None and (reader is None or _may_read(reader, result[1])):
            _add(data, result)
        elif result is not None:
            data.hidden_items += 1
    if reader is not None and not reader.sees_all:
        shown, data.hidden_cards = reader.visible_cards(data.cards)
        data.cards = {customer: data.cards[customer] for customer in shown}
        data.reader = named(reader.person)
        data.problems = [p for p in data.problems if reader.may_read_file(root, p.file)]  # they quote values
    data.problems.sort()
    return data


def _may_read(reader: Reader, record: Any) -> bool:
    return reader.may_read(record.customer, codes.parse(record.code).category)


def _read_settings(root: Path, data: Dataset) -> None:
    try:
        settings = load_file(root / "archive.yaml", "archive.yaml").data
    except LoadError as exc:
        data.problems.append(exc.problem)
        return
    if isinstance(settings, dict):
        data.organisation = str(settings.get("organisation") or (settings.get("fonds") or {}).get("name") or "")
        data.currency = str(settings.get("currency") or "CNY")
    try:
        people = load_file(root / "people.yaml", "people.yaml").data
    except LoadError as exc:
        data.problems.append(exc.problem)
        return
    for person in (people or {}).get("people", []) if isinstance(people, dict) else []:
        if isinstance(person, dict) and isinstance(person.get("id"), str):
            data.people[person["id"]] = str(person.get("name") or person["id"])


def _read_cards(root: Path, data: Dataset, index) -> None:
    cards, problems = _file_cards(root) if index is None else _indexed_cards(root, index)
    data.problems += problems
    data.cards.update((card_id, _reveal(card)) for card_id, card in cards.items()
                      if isinstance(card, dict) and card.get("id") == card_id)


def _file_cards(root: Path) -> tuple[dict[str, Any], list[Problem]]:
    cards, problems = load_cards(root)
    return {card_id: doc.data for card_id, doc in cards.items()}, problems


def _indexed_cards(root: Path, index) -> tuple[dict[str, Any], list[Problem]]:
    """As catalogue.load_cards, from the index: by id (by file name when it has none); a card the
    index could not read is read from its file, for the problem as load_cards names it."""
    cards, problems = {}, []
    for rel, size, unreadable, facts in index.card_facts():
        if unreadable or facts is None or size > MAX_BYTES:
            try:
                card = load_file(root / rel, rel).data
            except LoadError as exc:
                problems.append(exc.problem)
                continue
        else:
            card = marshal.loads(facts)
        card_id = card.get("id") if isinstance(card, dict) else None
        cards[card_id if isinstance(card_id, str) else rel[len("customers/"):-5]] = card
    return cards, problems


_reveal: Any = None  # crypto.Revealer of the reader's key; set before worker processes fork


def _open_values(root: Path) -> None:
    """Confidential values (credit limits, contract values) are decrypted with the reader's key
    ($DOSSIER_IDENTITY, else ~/.ssh/id_ed25519), else read as 已加密 / encrypted and left out."""
    global _reveal
    from ..access.crypto import Revealer, load_identity
    from ..archive.schemas import SchemaSet

    _reveal = Revealer(SchemaSet(root / "schemas", checked=False), load_identity())  # only where those values are


def _item_files(root: Path, windows: dict[str, Window]) -> list[tuple[str, str]]:
    """(archive-relative path, absolute path) of every item file in the wanted folders."""
    found = []
    for category, (first_year, last_year) in sorted(windows.items()):
        base = root / "records" / category
        try:
            years = sorted(os.listdir(base))
        except OSError:
            continue
        for year in years:
            if not (year.isdigit() and (first_year is None or int(year) >= first_year) and int(year) <= last_year):
                continue
            folder = base / year
            try:
                names = sorted(os.listdir(folder))
            except OSError:
                continue
            for name in names:
                if name.endswith(".yaml") and codes.parse(name[:-5]):
                    found.append((f"records/{category}/{year}/{name}", str(folder / name)))
    return found


def _indexed_items(root: Path, index, windows: dict[str, Window], types: tuple[str, ...]) -> list:
    """What _parse_all gives for the files of _item_files, in the same order, from the index
    (but for the None of each file of another type: the index leaves those out)."""
    rows = []
    for category, (first_year, last_year) in windows.items():
        for rel, size, unreadable, item_type, facts in index.item_facts(f"records/{category}/", types):
            parts = rel.split("/")
            year = parts[2] if len(parts) == 4 else ""
            if year.isdigit() and (first_year is None or int(year) >= first_year) and int(year) <= last_year:
                rows.append(((category, year, parts[3]), rel, size, unreadable, item_type, facts))
    rows.sort(key=lambda row: row[0])
    return [_indexed_item(root, types, *row[1:]) for row in track(rows, len(rows), "progress-report")]


def _indexed_item(root: Path, types: tuple[str, ...], rel: str, size: int, unreadable: bool, item_type: str | None,
                  facts: bytes | None) -> Any:
    if unreadable or facts is None or size > MAX_BYTES:  # as the file says it
        return _parse_one((rel, str(root / rel), types))
    return _use(rel, marshal.loads(facts), lambda path: _position(root, rel, path))


def _position(root: Path, rel: str, path: tuple) -> tuple[int, int]:
    """Where `path` is in the file (the index keeps the data, not its lines and columns)."""
    try:
        return load_file(root / rel, rel).position(path)
    except LoadError:
        return (0, 0)


def _parse_all(files: list[tuple[str, str]], types: tuple[str, ...], jobs: int | None) -> list:
    processes = jobs if jobs is not None else (os.cpu_count() or 1)
    if processes > 1 and len(files) >= PARALLEL_FROM:
        import multiprocessing

        try:
            context = multiprocessing.get_context("fork")
        except ValueError:  # no fork on this platform: one process
            context = None
        if context is not None:
            chunk = max(64, len(files) // (processes * 8))
            with context.Pool(processes) as pool:
                return list(track(pool.imap(_parse_one, [(rel, path, types) for rel, path in files], chunksize=chunk),
                                  len(files), "progress-report"))
    return [_parse_one((rel, path, types)) for rel, path in track(files, len(files), "progress-report")]


_NEEDLES: dict[tuple[str, ...], tuple[bytes, ...]] = {}


def _parse_one(job: tuple[str, str, tuple[str, ...]]) -> Any:
    """A parsed record, a Problem, or None (not a wanted type)."""
    rel, path, types = job
    needles = _NEEDLES.get(types)
    if needles is None:
        needles = _NEEDLES[types] = tuple(t.encode() for t in types)
    try:
        with open(path, "rb") as stream:
            raw = stream.read()
    except OSError as err:
        return Problem(rel, 0, 0, "yaml", "yaml-unreadable", {"detail": err.strerror or str(err)})
    if not any(needle in raw for needle in needles):  # cheap: most files of a category are other types
        return None
    try:
        doc = load_bytes(raw, rel)
    except LoadError as exc:
        return exc.problem
    item = doc.data
    if not isinstance(item, dict) or item.get("type") not in types:
        return None
    return _use(rel, item, doc.position)


def _use(rel: str, item: dict, position) -> Any:
    """The item as a report's record, or the Problem that keeps it out (`position`: where a
    path into the item is in its file)."""
    try:
        return _record(_reveal(item))
    except _Unusable as bad:
        line, column = position(bad.path)
        field_name = ".".join(str(p) for p in bad.path)
        if bad.value == PLACEHOLDER:
            return Problem(rel, line, column, RULE, "report-field-encrypted", {"field": field_name})
        if bad.expected is None:
            return Problem(rel, line, column, RULE, "report-field-missing", {"field": field_name})
        return Problem(rel, line, column, RULE, "report-field-invalid",
                       {"field": field_name, "value": str(bad.value)[:60], "expected": bad.expected})


def _add(data: Dataset, record: Any) -> None:
    status, record = record
    data.sources += 1
    data.drafts += status == "draft"
    if isinstance(record, SalesRecord):
        data.sales.append(record)
    elif isinstance(record, Ledger):
        data.ledgers.append(record)
    elif isinstance(record, CreditLimit):
        data.limits.append(record)
    elif isinstance(record, Contract):
        data.contracts.append(record)
    elif isinstance(record, Complaint):
        data.complaints.append(record)


# --- turning an item into a record -------------------------------------------------------------


def _get(mapping: Any, path: tuple, key: str, required: bool = True) -> Any:
    if not isinstance(mapping, dict):
        raise _Unusable(path, mapping, "{…}")
    value = mapping.get(key)
    if value is None and required:
        raise _Unusable(path + (key,), None, None)
    return value


# Amounts and dates as the items write them, and what they are: the same days and many of the
# same amounts come back in thousands of records (a report of 100,000 items: 0.1 s less).
_DATES: dict[str, dt.date] = {}
_AMOUNTS: dict[str, Money] = {}


def _date(mapping: Any, path: tuple, key: str, required: bool = True) -> dt.date | None:
    value = mapping.get(key) if mapping.__class__ is dict else None
    if value.__class__ is str and value in _DATES:  # read before: valid
        return _DATES[value]
    value = _get(mapping, path, key, required)
    if value is None:
        return None
    try:
        date = dt.date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else _bad(value)
    except ValueError:
        raise _Unusable(path + (key,), value, "YYYY-MM-DD") from None
    _DATES[value] = date
    return date


def _bad(value: object) -> dt.date:
    raise ValueError(value)


def _money(mapping: Any, path: tuple, key: str, required: bool = True) -> Money | None:
    value = mapping.get(key) if mapping.__class__ is dict else None
    if value.__class__ is str and value in _AMOUNTS:  # read before: valid
        return _AMOUNTS[value]
    value = _get(mapping, path, key, required)
    if value is None:
        return None
    money = parse_amount(value)
    if money is None:
        raise _Unusable(path + (key,), value, '"12000.00 CNY"')
    _AMOUNTS[value] = money
    return money


def _text(mapping: Any, path: tuple, key: str, required: bool = True) -> str | None:
    value = mapping.get(key) if mapping.__class__ is dict else None
    if value.__class__ is str:  # as the loader gives text
        return value
    value = _get(mapping, path, key, required)
    if value is None:
        return None
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise _Unusable(path + (key,), value, "…")
    return str(value)


def _flag(mapping: dict, key: str) -> bool | None:
    value = mapping.get(key)
    return value if isinstance(value, bool) else None


def _record(item: dict) -> tuple[str, Any]:
    kind = item["type"]
    code = _text(item, (), "code")
    customer = _text(item, (), "customer")
    content = _get(item, (), "content")
    build = _BUILDERS[kind]
    return str(item.get("status") or ""), build(item, code, customer, content)


def _sales_record(item: dict, code: str, customer: str, content: dict) -> SalesRecord:
    path = ("content",)
    settlement = _text(content, path, "settlement", required=False)
    lines = []
    raw_lines = _get(content, path, "lines")
    if not isinstance(raw_lines, list):
        raise _Unusable(path + ("lines",), raw_lines, "[…]")
    for i, line in enumerate(raw_lines):
        where = path + ("lines", i)
        money = _money(line, where, "amount")
        lines.append(SaleLine(customer, _date(line, where, "date"), _text(line, where, "product"),
                              _text(line, where, "goods", required=False), money.amount, money.currency,
                              settlement, code))
    return SalesRecord(code, customer, str(item.get("status") or ""), _date(content, path, "period_start"),
                       _date(content, path, "period_end"), settlement, _flag(content, "reconciled"), tuple(lines))


def _ledger(item: dict, code: str, customer: str, content: dict) -> Ledger:
    path = ("content",)
    raw_entries = _get(content, path, "entries")
    if not isinstance(raw_entries, list):
        raise _Unusable(path + ("entries",), raw_entries, "[…]")
    entries = []
    for i, entry in enumerate(raw_entries):
        where = path + ("entries", i)
        kind = _text(entry, where, "kind")
        if kind not in ("charge", "repayment"):
            raise _Unusable(where + ("kind",), kind, "charge | repayment")
        money = _money(entry, where, "amount")
        due = _date(entry, where, "due", required=kind == "charge")
        entries.append(LedgerEntry(customer, money.currency, _date(entry, where, "date"), kind, money.amount, due,
                                   _text(entry, where, "reference", required=False), code, i))
    opening = _money(content, path, "opening_balance", required=False)
    closing = _money(content, path, "closing_balance", required=False)
    currency = opening.currency if opening else entries[0].currency if entries else \
        closing.currency if closing else None
    return Ledger(code, customer, currency, _date(content, path, "period_start"), _date(content, path, "period_end"),
                  opening, closing, _flag(content, "reconciled"), tuple(entries))


def _credit_limit(item: dict, code: str, customer: str, content: dict) -> CreditLimit:
    path = ("content",)
    return CreditLimit(code, customer, "credit-limit", _money(content, path, "limit"),
                       _date(content, path, "effective"), _date(content, path, "expires", required=False),
                       _date(item, (), "date"))


def _export_terms(item: dict, code: str, customer: str, content: dict) -> CreditLimit:
    path = ("content",)
    return CreditLimit(code, customer, "export-terms", _money(content, path, "credit_amount"),
                       _date(content, path, "effective"), None, _date(item, (), "date"))


def _contract(item: dict, code: str, customer: str, content: dict) -> Contract:
    path = ("content",)
    return Contract(code, customer, _text(content, path, "contract_number"), _text(content, path, "subject"),
                    _date(content, path, "start"), _date(content, path, "end"), _money(content, path, "value"),
                    _text(content, path, "state"))


def _complaint(item: dict, code: str, customer: str, content: dict) -> Complaint:
    path = ("content",)
    return Complaint(code, customer, _date(content, path, "received"), _text(content, path, "state"),
                     _text(content, path, "description"))


_BUILDERS = {
    "sales-record": _sales_record,
    "debt-ledger": _ledger,
    "credit-limit": _credit_limit,
    "export-terms": _export_terms,
    "contract": _contract,
    "complaint": _complaint,
}
