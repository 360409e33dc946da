"""Writing files so that no command ever leaves a half-written one."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

# tempfile and hashlib are imported where they are used: together they take ~10 ms to import,
# which a command that reads (history, through the access check) would pay for nothing.


def _mode_for(path: Path) -> int:
    """Keep the mode of the file being replaced; a new file gets the usual 0666 less umask
    (mkstemp's private 0600 would hide it from colleagues)."""
    try:
        return os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        return _mode_for_new()


def _mode_for_new() -> int:
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def _written_aside(path: Path, data: bytes, mode: int | None = None) -> str:
    """A temporary file beside `path` holding `data`, flushed to disk, with `mode` or the mode
    `path` gets."""
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    mode = _mode_for(path) if mode is None else mode
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp


def atomic_write_bytes(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write to a temporary file beside `path`, flush it to disk, then rename over it (with
    `mode`, e.g. 0o600 for a file only its owner may read; by default as fsutil._mode_for says)."""
    tmp = _written_aside(path, data, mode)
    try:
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def create_new(path: Path, data: bytes) -> None:
    """Write a file that must not exist yet, whole or not at all: written aside, then linked to
    its name, which fails if a file of that name has appeared meanwhile (FileExistsError)."""
    tmp = _written_aside(path, data)
    try:
        os.link(tmp, path)
    finally:
        os.unlink(tmp)


ASIDE = ".dossier-new"  # the suffix of a batch's new bytes, written beside the file they replace
# A file or folder changed this close before it was looked at may change again within the same tick
# of the file system's clock (coarse: milliseconds on ext4, two seconds on FAT) without its time
# moving: it is not trusted to be unchanged (find's index, git's view of untracked files).
RACY_NS = 3_000_000_000


def aside(path: Path) -> Path:
    """Where a batch writes `path`'s new bytes before renaming them over it: a fixed name beside it
    (same file system, so the rename is atomic), which the next command finds if the batch is killed."""
    return path.with_name(f".{path.name}{ASIDE}")


def write_asides(files: Iterable[tuple[Path, bytes]]) -> None:
    """Each `data` in aside(path), not flushed: a batch flushes all its files at once
    (flush_file_systems). Created private (0600) and unshared (O_EXCL, no symlink followed), given
    `path`'s mode when whole. A batch writes thousands: a folder is made once, a leftover removed
    only when there is one."""
    made: set[Path] = set()
    new_mode = _mode_for_new()
    for path, data in files:
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        try:
            mode = os.stat(path).st_mode & 0o7777
        except FileNotFoundError:
            mode = new_mode
        fd = _create_private(aside(path))
        try:
            _write_all(fd, data)
            os.fchmod(fd, mode)
        finally:
            os.close(fd)


def _create_private(path: Path) -> int:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        return os.open(path, flags, 0o600)
    except FileExistsError:  # left by a killed batch (or a link someone put there): never written through
        path.unlink()
        return os.open(path, flags, 0o600)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def flush_file_systems(paths: list[Path]) -> None:
    """One flush of each file system holding `paths` (syncfs(2); sync(2) where there is none): every
    file a batch wrote, and its folder entry, is on disk at the cost of one flush, not one fsync each."""
    import ctypes

    syncfs = getattr(ctypes.CDLL(None, use_errno=True), "syncfs", None)
    if syncfs is None:
        os.sync()
        return
    devices = set()
    for path in paths:
        device = os.stat(path).st_dev
        if device in devices:
            continue
        devices.add(device)
        fd = os.open(path, os.O_RDONLY)
        try:
            if syncfs(fd) != 0:
                error = ctypes.get_errno()
                raise OSError(error, os.strerror(error), str(path))
        finally:
            os.close(fd)


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def file_sha256(path: Path) -> str:
    """The sha256 of a file, read in blocks (attachments may be large scans)."""
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
