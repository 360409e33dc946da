"""Paper volumes 纸质案卷 as PDF: items laid out by Jinja2 templates, WeasyPrint, pypdf.

Data flows one way: volumes.py plans a volume (which items, in which order, with which
archive numbers) → items.py renders each item with its attachments to its own PDF (worker.py,
on every core), cached by content hash (cache.py) → volume.py renders the cover, the pages of
the contents (contents.py) and the 备考表 the same way and assemble.py puts the volume
together, each font once (fonts.py, harfbuzz.py), page numbers stamped → readback.py reads a
volume PDF back for `dossier check-paper`.

WeasyPrint takes about a second to import: only the commands that render import this
package's heavy modules (items, volume), and they import WeasyPrint inside functions.
"""

from __future__ import annotations

from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
VOLUME_TEMPLATES = TEMPLATES / "volume"
STYLESHEET = VOLUME_TEMPLATES / "volume.css"
# Part of every cache key: bump it when the way items are laid out changes outside the templates.
RENDER_VERSION = "2"
