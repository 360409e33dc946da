"""Title and content builders for categories 1–3: basic material 客户基础资料, contracts
and agreements 合同协议, credit and receivables 欠款还款.

Each builder is `build(spec, rng) -> (title, content)`. What the planner decided is in
`spec.params` (periods, amounts, ledger entries …); whatever it left out is made up here,
so the synthetic generator can call the same builders with few parameters.
"""

from __future__ import annotations

import datetime as dt
import random

import sample_vocabulary as V
from archive_kit import Spec, add, cn_quarter, id_card_number, iso, money, random_day, yuan


def _cur(spec: Spec) -> str:
    return spec.customer.currency if spec.customer is not None else "CNY"


def _period_label(start: dt.date, end: dt.date) -> str:
    if start.month == 1 and end.month == 12:
        return f"{start.year}年度"
    if start.month == 1 and end.month == 6:
        return f"{start.year}年上半年"
    if start.month == 7 and end.month == 12:
        return f"{start.year}年下半年"
    if start.month % 3 == 1 and end.month == start.month + 2:
        return f"{start.year}年{cn_quarter((start.month + 2) // 3)}"
    if start.month == end.month:
        return f"{start.year}年{start.month}月"
    return f"{start.year}年{start.month}月至{end.month}月"


# --- category 1 ------------------------------------------------------------------------------


def registration_form(spec: Spec, rng: random.Random):
    c = spec.customer
    kind, number, _ = c.id_document
    joined = spec.params.get("joined", spec.date)
    content = {
        "member_number": c.member_number or f"LC{spec.year}{rng.randint(100, 999)}",
        "applicant": c.name,
        "membership_type": c.membership_type,
        "joined": iso(joined),
        "membership_fee": money(spec.params.get("fee") or yuan(rng.choice((12000, 18000, 28000, 36000))), "CNY"),
        "id_type": {"id_card": "居民身份证", "passport": "护照", "organisation_code": "统一社会信用代码证书",
                    "other": "商业登记证"}.get(kind, "营业执照"),
        "id_number": number,
        "address": c.fields.get("address", V.CLUB),
    }
    if c.fields.get("phone"):
        content["phone"] = c.phone
    content["introducer"] = spec.params.get("introducer") or rng.choice(["销售部客户经理推荐", "老会员推荐",
                                                                          "会员答谢酒会", "客户主动来访"])
    content["signing_customer"] = bool(c.signing)
    spec.pages = 2
    spec.responsible = c.name
    return f"{c.name}入会登记表", content


def id_copy(spec: Spec, rng: random.Random):
    c = spec.customer
    kind, number, issued_by = c.id_document
    holder = c.name if kind != "id_card" or c.nature == "individual" else c.signer
    valid_from = spec.params.get("valid_from") or dt.date(rng.randint(2012, 2022), rng.randint(1, 12), rng.randint(1, 28))
    content = {"document_kind": kind, "holder": holder, "number": number, "issued_by": issued_by,
               "valid_from": iso(valid_from)}
    if kind == "id_card":
        content["valid_until"] = iso(valid_from.replace(year=valid_from.year + 20))
    elif kind == "passport":
        content["valid_until"] = iso(valid_from.replace(year=valid_from.year + 10))
    content["verified"] = True
    names = {"id_card": "居民身份证复印件", "business_licence": "营业执照复印件", "passport": "护照复印件",
             "organisation_code": "统一社会信用代码证书复印件", "other": "商业登记证复印件"}
    spec.responsible = c.name
    spec.secrecy = "秘密" if kind in ("id_card", "passport") else None
    return f"{c.short}{names[kind]}", content


