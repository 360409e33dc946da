"""An item as the templates see it: every value labelled and formatted, driven by the type
schema (property titles are the Chinese labels, enum descriptions "履行中 / 已履行 / 已终止"
name the enum values, `$ref`s say which values are dates, amounts, people or customers).

A new item type needs no code here: the generic template lays out whatever its schema
describes; types that read better as a form or a ledger have their own template.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ...archive.schemas import value_kind
from .environment import amount, date_zh, yes_no

SIGNATURE_LABELS = (("customer", "客户签字"), ("handler", "经办人"), ("supervisor", "直接领导审批"))


@dataclass
class Names:
    """Display names: people (id → name) and customers (id → name)."""

    people: dict[str, str] = field(default_factory=dict)
    customers: dict[str, str] = field(default_factory=dict)
    find_customer: Callable[[str], str] | None = None  # reads a customer's name when it is not known yet

    def person(self, person_id: object) -> str:
        return self.people.get(str(person_id), str(person_id)) if person_id is not None else ""

    def customer(self, customer_id: object) -> str:
        if customer_id is None:
            return ""
        if str(customer_id) not in self.customers and self.find_customer is not None:
            self.customers[str(customer_id)] = self.find_customer(str(customer_id))
        name = self.customers.get(str(customer_id))
        return f"{name}（{customer_id}）" if name else str(customer_id)


@dataclass
class Field:
    """One labelled value of an item's content.

    kind: "text" (value), "long" (a paragraph, full width), "list" (values, one per line),
    "table" (columns and rows: an array of objects), "group" (children: a nested object).
    """

    key: str
    label: str
    kind: str
    value: str = ""
    values: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    children: list["Field"] = field(default_factory=list)


LONG_TEXT = 40  # characters: longer text gets a full-width row


def enum_labels(schema: dict) -> dict:
    """{'open': '履行中', …} from an enum whose description lists one label per value."""
    values = schema.get("enum")
    description = schema.get("description")
    if not values or not isinstance(description, str):
        return {}
    labels = [part.strip() for part in description.split(" / ")]
    return dict(zip(values, labels)) if len(labels) == len(values) else {}


def format_value(value: object, schema: dict, names: Names) -> str:
    """One scalar, as a person reads it."""
    kind = value_kind(schema)
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes_no(value)
    if kind == "date":
        return date_zh(value)
    if kind == "amount":
        return amount(value)
    if kind == "person":
        return names.person(value)
    if kind == "customer":
        return names.customer(value)
    labels = enum_labels(schema)
    if value in labels:
        return labels[value]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    if kind is None and isinstance(value, str):  # dates and amounts without a schema saying so
        formatted = date_zh(text)
        if formatted == text:
            formatted = amount(text)
        return formatted
    return text


def _title(schema: dict, key: str) -> str:
    title = schema.get("title")
    return title if isinstance(title, str) and title else key


def content_fields(content: object, schema: dict, names: Names) -> list[Field]:
    """The content of an item as labelled fields, in the schema's order (then any others)."""
    if not isinstance(content, dict):
        return []
    properties = schema.get("properties", {}) if isinstance(schema, dict) else {}
    keys = [k for k in properties if k in content] + [k for k in content if k not in properties]
    return [_field(key, content[key], properties.get(key, {}), names) for key in keys]


def _field(key: str, value: object, schema: dict, names: Names) -> Field:
    label = _title(schema, key)
    if isinstance(value, dict):
        return Field(key, label, "group", children=content_fields(value, schema, names))
    if isinstance(value, list):
        item_schema = schema.get("items", {}) if isinstance(schema.get("items"), dict) else {}
        if value and all(isinstance(entry, dict) for entry in value):
            columns, rows = table(value, item_schema, names)
            return Field(key, label, "table", columns=columns, rows=rows)
        return Field(key, label, "list", values=[format_value(v, item_schema, names) for v in value])
    text = format_value(value, schema, names)
    return Field(key, label, "long" if len(text) > LONG_TEXT or "\n" in text else "text", value=text)


def table(entries: list[dict], item_schema: dict, names: Names) -> tuple[list[str], list[list[str]]]:
    """Columns (the item schema's titles) and formatted rows of an array of objects."""
    properties = item_schema.get("properties", {})
    keys = [k for k in properties if any(k in e for e in entries)]
    keys += [k for e in entries for k in e if k not in properties and k not in keys]
    columns = [_title(properties.get(k, {}), k) for k in keys]
    rows = []
    for entry in entries:
        row = []
        for k in keys:
            inner = entry.get(k)
            sub = properties.get(k, {})
            if isinstance(inner, list):
                row.append("、".join(format_value(v, sub.get("items", {}), names) for v in inner))
            elif isinstance(inner, dict):
                row.append("；".join(f"{f.label}：{f.value}" for f in content_fields(inner, sub, names)))
            else:
                row.append(format_value(inner, sub, names))
        rows.append(row)
    return columns, rows


def signatures(data: dict, names: Names) -> list[dict]:
    """The three signatures 客户签字 / 经办人 / 直接领导审批 with name and date."""
    found = data.get("signatures") if isinstance(data.get("signatures"), dict) else {}
    rows = []
    for which, label in SIGNATURE_LABELS:
        entry = found.get(which) if isinstance(found.get(which), dict) else None
        if which == "customer" and not data.get("customer") and entry is None:
            continue
        if entry is None:
            rows.append({"label": label, "name": "", "date": ""})
            continue
        name = entry.get("name") or names.person(entry.get("person"))
        rows.append({"label": label, "name": str(name), "date": date_zh(entry.get("date"))})
    return rows
