"""Every role of the sample archive through its daily work, start to finish: a real clone of the sample
in git with the client hooks, each person acting as themselves (git user.email) with their own key
from samples/identities/, nothing of the tool's internals touched.

    customer manager  王伟 wang.wei       adds material for his customers, reads them, commits on a branch
    supervisor        张敏 zhang.min      keeps the minutes (daily archives, the department's section)
    sales manager     李娜 li.na          approves a change with her signature, reports the month
    general manager   赵国强 zhao.guoqiang reads everything, the year's analysis, who may read what
    archivist         周静 zhou.jing      keeps daily archives, binds, renders, checks the volumes
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO, SAMPLE, git

KEYS = REPO / "samples" / "identities"
DOMAIN = "longcheng-club.cn"
TODAY = "2026-11-23"


@pytest.fixture
def office(tmp_path, run, monkeypatch) -> Path:
    """The department's clone of the sample archive, hooks installed, every key readable only by its owner."""
    root = tmp_path / "archive"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".dossier"))
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "commit.gpgsign", "false")
    act(root, "li.na", monkeypatch, tmp_path)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "The department's archive")
    assert run("--archive", root, "install-hooks").code == 0
    return root


def act(root: Path, person: str, monkeypatch, tmp_path: Path) -> Path:
    """From now on `person` works in the clone: their git identity, their signing and decryption key."""
    key = tmp_path / "keys" / person
    if not key.exists():
        key.parent.mkdir(exist_ok=True)
        shutil.copy(KEYS / person, key)
        shutil.copy(KEYS / f"{person}.pub", key.with_name(f"{person}.pub"))
        key.chmod(0o600)
    git(root, "config", "user.email", f"{person}@{DOMAIN}")
    git(root, "config", "user.name", person)
    git(root, "config", "gpg.format", "ssh")
    git(root, "config", "user.signingkey", str(key))
    monkeypatch.setenv("DOSSIER_IDENTITY", str(key))
    return key


def commit(root: Path, message: str) -> subprocess.CompletedProcess:
    """A commit through the hooks, as the person makes it."""
    git(root, "add", "-A")
    return subprocess.run(["git", "commit", "-q", "-m", message], cwd=root, capture_output=True, text=True)


def written(result) -> str:
    """The code of the draft `new` wrote."""
    return re.search(r"([1-6D]-\d{4}-S\d\d-\d{4})\.yaml", result.out).group(1)


def test_customer_manager_adds_reads_and_commits_his_customers_material(office, run, monkeypatch, tmp_path):
    act(office, "wang.wei", monkeypatch, tmp_path)
    git(office, "checkout", "-q", "-b", "wang.wei/visit")
    new = run("--archive", office, "new", "visit-report", "--customer", "华宇", "--date", "2026-11-20")
    assert new.code == 0, new.out + new.err
    code = written(new)
    assert code.startswith("1-2026-S02-")  # his section
    mine = run("--archive", office, "list", "--customer", "华宇地产", "--year", "2026", "--lang", "en")
    assert code in mine.out, mine.out + mine.err
    year = run("--archive", office, "list", "--category", "1", "--year", "2026", "--lang", "en")
    assert code in year.out and "left out" in year.err  # the other managers' material is not his to read
    credit = run("--archive", office, "list", "--customer", "C0007", "--type", "credit-limit", "--format", "json")
    limit = re.search(r'"code": "(3-\d{4}-S02-\d{4})"', credit.out).group(1)
    shown = run("--archive", office, "show", limit, "--lang", "en")
    assert shown.code == 0 and re.search(r"limit: \d[\d.]* CNY", shown.out), shown.out + shown.err
    assert commit(office, "Add the visit report of 华宇地产").returncode == 0
    history = run("--archive", office, "history", code, "--lang", "en")
    assert history.code == 0 and "added" in history.out
    found = run("--archive", office, "find", "华宇", "--customer", "C0007", "--lang", "en")
    assert found.code == 0 and code in found.out
    # another manager's customer: refused, naming whose it is
    others = run("--archive", office, "new", "visit-report", "--customer", "C0001", "--lang", "en")
    assert others.code == 1 and "李娜 (li.na)" in others.err
    refused = run("--archive", office, "show", "1-2025-S01-0001", "--lang", "en")
    assert refused.code == 1 and "李娜 (li.na)" in refused.err and "grant" in refused.err


