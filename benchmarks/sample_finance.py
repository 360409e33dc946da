"""The figures of the sample archive, planned before any item is built so they agree:

- quarterly 消费对账单 (sales-records) per customer, and a monthly one for October 2026
  for the 签单 customers;
- the credit charges of those bills, their repayments (good, slow, or stopping: overdue
  more than 90 days), half-yearly 欠款还款台账 (debt-ledgers) with carried balances;
- credit limits (信用额度) from the balances: a few customers end above their limit;
- extension approvals, the repayment plan and agreement, commissions and the
  department's sales reports from the same bills.

Every function takes the `Story` of sample_story (its `add`, `rng`, `customers`).
"""

from __future__ import annotations

import datetime as dt
import math

import sample_vocabulary as V
from archive_kit import FIRST, LAST, add, d, month_end, quarter_bounds
from content_basic import _instalments
from content_more import sales_lines

RATES = {"CNY": 1.0, "USD": 7.10, "EUR": 7.80}
QUARTERS = [(2025, 1), (2025, 2), (2025, 3), (2025, 4), (2026, 1), (2026, 2), (2026, 3)]
LEDGER_PERIODS = [(d("2025-01-01"), d("2025-06-30")), (d("2025-07-01"), d("2025-12-31")),
                  (d("2026-01-01"), d("2026-06-30")), (d("2026-07-01"), d("2026-10-31"))]
OCTOBER = (d("2026-10-01"), d("2026-10-31"))


def cny(cents: int, currency: str) -> int:
    return int(cents * RATES[currency])


def round_up(cents: int, step_yuan: int = 10_000) -> int:
    step = step_yuan * 100
    return max(step, math.ceil(cents / step) * step)


