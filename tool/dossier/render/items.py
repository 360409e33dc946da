"""Each item of a volume rendered to its own PDF, with its attachments in place, cached.

An item is laid out by the template of its type (templates/volume/types/<type>.html, else the
generic templates/volume/item.html, driven by the type schema's titles), rendered by
WeasyPrint; its PNG/JPEG attachments are pages of the same document (scaled to the page),
its PDF attachments' own pages are inserted after them in the listed order (pypdf).

The cache (.dossier/render/<sha256>.pdf, ignored by git) is keyed by the sha256 of the
item's HTML (that is: the item's values, the template that laid them out, the names and
numbers shown), the stylesheet, the render version and the sha256 of every attachment's
bytes. A volume rendered again after one item changed renders that item only.

Items are rendered on every core by a pool of worker processes that live for the whole
run (WeasyPrint's start-up and font loading are paid once per worker, not per item).
"""

from __future__ import annotations

import hashlib
import io
import multiprocessing
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from ..config import Archive
from ..crypto import Revealer, load_identity
from ..errors import DossierError
from ..fsutil import atomic_write_bytes
from ..loader import LoadError, load_file
from ..schemas import SchemaSet
from ..volumes import Piece
from . import RENDER_VERSION, STYLESHEET, VOLUME_TEMPLATES
from .environment import environment, retention
from .model import Names, content_fields, signatures

CACHE_DIR = ".dossier/render"
PARALLEL_THRESHOLD = 6  # below this many items to render, worker start-up costs more than it saves
ENVELOPE = (  # (label, key) of the item's own form, two per row
    ("电子编码", "code"), ("文件类型", "type"), ("客户", "customer"), ("客户经理", "manager"),
    ("经办人", "handler"), ("责任者", "responsible"), ("成文日期", "date"), ("归档日期", "filed"),
    ("保管期限", "retention"), ("密级", "secrecy"),
)


