"""Commands for the life of an item in git: delete, restore, purge (docs/records-in-git.md)."""

from __future__ import annotations

import datetime as dt

import click

from .main import _acting_person, _display_prefix, _session, cli, lang_option, tell_if_unapproved


def _prepare(session):
    """The archive, checked to be in git before anything else, and the person acting."""
    from ..archive.config import open_archive
    from ..record.lifecycle import require_repository

    archive = open_archive(session.root)
    require_repository(archive.root)
    return archive, _acting_person(archive)


def _now(today: dt.date) -> dt.datetime:
    """The current time with its time zone, on the Session's day (DOSSIER_TODAY fixes it)."""
    now = dt.datetime.now().astimezone()
    return now if now.date() == today else dt.datetime.combine(today, now.timetz())


@cli.command()
@click.argument("code")
@click.option("--reason", default="", metavar="TEXT", help="Why the item is deleted (required; kept in the "
              "deletion record and the commit's Reason: trailer).")
@lang_option
@click.pass_context
def delete(ctx, code, reason, lang):
    """Move an item and its attachments to trash/ with who, when and why, and commit.

    It stays restorable with `dossier restore CODE` until `dossier purge` removes it after
    the retention period (archive.yaml deletion_retention_days, default 30 days).
    """
    from ..record.lifecycle import delete_item

    session = _session(ctx, lang)
    archive, actor = _prepare(session)
    change = delete_item(archive, actor, code, reason, _now(session.today))
    deletion = change.deletions[0]
    session.echo("deleted", code=deletion.code, count=len(deletion.attachments), sha=change.commit[:10],
                 purge_after=deletion.purge_after.isoformat())
    tell_if_unapproved(session, archive.root, change.commit, f"delete-{deletion.code}")


@cli.command()
@click.argument("code")
@click.option("--reason", default=None, metavar="TEXT", help="Why it comes back (a Reason: trailer).")
@click.option("--from-history", is_flag=True, help="Recover a purged item from the last commit that held it.")
@lang_option
@click.pass_context
def restore(ctx, code, reason, from_history, lang):
    """Bring a deleted item and its attachments back from trash/, byte-identical, and commit;
    with --from-history, recover a purged item from git history."""
    from ..record.lifecycle import restore_from_history, restore_item

    session = _session(ctx, lang)
    archive, actor = _prepare(session)
    prefix = _display_prefix(archive.root)
    if not from_history:
        change = restore_item(archive, actor, code, reason)
        session.echo("restored", code=change.codes[0], path=prefix + change.paths[0], count=len(change.paths) - 1,
                     sha=change.commit[:10])
        return
    change = restore_from_history(archive, actor, code, reason)
    if change.source is None:  # it was still in trash/: restored from there
        session.echo("restored", code=change.codes[0], path=prefix + change.paths[0], count=len(change.paths) - 1,
                     sha=change.commit[:10])
        return
    for path in change.missing:
        session.echo("restore-attachment-missing", path=prefix + path, source=change.source[:10],
                     name=path.rsplit("/", 1)[-1])
    session.echo("restored-from-history", code=change.codes[0], path=prefix + change.paths[0],
                 count=len(change.paths) - 1, source=change.source[:10], sha=change.commit[:10])


@cli.command()
@click.option("--dry-run", is_flag=True, help="List what would be purged; change nothing.")
@lang_option
@click.pass_context
def purge(ctx, dry_run, lang):
    """Remove from trash/ the items whose retention period has ended (purge_after before
    today), in one commit. Purged items can still be recovered with `restore --from-history`."""
    from ..record.lifecycle import purge as purge_trash

    session = _session(ctx, lang)
    archive, actor = _prepare(session)
    change = purge_trash(archive, actor, session.today, dry_run)
    if not change.deletions:
        session.echo("purge-nothing", today=session.today.isoformat())
        return
    for deletion in change.deletions:
        session.echo("purge-item", code=deletion.code, deleted_at=deletion.deleted_at, deleted_by=deletion.deleted_by,
                     reason=deletion.reason, purge_after=deletion.purge_after.isoformat())
    if dry_run:
        session.echo("purge-would", count=len(change.deletions))
    else:
        session.echo("purged", count=len(change.deletions), sha=change.commit[:10])
        tell_if_unapproved(session, archive.root, change.commit, f"purge-{session.today.isoformat()}")
