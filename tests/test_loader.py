"""The strict YAML loader: every bad input becomes one LoadError with a placed, renderable Problem."""

from __future__ import annotations

import math
import os
import pickle
from concurrent.futures import ThreadPoolExecutor

import pytest

from dossier.archive import loader
from dossier.archive.loader import MAX_BYTES, Document, LoadError, load_bytes, load_file
from dossier.archive.messages import message

DISPLAY = "items/2-2025-S02-0007.yaml"


def write(tmp_path, raw: bytes, name: str = "item.yaml"):
    path = tmp_path / name
    path.write_bytes(raw)
    return path


def load(tmp_path, raw: bytes, **kwargs) -> Document:
    return load_file(write(tmp_path, raw), DISPLAY, **kwargs)


def problem_of(tmp_path, raw: bytes, key: str, line: int, column: int, **kwargs):
    """Load `raw` from a real file, expect `key` at line:column, and check both languages render."""
    with pytest.raises(LoadError) as caught:
        load(tmp_path, raw, **kwargs)
    problem = caught.value.problem
    assert (problem.key, problem.line, problem.column) == (key, line, column), problem
    assert (problem.file, problem.rule, problem.severity) == (DISPLAY, "yaml", "error")
    for lang in ("en", "zh"):
        text = message(problem.key, lang, **problem.args)
        assert text and "{" not in text, text  # every placeholder was filled
    return problem


# --- bad input, in the order the loader checks ---------------------------------------------


def test_too_large_is_refused_from_stat_without_reading(tmp_path):
    problem = problem_of(tmp_path, b"a: 1\n" * 1000, "yaml-too-large", 0, 0, max_bytes=100)
    # The real size (not the max_bytes + 1 a bounded read would see) proves fstat decided.
    assert problem.args == {"size": 5000, "limit": 100}


def test_exactly_max_bytes_loads_and_one_more_fails(tmp_path):
    exact = b"a: " + b"x" * (MAX_BYTES - 4) + b"\n"
    assert len(exact) == MAX_BYTES
    assert load(tmp_path, exact).data == {"a": "x" * (MAX_BYTES - 4)}
    assert load_bytes(exact, DISPLAY).data["a"].startswith("xxx")
    problem = problem_of(tmp_path, exact + b"\n", "yaml-too-large", 0, 0)
    assert problem.args == {"size": MAX_BYTES + 1, "limit": MAX_BYTES}
    with pytest.raises(LoadError) as caught:
        load_bytes(exact + b"\n", DISPLAY)
    assert caught.value.problem.key == "yaml-too-large"


@pytest.mark.parametrize("raw", [b"", b"  \n\n\t\r\n", b"# only a comment\n  # another\n", b"#\xff not UTF-8\n"])
def test_empty_file(tmp_path, raw):
    problem_of(tmp_path, raw, "yaml-empty", 0, 0)


