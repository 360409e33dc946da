"""`dossier find`, `dossier index` and `dossier watch`: the index and live validation
(thin over index.py and watch.py)."""

from __future__ import annotations

import datetime as dt
import os
import queue
import signal

import click

from .main import _acting_reader, _display_prefix, _session, _tell_left_out, cli, echo_json, jobs_option, lang_option
from ..archive.errors import UsageError
from ..archive.messages import message

CATEGORIES = click.Choice(["1", "2", "3", "4", "5", "6", "D"])
STATUSES = click.Choice(["draft", "filed", "bound"])
HEADERS = {"zh": ["编码", "日期", "状态", "客户", "客户经理", "类型", "题名"]}
FIELDS = ["code", "date", "status", "customer", "manager", "type", "title"]


@cli.command()
@click.argument("text")
@click.option("--category", type=CATEGORIES)
@click.option("--year", type=int)
@click.option("--section", metavar="SNN")
@click.option("--customer", metavar="ID|NAME", help="Customer id or name (a part of one naming a single customer).")
@click.option("--manager", metavar="PERSON", help="Customer manager: id, e-mail or name.")
@click.option("--status", type=STATUSES)
@click.option("--type", "item_type", metavar="TYPE")
@click.option("--limit", type=click.IntRange(0), default=100, show_default=True,
              help="Show at most this many items (0: all); the total is always given.")