class Context:
    """What laying out items needs from the archive: names, categories, schemas, templates."""

    def __init__(self, archive: Archive, schemas: SchemaSet | None = None) -> None:
        self.archive = archive
        self.schemas = schemas or SchemaSet(archive.root / "schemas")
        self.env = environment()
        self.stylesheet = STYLESHEET.read_text(encoding="utf-8")
        settings = archive.settings.data
        self.fonds = settings.get("fonds") or {}
        self.organisation = str(settings.get("organisation", ""))
        self.class_code = str(settings.get("class_code", "KH"))
        self.names = Names({pid: p.name for pid, p in archive.people.items()}, find_customer=self._customer_card_name)
        self.managers = {p.section: p.name for p in archive.people.values() if p.section}
        # confidential values printed decrypted where the key of whoever renders can, else 已加密 / encrypted
        self.reveal = Revealer(self.schemas, load_identity())

    def category_name(self, category: str) -> str:
        return str(self.archive.settings.category(category).get("name", ""))

    def type_label(self, item_type: object) -> str:
        title = self.schemas.type_schema(str(item_type)).get("title", "")
        return title.split(" ")[0] if title else str(item_type or "")

    def customer_name(self, customer: object) -> str:
        """"山西晋能集团有限公司（C0001）" from the customer's card."""
        return self.names.customer(customer) if isinstance(customer, str) else ""

    def _customer_card_name(self, customer: str) -> str:
        if not re.fullmatch(r"C\d{4}", customer):
            return ""
        path = self.archive.root / "customers" / f"{customer}.yaml"
        try:
            data = load_file(path, f"customers/{customer}.yaml").data if path.is_file() else {}
        except LoadError:
            data = {}
        return str(data.get("name", "")) if isinstance(data, dict) else ""

    def template_for(self, item_type: object) -> str:
        """templates/volume/types/<type>.html if there is one, else the generic item.html."""
        if not isinstance(item_type, str) or not re.fullmatch(r"[a-z][a-z0-9-]*", item_type):
            return "item.html"
        name = f"types/{item_type}.html"
        return name if (VOLUME_TEMPLATES / name).is_file() else "item.html"

    # --- the HTML of one item ---------------------------------------------------------------

    def item_html(self, piece: Piece) -> str:
        data = self.reveal(piece.data)
        if piece.missing:
            return self.env.get_template("missing.html").render(piece=piece, heading=self._heading(piece),
                                                                stamp=self._stamp(piece))
        item_type = data.get("type", "")
        schema = self.schemas.type_schema(str(item_type))
        fields = content_fields(data.get("content"), schema, self.names)
        envelope = []
        for label, key in ENVELOPE:
            value = data.get(key)
            if key == "type":
                value = self.type_label(value)
            elif key == "customer":
                value = self.customer_name(value) if value else "—"
            elif key in ("manager", "handler"):
                value = self.names.person(value)
            elif key == "responsible":
                value = value or self.organisation
            elif key in ("date", "filed"):
                value = self.env.filters["date_zh"](value) if value else "—"
            elif key == "retention":
                value = retention(value)
            envelope.append((label, "" if value is None else str(value)))
        attachments = []
        for index, attachment in enumerate(piece.attachments, 1):
            attachments.append({
                "index": index, "name": attachment.name, "title": attachment.title or attachment.name,
                "kind": attachment.kind, "problem": attachment.problem, "pages": attachment.pages,
                "src": quote(attachment.name), "in_html": _in_html(attachment),
            })
        return self.env.get_template(self.template_for(item_type)).render(
            item=data, piece=piece, code=str(piece.code), heading=self._heading(piece), stamp=self._stamp(piece),
            type_label=self.type_label(item_type), category_name=self.category_name(piece.code.category),
            envelope=envelope, fields=fields, f={fld.key: fld for fld in fields}, content=data.get("content") or {},
            signatures=signatures(data, self.names), attachments=attachments,
            organisation=self.organisation, customer_name=self.customer_name(data.get("customer")),
        )

    def _heading(self, piece: Piece) -> dict | None:
        if piece.heading is None:
            return None
        return {"section": piece.section, "manager": self.managers.get(piece.section) or
                self.names.person(piece.data.get("manager")), "continued": piece.heading == "continued"}

    def _stamp(self, piece: Piece) -> dict:
        """归档章 (DA/T 22-2015): fonds, year, retention, piece number."""
        found = re.search(r"-(Y|D30|D10)-C", piece.archive_number)
        return {"fonds": self.fonds.get("code", ""), "year": piece.code.year,
                "retention": retention(found.group(1) if found else piece.data.get("retention", "")),
                "piece": f"{piece.piece:04d}", "category": f"{self.class_code}·C{piece.code.category}"}


def _in_html(attachment) -> bool:
    """Images, and a placeholder page for any attachment that cannot be printed as it is."""
    if attachment.pages == 0:
        return False
    return attachment.kind == "image" or attachment.problem is not None


@dataclass
class Job:
    key: str
    html: str
    base_url: str
    parts: list[str | None] = field(default_factory=list)  # per printed attachment: None (an HTML page) or a PDF path
    out: str = ""


