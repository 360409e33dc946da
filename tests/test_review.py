"""Customer cards' modification record, confidential values in the record, and the approver's review.

A real repository holding a copy of the sample archive (the fictional people's private keys are in
samples/identities/): wang.wei, the customer manager of C0007, raises its credit limit on a branch
with a reason; li.na, the sales manager, reviews it and merges it. Every claim is checked against
what the commands print: the sales manager sees the limit old → new; a reader without the key sees
已加密 / encrypted and never the value; the markdown review for the forge never holds a plaintext.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, SAMPLE, act_as, git
from test_history import commit
from dossier.access import crypto
from dossier.archive.config import open_archive
from dossier.archive.loader import load_file
from dossier.archive.yamledit import replace_scalars
from dossier.archive.yamlio import dump

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



# --- 8. the approver sees what she signs --------------------------------------------------------


def test_review_shows_the_sales_manager_the_limit_old_and_new_before_she_approves(sample_repo, run, monkeypatch):
    root = sample_repo["root"]
    result = as_person(run, monkeypatch, "li.na", "--archive", root, "review", "limit", "--identity", KEYS / "li.na",
                       "--lang", "en")
    assert result.code == 0, result.out + result.err
    out = result.out
    assert f"credit_limit: {sample_repo['old_limit']} → {NEW_LIMIT}" in out
    assert f"content.value: {sample_repo['old_value']} → {NEW_VALUE}" in out
    assert f"reason: {REASON}" in out and "reason: 合同金额录入错误" in out
    assert out.index("commit 1/2") < out.index("credit_limit") < out.index("commit 2/2") < out.index("content.value")
    assert "policy: no violation; may be approved by 赵国强 (zhao.guoqiang)、李娜 (li.na)" in out
    assert "validation: the archive as merged has no problem" in out
    assert "BEGIN AGE" not in out and git(root, "rev-parse", "main") == git(root, "rev-parse", "HEAD")


def test_review_without_the_key_or_by_someone_not_entitled_shows_no_value(sample_repo, run, monkeypatch):
    root = sample_repo["root"]
    keyless = as_person(run, monkeypatch, "li.na", "--archive", root, "review", "limit", "--lang", "zh")
    assert keyless.code == 0 and not plaintext_in(keyless.out + keyless.err, sample_repo["plaintexts"])
    assert keyless.out.count(crypto.PLACEHOLDER) == 4 and "个保密字段显示为" in keyless.err
    # wang.wei reads his customer's card with his key, not li.na's contract; and may not approve his own branch
    author = as_person(run, monkeypatch, "wang.wei", "--archive", root, "review", "limit", "--identity",
                       KEYS / "wang.wei", "--lang", "en")
    assert f"credit_limit: {sample_repo['old_limit']} → {NEW_LIMIT}" in author.out
    assert "not shown: 2-2025-S01-0001 is not yours to read" in author.out
    assert not plaintext_in(author.out, {sample_repo["old_value"], NEW_VALUE})
    assert author.code == 1 and "approver-self: wang.wei wrote commits of this branch and may not approve" in author.out
    supervisor = as_person(run, monkeypatch, "zhang.min", "--archive", root, "review", "limit", "--lang", "en")
    assert supervisor.code == 1 and "approver-role: zhang.min may not approve this branch" in supervisor.out


def markdown(run, monkeypatch, root: Path, rev_range: str = "main..limit", lang: str = "en"):
    return as_person(run, monkeypatch, "li.na", "--archive", root, "verify", "--pending", "--format", "markdown",
                     rev_range, "--lang", lang)


def test_the_markdown_for_the_forge_never_holds_a_decrypted_value_even_where_a_key_is_at_hand(
        sample_repo, run, monkeypatch, tmp_path):
    root = sample_repo["root"]
    home = tmp_path / "home" / ".ssh"
    home.mkdir(parents=True)
    shutil.copyfile(KEYS / "li.na", home / "id_ed25519")  # the sales manager's own machine, her key in place
    monkeypatch.setenv("DOSSIER_IDENTITY", str(KEYS / "li.na"))
    for lang in ("en", "zh"):
        result = markdown(run, monkeypatch, root, lang=lang)
        assert result.code == 0, result.out + result.err
        assert not plaintext_in(result.out, sample_repo["plaintexts"]) and "BEGIN AGE" not in result.out
        assert "| `credit_limit` | `已加密 / encrypted #" in result.out and REASON in result.out
    assert "policy: no violation" in result.out or "审批规则：无违规" in result.out


def test_attack_a_branch_putting_confidential_values_in_clear_does_not_publish_them(sample_repo, run, monkeypatch):
    """The branch writes a credit limit and a contact's phone in clear, strips the schema's mark from the
    credit limit on the same branch, turns the contract into another type, and adds a card with values in
    clear, one of them not even a valid amount (a schema error quotes the value it refuses): the markdown
    shows none of the values, and validation reports the values in clear."""
    root = sample_repo["root"]
    git(root, "checkout", "-q", "-b", "leak", "limit")
    secrets = {"31415926.00 CNY", "13900001111", "27182818.00 CNY", "88887777.00 CNY", "16180339 CNY"}
    card = load_file(root / CARD, CARD).data
    card["credit_limit"], card["contacts"][0]["phone"] = "31415926.00 CNY", "13900001111"
    (root / CARD).write_text(dump(card), encoding="utf-8")
    schema = root / "schemas" / "customer.schema.json"
    schema.write_text(schema.read_text(encoding="utf-8").replace('"x-confidential": true', '"x-confidential": false'),
                      encoding="utf-8")
    rel = f"records/2/2025/{CONTRACT_CODE}.yaml"
    contract = load_file(root / rel, rel).data
    contract["content"]["value"], contract["type"] = "27182818.00 CNY", "agreement"
    (root / rel).write_text(dump(contract), encoding="utf-8")
    new_card = {**load_file(root / "customers/C0008.yaml", "customers/C0008.yaml").data, "id": "C0999",
                "credit_limit": "88887777.00 CNY", "phone": "16180339 CNY"}
    (root / "customers/C0999.yaml").write_text(dump(new_card), encoding="utf-8")
    commit_as(root, "wang.wei", "Values\n\nReason: 更正", "2026-11-12T10:00:00+08:00")
    git(root, "checkout", "-q", "main")
    result = markdown(run, monkeypatch, root, "main..leak")
    assert not plaintext_in(result.out, secrets | sample_repo["plaintexts"]), result.out
    assert result.code == 1 and "confidential" in result.out  # validation: values in clear
    verdicts = result.out.split("### ")[1]
    assert "customers/C0999.yaml" in verdicts  # the refused value is named, not quoted
    limit = [line for line in result.out.splitlines() if line.startswith("| `credit_limit`")]
    assert limit[-1].endswith("| `已加密 / encrypted` |")  # withheld though the branch strips the mark
    assert "`contacts[0].phone`" in result.out


def test_attack_text_from_the_branch_cannot_inject_markup_into_the_pull_request(sample_repo, run, monkeypatch):
    root = sample_repo["root"]
    git(root, "checkout", "-q", "-b", "inject", "limit")
    card = root / CARD
    text = card.read_text(encoding="utf-8")
    card.write_text(text.replace("payment_terms: 签单挂账，月结30天", "payment_terms: 'a | b ` c <img src=x onerror=alert(1)>'"),
                    encoding="utf-8")
    commit_as(root, "wang.wei", "<script>alert(1)</script> @everyone [x](http://evil)\n\nReason: <b>bold</b> | pipe",
              "2026-11-12T10:00:00+08:00")
    git(root, "checkout", "-q", "main")
    out = markdown(run, monkeypatch, root, "main..inject").out
    row = next(line for line in out.splitlines() if "payment_terms" in line)
    outside_code = out.replace(row, "")
    assert "<script>" not in outside_code and "<img" not in outside_code and "<b>" not in outside_code
    assert "&lt;script&gt;" in outside_code and "&lt;b&gt;bold&lt;/b&gt;" in outside_code
    assert "@everyone" not in out and "[x](http" not in out
    assert row.count(" | ") == 2  # the value's pipe is escaped: the row keeps its three cells
    assert "``a \\| b ` c <img src=x onerror=alert(1)>``" in row  # inside a code span: shown, never rendered


def test_approve_shows_the_review_and_refuses_to_sign_without_a_terminal_or_yes(sample_repo, run, monkeypatch,
                                                                                tmp_path):
    root = sample_repo["root"]
    signing(root, tmp_path)  # nothing else stands against signing: only the question is left
    before = git(root, "rev-parse", "main")
    result = as_person(run, monkeypatch, "li.na", "--archive", root, "approve", "limit", "--identity", KEYS / "li.na",
                       "--lang", "en")
    assert result.code == 2 and "there is no terminal to ask on" in result.err
    assert f"credit_limit: {sample_repo['old_limit']} → {NEW_LIMIT}" in result.out  # shown before refusing
    assert git(root, "rev-parse", "main") == before and git(root, "status", "--porcelain") == ""


def signing(root: Path, tmp_path: Path) -> None:
    key = tmp_path / "signing-key"
    shutil.copyfile(KEYS / "li.na", key)
    key.chmod(0o600)
    git(root, "config", "gpg.format", "ssh")
    git(root, "config", "user.signingkey", str(key))


def test_approve_asks_on_the_terminal_and_signs_only_on_yes(sample_repo, monkeypatch, tmp_path):
    """The real command on a pseudo-terminal: "n" leaves everything as it was, "y" signs and merges."""
    import pty

    root = sample_repo["root"]
    signing(root, tmp_path)
    before = git(root, "rev-parse", "main").strip()
    env = {**os.environ, "GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "user.email",
           "GIT_CONFIG_VALUE_0": EMAIL.format("li.na"), "GIT_CONFIG_GLOBAL": "/dev/null", "DOSSIER_TODAY": "2026-11-23"}
    dossier = str(Path(sys.executable).with_name("dossier"))
    for answer, merged in (("n", False), ("y", True)):
        leader, follower = pty.openpty()
        process = subprocess.Popen([dossier, "--archive", str(root), "approve", "limit", "--identity",
                                    str(KEYS / "li.na"), "--lang", "en"], stdin=follower, stdout=follower,
                                   stderr=follower, env=env, cwd=root)
        os.close(follower)
        seen = _read_until(leader, b"[y/N]")
        os.write(leader, answer.encode() + b"\n")
        seen += _read_until(leader, None)
        process.wait(timeout=60)
        os.close(leader)
        text = seen.decode("utf-8", "replace")
        assert f"credit_limit: {sample_repo['old_limit']} → {NEW_LIMIT}" in text
        assert text.index("credit_limit") < text.index("Sign and merge limit into main?")
        head = git(root, "rev-parse", "main").strip()
        if merged:
            assert process.returncode == 0 and head != before and "merged limit with your signature" in text
            assert git(root, "log", "-1", "--format=%P", "main").startswith(before)
            assert "gpgsig -----BEGIN SSH SIGNATURE-----" in git(root, "cat-file", "-p", "main")
        else:
            assert process.returncode == 1 and head == before and "nothing was signed or merged" in text
            assert git(root, "status", "--porcelain") == ""


def _read_until(fd: int, marker: bytes | None) -> bytes:
    import select

    seen = b""
    while marker is None or marker not in seen:
        ready, _, _ = select.select([fd], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the other end closed: the process ended
            break
        if not chunk:
            break
        seen += chunk
    return seen


def test_approve_yes_signs_for_scripts_after_showing_the_review_with_its_verdicts(sample_repo, run, monkeypatch,
                                                                                  tmp_path):
    root = sample_repo["root"]
    signing(root, tmp_path)
    git(root, "checkout", "-q", "-b", "noreason", "limit")
    contract = root / f"records/2/2025/{CONTRACT_CODE}.yaml"
    contract.write_text(contract.read_text(encoding="utf-8").replace("status: filed", "status: filed\nremarks: 无因修改"),
                        encoding="utf-8")
    commit_as(root, "wang.wei", "A filed item changed without a reason", "2026-11-12T10:00:00+08:00")
    git(root, "checkout", "-q", "main")
    before = git(root, "rev-parse", "main")
    asked = as_person(run, monkeypatch, "li.na", "--archive", root, "approve", "noreason", "--lang", "en")
    assert asked.code == 1 and "missing-reason" in asked.out and "remarks: — → 无因修改" in asked.out
    assert "missing-reason" in asked.err and "nothing was signed" in asked.err  # refused before any question
    assert git(root, "rev-parse", "main") == before and git(root, "status", "--porcelain") == ""
    signed = as_person(run, monkeypatch, "li.na", "--archive", root, "approve", "limit", "--yes", "--lang", "en")
    assert signed.code == 0, signed.err
    assert "credit_limit: 已加密" in signed.out and git(root, "rev-parse", "main") != before
    assert "merged limit with your signature" in signed.out


def test_a_branch_behind_main_or_holding_a_merge_is_reviewed_as_the_merge_would_leave_main(sample_repo, run,
                                                                                            monkeypatch):
    """What is signed is the merge: a change slipped into a merge commit on the branch (no commit of its own)
    shows in the review as what the approval changes on main."""
    root = sample_repo["root"]
    main_card = root / "customers/C0002.yaml"
    main_card.write_text(main_card.read_text(encoding="utf-8").replace("月结30天", "月结45天"), encoding="utf-8")
    commit_as(root, "li.na", "main moves on\n\nReason: 付款条件调整", "2026-11-12T09:00:00+08:00")
    git(root, "checkout", "-q", "limit")
    subprocess.run(["git", "-c", "user.email=" + EMAIL.format("wang.wei"), "merge", "-q", "--no-ff", "--no-commit",
                    "main"], cwd=root, check=True, capture_output=True)
    card = root / "customers/C0003.yaml"  # slipped into the merge
    card.write_text(card.read_text(encoding="utf-8").replace("grade: B", "grade: A"), encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "-c", "user.email=" + EMAIL.format("wang.wei"), "commit", "-q", "-m", "Merge main"],
                   cwd=root, check=True)
    git(root, "checkout", "-q", "main")
    result = as_person(run, monkeypatch, "li.na", "--archive", root, "review", "limit", "--lang", "en")
    assert "What the approval's merge changes on main" in result.out
    net = result.out[result.out.index("What the approval's merge changes on main"):]
    assert "customers/C0003.yaml" in net and "grade: B → A" in net
    assert "customers/C0003.yaml" not in result.out[:result.out.index("What the approval's merge")]
    assert "customers/C0002.yaml" not in net  # already on main: the merge does not change it


def test_the_ci_workflow_posts_the_markdown_review_on_pull_requests(tmp_path, run):
    import yaml

    assert run("init", tmp_path / "new").code == 0
    workflow = yaml.safe_load((tmp_path / "new/.github/workflows/dossier.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["check"]["steps"]
    script = "\n".join(step.get("run", "") for step in steps)
    assert "dossier verify --pending --format markdown" in script
    assert "GITHUB_STEP_SUMMARY" in script and "gh pr comment" in script
    assert workflow["permissions"]["pull-requests"] == "write"


def test_a_deletion_reads_as_a_move_into_trash_and_a_conflict_is_named(sample_repo, run, monkeypatch):
    root = sample_repo["root"]
    git(root, "checkout", "-q", "-b", "remove", "main")
    act_as(monkeypatch, EMAIL.format("li.na"))
    deleted = run("--archive", root, "delete", CONTRACT_CODE, "--reason", "重复归档", "--lang", "en")
    assert deleted.code == 0, deleted.err
    git(root, "checkout", "-q", "main")
    result = as_person(run, monkeypatch, "zhao.guoqiang", "--archive", root, "review", "remove", "--lang", "en")
    item = f"records/2/2025/{CONTRACT_CODE}.yaml"
    assert f"moved {item} → trash/{item} (item {CONTRACT_CODE})" in result.out
    assert f"added trash/records/2/2025/{CONTRACT_CODE}.deletion.yaml" in result.out
    assert "content.value" not in result.out  # moved as it was: no field changed
    assert "reason: 重复归档" in result.out
    # main changes C0007's credit limit too, otherwise than the branch `limit`: approval could not merge it
    reseal(root, CARD, "C0007", ("credit_limit",), "1.00 CNY")
    commit_as(root, "li.na", "main changes it\n\nReason: 额度调整", "2026-11-12T09:00:00+08:00")
    clash = as_person(run, monkeypatch, "zhao.guoqiang", "--archive", root, "review", "limit", "--lang", "en")
    assert clash.code == 1 and f"limit does not merge cleanly into main ({CARD})" in clash.out


def test_ci_writes_the_markdown_in_a_fresh_clone_with_no_identity_and_no_key(sample_repo, tmp_path, monkeypatch):
    """As the workflow runs it: a clone of the server's bare repository, the pull request's branch checked
    out, no git user, no key; the real command, as a process."""
    root = sample_repo["root"]
    bare = tmp_path / "server.git"
    git(tmp_path, "clone", "-q", "--bare", str(root), str(bare))
    clone = tmp_path / "ci"
    git(tmp_path, "clone", "-q", str(bare), str(clone))
    git(clone, "checkout", "-q", "limit")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("GIT_", "DOSSIER_IDENTITY"))}
    env.update(GIT_CONFIG_GLOBAL=str(tmp_path / "none"), GIT_CONFIG_NOSYSTEM="1", HOME=str(tmp_path / "home"))
    result = subprocess.run([str(Path(sys.executable).with_name("dossier")), "verify", "--pending", "--format",
                             "markdown", "origin/main..HEAD", "--lang", "zh"], cwd=clone, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("## ✅ 档案审阅：`HEAD` 合并入 `origin/main`，共 2 个提交")
    assert "| `credit_limit` | `已加密 / encrypted #" in result.stdout and REASON in result.stdout
    assert not plaintext_in(result.stdout + result.stderr, sample_repo["plaintexts"])
