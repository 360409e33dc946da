"""Creating items: `dossier new` allocates the next code and writes a draft 草稿.

(Modification, deletion, restore and purge join this module with the git issue.)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from . import numbering, yamlio
from .config import Archive, Person
from .errors import DossierError
from .fsutil import atomic_write_text
from .loader import LoadError, load_file
from .schemas import SchemaSet

PLACEHOLDER = "待填写"  # "to be filled in": valid text the author replaces


@dataclass(frozen=True)
class NewItem:
    path: Path
    code: str


def new_item(
    archive: Archive,
    schemas: SchemaSet,
    actor: Person,
    item_type: str,
    customer: str | None,
    title: str | None,
    date: dt.date,
) -> NewItem:
    if item_type not in schemas.dispatch.category_of:
        raise DossierError("unknown-type", type=item_type, types=", ".join(schemas.types))
    category = schemas.dispatch.category_of[item_type]
    card = _customer_card(archive.root, customer) if customer else None
    if customer is None and category in (1, 2, 3, 4):
        raise DossierError("customer-needed", type=item_type, category=category)
    manager = _section_holder(archive, actor, card, customer)
    code = numbering.next_code(archive.root, str(category), date.year, manager.section)
    type_schema = schemas.type_schema(item_type)
    item = {
        "code": str(code),
        "category": category,
        "type": item_type,
        "title": title or _default_title(card, type_schema, item_type),
        **({"customer": customer} if customer else {}),
        "manager": manager.id,
        "handler": actor.id,
        "date": date.isoformat(),
        "pages": 1,
        "retention": archive.settings.retention(category),
        "secrecy": "内部",
        "status": "draft",
        "signatures": {"handler": {"person": actor.id, "date": date.isoformat()}},
        "content": draft_value(type_schema, {"date": date.isoformat(), "person": actor.id,
                                             "customer": customer or "", "percent": "0%",
                                             "amount": f"0.00 {archive.settings.data.get('currency', 'CNY')}"}),
    }
    path = archive.root / code.path
    atomic_write_text(path, yamlio.dump(item))
    return NewItem(path, str(code))


def _customer_card(root: Path, customer: str) -> dict:
    path = root / "customers" / f"{customer}.yaml"
    if not path.is_file():
        raise DossierError("unknown-customer-option", customer=customer)
    try:
        data = load_file(path, f"customers/{customer}.yaml").data
    except LoadError as exc:
        from .errors import ProblemError

        raise ProblemError(exc.problem) from None
    return data if isinstance(data, dict) else {}


def _section_holder(archive: Archive, actor: Person, card: dict | None, customer: str | None) -> Person:
    """The acting person's own section; for someone without one (an archivist, other
    staff adding material), the section of the customer's manager."""
    if actor.is_customer_manager and actor.section:
        return actor
    manager = archive.people.get((card or {}).get("manager", ""))
    if manager and manager.section:
        return manager
    raise DossierError("no-section", person=actor.id, customer=customer or "-")


def _default_title(card: dict | None, type_schema: dict, item_type: str) -> str:
    label = type_schema.get("title", item_type).split(" ")[0]
    name = (card or {}).get("name", "")
    return f"{name}{label}" if name else label


def draft_value(schema: dict, known: dict[str, str]) -> object:
    """A value that satisfies `schema` with placeholders: required fields only.
    `known` fills the common definitions ($defs date, person, customer, amount, percent)."""
    if "$ref" in schema:
        return known.get(schema["$ref"].rsplit("/", 1)[-1], PLACEHOLDER)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        properties = schema.get("properties", {})
        return {name: draft_value(properties.get(name, {}), known) for name in schema.get("required", [])}
    if kind == "array":
        return [draft_value(schema.get("items", {}), known) for _ in range(schema.get("minItems", 0))]
    if kind in ("integer", "number"):
        return schema.get("minimum", 1)
    if kind == "boolean":
        return False
    return PLACEHOLDER
