"""Title and content builders for categories 4–6 (complaints, discounts and withdrawals;
industry trends; promotion and sales) and the daily archives 日常档案.

Same contract as content_basic: `build(spec, rng) -> (title, content)`, the planner's
decisions in `spec.params`, everything else made up. `sales_lines` is also used by the
planners, which need the figures before the items are built.
"""

from __future__ import annotations

import datetime as dt
import random

import sample_vocabulary as V
from archive_kit import LAST, Spec, add, cn_quarter, iso, money, random_day, yuan
from content_basic import _period_label

BILL_PREFIX = {"客房": "KF", "餐饮": "CY", "会议": "HY", "康体": "KT", "会员费": "HF", "宴会": "YH", "外销商品": "CI"}
COMPLAINT_TOPIC = {"餐饮部": "宴会服务", "工程部": "会议设备故障", "客房部": "客房服务", "康体部": "重复计费",
                   "前厅部": "包间预订变更", "保安部": "停车场车辆剐蹭"}


def sales_lines(rng: random.Random, customer, start: dt.date, end: dt.date, level: float = 1.0) -> list[tuple]:
    """Bills of one customer in a period: (date, product, cents, bill, goods, quantity, unit).

    `level` scales how much the customer spends (key accounts > 1, scattered < 1)."""
    end = min(end, LAST)
    lines = []
    if customer.fields.get("export"):
        for _ in range(rng.randint(1, 3)):
            goods, unit, price = rng.choice(V.EXPORT_GOODS)
            quantity = rng.randint(4, 16) * 50 * max(1, round(level))
            day = random_day(rng, start, end)
            lines.append((day, "外销商品", quantity * price * 100, f"CI{day:%y%m%d}{rng.randint(10, 99)}", goods,
                          quantity, unit))
    else:
        share = min(1.0, ((end - start).days + 1) / 91)  # a quarter's worth of bills, less for shorter periods
        count = max(1, round(rng.uniform(2, 6) * min(level, 2.5) * share))
        products = list(V.PRODUCT_WEIGHTS)
        weights = list(V.PRODUCT_WEIGHTS.values())
        for _ in range(count):
            product = rng.choices(products, weights)[0]
            low, high = V.PRODUCTS[product]
            day = random_day(rng, start, end)
            amount = yuan(rng.uniform(low, high) * (0.6 + 0.4 * level), 10)
            lines.append((day, product, amount, f"{BILL_PREFIX[product]}{day:%y%m%d}{rng.randint(10, 99)}",
                          None, None, None))
    lines.sort(key=lambda line: (line[0], line[3]))
    return lines


# --- category 4 ------------------------------------------------------------------------------


def complaint(spec: Spec, rng: random.Random):
    c = spec.customer
    index = spec.params.get("which", rng.randrange(len(V.COMPLAINTS)))
    description, department, responsibility, resolution = V.COMPLAINTS[index]
    state = spec.params.get("state", "closed")
    content = {"received": iso(spec.date), "channel": spec.params.get("channel") or rng.choice(
                   ["phone", "letter", "email", "in_person", "fax"]),
               "complainant": c.signer, "description": description, "department": department}
    if state == "closed":
        content["responsibility"] = responsibility
        content["resolution"] = resolution
        content["closed"] = iso(min(LAST, add(spec.date, rng.randint(3, 15))))
    content["state"] = state
    spec.params["department"] = department
    return f"{c.short}关于{COMPLAINT_TOPIC[department]}的投诉处理单", content


def discount_approval(spec: Spec, rng: random.Random):
    c = spec.customer
    original = spec.params.get("original") or yuan(rng.uniform(8_000, 90_000), 10)
    rate = spec.params.get("rate") or rng.choice((0.05, 0.08, 0.1, 0.15, 0.2))
    discount = int(original * rate) // 100 * 100
    bill = spec.params.get("bill") or f"YH{spec.date:%y%m%d}{rng.randint(10, 99)}"
    linked = spec.params.get("complaint")
    content = {"bill": bill, "original_amount": money(original, c.currency), "discount_amount": money(discount, c.currency),
               "final_amount": money(original - discount, c.currency),
               "reason": spec.params.get("reason") or ("投诉处理折让" if linked is not None else rng.choice(V.DISCOUNT_REASONS[1:]))}
    if linked is not None:
        content["complaint"] = linked.code
    content["approver"] = spec.params.get("approver") or "li.na"
    spec.secrecy = "秘密" if discount > 1_000_000 else None
    kind = {"YH": "宴会", "HY": "会议", "KF": "客房", "CY": "餐饮", "KT": "康体"}.get(bill[:2], "消费")
    return f"关于{c.short}{kind}账单折价的审批", content


