"""`dossier import customers|records`: a department sheet into the archive, all or nothing.

Flow: read the mapping and the sheet → convert every cell → build the card or item each
row (or group of rows) becomes, merged into what the archive holds → check each new or
changed file with the archive's schemas and rules, exactly as `dossier validate` does →
only when nothing is wrong, write the files (atomically) and, in git, commit them.

Nothing is written when any row has a problem. Re-importing the same sheet finds every
card and item equal to what is there and writes nothing. A changed card, or a changed
filed item, is a modification: it needs `--reason`, which becomes the commit's `Reason:`
trailer (docs/records-in-git.md). A bound item never changes.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Callable

from ..archive import codes, schema_errors
from ..git import gitrepo
from ..record import numbering
from ..regulation import rules
from ..access.rights import Reader, item_owner_fields, may_grant, named
from ..archive.catalogue import Filters, entries, load_cards
from ..archive.config import Archive, Person, text_or_none
from ..archive.errors import DossierError, UsageError
from ..archive.hidden_text import name_key
from ..archive.loader import Document
from ..access.crypto import PLACEHOLDER
from ..archive.problems import Problem
from ..access.rekey import Sealer
from ..archive.schemas import SchemaSet
from .spreadsheet import (
    CELL,
    ROW,
    Mapping,
    People,
    Row,
    Sheet,
    data_rows,
    field_name,
    find_layout,
    set_path,
    split_amount,
)
from ..git.transaction import Operation, pause_point
from ..archive.yamlio import dump
from ..archive.progress import track

NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"
SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")  # never a path, whatever the archive's schema allows
CUSTOMER_ID = re.compile(r"C(\d{4})")
QUARTERS = "一二三四"
PARALLEL_THRESHOLD = 400  # rows; below this, starting worker processes costs more than it saves


@dataclass
class Change:
    """What one card or item becomes."""

    kind: str  # new | changed | unchanged
    path: str  # relative to the archive root
    row: int  # the (first) sheet row it comes from
    label: str  # customer id, or item code
    data: dict
    old: dict | None = None
    text: str | None = None  # the YAML to write (new and changed only)
    status: str | None = None  # an item's status before the import
    needs_reason: bool = False


@dataclass
class Plan:
    """The outcome of reading a sheet: the changes it makes, or the problems that stop it."""

    what: str  # customers | records
    sheet: Sheet
    mapping: Mapping
    rows: int = 0
    changes: list[Change] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    def count(self, kind: str) -> int:
        return sum(c.kind == kind for c in self.changes)

    @property
    def writes(self) -> list[Change]:
        return [c for c in self.changes if c.kind != UNCHANGED]

    @property
    def needing_reason(self) -> list[Change]:
        return [c for c in self.changes if c.kind == CHANGED and c.needs_reason]


# --- shared ---------------------------------------------------------------------------------


def _ordered(data: dict, order: list[str]) -> dict:
    """Keys in the schema's order (the order people read a card in); others after them."""
    rank = {name: index for index, name in enumerate(order)}
    return {key: data[key] for key in sorted(data, key=lambda k: rank.get(k, len(rank)))}


def _names(cards: dict[str, Document]) -> dict[str, list[str]]:
    by_name: dict[str, list[str]] = defaultdict(list)
    for card_id, doc in cards.items():
        name = doc.data.get("name") if isinstance(doc.data, dict) else None
        if isinstance(name, str):
            by_name[name].append(card_id)
    return by_name


class _Cells:
    """Positions of one file's values in the sheet, and the headings that name them."""

    def __init__(self, row: int) -> None:
        self.positions: dict[tuple, tuple[int, int]] = {(): (row, 0)}
        self.headers: dict[str, str] = {}  # dotted field path → column heading

    def add(self, path: tuple, row: int, column: int | None, header: str | None) -> None:
        self.positions[path] = (row, column or 0)
        if header:
            self.headers[field_name(path)] = header

    def problems(self, sheet: str, rel: str, found: list[Problem]) -> list[Problem]:
        """Problems of the file `rel` as problems of the sheet's cells, fields named by heading."""
        moved: list[Problem] = []
        for problem in found:
            line, column, args = problem.line, problem.column, dict(problem.args)
            if problem.key == "schema-required":  # a missing field: at the empty cell of its column
                name, base = args["name"], args.get("field", "(document)")
                wanted = name if base == "(document)" else f"{base}.{name}"
                path = next((p for p in self.positions if field_name(p) == wanted), None)
                if path is not None:
                    line, column = self.positions[path]
                    args["name"] = self.headers.get(wanted, name)
            moved.append(self._named(sheet, rel, problem, line, column, args))
        return moved

    def _named(self, sheet: str, rel: str, problem: Problem, line: int, column: int, args: dict) -> Problem:
        field_text = args.get("field")
        if field_text in self.headers:
            args["field"] = self.headers[field_text]
        elif field_text == "(document)":
            args["field"] = rel
        return Problem(sheet, line, column, problem.rule, problem.key, args, problem.severity)


