"""`dossier`: a thin command line over the library. Heavy modules are imported inside
the commands that need them, and each area's command module only when one of its commands
is invoked (or listed by --help), so a command loads only what it needs.

Exit codes: 0 success, 1 the archive has problems, 2 usage errors.
"""

from __future__ import annotations

import datetime as dt
import gc
import importlib
import os
import sys
from pathlib import Path
from typing import Callable

import click

from ..archive.errors import DossierError, UsageError
from ..archive.messages import default_lang, message

LANGS = click.Choice(["zh", "en"])


class Session:
    """What every command needs: where the archive is, the language, today's date."""

    def __init__(self, archive: str | None, lang: str | None) -> None:
        self.archive_option = archive
        self._lang = lang

    @property
    def lang(self) -> str:
        """--lang, else the archive's language (archive.yaml), else the locale's."""
        if self._lang is None:
            self._lang = archive_lang(self.archive_option)
        return self._lang

    @lang.setter
    def lang(self, value: str) -> None:
        self._lang = value

    @property
    def root(self) -> Path:
        from ..archive.config import find_root

        return find_root(self.archive_option)

    @property
    def today(self) -> dt.date:
        """DOSSIER_TODAY fixes the date for reproducible runs and tests."""
        text = os.environ.get("DOSSIER_TODAY")
        return _parse_date(text) if text else dt.date.today()

    def recover(self) -> None:
        """Finish or undo an operation a killed process left (transaction.recover), and say which."""
        from ..git.transaction import recover

        try:
            root = self.root
        except DossierError:  # no archive here (yet): nothing to recover
            return
        found = recover(root)
        if found is None:
            return
        key = f"operation-{found.outcome}"
        self.echo_err(key, action=found.action, pid=found.pid, started=found.started, sha=found.commit[:10],
                      subject=found.subject)
        if found.kept:
            self.echo_err("operation-kept", action=found.action, paths=", ".join(found.kept))

    def changing(self, command: str):
        """The clone's lock, for a command that changes the archive (transaction.locked)."""
        from ..git.transaction import locked

        return locked(self.root, command)

    def echo(self, key: str, **args: object) -> None:
        click.echo(message(key, self.lang, **args))

    def echo_err(self, key: str, **args: object) -> None:
        click.echo(message(key, self.lang, **args), err=True)


def archive_lang(archive: str | None) -> str:
    """The language of the archive found from `archive` (its archive.yaml `language:`), else the
    locale's: a Chinese archive speaks Chinese under a C.UTF-8 locale too."""
    from ..archive.locate import declared_language, locate

    root = locate(archive)[0]
    return (declared_language(root) if root else None) or default_lang()


def echo_json(data: object) -> None:
    """A command's --format json output (json is loaded only by the commands that print it)."""
    import json

    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError("date-invalid", value=text) from None


def _session(ctx: click.Context, lang: str | None) -> Session:
    session: Session = ctx.obj
    if lang:
        session.lang = lang
    if not (ctx.parent and ctx.parent.info_name == "hook"):  # a hook runs inside the tool's own commit
        session.recover()
    return session


lang_option = click.option("--lang", type=LANGS, help="Language of messages: zh or en (default: the archive's "
                           "language in archive.yaml, else the locale's).")


def jobs_option(help: str = "Worker processes (default: one per core).") -> Callable:
    return click.option("--jobs", type=click.IntRange(1), help=help)