def liability_assessment(spec: Spec, rng: random.Random):
    c = spec.customer
    linked = spec.params.get("complaint")
    index = spec.params.get("which", rng.randrange(len(V.COMPLAINTS)))
    description, department, responsibility, _ = V.COMPLAINTS[index]
    surname, _ = rng.choice(V.SURNAMES)
    content = {"incident": description, "occurred": iso(spec.params.get("occurred") or add(spec.date, -rng.randint(2, 10))),
               "responsible_department": department, "responsible_person": f"{department}{surname}某",
               "conclusion": f"{responsibility}，属会馆责任，按服务质量管理制度处理"}
    if spec.params.get("compensation"):
        content["compensation"] = money(spec.params["compensation"], c.currency)
    if linked is not None:
        content["complaint"] = linked.code
    content["assessors"] = ["销售部经理李娜", "质检主管", f"{department}经理"]
    spec.pages = 2
    return f"{c.short}投诉事件责任鉴定书", content


def withdrawal(spec: Spec, rng: random.Random):
    c = spec.customer
    content = {"member_number": c.member_number or f"LC{spec.year}{rng.randint(100, 999)}",
               "withdrawn": iso(spec.params.get("withdrawn", spec.date)),
               "reason": spec.params.get("reason") or rng.choice(V.WITHDRAWAL_REASONS)}
    if spec.params.get("refund") is not None:
        content["refund"] = money(spec.params["refund"], c.currency)
    content["debts_settled"] = spec.params.get("debts_settled", True)
    content["card_returned"] = spec.params.get("card_returned", True)
    spec.responsible = c.name
    return f"{c.short}退会申请及退会原因说明", content


# --- category 5 ------------------------------------------------------------------------------


def industry_trend(spec: Spec, rng: random.Random):
    peers = rng.sample([name for name, _, _ in V.COMPETITORS], 3)
    quarter = (spec.date.month - 1) // 3 + 1
    content = {"source": rng.choice(V.TREND_SOURCES), "observed": iso(spec.date), "peers": peers,
               "summary": spec.params.get("summary") or rng.choice(V.TREND_SUMMARIES),
               "impact": rng.choice(V.TREND_IMPACTS),
               "suggestions": rng.choice(["加强主要客户走访，稳定签单客户", "推出会议套餐和会员储值优惠",
                                          "与旅行社合作伙伴联合推广", "提高宴会菜品特色，突出晋菜"])}
    spec.pages = 2
    return f"{spec.year}年{cn_quarter(quarter)}太原市会馆宾馆行业动态", content


def competitor(spec: Spec, rng: random.Random):
    name, grade, location = V.COMPETITORS[spec.params.get("which", rng.randrange(len(V.COMPETITORS)))]
    prices = []
    for item, low, high in (("豪华大床房（每晚）", 560, 980), ("婚宴（每桌）", 2680, 4880), ("会议室（半天）", 3200, 8800)):
        theirs = yuan(rng.uniform(low, high), 10)
        prices.append({"item": item, "theirs": money(theirs), "ours": money(theirs + yuan(rng.uniform(-120, 260), 10))})
    content = {"competitor": name, "grade": grade, "location": location, "promotions": rng.choice(V.PROMOTIONS),
               "commission_scheme": rng.choice(["销售人员按回款额3%提成", "会员卡销售按卡值5%提成", "外联人员按成交额提成2%至4%"]),
               "prices": prices,
               "assessment": rng.choice(["价格略低于本会馆，服务和私密性不如本会馆", "新装修，对婚宴客源冲击较大",
                                         "会员体系成熟，对高端个人客户有吸引力"]),
               "source": rng.choice(["销售人员实地走访", "客户反馈", "网络公开信息"])}
    spec.pages = 2
    return f"竞争对手信息：{name}现行促销方案及价格比较", content


# --- category 6 ------------------------------------------------------------------------------


