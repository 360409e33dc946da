"""Where the tool writes what it makes 输出位置: --output names a FILE when its name ends with the
output's extension (客户.xlsx, 2025.pdf) and a folder otherwise; and outputs that hold decrypted
values (sheets, volumes, catalogues, reports, handover packages) are never written where git
would take them.

A decrypted contact phone in a sheet written into the archive's work tree is one `git add -A`
away from staying in the repository's history for good. So a destination is refused when it
lies inside the archive's work tree (the repository holding the archive, or the archive's
folder when it is not in git), or inside any other git work tree that does not ignore it.
Symbolic links are followed first, so a link pointing into the archive is no way round.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..git import gitrepo
from ..archive.errors import UsageError
from ..archive.loader import LoadError, load_bytes
from ..archive.problems import Problem


# What dossier's outputs (and other programs' exports) are saved as: the sample's and `dossier
# init`'s .gitignore ignore them and the pre-commit hook refuses them outside attachments.
OUTPUT_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".tsv", ".pdf", ".html", ".htm", ".docx",
                             ".doc", ".zip"})


@dataclass(frozen=True)
class Target:
    """Where one command's output goes: a folder, and the file name the user gave, if any."""

    folder: Path
    name: str | None = None

    def path(self, default_name: str) -> Path:
        return self.folder / (self.name or default_name)

    @property
    def suffix(self) -> str | None:
        """The format the file name asks for (xlsx, csv, pdf, html), or None for a folder."""
        return Path(self.name).suffix.lower().lstrip(".") if self.name else None


def target(given: str | Path, formats: tuple[str, ...]) -> Target:
    """--output as a file when its name ends with one of `formats` (as extensions), else as a
    folder (created when written into). A folder name that exists as a file is refused."""
    path = Path(given).expanduser()
    if path.suffix.lower().lstrip(".") in formats:
        if path.is_dir():
            raise UsageError("output-file-is-folder", path=str(given))
        return Target(path.parent, path.name)
    if path.exists() and not path.is_dir():
        raise UsageError("output-not-folder", path=str(given), formats=", ".join(f".{f}" for f in formats))
    return Target(path)


def chosen_format(target_: Target, given: str | None, default: str) -> str:
    """The format: --format if given (it must agree with a file name's extension), else the
    file name's extension, else the command's default."""
    if given and target_.suffix and given != target_.suffix:
        raise UsageError("output-format-mismatch", name=target_.name, format=given)
    return given or target_.suffix or default


def refuse_tracked(archive_root: Path, destination: Path) -> None:
    """Refuse to write decrypted values to `destination` (a file or a folder, existing or not)
    inside the archive's work tree, or where another git work tree would track it."""
    where = _resolved(destination)
    archive = archive_root.resolve()
    top = _work_tree(archive)
    for tree in (archive, top):
        if tree is not None and (where == tree or tree in where.parents):
            raise UsageError("output-in-archive", path=str(where), tree=str(tree))
    other = _work_tree(_existing(where))
    if other is not None and other != where and not _ignored(other, where):
        raise UsageError("output-tracked", path=str(where), tree=str(other))


def _resolved(path: Path) -> Path:
    """The real path, links followed, of a path that may not exist yet."""
    path = path.expanduser().absolute()
    existing = _existing(path)
    return existing.resolve() / path.relative_to(existing)


def _existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path if path.is_dir() else path.parent


def _work_tree(folder: Path) -> Path | None:
    said = gitrepo.run(["rev-parse", "--show-toplevel"], folder, check=False)
    return Path(said.stdout.strip()).resolve() if said.returncode == 0 and said.stdout.strip() else None


def _ignored(tree: Path, path: Path) -> bool:
    """Whether git ignores `path` in the work tree `tree` (a folder: everything written into it)."""
    rel = path.relative_to(tree).as_posix() + ("/" if path.is_dir() else "")
    return gitrepo.run(["check-ignore", "-q", "--", rel], tree, check=False).returncode == 0


# --- the pre-commit hook refuses outputs staged in the archive ---------------------------------

ATTACHMENT_FOLDERS = ("records", "daily", "trash")


def output_files(archive_root: Path, paths: list[str]) -> list[Problem]:
    """pre-commit: the sheets, PDFs, web pages and other outputs among the staged `paths`: they
    hold decrypted values and never belong in the archive, unless an item beside them names
    them as its attachment (a scanned contract)."""
    found = []
    attachments: dict[str, set[str]] = {}
    for rel in paths:
        if PurePosixPath(rel).suffix.lower() not in OUTPUT_SUFFIXES:
            continue
        folder, _, name = rel.rpartition("/")
        if folder.split("/")[0] in ATTACHMENT_FOLDERS:
            if folder not in attachments:
                attachments[folder] = _attachments_named(archive_root, folder)
            if name in attachments[folder]:
                continue
        found.append(Problem(rel, 0, 0, "output-file", "output-file", {"file": rel}))
    return found


def _attachments_named(archive_root: Path, folder: str) -> set[str]:
    """The attachment file names the staged items of `folder` give."""
    listed = gitrepo.run(["ls-files", "-z", "--", f"{folder}/"], archive_root, check=False).stdout.split("\0")
    named = set()
    for rel in listed:
        if rel.endswith(".yaml") and rel.count("/") == folder.count("/") + 1:
            try:
                data = load_bytes(gitrepo.blob(archive_root, "", rel) or b"", rel).data
            except LoadError:
                continue  # validate reports the item itself
            entries = data.get("attachments") if isinstance(data, dict) else None
            named |= {e["file"] for e in entries or [] if isinstance(e, dict) and isinstance(e.get("file"), str)}
    return named
