"""The four-property check (DA/T 70) and the handover package (DA/T 93), attacked with a
seeded-fault corpus: one real archive (git, signed approval of the binding) or one real package
(BagIt) per automated check item, each with exactly one fault, each caught by exactly that item."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from pathlib import Path

import bagit
import pytest
from pypdf import PdfReader, PdfWriter

from conftest import FIXTURES, copy_archive, git, init_repo
from dossier.cli.main import main
from dossier.handover import package_check
from dossier.handover.checks import check
from dossier.handover.items import AUTOMATIC, FAIL, ITEMS, MANUAL, PASS, items_of
from dossier.handover.service import check_run

TODAY = dt.date(2026, 11, 23)
ATTACHMENT = "records/1/2025/1-2025-S02-0001.scan-1.png"
ITEM1 = "records/1/2025/1-2025-S02-0001.yaml"
ITEM2 = "records/2/2025/2-2025-S02-0001.yaml"
BOUND = "records/3/2025/3-2025-S02-0001.yaml"
MANIFEST = "volumes/Z001-KH·2025-D30-C3-V01.yaml"


def dossier(root: Path, *args: str, email: str) -> tuple[int, str, str]:
    env = {"DOSSIER_TODAY": TODAY.isoformat(), "GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "user.email",
           "GIT_CONFIG_VALUE_0": email}
    result = subprocess.run([str(Path(os.sys.executable).parent / "dossier"), "--archive", str(root), *map(str, args)],
                            capture_output=True, text=True, env={**os.environ, **env}, cwd=root.parent)
    return result.returncode, result.stdout, result.stderr


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    """The base archive with a bound volume: bound by the archivist on a branch, approved by the
    sales manager's signed merge — an archive verify finds in order."""
    base = tmp_path_factory.mktemp("sample")
    key = base / "manager"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "li.na", "-f", str(key)], check=True)
    root = copy_archive(FIXTURES / "base", base / "archive")
    shutil.copytree(FIXTURES / "volumes" / "records", root / "records", dirs_exist_ok=True)
    people = root / "people.yaml"
    public = " ".join(key.with_suffix(".pub").read_text().split()[:2])
    people.write_text(people.read_text(encoding="utf-8").replace(
        "section: S01, supervisor: zhao.guoqiang}",
        f"section: S01, supervisor: zhao.guoqiang, signing_key: {public}, encryption_key: {public}}}"), encoding="utf-8")
    seal_limit(root, public)
    with open(root / "access.yaml", "a", encoding="utf-8") as access:
        access.write("  - {person: zhou.jing, category: 3, approved_by: li.na, approved_on: 2025-01-10, "
                     "expires: 2027-01-10, reason: 年度装订}\n")
    init_repo(root, "li.na@example.cn")
    git(root, "checkout", "-q", "-b", "bind-3-2025")
    code, out, err = dossier(root, "bind", "3", "2025", "--checked-by", "li.na", email="zhou.jing@example.cn")
    assert code == 0, err
    git(root, "checkout", "-q", "main")
    git(root, "config", "gpg.format", "ssh")
    git(root, "config", "user.signingkey", str(key))
    code, out, err = dossier(root, "approve", "bind-3-2025", "--yes", email="li.na@example.cn")
    assert code == 0, err
    return root


LIMIT = "limit: 200000.00 CNY"


def seal_limit(root: Path, public: str) -> None:
    """The credit limit of the bound item encrypted at rest to the sales manager, as rekey does."""
    from dossier.access.crypto import place, seal

    armored = seal("200000.00 CNY", place("3-2025-S02-0001", ("content", "limit")), [public])
    block = "limit: |\n" + "".join(f"    {line}\n" for line in armored.splitlines())
    edit(root, BOUND, LIMIT + "\n", block)


@pytest.fixture
def archive(sample, tmp_path) -> Path:
    return Path(shutil.copytree(sample, tmp_path / "archive", symlinks=True))


