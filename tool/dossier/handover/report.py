"""A check run as a report: plain data (JSON, the record of the run and its digest), and the
reports model (reports/model.py) that the PDF and xlsx renderers lay out. Findings are worded
here in the reader's language; nothing here formats for a terminal."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from importlib import metadata

from ..archive.messages import message
from .items import FAIL, MANUAL, NOT_APPLICABLE, PASS, PROPERTIES, RESULT_EN
from .outcome import Finding, Outcome

RESULTS = (PASS, FAIL, MANUAL, NOT_APPLICABLE)
STAGE_NAMES = {"gd": ("归档环节", "filing"), "yj": ("移交与接收环节", "handover and receipt"),
               "bc": ("长期保存环节", "long-term keeping")}


def tool_version() -> str:
    try:
        return f"customer-dossier {metadata.version('customer-dossier')}"
    except metadata.PackageNotFoundError:
        return "customer-dossier (not installed)"


@dataclass
class Run:
    """One check run: what was checked, by whom, when, and the outcomes."""

    target: str  # "archive" or "package"
    name: str  # the archive's fonds and organisation, or the package's folder name
    stage: str
    person: str
    date: str  # ISO date
    commit: str  # the archive's HEAD, or the package's source commit
    outcomes: list[Outcome]

    def counts(self) -> dict[str, int]:
        return {result: sum(o.result == result for o in self.outcomes) for result in RESULTS}

    @property
    def failed(self) -> bool:
        return any(o.result == FAIL for o in self.outcomes)

    def to_json(self) -> dict:
        return {"standard": "DA/T 70-2018", "target": self.target, "name": self.name, "stage": self.stage.upper(),
                "person": self.person, "date": self.date, "commit": self.commit, "tool_version": tool_version(),
                "counts": self.counts(), "items": [o.to_json() for o in self.outcomes]}

    def digest(self) -> str:
        """sha256 of the report's JSON (keys sorted, UTF-8): what the record of the run names."""
        text = json.dumps(self.to_json(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


def result_word(result: str, lang: str) -> str:
    return result if lang == "zh" else RESULT_EN[result]


def item_name(outcome: Outcome, lang: str) -> str:
    return outcome.item.zh if lang == "zh" else outcome.item.en


def finding_text(finding: Finding, lang: str) -> str:
    """A finding's message; validate's and verify's own problems are worded by their own messages."""
    args = dict(finding.args)
    inner = {k[2:]: v for k, v in args.items() if k.startswith("a_")}
    if finding.key == "check-validate":
        return f"{args.get('rule')}: {message(args['problem'], lang, **inner)}"
    if finding.key == "check-verify":
        return f"{args.get('rule')}: {message('verify-' + str(args.get('rule')), lang, **inner)}"
    return message(finding.key, lang, **args)


def where(finding: Finding) -> str:
    if finding.line:
        return f"{finding.file}:{finding.line}:{finding.column}"
    return finding.file


def evidence_text(outcome: Outcome, lang: str) -> str:
    sep = "；" if lang == "zh" else "; "
    return sep.join(message(key, lang, **args) for key, args in outcome.evidence)


# --- the report as a document (PDF, xlsx) ------------------------------------------------------------


FINDINGS_SHOWN = 200  # per item in the PDF and xlsx; the JSON has them all


def document(run: Run, lang: str, organisation: str):
    from ..reports.model import INT, Column, Document, Section, Table

    zh = lang == "zh"
    stage = STAGE_NAMES[run.stage][0 if zh else 1]
    title = "电子档案四性检测报告" if zh else "Four-property check report (DA/T 70-2018)"
    counts = run.counts()
    meta = [("检测环节" if zh else "Stage", f"{run.stage.upper()} {stage}"),
            ("检测对象" if zh else "Checked", run.name), ("检测人" if zh else "Checked by", run.person),
            ("检测日期" if zh else "Date", run.date), ("版本" if zh else "Commit", run.commit or "—"),
            ("检测工具" if zh else "Tool", tool_version()),
            ("结果" if zh else "Results", "，".join(f"{result_word(r, lang)} {counts[r]}" for r in RESULTS))]
    columns = [Column("code", "编号" if zh else "Code"), Column("name", "检测项目" if zh else "Check item", wide=True),
               Column("property", "类别" if zh else "Property"), Column("method", "方式" if zh else "Method"),
               Column("result", "结果" if zh else "Result"), Column("evidence", "依据" if zh else "Evidence", wide=True)]
    rows = [{"code": o.code, "name": item_name(o, lang), "property": PROPERTIES[o.item.property][0 if zh else 1],
             "method": ("自动" if o.method == "automatic" else "人工") if zh else o.method,
             "result": result_word(o.result, lang), "evidence": evidence_text(o, lang)} for o in run.outcomes]
    sections = [Section("检测项目" if zh else "Check items", [],
                        [Table("检测项目" if zh else "Items", "", columns, rows)])]
    fcols = [Column("code", "编号" if zh else "Code"), Column("n", "#", INT),
             Column("where", "位置" if zh else "Where", wide=True), Column("what", "问题" if zh else "Finding", wide=True)]
    frows = [{"code": o.code, "n": i, "where": where(f), "what": finding_text(f, lang)}
             for o in run.outcomes for i, f in enumerate(o.findings[:FINDINGS_SHOWN], 1)]
    empty = "无" if zh else "none"
    sections.append(Section("问题明细" if zh else "Findings", [], [Table("问题明细" if zh else "Findings", "", fcols,
                                                                         frows, empty=empty)]))
    notes = [message("check-report-note", lang)]
    return Document("check", lang, title, f"{run.stage.upper()} {stage}", organisation,
                    dt.date.fromisoformat(run.date), sections, meta, notes)
