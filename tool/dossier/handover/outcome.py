"""What a check item decided, as plain data: its result, how it was decided, the evidence
(counts) and the findings (file, position, what is wrong). Nothing here is worded: every
text is a message key with its arguments (messages.py), shown in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .items import AUTOMATIC, BY_PERSON, FAIL, MANUAL, NOT_APPLICABLE, PASS, CheckItem


@dataclass(frozen=True, order=True)
class Finding:
    """One fault 问题: where it is and what it is."""

    file: str  # relative to the archive root or to the package's data/ folder
    line: int
    column: int
    key: str  # message key
    args: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, file: str, key: str, position: tuple[int, int] = (0, 0), /, **args: Any) -> "Finding":
        return cls(file, position[0], position[1], key, tuple(sorted((k, v) for k, v in args.items())))

    def to_json(self) -> dict:
        return {"file": self.file, "line": self.line, "column": self.column, "key": self.key, "args": dict(self.args)}


@dataclass
class Outcome:
    """The decision on one check item at one stage."""

    item: CheckItem
    stage: str
    method: str  # AUTOMATIC or BY_PERSON
    result: str  # PASS, FAIL, MANUAL or NOT_APPLICABLE
    evidence: list[tuple[str, dict]] = field(default_factory=list)  # (message key, args): counts, tools used
    findings: list[Finding] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.item.code(self.stage)

    def to_json(self) -> dict:
        return {"code": self.code, "name": self.item.zh, "name_en": self.item.en, "method": self.method,
                "result": self.result, "evidence": [{"key": k, "args": a} for k, a in self.evidence],
                "findings": [f.to_json() for f in self.findings]}


@dataclass
class Decision:
    """What a check function returns before it is tied to its item and stage."""

    result: str
    evidence: list[tuple[str, dict]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    method: str = AUTOMATIC


def judged(findings: list[Finding], *evidence: tuple[str, dict]) -> Decision:
    """An automatic item: failed when there is any finding, else passed."""
    return Decision(FAIL if findings else PASS, list(evidence), sorted(set(findings)))


def by_person(*evidence: tuple[str, dict]) -> Decision:
    """An item only a person can decide: never reported as passed."""
    return Decision(MANUAL, list(evidence), method=BY_PERSON)


def not_applicable(reason: str, **args: Any) -> Decision:
    return Decision(NOT_APPLICABLE, [(reason, args)], method=AUTOMATIC)


def person_unless_found(findings: list[Finding], *evidence: tuple[str, dict]) -> Decision:
    """An item a person must judge, but which the data can already fail: failed on a finding,
    else left to a person (never passed)."""
    if findings:
        return Decision(FAIL, list(evidence), sorted(set(findings)))
    return by_person(*evidence)
