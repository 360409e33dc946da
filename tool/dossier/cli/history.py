"""The modification record: `dossier history CODE` and `dossier log` (thin over history.py)."""

from __future__ import annotations

import click

from .main import _acting_reader, _parse_date, _session, _tell_left_out, cli, echo_json, lang_option
from .rekey import identity_option, tell_hidden
from ..archive.messages import message

FORMATS = click.Choice(["text", "json"])


@cli.command()
@click.argument("code", metavar="CODE|CUSTOMER")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@identity_option
@lang_option
@click.pass_context
def history(ctx, code, fmt, identity, lang):
    """Show every change of one item (by code) or customer card (by customer id), oldest
    first: when, who, what (added, modified, deleted, restored, purged), why, who approved,
    and each changed field as old → new, confidential values decrypted if your key can."""
    from ..access.crypto import load_identity
    from ..record.history import item_history

    session = _session(ctx, lang)
    root = session.root
    key = load_identity(identity)
    # who may read it is checked while git walks the history; a refusal shows none of it, and
    # the key decrypts nothing before it passed
    changes = item_history(root, code, meanwhile=lambda: _acting_reader(session).require_history(root, code),
                           identity=key)
    if fmt == "json":
        echo_json([c.to_json() for c in changes])
    else:
        click.echo(history_text(changes, session.lang, _words(session)))
    tell_hidden(session, sum(change.hidden_values for change in changes), key)
    _tell_whereabouts(session, root, code)


def _tell_whereabouts(session, root, code_text: str) -> None:
    """A deleted or purged item's record ends with where it is now and how to bring it back (stderr)."""
    from ..archive import codes

    code = codes.parse(code_text)
    if code is not None and not (root / code.path).is_file():
        from ..git.past import whereabouts

        click.echo(whereabouts(root, code).render(session.lang), err=True)


@cli.command()
@click.option("--since", "since_text", metavar="YYYY-MM-DD", help="Only changes made on or after this day.")
@click.option("--customer", metavar="ID|NAME", help="Only this customer's card and items (before or after the change).")
@click.option("--category", type=click.Choice(["1", "2", "3", "4", "5", "6", "D"]))
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@lang_option
@click.pass_context
def log(ctx, since_text, customer, category, fmt, lang):
    """The whole archive's modification record, newest first: one line per item a commit changed."""
    from ..record.history import archive_log

    session = _session(ctx, lang)
    since = _parse_date(since_text) if since_text else None
    reader = _acting_reader(session)
    if customer:
        from ..archive.lookup import customer_id

        customer = customer_id(session.root, customer)
    changes = archive_log(session.root, since, customer, category)
    changes, hidden = reader.visible_changes(session.root, changes)
    _tell_left_out(session, reader, hidden, "access-hidden-changes")
    if fmt == "json":
        echo_json([c.to_json(with_fields=False) for c in changes])
        return
    click.echo(log_text(changes, session.lang, _words(session)))


def _when(change) -> str:
    return change.date[:16].replace("T", " ")


def _action(change, lang: str) -> str:
    return message(f"history-action-{change.action}", lang)


def _words(session):
    """People by name in Chinese (the author and approver are people.yaml ids, else e-mails)."""
    from ..archive.vocabulary import words_for

    return words_for(session.root, session.lang, types=False)


def history_text(changes, lang: str, words=None) -> str:
    from ..archive.vocabulary import Words

    words = words or Words(lang)
    lines = [message("history-title", lang, code=changes[0].code, count=len(changes))] if changes else []
    for change in changes:
        parts = [_when(change), change.commit[:10], words.of("author", change.author), _action(change, lang)]
        if change.reason:
            parts.append(message("history-reason", lang, reason=change.reason))
        if change.approver:
            parts.append(message("history-approver", lang, person=words.of("approver", change.approver)))
        lines.append("  ".join(parts))
        reencrypted = message("history-reencrypted", lang)
        lines += [f"    {field.text(reencrypted)}" for field in change.fields]
        if change.unreadable:
            lines.append("    " + message("history-unreadable", lang))
    return "\n".join(lines)


def log_text(changes, lang: str, words=None) -> str:
    if not changes:
        return message("history-log-empty", lang)
    from .reporter import render_table

    header = message("history-columns", lang).split("|")
    from ..archive.vocabulary import Words

    words = words or Words(lang)
    rows = [[_when(c), c.commit[:10], words.of("author", c.author), _action(c, lang), c.code, c.reason,
             words.of("approver", c.approver) if c.approver else ""] for c in changes]
    return render_table(header, rows)
