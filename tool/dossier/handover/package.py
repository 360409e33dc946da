"""`dossier handover`: the handover package 移交信息包 of the bound volumes (DA/T 93-2022), as a
BagIt bag (RFC 8493) with SHA-256 and SHA-512 manifests. Made from the committed archive by a
person who may read all of it; confidential values are decrypted (GB/T 18894 §8.1.3, DA/T 92
§8.1.3: a package holds no encryption) and the 说明文件 says so. Every date in it is the date of
the commit it is made from, so two runs on the same commit give the same bytes. It is written
into a temporary folder beside the output and renamed into place at the end: never half a package."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..archive import codes, yamlio
from ..git import gitrepo
from ..access.rights import named, sees_all
from ..archive.config import Archive, Person
from ..access.crypto import Identity, UnsealError, is_sealed, place, set_value, unseal, values_at
from ..archive.errors import DossierError, UsageError
from ..archive.loader import load_bytes
from ..record.outputs import refuse_tracked
from ..archive.schemas import SchemaSet
from ..regulation.fixity import Manifest, manifests
from . import forms, layout
from .metadata import ELEMENTS, FILES, HISTORY, ITEM_ROOT, RETENTION_WORDS, history_of, record_of
from .report import tool_version
from .xmlfile import child, element, to_bytes


@dataclass
class Built:
    folder: Path
    items: int
    files: int  # files of the items' folders
    bytes: int
    decrypted: int
    digest: str  # sha256 of manifest-sha512.txt: the package's digest


@dataclass
class _Item:
    """One item as it goes into the package."""

    manifest: Manifest
    entry: dict  # the manifest's entry
    rel: str  # the item's YAML in the archive
    raw: bytes
    data: dict  # decrypted
    decrypted: int
    folder: str = ""
    files: list[tuple[str, str, bytes]] = field(default_factory=list)  # (role, name, bytes)


def build_package(archive: Archive, actor: Person, which: tuple[str, int] | None, output: Path,
                  identity: Identity, today: dt.date) -> Built:
    root = archive.root
    if not sees_all(actor):
        raise UsageError("handover-not-entitled", person=named(actor))
    output = _checked_output(root, output)
    chosen = [m for m in manifests(root) if which is None or (m.category == str(which[0]) and m.year == which[1])]
    if not chosen:
        what = "--all" if which is None else f"{which[0]} {which[1]}"
        raise DossierError("handover-nothing-bound", what=what)
    commit, when = _commit(root)
    schemas = SchemaSet(root / "schemas")
    items = [_item(root, m, entry, schemas, identity) for m in chosen for entry in m.items()]
    _require_clean(root, [i.rel for i in items] + [m.path for m in chosen])
    temporary = Path(tempfile.mkdtemp(prefix=".handover-", dir=output.parent))
    try:
        payload = _payload(archive, actor, chosen, items, commit, when, today)
        for rel, data in payload.items():
            path = temporary / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        _bag(temporary, archive, commit, when)
        if output.exists():
            output.rmdir()  # checked empty
        os.replace(temporary, output)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    record_files = [(rel, data) for rel, data in payload.items() if not rel.startswith((layout.OTHER + "/",))
                    and rel not in layout.TOP_FILES]
    digest = hashlib.sha256((output / "manifest-sha512.txt").read_bytes()).hexdigest()
    return Built(output, len(items), len(record_files), sum(len(d) for _, d in record_files),
                 sum(i.decrypted for i in items), digest)


# --- what is refused before anything is written ------------------------------------------------------


def _checked_output(root: Path, output: Path) -> Path:
    """The package holds decrypted values: never where git could take them (outputs.py), never
    over something that exists."""
    refuse_tracked(root, output)
    output = output.expanduser().resolve()
    if output.exists() and (not output.is_dir() or any(output.iterdir())):
        raise UsageError("handover-output-exists", folder=str(output))
    output.parent.mkdir(parents=True, exist_ok=True)
    return output


def _require_clean(root: Path, paths: list[str]) -> None:
    if not gitrepo.is_repository(root):
        return
    status = gitrepo.run(["status", "--porcelain", "--", *paths], root, check=False).stdout
    for line in status.splitlines():
        raise DossierError("handover-uncommitted", file=line[3:])


def _commit(root: Path) -> tuple[str, dt.datetime]:
    """The commit the package is made from and its date (the date of everything in the package)."""
    if not gitrepo.is_repository(root):
        return "", dt.datetime(1980, 1, 1, tzinfo=dt.timezone.utc)
    said = gitrepo.run(["log", "-1", "--format=%H %ct"], root, check=False).stdout.split()
    if len(said) != 2:
        return "", dt.datetime(1980, 1, 1, tzinfo=dt.timezone.utc)
    return said[0], dt.datetime.fromtimestamp(int(said[1]), dt.timezone.utc)


def _item(root: Path, manifest: Manifest, entry: dict, schemas: SchemaSet, identity: Identity) -> _Item:
    """An item of a bound volume, unchanged since binding, its confidential values decrypted."""
    import copy

    code = codes.parse(entry.get("code"))
    if code is None:
        raise DossierError("manifest-broken", path=manifest.path, field="items.code")
    rel = code.path
    raw = (root / rel).read_bytes() if (root / rel).is_file() else b""
    if hashlib.sha256(raw).hexdigest() != entry.get("sha256"):
        raise DossierError("handover-bound-changed", file=rel)
    for attachment in entry.get("attachments") or []:  # as bound: the package carries them as they were
        path = root / Path(rel).parent / str(attachment.get("file"))
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != attachment.get("sha256"):
            raise DossierError("handover-bound-changed", file=path.relative_to(root).as_posix())
    doc = load_bytes(raw, rel)
    data = copy.deepcopy(doc.data)
    patterns = schemas.confidential(str(data.get("type")))
    decrypted = 0
    for pattern, path, value in list(values_at(data, patterns)):
        if not is_sealed(value):
            continue
        try:
            set_value(data, path, unseal(value, place(str(code), pattern), identity.keys))
        except UnsealError as exc:
            raise DossierError("handover-cannot-decrypt", file=rel, field=".".join(map(str, path)),
                               key=identity.file, reason=exc.reason) from None
        decrypted += 1
    return _Item(manifest, entry, rel, raw, data, decrypted)


# --- the payload ---------------------------------------------------------------------------------


def _payload(archive: Archive, actor: Person, chosen: list[Manifest], items: list[_Item], commit: str,
             when: dt.datetime, today: dt.date) -> dict[str, bytes]:
    root = archive.root
    settings = archive.settings.data
    names = {pid: p.name for pid, p in archive.people.items()}
    pdfs = _content_pdfs(archive, items, when)
    files: dict[str, bytes] = {}
    fixity = element("固化验证信息", 来源提交=commit)
    for item in items:
        number = str(item.entry.get("archive_number"))
        item.folder = layout.item_folder(number)
        yaml_bytes = item.raw if not item.decrypted else yamlio.dump(item.data).encode()
        item.files = [("content", layout.content_name(number), pdfs[item.rel]),
                      ("record", Path(item.rel).name, yaml_bytes)]
        for attachment in item.data.get("attachments") or []:
            source = root / Path(item.rel).parent / attachment["file"]
            item.files.append(("attachment", attachment["file"], source.read_bytes()))
        bound = (names.get(str(item.manifest.data.get("bound_by")), str(item.manifest.data.get("bound_by", ""))),
                 str(item.manifest.data.get("bound_on", "")))
        record = record_of(item.data, settings, int(item.entry.get("piece") or 0))
        record["存址"] = record["存址"] or str(item.manifest.data.get("shelf") or "")
        files[f"{item.folder}/{layout.metadata_name(number)}"] = to_bytes(_metadata_xml(record, history_of(
            item.data, names, bound), item, when))
        for _, name, data in item.files:
            files[f"{item.folder}/{name}"] = data
        _fixity(fixity, item)
    totals = {"items": len(items), "files": len(files), "bytes": sum(map(len, files.values()))}
    files[layout.CATALOGUE] = to_bytes(_catalogue(items, settings))
    files[layout.DESCRIPTION] = to_bytes(_description(archive, actor, chosen, items, commit, when, totals))
    files[layout.FIXITY] = to_bytes(fixity)
    files.update(_other(archive, chosen, items, commit, when, totals, today))
    return files


def _content_pdfs(archive: Archive, items: list[_Item], when: dt.datetime) -> dict[str, bytes]:
    """Each item laid out by its type's template (as in the paper volume), as PDF/A."""
    from ..paper.render.items import VOLUME_TEMPLATES, Context
    from ..paper.volumes import plan
    from .fixed import pdfa

    context = Context(archive)
    by_rel = {i.rel: i for i in items}
    by_code = {str(i.entry.get("code")): i.data for i in items}  # laid out with the values decrypted here
    context.reveal = lambda data: by_code.get(str(data.get("code")), data) if isinstance(data, dict) else data
    found = {}
    groups = sorted({(i.manifest.category, i.manifest.year) for i in items})
    for category, year in groups:
        for volume in plan(archive, category, year, lambda pieces: None, lay_out_bound=False).volumes:
            for piece in volume.pieces:
                if piece.path in by_rel:
                    base = (archive.root / piece.path).parent.resolve().as_uri() + "/"
                    found[piece.path] = pdfa(context.item_html(piece), base, when, str(piece.data.get("title", "")),
                                             context.organisation, piece.archive_number,
                                             (context.stylesheet, VOLUME_TEMPLATES.as_uri() + "/"))
    return found


