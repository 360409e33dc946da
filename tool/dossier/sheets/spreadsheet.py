"""Spreadsheets in and out: the mapping file, the cells, the sheets (xlsx and csv).

A mapping (tool/dossier/defaults/mappings/*.yaml, or the archive's own mappings/) says
which column of a department sheet fills which field: Chinese headings, value
translations (客户性质 政府机构 → government, 是/否 → true/false), amounts with their
currency, dates, people by name or id. Import (spreadsheet_import.py) and export
(spreadsheet_export.py) use the same mapping, so an exported sheet imports unchanged.

Problems found in a sheet are ordinary Problems whose `file` is the sheet's name and whose
line and column are the cell's row and column (column 0: the whole row, row 0: the whole
sheet); `cell_ref` writes them the way a spreadsheet user finds them: 客户管理表!G5.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from functools import cached_property
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ..archive import schema_errors
from ..archive.config import Person
from ..access.crypto import PLACEHOLDER, is_sealed
from ..archive.errors import DossierError, UsageError
from ..archive.loader import MAX_INTEGER, LoadError, load_file
from ..archive.messages import message
from ..archive.problems import Problem
from ..archive.schemas import schema_validator, value_kind
from .sheet_cells import unescape

MAPPINGS = Path(__file__).resolve().parents[1] / "defaults" / "mappings"
MAPPING_SCHEMA = MAPPINGS / "mapping.schema.json"
ARCHIVE_MAPPINGS = "mappings"  # <archive>/mappings/<kind>.yaml overrides the shipped default
KINDS = ("customers", "records")
FORMATS = ("xlsx", "csv")
HEADER_SEARCH_ROWS = 20  # without header_row, the header is looked for in this many rows
TYPES = ("text", "amount", "date", "boolean", "person", "number", "integer")
# The currency of an amount column has a column of its own (issue 14): 信用额度 → 信用额度币种; a
# sheet with one amount column may call it just 币种. Sheets without one still import (the
# amount's own text, or the mapping's currency).
CURRENCY_WORD = "币种"
CURRENCY_SUFFIX = "#currency"
GENERAL_CURRENCY_HEADERS = ("币种", "货币", "币别", "Currency")
CURRENCY_WORDS = {"RMB": "CNY", "人民币": "CNY", "¥": "CNY", "￥": "CNY", "元": "CNY", "美元": "USD",
                  "欧元": "EUR"}
SPECIAL_FIELDS = {"code": "text", "customer": "text", "customer_name": "text"}  # records' row-level fields
BOOLEAN_WORDS = {"是": True, "否": False, "true": True, "false": False, "yes": True, "no": False,
                 "y": True, "n": False, "√": True, "×": False}
CENT = Decimal("0.01")
AMOUNT_LIMIT = 10**15
BOM = "\ufeff"
SPACES = " \u3000\u00a0"  # typed around a cell's text: space, ideographic space, no-break space
# A department's sheets run to a few MiB; anything beyond these is refused before it is read
# (csv) or unpacked (xlsx: what its parts expand to, and how many there are).
MAX_SHEET_BYTES = 64 * 2**20
MAX_SHEET_PARTS = 10_000

# The rule names of problems found in sheets: the sheet's layout, one cell, one row.
SHEET, CELL, ROW = "sheet", "cell", "row"


class SheetProblems(DossierError):
    """The mapping or the sheet cannot be used at all: the problems say where and why."""

    def __init__(self, problems: list[Problem], exit_code: int = 1) -> None:
        super().__init__(problems[0].key, **problems[0].args)
        self.problems = problems
        self.exit_code = exit_code

    def render(self, lang: str) -> str:
        return "\n".join(problem_text(p, lang) for p in self.problems)


# --- references and rendering ---------------------------------------------------------------


def column_letter(index: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_ref(sheet: str, row: int, column: int) -> str:
    """客户管理表!G5 for a cell, 客户管理表!5:5 for a whole row, 客户管理表 for the sheet
    (what Excel's Name Box accepts). A sheet name with spaces or punctuation is quoted."""
    name = sheet if re.fullmatch(r"[\w.]+", sheet) else "'" + sheet.replace("'", "''") + "'"
    if row <= 0:
        return name
    return f"{name}!{column_letter(column)}{row}" if column > 0 else f"{name}!{row}:{row}"


def problem_text(problem: Problem, lang: str, prefix: str = "") -> str:
    """A problem of a sheet as `Sheet!C17: rule: message`; one of an archive file (or the
    mapping) as validate writes it: `file:line:column: rule: message`, archive files shown
    from where the user stands (`prefix`)."""
    text = message(problem.key, lang, **problem.args)
    if not problem.is_error:
        text = f"{message('warning-word', lang)}: {text}"
    if problem.file.endswith((".yaml", ".yml", ".json")):
        shown = prefix + problem.file if problem.file.startswith(("customers/", "records/", "daily/")) else problem.file
        return f"{shown}:{problem.line}:{problem.column}: {problem.rule}: {text}"
    return f"{cell_ref(problem.file, problem.line, problem.column)}: {problem.rule}: {text}"


# --- the mapping ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of the mapping."""

    header: str
    aliases: tuple[str, ...]
    field: str  # as written: grade, contacts[0].name, line.amount, content.settlement
    path: tuple  # ("contacts", 0, "name")
    type: str  # one of TYPES
    values: dict  # sheet text → stored value (enumerations and booleans)
    required: bool
    currency: str

    @property
    def names(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)

    def label(self, value: object) -> object:
        """The text export writes for a stored value: the first text the mapping gives it."""
        for text, stored in self.values.items():
            if stored == value and type(stored) is type(value):
                return text
        if self.type == "boolean" and isinstance(value, bool):
            return "是" if value else "否"
        return value

    @property
    def options(self) -> list[str]:
        """The texts export writes, one per stored value (for messages and drop-down lists)."""
        seen, found = [], []
        for text, stored in self.values.items():
            if (stored, type(stored)) not in seen:
                seen.append((stored, type(stored)))
                found.append(text)
        if self.type == "boolean" and not found:
            found = ["是", "否"]
        return found


@dataclass(frozen=True)
class Mapping:
    file: str  # where it came from, for messages
    kind: str  # customers | records
    sheet: str
    header_row: int | None
    currency: str
    columns: tuple[Column, ...]
    defaults: dict = field(default_factory=dict)
    item_type: str = "sales-record"
    period: str = "quarter"
    title: str = "{customer_name}{period}"
    lines: str = "lines"
    total: str | None = None

    def column(self, field_name: str) -> Column | None:
        return next((c for c in self.columns if c.field == field_name), None)

    @cached_property
    def sheet_columns(self) -> tuple[Column, ...]:
        """The columns as a sheet has them: each amount column followed by its currency 币种, so
        that amounts are numbers a SUM adds up and the currency stands beside them."""
        amounts = [column for column in self.columns if column.type == "amount"]
        taken = {normal_header(name) for column in self.columns for name in column.names}
        found: list[Column] = []
        for column in self.columns:
            found.append(column)
            if column.type == "amount":
                general = GENERAL_CURRENCY_HEADERS if len(amounts) == 1 else ()
                found.append(currency_column(column, [n for n in general if normal_header(n) not in taken]))
        return tuple(found)


def currency_column(amount: Column, more_names: list[str]) -> Column:
    """The column giving the currency of the amount column `amount`: headed 金额币种 for 金额."""
    return Column(header=amount.header + CURRENCY_WORD, aliases=(*(a + CURRENCY_WORD for a in amount.aliases),
                                                                  *more_names),
                  field=amount.field + CURRENCY_SUFFIX, path=amount.path, type="currency", values={},
                  required=False, currency=amount.currency)


def parse_path(text: str) -> tuple:
    """'contacts[0].name' → ('contacts', 0, 'name')."""
    parts: list = []
    for piece in text.split("."):
        match = re.fullmatch(r"([a-z_]+)(?:\[([0-9]+)\])?", piece)
        parts.append(match.group(1))
        if match.group(2) is not None:
            parts.append(int(match.group(2)))
    return tuple(parts)


def mapping_path(root: Path, kind: str, given: str | None) -> Path:
    """--mapping, else <archive>/mappings/<kind>.yaml, else the shipped default."""
    if given:
        path = Path(given)
        if not path.is_file():
            raise UsageError("mapping-not-found", file=given)
        return path
    own = root / ARCHIVE_MAPPINGS / f"{kind}.yaml"
    return own if own.is_file() else MAPPINGS / f"{kind}.yaml"


def load_mapping(path: Path, kind: str, schemas, currency: str) -> Mapping:
    """Read and check a mapping: its shape (mapping.schema.json), its kind, and that every
    field exists in the schema of what it fills. Raises SheetProblems listing every fault."""
    shown = _shown(path)
    try:
        doc = load_file(path, shown)
    except LoadError as exc:
        raise SheetProblems([exc.problem], 2) from None
    validator = schema_validator()(json.loads(MAPPING_SCHEMA.read_text(encoding="utf-8")))  # ECMA-262 patterns
    problems = schema_errors.to_problems(doc, validator.iter_errors(doc.data))
    if problems:
        raise SheetProblems(problems, 2)
    data = doc.data
    if data["kind"] != kind:
        raise SheetProblems([Problem(shown, *doc.position(("kind",)), "mapping", "mapping-kind",
                                     {"file": shown, "kind": data["kind"], "expected": kind})], 2)
    currency = data.get("currency", currency)
    item_type = data.get("type", "sales-record")
    if kind == "records" and item_type not in schemas.dispatch.category_of:
        raise SheetProblems([Problem(shown, *doc.position(("type",)), "mapping", "mapping-type",
                                     {"type": item_type, "types": ", ".join(schemas.types)})], 2)
    target = _target_schemas(schemas, kind, item_type, data.get("lines", "lines"))
    if kind == "records":  # rows become lines of items that cover a period
        properties = target["content"].get("properties", {})
        for name in ("period_start", "period_end", data.get("lines", "lines"), data.get("total")):
            if name is not None and name not in properties:
                raise SheetProblems([Problem(shown, *doc.position(("type",)), "mapping", "mapping-type-shape",
                                             {"type": item_type, "field": name})], 2)
    columns, seen_names, seen_fields = [], {}, {}
    for index, entry in enumerate(data["columns"]):
        where = ("columns", index)
        path = parse_path(entry["field"])
        field_schema = _field_schema(target, entry["field"], path, kind)
        if field_schema is None:
            problems.append(Problem(shown, *doc.position(where + ("field",)), "mapping", "mapping-field-unknown",
                                    {"header": entry["header"], "field": entry["field"], "kind": kind}))
            continue
        column = Column(
            header=entry["header"],
            aliases=tuple(entry.get("aliases", ())),
            field=entry["field"],
            path=path,
            type=entry.get("type") or _type_of(field_schema, entry.get("values")),
            values=dict(entry.get("values", {})),
            required=bool(entry.get("required", False)),
            currency=entry.get("currency", currency),
        )
        for name in column.names:
            key = normal_header(name)
            if key in seen_names:
                problems.append(Problem(shown, *doc.position(where + ("header",)), "mapping", "mapping-header-twice",
                                        {"header": name, "other": seen_names[key]}))
            seen_names[key] = column.header
        if column.field in seen_fields:
            problems.append(Problem(shown, *doc.position(where + ("field",)), "mapping", "mapping-field-twice",
                                    {"field": column.field, "other": seen_fields[column.field]}))
        seen_fields[column.field] = column.header
        columns.append(column)
    problems += _kind_checks(shown, doc, kind, columns)
    if problems:
        raise SheetProblems(problems, 2)
    return Mapping(
        file=shown, kind=kind, sheet=data["sheet"], header_row=data.get("header_row"), currency=currency,
        columns=tuple(columns), defaults=dict(data.get("defaults", {})), item_type=item_type,
        period=data.get("period", "quarter"), title=data.get("title", "{customer_name}{period}"),
        lines=data.get("lines", "lines"), total=data.get("total"),
    )


def _shown(path: Path) -> str:
    """A mapping as the user can find it: relative to where they stand, a shipped one as
    dossier/defaults/mappings/<name>."""
    resolved = path.resolve()
    if resolved.parent == MAPPINGS:
        return f"dossier/defaults/mappings/{resolved.name}"
    try:
        return resolved.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def _kind_checks(shown: str, doc, kind: str, columns: list[Column]) -> list[Problem]:
    fields = {c.field for c in columns}
    needed = []
    if kind == "customers" and not fields & {"id", "name"}:
        needed.append("id | name")
    if kind == "records":
        needed += [f for f in ("line.date", "line.amount") if f not in fields]
        if not fields & {"customer", "customer_name"}:
            needed.append("customer | customer_name")
    return [Problem(shown, *doc.position(("columns",)), "mapping", "mapping-field-needed", {"field": f})
            for f in needed]


def _target_schemas(schemas, kind: str, item_type: str, lines: str) -> dict:
    """The schemas a mapping's fields are looked up in, resolved one level of $ref."""
    if kind == "customers":
        return {"card": schemas.documents["customer.schema.json"], "documents": schemas.documents}
    content = schemas.type_schema(item_type)
    line = content.get("properties", {}).get(lines, {}).get("items", {})
    return {"content": content, "line": line, "documents": schemas.documents}


def _field_schema(target: dict, text: str, path: tuple, kind: str) -> dict | None:
    """The schema of a mapped field, or None when the field does not exist."""
    if kind == "records":
        if text in SPECIAL_FIELDS:
            return {"type": "string"}
        if path[0] == "line" and len(path) == 2:
            return target["line"].get("properties", {}).get(path[1])
        if path[0] == "content" and len(path) == 2:
            return target["content"].get("properties", {}).get(path[1])
        return None
    schema = target["card"]
    for part in path:
        if isinstance(part, int):
            if schema.get("type") != "array":
                return None
            schema = schema.get("items", {})
        else:
            schema = schema.get("properties", {}).get(part)
            if schema is None:
                return None
    return schema


def _type_of(schema: dict, values: dict | None) -> str:
    """The cell type a field's schema implies: amounts, dates and people by their $ref."""
    if value_kind(schema) in ("amount", "date", "person"):
        return value_kind(schema)
    kind = schema.get("type")
    if kind == "boolean" or (values and all(isinstance(v, bool) for v in values.values())):
        return "boolean"
    if kind in ("number", "integer"):
        return kind
    return "text"


def normal_header(text: object) -> str:
    """Headings compared without spaces, a leading * (required-field marks) and full-width forms."""
    text = "" if text is None else str(text)
    text = text.translate(str.maketrans("／（）：　", "/(): "))
    return re.sub(r"\s+", "", text).lstrip("*＊")


# --- cells ----------------------------------------------------------------------------------


class CellError(Exception):
    """A cell whose value cannot be used; key and args select the message."""

    def __init__(self, key: str, **args: object) -> None:
        super().__init__(key)
        self.key = key
        self.args_ = args


@dataclass
class People:
    """people.yaml, looked up by id or by name (a sheet's 业务员 is usually a name)."""

    by_id: dict[str, Person]

    def __post_init__(self) -> None:
        self.by_name: dict[str, list[str]] = {}
        for person in self.by_id.values():
            self.by_name.setdefault(person.name, []).append(person.id)

    def resolve(self, text: str) -> str:
        if text in self.by_id:
            return text
        ids = self.by_name.get(text, [])
        if len(ids) == 1:
            return ids[0]
        if ids:
            raise CellError("cell-person-ambiguous", ids=", ".join(ids))
        raise CellError("cell-person")

    def label(self, person_id: object) -> object:
        """A person's name when it names only them, else the id."""
        person = self.by_id.get(person_id) if isinstance(person_id, str) else None
        if person and len(self.by_name.get(person.name, [])) == 1:
            return person.name
        return person_id


def cell_text(raw: object) -> str:
    """A cell's value as text: numbers without a spurious .0, dates as YYYY-MM-DD; text without
    the spaces typed around it, with the apostrophe export puts before a formula-like text
    taken off (sheet_cells), and line ends as line feeds (xlsx cannot hold a carriage return).
    Tabs and line breaks at either end are kept: they are data export wrote."""
    if raw is None:
        return ""
    if isinstance(raw, str):
        return unescape(raw.strip(SPACES)).replace("\r\n", "\n").replace("\r", "\n")
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat(sep=" ")
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return str(raw)


def is_empty(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def convert(column: Column, raw: object, people: People) -> object:
    """The stored value of a non-empty cell, or CellError. A confidential value exported without
    a key to decrypt it (crypto.PLACEHOLDER) stays the placeholder: import keeps what is stored."""
    if raw == PLACEHOLDER or is_sealed(raw):
        return raw
    if column.values and column.type != "boolean":
        return _translate(column, raw)
    if column.type == "boolean":
        return _boolean(column, raw)
    if column.type == "amount":
        return parse_amount(raw, column.currency)
    if column.type == "currency":
        return parse_currency(raw)
    if column.type == "date":
        return parse_date(raw)
    if column.type == "person":
        return people.resolve(cell_text(raw))
    if column.type in ("number", "integer"):
        return _number(raw, column.type)
    return cell_text(raw)


def _translate(column: Column, raw: object) -> object:
    text = cell_text(raw)
    if text in column.values:
        return column.values[text]
    stored = {v for v in column.values.values() if isinstance(v, str)}
    if text in stored:  # the stored value itself (government) is accepted as well as its text
        return text
    raise CellError("cell-value", options=", ".join(column.options))


def _boolean(column: Column, raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    text = cell_text(raw)
    if text in column.values and isinstance(column.values[text], bool):
        return column.values[text]
    word = BOOLEAN_WORDS.get(text.lower())
    if word is not None:
        return word
    yes, no = (column.options + ["是", "否"])[:2]
    raise CellError("cell-boolean", yes=yes, no=no)


_AMOUNT = re.compile(r"(?P<cur1>[A-Z]{3})?\s*(?P<number>[-+]?(?:\d+(?:\.\d*)?|\.\d+))\s*(?P<cur2>[A-Z]{3})?")


def parse_amount(raw: object, currency: str) -> str:
    """A cell as an archive amount "12000.00 CNY": a number cell in the column's currency,
    or text such as 12,000.5 / ¥12000 / 120.00 USD. More than two decimals is refused (a
    difference below 10⁻⁹, the noise of a spreadsheet's floating point, is rounded)."""
    if isinstance(raw, bool):
        raise CellError("cell-amount", currency=currency)
    if isinstance(raw, (int, Decimal)):
        number, unit = Decimal(raw), currency
    elif isinstance(raw, float):
        number, unit = Decimal(repr(raw)), currency
    else:
        text = cell_text(raw)
        for mark in (",", "，", "¥", "￥", "元", "\u2009", " "):
            text = text.replace(mark, "")
        text = text.replace("RMB", "CNY")
        match = _AMOUNT.fullmatch(text)
        if not match or (match.group("cur1") and match.group("cur2")):
            raise CellError("cell-amount", currency=currency)
        number = Decimal(match.group("number"))
        unit = match.group("cur1") or match.group("cur2") or currency
    if not number.is_finite():
        raise CellError("cell-amount", currency=currency)
    if number.copy_abs() >= AMOUNT_LIMIT:  # the schemas' amounts have at most 15 digits before the point
        raise CellError("cell-amount-range", limit=f"{AMOUNT_LIMIT:,}")
    rounded = number.quantize(CENT, rounding=ROUND_HALF_EVEN)
    if abs(number - rounded) > Decimal("1e-9"):
        raise CellError("cell-amount-decimals", currency=currency)
    if rounded == 0:
        rounded = abs(rounded)  # never "-0.00"
    return f"{rounded:.2f} {unit}"


def parse_currency(raw: object) -> str:
    """An ISO 4217 code (CNY, USD); 人民币, RMB and ¥ are CNY."""
    text = cell_text(raw).upper()
    text = CURRENCY_WORDS.get(text, text)
    if not re.fullmatch(r"[A-Z]{3}", text):
        raise CellError("cell-currency")
    return text


def _with_currency(values: dict, amount: Column, currency: str) -> None:
    """An amount read in the new layout takes the currency of its currency column; one whose own
    text names another currency (120.00 USD beside EUR) is a contradiction."""
    parts = split_amount(values.get(amount.field))
    if parts is None:  # no amount, or one exported without the key to decrypt it
        return
    number, unit = parts
    if unit not in (currency, amount.currency):
        raise CellError("cell-currency-conflict", amount=values[amount.field], currency=currency)
    values[amount.field] = f"{number:.2f} {currency}"


def split_amount(value: object) -> tuple[Decimal, str] | None:
    """"12000.00 CNY" → (Decimal('12000.00'), 'CNY'); None for anything else."""
    if not isinstance(value, str):
        return None
    match = re.fullmatch(r"(-?\d+\.\d{2}) ([A-Z]{3})", value)
    return (Decimal(match.group(1)), match.group(2)) if match else None


_DATE_TEXT = (re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"), re.compile(r"(\d{4})(\d{2})(\d{2})"))


def parse_date(raw: object) -> str:
    """A date cell, or text 2025-03-14 / 2025/3/14 / 2025.3.14 / 2025年3月14日 / 20250314."""
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat()
    if isinstance(raw, dt.date):
        return raw.isoformat()
    if isinstance(raw, str):
        text = raw.strip()
        if " " in text and re.fullmatch(r"\S+ 00:00(:00)?", text):
            text = text.split(" ")[0]  # a date a program wrote with midnight
        for pattern in _DATE_TEXT:
            match = pattern.fullmatch(text)
            if match:
                try:
                    return dt.date(*map(int, match.groups())).isoformat()
                except ValueError:
                    break
    raise CellError("cell-date")


def _number(raw: object, kind: str) -> int | float:
    """A count or quantity: finite (a NaN cell passes every minimum), and within the integers
    every tool holds exactly (loader.MAX_INTEGER; 1e999999999 is not turned into an int)."""
    if isinstance(raw, bool):
        raise CellError("cell-number")
    try:
        number = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw if isinstance(raw, int) else
                                                                           cell_text(raw).replace(",", ""))
    except (InvalidOperation, ValueError):
        raise CellError("cell-number") from None
    if not number.is_finite():
        raise CellError("cell-number")
    if number.copy_abs() > MAX_INTEGER:  # copy_abs: never rounds, so 1e999999999 cannot overflow
        raise CellError("cell-number-range", limit=MAX_INTEGER)
    value: int | float = int(number) if number == number.to_integral_value() else float(number)
    if kind == "integer" and not isinstance(value, int):
        raise CellError("cell-integer")
    return value


def export_value(column: Column, value: object, people: People, for_csv: bool) -> object:
    """The cell export writes for a stored value (None: an empty cell)."""
    if value is None:
        return None
    if column.values and column.type != "boolean":
        return column.label(value)
    if column.type == "boolean":
        return column.label(value) if isinstance(value, bool) else value
    if column.type in ("amount", "currency"):
        parts = split_amount(value)
        if parts is None:
            return value if column.type == "amount" else None  # 已加密 / encrypted: the text as it is
        if column.type == "currency":
            return parts[1]
        return f"{parts[0]:.2f}" if for_csv else parts[0]
    if column.type == "date" and isinstance(value, str) and not for_csv:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    if column.type == "person":
        return people.label(value)
    return value


# --- sheets ---------------------------------------------------------------------------------


@dataclass
class Sheet:
    """The cells of one sheet as read: rows[0] is row 1; None for an empty cell."""

    name: str  # used in references: the sheet's name, for csv the file's stem
    rows: list[tuple]


def read_sheet(path: Path, mapping: Mapping) -> Sheet:
    """The mapping's sheet of an xlsx workbook (or its only sheet), or a csv file; sizes are
    bounded before anything is unpacked or parsed. An xlsx is read in a child process
    (xlsx_reader.py)."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise UsageError("sheet-file-missing", file=str(path))
    if suffix not in (".csv", ".xlsx", ".xlsm"):
        raise UsageError("sheet-format", file=str(path))
    size = path.stat().st_size
    if size > MAX_SHEET_BYTES:
        raise _too_large(path.name, "sheet-too-large", size)
    if suffix == ".csv":
        return Sheet(path.stem, _read_csv(path))
    _check_unpacked_size(path)
    from .xlsx_reader import read_xlsx

    return Sheet(*read_xlsx(path, mapping.sheet))


def _too_large(name: str, key: str, size: int) -> SheetProblems:
    return SheetProblems([Problem(name, 0, 0, SHEET, key, {"file": name, "size": f"{size / 2**20:.1f}",
                                                           "limit": f"{MAX_SHEET_BYTES / 2**20:.0f}"})])


def _check_unpacked_size(path: Path) -> None:
    """An xlsx is a zip: what its directory says the parts unpack to is bounded before openpyxl
    unpacks anything (a 400 KiB file can expand to 400 MiB). zipfile never inflates a part past
    the size its directory gives, so a directory that lies yields a damaged part, not more."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DossierError("sheet-unreadable", file=str(path), detail=f"{type(exc).__name__}: {exc}") from None
    unpacked = sum(part.file_size for part in parts)
    if unpacked > MAX_SHEET_BYTES or len(parts) > MAX_SHEET_PARTS:
        raise _too_large(path.name, "sheet-unpacks-too-large", unpacked)


def _read_csv(path: Path) -> list[tuple]:
    """UTF-8 (with or without a byte-order mark), else GB18030, as Chinese Excel saves csv;
    separated by commas, or by tabs or semicolons when the first line says so."""
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise DossierError("sheet-encoding", file=str(path))
    first = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=first.count) if first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        for row in reader:
            rows.append(tuple(cell if cell != "" else None for cell in row))
    except csv.Error as exc:  # a cell over the csv module's limit (128 KiB), a NUL byte, a stray quote
        raise SheetProblems([Problem(path.stem, reader.line_num, 0, SHEET, "sheet-csv-unreadable",
                                     {"detail": str(exc)})]) from None
    return rows


@dataclass
class Layout:
    """Where the mapping's columns are in a sheet."""

    header_row: int  # 1-based
    columns: dict[int, Column]  # 1-based sheet column → mapped column
    where: dict[str, int]  # field → 1-based sheet column
    warnings: list[Problem]


def find_layout(sheet: Sheet, mapping: Mapping) -> Layout:
    """Find the header row and the columns; SheetProblems for missing required columns or a
    heading used twice. Headings the mapping does not know are warnings (ignored columns)."""
    lookup = {normal_header(name): column for column in mapping.sheet_columns for name in column.names}
    if mapping.header_row:
        header_row = mapping.header_row
    else:
        header_row = 0
        for number, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS], start=1):
            hits = sum(normal_header(cell) in lookup for cell in row)
            if hits >= min(2, len(mapping.columns)):
                header_row = number
                break
        if not header_row:
            raise SheetProblems([Problem(sheet.name, 0, 0, SHEET, "sheet-header-missing",
                                         {"columns": ", ".join(c.header for c in mapping.columns[:6]),
                                          "rows": HEADER_SEARCH_ROWS})])
    cells = sheet.rows[header_row - 1] if header_row <= len(sheet.rows) else ()
    columns: dict[int, Column] = {}
    where: dict[str, int] = {}
    problems, warnings = [], []
    for index, cell in enumerate(cells, start=1):
        name = normal_header(cell)
        if not name:
            continue
        column = lookup.get(name)
        if column is None:
            warnings.append(Problem(sheet.name, header_row, index, SHEET, "sheet-column-ignored",
                                    {"header": cell_text(cell), "file": mapping.file}, "warning"))
        elif column.field in where:
            problems.append(Problem(sheet.name, header_row, index, SHEET, "sheet-column-twice",
                                    {"header": cell_text(cell),
                                     "other": cell_ref(sheet.name, header_row, where[column.field])}))
        else:
            columns[index] = column
            where[column.field] = index
    for column in mapping.columns:
        if column.required and column.field not in where:
            problems.append(Problem(sheet.name, header_row, 0, SHEET, "sheet-column-missing",
                                    {"header": column.header}))
    if not columns:
        problems.append(Problem(sheet.name, header_row, 0, SHEET, "sheet-header-missing",
                                {"columns": ", ".join(c.header for c in mapping.columns[:6]),
                                 "rows": HEADER_SEARCH_ROWS}))
    if problems:
        raise SheetProblems(problems + warnings)
    return Layout(header_row, columns, where, warnings)


