"""A customer card's top-level values set in place 客户资料卡: `report quarterly --apply` changes a
card's classes, `customer reassign` its manager. The value of a top-level `key:` line is replaced (a
comment after it is kept), or a missing key is inserted after the keys that come before it in the
card schema. The edited text is loaded again and must hold exactly the old data with the new values;
if it does not (an unusual layout), the card is written out whole instead.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from . import yamlio
from .errors import DossierError
from .loader import LoadError, load_bytes

CARD_ORDER = ("id", "name", "short_name", "address", "phone", "owner", "legal_representative", "founded",
              "first_trade", "organisation_type", "nature", "industry", "assets", "manager", "grade",
              "volume_class", "time_class", "abc_class", "region", "route", "country", "export", "member_since",
              "credit_limit", "payment_terms", "contacts", "status", "remarks")
_TOP_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*:")


def card_order(root: Path) -> tuple[str, ...]:
    """The key order of the archive's own card schema (falls back to the default order)."""
    try:
        schema = json.loads((root / "schemas" / "customer.schema.json").read_text(encoding="utf-8"))
        keys = tuple(schema.get("properties", {}))
        return keys or CARD_ORDER
    except (OSError, ValueError, AttributeError):
        return CARD_ORDER


def edit_card(raw: bytes, rel: str, changes: dict[str, str], order: tuple[str, ...] = CARD_ORDER) -> bytes:
    """The card's bytes with `changes` (top-level key → new scalar value) applied."""
    before = load_bytes(raw, rel).data
    if not isinstance(before, dict):
        raise DossierError("report-card-unreadable", file=rel)
    expected = dict(before)
    expected.update(changes)
    text = raw.decode("utf-8")
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    for key, value in changes.items():
        lines = _set_line(lines, key, value, order, newline)
    edited = "".join(lines).encode("utf-8")
    try:
        after = load_bytes(edited, rel).data
    except LoadError:
        after = None
    if after != expected:  # an unusual layout: write the whole card instead
        merged = {k: expected[k] for k in sorted(expected, key=lambda k: order.index(k) if k in order else 999)}
        edited = yamlio.dump(merged).encode("utf-8")
    return edited


def _set_line(lines: list[str], key: str, value: str, order: tuple[str, ...], newline: str) -> list[str]:
    pattern = re.compile(rf"^{re.escape(key)}[ \t]*:[ \t]*([^#\r\n]*?)([ \t]+#[^\r\n]*)?(\r?\n)?$")
    for i, line in enumerate(lines):
        match = pattern.match(line)
        if match:
            lines[i] = f"{key}: {value}{match.group(2) or ''}{match.group(3) or ''}"
            return lines
    # missing: after the last key that precedes it in the schema's order, past that key's block
    earlier = set(order[: order.index(key)]) if key in order else set(order)
    insert_at = None
    for i, line in enumerate(lines):
        found = _TOP_KEY.match(line)
        if found and found.group(1) in earlier:
            insert_at = i + 1
            while insert_at < len(lines) and not _TOP_KEY.match(lines[insert_at]) \
                    and not lines[insert_at].startswith("#"):
                insert_at += 1
    if insert_at is None:
        insert_at = len(lines)
    if insert_at > 0 and not lines[insert_at - 1].endswith("\n"):
        lines[insert_at - 1] += newline
    lines.insert(insert_at, f"{key}: {value}{newline}")
    return lines

