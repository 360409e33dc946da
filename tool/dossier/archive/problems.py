"""Problems found in an archive, as plain data (no rule ever prints).

A Problem names the file, line and column, the rule that found it, and a message
key with its arguments; problem_line renders it as the one line every output shows, in Chinese
or English (cli/reporter.py lists them, or writes them as JSON).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    file: str  # posix path relative to the archive root
    line: int  # 1-based; 0 when the problem concerns the whole file
    column: int  # 1-based; 0 when the problem concerns the whole file
    rule: str  # rule id shown to the user, e.g. "schema", "code-unique"
    key: str  # message key in messages.MESSAGES
    args: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    severity: str = ERROR

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "rule": self.rule,
            "severity": self.severity,
            "key": self.key,
            "args": self.args,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "Problem":
        return cls(d["file"], d["line"], d["column"], d["rule"], d["key"], d["args"], d["severity"])


def problem_line(problem: Problem, lang: str, prefix: str = "") -> str:
    """`records/3/2025/3-2025-S02-0017.yaml:12:5: supervisor: li.na is not …`"""
    from .messages import message

    text = message(problem.key, lang, **problem.args)
    if not problem.is_error:
        text = f"{message('warning-word', lang)}: {text}"
    return f"{prefix}{problem.file}:{problem.line}:{problem.column}: {problem.rule}: {text}"