@dataclass
class Row:
    """One data row: its number and its converted values by field; problems in its cells."""

    number: int
    values: dict[str, object]  # field → stored value, for the non-empty cells
    raw: dict[str, object]  # field → the cell as read, for the non-empty cells
    problems: list[Problem]


def data_rows(sheet: Sheet, mapping: Mapping, layout: Layout, people: People) -> list[Row]:
    """The rows below the header that hold anything in a mapped column, converted."""
    found = (data_row(sheet.name, number, sheet.rows[number - 1], mapping, layout, people)
             for number in range(layout.header_row + 1, len(sheet.rows) + 1))
    return [row for row in found if row is not None]


def data_row(sheet: str, number: int, cells: tuple, mapping: Mapping, layout: Layout, people: People) -> Row | None:
    """Row `number` (its `cells`) converted; None when it holds nothing in a mapped column."""
    values, raw, problems = {}, {}, []
    for index, column in layout.columns.items():
        cell = cells[index - 1] if index <= len(cells) else None
        if is_empty(cell):
            continue
        raw[column.field] = cell
        try:
            values[column.field] = convert(column, cell, people)
        except CellError as exc:
            problems.append(Problem(sheet, number, index, CELL, exc.key,
                                    {"column": column.header, "value": _short(cell_text(cell)), **exc.args_}))
    if not raw:
        return None  # an empty row (or one with only unmapped cells)
    _fold_currencies(sheet, number, layout, values, problems)
    for column in mapping.columns:
        if column.required and column.field in layout.where and column.field not in raw:
            problems.append(Problem(sheet, number, layout.where[column.field], CELL, "cell-empty",
                                    {"column": column.header}))
    return Row(number, values, raw, problems)


