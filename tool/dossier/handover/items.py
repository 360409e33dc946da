"""The 45 check items 检测项目 of DA/T 70-2018 and, by its Appendix A (表 A.1), the stages they
apply to: GD 归档 (36 items), YJ 移交与接收 (35), BC 长期保存 (32). An item's code is the stage
and its number, e.g. GD-1-1; the first number is its property: 1 真实性 authenticity,
2 完整性 integrity, 3 可用性 usability, 4 安全性 security."""

from __future__ import annotations

from dataclasses import dataclass

STAGES = ("gd", "yj", "bc")
PROPERTIES = {"1": ("真实性", "authenticity"), "2": ("完整性", "integrity"),
              "3": ("可用性", "usability"), "4": ("安全性", "security")}

# Results 检测结果, as DA/T 70 practice writes them (stored as these words in records and reports).
PASS, FAIL, MANUAL, NOT_APPLICABLE = "通过", "不通过", "需人工", "不适用"
RESULT_EN = {PASS: "passed", FAIL: "failed", MANUAL: "needs a person", NOT_APPLICABLE: "not applicable"}
AUTOMATIC, BY_PERSON = "automatic", "manual"  # how an item was decided


@dataclass(frozen=True)
class CheckItem:
    number: str  # "1-1"
    zh: str
    en: str
    stages: str  # letters of the stages it applies to: g, y, b

    def code(self, stage: str) -> str:
        return f"{stage.upper()}-{self.number}"

    @property
    def property(self) -> str:
        return self.number.split("-")[0]


ITEMS: tuple[CheckItem, ...] = (
    CheckItem("1-1", "固化信息有效性检测", "fixity information (digests, signatures) valid", "gyb"),
    CheckItem("1-2", "元数据项数据长度检测", "length of metadata values", "gyb"),
    CheckItem("1-3", "元数据项数据类型、格式检测", "type and format of metadata values", "gyb"),
    CheckItem("1-4", "设定值域的元数据项值域符合度检测", "metadata values within their value domain", "gyb"),
    CheckItem("1-5", "元数据项数据值合理性检测", "metadata values reasonable", "gyb"),
    CheckItem("1-6", "元数据项数据包含特殊字符检测", "special characters in metadata values", "gyb"),
    CheckItem("1-7", "档号规范性检测", "archive numbers follow the rules", "gyb"),
    CheckItem("1-8", "元数据项数据重复性检测", "duplicates (archive number, document number, title)", "gy"),
    CheckItem("1-9", "元数据项（全宗号、目录号、分类号）与档案馆要求的一致性检测",
              "fonds, catalogue and class numbers as the receiving archive requires", "y"),
    CheckItem("1-10", "内容数据的电子属性一致性检测", "file attributes agree with the metadata", "gyb"),
    CheckItem("1-11", "元数据是否关联内容数据检测", "files named by the metadata exist", "gyb"),
    CheckItem("1-12", "说明文件和目录文件规范性检测", "description and catalogue files well formed", "gy"),
    CheckItem("1-13", "信息包目录结构规范性检测", "folder structure of the package", "gy"),
    CheckItem("1-14", "信息包一致性检测", "package unchanged (digests before and after)", "gyb"),
    CheckItem("1-15", "电子档案封装包规范性检测", "EEP encapsulation package (DA/T 48) well formed", "b"),
    CheckItem("1-16", "电子档案封装包电子签名有效性检测", "EEP package signature valid", "b"),
    CheckItem("2-1", "总件数相符性检测", "number of items agrees with the registration form", "gyb"),
    CheckItem("2-2", "总字节数相符性检测", "number of bytes agrees with the registration form", "gyb"),
    CheckItem("2-3", "元数据项完整性检测", "metadata elements present", "gy"),
    CheckItem("2-4", "元数据必填著录项目检测", "mandatory metadata filled in", "gyb"),
    CheckItem("2-5", "过程信息完整性检测", "handling history complete", "gy"),
    CheckItem("2-6", "连续性元数据项检测", "sequence numbers without gaps", "gyb"),
    CheckItem("2-7", "内容数据完整性检测", "content complete (read by a person)", "gyb"),
    CheckItem("2-8", "附件数据完整性检测", "attachments complete (read by a person)", "gyb"),
    CheckItem("2-9", "归档范围检测", "scope against the retention schedule", "g"),
    CheckItem("2-10", "信息包元数据完整性检测", "package metadata complete", "b"),
    CheckItem("2-11", "信息包内容数据完整性检测", "file count of the package", "gyb"),
    CheckItem("3-1", "信息包中元数据的可读性检测", "metadata files parse", "gyb"),
    CheckItem("3-2", "目标数据库中的元数据可访问性检测", "metadata store reachable", "gyb"),
    CheckItem("3-3", "内容数据格式检测", "content formats fit for filing", "gy"),
    CheckItem("3-4", "内容数据的可读性检测", "content readable (opened by a person)", "gyb"),
    CheckItem("3-5", "内容数据格式长期可用性检测", "content formats fit for long-term keeping", "b"),
    CheckItem("3-6", "软硬件环境合规性检测", "software and hardware environment recorded", "gy"),
    CheckItem("3-7", "保存环境变化情况检测", "changes of the keeping environment", "b"),
    CheckItem("3-8", "信息包中包含的内容数据格式合规性检测",
              "no encryption, no non-open compression in the package", "gy"),
    CheckItem("3-9", "备份数据可恢复性检测", "backups restore", "b"),
    CheckItem("4-1", "系统环境中是否安装杀毒软件检测", "a virus scanner is installed", "gyb"),
    CheckItem("4-2", "病毒感染检测", "virus scan", "gyb"),
    CheckItem("4-3", "载体中多余文件检测", "no extra files", "gy"),
    CheckItem("4-4", "载体读取速度检测", "carrier read speed", "gyb"),
    CheckItem("4-5", "载体外观检测", "carrier appearance", "gyb"),
    CheckItem("4-6", "光盘合格性检测", "optical disc quality (DA/T 38)", "g"),
    CheckItem("4-7", "操作过程安全性检测", "process controlled and secure", "gy"),
    CheckItem("4-8", "软件系统安全漏洞检测", "software vulnerability scan", "b"),
    CheckItem("4-9", "载体保管环境安全性检测", "storage environment of the carriers", "b"),
)


def items_of(stage: str) -> list[CheckItem]:
    """The items Appendix A applies to `stage` (gd, yj or bc), in the standard's order."""
    return [item for item in ITEMS if stage[0] in item.stages]
