"""The archive's JSON Schemas (archive/schemas/), compiled once and reused: 模式.

Schemas live inside the archive, versioned with the data, and dossier uses them exactly as they
are on disk, as any standard tool does (check-jsonschema, ajv, editors through the YAML language
server). Each has an `$id`: its path under schemas/ ("item.schema.json",
"types/contract.schema.json"), so the relative `$ref`s resolve the same way in every tool
without any retrieval.

`pattern` is an ECMA-262 regular expression, as JSON Schema says: it is evaluated by regress
(the engine check-jsonschema uses), not Python's `re`, so dossier agrees with ajv and editors
("107950.00 CNY\n" does not match `^…[A-Z]{3}$`).

For speed the item envelope is not evaluated with its 30 `if/then` dispatch branches:
the envelope is checked without them and `content` with the type's own validator,
which is what the dispatch amounts to (jsonschema's docs: build one validator per
schema and reuse it).

A field marked `x-confidential: true` may hold an age-encrypted value (crypto.py) in place of
its value. The schema on disk says so itself, in one form that `sealable` writes and the
loading checks: `{"title": …, "x-confidential": true, "if": ARMOR_IF, "then": {"$ref":
"…common.schema.json#/$defs/age-armored"}, "else": <the value's own schema>}`. Tools that do
not know the keyword ignore it; ajv's strict mode is told of it by schemas/ajv-keywords.cjs
(README, "The schemas in other tools").
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import os
import posixpath
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import regress

from .compiled import Compiled, Verdict
from .errors import DossierError
from .locate import SCHEMA_SUFFIX
from .schema_dispatch import Dispatch, read_dispatch

if TYPE_CHECKING:
    import jsonschema

COMMON = "common" + SCHEMA_SUFFIX
CONFIDENTIAL = "x-confidential"
ARMORED = "age-armored"  # the $defs entry of common.schema.json an encrypted value matches
ARMOR_IF = {"type": "string", "pattern": "^-----BEGIN AGE ENCRYPTED FILE-----"}  # crypto.ARMOR_BEGIN
ARMORED_DEF = {
    "type": "string",
    "pattern": "^-----BEGIN AGE ENCRYPTED FILE-----\\r?\\n([A-Za-z0-9+/=]{1,64}\\r?\\n)+-----END AGE ENCRYPTED FILE-----(\\r?\\n)?$",
    "description": "an age-encrypted value, armored, as `dossier rekey` writes it 加密值",
}
ANNOTATIONS = ("title", "description", "$comment")  # kept on a confidential field itself, for editors
Pattern = tuple  # a path into a document, "*" standing for every item of a list
# Common definitions that narrow another (common.schema.json): for display, sheets and drafts a
# non-negative amount is an amount.
NARROWED = {"non_negative_amount": "amount"}


def value_kind(schema: dict) -> str | None:
    """The common definition a field's schema refers to ('amount', 'date', 'person' …), or None;
    for a confidential field, the one its value in clear refers to."""
    ref = plain(schema).get("$ref")
    if not isinstance(ref, str):
        return None
    name = ref.rsplit("/", 1)[-1]
    return NARROWED.get(name, name)


# --- patterns as ECMA-262 says --------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def ecma_regex(pattern: str) -> regress.Regex:
    """A schema's pattern compiled as ECMA-262 with the "u" flag, as ajv and check-jsonschema do."""
    return regress.Regex(pattern, flags="u")


def ecma_search(pattern: str, text: str) -> bool:
    """Whether `pattern` matches somewhere in `text` (JSON Schema's `pattern`: not anchored)."""
    try:
        return ecma_regex(pattern).find(text) is not None
    except UnicodeEncodeError:  # a lone surrogate, which has no UTF-8 form: matched as a "?"
        return ecma_regex(pattern).find(text.encode("utf-8", "replace").decode()) is not None


def _is_ecma_regex(text: object) -> bool:
    if isinstance(text, str):
        ecma_regex(text)  # raises regress.RegressError: the format checker's "invalid"
    return True


# --- jsonschema, imported when a schema is first compiled ---------------------------------------
# Importing jsonschema and referencing costs about 0.1 s, more than the rest of a `validate` that
# finds nothing changed or of a commit-msg hook; those never compile a schema.


@functools.cache
def format_checker() -> jsonschema.FormatChecker:
    """jsonschema's format checker, with `regex` meaning an ECMA-262 regular expression."""
    from jsonschema import FormatChecker

    formats = FormatChecker()
    formats.checks("regex", raises=regress.RegressError)(_is_ecma_regex)
    return formats


