"""The console script `dossier` (and `python -m dossier`): the command line loaded while the
cyclic garbage collector waits, then run.

Loading the command line makes tens of thousands of objects that live until the process ends,
and collecting among them as they come costs 10–15 ms of a 70 ms start. Once loaded they are
frozen (no collection walks them again) and the collector runs as usual for the command itself.
"""

from __future__ import annotations

import gc


def run() -> None:
    gc.disable()
    from .main import run as run_command_line

    gc.freeze()
    gc.enable()
    run_command_line()