class LazyGroup(click.Group):
    """A group whose commands of other areas live in one module each (so they stay apart): the
    module registers them on the group when imported, and is imported when click first asks
    for one of them, so `dossier history` does not load what `dossier render` needs."""

    def __init__(self, *args: object, lazy: dict[str, str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy  # command name → the module (in this package) that registers it

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy and cmd_name not in self.commands:
            importlib.import_module(f"{__package__}.{self.lazy[cmd_name]}")
        return self.commands.get(cmd_name)


def _by_command(modules: dict[str, list[str]]) -> dict[str, str]:
    return {name: module for module, names in modules.items() for name in names}


# The module of each area and the commands it registers (tests/test_docs.py checks this list).
AREA_COMMANDS = _by_command({
    "access": ["access"],
    "rekey": ["rekey"],
    "customers": ["customers"],
    "customer": ["customer"],
    "doctor": ["doctor"],
    "record": ["init", "install-hooks", "install-server-hook", "verify", "review", "approve"],
    "hooks": ["hook"],
    "handover": ["check", "handover"],
    "history": ["history", "log"],
    "search": ["find", "index", "watch"],
    "lifecycle": ["delete", "restore", "purge"],
    "reports": ["report"],
    "sheets": ["import", "export"],
    "paper": ["bind", "check-paper"],
})
RENDER_COMMANDS = _by_command({"paper": ["volume"], "catalogue": ["catalogue"]})


@click.group(cls=LazyGroup, lazy=AREA_COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="customer-dossier")
@click.option("--archive", "archive", metavar="PATH", help="The archive (default: $DOSSIER_ARCHIVE, else the "
              "nearest folder upwards holding archive.yaml, else ./archive).")
@lang_option
@click.option("--quiet", "-q", is_flag=True, help="No progress display on a terminal (it never shows elsewhere).")
@click.pass_context
def cli(ctx: click.Context, archive: str | None, lang: str | None, quiet: bool) -> None:
    """Customer Dossier: the customer archive (客户档案) as schema-validated YAML in git."""
    ctx.obj = Session(archive, lang)
    if not quiet and sys.stderr.isatty():
        from ..archive.progress import showing

        ctx.with_resource(showing(TerminalProgress(ctx.obj)))


class TerminalProgress:
    """Long work's progress on the terminal's stderr, on one line redrawn in place (at most ten times a
    second), from DOSSIER_PROGRESS_DELAY seconds (default 0.5) after the work began, so that quick
    commands never flicker; the line is cleared when the work is done."""

    def __init__(self, session: Session, stream=None) -> None:
        self.session = session
        self.stream = stream or sys.stderr
        self.delay = float(os.environ.get("DOSSIER_PROGRESS_DELAY") or 0.5)
        self.began = self.drawn = 0.0

    def __call__(self, what: str, done: int, total: int) -> None:
        import time

        now = time.monotonic()
        if done == 0:
            self.began, self.drawn = now, 0.0
            return
        if done >= total:
            if self.drawn:
                self.stream.write("\r\x1b[K")
                self.stream.flush()
            self.drawn = 0.0
            return
        if now - self.began < self.delay or now - self.drawn < 0.1:
            return
        self.drawn = now
        filled = 30 * done // total
        label = message(what, self.session.lang)
        self.stream.write(f"\r{label} [{'#' * filled}{'.' * (30 - filled)}] {done}/{total}")
        self.stream.flush()


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--no-cache", is_flag=True, help="Check every file again, ignoring .dossier/ (the cache).")
@jobs_option()
@lang_option
@click.pass_context
def validate(ctx, paths, fmt, no_cache, jobs, lang):
    """Check the archive against its schemas and the archive regulation.

    Problems are printed as `file:line:column: rule: message`. Exit 1 if there is an error.
    """
    from ..git import gitchanges

    session = _session(ctx, lang)
    root = session.root
    only = [_relative_to_archive(root, p) for p in paths] or None
    if not no_cache:  # git's status runs while the rules load; validate's look at its store takes it over
        gitchanges.start_work_tree(root)
    try:
        from ..regulation.validate import validate_archive

        report = validate_archive(root, session.today, only, use_cache=not no_cache, jobs=jobs)
    finally:
        gitchanges.stop_unused()
    from .reporter import render_json, render_text

    prefix = _display_prefix(root)
    render = render_json if fmt == "json" else render_text
    click.echo(render(report.problems, report.files, session.lang, prefix))
    ctx.exit(1 if report.errors else 0)


def _relative_to_archive(root: Path, given: str) -> str:
    path = Path(given).resolve()
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        raise UsageError("path-outside", path=given, root=str(root)) from None


def shown_path(path: Path) -> str:
    """A written file as the user can open it from where they stand."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def _display_prefix(root: Path) -> str:
    """Show paths as the user can open them from where they stand."""
    try:
        rel = root.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return ""
    return "" if rel == "." else rel + "/"


@cli.command()
@click.argument("item_type", metavar="TYPE")
@click.option("--customer", metavar="ID|NAME", help="Customer id, e.g. C0007, or name (required for categories 1–4).")
@click.option("--title", help="Title 题名 (default: customer name and type).")
@click.option("--date", "date_text", metavar="YYYY-MM-DD", help="Date of the document (default: today).")
@lang_option
@click.pass_context
def new(ctx, item_type, customer, title, date_text, lang):
    """Write a draft item with the next code in your section, and check it."""
    from ..archive.config import open_archive
    from ..record.lifecycle import new_item
    from .reporter import problem_line
    from ..archive.schemas import SchemaSet
    from ..regulation.validate import validate_archive

    session = _session(ctx, lang)
    root = session.root
    archive = open_archive(root)
    actor = _acting_person(archive)
    date = _parse_date(date_text) if date_text else session.today
    if customer:
        from ..archive.lookup import customer_id

        customer = customer_id(root, customer)
    created = new_item(archive, SchemaSet(root / "schemas"), actor, item_type, customer, title, date, session.today)
    rel = created.path.relative_to(root).as_posix()
    session.echo("wrote-draft", file=_display_prefix(root) + rel)
    report = validate_archive(root, session.today, [rel])
    for problem in report.problems:
        click.echo(problem_line(problem, session.lang, _display_prefix(root)))
    ctx.exit(1 if report.errors else 0)


def _acting_person(archive):
    """The identity of the person acting is their git user.email, looked up in people.yaml."""
    from ..git import gitrepo

    email = gitrepo.config_value("user.email", archive.root)
    if not email:
        raise UsageError("identity-missing")
    person = archive.person_by_email(email)
    if person is None:
        raise UsageError("identity-unknown", email=email)
    return person


def _acting_reader(session, managers: dict[str, str] | None = None):
    """What the person acting may read today (regulation rule 5); `managers` as for access.policy."""
    from ..access.rights import policy
    from ..archive.config import open_archive

    archive = open_archive(session.root)
    return policy(archive, session.today, managers).reader(_acting_person(archive))


def tell_if_unapproved(session, root: Path, commit: str, branch: str) -> None:
    """A change committed on the main branch that needs the sales manager's approval: say so now,
    and how to move it to a branch (`branch`), rather than leave it for verify or the server."""
    from ..record.approvals import on_main_line

    main, violations = on_main_line(root, commit)
    if violations:
        found = ", ".join(sorted({v.rule for v in violations}))
        session.echo_err("needs-approval-on-main", main=main, found=found, branch=branch)


def _tell_left_out(session, reader, hidden: int, key: str = "access-hidden") -> None:
    """A listing that left out what the reader may not read says so (on stderr), never pretends completeness."""
    from ..access.rights import reason_text

    note = reader.hidden_note(hidden, key)
    if note is not None:
        click.echo(reason_text(note, session.lang), err=True)


@cli.command(name="list")
@click.option("--category", type=click.Choice(["1", "2", "3", "4", "5", "6", "D"]))
@click.option("--year", type=int)
@click.option("--section", metavar="SNN")
@click.option("--customer", metavar="ID|NAME", help="Customer id or name (a part of one naming a single customer).")
@click.option("--manager", metavar="PERSON", help="Customer manager: id, e-mail or name.")
@click.option("--status", type=click.Choice(["draft", "filed", "bound"]))
@click.option("--type", "item_type", metavar="TYPE")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@lang_option
@click.pass_context
def list_items(ctx, category, year, section, customer, manager, status, item_type, fmt, lang):
    """List items in catalogue order (category, year, section, serial)."""
    from ..archive.catalogue import entries
    from ..archive.lookup import item_filters
    from .reporter import problem_line, render_table

    session = _session(ctx, lang)
    filters = item_filters(session.root, category, year, section, customer, manager, status, item_type)
    rows, failures = entries(session.root, filters)
    reader = _acting_reader(session)
    rows, hidden = reader.visible(rows)
    for failure in failures:  # name unreadable files, never hide them
        click.echo(problem_line(failure.problem, session.lang, _display_prefix(session.root)), err=True)
    _tell_left_out(session, reader, hidden)
    fields = ["code", "date", "status", "customer", "manager", "type", "title"]
    if fmt == "json":
        echo_json([{f: row.data.get(f) for f in fields} for row in rows])
        return
    if not rows:
        session.echo("list-none")
        return
    from ..archive.vocabulary import words_for

    words = words_for(session.root, session.lang)
    header = {"zh": ["编码", "日期", "状态", "客户", "客户经理", "类型", "题名"]}.get(session.lang, fields)
    table = [[words.of(f, row.data.get(f) or "") for f in fields] for row in rows]
    click.echo(render_table(header, table))


@cli.command()
@click.argument("code")
@click.option("--format", "fmt", type=click.Choice(["text", "yaml", "json"]), default="text", show_default=True)
@click.option("--identity", metavar="FILE", help="Your SSH ed25519 private key, to decrypt confidential values "
              "(default: $DOSSIER_IDENTITY, else ~/.ssh/id_ed25519); yaml shows the file as stored.")
@lang_option
@click.pass_context
def show(ctx, code, fmt, identity, lang):
    """Show one item, with its fields labelled and its confidential values decrypted if your key can."""
    from ..git.past import find
    from .rekey import echo_hidden
    from ..archive.config import open_archive
    from ..access.crypto import load_identity, readable
    from .display import show_text
    from ..archive.schemas import SchemaSet

    session = _session(ctx, lang)
    root = session.root
    entry = find(root, code)
    _acting_reader(session).require_item(str(entry.code), entry.data, entry.code.category)
    if fmt == "yaml":
        click.echo((root / entry.code.path).read_text(encoding="utf-8"), nl=False)
        return
    schemas = SchemaSet(root / "schemas")
    key = load_identity(identity)
    seen = readable(entry.data, schemas, key)
    if fmt == "json":
        echo_json(seen.data)
    else:
        from ..archive.vocabulary import words_for

        archive = open_archive(root)
        categories = {k: v.get("name", "") for k, v in archive.settings.data.get("categories", {}).items()}
        click.echo(show_text(seen.data, schemas, session.lang, categories, words_for(root, session.lang, archive.people)))
    echo_hidden(session, seen, key)


@cli.group(cls=LazyGroup, lazy=RENDER_COMMANDS)
def render() -> None:
    """Render the paper volumes and the electronic catalogue."""


def main(argv: list[str] | None = None) -> int:
    """Entry point: turns every failure into a message and an exit code, never a traceback."""
    args = sys.argv[1:] if argv is None else argv
    lang = _option_of(args, "--lang") or archive_lang(_option_of(args, "--archive"))
    try:
        # without standalone mode click returns ctx.exit()'s code instead of exiting
        result = cli.main(args=argv, prog_name="dossier", standalone_mode=False)
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo(message("interrupted", lang), err=True)
        return 130
    except DossierError as exc:
        click.echo(exc.render(lang), err=True)
        return exc.exit_code
    except KeyboardInterrupt:
        click.echo(message("interrupted", lang), err=True)
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback reaches a user
        if os.environ.get("DOSSIER_DEBUG"):
            raise
        click.echo(message("internal-error", lang, detail=f"{type(exc).__name__}: {exc}"), err=True)
        return 1
    return result if isinstance(result, int) else 0


def _option_of(args: list[str], name: str) -> str | None:
    """An option's value as given (for messages about a command line click could not parse)."""
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


def run() -> None:
    """Console script `dossier` (and `python -m dossier`): one command, then the process ends."""
    code = main()
    # Exempt what is left from the collection at exit: the commands flush and close what they
    # write, the system frees the memory, and that full collection walks every object the
    # imports made (10–20 ms here, as much as some commands' own work).
    gc.freeze()
    sys.exit(code)
