"""An item as a person reads it (`dossier show`): labelled fields, Chinese or English.

Content labels come from the type schema's property titles, so a new type needs no
code here.
"""

from __future__ import annotations

from ..archive.schemas import SchemaSet
from ..archive.vocabulary import PERSON_FIELDS, Words

ENVELOPE_LABELS: dict[str, tuple[str, str]] = {
    "code": ("Electronic code", "电子编码"),
    "category": ("Category", "类别"),
    "type": ("Type", "文件类型"),
    "title": ("Title", "题名"),
    "customer": ("Customer", "客户"),
    "manager": ("Customer manager", "客户经理"),
    "handler": ("Handler", "经办人"),
    "responsible": ("Responsible party", "责任者"),
    "date": ("Date", "日期"),
    "doc_number": ("Document number", "文号"),
    "pages": ("Pages", "页数"),
    "retention": ("Retention", "保管期限"),
    "secrecy": ("Secrecy", "密级"),
    "status": ("Status", "状态"),
    "filed": ("Filed on", "归档日期"),
    "signatures": ("Signatures", "签字"),
    "attachments": ("Attachments", "附件"),
    "paper": ("Paper archive", "纸质档案"),
    "remarks": ("Remarks", "备注"),
    "content": ("Content", "内容"),
}


# Keys of the envelope's nested parts (signatures, attachments, paper), which have no type schema.
NESTED_LABELS: dict[str, str] = {
    "customer": "客户", "handler": "经办人", "supervisor": "直接领导", "person": "人员", "name": "姓名",
    "date": "日期", "file": "文件", "pages": "页数", "title": "标题", "archive_number": "档号",
    "shelf": "存址", "volume": "卷号",
}


def show_text(data: dict, schemas: SchemaSet, lang: str, category_names: dict, words: Words | None = None) -> str:
    """The item's fields labelled; enumerated values and people as `words` name them (Chinese labels
    and names in Chinese)."""
    zh = lang == "zh"
    words = words or Words(lang)
    lines = []
    for key, value in data.items():
        label = ENVELOPE_LABELS.get(key, (key, key))[zh]
        if key == "category":
            value = f"{value} {category_names.get(str(value), '')}".rstrip()
        if key == "content" and isinstance(value, dict):
            lines.append(f"{label}:")
            lines += _nested(value, schemas.type_schema(data.get("type", "")), zh, 1, words)
        elif isinstance(value, (dict, list)):
            lines.append(f"{label}:")
            lines += _nested(value, {}, zh, 1, words)
        else:
            lines.append(f"{label}: {words.of(key, value)}")
    return "\n".join(lines)


def _title(schema: dict, key: str, zh: bool) -> str:
    title = schema.get("properties", {}).get(key, {}).get("title") or (NESTED_LABELS.get(key) if not schema else None)
    return f"{title} {key}" if title and zh else key


def _nested(value: object, schema: dict, zh: bool, depth: int, words: Words) -> list[str]:
    indent = "  " * depth
    lines = []
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, inner in items:
        label = _title(schema, key, zh) if isinstance(key, str) else f"{key + 1}."
        sub = schema.get("properties", {}).get(key, {}) if isinstance(key, str) else schema.get("items", {})
        if isinstance(inner, (dict, list)):
            lines.append(f"{indent}{label}" if isinstance(key, int) else f"{indent}{label}:")
            lines += _nested(inner, sub, zh, depth + 1, words)
        elif isinstance(key, int):
            lines.append(f"{indent}{label} {inner}")
        else:
            lines.append(f"{indent}{label}: {words.of(key, inner) if key in PERSON_FIELDS else inner}")
    return lines