def _metadata_xml(record: dict, history: list[tuple[str, str, str]], item: _Item, when: dt.datetime):
    root = element(ITEM_ROOT, 标准="DA/T 46-2009; GB/T 18894-2016")
    for el in ELEMENTS:
        value = record.get(el.tag)
        if value is not None:
            child(root, el.tag, value)
    events = child(root, HISTORY)
    for action, person, date in history:
        event = child(events, "事件")
        child(event, "行为", action)
        child(event, "人员", person)
        child(event, "日期", date)
    files = child(root, FILES)
    declared = {a["file"]: a for a in item.data.get("attachments") or []}
    for role, name, data in item.files:
        entry = child(files, "文件", 角色=role)
        child(entry, "计算机文件名", name)
        child(entry, "计算机文件大小", len(data))
        child(entry, "格式信息", _format(name))
        child(entry, "数字摘要", hashlib.sha256(data).hexdigest(), 算法="SHA-256")
        if role == "attachment" and isinstance(declared.get(name, {}).get("pages"), int):
            child(entry, "页数", declared[name]["pages"])
        child(entry, "文档创建程序", tool_version() if role == "content" else "—")
    if item.decrypted:
        child(root, "解密说明", f"{item.decrypted} 个保密字段已解密 {item.decrypted} confidential value(s) decrypted")
    return root


