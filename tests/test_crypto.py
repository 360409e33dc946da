"""Confidential values encrypted at rest with age: real ed25519 keys made by ssh-keygen, real
archives and real git repositories."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, REPO, SAMPLE, TODAY, act_as, copy_archive, git, init_repo
from dossier.access import crypto
from dossier.archive.loader import load_bytes, load_file
from dossier.archive.schemas import SchemaSet
from dossier.archive.yamledit import replace_scalars
from dossier.archive.yamlio import dump

BASE_PEOPLE = ("zhao.guoqiang", "li.na", "zhang.min", "wang.wei", "chen.xiaoyu", "zhou.jing")
CARD = "customers/C0001.yaml"  # wang.wei's customer; zhang.min holds a grant for it (sealed below)
CONTRACT = "records/2/2025/2-2025-S02-0001.yaml"
SAMPLE_KEYS = REPO / "samples" / "identities"


def keygen(path: Path, passphrase: str = "") -> Path:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", passphrase, "-C", path.name, "-f", str(path)],
                   check=True)
    return path


@pytest.fixture(scope="module")
def keys(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("keys")
    found = {person: keygen(folder / person) for person in (*BASE_PEOPLE, "outsider")}
    found["locked"] = keygen(folder / "locked", "secret words")
    return found


def public(key: Path) -> str:
    return key.with_name(key.name + ".pub").read_text().strip()


def seal_archive(root: Path, keys: dict[str, Path], run) -> Path:
    """A fixture archive given everyone's key and `confidential: encrypt`, its values encrypted."""
    people = yaml.safe_load((root / "people.yaml").read_text(encoding="utf-8"))
    for entry in people["people"]:
        entry["encryption_key"] = public(keys[entry["id"]])
    (root / "people.yaml").write_text(dump(people), encoding="utf-8")
    settings = root / "archive.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "confidential: encrypt\n", encoding="utf-8")
    result = run("--archive", root, "rekey", "--lang", "en")
    assert result.code == 0, result.out + result.err
    return root


@pytest.fixture
def sealed(tmp_path, keys, run) -> Path:
    """The base archive, encrypted, in git; read commands act as wang.wei, C0001's manager. The base's grant
    for C0001 goes to the supervisor zhang.min: the archivist zhou.jing reads everything by her role."""
    root = copy_archive(FIXTURES / "base", tmp_path / "archive")
    access = root / "access.yaml"
    access.write_text(access.read_text(encoding="utf-8").replace("person: zhou.jing", "person: zhang.min"),
                      encoding="utf-8")
    root = seal_archive(root, keys, run)
    init_repo(root, "wang.wei@example.cn")
    return root


def value_at(root: Path, rel: str, *path):
    data = load_file(root / rel, rel).data
    for step in path:
        data = data[step]
    return data


def problems(run, root: Path, rule: str = "confidential") -> list[str]:
    result = run("--archive", root, "validate", "--no-cache", "--lang", "en")
    return [line for line in result.out.splitlines() if f": {rule}: " in line]


# --- the format ------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["200000.00 CNY", "0351-7654321", "山西晋能 14010519800101", 42, 3.5, True,
                                   {"amount": "1.00 USD", "note": "担保"}, ["a", 1, None]])
def test_a_value_of_any_type_round_trips_bound_to_its_place(keys, value):
    armored = crypto.seal(value, "C0001:credit_limit", [public(keys["li.na"]), public(keys["wang.wei"])])
    assert armored.startswith(crypto.ARMOR_BEGIN) and armored.endswith(crypto.ARMOR_END + "\n")
    identity = crypto.load_identity(str(keys["wang.wei"]))
    assert crypto.unseal(armored, "C0001:credit_limit", identity.keys) == value
    assert sorted(crypto.recipient_tags(armored)) == sorted(crypto.key_tag(public(keys[p])) for p in ("li.na", "wang.wei"))
    with pytest.raises(crypto.UnsealError) as moved:
        crypto.unseal(armored, "C0002:credit_limit", identity.keys)
    assert moved.value.reason == "moved" and moved.value.found == "C0001:credit_limit"
    with pytest.raises(crypto.UnsealError) as outsider:
        crypto.unseal(armored, "C0001:credit_limit", crypto.load_identity(str(keys["outsider"])).keys)
    assert outsider.value.reason == "no-key"


