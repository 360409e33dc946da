"""The embedded sample archive as a story: what happened to the 33 customers of the
太原龙城会馆 sales department in 2025 and 2026, item by item.

`plan_sample(people, seed)` returns the customers, the item specs (not yet numbered)
and the read grants of access.yaml.
"""

from __future__ import annotations

import datetime as dt
import random

import sample_finance as F
import sample_vocabulary as V
from archive_kit import FIRST, LAST, Spec, add, cn_quarter, d, month_end, person_name, random_day
from sample_customers import make_customers

ARCHIVIST = "zhou.jing"


class Story:
    def __init__(self, people, customers, rng: random.Random):
        self.people, self.customers, self.rng = people, customers, rng
        self.by_id = {c.id: c for c in customers}
        self.managers = [m for m in people.managers]
        self.specs: list[Spec] = []
        self.sales: dict = {}
        self.ledger: dict = {}
        self.limits: dict = {}
        self.extension: dict = {}
        self.pay_days: dict = {}
        self.complaints: dict = {}

    def add(self, type_: str, date: dt.date, customer=None, manager: str | None = None, handler: str | None = None,
            status: str | None = None, attach: str | None = None, **params) -> Spec:
        rng = self.rng
        date = min(date, LAST)
        manager = manager or customer.manager
        if handler is None:
            handler = manager
            if type_ in ("registration-form", "id-copy", "signatory-list", "agreement", "withdrawal") and rng.random() < 0.15:
                handler = ARCHIVIST
        if status is None:
            status = "draft" if date >= dt.date(2026, 10, 26) and rng.random() < 0.45 else "filed"
        if customer is not None and customer.extra.get("signatory_update") and "signer" not in params:
            if date < d(customer.extra["signatory_update"]):
                params["signer"] = customer.extra["old_signer"]["name"]
        spec = Spec(type_, date, manager, customer, handler, status, attach, **params)
        self.specs.append(spec)
        return spec


# --- category 1: basic material ----------------------------------------------------------------


def plan_basic(story: Story) -> None:
    rng = story.rng
    for c in story.customers:
        x = c.extra
        export = bool(c.fields.get("export"))
        if c.status == "prospect":
            day = d(x["prospect"])
            story.add("visit-report", day, c, purpose="新客户首次拜访，建立客户资料卡", grade=c.grade)
            story.add("background", add(day, rng.randint(5, 12)), c, source="销售人员走访", credit_standing="unknown")
            continue
        if x.get("joined"):
            joined = d(x["joined"])
            if not export:
                story.add("visit-report", max(FIRST, add(joined, -rng.randint(8, 20))), c,
                          purpose="新客户首次拜访，建立客户资料卡", grade="A")
                story.add("registration-form", joined, c, attach="png", joined=joined,
                          fee=(36000 if c.membership_type == "vip" else 18000) * 100)
            story.add("id-copy", add(joined, 1), c, attach="png")
            story.add("background", add(joined, rng.randint(3, 10)), c,
                      credit_standing="unknown" if export else "good")
        else:
            if rng.random() < 0.75:
                story.add("background", random_day(rng, d("2025-02-01"), d("2025-06-30")), c, update=True,
                          credit_standing="fair" if x.get("pay") else rng.choice(["good", "good", "fair"]))
            if rng.random() < 0.4:
                story.add("id-copy", random_day(rng, d("2025-03-01"), d("2025-09-30")), c, attach="png")
            if c.volume_class == "key" and rng.random() < 0.6:
                story.add("visit-report", random_day(rng, d("2025-04-01"), d("2026-10-15")), c)
            if rng.random() < 0.25:
                story.add("background", random_day(rng, d("2026-02-01"), d("2026-10-20")), c, update=True,
                          credit_standing="poor" if x.get("pay") == "overdue" else "good")
        if c.signing:
            start = F.credit_from(c)
            day = add(start, 2) if start > FIRST else random_day(rng, d("2025-01-05"), d("2025-02-20"))
            signatories = c.signatories
            if x.get("signatory_update"):
                signatories = [x["old_signer"]] + signatories[1:]
            first = story.add("signatory-list", day, c, attach="png", signatories=signatories, effective=day)
            if x.get("signatory_update"):
                when = d(x["signatory_update"])
                story.add("signatory-list", when, c, attach="png", effective=when, supersedes=first)


# --- category 2: contracts and agreements -------------------------------------------------------