def round_down(cents: int, step_yuan: int = 10_000) -> int:
    step = step_yuan * 100
    return max(step, cents // step * step)


def trading_window(c) -> tuple[dt.date, dt.date] | None:
    x = c.extra
    if c.status == "prospect":
        return None
    first = max(FIRST, d(x.get("joined") or x.get("since")))
    last = LAST
    if x.get("last_trade"):
        last = d(x["last_trade"])
    if x.get("withdraw"):
        last = add(d(x["withdraw"]), -1)
    return first, last


def has_ledger(c) -> bool:
    return c.signing or bool(c.extra.get("ledger"))


def credit_from(c) -> dt.date:
    return d(c.extra.get("signing_from") or c.extra.get("joined") or "2025-01-01")


def plan_sales(story) -> None:
    """One sales-record per customer and quarter of trade (+ October 2026 for ledger customers)."""
    rng = story.rng
    for c in story.customers:
        window = trading_window(c)
        if window is None:
            continue
        first, last = window
        periods = [quarter_bounds(y, q) for y, q in QUARTERS]
        if c.extra.get("quarters"):
            periods = [quarter_bounds(y, q) for y, q in c.extra["quarters"]]
        if has_ledger(c):
            periods.append(OCTOBER)
        records = []
        for start, end in periods:
            start, end = max(start, first), min(end, last)
            if start > end or (c.extra.get("skip") and rng.random() < c.extra["skip"]):
                continue
            lines = sales_lines(rng, c, start, end, c.extra.get("level", 1.0))
            credit = has_ledger(c) and start >= credit_from(c)
            if c.fields.get("export"):
                settlement = "credit" if credit else "transfer"
            else:
                settlement = "credit" if credit else rng.choice(["card", "transfer", "cash"] if c.nature != "individual"
                                                                else ["card", "card", "cash"])
            date = min(LAST, add(end if end.day > 27 else month_end(end.year, end.month), rng.randint(3, 8)))
            spec = story.add("sales-record", date, c, start=start, end=end, lines=lines, settlement=settlement)
            records.append((start, end, lines, settlement, spec))
        story.sales[c.id] = records


def _pay_day(story, c, year: int, month: int) -> dt.date:
    key = (c.id, year, month)
    if key not in story.pay_days:
        story.pay_days[key] = dt.date(year + (month - 1) // 12, (month - 1) % 12 + 1, story.rng.randint(8, 20))
    return story.pay_days[key]


def simulate_ledger(story, c) -> None:
    """Charges from the credit bills; each is paid in the monthly batch of the next month
    (two months for slow payers), never after the customer stops paying."""
    x, rng = c.extra, story.rng
    terms = {"O/A": 45}.get(c.payment_method, 30)
    charges = [(day, amount, add(day, terms), bill)
               for _, _, lines, settlement, _ in story.sales[c.id] if settlement == "credit"
               for day, _, amount, bill, *_ in lines]
    lag = 2 if x.get("pay") == "slow" else 1
    stop = d(x["stop"]) if x.get("stop") else None
    monthly = sum(a for _, a, _, _ in charges) / max(1, (LAST - credit_from(c)).days / 30)
    opening = []
    if credit_from(c) <= FIRST:  # balance brought forward from December 2024 (and November for slow payers)
        opening = [(dt.date(2024, 12 - n, 15), int(monthly * rng.uniform(0.6, 1.2)) // 1000 * 1000) for n in range(lag)]
    extended = {}
    if x.get("extension"):
        when = d(x["extension"])
        candidates = [ch for ch in charges if when - dt.timedelta(days=25) <= ch[2] <= add(when, 12)]
        charge = max(candidates or charges[:1], key=lambda ch: ch[1])
        new_due = add(charge[2], 60)
        extended[charge[3]] = new_due
        story.extension[c.id] = (when, charge, new_due)
    paid = []  # (pay day, amount, bill or None)
    for day, amount in opening:
        paid.append((_pay_day(story, c, 2025, day.month - 12 + lag), amount, None))
    for day, amount, due, bill in charges:
        if bill in extended:
            pay = add(extended[bill], -rng.randint(0, 6))
        else:
            month = day.month + lag
            pay = _pay_day(story, c, day.year + (month - 1) // 12, (month - 1) % 12 + 1)
        if (stop and pay > stop) or pay > LEDGER_PERIODS[-1][1]:
            continue
        paid.append((pay, amount, bill))
    events = [(day, "charge", amount, due, bill) for day, amount, due, bill in charges]
    batches: dict[dt.date, int] = {}
    for day, amount, _ in paid:
        batches[day] = batches.get(day, 0) + amount
    events += [(day, "repayment", amount, None, f"YHHD{day:%Y%m%d}{rng.randint(10, 99)}") for day, amount in batches.items()]
    story.ledger[c.id] = {"opening": sum(a for _, a in opening), "events": sorted(events, key=lambda e: (e[0], e[1])),
                          "unpaid": [ch for ch in charges if ch[3] not in {b for _, _, b in paid}]}


def balance_at(story, c, day: dt.date) -> int:
    led = story.ledger[c.id]
    return led["opening"] + sum(a if k == "charge" else -a for when, k, a, _, _ in led["events"] if when <= day)


def overdue_at(story, c, day: dt.date) -> list:
    """Charges unpaid on `day` whose due date is more than 90 days before it."""
    led = story.ledger.get(c.id)
    if not led:
        return []
    limit = day - dt.timedelta(days=90)
    return [ch for ch in led["unpaid"] if ch[2] < limit]


def add_repayment_agreement(story, c) -> None:
    """华宇地产: signing suspended, debt agreed in six instalments; two paid, then nothing."""
    when = d(c.extra["repay_agreement"])
    debt = balance_at(story, c, add(when, -1))
    plan = _instalments(story.rng, debt, add(when, 30), 6, d("2026-08-20"))
    led = story.ledger[c.id]
    for entry in plan:
        if entry["paid"]:
            led["events"].append((d(entry["due"]), "repayment", int(entry["amount"].split()[0].replace(".", "")), None,
                                  f"YHHD{d(entry['due']):%Y%m%d}{story.rng.randint(10, 99)}"))
    led["events"].sort(key=lambda e: (e[0], e[1]))
    story.add("repayment-agreement", when, c, attach="pdf", debt=debt, as_of=add(when, -1), count=6,
              paid_until=d("2026-08-20"), late_interest="0.5%", guarantee="法定代表人个人连带责任担保")


def plan_ledgers(story) -> None:
    for c in story.customers:
        if not has_ledger(c) or c.id not in story.sales:
            continue
        simulate_ledger(story, c)
        if c.extra.get("repay_agreement"):
            add_repayment_agreement(story, c)
        led = story.ledger[c.id]
        for start, end in LEDGER_PERIODS:
            start = max(start, credit_from(c))
            if start > end:
                continue
            entries = [e for e in led["events"] if start <= e[0] <= end]
            date = add(end, story.rng.randint(5, 9))
            story.add("debt-ledger", date, c, start=start, end=end, entries=entries,
                      opening=balance_at(story, c, add(start, -1)) if start > FIRST or led["opening"] else 0)
        if c.id in story.extension:
            when, charge, new_due = story.extension[c.id]
            reason = V.EXTENSION_REASONS[{"government": 0, "special": 2}.get(c.nature, 3)]
            story.add("extension-approval", when, c, original_due=charge[2], new_due=new_due, amount=charge[1],
                      reference=charge[3], reason=reason, approver="zhao.guoqiang" if c.manager == "li.na" else "li.na")


def plan_credit_limits(story) -> None:
    """A yearly credit limit per 签单 customer; the 2026 one is the card's credit limit."""
    rng = story.rng
    for c in story.customers:
        if c.id not in story.ledger:
            continue
        events = story.ledger[c.id]["events"]
        led_open = story.ledger[c.id]["opening"]
        balances, running = [], led_open
        for when, kind, amount, _, _ in events:
            running += amount if kind == "charge" else -amount
            balances.append((when, running))
        peak_2025 = max([b for w, b in balances if w.year == 2025] + [led_open, 1])
        peak_all = max([b for _, b in balances] + [led_open, 1])
        final = balances[-1][1] if balances else 0
        first_limit = round_up(int(peak_2025 * 1.25))
        second_limit = max(first_limit, round_up(int(peak_all * 1.3)))
        if c.extra.get("over"):
            first_limit = round_up(int(peak_2025 * 1.1))
            second_limit = min(second_limit, round_down(int(final * 0.8)))
        if c.fields.get("export"):
            c.limit = second_limit
            continue
        start = credit_from(c)
        first_day = add(start, rng.randint(1, 4)) if start > FIRST else dt.date(2025, 1, rng.randint(6, 15))
        story.add("credit-limit", first_day, c, limit=first_limit, effective=add(first_day, 1),
                  expires=dt.date(2025, 12, 31), basis="上年度消费额及还款记录" if start <= FIRST else "入会资料、背景调查及预计消费额")
        second_day = dt.date(2026, 1, rng.randint(8, 16))
        story.add("credit-limit", second_day, c, limit=second_limit,
                  previous=first_limit if second_limit != first_limit else None, effective=add(second_day, 1),
                  expires=dt.date(2026, 12, 31), basis="2025年度消费分析会决议及欠款还款台账")
        story.limits[c.id] = [(add(first_day, 1), first_limit), (add(second_day, 1), second_limit)]
        c.limit = second_limit


def limit_at(story, c, day: dt.date) -> int | None:
    current = None
    for effective, limit in story.limits.get(c.id, []):
        if effective <= day:
            current = limit
    return current


def plan_repayment_plans(story) -> None:
    for cid, day, first_paid in (("C0003", "2026-11-10", None), ("C0028", "2026-09-22", "2026-01-01")):
        c = story.by_id[cid]
        when = d(day)
        story.add("repayment-plan", when, c, total=balance_at(story, c, add(when, -1)), as_of=add(when, -1), count=4,
                  paid_until=d(first_paid) if first_paid else None,
                  basis=f"{c.short}签单挂账协议及2025—2026年度欠款还款台账")


def plan_commissions(story, people) -> None:
    halves = [(d("2025-01-01"), d("2025-06-30")), (d("2025-07-01"), d("2025-12-31")), (d("2026-01-01"), d("2026-06-30"))]
    for manager in story.managers:
        for start, end in halves:
            base, customers = 0, set()
            for c in story.customers:
                if c.manager != manager:
                    continue
                for s, e, lines, _, _ in story.sales.get(c.id, []):
                    if start <= s and e <= end:
                        base += cny(sum(line[2] for line in lines), c.currency)
                        customers.add(c.id)
            if not base:
                continue
            rate = "1.5%" if manager == "chen.xiaoyu" else ("2%" if manager == "li.na" else "2.5%")
            scheme = ("外销按结汇人民币金额计提" if manager == "chen.xiaoyu"
                      else "按所辖客户已对账消费额计提，签单部分回款后发放")
            story.add("commission", add(end, story.rng.randint(8, 14)), None, manager=manager, start=start, end=end,
                      base=base, rate=rate, customers=len(customers), scheme=scheme, name=people.name(manager))


def revenue(story, start: dt.date, end: dt.date) -> dict:
    by_product: dict[str, int] = {}
    for c in story.customers:
        for _, _, lines, _, _ in story.sales.get(c.id, []):
            for day, product, amount, *_ in lines:
                if start <= day <= end:
                    by_product[product] = by_product.get(product, 0) + cny(amount, c.currency)
    return by_product
