"""The archive's JSON Schemas (archive/schemas/), compiled once and reused.

Schemas live inside the archive, versioned with the data. Each schema file is
registered under a URI built from its path, so the relative `$ref`s that editors and
check-jsonschema follow on disk resolve the same way here, without any retrieval.

For speed the item envelope is not evaluated with its 30 `if/then` dispatch branches:
the envelope is checked without them and `content` with the type's own validator,
which is what the dispatch amounts to (jsonschema's docs: build one validator per
schema and reuse it).

Fields marked `x-confidential: true` may hold an age-encrypted value (crypto.py) in place of
the value: the validators are compiled from copies in which such a field accepts the armored
text, and the value's own schema applies otherwise. `documents` keeps the schemas as written.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import jsonschema
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .errors import DossierError

BASE_URI = "https://customer-dossier.invalid/schemas/"
SCHEMA_SUFFIX = ".schema.json"
CONFIDENTIAL = "x-confidential"
ARMOR_PATTERN = "^-----BEGIN AGE ENCRYPTED FILE-----"  # crypto.ARMOR_BEGIN; its form is checked by the rule
Pattern = tuple  # a path into a document, "*" standing for every item of a list
# Common definitions that narrow another (common.schema.json): for display, sheets and drafts a
# non-negative amount is an amount.
NARROWED = {"non_negative_amount": "amount"}


def value_kind(schema: dict) -> str | None:
    """The common definition a field's schema refers to ('amount', 'date', 'person' …), or None."""
    ref = schema.get("$ref")
    if not isinstance(ref, str):
        return None
    name = ref.rsplit("/", 1)[-1]
    return NARROWED.get(name, name)


@dataclass(frozen=True)
class Dispatch:
    """The type → category → content schema table read from the envelope's allOf."""

    category_of: dict[str, object]
    content_ref: dict[str, str]


def _read_schema(path: Path, rel: str) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DossierError("schema-json", file=rel, line=exc.lineno, column=exc.colno, detail=exc.msg) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DossierError("schema-json", file=rel, line=0, column=0, detail=str(exc)) from None


def _split_dispatch(item_schema: dict) -> tuple[dict, Dispatch]:
    """Separate the envelope's type dispatch (if type == T then category/content) from the rest."""
    envelope = copy.deepcopy(item_schema)
    category_of, content_ref, rest = {}, {}, []
    for branch in envelope.get("allOf", []):
        type_const = branch.get("if", {}).get("properties", {}).get("type", {}).get("const")
        if type_const is None:
            rest.append(branch)
            continue
        then = branch["then"]["properties"]
        category_of[type_const] = then["category"]["const"]
        content_ref[type_const] = then["content"]["$ref"]
    envelope["allOf"] = rest
    return envelope, Dispatch(category_of, content_ref)


def _accepting_sealed(node: object) -> object:
    """A copy of a schema in which every confidential field also accepts an armored value."""
    if isinstance(node, list):
        return [_accepting_sealed(inner) for inner in node]
    if not isinstance(node, dict):
        return node
    copied = {key: _accepting_sealed(inner) for key, inner in node.items()}
    if copied.get(CONFIDENTIAL) is True:
        return {CONFIDENTIAL: True, "if": {"type": "string", "pattern": ARMOR_PATTERN}, "else": copied}
    return copied


def confidential_patterns(schema: dict, prefix: Pattern = ()) -> list[Pattern]:
    """Where a document of `schema` holds confidential values: marks on its properties and list
    items (not inside referenced definitions, which are shared by plain fields too)."""
    if not isinstance(schema, dict):
        return []
    if schema.get(CONFIDENTIAL) is True:
        return [prefix]
    found = []
    for key, sub in schema.get("properties", {}).items():
        found += confidential_patterns(sub, prefix + (key,))
    if isinstance(schema.get("items"), dict):
        found += confidential_patterns(schema["items"], prefix + ("*",))
    return found


