"""Electronic codes 电子编码: <category>-<year>-<section>-<serial>, e.g. 3-2025-S02-0017.

The section in the code lets each manager allocate numbers on their own branch
without colliding with another's; the file path follows the code.
"""

from __future__ import annotations

import re
from typing import NamedTuple

CODE_RE = re.compile(r"^([1-6]|D)-(\d{4})-(S\d{2})-(\d{4})$")


class Code(NamedTuple):
    category: str
    year: int
    section: str
    serial: int

    def __str__(self) -> str:
        return f"{self.category}-{self.year}-{self.section}-{self.serial:04d}"

    @property
    def path(self) -> str:
        """Where the item's file lives, relative to the archive root."""
        if self.category == "D":
            return f"daily/{self.year}/{self}.yaml"
        return f"records/{self.category}/{self.year}/{self}.yaml"

    @property
    def sort_key(self) -> tuple:
        """Catalogue order: category 1–6 then daily, year, section, serial."""
        return ("7" if self.category == "D" else self.category, self.year, self.section, self.serial)


def parse(text: object) -> Code | None:
    match = CODE_RE.match(text) if isinstance(text, str) else None
    if not match:
        return None
    category, year, section, serial = match.groups()
    return Code(category, int(year), section, int(serial))
