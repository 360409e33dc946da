"""A Chinese archive speaks Chinese: archive.yaml's `language:` decides (the locale only when it says
nothing, --lang above both), and Chinese output names enumerated values by their Chinese labels and
people by name."""

from __future__ import annotations

import re
import shutil

import pytest

from conftest import REPO, SAMPLE, SAMPLE_SEES_ALL, act_as

LI_NA_KEY = REPO / "samples" / "identities" / "li.na"


@pytest.fixture
def sample(tmp_path, monkeypatch):
    """A copy of the sample archive read by its sales manager with her key, under a C.UTF-8 locale."""
    root = tmp_path / "archive"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".dossier"))
    act_as(monkeypatch, SAMPLE_SEES_ALL)
    monkeypatch.setenv("DOSSIER_IDENTITY", str(LI_NA_KEY))
    for var in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    return root


def test_under_c_utf8_the_sample_writes_a_chinese_monthly_report(sample, run, tmp_path):
    out = tmp_path / "out"
    result = run("--archive", sample, "report", "monthly", "--period", "2026-10", "--format", "html", "--output", out)
    assert result.code == 0, result.err
    assert "已写出" in result.out
    written = list(out.glob("monthly-2026-10*.html"))
    assert [path.name for path in written] == ["monthly-2026-10.zh.html"]
    text = re.sub(r"<[^>]+>", " ", written[0].read_text(encoding="utf-8"))
    assert "月度重点关注客户名单" in text and "客户经理" in text
    assert "李娜" in text and "王伟" in text and not re.search(r"\bli\.na\b|\bwang\.wei\b", text)
    assert "A级" in text and "主要客户" in text


def test_without_a_language_the_locale_decides_and_lang_overrides_both(sample, run):
    settings = sample / "archive.yaml"
    text = settings.read_text(encoding="utf-8")
    assert "\nlanguage: zh" in text
    assert "的题名" not in run("--archive", sample, "list", "--category", "5").out
    assert "编码" in run("--archive", sample, "list", "--category", "5").out
    assert "code" in run("--archive", sample, "--lang", "en", "list", "--category", "5").out
    settings.write_text(re.sub(r"\nlanguage: zh[^\n]*", "", text), encoding="utf-8")
    assert run("--archive", sample, "list", "--category", "5").out.startswith("code")
    import os

    os.environ["LANG"] = "zh_CN.UTF-8"  # monkeypatched by the fixture: restored after the test
    assert run("--archive", sample, "list", "--category", "5").out.startswith("编码")


def test_errors_speak_the_archive_language_too(sample, run):
    missing = run("--archive", sample, "show", "3-2025-S01-0999")
    assert missing.code == 1 and re.search(r"[\u4e00-\u9fff]", missing.err), missing.err


def test_show_and_list_give_chinese_labels_and_names(sample, run):
    shown = run("--archive", sample, "show", "3-2025-S01-0001").out
    for label in ("状态: 已归档", "保管期限: 定期30年", "文件类型: 信用额度", "客户经理: 李娜", "人员 person: 赵国强"):
        assert label in shown, shown
    english = run("--archive", sample, "--lang", "en", "show", "3-2025-S01-0001").out
    assert "Status: filed" in english and "Retention: D30" in english and "Customer manager: li.na" in english
    listed = run("--archive", sample, "list", "--category", "3", "--year", "2025").out
    assert re.search(r"3-2025-S01-0001\s+2025-01-06\s+已归档\s+C0004\s+李娜\s+信用额度", listed), listed


def test_an_unknown_language_in_archive_yaml_is_reported_where_it_is(sample, run):
    settings = sample / "archive.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("language: zh", "language: fr"), encoding="utf-8")
    result = run("--archive", sample, "validate", sample / "archive.yaml")
    assert result.code == 1 and re.search(r"archive\.yaml:6:\d+: schema", result.out), result.out


def test_find_log_and_history_name_people_and_values_in_chinese(sample, run, tmp_path):
    from conftest import git

    git(sample, "init", "-q", "-b", "main")
    git(sample, "add", "-A")
    git(sample, "-c", "user.name=li.na", "-c", f"user.email={SAMPLE_SEES_ALL}", "commit", "-q", "-m", "archive")
    found = run("--archive", sample, "find", "华宇", "--customer", "C0007", "--limit", "3").out
    assert re.search(r"1-2025-S02-0001\s+2025-01-20\s+已归档\s+C0007\s+王伟\s+有效签单人员名单", found), found
    logged = run("--archive", sample, "log", "--customer", "华宇地产").out
    assert "李娜" in logged and "li.na" not in logged, logged
    history = run("--archive", sample, "history", "1-2025-S02-0001").out
    assert "李娜" in history and "新增" in history
    assert "li.na" in run("--archive", sample, "--lang", "en", "history", "1-2025-S02-0001").out
