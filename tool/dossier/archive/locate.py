"""Where the archive is: --archive PATH, else $DOSSIER_ARCHIVE, else the nearest folder
upwards holding archive.yaml, else ./archive.

With os.path only; config.find_root is the same answer as a Path.
"""

from __future__ import annotations

import os

ARCHIVE_FILE = "archive.yaml"
SCHEMA_SUFFIX = ".schema.json"  # the archive's schemas, under schemas/


def locate(explicit: str | None = None, cwd: str | None = None) -> tuple[str | None, str]:
    """(the archive root, resolved, or None if there is none; the place looked at, for a message)."""
    chosen = explicit or os.environ.get("DOSSIER_ARCHIVE")
    if chosen:
        found = os.path.isfile(os.path.join(chosen, ARCHIVE_FILE))
        return (os.path.realpath(chosen) if found else None), chosen
    try:
        here = os.path.realpath(cwd or os.getcwd())
    except FileNotFoundError:  # the working folder was removed under the shell
        return None, "."
    folder = here
    while True:
        if os.path.isfile(os.path.join(folder, ARCHIVE_FILE)):
            return folder, here
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    fallback = os.path.join(here, "archive")
    return (fallback if os.path.isfile(os.path.join(fallback, ARCHIVE_FILE)) else None), here


LANGUAGES = ("zh", "en")


def declared_language(root: str) -> str | None:
    """archive.yaml's top-level `language:` (zh or en), read from its one line so that every command
    knows its language before it loads anything; None when it says nothing (or nothing valid:
    validate reports that against the schema)."""
    try:
        with open(os.path.join(root, ARCHIVE_FILE), encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("language:"):
                    value = line[len("language:"):].split("#", 1)[0].strip().strip("'\"")
                    return value if value in LANGUAGES else None
    except (OSError, UnicodeDecodeError):
        return None
    return None
