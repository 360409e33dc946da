"""`dossier init PATH`: a new archive repository with the defaults, hooks and forge files."""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

from ..git import gitrepo
from . import hooks
from ..archive.config import ARCHIVE_FILE
from ..archive.errors import DossierError
from ..archive.fsutil import atomic_write_text

DEFAULTS = Path(__file__).resolve().parents[1] / "defaults"  # the package's own data
FOLDERS = ("customers", "records", "daily", "trash", "volumes")
DEFAULT_TOOL = "customer-dossier"  # the package's name, for a department that publishes it to its index


def codeowners(people_yaml: str) -> str:
    """The forge's required reviewers, as the change-control policy (policy.py) has them: the
    sales manager (and the general manager, who approves her own changes) for records, cards,
    trash and volumes; the general manager for people, grants, settings, schemas, mappings and
    the files that decide the checks."""
    from ..archive.config import people_by_id
    from ..archive.loader import load_bytes

    people = people_by_id(load_bytes(people_yaml.encode(), "people.yaml").data)

    def emails(role: str, fallback: str) -> list[str]:
        return [p.email for p in people.values() if role in p.roles] or [fallback]

    general = emails("general_manager", "@general-manager")
    sales = " ".join(emails("sales_manager", "@sales-manager") + general)
    lines = ["# 修改和删除须经销售部经理批准；人员、授权、配置和模式须经总经理批准",
             "# the sales manager approves records and cards, the general manager the rest (dossier policy)"]
    lines += [f"/{folder}/ {sales}" for folder in ("records", "customers", "daily", "trash", "volumes")]
    lines += [f"/{name} {' '.join(general)}" for name in ("people.yaml", "access.yaml", "archive.yaml", "schemas/",
                                                         "mappings/", ".github/")]
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
