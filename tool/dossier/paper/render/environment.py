"""The one factory of the Jinja2 environment for volumes, and the filters it registers
(as mkdocs does): dates, amounts, retention periods, in the forms Chinese archives use."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import jinja2

from . import VOLUME_TEMPLATES

DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
AMOUNT_RE = re.compile(r"^(-?\d+)\.(\d{2}) ([A-Z]{3})$")
RETENTION = {"Y": "永久", "D30": "定期30年", "D10": "定期10年"}
CURRENCY_WORDS = {"CNY": "元"}


def date_zh(value: object) -> str:
    """2025-01-09 → 2025年1月9日; anything else as written."""
    match = DATE_RE.match(value) if isinstance(value, str) else None
    if not match:
        return "" if value is None else str(value)
    year, month, day = match.groups()
    return f"{year}年{int(month)}月{int(day)}日"


def date_compact(value: object) -> str:
    """2025-01-09 → 20250109, the 8-digit date of DA/T 22 catalogues."""
    match = DATE_RE.match(value) if isinstance(value, str) else None
    return "".join(match.groups()) if match else ("" if value is None else str(value))


def amount(value: object) -> str:
    """"220000.00 CNY" → "220,000.00 元"; "370000.00 EUR" → "EUR 370,000.00"."""
    match = AMOUNT_RE.match(value) if isinstance(value, str) else None
    if not match:
        return "" if value is None else str(value)
    whole, cents, currency = match.groups()
    try:
        grouped = f"{int(Decimal(whole)):,}"
    except InvalidOperation:
        return str(value)
    if whole.startswith("-0"):
        grouped = "-" + grouped
    number = f"{grouped}.{cents}"
    word = CURRENCY_WORDS.get(currency)
    return f"{number} {word}" if word else f"{currency} {number}"


def amount_sum(values: list) -> str:
    """The sum of amounts of one currency ("" when there are none or currencies differ)."""
    total, currency = Decimal(0), None
    for value in values:
        match = AMOUNT_RE.match(value) if isinstance(value, str) else None
        if not match or currency not in (None, match.group(3)):
            return ""
        currency = match.group(3)
        total += Decimal(f"{match.group(1)}.{match.group(2)}")
    return amount(f"{total:.2f} {currency}") if currency else ""


def retention(value: object) -> str:
    return RETENTION.get(str(value), str(value))


def yes_no(value: object) -> str:
    if value is True:
        return "是"
    if value is False:
        return "否"
    return "" if value is None else str(value)


def spaced(text: object) -> str:
    """客户档案 → 客 户 档 案: the letter-spaced titles of forms."""
    return " ".join(str(text))


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(VOLUME_TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters.update(date_zh=date_zh, date_compact=date_compact, amount=amount, amount_sum=amount_sum,
                       retention=retention,
                       yes_no=yes_no, spaced=spaced)
    return env
