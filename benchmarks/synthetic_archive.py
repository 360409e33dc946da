"""A large synthetic archive for benchmarks: N items (about 10% daily), about N/100
customers, max(5, N/5000) customer managers in sections S02…S99 (plus the sales
manager's S01), each with a direct supervisor. Valid under the same rules as the sample.

Planning runs in one process (cheap); building and writing the items, which is where
the time goes, runs in worker processes by section. Every item draws from its own
random generator seeded by (seed, code), so the output does not depend on --jobs.
"""

from __future__ import annotations

import datetime as dt
import math
import multiprocessing
import os
import random
import re
import shutil
from pathlib import Path

import yaml

import archive_kit as K
import item_writer as W
import sample_vocabulary as V

RECORD_WEIGHTS = {
    "registration-form": 2, "id-copy": 3, "signatory-list": 2, "background": 4, "visit-report": 4,
    "contract": 4, "agreement": 4,
    "repayment-plan": 1.5, "credit-limit": 3, "debt-ledger": 10, "repayment-agreement": 0.8,
    "extension-approval": 1.5, "export-terms": 0.4,
    "complaint": 2.5, "discount-approval": 1.8, "liability-assessment": 1,
    "industry-trend": 1.5, "competitor": 1.5,
    "promotion-plan": 1.5, "sales-record": 18, "commission": 1.5,
}
DAILY_WEIGHTS = {"minutes": 2, "letter": 3, "booking": 4, "visit-form": 4, "sales-report": 1.2, "sales-plan": 0.5,
                 "feedback": 2, "event-plan": 1}
SIGNING_TYPES = {"repayment-plan", "credit-limit", "debt-ledger", "repayment-agreement", "extension-approval"}
PROSPECT_TYPES = {"visit-report", "background", "visit-form", "letter"}
ATTACHMENT_SHARE = 0.005
MONTHS = [(2025, m) for m in range(1, 13)] + [(2026, m) for m in range(1, 11)]  # periods that end before LAST


# --- people ------------------------------------------------------------------------------------


def make_people(rng: random.Random, base: list[dict], managers: int) -> list[dict]:
    """The sample's people, with customer managers added up to `managers` (sections S02…)."""
    people = [dict(p) for p in base]
    used_ids = {p["id"] for p in people}
    existing = [p for p in people if "customer_manager" in p["roles"] and p.get("section") != "S01"]
    supervisors = [p["id"] for p in people if "supervisor" in p["roles"]]
    sales_manager = next(p["id"] for p in people if "sales_manager" in p["roles"])

    def new_id() -> tuple[str, str]:
        while True:
            name, pid = K.person_name(rng)
            candidate, n = pid, 2
            while candidate in used_ids:
                candidate, n = f"{pid}{n}", n + 1
            used_ids.add(candidate)
            return name, candidate

    extra = max(0, managers - len(existing))
    for index in range(math.ceil(extra / 6) - (1 if extra else 0)):
        name, pid = new_id()
        people.append({"id": pid, "name": name, "title": "销售主管", "email": f"{pid}@longcheng-club.cn",
                       "roles": ["supervisor"], "supervisor": sales_manager})
        supervisors.append(pid)
    for index in range(extra):
        section = f"S{len(existing) + index + 2:02d}"
        name, pid = new_id()
        boss = sales_manager if index % 7 == 6 else supervisors[index % len(supervisors)]
        people.append({"id": pid, "name": name, "title": "客户经理", "email": f"{pid}@longcheng-club.cn",
                       "roles": ["customer_manager"], "section": section, "supervisor": boss})
    return people


# --- customers ---------------------------------------------------------------------------------


