"""The periodic analyses (issue 7, Reports): every figure of every report compared exactly with
the figures worked out by hand from tests/fixtures/reports/, and the xlsx, PDF and HTML outputs
read back.

The fixture archive (all amounts in CNY unless marked USD; credit = 签单挂账):

  C0001 晋能集团   special, 迎泽区, grade A, key, abc A; card limit 100,000; credit-limit items
                   80,000 (2025) and 50,000 (effective 2026-01-02); open contract HT-2026-001
                   (2026); complaint 2026-09-12 (open).
        sales (credit)  04-10 会议 40,000 · 06-20 客房 20,000 · 07-15 会议 18,000 + 12,000 ·
                        08-20 客房 20,000 · 09-10 餐饮 10,000 (a draft record)
        ledgers   H1: opening 5,000 (brought forward) · 04-10 +40,000 due 05-10 · 05-05 −25,000 ·
                        06-20 +20,000 due 07-20 · closing 40,000
                  Q3: 07-15 +30,000 due 08-14 · 08-01 −30,000 · 08-20 +20,000 due 09-19 ·
                      09-10 +10,000 due 10-10 · closing 70,000 · not confirmed
  C0002 华宇地产   company, 小店区, grade B, general, abc B; card limit 20,000.
        sales     05-12 宴会 10,000 (credit) · 07-08 宴会 15,000 (credit) · 09-18 餐饮 10,000 (card)
        ledger    04–09: 05-12 +10,000 due 06-11 · 07-08 +15,000 due 08-07 · 08-15 −10,000 ·
                  09-25 +3,000 due 10-25 (no sales record: a reconciliation difference) ·
                  closing recorded 20,000 (wrong: the entries give 18,000)
  C0003 王建国     individual, 迎泽区, grade C, scattered, abc C; no limit; complaint 2026-09-03.
        sales (cash, one record 06-01..08-31 split by line date)  06-18 康体 10,000 ·
                  08-09 康体 10,000 · 09-03 餐饮 5,000 (cash)
        ledger    09: 09-15 −2,000 (a deposit: credit balance)
  C0004 Hanse     export, 德国汉堡, grade B, key, abc A; export terms 10,000 USD; open contract.
        sales (USD, credit)  05-15 4,000 · 07-10 5,000 · 08-12 3,000 · 09-20 2,000
        ledger (USD)  05-15 +4,000 due 06-14 · 06-30 −4,000 · 07-10 +5,000 due 08-09 ·
                      08-12 +3,000 due 09-11 · 09-05 −5,000 · 09-20 +2,000 due 10-20
  C0005 小店区政府办 government, grade B, general, no abc class; card limit 30,000; contract open
                   but ended 2026-06-30; no sales at all.
  C0006 鑫达物流   withdrawn, grade C; a complaint 2026-07-20; no sales.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from dataclasses import replace
from decimal import Decimal as D
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO, SEES_ALL, TODAY, act_as, copy_archive, git, init_repo
from dossier import reports
from dossier.cli.main import main
from dossier.archive.errors import UsageError
from dossier.archive.loader import load_file
from dossier.archive import cards
from dossier.reports.ledger import bucket_of
from dossier.reports.money import Money
from dossier.reports.period import Period, last_complete, parse_period
from dossier.reports.quarterly import classify

FIXTURE = FIXTURES / "reports"
DAY = dt.date.fromisoformat
ZERO = D("0.00")


@pytest.fixture
def archive(tmp_path) -> Path:
    return copy_archive(FIXTURE, tmp_path / "archive")


def figures(kind: str, root: Path, period: str):
    p = reports.resolve_period(kind, period, DAY(TODAY))
    data = reports.load(kind, root, p)
    assert data.problems == []
    return reports.build(kind, data, p), data


# --- periods ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text, start, end, label", [
    ("2026-10", "2026-10-01", "2026-10-31", "2026-10"),
    ("2026-02", "2026-02-01", "2026-02-28", "2026-02"),
    ("2026-Q3", "2026-07-01", "2026-09-30", "2026-Q3"),
    ("2026-q4", "2026-10-01", "2026-12-31", "2026-Q4"),
    ("2026-H1", "2026-01-01", "2026-06-30", "2026-H1"),
    ("2026-H2", "2026-07-01", "2026-12-31", "2026-H2"),
    ("2025", "2025-01-01", "2025-12-31", "2025"),
])
def test_periods(text, start, end, label):
    period = parse_period(text)
    assert (period.start, period.end, period.label) == (DAY(start), DAY(end), label)


@pytest.mark.parametrize("text", ["2026-13", "2026-Q5", "2026-H3", "26", "2026-1", "Q3", "2026/10"])
def test_bad_periods_are_usage_errors(text):
    with pytest.raises(UsageError):
        parse_period(text)


def test_default_period_is_the_last_complete_one():
    today = DAY("2026-11-23")
    assert last_complete("month", today).label == "2026-10"
    assert last_complete("quarter", today).label == "2026-Q3"
    assert last_complete("half", today).label == "2026-H1"
    assert last_complete("year", today).label == "2025"
    assert last_complete("quarter", DAY("2026-02-01")).label == "2025-Q4"
    assert Period(2026, "quarter", 1).previous().label == "2025-Q4"
    assert parse_period("2026-Q3").title("zh") == "2026年第三季度"


def test_a_period_not_begun_is_refused_and_one_not_over_is_said(archive, run, tmp_path):
    future = run("--archive", archive, "report", "monthly", "--period", "2027-01", "--output", tmp_path, "--lang", "en")
    assert future.code == 2 and "2027-01 has not begun (today is 2026-11-23)" in future.err
    assert not list(tmp_path.glob("monthly-*"))
    open_ = run("--archive", archive, "report", "monthly", "--period", "2026-11", "--format", "html", "--output",
                tmp_path, "--lang", "en")
    assert open_.code == 0 and "note: 2026-11 is not over yet (it ends 2026-11-30)" in open_.err
    done = run("--archive", archive, "report", "monthly", "--period", "2026-10", "--format", "html", "--output",
               tmp_path, "--lang", "en")
    assert done.code == 0 and "note:" not in done.err


def test_a_quarter_without_sales_proposes_no_class_change(archive, run, tmp_path):
    report, _ = figures("quarterly", archive, "2020-Q1")
    assert report.totals == {} and report.proposals == [] and report.no_sales == []
    result = run("--archive", archive, "report", "quarterly", "--period", "2020-Q1", "--format", "html",
                 "--output", tmp_path, "--lang", "en")
    assert result.code == 0 and "no sales record is dated in 2020-Q1" in result.out
    assert "nothing to classify by" in (tmp_path / "quarterly-2020-Q1.en.html").read_text(encoding="utf-8")


# --- ABC: the boundary and tie rule ------------------------------------------------------------


def test_abc_boundaries_are_by_the_share_held_before():
    # total 100: before C1 0 % → A; before C2 60 % → A (it crosses 80 %); before C3 85 % → B;
    # before C4 94 % → B; before C5 96 % → C; a customer without sales → C
    ranked = classify([("C3", D("9")), ("C1", D("60")), ("C2", D("25")), ("C4", D("2")), ("C5", D("4")),
                       ("C6", D("0"))])
    assert [(c, cls) for c, _, cls, _, _ in ranked] == [
        ("C1", "A"), ("C2", "A"), ("C3", "B"), ("C5", "B"), ("C4", "C"), ("C6", "C")]
    # C5 (4) before C4 (2): before C5 = 60+25+9 = 94 % → B; before C4 = 98 % → C
    assert [(before, cumulative) for _, _, _, before, cumulative in ranked] == [
        (D("0"), D("60")), (D("60"), D("85")), (D("85"), D("94")), (D("94"), D("98")), (D("98"), D("100")),
        (D("100"), D("100"))]


def test_abc_exactly_80_percent_before_is_b():
    # 50 + 30 = 80 of 100 before C3: not less than 80 % → B
    ranked = classify([("C1", D("50")), ("C2", D("30")), ("C3", D("15")), ("C4", D("5"))])
    assert [cls for _, _, cls, _, _ in ranked] == ["A", "A", "B", "C"]  # before C4: 95 % → C


def test_abc_ties_share_the_class_of_the_first():
    # 40, then three of 20: before the tie group 40 % → all three A, although the last of them
    # has 80 % before it; ties are ordered by customer id
    ranked = classify([("C9", D("20")), ("C1", D("40")), ("C5", D("20")), ("C2", D("20"))])
    assert [(c, cls) for c, _, cls, _, _ in ranked] == [("C1", "A"), ("C2", "A"), ("C5", "A"), ("C9", "A")]
    # two of 10 straddling 95 %: 80 + 10 = 90 before the first → both B
    ranked = classify([("A1", D("80")), ("B1", D("10")), ("B2", D("10"))])
    assert [cls for _, _, cls, _, _ in ranked] == ["A", "B", "B"]


def test_ageing_buckets():
    assert [bucket_of(d) for d in (-5, 0, 1, 30, 31, 60, 61, 90, 91)] == [
        "not_due", "not_due", "d0_30", "d0_30", "d31_60", "d31_60", "d61_90", "d61_90", "d90_plus"]


# --- monthly: the focus-customer list ------------------------------------------------------------


def test_monthly_focus_list(archive):
    report, data = figures("monthly", archive, "2026-09")
    assert data.sources == 26 and data.drafts == 1  # 14 sales records + 5 ledgers + 4 contracts + 3 complaints
    assert report.customers == 6
    rows = {row.customer: row for row in report.rows}
    # ordered by the number of reasons (5, 4, 2, 1, 1), then id; C0006 has none
    assert [row.customer for row in report.rows] == ["C0001", "C0004", "C0002", "C0003", "C0005"]

    def kinds(customer):
        return [(r.kind, r.args) for r in rows[customer].reasons]

    # C0001 at 09-30: charges 5,000 b/f + 40,000 + 20,000 + 30,000 + 20,000 + 10,000 = 125,000;
    # repaid 25,000 + 30,000 = 55,000 → FIFO pays b/f, 04-10 and 10,000 of 06-20;
    # overdue 10,000 (06-20, due 07-20: 72 days) + 30,000 (due 08-14: 47) + 20,000 (due 09-19: 11)
    # = 60,000 in 3 charges; 09-10 due 10-10 is not yet due
    assert kinds("C0001") == [
        ("grade", {"grade": "A"}),
        ("contract", {"number": "HT-2026-001", "code": "2-2026-S02-0001", "subject": "年度会议室及客房协议价",
                      "start": DAY("2026-01-01"), "end": DAY("2026-12-31"), "value": Money(D("200000.00"), "CNY")}),
        ("overdue", {"amount": D("60000.00"), "currency": "CNY", "days": 72, "charges": 3}),
        ("complaint", {"code": "4-2026-S02-0003", "received": DAY("2026-09-12"), "state": "open",
                       "description": "会议室投影设备故障"}),
        ("key", {}),
    ]
    # C0004 (USD): 4,000 + 5,000 + 3,000 + 2,000 charged, 4,000 + 5,000 repaid → 08-12's 3,000 open,
    # due 09-11: 19 days
    assert kinds("C0004") == [
        ("grade", {"grade": "B"}),
        ("contract", {"number": "EX-2026-001", "code": "2-2026-S04-0001", "subject": "山西老陈醋出口",
                      "start": DAY("2026-03-01"), "end": DAY("2027-02-28"), "value": Money(D("20000.00"), "USD")}),
        ("overdue", {"amount": D("3000.00"), "currency": "USD", "days": 19, "charges": 1}),
        ("key", {}),
    ]
    # C0002: 10,000 + 15,000 + 3,000 − 10,000 → 07-08's 15,000 open, due 08-07: 24 + 30 = 54 days
    assert kinds("C0002") == [("grade", {"grade": "B"}),
                              ("overdue", {"amount": D("15000.00"), "currency": "CNY", "days": 54, "charges": 1})]
    assert kinds("C0003") == [("complaint", {"code": "4-2026-S02-0002", "received": DAY("2026-09-03"),
                                             "state": "closed", "description": "泳池水温偏低"})]
    assert kinds("C0005") == [("grade", {"grade": "B"})]  # its open contract ended 2026-06-30
    # sales dated in September, per currency
    assert {c: r.sales for c, r in rows.items()} == {
        "C0001": {"CNY": D("10000.00")}, "C0004": {"USD": D("2000.00")}, "C0002": {"CNY": D("10000.00")},
        "C0003": {"CNY": D("5000.00")}, "C0005": {}}
    assert [(r.manager, r.grade, r.volume_class) for r in report.rows] == [
        ("wang.wei", "A", "key"), ("chen.xiaoyu", "B", "key"), ("wang.wei", "B", "general"),
        ("wang.wei", "C", "scattered"), ("wang.wei", "B", "general")]


# --- quarterly: consumption, ABC and the proposed changes -------------------------------------------


def test_quarterly_consumption_and_abc(archive):
    report, data = figures("quarterly", archive, "2026-Q3")
    assert data.sources == 14  # the sales records of 2026 (the commission is another type)
    cny = [(r.rank, r.customer, r.months, r.total, r.lines, r.share, r.before, r.cumulative, r.abc)
           for r in report.consumption["CNY"]]
    assert cny == [
        # C0001: Jul 18,000 + 12,000 · Aug 20,000 · Sep 10,000 = 60,000 of 100,000
        (1, "C0001", [D("30000.00"), D("20000.00"), D("10000.00")], D("60000.00"), 4, D("0.6000"), D("0.0000"),
         D("0.6000"), "A"),
        # C0002: Jul 15,000 · Sep 10,000 = 25,000; 60 % before it (< 80 %) → A
        (2, "C0002", [D("15000.00"), ZERO, D("10000.00")], D("25000.00"), 2, D("0.2500"), D("0.6000"),
         D("0.8500"), "A"),
        # C0003: Aug 10,000 (from the record of 06-01..08-31) · Sep 5,000 = 15,000; 85 % before → B
        (3, "C0003", [ZERO, D("10000.00"), D("5000.00")], D("15000.00"), 2, D("0.1500"), D("0.8500"),
         D("1.0000"), "B"),
    ]
    usd = [(r.rank, r.customer, r.months, r.total, r.lines, r.share, r.before, r.cumulative, r.abc)
           for r in report.consumption["USD"]]
    assert usd == [(1, "C0004", [D("5000.00"), D("3000.00"), D("2000.00")], D("10000.00"), 3, D("1.0000"),
                    D("0.0000"), D("1.0000"), "A")]
    assert report.totals == {"CNY": D("100000.00"), "USD": D("10000.00")}  # 60,000 + 25,000 + 15,000
    assert report.no_sales == ["C0005"]  # C0006 is withdrawn: outside the analysis
    assert report.classes == {"C0001": "A", "C0002": "A", "C0003": "B", "C0004": "A", "C0005": "C"}
    assert report.counts("CNY") == {"A": 2, "B": 1, "C": 0}


def test_quarterly_proposals_with_evidence(archive):
    report, _ = figures("quarterly", archive, "2026-Q3")
    c0002 = {"amount": D("25000.00"), "currency": "CNY", "share": D("0.2500"), "before": D("0.6000"), "rank": 2,
             "of": 3, "class": "A"}
    c0003 = {"amount": D("15000.00"), "currency": "CNY", "share": D("0.1500"), "before": D("0.8500"), "rank": 3,
             "of": 3, "class": "B"}
    assert [(p.customer, p.field, p.current, p.proposed, p.evidence, p.args) for p in report.proposals] == [
        ("C0002", "abc_class", "B", "A", "abc", c0002),
        ("C0002", "volume_class", "general", "key", "abc", c0002),
        ("C0003", "abc_class", "C", "B", "abc", c0003),
        ("C0003", "volume_class", "scattered", "general", "abc", c0003),
        # bought in July, August and September
        ("C0004", "grade", "B", "A", "every-month", {"months": ["2026-07", "2026-08", "2026-09"]}),
        ("C0005", "abc_class", None, "C", "no-sales", {"class": "C"}),
        ("C0005", "volume_class", "general", "scattered", "no-sales", {"class": "C"}),
        # nothing in Q2 nor Q3
        ("C0005", "grade", "B", "D", "no-sales-half-year", {"since": DAY("2026-04-01"), "until": DAY("2026-09-30")}),
        ("C0006", "grade", "C", "E", "withdrawn", {"status": "withdrawn"}),
    ]


# --- credit ------------------------------------------------------------------------------------


def credit_rows(report):
    return [(r.customer, r.currency, r.limit.amount if r.limit else None, r.limit.source if r.limit else None,
             r.outstanding, r.position.buckets, r.position.overdue, r.utilisation, r.over_limit, r.excess,
             r.credit_sales, r.total_sales, r.credit_ratio) for r in report.rows]


def buckets(not_due="0.00", d0_30="0.00", d31_60="0.00", d61_90="0.00", d90_plus="0.00"):
    return {"not_due": D(not_due), "d0_30": D(d0_30), "d31_60": D(d31_60), "d61_90": D(d61_90),
            "d90_plus": D(d90_plus)}


def test_credit_limits_receivables_ageing_and_ratio(archive):
    report, data = figures("credit", archive, "2026-09")
    assert data.sources == 22  # 14 sales records, 5 ledgers, 2 credit limits, 1 export terms
    assert credit_rows(report) == [
        # limit: the 2026 item (50,000), not the 2025 item nor the card; 70,000 outstanding (see the
        # monthly test) = 10,000 not due + 20,000 (11 d) + 30,000 (47 d) + 10,000 (72 d); 70,000 / 50,000
        ("C0001", "CNY", D("50000.00"), "credit-limit", D("70000.00"),
         buckets("10000.00", "20000.00", "30000.00", "10000.00"), D("60000.00"), D("1.4000"), True, D("20000.00"),
         D("10000.00"), D("10000.00"), D("1.0000")),
        # 18,000 = 3,000 not due (09-25, due 10-25) + 15,000 (54 d); 18,000 / 20,000; September's sale was by card
        ("C0002", "CNY", D("20000.00"), "card", D("18000.00"), buckets("3000.00", "0.00", "15000.00"),
         D("15000.00"), D("0.9000"), False, None, ZERO, D("10000.00"), D("0.0000")),
        # the deposit: −2,000 (a credit balance); 5,000 cash sales
        ("C0003", "CNY", None, None, D("-2000.00"), buckets(), ZERO, None, False, None, ZERO, D("5000.00"),
         D("0.0000")),
        # 14,000 − 9,000 = 5,000 USD = 2,000 not due + 3,000 (19 d); limit from the export terms
        ("C0004", "USD", D("10000.00"), "export-terms", D("5000.00"), buckets("2000.00", "3000.00"), D("3000.00"),
         D("0.5000"), False, None, D("2000.00"), D("2000.00"), D("1.0000")),
        # a limit on the card, nothing else
        ("C0005", "CNY", D("30000.00"), "card", ZERO, buckets(), ZERO, D("0.0000"), False, None, ZERO, ZERO, None),
    ]
    assert report.rows[0].limit.code == "3-2026-S02-0001"
    assert report.rows[0].position.credit_balance == ZERO and report.rows[2].position.credit_balance == D("2000.00")
    cny, usd = report.totals["CNY"], report.totals["USD"]
    assert (cny.limit, cny.outstanding, cny.buckets, cny.overdue, cny.credit_sales, cny.total_sales,
            cny.credit_ratio, cny.over_limit) == (
        D("100000.00"),  # 50,000 + 20,000 + 30,000
        D("86000.00"),  # 70,000 + 18,000 − 2,000 + 0
        buckets("13000.00", "20000.00", "45000.00", "10000.00"),  # 10,000+3,000 · 20,000 · 30,000+15,000 · 10,000
        D("75000.00"),  # 20,000 + 45,000 + 10,000
        D("10000.00"), D("25000.00"), D("0.4000"), 1)  # 10,000 / (10,000 + 10,000 + 5,000)
    assert (usd.limit, usd.outstanding, usd.buckets, usd.credit_sales, usd.total_sales, usd.credit_ratio,
            usd.over_limit) == (D("10000.00"), D("5000.00"), buckets("2000.00", "3000.00"), D("2000.00"),
                                D("2000.00"), D("1.0000"), 0)
    assert [r.customer for r in report.over_limit] == ["C0001"]


def test_credit_reconciliation_and_ledger_checks(archive):
    report, _ = figures("credit", archive, "2026-09")
    assert [(r.customer, r.currency, r.opening, r.charges, r.repayments, r.closing, r.credit_sales, r.difference,
             r.ledgers, r.confirmed, r.sales_records, r.sales_reconciled, r.status) for r in report.recon] == [
        # opening 115,000 − 55,000 = 60,000; + 10,000 charged; the Q3 ledger is not confirmed; the
        # September sales record is a draft, not reconciled
        ("C0001", "CNY", D("60000.00"), D("10000.00"), ZERO, D("70000.00"), D("10000.00"), ZERO,
         ["3-2026-S02-0003"], False, 1, 0, "unconfirmed"),
        # 10,000 + 15,000 − 10,000 = 15,000; 3,000 charged without a credit sale → −3,000
        ("C0002", "CNY", D("15000.00"), D("3000.00"), ZERO, D("18000.00"), ZERO, D("-3000.00"),
         ["3-2026-S02-0004"], True, 1, 1, "differs"),
        ("C0003", "CNY", ZERO, ZERO, D("2000.00"), D("-2000.00"), ZERO, ZERO, ["3-2026-S02-0005"], True, 1, 1,
         "agrees"),
        # 4,000 + 5,000 + 3,000 − 4,000 = 8,000; + 2,000 − 5,000 = 5,000
        ("C0004", "USD", D("8000.00"), D("2000.00"), D("5000.00"), D("5000.00"), D("2000.00"), ZERO,
         ["3-2026-S04-0002"], True, 1, 1, "agrees"),
    ]
    # C0002's ledger records a closing balance of 20,000; its entries give 18,000
    assert [(c.code, c.customer, c.currency, c.which, c.day, c.recorded, c.computed, c.difference)
            for c in report.checks] == [
        ("3-2026-S02-0004", "C0002", "CNY", "closing", DAY("2026-09-30"), D("20000.00"), D("18000.00"),
         D("2000.00"))]


def test_credit_half_year_and_confirmation_letters(archive):
    report, _ = figures("credit", archive, "2026-H1")
    assert credit_rows(report) == [
        # at 06-30: 5,000 + 40,000 + 20,000 − 25,000 = 40,000: 20,000 of 04-10 (due 05-10: 51 days)
        # and 06-20 not yet due; all 60,000 of H1 sales on credit
        ("C0001", "CNY", D("50000.00"), "credit-limit", D("40000.00"), buckets("20000.00", "0.00", "20000.00"),
         D("20000.00"), D("0.8000"), False, None, D("60000.00"), D("60000.00"), D("1.0000")),
        # 05-12's 10,000, due 06-11: 19 days
        ("C0002", "CNY", D("20000.00"), "card", D("10000.00"), buckets("0.00", "10000.00"), D("10000.00"),
         D("0.5000"), False, None, D("10000.00"), D("10000.00"), D("1.0000")),
        # no ledger entry yet; 06-18's 10,000 in cash
        ("C0003", "CNY", None, None, ZERO, buckets(), ZERO, None, False, None, ZERO, D("10000.00"), D("0.0000")),
        ("C0004", "USD", D("10000.00"), "export-terms", ZERO, buckets(), ZERO, D("0.0000"), False, None,
         D("4000.00"), D("4000.00"), D("1.0000")),
        ("C0005", "CNY", D("30000.00"), "card", ZERO, buckets(), ZERO, D("0.0000"), False, None, ZERO, ZERO, None),
    ]
    # 60,000 + 10,000 of 80,000 (C0003's 10,000 in cash)
    assert (report.totals["CNY"].outstanding, report.totals["CNY"].credit_ratio) == (D("50000.00"), D("0.8750"))
    # the opening 5,000 of C0001's first ledger is brought forward into H1's opening balance
    assert [(r.customer, r.opening, r.charges, r.repayments, r.closing, r.credit_sales, r.status)
            for r in report.recon] == [
        ("C0001", D("5000.00"), D("60000.00"), D("25000.00"), D("40000.00"), D("60000.00"), "agrees"),
        ("C0002", ZERO, D("10000.00"), ZERO, D("10000.00"), D("10000.00"), "agrees"),
        ("C0004", ZERO, D("4000.00"), D("4000.00"), ZERO, D("4000.00"), "agrees")]
    assert report.checks == []
    # letters: a balance at 06-30 or entries in H1 (C0004 settled to nil); C0003 had neither
    assert [(x.number, x.customer, x.as_of, x.balances, x.manager) for x in report.letters] == [
        ("QZ-2026-H1-C0001", "C0001", DAY("2026-06-30"), [Money(D("40000.00"), "CNY")], "王伟"),
        ("QZ-2026-H1-C0002", "C0002", DAY("2026-06-30"), [Money(D("10000.00"), "CNY")], "王伟"),
        ("QZ-2026-H1-C0004", "C0004", DAY("2026-06-30"), [Money(ZERO, "USD")], "陈晓雨")]
    assert [(c.date, c.due, c.original, c.open, c.days_past_due) for c in report.letters[0].open_charges["CNY"]] == [
        (DAY("2026-04-10"), DAY("2026-05-10"), D("40000.00"), D("20000.00"), 51),
        (DAY("2026-06-20"), DAY("2026-07-20"), D("20000.00"), D("20000.00"), -20)]


# --- annual / half-year composition ------------------------------------------------------------------


def groups(report, dimension, currency):
    return [(g.key, g.amount, g.share, g.customers, g.lines) for g in report.composition[dimension][currency]]


def test_annual_composition(archive):
    report, _ = figures("annual", archive, "2026")
    # CNY: C0001 120,000 (6 lines) + C0002 35,000 (3) + C0003 25,000 (3) = 180,000; USD: C0004 14,000 (4)
    assert report.totals == {"CNY": D("180000.00"), "USD": D("14000.00")}
    assert report.customers == {"CNY": 3, "USD": 1}
    # 迎泽区: C0001 + C0003 = 145,000 / 180,000 = 0.80556; 小店区: C0002 35,000 = 0.19444
    assert groups(report, "region", "CNY") == [("迎泽区", D("145000.00"), D("0.8056"), 2, 9),
                                               ("小店区", D("35000.00"), D("0.1944"), 1, 3)]
    assert groups(report, "region", "USD") == [("德国汉堡", D("14000.00"), D("1.0000"), 1, 4)]
    # 120,000 / 180,000 = 0.66667; 25,000 / 180,000 = 0.13889
    assert groups(report, "nature", "CNY") == [("special", D("120000.00"), D("0.6667"), 1, 6),
                                               ("company", D("35000.00"), D("0.1944"), 1, 3),
                                               ("individual", D("25000.00"), D("0.1389"), 1, 3)]
    assert groups(report, "nature", "USD") == [("company", D("14000.00"), D("1.0000"), 1, 4)]
    assert groups(report, "industry", "CNY") == [("能源", D("120000.00"), D("0.6667"), 1, 6),
                                                 ("房地产", D("35000.00"), D("0.1944"), 1, 3),
                                                 ("个人会员", D("25000.00"), D("0.1389"), 1, 3)]
    assert groups(report, "industry", "USD") == [("食品进口批发", D("14000.00"), D("1.0000"), 1, 4)]
    # 会议 40,000 + 18,000 + 12,000 = 70,000 (0.38889); 客房 20,000 × 2 = 40,000 (0.22222);
    # 宴会 10,000 + 15,000 and 餐饮 10,000 + 10,000 + 5,000 = 25,000 each (0.13889; tie by name);
    # 康体 10,000 × 2 = 20,000 (0.11111)
    assert groups(report, "product", "CNY") == [("会议", D("70000.00"), D("0.3889"), 1, 3),
                                                ("客房", D("40000.00"), D("0.2222"), 1, 2),
                                                ("宴会", D("25000.00"), D("0.1389"), 1, 2),
                                                ("餐饮", D("25000.00"), D("0.1389"), 3, 3),
                                                ("康体", D("20000.00"), D("0.1111"), 1, 2)]
    assert groups(report, "product", "USD") == [("外销商品", D("14000.00"), D("1.0000"), 1, 4)]
    assert groups(report, "grade", "CNY") == [("A", D("120000.00"), D("0.6667"), 1, 6),
                                              ("B", D("35000.00"), D("0.1944"), 1, 3),
                                              ("C", D("25000.00"), D("0.1389"), 1, 3)]
    assert groups(report, "grade", "USD") == [("B", D("14000.00"), D("1.0000"), 1, 4)]


def test_half_year_composition(archive):
    report, _ = figures("annual", archive, "2026-H1")
    # CNY: C0001 40,000 + 20,000, C0002 10,000, C0003 10,000 (06-18) = 80,000; USD: 4,000
    assert report.totals == {"CNY": D("80000.00"), "USD": D("4000.00")}
    assert report.customers == {"CNY": 3, "USD": 1}
    # 迎泽区 60,000 + 10,000 = 70,000 / 80,000
    assert groups(report, "region", "CNY") == [("迎泽区", D("70000.00"), D("0.8750"), 2, 3),
                                               ("小店区", D("10000.00"), D("0.1250"), 1, 1)]
    assert groups(report, "product", "CNY") == [("会议", D("40000.00"), D("0.5000"), 1, 1),
                                                ("客房", D("20000.00"), D("0.2500"), 1, 1),
                                                ("宴会", D("10000.00"), D("0.1250"), 1, 1),
                                                ("康体", D("10000.00"), D("0.1250"), 1, 1)]
    assert groups(report, "grade", "USD") == [("B", D("4000.00"), D("1.0000"), 1, 1)]


# --- what cannot be used is named, never guessed --------------------------------------------------------


def test_an_unusable_item_is_left_out_and_named(archive, run, tmp_path):
    path = archive / "records/6/2026/6-2026-S02-0005.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("amount: 12000.00 CNY", "amount: 12000"),
                    encoding="utf-8")
    period = parse_period("2026-Q3")
    data = reports.load("quarterly", archive, period)
    assert [(p.file, p.line, p.rule, p.key, p.args["field"]) for p in data.problems] == [
        ("records/6/2026/6-2026-S02-0005.yaml", 28, "report", "report-field-invalid", "content.lines.1.amount")]
    report = reports.build("quarterly", data, period)
    assert report.totals["CNY"] == D("70000.00")  # 100,000 less C0001's July record (30,000)
    result = run("--archive", archive, "report", "quarterly", "--period", "2026-Q3", "--format", "html",
                 "--output", tmp_path / "out", "--lang", "en")
    assert result.code == 1
    assert "records/6/2026/6-2026-S02-0005.yaml:28:" in result.err and "cannot be used" in result.err
    assert "1 file(s) could not be used" in result.out


def test_fixture_archive_validates_clean(archive, run):
    result = run("--archive", archive, "validate", "--no-cache")
    assert result.code == 0, result.out


# --- outputs read back ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    """Every report rendered once, through the command line, into one folder."""
    root = copy_archive(FIXTURE, tmp_path_factory.mktemp("reports") / "archive")
    out = root.parent / "out"
    runs = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DOSSIER_TODAY", TODAY)
        act_as(mp, SEES_ALL)
        for args in (("monthly", "2026-09", "pdf", "zh"), ("quarterly", "2026-Q3", "pdf", "zh"),
                     ("credit", "2026-09", "pdf", "zh"), ("annual", "2026", "pdf", "zh"),
                     ("credit", "2026-H1", "pdf", "en"), ("monthly", "2026-09", "xlsx", "zh"),
                     ("quarterly", "2026-Q3", "xlsx", "en"), ("credit", "2026-09", "xlsx", "zh"),
                     ("annual", "2026", "xlsx", "zh"), ("quarterly", "2026-Q3", "html", "zh"),
                     ("credit", "2026-09", "html", "en")):
            kind, period, fmt, lang = args
            runs[args] = main(["--archive", str(root), "report", kind, "--period", period, "--format", fmt,
                               "--output", str(out), "--lang", lang])
    assert set(runs.values()) == {0}
    return out


def pdf_text(path: Path) -> str:
    result = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return result.stdout


def pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(path)).pages)


def test_written_files(outputs):
    assert sorted(p.name for p in outputs.iterdir()) == [
        "annual-2026.zh.pdf", "annual-2026.zh.xlsx",
        "credit-2026-09.en.html", "credit-2026-09.zh.pdf", "credit-2026-09.zh.xlsx", "credit-2026-H1.en.pdf",
        "letter-2026-H1-C0001.en.pdf", "letter-2026-H1-C0002.en.pdf", "letter-2026-H1-C0004.en.pdf",
        "monthly-2026-09.zh.pdf", "monthly-2026-09.zh.xlsx",
        "quarterly-2026-Q3.en.xlsx", "quarterly-2026-Q3.zh.html", "quarterly-2026-Q3.zh.pdf"]


def test_every_report_pdf_and_letter_is_pdfa_2b(outputs):
    """Reports and 询证函: PDF/A-2b (header 1.7, XMP = document information, output intent,
    identifier, every font embedded: pikepdf and pdffonts); identified by their file or letter number."""
    import pdfa_check

    pdfs = sorted(outputs.glob("*.pdf"))
    assert len(pdfs) == 8
    for pdf in pdfs:
        customer = pdf.stem.split("-")[-1].split(".")[0]
        identifier = f"QZ-2026-H1-{customer}" if pdf.name.startswith("letter-") else pdf.stem
        assert pdfa_check.problems(pdf, identifier=identifier) == [], pdf.name


@pytest.mark.skipif(__import__("shutil").which("verapdf") is None, reason="veraPDF is not installed: the PDF/A "
                    "properties are checked with pikepdf and pdffonts only (test_every_report_pdf_and_letter_is_pdfa_2b)")
def test_verapdf_accepts_the_reports(outputs):
    import pdfa_check

    assert {pdf.name: pdfa_check.verapdf(pdf) for pdf in outputs.glob("*.pdf")} == {
        pdf.name: None for pdf in outputs.glob("*.pdf")}


def test_every_page_of_a_letter_and_its_reply_slip_name_the_letter_and_customer(outputs):
    """The reply slip (回执) comes back alone: it carries the letter's number and the customer,
    and so does every page of the letter (a slip or a table carried over is never anonymous)."""
    for pdf in sorted(outputs.glob("letter-*.pdf")):
        customer = pdf.stem.split("-")[-1].split(".")[0]
        number = f"QZ-2026-H1-{customer}"
        pages = pdf_text(pdf).split("\f")[:-1]
        assert all(number in page and f"({customer})" in page for page in pages), pdf.name
        [slip] = [page for page in pages if "Information confirmed." in page]
        assert f"Reply slip to confirmation letter {number}" in slip


def test_monthly_pdf(outputs):
    path = outputs / "monthly-2026-09.zh.pdf"
    assert pages(path) == 1
    flat = "".join(pdf_text(path).split())
    for fragment in ("月度重点关注客户名单", "2026年9月", "太原龙城会馆销售部", "6位客户中有5位列入名单",
                     "逾期应收60,000.00CNY（最长逾期72天）", "合同HT-2026-001履行中", "2026-09-12受理投诉（处理中）",
                     "逾期应收3,000.00USD（最长逾期19天）", "主要客户", "10,000.00CNY", "2,000.00USD"):
        assert fragment in flat, fragment


def test_quarterly_pdf_has_the_tables_and_the_pareto_charts(outputs):
    path = outputs / "quarterly-2026-Q3.zh.pdf"
    assert 2 <= pages(path) <= 4
    flat = "".join(pdf_text(path).split())
    for fragment in ("季度客户消费分析", "2026年第三季度", "60,000.00", "25,000.00", "15,000.00", "100,000.00",
                     "60.00%", "85.00%", "10,000.00", "客户分类调整建议", "A类2位，B类1位，C类0位",
                     "本季度每月均有消费（2026-07,2026-08,2026-09）→一个月内可成交"):
        assert fragment in flat, fragment
    from pypdf import PdfReader

    # the Pareto charts are drawn as vectors on the pages (drawn_charts.py), their text in the
    # report's fonts: the cumulative line (#c00000) of each, the class A bars (#1f4e79), the
    # title and the share axis
    drawing = " ".join(page.get_contents().get_data().decode("latin-1") for page in PdfReader(str(path)).pages)
    assert drawing.count("0.753 0.000 0.000 RG") == 2 and "0.122 0.306 0.475 rg" in drawing
    for fragment in ("帕累托图（CNY）", "帕累托图（USD）", "C0001", "95"):
        assert fragment in flat, fragment


def test_credit_pdf(outputs):
    path = outputs / "credit-2026-09.zh.pdf"
    assert 2 <= pages(path) <= 5
    flat = "".join(pdf_text(path).split())
    for fragment in ("客户信用管理报告", "信用额度审批3-2026-S02-0001", "外销授信3-2026-S04-0001", "70,000.00",
                     "140.00%", "20,000.00", "86,000.00", "40.00%", "-2,000.00", "对账明细表", "不符", "待确认",
                     "-3,000.00", "台账余额核对不符", "18,000.00", "应收账款账龄分布（CNY）", "90天以上", "31–60天"):
        assert fragment in flat, fragment
    assert "询证函" not in flat  # letters only for the half-year check, or with --letters


def test_confirmation_letters(outputs):
    letter = outputs / "letter-2026-H1-C0001.en.pdf"
    assert pages(letter) in (1, 2)
    flat = " ".join(pdf_text(letter).split())
    for fragment in ("Confirmation letter", "QZ-2026-H1-C0001", "山西晋能集团有限公司", "2026-06-30", "40,000.00",
                     "20,000.00", "HY26041001", "王伟", "not a demand for payment"):
        assert fragment in flat, fragment
    usd = " ".join(pdf_text(outputs / "letter-2026-H1-C0004.en.pdf").split())
    assert "USD 0.00 0.00" in usd and "Hanse Trading GmbH" in usd
    half = " ".join(pdf_text(outputs / "credit-2026-H1.en.pdf").split())
    assert "Confirmation letters" in half and "3 letter(s)" in half


def test_annual_pdf(outputs):
    flat = "".join(pdf_text(outputs / "annual-2026.zh.pdf").split())
    for fragment in ("客户构成分析", "2026年度", "180,000.00", "80.56%", "19.44%", "特殊公司", "个人", "会议", "38.89%",
                     "外销商品", "14,000.00"):
        assert fragment in flat, fragment


def read_sheet(path: Path, index: int):
    from openpyxl import load_workbook

    book = load_workbook(path)
    return book, book.worksheets[index]


def values(sheet) -> list[list]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def dec(value) -> D | None:
    return None if value is None else D(str(value))


def test_monthly_xlsx(outputs):
    book, sheet = read_sheet(outputs / "monthly-2026-09.zh.xlsx", 1)
    assert book.worksheets[0]["A1"].value == "太原龙城会馆销售部 月度重点关注客户名单"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:H6"
    rows = values(sheet)
    assert rows[0] == ["客户编号", "客户名称", "客户经理", "等级", "规模分类", "本月消费", "原因数", "关注原因"]
    assert [(r[0], r[6]) for r in rows[1:]] == [("C0001", 5), ("C0004", 4), ("C0002", 2), ("C0003", 1), ("C0005", 1)]
    assert rows[2][7] == ("B级客户；合同 EX-2026-001 履行中（2026-03-01 至 2027-02-28，20,000.00 USD）；"
                          "逾期应收 3,000.00 USD（最长逾期 19 天）；主要客户")


def test_quarterly_xlsx(outputs):
    book, sheet = read_sheet(outputs / "quarterly-2026-Q3.en.xlsx", 1)
    assert [s.title for s in book.worksheets] == ["Quarterly consumption analysis", "Consumption per customer CNY",
                                                  "Consumption per customer USD", "Proposed class changes"]
    rows = values(sheet)
    assert rows[0] == ["Rank", "Customer", "Name", "Currency", "Jul 2026", "Aug 2026", "Sep 2026", "Total", "Share",
                       "Cumulative", "Class", "Lines"]
    got = [[r[0], r[1], r[3], *map(dec, r[4:10]), r[10], r[11]] for r in rows[1:4]]
    assert got == [
        [1, "C0001", "CNY", D("30000"), D("20000"), D("10000"), D("60000"), D("0.6"), D("0.6"), "A", 4],
        [2, "C0002", "CNY", D("15000"), D("0"), D("10000"), D("25000"), D("0.25"), D("0.85"), "A", 2],
        [3, "C0003", "CNY", D("0"), D("10000"), D("5000"), D("15000"), D("0.15"), D("1"), "B", 2]]
    total = rows[4]
    assert (total[2], total[3], dec(total[7]), total[11]) == ("Total", "CNY", D("100000"), 8)
    assert sheet["H2"].number_format == "#,##0.00;[Red]-#,##0.00" and sheet["I2"].number_format == "0.00%"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:L4"
    proposals = values(book.worksheets[3])  # one row per customer
    assert proposals[0] == ["Customer", "Name", "ABC class", "Volume class", "Grade", "Evidence"]
    assert [row[:5] for row in proposals[1:]] == [
        ["C0002", "山西华宇房地产开发有限公司", "B → A", "general → key", None],
        ["C0003", "王建国", "C → B", "scattered → general", None],
        ["C0004", "Hanse Trading GmbH", None, None, "B → A"],
        ["C0005", "太原市小店区人民政府办公室", "— → C", "general → scattered", "B → D"],
        ["C0006", "山西鑫达物流有限公司", None, None, "C → E"]]
    assert proposals[1][5] == ("25,000.00 CNY in the quarter, 25.00% of CNY sales, rank 2 of 3; 60.00% held by "
                               "those ranked before → class A")
    assert proposals[4][5] == ("no sales in the quarter → class C; no sales from 2026-04-01 to 2026-09-30 → no deal "
                               "for half a year")


def test_credit_xlsx(outputs):
    book, sheet = read_sheet(outputs / "credit-2026-09.zh.xlsx", 1)
    names = [s.title for s in book.worksheets]
    assert names == ["客户信用管理报告", "信用额度与应收账款", "应收账款账龄", "超信用额度客户", "对账明细表", "台账余额核对不符"]
    rows = values(sheet)
    assert rows[0][:6] == ["客户编号", "客户名称", "币种", "信用额度", "额度依据", "应收余额"]
    assert [(r[0], r[2], dec(r[3]), dec(r[5]), dec(r[6]), r[7], dec(r[8]), dec(r[11])) for r in rows[1:6]] == [
        ("C0001", "CNY", D("50000"), D("70000"), D("1.4"), "是", D("20000"), D("1")),
        ("C0002", "CNY", D("20000"), D("18000"), D("0.9"), "否", None, D("0")),
        ("C0003", "CNY", None, D("-2000"), None, "否", None, D("0")),
        ("C0004", "USD", D("10000"), D("5000"), D("0.5"), "否", None, D("1")),
        ("C0005", "CNY", D("30000"), D("0"), D("0"), "否", None, None)]
    assert [(r[1], r[2], dec(r[3]), dec(r[5]), dec(r[11])) for r in rows[6:8]] == [
        ("合计", "CNY", D("100000"), D("86000"), D("0.4")), ("合计", "USD", D("10000"), D("5000"), D("1"))]
    ageing = values(book.worksheets[2])
    assert ageing[0][3:] == ["未到期", "0–30天", "31–60天", "61–90天", "90天以上", "逾期合计", "应收余额"]
    assert [dec(v) for v in ageing[1][3:]] == [D("10000"), D("20000"), D("30000"), D("10000"), D("0"), D("60000"),
                                                 D("70000")]
    assert [dec(v) for v in ageing[6][3:]] == [D("13000"), D("20000"), D("45000"), D("10000"), D("0"), D("75000"),
                                                 D("86000")]
    recon = values(book.worksheets[4])
    assert [(r[0], dec(r[3]), dec(r[6]), dec(r[8]), r[12]) for r in recon[1:]] == [
        ("C0001", D("60000"), D("70000"), D("0"), "待确认"), ("C0002", D("15000"), D("18000"), D("-3000"), "不符"),
        ("C0003", D("0"), D("-2000"), D("0"), "相符"), ("C0004", D("8000"), D("5000"), D("0"), "相符")]
    checks = book.worksheets[5]
    assert checks["F2"].value.date() == dt.date(2026, 9, 30) and checks["F2"].number_format == "yyyy-mm-dd"
    assert (dec(checks["G2"].value), dec(checks["H2"].value), dec(checks["I2"].value)) == (
        D("20000"), D("18000"), D("2000"))


def test_annual_xlsx(outputs):
    book, _ = read_sheet(outputs / "annual-2026.zh.xlsx", 0)
    assert len(book.worksheets) == 1 + 5 * 2  # five dimensions, two currencies each
    product = values(book["产品构成 CNY"])
    assert [(r[0], dec(r[2]), dec(r[3]), r[4], r[5]) for r in product[1:]] == [
        ("会议", D("70000"), D("0.3889"), 1, 3), ("客房", D("40000"), D("0.2222"), 1, 2),
        ("宴会", D("25000"), D("0.1389"), 1, 2), ("餐饮", D("25000"), D("0.1389"), 3, 3),
        ("康体", D("20000"), D("0.1111"), 1, 2), ("合计", D("180000"), None, 3, 12)]
    nature = values(book["客户性质构成 CNY"])
    assert [r[0] for r in nature[1:4]] == ["特殊公司", "一般公司", "个人"]


def test_html_is_self_contained_with_svg_charts(outputs):
    html = (outputs / "quarterly-2026-Q3.zh.html").read_text(encoding="utf-8")
    assert html.count('src="data:image/svg+xml;base64,') == 2  # the CNY and USD Pareto charts
    assert "<style>" in html and "http" not in html.split("<body>")[1].split("data:image")[0]
    assert "60,000.00" in html and "帕累托图（CNY）" in html
    credit = (outputs / "credit-2026-09.en.html").read_text(encoding="utf-8")
    assert "Reconciliation list" in credit and "differs" in credit and "140.00%" in credit
    assert credit.count("data:image/svg+xml") == 1  # one ageing chart, a panel per currency


# --- --apply: the class changes written to the cards, one commit -----------------------------------------


@pytest.fixture
def repo(archive) -> Path:
    init_repo(archive, SEES_ALL)
    return archive


def test_apply_writes_the_cards_in_one_commit_with_the_reason(repo, run, tmp_path):
    before = {p.name: p.read_text(encoding="utf-8") for p in (repo / "customers").iterdir()}
    result = run("--archive", repo, "report", "quarterly", "--period", "2026-Q3", "--format", "xlsx", "--output",
                 tmp_path / "out", "--apply", "--reason", "2026年第三季度消费分析会决定", "--lang", "en")
    assert result.code == 0, result.err
    assert "wrote 9 class change(s) to 5 customer card(s) in one commit" in result.out
    assert git(repo, "rev-list", "--count", "HEAD").strip() == "2"
    changed = git(repo, "show", "--name-only", "--format=", "HEAD").split()
    assert changed == [f"customers/{c}.yaml" for c in ("C0002", "C0003", "C0004", "C0005", "C0006")]
    message = git(repo, "log", "-1", "--format=%B")
    assert message.startswith("Quarterly analysis 2026-Q3: class changes for 5 customer(s)")
    assert "C0005 abc_class: - -> C; volume_class: general -> scattered; grade: B -> D" in message
    assert git(repo, "log", "-1", "--format=%(trailers:key=Reason,valueonly)").strip() == "2026年第三季度消费分析会决定"
    assert git(repo, "status", "--porcelain") == ""

    def card(customer):
        return load_file(repo / "customers" / f"{customer}.yaml", customer).data

    assert (card("C0002")["abc_class"], card("C0002")["volume_class"], card("C0002")["grade"]) == ("A", "key", "B")
    assert (card("C0003")["abc_class"], card("C0003")["volume_class"]) == ("B", "general")
    assert card("C0004")["grade"] == "A"
    assert (card("C0005")["abc_class"], card("C0005")["volume_class"], card("C0005")["grade"]) == ("C", "scattered",
                                                                                                    "D")
    assert card("C0006")["grade"] == "E"
    # only the changed lines differ; comments and flow-style contacts are kept
    after = (repo / "customers/C0002.yaml").read_text(encoding="utf-8")
    assert after == before["C0002.yaml"].replace("volume_class: general", "volume_class: key").replace(
        "abc_class: B", "abc_class: A")
    # a missing key goes after the keys that precede it in the card schema
    assert (repo / "customers/C0005.yaml").read_text(encoding="utf-8") == before["C0005.yaml"].replace(
        "volume_class: general\ntime_class: existing\n", "volume_class: scattered\ntime_class: existing\nabc_class: C\n"
    ).replace("grade: B", "grade: D")
    assert (repo / "customers/C0001.yaml").read_text(encoding="utf-8") == before["C0001.yaml"]
    # the cards now agree with the quarter: nothing more to propose, and they validate
    again = run("--archive", repo, "report", "quarterly", "--period", "2026-Q3", "--format", "xlsx", "--output",
                tmp_path / "out", "--lang", "en")
    assert "no class changes proposed" in again.out
    assert run("--archive", repo, "validate", "--no-cache").code == 0


def test_apply_needs_a_reason_and_changes_nothing_without_one(repo, run, tmp_path):
    result = run("--archive", repo, "report", "quarterly", "--period", "2026-Q3", "--apply", "--reason", "  ",
                 "--output", tmp_path / "out", "--lang", "en")
    assert result.code == 2 and "--reason" in result.err
    assert git(repo, "status", "--porcelain") == "" and not (tmp_path / "out").exists()


def test_apply_refuses_cards_with_uncommitted_changes(repo, run, tmp_path):
    card = repo / "customers/C0003.yaml"
    card.write_text(card.read_text(encoding="utf-8") + "remarks: 待核实\n", encoding="utf-8")
    result = run("--archive", repo, "report", "quarterly", "--period", "2026-Q3", "--format", "xlsx", "--apply",
                 "--reason", "季度分析", "--output", tmp_path / "out", "--lang", "en")
    assert result.code == 1 and "customers/C0003.yaml" in result.err
    assert git(repo, "rev-list", "--count", "HEAD").strip() == "1"
    assert git(repo, "status", "--porcelain").split() == ["M", "customers/C0003.yaml"]
    assert load_file(repo / "customers/C0002.yaml", "c").data["abc_class"] == "B"


def test_apply_outside_git_writes_the_cards_only(archive, run, tmp_path):
    result = run("--archive", archive, "report", "quarterly", "--period", "2026-Q3", "--format", "xlsx", "--apply",
                 "--reason", "季度分析", "--output", tmp_path / "out", "--lang", "en")
    assert result.code == 0 and "not in git" in result.out
    assert load_file(archive / "customers/C0006.yaml", "c").data["grade"] == "E"


def test_edit_card_keeps_layout_and_line_endings():
    raw = b"id: C0009\r\nname: Test\r\ngrade: B   # note\r\nvolume_class: key\r\ntime_class: new\r\nstatus: active\r\n"
    edited = cards.edit_card(raw, "customers/C0009.yaml", {"grade": "A", "abc_class": "C"})
    assert edited == (b"id: C0009\r\nname: Test\r\ngrade: A   # note\r\nvolume_class: key\r\ntime_class: new\r\n"
                      b"abc_class: C\r\nstatus: active\r\n")


def test_edit_card_falls_back_to_a_whole_card_for_odd_layouts():
    raw = "{id: C0009, name: Test, grade: B, volume_class: key, time_class: new, status: active}\n".encode()
    edited = cards.edit_card(raw, "customers/C0009.yaml", {"grade": "A"})
    assert edited.decode() == "id: C0009\nname: Test\ngrade: A\nvolume_class: key\ntime_class: new\nstatus: active\n"


# --- command line ------------------------------------------------------------------------------


@pytest.mark.parametrize("args, words", [
    (("monthly", "--period", "2026-Q3"), "2026-10"),
    (("quarterly", "--period", "2026-09"), "2026-Q3"),
    (("annual", "--period", "2026-10"), "2025, 2026-H1"),
    (("credit", "--period", "2026-13"), "2026-H1 (half-year)"),
])
def test_period_usage_errors_exit_2(archive, run, tmp_path, args, words):
    result = run("--archive", archive, "report", *args, "--output", tmp_path / "out", "--lang", "en")
    assert result.code == 2 and words in result.err
    assert not (tmp_path / "out").exists()


def test_output_must_be_a_folder(archive, run, tmp_path):
    target = tmp_path / "file"
    target.write_text("x")
    result = run("--archive", archive, "report", "monthly", "--period", "2026-09", "--format", "xlsx", "--output",
                 target, "--lang", "en")
    assert result.code == 2


def test_default_period_and_folder(archive, run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("--archive", archive, "report", "monthly", "--format", "xlsx", "--lang", "en")
    assert result.code == 0 and (tmp_path / "monthly-2026-10.en.xlsx").is_file()  # today is 2026-11-23


def test_heavy_modules_are_imported_only_to_render():
    code = ("import sys, dossier.cli.main, dossier.reports, dossier.reports.document; "
            "print(sorted(m for m in ('matplotlib', 'weasyprint', 'openpyxl') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=REPO).stdout.strip()
    assert out == "[]"


# --- the PDF's tables, drawn into blocks that WeasyPrint lays out (drawn_tables.py) -----------------------


def long_document(rows: int = 150):
    from dossier.reports.model import AMOUNT, INT, RATIO, Column, Document, Section, Table

    columns = [Column("rank", "排名", INT), Column("customer", "客户编号"), Column("name", "客户名称", wide=True),
               Column("amount", "合计", AMOUNT), Column("share", "占比", RATIO),
               Column("evidence", "依据", wide=True)]
    evidence = "本季度消费 120,940.00 CNY，占 CNY 销售额 0.20%；排名 143/763；本季度每月均有消费 → 一个月内可成交"
    table_rows = [{"rank": i + 1, "customer": f"C{i + 1:04d}", "name": f"山西晋能集团第{i + 1}分公司",
                   "amount": D(f"{(rows - i) * 1000}.00") - (D("200000.00") if i == 3 else 0),
                   "share": D("0.0012"), "evidence": evidence * (1 + i % 3)} for i in range(rows)]
    table = Table("长表", "长表", columns, table_rows, [{"name": "合计", "amount": D("1234567.89")}])
    sections = [Section("第一节", ["表前的文字"], [table]), Section("第二节", ["表后的文字"])]
    return Document("quarterly", "zh", "长表测试", "2026年第三季度", "太原龙城会馆销售部", dt.date(2026, 11, 23),
                    sections, [("统计期间", "2026年第三季度")])


def page_texts(pdf: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "long.pdf"
    path.write_bytes(pdf)
    return ["".join(pdf_text_page(path, page).split()) for page in range(1, pages(path) + 1)]


def pdf_text_page(path: Path, page: int) -> str:
    return subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(path), "-"],
                          capture_output=True, text=True, check=True).stdout


def test_a_pdf_is_made_in_the_process_started_ahead_or_else_here(monkeypatch, tmp_path):
    """ahead.py: the process forked before the archive is read makes the PDF (this process's
    document_pdf is broken after the fork); once it is gone, the PDF is made here; no process
    is left behind, even when the command fails before asking for its PDF."""
    import multiprocessing

    from dossier.reports import render_pdf
    from dossier.reports.ahead import PdfAhead

    doc = long_document(40)
    here = page_texts(render_pdf.document_pdf(doc, "x"), tmp_path)
    with PdfAhead() as ahead:
        monkeypatch.setattr(render_pdf, "document_pdf", lambda *args: pytest.fail("made here"))
        assert page_texts(ahead.pdf(doc, "x"), tmp_path) == here
    monkeypatch.undo()
    with PdfAhead() as ahead:
        ahead.process.kill()
        assert page_texts(ahead.pdf(doc, "x"), tmp_path) == here
    with pytest.raises(UsageError), PdfAhead():
        raise UsageError("report-apply-reason")
    assert multiprocessing.active_children() == []
    assert len(here) > 1 and "长表" in here[0]


def test_a_long_table_is_drawn_over_pages_with_its_header_and_page_numbers(tmp_path):
    from dossier.reports.render_pdf import document_pdf

    pdf = document_pdf(long_document())
    texts = page_texts(pdf, tmp_path)
    count = len(texts)
    assert count >= 5
    assert "表前的文字" in texts[0] and "C0001" in texts[0]  # the table starts under the text, not on a page of its own
    for number, text in enumerate(texts, 1):
        assert f"{number}/{count}" in text  # WeasyPrint's own footers
        assert "太原龙城会馆销售部·长表测试·2026年第三季度" in text
    table_pages = [text for text in texts if "C0" in text]
    assert all("客户名称合计占比依据" in text for text in table_pages)  # the header on every page
    flat = "".join(texts)
    positions = [flat.index(f"C{i:04d}") for i in range(1, 151)]
    assert positions == sorted(positions)  # every row, once, in order
    assert flat.index("1,234,567.89") > positions[-1] and "表后的文字" in texts[-1]
    assert "-53,000.00" in flat and "0.12%" in flat and "一个月内可成交" in flat
    from pypdf import PdfReader
    import io

    drawing = "".join(page.get_contents().get_data().decode("latin-1") for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "0.690 0.000 0.000 rg" in drawing  # the negative amount in red, as report.css .neg


def test_a_table_the_glyph_sheet_cannot_draw_stays_an_html_table(tmp_path, monkeypatch):
    from dossier.reports import drawn_tables
    from dossier.reports.render_pdf import document_pdf

    monkeypatch.setattr(drawn_tables.TableText, "drawable", lambda self, glyphs: False)
    texts = page_texts(document_pdf(long_document(60)), tmp_path)
    flat = "".join(texts)
    assert all(f"C{i:04d}" in flat for i in range(1, 61)) and "1,234,567.89" in flat
    assert f"1/{len(texts)}" in texts[0]


def test_glyph_sheet_widths_and_codes():
    from weasyprint import HTML

    from dossier.reports.glyphs import Glyphs, sheet_text
    from dossier.reports.render_html import glyph_sheet_html

    glyphs = Glyphs(HTML(string=glyph_sheet_html(sheet_text(set("0129,.客户A")), sheet_text(set("合计")), "zh"))
                    .write_pdf())
    assert glyphs.width("0", False) == glyphs.width("9", False)  # tabular digits
    assert glyphs.width("客户", False) == pytest.approx(2.0)  # a Chinese character is one em
    assert glyphs.covers("1,290.00", False) and not glyphs.covers("Z", False) and glyphs.covers("合计", True)
    runs = glyphs.runs("客户 A", False)
    assert len(runs) == 1 and len(runs[0][1]) == 4 * 4  # one font, four glyphs of 4 hex digits
    assert 0.8 < glyphs.ascent < 1.3 and 0.1 < glyphs.descent < 0.5


def test_line_breaks_and_column_widths():
    from dossier.reports.drawn_tables import _share, _units

    assert _units("消费 120,940.00 CNY，占比（测试）Hanse GmbH") == [
        "消", "费 ", "120,940.00 ", "CNY，", "占", "比", "（测", "试）", "Hanse ", "GmbH"]
    assert _share([10, 20], [30, 40], 140) == [60, 80]  # room to spare: in proportion to the widest content
    assert _share([10, 20], [30, 40], 50) == [20, 30]  # between the narrowest and the widest
    assert _share([10, 20], [30, 40], 20) == [10, 20]  # too narrow: the narrowest, overflowing


def test_a_first_part_not_in_one_piece_is_cut_to_its_first_row(tmp_path, monkeypatch):
    from dossier.reports import render_pdf

    checked = []

    def split_once(rendered, name):  # as if WeasyPrint had put the first part's rows on the next page
        checked.append(name)
        return len(checked) > 1

    monkeypatch.setattr(render_pdf, "_in_one_piece", split_once)
    texts = page_texts(render_pdf.document_pdf(long_document()), tmp_path)
    flat = "".join(texts)
    positions = [flat.index(f"C{i:04d}") for i in range(1, 151)]
    assert positions == sorted(positions) and all(flat.count(f"C{i:04d}") == 1 for i in range(1, 151))
    assert "C0001" in texts[0] and "C0002" not in texts[0]  # the first part: the header and one row
    assert all(f"{n}/{len(texts)}" in text for n, text in enumerate(texts, 1))


def test_tables_after_a_long_table_are_cut_in_fewer_passes_to_the_same_pages(tmp_path, monkeypatch):
    """render_pdf._next_cuts: where a table lands after the last part of the one before it is
    told without laying the document out again; the pages are those of one pass a table."""
    from dossier.reports import render_pdf
    from dossier.reports.model import Section

    doc = long_document(70)
    table = doc.sections[0].tables[0]
    doc.sections[1:1] = [Section(f"第{n}节", ["表前的文字"], [replace(table, rows=table.rows[:45])]) for n in "二三四"]
    passes = []
    lay_out = render_pdf._Report.lay_out
    monkeypatch.setattr(render_pdf._Report, "lay_out", lambda self, parts: passes.append(1) or lay_out(self, parts))
    told = page_texts(render_pdf.document_pdf(doc), tmp_path)
    told_passes = len(passes)
    monkeypatch.setattr(render_pdf, "_next_cuts", lambda rendered, layouts, parts, cut_at: {
        name: cut_at(name, space) for name, space in render_pdf._spaces(rendered, layouts).items()})
    passes.clear()
    assert page_texts(render_pdf.document_pdf(doc), tmp_path) == told
    assert told_passes < len(passes)
    starts = [n for n, text in enumerate(told) if "表前的文字" in text]
    assert len(starts) == 4 and all("C0001" in told[n] for n in starts)  # each table starts under its text


def test_a_pdf_without_weasyprint_is_a_message(monkeypatch):
    from dossier.archive.errors import DossierError
    from dossier.reports.render_pdf import document_pdf

    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as if it were not installed
    with pytest.raises(DossierError) as raised:
        document_pdf(long_document(3))
    assert raised.value.key == "report-no-weasyprint"
