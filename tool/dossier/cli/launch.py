"""The console script `dossier` (and `python -m dossier`).

Loading the command line (click and the command modules) takes about 50 ms, and
`dossier history CODE` spends most of its time waiting for `git log` to walk the history.
So before loading it, a glance at the arguments: when they ask for one item's history,
that item's git walk starts at once and runs while Python loads the command line;
history.item_history takes it over if the parsed command asks for the same item of the same
archive, and it is stopped unused otherwise. The glance decides nothing: click parses the
arguments as always, and an argument list the glance does not recognise only means nothing
starts ahead.
"""

from __future__ import annotations

import gc
import re
import sys

from ..archive import codes
from ..git import gitwalk
from ..archive.locate import locate

# The group's options that take a value (tests/test_launch.py checks them against main.py).
GLOBAL_VALUE_OPTIONS = ("--archive", "--lang")
CARD_GLANCE = re.compile(r"C[0-9]{4}")  # the shipped schemas' customer id: a card's history starts ahead too


def history_request(args: list[str]) -> tuple[str | None, str] | None:
    """(the --archive given or None, the code or customer id) when `args` ask for one item's or
    card's history, else None."""
    archive, at = None, 0
    while at < len(args) and args[at].startswith("-"):
        name, equals, value = args[at].partition("=")
        if name not in GLOBAL_VALUE_OPTIONS:
            return None
        if not equals:
            at += 1
            if at == len(args):
                return None
            value = args[at]
        if name == "--archive":
            archive = value
        at += 1
    if args[at:at + 1] != ["history"]:
        return None
    # the first argument that is a code or customer id (an option's value, such as `json`, never is one)
    code = next((arg for arg in args[at + 1:] if codes.parse(arg) is not None or CARD_GLANCE.fullmatch(arg)), None)
    return None if code is None else (archive, code)


def run() -> None:
    # The cyclic collector waits while the command line loads: loading makes tens of thousands
    # of objects that live until the process ends, and collecting among them as they come
    # costs 10–15 ms of a 70 ms start. Once loaded they are frozen (no collection walks them
    # again) and the collector runs as usual for the command itself.
    gc.disable()
    request = history_request(sys.argv[1:])
    if request is not None:
        _start_history(*request)
    from .main import run as run_command_line

    gc.freeze()
    gc.enable()
    try:
        run_command_line()
    finally:
        if request is not None:
            gitwalk.stop_unused()


def _start_history(archive: str | None, code: str) -> None:
    root = locate(archive)[0]
    parsed = codes.parse(code)
    if root is not None:  # else the command line says what is wrong
        gitwalk.start_item_walk(root, parsed.path if parsed else f"customers/{code}.yaml")
