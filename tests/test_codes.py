from dossier.archive import codes


def test_parse_and_print_round_trip():
    code = codes.parse("3-2025-S02-0017")
    assert code == codes.Code("3", 2025, "S02", 17)
    assert str(code) == "3-2025-S02-0017"
    assert code.path == "records/3/2025/3-2025-S02-0017.yaml"
    assert codes.parse("D-2026-S05-0123").path == "daily/2026/D-2026-S05-0123.yaml"


def test_malformed_codes_are_rejected():
    for text in ("7-2025-S02-0001", "3-25-S02-0001", "3-2025-02-0001", "3-2025-S02-17", None, 3):
        assert codes.parse(text) is None


def test_catalogue_order_puts_daily_last():
    listed = ["D-2025-S02-0001", "2-2025-S02-0002", "2-2025-S02-0010", "1-2026-S01-0001"]
    ordered = sorted(map(codes.parse, listed), key=lambda c: c.sort_key)
    assert [str(c) for c in ordered] == ["1-2026-S01-0001", "2-2025-S02-0002", "2-2025-S02-0010", "D-2025-S02-0001"]