def make_customers(rng: random.Random, count: int, managers: list[str]) -> list[K.Customer]:
    names: set[str] = set()
    customers = []
    natures = ["company"] * 45 + ["special"] * 15 + ["government"] * 10 + ["individual"] * 20 + ["partner"] * 10
    for index in range(count):
        cid = f"C{index + 1:04d}"
        export = index % 16 == 5  # one customer in sixteen buys for export
        nature = "company" if export else rng.choice(natures)
        district, route = rng.choice(V.DISTRICTS)
        if export:
            buyer = V.FOREIGN_BUYERS[rng.randrange(len(V.FOREIGN_BUYERS))]
            name = f"{rng.choice(V.FOREIGN_WORDS)} {rng.choice(V.FOREIGN_KINDS)} {V.LEGAL_FORMS[buyer[2]]}"
            short = name.rsplit(" ", 1)[0] if not name.endswith("Co., Ltd.") else name[:-10]
        elif nature == "individual":
            name, _ = K.person_name(rng)
            short = name
        elif nature == "government":
            name = f"太原市{rng.choice(V.GOVERNMENT_BODIES)}" if rng.random() < 0.5 else f"太原市{district}{rng.choice(V.GOVERNMENT_BODIES)}"
            short = name.replace("太原市", "")
        elif nature == "special":
            pattern, _ = rng.choice(V.SPECIAL_BODIES)
            name = pattern.format(d=district.replace("区", ""), n=rng.choice("一二三四五六七八九"))
            short = name[:8]
        else:
            suffix, _, _ = rng.choice(V.PARTNER_KINDS if nature == "partner" else V.COMPANY_KINDS)
            core = rng.choice(V.NAME_CORES)
            name, short = f"{rng.choice(V.NAME_PREFIXES)}{core}{suffix}", core + suffix[:2]
        serial = 2
        while name in names:
            if export:
                name = f"{name.rsplit(' ', 1)[0]} {serial} {name.rsplit(' ', 1)[1]}"
            elif nature == "individual":
                name = f"{name.split('（')[0]}（{serial}）"
            else:
                name = f"{name.split('（')[0]}（{district}{serial}）"
            serial += 1
        names.add(name)
        industry = {"government": "政府机关", "special": "国有企业", "individual": "个人会员"}.get(nature, "商贸服务")
        time_class = rng.choices(["existing", "new", "prospective"], [70, 22, 8])[0]
        status = "prospect" if time_class == "prospective" else rng.choices(["active", "withdrawn", "dormant"], [90, 4, 6])[0]
        if index % 25 == 7:  # at least one member who left
            time_class, status = "existing", "withdrawn"
        grade = "E" if status in ("withdrawn", "dormant") and rng.random() < 0.6 else rng.choice("ABCD")
        volume = rng.choices(["key", "general", "scattered"], [15, 50, 35])[0]
        fields = dict(id=cid, name=name, short_name=short, address=f"太原市{district}{rng.choice(V.STREETS)}{rng.randint(1, 300)}号",
                      phone=K.landline(rng) if nature != "individual" else K.mobile(rng), nature=nature, industry=industry,
                      manager=managers[index % len(managers)], grade=grade, volume_class=volume, time_class=time_class,
                      abc_class={"key": "A", "general": "B", "scattered": "C"}[volume], region=district, route=route,
                      status=status)
        c = K.Customer()
        c.fields = fields
        first = K.d("2025-01-01") if time_class == "existing" else K.random_day(rng, K.d("2025-01-15"), K.d("2026-09-30"))
        c.extra = {"first": first, "last": K.LAST}
        if time_class != "prospective":
            fields["first_trade"] = K.iso(first if time_class == "new" else K.d(f"{rng.randint(2012, 2024)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"))
        if status in ("withdrawn", "dormant"):
            c.extra["last"] = min(K.LAST, K.random_day(rng, K.add(first, 60), K.d("2026-09-30")))
        if export:
            fields.update(address=f"{buyer[3]}（{buyer[2]}）", phone=f"+{rng.randint(1, 99)} {rng.randint(10, 99)} "
                          f"{rng.randint(1000, 9999)} {rng.randint(1000, 9999)}", region=f"{buyer[2]}{buyer[3]}",
                          route="外销", organisation_type="外国企业")
            c.currency = buyer[4]
            c.payment_method = rng.choice(["L/C", "T/T", "D/P", "D/A", "O/A"])
            fields.update(country=buyer[2], export=True, payment_terms=V.PAYMENT_TERMS[c.payment_method],
                          contacts=[{"name": buyer[5], "title": buyer[6], "signatory": True}])
            c.id_document = ("other", f"RB-{rng.randint(100000, 999999)}", f"{buyer[2]}{buyer[3]}商业登记机关")
            c.limit = K.yuan(rng.choice((50_000, 80_000, 120_000, 200_000)))
        elif nature == "individual":
            fields["contacts"] = [{"name": name, "title": "本人", "phone": K.mobile(rng), "signatory": True}]
            born = dt.date(rng.randint(1960, 1995), rng.randint(1, 12), rng.randint(1, 28))
            c.id_document = ("id_card", K.id_card_number(rng, born), f"太原市公安局{district}分局")
            c.membership_type = rng.choice(["individual", "individual", "vip"])
        else:
            legal, _ = K.person_name(rng)
            contact, _ = K.person_name(rng)
            fields.update(legal_representative=legal, contacts=[{"name": contact, "title": rng.choice(V.SIGNATORY_TITLES),
                                                                 "phone": K.mobile(rng), "signatory": True}])
            c.id_document = ("business_licence", K.credit_code(rng), "太原市行政审批服务管理局")
            c.signing = status != "prospect" and rng.random() < 0.45
            if c.signing:
                c.limit = K.yuan(rng.choice((30_000, 50_000, 80_000, 100_000, 150_000, 200_000)))
                fields["payment_terms"] = "签单挂账，月结30天"
        if status != "prospect" and not export:
            c.member_number = f"LC{first.year if time_class == 'new' else 2020}{index + 1:04d}"
            fields["member_since"] = fields.get("first_trade")
        customers.append(c)
    return customers


