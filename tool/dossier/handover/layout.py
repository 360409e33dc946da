"""Where things stand in a handover package (DA/T 93-2022 Appendix B; DA/T 92-2022 §8.2.1):
inside the BagIt bag's data/, the 说明文件 and the 目录文件 at the top, one folder per fonds 全宗,
then class·year, retention and category (the parts of the 档号), then one folder per item named
by its 档号 holding its content PDF/A, its metadata XML, its YAML and its attachments; and 其他/
with the 移交清单, the registration form, the rules and the fixity information 固化验证信息."""

from __future__ import annotations

from .metadata import ARCHIVE_NUMBER

DESCRIPTION = "说明文件.xml"
CATALOGUE = "目录文件.xml"
OTHER = "其他"
TRANSFER_LIST = f"{OTHER}/移交清单"  # .pdf and .xlsx (DA/T 93 表A.1)
REGISTRATION = f"{OTHER}/移交接收登记表"  # .pdf and .xlsx (DA/T 93 表C.1)
FIXITY = f"{OTHER}/固化验证信息.xml"
RULES = f"{OTHER}/规则"  # archive.yaml, schemas/, 元数据方案.xml, 编号规则.txt
MANIFESTS = f"{OTHER}/装订清单"  # the bound volumes' manifests, as bound
SCHEME = f"{RULES}/元数据方案.xml"
NUMBERING = f"{RULES}/编号规则.txt"
TOP_FILES = (DESCRIPTION, CATALOGUE)


def item_folder(archive_number: str) -> str:
    """Z001/KH·2025/D30/C3/Z001-KH·2025-D30-C3-0017 for Z001-KH·2025-D30-C3-0017."""
    found = ARCHIVE_NUMBER.match(archive_number)
    if not found:
        raise ValueError(archive_number)
    return f"{found['fonds']}/{found['cls']}·{found['year']}/{found['ret']}/C{found['cat']}/{archive_number}"


def content_name(archive_number: str) -> str:
    return f"{archive_number}.pdf"


def metadata_name(archive_number: str) -> str:
    return f"{archive_number}.xml"