def failed(outcomes) -> set[str]:
    return {o.item.number for o in outcomes if o.result == FAIL}


def test_the_items_of_each_stage_are_those_of_appendix_a():
    assert len(ITEMS) == 45
    assert [len(items_of(s)) for s in ("gd", "yj", "bc")] == [36, 35, 32]
    assert [i.number for i in items_of("yj") if i.number.startswith("1-")][-1] == "1-14"


def test_the_clean_sample_passes_every_automated_item_and_no_manual_item_passes(sample):
    for stage in ("gd", "bc"):
        outcomes = check(sample, stage, TODAY)
        assert not failed(outcomes), [(o.code, o.findings) for o in outcomes if o.result == FAIL]
        assert all(o.result != PASS for o in outcomes if o.method != AUTOMATIC)
        assert {o.item.number for o in outcomes if o.result == MANUAL} >= {"2-7", "2-8", "3-4", "4-5"}


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def new_attachment(root: Path, name: str, data: bytes) -> None:
    """Give ITEM1 a second attachment `name` holding `data`, its sha256 recorded."""
    import hashlib

    (root / "records/1/2025" / name).write_bytes(data)
    edit(root, ITEM1, "title: 签字页扫描件}", "title: 签字页扫描件}\n  - {file: " + name + ", sha256: "
         + hashlib.sha256(data).hexdigest() + ", pages: 1}")


def renumber(root: Path, rel: str, old: str, new: str) -> None:
    """Move an item to another serial number, leaving a gap before it."""
    shutil.move(root / rel, root / rel.replace(old, new))
    edit(root, rel.replace(old, new), f"code: {old}", f"code: {new}")


def encrypted_pdf() -> bytes:
    import io

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def fake_scanner(root: Path, monkeypatch) -> None:
    """A clamscan on PATH that finds a virus in the first file it is given (ClamAV's output format)."""
    folder = root.parent / "bin"
    folder.mkdir()
    script = folder / "clamscan"
    script.write_text("#!/bin/sh\n[ \"$1\" = --version ] && { echo 'ClamAV 1.0.0'; exit 0; }\n"
                      "shift 2\necho \"$1: Eicar-Test-Signature FOUND\"; exit 1\n")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}:{os.environ['PATH']}")