def test_the_stored_value_is_an_age_file_the_age_tools_can_read(sealed):
    stored = (sealed / CARD).read_text(encoding="utf-8")
    assert "credit_limit: |\n  -----BEGIN AGE ENCRYPTED FILE-----\n" in stored
    assert "200000.00" not in stored and "0351-7654321" not in stored
    assert "name: 山西晋能集团有限公司" in stored  # the rest stays plain YAML
    binary = crypto._dearmor(value_at(sealed, CARD, "credit_limit"))
    assert binary.startswith(b"age-encryption.org/v1\n-> ssh-ed25519 ")


# --- validate, without decrypting ---------------------------------------------------------------------


def test_the_encrypted_archive_validates_clean_and_the_schema_accepts_the_armor(sealed, run):
    result = run("--archive", sealed, "validate", "--no-cache", "--lang", "en")
    assert result.code == 0 and "no problems" in result.out, result.out


def limit_in_clear(root: Path) -> int:
    """Type C0001's credit limit in clear over its ciphertext, as someone editing by hand would;
    returns its line."""
    card = root / CARD
    text = card.read_text(encoding="utf-8")
    start = text.index("credit_limit: |")
    end = text.index("-----END AGE ENCRYPTED FILE-----\n", start) + len("-----END AGE ENCRYPTED FILE-----\n")
    card.write_text(text[:start] + "credit_limit: 300000.00 CNY\n" + text[end:], encoding="utf-8")
    return text[:start].count("\n") + 1


def test_a_value_in_clear_is_an_error_where_the_archive_requires_encryption(sealed, run):
    line = limit_in_clear(sealed)
    assert problems(run, sealed) == [
        f"{CARD}:{line}:15: confidential: credit_limit is confidential but stored in clear; "
        f"run `dossier rekey {CARD}` to encrypt it to its readers"]


def test_the_pre_commit_hook_refuses_a_value_in_clear_until_rekey(sealed, run):
    assert run("--archive", sealed, "install-hooks").code == 0
    limit_in_clear(sealed)
    git(sealed, "add", "-A")
    refused = subprocess.run(["git", "commit", "-q", "-m", "额度\n\nReason: 调整"], cwd=sealed, capture_output=True,
                             text=True)
    assert refused.returncode != 0 and f"{CARD}:" in refused.stderr and "dossier rekey" in refused.stderr
    assert run("--archive", sealed, "rekey").code == 0
    git(sealed, "add", "-A")
    git(sealed, "commit", "-q", "-m", "额度\n\nReason: 调整")
    assert "300000.00" not in git(sealed, "show", "HEAD")


def test_values_in_clear_are_allowed_in_an_archive_without_the_setting(base_archive, run):
    assert problems(run, base_archive) == []
    assert run("--archive", base_archive, "validate", "--lang", "en").code == 0


def test_a_clear_value_still_meets_its_own_schema(sealed, run):
    card = sealed / CARD
    text = card.read_text(encoding="utf-8").replace("credit_limit: |", "credit_limit: lots\nx_credit: |", 1)
    card.write_text(text, encoding="utf-8")
    schema_lines = [line for line in problems(run, sealed, "schema")]
    assert any("credit_limit" in line for line in schema_lines), schema_lines


def test_a_manager_change_names_who_is_missing_and_who_is_extra(sealed, run):
    card = sealed / CARD
    card.write_text(card.read_text(encoding="utf-8").replace("manager: wang.wei", "manager: chen.xiaoyu"),
                    encoding="utf-8")
    found = problems(run, sealed)
    assert found and all("missing: 陈晓雨 (chen.xiaoyu); extra: 王伟 (wang.wei)" in line for line in found), found
    files = {line.split(":")[0] for line in found}
    assert {CARD, CONTRACT} <= files  # the card and the customer's items
    assert not any("warning" in line for line in found)  # the customer's manager, not a grant: errors
    assert run("--archive", sealed, "validate", "--lang", "en").code == 1


