"""Render problems as text lines or JSON, in Chinese or English."""

from __future__ import annotations

import json

from ..archive.messages import message
from ..archive.problems import Problem, problem_line
from ..sheets.sheet_cells import display_width


def render_text(problems: list[Problem], files: int, lang: str, prefix: str = "") -> str:
    lines = [problem_line(p, lang, prefix) for p in problems]
    errors = sum(p.is_error for p in problems)
    if problems:
        lines.append(message("summary", lang, errors=errors, warnings=len(problems) - errors, files=files))
    else:
        lines.append(message("clean", lang, files=files))
    return "\n".join(lines)


def render_json(problems: list[Problem], files: int, lang: str, prefix: str = "") -> str:
    rows = []
    for problem in problems:
        row = problem.to_json()
        row["file"] = prefix + problem.file
        row["message"] = message(problem.key, lang, **problem.args)
        rows.append(row)
    errors = sum(p.is_error for p in problems)
    summary = {"files": files, "errors": errors, "warnings": len(problems) - errors}
    return json.dumps({"summary": summary, "problems": rows}, ensure_ascii=False, indent=2)


def render_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(display_width(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        padded = [cell + " " * (width - display_width(cell)) for cell, width in zip(cells, widths)]
        return "  ".join(padded).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])