# one fault per automated item of the GD stage (filing): (item, what it does to the archive)
ARCHIVE_FAULTS = {
    "1-1": lambda r, m: (r / ATTACHMENT).write_bytes((r / ATTACHMENT).read_bytes()[:-1] + b"\x00"),
    "1-2": lambda r, m: edit(r, ITEM1, "title: 山西晋能集团有限公司入会登记表", "title: " + "很长的题名" * 50),
    "1-3": lambda r, m: edit(r, ITEM1, "pages: 2", "pages: two"),
    "1-4": lambda r, m: edit(r, ITEM1, "secrecy: 内部", "secrecy: 绝密"),
    "1-5": lambda r, m: edit(r, ITEM2, "date: 2025-", "date: 2024-"),
    "1-6": lambda r, m: edit(r, ITEM1, "title: 山西晋能集团有限公司入会登记表", "title: 山西晋能集团\ue000入会登记表"),
    "1-7": lambda r, m: edit(r, ITEM1, "status: filed", "status: filed\npaper: {archive_number: Z001-KH·2025-D10-C1-0001, "
                                                       "shelf: A区1排}"),
    "1-8": lambda r, m: edit(r, ITEM1, "pages: 2", "doc_number: 龙会销〔2025〕8号\npages: 2"),
    "1-10": lambda r, m: new_attachment(r, "photo.png", b"\xff\xd8\xff\xe0" + b"\x00" * 64),
    "1-11": lambda r, m: (r / ATTACHMENT).unlink(),
    "1-12": lambda r, m: edit(r, MANIFEST, "bound_by: zhou.jing\n", ""),
    "1-13": lambda r, m: (r / "records/3/2025/notes.yml").write_text("note: 备忘\n", encoding="utf-8"),
    "1-14": lambda r, m: edit(r, BOUND, "title: ", "remarks: 后补\ntitle: "),
    "2-1": lambda r, m: edit(r, MANIFEST, "items_count: 3", "items_count: 4"),
    "2-3": lambda r, m: edit(r, ITEM1, "pages: 2\n", ""),
    "2-4": lambda r, m: edit(r, ITEM1, "title: 山西晋能集团有限公司入会登记表", "title: ''"),
    "2-5": lambda r, m: edit(r, ITEM1, "  supervisor: {person: zhang.min, date: 2025-03-12}\n", ""),
    "2-6": lambda r, m: renumber(r, ITEM2, "2-2025-S02-0001", "2-2025-S02-0003"),
    "2-9": lambda r, m: edit(r, ITEM1, "retention: D30", "retention: D10"),
    "2-11": lambda r, m: edit(r, ITEM1, "status: filed", "status: bound\npaper: {archive_number: Z001-KH·2025-D30-C1-0001, "
                                                        "shelf: A区1排}"),
    "3-1": lambda r, m: edit(r, ITEM2, "pages: 4", "pages: [4"),
    "3-2": lambda r, m: shutil.rmtree(r / ".git"),
    "3-3": lambda r, m: new_attachment(r, "note.txt", "手写备注".encode()),
    "3-8": lambda r, m: new_attachment(r, "scan.pdf", encrypted_pdf()),
    "4-2": lambda r, m: fake_scanner(r, m),
    "4-3": lambda r, m: (r / "records/1/2025/leftover.png").write_bytes((r / ATTACHMENT).read_bytes()),
    "4-7": lambda r, m: edit(r, "access.yaml", "approved_by: li.na, approved_on: 2025-01-10",
                             "approved_by: zhou.jing, approved_on: 2025-01-10"),
}


@pytest.mark.parametrize("number", sorted(ARCHIVE_FAULTS, key=lambda n: tuple(map(int, n.split("-")))))
def test_each_seeded_fault_in_the_archive_is_caught_by_exactly_its_item(archive, monkeypatch, number):
    ARCHIVE_FAULTS[number](archive, monkeypatch)
    stage = "yj" if number == "1-9" else "gd"
    outcomes = check(archive, stage, TODAY, use_cache=False)
    assert failed(outcomes) == {number}, [(o.code, [f.key for f in o.findings]) for o in outcomes if o.result == FAIL]
    found = next(o for o in outcomes if o.item.number == number).findings
    assert found and all(f.file for f in found)


def test_every_automated_gd_item_has_its_seeded_fault(sample):
    automated = {o.item.number for o in check(sample, "gd", TODAY) if o.method == AUTOMATIC}
    assert automated - set(ARCHIVE_FAULTS) <= {"4-1"}  # whether a scanner is installed: no archive can fault it


# --- the package ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def package(sample, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("handover") / "package"
    code, stdout, err = dossier(sample, "handover", "3", "2025", "--output", out, "--identity", sample.parent / "manager",
                                email="li.na@example.cn")
    assert code == 0, err
    assert "confidential" in err or "机密" in err
    return out


def test_confidential_values_are_decrypted_in_the_package_and_the_description_says_so(sample, package, tmp_path):
    assert "BEGIN AGE ENCRYPTED FILE" in (sample / BOUND).read_text(encoding="utf-8")
    item = (package / "data/Z001/KH·2025/D30/C3/Z001-KH·2025-D30-C3-0001/3-2025-S02-0001.yaml").read_text(encoding="utf-8")
    assert "200000.00 CNY" in item and "AGE" not in item
    pdf = package / "data/Z001/KH·2025/D30/C3/Z001-KH·2025-D30-C3-0001/Z001-KH·2025-D30-C3-0001.pdf"
    assert "200,000.00" in "".join(page.extract_text() for page in PdfReader(str(pdf)).pages)
    assert "1 个保密字段已由" in (package / "data/说明文件.xml").read_text(encoding="utf-8")
    # without the key nothing is written: a package with a value left encrypted is no package
    code, out, err = dossier(sample, "handover", "3", "2025", "--output", tmp_path / "p", "--identity", tmp_path / "none",
                             email="li.na@example.cn")
    assert code != 0 and not (tmp_path / "p").exists()


