"""The words of the reports, in English and Chinese (the source documents' vocabulary).

Command-line messages live in messages.py; these are the headings, column names and phrases
printed inside the reports themselves.
"""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # titles
    "monthly-title": ("Monthly focus-customer list", "月度重点关注客户名单"),
    "quarterly-title": ("Quarterly consumption analysis", "季度客户消费分析"),
    "credit-title": ("Credit management report", "客户信用管理报告"),
    "annual-title": ("Customer composition analysis", "客户构成分析"),
    "annual-title-half": ("Half-year customer composition analysis", "半年度客户构成分析"),
    "letter-title": ("Confirmation letter", "询证函"),
    "period": ("Period", "统计期间"),
    "as-of": ("As of", "截止日期"),
    "generated": ("Generated", "生成日期"),
    "organisation": ("Organisation", "单位"),
    "sources": ("Source items", "数据来源"),
    "sources-text": ("{count} item(s) of the archive, {drafts} of them drafts", "档案 {count} 件，其中草稿 {drafts} 件"),
    "problems-text": ("{count} file(s) could not be used and are left out: run `dossier validate`",
                      "{count} 个文件无法使用，未计入：请运行 `dossier validate`"),
    "access": ("Read rights", "查阅范围"),
    "access-text": ("only what {person} may read: {customers} customer(s), {cards} other card(s) and {items} "
                    "item(s) left out", "仅含 {person} 有权查阅的档案：客户 {customers} 户，另有客户资料卡 {cards} 份、"
                    "档案 {items} 件未计入"),
    "rules": ("How the figures are computed", "计算口径"),
    "none": ("none", "无"),
    "not-recorded": ("(not recorded)", "（未填写）"),
    "total": ("Total", "合计"),
    "yes": ("yes", "是"),
    "no": ("no", "否"),
    "page": ("page", "页"),
    # common columns
    "col-rank": ("Rank", "排名"),
    "col-customer": ("Customer", "客户编号"),
    "col-name": ("Name", "客户名称"),
    "col-manager": ("Manager", "客户经理"),
    "col-grade": ("Grade", "等级"),
    "col-volume": ("Volume class", "规模分类"),
    "col-currency": ("Currency", "币种"),
    "col-amount": ("Amount", "金额"),
    "col-share": ("Share", "占比"),
    "col-customers": ("Customers", "客户数"),
    "col-lines": ("Lines", "明细笔数"),
    "col-reasons": ("Reasons", "关注原因"),
    "col-reason-count": ("No. of reasons", "原因数"),
    "col-month-sales": ("Sales in the month", "本月消费"),
    # monthly
    "focus-section": ("Customers to watch this month", "本月重点关注客户"),
    "focus-intro": ("{count} of {cards} customers are on the list.", "{cards} 位客户中有 {count} 位列入名单。"),
    "reason-grade": ("grade {grade}", "{grade}级客户"),
    "reason-contract": ("open contract {number} ({start} – {end}, {value})",
                        "合同 {number} 履行中（{start} 至 {end}，{value}）"),
    "reason-overdue": ("overdue receivables {amount} (oldest {days} days past due)",
                       "逾期应收 {amount}（最长逾期 {days} 天）"),
    "reason-complaint": ("complaint received {received} ({state})", "{received} 受理投诉（{state}）"),
    "reason-key": ("key customer", "主要客户"),
    "state-open": ("open", "处理中"),
    "state-closed": ("closed", "已结案"),
    "monthly-rules": (
        "Reasons: grade A or B on the card; a contract in state open whose term overlaps the month; receivables "
        "past due at the month end (repayments allocated first in, first out); a complaint received in the month; "
        "volume class key. Ordered by the number of reasons.",
        "列入原因：资料卡等级为 A 或 B；履行中且期限与本月重叠的合同；月末逾期应收账款（还款按先进先出冲抵）；"
        "本月受理的投诉；规模分类为主要客户。按原因数排序。"),
    # quarterly
    "consumption-section": ("Consumption per customer", "客户消费统计"),
    "abc-section": ("ABC classification (Pareto)", "ABC 分类（帕累托分析）"),
    "proposals-section": ("Proposed class changes", "客户分类调整建议"),
    "pareto-title": ("Pareto chart, {currency}", "帕累托图（{currency}）"),
    "pareto-x": ("customers, ranked by consumption", "客户（按消费额排序）"),
    "others": ("others", "其他"),
    "col-total": ("Total", "合计"),
    "col-cumulative": ("Cumulative", "累计占比"),
    "col-class": ("Class", "分类"),
    "col-evidence": ("Evidence", "依据"),
    "abc-counts": ("{currency}: total {total}; A {a}, B {b}, C {c} customer(s).",
                   "{currency}：合计 {total}；A 类 {a} 位，B 类 {b} 位，C 类 {c} 位。"),
    "no-sales-customers": ("No sales in the quarter (class C): {customers}.", "本季度无消费（C 类）：{customers}。"),
    "no-proposals": ("Every card agrees with the quarter's figures.", "各客户资料卡与本季度分析结果一致，无需调整。"),
    "no-sales-to-classify": ("No sales record is dated in the quarter: there is nothing to classify by, and no change is "
                             "proposed.", "本季度没有任何销售记录：无从分类，不提出调整建议。"),
    "proposals-apply": (
        "`dossier report quarterly --period {period} --apply --reason TEXT` writes these changes to the cards as "
        "one change for the sales manager's approval.",
        "运行 `dossier report quarterly --period {period} --apply --reason 原因` 可将以上调整写入客户资料卡（一次提交），"
        "报销售部经理审批。"),
    "field-abc_class": ("ABC class", "ABC 分类"),
    "field-volume_class": ("Volume class", "规模分类"),
    "field-grade": ("Grade", "客户等级"),
    "evidence-abc": ("{amount} in the quarter, {share} of {currency} sales, rank {rank} of {of}; "
                     "{before} held by those ranked before → class {class}",
                     "本季度消费 {amount}，占 {currency} 销售额 {share}，排名 {rank}/{of}；"
                     "排名在前者累计 {before} → {class} 类"),
    "evidence-no-sales": ("no sales in the quarter → class C", "本季度无消费 → C 类"),
    "evidence-every-month": ("bought in every month of the quarter ({months}) → deals within a month",
                             "本季度每月均有消费（{months}）→ 一个月内可成交"),
    "evidence-no-sales-half-year": ("no sales from {since} to {until} → no deal for half a year",
                                    "{since} 至 {until} 无消费 → 半年内无成交"),
    "evidence-withdrawn": ("the card's status is withdrawn → dead customer", "资料卡状态为已退会 → 死亡客户"),
    "quarterly-rules": (
        "Consumption: sales-record lines dated in the quarter. ABC by Pareto, one analysis per currency: customers "
        "ranked by consumption (ties by customer id); A while less than 80 % of the total is held by the customers "
        "ranked before (the customer crossing 80 % is A), B while less than 95 %, C the rest and every customer "
        "without sales. Equal amounts share the class of the first of them. Volume class follows: A key, "
        "B general, C scattered. Grade: E for a withdrawn card, A for sales in every month of the quarter, D for "
        "an active or dormant customer graded A–C without sales in this quarter and the one before.",
        "消费额：本季度内各销售明细金额之和。ABC 分类按币种分别进行：按消费额由高到低排序（相同者按客户编号）；"
        "排名在前者累计占比低于 80% 者为 A 类（跨过 80% 的客户计入 A 类），低于 95% 者为 B 类，其余及无消费客户为 C 类；"
        "消费额相同的客户归入同一类（取其中第一位的分类）。规模分类随之调整：A 类为主要客户，B 类为一般客户，"
        "C 类为分散客户。客户等级：已退会者为 E 级；本季度每月均有消费者为 A 级；在册或休眠的 A–C 级客户本季度"
        "及上季度均无消费者为 D 级。"),
    # credit
    "credit-section": ("Credit limits and receivables", "信用额度与应收账款"),
    "ageing-section": ("Ageing of receivables", "应收账款账龄"),
    "over-section": ("Customers over their credit limit", "超信用额度客户"),
    "recon-section": ("Reconciliation list", "对账明细表"),
    "checks-section": ("Ledger balances that do not agree", "台账余额核对不符"),
    "letters-section": ("Confirmation letters", "询证函"),
    "ageing-chart": ("Receivables by age, {currency}", "应收账款账龄分布（{currency}）"),
    "col-limit": ("Credit limit", "信用额度"),
    "col-limit-source": ("Limit set by", "额度依据"),
    "col-outstanding": ("Outstanding", "应收余额"),
    "col-not_due": ("Not yet due", "未到期"),
    "col-d0_30": ("0–30 days", "0–30天"),
    "col-d31_60": ("31–60 days", "31–60天"),
    "col-d61_90": ("61–90 days", "61–90天"),
    "col-d90_plus": (">90 days", "90天以上"),
    "col-overdue": ("Overdue", "逾期合计"),
    "col-utilisation": ("Used", "额度使用率"),
    "col-over": ("Over limit", "超额度"),
    "col-excess": ("Excess", "超出金额"),
    "col-credit-sales": ("Credit sales", "签单消费"),
    "col-total-sales": ("Total sales", "消费总额"),
    "col-credit-ratio": ("Credit-sales ratio", "签单率"),
    "col-opening": ("Opening balance", "期初余额"),
    "col-charges": ("Charges", "本期挂账"),
    "col-repayments": ("Repayments", "本期还款"),
    "col-closing": ("Closing balance", "期末余额"),
    "col-difference": ("Credit sales − charges", "差异（签单−挂账）"),
    "col-ledgers": ("Ledgers", "台账"),
    "col-confirmed": ("Confirmed by customer", "客户已确认"),
    "col-sales-records": ("Sales records reconciled", "销售记录已对账"),
    "col-status": ("Status", "对账结果"),
    "col-ledger": ("Ledger", "台账"),
    "col-which": ("Balance", "余额"),
    "col-date": ("Date", "日期"),
    "col-recorded": ("Recorded", "台账记载"),
    "col-computed": ("Computed", "按明细计算"),
    "col-letter": ("Letter number", "函证编号"),
    "col-balance": ("Balance", "余额"),
    "status-agrees": ("agrees", "相符"),
    "status-unconfirmed": ("to be confirmed", "待确认"),
    "status-differs": ("differs", "不符"),
    "which-opening": ("opening", "期初"),
    "which-closing": ("closing", "期末"),
    "source-credit-limit": ("credit limit {code}", "信用额度审批 {code}"),
    "source-export-terms": ("export terms {code}", "外销授信 {code}"),
    "source-card": ("customer card", "客户资料卡"),
    "none-over": ("No customer is over their limit.", "没有客户超出信用额度。"),
    "no-checks": ("Every ledger closed in the period agrees with its entries.", "本期结账的台账余额与明细一致。"),
    "letters-list": ("{count} letter(s) for the customers with a balance or entries in the period.",
                     "共 {count} 份，发给期末有余额或本期有往来的客户。"),
    "credit-rules": (
        "Limit: the newest credit-limit item in effect at the period end, else the newest export terms' credit "
        "amount, else the card. Outstanding: charges minus repayments of all ledgers up to the period end (the first "
        "ledger's opening balance brought forward); repayments settle the oldest charges first (FIFO); age = days "
        "past the due date at the period end (0–30 means 1 to 30 days). Credit-sales ratio: sales settled on credit "
        "÷ all sales in the period. Reconciliation: credit sales from the sales records against the ledger charges.",
        "信用额度：期末有效的最新信用额度审批，其次为外销授信金额，再次为客户资料卡。应收余额：截至期末各台账欠款减还款"
        "（首本台账的期初余额作为结转欠款）；还款按先进先出冲抵最早的欠款；账龄为期末距应还日期的天数（0–30 天指逾期"
        " 1 至 30 天）。签单率：签单挂账消费 ÷ 本期消费总额。对账：销售记录中的签单消费与台账挂账核对。"),
    # annual
    "composition-section-region": ("By region", "区域构成"),
    "composition-section-nature": ("By nature", "客户性质构成"),
    "composition-section-industry": ("By industry", "行业构成"),
    "composition-section-product": ("By product", "产品构成"),
    "composition-section-grade": ("By grade", "客户等级构成"),
    "col-group-region": ("Region", "区域"),
    "col-group-nature": ("Nature", "客户性质"),
    "col-group-industry": ("Industry", "行业"),
    "col-group-product": ("Product", "项目"),
    "col-group-grade": ("Grade", "等级"),
    "annual-summary": ("{currency}: sales {total} from {customers} customer(s).",
                       "{currency}：消费总额 {total}，消费客户 {customers} 位。"),
    "annual-chart": ("{dimension}, {currency}", "{dimension}（{currency}）"),
    "annual-rules": (
        "Sales-record lines dated in the period, one analysis per currency. Region, nature, industry and grade from "
        "the customer card as it is now; product from the line.",
        "统计期间内的销售明细，按币种分别统计。区域、客户性质、行业、等级取自客户资料卡现状；项目取自销售明细。"),
    "nature-government": ("government", "政府机构"),
    "nature-special": ("special company", "特殊公司"),
    "nature-company": ("company", "一般公司"),
    "nature-individual": ("individual", "个人"),
    "nature-partner": ("partner", "合作伙伴"),
    "volume-key": ("key", "主要客户"),
    "volume-general": ("general", "一般客户"),
    "volume-scattered": ("scattered", "分散客户"),
    # the confirmation letter 询证函
    "letter-to": ("To {name} ({customer}):", "{name}（客户编号 {customer}）："),
    "letter-body": (
        "For the half-year check of our accounts, please confirm the balance between {org} and your company shown "
        "below. If it agrees, sign and stamp the \"Information confirmed\" part; if not, state the items that differ "
        "and, where you can, the evidence. Please return this letter to {manager} within 15 days.",
        "本会馆正在进行半年度往来款项核对，下列数据出自本会馆账簿记录，如与贵单位记录相符，请在本函下端“信息证明无误”处"
        "签章证明；如有不符，请在“信息不符”处列明不符金额及有关材料。回函请于收函后 15 日内寄交本会馆{manager}。"),
    "letter-table-title": ("Balances as of {date}", "截至 {date} 往来余额"),
    "col-you-owe": ("Owed to us", "贵单位欠本会馆"),
    "col-we-owe": ("Owed to you", "本会馆欠贵单位"),
    "letter-open-title": ("Unpaid charges", "未结清明细"),
    "col-charge-date": ("Date", "挂账日期"),
    "col-due": ("Due", "应还日期"),
    "col-reference": ("Reference", "单据号"),
    "col-original": ("Amount", "挂账金额"),
    "col-open": ("Unpaid", "未还金额"),
    "brought-forward": ("balance brought forward", "期初结转"),
    "letter-note": ("This letter only confirms the accounts and is not a demand for payment. If the balance was "
                    "settled after the date above, please still confirm.",
                    "本函仅为复核账目之用，并非催款结算。若款项在上述日期之后已经付清，仍请及时函复为盼。"),
    "letter-sender": ("{org} (stamp)", "{org}（盖章）"),
    "letter-confirm": ("Information confirmed.", "1. 信息证明无误。"),
    "letter-differ": ("Information differs; the items that differ:", "2. 信息不符，请列明不符项目及具体内容："),
    "letter-stamp": ("(stamp)    date:", "（签章）　　年　　月　　日"),
    "letter-number": ("No. {number}", "编号：{number}"),
    "letter-reply": ("Reply slip to confirmation letter {number} — {name} ({customer})",
                     "回执　询证函编号 {number}　{name}（客户编号 {customer}）"),
    "letter-running": ("Confirmation letter {number} — {name} ({customer})", "询证函 {number}　{name}（{customer}）"),
}


def label(key: str, lang: str, **args: object) -> str:
    en, zh = LABELS[key]
    text = zh if lang == "zh" else en
    return text.format(**args) if args else text