def test_an_ended_grant_is_a_warning_until_rekey(sealed, run, monkeypatch):
    monkeypatch.setenv("DOSSIER_TODAY", "2027-02-01")  # zhang.min's grant for C0001 ended on 2027-01-10
    result = run("--archive", sealed, "validate", "--no-cache", "--lang", "en")
    found = [line for line in result.out.splitlines() if ": confidential: " in line]
    assert found and all("warning: " in line and "extra: 张敏 (zhang.min)" in line for line in found), found
    assert run("--archive", sealed, "rekey", "--lang", "en", "--identity", sealed.parent / "none").code == 2


def test_an_unknown_recipient_and_a_damaged_armor_are_reported(sealed, run, keys):
    card = sealed / CARD
    foreign = crypto.seal("200000.00 CNY", "C0001:credit_limit", [public(keys["outsider"])])
    text = card.read_text(encoding="utf-8")
    old = value_at(sealed, CARD, "credit_limit")
    indent = lambda armored: "".join("  " + line + "\n" for line in armored.splitlines())  # noqa: E731
    card.write_text(text.replace(indent(old), indent(foreign)), encoding="utf-8")
    found = problems(run, sealed)
    assert any("credit_limit is not encrypted" in line and "extra: ? (key " in line for line in found), found
    damaged = old.splitlines()
    damaged[1] = damaged[1][:-4] + "!!!!"
    card.write_text(text.replace(indent(old), indent("\n".join(damaged) + "\n")), encoding="utf-8")
    assert any("the encrypted value is damaged (the lines between the armor's markers are not Base64)" in line
               for line in problems(run, sealed))


def test_a_reader_without_a_key_is_a_warning_on_people_yaml(sealed, run):
    people = sealed / "people.yaml"
    data = yaml.safe_load(people.read_text(encoding="utf-8"))
    del data["people"][2]["encryption_key"]  # zhang.min, who holds a grant for C0001
    people.write_text(dump(data), encoding="utf-8")
    result = run("--archive", sealed, "validate", "--no-cache", "--lang", "en")
    warning = [line for line in result.out.splitlines() if line.startswith("people.yaml:")]
    assert len(warning) == 1 and "warning: 张敏 (zhang.min) may read confidential values but has no encryption_key" \
        in warning[0], result.out


# --- rekey ---------------------------------------------------------------------------------------------


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.yaml"))
            if ".dossier" not in p.parts}


def test_rekey_leaves_right_values_byte_identical(sealed, run):
    before = snapshot(sealed)
    result = run("--archive", sealed, "rekey", "--lang", "en")
    assert result.code == 0 and "0 value(s) encrypted or re-encrypted in 0 file(s)" in result.out, result.out
    assert snapshot(sealed) == before