# --- items ---------------------------------------------------------------------------------------


class Planner:
    def __init__(self, rng: random.Random, customers: list[K.Customer], people: K.People):
        self.rng, self.people = rng, people
        self.active = [c for c in customers if c.status != "prospect"]
        self.prospects = [c for c in customers if c.status == "prospect"]
        self.signing = [c for c in self.active if c.signing]
        self.export = [c for c in customers if c.fields.get("export")]
        self.withdrawn = [c for c in customers if c.status == "withdrawn"]
        self.months: dict[tuple, list] = {}  # (customer or manager, type) -> free months
        self.last_of: dict[tuple, K.Spec] = {}
        self.done: set[tuple] = set()
        self.specs: list[K.Spec] = []

    def _free_month(self, owner: str, type_: str, c: K.Customer | None):
        key = (owner, type_)
        if key not in self.months:
            months = [m for m in MONTHS if c is None or (K.month_end(*m) >= c.extra["first"]
                                                           and dt.date(*m, 1) <= c.extra["last"])]
            self.rng.shuffle(months)
            self.months[key] = months
        return self.months[key].pop() if self.months[key] else None

    def add(self, type_: str, c: K.Customer | None, manager: str | None = None, **params) -> K.Spec:
        rng = self.rng
        manager = manager or c.manager
        if "date" in params:
            date = params.pop("date")
        elif c is not None:
            date = K.random_day(rng, c.extra["first"], c.extra["last"])
        else:
            date = K.random_day(rng, K.FIRST, K.LAST)
        status = "draft" if date >= dt.date(2026, 10, 26) and rng.random() < 0.45 else "filed"
        handler = self.people.archivists[0] if rng.random() < 0.05 else manager
        attach = None
        if rng.random() < ATTACHMENT_SHARE:
            attach = "pdf" if type_ in ("contract", "export-terms") else "png"
        spec = K.Spec(type_, date, manager, c, handler, status, attach, **params)
        self.specs.append(spec)
        return spec

    def record(self, type_: str) -> None:
        rng = self.rng
        if type_ in SIGNING_TYPES:
            pool = self.signing
        elif type_ == "export-terms":
            pool = self.export
        elif type_ == "withdrawal":
            pool = [c for c in self.withdrawn if (c.id, "withdrawal") not in self.done]
        elif type_ in ("industry-trend", "competitor", "promotion-plan", "commission"):
            pool = None
        elif type_ in PROSPECT_TYPES and self.prospects and rng.random() < 0.08:
            pool = self.prospects
        else:
            pool = self.active
        if pool == []:
            return self.record("background")
        c = rng.choice(pool) if pool else None
        if type_ in ("sales-record", "debt-ledger", "commission"):
            owner = c.id if c is not None else rng.choice(self.people.managers)
            month = self._free_month(owner, type_, c)
            if month is None:
                return self.record(rng.choice(["visit-report", "background", "agreement", "complaint"]))
            start, end = dt.date(*month, 1), K.month_end(*month)
            date = min(K.LAST, K.add(end, rng.randint(3, 9)))
            if c is None:
                self.add(type_, None, manager=owner, start=start, end=end, date=date, name=self.people.name(owner))
            else:
                self.add(type_, c, start=start, end=end, date=date)
            return None
        if c is None:
            self.add(type_, None, manager=rng.choice(self.people.managers))
            return None
        if type_ == "withdrawal":
            self.done.add((c.id, "withdrawal"))
            self.add(type_, c, date=c.extra["last"])
            return None
        params = {}
        if type_ in ("discount-approval", "liability-assessment"):
            earlier = self.last_of.get((c.id, "complaint"))
            if earlier is not None:
                params = {"complaint": earlier, "date": min(c.extra["last"], K.add(earlier.date, rng.randint(2, 9)))}
        if type_ == "signatory-list":
            earlier = self.last_of.get((c.id, type_))
            if earlier is not None and earlier.date < c.extra["last"]:
                params = {"supersedes": earlier, "date": K.random_day(rng, K.add(earlier.date, 1), c.extra["last"])}
        spec = self.add(type_, c, **params)
        if type_ in ("complaint", "signatory-list"):
            self.last_of[(c.id, type_)] = spec
        return None

    def daily(self, type_: str) -> None:
        rng = self.rng
        c = None
        if type_ in ("letter", "booking", "visit-form") and rng.random() < 0.85:
            c = rng.choice(self.prospects if type_ != "booking" and self.prospects and rng.random() < 0.1 else self.active)
        manager = c.manager if c is not None else rng.choice(self.people.managers)
        if type_ == "sales-report":
            month = self._free_month(manager, type_, None)
            if month is None:
                return self.daily("feedback")
            start, end = dt.date(*month, 1), K.month_end(*month)
            self.add(type_, None, manager=manager, period_kind="month", start=start, end=end,
                     date=min(K.LAST, K.add(end, rng.randint(3, 9))))
            return None
        params = {}
        if type_ == "minutes":
            mine = [x.id for x in self.active if x.manager == manager] or [x.id for x in self.active]
            params["focus"] = sorted(rng.sample(mine, min(3, len(mine))))
        self.add(type_, c, manager=manager, **params)
        return None


