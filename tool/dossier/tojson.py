"""Archive files as JSON, exactly as dossier reads them, for standard tools that read only JSON.

    python -m dossier.tojson OUT FILE...

writes OUT/FILE.json for each YAML file (a relative FILE keeps its folders under OUT). ajv-cli
reads YAML with js-yaml, which turns an unquoted date (2025-03-14) into a Date object that the
schemas' `"type": "string"` refuses; dossier's strict loader (loader.py) keeps every scalar the
text the schemas describe, and refuses what dossier refuses (duplicate keys, tags, tabs). So
ajv sees the values dossier and check-jsonschema see (README, "The schemas in other tools").
A file that does not load is reported as `file:line:column: yaml: …` (English, then Chinese),
and the command ends with status 1 after converting the others.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .archive.errors import ProblemError
from .archive.fsutil import atomic_write_text
from .archive.loader import load_file


def to_json(source: Path, target: Path) -> None:
    """Write the data of YAML file `source` as JSON to `target`; raises LoadError."""
    data = load_file(source, source.as_posix()).data
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(target, json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def target_of(out: Path, source: Path) -> Path:
    """OUT/records/1/2025/x.yaml.json for records/1/2025/x.yaml; an absolute or ../ path keeps
    only its name, so nothing is written outside OUT."""
    parts = [part for part in source.parts if part not in ("..", ".", source.anchor)]
    relative = Path(*parts) if parts and not source.is_absolute() and ".." not in source.parts else Path(source.name)
    return out / relative.with_name(relative.name + ".json")


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    out, failed = Path(argv[0]), 0
    for name in argv[1:]:
        try:
            to_json(Path(name), target_of(out, Path(name)))
        except ProblemError as exc:
            failed += 1
            print(exc.render("en"), exc.render("zh"), sep="\n", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