@pytest.fixture
def received(package, tmp_path) -> Path:
    return Path(shutil.copytree(package, tmp_path / "received"))


def test_the_package_is_a_valid_bag_and_passes_every_automated_yj_item(package):
    bag = bagit.Bag(str(package))
    bag.validate()
    assert set(bag.algorithms) == {"sha256", "sha512"}
    outcomes = check(package, "yj", TODAY)
    assert not failed(outcomes), [(o.code, o.findings) for o in outcomes if o.result == FAIL]
    data = package / "data"
    for rel in ("说明文件.xml", "目录文件.xml", "其他/移交清单.pdf", "其他/移交清单.xlsx", "其他/移交接收登记表.pdf",
                "其他/移交接收登记表.xlsx", "其他/固化验证信息.xml",
                "Z001/KH·2025/D30/C3/Z001-KH·2025-D30-C3-0001/Z001-KH·2025-D30-C3-0001.pdf"):
        assert (data / rel).is_file(), rel
    assert "已解密" in (data / "说明文件.xml").read_text(encoding="utf-8") or "解密" in (data / "说明文件.xml").read_text(
        encoding="utf-8")


def test_two_runs_on_the_same_commit_give_byte_identical_manifests(sample, package, tmp_path):
    again = tmp_path / "again"
    assert dossier(sample, "handover", "3", "2025", "--output", again, "--identity", sample.parent / "manager",
                   email="li.na@example.cn")[0] == 0
    for name in ("manifest-sha256.txt", "manifest-sha512.txt", "tagmanifest-sha256.txt", "bag-info.txt"):
        assert (again / name).read_bytes() == (package / name).read_bytes(), name


def flipped(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 1]) + data[at + 1:]


def test_changing_one_byte_of_any_file_fails_yj_1_14_and_bagit(received):
    files = sorted(p for p in received.rglob("*") if p.is_file())
    assert len(files) > 40
    for path in files:
        original = path.read_bytes()
        for at in (0, len(original) // 2, len(original) - 1):
            path.write_bytes(flipped(original, at))
            decision = package_check.PackageCheck(received, "yj", TODAY).decide("1-14")
            assert decision.result == FAIL, (path, at)
            if not (path.name.startswith("tagmanifest-") and at == len(original) - 1):
                # bagit reads a tag manifest whose last newline changed as before: nothing lists its digest
                with pytest.raises(bagit.BagError):  # BagValidationError, or a bagit.txt it cannot read
                    bagit.Bag(str(received)).validate()
        path.write_bytes(original)


def rebag(bag: Path) -> None:
    """The package's manifests made again, so that only the seeded fault remains."""
    bagit.Bag(str(bag)).save(manifests=True)


def reregister(bag: Path) -> None:
    """The 说明文件's registered bytes and file count made true again after a seeded change."""
    data = bag / "data"
    folders = [p for p in (data / "Z001").rglob("*") if p.is_file()]
    path = data / "说明文件.xml"
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"<字节数>\d+</字节数>", f"<字节数>{sum(p.stat().st_size for p in folders)}</字节数>", text)
    text = re.sub(r"<文件数>\d+</文件数>", f"<文件数>{len(folders)}</文件数>", text)
    path.write_text(text, encoding="utf-8")


ITEM_DIR = "data/Z001/KH·2025/D30/C3/Z001-KH·2025-D30-C3-0001"
ITEM_XML = f"{ITEM_DIR}/Z001-KH·2025-D30-C3-0001.xml"


def pedit(bag: Path, rel: str, old: str, new: str, register: bool = True) -> None:
    edit(bag, rel, old, new)
    if register:
        reregister(bag)


