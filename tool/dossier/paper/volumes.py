"""Paper volumes 案卷: which items go into the volumes of a category and year, in which
order, with which piece numbers 件号 and archive numbers 档号; binding them (`dossier bind`)
with their manifests archive/volumes/<档号 of the volume>.yaml (read, and checked by the
`bound-changed` rule, in regulation/fixity.py); checking printed volumes (`check-paper`).

Archive numbers follow DA/T 22-2015: an item `Z001-KH·2025-D30-C3-0017` (fonds, class code
KH, year, retention, category, piece), its volume `Z001-KH·2025-D30-C3-V01`. One volume holds
one category, year and retention; piece numbers run on through all volumes of that group,
so a supplement volume 补充卷 (items filed after binding) continues them without touching the
bound one. Inside a volume the items stand in one section 卷章 per customer manager
(sections in order S01, S02, …), in code order; contracts (category 2) by signing date.

Only items whose status is filed or bound go into volumes. Page counts come from rendering
(render/), so planning new volumes renders their items; binding records the page ranges.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable

from ..archive import codes, yamlio
from ..git import gitrepo
from ..archive.config import Archive, Person
from ..archive.errors import DossierError
from ..archive.fsutil import file_sha256
from ..archive.loader import Document, LoadError, load_bytes, load_file
from ..archive.problems import Problem
from ..git.transaction import Operation, under_lock
from ..regulation.fixity import MANIFEST_SUFFIX, VOLUMES, Manifest, manifests

RETENTIONS = ("Y", "D30", "D10")
DEFAULT_MAX_PAGES = 300
BIND_REASON = "年度装订 annual binding"
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
MANIFEST_HEADER = ("# 装订清单 Volume manifest, written by `dossier bind`: the items of a bound volume, their pieces,\n"
                   "# page ranges and sha256. Do not edit: validate reports bound items that no longer match it.\n")


# --- what a volume holds -----------------------------------------------------------------------


@dataclass
class Attachment:
    """One attachment of an item, as found on disk."""

    name: str  # as the item lists it, relative to the item's folder
    path: str  # relative to the archive root
    title: str
    declared: str | None  # sha256 the item records
    actual: str | None  # sha256 of the file; None when it cannot be read
    kind: str  # "image" (PNG, JPEG), "pdf" or "other" (not printable: listed only)
    problem: str | None = None  # None, "missing", "damaged" (hash differs) or "unreadable"
    pages: int = 1  # pages it takes in the volume (PDF: its own pages; image: 1)


@dataclass
class Piece:
    """One item 件 in a volume."""

    code: codes.Code
    path: str  # relative to the archive root
    data: dict
    sha256: str  # of the item file now ("" when it is missing)
    attachments: list[Attachment]
    piece: int  # 件号
    archive_number: str  # 档号
    heading: str | None = None  # None, "start" (first of its section here) or "continued" (section goes on)
    pages: int = 0  # pages it takes, attachments included (known after rendering)
    first_page: int = 0
    pdf: str | None = None  # the rendered item: its key in the render cache (render/cache.py)
    missing: bool = False  # a bound item whose file is gone: a placeholder keeps its pages
    expected_pages: tuple[int, int] | None = None  # page range recorded when bound

    @property
    def section(self) -> str:
        return self.code.section

    @property
    def last_page(self) -> int:
        return self.first_page + self.pages - 1

    @property
    def page_range(self) -> str:
        return str(self.first_page) if self.pages <= 1 else f"{self.first_page}–{self.last_page}"


@dataclass
class Volume:
    """One volume 卷 of a category, year and retention."""

    category: str
    year: int
    retention: str
    prefix: str  # Z001-KH·2025-D30-C3
    number: int  # 1 for V01
    pieces: list[Piece]
    manifest: dict | None = None  # when bound
    manifest_path: str | None = None
    manifest_sha: str | None = None
    supplement_to: str | None = None  # the volume this one supplements (补充卷)
    continued_section: str | None = None  # the section it continues from the volume before
    notes: list[str] = field(default_factory=list)  # 本卷情况说明

    @property
    def bound(self) -> bool:
        return self.manifest is not None

    @property
    def archive_number(self) -> str:
        return f"{self.prefix}-V{self.number:02d}"

    @property
    def label(self) -> str:
        return f"V{self.number:02d}"

    @property
    def pages(self) -> int:
        return sum(p.pages for p in self.pieces)

    @property
    def secrecy(self) -> str:
        """The highest secrecy of its items 密级."""
        order = {"内部": 0, "秘密": 1, "机密": 2, "绝密": 3}
        found = [str(p.data.get("secrecy", "内部")) for p in self.pieces]
        return max(found, key=lambda s: order.get(s, 0)) if found else "内部"

    @property
    def dates(self) -> tuple[str, str]:
        found = sorted(str(p.data.get("date")) for p in self.pieces if p.data.get("date"))
        return (found[0], found[-1]) if found else ("", "")


@dataclass
class Plan:
    """The volumes of one category and year: bound ones (from their manifests) and the new
    ones the filed items not bound yet would make."""

    category: str
    year: int
    volumes: list[Volume]
    failures: list[LoadError] = field(default_factory=list)  # item files that cannot be read

    @property
    def new(self) -> list[Volume]:
        return [v for v in self.volumes if not v.bound]

    def volume(self, archive_number: str) -> Volume | None:
        return next((v for v in self.volumes if v.archive_number == archive_number), None)


# A renderer lays pieces out: it sets each one's `pages` and `pdf` (render.items.ItemRenderer).
Layout = Callable[[list[Piece]], None]


# --- numbers -----------------------------------------------------------------------------------


def volume_prefix(archive: Archive, category: str, year: int, retention: str) -> str:
    data = archive.settings.data
    fonds = (data.get("fonds") or {}).get("code", "")
    return f"{fonds}-{data.get('class_code', 'KH')}·{year}-{retention}-C{category}"


def piece_number(prefix: str, piece: int) -> str:
    return f"{prefix}-{piece:04d}"


def max_pages(archive: Archive) -> int:
    value = archive.settings.data.get("volume_max_pages", DEFAULT_MAX_PAGES)
    return value if isinstance(value, int) and value > 0 else DEFAULT_MAX_PAGES


def shelf_of(archive: Archive, category: str, volume_number: str) -> str:
    shelf = archive.settings.category(category).get("shelf", "")
    return f"{shelf} {volume_number}".strip()


def section_managers(archive: Archive) -> dict[str, Person]:
    return {p.section: p for p in archive.people.values() if p.section}


# --- reading the items -------------------------------------------------------------------------


def _attachments(root: Path, item_path: str, data: dict) -> list[Attachment]:
    folder = item_path.rsplit("/", 1)[0]
    found = []
    for entry in data.get("attachments") or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
            continue
        name = entry["file"]
        pure = PurePosixPath(name)
        safe = name and not pure.is_absolute() and ".." not in pure.parts and "\\" not in name
        rel = os.path.normpath(f"{folder}/{name}") if safe else name
        suffix = pure.suffix.lower()
        kind = "image" if suffix in IMAGE_SUFFIXES else "pdf" if suffix == ".pdf" else "other"
        attachment = Attachment(name, rel, str(entry.get("title") or ""), entry.get("sha256"), None, kind)
        full = root / rel
        real_root = root.resolve()
        if not safe or not full.is_file() or real_root not in full.resolve().parents:
            attachment.problem = "missing"
        else:
            attachment.actual = file_sha256(full)
            if attachment.declared and attachment.actual != attachment.declared:
                attachment.problem = "damaged"
            elif kind == "pdf":
                attachment.pages = _pdf_pages(full)
                if attachment.pages == 0:
                    attachment.problem, attachment.pages = "unreadable", 1
            elif kind == "image" and not _image_readable(full):
                attachment.problem = "unreadable"
        if kind == "other" and attachment.problem is None:
            attachment.pages = 0  # listed on the item's page, kept in the electronic set only
        found.append(attachment)
    return found


def _pdf_pages(path: Path) -> int:
    try:
        from pypdf import PdfReader

        reader = PdfReader(str(path))
        if reader.is_encrypted:
            return 0
        return len(reader.pages)
    except Exception:  # noqa: BLE001 - any damaged PDF is "unreadable", never a traceback
        return 0


def _image_readable(path: Path) -> bool:
    try:
        from PIL import Image

        with Image.open(path) as image:
            image.verify()
        return True
    except Exception:  # noqa: BLE001
        return False


@dataclass
class _Item:
    code: codes.Code
    path: str
    data: dict
    raw: bytes
    doc: Document


def _items(root: Path, category: str, year: int) -> tuple[list[_Item], list[LoadError]]:
    folder = root / ("daily" if category == "D" else f"records/{category}") / str(year)
    found, failures = [], []
    if not folder.is_dir():
        return found, failures
    for name in sorted(os.listdir(folder)):
        code = codes.parse(name.removesuffix(".yaml")) if name.endswith(".yaml") else None
        if code is None or code.category != category or code.year != year:
            continue
        rel = code.path
        try:
            raw = (root / rel).read_bytes()
            doc = load_bytes(raw, rel)
        except OSError as exc:
            failures.append(LoadError(Problem(rel, 0, 0, "yaml", "yaml-unreadable", {"detail": exc.strerror})))
            continue
        except LoadError as exc:
            failures.append(exc)
            continue
        if isinstance(doc.data, dict) and not isinstance(doc.data.get("attachments", []), list):
            # a volume never leaves an item's attachments out unsaid: the item cannot go in
            failures.append(LoadError(Problem(rel, *doc.position(("attachments",)), "schema", "attachments-not-list")))
        elif isinstance(doc.data, dict):
            found.append(_Item(code, rel, doc.data, raw, doc))
    return found, failures


def order_key(category: str) -> Callable[[_Item], tuple]:
    """Sections in order; inside one, code order, contracts (category 2) by signing date."""
    def key(item: _Item) -> tuple:
        if category == "2":
            content = item.data.get("content") if isinstance(item.data.get("content"), dict) else {}
            signed = str(content.get("signed") or item.data.get("date") or "")
            return (item.code.section, signed, item.code.serial)
        return (item.code.section, item.code.serial)
    return key


def assign_headings(pieces: list[Piece], continued_section: str | None = None) -> None:
    """The first piece of each section in a volume carries the section's heading; a volume
    that begins in the middle of a section says the section goes on (续)."""
    previous = None
    for index, piece in enumerate(pieces):
        if piece.section != previous:
            piece.heading = "continued" if index == 0 and piece.section == continued_section else "start"
        else:
            piece.heading = None
        previous = piece.section


# --- manifests -----------------------------------------------------------------------------------


def _manifests_of(root: Path, category: str, year: int) -> list[Manifest]:
    return [m for m in manifests(root) if m.category == category and m.year == year]


# --- planning ------------------------------------------------------------------------------------


def plan(archive: Archive, category: str, year: int, layout: Layout, lay_out_bound: bool = True) -> Plan:
    """The volumes of `category` and `year`: bound volumes as their manifests fix them, then new
    volumes for the filed items not bound yet, split at archive.yaml volume_max_pages.
    `layout` renders pieces to learn their page counts; with `lay_out_bound` false, bound
    volumes keep the page ranges their manifests recorded and are not rendered."""
    root = archive.root
    items, failures = _items(root, category, year)
    by_code = {str(i.code): i for i in items}
    bound_manifests = _manifests_of(root, category, year)
    bound_codes: set[str] = set()
    volumes: list[Volume] = []
    for manifest in bound_manifests:
        volume = _bound_volume(archive, manifest, by_code)
        bound_codes.update(str(p.code) for p in volume.pieces)
        volumes.append(volume)
    if volumes and lay_out_bound:
        layout([p for v in volumes for p in v.pieces])
    elif volumes:
        for piece in (p for v in volumes for p in v.pieces):
            first, last = piece.expected_pages or (1, 1)
            piece.pages = max(1, last - first + 1)
    for volume in volumes:
        _number_pages(volume.pieces)

    loose = [i for i in items if str(i.code) not in bound_codes and i.data.get("status") in ("filed", "bound")]
    for retention in sorted({str(i.data.get("retention", "")) for i in loose}, key=_retention_order):
        group = sorted((i for i in loose if str(i.data.get("retention", "")) == retention), key=order_key(category))
        volumes += _new_volumes(archive, category, year, retention, group, bound_manifests, layout)
    notes = _year_notes(root, category, year, items, failures)
    for volume in volumes:
        if volume.bound:
            volume.notes = volume.notes + _later_notes(volume, volumes)
        else:
            volume.notes = _volume_notes(volume, volumes) + notes
    return Plan(category, year, sorted(volumes, key=lambda v: (_retention_order(v.retention), v.number)), failures)


def _retention_order(retention: str) -> tuple:
    return (RETENTIONS.index(retention) if retention in RETENTIONS else len(RETENTIONS), retention)


def _bound_volume(archive: Archive, manifest: Manifest, by_code: dict[str, _Item]) -> Volume:
    root = archive.root
    pieces = []
    for entry in manifest.items():
        code = codes.parse(entry.get("code"))
        if code is None:
            raise DossierError("manifest-broken", path=manifest.path, field="items.code")
        item = by_code.get(str(code))
        first, last = entry.get("first_page"), entry.get("last_page")
        expected = (first, last) if isinstance(first, int) and isinstance(last, int) else None
        piece = Piece(code, code.path, item.data if item else {"code": str(code), "title": entry.get("title", "")},
                      hashlib.sha256(item.raw).hexdigest() if item else "",
                      _attachments(root, code.path, item.data) if item else [],
                      int(entry.get("piece") or 0), str(entry.get("archive_number") or ""),
                      missing=item is None, expected_pages=expected)
        if item is None and expected:
            piece.pages = max(1, expected[1] - expected[0] + 1)
        pieces.append(piece)
    data = manifest.data
    volume = Volume(manifest.category, manifest.year, manifest.retention, manifest.prefix, manifest.number, pieces,
                    data, manifest.path, manifest.sha256, data.get("supplement_to"), data.get("continued_section"),
                    [str(n) for n in data.get("notes") or []])
    assign_headings(pieces, volume.continued_section)
    return volume


def _new_volumes(archive: Archive, category: str, year: int, retention: str, group: list[_Item],
                 bound: list[Manifest], layout: Layout) -> list[Volume]:
    if not group:
        return []
    prefix = volume_prefix(archive, category, year, retention)
    earlier = [m for m in bound if m.prefix == prefix]
    last_piece = max((int(i.get("piece") or 0) for m in earlier for i in m.items()), default=0)
    number = max((m.number for m in earlier), default=0) + 1
    supplement_to = earlier[-1].archive_number if earlier else None
    pieces = [Piece(i.code, i.path, i.data, hashlib.sha256(i.raw).hexdigest(), _attachments(archive.root, i.path, i.data),
                    last_piece + n, piece_number(prefix, last_piece + n)) for n, i in enumerate(group, 1)]
    assign_headings(pieces)
    layout(pieces)
    limit = max_pages(archive)
    split: list[list[Piece]] = [[]]
    continued: list[str | None] = [None]
    total = 0
    for piece in pieces:
        if split[-1] and total + piece.pages > limit:
            split.append([])
            continued.append(piece.section if piece.heading is None else None)
            total = 0
            if piece.heading is None:
                piece.heading = "continued"
                layout([piece])  # the heading may take room: count again
        split[-1].append(piece)
        total += piece.pages
    volumes = []
    for index, (chunk, section) in enumerate(zip(split, continued)):
        _number_pages(chunk)
        volumes.append(Volume(category, year, retention, prefix, number + index, chunk,
                              supplement_to=supplement_to, continued_section=section))
    return volumes


def _number_pages(pieces: list[Piece]) -> None:
    page = 1
    for piece in pieces:
        piece.first_page = page
        page += piece.pages


def _volume_notes(volume: Volume, volumes: list[Volume]) -> list[str]:
    notes = []
    same = [v for v in volumes if v.prefix == volume.prefix]
    run = [v for v in same if v.supplement_to == volume.supplement_to and not v.bound]
    if volume.supplement_to:
        notes.append(f"本卷为 {volume.supplement_to} 的补充卷，收录该卷装订后归档的 {len(volume.pieces)} 件。")
    if len(run) > 1:
        notes.append(f"本次立卷按每卷不超过规定页数分为 {len(run)} 卷，本卷为第 {run.index(volume) + 1} 卷"
                     f"（{run[0].label}–{run[-1].label}）。")
    if volume.continued_section:
        notes.append(f"本卷首件续前卷卷章 {volume.continued_section}。")
    for piece in volume.pieces:
        for attachment in piece.attachments:
            if attachment.problem == "missing":
                notes.append(f"{piece.code} 的附件 {attachment.name} 缺失，以说明页代替。")
            elif attachment.problem == "damaged":
                notes.append(f"{piece.code} 的附件 {attachment.name} 与登记的 SHA-256 不符（已损坏或被替换），以说明页代替。")
            elif attachment.problem == "unreadable":
                notes.append(f"{piece.code} 的附件 {attachment.name} 无法读取，以说明页代替。")
            elif attachment.kind == "other":
                notes.append(f"{piece.code} 的附件 {attachment.name} 为电子文件，不打印，存于电子档案。")
    return notes


def _later_notes(volume: Volume, volumes: list[Volume]) -> list[str]:
    """What happened to a bound volume since: supplements, and items changed or gone."""
    notes = []
    for later in volumes:
        if later.prefix == volume.prefix and later.number > volume.number and later.supplement_to:
            state = "" if later.bound else "（尚未装订）"
            notes.append(f"本卷装订后归档的 {len(later.pieces)} 件另立补充卷 {later.archive_number}{state}。")
    recorded = {str(i.get("code")): i.get("sha256") for i in (volume.manifest or {}).get("items") or []
                if isinstance(i, dict)}
    for piece in volume.pieces:
        if piece.missing:
            notes.append(f"{piece.code} 的电子文件在装订后已不存在，以占位页代替（见装订清单）。")
        elif recorded.get(str(piece.code)) != piece.sha256:
            notes.append(f"{piece.code} 在装订后被修改，与装订清单登记的 SHA-256 不符。")
    return notes


def _year_notes(root: Path, category: str, year: int, items: list[_Item], failures: list[LoadError]) -> list[str]:
    notes = []
    drafts = [str(i.code) for i in items if i.data.get("status") not in ("filed", "bound")]
    if drafts:
        notes.append(f"本年度尚有 {len(drafts)} 件未归档（草稿），未入卷：{_codes_text(drafts)}。")
    trash = root / "trash" / ("daily" if category == "D" else f"records/{category}") / str(year)
    deleted = sorted(n.removesuffix(".deletion.yaml") for n in (os.listdir(trash) if trash.is_dir() else [])
                     if n.endswith(".deletion.yaml"))
    if deleted:
        notes.append(f"已删除、在保留期内的 {len(deleted)} 件未入卷：{_codes_text(deleted)}。")
    present = {str(i.code) for i in items} | set(deleted)
    gaps = []
    for section in sorted({i.code.section for i in items}):
        serials = [i.code.serial for i in items if i.code.section == section]
        gaps += [str(codes.Code(category, year, section, n)) for n in range(1, max(serials))
                 if str(codes.Code(category, year, section, n)) not in present]
    if gaps:
        notes.append(f"缺号 {len(gaps)} 个（已彻底删除或未使用）：{_codes_text(gaps)}。")
    if failures:
        notes.append(f"有 {len(failures)} 个档案文件无法读取，未入卷：{_codes_text([f.problem.file for f in failures])}。")
    return notes


def _codes_text(found: list[str], limit: int = 12) -> str:
    shown = "、".join(found[:limit])
    return shown + (f" 等 {len(found)} 件" if len(found) > limit else "")


# --- binding -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bound:
    """The outcome of `dossier bind`."""

    commit: str
    volumes: tuple[Volume, ...]
    manifests: tuple[str, ...]


def pages_declared_otherwise(volume: Volume) -> list[tuple[Piece, int]]:
    """The pieces whose declared pages (the item's and its attachments' `pages`) are not the
    pages they take in the volume, with the declared count: the volume's count is the one the
    contents, the cover, the catalogue and check-paper use."""
    from .export_catalogue import declared_pages

    found = []
    for piece in volume.pieces:
        declared = declared_pages(piece.data)
        if declared and declared != piece.pages:
            found.append((piece, declared))
    return found


@under_lock("bind")
def bind(archive: Archive, actor: Person, category: str, year: int, today: dt.date, layout: Layout,
         checked_by: Person | None = None) -> Bound:
    """Give each filed item not bound yet its piece number and archive number, set it bound
    with its shelf location, write the manifests of the new volumes and commit it all."""
    from ..record.lifecycle import require_repository

    root = archive.root
    require_repository(root)
    # first without rendering: refuse at once what cannot be bound
    preview = plan(archive, category, year, _one_page, lay_out_bound=False)
    if preview.failures:
        from ..archive.errors import ProblemError

        raise ProblemError(preview.failures[0].problem)
    if not preview.new:
        raise DossierError("bind-nothing", category=category, year=year)
    for volume in preview.new:
        for piece in volume.pieces:
            for attachment in piece.attachments:
                if attachment.problem:
                    raise DossierError("bind-attachment", path=attachment.path, code=str(piece.code),
                                       problem=attachment.problem)
    paths = [p.path for v in preview.new for p in v.pieces]
    _require_valid(root, today, paths)
    _require_clean(root, paths + [a.path for v in preview.new for p in v.pieces for a in p.attachments])
    new = plan(archive, category, year, layout, lay_out_bound=False).new
    head = gitrepo.run(["rev-parse", "HEAD"], root, check=False).stdout.strip()
    writes: dict[str, bytes] = {}
    for volume in new:
        for piece in volume.pieces:
            paper = {"archive_number": piece.archive_number, "volume": volume.archive_number,
                     "shelf": shelf_of(archive, category, volume.archive_number)}
            raw = (root / piece.path).read_bytes()
            writes[piece.path] = bound_text(raw, piece.path, paper).encode("utf-8")
        manifest_rel = f"{VOLUMES}/{volume.archive_number}{MANIFEST_SUFFIX}"
        writes[manifest_rel] = manifest_text(archive, volume, head, actor, today, checked_by,
                                             {p.path: writes[p.path] for p in volume.pieces}).encode("utf-8")
    names = ", ".join(v.archive_number for v in new)
    subject = f"Bind {names}: {BIND_REASON}" if len(new) <= 2 else f"Bind {len(new)} volumes of category {category}, {year}: {BIND_REASON}"
    trailers = [("Reason", BIND_REASON), ("Dossier-Action", "bind")]
    trailers += [("Dossier-Item", str(p.code)) for v in new for p in v.pieces]
    commit = _commit(root, writes, subject, trailers)
    return Bound(commit, tuple(new), tuple(k for k in writes if k.startswith(VOLUMES + "/")))


def _require_valid(root: Path, today: dt.date, paths: list[str]) -> None:
    """Only items that validate are bound: binding prints and freezes them, with what they hold
    (a retention that is not one would even name the volume)."""
    from ..archive.errors import ProblemError
    from ..regulation.validate import validate_archive

    errors = [problem for problem in validate_archive(root, today, paths).problems if problem.is_error]
    if errors:
        raise ProblemError(errors[0])


def _one_page(pieces: list[Piece]) -> None:
    for piece in pieces:
        piece.pages = 1


def bound_text(raw: bytes, rel: str, paper: dict) -> str:
    """The item file with `status: bound` and its `paper:` block, the rest of the text as it
    was (comments and flow mappings kept); rewritten whole only when the text is unusual."""
    text = raw.decode("utf-8")
    doc = load_bytes(raw, rel)
    data = dict(doc.data)
    expected = {**data, "status": "bound", "paper": paper}
    edited = _edit_bound(text, doc, paper)
    if edited is not None:
        try:
            if load_bytes(edited.encode("utf-8"), rel).data == expected:
                return edited
        except LoadError:
            pass
    return yamlio.dump(_schema_order(expected))


ENVELOPE_ORDER = ("code", "category", "type", "title", "customer", "manager", "handler", "responsible", "date",
                  "doc_number", "pages", "retention", "secrecy", "status", "filed", "signatures", "attachments",
                  "paper", "remarks", "content")


def _schema_order(data: dict) -> dict:
    keys = [k for k in ENVELOPE_ORDER if k in data] + [k for k in data if k not in ENVELOPE_ORDER]
    return {k: data[k] for k in keys}


def _edit_bound(text: str, doc: Document, paper: dict) -> str | None:
    if "paper" in doc.data or ("status",) not in doc.key_positions:
        return None
    lines = text.splitlines(keepends=True)
    index = doc.key_positions[("status",)][0] - 1
    match = re.match(r"^status:[ ]*(['\"]?)(filed|bound)\1([ ]*(#.*)?)(\r?\n)?$", lines[index])
    if not match:
        return None
    newline = match.group(5) or "\n"
    lines[index] = f"status: bound{match.group(3) or ''}{newline}"
    block = yamlio.dump({"paper": paper}).replace("\n", newline)
    after = [doc.key_positions[(k,)][0] - 1 for k in ("remarks", "content") if (k,) in doc.key_positions]
    if after:
        at = min(after)
        while at > 0 and lines[at - 1].startswith("#"):  # keep a comment with the key it introduces
            at -= 1
        lines.insert(at, block)
    else:
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += newline
        lines.append(block)
    return "".join(lines)


def manifest_text(archive: Archive, volume: Volume, commit: str, actor: Person, today: dt.date,
                  checked_by: Person | None, item_bytes: dict[str, bytes]) -> str:
    data: dict = {
        "archive_number": volume.archive_number,
        "volume": volume.label,
        "fonds": (archive.settings.data.get("fonds") or {}).get("code", ""),
        "class_code": archive.settings.data.get("class_code", "KH"),
        "category": volume.category,
        "year": volume.year,
        "retention": volume.retention,
        "shelf": shelf_of(archive, volume.category, volume.archive_number),
        "items_count": len(volume.pieces),
        "pages": volume.pages,
        "bound_from": commit,
        "bound_by": actor.id,
        "bound_on": today.isoformat(),
    }
    if checked_by is not None:
        data["checked_by"] = checked_by.id
    if volume.supplement_to:
        data["supplement_to"] = volume.supplement_to
    if volume.continued_section:
        data["continued_section"] = volume.continued_section
    if volume.notes:
        data["notes"] = list(volume.notes)
    data["items"] = [{
        "code": str(p.code),
        "piece": p.piece,
        "archive_number": p.archive_number,
        "section": p.section,
        "first_page": p.first_page,
        "last_page": p.last_page,
        "sha256": hashlib.sha256(item_bytes[p.path]).hexdigest(),
        **({"attachments": [{"file": a.name, "sha256": a.actual} for a in p.attachments]} if p.attachments else {}),
    } for p in volume.pieces]
    return MANIFEST_HEADER + yamlio.dump(data)


def _require_clean(root: Path, paths: list[str]) -> None:
    """What is bound must be exactly what git holds: no uncommitted changes in these files."""
    prefix = gitrepo.run(["rev-parse", "--show-prefix"], root, check=False).stdout.strip()
    dirty = []
    for start in range(0, len(paths), 200):
        out = gitrepo.run(["-c", "core.quotePath=false", "status", "--porcelain", "--untracked-files=all", "--",
                           *paths[start:start + 200]], root, check=False).stdout
        dirty += [line[3:].split(" -> ")[-1] for line in out.splitlines() if line.strip()]
    if dirty:
        raise DossierError("item-dirty", paths=", ".join(p.removeprefix(prefix) for p in dirty[:10]))


def _commit(root: Path, writes: dict[str, bytes], subject: str, trailers: list[tuple[str, str]]) -> str:
    """The bound items and the manifests in one Operation (transaction.py): all or nothing."""
    operation = Operation(root, "bind")
    for rel, data in writes.items():
        operation.write(rel, data)
    return operation.commit(subject, trailers) or ""  # never empty: every item bound changes status


# --- the electronic counterpart ----------------------------------------------------------------


@dataclass(frozen=True)
class Storage:
    """Where the electronic set lives: the repository, the archive's folder in it, the commit."""

    repository: str
    prefix: str  # the archive's folder inside the repository, "" or ending in "/"
    commit: str  # "" outside git
    dirty: bool = False  # the work tree differs from the commit for these items

    def address(self, rel: str) -> str:
        return self.prefix + rel