def _check_rows(rows: list[Row]) -> list[Problem]:
    return [p for row in rows for p in row.problems]


# --- customers ------------------------------------------------------------------------------


def _read_sheet(archive: Archive, mapping: Mapping, sheet: Sheet, kind: str):
    """What both kinds of import start from: the sheet's layout and rows, checked cell by cell,
    and the customer cards (by id and by name) the rows are matched against."""
    plan = Plan(kind, sheet, mapping)
    people = People(archive.people)
    layout = find_layout(sheet, mapping)
    rows = data_rows(sheet, mapping, layout, people)
    plan.rows = len(rows)
    plan.problems += layout.warnings + _check_rows(rows)
    cards, unreadable = load_cards(archive.root)
    plan.problems += unreadable
    return plan, people, layout, rows, cards, _names(cards)


def plan_customers(archive: Archive, schemas: SchemaSet, mapping: Mapping, sheet: Sheet,
                   history_ids: Callable[[], list[str]] | None = None, sealer: Sealer | None = None) -> Plan:
    """Every row becomes a customer card: its 客户编号's card, else the card with exactly its
    客户名称, else a new card with the next free number."""
    root = archive.root
    plan, people, layout, rows, cards, by_name = _read_sheet(archive, mapping, sheet, "customers")
    id_column, name_column = layout.where.get("id"), layout.where.get("name")
    claimed: dict[str, int] = {}  # card id → the row that claims it
    new_names: dict[str, int] = {}
    targets: list[tuple[Row, str | None]] = []
    for row in rows:
        if row.problems:
            continue
        card_id = row.values.get("id")
        name = row.values.get("name")
        where = (row.number, (id_column if "id" in row.values else name_column) or 0)  # the cell that names it
        if card_id is not None:
            if not SAFE_ID.fullmatch(str(card_id)):
                plan.problems.append(Problem(sheet.name, *where, CELL, "cell-customer-id",
                                             {"column": _header(mapping, "id"), "value": card_id}))
                continue
        elif name is not None:
            ids = by_name.get(name, [])
            if len(ids) > 1:
                plan.problems.append(Problem(sheet.name, row.number, name_column, ROW, "row-name-ambiguous",
                                             {"name": name, "ids": ", ".join(sorted(ids)),
                                              "column": _header(mapping, "id")}))
                continue
            card_id = ids[0] if ids else None
        if card_id is not None:
            if card_id in claimed:
                plan.problems.append(Problem(sheet.name, *where, ROW, "row-duplicate",
                                             {"other": claimed[card_id], "customer": card_id}))
                continue
            claimed[card_id] = row.number
        elif name is not None:
            if name in new_names:
                plan.problems.append(Problem(sheet.name, row.number, name_column, ROW, "row-duplicate",
                                             {"other": new_names[name], "customer": name}))
                continue
            new_names[name] = row.number
        targets.append((row, card_id))

    taken = set(cards) | set(claimed) | set(_card_ids_in_history(root) if history_ids is None else history_ids())
    numbers = [int(m.group(1)) for m in map(CUSTOMER_ID.fullmatch, taken) if m]
    next_number = max(numbers, default=0) + 1
    jobs = []
    for row, card_id in targets:
        old_doc = cards.get(card_id) if card_id else None
        if card_id is None:
            if next_number > 9999:
                plan.problems.append(Problem(sheet.name, row.number, 0, ROW, "row-no-free-id", {}))
                continue
            card_id, next_number = f"C{next_number:04d}", next_number + 1
        old = old_doc.data if old_doc is not None and isinstance(old_doc.data, dict) else None
        jobs.append((row.number, row.values, old, card_id))
    global _card_work
    _card_work = _CardWork(archive, schemas, mapping, sheet.name, layout.where, sealer)
    try:
        for change, problems in _map(_build_card, jobs):
            plan.changes.append(change)
            plan.problems += problems
    finally:
        _card_work = None
    plan.problems += _lookalike_rows(plan, cards, sheet.name, name_column or 0)
    return plan


