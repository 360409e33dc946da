"""docs/architecture.md lets a maintainer add an item type by following it alone: its steps, taken
as written (the blocks of its section, into the files it names), make a fixture archive with a new
type that validates, shows its fields by their titles, and is refused in another category."""

from __future__ import annotations

import json
import re
import textwrap

import pytest

from conftest import REPO

DOC = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
SECTION = re.search(r"^## How to add an item type\n(.*?)(?=^## )", DOC, re.S | re.M).group(1)


def steps() -> dict[str, str]:
    """The section's numbered steps that give a file's text: the first file a step names → its block."""
    found = {}
    for step in re.split(r"^\d+\. ", SECTION, flags=re.M)[1:]:
        file = re.search(r"`([\w./-]+\.(?:json|yaml))`", step)
        block = re.search(r"^ +```(?:json|yaml)\n(.*?)\n +```", step, re.S | re.M)
        if file and block:
            found[file.group(1)] = textwrap.dedent(block.group(1)) + "\n"
    return found


@pytest.fixture
def archive_with_a_new_type(base_archive):
    given = steps()
    content_schema = json.loads(given["schemas/types/site-survey.schema.json"])
    (base_archive / "schemas" / "types" / "site-survey.schema.json").write_text(
        json.dumps(content_schema, ensure_ascii=False, indent=2), encoding="utf-8")
    envelope_path = base_archive / "schemas" / "item.schema.json"
    envelope = json.loads(envelope_path.read_text(encoding="utf-8"))
    assert "`properties.type.enum`" in SECTION and "to `allOf`" in SECTION  # step 2 says where
    envelope["properties"]["type"]["enum"].append(content_schema["$id"].removeprefix("types/").removesuffix(
        ".schema.json"))
    envelope["allOf"].append(json.loads(given["schemas/item.schema.json"]))
    envelope_path.write_text(json.dumps(envelope, ensure_ascii=False, indent=2), encoding="utf-8")
    (item,) = [file for file in given if file.startswith("records/")]
    (base_archive / item).write_text(given[item], encoding="utf-8")
    return base_archive, item


def test_the_doc_gives_the_three_files_of_a_new_type():
    assert list(steps()) == ["schemas/types/site-survey.schema.json", "schemas/item.schema.json",
                                              "records/1/2025/1-2025-S02-0002.yaml"]


def test_a_type_added_by_following_the_doc_validates_and_shows(archive_with_a_new_type, run):
    root, item = archive_with_a_new_type
    result = run("--archive", root, "validate", "--lang", "en")
    assert result.code == 0 and "no problems" in result.out, result.out
    shown = run("--archive", root, "show", "1-2025-S02-0002", "--lang", "zh")
    assert shown.code == 0 and "勘察情况" in shown.out and "场地适合举办年会" in shown.out, shown.out + shown.err


def test_the_new_type_is_held_to_its_category_and_its_schema(archive_with_a_new_type, run):
    root, item = archive_with_a_new_type
    path = root / item
    text = path.read_text(encoding="utf-8")
    assert "  findings: 场地适合举办年会\n" in text
    path.write_text(text.replace("  findings: 场地适合举办年会\n", ""), encoding="utf-8")
    result = run("--archive", root, "validate", "--lang", "en")
    assert result.code == 1 and f"{item}:" in result.out and ": schema: " in result.out, result.out
    daily = root / "daily" / "2025" / "D-2025-S02-0002.yaml"
    daily.write_text(text.replace("1-2025-S02-0002", "D-2025-S02-0002").replace("category: 1", "category: D"),
                     encoding="utf-8")
    result = run("--archive", root, "validate", "--lang", "en")
    assert "daily/2025/D-2025-S02-0002.yaml:2:11: category-type" in result.out, result.out
