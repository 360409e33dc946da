"""Commands of `dossier` registered on the group in cli.py (imported at its end)."""

from __future__ import annotations

import click  # noqa: F401

from .cli import cli  # noqa: F401
