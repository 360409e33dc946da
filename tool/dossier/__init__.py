"""Customer Dossier: customer archives (客户档案) kept as schema-validated YAML in git."""

__version__ = "0.1.0"
