import string

import pytest

from dossier.archive.messages import MESSAGES, default_lang, message


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_both_languages_take_the_same_arguments(key):
    en, zh = MESSAGES[key]
    assert fields(en) == fields(zh)
    assert en and zh


def test_signature_words_are_translated():
    assert message("signature-missing", "zh", which="supervisor").startswith("已归档的档案须有直接领导签字")
    assert "direct supervisor signature" in message("signature-missing", "en", which="supervisor")


def test_locale_chooses_the_language(monkeypatch):
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert default_lang() == "zh"
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    assert default_lang() == "en"


def test_no_message_key_is_written_twice():
    """A key written twice in MESSAGES silently keeps only the last text (two engineers' messages collide)."""
    import ast
    import collections
    from pathlib import Path

    import dossier.archive.messages

    tree = ast.parse(Path(dossier.archive.messages.__file__).read_text(encoding="utf-8"))
    table = next(node.value for node in tree.body if isinstance(node, ast.AnnAssign)
                 and getattr(node.target, "id", "") == "MESSAGES")
    counts = collections.Counter(key.value for key in table.keys)
    assert [key for key, count in counts.items() if count > 1] == []
