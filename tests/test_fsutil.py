import os

from dossier.archive.fsutil import atomic_write_text


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
