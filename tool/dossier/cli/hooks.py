"""The entry points of the installed git hooks (`dossier hook NAME`, hidden): each runs on every
commit or push, so this module imports nothing at load beyond the command line itself."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .main import _session, cli, lang_option


@cli.group(hidden=True)
def hook():
    """Entry points of the installed git hooks."""


@hook.command(name="pre-commit")
@lang_option
@click.pass_context
def pre_commit(ctx, lang):
    from ..record.outputs import output_files
    from .reporter import problem_line
    from ..regulation.staged_check import StagedChange, validate_staged

    session = _session(ctx, lang)
    change = StagedChange.of(session.root)
    if change is None or not change.paths:
        return
    outputs = output_files(session.root, change.paths)
    report = validate_staged(session.root, session.today, change)
    for problem in outputs + report.problems:
        click.echo(problem_line(problem, session.lang), err=True)
    ctx.exit(1 if outputs or report.errors else 0)


@hook.command(name="commit-msg")
@click.argument("message_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@lang_option
@click.pass_context
def commit_msg(ctx, message_file, lang):
    from ..record.hooks import filed_paths_without_reason

    session = _session(ctx, lang)
    paths = filed_paths_without_reason(session.root, message_file)
    if paths:
        session.echo_err("hook-needs-reason", paths=", ".join(paths))
        ctx.exit(1)


def _pushed() -> list[tuple[str, str, str]]:
    return [tuple(line.split()) for line in sys.stdin.read().splitlines() if len(line.split()) == 3]


@hook.command(name="post-receive")
@click.option("--prefix", default="")
def post_receive(prefix):
    from ..record.server_hooks import post_receive as note

    note(Path.cwd(), _pushed())


@hook.command(name="pre-receive")
@click.option("--prefix", default="")
@lang_option
@click.pass_context
def pre_receive(ctx, prefix, lang):
    from ..record.server_hooks import ZERO, pre_receive as check

    session = _session(ctx, lang)
    pushed = _pushed()
    refused = check(Path.cwd(), pushed, prefix)
    for old, new, ref in pushed:
        violations = refused.get(ref)
        if not violations:
            continue
        for violation in violations:
            click.echo(violation.line(session.lang), err=True)
        session.echo_err("push-refused", ref=ref)
        if old != ZERO and new != ZERO and not {v.rule for v in violations} & REF_RULES:
            # nothing reached the server: the commits go to a branch for approval, main back to the server's
            session.echo_err("push-refused-move", branch=f"change-{new[:7]}", new=new[:10], old=old[:10])
    ctx.exit(1 if refused else 0)


# refusals of the update itself (not of the commits it brings): moving the commits does not help
REF_RULES = {"history-rewritten", "branch-deleted", "ref-outside-branches", "ref-shadows-record"}