def signatory_list(spec: Spec, rng: random.Random):
    c = spec.customer
    people = spec.params.get("signatories") or c.signatories
    limit = c.limit // 10 if c.limit else yuan(rng.choice((5000, 10000, 20000)))
    listed = []
    for index, person in enumerate(people, 1):
        entry = {"name": person["name"], "title": person.get("title", "经办人"),
                 "id_number": id_card_number(rng, dt.date(rng.randint(1965, 1992), rng.randint(1, 12), rng.randint(1, 28)))}
        if person.get("phone"):
            entry["phone"] = person["phone"]
        entry["specimen"] = f"见附件签字样本第{index}页" if spec.attach else "签字样本存纸质档案"
        entry["limit"] = money(max(limit, yuan(2000)), c.currency)
        listed.append(entry)
    content = {"effective": iso(spec.params.get("effective", spec.date)), "signatories": listed,
               "scope": spec.params.get("scope") or rng.choice(["客房、餐饮、会议", "客房、餐饮、会议、康体", "餐饮、宴会"]),
               "confirmed_by": c.fields.get("legal_representative") or c.signer}
    previous = spec.params.get("supersedes")
    if previous is not None:
        content["supersedes"] = previous.code
    spec.responsible = c.name
    spec.secrecy = "秘密"
    title = f"{c.short}有效签单人员名单"
    if previous is not None:
        title += f"（{spec.year}年{spec.date.month}月更新）"
    return title, content


def background(spec: Spec, rng: random.Random):
    c = spec.customer
    region = c.fields.get("region", "太原市")
    standing = spec.params.get("credit_standing") or rng.choice(["good", "good", "good", "fair", "unknown"])
    scope = {"government": "公务接待、会议及培训", "special": "本系统内商务接待、会议、员工活动",
             "individual": "个人及家庭消费、商务宴请", "partner": "为会馆输送团队、婚宴及会议客源"}
    content = {
        "market_area": spec.params.get("market_area") or (f"{c.country}及周边市场" if c.fields.get("export")
                                                          else f"{region}及山西省内"),
        "business_scope": scope.get(c.nature, f"{c.fields.get('industry', '商贸')}；商务接待与会议需求较多"),
        "sales_capability": rng.choice(["年接待量较大，主要集中在年底", "接待需求稳定，以中小型会议为主",
                                        "消费能力强，宴请标准较高", "消费频次不高但单次金额较大"]),
        "potential": rng.choice(["有扩大合作的潜力", "潜力一般，维持现有合作", "新业务扩张期，潜力较大"]),
        "business_style": rng.choice(["注重性价比，决策流程规范", "重视服务品质和私密性", "决策快，重视关系维护"]),
        "reputation": rng.choice(["行业内口碑良好", "本地知名企业", "形象稳健"]),
        "financial_status": {"good": "财务状况良好，付款及时", "fair": "财务状况一般，付款周期偏长",
                             "poor": "资金紧张，存在逾期欠款", "unknown": "财务资料不全，待补充"}[standing],
        "credit_standing": standing,
        "preferences": rng.choice(["偏好晋菜和面食，宴请多用包间", "常住行政楼层，喜欢安静的房间",
                                   "会议要求投影和同声传译设备", "喜欢康体项目，周末消费较多"]),
        "source": spec.params.get("source") or rng.choice(["销售人员走访", "销售人员走访", "客户填写", "专业调查机构"]),
    }
    spec.pages = rng.randint(2, 4)
    suffix = f"（{spec.year}年更新）" if spec.params.get("update") else ""
    return f"{c.short}客户背景资料{suffix}", content


def visit_report(spec: Spec, rng: random.Random):
    c = spec.customer
    contact = (c.fields.get("contacts") or [{"name": c.signer}])[0]["name"]
    content = {
        "visited": iso(spec.params.get("visited", spec.date)),
        "visitors": [spec.manager],
        "received_by": contact,
        "purpose": spec.params.get("purpose") or rng.choice(V.VISIT_PURPOSES),
        "findings": spec.params.get("findings") or rng.choice(V.VISIT_FINDINGS),
        "needs": rng.choice(V.NEEDS),
        "consumption_ability": rng.choice(["较强", "中等", "强，年消费预计三十万元以上", "一般"]),
        "follow_up": rng.choice(V.FOLLOW_UPS),
        "suggested_grade": spec.params.get("grade") or c.grade,
    }
    spec.pages = 2
    return f"{c.short}走访调查报告", content


