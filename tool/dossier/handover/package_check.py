"""DA/T 70 check items decided on a received package (移交与接收 YJ; also GD or BC on a package):
the BagIt envelope's digests (1-14), the 说明文件 and 目录文件 (1-12), the DA/T 93 layout (1-13),
the counts they register (2-1, 2-2, 2-11), each item's metadata against the scheme, the fixity
information against the files (1-1), and no encryption or closed compression inside (3-8)."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from . import common, layout
from .metadata import EVENTS, element_findings
from .outcome import Decision, Finding, by_person, judged, not_applicable, person_unless_found
from .package_reader import DATA, read

DESCRIPTION_ELEMENTS = ("移交单位", "全宗号", "全宗名称", "门类代码", "件数", "文件数", "字节数", "来源提交", "制作日期",
                        "制作人", "生成工具", "封装格式", "内容格式", "软硬件环境", "解密说明", "结构")
CATALOGUE_ELEMENTS = ("顺序号", "档号", "责任者", "题名", "日期", "保管期限", "密级", "备注")
OTHER_FILES = (layout.TRANSFER_LIST + ".pdf", layout.TRANSFER_LIST + ".xlsx", layout.REGISTRATION + ".pdf",
               layout.REGISTRATION + ".xlsx", layout.FIXITY, layout.SCHEME, layout.NUMBERING)
REQUIRED_HISTORY = (EVENTS["handler"], EVENTS["supervisor"], EVENTS["filed"], EVENTS["bound"])


class PackageCheck:
    def __init__(self, bag: Path, stage: str, today: dt.date) -> None:
        self.bag, self.stage, self.today = bag, stage, today
        self.package = read(bag)
        self.holding = self.package.holding
        self.base = bag / DATA
        self.formats = common.sniffed(self.holding)
        self.elements = {"1-2": [], "1-3": [], "1-4": [], "1-5": [], "2-3": [], "2-4": []}
        for entry in self.holding.entries:
            for number, found in element_findings(entry.record, entry.file, today).items():
                self.elements[number] += found

    def decide(self, number: str) -> Decision | None:
        if number in self.elements:
            return judged(self.elements[number], ("check-evidence-values", {"items": len(self.holding.entries),
                                                                             "elements": 21}))
        method = getattr(self, "_" + number.replace("-", "_"), None)
        return method() if method is not None else None

    def _item_files(self) -> list[str]:
        folders = tuple(f + "/" for f in self.package.item_folders)
        return [rel for rel in self.holding.present if rel.startswith(folders)]

    def _totals(self) -> tuple[int, int]:
        files = self._item_files()
        return len(files), sum((self.base / rel).stat().st_size for rel in files)

    # --- authenticity --------------------------------------------------------------------------

    def _1_1(self) -> Decision:
        fixity = self.package.node(layout.FIXITY)
        findings, checked = [], 0
        for item in fixity.all("件") if fixity is not None else []:
            folder = self._folder_of(item.attrs.get("档号", ""))
            for digest in item.children:
                if digest.tag == "原始文件摘要" and digest.attrs.get("已解密") == "是":
                    continue  # decrypted for the package: its bytes differ from the bound original by design
                rel = f"{folder}/{digest.attrs.get('文件', '')}"
                if (self.base / rel).is_file():
                    checked += 1
                    actual = hashlib.sha256((self.base / rel).read_bytes()).hexdigest()
                    if actual != digest.text:
                        findings.append(Finding.of(layout.FIXITY, "check-fixity", digest.position, file=rel,
                                                   actual=actual, recorded=digest.text))
        return judged(findings, ("check-evidence-files", {"count": checked}))

    def _folder_of(self, number: str) -> str:
        try:
            return layout.item_folder(number)
        except ValueError:
            return number

    def _1_6(self) -> Decision:
        return common.special_characters(self.holding)

    def _1_7(self) -> Decision:
        return common.archive_numbers(self.holding)

    def _1_8(self) -> Decision:
        return common.duplicates(self.holding)

    def _1_9(self) -> Decision:
        fonds, class_code = self.package.description("全宗号"), self.package.description("门类代码")
        findings = [Finding.of(e.file, "check-fonds", e.position("全宗号"), number=e.value("档号"), fonds=fonds,
                               class_code=class_code) for e in self.holding.entries
                    if (e.value("全宗号"), e.value("门类代码")) != (fonds, class_code)]
        return judged(findings, ("check-evidence-archive-numbers", {"count": len(self.holding.entries)}))

    def _1_10(self) -> Decision:
        return common.attributes(self.holding, self.formats)

    def _1_11(self) -> Decision:
        return common.stored_paths(self.holding)

    def _1_12(self) -> Decision:
        findings = []
        for rel, tags, child in ((layout.DESCRIPTION, DESCRIPTION_ELEMENTS, None),
                                 (layout.CATALOGUE, CATALOGUE_ELEMENTS, "文件")):
            node = self.package.node(rel)
            if node is None:
                findings.append(Finding.of(rel, "check-structure-missing", path=rel))
                continue
            for part in node.all(child) if child else [node]:
                findings += [Finding.of(rel, "check-description-element", part.position, element=tag)
                             for tag in tags if part.find(tag) is None]
        return judged(findings, ("check-evidence-files", {"count": 2}))

    def _1_13(self) -> Decision:
        findings = [Finding.of(rel, "check-structure-missing", path=rel)
                    for rel in (*layout.TOP_FILES, *OTHER_FILES) if rel not in self.holding.present]
        for entry in self.holding.entries:
            number = entry.value("档号") or ""
            folder = entry.file.rsplit("/", 1)[0]
            expected = self._folder_of(number)
            if folder != expected or entry.file != f"{expected}/{layout.metadata_name(number)}":
                findings.append(Finding.of(entry.file, "check-structure", entry.position("档号"), path=entry.file,
                                           expected=f"{expected}/{layout.metadata_name(number)}"))
        return judged(findings, ("check-evidence-package", self._counts()))

    def _1_15(self) -> Decision:
        return not_applicable("check-na-eep")

    _1_16 = _1_15

    def _2_10(self) -> Decision:
        """BC: the package's metadata complete (DA/T 70 2-10 a), for a package that is no EEP)."""
        return judged(self.elements["2-3"], ("check-evidence-values", {"items": len(self.holding.entries),
                                                                        "elements": 21}))

    def _1_14(self) -> Decision:
        import bagit

        findings = []
        try:
            bag = bagit.Bag(str(self.bag))
            bag.validate(processes=1)
        except bagit.BagValidationError as exc:
            for detail in exc.details or []:
                findings.append(_bag_finding(detail))
            if not exc.details:
                findings.append(Finding.of("bag-info.txt", "check-bag", detail=exc.message))
        except bagit.BagError as exc:
            findings.append(Finding.of("bagit.txt", "check-bag", detail=str(exc)))
        findings += _tag_manifests_as_written(self.bag)
        return judged(findings, ("check-evidence-bag", {"files": len(self.holding.present)}))

    # --- integrity --------------------------------------------------------------------------------

    def _counts(self) -> dict:
        files, size = self._totals()
        return {"items": len(self.holding.entries), "files": files, "bytes": size}

    def _registered(self, tag: str, actual: int, what: str) -> list[Finding]:
        recorded = self.package.description(tag)
        node = self.package.node(layout.DESCRIPTION)
        where = node.find(tag).position if node is not None and node.find(tag) is not None else (0, 0)
        if recorded != str(actual):
            return [Finding.of(layout.DESCRIPTION, "check-package-count", where, what=what, recorded=recorded,
                               actual=actual)]
        return []

    def _2_1(self) -> Decision:
        catalogue = self.package.node(layout.CATALOGUE)
        listed = len(catalogue.all("文件")) if catalogue is not None else 0
        findings = self._registered("件数", len(self.holding.entries), "件数")
        if listed != len(self.holding.entries):
            findings.append(Finding.of(layout.CATALOGUE, "check-package-count", what="目录文件 文件",
                                       recorded=listed, actual=len(self.holding.entries)))
        return judged(findings, ("check-evidence-package", self._counts()))

    def _2_2(self) -> Decision:
        return judged(self._registered("字节数", self._totals()[1], "字节数"), ("check-evidence-package", self._counts()))

    def _2_5(self) -> Decision:
        findings = []
        for entry in self.holding.entries:
            actions = {action for action, _, _ in entry.history}
            needed = REQUIRED_HISTORY + ((EVENTS["customer"],) if entry.value("客户") else ())
            findings += [Finding.of(entry.file, "check-history-missing", action=a) for a in needed if a not in actions]
        return judged(findings, ("check-evidence-values", {"items": len(self.holding.entries), "elements": 5}))

    def _2_6(self) -> Decision:
        decision = common.piece_numbers(self.holding)
        catalogue = self.package.node(layout.CATALOGUE)
        numbers = [f.value("顺序号") for f in catalogue.all("文件")] if catalogue is not None else []
        if numbers != [str(n) for n in range(1, len(numbers) + 1)]:
            decision.findings.append(Finding.of(layout.CATALOGUE, "check-piece-gap", prefix="顺序号",
                                                missing=", ".join(n or "?" for n in numbers[:10])))
        return judged(decision.findings, *decision.evidence)

    def _2_11(self) -> Decision:
        """The files of the items' folders against the count the 说明文件 registers (a file missing
        from an item is 1-11, one too many 4-3)."""
        return judged(self._registered("文件数", self._totals()[0], "文件数"), ("check-evidence-package", self._counts()))

    # --- usability --------------------------------------------------------------------------------

    def _3_1(self) -> Decision:
        return judged(list(self.package.broken), ("check-evidence-files", {"count": len(self.package.xml)}))

    def _3_2(self) -> Decision:
        return not_applicable("check-na-database")

    def _3_3(self) -> Decision:
        return common.content_formats(self.holding, self.formats, pdfa=True)

    _3_5 = _3_3

    def _3_6(self) -> Decision:
        findings = [Finding.of(layout.DESCRIPTION, "check-description-element", element=tag)
                    for tag in ("生成工具", "软硬件环境") if not self.package.description(tag)]
        findings += [Finding.of(e.file, "check-description-element", element="文档创建程序")
                     for e in self.holding.entries if any(not t for t in e.tools)]
        return person_unless_found(findings, ("check-manual-3-6", {}))

    def _3_8(self) -> Decision:
        findings = common.encryption(self.base, self.holding.present, record_suffixes=(".yaml", ".xml"))
        return judged(findings, ("check-evidence-files", {"count": len(self.holding.present)}))

    # --- security ---------------------------------------------------------------------------------

    def _4_1(self) -> Decision:
        return common.scanner_installed()

    def _4_2(self) -> Decision:
        return common.virus_scan(self.base, self.holding.present)

    def _4_3(self) -> Decision:
        known = set(layout.TOP_FILES) | set(OTHER_FILES)
        known |= {e.file for e in self.holding.entries} | {f.path for e in self.holding.entries for f in e.files}
        allowed = (f"{layout.RULES}/", f"{layout.MANIFESTS}/")
        extra = [Finding.of(rel, "check-extra-file") for rel in self.holding.present
                 if rel not in known and not rel.startswith(allowed)]
        return judged(extra, ("check-evidence-files", {"count": len(self.holding.present)}))

    def _4_7(self) -> Decision:
        return by_person(("check-manual-4-7", {}))


