"""Customer Dossier: customer archives (客户档案) kept as schema-validated YAML in git."""

__version__ = "0.1.0"

_fingerprint: str | None = None


def code_fingerprint() -> str:
    """The version and a digest of the package's modules: the caches under .dossier/ (validation
    results, the index) made by other code are not trusted, even when the version number is the
    same, as after a `git pull` of an editable install."""
    global _fingerprint
    if _fingerprint is None:
        import hashlib
        from pathlib import Path

        package = Path(__file__).parent
        digest = hashlib.sha256(__version__.encode())
        for module in sorted(package.rglob("*.py")):  # the modules of every folder (part)
            digest.update(module.relative_to(package).as_posix().encode() + b"\0" + module.read_bytes())
        _fingerprint = f"{__version__}+{digest.hexdigest()[:16]}"
    return _fingerprint