def _format(name: str) -> str:
    from .formats import format_of_name

    return format_of_name(name) or ("YAML" if name.endswith(".yaml") else "XML" if name.endswith(".xml") else "?")


def _fixity(fixity, item: _Item) -> None:
    """The digests the archive recorded for the item (its volume's manifest) and its attachments
    (the item's own sha256), so the receiver can check them without the repository."""
    entry = child(fixity, "件", 档号=str(item.entry.get("archive_number")), 电子文件编码=str(item.entry.get("code")))
    child(entry, "原始文件摘要", item.entry.get("sha256"), 文件=Path(item.rel).name, 算法="SHA-256",
          已解密="是" if item.decrypted else "否")
    for attachment in item.data.get("attachments") or []:
        child(entry, "附件摘要", attachment.get("sha256"), 文件=attachment["file"], 算法="SHA-256")


def _catalogue(items: list[_Item], settings: dict):
    root = element("文件目录")
    for index, item in enumerate(items, 1):
        record = record_of(item.data, settings)
        entry = child(root, "文件")
        child(entry, "顺序号", index)
        for tag in ("档号", "责任者", "题名", "日期", "保管期限", "密级"):
            child(entry, tag, str(item.entry.get("archive_number")) if tag == "档号" else record.get(tag) or "")
        child(entry, "页数", record.get("页数") or "")
        child(entry, "备注", f"电子文件编码 {item.entry.get('code')}")
    return root


