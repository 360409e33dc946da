"""README stays in step with the command line: every command and option is documented."""

from __future__ import annotations

import re

import click
import pytest

from conftest import REPO
from dossier.cli.main import cli

README = (REPO / "README.md").read_text(encoding="utf-8")
# Through the group, as `dossier --help` lists them: each area's module is imported on demand.
COMMANDS = {name: cli.get_command(click.Context(cli), name) for name in cli.list_commands(click.Context(cli))}


def test_readme_starts_with_the_two_commands():
    block = README.split("```sh", 1)[1].split("```", 1)[0]
    assert "bash scripts/setup.sh" in block and "bash scripts/test.sh" in block
    assert (REPO / ".ci/run").read_text().strip().endswith("exec bash scripts/test.sh")


def test_the_lazy_command_lists_name_what_the_modules_register():
    groups = [cli, COMMANDS["render"]]
    for group in groups:
        ctx = click.Context(group)
        assert None not in [group.get_command(ctx, name) for name in group.list_commands(ctx)]
    for group in groups:  # every area module is loaded now: each command it registered is listed
        elsewhere = {name for name, command in group.commands.items()
                     if command.callback.__module__ != "dossier.cli.main"}
        assert elsewhere == set(group.lazy)


@pytest.mark.parametrize("name", sorted(name for name, command in COMMANDS.items() if not command.hidden))
def test_every_command_has_a_readme_section_naming_its_options(name):
    match = re.search(rf"^### `dossier {name}`\n(.*?)(?=^##)", README, re.S | re.M)
    assert match, f"README has no section for dossier {name}"
    for param in COMMANDS[name].params:
        for option in getattr(param, "opts", []):
            if option.startswith("--"):
                assert option in match.group(1), f"dossier {name} {option} is not in README"


def test_every_document_the_readme_and_docs_link_is_in_the_repository():
    """A fresh clone holds everything its documentation links (no ../shared/, no file left behind)."""
    for page in [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]:
        text = page.read_text(encoding="utf-8")
        assert "../shared" not in text, f"{page.name} points outside the repository"
        for target in re.findall(r"\]\(([^)#\s]+)\)", text):
            if "://" in target or target.startswith("mailto:"):
                continue
            assert (page.parent / target).resolve().exists(), f"{page.relative_to(REPO)} links {target}, not in the repository"
            assert REPO in (page.parent / target).resolve().parents or (page.parent / target).resolve() == REPO