@pytest.mark.parametrize("bom", [b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"])
def test_byte_order_mark(tmp_path, bom):
    problem_of(tmp_path, bom + "title: 合同\n".encode(), "yaml-bom", 1, 1)


def test_invalid_utf8_names_the_byte_and_its_place(tmp_path):
    raw = "title: 合同\n".encode() + b"name: \xe5\xbc\xa0\xff\xfe\n"  # "name: 张" then 0xFF
    problem = problem_of(tmp_path, raw, "yaml-utf8", 2, 8)
    assert problem.args == {"byte": "FF"}
    assert "0xFF" in message("yaml-utf8", "en", **problem.args)


def test_truncated_utf8_sequence_at_end(tmp_path):
    problem = problem_of(tmp_path, "a: 中".encode()[:-1], "yaml-utf8", 1, 4)
    assert problem.args == {"byte": "E4"}


def test_tab_in_indentation(tmp_path):
    problem_of(tmp_path, b"content:\n  signed: 2025-03-14\n  \tstate: open\n", "yaml-tab", 3, 3)


def test_tab_inside_a_line_is_fine(tmp_path):
    assert load(tmp_path, b"a:\tb\nc: d\t# comment\n").data == {"a": "b", "c": "d"}


def test_syntax_error_carries_the_parser_problem(tmp_path):
    problem = problem_of(tmp_path, b"code: 2-2025-S02-0007\ntitle: a: b\n", "yaml-syntax", 2, 9)
    assert "mapping values are not allowed" in problem.args["detail"]


def test_invalid_escape_is_a_syntax_error(tmp_path):
    problem = problem_of(tmp_path, b'title: "bad \\q escape"\n', "yaml-syntax", 1, 13)
    assert "escape" in problem.args["detail"]


def test_control_character_is_a_syntax_error(tmp_path):
    problem = problem_of(tmp_path, "a: 1\nb: 备注\x07\n".encode(), "yaml-syntax", 2, 6)
    assert problem.args == {"detail": "control character U+0007 is not allowed"}


@pytest.mark.parametrize(
    ("raw", "detail"),
    [
        (b"a: !foo x\n", "unknown tag !foo"),
        (b"a: !!python/object:os.system x\n", "unknown tag !!python/object:os.system"),
        (b'a: !!python/object/apply:os.system ["touch pwned"]\n', "unknown tag !!python/object/apply:os.system"),
        (b"a: !!binary aGVsbG8=\n", "unknown tag !!binary"),
        (b"a: !!map x\n", "tag !!map cannot be used on a scalar"),
        (b"a: !!str [x]\n", "tag !!str cannot be used on a sequence"),
        (b"a: !!int twelve\n", "'twelve' is not a valid !!int"),
    ],
)
def test_non_standard_tags_are_refused(tmp_path, raw, detail):
    problem = problem_of(tmp_path, raw, "yaml-syntax", 1, 4)
    assert problem.args == {"detail": detail}
    assert not (tmp_path / "pwned").exists()


def test_undefined_alias_is_a_syntax_error(tmp_path):
    problem = problem_of(tmp_path, b"a: 1\nb: *nowhere\n", "yaml-syntax", 2, 4)
    assert problem.args == {"detail": "undefined alias *nowhere"}


@pytest.mark.parametrize("levels", [loader.MAX_DEPTH + 1, 500])
def test_nesting_beyond_the_limit_is_refused_at_the_first_level_too_deep(tmp_path, levels):
    """Below libyaml's own limit (1000 in libyaml >= 0.2.6), so our builder's limit decides."""
    problem = problem_of(tmp_path, b"[" * levels + b"]" * levels, "yaml-too-deep", 1, loader.MAX_DEPTH + 1)
    assert problem.args["limit"] == loader.MAX_DEPTH


def test_block_nesting_beyond_the_limit_is_refused(tmp_path):
    raw = b"".join(b"  " * depth + b"k:\n" for depth in range(loader.MAX_DEPTH + 5))
    problem_of(tmp_path, raw, "yaml-too-deep", loader.MAX_DEPTH + 1, 2 * loader.MAX_DEPTH + 1)


def test_excessive_nesting_is_refused_quickly(tmp_path):
    """1 MiB of "[": refused as too deep, whichever limit (ours or libyaml's) is met first."""
    with pytest.raises(LoadError) as caught:
        load(tmp_path, b"[" * MAX_BYTES)
    problem = caught.value.problem
    assert (problem.key, problem.line) == ("yaml-too-deep", 1)
    assert loader.MAX_DEPTH < problem.column <= 1001
    assert problem.args["limit"] == loader.MAX_DEPTH


def test_too_many_values_without_aliases_is_not_blamed_on_aliases(tmp_path):
    raw = b"".join(f"k{i}: v\n".encode() for i in range(20))
    problem = problem_of(tmp_path, raw, "yaml-too-many-values", 8, 1, max_nodes=15)
    assert problem.args["limit"] == 15


def test_multiple_documents(tmp_path):
    problem_of(tmp_path, b"code: a\n---\ncode: b\n", "yaml-multiple-documents", 2, 1)


def test_explicit_single_document_is_fine(tmp_path):
    assert load(tmp_path, b"%YAML 1.2\n---\ncode: a\n...\n").data == {"code": "a"}


def test_duplicate_key(tmp_path):
    raw = b"code: a\ncontent:\n  state: open\n  value: x\n  state: closed\n"
    problem = problem_of(tmp_path, raw, "yaml-duplicate-key", 5, 3)
    assert problem.args == {"name": "state", "first_line": 3}


def test_duplicate_key_in_flow_mapping(tmp_path):
    problem = problem_of(tmp_path, b"a: {x: 1, y: 2, x: 3}\n", "yaml-duplicate-key", 1, 17)
    assert problem.args == {"name": "x", "first_line": 1}


def test_merge_key(tmp_path):
    problem_of(tmp_path, b"base: &b {a: 1}\nitem:\n  <<: *b\n  c: 2\n", "yaml-merge-key", 3, 3)


def test_quoted_merge_key_is_an_ordinary_key(tmp_path):
    assert load(tmp_path, b'"<<": x\n').data == {"<<": "x"}


@pytest.mark.parametrize("raw", [b"a: &x [1, *x]\n", b"a: &x\n  b: *x\n"])
def test_recursive_alias(tmp_path, raw):
    line, column = (1, 11) if raw.startswith(b"a: &x [") else (2, 6)
    problem_of(tmp_path, raw, "yaml-recursive-alias", line, column)


def billion_laughs() -> bytes:
    lines = [b'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 9):
        name, previous = chr(ord("a") + level).encode(), chr(ord("a") + level - 1).encode()
        lines.append(name + b": &" + name + b" [" + b", ".join([b"*" + previous] * 9) + b"]")
    return b"\n".join(lines) + b"\n"


def test_billion_laughs_hits_the_alias_limit(tmp_path):
    problem = problem_of(tmp_path, billion_laughs(), "yaml-alias-limit", 6, 8)
    assert problem.args == {"limit": loader.MAX_NODES}


def test_alias_limit_is_a_parameter(tmp_path):
    raw = b"a: &a [1, 2, 3]\nb: [*a, *a]\n"  # root, a, [1, 2, 3], b, [], then 4 per alias: 16 values
    assert load(tmp_path, raw, max_nodes=16).data["b"] == [[1, 2, 3], [1, 2, 3]]
    problem = problem_of(tmp_path, raw, "yaml-alias-limit", 2, 9, max_nodes=15)
    assert problem.args == {"limit": 15}


@pytest.mark.parametrize(
    ("raw", "kind", "column"),
    [(b"{[a, b]: 1}\n", "sequence", 2), (b"? {a: 1}\n: x\n", "mapping", 3), (b"true: x\n", "boolean", 1)],
)
def test_keys_must_be_text(tmp_path, raw, kind, column):
    problem = problem_of(tmp_path, raw, "yaml-key-type", 1, column)
    assert problem.args == {"kind": kind}


def test_missing_file_is_unreadable(tmp_path):
    with pytest.raises(LoadError) as caught:
        load_file(tmp_path / "nowhere.yaml", DISPLAY)
    problem = caught.value.problem
    assert (problem.key, problem.line, problem.column) == ("yaml-unreadable", 0, 0)
    assert "{" not in message(problem.key, "zh", **problem.args)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_directory_and_fifo_are_unreadable_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)  # opening it blocking would wait for a writer forever
    for path in (tmp_path, fifo):
        with pytest.raises(LoadError) as caught:
            load_file(path, DISPLAY)
        assert caught.value.problem.key == "yaml-unreadable"


def test_syntax_error_outranks_an_earlier_duplicate_key(tmp_path):
    problem_of(tmp_path, b"a: 1\na: 2\nb: [\n", "yaml-syntax", 4, 1)


def test_duplicate_key_outranks_an_earlier_merge_key(tmp_path):
    problem_of(tmp_path, b"x: &x {a: 1}\ny:\n  <<: *x\nz: 1\nz: 2\n", "yaml-duplicate-key", 5, 1)


def test_load_error_survives_pickling():
    with pytest.raises(LoadError) as caught:
        load_bytes(b"a: 1\na: 2\n", DISPLAY)
    copy = pickle.loads(pickle.dumps(caught.value))
    assert copy.problem == caught.value.problem and copy.problem.args == {"name": "a", "first_line": 1}
    assert copy.render("en") == caught.value.render("en")


# --- good input: data and positions ----------------------------------------------------------

ITEM = """\
# 档案件 — 合同
code: 2-2025-S02-0007
title: 太原晋阳商贸有限公司2025年度会员服务合同
date: 2025-03-14
pages: 6
attachments:
  - file: attachments/contract.pdf
    title: 合同扫描件
  - {file: attachments/id.pdf, title: 身份证复印件, pages: 1}
content:
  value: "128000.00 CNY"
  summary: |
    乙方享受会议室每年12次免费使用；
    餐饮消费享受八五折优惠。
""".encode()


def test_chinese_item_data(tmp_path):
    doc = load(tmp_path, ITEM)
    assert doc.file == DISPLAY
    assert doc.data == {
        "code": "2-2025-S02-0007",
        "title": "太原晋阳商贸有限公司2025年度会员服务合同",
        "date": "2025-03-14",
        "pages": 6,
        "attachments": [
            {"file": "attachments/contract.pdf", "title": "合同扫描件"},
            {"file": "attachments/id.pdf", "title": "身份证复印件", "pages": 1},
        ],
        "content": {
            "value": "128000.00 CNY",
            "summary": "乙方享受会议室每年12次免费使用；\n餐饮消费享受八五折优惠。\n",
        },
    }


def test_positions_of_nested_values_block_and_flow(tmp_path):
    doc = load(tmp_path, ITEM)
    assert doc.positions[()] == (2, 1)
    assert doc.positions[("title",)] == (3, 8)
    assert doc.key_positions[("title",)] == (3, 1)
    assert doc.positions[("attachments",)] == (7, 3)
    assert doc.positions[("attachments", 0)] == (7, 5)
    assert doc.positions[("attachments", 0, "title")] == (8, 12)
    assert doc.key_positions[("attachments", 0, "title")] == (8, 5)
    assert doc.positions[("attachments", 1)] == (9, 5)
    assert doc.key_positions[("attachments", 1, "title")] == (9, 32)
    assert doc.positions[("attachments", 1, "title")] == (9, 39)
    # Columns count characters, not bytes: "身份证复印件" is 6 columns wide here.
    assert doc.key_positions[("attachments", 1, "pages")] == (9, 47)
    assert doc.positions[("attachments", 1, "pages")] == (9, 54)
    assert doc.positions[("content", "summary")] == (12, 12)
    assert ("attachments", 0) not in doc.key_positions  # list items have no key


def test_position_falls_back_to_the_nearest_ancestor(tmp_path):
    doc = load(tmp_path, b"a: &x {b: 1}\nc: *x\n")
    assert doc.position(("a", "b")) == (1, 11)
    assert doc.position(["c", "b"]) == (2, 4)  # inside an alias: the alias itself
    assert doc.position(("a", "missing", 3)) == (1, 4)  # a node starts at its anchor
    assert doc.position(("nowhere",)) == doc.position(()) == (1, 1)
    assert Document("f", None, {}, {}).position(("a",)) == (1, 1)


def test_booleans_are_only_true_and_false(tmp_path):
    raw = b"[true, True, TRUE, false, False, FALSE, yes, no, on, off, y, n, Yes, tRue]"
    booleans, strings = [True] * 3 + [False] * 3, ["yes", "no", "on", "off", "y", "n", "Yes", "tRue"]
    assert load(tmp_path, raw).data == booleans + strings


def test_dates_and_timestamps_stay_strings(tmp_path):
    data = load(tmp_path, b"date: 2025-03-14\nat: 2025-03-14T10:30:00+08:00\nspaced: 2025-03-14 10:30:00\n").data
    assert data == {"date": "2025-03-14", "at": "2025-03-14T10:30:00+08:00", "spaced": "2025-03-14 10:30:00"}


def test_numbers_and_null(tmp_path):
    raw = b"[12, -3, +4, 0x1F, 0o17, 1.5, .5, 1e3, ~, null, NULL, 010, '12', 1:30, 1_000, 3.0.1, '.nan']"
    data = load(tmp_path, raw).data
    assert data[:8] == [12, -3, 4, 31, 15, 1.5, 0.5, 1000.0]
    # YAML 1.2 core: no octal 010, no sexagesimal 1:30, no 1_000.
    assert data[8:] == [None, None, None, 10, "12", "1:30", "1_000", "3.0.1", ".nan"]
    assert load(tmp_path, b"a:\nb: 1\n").data == {"a": None, "b": 1}


@pytest.mark.parametrize("value", [".nan", ".NaN", ".inf", "-.inf", "+.INF", "1e999", "-2e400", "!!float .nan",
                                   "9007199254740992", "-9007199254740992", "0x20000000000000", "!!int 9" + "9" * 20,
                                   "7" * 5000])
def test_numbers_that_no_field_can_hold_are_refused_where_they_stand(tmp_path, value):
    """NaN passes every `minimum` of a schema, an infinity or an integer beyond 2**53 is not
    exact anywhere else, and 5,000 digits made Python's int() raise: each is a positioned
    problem, never an internal error."""
    problem = problem_of(tmp_path, f"quantity: 1\nlines:\n  - amount: {value}\n".encode(), "yaml-number", 3, 13)
    assert problem.args["limit"] == 2**53 - 1
    assert len(problem.args["value"]) <= 24  # 5,000 digits are not echoed back
    if value[0] == "!":  # a tag: the value's own text is what the message quotes
        return
    assert problem.args["value"].startswith(value[:20])


def test_the_largest_exact_integers_and_quoted_words_still_load(tmp_path):
    raw = b"[9007199254740991, -9007199254740991, '.nan', 'inf', \"1e999\", 1e300]"
    assert load(tmp_path, raw).data == [2**53 - 1, -(2**53 - 1), ".nan", "inf", "1e999", 1e300]


def test_standard_explicit_tags(tmp_path):
    raw = b"[!!str 12, !!int '0x1F', !!float 1, !!bool 'true', !!null '', ! 12, !!map {a: 1}, !!seq [1]]"
    assert load(tmp_path, raw).data == ["12", 31, 1.0, True, None, "12", {"a": 1}, [1]]


def test_integer_keys_become_text(tmp_path):
    raw = 'categories:\n  1: {name: 客户基础资料}\n  "2": {name: 合同协议}\n  D: {name: 日常档案}\n'.encode()
    doc = load(tmp_path, raw)
    assert list(doc.data["categories"]) == ["1", "2", "D"]
    assert doc.key_positions[("categories", "1")] == (2, 3)
    problem_of(tmp_path, b'1: a\n"1": b\n', "yaml-duplicate-key", 2, 1)


def test_scalar_root_and_explicit_null_document(tmp_path):
    assert load(tmp_path, b"just text\n").data == "just text"
    assert load(tmp_path, b"---\n").data is None


def test_pure_python_parser_gives_the_same_document(tmp_path, monkeypatch):
    fast = load(tmp_path, ITEM)
    monkeypatch.setattr(loader, "_EventSource", loader._PyEventSource)
    assert load(tmp_path, ITEM) == fast
    problem_of(tmp_path, billion_laughs(), "yaml-alias-limit", 6, 8)


def test_concurrent_loads_share_no_state(tmp_path):
    paths = [write(tmp_path, f"n: {i}\nname: 客户{i}\n".encode(), f"{i}.yaml") for i in range(200)]
    with ThreadPoolExecutor(8) as pool:
        docs = list(pool.map(lambda p: load_file(p, p.name), paths))
    assert [d.data for d in docs] == [{"n": i, "name": f"客户{i}"} for i in range(200)]
