"""Paper volumes 纸质案卷: `render volume`, `bind` and `check-paper` (thin over volumes.py and
render/). WeasyPrint is imported only inside these commands: it takes a second to load.

The `render` group is shared with `render catalogue` (catalogue.py): whichever module is
imported first creates it, the other finds it in cli.commands.
"""

from __future__ import annotations

from pathlib import Path

import click

from .main import _acting_person, _acting_reader, _display_prefix, _session, cli, jobs_option, lang_option, render
from ..archive.config import CATEGORIES
from ..archive.errors import DossierError, UsageError
from ..archive.messages import message

YEAR = click.IntRange(1000, 9999)


rendering_jobs = jobs_option("Worker processes rendering items (default: one per core).")


def _renderer(archive, jobs: int | None, cache: bool = True):
    """Check the fonts first (never print empty boxes), then the item renderer."""
    from ..paper.render.fonts import require_cjk_font
    from ..paper.render.items import Context, ItemRenderer

    require_cjk_font()
    context = Context(archive)
    return context, ItemRenderer(context, jobs=jobs, cache=cache)


def _span(first: int, last: int) -> str:
    return f"{first:04d}" if first == last else f"{first:04d}–{last:04d}"


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def _attachment_warnings(session, plan) -> None:
    for volume in plan.volumes:
        for piece in volume.pieces:
            for attachment in piece.attachments:
                if attachment.problem:
                    session.echo_err(f"render-attachment-{attachment.problem}", code=str(piece.code),
                                     file=attachment.path)


@render.command(name="volume")
@click.argument("category", type=click.Choice(CATEGORIES), metavar="CATEGORY")
@click.argument("year", type=YEAR)
@click.option("--output", metavar="FILE|DIR", default=".", show_default=True,
              help="The PDF to write (a name ending in .pdf, for a category and year that make one volume), or the "
                   "folder to write one <archive number>.pdf per volume into (created if missing); never inside "
                   "the archive's work tree: volumes hold decrypted values.")
@rendering_jobs
@click.option("--no-cache", is_flag=True, help="Render every item again, ignoring the render cache.")
@lang_option
@click.pass_context
def volume(ctx, category, year, output, jobs, no_cache, lang):
    """The paper volumes 案卷 of CATEGORY (1–6, D) and YEAR as A4 PDFs: cover 案卷封面,
    contents 卷内目录, the items section by section (卷章) with their attachments, and the
    卷内备考表; the items' pages numbered at the top right.

    Bound volumes are rendered as their manifests fix them; filed items not bound yet make
    draft volumes marked 未装订, numbered as `dossier bind` would number them. A volume
    longer than archive.yaml volume_max_pages is split. Items are cached in ~/.cache/dossier/render/,
    encrypted to your key.
    """
    from ..paper import volumes as vol
    from ..archive.config import open_archive
    from .reporter import problem_line

    from ..record.outputs import refuse_tracked, target

    session = _session(ctx, lang)
    destination = target(output, ("pdf",))
    root = session.root
    refuse_tracked(root, destination.path("volume.pdf"))
    archive = open_archive(root)
    _acting_reader(session).require_volumes(root, category, year)
    _, renderer = _renderer(archive, jobs, cache=not no_cache)
    with renderer:
        plan = vol.plan(archive, category, year, renderer)
        for failure in plan.failures:
            click.echo(problem_line(failure.problem, session.lang, _display_prefix(root)), err=True)
        if not plan.volumes:
            raise DossierError("render-nothing", category=category, year=year)
        _attachment_warnings(session, plan)
        if destination.name and len(plan.volumes) > 1:
            raise UsageError("render-output-several", path=output, count=len(plan.volumes))
        for volume_ in plan.volumes:
            _write(session, renderer, volume_, destination.path(f"{volume_.archive_number}.pdf"))
        renderer.prune()
    if plan.failures:
        session.echo_err("render-unreadable", count=len(plan.failures))
        ctx.exit(1)


