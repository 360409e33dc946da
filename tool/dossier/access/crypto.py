"""Confidential values encrypted at rest with age (the format sops uses), through pyrage.

A confidential value (a field the schemas mark `x-confidential: true`) is stored in the YAML
as an armored age ciphertext in place of the value; the rest of the file stays plain YAML.
The plaintext inside is JSON that binds the value to its place, {"at": "<code or customer
id>:<field>", "v": <value>}, so a ciphertext copied to another field or item is refused when
it is decrypted. The code or customer id, not the file path, names the place: it stays the
same when an item moves to trash/ and back.

Recipients are the people who may read the item (access.py), each through the SSH ed25519
public key people.yaml gives as their `encryption_key`. age's ssh-ed25519 stanza carries a
tag (the first 4 bytes of SHA-256 of the key's SSH wire encoding), so the recipients of a
value can be checked without decrypting it; anonymous X25519 recipients could not be.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from ..archive.errors import UsageError

ARMOR_BEGIN = "-----BEGIN AGE ENCRYPTED FILE-----"
ARMOR_END = "-----END AGE ENCRYPTED FILE-----"
AGE_VERSION_LINE = b"age-encryption.org/v1"
NONCE, TAG, CHUNK = 16, 16, 64 * 1024  # age's payload: a nonce, then chunks of plaintext each with a tag
SSH_STANZA = "ssh-ed25519"
PLACEHOLDER = "已加密 / encrypted"  # what a reader without a usable key sees instead of a value
IDENTITY_ENV = "DOSSIER_IDENTITY"
DEFAULT_IDENTITY = "~/.ssh/id_ed25519"


def is_sealed(value: object) -> bool:
    """Whether a stored value is an encrypted one (well formed or not)."""
    return isinstance(value, str) and value.startswith(ARMOR_BEGIN)


# --- where the confidential values of a document are -----------------------------------------


def values_at(data: object, patterns: tuple[tuple, ...]) -> Iterator[tuple[tuple, tuple, Any]]:
    """(pattern, path, value) of every value present at `patterns` ("*": each item of a list)."""
    for pattern in patterns:
        yield from _walk(data, pattern, pattern, ())


def _walk(node: object, pattern: tuple, rest: tuple, path: tuple) -> Iterator[tuple[tuple, tuple, Any]]:
    if not rest:
        if node is not None:
            yield pattern, path, node
        return
    step, rest = rest[0], rest[1:]
    if step == "*":
        for index, inner in enumerate(node if isinstance(node, list) else []):
            yield from _walk(inner, pattern, rest, path + (index,))
    elif isinstance(node, dict) and step in node:
        yield from _walk(node[step], pattern, rest, path + (step,))


def place(owner: str, pattern: tuple) -> str:
    """What a value is bound to: 'C0001:credit_limit', '1-2025-S02-0003:content.signatories.*.phone'.
    List positions are left out, so removing a contact does not unbind the others."""
    return f"{owner}:{'.'.join(map(str, pattern))}"


# --- recipients, without decrypting ------------------------------------------------------------


class ArmorError(ValueError):
    """An armored value that is not a well-formed age file; the message says what is wrong."""


def key_tag(public_key: str) -> str:
    """The tag age writes in an ssh-ed25519 stanza for this public key ('ssh-ed25519 AAAA… comment')."""
    parts = public_key.split()
    blob = base64.b64decode(parts[1]) if len(parts) >= 2 else b""
    return base64.b64encode(hashlib.sha256(blob).digest()[:4]).decode().rstrip("=")


def recipient_tags(armored: str) -> tuple[str, ...]:
    """The tags of the ssh-ed25519 recipients of an armored value; a recipient of another kind
    appears as '<kind>' (it cannot be told apart). Raises ArmorError when malformed."""
    header = _header(_dearmor(armored))
    tags = []
    for line in header.split(b"\n")[1:]:
        if line.startswith(b"---"):
            break
        if not line.startswith(b"-> "):
            continue  # a stanza's body
        args = line[3:].decode("ascii", "replace").split(" ")
        if args[0] == SSH_STANZA and len(args) == 3:
            tags.append(args[1])
        elif not args[0].endswith("-grease"):  # age adds a random "grease" stanza to keep parsers honest
            tags.append(f"<{args[0]}>")
    return tuple(tags)


def plaintext_size(armored: str) -> int:
    """How many bytes an armored value decrypts to, told by its length alone (age's payload is a
    16-byte nonce, then the plaintext in 64 KiB chunks each followed by a 16-byte tag): what
    validate, which decrypts nothing, can know of a value's binding. Raises ArmorError."""
    binary = _dearmor(armored)
    mac_end = binary.find(b"\n", len(_header(binary)))
    body = len(binary) - (mac_end + 1) - NONCE if mac_end >= 0 else -1
    if body < TAG:
        raise ArmorError("the encrypted payload is cut short")
    chunks = -(-body // (CHUNK + TAG))
    return body - chunks * TAG


def _dearmor(armored: str) -> bytes:
    lines = armored.strip().splitlines()
    if len(lines) < 3 or lines[0].strip() != ARMOR_BEGIN or lines[-1].strip() != ARMOR_END:
        raise ArmorError(f"the text must run from {ARMOR_BEGIN} to {ARMOR_END}")
    try:
        return base64.b64decode("".join(line.strip() for line in lines[1:-1]), validate=True)
    except (binascii.Error, ValueError):
        raise ArmorError("the lines between the armor's markers are not Base64") from None


def _header(binary: bytes) -> bytes:
    if not binary.startswith(AGE_VERSION_LINE + b"\n"):
        raise ArmorError("not an age file (no age-encryption.org/v1 header)")
    end = binary.find(b"\n--- ")
    if end < 0:
        raise ArmorError("the age header has no MAC line")
    return binary[:end + 1]


# --- encrypting and decrypting ----------------------------------------------------------------


class UnsealError(Exception):
    """A value that could not be decrypted: reason 'no-key', 'moved' (bound to another place;
    `found` says which), 'unbound' (it decrypts, but to a bare value: encrypted by the age
    command or another tool, without the binding to its place) or 'corrupt'."""

    def __init__(self, reason: str, found: str = "") -> None:
        super().__init__(reason)
        self.reason, self.found = reason, found


def ssh_recipient(public_key: str):
    import pyrage

    return pyrage.ssh.Recipient.from_str(public_key.strip())


def seal(value: object, at: str, public_keys: list[str]) -> str:
    """The armored ciphertext of `value` bound to `at`, for these SSH public keys (ends with a newline)."""
    import pyrage

    plaintext = _bound(at, value)
    armored = pyrage.encrypt(plaintext, [ssh_recipient(key) for key in public_keys], armored=True).decode()
    return armored if armored.endswith("\n") else armored + "\n"


def _bound(at: str, value: object) -> bytes:
    """The plaintext of a value bound to its place."""
    return json.dumps({"at": at, "v": value}, ensure_ascii=False, sort_keys=True).encode()


def can_be_bound(size: int, at: str) -> bool:
    """Whether a plaintext of `size` bytes can hold a value bound to `at` (the shortest value, a
    digit, included): a shorter one was encrypted without dossier, or for a place of shorter name."""
    return size >= len(_bound(at, 0))


def unseal(armored: str, at: str, identities: list) -> object:
    """The value of an armored ciphertext that must be bound to `at`; raises UnsealError."""
    import pyrage

    if not identities:
        raise UnsealError("no-key")
    try:
        plaintext = pyrage.decrypt(armored.encode(), identities)
    except pyrage.DecryptError as exc:
        raise UnsealError("no-key" if "no matching keys" in str(exc).lower() else "corrupt") from None
    try:
        bound = json.loads(plaintext)
        found, value = bound["at"], bound["v"]
    except (ValueError, TypeError, KeyError):
        raise UnsealError("unbound") from None  # age authenticated it: whole, but not ours
    if found != at:
        raise UnsealError("moved", str(found))
    return value


# --- the reader's identity -----------------------------------------------------------------------


@dataclass
class Identity:
    """The reader's private key, if one could be used; else `problem` says why (a message key)."""

    keys: list  # pyrage.ssh.Identity (empty without a usable key)
    file: str
    problem: str | None = None
    public_key: str | None = None  # "ssh-ed25519 AAAA…", read from the private key file itself

    def seal_for_self(self, data: bytes) -> bytes:
        """`data` encrypted to this reader alone (age, binary): for what the tool keeps on disk
        after decrypting, such as the render cache."""
        import pyrage

        return pyrage.encrypt(data, [ssh_recipient(self.public_key or "")])

    def open_own(self, data: bytes) -> bytes:
        """The inverse of `seal_for_self`; pyrage.DecryptError if this reader cannot."""
        import pyrage

        return pyrage.decrypt(data, self.keys)


def public_key_of(private_key: bytes) -> str | None:
    """The public key an unencrypted or encrypted OpenSSH private key file carries in clear
    (format openssh-key-v1: magic, cipher, kdf, kdf options, key count, then the public keys)."""
    text = private_key.decode("ascii", "replace")
    body = text.partition("-----BEGIN OPENSSH PRIVATE KEY-----")[2].partition("-----END")[0]
    try:
        blob = base64.b64decode("".join(body.split()), validate=True)
    except (binascii.Error, ValueError):
        return None
    magic = b"openssh-key-v1\0"
    if not blob.startswith(magic):
        return None
    at = len(magic)
    for _ in range(3):  # cipher name, kdf name, kdf options
        at += 4 + int.from_bytes(blob[at:at + 4], "big")
    at += 4  # the number of keys
    length = int.from_bytes(blob[at:at + 4], "big")
    public = blob[at + 4:at + 4 + length]
    if len(public) != length or not public.startswith(b"\0\0\0\x0bssh-ed25519"):
        return None
    return "ssh-ed25519 " + base64.b64encode(public).decode("ascii")


def load_identity(explicit: str | None = None) -> Identity:
    """--identity FILE, else $DOSSIER_IDENTITY, else ~/.ssh/id_ed25519 (an unencrypted OpenSSH key).

    A file named explicitly (option or variable) must be usable; the default may be absent."""
    chosen = explicit or os.environ.get(IDENTITY_ENV)
    path = Path(os.path.expanduser(chosen or DEFAULT_IDENTITY))
    try:
        raw = path.read_bytes()
    except OSError:
        if chosen:
            raise UsageError("identity-file-unreadable", file=str(path)) from None
        return Identity([], str(path), "identity-none")
    import pyrage

    try:
        return Identity([pyrage.ssh.Identity.from_buffer(raw)], str(path), public_key=public_key_of(raw))
    except pyrage.IdentityError as exc:
        key = "identity-passphrase" if "decrypted" in str(exc) else "identity-invalid"
        if chosen:
            raise UsageError(key, file=str(path)) from None
        return Identity([], str(path), key)


# --- values as a reader sees them ----------------------------------------------------------------


@dataclass
class Opened:
    """A document's data with its confidential values decrypted where the identity allows."""

    data: Any
    hidden: int = 0  # values left as PLACEHOLDER: no key, or not a recipient
    refused: list[tuple[tuple, UnsealError]] | None = None  # values bound elsewhere, or damaged


def opened(data: Any, owner: str, patterns: tuple[tuple, ...], identity: Identity | None) -> Opened:
    """A copy of `data` in which every encrypted value is replaced by its value, or by
    PLACEHOLDER when it cannot be decrypted. The one way read commands get confidential values."""
    import copy

    sealed = [(pattern, path, value) for pattern, path, value in values_at(data, patterns) if is_sealed(value)]
    if not sealed:
        return Opened(data)
    result = Opened(copy.deepcopy(data), refused=[])
    keys = identity.keys if identity else []
    for pattern, path, value in sealed:
        try:
            clear = unseal(value, place(owner, pattern), keys)
        except UnsealError as exc:
            clear = PLACEHOLDER
            result.hidden += 1
            if exc.reason != "no-key":
                result.refused.append((path, exc))
        set_value(result.data, path, clear)
    return result


def set_value(data: Any, path: tuple, value: object) -> None:
    for step in path[:-1]:
        data = data[step]
    data[path[-1]] = value


def owner_of(data: object) -> str:
    """The code of an item, or the id of a customer card: what its values are bound to."""
    if not isinstance(data, dict):
        return ""
    return str(data.get("code") or data.get("id") or "")


def readable(data: Any, schemas, identity: Identity | None) -> Opened:
    """A card's or an item's data as its reader may see it (see `opened`)."""
    kind = str(data.get("type")) if isinstance(data, dict) and "code" in data else "customer"
    patterns = schemas.confidential(kind)
    if not patterns:  # a kind without confidential values (most items): as it is
        return Opened(data)
    return opened(data, owner_of(data), patterns, identity)


class Revealer:
    """`readable` over many cards and items (export, reports), counting what stayed hidden."""

    def __init__(self, schemas, identity: Identity | None) -> None:
        self.schemas, self.identity = schemas, identity
        self.seen = Opened(None, 0, [])

    def __call__(self, data: Any) -> Any:
        opened_ = readable(data, self.schemas, self.identity)
        self.seen.hidden += opened_.hidden
        self.seen.refused += opened_.refused or []
        return opened_.data
