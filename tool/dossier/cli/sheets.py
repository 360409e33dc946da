"""`dossier import` and `dossier export`: department spreadsheets in and out (thin over
spreadsheet.py, spreadsheet_import.py and spreadsheet_export.py)."""

from __future__ import annotations

from pathlib import Path

import click

from .main import (_acting_person, _acting_reader, _display_prefix, _session, _tell_left_out, cli, lang_option,
    shown_path, tell_if_unapproved)

MAPPING_HELP = ("Mapping of columns to fields (default: the archive's mappings/<kind>.yaml, else the "
                "shipped one for a typical 客户管理表 / 销售记录表).")
# The two sheets: customers (客户管理表) and records (销售记录表), whose rows are the lines of the
# sales-record items; `items` names the second too, in both directions.
SHEETS = click.Choice(["customers", "records", "items"])


def _sheet_kind(what: str) -> str:
    return "records" if what == "items" else what


@cli.command(name="import", short_help="Import a customer or sales-record sheet (xlsx, csv), all or nothing.")
@click.argument("what", type=SHEETS)
@click.argument("file", metavar="FILE.xlsx|FILE.csv", type=click.Path(dir_okay=False))
@click.option("--mapping", metavar="M.yaml", help=MAPPING_HELP)
@click.option("--dry-run", is_flag=True, help="Check the sheet and show what would change; write nothing.")
@click.option("--reason", metavar="TEXT", help="Why existing cards or filed items change (required then; "
              "the commit's Reason: trailer).")
@lang_option
@click.pass_context
def import_(ctx, what, file, mapping, dry_run, reason, lang):
    """Import a sheet: every row becomes a customer card (customers) or a line of a
    sales-record item (records, or items), checked with the same schemas and rules as `validate`.

    Problems name the cell, e.g. `客户管理表!G5: …`; if any row has one, nothing is
    written. Rows equal to the archive change nothing. A changed card or filed item is a
    modification: it needs --reason, and in git it is committed with that `Reason:`.
    Exit 1 when the sheet has problems, 2 on usage errors.
    """
    from ..archive.config import open_archive
    from ..record.history import diff_values
    from ..access.rekey import sealer
    from ..archive.schemas import SchemaSet
    from ..sheets.spreadsheet import cell_ref, load_mapping, mapping_path, problem_text, read_sheet
    from ..record.reassign import moved_customers, reencrypted
    from ..sheets.spreadsheet_import import CHANGED, NEW, apply, plan_customers, plan_records, refuse_unwritable

    session = _session(ctx, lang)
    if not dry_run:  # the plan (new numbers, what changes) holds only while no one else changes the archive
        ctx.with_resource(session.changing("import"))
    what = _sheet_kind(what)
    root = session.root
    archive = open_archive(root)
    schemas = SchemaSet(root / "schemas")
    currency = str(archive.settings.data.get("currency", "CNY"))
    the_mapping = load_mapping(mapping_path(root, what, mapping), what, schemas, currency)
    path = Path(file)
    seal = sealer(archive, schemas, session.today)  # confidential values: as stored when equal, else encrypted
    sheet = read_sheet(path, the_mapping)
    if what == "customers":
        plan = plan_customers(archive, schemas, the_mapping, sheet, sealer=seal)
    else:
        plan = plan_records(archive, schemas, the_mapping, sheet, session.today, lambda: _acting_person(archive), seal)
    refuse_unwritable(plan, _acting_reader(session))  # write rights follow read rights, before anything is written
    prefix = _display_prefix(root)
    for problem in sorted(plan.problems, key=lambda p: (p.file != sheet.name, p.file, p.line, p.column)):
        click.echo(problem_text(problem, session.lang, prefix))
    if plan.errors:
        session.echo_err("import-failed", file=path.name, count=len(plan.errors))
        ctx.exit(1)
    for change in plan.writes:
        ref = cell_ref(sheet.name, change.row, 0)
        if change.kind == NEW:
            session.echo("import-new", path=prefix + change.path, ref=ref)
        elif change.kind == CHANGED:
            fields = "; ".join(c.text() for c in diff_values(change.old, change.data))
            session.echo("import-changed", path=prefix + change.path, ref=ref, fields=fields)
    summary = {"file": path.name, "rows": plan.rows, "new": plan.count(NEW), "changed": plan.count(CHANGED),
               "unchanged": plan.count("unchanged")}
    session.echo("import-summary", **summary)
    if dry_run:
        if plan.needing_reason and not (reason or "").strip():
            session.echo("import-dry-run-reason", count=len(plan.needing_reason))
        session.echo("import-dry-run")
        return
    moved = moved_customers(plan.writes) if what == "customers" else {}
    also = reencrypted(archive, schemas, seal.identity, session.today, moved,
                       {c.path: c.text.encode("utf-8") for c in plan.writes if c.label in moved}) if moved else {}
    commit = apply(root, plan, reason, path.name, also)
    if commit:
        session.echo("import-committed", sha=commit[:10])
        tell_if_unapproved(session, root, commit, f"import-{what}")