def promotion_plan(spec: Spec, rng: random.Random):
    scope = spec.params.get("scope") or rng.choice(["internal", "external"])
    start = spec.params.get("start") or add(spec.date, rng.randint(5, 20))
    end = spec.params.get("end") or add(start, rng.choice((30, 45, 60, 90)))
    theme = spec.params.get("theme") or rng.choice(["春季会议", "五一婚宴", "暑期亲子", "国庆黄金周", "年会宴会", "新春会员"])
    budget = spec.params.get("budget") or yuan(rng.uniform(20_000, 120_000), 1000)
    content = {"scope": scope, "period_start": iso(start), "period_end": iso(end),
               "target": rng.choice(["主要客户及签单客户，提高会议和宴会预订量", "新会员发展二十名以上",
                                     "婚庆合作伙伴及旅行社，增加团队客源", "个人会员，提升康体和餐饮消费"]),
               "measures": rng.sample(["会议套餐限时优惠", "老会员推荐新会员赠送积分", "签单客户宴会九折",
                                       "外联人员按成交额提成", "微信公众号推送及朋友圈广告", "客户经理上门拜访推介"], 3),
               "budget": money(budget), "sales_target": money(budget * rng.randint(8, 15)),
               "staff": spec.params.get("staff") or [spec.manager]}
    spec.pages = rng.randint(2, 4)
    label = "内部人员" if scope == "internal" else "外联"
    year = "" if theme[:4].isdigit() else f"{start.year}年"
    return f"{year}{theme}{label}促销方案", content


