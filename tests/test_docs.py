"""README stays in step with the command line: every command and option is documented."""

from __future__ import annotations

import re

import pytest

from conftest import REPO
from dossier.cli import cli

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_readme_starts_with_the_two_commands():
    block = README.split("```sh", 1)[1].split("```", 1)[0]
    assert "bash scripts/setup.sh" in block and "bash scripts/test.sh" in block
    assert (REPO / ".ci/run").read_text().strip().endswith("exec bash scripts/test.sh")


@pytest.mark.parametrize("name", sorted(name for name, command in cli.commands.items() if not command.hidden))
def test_every_command_has_a_readme_section_naming_its_options(name):
    match = re.search(rf"^### `dossier {name}`\n(.*?)(?=^##)", README, re.S | re.M)
    assert match, f"README has no section for dossier {name}"
    for param in cli.commands[name].params:
        for option in getattr(param, "opts", []):
            if option.startswith("--"):
                assert option in match.group(1), f"dossier {name} {option} is not in README"
