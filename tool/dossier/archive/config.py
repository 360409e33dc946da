"""Finding the archive and reading its configuration (archive.yaml, people.yaml).

档案配置：全宗、类别、保管期限、人员与直接领导。
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import UsageError
from .locate import ARCHIVE_FILE, locate

PEOPLE_FILE = "people.yaml"
ACCESS_FILE = "access.yaml"
DEFAULT_MAX_FILE_BYTES = 1_048_576
CATEGORIES = ("1", "2", "3", "4", "5", "6", "D")


def find_root(explicit: str | None = None, cwd: Path | None = None) -> Path:
    """--archive PATH, else $DOSSIER_ARCHIVE, else the nearest folder upwards holding
    archive.yaml, else ./archive."""
    found, looked_at = locate(explicit, None if cwd is None else str(cwd))
    if found is None:
        raise UsageError("archive-not-found", path=looked_at)
    return Path(found)


@dataclass(frozen=True)
class Person:
    """A member of staff from people.yaml 人员."""

    id: str
    name: str
    email: str
    roles: tuple[str, ...]
    section: str | None = None
    supervisor: str | None = None  # 直接领导
    encryption_key: str | None = None  # SSH ed25519 public key: confidential values are encrypted to it

    @property
    def is_customer_manager(self) -> bool:
        return "customer_manager" in self.roles


@dataclass(frozen=True)
class Settings:
    """archive.yaml: fonds, organisation, categories and limits."""

    data: dict = field(repr=False)

    @property
    def max_file_bytes(self) -> int:
        return int(self.data.get("max_file_bytes", DEFAULT_MAX_FILE_BYTES))

    @property
    def deletion_retention_days(self) -> int:
        return int(self.data.get("deletion_retention_days", 30))

    @property
    def requires_encryption(self) -> bool:
        """`confidential: encrypt`: a confidential value in clear is an error (else it is allowed)."""
        return self.data.get("confidential") == "encrypt"

    def category(self, category: object) -> dict:
        return self.data.get("categories", {}).get(str(category), {})

    def retention(self, category: object) -> str:
        return self.category(category).get("retention", "D30")


def people_by_id(data: dict) -> dict[str, Person]:
    """The people of people.yaml's data. An entry of the wrong shape is left out rather than
    trusted (validate reports it against the schema): no one gains a role by a typing slip."""
    listed = data.get("people") if isinstance(data, dict) else None
    people = {}
    for entry in listed if isinstance(listed, list) else []:
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            continue
        roles = entry.get("roles", ())
        people[entry["id"]] = Person(
            id=entry["id"],
            name=text_or_none(entry.get("name")) or entry["id"],
            email=text_or_none(entry.get("email")) or "",
            roles=tuple(role for role in roles if isinstance(role, str)) if isinstance(roles, list) else (),
            section=text_or_none(entry.get("section")),
            supervisor=text_or_none(entry.get("supervisor")),
            encryption_key=text_or_none(entry.get("encryption_key")),
        )
    return people


def text_or_none(value: object) -> str | None:
    """A text value as it is; anything else (a list, a number, a slip) as no value."""
    return value if isinstance(value, str) else None


@dataclass
class Archive:
    """An opened archive: its root, settings and people (configuration only)."""

    root: Path
    people: dict[str, Person]
    documents: dict  # file name → loader.Document of archive.yaml, people.yaml, access.yaml
    _settings: Settings | None = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        """archive.yaml's settings, checked against its schema the first time a command uses them:
        a malformed value stops the command at its position instead of being guessed at."""
        if self._settings is None:
            from .schemas import SchemaSet

            self.check_settings(SchemaSet(self.root / "schemas"))
        return self._settings

    def check_settings(self, schemas) -> Settings:
        """The settings, checked with `schemas` (a schemas.SchemaSet; validate passes its own)."""
        if self._settings is None:
            from .errors import ProblemError
            from .schema_errors import schema_problems

            doc = self.documents[ARCHIVE_FILE]
            problems = sorted(schema_problems(doc, schemas, "archive"))
            if problems:
                raise ProblemError(problems[0])
            self._settings = Settings(doc.data)
        return self._settings

    def person_by_email(self, email: str) -> Person | None:
        wanted = email.strip().lower()
        return next((p for p in self.people.values() if p.email.lower() == wanted), None)


def open_archive(root: Path) -> Archive:
    """Read archive.yaml, people.yaml and access.yaml (if any). A file that cannot be
    loaded raises LoadError; validate reports it with the rest of the problems."""
    from .loader import load_file

    documents = {}
    for name in (ARCHIVE_FILE, PEOPLE_FILE, ACCESS_FILE):
        path = root / name
        if name == ACCESS_FILE and not path.exists():
            continue
        documents[name] = load_file(path, name, DEFAULT_MAX_FILE_BYTES)
    return Archive(root, people_by_id(documents[PEOPLE_FILE].data), documents)