@functools.cache
def schema_validator() -> type:
    """Draft 2020-12 with `pattern` evaluated as ECMA-262 (ecma_search), as jsonschema's class."""
    import jsonschema

    def pattern(validator, pattern: str, instance: object, schema: dict) -> Iterator[jsonschema.ValidationError]:
        if validator.is_type(instance, "string") and not ecma_search(pattern, instance):
            yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")

    return jsonschema.validators.extend(jsonschema.Draft202012Validator, {"pattern": pattern})


# --- reading ----------------------------------------------------------------------------------


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
    envelope["allOf"], dispatch = read_dispatch(envelope)
    return envelope, dispatch


# --- confidential fields: the one place their form is made and checked -----------------------


def sealable(plain: dict, rel: str) -> dict:
    """The form a confidential field takes in schema file `rel`: an age-armored value, or a value
    of its own schema `plain` (a field's annotations stay on the field, for editors)."""
    common = posixpath.relpath(COMMON, posixpath.dirname(rel) or ".")
    outer = {key: plain[key] for key in ANNOTATIONS if key in plain}
    inner = {key: value for key, value in plain.items() if key not in ANNOTATIONS and key != CONFIDENTIAL}
    return {**outer, CONFIDENTIAL: True, "if": ARMOR_IF, "then": {"$ref": f"{common}#/$defs/{ARMORED}"},
            "else": inner}


def plain(field: dict) -> dict:
    """A field's own schema, without the armored alternative of a confidential field."""
    if field.get(CONFIDENTIAL) is not True or "else" not in field:
        return field
    return {**{key: field[key] for key in ANNOTATIONS if key in field}, **field["else"]}


def _confidential_nodes(node: object, pointer: str = "") -> Iterator[tuple[str, dict]]:
    """(JSON pointer, field) of every node marked confidential."""
    if isinstance(node, list):
        for index, inner in enumerate(node):
            yield from _confidential_nodes(inner, f"{pointer}/{index}")
    elif isinstance(node, dict):
        if node.get(CONFIDENTIAL) is True:
            yield pointer, node
        for key, inner in node.items():
            yield from _confidential_nodes(inner, f"{pointer}/{key}")


def check_form(documents: dict[str, dict]) -> None:
    """Every schema has its path as `$id`, every confidential field accepts an encrypted value
    in the one form `sealable` writes, and common.schema.json defines that value."""
    for rel, doc in documents.items():
        if doc.get("$id") != rel:
            raise DossierError("schema-id", file="schemas/" + rel, expected=rel)
        for pointer, field in _confidential_nodes(doc):
            expected = sealable(plain(field), rel)
            if field != expected:
                raise DossierError("schema-confidential-form", file="schemas/" + rel, pointer=pointer or "/",
                                   expected=json.dumps(expected, ensure_ascii=False))
    if documents.get(COMMON, {}).get("$defs", {}).get(ARMORED) != ARMORED_DEF:
        raise DossierError("schema-armored-missing", file="schemas/" + COMMON, name=ARMORED,
                           expected=json.dumps(ARMORED_DEF, ensure_ascii=False))


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


def _check_schemas(documents: dict[str, dict]) -> None:
    """Every schema against the meta-schema: all of them, since a $ref reaches into any. Each
    check costs tens of milliseconds, more than a commit of one item may; a schema found valid
    is remembered by the digest of its content and of the checker's version, as an empty file
    in the user's cache folder (outside the archive; it holds no data), and not checked again."""
    memo = _checked_folder()
    version = _checker_version()
    for rel, doc in documents.items():
        digest = hashlib.sha256(f"{version}\0{rel}\0".encode()
                                + json.dumps(doc, sort_keys=True).encode()).hexdigest()
        if (memo / digest).exists():
            continue
        from jsonschema import SchemaError

        try:
            schema_validator().check_schema(doc, format_checker=format_checker())
        except SchemaError as exc:
            raise DossierError("schema-invalid", file="schemas/" + rel, detail=exc.message) from None
        try:
            memo.mkdir(parents=True, exist_ok=True)
            (memo / digest).touch()
        except OSError:
            pass  # a read-only home: checked again next time


def _checker_version() -> str:
    """The installed versions of jsonschema and of the meta-schemas it checks against, from the
    names of their `.dist-info` folders ("NAME-VERSION.dist-info", the packaging specification's
    "Recording installed projects"): importlib.metadata would say the same, but importing it costs
    30 ms, a tenth of a commit-msg hook."""
    import importlib.util

    found = []
    for project in ("jsonschema", "jsonschema_specifications"):
        spec = importlib.util.find_spec(project)
        folder = Path(spec.origin).parent.parent if spec and spec.origin else None
        names = sorted(p.name for p in folder.glob(project + "-*.dist-info")) if folder else []
        found.append(names[-1] if names else _metadata_version(project))
    return " ".join(found)