def _write(session, renderer, volume_, path: Path) -> None:
    """Write one volume and say so (and whether its pages moved since binding)."""
    from ..paper import volumes as vol
    from ..paper.render.volume import write_volume

    commit = str(volume_.manifest.get("bound_from") or "") if volume_.bound else None
    storage = vol.storage(session.root, commit, [p.path for p in volume_.pieces],
                          renderer.context.archive.settings.data.get("repository"))
    written = write_volume(renderer, volume_, storage, path, today=session.today)
    moved = [p for p in volume_.pieces if p.expected_pages and p.expected_pages != (p.first_page, p.last_page)]
    if moved:
        first, last = moved[0].expected_pages
        session.echo_err("render-pages-differ", count=len(moved), code=str(moved[0].code),
                         volume=volume_.archive_number, found=moved[0].page_range,
                         expected=str(first) if first == last else f"{first}–{last}")
    if written.unshared:
        fonts = sorted({font for names in written.unshared.values() for font in names})
        session.echo_err("render-fonts-not-shared", volume=volume_.archive_number, count=len(written.unshared),
                         code=next(iter(written.unshared)), fonts=", ".join(fonts))
    key = "render-wrote-bound" if volume_.bound else "render-wrote-unbound"
    session.echo(key, file=_shown(written.path), volume=volume_.archive_number, items=len(volume_.pieces),
                 pages=written.body_pages)


@cli.command()
@click.argument("category", type=click.Choice(CATEGORIES), metavar="CATEGORY")
@click.argument("year", type=YEAR)
@click.option("--checked-by", metavar="PERSON", help="Who checked the volume 检查人 (an id in people.yaml).")
@rendering_jobs
@lang_option
@click.pass_context
def bind(ctx, category, year, checked_by, jobs, lang):
    """Bind the filed items of CATEGORY and YEAR into volumes 固定卷: give each its piece
    number 件号 and archive number 档号, set it bound with its shelf location, write
    volumes/<archive number of the volume>.yaml (items, pieces, page ranges, sha256) and
    commit (Reason: 年度装订 annual binding, Dossier-Action: bind).

    Items filed after a volume was bound go into a supplement volume 补充卷 (the next volume
    number); a bound volume is never touched again.
    """
    from ..paper import volumes as vol
    from ..archive.config import open_archive
    from ..record.lifecycle import require_repository

    session = _session(ctx, lang)
    archive = open_archive(session.root)
    require_repository(archive.root)
    actor = _acting_person(archive)
    checker = None
    if checked_by:
        checker = archive.people.get(checked_by)
        if checker is None:
            raise UsageError("bind-checker-unknown", person=checked_by)
    _, renderer = _renderer(archive, jobs)
    with renderer:
        result = vol.bind(archive, actor, category, year, session.today, renderer, checker)
    for volume_, manifest in zip(result.volumes, result.manifests):
        for piece, declared in vol.pages_declared_otherwise(volume_):
            session.echo_err("bind-pages-declared", code=str(piece.code), declared=declared, pages=piece.pages,
                             range=piece.page_range, volume=volume_.archive_number)
        session.echo("bound-volume", volume=volume_.archive_number, items=len(volume_.pieces),
                     pieces=_span(volume_.pieces[0].piece, volume_.pieces[-1].piece),
                     pages=volume_.pages, manifest=_display_prefix(archive.root) + manifest)
    session.echo("bind-done", sha=result.commit[:10], category=category, year=year)


@cli.command(name="check-paper")
@click.argument("category", type=click.Choice(CATEGORIES), metavar="CATEGORY")
@click.argument("year", type=YEAR)
@click.option("--pdf", "pdfs", metavar="FILE", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="A volume PDF to check (repeatable; default: <archive number>.pdf of every bound volume in "
                   "the current folder).")
@lang_option
@click.pass_context
def check_paper(ctx, category, year, pdfs, lang):
    """Read the rendered volumes of CATEGORY and YEAR back and check them against the
    manifests and the records: the cover's counts, every contents row (sequence, archive
    number, page range, remarks: electronic code, storage address and commit), the page
    numbers of the items, where each item starts, and the 备考表's commit and manifest hash.

    Prints `file: problem` lines; exit 1 on any mismatch.
    """
    from ..paper import volumes as vol
    from ..archive.config import open_archive

    session = _session(ctx, lang)
    archive = open_archive(session.root)
    _acting_reader(session).require_volumes(archive.root, category, year)
    problems, checked = vol.check_paper(archive, category, year, list(pdfs), Path("."))
    for problem in problems:
        shown = _display_prefix(archive.root) + problem.file if problem.in_archive else problem.file
        click.echo(f"{shown}: {message(problem.key, session.lang, **problem.args)}")
    if problems:
        session.echo("check-paper-summary", count=len(problems), volumes=checked)
        ctx.exit(1)
    session.echo("check-paper-ok", volumes=checked)
