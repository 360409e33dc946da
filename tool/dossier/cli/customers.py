"""`dossier customers`: the customer cards 客户资料卡 as a list, filtered, as read rights allow (thin over
lookup.py and access.py)."""

from __future__ import annotations

import click

from .main import _acting_reader, _session, _tell_left_out, cli, echo_json, lang_option

COLUMNS = ("id", "name", "manager", "grade", "nature", "volume_class", "status", "region")
HEADER_ZH = ("客户编号", "客户名称", "客户经理", "等级", "客户性质", "规模分类", "状态", "区域")


@cli.command()
@click.option("--manager", metavar="PERSON", help="Only this customer manager's customers: id, e-mail or name.")
@click.option("--grade", metavar="A-E", help="Only this grade (A…E, or its label, e.g. A级).")
@click.option("--nature", metavar="NATURE", help="Only this nature: government, special, company, individual, "
              "partner (or its label, e.g. 一般公司).")
@click.option("--status", "card_status", metavar="STATUS", help="Only this status: active, withdrawn, dormant, "
              "prospect (or its label, e.g. 在册).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True)
@lang_option
@click.pass_context
def customers(ctx, manager, grade, nature, card_status, fmt, lang):
    """List the customer cards you may read, by id, with manager, grade, nature, class and status.

    `--format csv` writes them for a spreadsheet (UTF-8 with BOM); `dossier export customers` writes
    the whole cards as the department's sheet.
    """
    from ..archive import lookup
    from ..archive.config import open_archive
    from ..archive.vocabulary import words_for

    session = _session(ctx, lang)
    root = session.root
    archive = open_archive(root)
    wanted = {"manager": lookup.person_id(archive.people, manager) if manager else None,
              "grade": lookup.enum_value("grade", list("ABCDE"), grade, "--grade") if grade else None,
              "nature": lookup.enum_value("nature", ["government", "special", "company", "individual", "partner"],
                                          nature, "--nature") if nature else None,
              "status": lookup.enum_value("customer_status", ["active", "withdrawn", "dormant", "prospect"],
                                          card_status, "--status") if card_status else None}
    known = lookup.customers(root)
    reader = _acting_reader(session)
    shown_ids, hidden = reader.visible_cards(c.id for c in known)
    shown = set(shown_ids)
    rows = [c for c in known if c.id in shown and all(
        value is None or str(c.data.get(field)) == value for field, value in wanted.items())]
    _tell_left_out(session, reader, hidden, "access-hidden-cards")
    records = [{field: c.id if field == "id" else c.data.get(field) for field in COLUMNS} for c in rows]
    if fmt == "json":
        echo_json(records)
        return
    words = words_for(root, session.lang, archive.people)
    table = [[words.of(f, r[f]) if r[f] is not None else "" for f in COLUMNS] for r in records]
    if fmt == "csv":
        _echo_csv(COLUMNS, table)
        return
    if not rows:
        session.echo("customers-none")
        return
    from .reporter import render_table

    click.echo(render_table(list(HEADER_ZH if session.lang == "zh" else COLUMNS), table))


def _echo_csv(header, rows) -> None:
    import csv
    import io

    from ..sheets.sheet_cells import escape

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([escape(cell) if isinstance(cell, str) else cell for cell in row] for row in rows)  # cells are data
    click.echo("\ufeff" + buffer.getvalue(), nl=False)
