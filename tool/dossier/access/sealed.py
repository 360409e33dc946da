"""Confidential values 保密字段 in the modification record and the review of a branch.

A version of a card or an item, loaded from git, holds its confidential values as age
ciphertexts. Before two versions are compared, each ciphertext becomes a `Sealed` value: its
fingerprint (so a change is seen without the armor) and, for a reader whose key decrypts it,
its value. For a public review (a pull request on the forge), `withhold` goes further: every
value at a confidential place becomes a Sealed without value, ciphertext or clear text alike.

A ciphertext is decrypted bound to the place it stands at (crypto.place): the owner (item code
or customer id, from the path) and the field, list positions as "*". One copied elsewhere is
refused, and stays a Sealed without value.
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass
from typing import Any

from . import crypto


class _Hidden:
    """The value of a Sealed that was not decrypted (no key, not a recipient, bound elsewhere)."""

    def __repr__(self) -> str:
        return "HIDDEN"


HIDDEN: Any = _Hidden()


@dataclass(frozen=True)
class Sealed:
    """A confidential value as a reader sees it: `value` when decrypted, else HIDDEN.
    `fingerprint` names the ciphertext ("" for a value withheld from a public review)."""

    fingerprint: str
    value: Any = HIDDEN

    @property
    def opened(self) -> bool:
        return self.value is not HIDDEN

    def shown(self, show) -> str:
        """The value through `show` (the record's way of writing values), or the placeholder."""
        if self.opened:
            return show(self.value)
        return f"{crypto.PLACEHOLDER} #{self.fingerprint}" if self.fingerprint else crypto.PLACEHOLDER

    def to_json(self) -> dict:
        row: dict = {"encrypted": self.fingerprint or True}
        if self.opened:
            row["value"] = self.value
        return row


def hidden_in(fields) -> int:
    """How many values of these changed fields (history.FieldChange) stayed encrypted."""
    return sum(isinstance(value, Sealed) and not value.opened for f in fields for value in (f.old, f.new))


def fingerprint(armor: str) -> str:
    return hashlib.sha256(armor.encode("utf-8")).hexdigest()[:8]


def reveal(data: Any, owner: str, identity: crypto.Identity | None) -> Any:
    """`data` with every ciphertext, wherever it stands, replaced by a Sealed: with its value
    where `identity` decrypts it bound to that place of `owner`. `data` itself is left as it is."""
    keys = identity.keys if identity else []
    found = list(_sealed_paths(data))
    if not found:
        return data
    data = copy.deepcopy(data)
    for path, pattern, armor in found:
        try:
            value = crypto.unseal(armor, crypto.place(owner, pattern), keys)
        except crypto.UnsealError:
            value = HIDDEN
        crypto.set_value(data, path, Sealed(fingerprint(armor), value))
    return data


def withhold(data: Any, patterns: tuple[tuple, ...]) -> Any:
    """`data` fit for a public page: every ciphertext, and every value at a confidential place
    (`patterns`, as the schemas mark them), in clear or not, becomes a Sealed without value."""
    clear = [path for _, path, value in crypto.values_at(data, patterns) if not isinstance(value, Sealed)]
    found = list(_sealed_paths(data))
    if not clear and not found:
        return data
    data = copy.deepcopy(data)
    for path, _, armor in found:
        crypto.set_value(data, path, Sealed(fingerprint(armor)))
    for path in clear:
        if not isinstance(_at(data, path), Sealed):
            crypto.set_value(data, path, Sealed(""))
    return data


def _sealed_paths(data: Any):
    """(path, pattern, armor) of every ciphertext in `data`: the pattern is the path with list
    positions as "*", what crypto.place binds. Iterative, so no input exhausts the stack."""
    stack: list[tuple[tuple, tuple, Any]] = [((), (), data)]
    while stack:
        path, pattern, node = stack.pop()
        if isinstance(node, dict):
            stack.extend((path + (key,), pattern + (key,), value) for key, value in node.items())
        elif isinstance(node, list):
            stack.extend((path + (index,), pattern + ("*",), value) for index, value in enumerate(node))
        elif crypto.is_sealed(node):
            yield path, pattern, node


def _at(data: Any, path: tuple) -> Any:
    for step in path:
        data = data[step]
    return data
