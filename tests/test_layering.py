"""The package's folders import one way (docs/architecture.md): cli → the parts → archive.

Every import of every module is read with ast (those inside functions too) and its folder checked
against ALLOWED, a short list of the folders each folder may import; the graph of the folders that
do import each other has no cycle. A new folder has to be placed in ALLOWED before it can import.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "tool" / "dossier"
BELOW_RECORD = {"regulation", "access", "git", "archive"}
# folder (or entry-point module at the package's root) → the folders it may import besides itself;
# the package's own __init__ (code_fingerprint) may be imported by every module
ALLOWED: dict[str, set[str]] = {
    "archive": set(),
    "git": {"archive"},
    "access": {"git", "archive"},
    "regulation": {"access", "git", "archive"},
    "record": BELOW_RECORD,
    "search": {"record", *BELOW_RECORD},
    "sheets": {"record", *BELOW_RECORD},
    "paper": {"sheets", "record", *BELOW_RECORD},
    "reports": {"paper", "sheets", "record", "search", "access", "git", "archive"},  # search: the index's facts
    "handover": {"reports", "paper", "sheets", "record", *BELOW_RECORD},
    "cli": {"handover", "reports", "paper", "sheets", "search", "record", *BELOW_RECORD},
    "__main__": {"cli"},  # python -m dossier
    "tojson": {"archive"},  # python -m dossier.tojson
}


def imports(package: Path) -> list[tuple[str, int, str]]:
    """(module's path in the package, line, imported module's dotted name) of every import of the package."""
    found = []
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package)
        here = ["dossier", *rel.parent.parts]  # the module's package, for relative imports
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = here[:len(here) - node.level + 1] if node.level else []
                target = ".".join(base + ([node.module] if node.module else []))
                found += [(rel.as_posix(), node.lineno, f"{target}.{alias.name}") for alias in node.names]
            elif isinstance(node, ast.Import):
                found += [(rel.as_posix(), node.lineno, alias.name) for alias in node.names]
    return [(rel, line, target) for rel, line, target in found if target.split(".")[0] == "dossier"]


def folder(rel: str) -> str:
    """A module's folder: its first directory, or the module's own name at the package's root."""
    first = rel.split("/")[0]
    return first.removesuffix(".py")


def target_folder(target: str) -> str | None:
    """The folder of an imported name (dossier.archive.codes → archive); None for the package itself."""
    parts = target.split(".")
    return parts[1] if len(parts) > 2 else None


def violations(package: Path, allowed: dict[str, set[str]] = ALLOWED) -> list[str]:
    found = []
    for rel, line, target in imports(package):
        source, to = folder(rel), target_folder(target)
        if to is not None and to != source and source not in allowed:
            found.append(f"{rel}:{line} imports {target}: {rel} is in no folder; put it in the folder of its "
                         "part (docs/architecture.md)")
        elif to is not None and to != source and to not in allowed[source]:
            found.append(f"{rel}:{line} imports {target}: {source} may not import {to}")
    return found


def folder_graph(package: Path) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for rel, _, target in imports(package):
        source, to = folder(rel), target_folder(target)
        if to is not None and to != source:
            graph.setdefault(source, set()).add(to)
    return graph


def cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of the graph as the list of its folders (first repeated at the end), or None."""
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> list[str] | None:
        if node in path:
            return path[path.index(node):] + [node]
        if node in done:
            return None
        for successor in sorted(graph.get(node, ())):
            found = visit(successor, path + [node])
            if found:
                return found
        done.add(node)
        return None

    return next((found for node in sorted(graph) if (found := visit(node, []))), None)


def test_every_import_follows_the_layering():
    assert violations(PACKAGE) == []


def test_no_cycle_between_folders():
    assert cycle(folder_graph(PACKAGE)) is None
    assert cycle(ALLOWED) is None  # the rule itself runs one way


def test_every_folder_is_placed_and_says_what_it_may_import():
    folders = {path.parent.name for path in PACKAGE.glob("*/__init__.py")}
    assert folders == {name for name in ALLOWED if (PACKAGE / name).is_dir()}
    for name in folders - {"cli"}:  # cli imports every part
        docstring = ast.get_docstring(ast.parse((PACKAGE / name / "__init__.py").read_text(encoding="utf-8")))
        assert docstring and "import" in docstring, name
        assert all(f"{other}/" in docstring for other in ALLOWED[name]), (name, ALLOWED[name])


def test_the_check_fails_on_an_import_that_breaks_the_layering(tmp_path):
    package = tmp_path / "dossier"
    shutil.copytree(PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    with (package / "archive" / "codes.py").open("a", encoding="utf-8") as codes:
        codes.write("\n\ndef later():\n    from ..cli.reporter import render_table  # the core reaching up\n")
    with (package / "git" / "gitrepo.py").open("a", encoding="utf-8") as gitrepo:
        gitrepo.write("\nfrom ..record import policy\n")
    (package / "stray.py").write_text("from .archive import codes\n", encoding="utf-8")
    found = violations(package)
    assert len(found) == 3 and found[2] == ("stray.py:1 imports dossier.archive.codes: stray.py is in no folder; "
                                            "put it in the folder of its part (docs/architecture.md)")
    assert found[0].startswith("archive/codes.py:") and "archive may not import cli" in found[0]
    assert "imports dossier.record.policy: git may not import record" in found[1]
    assert cycle(folder_graph(package)) == ["cli", "access", "archive", "cli"]  # the first of two cycles found


def test_a_cycle_is_found_however_long():
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None