# --- category 2 ------------------------------------------------------------------------------


def contract(spec: Spec, rng: random.Random):
    c = spec.customer
    cur = _cur(spec)
    start = spec.params.get("start", spec.date)
    end = spec.params.get("end") or dt.date(start.year, 12, 31)
    subject = spec.params.get("subject") or rng.choice(["会议接待", "年会及宴会服务", "商务客房包价", "员工康体服务"])
    value = spec.params.get("value") or yuan(rng.uniform(50_000, 400_000), 1000)
    content = {"contract_number": spec.number or f"LCHG-HT-{spec.year}-{rng.randint(1, 999):03d}",
               "subject": f"{subject}（{iso(start)}至{iso(end)}）", "signed": iso(spec.date), "start": iso(start),
               "end": iso(end), "value": money(value, cur),
               "payment_terms": spec.params.get("payment_terms") or (c.fields.get("payment_terms") if c.fields.get("export")
                                                                     else rng.choice(["签单挂账，月结30天", "预付30%，活动结束后结清", "转账，每季度结算"])),
               "signatory": c.signer, "state": spec.params.get("state") or ("open" if end >= dt.date(2026, 11, 20) else "fulfilled"),
               "summary": spec.params.get("summary") or rng.choice([
                   "协议价在门市价基础上优惠，含会议室、茶歇及工作餐", "宴会菜单按双方确认的标准执行，超出部分另行结算",
                   "客房按协议价结算，旺季保证房量", "违约方承担合同金额百分之二十的违约金"])}
    spec.pages = rng.randint(4, 9)
    spec.secrecy = "秘密" if value >= 30_000_000 else None
    spec.responsible = f"{V.ORGANISATION}；{c.name}"
    short = subject if c.fields.get("export") is not True else "出口销售"
    return f"{c.short}{start.year}年度{short}合同", content


AGREEMENT_KINDS = {"price": "协议价协议", "credit": "签单挂账协议", "partner": "合作协议", "member": "会员服务协议"}


def agreement(spec: Spec, rng: random.Random):
    c = spec.customer
    kind = AGREEMENT_KINDS[spec.params.get("kind") or rng.choice(list(AGREEMENT_KINDS))]
    start = spec.params.get("start", spec.date)
    end = spec.params.get("end") or dt.date(start.year, 12, 31)
    subjects = {"协议价协议": "客房、餐饮及会议协议价", "签单挂账协议": "授权签单人员在信用额度内签单挂账，按月对账结算",
                "合作协议": "双方互相推介客源，按成交额计付佣金", "会员服务协议": "会员权益、会员费及服务标准"}
    content = {"agreement_number": spec.number or f"LCHG-XY-{spec.year}-{rng.randint(1, 999):03d}", "kind": kind,
               "subject": subjects[kind], "signed": iso(spec.date), "start": iso(start), "end": iso(end)}
    if kind in ("协议价协议", "合作协议", "会员服务协议"):
        content["discount"] = spec.params.get("discount") or rng.choice(["10%", "12%", "15%", "18%", "20%"])
    if kind == "签单挂账协议" and c.limit:
        content["value"] = money(c.limit, c.currency)
    content["signatory"] = c.signer
    content["state"] = spec.params.get("state") or ("open" if end >= dt.date(2026, 11, 20) else "fulfilled")
    spec.pages = rng.randint(2, 5)
    spec.responsible = f"{V.ORGANISATION}；{c.name}"
    return f"{c.short}{start.year}年{kind}", content


# --- category 3 ------------------------------------------------------------------------------


def _instalments(rng: random.Random, total: int, first_due: dt.date, count: int, paid_until: dt.date | None):
    share = total // count // 100 * 100
    out = []
    for n in range(count):
        amount = share if n < count - 1 else total - share * (count - 1)
        due = add(first_due, 30 * n)
        entry = {"due": iso(due), "amount": money(amount)}
        if paid_until is not None:
            entry["paid"] = due <= paid_until
        out.append(entry)
    return out


