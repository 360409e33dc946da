"""validate's store of facts (facts_store.py), kept current in proportion to what changed (issue 18).

For cards and items the store holds the facts the archive-wide rules need (rules.ItemFacts,
rules.CustomerFacts, confidential.Sealing); the archive-wide problems are kept under the group
of facts each was computed from:

    code:C       code-unique among the items with code C
    sec:S        serial-gap in section S (category-year-section), trash/ included
    cust:X       customer-unknown for the items naming X, export-terms for card X
    sig:PATH     signature-future of one item (today moves: items signed after it)
    names        customer-name-duplicate among every card
    bound:PATH   bound-changed of one item (volumes/ changed: all of them)
    conf         the confidential rule (any card, sealed file or day's grants changed: again)

A run asks git what changed since the state the store holds (gitchanges: the tree of HEAD
then and now, git's status then and now), checks those files again, and recomputes only the
groups whose facts they touched.
"""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import closing
from dataclasses import asdict
from pathlib import Path

from . import confidential, rules
from .facts_store import STORE_FILE, VERSION, Seen, Store, current_state, dump, in_transaction, marks
from ..archive import codes
from ..archive.problems import Problem
from ..git.gitchanges import GitFailed, GitView


# --- a file's row --------------------------------------------------------------------------------


def put(store: Store, rel: str, oid: str | None, result=None) -> None:
    """Keep the file as checked (`result`: file_checks.FileResult) or, for any other file, its id
    alone; oid None removes it."""
    store.db.execute("DELETE FROM files WHERE path = ?", (rel,))
    store.db.execute("DELETE FROM deps WHERE item = ?", (rel,))
    if oid is None:
        return
    if result is None:  # an attachment, a volume's manifest, a file in trash/ (its section counts)
        store.db.execute("INSERT INTO files (path, oid, section) VALUES (?, ?, ?)",
                         (rel, oid, trash_section(rel) if rel.startswith("trash/") else None))
        return
    facts = result.facts
    item = facts if isinstance(facts, rules.ItemFacts) else None
    code = codes.parse(item.code) if item else None
    attachments = [os.path.normpath(path) for path, _ in result.depends]
    store.db.execute(
        "INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (rel, oid, result.digest, dump([p.to_json() for p in result.problems]), _facts_json(facts),
         dump(asdict(result.sealing)) if result.sealing is not None else None, dump(attachments),
         item.code if item else None, _section(code) if code else None, item.customer if item else None,
         facts.id if isinstance(facts, rules.CustomerFacts) else None,
         max((d[1] for d in item.signature_dates), default=None) if item else None))
    store.db.executemany("INSERT INTO deps VALUES (?, ?)", ((a, rel) for a in attachments))


def _section(code: codes.Code) -> str:
    return f"{code.category}-{code.year}-{code.section}"


# --- facts to and from JSON ----------------------------------------------------------------------


def _facts_json(facts) -> str | None:
    if isinstance(facts, rules.ItemFacts):
        return dump(["item", asdict(facts)])
    if isinstance(facts, rules.CustomerFacts):
        return dump(["card", asdict(facts)])
    return None


def facts_of(row: sqlite3.Row):
    if not row["facts"]:
        return None
    kind, d = json.loads(row["facts"])
    if kind == "item":
        return rules.ItemFacts(d["file"], d["code"], tuple(d["code_pos"]), d["type"], d["customer"],
                               tuple(d["customer_pos"]), tuple(tuple(s) for s in d["signature_dates"]))
    return rules.CustomerFacts(d["id"], d["file"], tuple(d["export_pos"]) if d["export_pos"] else None, d["name"],
                               tuple(d["name_pos"]))


def sealing_of(row: sqlite3.Row) -> confidential.Sealing | None:
    if not row["sealing"]:
        return None
    d = json.loads(row["sealing"])
    values = tuple(confidential.Value(v["field"], v["line"], v["column"], v["state"], tuple(v["tags"]))
                   for v in d["values"])
    return confidential.Sealing(d["file"], d["customer"], d["category"], d["manager"], d["card"], values)


# --- what changed --------------------------------------------------------------------------------


def changed_files(view: GitView, store: Store, tree: str, dirty: dict[str, str | None]) -> dict[str, str | None]:
    """path → current id (None: gone) of every file whose content differs from the store's."""
    before_tree = store.meta("tree")
    before_dirty = json.loads(store.meta("dirty") or "{}")
    candidates = None
    if before_tree:
        try:
            candidates = set(view.tree_changes(before_tree, tree)) | set(before_dirty) | set(dirty)
        except GitFailed:  # a store made in another clone: compare every file
            candidates = None
    if candidates is None:
        current = {**view.tree_entries(tree), **dirty}
        stored = store.oids()
        candidates = set(current) | set(stored)
    else:
        clean = sorted(c for c in candidates if c not in dirty)
        in_tree = view.tree_entries(tree, clean) if clean else {}
        current = {**{c: in_tree.get(c) for c in clean}, **{c: dirty[c] for c in candidates if c in dirty}}
        stored = store.oids(candidates)
    return {rel: current.get(rel) for rel in candidates if current.get(rel) != stored.get(rel)}