def _tag_manifests_as_written(bag: Path) -> list[Finding]:
    """No manifest lists the tag manifests' own digests, so a change that leaves them readable (a
    line ending) escapes bagit: each must read back exactly as bagit writes it, one
    "<digest> <path>" line per file, the digest as long as its algorithm's, LF-terminated."""
    import re

    findings = []
    for path in sorted(bag.glob("tagmanifest-*.txt")):
        size = {"sha256": 64, "sha512": 128}.get(path.stem.split("-", 1)[1], 0)
        line = re.compile(rb"[0-9a-f]{%d} [^\s][^\r\n]*\n" % size)
        raw = path.read_bytes()
        if not raw or not all(line.fullmatch(part + b"\n") for part in raw[:-1].split(b"\n")) or raw[-1:] != b"\n":
            findings.append(Finding.of(path.name, "check-bag-changed", file=path.name))
    return findings


def _bag_finding(detail) -> Finding:
    import bagit

    path = getattr(detail, "path", "") or ""
    if isinstance(detail, bagit.ChecksumMismatch):
        return Finding.of(path, "check-bag-changed", file=path)
    if isinstance(detail, bagit.FileMissing):
        return Finding.of(path, "check-bag-missing", file=path)
    if isinstance(detail, bagit.UnexpectedFile):
        return Finding.of(path, "check-bag-extra", file=path)
    return Finding.of(path or "bag", "check-bag", detail=str(detail))