def _retag(entries: list[dict], currency: str) -> list[dict]:
    for entry in entries:
        entry["amount"] = entry["amount"].replace(" CNY", f" {currency}")
    return entries


def repayment_plan(spec: Spec, rng: random.Random):
    c = spec.customer
    total = spec.params.get("total") or yuan(rng.uniform(20_000, 150_000), 100)
    count = spec.params.get("count") or rng.choice((3, 4, 6))
    content = {"basis": spec.params.get("basis") or f"{c.short}签单挂账协议及欠款还款台账",
               "total": money(total, c.currency), "as_of": iso(spec.params.get("as_of", add(spec.date, -1))),
               "instalments": _retag(_instalments(rng, total, add(spec.date, 30), count, spec.params.get("paid_until")),
                                     c.currency)}
    if spec.params.get("guarantor"):
        content["guarantor"] = spec.params["guarantor"]
    spec.secrecy = "秘密"
    spec.pages = 2
    return f"{c.short}签单欠款还款计划", content


def credit_limit(spec: Spec, rng: random.Random):
    c = spec.customer
    limit = spec.params.get("limit") or c.limit or yuan(rng.choice((30_000, 50_000, 80_000, 100_000)))
    previous = spec.params.get("previous")
    content = {"limit": money(limit, c.currency)}
    if previous:
        content["previous_limit"] = money(previous, c.currency)
    content["effective"] = iso(spec.params.get("effective", add(spec.date, 1)))
    content["expires"] = iso(spec.params.get("expires") or dt.date(spec.year, 12, 31))
    content["settlement"] = spec.params.get("settlement") or "签单挂账，月结30天"
    content["basis"] = spec.params.get("basis") or rng.choice([
        "客户年度消费额及历史还款记录", "签单挂账协议及客户财务状况评估", "上年度消费分析会决议"])
    spec.secrecy = "秘密"
    spec.pages = 1
    verb = "调整" if previous else "核定"
    return f"关于{verb}{c.short}签单信用额度的审批", content


