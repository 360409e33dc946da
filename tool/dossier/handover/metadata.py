"""The metadata of an item 件 as a receiving archive reads it: the elements of DA/T 46-2009 and
GB/T 18894-2016 §6.2.2 that the archive holds (题名, 文件编号, 责任者, 日期, 保管期限, 密级, …),
its handling history 处理过程 and its computer files 计算机文件 (name, size, format, digest,
creating program). One scheme serves the package's XML and the check of it (DA/T 70 1-2…1-5,
2-3, 2-4): length, type, value domain and reasonableness of each element."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .outcome import Finding

ARCHIVE_NUMBER = re.compile(r"^(?P<fonds>[A-Z0-9]{4})-(?P<cls>[A-Z]{2})·(?P<year>[0-9]{4})-(?P<ret>Y|D30|D10)-"
                            r"C(?P<cat>[1-6D])-(?P<piece>[0-9]{4})$")
RETENTION_WORDS = {"Y": "永久", "D30": "30年", "D10": "10年"}
SECRECY = ("内部", "秘密", "机密")
EVENTS = {"customer": "客户签字", "handler": "经办", "supervisor": "审批", "filed": "归档", "bound": "装订"}
ITEM_ROOT, HISTORY, FILES = "电子档案元数据", "处理过程", "计算机文件"


@dataclass(frozen=True)
class Element:
    """One metadata element: its XML name (as DA/T 46 names it), whether it must be filled, its
    kind (text, date, int), longest length, value domain or pattern."""

    tag: str
    en: str
    required: bool
    kind: str = "text"
    max_length: int = 0
    domain: tuple[str, ...] = ()
    pattern: str = ""


ELEMENTS: tuple[Element, ...] = (
    Element("档号", "archive number", True, max_length=40, pattern=ARCHIVE_NUMBER.pattern),
    Element("电子文件编码", "electronic code", True, max_length=20, pattern=r"^([1-6]|D)-[0-9]{4}-S[0-9]{2}-[0-9]{4}$"),
    Element("全宗号", "fonds code", True, max_length=4, pattern=r"^[A-Z0-9]{4}$"),
    Element("全宗名称", "fonds name", True, max_length=100),
    Element("门类代码", "class code", True, max_length=2, pattern=r"^[A-Z]{2}$"),
    Element("年度", "year", True, "int"),
    Element("保管期限", "retention", True, domain=tuple(RETENTION_WORDS.values())),
    Element("类别号", "category", True, domain=("C1", "C2", "C3", "C4", "C5", "C6", "CD")),
    Element("件号", "piece number", True, "int"),
    Element("题名", "title", True, max_length=200),
    Element("文件编号", "document number", False, max_length=50),
    Element("责任者", "responsible party", True, max_length=100),
    Element("日期", "date", True, "date"),
    Element("页数", "pages", True, "int"),
    Element("密级", "secrecy", True, domain=SECRECY),
    Element("机构或问题", "section", True, max_length=100),
    Element("客户", "customer", False, max_length=5, pattern=r"^C[0-9]{4}$"),
    Element("文件类型", "item type", True, max_length=50),
    Element("归档日期", "filing date", True, "date"),
    Element("存址", "shelf", False, max_length=50),
    Element("备注", "remarks", False, max_length=500),
)
BY_TAG = {e.tag: e for e in ELEMENTS}
# where each element comes from in an item's YAML (for positions in the archive)
YAML_PATHS: dict[str, tuple] = {
    "档号": ("paper", "archive_number"), "电子文件编码": ("code",), "题名": ("title",), "文件编号": ("doc_number",),
    "责任者": ("responsible",), "日期": ("date",), "页数": ("pages",), "密级": ("secrecy",), "保管期限": ("retention",),
    "客户": ("customer",), "文件类型": ("type",), "归档日期": ("filed",), "存址": ("paper", "shelf"),
    "备注": ("remarks",), "机构或问题": ("manager",),
}


def _text(value: object) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value)


def record_of(data: dict, settings: dict, piece: int | None = None) -> dict[str, str | None]:
    """The metadata elements of an item (its YAML data) in an archive with these settings."""
    fonds = settings.get("fonds") or {}
    paper = data.get("paper") if isinstance(data.get("paper"), dict) else {}
    number = _text(paper.get("archive_number"))
    found = ARCHIVE_NUMBER.match(number or "")
    code = _text(data.get("code")) or ""
    section = code.split("-")[2] if code.count("-") == 3 else ""
    organisation = _text(settings.get("organisation")) or ""
    return {
        "档号": number, "电子文件编码": code, "全宗号": _text(fonds.get("code")), "全宗名称": _text(fonds.get("name")),
        "门类代码": _text(settings.get("class_code")), "年度": code.split("-")[1] if section else None,
        "保管期限": RETENTION_WORDS.get(str(data.get("retention")), _text(data.get("retention"))),
        "类别号": f"C{data.get('category')}" if data.get("category") is not None else None,
        "件号": str(piece) if piece is not None else (str(int(found["piece"])) if found else None),
        "题名": _text(data.get("title")), "文件编号": _text(data.get("doc_number")),
        "责任者": _text(data.get("responsible")) or organisation, "日期": _text(data.get("date")),
        "页数": _text(data.get("pages")), "密级": _text(data.get("secrecy")),
        "机构或问题": f"{organisation} {section}".strip() if section else organisation,
        "客户": _text(data.get("customer")), "文件类型": _text(data.get("type")),
        "归档日期": _text(data.get("filed")), "存址": _text(paper.get("shelf")), "备注": _text(data.get("remarks")),
    }


def history_of(data: dict, names: dict[str, str], bound: tuple[str, str] | None) -> list[tuple[str, str, str]]:
    """The handling history 处理过程 of an item: (action, person, date), in the order they happen:
    the customer's, the handler's and the supervisor's signatures, filing, binding."""
    signatures = data.get("signatures") if isinstance(data.get("signatures"), dict) else {}
    events = []
    for which in ("customer", "handler", "supervisor"):
        signed = signatures.get(which) if isinstance(signatures.get(which), dict) else None
        if signed:
            who = _text(signed.get("name")) or names.get(str(signed.get("person")), _text(signed.get("person")) or "")
            events.append((EVENTS[which], who, _text(signed.get("date")) or ""))
    if data.get("filed"):
        events.append((EVENTS["filed"], names.get(str(data.get("handler")), ""), _text(data.get("filed")) or ""))
    if bound:
        events.append((EVENTS["bound"], *bound))
    return events


