"""Commands of `dossier` registered on the group in cli.py (imported at its end):
`dossier report monthly|quarterly|credit|annual`, the periodic analyses (reports/)."""

from __future__ import annotations

import click

from .main import _acting_reader, _display_prefix, _session, cli, lang_option

REPORT_FORMATS = ("pdf", "xlsx", "html")


@cli.group()
def report():
    """Periodic analyses: monthly focus list, quarterly ABC, credit, annual composition.

    Every figure is computed with Decimal from the archive's records; amounts of different
    currencies are never added together.
    """


def _common(command):
    command = lang_option(command)
    command = click.option("--output", "output", metavar="FILE|DIR", default=".", show_default=True,
                           help="The file to write (a name ending in .pdf, .xlsx or .html), or the folder to write "
                                "the report into; never inside the archive's work tree.")(command)
    command = click.option("--format", "fmt", type=click.Choice(REPORT_FORMATS),
                           help="pdf, xlsx or html (default: the --output file's extension, else pdf).")(command)
    command = click.option("--period", metavar="PERIOD",
                           help="2026-10 (month), 2026-Q3 (quarter), 2026-H1 (half-year) or 2025 (year); "
                                "default: the last complete one.")(command)
    return click.pass_context(command)


def _run(ctx, kind, period_text, fmt, output, lang, letters=None):
    from ..git import gitchanges
    from ..search.index import collector_paused

    session = _session(ctx, lang)
    # git's status runs while the command line is checked and the report's modules load; the
    # index's look for changed files (reports.load) takes it over
    gitchanges.start_work_tree(session.root)
    try:
        # the records read and the figures live until the command ends: no collection walks them
        # as they come (0.1-0.2 s of a report of 100,000 items)
        with collector_paused():
            return _report(ctx, session, kind, period_text, fmt, output, letters)
    finally:
        gitchanges.stop_unused()


def _report(ctx, session, kind, period_text, fmt, output, letters):
    from .. import reports
    from ..record.outputs import chosen_format, refuse_tracked, target
    from .reporter import problem_line

    root = session.root
    destination = target(output, REPORT_FORMATS)
    fmt = chosen_format(destination, fmt, "pdf")
    refuse_tracked(root, destination.path(f"report.{fmt}"))
    period = reports.resolve_period(kind, period_text, session.today)
    ahead = None
    if fmt == "pdf":  # WeasyPrint is imported in a second process while the archive is read
        from ..reports.ahead import PdfAhead

        ahead = ctx.with_resource(PdfAhead())
    if period.end >= session.today:
        session.echo_err("report-period-open", period=period.label, end=period.end.isoformat(),
                         today=session.today.isoformat())
    data = reports.load(kind, root, period, reader=_acting_reader(session))
    prefix = _display_prefix(root)
    for problem in data.problems:  # name every file left out, never hide it
        click.echo(problem_line(problem, session.lang, prefix), err=True)
    report_data = reports.build(kind, data, period)
    with_letters = letters if letters is not None else period.kind == "half"
    written = reports.write(kind, report_data, data, fmt, destination.folder, session.lang, session.today,
                            with_letters, destination.name, ahead)
    session.echo("report-written", file=str(written.report))
    if written.letters:
        session.echo("report-letters-written", count=len(written.letters), folder=str(destination.folder))
    if data.problems:
        session.echo("report-incomplete", count=len({p.file for p in data.problems}))
    return session, root, report_data, bool(data.problems)


@report.command()
@_common
def monthly(ctx, period, fmt, output, lang):
    """Monthly focus-customer list 月度重点关注客户, with the reasons for each customer."""
    *_, incomplete = _run(ctx, "monthly", period, fmt, output, lang)
    ctx.exit(1 if incomplete else 0)


@report.command()
@click.option("--apply", "apply_", is_flag=True, help="Write the proposed class changes to the customer cards "
              "as one change (one commit in git) for the sales manager's approval.")
@click.option("--reason", metavar="TEXT", help="Why the cards change (required with --apply).")
@_common
def quarterly(ctx, apply_, reason, period, fmt, output, lang):
    """Quarterly consumption, ABC by Pareto and the class changes it proposes."""
    from ..archive.errors import UsageError

    if apply_ and not " ".join((reason or "").split()):
        raise UsageError("report-apply-reason")
    if apply_:  # the proposals hold only while no one else changes the cards
        ctx.with_resource(ctx.obj.changing("report --apply"))
    session, root, result, incomplete = _run(ctx, "quarterly", period, fmt, output, lang)
    customers = len({p.customer for p in result.proposals})
    if not result.totals:
        session.echo("report-no-sales", period=result.period.label)
    elif not result.proposals:
        session.echo("report-no-proposals")
    elif not apply_:
        session.echo("report-proposals", count=len(result.proposals), customers=customers)
    else:
        from ..reports.apply import apply_proposals

        applied = apply_proposals(root, result.proposals, reason, result.period.label)
        if applied.commit:
            session.echo("report-applied", count=applied.changes, customers=len(applied.cards),
                         sha=applied.commit[:10])
        else:
            session.echo("report-applied-no-git", count=applied.changes, customers=len(applied.cards))
    ctx.exit(1 if incomplete else 0)


@report.command()
@click.option("--letters/--no-letters", default=None,
              help="Write a confirmation letter 询证函 PDF per customer (default: for a half-year period).")
@_common
def credit(ctx, letters, period, fmt, output, lang):
    """Credit limits, receivables and ageing, credit-sales ratio, reconciliation 对账, 询证函."""
    *_, incomplete = _run(ctx, "credit", period, fmt, output, lang, letters)
    ctx.exit(1 if incomplete else 0)


@report.command()
@_common
def annual(ctx, period, fmt, output, lang):
    """Half-year or annual composition by region, nature, industry, product and grade."""
    *_, incomplete = _run(ctx, "annual", period, fmt, output, lang)
    ctx.exit(1 if incomplete else 0)
