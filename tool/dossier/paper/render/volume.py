"""A whole volume 案卷 as one PDF: cover 案卷封面 and contents 卷内目录 (GB/T 9705, DA/T 22),
the items with their attachments (already rendered, render/items.py), the 卷内备考表; page
numbers stamped on the items' pages only, running through items and attachments.

The cover, each page of the contents (render/contents.py) and the 备考表 are documents of their
own, rendered and cached like the items; render/assemble.py puts them all together."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .. import pdfa
from ...archive.fsutil import atomic_write_bytes
from ..volumes import Storage, Volume
from .assemble import VolumeWriter
from .cache import Rendered
from .contents import lay_out
from .environment import date_zh, retention
from .items import Context, ItemRenderer
from .worker import font_sources


@dataclass(frozen=True)
class Written:
    path: Path
    pages: int  # all pages of the file
    body_pages: int  # the numbered pages: items and attachments
    front_pages: int  # cover and contents
    unshared: dict[str, list[str]] = field(default_factory=dict)  # document → its fonts not shared (render/fonts.py)


def volume_title(context: Context, volume: Volume) -> str:
    """案卷题名: organisation, year, class and category, and which volume."""
    name = context.category_name(volume.category)
    kind = "补充卷" if volume.supplement_to else f"第{volume.number}卷"
    return f"{context.organisation}{volume.year}年度客户档案·{name}（{retention(volume.retention)}）{kind}"


def people_name(context: Context, person: object) -> str:
    return context.names.person(person) if person else ""


def contents_rows(context: Context, volume: Volume, storage: Storage) -> list[dict]:
    rows = []
    section = None
    for index, piece in enumerate(volume.pieces, 1):
        if piece.section != section:
            section = piece.section
            manager = context.managers.get(section) or people_name(context, piece.data.get("manager"))
            rows.append({"section": section, "manager": manager})
        data = piece.data
        rows.append({
            "index": index,
            "archive_number": piece.archive_number,
            "doc_number": str(data.get("doc_number") or ""),
            "responsible": str(data.get("responsible") or context.organisation),
            "title": str(data.get("title") or ""),
            "date": str(data.get("date") or ""),
            "secrecy": str(data.get("secrecy") or ""),
            "pages": piece.page_range,
            "code": str(piece.code),
            "address": storage.address(piece.path),
            "commit": storage.commit[:10],
            "missing": piece.missing,
        })
    return rows


DRAFT_STATEMENT = ("本卷为样稿（尚未装订），仅供核对：文件是否齐全、有无缺件和破损，由立卷人、检查人在装订"
                   "（dossier bind）时核实后于正式卷中说明。")


def statement(context: Context, volume: Volume, storage: Storage) -> list[str]:
    """本卷情况说明: counts, sections, missing or damaged items, late additions."""
    attachment_pages = sum(a.pages for p in volume.pieces for a in p.attachments if not a.problem)
    pdf_pages = sum(a.pages for p in volume.pieces for a in p.attachments if a.kind == "pdf" and not a.problem)
    lines = [f"本卷共有文件 {len(volume.pieces)} 件，{volume.pages} 页（页号 1–{volume.pages}），其中附件 "
             f"{attachment_pages} 页（扫描件 {attachment_pages - pdf_pages} 页，PDF 附件 {pdf_pages} 页）。"]
    sections = []
    for section in dict.fromkeys(p.section for p in volume.pieces):
        count = sum(1 for p in volume.pieces if p.section == section)
        sections.append(f"{section} {context.managers.get(section, '')} {count} 件".replace("  ", " "))
    lines.append(f"本卷按客户经理分为 {len(sections)} 个卷章：{'；'.join(sections)}。卷内文件按电子编码排列"
                 + ("，合同协议按签订日期排列。" if volume.category == "2" else "。"))
    lines += volume.notes
    damaged = [n for n in volume.notes if "缺失" in n or "不符" in n or "无法读取" in n or "不存在" in n]
    if not volume.bound:
        # a draft is printed to be checked: it cannot vouch for what nobody has checked yet
        lines.append(DRAFT_STATEMENT)
    elif not damaged:
        lines.append("本卷文件齐全，无缺件、无破损。")
    if storage.dirty:
        lines.append("注意：生成本卷时工作区有未提交的修改，电子存址所列提交不含这些修改。")
    return lines


def matter(context: Context, volume: Volume, storage: Storage, today: dt.date | None = None, bound_by: str = "",
           checked_by: str = "", bound_on: str = "") -> dict:
    """What the cover, the contents and the 备考表 show."""
    start, end = volume.dates
    manifest = volume.manifest or {}
    bound_by = bound_by or people_name(context, manifest.get("bound_by"))
    checked_by = checked_by or people_name(context, manifest.get("checked_by"))
    bound_on = bound_on or str(manifest.get("bound_on") or "")
    return dict(
        volume=volume, title=volume_title(context, volume), fonds=context.fonds,
        organisation=context.organisation, class_code=context.class_code,
        category_name=context.category_name(volume.category), retention_label=retention(volume.retention),
        start=date_zh(start), end=date_zh(end), rows=contents_rows(context, volume, storage),
        statement=statement(context, volume, storage), storage=storage, bound_by=bound_by, checked_by=checked_by,
        bound_on=date_zh(bound_on) if bound_on else "", manifest_path=volume.manifest_path,
        manifest_sha=volume.manifest_sha, today=date_zh((today or dt.date.today()).isoformat()),
    )


def write_volume(renderer: ItemRenderer, volume: Volume, storage: Storage, path: Path, today: dt.date | None = None,
                 bound_by: str = "", checked_by: str = "", bound_on: str = "") -> Written:
    """Render the cover, contents and 备考表 and assemble the volume into `path` (atomically).
    Every piece must have been laid out by `renderer`."""
    context = renderer.context
    values = matter(context, volume, storage, today, bound_by, checked_by, bound_on)
    cover, back = renderer.run([renderer.matter_job(volume.archive_number, _html(context, "cover.html", values)),
                                renderer.matter_job(volume.archive_number, _html(context, "back.html", values))])

    tried: list[Rendered] = []  # contents pages laid out to find how many rows fit: kept, so the next rendering finds them

    def contents_pages(pages: list[tuple[bool, list[dict]]]) -> list[tuple[int, Rendered]]:
        jobs = [renderer.matter_job(volume.archive_number, _html(context, "contents.html", values, rows=rows,
                                                                 first=first), first_page_only=True)
                for first, rows in pages]
        tried.extend(renderer.run(jobs))
        return [(rendered.fitted, rendered) for rendered in tried[-len(jobs):]]

    contents = lay_out(values["rows"], contents_pages)
    items = [renderer.document(piece) for piece in volume.pieces]

    writer = VolumeWriter(renderer.cache, font_sources(str(renderer.root)).number_font())
    for document in [cover, *contents]:
        writer.add(document)
    body_start = writer.pages
    starts = [writer.add(document) for document in items]
    body = writer.pages - body_start
    if body != volume.pages:
        raise RuntimeError(f"{volume.archive_number}: {body} item pages assembled, {volume.pages} expected")
    writer.number(body_start, body)
    back_start = writer.add(back)
    data = writer.finish(outline(context, volume, starts, len(contents), back_start), metadata(context, volume, values))
    atomic_write_bytes(path, data)
    documents = [cover, *contents, *items, back]
    renderer.keep(volume.archive_number, volume.category, volume.year, documents + tried)
    labels = ["案卷封面"] * 1 + ["卷内目录"] * len(contents) + [str(p.code) for p in volume.pieces] + ["卷内备考表"]
    unshared = {label: d.unshared for label, d in zip(labels, documents) if d.unshared}
    return Written(path, writer.pages, body, body_start, unshared)


def metadata(context: Context, volume: Volume, values: dict) -> pdfa.Metadata:
    """The volume's PDF/A metadata: 案卷题名, 立卷单位, 档号, the dates of its items."""
    return pdfa.Metadata(title=values["title"], creator=context.organisation, identifier=volume.archive_number,
                         subject=f"{context.fonds.get('name', '')} 案卷 {volume.archive_number}".strip(),
                         keywords=f"{volume.archive_number}; {context.category_name(volume.category)}",
                         dates=tuple(str(d) for d in volume.dates if d), tool="Customer Dossier (dossier render volume)")


def _html(context: Context, template: str, values: dict, **more) -> str:
    return context.env.get_template(template).render(**{**values, **more})


def outline(context: Context, volume: Volume, starts: list[int], contents_pages: int,
            back_start: int) -> list[tuple[str, int, list]]:
    """Bookmarks: cover, contents, one per section 卷章 with its items under it, 备考表."""
    tree: list[tuple[str, int, list]] = [("案卷封面", 0, [])]
    if contents_pages:
        tree.append(("卷内目录", 1, []))
    section = None
    for piece, first in zip(volume.pieces, starts):
        if piece.section != section:
            section = piece.section
            manager = context.managers.get(section, "")
            tree.append((f"卷章 {section} {manager}".strip(), first, []))
        tree[-1][2].append((f"{piece.piece:04d} {piece.data.get('title', piece.code)}", first, []))
    tree.append(("卷内备考表", back_start, []))
    return tree