# --- checking a record against the scheme ---------------------------------------------------------


def element_findings(record: dict[str, tuple[str | None, tuple[int, int]] | None], file: str,
                     today: dt.date) -> dict[str, list[Finding]]:
    """Findings by check item number ("1-2" length, "1-3" type and format, "1-4" value domain,
    "1-5" reasonableness, "2-3" element missing, "2-4" mandatory element empty) of one record:
    element → (value, position), None where the element is absent."""
    found: dict[str, list[Finding]] = {n: [] for n in ("1-2", "1-3", "1-4", "1-5", "2-3", "2-4")}
    for element in ELEMENTS:
        entry = record.get(element.tag)
        if entry is None:
            if element.required:
                found["2-3"].append(Finding.of(file, "check-element-missing", element=element.tag))
            continue
        value, position = entry
        if not (value or "").strip():
            if element.required:
                found["2-4"].append(Finding.of(file, "check-element-empty", position, element=element.tag))
            continue
        number, key = _value_fault(element, value, today)
        if number:
            found[number].append(Finding.of(file, key, position, element=element.tag, value=value[:60],
                                            limit=element.max_length, options="、".join(element.domain)))
    return found


def _value_fault(element: Element, value: str, today: dt.date) -> tuple[str, str]:
    if element.max_length and len(value) > element.max_length:
        return "1-2", "check-element-too-long"
    if element.kind == "int" and not re.fullmatch(r"[0-9]+", value):
        return "1-3", "check-element-format"
    if element.kind == "date":
        try:
            day = dt.date.fromisoformat(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None
        except ValueError:
            day = None
        if day is None:
            return "1-3", "check-element-format"
        if day > today or day.year < 1949:
            return "1-5", "check-element-unreasonable"
    if element.pattern and not re.fullmatch(element.pattern, value):
        return "1-3", "check-element-format"
    if element.domain and value not in element.domain:
        return "1-4", "check-element-domain"
    if element.kind == "int" and (int(value) == 0 or (element.tag == "年度" and not 1949 <= int(value) <= today.year)):
        return "1-5", "check-element-unreasonable"
    return "", ""
