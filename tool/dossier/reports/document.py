"""From a report's figures to a Document (model.py) in one language: the tables, the text and
the charts' data. Nothing here computes a figure; it only chooses what to show and names it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from . import ledger
from .annual import DIMENSIONS, AnnualReport
from .credit import CreditReport, Limit
from .labels import label
from .model import AMOUNT, DATE, INT, RATIO, Chart, Column, Document, Section, Table
from .money import Money, format_money, format_ratio
from .monthly import MonthlyReport, Reason
from .quarterly import QuarterlyReport
from .source import Dataset
from ..archive.vocabulary import enum_label, person_label

_EN_MONTH_SHORT = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _base(kind: str, title: str, data: Dataset, period_title: str, lang: str, today: dt.date,
          notes: list[str]) -> Document:
    meta = [(label("period", lang), period_title), (label("generated", lang), today.isoformat()),
            (label("sources", lang), label("sources-text", lang, count=data.sources, drafts=data.drafts))]
    if data.problems:
        meta.append(("⚠", label("problems-text", lang, count=len({p.file for p in data.problems}))))
    if data.reader:  # a report limited to what its reader may read says so
        meta.append((label("access", lang), label("access-text", lang, person=data.reader, customers=len(data.cards),
                                                  cards=data.hidden_cards, items=data.hidden_items)))
    return Document(kind, lang, title, period_title, data.organisation, today, [], meta, notes)


def _money_text(amounts: dict[str, Decimal] | list[Money]) -> str:
    items = amounts.items() if isinstance(amounts, dict) else [(m.currency, m.amount) for m in amounts]
    return "; ".join(format_money(Money(amount, currency)) for currency, amount in items)


def _volume(value: str, lang: str) -> str:
    return label(f"volume-{value}", lang) if value in ("key", "general", "scattered") else value


def _nature(value: str | None, lang: str) -> str:
    if value is None:
        return label("not-recorded", lang)
    key = f"nature-{value}"
    try:
        return label(key, lang)
    except KeyError:
        return value


# --- monthly ---------------------------------------------------------------------------------


def reason_text(reason: Reason, lang: str) -> str:
    args = reason.args
    if reason.kind == "grade":
        return label("reason-grade", lang, grade=args["grade"])
    if reason.kind == "contract":
        return label("reason-contract", lang, number=args["number"], start=args["start"].isoformat(),
                     end=args["end"].isoformat(), value=format_money(args["value"]))
    if reason.kind == "overdue":
        return label("reason-overdue", lang, amount=format_money(Money(args["amount"], args["currency"])),
                     days=args["days"])
    if reason.kind == "complaint":
        state = label(f"state-{args['state']}", lang) if args["state"] in ("open", "closed") else args["state"]
        return label("reason-complaint", lang, received=args["received"].isoformat(), state=state)
    return label("reason-key", lang)


def monthly_document(report: MonthlyReport, data: Dataset, lang: str, today: dt.date) -> Document:
    doc = _base("monthly", label("monthly-title", lang), data, report.period.title(lang), lang, today,
                [label("monthly-rules", lang)])
    columns = [Column("customer", label("col-customer", lang)), Column("name", label("col-name", lang), wide=True),
               Column("manager", label("col-manager", lang)), Column("grade", label("col-grade", lang)),
               Column("volume", label("col-volume", lang)), Column("sales", label("col-month-sales", lang)),
               Column("count", label("col-reason-count", lang), INT),
               Column("reasons", label("col-reasons", lang), wide=True)]
    sep = "；" if lang == "zh" else "; "
    rows = [{"customer": r.customer, "name": r.name, "manager": person_label(r.manager, data.people, lang),
             "grade": enum_label("grade", r.grade, lang),
             "volume": _volume(r.volume_class, lang), "sales": _money_text(r.sales), "count": len(r.reasons),
             "reasons": sep.join(reason_text(x, lang) for x in r.reasons)} for r in report.rows]
    section = Section(label("focus-section", lang),
                      [label("focus-intro", lang, count=len(report.rows), cards=report.customers)],
                      [Table(label("monthly-title", lang)[:31], label("focus-section", lang), columns, rows,
                             empty=label("none", lang))])
    doc.sections.append(section)
    return doc


# --- quarterly -------------------------------------------------------------------------------


def _month_label(month: int, year: int, lang: str) -> str:
    return f"{month}月" if lang == "zh" else f"{_EN_MONTH_SHORT[month - 1]} {year}"


def evidence_text(kind: str, args: dict, lang: str) -> str:
    if kind == "abc":
        return label("evidence-abc", lang, amount=format_money(Money(args["amount"], args["currency"])),
                     share=format_ratio(args["share"]), currency=args["currency"], rank=args["rank"], of=args["of"],
                     before=format_ratio(args["before"]), **{"class": args["class"]})
    if kind == "every-month":
        return label("evidence-every-month", lang, months=", ".join(args["months"]))
    if kind == "no-sales-half-year":
        return label("evidence-no-sales-half-year", lang, since=args["since"].isoformat(),
                     until=args["until"].isoformat())
    return label(f"evidence-{kind}", lang)


def _field_value(field: str, value: str | None, lang: str) -> str:
    if value is None:
        return "—"
    return _volume(value, lang) if field == "volume_class" else enum_label(field, value, lang)


def quarterly_document(report: QuarterlyReport, data: Dataset, lang: str, today: dt.date) -> Document:
    period = report.period
    doc = _base("quarterly", label("quarterly-title", lang), data, period.title(lang), lang, today,
                [label("quarterly-rules", lang)])
    months = period.month_periods()
    consumption = Section(label("consumption-section", lang))
    for currency, rows in report.consumption.items():
        columns = [Column("rank", label("col-rank", lang), INT), Column("customer", label("col-customer", lang)),
                   Column("name", label("col-name", lang), wide=True), Column("currency", label("col-currency", lang))]
        columns += [Column(f"m{i}", _month_label(m.number, m.year, lang), AMOUNT) for i, m in enumerate(months)]
        columns += [Column("total", label("col-total", lang), AMOUNT), Column("share", label("col-share", lang), RATIO),
                    Column("cumulative", label("col-cumulative", lang), RATIO),
                    Column("abc", label("col-class", lang)), Column("lines", label("col-lines", lang), INT)]
        table_rows = []
        for row in rows:
            cells = {"rank": row.rank, "customer": row.customer, "name": row.name, "currency": currency,
                     "total": row.total, "share": row.share, "cumulative": row.cumulative, "abc": row.abc,
                     "lines": row.lines}
            cells.update({f"m{i}": amount for i, amount in enumerate(row.months)})
            table_rows.append(cells)
        total = {"name": label("total", lang), "currency": currency, "total": report.totals[currency],
                 "lines": sum(r.lines for r in rows)}
        total.update({f"m{i}": sum((r.months[i] for r in rows), Decimal("0.00")) for i in range(len(months))})
        consumption.tables.append(Table(f"{label('consumption-section', lang)[:24]} {currency}",
                                        f"{label('consumption-section', lang)} · {currency}", columns, table_rows,
                                        [total]))
    if not report.consumption:
        consumption.text.append(label("none", lang))
    doc.sections.append(consumption)

    abc = Section(label("abc-section", lang))
    for currency, rows in report.consumption.items():
        counts = report.counts(currency)
        abc.text.append(label("abc-counts", lang, currency=currency,
                              total=format_money(Money(report.totals[currency], currency)),
                              a=counts["A"], b=counts["B"], c=counts["C"]))
        abc.charts.append(Chart("pareto", label("pareto-title", lang, currency=currency), {
            "currency": currency, "lang": lang,
            "labels": [r.customer for r in rows], "names": [r.name for r in rows],
            "values": [r.total for r in rows], "classes": [r.abc for r in rows]}))
    if report.no_sales:
        abc.text.append(label("no-sales-customers", lang, customers=", ".join(report.no_sales)))
    doc.sections.append(abc)

    proposals = Section(label("proposals-section", lang))
    fields = ("abc_class", "volume_class", "grade")
    columns = [Column("customer", label("col-customer", lang)), Column("name", label("col-name", lang), wide=True)]
    columns += [Column(f, label(f"field-{f}", lang)) for f in fields]
    columns.append(Column("evidence", label("col-evidence", lang), wide=True))
    by_customer: dict[str, dict] = {}
    sep = "；" if lang == "zh" else "; "
    for p in report.proposals:  # one row per customer: what changes, and why
        row = by_customer.setdefault(p.customer, {"customer": p.customer, "name": p.name, "evidence": []})
        row[p.field] = f"{_field_value(p.field, p.current, lang)} → {_field_value(p.field, p.proposed, lang)}"
        text = evidence_text(p.evidence, p.args, lang)
        if text not in row["evidence"]:
            row["evidence"].append(text)
    rows = [{**row, "evidence": sep.join(row["evidence"])} for row in by_customer.values()]
    proposals.tables.append(Table(label("proposals-section", lang)[:31], label("proposals-section", lang), columns,
                                  rows, empty=label("no-proposals" if report.totals else "no-sales-to-classify", lang)))
    if report.proposals:
        proposals.text.append(label("proposals-apply", lang, period=period.label))
    doc.sections.append(proposals)
    return doc


# --- credit ----------------------------------------------------------------------------------


def _limit_source(limit: Limit | None, lang: str) -> str:
    if limit is None:
        return ""
    return label(f"source-{limit.source}", lang, code=limit.code or "")


def credit_document(report: CreditReport, data: Dataset, lang: str, today: dt.date,
                    letters: bool = False) -> Document:
    period = report.period
    doc = _base("credit", label("credit-title", lang), data, period.title(lang), lang, today,
                [label("credit-rules", lang)])
    doc.meta.insert(1, (label("as-of", lang), period.end.isoformat()))
    yes, no = label("yes", lang), label("no", lang)
    ident = [Column("customer", label("col-customer", lang)), Column("name", label("col-name", lang), wide=True),
             Column("currency", label("col-currency", lang))]

    credit = Section(label("credit-section", lang))
    columns = ident + [Column("limit", label("col-limit", lang), AMOUNT),
                       Column("source", label("col-limit-source", lang)),
                       Column("outstanding", label("col-outstanding", lang), AMOUNT),
                       Column("utilisation", label("col-utilisation", lang), RATIO),
                       Column("over", label("col-over", lang)), Column("excess", label("col-excess", lang), AMOUNT),
                       Column("credit_sales", label("col-credit-sales", lang), AMOUNT),
                       Column("total_sales", label("col-total-sales", lang), AMOUNT),
                       Column("credit_ratio", label("col-credit-ratio", lang), RATIO)]
    rows = [{"customer": r.customer, "name": r.name, "currency": r.currency,
             "limit": r.limit.amount if r.limit else None, "source": _limit_source(r.limit, lang),
             "outstanding": r.outstanding, "utilisation": r.utilisation, "over": yes if r.over_limit else no,
             "excess": r.excess, "credit_sales": r.credit_sales, "total_sales": r.total_sales,
             "credit_ratio": r.credit_ratio} for r in report.rows]
    totals = [{"name": label("total", lang), "currency": t.currency, "limit": t.limit, "outstanding": t.outstanding,
               "over": str(t.over_limit), "credit_sales": t.credit_sales, "total_sales": t.total_sales,
               "credit_ratio": t.credit_ratio} for t in report.totals.values()]
    credit.tables.append(Table(label("credit-section", lang)[:31], label("credit-section", lang), columns, rows,
                               totals, label("none", lang)))
    doc.sections.append(credit)

    ageing = Section(label("ageing-section", lang))
    columns = ident + [Column(b, label(f"col-{b}", lang), AMOUNT) for b in ledger.BUCKETS] + [
        Column("overdue", label("col-overdue", lang), AMOUNT),
        Column("outstanding", label("col-outstanding", lang), AMOUNT)]
    rows = []
    for r in report.rows:
        cells = {"customer": r.customer, "name": r.name, "currency": r.currency, "overdue": r.position.overdue,
                 "outstanding": r.outstanding}
        cells.update(r.position.buckets)
        rows.append(cells)
    totals = []
    panels = []
    for t in report.totals.values():
        cells = {"name": label("total", lang), "currency": t.currency, "overdue": t.overdue,
                 "outstanding": t.outstanding}
        cells.update(t.buckets)
        totals.append(cells)
        if any(t.buckets.values()):
            panels.append({"currency": t.currency, "title": label("ageing-chart", lang, currency=t.currency),
                           "labels": [label(f"col-{b}", lang) for b in ledger.BUCKETS],
                           "values": [t.buckets[b] for b in ledger.BUCKETS]})
    if panels:
        ageing.charts.append(Chart("ageing", label("ageing-section", lang), {"lang": lang, "panels": panels}))
    ageing.tables.append(Table(label("ageing-section", lang)[:31], label("ageing-section", lang), columns, rows,
                               totals, label("none", lang)))
    doc.sections.append(ageing)

    over = Section(label("over-section", lang))
    columns = ident + [Column("limit", label("col-limit", lang), AMOUNT),
                       Column("outstanding", label("col-outstanding", lang), AMOUNT),
                       Column("excess", label("col-excess", lang), AMOUNT),
                       Column("utilisation", label("col-utilisation", lang), RATIO),
                       Column("overdue", label("col-overdue", lang), AMOUNT)]
    rows = [{"customer": r.customer, "name": r.name, "currency": r.currency, "limit": r.limit.amount,
             "outstanding": r.outstanding, "excess": r.excess, "utilisation": r.utilisation,
             "overdue": r.position.overdue} for r in report.over_limit]
    over.tables.append(Table(label("over-section", lang)[:31], label("over-section", lang), columns, rows,
                             empty=label("none-over", lang)))
    doc.sections.append(over)

    recon = Section(label("recon-section", lang))
    columns = ident + [Column("opening", label("col-opening", lang), AMOUNT),
                       Column("charges", label("col-charges", lang), AMOUNT),
                       Column("repayments", label("col-repayments", lang), AMOUNT),
                       Column("closing", label("col-closing", lang), AMOUNT),
                       Column("credit_sales", label("col-credit-sales", lang), AMOUNT),
                       Column("difference", label("col-difference", lang), AMOUNT),
                       Column("ledgers", label("col-ledgers", lang), wide=True),
                       Column("confirmed", label("col-confirmed", lang)),
                       Column("sales_records", label("col-sales-records", lang)),
                       Column("status", label("col-status", lang))]
    rows = [{"customer": r.customer, "name": r.name, "currency": r.currency, "opening": r.opening,
             "charges": r.charges, "repayments": r.repayments, "closing": r.closing, "credit_sales": r.credit_sales,
             "difference": r.difference, "ledgers": ", ".join(r.ledgers),
             "confirmed": "—" if r.confirmed is None else yes if r.confirmed else no,
             "sales_records": f"{r.sales_reconciled}/{r.sales_records}",
             "status": label(f"status-{r.status}", lang)} for r in report.recon]
    recon.tables.append(Table(label("recon-section", lang)[:31], label("recon-section", lang), columns, rows,
                              empty=label("none", lang)))
    doc.sections.append(recon)

    checks = Section(label("checks-section", lang))
    columns = [Column("ledger", label("col-ledger", lang)), Column("customer", label("col-customer", lang)),
               Column("name", label("col-name", lang), wide=True), Column("currency", label("col-currency", lang)),
               Column("which", label("col-which", lang)), Column("date", label("col-date", lang), DATE),
               Column("recorded", label("col-recorded", lang), AMOUNT),
               Column("computed", label("col-computed", lang), AMOUNT),
               Column("difference", label("col-difference", lang).split("（")[0], AMOUNT)]
    rows = [{"ledger": c.code, "customer": c.customer, "name": data.name(c.customer), "currency": c.currency,
             "which": label(f"which-{c.which}", lang), "date": c.day, "recorded": c.recorded, "computed": c.computed,
             "difference": c.difference} for c in report.checks]
    checks.tables.append(Table(label("checks-section", lang)[:31], label("checks-section", lang), columns, rows,
                               empty=label("no-checks", lang)))
    doc.sections.append(checks)

    if letters and report.letters:
        section = Section(label("letters-section", lang), [label("letters-list", lang, count=len(report.letters))])
        columns = [Column("number", label("col-letter", lang)), Column("customer", label("col-customer", lang)),
                   Column("name", label("col-name", lang), wide=True),
                   Column("balance", label("col-balance", lang), wide=True)]
        rows = [{"number": x.number, "customer": x.customer, "name": x.name, "balance": _money_text(x.balances)}
                for x in report.letters]
        section.tables.append(Table(label("letters-section", lang)[:31], label("letters-section", lang), columns,
                                    rows))
        doc.sections.append(section)
    return doc


# --- annual ----------------------------------------------------------------------------------


def annual_document(report: AnnualReport, data: Dataset, lang: str, today: dt.date) -> Document:
    period = report.period
    title = label("annual-title-half" if period.kind == "half" else "annual-title", lang)
    doc = _base("annual", title, data, period.title(lang), lang, today, [label("annual-rules", lang)])
    summary = Section(label("total", lang), [
        label("annual-summary", lang, currency=c, total=format_money(Money(t, c)), customers=report.customers[c])
        for c, t in report.totals.items()])
    if not report.totals:
        summary.text.append(label("none", lang))
    doc.sections.append(summary)
    for dimension in DIMENSIONS:
        heading = label(f"composition-section-{dimension}", lang)
        section = Section(heading)
        group_label = label(f"col-group-{dimension}", lang)
        chart_data = {"lang": lang, "panels": []}
        for currency, groups in report.composition[dimension].items():
            columns = [Column("group", group_label, wide=True), Column("currency", label("col-currency", lang)),
                       Column("amount", label("col-amount", lang), AMOUNT),
                       Column("share", label("col-share", lang), RATIO),
                       Column("customers", label("col-customers", lang), INT),
                       Column("lines", label("col-lines", lang), INT)]
            names = [_group_name(dimension, g.key, lang) for g in groups]
            rows = [{"group": name, "currency": currency, "amount": g.amount, "share": g.share,
                     "customers": g.customers, "lines": g.lines} for name, g in zip(names, groups)]
            totals = [{"group": label("total", lang), "currency": currency, "amount": report.totals[currency],
                       "customers": report.customers[currency], "lines": sum(g.lines for g in groups)}]
            section.tables.append(Table(f"{heading[:24]} {currency}", f"{heading} · {currency}", columns, rows,
                                        totals))
            chart_data["panels"].append({"currency": currency, "labels": names,
                                         "values": [g.amount for g in groups], "shares": [g.share for g in groups]})
        if chart_data["panels"]:
            section.charts.append(Chart("bars", heading, chart_data))
        doc.sections.append(section)
    return doc


def _group_name(dimension: str, key: str | None, lang: str) -> str:
    if key is None:
        return label("not-recorded", lang)
    if dimension == "nature":
        return _nature(key, lang)
    return enum_label(dimension, key, lang)
