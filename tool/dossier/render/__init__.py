"""Paper volumes 纸质案卷 as PDF: items laid out by Jinja2 templates, WeasyPrint, pypdf.

Data flows one way: volumes.py plans a volume (which items, in which order, with which
archive numbers) → items.py renders each item with its attachments to its own PDF, cached
by content hash, on every core → volume.py renders the cover, contents and 备考表 and
assembles the volume, stamping page numbers → readback.py reads a volume PDF back for
`dossier check-paper`.

WeasyPrint takes about a second to import: only the commands that render import this
package's heavy modules (items, volume), and they import WeasyPrint inside functions.
"""

from __future__ import annotations

from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
VOLUME_TEMPLATES = TEMPLATES / "volume"
STYLESHEET = VOLUME_TEMPLATES / "volume.css"
# Part of every cache key: bump it when the way items are laid out changes outside the templates.
RENDER_VERSION = "1"
