"""The pre-commit hook's check: the staged change against the facts of the index (issue 18).

A commit of one item should cost about what git's own commit costs, warm or on a fresh clone,
so nothing here reads the whole archive or needs a cache. The staged files (what the commit
takes: their bytes in the index) get every per-file check; the archive-wide rules are asked
only where they can put a problem on a staged file, and what they need to know of the files not
staged comes from their paths in the index, which for a file without a code-path or
customer-id error say the same as its content: an item at records/3/2026/3-2026-S01-0004.yaml
has the code 3-2026-S01-0004, a card at customers/C0007.yaml the id C0007.

    code-unique        the staged item's code at its own path (and among the staged items)
    customer-unknown   the card customers/ID.yaml in the index (or staged)
    serial-gap         the index's items and trash/ of the staged items' sections
    export-terms       the index's items of the export-terms category naming the customer (git grep)
    customer-name-dup  every card (read from the index, only when a card is staged)
    bound-changed      the volumes' manifests, for the staged items (as validate does)
    confidential       the staged files' values, with the cards of their customers

The report is validate's for the staged paths (validate_archive with `only`), problem for
problem, when the index and the work tree agree. A change to the configuration (archive.yaml,
people.yaml, access.yaml, schemas/) or to the volumes' manifests concerns every file: that
commit is checked by the whole validation, as before.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, replace
from pathlib import Path

from . import confidential, rules
from ..archive import codes
from ..archive.config import ACCESS_FILE, ARCHIVE_FILE, PEOPLE_FILE, open_archive
from ..archive.loader import LoadError, load_bytes
from ..archive.problems import Problem
from ..archive.schemas import SchemaSet
from ..git.gitchanges import GitView, StagedFile
from ..git.gitwalk import OPERATION_ENV
from .file_checks import Checker, FileResult, config_problems, kind_of
from .validate import Report, restricted, validate_archive

WHOLE_ARCHIVE = (ARCHIVE_FILE, PEOPLE_FILE, ACCESS_FILE, "schemas/", "volumes/")
NOWHERE = (0, 0)  # the position of a fact taken from a path: never reported (the file is not staged)


@dataclass(frozen=True)
class StagedChange:
    """What the commit being made brings (暂存的变更): the archive's files it adds, changes or
    deletes, with their blob ids, from one read of git's index."""

    view: GitView
    files: tuple[StagedFile, ...]

    @classmethod
    def of(cls, root: Path) -> StagedChange | None:
        """The change staged in the repository `root` is in; None outside git."""
        view = GitView.of(root)
        return cls(view, tuple(view.staged_changes())) if view is not None else None

    @property
    def paths(self) -> list[str]:
        """The files the commit adds or changes (the ones to check)."""
        return [f.path for f in self.files if f.status in ("A", "M")]

    @property
    def deleted(self) -> set[str]:
        return {f.path for f in self.files if f.status == "D"}

    def blobs(self, paths: list[str]) -> list[bytes | None]:
        """The staged bytes of `paths` (among self.paths), by their ids: no second read of the index."""
        ids = {f.path: f.blob for f in self.files}
        return self.view.blobs([ids[rel] for rel in paths])


def validate_staged(root: Path, today: dt.date, change: StagedChange) -> Report:
    """validate's report on the files the commit adds or changes."""
    paths, view = change.paths, change.view
    if any(_whole_archive(rel) for rel in paths):
        return _validate_whole(root, today, paths, view.edited_after_staging(paths))
    try:
        archive = open_archive(root)
    except LoadError as exc:
        return restricted([exc.problem], paths, 1, 0)
    schemas = SchemaSet(root / "schemas")
    today_text = today.isoformat()
    found_in_config = config_problems(archive, schemas, today_text)
    if any(p.is_error and p.file in (ARCHIVE_FILE, PEOPLE_FILE) for p in found_in_config):
        return restricted(sorted(found_in_config), paths, len(archive.documents), 0)
    archive.check_settings(schemas)
    checker = Checker(archive, schemas)
    checked = [rel for rel in paths if kind_of(rel)]
    results = {rel: checker.check_content(rel, kind_of(rel), raw or b"")
               for rel, raw in zip(checked, change.blobs(checked))}
    problems = [p for result in results.values() for p in result.problems]
    problems += _Neighbours(view, checker, results, today_text, change.deleted).problems()
    return restricted(sorted(problems), paths, len(results) + len(archive.documents), 0)


