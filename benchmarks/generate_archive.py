"""Generate customer archives 客户档案 (stdlib + PyYAML, and the dossier package to encrypt the
sample's confidential values; deterministic from --seed).

    python benchmarks/generate_archive.py --sample archive/
        writes the embedded sample archive's data into archive/: customers/, records/,
        daily/ (with attachment scans beside their items) and access.yaml; reads
        archive.yaml and people.yaml there and never touches them or schemas/. The
        confidential values are encrypted to their readers (sample_sealing.py, with the
        fictional keys of samples/identities/).

    python benchmarks/generate_archive.py --items 100000 OUT_DIR
        writes a complete synthetic archive of that many items (about 10% daily) into
        OUT_DIR: archive.yaml and schemas/ copied from the sample archive, a people.yaml
        with max(5, N/5000) customer managers, about N/100 customers, access.yaml.

Both validate clean: schemas, codes and paths, serials without gaps, sections,
signatures by the handler's direct supervisor, attachment hashes, export terms.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import yaml  # noqa: E402

import archive_kit as K  # noqa: E402
import item_writer as W  # noqa: E402

SAMPLE_ROOT = HERE.parent / "archive"
GENERATED = ("customers", "records", "daily")


def _clear(root: Path) -> None:
    """Remove what a previous run generated (never archive.yaml, people.yaml, schemas/)."""
    for folder in GENERATED:
        shutil.rmtree(root / folder, ignore_errors=True)
    (root / "access.yaml").unlink(missing_ok=True)


def write_sample(root: Path, seed: int) -> dict:
    from sample_sealing import seal_sample, snapshot
    from sample_story import plan_sample

    people = K.People.load(root / "people.yaml")
    settings = yaml.safe_load((root / "archive.yaml").read_text(encoding="utf-8"))
    retention = W.retention_of(settings)
    customers, specs, grants = plan_sample(people, seed)
    K.number(specs, people)
    previous = snapshot(root)
    _clear(root)
    W.write_customers(root, customers)
    attachments = sum(W.write_item(root, spec, people, retention, seed) for spec in specs)
    W.write_access(root, grants)
    encrypted = seal_sample(root, previous)
    return {"customers": len(customers), "items": len(specs), "attachments": attachments,
            "values newly encrypted": encrypted}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--sample", metavar="ARCHIVE", type=Path, help="write the embedded sample archive's data")
    mode.add_argument("--items", metavar="N", type=int, help="number of items of a synthetic archive")
    parser.add_argument("out", nargs="?", type=Path, help="output folder of --items")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--jobs", type=int, default=0, help="worker processes of --items (default: all cores)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.sample:
        if not (args.sample / "people.yaml").is_file() or not (args.sample / "archive.yaml").is_file():
            parser.error(f"{args.sample} holds no archive.yaml and people.yaml")
        counts = write_sample(args.sample, args.seed)
    else:
        if args.out is None:
            parser.error("--items needs OUT_DIR")
        if args.items < 1:
            parser.error("--items must be positive")
        from synthetic_archive import write_synthetic

        counts = write_synthetic(args.out, args.items, args.seed, SAMPLE_ROOT, args.jobs)
    summary = ", ".join(f"{value} {key}" for key, value in counts.items())
    print(f"{summary} in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