def _lookalike_rows(plan: Plan, cards: dict[str, Document], sheet: str, name_column: int) -> list[Problem]:
    """A new card, or a card whose name the sheet changes, whose name reads the same as another
    card's (hidden_text.name_key: full-width letters, zero-width spaces …) would be a look-alike
    duplicate customer: refused at the row's name cell, naming the card it imitates."""
    names = {card_id: doc.data.get("name") for card_id, doc in cards.items() if isinstance(doc.data, dict)}
    moved = {c.label: c for c in plan.changes if c.kind != UNCHANGED and isinstance(c.data, dict)}
    names.update((card_id, change.data.get("name")) for card_id, change in moved.items())
    facts = [rules.CustomerFacts(card_id, card_id, None, name) for card_id, name in names.items()
             if isinstance(name, str)]
    by_key: dict[str, list[rules.CustomerFacts]] = defaultdict(list)
    for fact in facts:
        by_key[name_key(fact.name)].append(fact)
    found = []
    for card_id, change in sorted(moved.items()):
        if change.old is not None and change.old.get("name") == change.data.get("name"):
            continue  # the name did not change: validate reports an old duplicate, not the import
        others = [f for f in by_key.get(name_key(str(change.data.get("name"))), []) if f.id != card_id]
        if others:
            found.append(Problem(sheet, change.row, name_column, ROW, "row-name-lookalike",
                                 {"name": change.data.get("name"), "other": others[0].id,
                                  "other_name": others[0].name}))
    return found


@dataclass
class _CardWork:
    """What building a card needs; set before worker processes fork, so they inherit it."""

    archive: Archive
    schemas: SchemaSet
    mapping: Mapping
    sheet: str
    where: dict
    sealer: Sealer | None = None  # confidential values: kept as stored when equal, else encrypted

    def __post_init__(self) -> None:
        self.order = list(self.schemas.documents["customer.schema.json"].get("properties", {}))
        self.cells = [(c.path, self.where[c.field]) for c in self.mapping.columns if c.field in self.where]
        self.headers = {field_name(c.path): c.header for c in self.mapping.columns if c.field in self.where}


_card_work: _CardWork | None = None


def _build_card(job: tuple) -> tuple[Change, list[Problem]]:
    """One row merged into its card (or a new card), compared, and checked like validate does."""
    number, values, old, card_id = job
    work = _card_work
    mapping = work.mapping
    data = copy.deepcopy(old) if old is not None else {"id": card_id, **copy.deepcopy(mapping.defaults)}
    for column in mapping.columns:
        if column.field in values and values[column.field] != PLACEHOLDER:  # exported without a key: keep it
            set_path(data, column.path, values[column.field])
    plain = _ordered(data, work.order)  # checked in clear: a negative limit, once sealed, is not
    data = work.sealer.sealed(plain, old, card=True) if work.sealer is not None else plain
    rel = f"customers/{card_id}.yaml"
    if old is not None and data == old:
        return Change(UNCHANGED, rel, number, card_id, data, old), []
    cells = _Cells(number)
    cells.positions.update((path, (number, column)) for path, column in work.cells)
    cells.headers = work.headers
    doc = Document(rel, plain, cells.positions, {})
    found = schema_errors.schema_problems(doc, work.schemas, "customer")
    found += rules.customer_rules(doc, work.archive.people)
    kind = CHANGED if old is not None else NEW
    change = Change(kind, rel, number, card_id, data, old, dump(data), needs_reason=kind == CHANGED)
    return change, cells.problems(work.sheet, rel, found)