def plan_contracts(story: Story) -> None:
    rng = story.rng
    for c in story.customers:
        window = F.trading_window(c)
        if window is None:
            continue
        first, last = window
        yearly = {}
        for start, end, lines, _, _ in story.sales.get(c.id, []):
            yearly[start.year] = yearly.get(start.year, 0) + sum(line[2] for line in lines)
        for year in (2025, 2026):
            if year not in yearly or dt.date(year, 12, 31) < first or dt.date(year, 1, 1) > last:
                continue
            day = max(first, dt.date(year, 1, rng.randint(8, 20)))
            if day > last:
                continue
            end = dt.date(year, 12, 31)
            if c.fields.get("export"):
                goods = "、".join(sorted({line[4].split("（")[0] for s in story.sales[c.id] for line in s[2]})[:3])
                story.add("contract", day, c, start=day, end=end, subject=f"出口销售（{goods}）",
                          value=F.round_up(int(yearly[year] * 1.1), 1000), payment_terms=c.fields["payment_terms"],
                          attach="pdf" if (c.id, year) == ("C0021", 2025) else None)
            elif c.volume_class == "key":
                subject = {"government": "公务接待及会议服务", "special": "会议接待及客房包价"}.get(c.nature, "年会及商务宴请服务")
                spec = story.add("contract", day, c, start=day, end=end, subject=subject,
                                 value=F.round_up(int(yearly[year] * 1.05), 1000),
                                 attach="pdf" if (c.id, year) in (("C0001", 2026), ("C0002", 2025)) else None)
                if c.extra.get("key_contract"):
                    spec.retention = "Y"
            if c.signing:
                story.add("agreement", add(day, rng.randint(0, 3)), c, kind="credit", start=day, end=end)
            elif c.nature == "partner":
                story.add("agreement", day, c, kind="partner", start=day, end=end)
            elif c.nature == "individual" and c.membership_type == "vip":
                story.add("agreement", day, c, kind="member", start=day, end=add(day.replace(year=day.year + 1), -1))
            elif year == 2025 and not c.fields.get("export") and c.volume_class != "scattered":
                story.add("agreement", day, c, kind="price", start=day, end=end)


# --- category 3: export terms ---------------------------------------------------------------------


def plan_export_terms(story: Story) -> None:
    for c in story.customers:
        if not c.fields.get("export"):
            continue
        if not c.limit:
            yearly = sum(line[2] for s in story.sales.get(c.id, []) for line in s[2])
            c.limit = F.round_up(int(yearly * 0.4), 5000)
        story.add("export-terms", d(c.extra["terms"]), c, credit=c.limit,
                  attach="pdf" if c.id == "C0021" else None)


# --- category 4: complaints, discounts, withdrawals ------------------------------------------------


def plan_complaints(story: Story) -> None:
    rng = story.rng
    for c in story.customers:
        x = c.extra
        if x.get("complaint"):
            day, which = d(x["complaint"][0]), x["complaint"][1]
            is_open = day > d("2026-11-01")
            complaint = story.add("complaint", day, c, which=which, state="open" if is_open else "closed",
                                  status="draft" if is_open else None, attach=None if is_open else "png")
            story.complaints[c.id] = day
            if is_open:
                continue
            bills = [line for s in story.sales.get(c.id, []) for line in s[2] if abs((line[0] - day).days) <= 20]
            bill = max(bills, key=lambda line: line[2]) if bills else None
            approver = "zhao.guoqiang" if c.manager == "li.na" else "li.na"
            story.add("discount-approval", add(day, rng.randint(3, 6)), c, complaint=complaint, approver=approver,
                      original=bill[2] if bill else None, bill=bill[3] if bill else None,
                      rate=0.2 if which == 1 else 0.1)
            if which in (0, 1):
                story.add("liability-assessment", add(day, rng.randint(5, 9)), c, complaint=complaint, which=which,
                          occurred=add(day, -1), compensation=None)
        if x.get("withdraw"):
            day = d(x["withdraw"])
            story.add("withdrawal", day, c, attach="png", withdrawn=day,
                      reason=V.WITHDRAWAL_REASONS[0 if c.nature != "individual" else 1],
                      refund=(6000 if c.nature != "individual" else 3000) * 100)
    big = story.by_id["C0001"]
    bills = [line for s in story.sales[big.id] for line in s[2] if line[1] == "宴会" and line[0].month == 12]
    bill = max(bills, key=lambda line: line[2]) if bills else None
    story.add("discount-approval", d("2025-12-22"), big, reason="年度大客户宴会优惠", approver="zhao.guoqiang",
              original=bill[2] if bill else 8_800_000, bill=bill[3] if bill else "YH25122018", rate=0.08)


