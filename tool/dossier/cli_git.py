"""Commands that make git the system of record: init, hooks, approve, verify."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .cli import _acting_person, _session, cli, lang_option
from .errors import DossierError, UsageError
from .init import DEFAULT_TOOL


def _require_repository(path: Path) -> None:
    from . import gitrepo

    if not gitrepo.is_repository(path):
        raise DossierError("not-a-repository", path=str(path))


@cli.command()
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
@click.option("--tool", metavar="SPEC", default=DEFAULT_TOOL, show_default=True,
              help="What the CI workflow installs with pip: the package, or where your copy of the tool lives "
                   "(e.g. git+https://git.example.cn/sales/customer-dossier.git@v0.1.0).")
@lang_option
@click.pass_context
def init(ctx, path, tool, lang):
    """Create a new archive repository: default schemas and configuration, the pre-commit
    and commit-msg hooks, .github/CODEOWNERS (the sales manager reviews) and a CI workflow."""
    from .init import init_archive

    session = _session(ctx, lang)
    init_archive(path, tool)
    session.echo("init-done", path=str(path))


@cli.command(name="install-hooks")
@lang_option
@click.pass_context
def install_hooks(ctx, lang):
    """Install the pre-commit and commit-msg hooks in this clone of the archive."""
    from .hooks import install_client_hooks

    session = _session(ctx, lang)
    _require_repository(session.root)
    for path in install_client_hooks(session.root):
        _tell_installed(session, path)


@cli.command(name="install-server-hook")
@click.argument("bare_repo", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--prefix", default="", help="Folder of the archive inside the repository (default: its root).")
@lang_option
@click.pass_context
def install_server_hook(ctx, bare_repo, prefix, lang):
    """Install the pre-receive hook, so a plain git server refuses pushes that verify rejects and
    refs the record does not need, and the post-receive hook, which notes with the server's
    clock when each commit arrived (the retention month before a purge counts from it)."""
    from .hooks import install_server_hook as install

    session = _session(ctx, lang)
    for hook in install(bare_repo, prefix.strip("/") + "/" if prefix else ""):
        _tell_installed(session, hook)


def _tell_installed(session, hook: Path) -> None:
    from .hooks import legacy_of

    session.echo("hook-installed", hook=hook.name, path=str(hook.parent))
    if legacy_of(hook).exists():
        session.echo("hook-legacy-kept", hook=hook.name, legacy=legacy_of(hook).name)


@cli.command()
@click.argument("rev_range", metavar="[RANGE]", default="HEAD")
@click.option("--pending", is_flag=True, help="RANGE is a branch awaiting approval (a pull request): check "
              "reasons and bound items only.")
@lang_option
@click.pass_context
def verify(ctx, rev_range, pending, lang):
    """Walk the main line's history (default: all of HEAD) and list every change to a filed
    item that lacks its reason or the sales manager's signed approval, every bound item
    changed after binding, and every purge before the retention month ended."""
    from .approvals import ArchiveHistory, verify as verify_history, verify_pending

    from . import gitrepo

    session = _session(ctx, lang)
    _require_repository(session.root)
    if rev_range == "HEAD" and gitrepo.run(["rev-parse", "-q", "--verify", "HEAD"], session.root, check=False).returncode:
        session.echo("verify-clean", commits=0)  # a new archive, nothing committed yet
        return
    with ArchiveHistory.of_work_tree(session.root) as history:
        violations = (verify_pending if pending else verify_history)(history, rev_range)
        commits = len(history.commits("--first-parent", rev_range))
    for violation in violations:
        click.echo(violation.line(session.lang))
    key = "verify-summary" if violations else "verify-clean"
    session.echo(key, count=len(violations), commits=commits)
    ctx.exit(1 if violations else 0)


@cli.command()
@click.argument("branch")
@lang_option
@click.pass_context
def approve(ctx, branch, lang):
    """Merge BRANCH into the current branch as the sales manager's approval, signed with your
    SSH key, with a summary of the changes and their reasons in the merge message."""
    from .config import open_archive
    from .merge import approve_branch

    session = _session(ctx, lang)
    root = session.root
    _require_repository(root)
    actor = _acting_person(open_archive(root))
    if "sales_manager" not in actor.roles:
        raise UsageError("approve-not-sales-manager", person=actor.id)
    sha = approve_branch(root, actor, branch)
    session.echo("approved", branch=branch, sha=sha[:10])


@cli.group(hidden=True)
def hook():
    """Entry points of the installed git hooks."""


@hook.command(name="pre-commit")
@lang_option
@click.pass_context
def pre_commit(ctx, lang):
    from .hooks import output_files, staged_archive_paths, staged_versions
    from .reporter import problem_line
    from .validate import validate_archive

    session = _session(ctx, lang)
    paths = staged_archive_paths(session.root)
    if not paths:
        return
    outputs = output_files(session.root, paths)
    report = validate_archive(session.root, session.today, paths, staged=staged_versions(session.root, paths))
    for problem in outputs + report.problems:
        click.echo(problem_line(problem, session.lang), err=True)
    ctx.exit(1 if outputs or report.errors else 0)


@hook.command(name="commit-msg")
@click.argument("message_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@lang_option
@click.pass_context
def commit_msg(ctx, message_file, lang):
    from .hooks import filed_paths_without_reason

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
    from .hooks import post_receive as note

    note(Path.cwd(), _pushed())


@hook.command(name="pre-receive")
@click.option("--prefix", default="")
@lang_option
@click.pass_context
def pre_receive(ctx, prefix, lang):
    from .hooks import pre_receive as check

    session = _session(ctx, lang)
    refused = check(Path.cwd(), _pushed(), prefix)
    for ref, violations in refused.items():
        for violation in violations:
            click.echo(violation.line(session.lang), err=True)
        session.echo_err("push-refused", ref=ref)
    ctx.exit(1 if refused else 0)
