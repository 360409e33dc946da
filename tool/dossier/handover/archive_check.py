"""DA/T 70 check items decided on the archive in place (归档 GD, 长期保存 BC; also YJ before a
handover). What validate enforces is taken from its problems, each rule counted under the one
item it answers (RULE_ITEMS); the rest is decided here from the items, their attachments, the
bound volumes' manifests and the repository."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from ..git import gitrepo
from ..archive.config import open_archive
from ..archive.problems import Problem
from ..regulation.validate import validate_archive
from ..regulation.fixity import VOLUMES, manifests
from . import common
from .archive_source import ITEM_FOLDERS, archived, holding, item_files, read_items
from .holding import Holding
from .outcome import Decision, Finding, by_person, judged, not_applicable, person_unless_found

# validate's rules, each under the check item it answers (schema errors by their kind, below)
RULE_ITEMS = {
    "yaml": "3-1", "code-path": "1-13", "stray-file": "1-13", "code-category": "1-5", "code-year": "1-5",
    "signature-before-date": "1-5", "signature-future": "1-5", "category-type": "2-9", "code-unique": "1-8",
    "customer-unknown": "1-4", "person-unknown": "1-4", "manager-role": "1-4", "manager-section": "1-4",
    "customer-id": "1-4", "signature-missing": "2-5", "signature-handler": "2-5", "supervisor": "2-5",
    "supervisor-none": "2-5", "attachment-path": "1-11", "attachment-missing": "1-11",
    "attachment-outside": "1-11", "attachment-hash": "1-1", "serial-gap": "2-6", "bound-changed": "1-14",
    "render": "1-3",
}
SCHEMA_ITEMS = {"schema-required": "2-3", "schema-enum": "1-4"}
PROCESS_RULES = ("confidential", "grant-", "person-duplicate", "supervisor-cycle", "access")  # → 4-7
MANIFEST_KEYS = ("archive_number", "category", "year", "retention", "items_count", "items", "bound_from", "bound_by")
MANIFEST_ITEM_KEYS = ("code", "piece", "archive_number", "sha256")


def item_of(problem: Problem) -> str:
    """The check item a validate problem belongs to."""
    if problem.rule == "schema":
        if problem.key in SCHEMA_ITEMS:
            return SCHEMA_ITEMS[problem.key]
        detail = str(problem.args.get("detail", ""))
        if "too long" in detail or "too short" in detail or "non-empty" in detail:
            return "1-2"
        return "1-5" if "minimum" in detail or "maximum" in detail else "1-3"
    if problem.rule.startswith(PROCESS_RULES):
        return "4-7"
    return RULE_ITEMS.get(problem.rule, "1-3")


def _finding(problem: Problem) -> Finding:
    return Finding.of(problem.file, "check-validate", (problem.line, problem.column), rule=problem.rule,
                      problem=problem.key, **{f"a_{k}": v for k, v in problem.args.items()})


class ArchiveCheck:
    """The archive at `root`, read once; `decide(number)` answers for one check item."""

    def __init__(self, root: Path, stage: str, today: dt.date, use_cache: bool = True) -> None:
        self.root, self.stage, self.today = root, stage, today
        self.archive = open_archive(root)
        report = validate_archive(root, today, use_cache=use_cache)
        self.validate_files = report.files
        self.by_item: dict[str, list[Finding]] = {}
        self.empty: set[tuple[str, str]] = set()
        self.items = read_items(root, item_files(root))
        settings = self.archive.settings.data
        self.present = _present(root)
        self.holding: Holding = holding(root, archived(self.items), settings, self.present)
        self.formats = common.sniffed(self.holding)
        self.manifests, self.manifest_problem = _manifests(root)
        self._empty_mandatory()
        for problem in report.problems:
            if (problem.is_error or problem.rule == "serial-gap") and not self._said_empty(problem):
                self.by_item.setdefault(item_of(problem), []).append(_finding(problem))
        self.warnings = [p for p in report.problems if not p.is_error]

    # --- 2-4 before the schema problems: an empty value is one fault, not two -----------------

    def _empty_mandatory(self) -> None:
        from .metadata import BY_TAG, YAML_PATHS

        findings = []
        for entry in self.holding.entries:
            for tag, path in YAML_PATHS.items():
                value = self.items[entry.file].get(path[0]) if len(path) == 1 else None
                if len(path) == 1 and path[0] in self.items[entry.file] and BY_TAG[tag].required \
                        and (value is None or (isinstance(value, str) and not value.strip())):
                    findings.append(Finding.of(entry.file, "check-element-empty", entry.position(tag), element=tag))
                    self.empty.add((entry.file, path[0]))
        self.by_item["2-4"] = findings

    def _said_empty(self, problem: Problem) -> bool:
        return problem.rule == "schema" and (problem.file, str(problem.args.get("field", ""))) in self.empty

    # --- the decisions ---------------------------------------------------------------------------

    def decide(self, number: str) -> Decision | None:
        method = getattr(self, "_" + number.replace("-", "_"), None)
        if method is not None:
            return method()
        if number in VALIDATE_ONLY:
            return judged(self.by_item.get(number, []), ("check-evidence-validated", {"files": self.validate_files}))
        return None

    def _1_1(self) -> Decision:
        findings = list(self.by_item.get("1-1", []))
        checked = sum(len(e.files) for e in self.holding.entries)
        violations, commits = _signatures(self.root)
        findings += violations
        return judged(findings, ("check-evidence-fixity", {"attachments": checked, "commits": commits}))

    def _1_6(self) -> Decision:
        return common.special_characters(self.holding)

    def _1_7(self) -> Decision:
        return common.archive_numbers(self.holding)

    def _1_8(self) -> Decision:
        decision = common.duplicates(self.holding)
        return judged(decision.findings + self.by_item.get("1-8", []), *decision.evidence)

    def _1_9(self) -> Decision:
        settings = self.archive.settings.data
        fonds, class_code = (settings.get("fonds") or {}).get("code"), settings.get("class_code")
        findings = [Finding.of(e.file, "check-fonds", e.position("档号"), number=e.value("档号"), fonds=fonds,
                               class_code=class_code)
                    for e in self.holding.entries if e.value("档号") and not
                    str(e.value("档号")).startswith(f"{fonds}-{class_code}·")]
        return judged(findings, ("check-evidence-archive-numbers", {"count": len(self.holding.entries)}))

    def _1_10(self) -> Decision:
        return common.attributes(self.holding, self.formats)

    def _1_12(self) -> Decision:
        findings = [self.manifest_problem] if self.manifest_problem else []
        for manifest in self.manifests:
            for key in MANIFEST_KEYS:
                if key not in manifest.data:
                    findings.append(Finding.of(manifest.path, "check-manifest-key", (1, 1), key=key))
        return judged(findings, ("check-evidence-manifests", {"count": len(self.manifests)}))

    def _1_13(self) -> Decision:
        return judged(self.by_item.get("1-13", []), ("check-evidence-validated", {"files": self.validate_files}))

    def _1_14(self) -> Decision:
        items = sum(len(m.items()) for m in self.manifests)
        return judged(self.by_item.get("1-14", []), ("check-evidence-bound", {"volumes": len(self.manifests),
                                                                                 "items": items}))

    def _1_15(self) -> Decision:
        return not_applicable("check-na-eep")

    _1_16 = _1_15

    def _2_1(self) -> Decision:
        findings = []
        for manifest in self.manifests:
            stated = manifest.data.get("items_count")
            if stated != len(manifest.items()):
                findings.append(Finding.of(manifest.path, "check-count", manifest.doc.position(("items_count",)),
                                           recorded=stated, actual=len(manifest.items())))
        items = len(self.holding.entries)
        return judged(findings, ("check-evidence-count", {"items": items, "volumes": len(self.manifests)}))

    def _2_2(self) -> Decision:
        size = sum((self.root / rel).stat().st_size for rel in self._record_files())
        return by_person(("check-evidence-bytes", {"bytes": size, "files": len(self._record_files())}))

    def _2_6(self) -> Decision:
        decision = common.piece_numbers(self.holding)
        return judged(decision.findings + self.by_item.get("2-6", []), *decision.evidence)

    def _2_9(self) -> Decision:
        findings = list(self.by_item.get("2-9", []))
        for entry in self.holding.entries:
            data = self.items[entry.file]
            scheduled = self.archive.settings.category(str(data.get("category"))).get("retention")
            if scheduled and data.get("retention") != scheduled:
                findings.append(Finding.of(entry.file, "check-retention", entry.position("保管期限"),
                                           retention=data.get("retention"), scheduled=scheduled,
                                           category=data.get("category")))
        return judged(findings, ("check-evidence-count", {"items": len(self.holding.entries),
                                                           "volumes": len(self.manifests)}))

    def _2_10(self) -> Decision:
        findings = []
        for manifest in self.manifests:
            for index, item in enumerate(manifest.items()):
                for key in MANIFEST_ITEM_KEYS:
                    if key not in item:
                        findings.append(Finding.of(manifest.path, "check-manifest-key",
                                                   manifest.doc.position(("items", index)), key=f"items.{key}"))
        return judged(findings, ("check-evidence-manifests", {"count": len(self.manifests)}))

    def _2_11(self) -> Decision:
        listed = {m_item.get("code") for m in self.manifests for m_item in m.items()}
        findings = [Finding.of(e.file, "check-bound-unlisted", e.position("档号"), code=e.value("电子文件编码"))
                    for e in self.holding.entries
                    if self.items[e.file].get("status") == "bound" and e.value("电子文件编码") not in listed]
        return judged(findings, ("check-evidence-count", {"items": len(self.holding.entries),
                                                           "volumes": len(self.manifests)}))

    def _3_2(self) -> Decision:
        if not gitrepo.is_repository(self.root):
            return judged([Finding.of(".", "check-no-repository", (0, 0))])
        head = gitrepo.run(["rev-parse", "-q", "--verify", "HEAD"], self.root, check=False)
        findings = [] if head.returncode == 0 else [Finding.of(".", "check-no-commit", (0, 0))]
        return judged(findings, ("check-evidence-repository", {"commit": head.stdout.strip()[:12]}))

    def _3_3(self) -> Decision:
        return common.content_formats(self.holding, self.formats)

    _3_5 = _3_3

    def _3_6(self) -> Decision:
        return by_person(("check-evidence-environment", {}))

    def _3_8(self) -> Decision:
        attachments = [ref.path for e in self.holding.entries for ref in e.files if ref.path in self.formats]
        findings = common.encryption(self.root, attachments, record_suffixes=())
        sealed = sum(1 for rel in self.holding_files() if b"-----BEGIN AGE ENCRYPTED FILE-----" in
                     (self.root / rel).read_bytes())
        return judged(findings, ("check-evidence-sealed-in-place", {"files": sealed}))

    def _4_1(self) -> Decision:
        return common.scanner_installed()

    def _4_2(self) -> Decision:
        return common.virus_scan(self.root, self._record_files())

    def _4_3(self) -> Decision:
        named = {e.file for e in self.holding.entries} | {ref.path for e in self.holding.entries for ref in e.files}
        named |= set(self.items)  # drafts and their attachments are the archive's too
        for data_rel, data in self.items.items():
            folder = data_rel.rsplit("/", 1)[0]
            attachments = data.get("attachments") if isinstance(data.get("attachments"), list) else []
            named |= {os.path.normpath(f"{folder}/{a['file']}") for a in attachments
                      if isinstance(a, dict) and isinstance(a.get("file"), str)}
        extra = [Finding.of(rel, "check-extra-file", (0, 0)) for rel in self.present
                 if rel.startswith(tuple(f + "/" for f in ITEM_FOLDERS))
                 and not rel.endswith((".yaml", ".yml"))  # YAML out of place: validate's stray-file (1-13)
                 and rel not in named]
        return judged(extra, ("check-evidence-files", {"count": len(self.present)}))

    def _4_7(self) -> Decision:
        return person_unless_found(self.by_item.get("4-7", []), ("check-evidence-process", {}))

    def _3_7(self) -> Decision:
        from .runs import last_run
        from .report import tool_version

        last = last_run(self.root)
        if last is None:
            return by_person(("check-evidence-first-run", {}))
        before, now = str(last.get("tool_version")), tool_version()
        if before == now:
            return judged([], ("check-evidence-same-tool", {"version": now, "date": last.get("date")}))
        return by_person(("check-evidence-tool-changed", {"before": before, "now": now, "date": last.get("date")}))

    # --- helpers -------------------------------------------------------------------------------

    def holding_files(self) -> list[str]:
        return [e.file for e in self.holding.entries]

    def _record_files(self) -> list[str]:
        present = set(self.present)
        return sorted({e.file for e in self.holding.entries} |
                      {ref.path for e in self.holding.entries for ref in e.files if ref.path in present})


VALIDATE_ONLY = ("1-2", "1-3", "1-4", "1-5", "1-11", "2-3", "2-4", "2-5", "3-1")


def _present(root: Path) -> list[str]:
    found = []
    for folder in (*ITEM_FOLDERS, VOLUMES):
        for dirpath, _, names in os.walk(root / folder):
            found += [Path(dirpath, n).relative_to(root).as_posix() for n in names]
    return sorted(found)


def _manifests(root: Path):
    from ..archive.loader import LoadError

    try:
        return manifests(root), None
    except LoadError as exc:
        p = exc.problem
        return [], Finding.of(p.file, "check-validate", (p.line, p.column), rule=p.rule, problem=p.key)


def _signatures(root: Path) -> tuple[list[Finding], int]:
    """The approvals of the main line, checked as `dossier verify` checks them (signed by a key
    people.yaml listed before, by the sales manager, not by the author)."""
    from ..record.approvals import ArchiveHistory, verify

    if not gitrepo.is_repository(root) or gitrepo.run(["rev-parse", "-q", "--verify", "HEAD"], root,
                                                         check=False).returncode:
        return [], 0
    with ArchiveHistory.of_work_tree(root) as history:
        violations = verify(history, "HEAD")
        commits = len(history.commits("--first-parent", "HEAD"))
    return [Finding.of(v.commit[:10], "check-verify", (0, 0), rule=v.rule,
                       **{f"a_{k}": val for k, val in v.args.items()}) for v in violations], commits