@click.option("--cached", is_flag=True, help="Search the index as it stands, without looking for changed "
              "files first (instant; automatic while `dossier watch` runs).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@lang_option
@click.pass_context
def find(ctx, text, category, year, section, customer, manager, status, item_type, limit, cached, fmt, lang):
    """Find items by electronic code (or part of one) or by words in their titles, content and
    customers' names (Chinese too), in catalogue order, with where each one matched.

    Looks for changed files first (git's status says which) and updates the index
    (.dossier/index.sqlite) with them.
    """
    from ..git import gitchanges

    session = _session(ctx, lang)
    if not text.strip():
        raise UsageError("find-empty")
    root = session.root
    if not cached:  # git's status runs while what find needs loads; open_index takes it over
        gitchanges.start_work_tree(root)
    try:
        found, reader = _found(session, text, (category, year, section, customer, manager, status, item_type),
                               limit, cached)
    finally:
        gitchanges.stop_unused()
    from .reporter import problem_line, render_table

    prefix = _display_prefix(root)
    for problem in found.unreadable:  # name unreadable files, never hide them
        click.echo(problem_line(problem, session.lang, prefix), err=True)
    _tell_left_out(session, reader, found.hidden)
    if fmt == "json":
        echo_json({"total": found.total, "shown": len(found.hits), "by_number": found.by_number,
                               "hidden": found.hidden, "items": [hit.to_json() for hit in found.hits]})
        return
    if not found.hits:
        session.echo("find-none", text=text)
        return
    from ..archive.vocabulary import words_for

    words = words_for(root, session.lang)
    table = render_table(HEADERS.get(session.lang, FIELDS),
                         [[words.of(f, getattr(hit, f) or "") for f in FIELDS] for hit in found.hits]).split("\n")
    click.echo("\n".join(table[:2]))
    for line, hit in zip(table[2:], found.hits):
        click.echo(line)
        if hit.matched in ("content", "customer"):
            click.echo(f"    {hit.snippet}")
    if found.total > len(found.hits):
        session.echo("find-limited", shown=len(found.hits), total=found.total)
    else:
        session.echo("find-total", total=found.total)


def _found(session, text: str, filters: tuple, limit: int, cached: bool):
    """What find answers, and the reader it answers for."""
    from ..search.index import open_index
    from ..archive.lookup import item_filters

    chosen = item_filters(session.root, *filters)
    with open_index(session.root, refresh=not cached) as index:
        reader = _acting_reader(session, index.card_managers())  # the cards as the index holds them: no reading
        return index.find(text, chosen, limit or None, reader), reader


@cli.group(name="index")
def index_group() -> None:
    """The index under .dossier/ that `dossier find` searches (ignored by git; rebuilt at will)."""


@index_group.command(name="status")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@lang_option
@click.pass_context
def index_status(ctx, fmt, lang):
    """How many items and customers the index holds, when it was updated, how many files changed
    since, and which files it could not read."""
    from ..search.index import Index, scan, watcher_running
    from .reporter import problem_line

    session = _session(ctx, lang)
    root = session.root
    with Index(root) as index:
        status = index.status(scan(root))
    watcher = watcher_running(root)
    updated = dt.datetime.fromtimestamp(status.updated).strftime("%Y-%m-%d %H:%M:%S") if status.updated else None
    file = _display_prefix(root) + ".dossier/index.sqlite"
    if fmt == "json":
        echo_json({"file": file, "exists": status.exists, "items": status.items,
                               "customers": status.customers, "updated": updated, "stale": status.stale,
                               "bytes": status.bytes, "watched_by": watcher,
                               "unreadable": [p.to_json() for p in status.unreadable]})
        return
    if not status.exists or updated is None:
        session.echo("index-missing", file=file)
        return
    session.echo("index-status", file=file, items=status.items, customers=status.customers,
                 size=f"{status.bytes / 1_048_576:.1f}", updated=updated)
    if status.stale:
        session.echo("index-stale", count=status.stale)
    else:
        session.echo("index-current")
    if watcher:
        session.echo("index-watched", pid=watcher)
    for problem in status.unreadable:
        click.echo(problem_line(problem, session.lang, _display_prefix(root)))


@index_group.command(name="update")
@jobs_option()
@lang_option
@click.pass_context
def index_update(ctx, jobs, lang):
    """Read the files that changed since the last update into the index (find does this itself)."""
    _update(ctx, lang, jobs, rebuild=False)


@index_group.command(name="rebuild")
@jobs_option()
@lang_option
@click.pass_context
def index_rebuild(ctx, jobs, lang):
    """Build the index again from every file (it is only a cache: nothing is lost)."""
    _update(ctx, lang, jobs, rebuild=True)


def _update(ctx, lang, jobs, rebuild: bool) -> None:
    from ..search.index import Index

    session = _session(ctx, lang)
    root = session.root
    with Index(root) as index:
        done = index.update(rebuild=rebuild, jobs=jobs)
        items, customers = index.counts()
        unreadable = index.unreadable()
    key = "index-rebuilt" if done.rebuilt else "index-updated"
    session.echo(key, read=done.read, removed=done.removed, items=items, customers=customers,
                 seconds=f"{done.seconds:.1f}")
    if unreadable:
        session.echo("find-unreadable", count=len(unreadable))


@cli.command()
@click.option("--debounce", type=click.IntRange(0), default=150, show_default=True, metavar="MS",
              help="Milliseconds without changes before the changed files are checked.")
@jobs_option("Worker processes for large changes (default: one per core).")
@lang_option
@click.pass_context
def watch(ctx, debounce, jobs, lang):
    """Check files as they change and keep the index up to date.

    Prints the archive's problems, then, after each change, the problems of the files it
    touched (`file:line:column: rule: message`), each file that became clean, and a summary.
    Ctrl-C stops it.
    """
    from ..search.watch import Watcher

    session = _session(ctx, lang)
    root = session.root
    prefix = _display_prefix(root)
    parent = os.getpid()

    def interrupt(signum, frame):  # worker processes forked meanwhile inherit this
        if os.getpid() == parent:
            raise KeyboardInterrupt
        if signum == signal.SIGTERM:  # a worker ended by its pool: end, as by default
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
        # a worker's Ctrl-C is its parent's to handle: no traceback from every worker

    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    watcher = Watcher(root, today=lambda: session.today, quiet=debounce / 1000, jobs=jobs)
    try:
        try:
            start = watcher.start()
            for file in sorted(start.problems):
                for line in _lines(start, file, session.lang, prefix):
                    click.echo(line)
            session.echo("watch-start", root=str(root), files=start.files, errors=start.errors,
                         warnings=start.warnings)
            while True:
                try:
                    report = watcher.reports.get(timeout=0.5)
                except queue.Empty:
                    continue
                for line in report.lines(session.lang, prefix):
                    click.echo(line)
        except KeyboardInterrupt:
            pass
        finally:
            watcher.stop()
        session.echo("watch-stopped")
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    ctx.exit(0)


def _lines(report, file, lang, prefix):
    from .reporter import problem_line

    return [problem_line(p, lang, prefix) for p in report.problems[file]]

