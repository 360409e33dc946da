"""Turn jsonschema's errors into Problems an archivist can act on, in both languages.

jsonschema's own messages are English and name the value, not the field; here each
kind of failure gets its own message key, the field's dotted path, and the position of
the offending value (or of the offending key, for fields that should not be there).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Sequence

from .loader import Document
from .problems import Problem
from .schemas import ARMORED_DEF, SchemaSet

if TYPE_CHECKING:
    import jsonschema


def field_path(path: Sequence) -> str:
    """('content', 'lines', 2, 'amount') → 'content.lines[2].amount'."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(document)"


def _kind(value: object) -> str:
    return {bool: "boolean", int: "integer", float: "number", str: "string", list: "list", dict: "mapping"}.get(
        type(value), "null"
    )


def _short(value: object) -> str:
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def schema_problems(doc: Document, schemas: SchemaSet, name: str) -> list[Problem]:
    """The problems of `doc` against schema `name` ('item', 'customer', 'archive' …): none when
    the compiled validator finds it valid, else jsonschema's errors translated (the one way
    every file's schema check goes; tests/test_compiled.py shows the two paths agree)."""
    if schemas.accepts(name, doc.data):
        return []
    errors = schemas.iter_item_errors(doc.data) if name == "item" else schemas.validator(name).iter_errors(doc.data)
    return to_problems(doc, errors)


def to_problems(doc: Document, errors: Iterable[jsonschema.ValidationError]) -> list[Problem]:
    problems, seen = [], set()
    for error in errors:
        if error.schema == ARMORED_DEF:
            continue  # a damaged encrypted value: the confidential rule says what is wrong with it
        path = tuple(error.absolute_path)
        for key, args, position in _translations(doc, error, path):
            args.setdefault("field", field_path(path))
            said = (key, position, tuple(sorted(args.items())))
            if said not in seen:  # see _translations
                seen.add(said)
                problems.append(Problem(doc.file, *position, "schema", key, args))
    return problems


def _translations(doc: Document, error: jsonschema.ValidationError, path: tuple) -> list[tuple[str, dict, tuple]]:
    """One problem per missing field of a `required` (jsonschema reports each missing field with
    the whole list, so every one of them yields them all once more: to_problems keeps one)."""
    if error.validator != "required":
        return [_translate(doc, error, path)]
    missing = [name for name in error.validator_value if isinstance(error.instance, dict) and name not in error.instance]
    return [("schema-required", {"name": name}, doc.position(path)) for name in missing]


def _translate(doc: Document, error: jsonschema.ValidationError, path: tuple) -> tuple[str, dict, tuple[int, int]]:
    kind, expected, instance = error.validator, error.validator_value, error.instance
    position = doc.position(path)
    if kind == "additionalProperties":
        allowed = error.schema.get("properties", {})
        extra = [k for k in instance if k not in allowed] if isinstance(instance, dict) else []
        if extra:
            where = doc.key_positions.get(path + (extra[0],), position)
            return "schema-unknown-field", {"name": extra[0], "field": field_path(path + (extra[0],)),
                                            "allowed": ", ".join(allowed)}, where
    if kind == "type":
        key = "schema-type-amount" if _is_amount(error) and isinstance(instance, (int, float)) else "schema-type"
        return key, {"expected": expected if isinstance(expected, str) else " | ".join(expected),
                     "actual": _kind(instance), "value": _short(instance)}, position
    if kind in ("enum", "const"):
        options = expected if kind == "enum" else [expected]
        return "schema-enum", {"value": _short(instance), "options": ", ".join(map(str, options))}, position
    if kind == "pattern":
        hint = error.schema.get("description", expected)
        return "schema-pattern", {"value": _short(instance), "hint": hint}, position
    if kind == "format":
        return "schema-format", {"value": _short(instance), "format": expected}, position
    return "schema-other", {"detail": error.message}, position


def _is_amount(error: jsonschema.ValidationError) -> bool:
    return "currency" in str(error.schema.get("description", ""))
