"""Fixity 固定性: bound items stay as they were bound. A bound volume's manifest
(archive/volumes/<档号 of the volume>.yaml, written by `dossier bind`) records the sha256 of each
item and attachment it holds; `bound-changed` is the archive-wide rule that reports a bound item or
attachment whose bytes no longer match (or that is gone), at the first line that differs. The hashes
of attachments are cached in .dossier/ by (size, mtime, inode). Validation (validate, watch) and
paper (volumes, the catalogue, handover) both read manifests here; it imports git/ and archive/ only.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..archive import codes
from ..archive.fsutil import atomic_write_bytes, file_sha256
from ..archive.loader import Document, LoadError, load_bytes, load_file
from ..archive.problems import Problem

VOLUMES = "volumes"  # archive/volumes/: manifests of bound volumes
MANIFEST_SUFFIX = ".yaml"
RULE = "bound-changed"
HASH_CACHE = ".dossier/bound-hashes.pickle"


MANIFEST_RE = re.compile(r"^(?P<prefix>[A-Z0-9]{4}-[A-Z]{2}·(?P<year>\d{4})-(?P<retention>Y|D30|D10)-C(?P<category>[1-6D]))"
                         r"-V(?P<number>\d{2,})\.yaml$")


@dataclass
class Manifest:
    path: str  # relative to the archive root
    data: dict
    doc: Document
    sha256: str
    prefix: str
    number: int
    category: str
    year: int
    retention: str

    @property
    def archive_number(self) -> str:
        return f"{self.prefix}-V{self.number:02d}"

    def items(self) -> list[dict]:
        return [i for i in self.data.get("items") or [] if isinstance(i, dict)]


def manifests(root: Path) -> list[Manifest]:
    """Every manifest in archive/volumes/, in archive-number order. A file that cannot be read
    raises LoadError (validate reports it as a problem)."""
    folder = root / VOLUMES
    if not folder.is_dir():
        return []
    found = []
    for name in sorted(os.listdir(folder)):
        match = MANIFEST_RE.match(name)
        if not match:
            continue
        rel = f"{VOLUMES}/{name}"
        raw = (folder / name).read_bytes()
        doc = load_bytes(raw, rel)
        data = doc.data if isinstance(doc.data, dict) else {}
        found.append(Manifest(rel, data, doc, hashlib.sha256(raw).hexdigest(), match["prefix"], int(match["number"]),
                              match["category"], int(match["year"]), match["retention"]))
    return sorted(found, key=lambda m: (m.prefix, m.number))


def bound_changes(root: Path, results: dict | None = None, only: set[str] | None = None,
                  digest_of: Callable[[str], str | None] | None = None) -> list[Problem]:
    """`bound-changed`: a bound item whose file, or one of whose attachments, no longer has the
    sha256 its volume's manifest recorded (or is gone). `results` are validate's per-file
    results, whose `digest` (sha256 of the file's bytes) saves reading the items again.
    `only`: check just these items (paths), as `dossier watch` does for the files that changed.
    `digest_of` answers the sha256 of an item's file as validate's store knows it.
    Every problem's `path` argument names the item it concerns."""
    digests = {rel: getattr(r, "digest", "") for rel, r in (results or {}).items()}
    try:
        found_manifests = manifests(root)
    except LoadError as exc:
        return [exc.problem]
    if not found_manifests:
        return []
    hashes = _HashCache(root)
    problems = []
    for manifest in found_manifests:
        for index, entry in enumerate(manifest.data.get("items") or []):
            if not isinstance(entry, dict):
                continue
            code = codes.parse(entry.get("code"))
            if code is None:
                continue
            rel = code.path
            if only is not None and rel not in only:
                continue
            line, column = manifest.doc.position(("items", index, "code"))
            if not (root / rel).is_file():
                problems.append(Problem(manifest.path, line, column, RULE, "bound-missing",
                                        {"code": str(code), "path": rel, "volume": manifest.archive_number}))
                continue
            actual = digests.get(rel) or (digest_of(rel) if digest_of else None) or hashes.sha256(rel)
            if actual != entry.get("sha256"):
                problems.append(Problem(rel, *_where_changed(root, rel, manifest.path), RULE, "bound-changed",
                                        {"path": rel, "volume": manifest.archive_number,
                                         "manifest": manifest.path}))
            folder = rel.rsplit("/", 1)[0]
            for attachment in entry.get("attachments") or []:
                if not isinstance(attachment, dict) or not isinstance(attachment.get("file"), str):
                    continue
                path = os.path.normpath(f"{folder}/{attachment['file']}")
                if not (root / path).is_file() or hashes.sha256(path) != attachment.get("sha256"):
                    problems.append(Problem(rel, *_attachment_position(root, rel, attachment["file"]), RULE,
                                            "bound-attachment-changed",
                                            {"path": rel, "file": attachment["file"],
                                             "volume": manifest.archive_number, "manifest": manifest.path}))
    hashes.save()
    return problems


def _where_changed(root: Path, rel: str, manifest_path: str) -> tuple[int, int]:
    """Line and column of the first difference between a bound item and the item as bound (as the
    commit that added its volume's manifest holds it); (0, 0), no position, when that version cannot be read."""
    from ..git import gitrepo

    log = gitrepo.run(["log", "-1", "--diff-filter=A", "--format=%H", "--", manifest_path], root, check=False)
    bound = gitrepo.blob(root, log.stdout.strip(), rel) if log.returncode == 0 and log.stdout.strip() else None
    try:
        now = (root / rel).read_bytes()
    except OSError:
        return 0, 0
    if bound is None:
        return 0, 0
    old_lines, new_lines = bound.splitlines(), now.splitlines()
    for number, (old, new) in enumerate(zip(old_lines, new_lines), 1):
        if old != new:
            same = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
            return number, len(new[:same].decode("utf-8", "replace")) + 1
    return min(len(old_lines), len(new_lines)) + 1, 1


def _attachment_position(root: Path, rel: str, file: str) -> tuple[int, int]:
    """Where the item names the attachment (its `file:` value); (1, 1) when the item cannot be read."""
    try:
        doc = load_file(root / rel, rel)
        attachments = doc.data.get("attachments") if isinstance(doc.data, dict) else None
        index = next(i for i, a in enumerate(attachments or []) if isinstance(a, dict) and a.get("file") == file)
        return doc.position(("attachments", index, "file"))
    except (LoadError, StopIteration):
        return 1, 1


class _HashCache:
    """sha256 of files by (size, mtime, inode), kept in .dossier/ so that validate does not
    read every bound attachment on every run."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.changed = False
        try:
            with open(root / HASH_CACHE, "rb") as handle:
                self.known = pickle.load(handle)
            if not isinstance(self.known, dict):
                self.known = {}
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            self.known = {}

    def sha256(self, rel: str) -> str | None:
        try:
            st = os.stat(self.root / rel)
        except OSError:
            return None
        key = (st.st_size, st.st_mtime_ns, st.st_ino)
        cached = self.known.get(rel)
        if cached and cached[0] == key:
            return cached[1]
        digest = file_sha256(self.root / rel)
        self.known[rel] = (key, digest)
        self.changed = True
        return digest

    def save(self) -> None:
        if self.changed:
            try:
                atomic_write_bytes(self.root / HASH_CACHE, pickle.dumps(self.known, protocol=pickle.HIGHEST_PROTOCOL))
            except OSError:
                pass