UNNAMED_REPOSITORY = "（未登记：请在 archive.yaml 的 repository 中填写仓库名称和地址）"


def repository_name(configured: object, remote: str) -> str:
    """The repository as the 备考表 names it: archive.yaml `repository` (name and address), else
    the git remote `origin` when it is a server's address; never a folder of one computer."""
    if isinstance(configured, dict) and configured.get("name"):
        url = str(configured.get("url") or "")
        return f"{configured['name']}（{url}）" if url else str(configured["name"])
    if re.match(r"^[a-z][a-z0-9+.-]*://(?!/)|^[^/:@\s]+@[^/:\s]+:", remote) and not remote.startswith("file:"):
        return remote
    return UNNAMED_REPOSITORY


def storage(root: Path, commit: str | None = None, paths: list[str] | None = None,
            configured: object = None) -> Storage:
    """Where the electronic set of a volume lives; `configured`: archive.yaml's `repository`."""
    if not gitrepo.is_repository(root):
        return Storage(repository_name(configured, ""), "", "")
    remote = gitrepo.run(["remote", "get-url", "origin"], root, check=False).stdout.strip()
    prefix = gitrepo.run(["rev-parse", "--show-prefix"], root, check=False).stdout.strip()
    head = gitrepo.run(["rev-parse", "HEAD"], root, check=False).stdout.strip()
    dirty = False
    if commit is None and paths:
        for start in range(0, len(paths), 200):
            out = gitrepo.run(["status", "--porcelain", "--", *paths[start:start + 200]], root, check=False).stdout
            dirty = dirty or bool(out.strip())
    return Storage(repository_name(configured, remote), prefix, commit or head, dirty)


