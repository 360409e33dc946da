"""The CJK fonts a volume needs. Without one, WeasyPrint would print empty boxes (豆腐块)
where the Chinese text should be: refuse to render instead and say what to install."""

from __future__ import annotations

import subprocess

from ..errors import DossierError

PACKAGE = "fonts-noto-cjk"  # Debian / Ubuntu: Noto Sans CJK SC (黑体) and Noto Serif CJK SC (宋体)


def cjk_families() -> list[str]:
    """Font families fontconfig offers for Chinese (`fc-list :lang=zh family`)."""
    try:
        result = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return []  # no fontconfig at all: no font WeasyPrint could use either
    if result.returncode != 0:
        return []
    return sorted({name.strip() for line in result.stdout.splitlines() for name in line.split(",") if name.strip()})


def require_cjk_font() -> list[str]:
    families = cjk_families()
    if not families:
        raise DossierError("render-no-cjk-font", package=PACKAGE)
    return families
