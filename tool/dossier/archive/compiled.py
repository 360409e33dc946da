"""The archive's schemas compiled by jsonschema-rs (Rust): a verdict, 20-100× faster than jsonschema.

Only its "valid" is trusted. A document it finds invalid is checked again by jsonschema
(schemas.SchemaSet), whose errors schema_errors turns into the problems an archivist reads, so
the problems are jsonschema's by construction; tests/test_compiled.py holds the two verdicts
side by side on the sample and on hundreds of seeded faults.

Nothing here may accept what jsonschema refuses, so what depends on a dialect is left to the
very functions jsonschema is given: every `pattern` is evaluated by schemas.ecma_search
(ECMA-262, regress) and every format by the same format checker, both called back from Rust. A
document that cannot be handed to Rust (a lone surrogate has no UTF-8 form) or a schema that
does not compile gets no verdict here: jsonschema checks it as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from jsonschema import FormatChecker

# Each schema is registered under this prefix and its path (its `$id`), so that the relative
# `$ref`s resolve as they do in jsonschema's registry; nothing is ever retrieved from it.
BASE = "dossier://archive/schemas/"


Verdict = Callable[[object], bool]
Search = Callable[[str, str], bool]  # (pattern, text): whether the pattern matches in the text


def _pattern_keyword(search: Search) -> type:
    class Pattern:
        """JSON Schema's `pattern` evaluated by `search` (jsonschema-rs's keyword protocol)."""

        def __init__(self, parent_schema: dict, value: str, schema_path: list) -> None:
            self.pattern = value

        def validate(self, instance: object) -> None:
            if isinstance(instance, str) and not search(self.pattern, instance):
                raise ValueError("does not match")

    return Pattern


def _format(checker: FormatChecker, name: str) -> Verdict:
    return lambda instance: checker.conforms(instance, name)


class Compiled:
    """jsonschema-rs validators for the schemas `documents` (path under schemas/ → schema), with
    the `pattern` search and the format checker that jsonschema is given."""

    def __init__(self, documents: dict[str, dict], search: Search, formats: FormatChecker) -> None:
        import jsonschema_rs  # here, not above: a run that compiles no schema does not pay its import

        try:
            self._registry = jsonschema_rs.Registry(
                [(BASE + rel, _absolute(doc, rel)) for rel, doc in documents.items()],
                draft=jsonschema_rs.Draft202012,
            )
        except Exception:  # a $ref jsonschema-rs cannot resolve: jsonschema alone checks
            self._registry = None
        self._formats = {name: _format(formats, name) for name in formats.checkers}
        self._keywords = {"pattern": _pattern_keyword(search)}

    def verdict(self, schema: dict, rel: str) -> Verdict | None:
        """A function telling whether a document is valid against `schema` (whose `$id` base is
        schemas/`rel`), or None where jsonschema-rs cannot be trusted with it (jsonschema decides)."""
        if self._registry is None:
            return None
        import jsonschema_rs

        try:
            validator = jsonschema_rs.Draft202012Validator(
                _absolute(schema, rel), registry=self._registry, formats=self._formats, validate_formats=True,
                keywords=self._keywords,
            )
        except Exception:  # anything jsonschema-rs cannot compile: jsonschema alone checks it
            return None
        return lambda data: _is_valid(validator, data)


def _absolute(schema: dict, rel: str) -> dict:
    return {**schema, "$id": BASE + rel}


def _is_valid(validator: jsonschema_rs.Validator, data: object) -> bool:
    try:
        return validator.is_valid(data)
    except Exception:  # data Rust cannot hold (a lone surrogate): no verdict, jsonschema decides
        return False
