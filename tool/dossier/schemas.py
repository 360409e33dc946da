"""The archive's JSON Schemas (archive/schemas/), compiled once and reused.

Schemas live inside the archive, versioned with the data. Each schema file is
registered under a URI built from its path, so the relative `$ref`s that editors and
check-jsonschema follow on disk resolve the same way here, without any retrieval.

For speed the item envelope is not evaluated with its 30 `if/then` dispatch branches:
the envelope is checked without them and `content` with the type's own validator,
which is what the dispatch amounts to (jsonschema's docs: build one validator per
schema and reuse it).
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
        self.registry = Registry().with_resources(
            (BASE_URI + rel, Resource.from_contents(doc, default_specification=DRAFT202012))
            for rel, doc in self.documents.items()
        )
        envelope, self.dispatch = _split_dispatch(self.documents["item" + SCHEMA_SUFFIX])
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
                self._validators[name] = self._compile(self.documents[ref], ref) if ref in self.documents else None
            else:
                rel = name + SCHEMA_SUFFIX
                self._validators[name] = self._compile(self.documents[rel], rel)
        return self._validators[name]

    def type_schema(self, item_type: str) -> dict:
        return self.documents.get(self.dispatch.content_ref.get(item_type, ""), {})

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