# --- categories 5 and 6 -------------------------------------------------------------------------


def plan_market(story: Story) -> None:
    rng, managers = story.rng, story.managers
    for index, (year, quarter) in enumerate(F.QUARTERS):
        start, end = F.quarter_bounds(year, quarter)
        story.add("industry-trend", random_day(rng, add(start, 30), add(end, -20)), None,
                  manager=managers[index % len(managers)], summary=V.TREND_SUMMARIES[index % len(V.TREND_SUMMARIES)])
    for index, _ in enumerate(V.COMPETITORS):
        story.add("competitor", random_day(rng, d("2025-02-01"), d("2026-10-31")), None,
                  manager=managers[(index + 2) % len(managers)], which=index)
    plans = [("2025-02-20", "wang.wei", "internal", "春季会议"), ("2025-03-25", "liu.yang", "external", "五一婚宴"),
             ("2025-08-28", "sun.hao", "internal", "国庆黄金周"), ("2025-12-15", "li.na", "internal", "2026年新春会员"),
             ("2026-05-20", "sun.hao", "external", "暑期亲子"), ("2026-08-26", "wang.wei", "external", "年会宴会"),
             ("2026-11-16", "li.na", "internal", "岁末年会宴会")]
    for day, manager, scope, theme in plans:
        start = add(d(day), rng.randint(8, 15))
        story.add("promotion-plan", d(day), None, manager=manager, scope=scope, theme=theme, start=start,
                  end=add(start, 45), staff=[manager] if scope == "internal" else [manager, "外联促销人员"])


# --- daily archives ------------------------------------------------------------------------------


def focus_customers(story: Story, day: dt.date) -> tuple[list[str], list[str]]:
    """The month's focus list 重点关注客户名单, and the decisions about it."""
    focus, decisions = [], []
    for c in story.customers:
        reasons = []
        if F.overdue_at(story, c, day):
            reasons.append(f"{c.id} {c.short}存在逾期九十天以上签单欠款，由客户经理{story.people.name(c.manager)}本月上门催收")
        limit = F.limit_at(story, c, day)
        if c.id in story.ledger and limit and F.balance_at(story, c, day) > limit:
            reasons.append(f"{c.id} {c.short}签单欠款超出信用额度，暂停新增签单")
        if c.id in story.complaints and 0 <= (day - story.complaints[c.id]).days <= 45:
            reasons.append(f"{c.id} {c.short}投诉已处理，客户经理回访确认满意度")
        joined = c.extra.get("joined") or c.extra.get("prospect")
        if joined and 0 <= (day - d(joined)).days <= 75:
            reasons.append(f"{c.id} {c.short}为新{'潜在' if c.status == 'prospect' else '入会'}客户，补齐客户资料卡")
        if reasons:
            focus.append(c.id)
            decisions += reasons
    if len(focus) < 2:
        for cid in ("C0001", "C0014", "C0021", "C0002"):
            if cid not in focus and len(focus) < 3:
                focus.append(cid)
                decisions.append(f"{cid} {story.by_id[cid].short}为主要客户，本月由客户经理走访维护")
    return focus, decisions


def attendees(story: Story) -> list[str]:
    ids = ["li.na", "zhang.min"] + [m for m in story.managers if m != "li.na"] + [ARCHIVIST]
    return [story.people.name(p) for p in ids if p in story.people.by_id] + ["前厅部经理吴磊", "财务部应收会计"]


