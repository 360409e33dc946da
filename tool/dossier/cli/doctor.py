"""`dossier doctor`: whether this machine, this person and this clone are ready (thin over doctor.py)."""

from __future__ import annotations

from pathlib import Path

import click

from .main import _session, cli, lang_option


@cli.command()
@lang_option
@click.pass_context
def doctor(ctx, lang):
    """Check this machine for what dossier needs, and say how to fix each problem.

    Python and git versions, ssh-keygen, Pango, HarfBuzz subsetting, a Chinese font, poppler; then,
    inside an archive, your git identity in people.yaml, your private keys' file modes and the
    git hooks. Exit 1 when something is wrong.
    """
    from .doctor_checks import examine
    from ..archive.errors import DossierError
    from ..archive.locate import locate
    from ..archive.messages import message

    session = _session(ctx, lang)
    root = locate(session.archive_option)[0]
    findings = examine(Path(root) if root else None)
    for finding in findings:
        args = {name: value.render(session.lang) if isinstance(value, DossierError) else value
                for name, value in finding.args.items()}
        if "purpose" in args:
            args["purpose"] = message(args["purpose"], session.lang)
        mark = "!! " if not finding.ok else "-- " if finding.key.startswith("doctor-note-") else "ok "
        click.echo(mark + message(finding.key, session.lang, **args))
    problems = sum(not finding.ok for finding in findings)
    if problems:
        session.echo("doctor-summary-bad", count=problems)
        ctx.exit(1)
    session.echo("doctor-summary-ok")
