"""The words of the archive's enumerated values and people, as a reader sees them.

The files store short codes (status `filed`, retention `D30`, grade `A`, nature `company`, a
person's id `li.na`); Chinese output shows each by its Chinese label 中文名称 (已归档, 定期30年,
A级, 一般公司, 李娜), English output by the code itself, as the files and the command line
spell it. Item types are named by their schema's Chinese title, so a new type needs no code here.
"""

from __future__ import annotations

from typing import Mapping

# field → value → Chinese label (the schemas' descriptions and the department's documents)
ENUM_LABELS: dict[str, dict[str, str]] = {
    "status": {"draft": "草稿", "filed": "已归档", "bound": "已装订"},
    "retention": {"Y": "永久", "D30": "定期30年", "D10": "定期10年"},
    "secrecy": {"内部": "内部", "秘密": "秘密", "机密": "机密"},
    "grade": {"A": "A级", "B": "B级", "C": "C级", "D": "D级", "E": "E级"},
    "nature": {"government": "政府机构", "special": "特殊公司", "company": "一般公司", "individual": "个人",
               "partner": "合作伙伴"},
    "volume_class": {"key": "主要客户", "general": "一般客户", "scattered": "分散客户"},
    "time_class": {"existing": "现有客户", "new": "新客户", "prospective": "未来客户"},
    "abc_class": {"A": "A类", "B": "B类", "C": "C类"},
    "customer_status": {"active": "在册", "withdrawn": "已退会", "dormant": "休眠", "prospect": "潜在"},
}

# The fields above as the command line's filters and the files name them.
FILTERED_FIELDS = ("status", "retention", "secrecy", "grade", "nature", "volume_class", "time_class")


def enum_label(field: str, value: object, lang: str) -> str:
    """A value of an enumerated field in the reader's language (unknown values as they are)."""
    text = "" if value is None else str(value)
    if lang != "zh":
        return text
    return ENUM_LABELS.get(field, {}).get(text, text)


def type_label(item_type: object, titles: Mapping[str, str], lang: str) -> str:
    """An item type: its schema's Chinese title (`titles`: type → schema title, 'Chinese English')."""
    text = "" if item_type is None else str(item_type)
    if lang != "zh":
        return text
    title = titles.get(text, "")
    return title.split(" ", 1)[0] if title else text


def person_label(person_id: object, names: Mapping[str, str], lang: str) -> str:
    """A person: their name in Chinese output (李娜), their id in English (li.na), as people.yaml has it."""
    text = "" if person_id is None else str(person_id)
    if lang != "zh":
        return text
    return names.get(text, text)


PERSON_FIELDS = ("manager", "handler", "person", "checked_by", "bound_by", "approver", "author")


class Words:
    """How one reader's output names values: `of(field, value)` for any field of an item or card."""

    def __init__(self, lang: str, names: Mapping[str, str] | None = None, titles: Mapping[str, str] | None = None):
        self.lang = lang
        self.names = names or {}
        self.titles = titles or {}

    def of(self, field: str, value: object) -> str:
        if field in PERSON_FIELDS:
            return person_label(value, self.names, self.lang)
        if field == "type":
            return type_label(value, self.titles, self.lang)
        if field == "status" and self.lang == "zh" and str(value) in ENUM_LABELS["customer_status"]:
            return ENUM_LABELS["customer_status"][str(value)]  # a card's status (items' are draft/filed/bound)
        return enum_label(field, value, self.lang)


def words_for(root, lang: str, people: Mapping | None = None, types: bool = True) -> Words:
    """The Words of an archive (its people's names and, with `types`, its types' titles, read from
    the schema files as JSON); in English nothing is read."""
    if lang != "zh":
        return Words(lang)
    from .config import open_archive

    people = open_archive(root).people if people is None else people
    titles = {}
    if types:
        from .schema_dispatch import type_titles

        titles = type_titles(root / "schemas")
    return Words(lang, {pid: person.name for pid, person in people.items()}, titles)
