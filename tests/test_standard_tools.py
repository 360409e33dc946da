"""The archive's schemas as any standard tool uses them (issue 14, point 1).

check-jsonschema and ajv (strict mode) are run here as the README and the CI workflow that
`dossier init` writes run them (tool/dossier/defaults/standard-tools/check.sh), over the sample
archive, encrypted values included; dossier's own `pattern` is compared with ajv's on the edge
cases where Python's `re` and ECMA-262 part; the schemas on disk are what dossier uses, and it
refuses schemas a standard tool would read differently; the editor mapping leaves trash/ out.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO, SAMPLE
from dossier.archive import schemas as schemas_module
from dossier.archive.errors import DossierError
from dossier.archive.schemas import SchemaSet
from dossier.tojson import main as tojson

TOOLS = REPO / "tool/dossier/defaults/standard-tools"
NODE_TOOLS = REPO / ".cache/standard-tools"  # where scripts/bootstrap.sh installs ajv
AMOUNT = "^-?(0|[1-9][0-9]*)\\.[0-9]{2} [A-Z]{3}$"


@pytest.fixture(scope="module")
def ajv() -> Path:
    """ajv-cli with ajv-formats, from the package-lock.json that `dossier init` ships; installed
    here as bootstrap.sh does when a machine has not run it since the lock changed."""
    binary = NODE_TOOLS / "node_modules/.bin/ajv"
    if not binary.exists():
        assert shutil.which("npm"), "npm is missing: run bash scripts/bootstrap.sh (it installs nodejs and npm)"
        NODE_TOOLS.mkdir(parents=True, exist_ok=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copyfile(TOOLS / name, NODE_TOOLS / name)
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=NODE_TOOLS, check=True)
    return binary


def standard_check(archive: Path, ajv: Path) -> subprocess.CompletedProcess:
    """check.sh in `archive`, with this repository's Python (dossier, check-jsonschema) and ajv."""
    venv_bin = Path(os.__file__).resolve().parents[2] / "bin"  # …/.venv/lib/python3.x/os.py
    python_bin = Path(shutil.which("python", path=str(REPO / ".venv/bin")) or "python3")
    env = {**os.environ, "AJV": str(ajv), "PYTHON": str(python_bin),
           "PATH": f"{REPO / '.venv/bin'}{os.pathsep}{venv_bin}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(["bash", str(TOOLS / "check.sh")], cwd=archive, env=env, capture_output=True, text=True)


# --- the sample, by the tools nobody on the project wrote ----------------------------------------


def test_check_jsonschema_and_ajv_strict_find_no_error_in_the_sample(ajv):
    sealed = sum("-----BEGIN AGE ENCRYPTED FILE-----" in p.read_text("utf-8") for p in SAMPLE.rglob("*.yaml"))
    assert sealed > 100  # encrypted values included
    done = standard_check(SAMPLE, ajv)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("ok -- validation done") == 5  # check-jsonschema, each of the five schemas
    assert "invalid" not in done.stdout + done.stderr and "strict mode" not in done.stderr


def test_the_readme_shows_the_commands_the_check_runs():
    readme = (REPO / "README.md").read_text("utf-8")
    script = (TOOLS / "check.sh").read_text("utf-8")
    block = readme.split("<!-- standard-tools -->", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    for command in ("check-jsonschema --schemafile", "python -m dossier.tojson",
                    "validate --spec=draft2020 --strict=true", "-c ajv-formats -c ./ajv-keywords.cjs",
                    "npm ci", "check.sh", "-r common.schema.json -r \"types/*.schema.json\""):
        assert command in block, command
    for command in ("check-jsonschema --schemafile", "-m dossier.tojson", "validate --spec=draft2020 --strict=true",
                    "-c ajv-formats -c ./ajv-keywords.cjs", "-r common.schema.json -r \"types/*.schema.json\""):
        assert command in script, command


def test_the_archive_init_makes_runs_both_tools_in_its_ci(run, tmp_path, ajv):
    import yaml

    assert run("init", tmp_path / "new").code == 0
    archive = tmp_path / "new"
    steps = [step.get("run", "") for step in
             yaml.safe_load((archive / ".github/workflows/dossier.yml").read_text("utf-8"))["jobs"]["check"]["steps"]]
    assert "bash .github/standard-tools/check.sh" in steps
    assert any(step.startswith("npm ci --prefix .github/standard-tools") for step in steps)
    assert (archive / ".github/standard-tools/package-lock.json").read_bytes() == (TOOLS / "package-lock.json").read_bytes()
    assert ".github/standard-tools/node_modules/" in (archive / ".gitignore").read_text("utf-8")
    done = standard_check(archive, ajv)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_mapping_schema_and_default_mappings_pass_both_tools(ajv, tmp_path):
    """The other schema `dossier` ships (import/export mappings, copied to mappings/ to change)."""
    mappings = REPO / "tool/dossier/defaults/mappings"
    assert json.loads((mappings / "mapping.schema.json").read_text("utf-8"))["$id"] == "mapping.schema.json"
    files = sorted(p.name for p in mappings.glob("*.yaml"))
    assert tojson([str(tmp_path), *(str(mappings / name) for name in files)]) == 0  # absolute: OUT/<name>.json
    done = subprocess.run([str(ajv), "validate", "--spec=draft2020", "--strict=true", "--all-errors", "-c", "ajv-formats",
                           "-s", "mapping.schema.json", *(f"-d={tmp_path / f}.json" for f in files)],
                          cwd=mappings, capture_output=True, text=True)
    assert done.returncode == 0 and "invalid" not in done.stdout + done.stderr, done.stdout + done.stderr
    done = subprocess.run([str(REPO / ".venv/bin/check-jsonschema"), "--schemafile", "mapping.schema.json", *files],
                          cwd=mappings, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


# --- what the tools and dossier refuse alike --------------------------------------------------


def _small_archive(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the sample with one contract (an encrypted value) and the customer cards."""
    archive = tmp_path / "archive"
    shutil.copytree(SAMPLE, archive, ignore=shutil.ignore_patterns(".dossier", "records", "daily"))
    contract = next(p for p in sorted((SAMPLE / "records/2").rglob("*.yaml"))
                    if "type: contract" in p.read_text("utf-8") and "BEGIN AGE" in p.read_text("utf-8"))
    target = archive / contract.relative_to(SAMPLE)
    target.parent.mkdir(parents=True)
    shutil.copyfile(contract, target)
    return archive, target


def test_both_tools_and_dossier_refuse_a_trailing_newline_and_a_damaged_armor(run, tmp_path, ajv):
    archive, item = _small_archive(tmp_path)
    text = item.read_text("utf-8")
    assert standard_check(archive, ajv).returncode == 0
    card = archive / "customers" / f"{re.search(r'^customer: (C[0-9]{4})', text, re.M).group(1)}.yaml"
    card_text = card.read_text("utf-8")
    assert "credit_limit:" in card_text or "phone:" in card_text
    # an amount in clear with a trailing newline: ECMA-262's $ does not match before it
    clear = re.sub(r"^(  value: )[|>]-?\n(    .*\n)+", '\\1"107950.00 CNY\\\\n"\n', text, count=1, flags=re.M)
    assert clear != text
    item.write_text(clear, "utf-8")
    done = standard_check(archive, ajv)
    assert done.returncode == 1
    assert "must match pattern" in done.stdout + done.stderr  # ajv
    assert "$.content.value: '107950.00 CNY\\n' does not match" in done.stdout  # check-jsonschema, ECMA-262 too
    result = run("--archive", archive, "validate", "--lang", "en")
    assert result.code == 1 and "content.value" in result.out and "schema" in result.out
    # an armored value cut short: not an age-armored block for either tool
    damaged = re.sub(r"^(  value: [|>]-?\n    -----BEGIN AGE ENCRYPTED FILE-----\n)    \S+\n", "\\1    !!!!\n",
                     text, count=1, flags=re.M)
    assert damaged != text
    item.write_text(damaged, "utf-8")
    done = standard_check(archive, ajv)
    assert done.returncode == 1 and "does not match" in done.stdout + done.stderr
    result = run("--archive", archive, "validate", "--lang", "en")
    value_lines = [line for line in result.out.splitlines() if "content.value" in line]
    assert result.code == 1 and len(value_lines) == 1 and "confidential" in value_lines[0]  # said once, precisely


# --- pattern: ECMA-262 in dossier as in ajv -------------------------------------------------------

CASES = [
    (AMOUNT, "107950.00 CNY"),
    (AMOUNT, "107950.00 CNY\n"),  # Python's $ matches before a final newline, ECMA-262's does not
    (AMOUNT, "107950.00 CNY\r\n"),
    ("^\\d{4}-\\d{2}-\\d{2}$", "2025-03-14"),
    ("^\\d{4}-\\d{2}-\\d{2}$", "２０２５-０３-１４"),  # full-width digits: \d is ASCII in ECMA-262
    ("^\\d{4}-\\d{2}-\\d{2}$", "٢٠٢٥-٠٣-١٤"),  # Arabic-Indic digits
    ("^\\w+$", "王伟"),  # \w is ASCII in ECMA-262
    ("^\\w+$", "wang_wei"),
    ("^\\p{Script=Han}+$", "太原龙城会馆"),  # Unicode property classes ("u" flag); Python's re has none
    ("^\\p{Script=Han}+$", "Taiyuan"),
    ("^\\p{L}+$", "Zoë"),
    ("^[^\\x00-\\x7F]+$", "会馆"),
    ("^\\s$", "\u3000"),  # ideographic space is \s in both
    ("^.$", "\n"),  # . never matches a line terminator in ECMA-262
    ("^.$", "\u2028"),  # … nor U+2028, which Python's . matches
    ("^.$", "😀"),  # one code point with the "u" flag
    ("^[0-9+\\-() ]{5,24}$", "+86 351 1234567"),
    ("^[0-9+\\-() ]{5,24}$", "+86 351 1234567\n"),
    ("^C[0-9]{4}$", "C0007"),
    ("^C[0-9]{4}$", "C0007\n"),
    ("^(?!\\s)", "x"),
    ("^[a-z][a-z0-9]*(\\.[a-z0-9]+)*$", "li.na"),
    ("^[a-z][a-z0-9]*(\\.[a-z0-9]+)*$", "LI.NA"),
    ("^[a-z][a-z0-9]*(\\.[a-z0-9]+)*$", "li.na\n"),
]


def _ajv_verdicts(ajv: Path, cases: list[tuple[str, str]]) -> list[bool]:
    """Each case as ajv (strict, draft 2020-12, its default "u" flag) validates it."""
    script = """
const Ajv2020 = require("ajv/dist/2020").default;
const ajv = new Ajv2020({strict: true});
const cases = JSON.parse(require("fs").readFileSync(0, "utf-8"));
console.log(JSON.stringify(cases.map(([pattern, text]) => ajv.validate({type: "string", pattern}, text))));
"""
    done = subprocess.run(["node", "-e", script], input=json.dumps(cases), capture_output=True, text=True,
                          cwd=ajv.parents[2], check=True)
    return json.loads(done.stdout)


def test_dossier_evaluates_patterns_as_ajv_does(ajv):
    theirs = _ajv_verdicts(ajv, CASES)
    ours = [schemas_module.ecma_search(pattern, text) for pattern, text in CASES]
    assert ours == theirs, [case for case, a, b in zip(CASES, ours, theirs) if a != b]
    python = []
    for pattern, text in CASES:
        try:
            python.append(re.search(pattern, text) is not None)
        except re.error:
            python.append(None)
    assert sum(p != t for p, t in zip(python, theirs)) >= 8  # the cases do tell the engines apart


def test_a_lone_surrogate_is_matched_never_a_crash():
    assert schemas_module.ecma_search("^a.$", "a\ud800") and not schemas_module.ecma_search("^\\p{L}+$", "a\ud800")


def test_dossier_refuses_a_trailing_newline_in_an_amount_as_ajv_does():
    schemas = SchemaSet(SAMPLE / "schemas")
    content = {"number": "HT-1", "signed": "2025-01-02", "value": "107950.00 CNY\n"}
    errors = list(schemas.validator("type:contract").iter_errors(content))
    assert {e.validator for e in errors if list(e.path) == ["value"]} == {"pattern"}  # amount, non-negative amount
    content["value"] = "107950.00 CNY"
    assert not [e for e in schemas.validator("type:contract").iter_errors(content) if list(e.path) == ["value"]]


def test_a_schema_pattern_is_checked_as_ecma_262(tmp_path):
    schema_dir = tmp_path / "schemas"
    shutil.copytree(SAMPLE / "schemas", schema_dir)
    common = json.loads((schema_dir / "common.schema.json").read_text("utf-8"))
    common["$defs"]["han"] = {"type": "string", "pattern": "^\\p{Script=Han}+$"}  # not Python, fine ECMA
    (schema_dir / "common.schema.json").write_text(json.dumps(common, ensure_ascii=False), "utf-8")
    SchemaSet(schema_dir).validator("customer")
    common["$defs"]["han"]["pattern"] = "^(?<=x)[a-z"  # not a regular expression in either
    (schema_dir / "common.schema.json").write_text(json.dumps(common, ensure_ascii=False), "utf-8")
    with pytest.raises(DossierError) as caught:
        SchemaSet(schema_dir).validator("customer")
    assert caught.value.key == "schema-invalid"


# --- the schemas on disk are what dossier uses ------------------------------------------------------


def test_every_schema_has_its_path_as_id_and_confidential_fields_in_the_one_form():
    for path in (SAMPLE / "schemas").rglob("*.schema.json"):
        rel = path.relative_to(SAMPLE / "schemas").as_posix()
        doc = json.loads(path.read_text("utf-8"))
        assert doc["$id"] == rel
        for pointer, field in schemas_module._confidential_nodes(doc):
            assert field == schemas_module.sealable(schemas_module.plain(field), rel), (rel, pointer)
    assert json.loads((SAMPLE / "schemas/types/contract.schema.json").read_text("utf-8"))["properties"]["value"][
        "then"] == {"$ref": "../common.schema.json#/$defs/age-armored"}


@pytest.mark.parametrize("change, key", [
    (lambda doc: doc.pop("$id"), "schema-id"),
    (lambda doc: doc.update({"$id": "https://example.cn/contract.schema.json"}), "schema-id"),
    # the form of before: a confidential field that refuses an encrypted value
    (lambda doc: doc["properties"].update(
        {"value": {"$ref": "../common.schema.json#/$defs/amount", "title": "合同金额", "x-confidential": True}}),
     "schema-confidential-form"),
    (lambda doc: doc["properties"]["value"].update({"then": {"type": "string"}}), "schema-confidential-form"),
    (lambda doc: doc["properties"]["contract_number"].update({"x-confidential": True}), "schema-confidential-form"),
])
def test_a_schema_other_tools_would_read_differently_is_refused(tmp_path, change, key):
    schema_dir = tmp_path / "schemas"
    shutil.copytree(SAMPLE / "schemas", schema_dir)
    path = schema_dir / "types/contract.schema.json"
    doc = json.loads(path.read_text("utf-8"))
    change(doc)
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    with pytest.raises(DossierError) as caught:
        SchemaSet(schema_dir)
    assert caught.value.key == key
    assert caught.value.args_["file"] == "schemas/types/contract.schema.json"


def test_the_armored_definition_must_be_there(tmp_path):
    schema_dir = tmp_path / "schemas"
    shutil.copytree(SAMPLE / "schemas", schema_dir)
    common = json.loads((schema_dir / "common.schema.json").read_text("utf-8"))
    common["$defs"]["age-armored"]["pattern"] = "^-----BEGIN"
    (schema_dir / "common.schema.json").write_text(json.dumps(common), "utf-8")
    with pytest.raises(DossierError) as caught:
        SchemaSet(schema_dir)
    assert caught.value.key == "schema-armored-missing"


def test_the_value_schema_of_a_confidential_field_is_its_else():
    field = json.loads((SAMPLE / "schemas/types/contract.schema.json").read_text("utf-8"))["properties"]["value"]
    assert schemas_module.plain(field) == {"title": "合同金额", "$ref": "../common.schema.json#/$defs/non_negative_amount"}
    assert schemas_module.value_kind(field) == "amount"


# --- editors ------------------------------------------------------------------------------------


def _yls_matches(glob: str, path: str) -> bool:
    """The YAML language server's reading of a yaml.schemas glob: a leading / anchors it at the
    workspace's root, otherwise it matches at any depth; ** any folders, * within one name."""
    anchored = glob.startswith("/")
    body = re.escape(glob.lstrip("/")).replace(r"\*\*/", "(?:.*/)?").replace(r"\*\*", ".*").replace(r"\*", "[^/]*")
    return re.fullmatch(("" if anchored else "(?:.*/)?") + body, path) is not None


def _schemas_for(settings: dict, path: str) -> list[str]:
    found = []
    for schema, globs in settings["yaml.schemas"].items():
        globs = [globs] if isinstance(globs, str) else globs
        included = any(_yls_matches(g, path) for g in globs if not g.startswith("!"))
        excluded = any(_yls_matches(g[1:], path) for g in globs if g.startswith("!"))
        if included and not excluded:
            found.append(schema)
    return found


@pytest.mark.parametrize("settings_file, prefix", [
    (REPO / "tool/dossier/defaults/vscode/settings.json", ""),
    (SAMPLE / ".vscode/settings.json", ""),
    (REPO / ".vscode/settings.json", "archive/"),
])
def test_the_editor_mapping_leaves_trash_out(settings_file, prefix):
    settings = json.loads(settings_file.read_text("utf-8"))
    assert _schemas_for(settings, prefix + "records/3/2025/3-2025-S02-0017.yaml") == [
        f"./{prefix}schemas/item.schema.json"]
    assert _schemas_for(settings, prefix + "daily/2025/D-2025-S01-0001.yaml") == [f"./{prefix}schemas/item.schema.json"]
    assert _schemas_for(settings, prefix + "customers/C0007.yaml") == [f"./{prefix}schemas/customer.schema.json"]
    for deleted in ("trash/records/3/2025/3-2025-S02-0017.deletion.yaml", "trash/records/3/2025/3-2025-S02-0017.yaml",
                    "trash/daily/2025/D-2025-S01-0001.yaml", "trash/customers/C0007.yaml"):
        assert _schemas_for(settings, prefix + deleted) == [], deleted
    assert _yls_matches("records/**/*.yaml", "trash/records/3/2025/x.yaml")  # why the globs are anchored


# --- YAML handed to ajv as dossier reads it -------------------------------------------------------


def test_tojson_keeps_what_dossier_reads_and_refuses_what_it_refuses(tmp_path, monkeypatch, capsys):
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    Path("records/1/2025").mkdir(parents=True)
    Path("records/1/2025/a.yaml").write_text("date: 2025-03-14\nvalue: '107950.00 CNY'\n", "utf-8")
    (tmp_path / "outside.yaml").write_text("a: 1\n", "utf-8")
    Path("b.yaml").write_text("code: x\ncode: y\n", "utf-8")
    assert tojson(["out", "records/1/2025/a.yaml", "b.yaml", "../outside.yaml"]) == 1
    assert json.loads(Path("out/records/1/2025/a.yaml.json").read_text("utf-8")) == {
        "date": "2025-03-14", "value": "107950.00 CNY"}  # js-yaml would make the date a Date
    err = capsys.readouterr().err
    assert "b.yaml:2:1: yaml:" in err and not Path("out/b.yaml.json").exists()
    assert not (tmp_path / "out").exists()  # a ../ path is written under OUT by its name
    assert sorted(p.relative_to("out").as_posix() for p in Path("out").rglob("*.json")) == [
        "outside.yaml.json", "records/1/2025/a.yaml.json"]
    assert tojson([]) == 2
