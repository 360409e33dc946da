"""Commands that make git the system of record: init, hooks, approve, verify."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .main import _acting_person, _session, cli, lang_option
from .rekey import identity_option, tell_hidden
from ..archive.errors import DossierError, UsageError
from ..record.init import DEFAULT_TOOL
from ..archive.messages import message


def _require_repository(path: Path) -> None:
    from ..git import gitrepo

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
    from ..record.init import init_archive

    session = _session(ctx, lang)
    init_archive(path, tool)
    session.echo("init-done", path=str(path))


@cli.command(name="install-hooks")
@lang_option
@click.pass_context
def install_hooks(ctx, lang):
    """Install the pre-commit and commit-msg hooks in this clone of the archive."""
    from ..record.hooks import install_client_hooks

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
    from ..record.server_hooks import install_server_hook as install

    session = _session(ctx, lang)
    for hook in install(bare_repo, prefix.strip("/") + "/" if prefix else ""):
        _tell_installed(session, hook)


def _tell_installed(session, hook: Path) -> None:
    from ..record.hooks import legacy_of

    session.echo("hook-installed", hook=hook.name, path=str(hook.parent))
    if legacy_of(hook).exists():
        session.echo("hook-legacy-kept", hook=hook.name, legacy=legacy_of(hook).name)


@cli.command()
@click.argument("rev_range", metavar="[RANGE]", default="HEAD")
@click.option("--pending", is_flag=True, help="RANGE is a branch awaiting approval (a pull request): check "
              "reasons and bound items only.")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown"]), default="text", show_default=True,
              help="markdown (with --pending): the review of the branch for the pull request, without "
                   "confidential values.")
@lang_option
@click.pass_context
def verify(ctx, rev_range, pending, fmt, lang):
    """Walk the main line's history (default: all of HEAD) and list every change to a filed
    item that lacks its reason or the sales manager's signed approval, every bound item
    changed after binding, and every purge before the retention month ended."""
    from ..record.approvals import ArchiveHistory, verify as verify_history, verify_pending

    from ..git import gitrepo

    session = _session(ctx, lang)
    _require_repository(session.root)
    if fmt == "markdown":
        if not pending:
            raise UsageError("verify-markdown-needs-pending")
        ctx.exit(_pending_markdown(session, rev_range))
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


def _pending_markdown(session, rev_range: str) -> int:
    """`verify --pending --format markdown`: the public review of RANGE (BASE..BRANCH, or a branch
    into the record branch). No key is loaded, so no value can be decrypted into it."""
    from ..record.approvals import record_branch
    from ..record.review import Lens, review_branch
    from ..record.review_report import review_markdown

    base, dots, tip = rev_range.partition("..")
    if not dots:
        base, tip = record_branch(session.root), rev_range
    result = review_branch(session.root, tip.lstrip(".") or "HEAD", base or "HEAD", Lens(public=True),
                           today=session.today)
    click.echo(review_markdown(result, session.lang), nl=False)
    return 1 if result.errors else 0


def _review(session, branch: str, base: str, identity: str | None):
    """The review of BRANCH into BASE by the person acting, values decrypted where they may read them;
    printed, with a note on stderr of the values that stayed encrypted."""
    from ..access.rights import policy
    from ..archive.config import open_archive
    from ..access.crypto import load_identity
    from ..record.review import Lens, review_branch
    from ..record.review_report import review_text
    from ..access.sealed import hidden_in

    root = session.root
    _require_repository(root)
    archive = open_archive(root)
    actor = _acting_person(archive)
    key = load_identity(identity)
    result = review_branch(root, branch, base, Lens(policy(archive, session.today).reader(actor), key), actor,
                           session.today)
    click.echo(review_text(result, session.lang))
    files = [f for commit in result.commits for f in commit.files] + (result.net or [])
    tell_hidden(session, sum(hidden_in(f.fields) for f in files), key)
    return actor, result


@cli.command()
@click.argument("branch")
@click.option("--into", "base", metavar="BRANCH", help="The branch it would be merged into (default: the record "
              "branch, the remote's default or main).")
@identity_option
@lang_option
@click.pass_context
def review(ctx, branch, base, identity, lang):
    """Show every change BRANCH makes, commit by commit and field by field (old → new, your
    confidential values decrypted), each commit's reason, and the policy's and validation's
    verdicts: what `approve` would sign. Exit 1 if a verdict is against it."""
    from ..record.approvals import record_branch

    session = _session(ctx, lang)
    _, result = _review(session, branch, base or record_branch(session.root), identity)
    ctx.exit(1 if result.errors else 0)


@cli.command()
@click.argument("branch")
@click.option("--yes", is_flag=True, help="Sign without asking (scripts); the review is printed all the same.")
@identity_option
@lang_option
@click.pass_context
def approve(ctx, branch, yes, identity, lang):
    """Merge BRANCH into the record branch as your approval, signed with your SSH key, with a
    summary of the changes and their reasons in the merge message. After showing the review of
    BRANCH it refuses, changing nothing, whatever verify would reject (not on the record branch,
    a branch that does not validate or is merged already, a key that is not yours in people.yaml,
    your own changes, changes someone else approves); then asks."""
    from ..git import gitrepo
    from ..archive.config import open_archive
    from ..record.merge import check_approval, sign_approval

    session = _session(ctx, lang)
    root = session.root
    _require_repository(root)
    actor = _acting_person(open_archive(root))
    if not {"sales_manager", "general_manager"} & set(actor.roles):
        raise UsageError("approve-not-approver", person=actor.id)
    here = gitrepo.run(["symbolic-ref", "-q", "--short", "HEAD"], root, check=False).stdout.strip() or "HEAD"
    _review(session, branch, here, identity)
    prospect = check_approval(root, actor, branch, session.today)  # refuses what verify would reject
    if not yes:
        if not sys.stdin.isatty():
            raise UsageError("approve-needs-terminal", branch=branch)
        if not click.confirm(message("approve-confirm", session.lang, branch=branch, base=here), default=False):
            session.echo_err("approve-declined")
            ctx.exit(1)
    with session.changing("approve"):  # the merge commit, like every commit the tool makes (not the question)
        sha = sign_approval(root, actor, prospect)
    session.echo("approved", branch=branch, sha=sha[:10])