def _map(function: Callable, jobs: list) -> list:
    """`function` over `jobs` in order: on every core for a large sheet (forked workers inherit
    what the function reads from module globals), in this process for a small one."""
    processes = os.cpu_count() or 1
    if processes < 2 or len(jobs) < PARALLEL_THRESHOLD:
        return [function(job) for job in track(jobs, len(jobs), "progress-import")]
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(processes) as pool:
        results = []
        for result in track(pool.imap(function, jobs, chunksize=max(50, len(jobs) // (4 * processes))), len(jobs),
                            "progress-import"):
            if not results:
                pause_point("workers")  # killed while the workers build the rest: they end with it
            results.append(result)
        return results


def _header(mapping: Mapping, field_text: str) -> str:
    column = mapping.column(field_text)
    return column.header if column else field_text


def _card_ids_in_history(root: Path) -> list[str]:
    """Ids of every card git ever held: a removed customer's number is not given again."""
    return [name.removesuffix(".yaml") for name in gitrepo.names_ever_added(root, "customers/*.yaml")]


# --- records: rows grouped into items ---------------------------------------------------------


def period_of(date: str, period: str) -> tuple[str, str]:
    """The calendar month, quarter or year holding `date`: (first day, last day)."""
    day = dt.date.fromisoformat(date)
    if period == "year":
        return f"{day.year}-01-01", f"{day.year}-12-31"
    first_month = day.month if period == "month" else 3 * ((day.month - 1) // 3) + 1
    last_month = first_month if period == "month" else first_month + 2
    start = dt.date(day.year, first_month, 1)
    following = dt.date(day.year + (last_month == 12), last_month % 12 + 1, 1)
    return start.isoformat(), (following - dt.timedelta(days=1)).isoformat()


def period_label(start: str, end: str) -> str:
    """2025年第一季度, 2025年3月, 2025年度; other spans as 2025-01-05至2025-02-04."""
    first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    for period in ("month", "quarter", "year"):
        if period_of(start, period) == (start, end):
            if period == "month":
                return f"{first.year}年{first.month}月"
            if period == "quarter":
                return f"{first.year}年第{QUARTERS[(first.month - 1) // 3]}季度"
            return f"{first.year}年度"
    return f"{first.isoformat()}至{last.isoformat()}"


@dataclass
class _Group:
    """The rows that make one item: an existing one (code) or a new one (customer, period)."""

    customer: str
    start: str
    end: str
    rows: list[Row] = field(default_factory=list)
    code: str | None = None


def _line_key(line: dict) -> str:
    return json.dumps(line, sort_keys=True, ensure_ascii=False)


def plan_records(archive: Archive, schemas: SchemaSet, mapping: Mapping, sheet: Sheet, today: dt.date,
                 actor: Callable[[], Person], sealer: Sealer | None = None) -> Plan:
    """Rows grouped per customer and period (or per 电子编码) into items of the mapping's type."""
    root = archive.root
    plan, people, layout, rows, cards, by_name = _read_sheet(archive, mapping, sheet, "records")
    category = str(schemas.dispatch.category_of[mapping.item_type])
    found, failures = entries(root, Filters(category=category, type=mapping.item_type))
    plan.problems += [failure.problem for failure in failures]
    items = {str(entry.code): entry for entry in found}
    by_period: dict[tuple, list[str]] = defaultdict(list)
    for code, entry in items.items():
        content = entry.data.get("content") if isinstance(entry.data.get("content"), dict) else {}
        by_period[(entry.data.get("customer"), content.get("period_start"), content.get("period_end"))].append(code)

    where = layout.where
    groups: dict[tuple, _Group] = {}
    for row in rows:
        if row.problems:
            continue
        customer = _row_customer(plan, row, mapping, where, cards, by_name)
        date = row.values.get("line.date")
        if date is None and "line.date" in where:  # a mapping may leave 日期 optional; grouping needs it
            plan.problems.append(Problem(sheet.name, row.number, where["line.date"], CELL, "cell-empty",
                                         {"column": _header(mapping, "line.date")}))
        if customer is None or date is None:
            continue
        code = row.values.get("code")
        if code is not None:
            entry = items.get(code)
            if entry is None:
                plan.problems.append(Problem(sheet.name, row.number, where["code"], CELL, "cell-item-unknown",
                                             {"column": _header(mapping, "code"), "value": code,
                                              "type": mapping.item_type}))
                continue
            if entry.data.get("customer") != customer:
                plan.problems.append(Problem(sheet.name, row.number, where.get("customer", where.get("customer_name")),
                                             CELL, "cell-item-customer",
                                             {"code": code, "customer": customer,
                                              "other": entry.data.get("customer")}))
                continue
            content = entry.data.get("content") if isinstance(entry.data.get("content"), dict) else {}
            start, end = str(content.get("period_start")), str(content.get("period_end"))
            if not start <= date <= end:
                plan.problems.append(Problem(sheet.name, row.number, where["line.date"], CELL, "cell-outside-period",
                                             {"date": date, "code": code, "start": start, "end": end}))
                continue
            key: tuple = ("code", code)
        else:
            start, end = period_of(date, mapping.period)
            key = ("period", customer, start, end)
        group = groups.setdefault(key, _Group(customer, start, end, code=code))
        group.rows.append(row)

    for key in [k for k in groups if k[0] == "period"]:
        group = groups[key]
        matches = by_period.get((group.customer, group.start, group.end), [])
        if len(matches) > 1:
            del groups[key]
            plan.problems.append(Problem(sheet.name, group.rows[0].number, 0, ROW, "row-item-ambiguous",
                                         {"customer": group.customer, "start": group.start, "end": group.end,
                                          "codes": ", ".join(sorted(matches)), "column": _header(mapping, "code")}))
        elif matches:  # the customer's item of that period: the rows join it
            del groups[key]
            target = groups.setdefault(("code", matches[0]), _Group(group.customer, group.start, group.end,
                                                                     code=matches[0]))
            target.rows = sorted(target.rows + group.rows, key=lambda r: r.number)

    builder = _ItemBuilder(archive, schemas, mapping, sheet, layout.where, cards, actor, sealer)
    facts = []
    for group in groups.values():
        change, doc, cells = builder.build(group, items.get(group.code) if group.code else None, plan)
        if change is None:
            continue
        plan.changes.append(change)
        if change.kind == UNCHANGED:
            continue
        found_problems = schema_errors.schema_problems(doc, schemas, "item")
        found_problems += rules.item_rules(doc, archive.people, root, schemas.dispatch.category_of)
        plan.problems += cells.problems(sheet.name, change.path, found_problems)
        fact = rules.item_facts(doc)
        if fact is not None:
            facts.append((fact, cells))
    customers = {card_id: rules.CustomerFacts(card_id, doc.file, None) for card_id, doc in cards.items()}
    for problem in rules.archive_rules([f for f, _ in facts], customers, today.isoformat()):
        if problem.is_error:  # serial gaps and export terms concern the whole archive: validate says them
            cells = next(c for f, c in facts if f.file == problem.file)
            plan.problems += cells.problems(sheet.name, problem.file, [problem])
    plan.changes.sort(key=lambda c: c.row)
    return plan


def _row_customer(plan: Plan, row: Row, mapping: Mapping, where: dict, cards: dict, by_name: dict) -> str | None:
    """The row's customer: its 客户编号 (which must have a card, and agree with 客户名称 when
    both are given), else the one card named 客户名称."""
    sheet = plan.sheet.name
    customer, name = row.values.get("customer"), row.values.get("customer_name")
    if customer is not None:
        card = cards.get(customer)
        if card is None:
            plan.problems.append(Problem(sheet, row.number, where["customer"], CELL, "cell-customer-unknown",
                                         {"column": _header(mapping, "customer"), "value": customer}))
            return None
        card_name = card.data.get("name") if isinstance(card.data, dict) else None
        if name is not None and name != card_name:
            plan.problems.append(Problem(sheet, row.number, where["customer_name"], CELL, "cell-customer-name-mismatch",
                                         {"column": _header(mapping, "customer_name"), "value": name,
                                          "customer": customer, "name": card_name}))
            return None
        return customer
    if name is None:
        column = where.get("customer", where.get("customer_name", 0))
        plan.problems.append(Problem(sheet, row.number, column, CELL, "cell-empty",
                                     {"column": _header(mapping, "customer")}))
        return None
    ids = by_name.get(name, [])
    if len(ids) != 1:
        key = "row-name-ambiguous" if ids else "cell-customer-name-unknown"
        plan.problems.append(Problem(sheet, row.number, where["customer_name"], CELL, key,
                                     {"name": name, "ids": ", ".join(sorted(ids)), "value": name,
                                      "column": _header(mapping, "customer" if ids else "customer_name")}))
        return None
    return ids[0]


class _ItemBuilder:
    """Builds the item a group of rows becomes; new items are numbered in the section of the
    customer's manager (numbering.next_code once per section, then counted on here)."""

    def __init__(self, archive, schemas, mapping, sheet, where, cards, actor, sealer=None) -> None:
        self.archive = archive
        self.schemas = schemas
        self.mapping = mapping
        self.sheet = sheet
        self.where = where
        self.cards = cards
        self.actor = actor
        self.category = schemas.dispatch.category_of[mapping.item_type]
        type_schema = schemas.type_schema(mapping.item_type)
        self.content_order = list(type_schema.get("properties", {}))
        lines_schema = type_schema.get("properties", {}).get(mapping.lines, {})
        self.line_order = list(lines_schema.get("items", {}).get("properties", {}))
        self.envelope_order = list(schemas.documents["item.schema.json"].get("properties", {}))
        self.serials: dict[tuple, int] = {}
        self.sealer = sealer

    def _line(self, row: Row) -> dict:
        return {name: row.values[f"line.{name}"] for name in self.line_order if f"line.{name}" in row.values}

    def build(self, group: _Group, entry, plan: Plan):
        mapping, sheet = self.mapping, self.sheet.name
        rows = sorted(group.rows, key=lambda r: (r.values["line.date"], r.number))
        lines = [self._line(row) for row in rows]
        problems_before = len(plan.problems)
        total = self._total(rows, plan)
        if len(plan.problems) > problems_before:  # no total to check the item with
            return None, None, None
        extra = self._group_fields(rows, plan)  # a value that differs is reported; the item is still checked
        first = group.rows[0].number
        if entry is not None:
            old = entry.data
            data = copy.deepcopy(old)
            content = data.setdefault("content", {})
            old_lines = content.get(mapping.lines)
            if isinstance(old_lines, list) and sorted(map(_line_key, old_lines)) == sorted(map(_line_key, lines)):
                order = {}  # the lines are the same: keep the item's order, and each line's row
                for row, line in zip(rows, lines):
                    order.setdefault(_line_key(line), []).append(row)
                rows = [order[_line_key(line)].pop(0) for line in old_lines]
                lines = old_lines
            content[mapping.lines] = copy.deepcopy(lines)
            if mapping.total:
                content[mapping.total] = total
            content.update(extra)
            data["content"] = _ordered(content, self.content_order)
            path, code, status = entry.code.path, str(entry.code), old.get("status")
        else:
            old, status = None, None
            built = self._new_item(group, lines, total, extra, rows, plan)
            if built is None:
                return None, None, None
            data, code = built
            path = codes.parse(code).path
        cells = self._cells(first, rows, code)
        plain = data  # checked in clear (see _build_card)
        if self.sealer is not None:
            data = self.sealer.sealed(plain, old, card=False)
        if old is not None and data == old:
            return Change(UNCHANGED, path, first, code, data, old, status=status), None, None
        if status == "bound":
            plan.problems.append(Problem(sheet, first, 0, ROW, "row-item-bound", {"code": code}))
            return None, None, None
        kind = CHANGED if old is not None else NEW
        change = Change(kind, path, first, code, data, old, dump(data), status,
                        needs_reason=kind == CHANGED and status == "filed")
        return change, Document(path, plain, cells.positions, {}), cells

    def _total(self, rows: list[Row], plan: Plan) -> str | None:
        sums: dict[str, Decimal] = {}
        first_row: dict[str, Row] = {}
        for row in rows:
            parts = split_amount(row.values.get("line.amount"))
            if parts:
                sums[parts[1]] = sums.get(parts[1], Decimal(0)) + parts[0]
                first_row.setdefault(parts[1], row)
        if len(sums) > 1:
            currencies = list(sums)
            plan.problems.append(Problem(self.sheet.name, first_row[currencies[1]].number, self.where["line.amount"],
                                         CELL, "cell-currency-mixed",
                                         {"currency": currencies[1], "other": currencies[0],
                                          "row": first_row[currencies[0]].number}))
            return None
        if not sums:
            return None
        currency, amount = next(iter(sums.items()))
        return f"{amount:.2f} {currency}"

    def _group_fields(self, rows: list[Row], plan: Plan) -> dict:
        """content.X columns: one value per item; rows that give another are problems."""
        found: dict[str, tuple[object, Row]] = {}
        for column in self.mapping.columns:
            if column.path[0] != "content":
                continue
            for row in rows:
                if column.field not in row.values:
                    continue
                value = row.values[column.field]
                if column.path[1] not in found:
                    found[column.path[1]] = (value, row)
                elif found[column.path[1]][0] != value:
                    first = found[column.path[1]][1]
                    plan.problems.append(Problem(self.sheet.name, row.number, self.where[column.field], CELL,
                                                 "cell-group-differs",
                                                 {"column": column.header, "row": first.number,
                                                  "other": column.label(found[column.path[1]][0])}))
        return {name: value for name, (value, _) in found.items()}

    def _new_item(self, group: _Group, lines, total, extra, rows, plan: Plan):
        card = self.cards[group.customer].data
        manager = self.archive.people.get(text_or_none(card.get("manager")) or "") if isinstance(card, dict) else None
        if manager is None or not manager.is_customer_manager or not manager.section:
            plan.problems.append(Problem(self.sheet.name, rows[0].number, 0, ROW, "row-no-section",
                                         {"customer": group.customer, "manager": card.get("manager", "—")}))
            return None
        year = int(group.start[:4])
        key = (str(self.category), year, manager.section)
        if key not in self.serials:
            self.serials[key] = numbering.next_code(self.archive.root, *key).serial
        code = codes.Code(*key, self.serials[key])
        self.serials[key] += 1
        actor = self.actor()
        date = rows[-1].values["line.date"]
        content = {"period_start": group.start, "period_end": group.end, self.mapping.lines: lines}
        if self.mapping.total and total is not None:
            content[self.mapping.total] = total
        content.update(extra)
        title = self.mapping.title.format(customer_name=card.get("name", ""), customer=group.customer,
                                          period=period_label(group.start, group.end))
        item = {
            "code": str(code),
            "category": self.category,
            "type": self.mapping.item_type,
            "title": title,
            "customer": group.customer,
            "manager": manager.id,
            "handler": actor.id,
            "date": date,
            "pages": 1,
            "retention": self.archive.settings.retention(self.category),
            "secrecy": "内部",
            "status": "draft",
            "signatures": {"handler": {"person": actor.id, "date": date}},
            "content": _ordered(content, self.content_order),
        }
        return _ordered(item, self.envelope_order), str(code)

    def _cells(self, first: int, rows: list[Row], code: str) -> _Cells:
        where, mapping = self.where, self.mapping
        cells = _Cells(first)
        customer_column = where.get("customer", where.get("customer_name"))
        cells.add(("customer",), first, customer_column, _header(mapping, "customer"))
        cells.add(("code",), first, where.get("code"), _header(mapping, "code"))
        cells.add(("date",), rows[-1].number, where.get("line.date"), _header(mapping, "line.date"))
        cells.add(("title",), first, 0, None)
        for index, row in enumerate(rows):
            cells.add(("content", mapping.lines, index), row.number, 0, None)
            for column in mapping.columns:
                if column.path[0] == "line" and column.field in where:
                    cells.add(("content", mapping.lines, index, column.path[1]), row.number, where[column.field],
                              column.header)
        for column in mapping.columns:
            if column.path[0] == "content" and column.field in where:
                holder = next((r for r in rows if column.field in r.values), rows[0])
                cells.add(("content", column.path[1]), holder.number, where[column.field], column.header)
        if mapping.total:
            cells.add(("content", mapping.total), first, where.get("line.amount"), _header(mapping, "line.amount"))
        return cells


# --- write rights ---------------------------------------------------------------------------


def refuse_unwritable(plan: Plan, reader: Reader) -> None:
    """Write rights follow read rights (access.Reader.may_write): each new or changed card or
    item the person may not read as it stands or as the sheet would make it is a problem at its
    row, named; the import then writes nothing. A customer manager's row that gives their own
    customer to someone else is a reassignment, which is the sales or general manager's."""
    policy = reader.policy
    for change in plan.writes:
        if plan.what == "customers":
            customer, category = change.label, None
            after = text_or_none(change.data.get("manager"))
            owners = [text_or_none(change.old.get("manager")), after] if change.old is not None else [after]
        else:
            customer, manager, category = item_owner_fields(change.data)
            owners = [policy.owner(customer, manager)]
        moves = plan.what == "customers" and change.old is not None and owners[0] != owners[-1]
        if reader.may_write(customer, category, owners) and (may_grant(reader.person) or not moves):
            continue
        args = {"what": change.label, "person": named(reader.person), "grantors": policy.grantors_text(),
                "customer": customer or "-"}
        if moves and reader.may_write(customer, category, owners[:1]):
            key, args["to"] = "row-reassign-not-entitled", owners[-1] or "-"
        else:
            key, args["owner"] = "row-not-yours", policy.owner_text(customer, owners[0])
        plan.problems.append(Problem(plan.sheet.name, change.row, 0, ROW, key, args))


# --- writing --------------------------------------------------------------------------------


def apply(root: Path, plan: Plan, reason: str | None, source: str, also: dict[str, bytes] | None = None) -> str | None:
    """Write the new and changed files (and `also`: the items re-encrypted for customers the sheet
    moves, reassign.reencrypted) in one Operation (transaction.py): in a git archive one commit of
    exactly them, with `Reason:` when given, all or nothing. Returns the commit, or None (nothing
    to write, or not in git)."""
    if plan.errors:
        raise DossierError("import-failed", file=source, count=len(plan.errors))
    reason = " ".join((reason or "").split())
    needing = plan.needing_reason
    if needing and not reason:
        raise UsageError("import-needs-reason", count=len(needing),
                         files=", ".join(c.path for c in needing[:5]) + (" …" if len(needing) > 5 else ""))
    files = {c.path: c.text.encode("utf-8") for c in plan.writes}
    reencrypted = [rel for rel in also or {} if rel not in files]
    files.update(also or {})
    if not files:
        return None
    if gitrepo.is_repository(root):
        _require_clean(root, list(files))
    operation = Operation(root, "import")
    for rel, data in files.items():
        operation.write(rel, data)
    return operation.commit(_subject(plan, source), _trailers(plan, reason, reencrypted))


def _subject(plan: Plan, source: str) -> str:
    noun = "customer card(s)" if plan.what == "customers" else "item(s)"
    return f"Import {source}: {plan.count(NEW)} new, {plan.count(CHANGED)} changed {noun}"


def _trailers(plan: Plan, reason: str, reencrypted: list[str]) -> list[tuple[str, str]]:
    """Reason, the action, and the items written: those of the sheet, and those re-encrypted for a
    customer the sheet gives another manager."""
    found = [("Reason", reason)] if reason else []
    found.append(("Dossier-Action", "import"))
    items = [c.label for c in plan.writes] if plan.what == "records" else []
    items += [rel.rsplit("/", 1)[-1].removesuffix(".yaml") for rel in reencrypted if not rel.startswith("customers/")]
    return found + [("Dossier-Item", code) for code in items]


def _git(root: Path, args: list[str], listing: str | None = None) -> str:
    return gitrepo.output(args, root, "lifecycle-git-failed", input=listing)


def _require_clean(root: Path, paths: list[str]) -> None:
    """Refuse files with uncommitted changes: the commit must hold the import and nothing else."""
    prefix = _git(root, ["rev-parse", "--show-prefix"]).strip()
    folders = sorted({path.rsplit("/", 1)[0] for path in paths})
    out = _git(root, ["-c", "core.quotePath=false", "status", "--porcelain", "-z", "--untracked-files=all",
                      "--", *folders])
    wanted = set(paths)
    dirty, entries_ = [], out.split("\0")
    index = 0
    while index < len(entries_):
        entry = entries_[index]
        index += 1
        if len(entry) < 4:
            continue
        if entry[0] in "RC":
            index += 1  # a rename's source follows it
        path = entry[3:].removeprefix(prefix)
        if path in wanted:
            dirty.append(path)
    if dirty:
        raise DossierError("item-dirty", paths=", ".join(sorted(dirty)[:5]))
