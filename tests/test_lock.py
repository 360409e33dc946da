"""requirements.lock (what set-up installs) agrees with pyproject.toml (what the package asks for)."""

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


def locked_versions() -> dict[str, str]:
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    pins = re.findall(r"^([A-Za-z0-9._-]+)==([^\s\\;]+)", text, re.MULTILINE)
    return {canonicalize_name(name): version for name, version in pins}


def declared_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = [req for group in project["optional-dependencies"].values() for req in group]
    return [Requirement(text) for text in project["dependencies"] + extras]


def test_every_declared_dependency_is_locked_within_its_range():
    locked = locked_versions()
    for requirement in declared_requirements():
        version = locked.get(canonicalize_name(requirement.name))
        assert version is not None, f"{requirement.name} is not in requirements.lock: run scripts/lock.sh"
        assert requirement.specifier.contains(version, prereleases=True), (
            f"requirements.lock pins {requirement.name}=={version}, outside {requirement}: run scripts/lock.sh"
        )


def test_every_declared_dependency_has_an_upper_bound():
    """A new major release must not reach CI before a person has tried it."""
    for requirement in declared_requirements():
        assert any(spec.operator in ("<", "<=", "==", "~=") for spec in requirement.specifier), requirement


def test_every_locked_package_carries_hashes():
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        if "==" in block.splitlines()[0]:
            assert "--hash=sha256:" in block, block.splitlines()[0]


def test_the_installed_versions_are_the_locked_ones():
    from importlib.metadata import PackageNotFoundError, version

    locked = locked_versions()
    for requirement in declared_requirements():
        name = canonicalize_name(requirement.name)
        try:
            installed = version(requirement.name)
        except PackageNotFoundError:  # pragma: no cover - set-up installs every one
            raise AssertionError(f"{requirement.name} is not installed: run bash scripts/setup.sh") from None
        assert installed == locked[name], f"{requirement.name} {installed} installed, {locked[name]} locked"