def plan_items(rng: random.Random, n: int, customers: list[K.Customer], people: K.People) -> list[K.Spec]:
    planner = Planner(rng, customers, people)
    n_daily = round(n * 0.1) if n >= 10 else 0
    for c in planner.export:  # every export customer has its payment terms and credit registered
        planner.add("export-terms", c, credit=c.limit, date=K.random_day(rng, c.extra["first"], min(c.extra["last"],
                                                                                              K.add(c.extra["first"], 60))))
    for c in planner.withdrawn:  # and every member who left, the withdrawal 退会
        planner.record("withdrawal")
    types, weights = list(RECORD_WEIGHTS), list(RECORD_WEIGHTS.values())
    while len(planner.specs) < n - n_daily:
        planner.record(rng.choices(types, weights)[0])
    types, weights = list(DAILY_WEIGHTS), list(DAILY_WEIGHTS.values())
    while len(planner.specs) < n:
        planner.daily(rng.choices(types, weights)[0])
    return planner.specs[:n]


# --- writing ---------------------------------------------------------------------------------------

_JOB: dict = {}


def _write_share(share: int) -> int:
    job = _JOB
    root, people, retention, seed = job["root"], job["people"], job["retention"], job["seed"]
    return sum(W.write_item(root, spec, people, retention, seed) for spec in job["shares"][share])


