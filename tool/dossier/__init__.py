"""Customer Dossier: customer archives (客户档案) kept as schema-validated YAML in git."""

__version__ = "0.1.0"

_fingerprint: str | None = None


def code_fingerprint() -> str:
    """The version and the size and modification time of each of the package's modules: the
    caches under .dossier/ (validation results, the index) made by other code are not trusted,
    even when the version number is the same, as after a `git pull` of an editable install.
    Python trusts a module's bytecode on the same two facts of its source; reading every
    module's bytes instead cost 20-30 ms of each command that opens a cache."""
    global _fingerprint
    if _fingerprint is None:
        import hashlib
        import os

        package = os.path.dirname(__file__)
        digest = hashlib.sha256(__version__.encode())
        for folder, subfolders, names in os.walk(package):  # the modules of every folder (part)
            subfolders[:] = sorted(name for name in subfolders if name != "__pycache__")
            for name in sorted(name for name in names if name.endswith(".py")):
                path = os.path.join(folder, name)
                stat = os.stat(path)
                relative = os.path.relpath(path, package).replace(os.sep, "/")
                digest.update(f"{relative}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
        _fingerprint = f"{__version__}+{digest.hexdigest()[:16]}"
    return _fingerprint