def test_rekey_after_a_manager_change_rewrites_only_that_customers_values(sealed, run, keys, monkeypatch):
    card = sealed / CARD
    card.write_text(card.read_text(encoding="utf-8").replace("manager: wang.wei", "manager: chen.xiaoyu"),
                    encoding="utf-8")
    before = snapshot(sealed)
    mine_no_more = run("--archive", sealed, "rekey", "--identity", keys["wang.wei"], "--lang", "en")
    assert mine_no_more.code == 1 and "3 file(s) whose values would change are not yours to change: " \
        f"{CARD}, " in mine_no_more.err and "Nothing was written" in mine_no_more.err
    assert snapshot(sealed) == before
    act_as(monkeypatch, "li.na@example.cn")  # the sales manager, who may change every card
    dry = run("--archive", sealed, "rekey", "--dry-run", "--identity", keys["li.na"], "--lang", "en")
    assert dry.code == 0 and dry.out.count("would be re-encrypted for 陈晓雨 (chen.xiaoyu)、李娜 (li.na)、张敏 (zhang.min)、赵国强 "
                                           "(zhao.guoqiang)、周静 (zhou.jing)") == 4, dry.out
    assert snapshot(sealed) == before
    refused = run("--archive", sealed, "rekey", "--identity", keys["outsider"], "--lang", "en")
    assert refused.code == 1 and "not re-encrypted: it must be decrypted first" in refused.out
    assert snapshot(sealed) == before
    result = run("--archive", sealed, "rekey", "--identity", keys["li.na"], "--lang", "en")
    assert result.code == 0, result.out
    after = snapshot(sealed)
    changed = {rel for rel in after if after[rel] != before[rel]}
    assert CARD in changed and CONTRACT in changed and "customers/C0002.yaml" not in changed
    for rel in changed:  # outside the armored blocks, every line is as it was
        assert _plain_lines(before[rel]) == _plain_lines(after[rel]), rel
    assert problems(run, sealed) == []
    new_manager = crypto.load_identity(str(keys["chen.xiaoyu"]))
    assert crypto.readable(load_file(card, CARD).data, SchemaSet(sealed / "schemas"), new_manager).data[
        "credit_limit"] == "200000.00 CNY"


def _plain_lines(raw: bytes) -> list[str]:
    text = re.sub(r'"-----BEGIN AGE ENCRYPTED FILE-----[^"]*"', '"…"', raw.decode("utf-8"))  # in flow style
    return [line for line in text.splitlines() if not line.startswith(" ") or not _armor_body(line)]


def _armor_body(line: str) -> bool:
    text = line.strip()
    return text.startswith("-----") or (text and all(c.isalnum() or c in "+/=" for c in text))


def test_rekey_keeps_comments_and_flow_style(sealed):
    text = (sealed / CARD).read_text(encoding="utf-8")
    assert '{name: 王建国, title: 行政总监, phone: "-----BEGIN AGE ENCRYPTED FILE-----\\n' in text
    assert value_at(sealed, CARD, "contacts", 0, "name") == "王建国"


def test_a_ciphertext_moved_to_another_place_is_refused_on_decryption(sealed, run, keys):
    card = sealed / CARD
    data = load_file(card, CARD).data
    moved = data["credit_limit"]
    contract = sealed / CONTRACT
    contract.write_text(replace_scalars(contract.read_text(encoding="utf-8"), {("content", "value"): moved}),
                        encoding="utf-8")
    assert value_at(sealed, CONTRACT, "content", "value") == moved
    result = run("--archive", sealed, "show", "2-2025-S02-0001", "--identity", keys["li.na"], "--lang", "en")
    assert result.code == 0 and "value: 已加密 / encrypted" in result.out
    assert "content.value: this encrypted value belongs to C0001:credit_limit, not here" in result.err
    assert "200000.00 CNY" not in result.out