def _whole_archive(rel: str) -> bool:
    """The configuration, the schemas and the volumes' manifests: every file's check depends on them."""
    return any(rel == name or rel.startswith(name) for name in WHOLE_ARCHIVE)


def _validate_whole(root: Path, today: dt.date, paths: list[str], edited: dict[str, bytes]) -> Report:
    """The whole archive checked for a commit that stages what every file's check depends on.
    Cards and items edited again after staging are checked as staged; the configuration, schemas
    and manifests are read from the work tree, so one edited after staging is refused (what the
    commit would take is not what was checked), unless the commit is dossier's own operation
    (OPERATION_ENV), whose files reach the work tree after it: they are checked from the work tree
    as they were before. With nothing edited after staging, the work tree is what the commit
    takes, and validate's store answers for what did not change."""
    unseen = [] if os.environ.get(OPERATION_ENV) else sorted(rel for rel in edited if _whole_archive(rel))
    if unseen:
        return Report([Problem(rel, 0, 0, "staged-edited", "staged-edited", {"file": rel}) for rel in unseen], 0)
    return validate_archive(root, today, paths, staged=edited, use_cache=not edited)


class _Neighbours:
    """The archive-wide rules over the staged files and what the index says of their neighbours."""

    def __init__(self, view: GitView, checker: Checker, results: dict[str, FileResult], today: str,
                 deleted: set[str]) -> None:
        self.view, self.checker, self.results, self.today, self.deleted = view, checker, results, today, deleted
        self.items = [r.facts for r in results.values() if isinstance(r.facts, rules.ItemFacts)]
        self.cards = {r.facts.id: r.facts for r in results.values() if isinstance(r.facts, rules.CustomerFacts)}
        self.staged = set(results)
        self.indexed = set(view.index_paths(self._pathspecs()))

    def _pathspecs(self) -> list[str]:
        """One ls-files for everything asked: the staged items' own code paths, their customers'
        cards, and the items and trash of their sections."""
        specs = set()
        for fact in self.items:
            code = codes.parse(fact.code)
            specs.add(f":(literal){code.path}")
            specs.add(f":(glob){code.path.rsplit('/', 1)[0]}/{_section_stem(code)}-*.yaml")
            specs.add(f":(glob)trash/**/{_section_stem(code)}-*.yaml")
            if fact.customer:
                specs.add(f":(literal)customers/{fact.customer}.yaml")
        return sorted(specs) or [":(literal)customers/"]

    def _present(self, rel: str) -> bool:
        """In the index, as the last commit has it (the staged files are taken as staged)."""
        return rel in self.indexed and self._unstaged(rel)

    def _unstaged(self, rel: str) -> bool:
        return rel not in self.staged and rel not in self.deleted

    def problems(self) -> list[Problem]:
        found = (rules._unique_codes(self.items + self._same_code_elsewhere())
                 + rules._customers_exist(self.items, {**self._cards_by_path(), **self.cards})
                 + rules._future_signatures(self.items, self.today)
                 + self._serial_gaps() + self._export_terms() + self._name_duplicates()
                 + self._bound() + self._confidential())
        return [p for p in found if p.file in self.staged]

    def _same_code_elsewhere(self) -> list[rules.ItemFacts]:
        return [_path_fact(codes.parse(f.code).path) for f in self.items if self._present(codes.parse(f.code).path)]

    def _cards_by_path(self) -> dict[str, rules.CustomerFacts]:
        ids = {f.customer for f in self.items if f.customer}
        return {i: rules.CustomerFacts(i, f"customers/{i}.yaml", None) for i in ids
                if self._present(f"customers/{i}.yaml")}

    def _serial_gaps(self) -> list[Problem]:
        sections = {_section_stem(codes.parse(f.code)) for f in self.items}
        facts = list(self.items)
        facts += [_path_fact(rel) for rel in self.indexed if self._present(rel) and not rel.startswith("trash/")
                  and codes.parse(rel.rsplit("/", 1)[-1][:-5]) and _section_of(rel) in sections]
        trash = frozenset(rel.rsplit("/", 1)[-1][:-5] for rel in self.indexed
                          if rel.startswith("trash/") and rel not in self.deleted)
        return rules._serial_gaps([f for f in facts if f is not None], trash)

    def _export_terms(self) -> list[Problem]:
        exporting = {i: card for i, card in self.cards.items() if card.export_pos}
        if not exporting:
            return []
        return rules._export_terms(self.items + self._export_items(exporting), exporting)

    def _export_items(self, customers: dict) -> list[rules.ItemFacts]:
        """Items of the index of type export-terms for these customers: git grep finds the
        files that name a customer, the loader says which are export terms for it."""
        category = self.checker.schemas.dispatch.category_of.get("export-terms")
        folder = "daily" if category == "D" else f"records/{category}"
        out = self.view.git(["grep", "--cached", "-l", "-z", "-F", *(a for i in customers for a in ("-e", i)),
                             "--", f":(glob){folder}/**/*.yaml"]) if category else b""
        names = [n.decode("utf-8", "surrogateescape") for n in out.split(b"\0") if n]
        names = [rel for rel in names if self._unstaged(rel)]
        facts = (self._facts_of(rel, raw) for rel, raw in zip(names, self.view.blobs([f":{n}" for n in names])))
        return [f for f in facts if isinstance(f, rules.ItemFacts) and f.type == "export-terms"]

    def _name_duplicates(self) -> list[Problem]:
        if not self.cards:
            return []
        names = [rel for rel in self.view.index_paths([":(glob)customers/*.yaml"]) if self._unstaged(rel)]
        others = (self._facts_of(rel, raw) for rel, raw in zip(names, self.view.blobs([f":{n}" for n in names])))
        return rules.lookalike_names([f for f in others if isinstance(f, rules.CustomerFacts)]
                                     + list(self.cards.values()))

    def _facts_of(self, rel: str, raw: bytes | None):
        try:
            doc = load_bytes(raw or b"", rel, self.checker.archive.settings.max_file_bytes)
        except LoadError:
            return None
        return rules.customer_facts(doc) if rel.startswith("customers/") else rules.item_facts(doc)

    def _bound(self) -> list[Problem]:
        from .fixity import bound_changes

        items = {f.file for f in self.items}
        return bound_changes(self.view.root, self.results, items) if items else []

    def _confidential(self) -> list[Problem]:
        """The staged files' values, judged with the cards of their customers (whose managers
        decide who reads them): those cards staged, or read from the index."""
        sealings = [r.sealing for r in self.results.values() if r.sealing is not None]
        wanted = sorted({s.customer for s in sealings if not s.card and s.customer} - set(self.cards))
        cards = [f"customers/{i}.yaml" for i in wanted if self._present(f"customers/{i}.yaml")]
        for rel, raw in zip(cards, self.view.blobs([f":{rel}" for rel in cards])):
            result = self.checker.check_content(rel, "customer", raw or b"")
            if result.sealing is not None:
                sealings.append(replace(result.sealing, values=()))  # its manager only: its values are not staged
        return confidential.check(self.view.root, sealings, self.today)


def _section_stem(code: codes.Code) -> str:
    return f"{code.category}-{code.year}-{code.section}"


def _section_of(rel: str) -> str | None:
    code = codes.parse(rel.rsplit("/", 1)[-1][:-5])
    return _section_stem(code) if code else None


def _path_fact(rel: str) -> rules.ItemFacts | None:
    """What an item's path says of it: its code (where a file whose code differs from its path
    has a code-path error of its own)."""
    code = codes.parse(rel.rsplit("/", 1)[-1][:-5]) if rel.endswith(".yaml") else None
    return rules.ItemFacts(rel, str(code), NOWHERE, "", None, NOWHERE, ()) if code else None
