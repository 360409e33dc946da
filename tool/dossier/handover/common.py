"""Check items decided the same way on the archive and on a package, from the entries' metadata
and files: special characters (1-6), archive numbers (1-7), duplicates (1-8), file attributes
(1-10), stored paths (1-11), piece numbers (2-6), content formats (3-3, 3-5), encryption and
closed compression (3-8), and the virus scanner (4-1, 4-2)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

from . import formats
from .holding import Entry, Holding
from .metadata import ARCHIVE_NUMBER, ELEMENTS, RETENTION_WORDS
from .outcome import Decision, Finding, by_person, judged

SCANNERS = ("clamscan", "clamdscan")  # ClamAV, the scanner Debian and Ubuntu package


def special_characters(holding: Holding) -> Decision:
    findings = []
    for entry in holding.entries:
        for element in ELEMENTS:
            value = entry.value(element.tag)
            bad = formats.special_characters(value) if value else []
            if bad:
                findings.append(Finding.of(entry.file, "check-special-characters", entry.position(element.tag),
                                           element=element.tag, characters=" ".join(bad[:5])))
    return judged(findings, ("check-evidence-values", {"items": len(holding.entries), "elements": len(ELEMENTS)}))


def archive_numbers(holding: Holding) -> Decision:
    """DA/T 13 / DA/T 22: the 档号 has its shape and its parts are the item's own fonds, class,
    year, retention, category and piece."""
    findings, checked = [], 0
    for entry in holding.entries:
        number = entry.value("档号")
        if not number:
            continue
        checked += 1
        found = ARCHIVE_NUMBER.match(number)
        if not found:
            findings.append(Finding.of(entry.file, "check-archive-number-shape", entry.position("档号"), number=number))
            continue
        parts = {"全宗号": found["fonds"], "门类代码": found["cls"], "年度": found["year"],
                 "保管期限": RETENTION_WORDS[found["ret"]], "类别号": f"C{found['cat']}", "件号": str(int(found["piece"]))}
        for tag, expected in parts.items():
            actual = entry.value(tag)
            if actual is not None and actual != expected:
                findings.append(Finding.of(entry.file, "check-archive-number-part", entry.position("档号"),
                                           number=number, element=tag, value=actual, expected=expected))
    return judged(findings, ("check-evidence-archive-numbers", {"count": checked}))


def duplicates(holding: Holding) -> Decision:
    """The same 档号, 文件编号 (文号), or 题名 with the same date, customer and section, on two items
    (two managers' monthly reports may share a title: each section files its own)."""
    findings = []
    keys = {"档号": lambda e: e.value("档号"), "文件编号": lambda e: e.value("文件编号"),
            "题名": lambda e: (e.value("题名"), e.value("日期"), e.value("客户"), e.value("机构或问题"))
            if e.value("题名") else None}
    for tag, key_of in keys.items():
        seen: dict[object, Entry] = {}
        for entry in holding.entries:
            key = key_of(entry)
            if not key:
                continue
            if key in seen:
                findings.append(Finding.of(entry.file, "check-duplicate", entry.position(tag), element=tag,
                                           value=entry.value(tag), first=seen[key].file))
            else:
                seen[key] = entry
    return judged(findings, ("check-evidence-values", {"items": len(holding.entries), "elements": len(keys)}))


def attributes(holding: Holding, formats_seen: dict[str, str | None]) -> Decision:
    """Each file is what its name and its metadata say: format by its first bytes, size, pages."""
    findings, checked = [], 0
    for entry in holding.entries:
        for ref in entry.files:
            if ref.path not in formats_seen:
                continue
            checked += 1
            actual = formats_seen[ref.path]
            by_name = formats.format_of_name(ref.name)
            if by_name != actual:
                findings.append(Finding.of(entry.file, "check-format-name", ref.position, file=ref.name,
                                           actual=actual or "?", named=by_name or "?"))
            elif ref.format and ref.format != actual:
                findings.append(Finding.of(entry.file, "check-format-metadata", ref.position, file=ref.name,
                                           actual=actual or "?", recorded=ref.format))
            findings += _size_and_pages(holding.base, entry, ref, actual)
    return judged(findings, ("check-evidence-files", {"count": checked}))


def _size_and_pages(base: Path, entry: Entry, ref, actual: str | None) -> list[Finding]:
    path = base / ref.path
    if ref.size is not None and path.stat().st_size != ref.size:
        return [Finding.of(entry.file, "check-size", ref.position, file=ref.name, actual=path.stat().st_size,
                           recorded=ref.size)]
    if ref.pages and actual == "PDF":
        pages, _, _ = formats.pdf_facts(path)
        if pages is not None and pages != ref.pages:
            return [Finding.of(entry.file, "check-pages", ref.position, file=ref.name, actual=pages,
                               recorded=ref.pages)]
    return []


def stored_paths(holding: Holding) -> Decision:
    present = set(holding.present)
    findings = [Finding.of(entry.file, "check-file-missing", ref.position, file=ref.name)
                for entry in holding.entries for ref in entry.files if ref.path not in present]
    return judged(findings, ("check-evidence-files", {"count": sum(len(e.files) for e in holding.entries)}))


def piece_numbers(holding: Holding) -> Decision:
    """Piece numbers 件号 of each volume group (fonds, class, year, retention, category) run 1, 2, …
    without a gap (DA/T 22)."""
    groups: dict[str, dict[int, Entry]] = defaultdict(dict)
    for entry in holding.entries:
        found = ARCHIVE_NUMBER.match(entry.value("档号") or "")
        if found:
            groups[entry.value("档号")[:-5]][int(found["piece"])] = entry
    findings = []
    for prefix, pieces in sorted(groups.items()):
        missing = sorted(set(range(1, max(pieces) + 1)) - set(pieces))
        if missing:
            after = pieces[max(p for p in pieces if p < missing[0])] if any(p < missing[0] for p in pieces) else None
            findings.append(Finding.of(after.file if after else prefix, "check-piece-gap", (0, 0), prefix=prefix,
                                       missing=", ".join(f"{n:04d}" for n in missing[:10])))
    return judged(findings, ("check-evidence-groups", {"count": len(groups)}))


def content_formats(holding: Holding, formats_seen: dict[str, str | None], pdfa: bool = False) -> Decision:
    """Attachments and content files are in a format for records (PDF, OFD, PNG, JPEG, TIFF);
    with `pdfa`, the item's own content PDF must declare PDF/A."""
    findings = []
    for entry in holding.entries:
        for ref in entry.files:
            if ref.role == "record" or ref.path not in formats_seen:
                continue
            actual = formats_seen[ref.path]
            if actual not in formats.CONTENT_FORMATS:
                findings.append(Finding.of(entry.file, "check-format-not-kept", ref.position, file=ref.name,
                                           actual=actual or "?", allowed=", ".join(formats.CONTENT_FORMATS)))
            elif pdfa and ref.role == "content" and not formats.pdf_facts(holding.base / ref.path)[2]:
                findings.append(Finding.of(entry.file, "check-not-pdfa", ref.position, file=ref.name))
    return judged(findings, ("check-evidence-files", {"count": len(formats_seen)}))


def sniffed(holding: Holding) -> dict[str, str | None]:
    """The format of every file the entries name that is present, by its first bytes."""
    present = set(holding.present)
    paths = {ref.path: ref.name for entry in holding.entries for ref in entry.files if ref.path in present}
    return {path: formats.sniff(formats.read_head(holding.base / path), name) for path, name in paths.items()}


def encryption(base: Path, paths: list[str], record_suffixes: tuple[str, ...] = (".yaml", ".xml")) -> list[Finding]:
    """Files that are encrypted, hold an encrypted value, or are compressed in a way that is not
    open (DA/T 70 3-8; DA/T 92-2022 §8.1.3)."""
    findings = []
    for rel in paths:
        path = base / rel
        head = formats.read_head(path)
        kind = formats.sniff(head, rel)
        if kind in formats.ENCRYPTED or (rel.endswith(record_suffixes) and formats.has_armor(path.read_bytes())):
            findings.append(Finding.of(rel, "check-encrypted", _armor_line(path), file=rel))
        elif kind in formats.CLOSED:
            findings.append(Finding.of(rel, "check-compressed", (0, 0), file=rel, format=kind))
        elif kind in ("XLSX", "OFD") and not formats.zip_is_plain(path):
            findings.append(Finding.of(rel, "check-compressed", (0, 0), file=rel, format=kind))
        elif kind == "PDF" and formats.pdf_facts(path)[1]:
            findings.append(Finding.of(rel, "check-encrypted", (0, 0), file=rel))
    return findings


def _armor_line(path: Path) -> tuple[int, int]:
    for number, line in enumerate(path.read_bytes().split(b"\n"), 1):
        at = next((line.find(a) for a in formats.ARMORS if a in line), -1)
        if at >= 0:
            return number, at + 1
    return 0, 0


# --- the virus scanner ----------------------------------------------------------------------------


def scanner() -> str | None:
    """The path of an installed virus scanner, or None."""
    return next((found for found in map(shutil.which, SCANNERS) if found), None)


def scanner_installed() -> Decision:
    found = scanner()
    if found is None:
        return by_person(("check-evidence-no-scanner", {"names": ", ".join(SCANNERS)}))
    return judged([], ("check-evidence-scanner", {"scanner": _scanner_version(found)}))


def _scanner_version(path: str) -> str:
    try:
        said = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=60).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        said = ""
    return f"{path} {said}".strip()


def virus_scan(base: Path, paths: list[str]) -> Decision:
    """Every file scanned by ClamAV; left to a person when no scanner is installed."""
    found = scanner()
    if found is None:
        return by_person(("check-evidence-no-scanner", {"names": ", ".join(SCANNERS)}))
    infected = []
    for start in range(0, len(paths), 500):  # bounded command lines
        chunk = [str(base / p) for p in paths[start:start + 500]]
        result = subprocess.run([found, "--no-summary", "--infected", *chunk], capture_output=True, text=True,
                                env={**os.environ, "LC_ALL": "C"})
        if result.returncode not in (0, 1):
            return by_person(("check-evidence-scanner-failed", {"scanner": found, "detail": result.stderr.strip()[:200]}))
        for line in result.stdout.splitlines():
            if line.endswith(" FOUND"):
                name, _, signature = line[:-6].rpartition(": ")
                infected.append(Finding.of(_relative(base, name), "check-virus", (0, 0), signature=signature))
    return judged(infected, ("check-evidence-scanned", {"count": len(paths), "scanner": _scanner_version(found)}))


def _relative(base: Path, name: str) -> str:
    try:
        return Path(name).resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return name
