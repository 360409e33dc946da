"""The envelope's type dispatch (item.schema.json: if type == T then category and content),
read as plain JSON: what output needs to name types, without loading a validator (schemas.py
compiles the schemas; importing it alone costs more than a whole `dossier find`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

ITEM_SCHEMA = "item.schema.json"


@dataclass(frozen=True)
class Dispatch:
    """The type → category → content schema table read from the envelope's allOf."""

    category_of: dict[str, object]
    content_ref: dict[str, str]


def read_dispatch(item_schema: dict) -> tuple[list, Dispatch]:
    """The envelope's allOf branches other than the dispatch, and the dispatch."""
    category_of, content_ref, rest = {}, {}, []
    for branch in item_schema.get("allOf", []):
        type_const = branch.get("if", {}).get("properties", {}).get("type", {}).get("const")
        if type_const is None:
            rest.append(branch)
            continue
        then = branch["then"]["properties"]
        category_of[type_const] = then["category"]["const"]
        content_ref[type_const] = then["content"]["$ref"]
    return rest, Dispatch(category_of, content_ref)


def type_titles(schema_dir: Path) -> dict[str, str]:
    """Item type → its schema's title ('Chinese English'); {} when the schemas cannot be read as
    this needs (validate names what is wrong with them: here a type is then shown by its code)."""
    try:
        _, dispatch = read_dispatch(json.loads((schema_dir / ITEM_SCHEMA).read_text(encoding="utf-8")))
        return {item_type: str(json.loads((schema_dir / ref).read_text(encoding="utf-8")).get("title", ""))
                for item_type, ref in dispatch.content_ref.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}
