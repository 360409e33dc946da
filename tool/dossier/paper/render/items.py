"""Each item of a volume rendered to its own PDF, with its attachments in place, cached.

An item is laid out by the template of its type (templates/volume/types/<type>.html, else the
generic templates/volume/item.html, driven by the type schema's titles), rendered by
WeasyPrint; its PNG/JPEG attachments are pages of the same document (scaled to the page),
its PDF attachments' own pages are inserted after them in the listed order (pypdf).

The cache (render/cache.py) is keyed by the sha256 of the item's HTML (that is: the item's
values, the template that laid them out, the names and numbers shown), the stylesheet, the
render version and the sha256 of every attachment's bytes. A volume rendered again after one
item changed renders that item only.

Documents are rendered on every core by a pool of worker processes (render/worker.py) that
live for the whole run (WeasyPrint's start-up and font loading are paid once per worker, not
per document).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import re
from typing import Iterator
from urllib.parse import quote

from jinja2 import TemplateError

from ...archive.config import Archive
from ...access.crypto import Revealer, load_identity
from ...archive.errors import DossierError, ProblemError
from ...archive.loader import LoadError, load_file
from ...archive.problems import Problem
from ...archive.schemas import SchemaSet
from ..volumes import Piece
from . import RENDER_VERSION, STYLESHEET, VOLUME_TEMPLATES
from .cache import RenderCache, Rendered
from .environment import environment, retention
from .model import Names, content_fields, signatures
from .worker import Job, preload, render_job
from ...archive.progress import track

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
        if piece.missing:
            return self.env.get_template("missing.html").render(piece=piece, heading=self._heading(piece),
                                                                stamp=self._stamp(piece))
        try:
            return self._laid_out(piece)
        except (TypeError, ValueError, AttributeError, KeyError, TemplateError):
            # the templates lay out what the schema allows: a value of another shape (a list where a
            # date goes) stops the volume here, naming the item, rather than deep in a template
            raise ProblemError(Problem(piece.path, 0, 0, "render", "render-item-not-valid", {"code": str(piece.code)}))

    def _laid_out(self, piece: Piece) -> str:
        data = self.reveal(piece.data)
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


class ItemRenderer:
    """Renders the documents of volumes (items, and the parts render/volume.py adds) and lays
    pieces out (volumes.Layout: sets each piece's `pages`, and `pdf` to its cache key). Keeps
    every document of this run, and prunes the cache of what the volumes written no longer use."""

    def __init__(self, context: Context, jobs: int | None = None, cache: bool = True) -> None:
        self.context = context
        self.root = context.archive.root
        self.cache = RenderCache(self.root, context.reveal.identity)  # encrypted to whoever decrypts
        self.jobs = jobs or os.cpu_count() or 1
        self.use_cache = cache
        self.parallel_threshold = PARALLEL_THRESHOLD
        self.rendered = 0  # documents rendered (not from the cache) in this run
        self.documents: dict[str, Rendered] = {}  # by key: every document of this run
        self._created: set[str] = set()  # keys rendered in this run
        self._unused: tuple[set[str], set[str]] = (set(), set())  # documents, fonts the volumes written used before
        self._written: dict[str, tuple[str, int]] = {}  # archive number → category, year
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

    # --- jobs --------------------------------------------------------------------------------------

    def job(self, piece: Piece) -> Job:
        parts: list[str | None] = []
        extra = []
        for attachment in piece.attachments:
            extra.append(f"{attachment.name}\0{attachment.actual}\0{attachment.problem}")
            if _in_html(attachment):
                parts.append(None)
            elif attachment.kind == "pdf" and attachment.pages:
                parts.append(str(self.root / attachment.path))
        base = (self.root / piece.path).parent.resolve().as_uri() + "/"
        return self._job(str(piece.code), self.context.item_html(piece), base, parts, extra)

    def matter_job(self, label: str, html: str, first_page_only: bool = False) -> Job:
        """A cover, a page of the contents or a 备考表 (no attachments, nothing beside it)."""
        return self._job(label, html, VOLUME_TEMPLATES.as_uri() + "/", [], [f"first page only: {first_page_only}"],
                         first_page_only, intent=True)

    def _job(self, label: str, html: str, base: str, parts: list[str | None], extra: list[str],
             first_page_only: bool = False, intent: bool = False) -> Job:
        """The cache key is the sha256 of the HTML (the values shown, the template that laid them
        out), the stylesheet, the render version and what else goes in (attachments' hashes)."""
        digest = hashlib.sha256(f"{RENDER_VERSION}\0{self.context.stylesheet}\0{html}".encode())
        for value in extra:
            digest.update(f"\0{value}".encode())
        return Job(digest.hexdigest(), label, html, base, str(self.root), parts, first_page_only, intent)

    # --- rendering ---------------------------------------------------------------------------------

    def render(self, pieces: list[Piece]) -> None:
        jobs = [self.job(piece) for piece in pieces]
        for piece, job, rendered in zip(pieces, jobs, self.run(jobs)):
            piece.pdf = job.key
            piece.pages = rendered.pages

    def document(self, piece: Piece) -> Rendered:
        return self.documents[piece.pdf]

    def run(self, jobs: list[Job]) -> list[Rendered]:
        """The documents of `jobs`, from this run, from the cache, or rendered (on every core
        when there are enough of them)."""
        todo: dict[str, Job] = {}
        for job in jobs:
            if job.key in self.documents or job.key in todo:
                continue
            rendered = self.cache.load(job.key) if self.use_cache else None
            if rendered is None:
                todo[job.key] = job
            else:
                self.documents[job.key] = rendered
        for job, (error, rendered) in self._results(list(todo.values())):
            if isinstance(error, tuple):
                raise DossierError(error[0], **error[1])
            if error:
                raise DossierError("render-failed", code=job.label, detail=error)
            rendered.key = job.key
            self.cache.save(job.key, rendered)  # while the workers go on with the next ones
            self.documents[job.key] = rendered
            self._created.add(job.key)
            self.rendered += 1
        return [self.documents[job.key] for job in jobs]

    def _results(self, jobs: list[Job]) -> Iterator[tuple[Job, tuple[str | None, Rendered | None]]]:
        """(job, render_job's result) as each is done: in the worker processes when there are
        enough jobs (or the workers are running already), else here."""
        pooled = self._pool is not None and len(jobs) > 1
        if self.jobs < 2 or not (pooled or len(jobs) >= self.parallel_threshold):
            return track(((job, render_job(job)) for job in jobs), len(jobs), "progress-render")
        if self._pool is None:
            preload()  # imported and initialised once in the parent: the forked workers inherit it
            self._pool = multiprocessing.get_context("fork").Pool(self.jobs)
        order = sorted(jobs, key=lambda job: -len(job.html))  # long documents first: the load evens out
        return track(zip(order, self._pool.imap(render_job, order, chunksize=1)), len(order), "progress-render")

    # --- what the cache keeps ------------------------------------------------------------------------

    def keep(self, volume: str, category: str, year: int, documents: list[Rendered]) -> None:
        """Record that the volume `volume` (archive number) is now made of these documents."""
        before = self.cache.recorded(volume)
        self._unused[0].update(before[0])
        self._unused[1].update(before[1])
        fonts = {use.font for rendered in documents for use in rendered.fonts}
        self.cache.record(volume, category, year, [rendered.key for rendered in documents], fonts)
        self._written[volume] = (category, year)

    def prune(self) -> int:
        """Delete from the cache what the volumes written in this run used before and no volume
        uses now, and what this run rendered and no volume uses (e.g. an item laid out again
        when a volume was split); also the records of volumes of the same categories and years
        that are gone. Returns the number of files deleted."""
        documents, fonts = set(self._unused[0]) | self._created, set(self._unused[1])
        fonts |= {use.font for rendered in self.documents.values() for use in rendered.fonts}
        groups = set(self._written.values())
        for volume, group in self.cache.records():
            if group in groups and volume not in self._written:
                gone_documents, gone_fonts = self.cache.forget(volume)
                documents |= gone_documents
                fonts |= gone_fonts
        return self.cache.prune(documents, fonts)