# --- check-paper: the printed volume against its manifest and the records -----------------------


@dataclass(frozen=True)
class PaperProblem:
    """A disagreement between a volume PDF and the manifest or the records: `file: message`."""

    file: str  # the PDF as given, or the record relative to the archive root
    key: str
    args: dict
    in_archive: bool = False  # `file` is a record of the archive


def check_paper(archive: Archive, category: str, year: int, pdfs: list[Path], folder: Path) -> tuple[list[PaperProblem], int]:
    """Read the volume PDFs back and compare them with the manifests of the bound volumes of
    `category` and `year` and with the records. `pdfs` are the files to check (by default
    <archive number>.pdf in `folder` for every bound volume). Returns the problems and the
    number of volumes checked."""
    from .render.readback import read_volume

    bound = _manifests_of(archive.root, category, year)
    if not bound:
        raise DossierError("check-paper-unbound", category=category, year=year)
    by_number = {m.archive_number: m for m in bound}
    problems: list[PaperProblem] = []
    todo: list[tuple[Manifest, Path]] = []
    if pdfs:
        for path in pdfs:
            if not path.is_file():
                problems.append(PaperProblem(str(path), "check-paper-no-file", {}))
                continue
            found = read_volume(path).archive_number
            if found not in by_number:
                problems.append(PaperProblem(str(path), "check-paper-unknown-pdf", {
                    "found": found or "—", "category": category, "year": year,
                    "volumes": ", ".join(by_number)}))
                continue
            todo.append((by_number[found], path))
    else:
        for manifest in bound:
            path = folder / f"{manifest.archive_number}.pdf"
            if not path.is_file():
                problems.append(PaperProblem(str(path), "check-paper-missing", {
                    "volume": manifest.archive_number, "category": category, "year": year}))
            else:
                todo.append((manifest, path))
    for manifest, path in todo:
        problems += _check_volume(archive, manifest, path, read_volume(path))
    return problems, len(todo)