def test_supervisor_keeps_the_minutes_in_the_departments_section(office, run, monkeypatch, tmp_path):
    act(office, "zhang.min", monkeypatch, tmp_path)
    git(office, "checkout", "-q", "-b", "zhang.min/minutes")
    new = run("--archive", office, "new", "minutes", "--title", "11月客史档案补充更新专题会会议记录",
              "--date", "2026-11-20", "--lang", "en")
    assert new.code == 0, new.out + new.err
    code = written(new)
    assert code.startswith("D-2026-S01-")  # the department's section (the sales manager's)
    shown = run("--archive", office, "show", code)  # her standing grant for daily archives
    assert shown.code == 0 and "经办人: 张敏" in shown.out and "客户经理: 李娜" in shown.out
    assert commit(office, "Minutes of the November archive meeting").returncode == 0
    # her grant for category 3: she reads and decrypts the credit limits she reviews
    credit = run("--archive", office, "show", "3-2025-S01-0001", "--lang", "en")
    assert credit.code == 0 and "encrypted" not in credit.out, credit.out + credit.err
    assert run("--archive", office, "validate").code == 0


def test_sales_manager_approves_with_her_signature_and_reports_the_month(office, run, monkeypatch, tmp_path):
    act(office, "wang.wei", monkeypatch, tmp_path)
    git(office, "checkout", "-q", "-b", "wang.wei/pages")
    item = office / "records/1/2025/1-2025-S02-0001.yaml"
    text = item.read_text(encoding="utf-8")
    item.write_text(re.sub(r"\npages: (\d+)", lambda m: f"\npages: {int(m.group(1)) + 1}", text, count=1),
                    encoding="utf-8")
    assert commit(office, "Count the back page\n\nReason: 原件背面有客户签字，页数更正").returncode == 0
    git(office, "checkout", "-q", "main")
    act(office, "li.na", monkeypatch, tmp_path)
    approved = run("--archive", office, "approve", "wang.wei/pages", "--yes", "--lang", "en")
    assert approved.code == 0, approved.out + approved.err
    assert "Approved-by: 李娜" in git(office, "log", "-1", "--format=%B")
    verified = run("--archive", office, "verify", "--lang", "en")
    assert verified.code == 0 and "no violations" in verified.out, verified.out
    out = tmp_path / "reports"
    report = run("--archive", office, "report", "monthly", "--period", "2026-10", "--format", "html", "--output", out)
    assert report.code == 0, report.err
    page = (out / "monthly-2026-10.zh.html").read_text(encoding="utf-8")
    assert "月度重点关注客户名单" in page and "王伟" in page and "仅含" not in page  # she sees all


def test_general_manager_reads_everything_and_the_years_analysis(office, run, monkeypatch, tmp_path):
    act(office, "zhao.guoqiang", monkeypatch, tmp_path)
    contract = run("--archive", office, "show", "2-2025-S02-0004", "--lang", "en")
    assert contract.code == 0 and "encrypted" not in contract.out, contract.out + contract.err
    out = tmp_path / "reports"
    annual = run("--archive", office, "report", "annual", "--period", "2025", "--format", "html", "--output", out)
    assert annual.code == 0, annual.err
    assert "客户构成分析" in (out / "annual-2025.zh.html").read_text(encoding="utf-8")
    who = run("--archive", office, "access", "check", "wu.lei", "C0001", "--lang", "en")
    assert who.code == 0 and "grant #1" in who.out


def test_archivist_keeps_daily_archives_binds_renders_and_checks_the_volumes(office, run, monkeypatch, tmp_path):
    act(office, "zhou.jing", monkeypatch, tmp_path)
    git(office, "checkout", "-q", "-b", "zhou.jing/2025")
    new = run("--archive", office, "new", "letter", "--date", "2026-11-20", "--lang", "en")
    assert new.code == 0, new.out + new.err
    assert written(new).startswith("D-2026-S01-")
    assert commit(office, "File the letter of the travel agency").returncode == 0
    bound = run("--archive", office, "bind", "2", "2025", "--checked-by", "li.na", "--lang", "en")
    assert bound.code == 0, bound.out + bound.err
    pdfs = tmp_path / "pdf"
    rendered = run("--archive", office, "render", "volume", "2", "2025", "--output", pdfs, "--lang", "en")
    assert rendered.code == 0, rendered.out + rendered.err
    volume = pdfs / "Z001-KH·2025-D30-C2-V01.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(volume), "-"], capture_output=True, text=True).stdout
    assert "已加密" not in text, [line for line in text.splitlines() if "已加密" in line]
    assert re.search(r"合同金额 +\d{1,3}(,\d{3})*\.\d\d 元", text)  # values she reads
    assert "周静" in text  # 立卷人 on the 备考表
    monkeypatch.chdir(pdfs)
    checked = run("--archive", office, "check-paper", "2", "2025", "--lang", "en")
    assert checked.code == 0, checked.out + checked.err