def _metadata_version(project: str) -> str:
    """The version as importlib.metadata reads it (an installation without .dist-info folders)."""
    import importlib.metadata

    return importlib.metadata.version(project)


def _checked_folder() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "dossier" / "schemas-checked"


class SchemaSet:
    """Every schema of one archive, with compiled validators."""

    def __init__(self, schema_dir: Path, *, checked: bool = True) -> None:
        """checked=False leaves out the check of every schema against the metaschema (a third of a
        second), for readers that only ask where confidential values are: validate checks them."""
        self.dir = schema_dir
        self.documents: dict[str, dict] = {}
        for path in sorted(schema_dir.rglob("*" + SCHEMA_SUFFIX)):
            rel = path.relative_to(schema_dir).as_posix()
            self.documents[rel] = _read_schema(path, "schemas/" + rel)
        for name in ("item", "customer", "people", "archive", "access"):
            if f"{name}{SCHEMA_SUFFIX}" not in self.documents:
                raise DossierError("schema-missing", file=f"schemas/{name}{SCHEMA_SUFFIX}")
        check_form(self.documents)
        if checked:  # all of them: a $ref reaches into any
            _check_schemas(self.documents)
        self._envelope, self.dispatch = _split_dispatch(self.documents["item" + SCHEMA_SUFFIX])
        self._confidential: dict[str, tuple[Pattern, ...]] = {}
        self._validators: dict[str, jsonschema.Draft202012Validator] = {}
        self._compiled: Compiled | None = None
        self._verdicts: dict[str, Verdict | None] = {}
        self.types = sorted(self.dispatch.category_of)

    @functools.cached_property
    def registry(self):
        """Every schema under its path, for jsonschema's `$ref` resolution (referencing)."""
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT202012

        return Registry().with_resources(
            (rel, Resource.from_contents(doc, default_specification=DRAFT202012)) for rel, doc in self.documents.items()
        )

    def _compile(self, schema: dict) -> jsonschema.Draft202012Validator:
        return schema_validator()(schema, registry=self.registry, format_checker=format_checker())

    def validator(self, name: str) -> jsonschema.Draft202012Validator:
        """'customer', 'people', 'archive', 'access', 'item-envelope' or 'type:<item type>'."""
        if name not in self._validators:
            if name == "item-envelope":
                self._validators[name] = self._compile(self._envelope)
            elif name.startswith("type:"):
                ref = self.dispatch.content_ref[name[5:]]
                self._validators[name] = self._compile(self.documents[ref]) if ref in self.documents else None
            else:
                self._validators[name] = self._compile(self.documents[name + SCHEMA_SUFFIX])
        return self._validators[name]

    def accepts(self, name: str, data: object) -> bool:
        """Whether the compiled validator (compiled.py) finds `data` valid against `name`: 'item'
        (the envelope and the content, as iter_item_errors) or a name `validator` takes. False
        only means: ask jsonschema, whose errors say what is wrong."""
        if name != "item":
            return self._accepted(name, data)
        if not self._accepted("item-envelope", data):
            return False
        item_type, content = data.get("type"), data.get("content")
        if item_type in self.dispatch.content_ref and isinstance(content, dict):
            return self.dispatch.content_ref[item_type] not in self.documents or self._accepted(
                "type:" + item_type, content)
        return True

    def _accepted(self, name: str, data: object) -> bool:
        if name not in self._verdicts:
            if self._compiled is None:
                self._compiled = Compiled(self.documents, ecma_search, format_checker())
            if name == "item-envelope":
                schema, rel = self._envelope, "item" + SCHEMA_SUFFIX
            else:
                rel = self.dispatch.content_ref[name[5:]] if name.startswith("type:") else name + SCHEMA_SUFFIX
                schema = self.documents[rel]
            self._verdicts[name] = self._compiled.verdict(schema, rel)
        verdict = self._verdicts[name]
        return verdict is not None and verdict(data)

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

    def iter_item_errors(self, data: dict) -> Iterator[jsonschema.ValidationError]:
        """Envelope errors, then the content errors of the item's type (paths under 'content')."""
        yield from self.validator("item-envelope").iter_errors(data)
        item_type = data.get("type")
        content = data.get("content")
        if isinstance(item_type, str) and item_type in self.dispatch.content_ref and isinstance(content, dict):
            type_validator = self.validator("type:" + item_type)
            if type_validator is not None:
                for error in type_validator.iter_errors(content):
                    error.path.appendleft("content")  # report it where it sits in the item
                    yield error