def write_synthetic(out: Path, n: int, seed: int, sample_root: Path, jobs: int = 0) -> dict:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    for folder in ("customers", "records", "daily", "schemas"):
        shutil.rmtree(out / folder, ignore_errors=True)
    shutil.copytree(sample_root / "schemas", out / "schemas")
    # Confidential values stay in clear here (encrypting 100,000 items' values with age would take
    # minutes and the benchmarks measure the archive's checks): the sample's `confidential:` goes.
    settings_text = (sample_root / "archive.yaml").read_text(encoding="utf-8")
    (out / "archive.yaml").write_text(re.sub(r"(?m)^confidential:.*\n", "", settings_text), encoding="utf-8")
    base = yaml.safe_load((sample_root / "people.yaml").read_text(encoding="utf-8"))["people"]
    managers = min(98, max(5, n // 5000))
    entries = make_people(rng, base, managers)
    (out / "people.yaml").write_text("# 人员 People — generated by benchmarks/generate_archive.py\n"
                                     + K.dump({"people": entries}), encoding="utf-8")
    people = K.People(entries)
    customers = make_customers(rng, min(9999, max(10, round(n / 100))), people.managers)
    specs = plan_items(rng, n, customers, people)
    K.number(specs, people)
    W.write_customers(out, customers)
    W.write_access(out, [
        {"person": "wu.lei", "customer": customers[0].id, "approved_by": "li.na", "approved_on": "2026-03-02",
         "expires": "2027-03-01", "reason": "前厅部筹备客户年会接待，查阅客户基础资料"},
        {"person": "wu.lei", "category": 4, "approved_by": "zhao.guoqiang", "approved_on": "2025-06-16",
         "expires": "2025-12-31", "reason": "处理客户投诉，查阅投诉折价档案"},
        {"person": "zhang.min", "category": 3, "approved_by": "li.na", "approved_on": "2026-01-05",
         "expires": "2026-12-31", "reason": "审核签单客户信用额度及欠款还款台账"}])
    for folder in {K.item_path(spec.code).rsplit("/", 1)[0] for spec in specs}:  # once, before the workers start
        (out / folder).mkdir(parents=True, exist_ok=True)
    settings = yaml.safe_load((sample_root / "archive.yaml").read_text(encoding="utf-8"))
    jobs = jobs or os.cpu_count() or 1
    sections = sorted({people.section(s.manager) for s in specs})
    shares: list[list[K.Spec]] = [[] for _ in range(jobs)]
    load = [0] * jobs
    by_section: dict[str, list[K.Spec]] = {}
    for spec in specs:
        by_section.setdefault(people.section(spec.manager), []).append(spec)
    for section in sorted(sections, key=lambda s: -len(by_section[s])):
        lightest = load.index(min(load))
        shares[lightest] += by_section[section]
        load[lightest] += len(by_section[section])
    _JOB.update(root=out, people=people, retention=W.retention_of(settings), seed=seed, shares=shares)
    if jobs == 1 or len(specs) < 2000:
        attachments = sum(_write_share(i) for i in range(jobs))
    else:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            attachments = sum(pool.map(_write_share, range(jobs)))
    return {"customers": len(customers), "managers": len(people.managers), "items": len(specs),
            "attachments": attachments}