def sales_record(spec: Spec, rng: random.Random):
    c = spec.customer
    start = spec.params.get("start") or add(spec.date.replace(day=1), -1).replace(day=1)
    end = spec.params.get("end") or add(spec.date.replace(day=1), -1)
    lines = spec.params.get("lines") or sales_lines(rng, c, start, end, spec.params.get("level", 1.0))
    rows, total = [], 0
    for day, product, amount, bill, goods, quantity, unit in lines:
        row = {"date": iso(day), "product": product}
        if goods:
            row["goods"] = goods
            row["quantity"] = quantity
            row["unit"] = unit
        row["amount"] = money(amount, c.currency)
        row["bill"] = bill
        rows.append(row)
        total += amount
    settlement = spec.params.get("settlement") or ("credit" if c.signing else rng.choice(["cash", "transfer", "card"]))
    content = {"period_start": iso(start), "period_end": iso(end), "lines": rows, "total": money(total, c.currency),
               "settlement": settlement, "reconciled": spec.status == "filed"}
    spec.pages = max(1, len(rows) // 15 + 1)
    return f"{c.short}{_period_label(start, end)}消费对账单", content


def commission(spec: Spec, rng: random.Random):
    start = spec.params.get("start") or add(spec.date.replace(day=1), -1).replace(day=1)
    end = spec.params.get("end") or add(spec.date.replace(day=1), -1)
    base = spec.params.get("base") or yuan(rng.uniform(80_000, 900_000), 10)
    rate = spec.params.get("rate") or rng.choice(("2%", "2.5%", "3%"))
    amount = int(base * float(rate[:-1]) / 100)
    content = {"salesperson": spec.manager, "period_start": iso(start), "period_end": iso(end), "base": money(base),
               "rate": rate, "amount": money(amount),
               "scheme": spec.params.get("scheme") or "按所辖客户已对账消费额计提，签单部分回款后发放",
               "customers": spec.params.get("customers", rng.randint(3, 40))}
    spec.secrecy = "秘密"
    return f"{spec.params.get('name') or spec.manager}{_period_label(start, end)}销售提成", content


# --- daily archives ----------------------------------------------------------------------------


def minutes(spec: Spec, rng: random.Random):
    kind = spec.params.get("kind") or V.MEETING_KINDS["monthly"]
    content = {"kind": kind, "held": iso(spec.date), "chair": spec.params.get("chair") or spec.manager,
               "attendees": spec.params.get("attendees") or ["销售部全体客户经理", "前厅部经理", "餐饮部经理", "财务部应收会计"],
               "agenda": spec.params.get("agenda") or ["上月客史档案补充更新情况", "重点关注客户名单", "签单欠款催收"],
               "decisions": spec.params.get("decisions") or rng.sample(V.MEETING_DECISIONS, 3)}
    if spec.params.get("focus"):
        content["focus_customers"] = list(spec.params["focus"])
    content["recorder"] = spec.params.get("recorder") or spec.handler
    spec.pages = rng.randint(2, 3)
    return spec.params.get("title") or f"{spec.year}年{spec.date.month}月{kind}会议记录", content


def letter(spec: Spec, rng: random.Random):
    c = spec.customer
    direction, topic, summary = spec.params.get("topic") or rng.choice(V.LETTER_TOPICS)
    counterpart = c.name if c is not None else spec.params.get("counterpart", "太原市旅游饭店协会")
    medium = spec.params.get("medium") or ("email" if c is not None and c.fields.get("export") else rng.choice(["letter", "fax", "email"]))
    content = {"direction": direction, "medium": medium, "counterpart": counterpart}
    if direction == "in":
        content["reference"] = f"{(c.short if c else '来')[:2]}函〔{spec.year}〕{rng.randint(3, 60)}号"
    content["summary"] = spec.params.get("summary") or summary
    if direction == "in":
        reply_by = add(spec.date, 10)
        content["reply_by"] = iso(reply_by)
        if reply_by <= LAST:
            content["replied"] = iso(add(spec.date, rng.randint(2, 9)))
    spec.responsible = counterpart if direction == "in" else V.ORGANISATION
    prefix = (c.short if c else counterpart) if direction == "in" else f"致{c.short if c else counterpart}"
    return f"{prefix}{topic}", content


def booking(spec: Spec, rng: random.Random):
    c = spec.customer
    arrival = spec.params.get("arrival") or add(spec.date, rng.randint(3, 40))
    nights = rng.randint(1, 4)
    guests = rng.randint(2, 180)
    event = spec.params.get("event") or rng.choice(["年会", "商务会议", "来宾接待", "培训班", "婚宴", "团队入住"])
    state = "completed" if arrival < LAST - dt.timedelta(days=5) else "confirmed"
    if rng.random() < 0.08:
        state = rng.choice(["cancelled", "no_show"])
    content = {"arrival": iso(arrival), "departure": iso(add(arrival, nights)), "rooms": max(1, guests // 2),
               "room_type": rng.choice(V.ROOM_TYPES), "guests": guests, "event": event,
               "rate": money(yuan(rng.choice((468, 528, 588, 688, 888)))),
               "booked_by": (c.signer if c is not None else rng.choice(V.GUEST_NAMES)), "state": state}
    who = c.short if c is not None else "散客"
    return f"{who}{event}客房及场地预订记录", content


def visit_form(spec: Spec, rng: random.Random):
    c = spec.customer
    content = {"visited": iso(spec.date), "visitor": spec.manager,
               "met": (c.fields.get("contacts") or [{"name": c.signer}])[-1]["name"] if c is not None else "客户接待人",
               "purpose": spec.params.get("purpose") or rng.choice(V.VISIT_PURPOSES),
               "discussion": rng.choice(V.VISIT_FINDINGS),
               "customer_opinion": rng.choice(["对协议价基本满意", "希望增加会议室投影设备", "希望延长签单结算周期", "对宴会菜品满意"]),
               "next_visit": iso(add(spec.date, rng.choice((14, 30, 45, 60)))),
               "grade": spec.params.get("grade") or (c.grade if c is not None else "C")}
    who = c.short if c is not None else "客户"
    return f"{who}客户访问表（{spec.date.month}月{spec.date.day}日）", content


def sales_report(spec: Spec, rng: random.Random):
    kind = spec.params.get("period_kind", "month")
    start = spec.params.get("start") or add(spec.date.replace(day=1), -1).replace(day=1)
    end = spec.params.get("end") or add(spec.date.replace(day=1), -1)
    breakdown = spec.params.get("breakdown")
    if breakdown is None:
        breakdown = {p: yuan(rng.uniform(lo, hi) * rng.uniform(8, 30), 10) for p, (lo, hi) in V.PRODUCTS.items()}
    revenue = sum(breakdown.values())
    content = {"period_kind": kind, "period_start": iso(start), "period_end": iso(end), "revenue": money(revenue),
               "target": money(spec.params.get("target") or revenue * rng.randint(90, 115) // 10_000_000 * 100_000),
               "breakdown": [{"product": p, "amount": money(a)} for p, a in breakdown.items() if a],
               "occupancy": f"{rng.randint(48, 86)}.{rng.randint(0, 9)}%",
               "analysis": rng.choice(["会议和宴会收入增长明显，客房收入持平", "签单客户消费占比上升，需关注回款",
                                       "受同行促销影响，餐饮收入略有下降", "外销商品出口额稳定增长"])}
    names = {"day": "日报", "week": "周报", "month": "月报", "quarter": "季报", "year": "年报"}
    return f"{_period_label(start, end)}销售{names[kind]}", content


def sales_plan(spec: Spec, rng: random.Random):
    kind = spec.params.get("kind", "plan")
    start, end = spec.params.get("start"), spec.params.get("end")
    if start is None:
        start = dt.date(spec.year + (1 if kind == "plan" and spec.date.month >= 11 else 0), 1, 1)
        end = dt.date(start.year, 12, 31)
    target = spec.params.get("target") or yuan(rng.uniform(6_000_000, 12_000_000), 10_000)
    content = {"kind": kind, "period_start": iso(start), "period_end": iso(end), "revenue_target": money(target)}
    if kind == "summary":
        content["revenue_actual"] = money(spec.params.get("actual") or target // 100 * rng.randint(88, 112))
    content["targets"] = spec.params.get("targets") or ["营业收入完成计划指标", "新发展会员三十名", "签单欠款回收率不低于95%"]
    content["measures"] = rng.sample(["每月召开客史档案补充更新专题会", "按季度开展消费分析并调整客户分类",
                                      "重点客户由销售部经理直接维护", "外销客户按月对账、半年发询证函",
                                      "加强与旅行社及婚庆合作伙伴的合作"], 3)
    if kind == "summary":
        actual = int(content["revenue_actual"].split()[0].replace(".", ""))
        share = actual * 100 // max(1, target)
        whole = "全年" if (start.month, end.month) == (1, 12) else "本期"
        content["review"] = (f"{whole}完成计划的{share}%，会议和宴会收入超额完成，签单欠款回收需继续加强" if share >= 100
                             else f"{whole}完成计划的{share}%，略低于计划，需加强宴会营销和主要客户维护")
    label = _period_label(start, end)
    return f"{label}销售{'计划' if kind == 'plan' else '工作总结'}", content


def feedback(spec: Spec, rng: random.Random):
    kind, description, department, handling = V.FEEDBACK[spec.params.get("which", rng.randrange(len(V.FEEDBACK)))]
    guest = spec.params.get("guest") or rng.choice(V.GUEST_NAMES)
    content = {"kind": kind, "guest": guest, "received": iso(spec.date), "room": f"{rng.randint(3, 12)}{rng.randint(1, 30):02d}",
               "description": description, "department": department, "handling": handling, "satisfied": True}
    return f"散客{'表扬' if kind == 'praise' else '投诉'}：{guest}（{department}）", content


def event_plan(spec: Spec, rng: random.Random):
    event, venue, plan = V.EVENTS[spec.params.get("which", rng.randrange(len(V.EVENTS)))]
    start = spec.params.get("start") or add(spec.date, rng.randint(10, 30))
    budget = yuan(rng.uniform(30_000, 150_000), 1000)
    content = {"event": f"{start.year}年{event}", "start": iso(start), "end": iso(add(start, rng.choice((0, 0, 1)))),
               "venue": venue, "plan": plan}
    if start < LAST - dt.timedelta(days=3):
        content["implementation"] = "按方案实施，各部门配合到位"
        content["outcome"] = rng.choice(["到场客户反响良好，现场签订会议及宴会预订多笔", "新发展会员若干名，主要客户关系进一步巩固"])
        content["participants"] = rng.randint(60, 260)
    content["budget"] = money(budget)
    if "outcome" in content:
        content["actual_cost"] = money(budget // 100 * rng.randint(85, 105))
    spec.pages = rng.randint(2, 5)
    return f"{start.year}年{event}活动方案", content


BUILDERS = {
    "complaint": complaint, "discount-approval": discount_approval, "liability-assessment": liability_assessment,
    "withdrawal": withdrawal, "industry-trend": industry_trend, "competitor": competitor,
    "promotion-plan": promotion_plan, "sales-record": sales_record, "commission": commission,
    "minutes": minutes, "letter": letter, "booking": booking, "visit-form": visit_form,
    "sales-report": sales_report, "sales-plan": sales_plan, "feedback": feedback, "event-plan": event_plan,
}
