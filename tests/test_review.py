"""Customer cards' modification record, confidential values in the record, and the approver's review.

A real repository holding a copy of the sample archive (the fictional people's private keys are in
samples/identities/): wang.wei, the customer manager of C0007, raises its credit limit on a branch
with a reason; li.na, the sales manager, reviews it and merges it. Every claim is checked against
what the commands print: the sales manager sees the limit old → new; a reader without the key sees
已加密 / encrypted and never the value; the markdown review for the forge never holds a plaintext.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import REPO, SAMPLE, act_as, git
from test_history import commit
from dossier import crypto
from dossier.config import open_archive
from dossier.loader import load_file
from dossier.yamledit import replace_scalars

KEYS = REPO / "samples" / "identities"
CARD = "customers/C0007.yaml"
CONTRACT_CODE = "2-2025-S01-0001"  # li.na's contract, its value confidential
NEW_LIMIT = "987654.00 CNY"
NEW_VALUE = "1234567.89 CNY"
REASON = "客户追加保证金，信用额度上调"
EMAIL = "{}@longcheng-club.cn"


def identity(person: str) -> crypto.Identity:
    return crypto.load_identity(str(KEYS / person))


def commit_as(repo: Path, person: str, message: str, date: str, merge: str | None = None) -> str:
    return commit(repo, EMAIL.format(person), date, message, merge)


def reseal(root: Path, rel: str, owner: str, path: tuple, value: str) -> str:
    """Give the confidential value at `path` a new value, encrypted to the same recipients as before
    (as `dossier rekey` would), and return the old plaintext."""
    file = root / rel
    data = load_file(file, rel).data
    armor = data
    for step in path:
        armor = armor[step]
    at = crypto.place(owner, tuple("*" if isinstance(step, int) else step for step in path))
    old = crypto.unseal(armor, at, identity("li.na").keys)
    tags = set(crypto.recipient_tags(armor))
    keys = [p.encryption_key for p in open_archive(root).people.values()
            if p.encryption_key and crypto.key_tag(p.encryption_key) in tags]
    file.write_text(replace_scalars(file.read_text(encoding="utf-8"), {path: crypto.seal(value, at, keys)}),
                    encoding="utf-8")
    return old


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict:
    """The sample archive in a real repository, filed by the archivist; a branch `limit` on which
    wang.wei raises C0007's credit limit and corrects li.na's contract value; not merged yet.
    Built once; each test works on its own copy."""
    root = tmp_path_factory.mktemp("built") / "archive"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".dossier"))
    git(root, "init", "-q", "-b", "main")
    commit_as(root, "zhou.jing", "The sample archive", "2026-11-01T09:00:00+08:00")
    git(root, "checkout", "-q", "-b", "limit")
    old_limit = reseal(root, CARD, "C0007", ("credit_limit",), NEW_LIMIT)
    card_commit = commit_as(root, "wang.wei", f"Raise C0007's credit limit\n\nReason: {REASON}",
                            "2026-11-10T10:00:00+08:00")
    contract = f"records/2/2025/{CONTRACT_CODE}.yaml"
    old_value = reseal(root, contract, CONTRACT_CODE, ("content", "value"), NEW_VALUE)
    commit_as(root, "wang.wei", "Contract value corrected\n\nReason: 合同金额录入错误", "2026-11-10T11:00:00+08:00")
    git(root, "checkout", "-q", "main")
    return {"root": root, "old_limit": old_limit, "old_value": old_value, "card_commit": card_commit,
            "plaintexts": {old_limit, NEW_LIMIT, old_value, NEW_VALUE}}


@pytest.fixture
def sample_repo(built, tmp_path, monkeypatch) -> dict:
    root = tmp_path / "archive"
    shutil.copytree(built["root"], root)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # no ~/.ssh/id_ed25519 to fall back on
    monkeypatch.delenv("DOSSIER_IDENTITY", raising=False)
    return {**built, "root": root}


@pytest.fixture
def merged(sample_repo) -> dict:
    root = sample_repo["root"]
    sample_repo["merge"] = commit_as(root, "li.na", "Approve limit", "2026-11-11T09:00:00+08:00", merge="limit")
    return sample_repo


def as_person(run, monkeypatch, person: str, *args):
    act_as(monkeypatch, EMAIL.format(person))
    return run(*args)


def plaintext_in(text: str, values: set[str]) -> set[str]:
    return {value for value in values if value in text or value.split()[0] in text}


# --- 7. the card's modification record -----------------------------------------------------------


def test_history_of_a_card_shows_the_credit_limit_decrypted_to_the_sales_manager(merged, run, monkeypatch):
    root = merged["root"]
    result = as_person(run, monkeypatch, "li.na", "--archive", root, "history", "C0007", "--identity",
                       KEYS / "li.na", "--lang", "en")
    assert result.code == 0, result.err
    assert f"credit_limit: {merged['old_limit']} → {NEW_LIMIT}" in result.out
    assert f"reason: {REASON}" in result.out and "approved by li.na" in result.out and "wang.wei" in result.out
    assert "BEGIN AGE" not in result.out and result.err == ""


def test_history_of_a_card_shows_encrypted_to_a_reader_without_the_key(merged, run, monkeypatch):
    root = merged["root"]
    for person, key in (("li.na", None), ("wang.wei", None), ("wang.wei", KEYS / "liu.yang")):
        args = ["--archive", root, "history", "C0007", "--lang", "en"] + (["--identity", key] if key else [])
        result = as_person(run, monkeypatch, person, *args)
        assert result.code == 0, result.err
        line = next(line for line in result.out.splitlines() if "credit_limit" in line)
        assert line.count(crypto.PLACEHOLDER) == 2 and "→" in line
        assert not plaintext_in(result.out + result.err, merged["plaintexts"])
        assert "shown as 已加密 / encrypted" in result.err  # and why, on stderr
        as_json = as_person(run, monkeypatch, person, *args[:-2], "--format", "json")
        assert not plaintext_in(as_json.out, merged["plaintexts"]) and "BEGIN AGE" not in as_json.out


def test_the_customer_manager_holding_his_key_reads_his_customers_record(merged, run, monkeypatch):
    root = merged["root"]
    result = as_person(run, monkeypatch, "wang.wei", "--archive", root, "history", "C0007", "--format", "json",
                       "--identity", KEYS / "wang.wei")
    changes = json.loads(result.out)
    [limit] = [f for c in changes for f in c["fields"] if f["field"] == "credit_limit"]
    assert limit["old"]["value"] == merged["old_limit"] and limit["new"]["value"] == NEW_LIMIT
    assert changes[-1]["card"] is True and changes[-1]["approver"] == "li.na"


def test_a_reader_not_entitled_is_refused_even_holding_an_entitled_key(merged, run, monkeypatch):
    root = merged["root"]
    result = as_person(run, monkeypatch, "liu.yang", "--archive", root, "history", "C0007", "--identity",
                       KEYS / "li.na", "--lang", "en")
    assert result.code == 1 and "may not read C0007" in result.err
    assert not plaintext_in(result.out + result.err, merged["plaintexts"]) and "credit_limit" not in result.out


def test_item_history_decrypts_the_same_way(merged, run, monkeypatch):
    root = merged["root"]
    seen = as_person(run, monkeypatch, "li.na", "--archive", root, "history", CONTRACT_CODE, "--identity",
                     KEYS / "li.na", "--lang", "en")
    assert f"content.value: {merged['old_value']} → {NEW_VALUE}" in seen.out
    hidden = as_person(run, monkeypatch, "li.na", "--archive", root, "history", CONTRACT_CODE, "--lang", "zh")
    assert hidden.code == 0 and crypto.PLACEHOLDER in hidden.out
    assert not plaintext_in(hidden.out + hidden.err, merged["plaintexts"])


def test_log_of_a_customer_includes_its_card_commits(merged, run, monkeypatch):
    root = merged["root"]
    result = as_person(run, monkeypatch, "wang.wei", "--archive", root, "log", "--customer", "C0007", "--format",
                       "json")
    rows = json.loads(result.out)
    card = [row for row in rows if row["code"] == "C0007"]
    assert [(row["commit"], row["action"], row["reason"], row["approver"]) for row in card][0] == (
        merged["card_commit"], "modified", REASON, "li.na")
    assert all(row["card"] for row in card) and any(not row["card"] for row in rows)  # its items too
    other = as_person(run, monkeypatch, "liu.yang", "--archive", root, "log", "--customer", "C0007", "--format",
                      "json", "--lang", "en")
    assert json.loads(other.out) == [] and "may not read are left out" in other.err


def test_a_rekey_shows_as_the_same_value_encrypted_again(merged, run, monkeypatch):
    root = merged["root"]
    reseal(root, CARD, "C0007", ("credit_limit",), NEW_LIMIT)  # same value, new ciphertext
    commit_as(root, "li.na", "rekey", "2026-11-12T09:00:00+08:00")
    result = as_person(run, monkeypatch, "li.na", "--archive", root, "history", "C0007", "--identity",
                       KEYS / "li.na", "--lang", "en")
    assert f"credit_limit: {NEW_LIMIT} (value unchanged, encrypted again for its readers)" in result.out


def test_a_ciphertext_copied_from_another_card_or_damaged_is_never_decrypted(merged, run, monkeypatch):
    root = merged["root"]
    source = load_file(root / CARD, CARD).data["credit_limit"]
    other = "customers/C0008.yaml"
    text = (root / other).read_text(encoding="utf-8")
    (root / other).write_text(replace_scalars(text, {("credit_limit",): source}), encoding="utf-8")
    commit_as(root, "li.na", "copied", "2026-11-12T09:00:00+08:00")
    damaged = source.replace(source.splitlines()[3], source.splitlines()[3][::-1])
    (root / other).write_text(replace_scalars(text, {("credit_limit",): damaged}), encoding="utf-8")
    commit_as(root, "li.na", "damaged", "2026-11-12T10:00:00+08:00")
    result = as_person(run, monkeypatch, "li.na", "--archive", root, "history", "C0008", "--identity",
                       KEYS / "li.na", "--lang", "en")
    assert result.code == 0 and "Traceback" not in result.err
    assert not plaintext_in(result.out, {NEW_LIMIT})
    lines = [line for line in result.out.splitlines() if "credit_limit" in line]
    assert len(lines) == 2 and crypto.PLACEHOLDER in lines[0] and lines[1].count(crypto.PLACEHOLDER) == 2


def test_history_of_something_that_is_neither_code_nor_customer(merged, run, monkeypatch):
    root = merged["root"]
    for text in ("../people", "C0007/../../x", "C00077"):
        result = as_person(run, monkeypatch, "li.na", "--archive", root, "history", text, "--lang", "en")
        assert result.code in (1, 2) and "Traceback" not in result.err and result.out == ""
