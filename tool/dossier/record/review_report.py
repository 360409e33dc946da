"""A review (review.py) as text for the approver's terminal, or as Markdown for the pull request.

The Markdown is posted where anyone with access to the forge reads it: everything that comes
from the branch (titles, reasons, paths, values) is escaped, so that a commit cannot inject
HTML, links, tables or @-mentions into the page. Which values it holds is decided before, by
the review's Lens (public: no confidential value at all).
"""

from __future__ import annotations

import html
import re

from ..archive import codes
from .history import FieldChange, show_value
from ..archive.messages import message
from ..archive.problems import problem_line
from ..access.sealed import Sealed

_STATUS = {"A": "review-added", "M": "review-modified", "D": "review-deleted", "R": "review-moved"}


def _person_list(review) -> str:
    return "、".join(f"{p.name} ({p.id})" for p in review.approvers) or "-"


def _subject(change, lang: str) -> str:
    if not change.subject:
        return ""
    key = "review-item" if codes.parse(change.subject) else "review-card"
    return f" ({message(key, lang, subject=change.subject)})"


def _where(change) -> str:
    return f"{change.moved_from} → {change.path}" if change.moved_from else change.path


def _field_lines(change, lang: str) -> list[str]:
    """What the reader is shown of one file's change, one line each."""
    if change.withheld:
        return [message("review-withheld", lang, count=change.withheld, subject=change.subject)]
    if change.compared_by_bytes:
        old, new = (digest or "—" for digest in change.digests)
        return [message("review-bytes", lang, old=old, new=new)]
    reencrypted = message("history-reencrypted", lang)
    return [field.text(reencrypted) for field in change.fields]


# --- text --------------------------------------------------------------------------------------


def review_text(review, lang: str) -> str:
    lines = [message("review-title", lang, branch=review.branch, base=review.base, base_sha=review.base_sha[:10],
                     tip_sha=review.tip_sha[:10], count=len(review.commits))]
    if not review.commits and not review.net:
        lines.append(message("review-empty", lang, branch=review.branch, base=review.base))
    for number, commit in enumerate(review.commits, 1):
        lines += ["", message("review-commit", lang, number=number, total=len(review.commits), sha=commit.sha[:10],
                              date=commit.date[:16].replace("T", " "), author=commit.author, title=commit.title)]
        lines.append("  " + (message("history-reason", lang, reason=commit.reason) if commit.reason
                             else message("review-no-reason", lang)))
        lines += _files_text(commit.files, lang)
    if review.net is not None:
        lines += ["", message("review-net", lang, base=review.base)]
        lines += _files_text(review.net, lang)
    lines += [""] + _verdicts_text(review, lang)
    return "\n".join(lines)


def _files_text(files, lang: str) -> list[str]:
    lines = []
    for change in files:
        lines.append(f"  {message(_STATUS[change.status], lang)} {_where(change)}{_subject(change, lang)}")
        lines += [f"      {line}" for line in _field_lines(change, lang)]
    return lines


def _verdicts_text(review, lang: str) -> list[str]:
    lines = []
    if review.conflicts:
        lines.append(message("review-conflicts", lang, branch=review.branch, base=review.base,
                             paths=", ".join(review.conflicts)))
    if review.policy:
        lines.append(message("review-policy-bad", lang, count=len(review.policy)))
        lines += [f"  {violation.line(lang)}" for violation in review.policy]
    else:
        lines.append(message("review-policy-ok", lang, approvers=_person_list(review)))
    errors = sum(p.is_error for p in review.validation)
    if review.validation:
        lines.append(message("review-validation-bad", lang, errors=errors, warnings=len(review.validation) - errors))
        lines += [f"  {problem_line(problem, lang)}" for problem in review.validation]
    elif not review.conflicts:
        lines.append(message("review-validation-ok", lang))
    return lines


# --- Markdown ------------------------------------------------------------------------------------

_PUNCTUATION = re.compile(r"([\\`*_{}\[\]#|~!])")
_LIST_START = re.compile(r"^(\d+)([.)])|^([-+])")  # what would start a list at the beginning of a line


def md_text(text: str) -> str:
    """Text from the branch as plain Markdown text on one line: no HTML, no markup, no @-mention."""
    text = html.escape(" ".join(str(text).split()), quote=False)  # < > & as entities: no tag, no entity of its own
    text = _PUNCTUATION.sub(r"\\\1", text).replace("@", "@&#8203;")
    return _LIST_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", text)


def md_code(text: str) -> str:
    """Text from the branch as an inline code span on one line, safe inside a table cell."""
    text = " ".join(str(text).split()).replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def review_markdown(review, lang: str) -> str:
    """The review for the pull request (built with a public Lens: no confidential value)."""
    ok = "✅" if not review.errors else "❌"
    lines = [f"## {ok} " + message("review-md-title", lang, branch=md_code(review.branch), base=md_code(review.base),
                                  count=len(review.commits)),
             "", message("review-md-note", lang, branch=md_code(f"dossier review {review.branch}")), "",
             f"### {message('review-md-verdicts', lang)}", ""]
    lines += [f"- {md_text(line.strip())}" for line in _verdicts_text(review, lang)]
    lines += ["", f"### {message('review-md-commits', lang)}"]
    for commit in review.commits:
        lines += ["", f"#### {md_code(commit.sha[:10])} {md_text(commit.title)}",
                  "", md_text(f"{commit.author}, {commit.date[:16].replace('T', ' ')}") + " · "
                  + md_text(message("history-reason", lang, reason=commit.reason) if commit.reason
                            else message("review-no-reason", lang))]
        lines += _files_markdown(commit.files, lang)
    if review.net is not None:
        lines += ["", f"### {md_text(message('review-net', lang, base=review.base))}"]
        lines += _files_markdown(review.net, lang)
    return "\n".join(lines) + "\n"


def _files_markdown(files, lang: str) -> list[str]:
    lines = []
    header = message("review-md-columns", lang).split("|")
    for change in files:
        lines += ["", f"**{md_text(message(_STATUS[change.status], lang))}** {md_code(_where(change))}"
                  + " " + md_text(_subject(change, lang))]
        if change.withheld or change.compared_by_bytes or not change.fields:
            lines += [f"- {md_text(line)}" for line in _field_lines(change, lang)]
            continue
        lines += ["", "| " + " | ".join(header) + " |", "|---|---|---|"]
        lines += [_field_row(field) for field in change.fields]
    return lines


def _field_row(field: FieldChange) -> str:
    old, new = (md_code(show_value(_sealed_again(value))) for value in (field.old, field.new))
    return f"| {md_code(field.field)} | {old} | {new} |"


def _sealed_again(value):
    """A page for the forge shows no decrypted value, whatever Lens built the review."""
    return Sealed(value.fingerprint) if isinstance(value, Sealed) else value
