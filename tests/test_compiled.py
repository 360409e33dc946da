"""The compiled schema check (compiled.py, jsonschema-rs) against jsonschema, side by side.

validate asks the compiled validator first and jsonschema only for what it refuses
(schema_errors.schema_problems). That is right only if the compiled validator never accepts
what jsonschema refuses. Here both paths run on the sample archive and on a corpus of seeded
faults made from it (wrong types, missing and extra fields, damaged patterns, enums, dates and
bounds, encrypted values in both forms, several faults in one file), comparing every problem
as a person reads it (file, line, column, rule and message, in English and Chinese), and each
document's verdicts one by one.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml

from conftest import SAMPLE
from test_standard_tools import CASES

from dossier.archive.compiled import Compiled
from dossier.archive.loader import load_file
from dossier.archive.schemas import SchemaSet, ecma_search, format_checker
from dossier.cli.reporter import problem_line
from dossier.regulation import validate

TODAY = dt.date(2026, 11, 23)
ARMORED = "-----BEGIN AGE ENCRYPTED FILE-----\nYWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOQ==\n-----END AGE ENCRYPTED FILE-----\n"
# Text faults on a string: each breaks some pattern, format or length of the sample's schemas.
TEXT_FAULTS = [
    lambda s: s + "\n", lambda s: s + "\r\n", lambda s: " " + s, lambda s: s + "x", lambda s: s[:-1], lambda s: "",
    lambda s: s.upper(), lambda s: s.lower(), lambda s: s.replace("-", "/"), lambda s: s.replace("0", "٠"),
    lambda s: s.replace("2", "２"), lambda s: s.replace(".", ","), lambda s: s.replace(" ", "\u2028"),
    lambda s: s.replace("@", "\ufeff@"), lambda s: s + "\u3000", lambda s: s * 40, lambda s: s.replace(" CNY", " cny"),
]
DATES = ["2026-02-30", "2026-13-01", "2026-2-1", "2026-02-29", "2024-02-29", "20260101", "2026-01-01T00:00:00"]
OTHER_VALUES = [None, True, False, 0, -1, 1.5, 2001, 1.0, "1", "", [], {}, ["x"], {"a": 1}, "Y", "D", "filed"]
DAMAGED_ARMOR = [ARMORED.replace("\n-----END", "-----END"), ARMORED.replace("==", "=!"), ARMORED.strip() + "\n\n",
                 ARMORED.replace("YWdl", "YWdl" * 20), ARMORED.replace("-----END AGE ENCRYPTED FILE-----\n", "")]


def _nodes(data: object, path: tuple = ()) -> list[tuple[tuple, object]]:
    """(path, value) of every value in `data`, the root first."""
    found = [(path, data)]
    children = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in children:
        found += _nodes(value, path + (key,))
    return found


def _set(data: dict, path: tuple, value: object) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


def _mutate(data: dict, rng: random.Random, kind: str, confidential: list[tuple]) -> bool:
    """Apply one seeded fault of `kind` to `data` in place; False where the file offers none."""
    nodes = _nodes(data)[1:]
    leaves = [(p, v) for p, v in nodes if not isinstance(v, (dict, list))]
    strings = [(p, v) for p, v in leaves if isinstance(v, str) and v]
    mappings = [(p, v) for p, v in _nodes(data) if isinstance(v, dict)]
    if kind == "type":
        path, _ = rng.choice(nodes)
        _set(data, path, copy.deepcopy(rng.choice(OTHER_VALUES)))
    elif kind == "missing":
        path, _ = rng.choice([(p, v) for p, v in nodes if isinstance(p[-1], str)])
        del _get(data, path[:-1])[path[-1]]
    elif kind == "pattern" and strings:
        path, value = rng.choice(strings)
        _set(data, path, rng.choice(TEXT_FAULTS)(value))
    elif kind == "enum":
        path, value = rng.choice(leaves)
        near = [str(value), value.swapcase() if isinstance(value, str) else value + 7 if type(value) is int else "x"]
        _set(data, path, rng.choice(near + ["D10", "机密", "bound", 7, "d"]))
    elif kind == "extra":
        path, _ = rng.choice(mappings)
        _set(data, path + (rng.choice(["remark", "备注", "x-confidential", "$ref"]),), copy.deepcopy(rng.choice(OTHER_VALUES)))
    elif kind == "date":
        dated = [(p, v) for p, v in strings if len(v) == 10 and v[4] == "-"]
        if not dated:
            return False
        _set(data, rng.choice(dated)[0], rng.choice(DATES))
    elif kind == "encrypted":
        targets = [p for p, _ in nodes if any(_matches(p, c) for c in confidential)]
        path = rng.choice(targets) if targets and rng.random() < 0.8 else rng.choice(strings or leaves)[0]
        _set(data, path, rng.choice([ARMORED, ARMORED.replace("\n", "\r\n"), *DAMAGED_ARMOR]))
    else:
        return False
    return True


def _get(data: object, path: tuple) -> object:
    for key in path:
        data = data[key]
    return data


def _matches(path: tuple, pattern: tuple) -> bool:
    return len(path) == len(pattern) and all(p == "*" or p == k for k, p in zip(path, pattern))


KINDS = ["type", "missing", "pattern", "enum", "extra", "date", "encrypted"]


def _mutant(doc_data: dict, rng: random.Random, confidential: list[tuple]) -> tuple[dict, list[str]]:
    """A copy of `doc_data` with one to four seeded faults (several: nested and sibling errors)."""
    data, kinds = copy.deepcopy(doc_data), []
    for _ in range(rng.choice([1, 1, 1, 2, 3, 4])):
        kind = rng.choice(KINDS)
        if _mutate(data, rng, kind, confidential):
            kinds.append(kind)
    return data, kinds


def _seed_corpus(root: Path, schemas: SchemaSet, seed: int) -> Counter:
    """Rewrite every item and customer card of the archive at `root` with seeded faults; returns
    how many faults of each kind went in."""
    rng, made = random.Random(seed), Counter()
    for path in sorted(root.glob("records/**/*.yaml")) + sorted(root.glob("daily/**/*.yaml")) + sorted(
            root.glob("customers/*.yaml")):
        rel = path.relative_to(root).as_posix()
        data = load_file(path, rel).data
        kind = "customer" if rel.startswith("customers/") else data.get("type")
        data, kinds = _mutant(data, rng, list(schemas.confidential(kind)) if kind in (*schemas.types, "customer")
                              else [])
        made.update(kinds)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
    return made


def _problems_both_ways(root: Path, monkeypatch) -> tuple[list[str], list[str]]:
    """Every problem validate reports, rendered in both languages: with the compiled check, and
    without it (jsonschema alone, as before the compiled check existed)."""
    def lines(report):
        return [problem_line(p, lang) + f" [{p.severity}]" for p in report.problems for lang in ("en", "zh")]

    fast = lines(validate.validate_archive(root, TODAY, use_cache=False, jobs=2))
    with monkeypatch.context() as patched:
        patched.setattr(SchemaSet, "accepts", lambda self, name, data: False)
        slow = lines(validate.validate_archive(root, TODAY, use_cache=False, jobs=2))
    return fast, slow


def test_the_sample_archive_gets_the_same_problems_both_ways(monkeypatch):
    fast, slow = _problems_both_ways(SAMPLE, monkeypatch)
    assert fast == slow


@pytest.mark.parametrize("seed", [1, 2])
def test_seeded_faults_get_the_same_problems_both_ways(seed, tmp_path, monkeypatch):
    root = tmp_path / "archive"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".dossier"))
    made = _seed_corpus(root, SchemaSet(root / "schemas"), seed)
    assert set(made) == set(KINDS) and sum(made.values()) > 700, made
    fast, slow = _problems_both_ways(root, monkeypatch)
    assert fast == slow, sorted(set(fast) ^ set(slow))[:20]
    schema_lines = [line for line in fast if ": schema: " in line]
    assert len(schema_lines) > 600, len(schema_lines)  # the corpus does break the schemas …
    assert len({line.split(":")[0] for line in schema_lines}) < 600  # … and leaves some files valid


def _documents(seed: int, count: int) -> list[tuple[str, object]]:
    """(schema name, data): the sample's items and cards, each clean and with seeded faults."""
    schemas, rng = SchemaSet(SAMPLE / "schemas"), random.Random(seed)
    clean = [("item", load_file(p, "x").data) for p in sorted(SAMPLE.glob("records/**/*.yaml"))]
    clean += [("customer", load_file(p, "x").data) for p in sorted(SAMPLE.glob("customers/*.yaml"))]
    found = list(clean)
    while len(found) < count:
        name, data = rng.choice(clean)
        kind = "customer" if name == "customer" else data.get("type")
        found.append((name, _mutant(data, rng, list(schemas.confidential(kind)))[0]))
    return found