def debt_ledger(spec: Spec, rng: random.Random):
    c = spec.customer
    cur = c.currency
    start = spec.params.get("start") or add(spec.date.replace(day=1), -1).replace(day=1)
    end = spec.params.get("end") or add(spec.date.replace(day=1), -1)
    entries = spec.params.get("entries")
    if entries is None:  # made up: a few charges, repaid in part
        entries, bill = [], rng.randint(1000, 9000)
        for _ in range(rng.randint(2, 6)):
            day = random_day(rng, start, end)
            entries.append((day, "charge", yuan(rng.uniform(800, 30_000), 10), add(day, 30), f"QD{day:%y%m}{bill}"))
            bill += rng.randint(1, 40)
        for _ in range(rng.randint(1, 3)):
            day = random_day(rng, start, end)
            entries.append((day, "repayment", yuan(rng.uniform(1_000, 20_000), 100), None, f"HK{day:%y%m%d}"))
        entries.sort(key=lambda e: (e[0], e[1]))
    opening = spec.params.get("opening", 0)
    balance = opening
    rows = []
    for day, kind, amount, due, ref in entries:
        row = {"date": iso(day), "kind": kind, "amount": money(amount, cur)}
        if due is not None:
            row["due"] = iso(due)
        row["reference"] = ref
        rows.append(row)
        balance += amount if kind == "charge" else -amount
    content = {"period_start": iso(start), "period_end": iso(end), "opening_balance": money(opening, cur),
               "entries": rows, "closing_balance": money(balance, cur),
               "reconciled": spec.params.get("reconciled", spec.status == "filed")}
    spec.secrecy = "秘密"
    spec.pages = max(1, len(rows) // 12 + 1)
    return f"{c.short}{_period_label(start, end)}欠款还款台账", content


def repayment_agreement(spec: Spec, rng: random.Random):
    c = spec.customer
    debt = spec.params.get("debt") or yuan(rng.uniform(30_000, 200_000), 100)
    count = spec.params.get("count") or rng.choice((3, 4, 6))
    content = {"agreement_number": spec.number or f"LCHG-HK-{spec.year}-{rng.randint(1, 99):03d}",
               "debt": money(debt, c.currency), "as_of": iso(spec.params.get("as_of", add(spec.date, -1))),
               "instalments": _retag(_instalments(rng, debt, add(spec.date, 30), count, spec.params.get("paid_until")),
                                     c.currency),
               "late_interest": spec.params.get("late_interest") or "0.5%",
               "guarantee": spec.params.get("guarantee") or rng.choice(["客户上级单位出具付款承诺函", "法定代表人个人连带责任担保",
                                                                       "以应收工程款质押"]),
               "signatory": c.signer}
    spec.secrecy = "秘密"
    spec.pages = 3
    spec.responsible = f"{V.ORGANISATION}；{c.name}"
    return f"{c.short}欠款还款协议", content


def extension_approval(spec: Spec, rng: random.Random):
    c = spec.customer
    original = spec.params.get("original_due") or add(spec.date, rng.randint(-20, 5))
    new_due = spec.params.get("new_due") or add(original, rng.choice((30, 45, 60, 90)))
    amount = spec.params.get("amount") or yuan(rng.uniform(5_000, 80_000), 100)
    content = {"original_due": iso(original), "new_due": iso(new_due), "amount": money(amount, c.currency),
               "reason": spec.params.get("reason") or rng.choice(V.EXTENSION_REASONS)}
    if spec.params.get("reference"):
        content["reference"] = spec.params["reference"]
    content["approver"] = spec.params.get("approver") or "li.na"
    content["opinion"] = spec.params.get("opinion") or rng.choice(["同意延期，到期由客户经理负责催收",
                                                                   "同意，延期期间暂停新增签单", "同意延期一次，不再续延"])
    spec.secrecy = "秘密"
    return f"关于{c.short}延期还款的审批", content


def export_terms(spec: Spec, rng: random.Random):
    c = spec.customer
    method = c.payment_method or rng.choice(["L/C", "T/T", "D/P", "O/A"])
    credit = spec.params.get("credit") or c.limit or yuan(rng.choice((50_000, 80_000, 120_000)), 1000)
    content = {"payment_method": method, "currency": c.currency, "credit_amount": money(credit, c.currency),
               "credit_days": {"L/C": 0, "T/T": 30, "D/P": 0, "D/A": 60, "O/A": 45}[method],
               "effective": iso(spec.params.get("effective", spec.date)),
               "incoterms": spec.params.get("incoterms") or V.EXPORT_PORTS.get(c.fields.get("country"), "FOB Tianjin"),
               "bank": rng.choice(V.BANKS[:3]), "insurer": V.INSURERS[0]}
    collateral = [{"kind": "出口信用保险", "description": f"中国信保短期出口信用保险限额批复（{c.country}买方）",
                   "value": money(credit, c.currency), "registered": iso(spec.date)}]
    if method in ("O/A", "D/A"):
        collateral.append({"kind": "银行保函", "description": "买方银行出具的付款保函",
                           "value": money(credit // 2, c.currency), "registered": iso(spec.date)})
    elif method == "L/C":
        collateral[0] = {"kind": "备用信用证", "description": "买方开立的不可撤销备用信用证",
                         "value": money(credit, c.currency), "registered": iso(spec.date)}
    content["collateral"] = collateral
    spec.secrecy = "秘密"
    spec.pages = 2
    return f"{c.name}付款方式及授信登记", content


BUILDERS = {
    "registration-form": registration_form, "id-copy": id_copy, "signatory-list": signatory_list,
    "background": background, "visit-report": visit_report, "contract": contract, "agreement": agreement,
    "repayment-plan": repayment_plan, "credit-limit": credit_limit, "debt-ledger": debt_ledger,
    "repayment-agreement": repayment_agreement, "extension-approval": extension_approval,
    "export-terms": export_terms,
}