@cli.command(short_help="Export customer cards or items as a formatted sheet that imports back unchanged.")
@click.argument("what", type=SHEETS)
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv"]),
              help="xlsx or csv (default: the --output file's extension, else xlsx).")
@click.option("--output", metavar="FILE|DIR", default=".", show_default=True,
              help="The file to write (a name ending in .xlsx or .csv), or the folder to write it into "
                   "(created if missing); never inside the archive's work tree: the sheet holds decrypted values.")
@click.option("--mapping", metavar="M.yaml", help=MAPPING_HELP)
@lang_option
@click.pass_context
def export(ctx, what, fmt, output, mapping, lang):
    """Export customer cards (customers: the 客户管理表) or the lines of every sales record
    (records, or items: the 销售记录表) through the mapping import reads, so that the sheet imports
    back without any change. The file is named after the sheet, e.g. 客户管理表.xlsx.

    xlsx: header frozen, filters on, CJK-aware widths, amounts and dates formatted, drop-down
    lists for fixed values. csv: UTF-8 with a byte-order mark.
    Exit 1 when a file cannot be read (it is named, and missing from the sheet).
    """
    from .rekey import echo_hidden
    from ..archive.config import open_archive
    from ..access.crypto import Revealer, load_identity
    from .reporter import problem_line
    from ..archive.schemas import SchemaSet
    from ..sheets.spreadsheet import People, load_mapping, mapping_path
    from ..sheets.spreadsheet_export import customers_table, items_table, write_table

    from ..record.outputs import chosen_format, refuse_tracked, target

    session = _session(ctx, lang)
    destination = target(output, ("xlsx", "csv"))
    fmt = chosen_format(destination, fmt, "xlsx")
    root = session.root
    archive = open_archive(root)
    schemas = SchemaSet(root / "schemas")
    kind = _sheet_kind(what)
    currency = str(archive.settings.data.get("currency", "CNY"))
    the_mapping = load_mapping(mapping_path(root, kind, mapping), kind, schemas, currency)
    reader = _acting_reader(session)
    identity = load_identity()
    reveal = Revealer(schemas, identity)  # confidential values decrypted with the reader's key, if it can
    if what == "customers":
        table = customers_table(archive, the_mapping, reader, reveal=reveal)
    else:
        table = items_table(archive, schemas, the_mapping, reader, reveal=reveal)
    echo_hidden(session, reveal.seen, identity)
    for failure in table.failures:
        click.echo(problem_line(failure, session.lang, _display_prefix(root)), err=True)
    _tell_left_out(session, reader, table.hidden, "access-hidden-cards" if what == "customers" else "access-hidden")
    path = destination.path(f"{the_mapping.sheet}.{fmt}")
    refuse_tracked(root, path)
    written = write_table(table, People(archive.people), path, fmt)
    session.echo("export-written", file=shown_path(written), rows=len(table.rows))
    if table.failures:
        session.echo_err("export-incomplete", count=len(table.failures))
        ctx.exit(1)

