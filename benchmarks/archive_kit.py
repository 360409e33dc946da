"""Shared machinery of the archive generator: dates, amounts, people, customers,
item specifications, numbering, signatures and YAML output.

An item goes through three steps:
  plan    a `Spec` (type, date, customer, manager, handler, parameters) is made;
  number  specs are sorted by date inside (category, year, section) and get their
          serials 0001, 0002, … (no gaps), then the archive-wide numbers 文号 / 合同编号;
  build   the type's builder (content_basic / content_more) makes title and content,
          and `envelope` wraps them with signatures in the schema's key order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from pathlib import Path

import yaml

import sample_vocabulary as V

FIRST = dt.date(2025, 1, 1)
LAST = dt.date(2026, 11, 20)  # nothing that happened is dated after this (today: 2026-11-23)
YEARS = (2025, 2026)

TYPE_CATEGORY = {
    "registration-form": 1, "id-copy": 1, "signatory-list": 1, "background": 1, "visit-report": 1,
    "contract": 2, "agreement": 2,
    "repayment-plan": 3, "credit-limit": 3, "debt-ledger": 3, "repayment-agreement": 3,
    "extension-approval": 3, "export-terms": 3,
    "complaint": 4, "discount-approval": 4, "liability-assessment": 4, "withdrawal": 4,
    "industry-trend": 5, "competitor": 5,
    "promotion-plan": 6, "sales-record": 6, "commission": 6,
    "minutes": "D", "letter": "D", "booking": "D", "visit-form": "D", "sales-report": "D",
    "sales-plan": "D", "feedback": "D", "event-plan": "D",
}
CATEGORY_ORDER = {1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6, "D": 7}

# document numbers allocated across the archive, per year, in date order
DOC_NUMBER_TYPES = {"credit-limit", "extension-approval", "discount-approval", "liability-assessment",
                    "repayment-plan", "promotion-plan", "event-plan", "sales-plan", "withdrawal"}
SERIAL_KINDS = {"contract": "HT", "agreement": "XY", "repayment-agreement": "HK"}


# --- dates and amounts -----------------------------------------------------------------------


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def iso(day: dt.date) -> str:
    return day.isoformat()


def add(day: dt.date, days: int) -> dt.date:
    return day + dt.timedelta(days=days)


def clamp(day: dt.date, low: dt.date = FIRST, high: dt.date = LAST) -> dt.date:
    return max(low, min(high, day))


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 3 * quarter - 2, 1), month_end(year, 3 * quarter)


def random_day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def money(cents: int, currency: str = "CNY") -> str:
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d} {currency}"


def yuan(amount: float, step: int = 1) -> int:
    """An amount in whole units, rounded to `step`, as cents."""
    return int(round(amount / step)) * step * 100


CN_NUMBERS = "〇一二三四五六七八九十"


def cn_quarter(quarter: int) -> str:
    return f"第{CN_NUMBERS[quarter]}季度"


# --- people ----------------------------------------------------------------------------------


class People:
    """people.yaml, indexed."""

    def __init__(self, entries: list[dict]):
        self.entries = entries
        self.by_id = {p["id"]: p for p in entries}
        self.managers = [p["id"] for p in entries if "customer_manager" in p.get("roles", [])]
        self.archivists = [p["id"] for p in entries if "archivist" in p.get("roles", [])]
        self.sales_managers = [p["id"] for p in entries if "sales_manager" in p.get("roles", [])]
        self.general_managers = [p["id"] for p in entries if "general_manager" in p.get("roles", [])]

    @classmethod
    def load(cls, path: Path) -> "People":
        return cls(yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)["people"])

    def section(self, person: str) -> str:
        return self.by_id[person]["section"]

    def supervisor(self, person: str) -> str:
        return self.by_id[person]["supervisor"]

    def name(self, person: str) -> str:
        return self.by_id[person]["name"]


def person_name(rng: random.Random) -> tuple[str, str]:
    """(中文姓名, pinyin id part) of a random person."""
    surname, s_py = rng.choice(V.SURNAMES)
    given, g_py = rng.choice(V.GIVEN_NAMES)
    return surname + given, f"{s_py}.{g_py}"


def mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}"


def landline(rng: random.Random) -> str:
    return f"{V.PHONE_PREFIX}{rng.randint(2_000_000, 8_999_999)}"


def id_card_number(rng: random.Random, born: dt.date) -> str:
    body = f"1401{rng.randint(5, 9)}{rng.randint(1, 9)}{born:%Y%m%d}{rng.randint(100, 999)}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]
    return body + check


def credit_code(rng: random.Random) -> str:
    """统一社会信用代码-like: 18 characters."""
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    return "91140" + "".join(rng.choice(chars) for _ in range(13))


# --- customers -------------------------------------------------------------------------------


class Customer:
    """A customer card 客户资料卡 plus what the builders need to know about the customer."""

    CARD_KEYS = ("id", "name", "short_name", "address", "phone", "owner", "legal_representative", "founded",
                 "first_trade", "organisation_type", "nature", "industry", "assets", "manager", "grade",
                 "volume_class", "time_class", "abc_class", "region", "route", "country", "export",
                 "member_since", "credit_limit", "payment_terms", "contacts", "status", "remarks")

    def __init__(self, **fields):
        self.fields = fields  # card fields (schema names)
        self.signing = False  # 签单客户
        self.limit = 0  # cents, the newest credit limit
        self.currency = "CNY"
        self.member_number = None
        self.membership_type = "corporate"
        self.payment_method = None  # export customers
        self.id_document = ("business_licence", "", "")  # (kind, number, issued_by)
        self.extra: dict = {}  # story flags of the sample archive

    def __getattr__(self, name):
        try:
            return self.__dict__["fields"][name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def short(self) -> str:
        return self.fields.get("short_name") or self.fields["name"]

    @property
    def signatories(self) -> list[dict]:
        people = [c for c in self.fields.get("contacts", []) if c.get("signatory")]
        if not people and self.fields.get("legal_representative"):
            people = [{"name": self.fields["legal_representative"], "title": "法定代表人"}]
        return people or [{"name": self.fields["name"], "title": "本人"}]

    @property
    def signer(self) -> str:
        return self.signatories[0]["name"]

    def card(self) -> dict:
        card = {}
        for key in self.CARD_KEYS:
            value = self.fields.get(key)
            if value is None or value == [] or value == "":
                continue
            if isinstance(value, dt.date):
                value = iso(value)
            if key == "contacts":
                value = [dict(c) for c in value]
            card[key] = value
        if self.limit:
            card["credit_limit"] = money(self.limit, self.currency)
        ordered = {k: card[k] for k in self.CARD_KEYS if k in card}
        return ordered


# --- item specifications -----------------------------------------------------------------------


class Spec:
    """One planned item; `code` is set by `number`, title/content by the builders."""

    __slots__ = ("type", "category", "date", "customer", "manager", "handler", "status", "params", "attach",
                 "code", "serial", "doc_number", "number", "pages", "secrecy", "retention", "remarks",
                 "responsible", "key")

    def __init__(self, type_: str, date: dt.date, manager: str, customer: Customer | None = None,
                 handler: str | None = None, status: str = "filed", attach: str | None = None, **params):
        assert FIRST <= date <= LAST, (type_, date)
        self.type = type_
        self.category = TYPE_CATEGORY[type_]
        self.date = date
        self.customer = customer
        self.manager = manager
        self.handler = handler or manager
        self.status = status
        self.params = params
        self.attach = attach  # None | "png" | "pdf"
        self.code = None
        self.serial = 0
        self.doc_number = None
        self.number = None  # contract / agreement / member number
        self.pages = None
        self.secrecy = None
        self.retention = None
        self.remarks = None
        self.responsible = None
        self.key = 0  # tie-break inside a day

    @property
    def year(self) -> int:
        return self.date.year


def number(specs: list[Spec], people: People) -> None:
    """Allocate codes: serials run 0001… per (category, year, section) in date order; then the
    archive-wide document numbers 文号 and contract / agreement / member numbers in date order."""
    groups: dict[tuple, list[Spec]] = {}
    for index, spec in enumerate(specs):
        spec.key = index
        groups.setdefault((spec.category, spec.year, people.section(spec.manager)), []).append(spec)
    for (category, year, section), members in groups.items():
        members.sort(key=lambda s: (s.date, s.key))
        for serial, spec in enumerate(members, 1):
            spec.serial = serial
            spec.code = f"{category}-{year}-{section}-{serial:04d}"
    counters: dict[tuple, int] = {}
    for spec in sorted(specs, key=lambda s: (s.date, CATEGORY_ORDER[s.category], s.code)):
        if spec.type in DOC_NUMBER_TYPES:
            counters[("doc", spec.year)] = n = counters.get(("doc", spec.year), 0) + 1
            spec.doc_number = f"{V.DOC_PREFIX}〔{spec.year}〕{n}号"
        kind = SERIAL_KINDS.get(spec.type)
        if kind:
            counters[(kind, spec.year)] = n = counters.get((kind, spec.year), 0) + 1
            spec.number = f"LCHG-{kind}-{spec.year}-{n:03d}"
            if spec.type in ("contract", "agreement", "repayment-agreement"):
                spec.doc_number = f"{V.DOC_PREFIX}合〔{spec.year}〕{n}号" if kind == "HT" else spec.number


def item_path(code: str) -> str:
    category, year = code.split("-")[:2]
    if category == "D":
        return f"daily/{year}/{code}.yaml"
    return f"records/{category}/{year}/{code}.yaml"


# --- signatures and the envelope ---------------------------------------------------------------


class Flow(dict):
    """A mapping written in flow style: {name: 王建国, date: 2025-03-13}."""


def signatures(spec: Spec, people: People, rng: random.Random) -> tuple[dict, dt.date | None]:
    """The three signatures of a filed item (customer's only where there is a customer) and the
    filing date; a draft carries at most the handler's signature and no filing date."""
    sigs: dict = {}
    day = spec.date
    if spec.status == "draft":
        if rng.random() < 0.5:
            sigs["handler"] = Flow(person=spec.handler, date=iso(clamp(add(day, rng.randint(0, 1)), day)))
        return sigs, None
    last = day
    if spec.customer is not None:
        signed = clamp(add(day, rng.choice((0, 0, 1, 1, 2, 3))), day)
        sigs["customer"] = Flow(name=spec.params.get("signer") or spec.customer.signer, date=iso(signed))
        last = max(last, signed)
    handled = clamp(add(day, rng.choice((0, 0, 0, 1))), day)
    sigs["handler"] = Flow(person=spec.handler, date=iso(handled))
    approved = clamp(add(max(last, handled), rng.choice((0, 1, 1, 2, 3))), day)
    sigs["supervisor"] = Flow(person=people.supervisor(spec.handler), date=iso(approved))
    filed = clamp(add(approved, rng.choice((0, 1, 2, 2, 3, 5, 7))), approved)
    return sigs, filed


def envelope(spec: Spec, title: str, content: dict, people: People, rng: random.Random,
             retention: dict, attachments: list | None = None) -> dict:
    sigs, filed = signatures(spec, people, rng)
    item = {"code": spec.code, "category": spec.category, "type": spec.type, "title": title}
    if spec.customer is not None:
        item["customer"] = spec.customer.id
    item["manager"] = spec.manager
    item["handler"] = spec.handler
    item["responsible"] = spec.responsible or V.ORGANISATION
    item["date"] = iso(spec.date)
    if spec.doc_number:
        item["doc_number"] = spec.doc_number
    item["pages"] = spec.pages or 1
    item["retention"] = spec.retention or retention[str(spec.category)]
    item["secrecy"] = spec.secrecy or "内部"
    item["status"] = spec.status
    if filed:
        item["filed"] = iso(filed)
    item["signatures"] = sigs
    if attachments:
        item["attachments"] = attachments
    if spec.remarks:
        item["remarks"] = spec.remarks
    item["content"] = content
    return item


# --- YAML ------------------------------------------------------------------------------------


class Dumper(yaml.CSafeDumper):
    """libyaml dumper that writes ISO dates plain (the project's loader keeps them as text)."""


Dumper.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.CSafeDumper.yaml_implicit_resolvers.items()
}
Dumper.add_representer(Flow, lambda dumper, data: dumper.represent_mapping("tag:yaml.org,2002:map", data,
                                                                           flow_style=True))


def dump(data: object) -> str:
    return yaml.dump(data, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=120,
                     default_flow_style=False)


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
