"""`dossier rekey`: confidential values encrypted to exactly their readers (thin over rekey.py)."""

from __future__ import annotations

import click

from .main import _acting_reader, _display_prefix, _relative_to_archive, _session, cli, lang_option
from ..archive.messages import message
from .reporter import problem_line

identity_option = click.option(
    "--identity", metavar="FILE",
    help="Your SSH ed25519 private key, to decrypt with (default: $DOSSIER_IDENTITY, else ~/.ssh/id_ed25519).")

_DONE = {"encrypted": "rekey-encrypted", "reencrypted": "rekey-reencrypted"}
_WOULD = {"encrypted": "rekey-would-encrypt", "reencrypted": "rekey-would-reencrypt"}
_FAILED = {"no-key": "rekey-no-key", "nobody": "rekey-nobody", "moved": "value-refused", "damaged": "value-damaged",
           "unbound": "value-unbound"}
_REFUSED = {"moved": "value-refused", "unbound": "value-unbound"}  # else value-damaged


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@identity_option
@click.option("--dry-run", is_flag=True, help="Say what would change, write nothing.")
@lang_option
@click.pass_context
def rekey(ctx, paths, identity, dry_run, lang):
    """Encrypt confidential values to exactly the people who may read them.

    Encrypts values in clear (public keys suffice) and re-encrypts values whose recipients are
    wrong (your key must be able to decrypt them); values already right stay byte-identical.
    Run it after a grant starts or ends, or a key is added (a customer changes manager with
    `dossier customer reassign`, which re-encrypts in the same commit). You may change only files
    you may read: others that would change are refused by name, and nothing is written.
    Exit 1 if a value could not be changed.
    """
    from ..archive.config import open_archive
    from ..access.crypto import load_identity
    from ..access.rekey import rekey as run_rekey
    from ..archive.schemas import SchemaSet

    session = _session(ctx, lang)
    root = session.root
    only = [_relative_to_archive(root, p) for p in paths] or None
    archive = open_archive(root)
    writer = None if dry_run else _acting_reader(session)  # write rights follow read rights
    report = run_rekey(archive, SchemaSet(root / "schemas"), only, load_identity(identity), session.today, dry_run,
                       writer)
    prefix = _display_prefix(root)
    for problem in report.problems:
        click.echo(problem_line(problem, session.lang, prefix), err=True)
    for outcome in report.outcomes:
        key = (_WOULD if dry_run else _DONE).get(outcome.action) or _FAILED[outcome.action]
        text = message(key, session.lang, field=outcome.field, readers=outcome.readers, found=outcome.found)
        click.echo(f"{prefix}{outcome.file}:{outcome.line}:{outcome.column}: {text}")
    changed = len(report.outcomes) - len(report.failed)
    session.echo("rekey-summary-dry" if dry_run else "rekey-summary", changed=changed, files=report.files_changed,
                 unchanged=report.unchanged, failed=len(report.failed))
    ctx.exit(1 if report.failed or report.problems else 0)


def echo_hidden(session, seen, identity) -> None:
    """On stderr, why values are shown as 已加密 / encrypted, and which values were refused."""
    from ..archive.schema_errors import field_path

    for path, error in seen.refused or []:
        session.echo_err(_REFUSED.get(error.reason, "value-damaged"), field=field_path(path), found=error.found)
    tell_hidden(session, seen.hidden - len(seen.refused or []), identity)


def tell_hidden(session, count: int, identity) -> None:
    """On stderr, why `count` confidential values are shown as 已加密 / encrypted."""
    if count:
        why = message(identity.problem or "identity-not-recipient", session.lang, file=identity.file)
        session.echo_err("hidden-values", count=count, why=why)