def drop_attachment(bag: Path) -> None:
    (bag / ITEM_DIR / "3-2025-S02-0001.scan-1.png").unlink()
    text = (bag / ITEM_XML).read_text(encoding="utf-8")
    start = text.index('<文件 角色="attachment">')
    end = text.index("</文件>", start) + len("</文件>")
    (bag / ITEM_XML).write_text(text[:start] + text[end:], encoding="utf-8")
    # the registered file count stays: that is the fault
    data = bag / "data"
    size = sum(p.stat().st_size for p in (data / "Z001").rglob("*") if p.is_file())
    edit(bag, "data/说明文件.xml", re.search(r"<字节数>\d+</字节数>", (data / "说明文件.xml").read_text()).group(0),
         f"<字节数>{size}</字节数>")


def plain_pdf(bag: Path) -> None:
    """The item's content replaced by a PDF that is not PDF/A, its size recorded as it is."""
    import io

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    data = io.BytesIO()
    writer.write(data)
    pdf = bag / ITEM_DIR / "Z001-KH·2025-D30-C3-0001.pdf"
    old = pdf.stat().st_size
    pdf.write_bytes(data.getvalue())
    pedit(bag, ITEM_XML, f"<计算机文件大小>{old}</计算机文件大小>", f"<计算机文件大小>{len(data.getvalue())}</计算机文件大小>")


PACKAGE_FAULTS = {
    "1-1": lambda b: (b / ITEM_DIR / "3-2025-S02-0001.scan-1.png").write_bytes(
        (b / ITEM_DIR / "3-2025-S02-0001.scan-1.png").read_bytes()[:-1] + b"\x01"),
    "1-2": lambda b: pedit(b, ITEM_XML, "<存址>", "<存址>" + "很长" * 30),
    "1-4": lambda b: pedit(b, ITEM_XML, "<密级>机密</密级>", "<密级>绝密</密级>"),
    "1-5": lambda b: pedit(b, ITEM_XML, "<归档日期>2025-04-15</归档日期>", "<归档日期>2099-04-15</归档日期>"),
    "1-9": lambda b: pedit(b, "data/说明文件.xml", "<全宗号>Z001</全宗号>", "<全宗号>Z002</全宗号>"),
    "1-12": lambda b: pedit(b, "data/说明文件.xml", "<封装格式>", "<封装>", ) or
    pedit(b, "data/说明文件.xml", "</封装格式>", "</封装>"),
    "1-13": lambda b: os.rename(b / ITEM_DIR, b / ITEM_DIR.replace("/C3/", "/C4/").rsplit("/", 1)[0]
                                / "Z001-KH·2025-D30-C3-0001") if (b / ITEM_DIR.replace("/C3/", "/C4/")).parent.mkdir(
        parents=True) is None else None,
    "2-1": lambda b: pedit(b, "data/说明文件.xml", "<件数>3</件数>", "<件数>4</件数>", register=False),
    "2-2": lambda b: pedit(b, "data/说明文件.xml", "<字节数>", "<字节数>1", register=False),
    "2-3": lambda b: pedit(b, ITEM_XML, "<责任者>太原龙城会馆销售部</责任者>", ""),
    "2-4": lambda b: pedit(b, ITEM_XML, "<责任者>太原龙城会馆销售部</责任者>", "<责任者> </责任者>"),
    "2-5": lambda b: pedit(b, ITEM_XML, "<行为>审批</行为>", "<行为>阅</行为>"),
    "2-11": drop_attachment,
    "1-3": lambda b: pedit(b, ITEM_XML, "<页数>1</页数>", "<页数>one</页数>"),
    "1-6": lambda b: pedit(b, ITEM_XML, "<题名>关于", "<题名>\ue000关于"),
    "1-7": lambda b: pedit(b, ITEM_XML, "<保管期限>30年</保管期限>", "<保管期限>10年</保管期限>"),
    "1-8": lambda b: [pedit(b, xml, "<题名>", "<文件编号>龙会销〔2025〕9号</文件编号><题名>")
                      for xml in (ITEM_XML, ITEM_XML.replace("0001", "0002"))],
    "1-10": lambda b: pedit(b, ITEM_XML, "<计算机文件大小>", "<计算机文件大小>1"),
    "1-11": lambda b: (b / ITEM_DIR / "3-2025-S02-0001.scan-1.png").unlink() or reregister(b),
    "2-6": lambda b: pedit(b, "data/目录文件.xml", "<顺序号>2</顺序号>", "<顺序号>5</顺序号>"),
    "3-3": plain_pdf,
    "3-1": lambda b: (b / "data/其他/规则/元数据方案.xml").write_text("<元数据方案><未闭合></元数据方案>", encoding="utf-8"),
    "3-8": lambda b: (b / "data/其他/规则/archive.yaml").write_text(
        "limit: |\n  -----BEGIN AGE ENCRYPTED FILE-----\n  YWdl\n  -----END AGE ENCRYPTED FILE-----\n", encoding="utf-8"),
    "4-3": lambda b: (b / "data/readme.txt").write_text("多余文件", encoding="utf-8"),
}