# --- the archive-wide rules, group by group ------------------------------------------------------


class Touched:
    """The groups of facts that the files checked again (or gone) touch, before and after."""

    def __init__(self) -> None:
        self.codes: set[str] = set()
        self.sections: set[str] = set()
        self.customers: set[str] = set()
        self.items: set[str] = set()
        self.cards = False
        self.sealed = False
        self.volumes = False
        self.folders: set[str] = set()  # of attachments changed: their items' bound attachments
        self.count = 0  # files checked again

    def row(self, row: sqlite3.Row | None) -> None:
        if row is None:
            return
        self.codes.add(row["code"])
        self.sections.add(row["section"])
        self.customers.update((row["customer"], row["card"]))
        self.cards |= row["card"] is not None
        self.sealed |= row["sealing"] is not None
        if row["code"] is not None:
            self.items.add(row["path"])

    def path(self, rel: str) -> None:
        self.volumes |= rel.startswith("volumes/")
        if rel.startswith("trash/"):
            self.sections.add(trash_section(rel))
        elif not rel.endswith((".yaml", ".yml")):
            self.folders.add(rel.rsplit("/", 1)[0])


def trash_section(rel: str) -> str | None:
    """The section of a file in trash/ (rules.trash_codes: a code's name, .yaml)."""
    name = rel.rsplit("/", 1)[-1]
    code = codes.parse(name[:-5]) if name.endswith(".yaml") else None
    return _section(code) if code else None


def regroup(store: Store, root: Path, today: str, touched: Touched | None) -> None:
    """Recompute the archive-wide problems of the groups `touched` (None: every group)."""
    everything = touched is None
    _regroup(store, "code:", "code", None if everything else touched.codes, _codes_rule)
    _regroup(store, "sec:", "section", None if everything else touched.sections, _sections_rule)
    _regroup(store, "cust:", "customer", None if everything else touched.customers, _customers_rule)
    future = [facts_of(r) for r in store.rows("signed > ?", (today,))]  # few: an index answers
    store.replace_group("sig", rules._future_signatures(future, today))
    if everything or touched.cards:
        cards = {f.id: f for f in map(facts_of, store.rows("card IS NOT NULL ORDER BY path"))}  # as validate: the last
        store.replace_group("names", rules.lookalike_names(cards.values()))
    if everything or touched.volumes or touched.items or touched.folders:
        _bound(store, root, None if everything or touched.volumes else _bound_items(store, touched))
    if everything or touched.sealed or touched.cards:
        sealings = [sealing_of(r) for r in store.rows("sealing IS NOT NULL ORDER BY path")]
        store.replace_group("conf", confidential.check(root, sealings, today))


def _regroup(store: Store, prefix: str, column: str, keys: set | None, rule) -> None:
    if keys is None:
        where, args = f"{column} IS NOT NULL", ()
        store.replace_group(prefix + "%", [], like=True)
    else:
        keys = sorted(k for k in keys if k is not None)
        where, args = f"{column} IN ({marks(keys)})", tuple(keys)
        for key in keys:
            store.replace_group(prefix + key, [])
    if column == "customer":  # a customer's group: the items naming it and its card
        where = f"({where}) OR ({where.replace('customer', 'card')})"
        args = args + args
    grouped: dict[str, list] = {}
    for row in store.rows(f"{where} ORDER BY path", args):
        grouped.setdefault(row[column] if column != "customer" else row["customer"] or row["card"], []).append(row)
    for key, rows in grouped.items():
        store.add_group(prefix + key, rule(rows))


def _codes_rule(rows: list) -> list[Problem]:
    return rules._unique_codes([facts_of(r) for r in rows if r["facts"]])


def _sections_rule(rows: list) -> list[Problem]:
    items = [facts_of(r) for r in rows if r["facts"]]
    trash = frozenset(r["path"].rsplit("/", 1)[-1][:-5] for r in rows if r["path"].startswith("trash/"))
    return rules._serial_gaps(items, trash) if items else []


def _customers_rule(rows: list) -> list[Problem]:
    facts = [facts_of(r) for r in rows]
    items = [f for f in facts if isinstance(f, rules.ItemFacts)]
    cards = {f.id: f for f in facts if isinstance(f, rules.CustomerFacts)}
    return rules._customers_exist(items, cards) + rules._export_terms(items, cards)


def _bound_items(store: Store, touched: Touched) -> set[str]:
    items = set(touched.items)
    for folder in touched.folders:
        items.update(r["path"] for r in store.rows("path LIKE ? AND code IS NOT NULL", (folder + "/%",)))
    return items


def _bound(store: Store, root: Path, only: set[str] | None) -> None:
    from .fixity import bound_changes

    def digest_of(rel: str) -> str | None:
        row = store.db.execute("SELECT digest FROM files WHERE path = ?", (rel,)).fetchone()
        return row[0] if row else None

    found = bound_changes(root, None, only, digest_of)
    if only is None:
        store.replace_group("bound:%", [], like=True)
    else:
        for rel in only:
            store.replace_group("bound:" + rel, [])
    for problem in found:
        store.add_group("bound:" + str(problem.args.get("path", problem.file)), [problem])


