"""Every rule of the regulation, each with a failing and a passing scenario.

A scenario (tests/fixtures/rules/<name>/scenario.yaml) starts from the clean base
archive (tests/fixtures/base), copies, edits and deletes files, and lists exactly the
problems `dossier validate` must report, as `file:line:column: rule`, and optionally
`messages:`, texts some of the English messages must contain.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES

SCENARIOS = sorted(p.name for p in (FIXTURES / "rules").iterdir() if (p / "scenario.yaml").exists())


def apply_scenario(root: Path, scenario: dict) -> None:
    for target, source in scenario.get("copies", {}).items():
        (root / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / source, root / target)
    for target, replacements in scenario.get("edits", {}).items():
        text = (root / target).read_text(encoding="utf-8")
        for old, new in replacements:
            assert old in text, f"scenario edit does not apply to {target}: {old!r}"
            text = text.replace(old, new, 1)
        (root / target).write_text(text, encoding="utf-8")
    for target in scenario.get("delete", []):
        (root / target).unlink()


def test_base_archive_is_clean(base_archive, run):
    result = run("--archive", base_archive, "validate", "--lang", "en")
    assert result.code == 0, result.out
    assert "no problems" in result.out


@pytest.mark.parametrize("name", SCENARIOS)
def test_rule_scenario(name, base_archive, run):
    scenario = yaml.safe_load((FIXTURES / "rules" / name / "scenario.yaml").read_text(encoding="utf-8"))
    apply_scenario(base_archive, scenario)
    result = run("--archive", base_archive, "validate", "--format", "json", "--lang", "en")
    report = json.loads(result.out)
    found = sorted(f"{p['file']}:{p['line']}:{p['column']}: {p['rule']}" for p in report["problems"])
    assert found == sorted(scenario["expect"]), json.dumps(report["problems"], ensure_ascii=False, indent=1)
    assert result.code == scenario["exit"]
    messages = [problem["message"] for problem in report["problems"]]
    for text in scenario.get("messages", []):  # optional: texts the messages must say
        assert any(text in message for message in messages), (text, messages)
    for problem in report["problems"]:  # every message renders fully: no placeholder left unfilled
        assert "{" not in problem["message"], problem


def test_text_output_names_file_line_column_and_what_to_do(base_archive, run):
    apply_scenario(base_archive, yaml.safe_load((FIXTURES / "rules/supervisor/scenario.yaml").read_text("utf-8")))
    en = run("--archive", base_archive, "validate", "--lang", "en")
    assert ("records/2/2025/2-2025-S02-0001.yaml:18:24: supervisor: li.na is not the direct supervisor of "
            "wang.wei (zhang.min is); have zhang.min sign") in en.out
    zh = run("--archive", base_archive, "validate", "--lang", "zh")
    assert "li.na 不是 wang.wei 的直接领导（应为 zhang.min）" in zh.out
    assert en.code == zh.code == 1


def test_symlinked_attachment_leading_outside_is_refused(base_archive, tmp_path, run):
    secret = tmp_path / "outside.png"
    scan = base_archive / "records/1/2025/1-2025-S02-0001.scan-1.png"
    secret.write_bytes(scan.read_bytes())
    scan.unlink()
    scan.symlink_to(secret)
    result = run("--archive", base_archive, "validate", "--lang", "en")
    assert "1-2025-S02-0001.yaml:19:12: attachment-outside: attachment 1-2025-S02-0001.scan-1.png leads outside" \
        in result.out
    assert result.code == 1


def test_one_file_no_number_can_hold_stops_no_other_file_being_checked(base_archive, run):
    """A 5,000-digit page count (once an internal error that ended the run) is reported where it
    stands, and the other files are still checked: the broken signature elsewhere is found too."""
    item = base_archive / "records/3/2025/3-2025-S02-0001.yaml"
    item.write_text(item.read_text("utf-8").replace("pages: 1", "pages: " + "9" * 5000, 1), "utf-8")
    card = base_archive / "customers/C0002.yaml"
    card.write_text(card.read_text("utf-8").replace("manager: chen.xiaoyu", "manager: nobody"), "utf-8")
    result = run("--archive", base_archive, "validate", "--format", "json", "--lang", "en")
    found = {(p["file"], p["line"], p["column"], p["rule"]) for p in json.loads(result.out)["problems"]}
    assert ("records/3/2025/3-2025-S02-0001.yaml", 9, 8, "yaml") in found
    assert ("customers/C0002.yaml", 4, 10, "person-unknown") in found
    assert result.code == 1 and "internal error" not in result.err


def test_a_mapping_for_a_type_and_an_overlong_attachment_name_are_problems_not_a_traceback(base_archive, run):
    item = base_archive / "records/1/2025/1-2025-S02-0001.yaml"
    text = item.read_text(encoding="utf-8").replace("{file: 1-2025-S02-0001.scan-1.png,", "{file: " + "x" * 300 + ",")
    item.write_text(text.replace("type: registration-form", "type: {name: registration-form}"), encoding="utf-8")
    result = run("--archive", base_archive, "validate", "--format", "json", "--lang", "en")
    found = {(p["rule"], p["key"]) for p in json.loads(result.out)["problems"]}
    assert {("schema", "schema-enum"), ("attachment-missing", "attachment-missing")} <= found, found
    assert result.code == 1


def test_the_shortcut_past_hidden_text_misses_no_hidden_character():
    """hidden_text_rules skips a file whose JSON text shows no hidden character: every one of them,
    in a value, a key or a list, deep or not, beside values JSON has no type for, is still seen."""
    import datetime as dt

    from dossier.archive.hidden_text import BIDI, INVISIBLE, may_hide

    clean = {"id": "C0001", "name": "太原能源00001有限公司", "limit": 5, "on": True, "none": None,
             "contacts": [{"name": "胡静", "phone": "13620724767"}], 3: "a key JSON makes text",
             "when": dt.date(2026, 1, 1), "raw": b"\x00\x01", "tab\tand\nbreak": "\u3000\u00a0\x07"}
    assert not may_hide(clean)
    for character in sorted(BIDI | INVISIBLE):
        for data in ({"name": f"太原{character}能源"}, {f"na{character}me": 1}, {"contacts": [{"phone": character}]},
                     {"a": {"b": [[f"x{character}"]]}}, {"when": dt.date(2026, 1, 1), "n": character}):
            assert may_hide(data), (hex(ord(character)), data)
    neighbours = {chr(ord(c) + step) for c in BIDI | INVISIBLE for step in (-1, 1)} - BIDI - INVISIBLE
    assert not may_hide({"name": "".join(sorted(neighbours))})  # the class is written as ranges
    looped: dict = {"name": "x"}
    looped["self"] = looped
    assert may_hide(looped) and may_hide({(1, 2): "a key JSON cannot hold"})