def plan_meetings(story: Story) -> None:
    rng = story.rng
    for year in (2025, 2026):
        for month in range(1, 13):
            day = month_end(year, month)
            while day.weekday() != 4:  # the last Friday of the month
                day = add(day, -1)
            if day > LAST:
                day = d("2026-11-18")
            if day > LAST or (year, month) > (2026, 11):
                continue
            focus, decisions = focus_customers(story, day)
            story.add("minutes", day, None, manager="li.na", handler=ARCHIVIST, attach="png" if month in (3, 9) else None,
                      kind=V.MEETING_KINDS["monthly"], chair="li.na", recorder=ARCHIVIST, attendees=attendees(story),
                      agenda=["上月客史档案补充更新情况", "确定月度重点关注客户名单", "签单欠款及信用额度"],
                      decisions=decisions[:6] + rng.sample(V.MEETING_DECISIONS[3:6], 1), focus=focus)
    for year, quarter in F.QUARTERS:
        start, end = F.quarter_bounds(year, quarter)
        day = add(end, rng.randint(6, 12))
        totals: dict[str, int] = {}
        for c in story.customers:
            for s, e, lines, _, _ in story.sales.get(c.id, []):
                if start <= s and e <= end:
                    totals[c.id] = totals.get(c.id, 0) + F.cny(sum(line[2] for line in lines), c.currency)
        ranked = sorted(totals, key=totals.get, reverse=True)
        whole, running, top = sum(totals.values()), 0, []
        for cid in ranked:
            if running >= whole * 0.8:
                break
            top.append(cid)
            running += totals[cid]
        label = {1: "第一季度", 2: "上半年", 3: "第三季度", 4: "年度"}[quarter]
        decisions = [f"{year}年{cn_quarter(quarter)}消费额合计{whole // 100}元，前{len(top)}位客户占{running * 100 // max(1, whole)}%，列为A类（帕累托）客户",
                     "根据消费情况调整客户等级及主要/一般/分散客户分类，由档案员更新客户资料卡",
                     rng.choice(V.MEETING_DECISIONS[:3])]
        story.add("minutes", day, None, manager="li.na", handler=ARCHIVIST, kind=V.MEETING_KINDS["quarterly"],
                  chair="li.na", recorder=ARCHIVIST, attendees=attendees(story),
                  agenda=[f"{year}年{label}客户消费分析", "客户分类动态转换", "信用额度执行情况"],
                  decisions=decisions, focus=top[:8],
                  title=f"{year}年{label}{V.MEETING_KINDS['quarterly']}会议记录")