# --- one run -------------------------------------------------------------------------------------


def validate_incremental(root: Path, context: str, today: str, check, seen: Seen,
                         config: list[Problem], documents: int) -> tuple[list[Problem], int, int]:
    """Every card's and item's problems and the archive-wide ones, from the store brought up to
    date from git's state in `seen`: `check(paths)` (validate's checker) gives the results of the
    files that changed. The configuration's problems and how many files it has (`config`,
    `documents`) are kept for the next run's `look`. Returns the problems, the number of cards and
    items, and how many of them were not read."""
    view = seen.view
    with closing(Store(root)) as store:
        with in_transaction(store):
            fresh = store.meta("context") != context or store.meta("version") != VERSION
            if fresh:
                store.reset(context)
            state, current = (seen.state, None) if view is not None else _state(None, root)
            if fresh:
                changed = current if view is None else {**view.tree_entries(state[0]), **state[1]}
            else:
                changed = _changes(view, store, state, current)
            rechecked = _apply(store, changed, check)
            if fresh:
                regroup(store, root, today, None)
            elif changed or store.meta("today") != today:
                rechecked.sealed |= store.meta("today") != today  # grants begin and end with the day
                regroup(store, root, today, rechecked)
            if fresh or changed or store.meta("today") != today:
                files = store.db.execute("SELECT COUNT(*) FROM files WHERE problems IS NOT NULL").fetchone()[0]
                store.set_meta(tree=state[0], dirty=dump(state[1]), today=today, files=str(files))
            store.set_meta(config=dump([p.to_json() for p in config]), documents=str(documents),
                           untracked=seen.untracked)
        files = int(store.meta("files") or 0)
        return store.problems(), files, files - rechecked.count


def _state(view: GitView | None, root: Path) -> tuple[tuple[str, dict], dict[str, str | None] | None]:
    """The state to compare with (git's tree and status; outside git, every file's stat) and,
    outside git, every file's id."""
    if view is not None:
        return current_state(view), None
    from .file_checks import scan

    return ("", {}), {rel: "stat:%d:%d:%d" % key for rel, key in scan(root).items()}


def _changes(view: GitView | None, store: Store, state: tuple, current: dict | None) -> dict[str, str | None]:
    if view is not None:
        return changed_files(view, store, *state)
    stored = store.oids()
    return {rel: current.get(rel) for rel in set(current) | set(stored) if current.get(rel) != stored.get(rel)}


def _apply(store: Store, changed: dict[str, str | None], check) -> Touched:
    """Check the changed cards and items (and those whose attachments changed) and store them."""
    from .file_checks import kind_of

    touched = Touched()
    dependents = store.dependents([rel for rel in changed if not kind_of(rel)]) - set(changed)
    oids = {**store.oids(dependents), **changed}
    for row in store.rows_of(sorted(oids)):
        touched.row(row)
    results = check(sorted(rel for rel, oid in oids.items() if oid and kind_of(rel)))
    for rel, oid in oids.items():
        touched.path(rel)
        put(store, rel, oid, results.get(rel))
    for row in store.rows_of(sorted(results)):
        touched.row(row)
    touched.count = len(results)
    return touched


# --- dossier watch keeps its results in memory; at its start and end, the store's ----------------


def load_results(root: Path, context: str) -> dict:
    """The stored per-file results (file_checks.FileResult, without stat keys: watch compares the
    files' digests), if they were made with this configuration."""
    from .file_checks import NO_STAT, FileResult

    path = root / STORE_FILE
    if not path.exists():
        return {}
    with closing(Store(root)) as store:
        if store.meta("context") != context:
            return {}
        return {row["path"]: FileResult(NO_STAT, row["digest"], [Problem.from_json(p) for p in json.loads(row["problems"])],
                                        facts_of(row), tuple((a, None) for a in json.loads(row["attachments"] or "[]")),
                                        sealing_of(row))
                for row in store.rows("problems IS NOT NULL")}


def save_results(root: Path, context: str, results: dict, today: str) -> None:
    """Store watch's results: those whose file has not changed since (same stat key), with every
    other file's id, as a run of validate would have."""
    from .file_checks import kind_of

    view = GitView.of(root)
    with closing(Store(root)) as store, in_transaction(store):
        store.reset(context)
        state, current = _state(view, root)
        if view is not None:
            current = {**view.tree_entries(state[0]), **state[1]}
        complete = True
        for rel, oid in current.items():
            result = results.get(rel)
            if kind_of(rel) and (result is None or _stat_of(root, rel) != result.stat):
                complete = False  # changed since it was checked (or never checked): validate checks it
                continue
            put(store, rel, oid, result if kind_of(rel) else None)
        regroup(store, root, today, None)
        # an incomplete store is compared file by file next time, not only where git saw changes
        files = store.db.execute("SELECT COUNT(*) FROM files WHERE problems IS NOT NULL").fetchone()[0]
        store.set_meta(tree=state[0] if complete else "", dirty=dump(state[1]), today=today, files=str(files))


def _stat_of(root: Path, rel: str):
    try:
        st = os.stat(root / rel)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)
