"""yamlio.dump writes the shapes of cards and items itself, and the rest through PyYAML: the text
must be the same either way, for every text, number and nesting it meets."""

import random
from pathlib import Path

from dossier.archive import yamlio
from dossier.archive.loader import load_bytes, load_file

FIXTURES = Path(__file__).resolve().parent / "fixtures"
# Characters that change how libyaml writes a text: indicators, quotes, spaces (ASCII, no-break,
# ideographic), breaks (U+0085, U+2028), a byte-order mark, an astral character, controls, digits
# and letters that make numbers, booleans and nulls, Chinese text and full-width forms.
ALPHABET = (list("-.:#,?[]{}&*!|>'\"%@`~=<+/()_ \t\n\r") + list("0123456789eExXoObB_") + list("nNyYtTfF")
            + ["\u00a0", "\u3000", "\u0085", "\u2028", "\u2029", "\ufeff", "\U00020000", "\x07", "\u200b",
               "\ufffd", "\uff08", "\uff1a", "\u00e9"] + list("客户名称太原有限公司") + list("abcXYZ"))
WORDS = ["yes", "No", "on", "OFF", "null", "Null", "~", "true", "False", ".inf", "-.Inf", ".nan", "0x1F", "0o17",
         "0b101", "1_000", "190:20:30", "1e3", "1.5e+3", "+12", "-7", "007", "2024-08-20", "2024-08-20 10:30:00",
         "---", "...", "- a", "? a", ": a", "a: b", "a #b", "a#b", "<<", "=", "!x", "&a", "*a", "%x", "@x", "`x",
         "-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n-----END AGE ENCRYPTED FILE-----\n", "", " ", "a  b"]


def _text(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.15:
        return rng.choice(WORDS)
    if roll < 0.35:  # words and spaces, long enough to reach the width of 100 columns
        return " ".join("".join(rng.choice("abc客户名称123") for _ in range(rng.randint(1, 12)))
                        for _ in range(rng.randint(1, 14)))
    if roll < 0.8:  # a text as cards have them, with one character of the alphabet somewhere in it
        text = "".join(rng.choice("ab客户名称12") for _ in range(rng.randint(0, 6)))
        at = rng.randint(0, len(text))
        return text[:at] + rng.choice(ALPHABET) + text[at:]
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 8)))


def _value(rng: random.Random, depth: int, shared: list):
    roll = rng.random()
    if depth < 3 and roll < 0.15:
        return {_key(rng): _value(rng, depth + 1, shared) for _ in range(rng.randint(0, 4))}
    if depth < 3 and roll < 0.25:
        return [_value(rng, depth + 1, shared) for _ in range(rng.randint(0, 4))]
    if roll < 0.27 and shared:
        return shared[0]  # one container twice: an alias
    if roll < 0.35:
        return rng.choice([None, True, False, 0, -5, 13620724767, 2**70, 1.5, float("inf"), -0.0])
    return _text(rng)


def _key(rng: random.Random):
    roll = rng.random()
    if roll < 0.7:
        return rng.choice(["id", "name", "contacts", "phone", "credit_limit", "a", "名称", "x_y"])
    return 5 if roll < 0.72 else _text(rng)


def test_written_directly_or_by_pyyaml_the_text_is_the_same():
    rng = random.Random(18)
    direct = 0
    for _ in range(30000):
        shared = [rng.choice([{"amount": 1}, {}, []])]
        data = {_key(rng): _value(rng, 0, shared) for _ in range(rng.randint(1, 6))}
        if rng.random() < 0.05:
            data["again"] = shared[0]
            data["once more"] = shared[0]
        expected = yamlio.pyyaml_dump(data)
        assert yamlio.dump(data) == expected, data
        lines: list[str] = []
        direct += yamlio._block_mapping(data, 0, lines, set())
    assert direct > 4000  # the direct way is taken, not only the fallback


def test_every_card_and_item_of_the_fixtures_is_written_directly_as_pyyaml_writes_it():
    documents = [load_file(path, FIXTURES).data for path in sorted(FIXTURES.rglob("*.yaml"))]
    written = 0
    for data in documents:
        if isinstance(data, dict) and data:
            assert yamlio.dump(data) == yamlio.pyyaml_dump(data)
            written += yamlio._block_mapping(data, 0, [], set())
    assert written > 40
    card = {"id": "C0001", "phone": "13620724767", "first_trade": "2024-08-20", "export": False, "limit": 5}
    assert load_bytes(yamlio.dump(card).encode(), "customers/C0001.yaml").data == card