def _description(archive: Archive, actor: Person, chosen: list[Manifest], items: list[_Item], commit: str,
                 when: dt.datetime, totals: dict):
    settings = archive.settings.data
    fonds = settings.get("fonds") or {}
    decrypted = sum(i.decrypted for i in items)
    root = element("说明文件", 标准="DA/T 93-2022")
    for tag, value in (("移交单位", settings.get("organisation", "")), ("全宗号", fonds.get("code", "")),
                       ("全宗名称", fonds.get("name", "")), ("门类代码", settings.get("class_code", "KH")),
                       ("案卷", "、".join(m.archive_number for m in chosen)), ("件数", totals["items"]),
                       ("文件数", totals["files"]), ("字节数", totals["bytes"]), ("来源提交", commit),
                       ("制作日期", when.date().isoformat()), ("制作人", named(actor)),
                       ("生成工具", tool_version()), ("封装格式", "BagIt (RFC 8493), SHA-256, SHA-512"),
                       ("内容格式", "PDF/A-2b (GB/T 18894-2016 §8.3.2); 附件为原格式; 元数据为 XML; 档案件为 YAML"),
                       ("软硬件环境", "UTF-8 文本；PDF/A 阅读器；任一 XML、YAML 阅读器"),
                       ("解密说明", f"{decrypted} 个保密字段已由 {named(actor)} 解密（GB/T 18894 §8.1.3）；"
                                   f"本移交包含保密内容，须按机密材料传递和保管。"
                                   f" {decrypted} confidential value(s) decrypted by {named(actor)}; carry and keep "
                                   f"this package as confidential material."),
                       ("结构", "说明文件.xml、目录文件.xml；全宗号/门类代码·年度/保管期限/类别/档号/ 每件一个文件夹"
                               "（内容 PDF/A、元数据 XML、YAML、附件）；其他/（移交清单、移交接收登记表、规则、固化验证信息、装订清单）")):
        child(root, tag, value)
    return root