def test_a_value_encrypted_by_the_age_command_is_named_so_with_its_fix(sealed, run, keys, tmp_path):
    """Issue 14: age itself (not pyrage, not dossier) encrypts a value to the right people; show
    must not call it damaged but say that dossier's binding is missing and how to add it."""
    assert shutil.which("age"), "the age command is missing: bash scripts/bootstrap.sh installs it (Debian: age)"
    recipients = tmp_path / "recipients.txt"
    recipients.write_text("".join(public(keys[p]) + "\n" for p in BASE_PEOPLE), encoding="utf-8")
    armored = subprocess.run(["age", "--armor", "-R", str(recipients)], input=b"500000.00 CNY",
                             capture_output=True, check=True).stdout.decode()
    contract = sealed / CONTRACT
    original = contract.read_text(encoding="utf-8")
    contract.write_text(replace_scalars(original, {("content", "value"): armored}), encoding="utf-8")
    show = ("--archive", sealed, "show", "2-2025-S02-0001", "--identity", keys["wang.wei"])
    english = run(*show, "--lang", "en")
    assert english.code == 0 and "value: 已加密 / encrypted" in english.out and "500000.00 CNY" not in english.out
    assert ("content.value: this value was encrypted without dossier (by the age command?): it decrypts, but lacks "
            "dossier's binding to its item and field") in english.err
    assert "run `dossier rekey` on the file" in english.err and "damaged" not in english.err
    assert "缺少 dossier 将其绑定到所属档案件与字段的信息" in run(*show, "--lang", "zh").err
    # validate decrypts nothing, but the payload's length tells: 13 bytes cannot hold the binding
    said = problems(run, sealed)
    assert len(said) == 1 and said[0].startswith(f"{CONTRACT}:") and ("content.value: this encrypted value is too "
                                                                     "short to hold dossier's binding") in said[0]
    assert "run `dossier rekey records/2/2025/2-2025-S02-0001.yaml`" in said[0]
    refused = run("--archive", sealed, "rekey", contract, "--identity", keys["li.na"], "--lang", "en")
    assert refused.code == 1 and "content.value: this value was encrypted without dossier" in refused.out
    # the fix the message gives: the value in clear in its place, then rekey
    data = load_bytes(original.encode(), CONTRACT).data
    data["content"]["value"] = "500000.00 CNY"
    contract.write_text(dump(data), encoding="utf-8")
    assert run("--archive", sealed, "rekey", contract, "--lang", "en").code == 0
    fixed = run(*show, "--lang", "en")
    assert "value: 500000.00 CNY" in fixed.out and fixed.err == ""
    assert problems(run, sealed) == []


def test_the_plaintext_size_of_a_value_is_read_from_its_length(keys, tmp_path):
    """What validate's binding check stands on: age's payload length gives the plaintext's, for
    dossier's values and the age command's, across the 64 KiB chunk boundary."""
    for value in ("1", "13800000000", "x" * 65536):
        armored = crypto.seal(value, "C0001:phone", [public(keys["li.na"])])
        assert crypto.plaintext_size(armored) == len(json.dumps({"at": "C0001:phone", "v": value}, ensure_ascii=False))
    recipients = tmp_path / "r.txt"
    recipients.write_text(public(keys["li.na"]) + "\n", encoding="utf-8")
    for size in (0, 13, 65536, 65537, 131073):
        armored = subprocess.run(["age", "--armor", "-R", str(recipients)], input=b"z" * size, capture_output=True,
                                 check=True).stdout.decode()
        assert crypto.plaintext_size(armored) == size
    assert not crypto.can_be_bound(13, "1-2025-S02-0001:content.phone")
    assert crypto.can_be_bound(len('{"at": "C0001:phone", "v": 0}'), "C0001:phone")
    cut = crypto.seal("1", "C0001:phone", [public(keys["li.na"])]).splitlines()
    with pytest.raises(crypto.ArmorError):
        crypto.plaintext_size("\n".join([cut[0], cut[1], cut[-1]]))


def test_a_damaged_ciphertext_is_still_called_damaged(keys):
    armored = crypto.seal("x", "C0001:phone", [public(keys["li.na"])])
    lines = armored.splitlines()
    body = "".join(lines[1:-1])
    flipped = body[:60] + ("A" if body[60] != "A" else "B") + body[61:]
    rewrapped = "\n".join([lines[0], *[flipped[i:i + 64] for i in range(0, len(flipped), 64)], lines[-1]]) + "\n"
    from pyrage import ssh

    identity = ssh.Identity.from_buffer(keys["li.na"].read_bytes())
    with pytest.raises(crypto.UnsealError) as caught:
        crypto.unseal(rewrapped, "C0001:phone", [identity])
    assert caught.value.reason in ("corrupt", "no-key")


# --- reading -----------------------------------------------------------------------------------------------