class ItemRenderer:
    """Lays pieces out (volumes.Layout): sets each piece's `pdf` and `pages`."""

    def __init__(self, context: Context, jobs: int | None = None, cache: bool = True) -> None:
        self.context = context
        self.root = context.archive.root
        self.cache_dir = self.root / CACHE_DIR
        self.jobs = jobs or os.cpu_count() or 1
        self.use_cache = cache
        self.parallel_threshold = PARALLEL_THRESHOLD
        self.rendered = 0  # items rendered (not from the cache) in this run
        self._pool = None

    def __call__(self, pieces: list[Piece]) -> None:
        self.render(pieces)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None

    def __enter__(self) -> "ItemRenderer":
        return self

    def __exit__(self, *exc) -> None:
        if exc[0] is not None and self._pool is not None:
            self._pool.terminate()
        self.close()

    def job(self, piece: Piece) -> Job:
        html = self.context.item_html(piece)
        digest = hashlib.sha256(f"{RENDER_VERSION}\0{self.context.stylesheet}\0{html}".encode())
        parts: list[str | None] = []
        for attachment in piece.attachments:
            digest.update(f"\0{attachment.name}\0{attachment.actual}\0{attachment.problem}".encode())
            if _in_html(attachment):
                parts.append(None)
            elif attachment.kind == "pdf" and attachment.pages:
                parts.append(str(self.root / attachment.path))
        key = digest.hexdigest()
        base = (self.root / piece.path).parent.resolve().as_uri() + "/"
        return Job(key, html, base, parts, str(self.cache_dir / f"{key}.pdf"))

    def render(self, pieces: list[Piece]) -> None:
        todo: list[tuple[Piece, Job]] = []
        for piece in pieces:
            job = self.job(piece)
            piece.pdf = job.out
            if self.use_cache and os.path.isfile(job.out):
                pages = _page_count(job.out)
                if pages:
                    piece.pages = pages
                    continue
            todo.append((piece, job))
        if not todo:
            return
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        jobs = [job for _, job in todo]
        if self.jobs > 1 and len(jobs) >= self.parallel_threshold:
            results = self._parallel(jobs)
        else:
            results = [render_job(job) for job in jobs]
        for (piece, _), (error, pages) in zip(todo, results):
            if error:
                raise DossierError("render-failed", code=str(piece.code), detail=error)
            piece.pages = pages
        self.rendered += len(todo)

    def _parallel(self, jobs: list[Job]) -> list[tuple[str | None, int]]:
        if self._pool is None:
            _preload()  # imported and initialised once in the parent: the forked workers inherit it
            self._pool = multiprocessing.get_context("fork").Pool(min(self.jobs, len(jobs)))
        order = sorted(range(len(jobs)), key=lambda i: -len(jobs[i].html))  # long items first: even load
        results: list = [None] * len(jobs)
        for index, result in zip(order, self._pool.imap(render_job, [jobs[i] for i in order], chunksize=1)):
            results[index] = result
        return results


def _page_count(path: str) -> int:
    try:
        from pypdf import PdfReader

        return len(PdfReader(path).pages)
    except Exception:  # noqa: BLE001 - a damaged cache file is rendered again
        return 0


# --- in the worker -------------------------------------------------------------------------------

_STATE: dict = {}


def _preload() -> None:
    """Import WeasyPrint, parse the stylesheet and load the fonts once per process."""
    if _STATE:
        return
    from weasyprint import CSS, HTML, URLFetcher
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    fetcher = URLFetcher(allowed_protocols={"file"})  # attachments beside the items: never the network
    _STATE.update(HTML=HTML, fonts=fonts, fetcher=fetcher,
                  css=CSS(string=STYLESHEET.read_text(encoding="utf-8"), base_url=VOLUME_TEMPLATES.as_uri() + "/",
                          font_config=fonts, url_fetcher=fetcher))


def render_job(job: Job) -> tuple[str | None, int]:
    """Render one item and its attachments to job.out; (error text or None, pages)."""
    try:
        _preload()
        document = _STATE["HTML"](string=job.html, base_url=job.base_url, url_fetcher=_STATE["fetcher"])
        pdf = document.write_pdf(stylesheets=[_STATE["css"]], font_config=_STATE["fonts"])
        data, pages = assemble_item(pdf, job.parts)
        atomic_write_bytes(Path(job.out), data)
        return None, pages
    except Exception as exc:  # noqa: BLE001 - reported with the item's code, never a traceback
        return f"{type(exc).__name__}: {exc}", 0


def assemble_item(pdf: bytes, parts: list[str | None]) -> tuple[bytes, int]:
    """The item's pages, then its attachments in order: HTML pages (images, placeholders) are
    the last pages of `pdf`, one each; PDF attachments bring their own pages, fitted to A4."""
    from pypdf import PdfReader, PdfWriter

    from .pdf import fit_to_a4

    reader = PdfReader(io.BytesIO(pdf))
    in_html = sum(1 for part in parts if part is None)
    body = len(reader.pages) - in_html
    writer = PdfWriter()
    for page in reader.pages[:body]:
        writer.add_page(page)
    next_html = body
    for part in parts:
        if part is None:
            writer.add_page(reader.pages[next_html])
            next_html += 1
        else:
            for page in PdfReader(part).pages:
                fit_to_a4(writer, page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), len(writer.pages)