def _other(archive: Archive, chosen: list[Manifest], items: list[_Item], commit: str, when: dt.datetime,
           totals: dict, today: dt.date) -> dict[str, bytes]:
    root = archive.root
    settings = archive.settings.data
    out: dict[str, bytes] = {}
    rows = [[index, item.entry.get("archive_number"), item.data.get("title", ""), len(item.files),
             item.data.get("secrecy", ""), RETENTION_WORDS.get(str(item.data.get("retention")), ""),
             f"电子文件编码 {item.entry.get('code')}"] for index, item in enumerate(items, 1)]
    meta = [("移交单位", str(settings.get("organisation", ""))), ("案卷", "、".join(m.archive_number for m in chosen)),
            ("件数", str(totals["items"])), ("来源提交", commit)]
    creator, identifier = str(settings.get("organisation", "")), "、".join(m.archive_number for m in chosen)
    out[layout.TRANSFER_LIST + ".pdf"], out[layout.TRANSFER_LIST + ".xlsx"] = forms.transfer_list(
        rows, meta, when, creator, identifier)
    fields = [("交接工作名称", f"{settings.get('organisation', '')} 客户档案移交"),
              ("内容描述", "、".join(m.archive_number for m in chosen)), ("移交电子档案数量", f"{totals['items']} 件"),
              ("移交数据量", f"{totals['files']} 个文件，{totals['bytes']} 字节"), ("载体类型", "在线 / 离线载体"),
              ("来源提交", commit)]
    outcomes = _gd_check(archive, today)
    results = [[f"{name}检测", _side_result(outcomes, number), ""]
               for number, name in (("1", "真实性"), ("2", "完整性"), ("3", "可用性"), ("4", "安全性"))]
    out[layout.REGISTRATION + ".pdf"], out[layout.REGISTRATION + ".xlsx"] = forms.registration(
        fields, results, when, creator, identifier)
    out[f"{layout.RULES}/archive.yaml"] = (root / "archive.yaml").read_bytes()
    for path in sorted((root / "schemas").rglob("*.json")):
        out[f"{layout.RULES}/schemas/{path.relative_to(root / 'schemas').as_posix()}"] = path.read_bytes()
    out[layout.SCHEME] = to_bytes(_scheme())
    out[layout.NUMBERING] = NUMBERING_TEXT.encode()
    for manifest in chosen:
        out[f"{layout.MANIFESTS}/{Path(manifest.path).name}"] = (root / manifest.path).read_bytes()
    return out


def _gd_check(archive: Archive, today: dt.date):
    """The transferring side's check of the archive at filing (GD), for the registration form."""
    from .archive_check import ArchiveCheck
    from .checks import run

    return run(ArchiveCheck(archive.root, "gd", today), "gd")


def _side_result(outcomes, prop: str) -> str:
    """The transferring side's result for one property (1…4): 通过, or 不通过 with the failing
    codes, and how many items still need a person."""
    from .items import FAIL, MANUAL

    mine = [o for o in outcomes if o.item.property == prop]
    failed = [o.code for o in mine if o.result == FAIL]
    manual = sum(o.result == MANUAL for o in mine)
    verdict = f"不通过（{'、'.join(failed)}）" if failed else "通过"
    return f"{verdict}；需人工 {manual} 项" if manual else verdict


def _scheme():
    root = element("元数据方案", 依据="DA/T 46-2009; GB/T 18894-2016 §6.2.2")
    for el in ELEMENTS:
        child(root, "元数据项", 名称=el.tag, 英文=el.en, 必填="是" if el.required else "否", 类型=el.kind,
              最大长度=str(el.max_length or ""), 值域="、".join(el.domain), 格式=el.pattern)
    return root


NUMBERING_TEXT = """编号规则 Numbering rules

档号 (DA/T 22-2015): 全宗号-门类代码·年度-保管期限-类别-件号, e.g. Z001-KH·2025-D30-C3-0017
  全宗号: 4 characters; 门类代码 KH (客户档案); 保管期限 Y 永久, D30 30年, D10 10年;
  类别 C1…C6, CD (日常档案); 件号: 4 digits, from 0001 without gaps in each 保管期限 and 类别 of a year.
案卷档号: the same prefix with the volume number, e.g. Z001-KH·2025-D30-C3-V01.
电子文件编码: <类别>-<年度>-<卷章>-<流水号>, e.g. 3-2025-S02-0017; never reused.
"""


def _bag(folder: Path, archive: Archive, commit: str, when: dt.datetime) -> None:
    import bagit

    settings = archive.settings.data
    info = {"Source-Organization": str(settings.get("organisation", "")),
            "External-Identifier": f"{(settings.get('fonds') or {}).get('code', '')} {commit}".strip(),
            "External-Description": "电子档案移交信息包 (DA/T 93-2022) — handover package of Customer Dossier",
            "Bagging-Date": when.date().isoformat(), "Bag-Software-Agent": tool_version()}
    bagit.make_bag(str(folder), info, checksums=["sha256", "sha512"])

