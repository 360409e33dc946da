"""`dossier render catalogue`: the electronic catalogue 电子文件归档目录 (thin over export_catalogue.py)."""

from __future__ import annotations

import click

from .main import _acting_reader, _display_prefix, _session, _tell_left_out, lang_option, render, shown_path


@render.command(short_help="The electronic catalogue 电子文件归档目录, as xlsx and csv.")
@click.option("--year", type=click.IntRange(1000, 9999), metavar="YYYY",
              help="Only items of this year (default: every year).")
@click.option("--category", type=click.Choice(["1", "2", "3", "4", "5", "6", "D"]),
              help="Only this category, on one sheet (default: every category, one sheet each, and an index).")
@click.option("--output", metavar="FILE|DIR", default=".", show_default=True,
              help="The file to write (a name ending in .xlsx or .csv), or the folder to write the files into "
                   "(created if missing); never inside the archive's work tree.")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv", "both"]),
              help="Default: the --output file's extension, else both.")
@click.option("--include-drafts", is_flag=True, help="List drafts too (default: filed and bound items only).")
@lang_option
@click.pass_context
def catalogue(ctx, year, category, output, fmt, include_drafts, lang):
    """Write the electronic catalogue 电子文件归档目录: one row per item in catalogue order, with
    its paper archive number 档号 (or 未装订 / not bound yet), electronic code, title, date,
    customer, manager, pages, retention, secrecy and remarks: the paper archive number and shelf
    location once bound, else the item's storage address in the repository.

    Files are named like 电子目录-Z001-2025-C3.xlsx; csv is UTF-8 with a byte-order mark.
    Exit 1 when an item file cannot be read (it is named, and missing from the catalogue).
    """
    from ..paper.export_catalogue import FORMATS, build_catalogue, write_catalogue
    from ..record.outputs import chosen_format, refuse_tracked, target
    from .reporter import problem_line

    session = _session(ctx, lang)
    destination = target(output, FORMATS)
    fmt = chosen_format(destination, fmt, "both")
    root = session.root
    for fmt_ in FORMATS if fmt == "both" else (fmt,):
        refuse_tracked(root, destination.path(f"catalogue.{fmt_}"))
    reader = _acting_reader(session)
    result = build_catalogue(root, year, category, include_drafts=include_drafts, reader=reader)
    for failure in result.failures:  # name unreadable files, never hide them
        click.echo(problem_line(failure.problem, session.lang, _display_prefix(root)), err=True)
    _tell_left_out(session, reader, result.hidden)
    paths = [destination.path(f"{result.file_stem}.{fmt_}") for fmt_ in (FORMATS if fmt == "both" else (fmt,))]
    bound = sum(row.bound for row in result.rows)
    for path in write_catalogue(result, paths):
        session.echo("catalogue-written", file=shown_path(path), items=len(result.rows), bound=bound)
    if result.failures:
        session.echo_err("catalogue-incomplete", count=len(result.failures))
        ctx.exit(1)