def plan_daily(story: Story) -> None:
    rng, by = story.rng, story.by_id
    topics = {topic: (direction, topic, summary) for direction, topic, summary in V.LETTER_TOPICS}
    letters = [("C0003", "2025-11-17", "关于延期支付接待费用的函", "letter"),
               ("C0007", "2026-05-12", "欠款对账确认函", "letter"),
               ("C0022", "2025-07-08", "外销客户半年度往来账询证函", "email"),
               ("C0021", "2026-01-12", "外销客户半年度往来账询证函", "email"),
               ("C0001", "2026-02-10", "关于调整有效签单人员的函", "letter"),
               ("C0029", "2025-04-03", "询价传真", "fax"),
               ("C0013", "2025-09-02", "年会场地报价函", "email"),
               ("C0009", "2026-01-20", "会员年度权益说明函", "letter"),
               ("C0028", "2026-10-09", "欠款对账确认函", "letter"),
               ("C0002", "2025-01-15", "关于确认年度协议价的函", "letter")]
    for cid, day, topic, medium in letters:
        story.add("letter", d(day), by[cid], topic=topics[topic], medium=medium)
    bookings = [("C0001", "2025-11-03", "年会"), ("C0002", "2025-05-12", "商务会议"), ("C0011", "2025-07-01", "团队入住"),
                ("C0017", "2025-09-15", "婚宴"), ("C0029", "2026-04-20", "团队入住"), ("C0026", "2026-03-09", "培训班"),
                ("C0014", "2026-11-13", "年会"), ("C0005", "2026-08-18", "来宾接待")]
    for cid, day, event in bookings:
        story.add("booking", d(day), by[cid], event=event)
    visits = [("C0012", "2025-10-21"), ("C0031", "2026-06-09"), ("C0003", "2026-09-15"), ("C0028", "2026-08-25"),
              ("C0004", "2026-07-07"), ("C0024", "2026-03-18"), ("C0030", "2026-08-30"), ("C0007", "2025-12-04")]
    for cid, day in visits:
        c = by[cid]
        purpose = "催收逾期欠款并确认还款计划" if c.extra.get("pay") else None
        story.add("visit-form", d(day), c, purpose=purpose)
    for year, quarter in F.QUARTERS:
        start, end = F.quarter_bounds(year, quarter)
        story.add("sales-report", add(end, rng.randint(4, 9)), None, manager="li.na", handler=ARCHIVIST,
                  period_kind="quarter", start=start, end=end, breakdown=F.revenue(story, start, end))
    story.add("sales-report", d("2026-01-09"), None, manager="li.na", period_kind="year", start=d("2025-01-01"),
              end=d("2025-12-31"), breakdown=F.revenue(story, d("2025-01-01"), d("2025-12-31")))
    story.add("sales-report", d("2026-11-05"), None, manager="li.na", handler=ARCHIVIST, period_kind="month",
              start=d("2026-10-01"), end=d("2026-10-31"), breakdown=F.revenue(story, d("2026-10-01"), d("2026-10-31")))
    year_2025 = sum(F.revenue(story, d("2025-01-01"), d("2025-12-31")).values())
    half_2025 = sum(F.revenue(story, d("2025-01-01"), d("2025-06-30")).values())
    half_2026 = sum(F.revenue(story, d("2026-01-01"), d("2026-06-30")).values())
    plan_2025 = F.round_up(int(year_2025 * 0.97), 10_000)
    plan_2026 = F.round_up(int(year_2025 * 1.1), 10_000)
    plans = [("2025-01-06", "plan", "2025-01-01", "2025-12-31", plan_2025, None, None),
             ("2025-07-08", "summary", "2025-01-01", "2025-06-30", plan_2025 // 2, half_2025, None),
             ("2026-01-12", "summary", "2025-01-01", "2025-12-31", plan_2025, year_2025, None),
             ("2026-01-08", "plan", "2026-01-01", "2026-12-31", plan_2026, None, None),
             ("2026-07-09", "summary", "2026-01-01", "2026-06-30", plan_2026 // 2, half_2026, None),
             ("2026-11-16", "plan", "2027-01-01", "2027-12-31", F.round_up(int(plan_2026 * 1.08), 10_000), None, "draft")]
    for day, kind, start, end, target, actual, status in plans:
        story.add("sales-plan", d(day), None, manager="li.na", status=status, kind=kind, start=d(start), end=d(end),
                  target=target, actual=actual)
    for index, day in enumerate(["2025-03-14", "2025-06-02", "2025-08-19", "2025-12-27", "2026-05-04", "2026-10-05"]):
        story.add("feedback", d(day), None, manager=story.managers[(index + 1) % len(story.managers)], which=index)
    events = [("2025-08-20", 1, "2025-09-06"), ("2025-04-10", 4, "2025-04-26"), ("2026-01-05", 0, "2026-02-06"),
              ("2026-09-15", 2, "2026-10-18")]
    for day, which, start in events:
        story.add("event-plan", d(day), None, manager="li.na", which=which, start=d(start))


# --- access.yaml ---------------------------------------------------------------------------------


GRANTS = [
    {"person": "wu.lei", "customer": "C0001", "approved_by": "li.na", "approved_on": "2026-03-02",
     "expires": "2027-03-01", "reason": "前厅部筹备晋能集团年会接待，需查阅客户基础资料及历次消费记录"},
    {"person": "wu.lei", "category": 4, "approved_by": "zhao.guoqiang", "approved_on": "2025-06-16",
     "expires": "2025-12-31", "reason": "处理杏花酒业宴会投诉，查阅投诉折价及责任鉴定档案"},
    {"person": "sun.hao", "customer": "C0007", "approved_by": "li.na", "approved_on": "2026-06-01",
     "expires": "2026-12-31", "reason": "协助客户经理王伟催收华宇地产逾期签单欠款"},
    {"person": "zhang.min", "category": 3, "approved_by": "li.na", "approved_on": "2026-01-05",
     "expires": "2026-12-31", "reason": "审核签单客户信用额度执行情况及欠款还款台账"},
]


def plan_sample(people, seed: int):
    rng = random.Random(seed)
    customers = make_customers(rng)
    for c in customers:
        if c.extra.get("signatory_update"):
            name, _ = person_name(rng)
            c.extra["old_signer"] = {"name": name, "title": rng.choice(V.SIGNATORY_TITLES)}
    story = Story(people, customers, rng)
    F.plan_sales(story)
    F.plan_ledgers(story)
    F.plan_credit_limits(story)
    F.plan_repayment_plans(story)
    F.plan_commissions(story, people)
    plan_basic(story)
    plan_contracts(story)
    plan_export_terms(story)
    plan_complaints(story)
    plan_market(story)
    plan_meetings(story)
    plan_daily(story)
    _top_up_attachments(story, 0.15)
    return customers, story.specs, GRANTS


def _top_up_attachments(story: Story, share: float) -> None:
    """Signature-page scans on about `share` of the items."""
    rng = story.rng
    have = sum(1 for s in story.specs if s.attach)
    wanted = int(len(story.specs) * share) - have
    eligible = [s for s in story.specs if not s.attach and s.status == "filed"
                and s.type in ("credit-limit", "agreement", "extension-approval", "repayment-plan", "sales-record",
                               "visit-report", "letter", "discount-approval", "liability-assessment", "debt-ledger")]
    for spec in rng.sample(eligible, max(0, min(wanted, len(eligible)))):
        spec.attach = "png"