@pytest.mark.parametrize("number", sorted([*PACKAGE_FAULTS, "4-2"], key=lambda n: tuple(map(int, n.split("-")))))
def test_each_seeded_fault_in_a_package_is_caught_by_exactly_its_item(received, monkeypatch, number):
    if number == "4-2":
        fake_scanner(received, monkeypatch)
    else:
        PACKAGE_FAULTS[number](received)
    rebag(received)
    outcomes = check(received, "yj", TODAY)
    assert failed(outcomes) == {number}, [(o.code, [(f.file, f.key) for f in o.findings]) for o in outcomes
                                          if o.result == FAIL]


def test_every_automated_yj_item_has_its_seeded_fault(package):
    automated = {o.item.number for o in check(package, "yj", TODAY) if o.method == AUTOMATIC}
    assert automated - {*PACKAGE_FAULTS, "1-14", "4-2"} <= {"4-1", "3-2"}  # 1-14: the one-byte test


@pytest.mark.parametrize("stage", ["gd", "bc"])
def test_a_package_is_checked_at_any_stage(package, stage):
    outcomes = check(package, stage, TODAY)
    assert len(outcomes) == {"gd": 36, "bc": 32}[stage] and not failed(outcomes)
    assert all(o.result != PASS for o in outcomes if o.method != AUTOMATIC)


def test_an_encrypted_value_left_in_an_item_of_the_package_fails_yj_3_8(received):
    yaml_file = received / ITEM_DIR / "3-2025-S02-0001.yaml"
    yaml_file.write_text(yaml_file.read_text(encoding="utf-8").replace(
        "limit: 200000.00 CNY", "limit: |\n    -----BEGIN AGE ENCRYPTED FILE-----\n    YWdl\n"
                                "    -----END AGE ENCRYPTED FILE-----"), encoding="utf-8")
    rebag(received)
    outcome = next(o for o in check(received, "yj", TODAY) if o.item.number == "3-8")
    assert outcome.result == FAIL and outcome.findings[0].line > 0