def _fold_currencies(sheet: str, number: int, layout: Layout, values: dict, problems: list[Problem]) -> None:
    """Each currency cell read goes into its amount's value (and out of the values: it fills no
    field of its own)."""
    for index, column in layout.columns.items():
        if column.type != "currency" or column.field not in values:
            continue
        currency = values.pop(column.field)
        amount_index = layout.where.get(column.field.removesuffix(CURRENCY_SUFFIX))
        if amount_index is None:
            continue
        try:
            _with_currency(values, layout.columns[amount_index], currency)
        except CellError as exc:
            problems.append(Problem(sheet, number, index, CELL, exc.key, {"column": column.header, **exc.args_}))


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "…"


# --- field paths in plain data --------------------------------------------------------------


def get_path(data: object, path: tuple) -> object:
    for part in path:
        if isinstance(part, int):
            if not isinstance(data, list) or part >= len(data):
                return None
        elif not isinstance(data, dict):
            return None
        data = data[part] if isinstance(part, int) else data.get(part)
    return data


def set_path(data: dict, path: tuple, value: object) -> None:
    """Set a value, making the mappings and list entries on the way (a list is padded with
    empty mappings up to the index)."""
    container: Any = data
    for part, following in zip(path, path[1:]):
        empty = [] if isinstance(following, int) else {}
        if isinstance(part, int):
            while len(container) <= part:
                container.append({} if not isinstance(following, int) else [])
            if not isinstance(container[part], type(empty)):
                container[part] = empty
            container = container[part]
        else:
            if not isinstance(container.get(part), type(empty)):
                container[part] = empty
            container = container[part]
    last = path[-1]
    if isinstance(last, int):
        while len(container) <= last:
            container.append(None)
    container[last] = value


def field_name(path: tuple) -> str:
    return schema_errors.field_path(path)
