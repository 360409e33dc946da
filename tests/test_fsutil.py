import os

from dossier.archive.fsutil import aside, atomic_write_text, write_asides


def test_atomic_write_gives_new_files_the_usual_mode_and_keeps_existing_modes(tmp_path):
    umask = os.umask(0o022)
    try:
        fresh = tmp_path / "new.yaml"
        atomic_write_text(fresh, "a: 1\n")
        assert fresh.stat().st_mode & 0o777 == 0o644
        script = tmp_path / "hook"
        script.write_text("#!/bin/sh\n")
        script.chmod(0o755)
        atomic_write_text(script, "#!/bin/sh\nexit 0\n")
        assert script.stat().st_mode & 0o777 == 0o755
        assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    finally:
        os.umask(umask)


def test_bytes_set_aside_replace_a_leftover_and_never_write_through_a_link(tmp_path):
    """A batch's bytes beside each file: new folders made, the mode the file will have, a leftover
    of a killed batch replaced, and a link planted at the aside name removed, not followed."""
    umask = os.umask(0o022)
    try:
        script = tmp_path / "hooks" / "run"
        script.parent.mkdir()
        script.write_text("old\n")
        script.chmod(0o755)
        aside(script).write_text("leftover of a killed batch\n")
        victim = tmp_path / "victim"
        victim.write_text("untouched\n")
        card = tmp_path / "customers" / "C0001.yaml"
        card.parent.mkdir()
        aside(card).symlink_to(victim)
        deep = tmp_path / "records" / "2026" / "x.yaml"
        write_asides([(script, b"new\n"), (card, b"id: C0001\n"), (deep, b"x: 1\n")])
        assert aside(script).read_bytes() == b"new\n" and aside(script).stat().st_mode & 0o777 == 0o755
        assert not aside(card).is_symlink() and aside(card).read_bytes() == b"id: C0001\n"
        assert aside(card).stat().st_mode & 0o777 == 0o644 and victim.read_text() == "untouched\n"
        assert aside(deep).read_bytes() == b"x: 1\n" and not deep.exists()
        assert script.read_text() == "old\n" and not card.exists()
    finally:
        os.umask(umask)
