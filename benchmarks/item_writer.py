"""Turning numbered specs into item files (YAML + attachment scans), and writing
customer cards and access.yaml."""

from __future__ import annotations

import random
from pathlib import Path

import archive_kit as K
import scans
from content_basic import BUILDERS as BASIC
from content_more import BUILDERS as MORE

BUILDERS = {**BASIC, **MORE}
assert set(BUILDERS) == set(K.TYPE_CATEGORY), set(K.TYPE_CATEGORY) ^ set(BUILDERS)

ATTACHMENT_TITLES = {
    "id-copy": "证件复印件扫描件", "signatory-list": "签字样本扫描件", "contract": "合同文本扫描件（签字盖章页）",
    "export-terms": "信用证及保函复印件", "repayment-agreement": "还款协议签字盖章件",
    "registration-form": "入会登记表签字页扫描件", "withdrawal": "退会申请书扫描件", "minutes": "会议签到表扫描件",
}


def build_item(spec: K.Spec, people: K.People, retention: dict, seed: int) -> tuple[str, str, list[tuple[str, bytes]]]:
    """(relative path, YAML text, [(attachment relative path, bytes)]) of one numbered spec."""
    rng = random.Random(f"{seed}/{spec.code}")
    title, content = BUILDERS[spec.type](spec, rng)
    path = K.item_path(spec.code)
    folder = path.rsplit("/", 1)[0]
    files, attachments = [], []
    if spec.attach:
        signed = spec.customer is not None
        title_of = ATTACHMENT_TITLES.get(spec.type, "签字页扫描件")
        if spec.attach == "pdf":
            pages = 2 if spec.type in ("contract", "repayment-agreement") else 1
            data = scans.pdf_scan(rng, spec.code, title, pages, signed)
            name = f"{spec.code}.scan.pdf"
        else:
            pages = 1
            data = scans.png_scan(rng, signed)
            name = f"{spec.code}.scan-1.png"
        files.append((f"{folder}/{name}", data))
        attachments.append(K.Flow(file=name, sha256=K.sha256(data), pages=pages, title=title_of))
    item = K.envelope(spec, title, content, people, rng, retention, attachments)
    return path, K.dump(item), files


def write_item(root: Path, spec: K.Spec, people: K.People, retention: dict, seed: int) -> int:
    path, text, files = build_item(spec, people, retention, seed)
    target = root / path
    try:
        target.write_text(text, encoding="utf-8")
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    for rel, data in files:
        (root / rel).write_bytes(data)
    return len(files)


def write_customers(root: Path, customers: list) -> None:
    folder = root / "customers"
    folder.mkdir(parents=True, exist_ok=True)
    for c in customers:
        (folder / f"{c.id}.yaml").write_text(K.dump(c.card()), encoding="utf-8")


def write_access(root: Path, grants: list[dict]) -> None:
    header = "# 查阅授权 Read grants — validated by schemas/access.schema.json\n"
    (root / "access.yaml").write_text(header + K.dump({"grants": grants}), encoding="utf-8")


def retention_of(archive_yaml: dict) -> dict:
    return {str(k): v["retention"] for k, v in archive_yaml["categories"].items()}
