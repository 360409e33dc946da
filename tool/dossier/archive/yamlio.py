"""Writing archive YAML the way people write it: block style, Chinese as is, keys in
the schema's order, and dates unquoted (the loader keeps them as text)."""

from __future__ import annotations

import yaml


# libyaml's emitter when present (about 4× faster, same output), else the pure-Python one.
_Base = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_Base):
    """A safe dumper that does not treat ISO dates as timestamps, matching loader.py."""


_Dumper.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeDumper.yaml_implicit_resolvers.items()
}


def _text(dumper: _Dumper, text: str) -> yaml.ScalarNode:
    # An encrypted value (crypto.py) as a literal block, as `dossier rekey` writes it: the armor's
    # lines as they are, which `age -d` reads back when pasted.
    style = "|" if text.startswith("-----BEGIN AGE ENCRYPTED FILE-----") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _text)


def dump(data: object) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)