def _missing_run(stamps: list[int | None], pages: object) -> tuple[int, int] | None:
    """(first missing page number, how many) when the numbered pages are those of the manifest but
    for one run left out (the page after the gap carries its own number, every page in order), else None."""
    if not isinstance(pages, int) or len(stamps) >= pages:
        return None
    count = pages - len(stamps)
    start = next((position for position, stamp in enumerate(stamps, 1) if stamp != position), len(stamps) + 1)
    expected = list(range(1, start)) + list(range(start + count, pages + 1))
    return (start, count) if stamps == expected else None


def _span_pages(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}–{last}"


def _check_volume(archive: Archive, manifest: Manifest, path: Path, pdf) -> list[PaperProblem]:
    from .render.environment import date_compact
    from .render.readback import squeeze

    shown = str(path)
    found: list[PaperProblem] = []

    def problem(key: str, **args) -> None:
        found.append(PaperProblem(shown, key, args))

    items = manifest.items()
    pages = manifest.data.get("pages")
    commit = str(manifest.data.get("bound_from") or "")
    for label, unit, expected in (("件数", "件", len(items)), ("页数", "页", pages)):
        value = pdf.cover_count(label, unit)
        if value != expected:
            problem("check-paper-cover", field=label, found="—" if value is None else value, expected=expected)

    if len(pdf.rows) != len(items):
        problem("check-paper-rows", found=len(pdf.rows), expected=len(items))
    for number, (entry, row) in enumerate(zip(items, pdf.rows), 1):
        code = codes.parse(entry.get("code"))
        first, last = entry.get("first_page"), entry.get("last_page")
        expected_range = str(first) if first == last else f"{first}–{last}"
        checks = [("序号", row.index, number),
                  ("档号", row.archive_number, entry.get("archive_number")),
                  ("页号", row.page_range(), (first, last)),
                  ("备注 电子编码", row.code, entry.get("code")),
                  ("备注 提交", row.commit, commit[:10])]
        for label, value, expected in checks:
            if value != expected:
                shown_value = row.pages if label == "页号" else value
                problem("check-paper-row", index=number, field=label, found=shown_value or "—",
                        expected=expected_range if label == "页号" else expected)
        if code and not row.address.endswith(code.path):
            problem("check-paper-row", index=number, field="备注 存址", found=row.address or "—", expected=code.path)
        if code is None:
            continue
        if not (archive.root / code.path).is_file():
            found.append(PaperProblem(code.path, "check-paper-record-gone", {"code": str(code),
                                                                             "volume": manifest.archive_number},
                                      in_archive=True))
            continue
        try:
            data = load_file(archive.root / code.path, code.path).data
        except LoadError:
            continue
        data = data if isinstance(data, dict) else {}
        record_checks = [("题名", row.title, squeeze(str(data.get("title") or ""))),
                         ("日期", row.date, date_compact(data.get("date"))),
                         ("密级", row.secrecy, str(data.get("secrecy") or "")),
                         ("文号", row.doc_number, squeeze(str(data.get("doc_number") or "")))]
        paper = data.get("paper") if isinstance(data.get("paper"), dict) else {}
        record_checks.append(("档号", row.archive_number, str(paper.get("archive_number") or "")))
        for label, value, expected in record_checks:
            if value != expected:
                found.append(PaperProblem(code.path, "check-paper-record", {
                    "code": str(code), "field": label, "found": value or "—", "expected": expected or "—",
                    "volume": manifest.archive_number}, in_archive=True))

    body = [pdf.pages[i] for i in pdf.body]
    stamps = [page.stamp() for page in body]
    gap = _missing_run(stamps, pages)
    if gap is not None:  # one run of pages left out: one line, not one per page and item after it
        start, count = gap
        problem("check-paper-pages-missing", pages=_span_pages(start, start + count - 1), before=start - 1,
                next=start + count, found=len(body), expected=pages)
    else:
        count = 0
        if len(body) != pages:
            problem("check-paper-pages", found=len(body), expected=pages)
        for position, stamp in enumerate(stamps, 1):
            if stamp != position:
                problem("check-paper-stamp", position=position, found="—" if stamp is None else stamp,
                        expected=position)
                break
    for entry in items:
        first = entry.get("first_page")
        if not isinstance(first, int) or (gap is not None and gap[0] <= first < gap[0] + count):
            continue  # its first page is among those missing: said above
        at = first - (count if gap is not None and first >= gap[0] + count else 0)
        if 1 <= at <= len(body) and str(entry.get("code")) not in body[at - 1].text:
            problem("check-paper-start", code=entry.get("code"), page=first)

    back = pdf.back_text
    if commit and commit not in back:
        problem("check-paper-back", what="commit", expected=commit)
    if manifest.sha256 not in back:
        problem("check-paper-back", what="manifest sha256", expected=manifest.sha256)
    return found
