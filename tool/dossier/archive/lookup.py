"""What a user types for a customer, a person or a type, made into the archive's ids.

`--customer` takes an id (C0007), a name or short name (山西华宇房地产开发有限公司, 华宇地产) or a part
of one that names a single customer (华宇); `--manager` an id, an e-mail or a name (李娜); `--type`
an item type. A value that names nothing known is a usage error naming the closest known value,
never an empty listing that looks like "no such items".
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from .errors import UsageError


@dataclass(frozen=True)
class Customer:
    """A customer card's identifying fields 客户资料卡."""

    id: str
    name: str
    short_name: str
    data: dict


def customers(root: Path) -> list[Customer]:
    """The customers whose cards can be read, by id (unreadable cards: `validate` names them)."""
    from .catalogue import load_cards

    cards, _ = load_cards(root)
    found = []
    for card_id, doc in sorted(cards.items()):
        data = doc.data if isinstance(doc.data, dict) else {}
        found.append(Customer(card_id, _text(data.get("name")), _text(data.get("short_name")), data))
    return found


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def closest(value: str, known: list[str]) -> str:
    """The known value nearest to `value` (for "did you mean"), or '-' when nothing is near."""
    near = difflib.get_close_matches(value, known, n=1, cutoff=0.5)
    if not near:
        lowered = {k.lower(): k for k in known}
        near = [lowered[k] for k in difflib.get_close_matches(value.lower(), list(lowered), n=1, cutoff=0.4)]
    return near[0] if near else "-"


def customer_id(root: Path, text: str, option: str = "--customer") -> str:
    """The id of the customer `text` names: an id, a name or short name, or a part of one naming only one."""
    if text and "/" not in text and "\\" not in text and (root / "customers" / f"{text}.yaml").is_file():
        return text  # an id: no card needs reading
    known = customers(root)
    for customer in known:
        if text in (customer.id, customer.name, customer.short_name) or text.upper() == customer.id:
            return customer.id
    partial = [c for c in known if text and (text in c.name or text in c.short_name)]
    if len(partial) == 1:
        return partial[0].id
    if partial:
        raise UsageError("filter-ambiguous", option=option, value=text,
                         candidates="、".join(f"{c.id} {c.name}" for c in partial[:8]))
    names = [c.id for c in known] + [c.name for c in known if c.name] + [c.short_name for c in known if c.short_name]
    raise UsageError("filter-unknown", option=option, value=text, closest=closest(text, names))


def person_id(people: dict, text: str, option: str = "--manager") -> str:
    """The id of the person `text` names: an id, an e-mail or a name in people.yaml."""
    for person in people.values():
        if text in (person.id, person.name) or text.lower() == person.email.lower():
            return person.id
    names = [p.id for p in people.values()] + [p.name for p in people.values()]
    raise UsageError("filter-unknown", option=option, value=text, closest=closest(text, names))


def item_type(types: list[str], text: str, option: str = "--type") -> str:
    if text in types:
        return text
    raise UsageError("filter-unknown", option=option, value=text, closest=closest(text, types))


def enum_value(field: str, allowed: list[str], text: str, option: str) -> str:
    """A value of an enumerated field (grade, nature…), given as stored or by its Chinese label."""
    from .vocabulary import ENUM_LABELS

    if text in allowed:
        return text
    labels = ENUM_LABELS.get(field, {})
    for value in allowed:
        if labels.get(value) == text or value.lower() == text.lower():
            return value
    raise UsageError("filter-unknown", option=option, value=text,
                     closest=closest(text, allowed + [labels[v] for v in allowed if v in labels]))


def section(people: dict, text: str, option: str = "--section") -> str:
    sections = sorted({p.section for p in people.values() if p.section})
    if text.upper() in sections:
        return text.upper()
    raise UsageError("filter-unknown", option=option, value=text, closest=closest(text.upper(), sections))


def item_filters(root: Path, category, year, section_text, customer, manager, status, type_text):
    """catalogue.Filters from the command line's values, each checked against what the archive knows."""
    from .catalogue import Filters
    from .config import open_archive

    people = open_archive(root).people if section_text or manager else {}
    if type_text:
        from .schemas import SchemaSet

        type_text = item_type(SchemaSet(root / "schemas").types, type_text)
    return Filters(category, year, section(people, section_text) if section_text else None,
                   customer_id(root, customer) if customer else None,
                   person_id(people, manager) if manager else None, status, type_text)
