"""The render cache: every document a volume is made of —
each item with its attachments, the cover, each page of the contents, the 备考表 — in one
file <sha256>.doc named by the sha256 of what made it (render/items.py Job.key): its page
count, the font programs its text uses (render/fonts.py) and its PDF objects, ready to be put into
a volume (render/assemble.py Fragment), pickled. One file, written atomically, so a document
is either cached whole or not at all.

fonts/ holds each font file the documents' text was set in, once (named by its sha256):
a cached document refers to its fonts instead of embedding them, and a volume embeds each
font once (render/assemble.py).

volumes/<archive number>.json records which documents and fonts the last rendering of a
volume used; rendering a volume again deletes what its previous rendering used and no
volume uses any more (`prune`), so the cache holds what the current volumes need, not
every version of every item ever rendered.

The documents show confidential values decrypted with the key of whoever renders, so the cache
is kept outside the repository, in the user's own cache folder (~/.cache/dossier/render/<the
archive>/, $XDG_CACHE_HOME honoured; folders 0700, files 0600), and each document is encrypted
to the reader's own key (age) when they render with one: nothing decrypted stays on disk but
the volume the user asked for. A cache left inside the archive by an older version
(.dossier/render/) is deleted.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from pyrage import DecryptError

from ...access.crypto import AGE_VERSION_LINE, Identity
from ...archive.fsutil import atomic_write_bytes

LEGACY_DIR = ".dossier/render"  # where older versions kept it, decrypted, inside the archive
PRIVATE = 0o700
PRIVATE_FILE = 0o600
FONTS = "fonts"
VOLUMES = "volumes"
FORMAT = 2  # of the .doc files: another number, and they are rendered again


@dataclass
class FontUse:
    """A font program a document's text uses, shared by the volume: the font file it was cut
    from (its sha256 in fonts/, and the face in it) and the glyphs the document uses."""

    font: str  # sha256 of the font file
    index: int  # the face in the font file (a .ttc holds several)
    cff: bool  # CFF outlines (FontFile3 /OpenType) rather than TrueType (FontFile2)
    name: str  # /BaseFont, without "/"
    glyphs: list[int] = field(default_factory=list)

    @property
    def program(self) -> str:
        """The volume-wide font program's key: one per face of a font file."""
        return f"{self.font}/{self.index}"


@dataclass
class Rendered:
    """One rendered document: its page count, fonts and PDF objects."""

    pages: int
    fonts: list[FontUse]
    fragment: object  # render/assemble.py Fragment
    fitted: int | None = None  # contents pages: rows that fitted on the page
    key: str = ""  # in the cache
    unshared: list[str] = field(default_factory=list)  # fonts of its text it embeds itself (render/fonts.py)


def cache_folder(root: Path) -> Path:
    """The archive's render cache in the user's cache folder, named by the archive's real path."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "dossier" / "render" / hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]


def _private_folders(folder: Path, depth: int) -> None:
    """Make `folder` and its `depth` parents readable by the user alone."""
    folder.mkdir(mode=PRIVATE, parents=True, exist_ok=True)
    for path in [folder, *list(folder.parents)[:depth]]:
        if path.stat().st_mode & 0o777 != PRIVATE:
            path.chmod(PRIVATE)


class RenderCache:
    def __init__(self, root: Path, identity: Identity | None = None) -> None:
        self.folder = cache_folder(root)
        self.identity = identity if identity is not None and identity.keys and identity.public_key else None
        _private_folders(self.folder, 2)
        shutil.rmtree(root / LEGACY_DIR, ignore_errors=True)

    def document(self, key: str) -> Path:
        return self.folder / f"{key}.doc"

    def font(self, sha: str) -> Path:
        return self.folder / FONTS / f"{sha}.font"

    def load(self, key: str) -> Rendered | None:
        """The cached document `key`, or None when it is not there (or damaged, or written by
        another version, or one of its fonts is gone)."""
        try:
            raw = self.document(key).read_bytes()
            if raw.startswith(AGE_VERSION_LINE):
                if self.identity is None:
                    return None
                raw = self.identity.open_own(raw)
            version, rendered = pickle.loads(raw)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError,
                DecryptError):
            return None
        if version != FORMAT or not isinstance(rendered, Rendered):
            return None
        if any(not self.font(use.font).is_file() for use in rendered.fonts):
            return None
        rendered.key = key
        return rendered

    def save(self, key: str, rendered: Rendered) -> None:
        data = pickle.dumps((FORMAT, rendered), protocol=pickle.HIGHEST_PROTOCOL)
        if self.identity is not None:
            data = self.identity.seal_for_self(data)
        atomic_write_bytes(self.document(key), data, PRIVATE_FILE)

    def save_font(self, sha: str, data: bytes) -> None:
        path = self.font(sha)
        if not path.is_file():
            _private_folders(path.parent, 0)
            atomic_write_bytes(path, data, PRIVATE_FILE)

    # --- what the volumes use --------------------------------------------------------------------

    def record(self, volume: str, category: str, year: int, keys: list[str], fonts: set[str]) -> None:
        """Note the documents and fonts the volume `volume` (its archive number) is made of now."""
        data = {"category": category, "year": year, "documents": sorted(set(keys)), "fonts": sorted(fonts)}
        _private_folders(self._record(volume).parent, 0)
        atomic_write_bytes(self._record(volume), json.dumps(data).encode("utf-8"), PRIVATE_FILE)

    def recorded(self, volume: str) -> tuple[set[str], set[str]]:
        data = self._read_record(volume)
        return set(data.get("documents", [])), set(data.get("fonts", []))

    def records(self) -> list[tuple[str, tuple[str, int]]]:
        """(archive number, (category, year)) of every volume recorded."""
        folder = self.folder / VOLUMES
        found = []
        for name in sorted(os.listdir(folder)) if folder.is_dir() else []:
            volume = name.removesuffix(".json")
            data = self._read_record(volume)
            found.append((volume, (str(data.get("category")), data.get("year"))))
        return found

    def forget(self, volume: str) -> tuple[set[str], set[str]]:
        """Drop the record of a volume that is gone; returns what it used."""
        used = self.recorded(volume)
        self._record(volume).unlink(missing_ok=True)
        return used

    def prune(self, candidates: set[str], fonts: set[str]) -> int:
        """Delete the documents `candidates` and fonts `fonts` that no volume's record names;
        returns how many files were deleted."""
        used_documents: set[str] = set()
        used_fonts: set[str] = set()
        for volume, _ in self.records():
            documents, font_files = self.recorded(volume)
            used_documents |= documents
            used_fonts |= font_files
        doomed = [self.document(key) for key in candidates - used_documents]
        doomed += [self.font(sha) for sha in fonts - used_fonts]
        doomed += self.folder.glob("*.pdf")  # the first version of this cache kept bare PDFs
        deleted = 0
        for path in doomed:
            try:
                path.unlink()
                deleted += 1
            except FileNotFoundError:
                pass
        return deleted

    def _record(self, volume: str) -> Path:
        return self.folder / VOLUMES / f"{volume}.json"

    def _read_record(self, volume: str) -> dict:
        try:
            data = json.loads(self._record(volume).read_bytes())
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}