def test_the_package_is_checked_without_the_archive(received, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DOSSIER_TODAY", TODAY.isoformat())
    assert main(["check", "--stage", "yj", str(received), "--format", "json"]) == 0
    assert '"YJ-1-14"' in capsys.readouterr().out


def test_handover_refuses_a_bound_attachment_changed_since_binding_and_writes_nothing(sample, archive, tmp_path):
    attachment = archive / "records/3/2025/3-2025-S02-0001.scan-1.png"
    attachment.write_bytes(attachment.read_bytes() + b"\x00")
    git(archive, "commit", "-q", "--no-verify", "-am", "Damage\n\nReason: test")
    code, out, err = dossier(archive, "handover", "3", "2025", "--output", tmp_path / "p", "--identity",
                             sample.parent / "manager", "--lang", "en", email="li.na@example.cn")
    assert code == 1 and "3-2025-S02-0001.scan-1.png no longer matches" in err, err
    assert not (tmp_path / "p").exists() and not list(tmp_path.glob(".handover-*"))


def test_handover_refuses_an_output_in_the_work_tree_and_a_person_who_may_not_read_all(sample, tmp_path):
    code, out, err = dossier(sample, "handover", "3", "2025", "--output", sample / "out", email="li.na@example.cn")
    assert code == 2 and "work tree" in err and not (sample / "out").exists()
    code, out, err = dossier(sample, "handover", "3", "2025", "--output", tmp_path / "p", email="wang.wei@example.cn")
    assert code == 2 and "may not read" in err and not (tmp_path / "p").exists()


def test_a_check_run_is_recorded_and_committed_in_the_archive(archive):
    code, out, err = dossier(archive, "check", "--lang", "en", email="li.na@example.cn")
    assert code == 0, out + err
    records = sorted((archive / "checks").rglob("*.yaml"))
    assert len(records) == 1
    text = records[0].read_text(encoding="utf-8")
    assert "report_sha256:" in text and "GD-1-1" in text and "tool_version:" in text
    assert git(archive, "log", "-1", "--format=%s").startswith("四性检测 GD")
    assert git(archive, "status", "--porcelain") == ""
    assert dossier(archive, "verify", email="li.na@example.cn")[0] == 0
    records[0].write_text(text.replace("不通过", "通过"), encoding="utf-8")  # a record is never changed
    git(archive, "commit", "-q", "--no-verify", "-am", "Tidy the record\n\nReason: typo")
    code, out, err = dossier(archive, "verify", "--lang", "en", email="li.na@example.cn")
    assert code == 1 and "checks/" in out + err


def test_the_report_as_pdf_and_xlsx(archive, tmp_path):
    for fmt in ("pdf", "xlsx"):
        out = tmp_path / f"report.{fmt}"
        code, stdout, err = dossier(archive, "check", "--format", fmt, "--output", out, "--no-record",
                                    email="li.na@example.cn")
        assert code == 0, err
    text = "".join(page.extract_text() for page in PdfReader(str(tmp_path / "report.pdf")).pages)
    assert "GD-1-1" in text and "需人工" in text
    from openpyxl import load_workbook

    cells = [c.value for s in load_workbook(tmp_path / "report.xlsx") for row in s.iter_rows() for c in row]
    assert "GD-4-2" in cells


def test_json_report_digest_is_recorded(archive):
    run = check_run(archive, "gd", TODAY, "李娜 (li.na)", "zh")
    assert run.digest == run.run.digest() and len(run.digest) == 64


def test_a_hostile_package_is_reported_item_by_item_never_with_a_traceback(received, tmp_path, capsys, monkeypatch):
    bomb = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            '<电子档案元数据>&b;</电子档案元数据>')
    (received / ITEM_XML).write_text(bomb, encoding="utf-8")
    (received / "data/目录文件.xml").write_bytes(b"\xff\xfe not xml")
    (received / "data/说明文件.xml").write_text("<说明文件><件数>many</件数></说明文件>", encoding="utf-8")
    rebag(received)
    outcomes = check(received, "yj", TODAY)
    broken = next(o for o in outcomes if o.item.number == "3-1").findings
    assert {f.file for f in broken} == {ITEM_XML.removeprefix("data/"), "目录文件.xml"}
    assert {"1-12", "2-1", "3-1"} <= failed(outcomes)
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--stage", "yj", str(received), "--lang", "en"]) == 1
    assert "internal error" not in capsys.readouterr().err
    (received / "bagit.txt").write_text("not a bag\n", encoding="utf-8")
    assert main(["check", "--stage", "yj", str(received), "--lang", "en"]) == 1
    assert "internal error" not in capsys.readouterr().err