def test_show_decrypts_with_the_readers_key_and_says_why_it_cannot(sealed, run, keys, monkeypatch):
    args = ("--archive", sealed, "show", "2-2025-S02-0001", "--lang", "en")
    clear = value_at(FIXTURES / "base", CONTRACT, "content", "value")
    mine = run(*args, "--identity", keys["wang.wei"])
    assert mine.code == 0 and f"value: {clear}" in mine.out and mine.err == ""
    monkeypatch.setenv("DOSSIER_IDENTITY", str(keys["wang.wei"]))
    assert f'"value": "{clear}"' in run(*args, "--format", "json").out
    monkeypatch.setenv("HOME", str(sealed))  # no ~/.ssh/id_ed25519 there
    monkeypatch.delenv("DOSSIER_IDENTITY")
    nokey = run(*args)
    assert "value: 已加密 / encrypted" in nokey.out and clear not in nokey.out
    assert "1 confidential value(s) shown as 已加密 / encrypted: no key to decrypt with" in nokey.err
    other = run(*args, "--identity", keys["outsider"])
    assert "is not among the recipients of these values" in other.err
    locked = run(*args, "--identity", keys["locked"])
    assert locked.code == 2 and "protected by a passphrase, which dossier cannot use" in locked.err
    assert run(*args, "--identity", keys["locked"].with_name("locked.pub")).code == 2
    raw = run(*args, "--format", "yaml")
    assert crypto.ARMOR_BEGIN in raw.out


def test_export_and_import_keep_ciphertexts_and_encrypt_new_values(sealed, run, keys, tmp_path, monkeypatch):
    git(sealed, "config", "user.email", "li.na@example.cn")  # the sales manager reads every card
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.ssh/id_ed25519
    sheet = tmp_path / "out" / "客户管理表.csv"
    before = snapshot(sealed)

    def round_trip(*args) -> str:
        assert run("--archive", sealed, "export", "customers", "--format", "csv", "--output", sheet.parent).code == 0
        result = run("--archive", sealed, "import", "customers", sheet, "--lang", "en", *args)
        assert result.code == 0, result.out + result.err
        return result.out

    assert " 0 new, 0 changed" in round_trip()  # without a key the sheet says 已加密 and import keeps the values
    assert "已加密 / encrypted" in sheet.read_text(encoding="utf-8-sig") and snapshot(sealed) == before
    monkeypatch.setenv("DOSSIER_IDENTITY", str(keys["li.na"]))
    assert " 0 new, 0 changed" in round_trip() and snapshot(sealed) == before
    text = sheet.read_text(encoding="utf-8-sig")
    assert "200000.00" in text and "0351-7654321" in text
    sheet.write_text(text.replace("200000.00", "250000.00"), encoding="utf-8-sig")
    result = run("--archive", sealed, "import", "customers", sheet, "--reason", "年度授信调整", "--lang", "en")
    assert result.code == 0 and " 1 changed" in result.out, result.out + result.err
    stored = (sealed / CARD).read_text(encoding="utf-8")
    assert "250000" not in stored and "0351-7654321" not in stored
    data = load_file(sealed / CARD, CARD).data
    assert data["contacts"][0]["phone"] == load_bytes(before[CARD], CARD).data["contacts"][0]["phone"]  # untouched
    manager = crypto.load_identity(str(keys["wang.wei"]))
    assert crypto.readable(data, SchemaSet(sealed / "schemas"), manager).data["credit_limit"] == "250000.00 CNY"
    assert problems(run, sealed) == []


def test_find_does_not_search_inside_ciphertexts(sealed, run):
    word = value_at(sealed, CONTRACT, "content", "value").splitlines()[2][8:20]
    assert "2-2025-S02-0001" in run("--archive", sealed, "find", "2-2025-S02-0001").out
    assert "2-2025-S02-0001" not in run("--archive", sealed, "find", word).out


