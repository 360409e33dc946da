"""`dossier init PATH`: a new archive repository with the defaults, hooks and forge files."""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

from . import gitrepo, hooks
from .config import ARCHIVE_FILE
from .errors import DossierError
from .fsutil import atomic_write_text

DEFAULTS = Path(__file__).resolve().parent / "defaults"
FOLDERS = ("customers", "records", "daily", "trash", "volumes")
DEFAULT_TOOL = "customer-dossier"  # the package's name, for a department that publishes it to its index


def codeowners(people_yaml: str) -> str:
    """The sales manager is the required reviewer of records and customers (PR approval)."""
    from .config import people_by_id
    from .loader import load_bytes

    people = people_by_id(load_bytes(people_yaml.encode(), "people.yaml").data)
    owners = " ".join(p.email for p in people.values() if "sales_manager" in p.roles) or "@sales-manager"
    lines = ["# 修改和删除须经销售部经理批准 — the sales manager approves every change"]
    # and what decides the checks: the schemas, the configuration, this file and the CI workflow
    lines += [f"/{folder}/ {owners}" for folder in ("records", "customers", "daily", "trash", "volumes", "schemas",
                                                    ".github")]
    lines += [f"/{name} {owners}" for name in ("people.yaml", "access.yaml", "archive.yaml")]
    return "\n".join(lines) + "\n"


def init_archive(path: Path, tool: str = DEFAULT_TOOL) -> None:
    """A new archive at `path`; its CI workflow installs the tool with `pip install TOOL` (a
    requirement or URL pip understands, e.g. git+https://…/customer-dossier.git@v0.1.0)."""
    if (path / ARCHIVE_FILE).exists():
        raise DossierError("init-exists", path=str(path))
    path.mkdir(parents=True, exist_ok=True)
    shutil.copytree(DEFAULTS / "schemas", path / "schemas")
    shutil.copytree(DEFAULTS / "vscode", path / ".vscode")
    for name in ("archive.yaml", "people.yaml", "access.yaml"):
        shutil.copyfile(DEFAULTS / name, path / name)
    shutil.copyfile(DEFAULTS / "gitignore", path / ".gitignore")
    (path / ".github" / "workflows").mkdir(parents=True, exist_ok=True)
    shutil.copytree(DEFAULTS / "standard-tools", path / ".github" / "standard-tools",
                    ignore=shutil.ignore_patterns("node_modules"))
    workflow = (DEFAULTS / "workflow.yml").read_text("utf-8").replace("@TOOL@", shlex.quote(tool))
    atomic_write_text(path / ".github" / "workflows" / "dossier.yml", workflow)
    atomic_write_text(path / ".github" / "CODEOWNERS", codeowners((path / "people.yaml").read_text("utf-8")))
    for folder in FOLDERS:
        (path / folder).mkdir(exist_ok=True)
        (path / folder / ".gitkeep").touch()
    if not gitrepo.is_repository(path):
        gitrepo.run(["init", "-q", "-b", "main"], path)
    hooks.install_client_hooks(path)
