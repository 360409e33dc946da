"""`dossier check` (四性检测, DA/T 70-2018) and `dossier handover` (移交信息包, DA/T 93-2022): a thin
layer over dossier.handover."""

from __future__ import annotations

from pathlib import Path

import click

from .main import _acting_person, _session, cli, echo_json, lang_option, shown_path
from ..archive.errors import UsageError

STAGES = click.Choice(["gd", "yj", "bc"])


@cli.command()
@click.argument("path", required=False, type=click.Path(exists=True, file_okay=False))
@click.option("--stage", type=STAGES, default="gd", show_default=True,
              help="gd 归档 (filing), yj 移交与接收 (handover and receipt), bc 长期保存 (long-term keeping).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "xlsx", "pdf"]), default="text",
              show_default=True)
@click.option("--output", metavar="FILE|DIR", help="The xlsx or pdf report: a file name ending in .xlsx or .pdf, or "
              "the folder to write 四性检测-<stage>-<date>.<format> into (default: the current folder).")
@click.option("--no-record", is_flag=True, help="Do not record the run under checks/ (a trial run).")
@lang_option
@click.pass_context
def check(ctx, path, stage, fmt, output, no_record, lang):
    """The four-property check 四性检测 of the archive, or of a received package (PATH).

    Lists every DA/T 70 item of the stage with how it was decided, its result (通过 / 不通过 /
    需人工 / 不适用) and its evidence; exit 1 if any item failed. A run on the archive is recorded
    under checks/ and committed."""
    from ..handover.service import check_run

    session = _session(ctx, lang)
    target = Path(path).resolve() if path else session.root
    person = _checking_person(session, target)
    outcome = check_run(target, stage, session.today, person, session.lang)
    run, digest = outcome.run, outcome.digest
    if fmt == "json":
        echo_json({**run.to_json(), "report_sha256": digest})
    elif fmt == "text":
        click.echo(_text(run, session.lang))
    else:
        written = _write_report(run, fmt, output, session)
        session.echo("check-report-written", file=shown_path(written))
    if not no_record and outcome.archive_root is not None:
        from ..handover.runs import record

        rel, commit = record(outcome.archive_root, run, digest)
        session.echo_err("check-recorded", file=rel, commit=(commit or "")[:10] or "—", digest=digest[:16])
    elif outcome.archive_root is None:
        session.echo_err("check-package-not-recorded", digest=digest)
    ctx.exit(1 if run.failed else 0)


def _checking_person(session, target: Path) -> str:
    """Who checks: the archive's person acting; a receiver checking a package may be no one the
    archive lists, so their git identity (or the system user) names them."""
    from ..handover.checks import is_package

    if not is_package(target):
        from ..archive.config import open_archive

        person = _acting_person(open_archive(target))
        return f"{person.name} ({person.id})"
    from ..git import gitrepo
    import getpass

    return gitrepo.config_value("user.email", Path.cwd()) or getpass.getuser()


def _text(run, lang: str) -> str:
    from ..handover.report import evidence_text, finding_text, item_name, result_word, where

    lines = []
    for o in run.outcomes:
        method = ("自动" if o.method == "automatic" else "人工") if lang == "zh" else o.method
        lines.append(f"{o.code:<8} {result_word(o.result, lang):<6} [{method}] {item_name(o, lang)}")
        evidence = evidence_text(o, lang)
        if evidence:
            lines.append(f"         {evidence}")
        for finding in o.findings:
            lines.append(f"         {where(finding)}: {finding_text(finding, lang)}")
    counts = run.counts()
    from ..archive.messages import message

    lines.append(message("check-summary", lang, stage=run.stage.upper(), **{
        "passed": counts["通过"], "failed": counts["不通过"], "manual": counts["需人工"], "na": counts["不适用"]}))
    return "\n".join(lines)


def _write_report(run, fmt: str, output: str | None, session) -> Path:
    from ..archive.fsutil import atomic_write_bytes
    from ..handover.service import report_bytes

    from ..record.outputs import target

    path = target(output or ".", (fmt,)).path(f"四性检测-{run.stage}-{run.date}.{fmt}")
    atomic_write_bytes(path, report_bytes(run, fmt, session.lang))
    return path


@cli.command()
@click.argument("category", required=False)
@click.argument("year", required=False, type=int)
@click.option("--all", "everything", is_flag=True, help="Every bound volume of the archive.")
@click.option("--output", metavar="DIR", required=True, help="The package's folder (new or empty; outside the "
              "archive's work tree: the package holds decrypted values).")
@click.option("--identity", metavar="FILE", help="Your SSH ed25519 private key, to decrypt confidential values "
              "(default: $DOSSIER_IDENTITY, else ~/.ssh/id_ed25519).")
@lang_option
@click.pass_context
def handover(ctx, category, year, everything, output, identity, lang):
    """The handover package 移交信息包 (DA/T 93-2022) of the bound volumes of CATEGORY and YEAR
    (or --all), as a BagIt bag with SHA-256 and SHA-512 manifests, its confidential values
    decrypted: carry it as confidential material."""
    from ..archive.config import open_archive
    from ..access.crypto import load_identity
    from ..handover.package import build_package

    session = _session(ctx, lang)
    if everything == bool(category):
        raise UsageError("handover-what")
    if category and year is None:
        raise UsageError("handover-what")
    archive = open_archive(session.root)
    actor = _acting_person(archive)
    key = load_identity(identity)
    built = build_package(archive, actor, None if everything else (category, year), Path(output), key,
                          session.today)
    session.echo("handover-written", folder=shown_path(built.folder), items=built.items, files=built.files,
                 bytes=built.bytes, digest=built.digest)
    session.echo_err("handover-confidential", decrypted=built.decrypted)