def test_reports_read_confidential_values_with_the_readers_key(tmp_path, keys, run, monkeypatch):
    from dossier import reports

    period = reports.resolve_period("credit", "2026-09", dt.date.fromisoformat(TODAY))
    clear = reports.load("credit", copy_archive(FIXTURES / "reports", tmp_path / "clear"), period)
    root = seal_archive(copy_archive(FIXTURES / "reports", tmp_path / "sealed"), keys, run)
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.ssh/id_ed25519
    blind = reports.load("credit", root, period)
    assert blind.limits == [] and blind.problems and all(p.key == "report-field-encrypted" for p in blind.problems)
    monkeypatch.setenv("DOSSIER_IDENTITY", str(keys["li.na"]))
    seen = reports.load("credit", root, period)
    assert seen.problems == [] and seen.limits == clear.limits and seen.cards == clear.cards


# --- the acceptance test: a leaked clone of the sample archive --------------------------------------------


def _sample_values() -> set[str]:
    """Every confidential value of the sample archive, decrypted with the sample identities."""
    import sys

    sys.path.insert(0, str(REPO / "benchmarks"))
    from sample_sealing import sample_identity

    schemas, identity, found = SchemaSet(SAMPLE / "schemas"), sample_identity(), set()
    for path in sorted(SAMPLE.rglob("*.yaml")):
        rel = path.relative_to(SAMPLE).as_posix()
        if rel.split("/")[0] not in ("customers", "records", "daily"):
            continue
        data = load_file(path, rel).data
        seen = crypto.readable(data, schemas, identity)
        assert seen.hidden == 0, rel
        kind = "customer" if rel.startswith("customers/") else data["type"]
        found.update(str(value) for _, _, value in crypto.values_at(seen.data, schemas.confidential(kind)))
    return found


def _found(values: set[str], texts: list[str]) -> set[str]:
    """The values that stand in the texts as whole values (9000.00 CNY is not in 19000.00 CNY)."""
    pattern = re.compile("|".join(rf"(?<![0-9.]){re.escape(v)}(?![0-9])" for v in sorted(values, key=len, reverse=True)))
    return {match.group() for text in texts for match in pattern.finditer(text)}


def test_a_clone_without_a_key_reveals_no_confidential_value(tmp_path, run):
    # A value that also stands in a plain field of the sample (a membership fee equal to a credit
    # limit) proves nothing either way; every other confidential value must be nowhere in clear.
    stored = [p.read_text(encoding="utf-8") for p in SAMPLE.rglob("*.*") if p.suffix in (".yaml", ".json")]
    everywhere = _sample_values()
    values = everywhere - _found(everywhere, stored)
    assert len(values) > 0.8 * len(everywhere) > 100
    repo = tmp_path / "origin"
    shutil.copytree(SAMPLE, repo, ignore=shutil.ignore_patterns(".dossier"))
    init_repo(repo, "li.na@longcheng-club.cn")
    first = git(repo, "rev-parse", "HEAD").strip()
    card = repo / "customers" / "C0007.yaml"
    assert "manager: wang.wei" in card.read_text(encoding="utf-8")
    card.write_text(card.read_text(encoding="utf-8").replace("manager: wang.wei", "manager: liu.yang"),
                    encoding="utf-8")
    result = run("--archive", repo, "rekey", "--identity", SAMPLE_KEYS / "li.na", "--lang", "en")
    assert result.code == 0 and "re-encrypted" in result.out, result.out + result.err
    assert run("--archive", repo, "validate", "--lang", "en").code == 0
    git(repo, "commit", "-q", "-am", "C0007 移交刘洋; dossier rekey")

    clone = tmp_path / "leak"
    subprocess.run(["git", "clone", "-q", str(repo), str(clone)], check=True)
    texts = [p.read_bytes().decode("utf-8", "replace") for p in clone.rglob("*") if p.is_file() and ".git" not in p.parts]
    texts.append(git(clone, "log", "-p", "--all"))
    assert _found(values, texts) == set()
    git(clone, "config", "user.email", "liu.yang@longcheng-club.cn")

    # with the right key `show` prints a value; the former manager reads only the old commit's values
    item = next(p for p in sorted((clone / "records" / "2").rglob("*.yaml")) if "customer: C0007" in p.read_text())
    code = item.stem
    shown = run("--archive", clone, "show", code, "--identity", SAMPLE_KEYS / "liu.yang", "--lang", "en")
    assert shown.code == 0 and "已加密" not in shown.out and shown.err == ""
    assert any(value in shown.out for value in values)
    rel = item.relative_to(clone).as_posix()
    schemas, former = SchemaSet(clone / "schemas"), crypto.load_identity(str(SAMPLE_KEYS / "wang.wei"))
    now = crypto.readable(load_file(item, rel).data, schemas, former)
    assert now.hidden == 1 and now.data["content"]["value"] == crypto.PLACEHOLDER
    old_text = git(clone, "show", f"{first}:{rel}")
    then = crypto.readable(load_bytes(old_text.encode(), rel).data, schemas, former)
    assert then.hidden == 0 and then.data["content"]["value"] in values