def test_each_document_gets_the_same_verdict_both_ways():
    schemas = SchemaSet(SAMPLE / "schemas")
    verdicts = Counter()
    for name, data in _documents(3, 6000):
        errors = schemas.iter_item_errors(data) if name == "item" else schemas.validator(name).iter_errors(data)
        valid = next(errors, None) is None
        verdicts[valid, schemas.accepts(name, data)] += 1
    assert set(verdicts) == {(True, True), (False, False)}, verdicts
    assert min(verdicts.values()) > 1000, verdicts


def test_lone_surrogates_get_the_same_verdict_both_ways():
    """A lone surrogate has no UTF-8 form: where Rust needs one it raises, and jsonschema decides."""
    schemas = SchemaSet(SAMPLE / "schemas")
    item = load_file(next(SAMPLE.glob("records/**/*.yaml")), "x").data
    cases = {"title": ["龙城\ud800", "\ud800"], "manager": ["wang\ud800"], "secrecy": ["内\ud800", "\ud800"],
             "date": ["2026-01-0\ud800"], "code": ["\ud800" + item["code"][1:]]}
    verdicts = []
    for field, values in cases.items():
        for value in values:
            data = {**item, field: value}
            valid = next(schemas.iter_item_errors(data), None) is None
            assert schemas.accepts("item", data) == valid, (field, value)
            verdicts.append(valid)
    assert True in verdicts and False in verdicts


def test_patterns_and_formats_are_the_ones_jsonschema_is_given():
    compiled = Compiled({}, ecma_search, format_checker())
    for pattern, text in CASES:  # the cases that tell ECMA-262, Python's re and others apart
        verdict = compiled.verdict({"type": "string", "pattern": pattern}, "case.schema.json")
        assert verdict(text) == ecma_search(pattern, text), (pattern, text)
    date = compiled.verdict({"type": "string", "format": "date"}, "case.schema.json")
    for text in DATES + ["2026-01-31"]:
        assert date(text) == format_checker().conforms(text, "date"), text
