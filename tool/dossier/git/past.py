"""An item's past in git 历史版本: its last committed version, and where it went when its file is
not where its code puts it. Read rights (a purged item keeps the readers of its last version),
`show` (find) and `history` ask here; nothing here writes.
"""

from __future__ import annotations

from pathlib import Path

from ..archive import codes
from ..archive.catalogue import Entry
from ..archive.errors import DossierError
from ..archive.loader import load_file
from . import gitrepo
from .gitwalk import TRASH


def last_version(root: Path, item_path: str) -> tuple[str, str, bytes] | None:
    """(commit, archive-relative path, bytes) of the newest commit on this branch that holds the
    item under its place or under trash/."""
    places = (item_path, TRASH + item_path)
    log = gitrepo.run(["log", "--format=%H", "--no-renames", "--", *places], root, check=False)
    for sha in log.stdout.split() if log.returncode == 0 else []:
        for rev in (sha, f"{sha}^"):  # the newest commit touching it may be the one that removed it
            for place in places:
                raw = gitrepo.blob(root, rev, place)
                if raw is not None:
                    return gitrepo.output(["rev-parse", rev], root, "lifecycle-git-failed").strip(), place, raw
    return None


def whereabouts(root: Path, code: codes.Code) -> DossierError:
    """Why an item has no file where its code puts it, as the error `show` and `history` give: deleted
    (in trash/: `restore`), gone from the work tree at a commit (purged, or removed by hand:
    `restore --from-history`), or never in this archive."""
    trashed = TRASH + code.path
    if (root / trashed).is_file():
        return DossierError("item-deleted-where", code=str(code), path=trashed)
    log = gitrepo.run(["log", "-1", "--format=%H %as", "--no-renames", "--", code.path, trashed], root, check=False)
    found = log.stdout.split() if log.returncode == 0 else []
    if len(found) == 2:
        return DossierError("item-gone", code=str(code), commit=found[0][:10], date=found[1])
    return DossierError("item-not-found", code=str(code))


def find(root: Path, text: str) -> Entry:
    """The item of the code `text` as it stands, else the error that says where it went."""
    code = codes.parse(text)
    if code is None:
        raise DossierError("code-invalid", code=text)
    path = root / code.path
    if not path.is_file():
        raise whereabouts(root, code)
    return Entry(code, load_file(path, code.path))