class SchemaSet:
    """Every schema of one archive, with compiled validators."""

    def __init__(self, schema_dir: Path) -> None:
        self.dir = schema_dir
        self.documents: dict[str, dict] = {}
        for path in sorted(schema_dir.rglob("*" + SCHEMA_SUFFIX)):
            rel = path.relative_to(schema_dir).as_posix()
            self.documents[rel] = _read_schema(path, "schemas/" + rel)
        for name in ("item", "customer", "people", "archive", "access"):
            if f"{name}{SCHEMA_SUFFIX}" not in self.documents:
                raise DossierError("schema-missing", file=f"schemas/{name}{SCHEMA_SUFFIX}")
        self._checked = {rel: _accepting_sealed(doc) for rel, doc in self.documents.items()}
        self.registry = Registry().with_resources(
            (BASE_URI + rel, Resource.from_contents(doc, default_specification=DRAFT202012))
            for rel, doc in self._checked.items()
        )
        envelope, self.dispatch = _split_dispatch(self._checked["item" + SCHEMA_SUFFIX])
        self._confidential: dict[str, tuple[Pattern, ...]] = {}
        self._validators: dict[str, Draft202012Validator] = {}
        self._validators["item-envelope"] = self._compile(envelope, "item" + SCHEMA_SUFFIX)
        self.types = sorted(self.dispatch.category_of)

    def _compile(self, schema: dict, rel: str) -> Draft202012Validator:
        try:
            Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as exc:
            raise DossierError("schema-invalid", file="schemas/" + rel, detail=exc.message) from None
        schema = {**schema, "$id": BASE_URI + rel}
        return Draft202012Validator(schema, registry=self.registry, format_checker=FormatChecker())

    def validator(self, name: str) -> Draft202012Validator:
        """'customer', 'people', 'archive', 'access', 'item-envelope' or 'type:<item type>'."""
        if name not in self._validators:
            if name.startswith("type:"):
                rel = "item" + SCHEMA_SUFFIX
                ref = self.dispatch.content_ref[name[5:]]
                self._validators[name] = self._compile(self._checked[ref], ref) if ref in self._checked else None
            else:
                rel = name + SCHEMA_SUFFIX
                self._validators[name] = self._compile(self._checked[rel], rel)
        return self._validators[name]

    def type_schema(self, item_type: str) -> dict:
        return self.documents.get(self.dispatch.content_ref.get(item_type, ""), {})

    def confidential(self, kind: str) -> tuple[Pattern, ...]:
        """Where the confidential values of a customer card ('customer') or of an item of type
        `kind` are; an item's content paths start with 'content'."""
        if kind not in self._confidential:
            if kind == "customer":
                found = confidential_patterns(self.documents["customer" + SCHEMA_SUFFIX])
            else:
                found = confidential_patterns(self.documents["item" + SCHEMA_SUFFIX])
                found += confidential_patterns(self.type_schema(kind), ("content",))
            self._confidential[kind] = tuple(found)
        return self._confidential[kind]

    def fingerprint(self) -> str:
        """Changes whenever any schema changes: part of the validation cache key."""
        import hashlib

        digest = hashlib.sha256()
        for rel, doc in sorted(self.documents.items()):
            digest.update(rel.encode() + json.dumps(doc, sort_keys=True).encode())
        return digest.hexdigest()

    def iter_item_errors(self, data: dict) -> Iterator[jsonschema.ValidationError]:
        """Envelope errors, then the content errors of the item's type (paths under 'content')."""
        yield from self.validator("item-envelope").iter_errors(data)
        item_type = data.get("type")
        content = data.get("content")
        if item_type in self.dispatch.content_ref and isinstance(content, dict):
            type_validator = self.validator("type:" + item_type)
            if type_validator is not None:
                for error in type_validator.iter_errors(content):
                    error.path.appendleft("content")  # report it where it sits in the item
                    yield error
