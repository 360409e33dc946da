"""`dossier watch`: live validation. As files change, each changed file is checked again,
with the archive-wide rules that depend on it, and the index is updated; the problems that
appear are reported, and so is every file that becomes clean.

How it stays fast on a large archive: the whole archive is checked once at the start (through
validate's cache), then kept in memory. A change re-checks only the files that changed (an
attachment re-checks the items that list it) and re-runs the archive-wide rules of the regulation
(rules.archive_rules) only for the sections and customers the change touched: every one of those
rules looks either at one item, at one section's items (a code names its section, so two items
with the same code share it; serial gaps are per section), or at one customer's items and card.
The bound-volume rule (a bound item must keep the sha256 its volume's manifest recorded) is
applied to the items a batch changed; a change under volumes/ (a manifest) applies it to every
bound item. Neither needs a pass over the whole archive.

Events are debounced: a batch is processed once the files have been quiet for `quiet` seconds
(or `max_delay` after its first event, for changes that never pause). The filesystem is the
truth, not the events: each path of a batch is looked at again when the batch is processed, so an
editor's atomic save (write a temporary file, rename it over the real one) is seen as a change of
the real file and the temporary file leaves nothing behind, and a `git checkout` changing
thousands of files is one batch and one pass (on every core). Should the kernel drop events (its
queue overflows), the archive is scanned and compared.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import queue
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from ..archive import codes
from ..regulation import file_checks, rules, validate
from ..archive.config import ACCESS_FILE, ARCHIVE_FILE, PEOPLE_FILE
from ..archive.errors import DossierError
from .index import WATCH_LOCK, Index
from ..archive.messages import message
from ..archive.problems import Problem
from ..archive.problems import problem_line

QUIET = 0.15  # seconds without events before a batch is processed
MAX_DELAY = 5.0  # a batch whose events never pause is processed this long after its first event
CONFIG_FILES = (ARCHIVE_FILE, PEOPLE_FILE, ACCESS_FILE)
CHECKED_FOLDERS = ("customers", "records", "daily", "trash")  # what file_checks.scan covers
WATCHED_FOLDERS = (*CHECKED_FOLDERS, "schemas", "volumes")
INDEXED_FOLDERS = ("customers", "records", "daily")


@dataclass
class Report:
    """What one batch of changes did (or, for kind 'start', the archive as the watch began).

    problems: the current problems of every file the batch changed or whose problems changed
              (files without problems are left out); clean: files that had problems and have none
              now; removed: files that had problems and are gone.
    """

    kind: str  # 'start', 'change', 'config' (configuration changed: everything checked again),
    # 'error'
    changed: tuple[str, ...] = ()
    problems: dict[str, list[Problem]] = field(default_factory=dict)
    clean: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    errors: int = 0  # in the whole archive, now
    warnings: int = 0
    files: int = 0  # files the archive has
    seconds: float = 0.0  # processing time
    latency: float | None = None  # from the batch's first event to this report
    indexed: int = 0  # files read into the index
    error: str | None = None  # kind 'error': what went wrong (the watch goes on)

    def lines(self, lang: str, prefix: str = "") -> list[str]:
        """The report as `dossier watch` prints it."""
        if self.kind == "error":
            return [message("watch-failed", lang, detail=self.error or "")]
        lines = []
        if self.kind == "config":
            lines.append(message("watch-config", lang))
        for file in sorted(self.problems):
            lines += [problem_line(p, lang, prefix) for p in self.problems[file]]
        lines += [message("watch-clean", lang, file=prefix + f) for f in self.clean]
        lines += [message("watch-removed", lang, file=prefix + f) for f in self.removed]
        lines.append(message("watch-summary", lang, time=time.strftime("%H:%M:%S"), changed=len(self.changed),
                                 seconds=f"{self.seconds:.2f}", errors=self.errors, warnings=self.warnings))
        return lines


class _Events:
    """The watchdog handler: notes which paths changed, nothing more (the worker does the rest)."""

    def __init__(self, watcher: Watcher) -> None:
        self.watcher = watcher

    def dispatch(self, event) -> None:
        paths = [event.src_path]
        if getattr(event, "dest_path", ""):
            paths.append(event.dest_path)
        self.watcher._note([os.fsdecode(p) for p in paths], event.is_directory)


class _OverflowWatch(logging.Handler):
    """watchdog only logs it when the kernel drops events: that is our cue to rescan."""

    def __init__(self, watcher: Watcher) -> None:
        super().__init__(logging.WARNING)
        self.watcher = watcher

    def emit(self, record: logging.LogRecord) -> None:
        if "overflow" in record.getMessage().lower():
            self.watcher._note_overflow()


class Watcher:
    """Watch the archive at `root`: start(), then read reports from `reports` (or receive them
    through `on_report`, called in the watcher's thread), then stop().

    today: a function giving today's date (signature dates after it are problems); default: the
    real date, asked at every batch so a watch across midnight stays right.
    """

    def __init__(self, root: Path, *, today: Callable[[], dt.date] | None = None, quiet: float = QUIET,
                 max_delay: float = MAX_DELAY,
                 on_report: Callable[[Report], None] | None = None, jobs: int | None = None,
                 index: bool = True) -> None:
        self.root = Path(root).resolve()
        self.today = today or dt.date.today
        self.quiet, self.max_delay = quiet, max_delay
        self.on_report = on_report
        self.jobs = jobs
        self.reports: queue.Queue[Report] = queue.Queue()
        self.index = Index(self.root) if index else None
        # pending events, guarded by _cond
        self._cond = threading.Condition()
        self._pending: set[str] = set()
        self._pending_dirs: set[str] = set()
        self._first_event = self._last_event = 0.0
        self._overflow = False
        self._stopping = False
        self._busy = False
        self._idle = threading.Event()
        self._state = threading.Lock()  # held while a batch changes what was checked
        # the archive as last checked (touched by the worker thread only, once started)
        self.archive = self.schemas = None
        self._config_key = ""
        self.config_problems: list[Problem] = []
        self.files: dict[str, file_checks.StatKey] = {}
        self.results: dict[str, file_checks.FileResult] = {}
        self._wide_rules: dict[str, list[Problem]] = {}
        self._bound: dict[str, list[Problem]] = {}  # the bound-volume rule's problems, by file
        self._bound_by_item: dict[str, list[Problem]] = {}  # the same, by the item they concern
        self._shown: dict[str, tuple[Problem, ...]] = {}
        self._errors = self._warnings = self._file_count = 0
        self._by_section: dict[tuple, set[str]] = defaultdict(set)
        self._by_customer: dict[str, set[str]] = defaultdict(set)
        self._cards: dict[str, rules.CustomerFacts] = {}  # card file → facts
        self._dependents: dict[str, set[str]] = defaultdict(set)  # attachment → items listing it
        self._dirs: set[str] = set()
        self._trash: frozenset[str] = frozenset()
        self._day: dt.date | None = None
        self._observer = None
        self._thread: threading.Thread | None = None
        self._lock_handle = None
        self._log_handler: _OverflowWatch | None = None
        self._scheduled: dict[str, object] = {}
        self._started = False

    # -- life cycle ---------------------------------------------------------------------------

    def __enter__(self) -> Watcher:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> Report:
        """Check the whole archive (through validate's cache), bring the index up to date and
        start watching. Returns the archive's problems as they stand."""
        from watchdog.observers import Observer

        self._take_lock()
        try:
            self._observer = Observer()
            self._schedule(None)  # watch before reading, so nothing that changes meanwhile is missed
            self._log_handler = _OverflowWatch(self)
            logging.getLogger("watchdog").addHandler(self._log_handler)
            self._observer.start()
            started = time.perf_counter()
            report = self._reload("start")
            if self.index is not None:
                report.indexed = self.index.update(self.files, jobs=self.jobs).read
            report.seconds = time.perf_counter() - started
            self._thread = threading.Thread(target=self._run, name="dossier-watch", daemon=True)
            self._thread.start()
            self._started = True
        except BaseException:
            self._shutdown(save=False)
            raise
        return report

    def stop(self) -> None:
        """Stop watching; keep what was checked in validate's cache for the next run."""
        with self._cond:
            self._stopping = True
            unprocessed = bool(self._pending or self._pending_dirs or self._overflow)
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self._shutdown(save=self._started and not unprocessed)
        self._started = False

    def _shutdown(self, save: bool) -> None:
        if self._observer is not None:
            self._observer.stop()
            self._observer.join()
            self._observer = None
        if self._log_handler is not None:
            logging.getLogger("watchdog").removeHandler(self._log_handler)
            self._log_handler = None
        if save and self.archive is not None and self._config_key == self._read_config_key():
            validate.save_results(self.root, self.schemas, self.results)
        if self.index is not None:
            self.index.close()
        self._release_lock()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until every change seen so far is processed; False on timeout."""
        return self._idle.wait(timeout)

    def problems(self) -> list[Problem]:
        """Every problem of the archive now, sorted as `dossier validate` lists them."""
        with self._state:
            return sorted(p for found in self._shown.values() for p in found)

    def _take_lock(self) -> None:
        try:
            import fcntl
        except ImportError:
            return
        path = self.root / WATCH_LOCK
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            pid = handle.read().strip()
            handle.close()
            raise DossierError("watch-running", pid=pid or "?") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._lock_handle = handle

    def _release_lock(self) -> None:
        if self._lock_handle is not None:
            self._lock_handle.close()  # closing releases the lock; the file stays, empty of meaning
            self._lock_handle = None

    # -- events (watchdog's thread) -----------------------------------------------------------

    def _schedule(self, folder: str | None) -> None:
        """Watch the archive's own files (not .git/, not .dossier/): its top level, and each
        folder the archive keeps (given: one that has just appeared)."""
        from watchdog.events import (
            DirCreatedEvent, DirDeletedEvent, DirMovedEvent, FileClosedEvent, FileCreatedEvent,
            FileDeletedEvent, FileModifiedEvent, FileMovedEvent,
        )

        kinds = [FileCreatedEvent, FileModifiedEvent, FileDeletedEvent, FileMovedEvent, FileClosedEvent,
                 DirCreatedEvent, DirDeletedEvent, DirMovedEvent]  # not opened / read: our own reads
        handler = _Events(self)
        if folder is None:
            self._observer.schedule(handler, str(self.root), recursive=False, event_filter=kinds)
        for name in WATCHED_FOLDERS if folder is None else (folder,):
            path = self.root / name
            if path.is_dir():
                old = self._scheduled.pop(name, None)
                if old is not None:
                    try:
                        self._observer.unschedule(old)
                    except KeyError:
                        pass
                self._scheduled[name] = self._observer.schedule(handler, str(path), recursive=True,
                                                                event_filter=kinds)

    def _note(self, paths: list[str], is_directory: bool) -> None:
        rels = []
        for path in paths:
            try:
                rel = Path(path).relative_to(self.root).as_posix()
            except ValueError:
                continue
            top = rel.split("/", 1)[0]
            name = rel.rsplit("/", 1)[-1]
            if top not in WATCHED_FOLDERS and rel not in CONFIG_FILES:
                continue  # .git/, .dossier/ (our own writes), anything else
            if name.startswith(".#"):  # an editor's lock link, never content
                continue
            rels.append(rel)
        if not rels:
            return
        with self._cond:
            now = time.monotonic()
            if not self._pending and not self._pending_dirs:
                self._first_event = now
            self._last_event = now
            (self._pending_dirs if is_directory else self._pending).update(rels)
            self._idle.clear()
            self._cond.notify_all()

    def _note_overflow(self) -> None:
        with self._cond:
            if not self._pending and not self._pending_dirs:
                self._first_event = time.monotonic()
            self._overflow = True
            self._last_event = time.monotonic()
            self._idle.clear()
            self._cond.notify_all()

    # -- the worker ---------------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            with self._cond:
                batch = self._next_batch()
                if batch is None:
                    return
            paths, dirs, overflow, first = batch
            try:
                self._state.acquire()
                report = self._process(paths, dirs, overflow)
                report.latency = time.monotonic() - first
                self._emit(report)
            except Exception as exc:  # noqa: BLE001 - report it and keep watching
                if os.environ.get("DOSSIER_DEBUG"):
                    raise
                self._emit(Report("error", error=f"{type(exc).__name__}: {exc}"))
            finally:
                self._state.release()
                with self._cond:
                    self._busy = False

    def _next_batch(self):
        """Wait for the next debounced batch (called with _cond held), or None to stop."""
        while True:
            if self._stopping:
                return None
            now = time.monotonic()
            if self._pending or self._pending_dirs or self._overflow:
                wait = min(self._last_event + self.quiet, self._first_event + self.max_delay) - now
                if wait <= 0:
                    batch = (self._pending, self._pending_dirs, self._overflow, self._first_event)
                    self._pending, self._pending_dirs, self._overflow = set(), set(), False
                    self._busy = True
                    return batch
                self._cond.wait(wait)
            else:
                self._idle.set()
                self._cond.wait()

    def _emit(self, report: Report) -> None:
        self.reports.put(report)
        if self.on_report is not None:
            self.on_report(report)

    # -- checking -----------------------------------------------------------------------------

    def _read_config_key(self) -> str:
        """What validate's per-file results depend on besides the file: the configuration files
        and the schemas (a change checks everything again)."""
        digest = hashlib.sha256()
        for name in CONFIG_FILES:
            try:
                digest.update(name.encode() + b"\0" + (self.root / name).read_bytes())
            except OSError:
                digest.update(name.encode() + b"\0-")
        for path in sorted((self.root / "schemas").rglob("*")):
            if path.is_file():
                digest.update(path.relative_to(self.root).as_posix().encode() + b"\0" + path.read_bytes())
        return digest.hexdigest()

    def _reload(self, kind: str) -> Report:
        """Everything again: the configuration, every file (reusing what is still valid) and every
        archive-wide rule. At the start, and when the configuration or a schema changes."""
        started = time.perf_counter()
        key = self._read_config_key()
        archive, schemas, config_problems = file_checks.open_checks(self.root, self.today())
        self.config_problems = config_problems
        self.files = file_checks.scan(self.root)
        self._dirs = {rel.rsplit("/", 1)[0] for rel in self.files}
        self._dirs |= {d.rsplit("/", i)[0] for d in list(self._dirs) for i in range(1, d.count("/") + 1)}
        if archive is None:  # archive.yaml or people.yaml is broken: nothing else can be checked
            self.archive, self.schemas, self._config_key = None, schemas, key
            new = self._group(config_problems)
            report = self._diff(kind, new, set(new) | {f for f in self._shown if f in CONFIG_FILES}, changed=())
            report.seconds = time.perf_counter() - started
            return report
        previous = self.results if key == self._config_key and self.archive is not None else (
            validate.cached_results(self.root, schemas))
        self.archive, self.schemas, self._config_key = archive, schemas, key
        self.results = file_checks.check_paths(archive, schemas, self.files, list(self.files), previous, self.jobs)
        self._rebuild_maps()
        self._file_count = sum(1 for rel in self.files if file_checks.kind_of(rel)) + len(archive.documents)
        self._trash = rules.trash_codes(self.root)
        self._whole_archive()
        new = self._group(config_problems)
        for rel in set(self.results) | set(self._wide_rules) | set(self._bound):
            found = self._problems_of(rel)
            if found:
                new[rel] = found
        report = self._diff(kind, new, set(self._shown) | set(new), changed=())
        if kind == "start":
            report.problems = {f: list(p) for f, p in self._shown.items()}
        report.seconds = time.perf_counter() - started
        return report

    def _rebuild_maps(self) -> None:
        self._by_section.clear()
        self._by_customer.clear()
        self._cards.clear()
        self._dependents.clear()
        for rel, result in self.results.items():
            self._map(rel, result)

    def _map(self, rel: str, result: file_checks.FileResult, present: bool = True) -> None:
        """Enter `rel` in the lookups the archive-wide rules are re-run from (its section, its
        customer, the card it is, the attachments it depends on), or take it out of them."""
        change = set.add if present else set.discard
        facts = result.facts
        if isinstance(facts, rules.ItemFacts):
            change(self._by_section[_section(facts.code)], rel)
            if facts.customer:
                change(self._by_customer[facts.customer], rel)
        elif isinstance(facts, rules.CustomerFacts):
            if present:
                self._cards[rel] = facts
            else:
                self._cards.pop(rel, None)
        for path, _ in result.depends:
            change(self._dependents[os.path.normpath(path)], rel)

    def _customers(self) -> dict[str, rules.CustomerFacts]:
        return {facts.id: facts for facts in self._cards.values()}

    def _whole_archive(self) -> None:
        """The archive-wide problems from scratch, as validate's archive-wide step finds them: the
        regulation's rules (re-run per section on changes) and the bound-volume rule."""
        today = self.today()
        self._day = today
        facts = [r.facts for r in self.results.values() if isinstance(r.facts, rules.ItemFacts)]
        self._wide_rules = _by_file(rules.archive_rules(facts, self._customers(), today.isoformat(), self._trash))
        self._refresh_bound(None)

    def _refresh_bound(self, items: set[str] | None) -> set[str]:
        """The bound-volume rule again for these items (None: every bound item, as when a manifest
        changed). Returns the files whose problems it may have changed."""
        from ..regulation.fixity import bound_changes

        found = bound_changes(self.root, self.results, only=items)
        if items is None:
            self._bound_by_item.clear()
        else:
            for rel in items:
                self._bound_by_item.pop(rel, None)
        for problem in found:
            self._bound_by_item.setdefault(problem.args.get("path", problem.file), []).append(problem)
        before = set(self._bound)
        self._bound = _by_file([p for item in self._bound_by_item.values() for p in item])
        return before | set(self._bound)

    def _problems_of(self, rel: str) -> tuple[Problem, ...]:
        result = self.results.get(rel)
        found = list(result.problems) if result else []
        found += self._wide_rules.get(rel, [])
        found += self._bound.get(rel, [])
        return tuple(sorted(found))

    def _group(self, problems: list[Problem]) -> dict[str, tuple[Problem, ...]]:
        grouped: dict[str, list[Problem]] = defaultdict(list)
        for problem in problems:
            grouped[problem.file].append(problem)
        return {file: tuple(sorted(found)) for file, found in grouped.items()}

    def _diff(self, kind: str, new: dict[str, tuple[Problem, ...]], files: Iterable[str],
              changed: Iterable[str]) -> Report:
        """Compare the problems of `files` with what was shown; remember and report the news."""
        changed = tuple(sorted(set(changed)))
        touched = set(changed)
        problems, clean, removed = {}, [], []
        for file in files:
            before, after = self._shown.get(file, ()), new.get(file, ())
            if after:
                if after != before or file in touched or _args_differ(before, after):
                    problems[file] = list(after)
                self._shown[file] = after
            elif before:
                del self._shown[file]
                exists = file in self.files or file in CONFIG_FILES or (self.root / file).exists()
                (clean if exists else removed).append(file)
            for p in before:
                self._count(p, -1)
            for p in after:
                self._count(p, +1)
        return Report(kind, changed, problems, tuple(sorted(clean)), tuple(sorted(removed)), self._errors,
                      self._warnings, self._file_count)

    def _count(self, problem: Problem, sign: int) -> None:
        if problem.is_error:
            self._errors += sign
        else:
            self._warnings += sign

    def _process(self, paths: set[str], dirs: set[str], overflow: bool) -> Report:
        started = time.perf_counter()
        for rel in dirs:
            if "/" not in rel and rel in WATCHED_FOLDERS and (self.root / rel).is_dir():
                self._schedule(rel)  # a folder the archive keeps has (re)appeared
        touched = paths | dirs
        if overflow:
            touched |= self._rescan()
        config = any(rel in CONFIG_FILES or rel.split("/", 1)[0] == "schemas" for rel in touched)
        if config or self.archive is None:
            key = self._read_config_key()
            if key != self._config_key or self.archive is None:
                report = self._reload("config")
                report.changed = tuple(sorted(touched))
                self._index(touched, report)
                report.seconds = time.perf_counter() - started
                return report
        report = self._update(touched)  # volumes/ (bound volumes' manifests): the reconciling pass
        self._index(touched, report)
        report.seconds = time.perf_counter() - started
        return report

    def _index(self, touched: set[str], report: Report) -> None:
        if self.index is None:
            return
        paths = [rel for rel in touched if rel.split("/", 1)[0] in INDEXED_FOLDERS]
        if paths:
            report.indexed = self.index.update(paths=paths, jobs=self.jobs).read

    def _rescan(self) -> set[str]:
        """After lost events: every file whose stat key differs from what was checked."""
        now = file_checks.scan(self.root)
        return {rel for rel in now.keys() | self.files.keys() if now.get(rel) != self.files.get(rel)}

    def _restat(self, touched: set[str]) -> tuple[set[str], set[str]]:
        """Update the stat keys of the touched paths (folders: of everything under them).
        Returns (files that exist and changed, files that are gone)."""
        changed, gone = set(), set()
        for rel in touched:
            if rel.split("/", 1)[0] not in CHECKED_FOLDERS:
                continue
            path = self.root / rel
            try:
                st = os.lstat(path)
            except OSError:
                st = None
            if st is not None and os.path.isdir(path) and not os.path.islink(path):
                now = {f: s for f, s in _scan_folder(self.root, rel).items()}
                before = {f for f in self.files if f.startswith(rel + "/")} if rel in self._dirs else set()
                for f in before - now.keys():
                    gone.add(f)
                for f, s in now.items():
                    self.files[f] = s
                    changed.add(f)
                self._dirs |= {f.rsplit("/", 1)[0] for f in now}
                continue
            if st is None:
                if rel in self.files:
                    gone.add(rel)
                if rel in self._dirs:  # a folder that went away with its files
                    gone |= {f for f in self.files if f.startswith(rel + "/")}
                continue
            self.files[rel] = (st.st_size, st.st_mtime_ns, st.st_ino)  # file_checks.scan's stat key
            changed.add(rel)
            self._dirs.add(rel.rsplit("/", 1)[0])
        for rel in gone:
            self.files.pop(rel, None)
        return changed, gone

    def _update(self, touched: set[str]) -> Report:
        """The quick pass: check what changed, re-run the archive-wide rules where it matters."""
        changed, gone = self._restat(touched)
        checked = {rel for rel in changed if file_checks.kind_of(rel)}
        manifests = {rel for rel in touched if rel.split("/", 1)[0] == "volumes"}
        for rel in changed | gone:  # an attachment changed: the items that list it
            checked |= self._dependents.get(rel, set())
        checked -= gone
        new = file_checks.check_paths(self.archive, self.schemas, self.files, checked, self.results, self.jobs,
                                   trust_stat=False)
        dropped = {rel for rel in gone if rel in self.results}
        sections: set[tuple] = set()
        customers: set[str] = set()
        cards_changed: set[str] = set()
        for rel in set(new) | dropped:
            old = self.results.get(rel)
            for result in (old, new.get(rel)):
                facts = result.facts if result is not None else None
                if isinstance(facts, rules.ItemFacts):
                    sections.add(_section(facts.code))
                    if facts.customer:
                        customers.add(facts.customer)
                elif isinstance(facts, rules.CustomerFacts):
                    cards_changed.add(facts.id)
            if old is not None:
                self._map(rel, old, present=False)
        self._file_count += len(set(new) - set(self.results)) - len(dropped)
        for rel in dropped:
            del self.results[rel]
        for rel, result in new.items():
            self.results[rel] = result
            self._map(rel, result)
        if any(rel.split("/", 1)[0] == "trash" for rel in changed | gone):
            trash = rules.trash_codes(self.root)
            sections |= {_section(code) for code in trash ^ self._trash}
            self._trash = trash
        affected = set(new) | dropped
        if self.today() != self._day:  # a new day: signatures dated today are no longer in the future
            self._whole_archive()
            affected |= set(self.results) | set(self._shown)
        else:
            affected |= self._rerun_rules(sections, customers | cards_changed, cards_changed)
            affected |= self._refresh_bound(None if manifests else checked | dropped)
        new_problems = {rel: self._problems_of(rel) for rel in affected}
        for rel in dropped:
            self._wide_rules.pop(rel, None)
            new_problems[rel] = ()
        return self._diff("change", new_problems, affected, changed=checked | dropped | manifests)

    def _rerun_rules(self, sections: set[tuple], customers: set[str], cards_changed: set[str]) -> set[str]:
        """rules.archive_rules again over whole sections (and, for customer cards, whole customers).
        Returns the files whose archive-wide problems were recomputed."""
        for customer in cards_changed:  # a card came or went: its items' customer-unknown
            sections |= {_section(self.results[rel].facts.code) for rel in self._by_customer.get(customer, ())}
        files = set().union(*(self._by_section.get(s, set()) for s in sections)) if sections else set()
        today = self.today().isoformat()
        all_customers = self._customers()
        found = _by_file(rules.archive_rules([self.results[f].facts for f in files], all_customers, today,
                                             self._trash))
        for rel in files:
            self._set_wide(rel, found.get(rel, []))
        # the rules about a customer card look at the customer's items wherever they are
        cards = {rel for rel, facts in self._cards.items() if facts.id in customers}
        items = {rel for c in customers for rel in self._by_customer.get(c, ())}
        subset = {c: all_customers[c] for c in customers if c in all_customers}
        found = _by_file(rules.archive_rules([self.results[f].facts for f in items], subset, today, self._trash))
        for rel in cards:
            self._set_wide(rel, found.get(rel, []))
        return files | cards

    def _set_wide(self, rel: str, problems: list[Problem]) -> None:
        if problems:
            self._wide_rules[rel] = problems
        else:
            self._wide_rules.pop(rel, None)


def _section(code: str) -> tuple:
    parsed = codes.parse(code)
    return (parsed.category, parsed.year, parsed.section) if parsed else ("?", 0, code)


def _by_file(problems: list[Problem]) -> dict[str, list[Problem]]:
    grouped: dict[str, list[Problem]] = defaultdict(list)
    for problem in problems:
        grouped[problem.file].append(problem)
    return grouped


def _args_differ(before: tuple[Problem, ...], after: tuple[Problem, ...]) -> bool:
    """Problems compare without their message arguments; a changed argument is news too."""
    return [p.args for p in before] != [p.args for p in after]


def _scan_folder(root: Path, rel: str) -> dict[str, file_checks.StatKey]:
    found = {}
    base = root / rel
    for dirpath, dirnames, names in os.walk(base):
        for name in names:
            path = Path(dirpath) / name
            try:
                st = os.lstat(path)
            except OSError:
                continue
            found[path.relative_to(root).as_posix()] = (st.st_size, st.st_mtime_ns, st.st_ino)
    return found