def test_the_modification_record_shows_an_encrypted_change_without_armor_or_value(keys):
    from dossier.record.history import diff_values

    recipients = [public(keys["li.na"])]
    before, after = (crypto.seal(value, "C0001:credit_limit", recipients) for value in ("100.00 CNY", "200.00 CNY"))
    [change] = diff_values({"credit_limit": before}, {"credit_limit": after})
    old, new = change.text().removeprefix("credit_limit: ").split(" → ")
    assert old.startswith(crypto.PLACEHOLDER + " #") and new.startswith(crypto.PLACEHOLDER + " #")
    assert old != new  # the fingerprints tell the two ciphertexts apart
    assert "BEGIN AGE" not in change.text() and "100.00" not in change.text()


# --- decrypted values on disk (issue 13 point 1) ------------------------------------------------------


def test_after_render_nothing_decrypted_is_left_on_disk_but_the_volume_named(sealed, keys, run, tmp_path,
                                                                              monkeypatch):
    """The volume shows the credit limit decrypted; the render cache keeps the pages it was made
    of, but outside the repository, private to the user, and encrypted to the reader's own key —
    and a cache an older version left decrypted inside the archive is deleted."""
    from conftest import SEES_ALL, act_as
    from dossier.paper.render.cache import cache_folder
    from dossier.paper.render.readback import read_volume

    act_as(monkeypatch, SEES_ALL)
    monkeypatch.setenv("DOSSIER_IDENTITY", str(keys["li.na"]))
    legacy = sealed / ".dossier/render/old.doc"
    legacy.parent.mkdir(parents=True)
    legacy.write_bytes(b"200,000.00 decrypted long ago")
    before = {p for p in sealed.rglob("*") if ".git" not in p.parts}
    out = tmp_path / "out" / "volume.pdf"
    result = run("--archive", sealed, "render", "volume", "3", "2025", "--output", out, "--lang", "en")
    assert result.code == 0, result.out + result.err
    assert "200,000.00" in "".join(page.text for page in read_volume(out).pages)  # decrypted, where asked
    assert {p for p in sealed.rglob("*") if ".git" not in p.parts} == before - {legacy, legacy.parent}
    assert git(sealed, "status", "--porcelain", "--ignored") == ""  # nothing new in the work tree, ignored or not
    cache = cache_folder(sealed)
    assert sealed.resolve() not in cache.resolve().parents
    documents = list(cache.glob("*.doc"))
    assert len(documents) == 5  # cover, contents, two items, 备考表
    for path in [cache, cache.parent, cache.parent.parent, *cache.rglob("*")]:
        assert path.stat().st_mode & 0o777 == (0o700 if path.is_dir() else 0o600), path
    for document in documents:
        raw = document.read_bytes()
        assert raw.startswith(crypto.AGE_VERSION_LINE) and b"200" not in raw
        assert crypto.load_identity(str(keys["li.na"])).open_own(raw)  # the reader's own key opens it
        with pytest.raises(Exception):
            crypto.load_identity(str(keys["outsider"])).open_own(raw)
    again = run("--archive", sealed, "render", "volume", "3", "2025", "--output", tmp_path / "again.pdf")
    assert again.code == 0 and set(cache.glob("*.doc")) == set(documents)  # read back from the cache
