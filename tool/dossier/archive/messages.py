"""Every user-facing message, in English and Chinese. Each one says what to do.

Keys are stable identifiers; arguments are filled with str.format.
"""

from __future__ import annotations

import locale
import os

MESSAGES: dict[str, tuple[str, str]] = {
    # --- loader: reading a YAML file safely -------------------------------------------
    "yaml-bom": (
        "the file starts with a byte-order mark (BOM); save it as UTF-8 without BOM",
        "文件以字节顺序标记（BOM）开头；请另存为不带 BOM 的 UTF-8",
    ),
    "yaml-utf8": (
        "invalid UTF-8 byte 0x{byte}; save the file as UTF-8",
        "无效的 UTF-8 字节 0x{byte}；请将文件保存为 UTF-8 编码",
    ),
    "yaml-empty": (
        "the file is empty; fill it in (`dossier new` writes a draft) or delete it",
        "文件为空；请填写内容（`dossier new` 可生成草稿）或删除该文件",
    ),
    "yaml-too-large": (
        "the file is {size} bytes, over the limit of {limit}; split it or move large content into an attachment",
        "文件大小 {size} 字节，超过上限 {limit}；请拆分，或把大段内容放入附件",
    ),
    "yaml-tab": (
        "tab character in indentation; indent with spaces",
        "缩进中含有制表符（Tab）；请用空格缩进",
    ),
    "yaml-syntax": (
        "YAML syntax error: {detail}; fix the syntax at this position",
        "YAML 语法错误：{detail}；请修改此处语法",
    ),
    "yaml-number": (
        "the number {value} is not finite or lies beyond ±{limit}; write a real number, or quote it if it is text",
        "数值 {value} 不是有限数或超出 ±{limit}；请填写实际数值，若为文字请加引号",
    ),
    "yaml-duplicate-key": (
        "duplicate key '{name}' (first at line {first_line}); keep only one",
        "重复的键 '{name}'（首次出现在第 {first_line} 行）；请只保留一个",
    ),
    "yaml-alias-limit": (
        "aliases expand to more than {limit} values; write the data out without nested aliases",
        "别名展开后超过 {limit} 个值；请直接写出数据，不要嵌套使用别名",
    ),
    "yaml-too-many-values": (
        "the file holds more than {limit} values; split it, or move bulky content into an attachment",
        "文件中的值超过 {limit} 个；请拆分，或把大量内容放入附件",
    ),
    "yaml-too-deep": (
        "values are nested more than {limit} levels deep; flatten the structure",
        "嵌套超过 {limit} 层；请减少嵌套层级",
    ),
    "yaml-recursive-alias": (
        "an alias refers to itself; remove the recursive alias",
        "别名引用了自身；请删除递归别名",
    ),
    "yaml-merge-key": (
        "merge keys (<<) are not allowed in archive files; write the keys out",
        "档案文件中不允许使用合并键（<<）；请直接写出各个键",
    ),
    "yaml-multiple-documents": (
        "the file holds more than one YAML document; keep one item per file",
        "文件包含多个 YAML 文档；每个文件只保存一件",
    ),
    "yaml-key-type": (
        "keys must be plain text, not {kind}; quote the key",
        "键必须是文本，而不是 {kind}；请给键加引号",
    ),
    "yaml-unreadable": (
        "cannot read the file: {detail}; check that it exists and is readable",
        "无法读取文件：{detail}；请检查文件是否存在且可读",
    ),
    # --- lifecycle: delete, restore, purge (trash/) ------------------------------------------
    "reason-empty": (
        "give the reason for deleting {code} with --reason TEXT; the regulation records why an item was deleted",
        "请用 --reason 说明删除 {code} 的原因；按制度须记录删除原因",
    ),
    "item-in-trash": (
        "{code} is already in trash/; restore it with `dossier restore {code}`, or wait for `dossier purge`",
        "{code} 已在回收站（trash/）中；可用 `dossier restore {code}` 恢复，或等待 `dossier purge` 彻底删除",
    ),
    "item-not-in-trash": (
        "{code} is not in trash/; if it was purged, recover it with `dossier restore {code} --from-history`",
        "{code} 不在回收站（trash/）中；若已被彻底删除，请用 `dossier restore {code} --from-history` 恢复",
    ),
    "item-not-deleted": (
        "{code} is not deleted ({path} exists); there is nothing to restore: `dossier show {code}` shows it",
        "{code} 未被删除（{path} 存在）；无需恢复：可用 `dossier show {code}` 查看",
    ),
    "item-dirty": (
        "uncommitted changes in {paths}; commit or discard them first (`git status` shows them), then try again",
        "{paths} 有未提交的修改；请先提交或撤销（`git status` 可查看），再重试",
    ),
    "restore-target-exists": (
        "{path} already exists and would be overwritten; move it out of the way, then try again",
        "{path} 已存在，继续将会覆盖它；请先将其移开，再重试",
    ),
    "trash-incomplete": (
        "{path} is listed in the deletion record of {code} but is missing from trash/; recover it with `dossier restore {code} --from-history`",
        "{path} 列在 {code} 的删除记录中，但回收站（trash/）里没有；请用 `dossier restore {code} --from-history` 恢复",
    ),
    "deletion-record-broken": (
        "{path}: the field '{field}' of this deletion record is missing or wrong; recover the record from git history (`git log -p -- {path}`) and try again",
        "{path}：删除记录的字段 '{field}' 缺失或有误；请从 git 历史中恢复该记录（`git log -p -- {path}`）后重试",
    ),
    "not-in-history": (
        "{code} is in neither records/, trash/ nor this branch's git history; check the code with `dossier list`, or switch to the branch that has it",
        "{code} 既不在 records/、trash/ 中，也不在本分支的 git 历史中；请用 `dossier list` 核对编码，或切换到含有它的分支",
    ),
    "lifecycle-git-failed": (
        "git {step} failed: {detail}; nothing was changed: fix the cause (a hook's complaint, your git identity) and try again",
        "git {step} 失败：{detail}；未做任何改动：请排除原因（钩子报告的问题、git 身份设置）后重试",
    ),
    "operation-hook-refused": (
        "the {hook} hook refused the commit; nothing was changed: fix what it names and try again:\n{detail}",
        "{hook} 钩子拒绝了提交；未做任何改动：请改正其指出的问题后重试：\n{detail}",
    ),
    "operation-head-moved": (
        "{action}: the branch moved while the commit was being made ({detail}); nothing was changed: run the command again",
        "{action}：提交过程中当前分支被他人移动（{detail}）；未做任何改动：请重新运行该命令",
    ),
    "operation-not-committed": (
        "{path} is not committed in git, so it cannot be moved as part of the commit; commit it first (`git status` shows it), then try again",
        "{path} 尚未提交到 git，无法随本次提交一并移动；请先提交（`git status` 可查看），再重试",
    ),
    "operation-journal-broken": (
        "{path} (the record of an interrupted dossier operation) cannot be read; compare `git status` with `git log -1`, "
        "put the files right by hand, then delete {path}",
        "{path}（被中断的 dossier 操作的记录）无法读取；请对照 `git status` 与 `git log -1` 手工整理文件，然后删除 {path}",
    ),
    "operation-finished": (
        "an interrupted `{action}` (process {pid}, started {started}) had made its commit {sha} ({subject}); "
        "its files in the work tree were brought up to it: the operation is complete",
        "被中断的 `{action}` 操作（进程 {pid}，开始于 {started}）已完成提交 {sha}（{subject}）；"
        "已将工作区中的相关文件更新到该提交：操作已完整完成",
    ),
    "operation-written": (
        "an interrupted `{action}` (process {pid}, started {started}) had worked out every file it changes; the ones it "
        "had not written yet are written now: the operation is complete (`git status` shows its files, to commit)",
        "被中断的 `{action}` 操作（进程 {pid}，开始于 {started}）已算出全部需修改的文件；尚未写入的现已写入：操作已完整完成"
        "（`git status` 可查看这些文件，待提交）",
    ),
    "operation-undone": (
        "an interrupted `{action}` (process {pid}, started {started}) had not made its commit: nothing of it was kept "
        "and the archive is as it was before; run the command again",
        "被中断的 `{action}` 操作（进程 {pid}，开始于 {started}）尚未提交：其改动均未保留，档案保持操作前的状态；请重新运行该命令",
    ),
    "operation-kept": (
        "these files were changed by hand since the interrupted `{action}` and were left as they are: {paths}; "
        "compare them with `git diff HEAD -- PATH`",
        "以下文件在被中断的 `{action}` 操作之后被手工修改，已原样保留：{paths}；请用 `git diff HEAD -- 路径` 核对",
    ),
    "archive-busy": (
        "another dossier command is changing this archive: `{command}` (process {pid}, since {since}); waited {seconds} s "
        "for it. Run yours again when it has finished (DOSSIER_LOCK_WAIT sets how many seconds to wait)",
        "另一个 dossier 命令正在修改此档案：`{command}`（进程 {pid}，开始于 {since}）；已等待 {seconds} 秒。"
        "请待其完成后重新运行（DOSSIER_LOCK_WAIT 可设置等待秒数）",
    ),
    "deleted": (
        "moved {code} and {count} attachment(s) to trash/ (commit {sha}); `dossier restore {code}` brings it back until it is purged after {purge_after}",
        "已将 {code} 及 {count} 个附件移入回收站 trash/（提交 {sha}）；在 {purge_after} 彻底删除之前，可用 `dossier restore {code}` 恢复",
    ),
    "restored": (
        "restored {code} to {path} with {count} attachment(s) (commit {sha}); check it with `dossier validate`",
        "已将 {code} 恢复到 {path}，含 {count} 个附件（提交 {sha}）；请用 `dossier validate` 检查",
    ),
    "restored-from-history": (
        "restored {code} to {path} with {count} attachment(s) as of commit {source} (commit {sha}); check it with `dossier validate`",
        "已按提交 {source} 将 {code} 恢复到 {path}，含 {count} 个附件（提交 {sha}）；请用 `dossier validate` 检查",
    ),
    "restore-attachment-missing": (
        "attachment {path} was not in commit {source} and was not restored; find it in git history (`git log --all -- '*{name}'`) or remove it from the item's attachments",
        "附件 {path} 不在提交 {source} 中，未能恢复；请在 git 历史中查找（`git log --all -- '*{name}'`），或从该件的附件列表中删除",
    ),
    "purge-item": (
        "{code}: deleted {deleted_at} by {deleted_by} ({reason}), to be purged after {purge_after}",
        "{code}：{deleted_by} 于 {deleted_at} 删除（{reason}），保留至 {purge_after}",
    ),
    "purge-would": (
        "would purge {count} item(s) past their retention month (above); nothing was changed: run `dossier purge` to purge them",
        "以上 {count} 件已过保留期，将被彻底删除；本次未做任何改动：运行 `dossier purge` 执行删除",
    ),
    "purged": (
        "purged {count} item(s) past their retention month (commit {sha}); `dossier restore CODE --from-history` can still recover them",
        "已彻底删除 {count} 件过保留期的档案（提交 {sha}）；仍可用 `dossier restore 编码 --from-history` 从历史中恢复",
    ),
    "purge-nothing": (
        "nothing in trash/ is past its retention month on {today}; nothing to do: each item waits until the purge_after date of its deletion record",
        "截至 {today}，回收站 trash/ 中没有已过保留期的档案；无需操作：每件档案保留至其删除记录中的 purge_after 日期",
    ),
    # --- schema -----------------------------------------------------------------------
    "schema-required": (
        "{field}: missing required field '{name}'; add it",
        "{field}：缺少必填字段 '{name}'；请补充",
    ),
    "schema-unknown-field": (
        "unknown field '{field}'; remove it or correct its name (allowed here: {allowed})",
        "未知字段 '{field}'；请删除或更正字段名（此处允许：{allowed}）",
    ),
    "schema-type": (
        "{field} must be {expected}, not {actual} ({value}); correct the value",
        "{field} 应为 {expected}，而不是 {actual}（{value}）；请更正",
    ),
    "schema-type-amount": (
        "{field} must be a quoted decimal amount with its currency, e.g. \"12000.00 CNY\", not the number {value}",
        "{field} 应为带币种的金额文本，例如 \"12000.00 CNY\"，而不是数字 {value}",
    ),
    "schema-enum": (
        "{field}: '{value}' is not allowed; use one of: {options}",
        "{field}：'{value}' 不是允许的值；请使用：{options}",
    ),
    "schema-pattern": (
        "{field}: '{value}' is not in the expected form: {hint}",
        "{field}：'{value}' 格式不正确：{hint}",
    ),
    "schema-format": (
        "{field}: '{value}' is not a valid {format}; write dates as YYYY-MM-DD",
        "{field}：'{value}' 不是有效的 {format}；日期请写作 YYYY-MM-DD",
    ),
    "schema-other": ("{field}: {detail}", "{field}：{detail}"),
    "schema-json": (
        "{file}:{line}:{column}: the schema is not valid JSON: {detail}; fix the schema file",
        "{file}:{line}:{column}：模式文件不是有效的 JSON：{detail}；请修正该文件",
    ),
    "schema-invalid": (
        "{file}: not a valid JSON Schema 2020-12: {detail}; fix the schema file",
        "{file}：不是有效的 JSON Schema 2020-12：{detail}；请修正该文件",
    ),
    "schema-id": (
        "{file}: its \"$id\" must be its path under schemas/, \"{expected}\" (ajv and check-jsonschema resolve the schemas' relative $refs by it); set it so",
        "{file}：其 \"$id\" 必须是它在 schemas/ 下的路径 \"{expected}\"（ajv 与 check-jsonschema 据此解析模式间的相对 $ref）；请照此设置",
    ),
    "schema-confidential-form": (
        "{file}: the confidential field at {pointer} must also accept an encrypted value, in the form every tool reads: write it as {expected} (schemas from an older dossier: if you never changed them, copy schemas/ from an archive made by `dossier init`)",
        "{file}：{pointer} 处的保密字段还须接受加密值，且须用各工具都能读的写法：请写作 {expected}（旧版 dossier 的模式：如从未修改过，可从 `dossier init` 新建的档案中复制 schemas/）",
    ),
    "schema-armored-missing": (
        "{file}: \"$defs\" must define \"{name}\" (what an encrypted value looks like) as {expected}",
        "{file}：\"$defs\" 中须定义 \"{name}\"（加密值的格式），写作 {expected}",
    ),
    "schema-missing": (
        "{file} is missing; copy it from a new archive made with `dossier init`",
        "缺少 {file}；请从 `dossier init` 新建的档案中复制",
    ),
    # --- where files belong ---------------------------------------------------------------
    "archive-not-found": (
        "no archive at {path} (no archive.yaml there or above); pass --archive PATH, set DOSSIER_ARCHIVE, or create one with `dossier init PATH`",
        "在 {path} 找不到档案（该目录及上级目录都没有 archive.yaml）；请使用 --archive PATH、设置 DOSSIER_ARCHIVE，或用 `dossier init PATH` 新建",
    ),
    "path-outside": (
        "{path} is not inside the archive {root}; give paths inside it",
        "{path} 不在档案 {root} 之内；请给出档案内的路径",
    ),
    "stray-file": (
        "this file is not where the archive keeps anything; items go in records/<category>/<year>/<code>.yaml or daily/<year>/<code>.yaml, customers in customers/<id>.yaml",
        "此文件不在档案规定的位置；档案件应放在 records/<类别>/<年度>/<编码>.yaml 或 daily/<年度>/<编码>.yaml，客户资料卡放在 customers/<客户编号>.yaml",
    ),
    # --- item rules -------------------------------------------------------------------------
    "category-type": (
        "type {type} belongs to category {expected}, not {category}; correct the category or the type",
        "文件类型 {type} 属于第 {expected} 类，而不是第 {category} 类；请更正类别或类型",
    ),
    "code-path": (
        "code {code} does not match where the file is; it belongs at {expected}: move the file or correct the code",
        "编码 {code} 与文件位置不符；应为 {expected}：请移动文件或更正编码",
    ),
    "code-category": (
        "category {category} does not match the code {code}; correct one of them",
        "类别 {category} 与编码 {code} 不符；请更正其一",
    ),
    "code-year": (
        "the item date {date} is not in the code's year {year}; correct the date, or allocate a code for {date_year} with `dossier new`",
        "成文日期 {date} 不在编码年度 {year} 内；请更正日期，或用 `dossier new` 分配 {date_year} 年的编码",
    ),
    "code-unique": (
        "code {code} is also used by {other}; every item needs its own code: allocate a new one with `dossier new`",
        "编码 {code} 已被 {other} 使用；每件档案须有唯一编码：请用 `dossier new` 分配新编码",
    ),
    "customer-unknown": (
        "customer {customer} has no card in customers/; add customers/{customer}.yaml or correct the id",
        "客户 {customer} 在 customers/ 中没有资料卡；请添加 customers/{customer}.yaml 或更正客户编号",
    ),
    "person-unknown": (
        "{field}: {person} is not in people.yaml; add them there or correct the id",
        "{field}：{person} 不在 people.yaml 中；请先添加该人员或更正编号",
    ),
    "manager-role": (
        "{person} is not a customer manager; name the customer manager whose section holds this item",
        "{person} 不是客户经理；请填写卷章所属的客户经理",
    ),
    "manager-section": (
        "the code's section {section} is not the section of {person} ({expected}); file the item in {expected} or correct the manager",
        "编码中的卷章 {section} 不是 {person} 的卷章（{expected}）；请归入 {expected} 或更正客户经理",
    ),
    "signature-missing": (
        "a filed item needs the {which} signature (customer, handler and direct supervisor sign before filing); add it, or set status: draft",
        "已归档的档案须有{which}签字（客户签名、经办人、直接领导审批签字方可入档）；请补签，或将 status 改为 draft",
    ),
    "signature-handler": (
        "the handler's signature is by {signed}, but the handler is {handler}; the handler signs as handler",
        "经办人签字为 {signed}，但经办人是 {handler}；应由经办人本人签字",
    ),
    "supervisor": (
        "{signed} is not the direct supervisor of {handler} ({expected} is); have {expected} sign",
        "{signed} 不是 {handler} 的直接领导（应为 {expected}）；请由 {expected} 审批签字",
    ),
    "supervisor-none": (
        "{handler} has no direct supervisor in people.yaml; add `supervisor:` to {handler} there",
        "people.yaml 中 {handler} 没有直接领导；请为其填写 `supervisor:`",
    ),
    "signature-before-date": (
        "the {which} signature date {date} is before the item date {item_date}; correct the date",
        "{which}签字日期 {date} 早于成文日期 {item_date}；请更正日期",
    ),
    "signature-future": (
        "the {which} signature date {date} is in the future (today is {today}); correct the date",
        "{which}签字日期 {date} 晚于今天（{today}）；请更正日期",
    ),
    "attachment-path": (
        "attachment path {path} must be relative and stay beside the item (no '..', no absolute path); move the file beside the item",
        "附件路径 {path} 必须是相对路径且位于档案件旁（不得含 '..'，不得为绝对路径）；请把文件移到档案件旁",
    ),
    "attachment-missing": (
        "attachment {path} does not exist; add the file beside the item or remove the entry",
        "附件 {path} 不存在；请把文件放到档案件旁，或删除该条目",
    ),
    "attachment-outside": (
        "attachment {path} leads outside the archive (a symbolic link); replace the link with the file itself",
        "附件 {path} 指向档案之外（符号链接）；请用文件本身替换该链接",
    ),
    "attachment-hash": (
        "attachment {path} does not match its sha256 (the file has {actual}); restore the original file, or record the new sha256 if the change was approved",
        "附件 {path} 与其 sha256 不符（文件为 {actual}）；请恢复原文件，若修改已获批准则更新 sha256",
    ),
    "serial-gap": (
        "serial numbers {missing} are missing in section {section} of category {category}, {year}; the catalogue must be complete: restore the missing items from git history or record their deletion",
        "第 {category} 类 {year} 年度卷章 {section} 缺少件号 {missing}；目录必须完整：请从 git 历史恢复缺失的档案件，或记录其删除",
    ),
    "export-terms": (
        "export customer {customer} has no export terms (type export-terms) in category 3; add them with `dossier new export-terms --customer {customer}`",
        "外销客户 {customer} 在第三类中没有付款方式、授信金额及抵押保证登记（export-terms）；请用 `dossier new export-terms --customer {customer}` 添加",
    ),
    # --- customer cards, people, grants ---------------------------------------------------------
    "customer-id": (
        "customer id {id} does not match the file name; the file must be customers/{id}.yaml: rename it or correct the id",
        "客户编号 {id} 与文件名不符；文件应为 customers/{id}.yaml：请重命名或更正编号",
    ),
    "text-hidden": (
        "{field} holds the hidden character {character} (character {index}): it changes how the text reads without showing; delete it",
        "{field} 含有隐藏字符 {character}（第 {index} 个字符）：它会改变文字的显示而不可见；请删除",
    ),
    "customer-name-duplicate": (
        "customer name '{name}' reads the same as {other}'s '{other_name}' (once Unicode-normalised, hidden characters removed); one customer needs one card: merge them or tell the names apart",
        "客户名称 '{name}' 与 {other} 的 '{other_name}' 看起来相同（Unicode 规范化并去除隐藏字符后）；一个客户只应有一张资料卡：请合并或区分名称",
    ),
    "person-duplicate": (
        "{field} {value} is used by {other} too; each person needs their own",
        "{field} {value} 与 {other} 重复；每人须各不相同",
    ),
    "supervisor-cycle": (
        "the chain of direct supervisors from {person} comes back to {person}; correct `supervisor:`",
        "从 {person} 开始的直接领导链又回到了 {person}；请更正 `supervisor:`",
    ),
    # --- access: roles and grants 查阅权限 ---------------------------------------------------------
    "access-refused": (
        "{person} may not read {what}: it is in the care of {owner}, and only its customer manager, the sales manager, the general manager and holders of a grant in force may read it; ask {grantors} for a grant in access.yaml",
        "{person} 无权查阅 {what}：此档案由 {owner} 负责，只有其客户经理、销售经理、总经理和持有效查阅授权者可以查阅；请向 {grantors} 申请查阅授权（access.yaml）",
    ),
    "access-refused-volume": (
        "{person} may not print or check the volumes of category {category}, {year}: {hidden} of their {total} items are not theirs to read, and a paper volume is only ever handled whole; ask {grantors} for a grant in access.yaml (e.g. of category {category})",
        "{person} 无权打印或核对第{category}类 {year} 年度的案卷：卷内 {total} 件中有 {hidden} 件其无权查阅，而纸质案卷只能整卷处理；请向 {grantors} 申请查阅授权（access.yaml，例如第{category}类）",
    ),
    "access-hidden": (
        "{count} item(s) that {person} may not read are left out; ask {grantors} for a grant in access.yaml to see them",
        "另有 {count} 件 {person} 无权查阅的档案未列出；如需查阅，请向 {grantors} 申请查阅授权（access.yaml）",
    ),
    "access-hidden-changes": (
        "{count} change(s) of items and cards that {person} may not read are left out; ask {grantors} for a grant in access.yaml to see them",
        "另有 {count} 条 {person} 无权查阅的档案或客户资料卡的修改记录未列出；如需查阅，请向 {grantors} 申请查阅授权（access.yaml）",
    ),
    "access-hidden-cards": (
        "{count} customer card(s) that {person} may not read are left out; ask {grantors} for a grant in access.yaml to see them",
        "另有 {count} 份 {person} 无权查阅的客户资料卡未列出；如需查阅，请向 {grantors} 申请查阅授权（access.yaml）",
    ),
    "access-grant-void": (
        "grant #{number} in access.yaml ({person}, {scope}) does not count: {why}",
        "access.yaml 中第 {number} 条授权（{person}，{scope}）不算数：{why}",
    ),
    "access-scope-customer": ("customer {customer}", "客户 {customer}"),
    "access-scope-category": ("category {category}", "第{category}类"),
    "access-scope-both": ("customer {customer}, category {category}", "客户 {customer} 第{category}类"),
    "access-why-sales_manager": ("sees all: sales manager", "可查阅全部：销售经理"),
    "access-why-general_manager": ("sees all: general manager", "可查阅全部：总经理"),
    "access-why-archivist": ("sees all: archivist (files, binds and prints every volume)", "可查阅全部：档案员（归档、装订、打印全部案卷）"),
    "access-why-owner": ("customer manager of this material", "此档案的客户经理"),
    "access-why-grant": (
        "grant #{number} until {expires} ({scope}, approved by {approver})",
        "第 {number} 条查阅授权，至 {expires}（{scope}，{approver} 批准）",
    ),
    "access-who-item": (
        "{code} (customer {customer}, category {category}, customer manager {owner}) may be read by:",
        "{code}（客户 {customer}，第{category}类，客户经理 {owner}）可由以下人员查阅：",
    ),
    "access-who-card": (
        "customer card {customer} (customer manager {owner}) may be read by (a grant of one category reaches that category's items only):",
        "客户资料卡 {customer}（客户经理 {owner}）可由以下人员查阅（限于某一类的授权只及于该类档案）：",
    ),
    "access-who-void": ("Grants that would reach it but give nothing:", "涉及此档案但无效的授权："),
    "access-check-yes": ("{person} may read {what}: {why}", "{person} 可以查阅 {what}：{why}"),
    "access-person-unknown": (
        "{person} is neither an id nor an e-mail in people.yaml; `dossier access who CODE` lists who may read an item",
        "people.yaml 中没有 id 或电子邮箱为 {person} 的人员；`dossier access who CODE` 可列出有权查阅的人",
    ),
    "access-what-invalid": (
        "{what} is neither an electronic code (e.g. 3-2025-S02-0001) nor a customer's id or name with a card in customers/ (`dossier customers` lists them)",
        "{what} 既不是电子编码（如 3-2025-S02-0001），也不是在 customers/ 中有资料卡的客户编号或名称（`dossier customers` 可列出）",
    ),
    "grant-approver-not-entitled": (
        "this grant was approved by {approver}, who may not grant access (only the sales manager or the general manager may): it gives nothing; have it approved again",
        "此授权由 {approver} 批准，其无权授权（只有销售经理或总经理可以）：授权无效；请重新报批",
    ),
    "grant-expired": (
        "this grant expired on {expires}: it gives nothing; renew it or remove it",
        "此授权已于 {expires} 到期：授权无效；请续批或删除",
    ),
    "grant-not-started": (
        "this grant starts on {approved_on}, later than today: it gives nothing until then",
        "此授权自 {approved_on} 起生效，晚于今天：在此之前授权无效",
    ),
    # --- confidential values encrypted with age 保密字段加密 ---------------------------------------
    "confidential-clear": (
        "{field} is confidential but stored in clear; run `dossier rekey {file}` to encrypt it to its readers",
        "{field} 为保密字段，却以明文保存；请运行 `dossier rekey {file}` 将其加密给有权查阅的人",
    ),
    "confidential-recipients": (
        "{field} is not encrypted to exactly the people who may read it (missing: {missing}; extra: {extra}); run `dossier rekey {file}` with a key that can decrypt it (e.g. the sales manager's)",
        "{field} 的加密对象与有权查阅的人不一致（缺少：{missing}；多出：{extra}）；请用能解密的密钥（如销售经理的）运行 `dossier rekey {file}`",
    ),
    "confidential-unbound": (
        "{field}: this encrypted value is too short to hold dossier's binding to its item and field: it was encrypted without dossier (by the age command?) or copied from another place; write the value in clear in its place and run `dossier rekey {file}`, which encrypts it with the binding",
        "{field}：此加密值太短，容不下 dossier 将其绑定到所属档案件与字段的信息：它不是由 dossier 加密的（是否用 age 命令加密？），或是从别处复制而来；请在原处改填明文，再运行 `dossier rekey {file}`，由它加密并加上绑定",
    ),
    "confidential-armor": (
        "{field}: the encrypted value is damaged ({detail}); restore it from the history (`git log -p {file}`) or enter the value again in clear and run `dossier rekey {file}`",
        "{field}：加密值已损坏（{detail}）；请从历史中恢复（`git log -p {file}`），或重新填写明文后运行 `dossier rekey {file}`",
    ),
    "confidential-no-key": (
        "{person} may read confidential values but has no encryption_key, so nothing can be encrypted to them; add their SSH ed25519 public key (the line of id_ed25519.pub) here, then run `dossier rekey`",
        "{person} 有权查阅保密字段，但没有 encryption_key，无法为其加密；请在此填写其 SSH ed25519 公钥（id_ed25519.pub 的内容），然后运行 `dossier rekey`",
    ),
    "identity-none": (
        "no key to decrypt with: give your SSH ed25519 private key with --identity FILE or DOSSIER_IDENTITY (default ~/.ssh/id_ed25519); its public key must be your encryption_key in people.yaml",
        "没有可用于解密的密钥：请用 --identity FILE 或 DOSSIER_IDENTITY 指定您的 SSH ed25519 私钥（默认 ~/.ssh/id_ed25519）；其公钥须为 people.yaml 中您的 encryption_key",
    ),
    "identity-passphrase": (
        "{file} is protected by a passphrase, which dossier cannot use; make a key without one for the archive (ssh-keygen -t ed25519 -N '' -f ~/.ssh/dossier_ed25519), put its .pub line as your encryption_key in people.yaml, and give it with --identity or DOSSIER_IDENTITY",
        "{file} 设有口令，dossier 无法使用；请为档案另建一个无口令的密钥（ssh-keygen -t ed25519 -N '' -f ~/.ssh/dossier_ed25519），将其 .pub 内容填为 people.yaml 中您的 encryption_key，并用 --identity 或 DOSSIER_IDENTITY 指定",
    ),
    "identity-invalid": (
        "{file} is not an OpenSSH ed25519 private key; give the private key (not the .pub file) with --identity or DOSSIER_IDENTITY",
        "{file} 不是 OpenSSH ed25519 私钥；请用 --identity 或 DOSSIER_IDENTITY 指定私钥（不是 .pub 文件）",
    ),
    "identity-file-unreadable": (
        "cannot read the identity file {file}; check the path given with --identity or DOSSIER_IDENTITY",
        "无法读取密钥文件 {file}；请检查 --identity 或 DOSSIER_IDENTITY 给出的路径",
    ),
    "identity-not-recipient": (
        "your key {file} is not among the recipients of these values; if you may read them, ask the sales manager or the general manager for a grant, then have `dossier rekey` run",
        "您的密钥 {file} 不在这些值的加密对象之中；如您有权查阅，请向销售经理或总经理申请授权，再请人运行 `dossier rekey`",
    ),
    "hidden-values": (
        "{count} confidential value(s) shown as 已加密 / encrypted: {why}",
        "{count} 个保密字段显示为“已加密 / encrypted”：{why}",
    ),
    "value-unbound": (
        "{field}: this value was encrypted without dossier (by the age command?): it decrypts, but lacks dossier's binding to its item and field, so it is not shown; write the value in clear in its place and run `dossier rekey` on the file, which encrypts it with the binding",
        "{field}：此值不是由 dossier 加密的（是否用 age 命令加密？）：可以解密，但缺少 dossier 将其绑定到所属档案件与字段的信息，因此不予显示；请在原处改填明文，再对该文件运行 `dossier rekey`，由它加密并加上绑定",
    ),
    "value-refused": (
        "{field}: this encrypted value belongs to {found}, not here (copied from elsewhere?); it is not shown; enter the value again in clear and run `dossier rekey`",
        "{field}：此加密值属于 {found}，不属于此处（是否从别处复制而来？）；不予显示；请重新填写明文并运行 `dossier rekey`",
    ),
    "value-damaged": (
        "{field}: this encrypted value cannot be decrypted (damaged); restore it from the history (`git log -p`)",
        "{field}：此加密值无法解密（已损坏）；请从历史中恢复（`git log -p`）",
    ),
    "rekey-encrypted": ("{field}: encrypted for {readers}", "{field}：已加密给 {readers}"),
    "rekey-reencrypted": ("{field}: re-encrypted for {readers}", "{field}：已重新加密给 {readers}"),
    "rekey-would-encrypt": ("{field}: would be encrypted for {readers}", "{field}：将加密给 {readers}"),
    "rekey-would-reencrypt": ("{field}: would be re-encrypted for {readers}", "{field}：将重新加密给 {readers}"),
    "rekey-no-key": (
        "{field}: not re-encrypted: it must be decrypted first and your key cannot; run `dossier rekey` as one of its recipients (e.g. the sales manager)",
        "{field}：未重新加密：需先解密，而您的密钥无法解密；请由其加密对象之一（如销售经理）运行 `dossier rekey`",
    ),
    "rekey-nobody": (
        "{field}: not encrypted: nobody who may read it has an encryption_key in people.yaml; add the keys, then run `dossier rekey` again",
        "{field}：未加密：有权查阅者在 people.yaml 中都没有 encryption_key；请补充后再运行 `dossier rekey`",
    ),
    "report-field-encrypted": (
        "{field} is encrypted and your key cannot decrypt it, so the report leaves this item out; make the report with a key that can ($DOSSIER_IDENTITY, else ~/.ssh/id_ed25519; the sales manager's reads all)",
        "{field} 已加密，您的密钥无法解密，报表因此未计入此件；请用能解密的密钥生成报表（$DOSSIER_IDENTITY，否则 ~/.ssh/id_ed25519；销售经理的密钥可解密全部）",
    ),
    "rekey-rewrite-failed": (
        "{file}: rewriting the encrypted values would have changed something else in the file, so nothing was written; please report it with the file",
        "{file}：改写加密值会改动文件中的其他内容，因此未写入；请连同该文件一起报告",
    ),
    "rekey-summary": (
        "{changed} value(s) encrypted or re-encrypted in {files} file(s); {unchanged} already right; {failed} could not be changed",
        "{files} 个文件中加密或重新加密了 {changed} 个值；{unchanged} 个无需改动；{failed} 个无法处理",
    ),
    "rekey-summary-dry": (
        "dry run, nothing written: {changed} value(s) in {files} file(s) would change; {unchanged} already right; {failed} could not be changed",
        "试运行，未写入：{files} 个文件中将有 {changed} 个值改动；{unchanged} 个无需改动；{failed} 个无法处理",
    ),
    # --- history: the modification record --------------------------------------------------------
    "history-not-git": (
        "{root} is not in a git repository, so it has no modification record; keep the archive in git (`dossier init` sets one up)",
        "{root} 不在 git 仓库中，因此没有修改记录；档案须保存在 git 中（可用 `dossier init` 建立）",
    ),
    "history-git-failed": (
        "git could not read the history of {root}: {detail}; check the repository with `git status`",
        "git 无法读取 {root} 的历史：{detail}；请用 `git status` 检查仓库",
    ),
    "history-none": (
        "{code} has no change in the git history of the current branch; check the code or customer id (`dossier list` shows the codes, customers/ the cards) and that it was committed",
        "当前分支的 git 历史中没有 {code} 的任何修改；请核对编码或客户编号（`dossier list` 可列出编码，customers/ 中是客户资料卡），并确认已提交",
    ),
    "history-subject-invalid": (
        "'{code}' is neither an electronic code (like 3-2025-S02-0017) nor a customer id (like C0007); check it with `dossier list` or in customers/",
        "'{code}' 既不是电子编码（形如 3-2025-S02-0017），也不是客户编号（形如 C0007）；请用 `dossier list` 或在 customers/ 中核对",
    ),
    "history-reencrypted": (
        "value unchanged, encrypted again for its readers",
        "值未变，已按查阅人重新加密",
    ),
    "review-title": (
        "Review of {branch} into {base} ({base_sha} → {tip_sha}): {count} commit(s)",
        "审阅 {branch} 合并入 {base}（{base_sha} → {tip_sha}）：共 {count} 个提交",
    ),
    "review-empty": (
        "{branch} holds nothing {base} lacks: there is nothing to approve",
        "{branch} 没有 {base} 所缺少的内容：无需批准",
    ),
    "review-commit": ("commit {number}/{total} {sha} {date} {author}: {title}", "提交 {number}/{total} {sha} {date} {author}：{title}"),
    "review-no-reason": ("no reason given (no `Reason:` trailer)", "未说明修改原因（没有 `Reason:`）"),
    "review-added": ("added", "新增"),
    "review-modified": ("modified", "修改"),
    "review-deleted": ("deleted", "删除"),
    "review-moved": ("moved", "移动"),
    "review-item": ("item {subject}", "档案 {subject}"),
    "review-card": ("customer card {subject}", "客户资料卡 {subject}"),
    "review-withheld": (
        "{count} changed value(s) not shown: {subject} is not yours to read; ask someone who may read it to review it",
        "{count} 处修改未显示：您无权查阅 {subject}；请由有权查阅者审阅",
    ),
    "review-bytes": ("content (sha256) {old} → {new}", "内容（sha256）{old} → {new}"),
    "review-net": (
        "What the approval's merge changes on {base} ({base} moved on since the branch began, or the branch holds merges): this is what is signed",
        "批准合并后 {base} 的实际变化（分支创建后 {base} 已有新提交，或分支含合并提交）：签名所批准的即是以下内容",
    ),
    "review-conflicts": (
        "{branch} does not merge cleanly into {base} ({paths}): bring the branch up to date with {base} and resolve them before approval",
        "{branch} 无法与 {base} 自动合并（{paths}）：请先将分支更新到 {base} 并解决冲突，再提请批准",
    ),
    "review-policy-ok": (
        "policy: no violation; may be approved by {approvers}",
        "审批规则：无违规；可由 {approvers} 批准",
    ),
    "review-policy-bad": ("policy: {count} violation(s)", "审批规则：{count} 处违规"),
    "review-validation-ok": (
        "validation: the archive as merged has no problem in the files the branch changes",
        "校验：合并后的档案中，本分支修改的文件没有问题",
    ),
    "review-validation-bad": (
        "validation: {errors} error(s), {warnings} warning(s) in the files the branch changes, the archive as merged",
        "校验：合并后的档案中，本分支修改的文件有 {errors} 个错误、{warnings} 个警告",
    ),
    "review-md-title": ("Dossier review: {branch} into {base}, {count} commit(s)", "档案审阅：{branch} 合并入 {base}，共 {count} 个提交"),
    "review-md-note": (
        "Confidential values are not shown on this page; the approver reads them with {branch}.",
        "本页不显示保密字段的值；审批人请用 {branch} 查看。",
    ),
    "review-md-verdicts": ("Verdicts", "结论"),
    "review-md-commits": ("Commits", "提交"),
    "review-md-columns": ("field|old|new", "字段|原值|新值"),
    "review-unknown-revision": (
        "'{rev}' is not a branch or commit of this repository; name the branch to review (`git branch -a` lists them)",
        "'{rev}' 不是本仓库的分支或提交；请给出要审阅的分支（`git branch -a` 可列出）",
    ),
    "review-failed": (
        "git {step} failed while reading the branch: {detail}; check the repository with `git status`",
        "读取分支时 git {step} 失败：{detail}；请用 `git status` 检查仓库",
    ),
    "verify-approver-role": (
        "{person} may not approve this branch: changes to the archive are approved by {approvers}",
        "{person} 无权批准此分支：档案的修改由 {approvers} 批准",
    ),
    "verify-approver-self": (
        "{person} wrote commits of this branch and may not approve it: ask {approvers} (someone else) to approve",
        "{person} 是此分支提交的作者，不能自行批准：请由他人（{approvers}）批准",
    ),
    "history-title": ("{code}: {count} change(s)", "{code}：共 {count} 条修改记录"),
    "history-reason": ("reason: {reason}", "原因：{reason}"),
    "history-approver": ("approved by {person}", "批准人：{person}"),
    "history-unreadable": (
        "(a version is not readable YAML, so its fields are not compared)",
        "（有一个版本不是可读的 YAML，未比较字段）",
    ),
    "history-action-added": ("added", "新增"),
    "history-action-modified": ("modified", "修改"),
    "history-action-deleted": ("deleted", "删除"),
    "history-action-restored": ("restored", "恢复"),
    "history-action-purged": ("purged", "彻底删除"),
    "history-columns": ("date|commit|author|action|code|reason|approver", "日期|提交|修改人|操作|编码|原因|批准人"),
    "history-log-empty": ("no changes match", "没有符合条件的修改记录"),
    "list-none": ("no item matches these filters", "没有符合条件的档案"),
    # --- command line ---------------------------------------------------------------------------
    "summary": (
        "{errors} error(s), {warnings} warning(s) in {files} file(s)",
        "{files} 个文件中有 {errors} 个错误、{warnings} 个警告",
    ),
    "clean": ("{files} file(s) checked, no problems", "已检查 {files} 个文件，没有问题"),
    "warning-word": ("warning", "警告"),
    "item-deleted-where": (
        "{code} was deleted: it is in {path} until it is purged; bring it back with `dossier restore {code}` (`dossier history {code}` tells who deleted it and why)",
        "{code} 已删除：在彻底删除前保存在 {path}；可用 `dossier restore {code}` 恢复（`dossier history {code}` 可查看删除人和原因）",
    ),
    "item-gone": (
        "{code} is no longer in the archive: it was purged (or removed) at commit {commit} on {date}; bring it back with `dossier restore {code} --from-history`",
        "{code} 已不在档案中：已于 {date} 在提交 {commit} 中彻底删除（或被移除）；可用 `dossier restore {code} --from-history` 从历史中恢复",
    ),
    "item-not-found": (
        "no item {code} in this archive; `dossier list` shows the codes",
        "档案中没有 {code}；`dossier list` 可列出所有编码",
    ),
    "code-invalid": (
        "'{code}' is not an electronic code; codes look like 3-2025-S02-0017",
        "'{code}' 不是电子编码；编码形如 3-2025-S02-0017",
    ),
    "identity-missing": (
        "git user.email is not set; set it with `git config user.email you@example.com` (it must be in people.yaml)",
        "未设置 git user.email；请用 `git config user.email 邮箱` 设置（须与 people.yaml 一致）",
    ),
    "identity-unknown": (
        "your git user.email {email} is not in people.yaml; correct `git config user.email` or ask the archivist to add you",
        "你的 git user.email {email} 不在 people.yaml 中；请更正 `git config user.email`，或请档案员添加你",
    ),
    "new-not-your-customer": (
        "{customer} is the customer of {manager} (its card names them): a customer manager adds records for their "
        "own customers; ask {manager} to add it, or, if the customer has become yours, have its card changed first",
        "{customer} 是 {manager} 的客户（客户卡片登记的客户经理）：客户经理只为自己的客户添加档案；请由 {manager} 添加，"
        "如该客户已转交给你，请先修改其客户卡片",
    ),
    "no-section": (
        "{person} has no section and customer {customer} has no manager with one; new items go into a customer manager's section (material without a customer into the sales manager's, the department's own: people.yaml names no sales manager with a section)",
        "{person} 没有卷章，客户 {customer} 也没有带卷章的客户经理；新档案须归入某位客户经理的卷章（无客户的材料归入销售部经理即本部门的卷章，但 people.yaml 中没有带卷章的销售部经理）",
    ),
    "customer-needed": (
        "type {type} (category {category}) needs a customer: add --customer",
        "文件类型 {type}（第 {category} 类）必须指定客户：请加上 --customer",
    ),
    "unknown-type": ("unknown item type {type}; the types are: {types}", "未知的文件类型 {type}；可用类型：{types}"),
    "progress-validate": ("checking files", "正在检查文件"),
    "progress-render": ("rendering items", "正在排版档案"),
    "progress-index": ("reading files into the index", "正在更新索引"),
    "progress-report": ("reading records", "正在读取档案"),
    "progress-import": ("checking rows", "正在检查各行"),
    "progress-export": ("writing rows", "正在写出各行"),
    "customers-none": ("no customer matches these filters", "没有符合条件的客户"),
    "filter-unknown": (
        "{option} {value}: no such value in this archive (closest: {closest}); `dossier customers` lists the customers, people.yaml the people, `dossier new --help` the types",
        "{option} {value}：本档案中没有这个值（最接近的是 {closest}）；客户见 `dossier customers`，人员见 people.yaml，文件类型见 `dossier new --help`",
    ),
    "filter-ambiguous": (
        "{option} {value} names more than one customer ({candidates}); give the id or the full name",
        "{option} {value} 对应多位客户（{candidates}）；请给出客户编号或全称",
    ),
    "unknown-customer-option": (
        "customer {customer} does not exist; `dossier customers` lists the customers",
        "客户 {customer} 不存在；请用 `dossier customers` 查看客户",
    ),
    "date-invalid": ("'{value}' is not a date; write YYYY-MM-DD", "'{value}' 不是日期；请写作 YYYY-MM-DD"),
    "wrote-draft": ("wrote draft {file}", "已生成草稿 {file}"),
    "config-broken": (
        "the archive's configuration has problems (above); fix them first",
        "档案配置有问题（见上）；请先修正",
    ),
    "interrupted": ("interrupted; nothing was written", "已中断；未写入任何文件"),
    # --- git: approvals, verify, hooks ------------------------------------------------------------
    # --- paper volumes: render volume, bind, check-paper, bound-changed --------------------------
    "render-no-cjk-font": (
        "no Chinese font is installed (`fc-list :lang=zh` finds none), so the volume would print empty boxes; install one (Debian/Ubuntu: `sudo apt-get install {package}`) and render again",
        "未安装中文字体（`fc-list :lang=zh` 没有结果），生成的案卷会显示为空框；请安装中文字体（Debian/Ubuntu：`sudo apt-get install {package}`）后重新生成",
    ),
    "render-nothing": (
        "category {category}, {year} has no filed or bound items, so there is no volume to make; file items first (status: filed)",
        "第 {category} 类 {year} 年度没有已归档或已装订的档案，无法组卷；请先归档（status: filed）",
    ),
    "render-wrote-bound": (
        "wrote {file}: volume {volume}, {items} item(s), {pages} numbered page(s); print it and check it with `dossier check-paper`",
        "已生成 {file}：案卷 {volume}，共 {items} 件，{pages} 页；打印后可用 `dossier check-paper` 核对",
    ),
    "render-wrote-unbound": (
        "wrote {file}: draft of volume {volume} (not bound yet), {items} item(s), {pages} numbered page(s); bind it with `dossier bind` before printing the final copy",
        "已生成 {file}：案卷 {volume} 样稿（尚未装订），共 {items} 件，{pages} 页；正式打印前请用 `dossier bind` 装订",
    ),
    "render-pages-differ": (
        "{count} item(s) of {volume} now take other pages than its manifest recorded (first: {code}, page {found}, recorded {expected}); items or templates changed since binding: restore the bound versions (`dossier validate` names them) before printing, and check the paper with `dossier check-paper`",
        "{volume} 有 {count} 件的页号与装订清单不符（首件 {code}：现为第 {found} 页，登记为第 {expected} 页）；装订后档案或模板有变化：请先恢复装订时的版本（`dossier validate` 会指出）再打印，并用 `dossier check-paper` 核对纸质案卷",
    ),
    "render-attachment-missing": (
        "attachment {file} of {code} is missing; a placeholder page stands in for it and the 备考表 says so: restore the file from git history",
        "{code} 的附件 {file} 缺失；已以说明页代替并在备考表中注明：请从 git 历史恢复该文件",
    ),
    "render-attachment-damaged": (
        "attachment {file} of {code} does not match its sha256; a placeholder page stands in for it: restore the original file (`dossier validate` names it)",
        "{code} 的附件 {file} 与登记的 sha256 不符；已以说明页代替：请恢复原文件（`dossier validate` 会指出）",
    ),
    "render-attachment-unreadable": (
        "attachment {file} of {code} cannot be read as an image or PDF; a placeholder page stands in for it: replace it with a readable scan",
        "{code} 的附件 {file} 无法作为图片或 PDF 读取；已以说明页代替：请换成可读的扫描件",
    ),
    "render-failed": (
        "cannot lay out {code}: {detail}; check the item with `dossier validate` and `dossier show {code}`",
        "无法排版 {code}：{detail}；请用 `dossier validate` 和 `dossier show {code}` 检查该档案",
    ),
    "render-unreadable": (
        "{count} item file(s) cannot be read (above) and are left out of the volumes; fix them (`dossier validate` says how) and render again",
        "有 {count} 个档案文件无法读取（见上），未能入卷；请修正（`dossier validate` 会说明）后重新生成",
    ),
    "render-no-harfbuzz-subset": (
        "HarfBuzz's font subsetter is not installed, and a volume embeds its fonts (page numbers included) with it; install it (Debian/Ubuntu: `sudo apt-get install {package}`, or `bash scripts/setup.sh`) and render again",
        "未安装 HarfBuzz 字体子集库，案卷需用它嵌入字体（包括页码字体）；请安装（Debian/Ubuntu：`sudo apt-get install {package}`，或运行 `bash scripts/setup.sh`）后重新生成",
    ),
    "render-fonts-not-shared": (
        "{volume}: the font(s) {fonts} of {count} document(s) (first: {code}) are embedded once per document instead of once per volume: fontconfig finds no font file WeasyPrint's subset was cut from; the PDF is complete but larger: check `fc-list` and the fonts installed (render/fonts.py)",
        "{volume}：{count} 份文件（首份 {code}）的字体 {fonts} 未能在全卷共用，改为每份文件各自嵌入：fontconfig 找不到 WeasyPrint 所用子集的原字体文件；PDF 完整但体积更大：请用 `fc-list` 检查已安装的字体（render/fonts.py）",
    ),
    "pdfa-no-ghostscript": (
        "attached PDFs are converted to PDF/A (every font embedded) by Ghostscript, which is not installed; install it (Debian/Ubuntu: `sudo apt-get install {package}`, or `bash scripts/setup.sh`) and render again",
        "附件 PDF 需经 Ghostscript 转换为 PDF/A（嵌入全部字体），但未安装 Ghostscript；请安装（Debian/Ubuntu：`sudo apt-get install {package}`，或运行 `bash scripts/setup.sh`）后重新生成",
    ),
    "pdfa-attachment-failed": (
        "the attached PDF {path} cannot be converted to PDF/A by Ghostscript ({detail}); replace it with a readable copy (print it to PDF again, or scan the paper) and render again",
        "附件 PDF {path} 无法由 Ghostscript 转换为 PDF/A（{detail}）；请换成可读的副本（重新打印为 PDF，或扫描纸质件）后重新生成",
    ),
    "manifest-broken": (
        "{path}: field {field} is missing or malformed; restore the manifest from git history (`git log -- {path}`)",
        "{path}：字段 {field} 缺失或格式错误；请从 git 历史恢复装订清单（`git log -- {path}`）",
    ),
    "bind-nothing": (
        "category {category}, {year} has no filed item that is not bound yet; file items first, or render the bound volumes with `dossier render volume {category} {year}`",
        "第 {category} 类 {year} 年度没有待装订的已归档档案；请先归档，或用 `dossier render volume {category} {year}` 生成已装订的案卷",
    ),
    "bind-attachment": (
        "cannot bind {code}: its attachment {path} is {problem}; a bound volume is frozen, so fix the attachment first (`dossier validate` names the problem)",
        "无法装订 {code}：附件 {path} 有问题（{problem}）；装订后不得修改，请先修复附件（`dossier validate` 会指出问题）",
    ),
    "history-read-failed": (
        "git {step} could not read the history: {detail}; check the range or branch you named (e.g. main, "
        "origin/main..HEAD, a branch `git branch` lists)",
        "git {step} 无法读取历史：{detail}；请检查所给的范围或分支名（例如 main、origin/main..HEAD，或 `git branch` 列出的分支）",
    ),
    "bind-checker-unknown": (
        "--checked-by {person} is not in people.yaml; give the id of the person who checked the volume",
        "--checked-by {person} 不在 people.yaml 中；请填写检查人的人员编号",
    ),
    "bound-volume": (
        "bound {volume}: {items} item(s), piece(s) {pieces}, {pages} page(s), manifest {manifest}",
        "已装订 {volume}：共 {items} 件，件号 {pieces}，{pages} 页，装订清单 {manifest}",
    ),
    "bind-pages-declared": (
        "{code} says it has {declared} page(s) (its pages plus its attachments'), but it takes {pages} in {volume} (pages {range}); the volume's count is the one its contents, cover, the catalogue and check-paper use: correct the item's `pages` in a later change if the paper original has another count",
        "{code} 登记的页数为 {declared} 页（本件及附件的 pages 之和），在 {volume} 中实占 {pages} 页（第 {range} 页）；卷内目录、封面、电子目录和 check-paper 均以案卷实际页数为准：如纸质原件页数不同，请另行修改该件的 pages",
    ),
    "bind-done": (
        "committed {sha}; print the volumes with `dossier render volume {category} {year}`, then check them with `dossier check-paper {category} {year}`",
        "已提交 {sha}；请用 `dossier render volume {category} {year}` 生成案卷并打印，再用 `dossier check-paper {category} {year}` 核对",
    ),
    "bound-changed": (
        "{path} changed after it was bound into {volume} (its sha256 differs from {manifest}); bound items are frozen: restore the bound version (`git log -- {path}`) and file the change as a new item",
        "{path} 装订入 {volume} 后被修改（sha256 与 {manifest} 不符）；已装订的档案不得修改：请恢复装订时的版本（`git log -- {path}`），修改内容另行归档",
    ),
    "bound-missing": (
        "{code} is bound into {volume} but {path} is gone; bound items are never deleted: restore it with `dossier restore {code}` (or --from-history)",
        "{code} 已装订入 {volume}，但 {path} 已不存在；已装订的档案不得删除：请用 `dossier restore {code}`（或 --from-history）恢复",
    ),
    "bound-attachment-changed": (
        "attachment {file} of {path} changed or is gone since it was bound into {volume} (see {manifest}); restore the bound file from git history",
        "{path} 的附件 {file} 在装订入 {volume} 后被修改或删除（见 {manifest}）；请从 git 历史恢复装订时的文件",
    ),
    "check-paper-unbound": (
        "category {category}, {year} has no bound volume to check; bind it with `dossier bind {category} {year}` and render it first",
        "第 {category} 类 {year} 年度没有已装订的案卷可核对；请先用 `dossier bind {category} {year}` 装订并生成案卷",
    ),
    "check-paper-missing": (
        "no PDF of volume {volume} here; render it with `dossier render volume {category} {year} --output FOLDER`, or name the file with --pdf",
        "此处没有案卷 {volume} 的 PDF；请用 `dossier render volume {category} {year} --output 文件夹` 生成，或用 --pdf 指定文件",
    ),
    "check-paper-no-file": ("the file does not exist; give the path of a volume PDF", "文件不存在；请指定案卷 PDF 的路径"),
    "check-paper-unknown-pdf": (
        "its cover names {found}, which is not a bound volume of category {category}, {year} ({volumes}); give the PDF of one of those",
        "封面档号为 {found}，不是第 {category} 类 {year} 年度已装订的案卷（{volumes}）；请指定其中某卷的 PDF",
    ),
    "check-paper-unreadable": (
        "cannot read {path}: {detail}; render the volume again",
        "无法读取 {path}：{detail}；请重新生成案卷",
    ),
    "check-paper-no-pdftotext": (
        "pdftotext is not installed; install poppler-utils (Debian/Ubuntu: `sudo apt-get install poppler-utils`) and check again",
        "未安装 pdftotext；请安装 poppler-utils（Debian/Ubuntu：`sudo apt-get install poppler-utils`）后重新核对",
    ),
    "check-paper-cover": (
        "cover: {field} reads {found}, the manifest says {expected}; render the volume again and reprint the cover",
        "案卷封面：{field} 为 {found}，装订清单为 {expected}；请重新生成案卷并重印封面",
    ),
    "check-paper-rows": (
        "the contents 卷内目录 list {found} item(s), the manifest {expected}; render the volume again and reprint the contents",
        "卷内目录列出 {found} 件，装订清单为 {expected} 件；请重新生成案卷并重印卷内目录",
    ),
    "check-paper-row": (
        "contents row {index}: {field} reads '{found}', the manifest says '{expected}'; render the volume again and reprint the contents",
        "卷内目录第 {index} 行：{field} 为“{found}”，装订清单为“{expected}”；请重新生成案卷并重印卷内目录",
    ),
    "check-paper-record": (
        "{field} of {code} reads '{found}' in the contents of {volume} but '{expected}' in the record; the record changed after binding or the paper is outdated: restore the bound version or render the volume again",
        "{code} 的{field}在 {volume} 卷内目录中为“{found}”，档案中为“{expected}”；档案在装订后被修改或纸质案卷已过时：请恢复装订时的版本或重新生成案卷",
    ),
    "check-paper-record-gone": (
        "{code} stands in the contents of {volume} but its record is gone; bound items are never deleted: restore it with `dossier restore {code}` (or --from-history)",
        "{code} 列在 {volume} 卷内目录中，但其电子档案已不存在；已装订的档案不得删除：请用 `dossier restore {code}`（或 --from-history）恢复",
    ),
    "check-paper-pages": (
        "the items take {found} numbered page(s), the manifest says {expected}; pages are missing or extra: render and print the volume again",
        "卷内文件共 {found} 页，装订清单为 {expected} 页；有缺页或多页：请重新生成并打印案卷",
    ),
    "check-paper-pages-missing": (
        "page(s) {pages} of the items are missing (page {next} follows page {before}): the items take {found} numbered page(s), the manifest says {expected}; print the missing page(s) of the volume again",
        "卷内文件缺第 {pages} 页（第 {before} 页之后即为第 {next} 页）：共 {found} 页，装订清单为 {expected} 页；请重新打印所缺的页",
    ),
    "check-paper-stamp": (
        "page {position} of the items is numbered {found}, expected {expected}; pages are missing, extra or out of order: render and print the volume again",
        "卷内文件第 {position} 页的页号为 {found}，应为 {expected}；有缺页、多页或顺序错乱：请重新生成并打印案卷",
    ),
    "check-paper-start": (
        "page {page} does not hold the start of {code}, as the contents say it does; render and print the volume again",
        "第 {page} 页不是 {code} 的首页，与卷内目录不符；请重新生成并打印案卷",
    ),
    "check-paper-back": (
        "the 备考表 does not show the {what} {expected}; render the volume again and reprint the 备考表",
        "卷内备考表未列出 {what} {expected}；请重新生成案卷并重印备考表",
    ),
    "check-paper-ok": (
        "{volumes} volume(s) checked: cover, contents, page numbers and 备考表 agree with the manifests and the records",
        "已核对 {volumes} 卷：封面、卷内目录、页号和备考表与装订清单及档案一致",
    ),
    "check-paper-summary": (
        "{count} problem(s) in {volumes} volume(s); fix them as each line says",
        "{volumes} 卷中有 {count} 处问题；请按各行提示处理",
    ),
    "role-sales_manager": ("the sales manager", "销售部经理"),
    "role-general_manager": ("the general manager", "总经理"),
    "verify-unapproved": (
        "changes {paths} directly on the main line; such changes reach main only through a merge approved and signed by {role}: move the commit to a branch and ask for `dossier approve` (a push says how); once it is on the server's main, undo it with a revert approved the same way",
        "直接在主线上修改了 {paths}；此类修改须经{role}审批签名的合并才能进入主线：请将该提交移到分支上并请其执行 `dossier approve`（推送被拒时会说明步骤）；若已在服务器的主线上，请以同样经审批的撤销提交（revert）撤销",
    ),
    "verify-missing-reason": (
        "changes {paths} without a `Reason:` trailer holding visible text; amend the commit message with `Reason: <why>`",
        "修改 {paths} 却没有写明修改原因（`Reason:` 为空或只有不可见字符）；请在提交信息末尾加上 `Reason: 原因`",
    ),
    "verify-unsigned": (
        "merge by {committer} approves changes that need an approval but is not signed; the approver merges with `dossier approve`, which signs",
        "{committer} 的合并批准了须经审批的修改，但没有签名；应由审批人用 `dossier approve` 签名合并",
    ),
    "verify-tampered": (
        "merge by {committer} carries a signature that does not match the commit: it was altered after signing; revert it and have the approver approve the branch again",
        "{committer} 的合并所带签名与提交内容不符：签名后被改动过；请撤销该合并，由审批人重新批准",
    ),
    "verify-unknown-key": (
        "merge by {committer} is signed with key {fingerprint}, which people.yaml (as it stood before the merge) lists for no one; the approver signs with the signing_key people.yaml lists for them",
        "{committer} 的合并所用签名密钥 {fingerprint} 不在合并前的 people.yaml 中；审批人须用 people.yaml 为其登记的 signing_key 签名",
    ),
    "verify-wrong-person": (
        "merge committed as {committer} is signed with the key people.yaml lists for {signer}; an approver signs with their own key, as themselves",
        "以 {committer} 名义提交的合并，签名用的却是 people.yaml 中 {signer} 的密钥；审批人须以本人身份、用本人的密钥签名",
    ),
    "verify-not-approver": (
        "merge approving {paths} is signed by {signer}, who is not {role}; only {role} approves these changes",
        "批准 {paths} 的合并由 {signer} 签名，其不是{role}；这些修改只能由{role}批准",
    ),
    "verify-self-approval": (
        "{signer} approved their own changes; {role} must approve them",
        "{signer} 批准了自己的修改；须由{role}审批",
    ),
    "verify-frozen-changed": (
        "{path} is written once by the tool (a deletion record, what trash/ keeps, a volume manifest) and never changed or removed by hand; revert the change",
        "{path} 由本工具一次写成（删除记录、回收站中保留的文件、装订清单），之后不得手工修改或删除；请撤销该修改",
    ),
    "verify-trash-unrecorded": (
        "{path} was put into or taken out of trash/ without its deletion record; only `dossier delete`, `restore` and `purge` write trash/: revert the change",
        "{path} 未随其删除记录进出回收站 trash/；只有 `dossier delete`、`restore` 和 `purge` 可写 trash/：请撤销该修改",
    ),
    "verify-deletion-invalid": (
        "{path} is not a valid deletion record of an item this commit moves to trash/ (code, path, attachments and a visible reason); delete items with `dossier delete`",
        "{path} 不是本提交移入回收站之档案的有效删除记录（编号、路径、附件及可见的删除原因）；请用 `dossier delete` 删除档案",
    ),
    "verify-purge-early": (
        "{code} was purged at {purged}, less than {days} day(s) after the server received its deletion at {deleted}; restore it with `dossier restore {code} --from-history`",
        "{code} 于 {purged} 被彻底删除，距服务器收到其删除（{deleted}）不足 {days} 天；请用 `dossier restore {code} --from-history` 恢复",
    ),
    "verify-purge-unreceived": (
        "cannot tell whether the retention month of {code} had ended before its purge: the server's receipts of the deletion or the purge are not here; push the purge on a branch first and fetch the receipts (`git fetch origin +refs/dossier/received:refs/dossier/received`)",
        "无法判断 {code} 彻底删除前保留期是否已满：本地没有服务器收到删除或彻底删除的记录；请先把彻底删除推送到分支，并取回接收记录（`git fetch origin +refs/dossier/received:refs/dossier/received`）",
    ),
    "verify-ref-outside-branches": (
        "the push writes {ref}, which the record does not need; push the record branch {main} and work branches under refs/heads/ only (no tags, notes or other refs)",
        "此推送写入 {ref}，档案记录不需要该引用；只可推送记录分支 {main} 和 refs/heads/ 下的工作分支（不可推送标签、注释等其他引用）",
    ),
    "verify-ref-shadows-record": (
        "the push writes {ref}, whose name could be taken for the record branch {main}; name work branches so that no part is `{main}` or `HEAD` and they do not start with origin/, refs/, heads/, tags/ or remotes/",
        "此推送写入 {ref}，其名称可能与记录分支 {main} 混淆；工作分支名的任何一段都不可为 `{main}` 或 `HEAD`，也不可以 origin/、refs/、heads/、tags/、remotes/ 开头",
    ),
    "signatures-unavailable": (
        "cannot check signatures: install openssh-client (Debian/Ubuntu: `sudo apt-get install openssh-client`); {program} failed: {detail}",
        "无法核验签名：请安装 openssh-client（Debian/Ubuntu：`sudo apt-get install openssh-client`）；{program} 无法运行：{detail}",
    ),
    "verify-bound-changed": (
        "{path} was bound into a volume and then changed; bound items are frozen: revert the change and file a supplement instead",
        "{path} 已装订成卷后又被修改；已装订的档案不得修改：请撤销修改，改为补充归档",
    ),
    "needs-approval-on-main": (
        "note: this commit is on {main}, where verify and the server will refuse it ({found}); move it to a branch "
        "for the sales manager to approve: `git branch {branch}`, `git reset --keep HEAD~1`, then push {branch} and "
        "ask for `dossier approve {branch}`",
        "注意：此提交在 {main} 上，verify 和服务器都会拒绝（{found}）；请移到分支上交销售部经理批准："
        "`git branch {branch}`、`git reset --keep HEAD~1`，再推送 {branch} 并请其执行 `dossier approve {branch}`",
    ),
    "verify-history-rewritten": (
        "the push rewrites the history of {branch}: this commit would no longer be in it; the record of changes is "
        "never rewritten: undo a change with a new commit (`git revert`) and push that",
        "此推送改写了 {branch} 的历史：该提交将不再在其中；修改记录不可改写：请用新的提交撤销修改（`git revert`）后再推送",
    ),
    "verify-branch-deleted": (
        "the push deletes {branch}, the archive's record of changes, which is kept; delete other branches only",
        "此推送删除 {branch}，即档案的修改记录；该分支必须保留，只可删除其他分支",
    ),
    # --- render catalogue: the electronic catalogue 电子文件归档目录 ---------------------------
    "catalogue-written": (
        "wrote {file}: {items} item(s), {bound} of them bound",
        "已写出 {file}：共 {items} 件，其中已装订 {bound} 件",
    ),
    "catalogue-incomplete": (
        "{count} item file(s) could not be read and are missing from the catalogue (above); fix them (`dossier validate` says how) and render it again",
        "有 {count} 个档案文件无法读取，未列入目录（见上）；请修正（`dossier validate` 会说明如何修改）后重新生成目录",
    ),
    "verify-clean": ("{commits} commit(s) checked, no violations", "已检查 {commits} 个提交，没有违规"),
    "verify-summary": ("{count} violation(s) in {commits} commit(s)", "{commits} 个提交中有 {count} 处违规"),
    # --- import / export: spreadsheets (客户管理表, 销售记录表) ------------------------------------
    "mapping-not-found": (
        "the mapping {file} does not exist; give the path of a mapping file, or leave --mapping out to use the default",
        "映射文件 {file} 不存在；请给出映射文件的路径，或去掉 --mapping 使用默认映射",
    ),
    "mapping-kind": (
        "the mapping {file} is for {kind}, not {expected}; use a mapping with `kind: {expected}`",
        "映射文件 {file} 用于 {kind}，而不是 {expected}；请使用 `kind: {expected}` 的映射文件",
    ),
    "mapping-type": (
        "the item type {type} does not exist; use one of: {types}",
        "文件类型 {type} 不存在；请使用：{types}",
    ),
    "mapping-type-shape": (
        "records are imported as lines of items that cover a period, and the type {type} has no content field {field}; use a type that has (such as sales-record), or correct `lines:` / `total:`",
        "销售记录按期间导入为档案的明细行，而文件类型 {type} 没有内容字段 {field}；请使用具备该字段的类型（如 sales-record），或更正 `lines:` / `total:`",
    ),
    "mapping-field-unknown": (
        "column {header}: the field {field} does not exist in {kind}; correct it (see the archive's schemas/)",
        "列 {header}：字段 {field} 在 {kind} 中不存在；请更正（参见档案的 schemas/）",
    ),
    "mapping-header-twice": (
        "the heading {header} is already used by the column {other}; give each heading to one column only",
        "表头 {header} 已用于列 {other}；每个表头只能对应一列",
    ),
    "mapping-field-twice": (
        "the field {field} is already filled by the column {other}; map each field from one column only",
        "字段 {field} 已由列 {other} 填写；每个字段只能由一列填写",
    ),
    "mapping-field-needed": (
        "the mapping has no column for {field}; add one",
        "映射中没有对应 {field} 的列；请添加",
    ),
    "sheet-file-missing": (
        "{file} does not exist; give the path of the .xlsx or .csv file",
        "{file} 不存在；请给出 .xlsx 或 .csv 文件的路径",
    ),
    "sheet-format": (
        "{file} is neither .xlsx nor .csv; save it as an Excel workbook (.xlsx) or as csv",
        "{file} 既不是 .xlsx 也不是 .csv；请另存为 Excel 工作簿（.xlsx）或 csv",
    ),
    "sheet-unreadable": (
        "cannot read {file}: {detail}; open it in Excel or WPS and save it again as .xlsx",
        "无法读取 {file}：{detail}；请用 Excel 或 WPS 打开后重新另存为 .xlsx",
    ),
    "output-not-folder": (
        "--output {path} is a file: name a folder, or a file ending in {formats}",
        "--output {path} 是已有文件：请指定文件夹，或以 {formats} 结尾的文件名",
    ),
    "output-file-is-folder": (
        "--output {path} is a folder although its name ends like a file; name a file that does not exist as a folder",
        "--output {path} 名称像文件，却是已有的文件夹；请另取一个文件名",
    ),
    "output-format-mismatch": (
        "--output {name} does not end in .{format}, the format asked for; name the file .{format}, or leave out --format",
        "--output {name} 的扩展名与所选格式 .{format} 不符；请改用 .{format} 结尾的文件名，或省略 --format",
    ),
    "render-output-several": (
        "{path} names one file, but this category and year make {count} volumes; give a folder to write them into",
        "{path} 是单个文件，但该类目和年度共有 {count} 卷；请指定存放各卷的文件夹",
    ),
    "output-file": (
        "{file} is a sheet, PDF, web page or other output: these hold decrypted values and never belong in the archive; unstage it (git rm --cached {file}) and keep it outside. A scan attached to an item must be named in that item's attachments",
        "{file} 是表格、PDF、网页等输出文件：其中含有解密内容，不应放入档案；请取消暂存（git rm --cached {file}）并移到档案之外。作为附件的扫描件须在所属条目的 attachments 中列明",
    ),
    "staged-edited": (
        "{file} was changed again after `git add`: the hook checks the work tree's version of it, not the one the commit would take; stage it again (git add {file}) or undo the later change (git restore {file})",
        "{file} 在 git add 之后又被修改：钩子校验的是工作区中的版本，而非将要提交的版本；请再次暂存（git add {file}）或撤销之后的修改（git restore {file}）",
    ),
    "output-in-archive": (
        "{path} is inside the archive's work tree ({tree}): what this writes holds decrypted values, which git or another user could take from there; write it outside, e.g. --output ~/Documents",
        "{path} 位于档案工作目录（{tree}）内：输出中含有解密内容，git 或他人可能从这里取得；请写到档案之外，例如 --output ~/文档",
    ),
    "output-tracked": (
        "{path} is inside the git work tree {tree}, which would track it: what this writes holds decrypted values; write it outside any repository, or where that repository ignores it",
        "{path} 位于 git 工作目录 {tree} 内，会被 git 纳入版本库：输出中含有解密内容；请写到版本库之外，或该版本库忽略的位置",
    ),
    "sheet-too-large": (
        "{file} is {size} MiB, over the limit of {limit} MiB for a sheet; split it into several files",
        "{file} 大小为 {size} MiB，超过表格上限 {limit} MiB；请拆分为多个文件",
    ),
    "sheet-unpacks-too-large": (
        "{file} would unpack to {size} MiB (or into too many parts), over the limit of {limit} MiB: it is not an ordinary workbook; open it in Excel or WPS and save it again, or split it",
        "{file} 解压后将达 {size} MiB（或部件过多），超过上限 {limit} MiB，不是普通的工作簿；请用 Excel 或 WPS 打开后重新保存，或拆分",
    ),
    "sheet-csv-unreadable": (
        "this line cannot be read as csv ({detail}); a cell may be over 128 KiB or hold a stray quote: correct it and import again",
        "此行无法按 csv 读取（{detail}）；可能有单元格超过 128 KiB 或含有多余的引号：请更正后重新导入",
    ),
    "sheet-encoding": (
        "{file} is neither UTF-8 nor GB18030 text; save it as \"CSV UTF-8\"",
        "{file} 既不是 UTF-8 也不是 GB18030 编码；请另存为“CSV UTF-8”",
    ),
    "sheet-too-spread": (
        "{file} cannot be read within {memory} GiB of memory and {seconds} s: its cells span a far larger area than its table, usually because of a value far outside the table (press Ctrl+End in Excel or WPS to find the last cell); delete the stray cells, or copy the table into a new sheet, and save again",
        "{file} 无法在 {memory} GiB 内存和 {seconds} 秒内读取：其单元格所占区域远大于表格本身，通常是表格外远处有零星数值（在 Excel 或 WPS 中按 Ctrl+End 可找到最后一个单元格）；请删除这些零星单元格，或将表格复制到新工作表，然后重新保存",
    ),
    "sheet-not-found": (
        "{file} has no sheet {sheet} (it has: {sheets}); rename the sheet, or set `sheet:` in the mapping",
        "{file} 中没有工作表 {sheet}（现有：{sheets}）；请重命名工作表，或修改映射文件中的 `sheet:`",
    ),
    "sheet-header-missing": (
        "no header row with the mapping's headings ({columns} …) in the first {rows} rows; check the headings, or set `header_row:` in the mapping",
        "前 {rows} 行中没有含映射表头（{columns} …）的表头行；请检查表头，或在映射文件中设置 `header_row:`",
    ),
    "sheet-column-ignored": (
        "the column {header} is not in the mapping {file} and is not imported; add it to the mapping to import it",
        "列 {header} 不在映射 {file} 中，不会导入；如需导入，请将其加入映射",
    ),
    "sheet-column-twice": (
        "the column {header} means the same field as {other}; keep one of them",
        "列 {header} 与 {other} 对应同一字段；请只保留其一",
    ),
    "sheet-column-missing": (
        "the sheet has no column {header}; add it (every row must fill it)",
        "表中缺少列 {header}；请添加（每行都须填写）",
    ),
    "cell-empty": ("{column} is empty; fill it in", "{column} 为空；请填写"),
    "cell-value": (
        "{column}: '{value}' is not one of the values the mapping knows; use one of: {options}",
        "{column}：'{value}' 不是映射规定的值；请使用：{options}",
    ),
    "cell-boolean": (
        "{column}: '{value}' is neither {yes} nor {no}; write one of them",
        "{column}：'{value}' 既不是“{yes}”也不是“{no}”；请填写其一",
    ),
    "cell-amount": (
        "{column}: '{value}' is not an amount; write a number such as 12000.00 (currency {currency}), or the amount and its currency: 120.00 USD",
        "{column}：'{value}' 不是金额；请填写数字，例如 12000.00（币种 {currency}），或金额加币种：120.00 USD",
    ),
    "cell-currency": (
        "{column}: '{value}' is not a currency; write its ISO 4217 code, such as CNY, USD or EUR",
        "{column}：'{value}' 不是币种；请填写 ISO 4217 代码，例如 CNY、USD、EUR",
    ),
    "cell-currency-conflict": (
        "{column}: the amount {amount} names another currency than this cell's {currency}; keep one of them",
        "{column}：金额 {amount} 标明的币种与本单元格的 {currency} 不一致；请只保留一个",
    ),
    "cell-amount-decimals": (
        "{column}: '{value}' has more than two decimals; round it to cents ({currency})",
        "{column}：'{value}' 的小数超过两位；请保留到分（{currency}）",
    ),
    "cell-date": (
        "{column}: '{value}' is not a date; write YYYY-MM-DD, e.g. 2025-03-14",
        "{column}：'{value}' 不是日期；请写作 YYYY-MM-DD，例如 2025-03-14",
    ),
    "cell-amount-range": (
        "{column}: '{value}' is not below {limit}; write the real amount",
        "{column}：'{value}' 不小于 {limit}；请填写实际金额",
    ),
    "cell-number-range": (
        "{column}: '{value}' lies beyond ±{limit}; write the real figure",
        "{column}：'{value}' 超出 ±{limit}；请填写实际数值",
    ),
    "cell-number": (
        "{column}: '{value}' is not a number; write digits only",
        "{column}：'{value}' 不是数字；请只填写数字",
    ),
    "cell-integer": (
        "{column}: '{value}' is not a whole number; write one without decimals",
        "{column}：'{value}' 不是整数；请填写不带小数的数",
    ),
    "cell-person": (
        "{column}: '{value}' is neither the id nor the name of anyone in people.yaml; write the person's id (e.g. wang.wei) or name, or add them to people.yaml",
        "{column}：'{value}' 既不是 people.yaml 中人员的编号也不是姓名；请填写人员编号（如 wang.wei）或姓名，或先将其加入 people.yaml",
    ),
    "cell-person-ambiguous": (
        "{column}: more than one person is called '{value}' ({ids}); write the id instead",
        "{column}：有多人名为 '{value}'（{ids}）；请改填人员编号",
    ),
    "cell-customer-id": (
        "{column}: '{value}' is not a customer id; ids look like C0007 (leave the cell empty for a new customer)",
        "{column}：'{value}' 不是客户编号；编号形如 C0007（新客户请留空）",
    ),
    "cell-customer-unknown": (
        "{column}: there is no customer card {value}; import the customer first (`dossier import customers`) or correct the id",
        "{column}：没有客户资料卡 {value}；请先导入该客户（`dossier import customers`）或更正编号",
    ),
    "cell-customer-name-unknown": (
        "{column}: no customer card is named '{value}'; write the customer id, or import the customer first (`dossier import customers`)",
        "{column}：没有名为 '{value}' 的客户资料卡；请填写客户编号，或先导入该客户（`dossier import customers`）",
    ),
    "cell-customer-name-mismatch": (
        "{column}: '{value}' is not the name of {customer} ({name}); correct the id or the name",
        "{column}：'{value}' 不是 {customer} 的名称（应为 {name}）；请更正编号或名称",
    ),
    "row-name-ambiguous": (
        "more than one customer card is named '{name}' ({ids}); write the customer id in the column {column}",
        "有多张客户资料卡名为 '{name}'（{ids}）；请在 {column} 列填写客户编号",
    ),
    "row-name-lookalike": (
        "customer name '{name}' reads the same as {other}'s '{other_name}' (once Unicode-normalised, hidden characters removed); write {other} as its customer id to update that card, or correct the name",
        "客户名称 '{name}' 与 {other} 的 '{other_name}' 看起来相同（Unicode 规范化并去除隐藏字符后）；如是同一客户请填写客户编号 {other}，否则请更正名称",
    ),
    "row-duplicate": (
        "this row is the same customer ({customer}) as row {other}; keep one row per customer",
        "本行与第 {other} 行是同一客户（{customer}）；每个客户只保留一行",
    ),
    "row-no-free-id": (
        "no customer id is free any more (C0001–C9999 are taken); widen the id pattern in schemas/common.schema.json first",
        "已无可用的客户编号（C0001–C9999 均已使用）；请先扩展 schemas/common.schema.json 中的编号格式",
    ),
    "cell-item-unknown": (
        "{column}: there is no {type} item {value}; correct the code, or clear the cell to make the rows a new item",
        "{column}：没有 {type} 类档案 {value}；请更正编码，或清空此格以新建一件",
    ),
    "cell-item-customer": (
        "{code} is an item of {other}, not of {customer}; correct the customer or the code",
        "{code} 是 {other} 的档案，不是 {customer} 的；请更正客户或编码",
    ),
    "cell-outside-period": (
        "{date} is outside the period of {code} ({start} – {end}); correct the date, or clear the code so that the row goes to the item of its own period",
        "{date} 不在 {code} 的期间（{start} 至 {end}）内；请更正日期，或清空编码使本行归入其所属期间的档案",
    ),
    "row-item-ambiguous": (
        "{customer} has more than one item for {start} – {end} ({codes}); write the item's code in the column {column}",
        "{customer} 在 {start} 至 {end} 期间有多件档案（{codes}）；请在 {column} 列填写档案编码",
    ),
    "row-item-bound": (
        "{code} is bound into a paper volume and cannot change; leave its rows as they are, or record the change in a new item",
        "{code} 已装订成卷，不能修改；请保持其各行不变，或将变更另行立件",
    ),
    "row-no-section": (
        "the manager of {customer} ({manager}) is not a customer manager with a section, so the new item has no place; correct the card's manager",
        "{customer} 的客户经理（{manager}）不是有卷章的客户经理，新档案无处存放；请更正客户资料卡中的客户经理",
    ),
    "cell-currency-mixed": (
        "an amount in {currency} among amounts in {other} (row {row}); one item sums one currency: put other currencies in their own sheet",
        "金额币种 {currency} 与同一件中的 {other}（第 {row} 行）不同；一件档案只能合计一种币种：其他币种请另表导入",
    ),
    "cell-group-differs": (
        "{column} differs from row {row} ('{other}') of the same item; give every row of an item the same value",
        "{column} 与同一件档案的第 {row} 行（'{other}'）不同；同一件的各行请填写相同的值",
    ),
    "import-failed": (
        "{file}: {count} problem(s) (above); nothing was written: correct the sheet and import it again",
        "{file}：有 {count} 个问题（见上）；未写入任何文件：请修改表格后重新导入",
    ),
    "import-needs-reason": (
        "the import changes {count} existing customer card(s) or filed item(s) ({files}); a modification needs its reason: add --reason TEXT. Nothing was written",
        "本次导入修改了 {count} 张已有客户资料卡或已归档档案（{files}）；修改须说明原因：请加上 --reason 原因。未写入任何文件",
    ),
    "import-new": ("new {path} (from {ref})", "新增 {path}（来自 {ref}）"),
    "import-changed": ("changed {path} (from {ref}): {fields}", "修改 {path}（来自 {ref}）：{fields}"),
    "import-summary": (
        "{file}: {rows} row(s): {new} new, {changed} changed, {unchanged} unchanged",
        "{file}：共 {rows} 行：新增 {new}，修改 {changed}，未变 {unchanged}",
    ),
    "import-dry-run": (
        "dry run: nothing was written; run the command again without --dry-run to write it",
        "试运行：未写入任何文件；去掉 --dry-run 重新运行即可写入",
    ),
    "import-dry-run-reason": (
        "{count} of these changes modify existing cards or filed items: the real run needs --reason TEXT",
        "其中 {count} 处修改了已有客户资料卡或已归档档案：正式导入时须加 --reason 原因",
    ),
    "rekey-not-yours": (
        "{count} file(s) whose values would change are not yours to change: {files}; you ({person}) may change only what "
        "you may read: name your own files (`dossier rekey customers/C0007.yaml records/…`), or have the sales manager "
        "or general manager ({grantors}) run rekey. Nothing was written",
        "有 {count} 个需要改动的文件不属于您：{files}；您（{person}）只能修改自己有权查阅的资料：请只指定自己的文件"
        "（`dossier rekey customers/C0007.yaml records/…`），或由销售部经理、总经理（{grantors}）运行 rekey。未写入任何文件",
    ),
    "reassign-reason": (
        "say why {customer} changes manager with --reason TEXT (the commit's Reason: trailer; the card and filed items change)",
        "请用 --reason 说明 {customer} 更换客户经理的原因（作为提交的 Reason: 说明；资料卡和已归档档案将被修改）",
    ),
    "reassign-not-entitled": (
        "{person} may not reassign {customer}: customers are assigned to customer managers by the sales manager or "
        "the general manager ({grantors}); ask one of them",
        "{person} 无权移交客户 {customer}：客户由销售部经理或总经理（{grantors}）分配给客户经理；请向其提出",
    ),
    "reassign-not-a-manager": (
        "{person} is not a customer manager with a section in people.yaml, so {customer} cannot be given to them; "
        "name a customer manager (`dossier access who {customer}` lists people), or add their role and section first",
        "{person} 不是 people.yaml 中有卷章的客户经理，不能接手 {customer}；请指定一位客户经理，或先为其登记角色和卷章",
    ),
    "reassign-same": (
        "{customer} is already the customer of {person}; nothing to do",
        "{customer} 已经是 {person} 的客户；无需移交",
    ),
    "reassign-unreadable": (
        "{file}:{line}: this file of the customer cannot be read, so its values cannot be re-encrypted; fix it "
        "(`dossier validate {file}`), then reassign again. Nothing was changed",
        "{file}:{line}：该客户的此文件无法读取，其加密值无法重新加密；请先修正（`dossier validate {file}`），再办理移交。未做任何改动",
    ),
    "reassign-cannot-reencrypt": (
        "{file}:{line}:{column}: {field} cannot be re-encrypted for the new readers ({action}; {count} value(s) in "
        "all): reassign with the identity of someone who can read every value (--identity, the sales manager's), "
        "or repair the value first. Nothing was changed",
        "{file}:{line}:{column}：{field} 无法为新的查阅人重新加密（{action}；共 {count} 个值）：请使用能解密全部值的身份"
        "（--identity，例如销售部经理的密钥）办理移交，或先修复该值。未做任何改动",
    ),
    "reassigned": (
        "{customer} is now the customer of {person} (was {before}): its card and {count} item file(s) re-encrypted "
        "for its readers, in commit {sha}",
        "{customer} 已移交给 {person}（原为 {before}）：资料卡及 {count} 个档案文件已为新的查阅人重新加密，提交 {sha}",
    ),
    "reassigned-no-git": (
        "{customer} is now the customer of {person} (was {before}): its card and {count} item file(s) re-encrypted "
        "for its readers (the archive is not in git: nothing committed)",
        "{customer} 已移交给 {person}（原为 {before}）：资料卡及 {count} 个档案文件已为新的查阅人重新加密（档案不在 git 中：未提交）",
    ),
    "new-not-yours": (
        "{person} may not add material of {what}: it would be the material of {owner}, which you may not read, and "
        "one may create only what one may read; ask {owner}, or ask the sales manager or general manager ({grantors}) "
        "for a read grant",
        "{person} 不能为 {what} 新增档案：它将属于 {owner}，而您无权查阅；只能新建自己有权查阅的资料；请由 {owner} 添加，"
        "或向销售部经理、总经理（{grantors}）申请查阅授权",
    ),
    "row-not-yours": (
        "{what} is the material of {owner}: you ({person}) may create or change only what you may read; leave this row "
        "out of the sheet, or have {owner} or the sales manager or general manager ({grantors}) import it",
        "{what} 属于 {owner}：您（{person}）只能新建或修改自己有权查阅的资料；请从表中删去此行，"
        "或由 {owner} 或销售部经理、总经理（{grantors}）导入",
    ),
    "row-reassign-not-entitled": (
        "this row gives customer {customer} to {to}: reassigning a customer is for the sales manager or the general "
        "manager ({grantors}), with `dossier customer reassign {customer} --to {to} --reason TEXT`, which also "
        "re-encrypts its card and items for the new manager; keep the manager cell as it is",
        "此行把客户 {customer} 改由 {to} 负责：客户移交须由销售部经理或总经理（{grantors}）用 "
        "`dossier customer reassign {customer} --to {to} --reason 原因` 办理（同时为新客户经理重新加密其资料卡和档案）；"
        "请保持业务员一栏不变",
    ),
    "import-committed": (
        "committed {sha}; changes to existing cards and filed items reach main with the sales manager's approval (`dossier approve`)",
        "已提交 {sha}；对已有资料卡和已归档档案的修改须经销售部经理批准（`dossier approve`）后进入主分支",
    ),
    "export-written": ("wrote {file}: {rows} row(s)", "已写出 {file}：共 {rows} 行"),
    "export-incomplete": (
        "{count} file(s) could not be exported and are missing from the sheet (above); fix them (`dossier validate` says how) and export again",
        "有 {count} 个文件无法导出，未写入表格（见上）；请修正（`dossier validate` 会说明如何修改）后重新导出",
    ),
    "render-item-not-valid": (
        "{code} holds a value of a shape its type does not allow, so its pages cannot be laid out; correct it "
        "(`dossier validate` says where) and render again",
        "{code} 含有其类型不允许的值，无法排版；请修正（`dossier validate` 会指出位置）后重新生成",
    ),
    "attachments-not-list": (
        "attachments must be a list of the item's files, so the item cannot go into a volume; correct it (`dossier validate` says how)",
        "attachments 必须是档案附件的列表，此档案因此无法入卷；请修正（`dossier validate` 会说明如何修改）",
    ),
    "export-not-a-value": (
        "{field} holds a list or a mapping where the sheet needs a single value",
        "{field} 是列表或映射，而表格中此处只能填一个值",
    ),
    "hook-needs-reason": (
        "this commit modifies or deletes filed items ({paths}); the regulation asks for the reason: add a last paragraph `Reason: <why>` to the commit message",
        "本次提交修改或删除了已归档档案（{paths}）；按制度须留存修改原因：请在提交信息末尾另起一段写 `Reason: 原因`",
    ),
    # --- reports: the periodic analyses (dossier report) ------------------------------------------
    "report-period-invalid": (
        "'{value}' is not a period; write 2026-10 (month), 2026-Q3 (quarter), 2026-H1 (half-year) or 2025 (year)",
        "'{value}' 不是统计期间；请写作 2026-10（月）、2026-Q3（季度）、2026-H1（半年）或 2025（年度）",
    ),
    "report-period-future": (
        "{value} has not begun (today is {today}); give a period that has, or none for the last complete one",
        "{value} 尚未开始（今天是 {today}）；请给出已开始的期间，或不给期间以使用最近一个完整期间",
    ),
    "report-period-open": (
        "note: {period} is not over yet (it ends {end}): the report covers it up to {today}",
        "注意：{period} 尚未结束（至 {end}）：报表只含截至 {today} 的数据",
    ),
    "report-period-kind": (
        "the {report} report does not cover a period like '{value}'; give --period like {examples}",
        "{report} 报表不适用 '{value}' 这样的统计期间；--period 应形如 {examples}",
    ),
    "report-written": ("wrote {file}", "已写出 {file}"),
    "report-letters-written": (
        "wrote {count} confirmation letter(s) (询证函) into {folder}; send them to the customers for signature and stamp",
        "已在 {folder} 写出 {count} 份询证函；请发给客户签章后收回",
    ),
    "report-incomplete": (
        "{count} file(s) could not be used and are left out of the figures (above); fix them (`dossier validate` says how) and run the report again",
        "有 {count} 个文件无法使用，未计入报表（见上）；请修正（`dossier validate` 会说明如何修改）后重新生成报表",
    ),
    "report-field-missing": (
        "{field} is missing, so the report leaves this item out; fill it in (`dossier validate` checks it)",
        "缺少 {field}，报表未计入此件；请补充（可用 `dossier validate` 检查）",
    ),
    "report-field-invalid": (
        "{field}: '{value}' cannot be used (expected {expected}), so the report leaves this item out; correct it (`dossier validate` checks it)",
        "{field}：'{value}' 无法使用（应为 {expected}），报表未计入此件；请更正（可用 `dossier validate` 检查）",
    ),
    "report-proposals": (
        "{count} class change(s) proposed for {customers} customer(s) (in the report); write them to the cards with --apply --reason TEXT",
        "报表中建议调整 {customers} 位客户的 {count} 项分类；可用 --apply --reason 原因 写入客户资料卡",
    ),
    "report-no-sales": (
        "no sales record is dated in {period}: nothing to classify by, no class change proposed",
        "{period} 没有任何销售记录：无从分类，不提出分类调整建议",
    ),
    "report-no-proposals": (
        "no class changes proposed: every card agrees with the quarter's figures",
        "无分类调整建议：各客户资料卡与本季度分析结果一致",
    ),
    "report-apply-reason": (
        "give the reason for the class changes with --reason TEXT; the regulation records why a card was modified",
        "请用 --reason 说明分类调整的原因；按制度修改档案须留存修改原因",
    ),
    "report-applied": (
        "wrote {count} class change(s) to {customers} customer card(s) in one commit {sha}; push the branch and have the sales manager approve it (`dossier approve`)",
        "已将 {count} 项分类调整写入 {customers} 张客户资料卡（提交 {sha}）；请推送分支并报销售部经理审批（`dossier approve`）",
    ),
    "report-applied-no-git": (
        "wrote {count} class change(s) to {customers} customer card(s); the archive is not in git, so nothing was committed: keep the archive in git to record the change",
        "已将 {count} 项分类调整写入 {customers} 张客户资料卡；档案不在 git 中，未生成提交：档案须保存在 git 中才能留存修改记录",
    ),
    "report-card-unreadable": (
        "{file} does not hold a customer card; fix it (`dossier validate` says how) and apply again",
        "{file} 不是有效的客户资料卡；请修正（`dossier validate` 会说明如何修改）后重新执行",
    ),
    "report-no-cjk-font": (
        "no Chinese font for the charts; install one (Debian/Ubuntu: apt-get install {package}) and run the report again",
        "图表缺少中文字体；请安装（Debian/Ubuntu：apt-get install {package}）后重新生成报表",
    ),
    "report-no-weasyprint": (
        "WeasyPrint cannot run ({detail}); install its system libraries (Pango) or use --format html or xlsx",
        "WeasyPrint 无法运行（{detail}）；请安装其系统库（Pango），或改用 --format html 或 xlsx",
    ),
    "push-refused-move": (
        "nothing of it reached the server. To have it approved, keep the commits on a branch, put main back as the "
        "server has it and push the branch: `git branch {branch} {new}`, `git reset --keep {old}`, "
        "`git push origin {branch}`; then ask the sales manager for `dossier approve {branch}` and a push of main",
        "服务器未收下任何提交。要送审，请把这些提交留在分支上，将 main 恢复为服务器上的状态，再推送该分支："
        "`git branch {branch} {new}`、`git reset --keep {old}`、`git push origin {branch}`；然后请销售部经理执行 "
        "`dossier approve {branch}` 并推送 main",
    ),
    "push-refused": (
        "push refused: {ref} would bring changes that break the archive regulation (above); fix them and push again",
        "推送被拒绝：{ref} 含有违反档案管理制度的修改（见上）；请修正后重新推送",
    ),
    # --- index and find, watch --------------------------------------------------------------
    "find-empty": (
        "give the words or the electronic code to look for, e.g. `dossier find 信用额度` or `dossier find S02-0017`",
        "请给出要查找的文字或电子编码，例如 `dossier find 信用额度` 或 `dossier find S02-0017`",
    ),
    "find-none": (
        "no item matches {text}; try fewer or shorter words, or fewer filters",
        "没有与 {text} 匹配的档案；可减少或缩短关键词，或减少筛选条件",
    ),
    "find-total": ("{total} item(s)", "共 {total} 件"),
    "find-limited": (
        "{shown} of {total} items shown; --limit 0 shows them all, filters narrow them down",
        "共 {total} 件，显示前 {shown} 件；--limit 0 显示全部，也可用筛选条件缩小范围",
    ),
    "find-unreadable": (
        "{count} file(s) cannot be read into the index and may hold matches; fix them (`dossier validate` says how)",
        "有 {count} 个文件无法读入索引，其中可能有匹配的档案；请修正（`dossier validate` 会说明）",
    ),
    "index-rebuilt": (
        "index rebuilt: {items} items, {customers} customers ({read} files read, {seconds} s)",
        "索引已重建：档案 {items} 件，客户 {customers} 个（读取 {read} 个文件，用时 {seconds} 秒）",
    ),
    "index-updated": (
        "index up to date: {read} file(s) read again, {removed} dropped; {items} items, {customers} customers ({seconds} s)",
        "索引已更新：重新读取 {read} 个文件，移除 {removed} 个；档案 {items} 件，客户 {customers} 个（用时 {seconds} 秒）",
    ),
    "index-status": (
        "index {file}: {items} items, {customers} customers, {size} MiB; last updated {updated}",
        "索引 {file}：档案 {items} 件，客户 {customers} 个，{size} MiB；最近更新于 {updated}",
    ),
    "index-stale": (
        "{count} file(s) changed since; `dossier index update` (or any `dossier find`) reads them",
        "此后有 {count} 个文件变动；`dossier index update`（或任一 `dossier find`）会读入",
    ),
    "index-current": ("no file changed since", "此后没有文件变动"),
    "index-damaged": (
        "the index {file} is damaged ({detail}); `dossier index rebuild` builds it again from the files (nothing is lost)",
        "索引 {file} 已损坏（{detail}）；`dossier index rebuild` 会根据文件重新建立（不会丢失任何内容）",
    ),
    "index-missing": (
        "no index yet at {file}; `dossier index rebuild` (or any `dossier find`) builds it",
        "{file} 尚无索引；`dossier index rebuild`（或任一 `dossier find`）会建立索引",
    ),
    "index-watched": (
        "`dossier watch` (process {pid}) keeps it up to date",
        "`dossier watch`（进程 {pid}）正在保持索引最新",
    ),
    "watch-start": (
        "watching {root}: {files} files, {errors} error(s), {warnings} warning(s); Ctrl-C stops",
        "正在监视 {root}：共 {files} 个文件，{errors} 个错误，{warnings} 个警告；按 Ctrl-C 停止",
    ),
    "watch-clean": ("{file}: clean, no problem left", "{file}：问题已全部解决"),
    "watch-removed": ("{file}: deleted, its problems with it", "{file}：文件已删除，其问题随之消除"),
    "watch-summary": (
        "[{time}] {changed} file(s) checked in {seconds} s; the archive has {errors} error(s), {warnings} warning(s)",
        "[{time}] 已检查 {changed} 个文件，用时 {seconds} 秒；档案库共有 {errors} 个错误，{warnings} 个警告",
    ),
    "watch-config": (
        "the configuration or a schema changed: every file was checked again",
        "配置或 schema 有变动：已重新检查全部文件",
    ),
    "watch-failed": (
        "could not check the last change: {detail}; still watching (`dossier validate` checks the whole archive)",
        "未能检查最近的变动：{detail}；仍在监视（可用 `dossier validate` 检查整个档案库）",
    ),
    "watch-running": (
        "`dossier watch` is already running for this archive (process {pid}); stop it first",
        "该档案库已有 `dossier watch` 在运行（进程 {pid}）；请先停止它",
    ),
    "watch-stopped": ("stopped watching", "已停止监视"),
    "approve-not-approver": (
        "{person} approves nothing: only the sales manager and the general manager approve changes (archive.yaml change_control says which); nothing was merged",
        "{person} 无审批权：只有销售部经理和总经理可以审批修改（由 archive.yaml 的 change_control 规定）；未做任何合并",
    ),
    "approve-not-on-record-branch": (
        "you are on {current}, not on the record branch {main}; `git switch {main}` and approve there (nothing was merged)",
        "当前在 {current} 上，而不是记录分支 {main}；请 `git switch {main}` 后再审批（未做任何合并）",
    ),
    "approve-no-branch": (
        "there is no branch {branch}; fetch it (`git fetch origin {branch}`) or check its name (nothing was merged)",
        "没有分支 {branch}；请先取回（`git fetch origin {branch}`）或核对名称（未做任何合并）",
    ),
    "approve-already-merged": (
        "{branch} is already merged into {main}: there is nothing left to approve (nothing was merged)",
        "{branch} 已合并到 {main}，没有可审批的内容（未做任何合并）",
    ),
    "approve-dirty": (
        "the work tree has uncommitted changes ({paths}); commit or stash them before approving (nothing was merged)",
        "工作区有未提交的修改（{paths}）；请先提交或暂存（git stash）再审批（未做任何合并）",
    ),
    "approve-wrong-key": (
        "the key git would sign with (…{fingerprint}) is not the signing_key people.yaml lists for {person} (…{listed}); set `git config user.signingkey` to your own key (nothing was signed)",
        "git 将使用的签名密钥（…{fingerprint}）不是 people.yaml 为 {person} 登记的 signing_key（…{listed}）；请把 `git config user.signingkey` 设为本人的密钥（未做任何签名）",
    ),
    "approve-refused": (
        "{branch} is not approved, since verify would reject the merge: {problems} (nothing was signed)",
        "未批准 {branch}：verify 会拒绝这次合并：{problems}（未做任何签名）",
    ),
    "approve-invalid": (
        "{branch} merged into the record does not validate ({count} error(s); first: {first}); have it fixed on the branch (nothing was signed)",
        "{branch} 合并后的档案不能通过校验（{count} 处错误；第一处：{first}）；请在该分支上修正（未做任何签名）",
    ),
    "approve-no-key": (
        "no signing key: set `git config gpg.format ssh` and `git config user.signingkey <your key>` (the key people.yaml lists for you)",
        "未设置签名密钥：请设置 `git config gpg.format ssh` 和 `git config user.signingkey 密钥文件`（须与 people.yaml 登记的一致）",
    ),
    "approve-key-mode": (
        "the merge of {branch} failed: {detail}; make your key readable only by you (`chmod 600 {keyfile}`) and approve again; nothing was merged",
        "合并 {branch} 失败：{detail}；请将密钥设为仅本人可读（`chmod 600 {keyfile}`）后重新审批；未做任何合并",
    ),
    "approve-failed": (
        "the merge of {branch} failed: {detail}; nothing was merged",
        "合并 {branch} 失败：{detail}；未做任何合并",
    ),
    "approve-confirm": ("Sign and merge {branch} into {base}?", "确认签名并将 {branch} 合并入 {base}？"),
    "approve-needs-terminal": (
        "approve shows the review and asks before it signs, but there is no terminal to ask on; read it with `dossier review {branch}`, then sign with `dossier approve {branch} --yes`",
        "approve 会先显示审阅内容并在签名前询问，但当前没有可询问的终端；请先用 `dossier review {branch}` 审阅，再用 `dossier approve {branch} --yes` 签名",
    ),
    "verify-markdown-needs-pending": (
        "--format markdown writes the review of a branch awaiting approval: add --pending (e.g. `dossier verify --pending --format markdown origin/main..HEAD`)",
        "--format markdown 输出待批准分支的审阅：请加上 --pending（例如 `dossier verify --pending --format markdown origin/main..HEAD`）",
    ),
    "approve-declined": ("not approved: nothing was signed or merged", "未批准：未签名，也未合并"),
    "approved": ("merged {branch} with your signature: {sha}", "已签名合并 {branch}：{sha}"),
    "not-a-repository": (
        "{path} is not in a git repository; the archive lives in git (create one with `dossier init PATH`)",
        "{path} 不在 git 仓库中；档案保存在 git 中（可用 `dossier init PATH` 新建）",
    ),
    "init-exists": (
        "{path} already holds an archive (archive.yaml); choose an empty folder",
        "{path} 已有档案（archive.yaml）；请选择空目录",
    ),
    "init-done": (
        "created the archive in {path}: edit people.yaml and archive.yaml, then commit",
        "已在 {path} 新建档案：请编辑 people.yaml 和 archive.yaml 后提交",
    ),
    "hook-installed": ("installed {hook} in {path}", "已在 {path} 安装 {hook}"),
    "hook-legacy-kept": (
        "the {hook} hook that was there before is kept as {legacy} and runs first; its refusal stands",
        "原有的 {hook} 钩子已保留为 {legacy}，并先于本工具的钩子运行；它拒绝的提交仍被拒绝",
    ),
    "hook-legacy-exists": (
        "{hook} is not dossier's and {legacy} is there too: merge the two into {legacy} by hand, remove {hook}, "
        "then install again; nothing was changed",
        "{hook} 不是本工具安装的钩子，且 {legacy} 也已存在：请手动将两者合并到 {legacy}，删除 {hook} 后重新安装；未做任何修改",
    ),
    # dossier doctor: one line per check; a problem says how to fix it
    "doctor-ok-python": ("Python {version}", "Python {version}"),
    "doctor-bad-python": (
        "Python {version} is too old: dossier needs {wanted} or newer; install it (Ubuntu 22.04: `sudo apt-get install python3.11 python3.11-venv`) and run `bash scripts/setup.sh` again",
        "Python {version} 版本过旧：dossier 需要 {wanted} 或更新版本；请安装（Ubuntu 22.04：`sudo apt-get install python3.11 python3.11-venv`）后重新运行 `bash scripts/setup.sh`",
    ),
    "doctor-ok-git": ("git {version}", "git {version}"),
    "doctor-bad-git-missing": ("git is not installed; install it: `{install}`", "未安装 git；请安装：`{install}`"),
    "doctor-bad-git-old": (
        "git {version} is too old: signed approvals need {wanted} or newer; install a newer one: `{install}` (Ubuntu 20.04: from the git-core PPA)",
        "git {version} 版本过旧：签名审批需要 {wanted} 或更新版本；请安装新版：`{install}`（Ubuntu 20.04 可用 git-core PPA）",
    ),
    "doctor-ok-program": ("{program}: {path}", "{program}：{path}"),
    "doctor-bad-program": (
        "{program} is not found on PATH: it is needed {purpose}; install the package {package}: `{install}`",
        "在 PATH 中找不到 {program}：{purpose}需要它；请安装软件包 {package}：`{install}`",
    ),
    "doctor-ok-library": ("library {library}", "程序库 {library}"),
    "doctor-bad-library": (
        "the library {library} is not installed: it is needed {purpose}; install the package {package}: `{install}`",
        "未安装程序库 {library}：{purpose}需要它；请安装软件包 {package}：`{install}`",
    ),
    "doctor-purpose-sign": ("to sign and check approvals (git's ssh signing)", "签名审批及核验签名（git 的 ssh 签名）"),
    "doctor-purpose-render": ("to render volumes and reports as PDF (WeasyPrint)", "生成案卷和报表 PDF（WeasyPrint）"),
    "doctor-purpose-subset": ("to embed each font once per volume (WeasyPrint's font subsetting)", "每卷只嵌入一次字体（WeasyPrint 的字体子集）"),
    "doctor-purpose-readback": ("to read printed volumes back (check-paper) and look at PDFs", "回读已打印的案卷（check-paper）和查看 PDF"),
    "doctor-purpose-pdfa": ("to make attached PDFs PDF/A (every font embedded) in volumes", "将案卷中的附件 PDF 转为 PDF/A（嵌入全部字体）"),
    "doctor-ok-font": ("Chinese fonts: {families}", "中文字体：{families}"),
    "doctor-bad-font": (
        "no Chinese font is installed (`fc-list :lang=zh` finds none): volumes and reports would print empty boxes; install one: `{install}`",
        "未安装中文字体（`fc-list :lang=zh` 没有结果）：案卷和报表会显示为空框；请安装：`{install}`",
    ),
    "doctor-ok-identity": ("you are {person}, {roles} (git user.email {email})", "您是 {person}，角色 {roles}（git user.email {email}）"),
    "doctor-bad-email-missing": (
        "git user.email is not set, so dossier does not know who you are; set the address people.yaml lists for you: `git config --global user.email YOU@EXAMPLE.CN`",
        "未设置 git user.email，dossier 无法确定您的身份；请设置 people.yaml 中您的邮箱：`git config --global user.email 您的邮箱`",
    ),
    "doctor-bad-email-unknown": (
        "your git user.email {email} is not in people.yaml; set the address it lists for you (`git config --global user.email …`) or ask the archivist to add you",
        "您的 git user.email {email} 不在 people.yaml 中；请改为其中登记的邮箱（`git config --global user.email …`），或请档案员将您加入",
    ),
    "doctor-ok-key": ("private key {file}: readable only by you", "私钥 {file}：仅本人可读"),
    "doctor-bad-key-missing-decrypt": (
        "no private key at {file}, so confidential values stay 已加密 for you; give yours with DOSSIER_IDENTITY=FILE, or make one (`ssh-keygen -t ed25519 -N '' -f ~/.ssh/id_ed25519`) and put its .pub line as your encryption_key in people.yaml",
        "{file} 没有私钥，保密字段对您显示为“已加密”；请用 DOSSIER_IDENTITY=文件 指定您的私钥，或新建一个（`ssh-keygen -t ed25519 -N '' -f ~/.ssh/id_ed25519`）并将其 .pub 内容填为 people.yaml 中您的 encryption_key",
    ),
    "doctor-bad-key-missing-sign": (
        "git's user.signingkey names {file}, which does not exist: approvals cannot be signed; set it to your key: `git config user.signingkey ~/.ssh/id_ed25519.pub`",
        "git 的 user.signingkey 指向 {file}，但该文件不存在，无法签名审批；请改为您的密钥：`git config user.signingkey ~/.ssh/id_ed25519.pub`",
    ),
    "doctor-bad-key-mode": (
        "private key {file} is readable by others (mode {mode}): ssh refuses such a key and anyone on this machine could use it; make it yours alone: `{install}`",
        "私钥 {file} 他人可读（权限 {mode}）：ssh 拒绝使用这样的密钥，本机其他用户也能使用它；请改为仅本人可读：`{install}`",
    ),
    "doctor-bad-key-unusable": ("{error}", "{error}"),
    "doctor-ok-hooks": ("git hooks installed in {folder}", "git 钩子已安装于 {folder}"),
    "doctor-note-hooks-no-repo": ("{root} is not a git repository: no hooks to check", "{root} 不是 git 仓库：无需检查钩子"),
    "doctor-bad-hooks": (
        "the hooks {hooks} are not installed: commits are not checked before they are made; install them: `{install}`",
        "未安装钩子 {hooks}：提交前不会检查档案；请安装：`{install}`",
    ),
    "doctor-note-no-archive": (
        "no archive found here (no archive.yaml in this folder or above it): the checks of your identity, keys and hooks were skipped; run doctor inside your clone or give --archive PATH",
        "此处没有档案（本目录及上级目录中没有 archive.yaml）：未检查您的身份、密钥和钩子；请在您的档案克隆中运行，或用 --archive PATH 指定",
    ),
    "doctor-bad-archive": ("{error}", "{error}"),
    "doctor-summary-ok": ("everything dossier needs is in place", "dossier 所需的一切均已就绪"),
    "doctor-summary-bad": ("{count} problem(s) to fix, each with its fix above", "有 {count} 个问题需要处理，修复方法见上"),
    # --- check: the four-property check 四性检测 (DA/T 70-2018) --------------------------------
    "check-element-missing": ("metadata element {element} is missing; add it", "缺少元数据项 {element}；请补充"),
    "check-element-empty": ("mandatory element {element} is empty; fill it in", "必填元数据项 {element} 为空；请填写"),
    "check-element-too-long": ("{element} is longer than {limit} characters: {value}; shorten it",
                               "{element} 超过 {limit} 个字符：{value}；请缩短"),
    "check-element-format": ("{element} has the wrong type or format: {value}; correct it",
                             "{element} 的数据类型或格式不符：{value}；请更正"),
    "check-element-domain": ("{element} is {value}, not one of {options}; choose one of them",
                             "{element} 为 {value}，不在值域 {options} 之内；请从中选择"),
    "check-element-unreasonable": ("{element} is {value}, which cannot be right (in the future or before 1949); "
                                   "correct it", "{element} 为 {value}，不合理（晚于今天或早于 1949 年）；请更正"),
    "check-special-characters": ("{element} holds special characters {characters} (control, private-use or not "
                                 "in GB 18030); remove them", "{element} 含特殊字符 {characters}（控制字符、私用区字符或 "
                                 "GB 18030 以外的字符）；请删除"),
    "check-archive-number-shape": ("archive number {number} does not have the DA/T 22 shape "
                                   "全宗号-门类代码·年度-保管期限-类别-件号; bind the item again with `dossier bind`",
                                   "档号 {number} 不符合 DA/T 22 的格式 全宗号-门类代码·年度-保管期限-类别-件号；"
                                   "请用 `dossier bind` 重新装订"),
    "check-archive-number-part": ("archive number {number} says {expected} for {element}, the item says {value}; "
                                  "correct the one that is wrong", "档号 {number} 中的{element}为 {expected}，"
                                  "而该件为 {value}；请更正有误的一方"),
    "check-duplicate": ("{element} {value} is also that of {first}; an item is filed twice, or one value is wrong",
                        "{element} {value} 与 {first} 重复；同一文件重复归档，或其中一个值有误"),
    "check-format-name": ("{file} is {actual} by its content but its name says {named}; rename it or replace "
                          "the file", "{file} 按内容为 {actual} 格式，文件名却表明为 {named}；请改名或更换文件"),
    "check-format-metadata": ("{file} is {actual} by its content, the metadata records {recorded}",
                              "{file} 按内容为 {actual} 格式，元数据记录为 {recorded}"),
    "check-size": ("{file} is {actual} bytes, the metadata records {recorded}",
                   "{file} 大小为 {actual} 字节，元数据记录为 {recorded} 字节"),
    "check-pages": ("{file} has {actual} pages, the metadata records {recorded}; correct the page count",
                    "{file} 共 {actual} 页，元数据记录为 {recorded} 页；请更正页数"),
    "check-file-missing": ("{file}, named by the metadata, is not there; restore it",
                           "元数据所指的 {file} 不存在；请恢复该文件"),
    "check-piece-gap": ("piece numbers of {prefix} miss {missing}; the catalogue must be complete",
                        "{prefix} 的件号缺 {missing}；目录必须完整"),
    "check-format-not-kept": ("{file} is {actual}, not a format for records ({allowed}); convert it",
                              "{file} 为 {actual} 格式，不是归档格式（{allowed}）；请转换"),
    "check-not-pdfa": ("{file} does not declare PDF/A; make the package again", "{file} 未声明为 PDF/A；请重新生成移交包"),
    "check-encrypted": ("{file} is encrypted or holds an encrypted value; a package must hold none "
                        "(DA/T 92-2022 §8.1.3): decrypt it", "{file} 已加密或含加密值；信息包不得含加密内容"
                        "（DA/T 92-2022 §8.1.3）：请解密"),
    "check-compressed": ("{file} is compressed as {format}, which a receiving archive may not open; store it "
                         "uncompressed", "{file} 为 {format} 压缩格式，接收方可能无法打开；请以不压缩的形式保存"),
    "check-virus": ("virus found: {signature}; isolate the file", "发现病毒：{signature}；请隔离该文件"),
    "check-fonds": ("archive number {number} is not of fonds {fonds} and class {class_code}",
                    "档号 {number} 不属于全宗 {fonds}、门类 {class_code}"),
    "check-manifest-key": ("{key} is missing; the manifest was not written by `dossier bind`",
                           "缺少 {key}；该清单不是 `dossier bind` 写的"),
    "check-count": ("{recorded} recorded, {actual} found", "登记 {recorded}，实有 {actual}"),
    "check-retention": ("retention {retention}, but the retention schedule gives category {category} {scheduled}",
                        "保管期限为 {retention}，而保管期限表规定第 {category} 类为 {scheduled}"),
    "check-bound-unlisted": ("{code} says it is bound but no volume manifest lists it",
                             "{code} 标为已装订，但没有任何装订清单列出它"),
    "check-no-repository": ("the archive is not a git repository: its record of changes cannot be read",
                            "档案不是 git 仓库：无法读取其修改记录"),
    "check-no-commit": ("the repository has no commit yet", "仓库尚无提交"),
    "check-extra-file": ("a file no item names; move it out of the archive or attach it to its item",
                         "没有任何档案件引用此文件；请移出档案或作为附件登记"),
    "check-bag": ("the package's BagIt envelope: {detail}", "信息包的 BagIt 封装：{detail}"),
    "check-bag-changed": ("{file} changed since the package was made (its digest differs)",
                          "{file} 在移交包生成后被改动（数字摘要不符）"),
    "check-bag-missing": ("{file} is listed in the package's manifest but missing", "{file} 列于清单中但不存在"),
    "check-bag-extra": ("{file} is in the package but in no manifest", "{file} 在信息包中但不在任何清单中"),
    "check-xml": ("not well-formed XML: {detail}", "XML 格式错误：{detail}"),
    "check-description-element": ("{element} is missing", "缺少 {element}"),
    "check-structure": ("{path} is not where DA/T 93 puts it ({expected})", "{path} 的位置不符合 DA/T 93（应为 {expected}）"),
    "check-structure-missing": ("{path} is missing from the package", "信息包缺少 {path}"),
    "check-package-count": ("{what}: {recorded} recorded in the description, {actual} in the package",
                            "{what}：说明文件登记 {recorded}，信息包实有 {actual}"),
    "check-fixity": ("{file}: sha256 {actual}, the fixity record says {recorded}",
                     "{file}：sha256 为 {actual}，固化信息记录为 {recorded}"),
    "check-recorded-violations": ("the approvals were checked at handover and {count} violation(s) were found",
                                  "移交时核验审批签名，发现 {count} 处违规"),
    "check-history-missing": ("the handling history lacks {action}", "处理过程缺少“{action}”"),
    "check-validate": ("{rule}: {problem}", "{rule}：{problem}"),
    "check-verify": ("{rule}", "{rule}"),
    "check-evidence-values": ("{items} item(s), {elements} element(s) each", "{items} 件，每件 {elements} 项"),
    "check-evidence-archive-numbers": ("{count} archive number(s) checked", "核对档号 {count} 个"),
    "check-evidence-files": ("{count} file(s) checked", "核对文件 {count} 个"),
    "check-evidence-groups": ("{count} volume group(s)", "{count} 个案卷组"),
    "check-evidence-no-scanner": ("no virus scanner installed ({names}); scan the files with one and record the "
                                  "result", "未安装杀毒软件（{names}）；请用杀毒软件检测并记录结果"),
    "check-evidence-scanner": ("scanner: {scanner}", "杀毒软件：{scanner}"),
    "check-evidence-scanner-failed": ("{scanner} failed: {detail}; scan by hand", "{scanner} 运行失败：{detail}；请人工检测"),
    "check-evidence-scanned": ("{count} file(s) scanned with {scanner}", "已用 {scanner} 检测 {count} 个文件"),
    "check-evidence-validated": ("{files} file(s) validated", "已校验 {files} 个文件"),
    "check-evidence-fixity": ("{attachments} attachment digest(s), approvals of {commits} commit(s) checked as "
                              "`dossier verify` does", "核对附件摘要 {attachments} 个，按 `dossier verify` 核验 {commits} 个提交的审批签名"),
    "check-evidence-manifests": ("{count} volume manifest(s)", "装订清单 {count} 份"),
    "check-evidence-bound": ("{volumes} bound volume(s), {items} item(s) against their manifests",
                             "{volumes} 个已装订案卷、{items} 件与装订清单比对"),
    "check-na-eep": ("the archive keeps no DA/T 48 EEP packages (packages are BagIt bags)",
                     "本档案不使用 DA/T 48 EEP 封装包（信息包为 BagIt 格式）"),
    "check-na-database": ("a package holds no database; its metadata is in XML (3-1)",
                          "信息包不含数据库；其元数据为 XML（见 3-1）"),
    "check-evidence-count": ("{items} filed or bound item(s), {volumes} volume(s)", "已归档或装订 {items} 件，案卷 {volumes} 个"),
    "check-evidence-bytes": ("{files} file(s), {bytes} bytes: compare with the registration form (GB/T 18894 表A.1)",
                             "{files} 个文件，共 {bytes} 字节：请与《电子文件归档登记表》（GB/T 18894 表A.1）核对"),
    "check-evidence-repository": ("repository read, HEAD {commit}", "仓库可读，当前提交 {commit}"),
    "check-evidence-environment": ("items record no software environment; the handover package's description "
                                   "records it: have a person confirm it", "档案件未记录软硬件环境；移交包的说明文件记录了它：请人工确认"),
    "check-evidence-sealed-in-place": ("{files} item file(s) keep confidential values encrypted at rest, as the "
                                       "regulation asks; `dossier handover` decrypts them for the package",
                                       "{files} 个档案件按规定加密保存保密字段；`dossier handover` 生成移交包时解密"),
    "check-evidence-process": ("change control, access grants and keys found in order; the organisational "
                               "measures need a person", "变更控制、查阅授权与密钥未见问题；管理措施须人工确认"),
    "check-evidence-first-run": ("no earlier check is recorded to compare the environment with",
                                 "没有以往的检测记录可比对环境"),
    "check-evidence-same-tool": ("same tool as the last check ({date}): {version}", "与上次检测（{date}）工具相同：{version}"),
    "check-evidence-tool-changed": ("the tool changed since the last check ({date}): {before} → {now}; have a "
                                    "person judge the change", "自上次检测（{date}）以来工具已变化：{before} → {now}；请人工判断"),
    "check-evidence-bag": ("{files} payload file(s) against the SHA-256 and SHA-512 manifests",
                           "{files} 个文件与 SHA-256、SHA-512 清单比对"),
    "check-evidence-package": ("{items} item(s), {files} file(s), {bytes} bytes", "{items} 件，{files} 个文件，{bytes} 字节"),
    "check-evidence-signatures-at-handover": ("approvals of {commits} commit(s) were verified when the package was made",
                                              "生成移交包时已核验 {commits} 个提交的审批签名"),
    "check-manual": ("the package alone cannot decide this: have a person check it", "仅凭信息包无法判定：请人工检测"),
    "check-manual-2-7": ("open each item's content and compare it with the paper volume",
                         "请打开每件内容，与纸质案卷核对"),
    "check-manual-2-8": ("open each attachment and check that none is missing or cut short",
                         "请打开每个附件，核对有无缺失或残缺"),
    "check-manual-3-4": ("open the files with the reading software and check that they display",
                         "请用阅读软件打开文件，确认能正常显示"),
    "check-manual-3-9": ("restore a backup to another place and compare it", "请将备份恢复到其他位置并比对"),
    "check-manual-4-4": ("read the carrier and compare its speed with the usual", "请读取载体并与正常读取速度比对"),
    "check-manual-4-5": ("look at the carrier: no scratch, crack or stain", "请查看载体外观：无划痕、裂纹、污渍"),
    "check-manual-4-6": ("test the optical disc (PIE, POF, BLER) as DA/T 38 asks", "请按 DA/T 38 检测光盘（PIE、POF、BLER）"),
    "check-manual-4-8": ("scan the systems keeping the archive for vulnerabilities", "请对保存档案的系统进行漏洞扫描"),
    "check-manual-4-9": ("inspect where the carriers are kept (temperature, humidity, fire)",
                         "请检查载体保管环境（温湿度、防火）"),
    "check-manual-4-7": ("confirm that the transfer was carried out under the confidentiality rules",
                         "请确认移交过程符合保密管理要求"),
    "check-manual-3-6": ("confirm that the environment recorded in the description suits the receiver",
                         "请确认说明文件记录的软硬件环境符合接收要求"),
    "check-report-note": ("Results: 通过 passed, 不通过 failed, 需人工 needs a person (never counted as passed), "
                          "不适用 not applicable. Automatic items are decided from the archive's own data; the JSON "
                          "report (--format json) lists every finding.",
                          "结果：通过、不通过、需人工（不计为通过）、不适用。自动项依据档案自身数据判定；"
                          "JSON 格式报告（--format json）列出全部问题。"),
    "check-summary": ("{stage}: {passed} passed, {failed} failed, {manual} need a person, {na} not applicable",
                      "{stage}：通过 {passed} 项，不通过 {failed} 项，需人工 {manual} 项，不适用 {na} 项"),
    "check-report-written": ("wrote {file}", "已写入 {file}"),
    "check-recorded": ("recorded as {file} (commit {commit}), report sha256 {digest}…",
                       "检测记录 {file}（提交 {commit}），报告 sha256 {digest}…"),
    "check-package-not-recorded": ("a package check is recorded by its report: keep it (report sha256 {digest})",
                                   "信息包检测以报告为记录：请保存报告（sha256 {digest}）"),
    # --- handover: the DA/T 93 package ------------------------------------------------------------
    "handover-what": ("name a category and a year, or --all", "请指定类别和年度，或使用 --all"),
    "handover-output-exists": ("{folder} exists and is not empty; choose a new folder", "{folder} 已存在且不为空；请换一个新文件夹"),
    "handover-not-entitled": ("{person} may not read everything the package holds; the sales manager or the "
                              "general manager makes the handover", "{person} 无权查阅移交包的全部内容；请由销售经理或总经理移交"),
    "handover-nothing-bound": ("no bound volume for {what}; bind the items first (`dossier bind`)",
                               "{what} 没有已装订的案卷；请先装订（`dossier bind`）"),
    "handover-uncommitted": ("{file} has uncommitted changes; the package is made from the committed archive: "
                             "commit or discard them", "{file} 有未提交的修改；移交包依据已提交的档案生成：请提交或撤销"),
    "handover-cannot-decrypt": ("{file}: {field} cannot be decrypted with {key} ({reason}); use the key of someone "
                                "who may read it (the sales manager's decrypts everything)",
                                "{file}：{field} 无法用 {key} 解密（{reason}）；请使用有权查阅者的密钥（销售经理的密钥可解密全部）"),
    "handover-bound-changed": ("{file} no longer matches its volume's manifest; the package would not be the bound "
                               "record: run `dossier check` and restore it", "{file} 与装订清单不符；移交包将不是装订时的档案："
                               "请运行 `dossier check` 并恢复"),
    "handover-written": ("wrote the package {folder}: {items} item(s), {files} file(s), {bytes} bytes; package digest "
                         "(sha256 of manifest-sha512.txt) {digest}",
                         "已生成移交包 {folder}：{items} 件，{files} 个文件，{bytes} 字节；信息包摘要"
                         "（manifest-sha512.txt 的 sha256）{digest}"),
    "handover-confidential": ("the package holds {decrypted} decrypted confidential value(s): carry and keep it as "
                              "confidential material (机密), and delete working copies",
                              "移交包含 {decrypted} 个已解密的保密字段：请按机密材料传递和保管，并删除工作副本"),
    "internal-error": (
        "internal error: {detail}; nothing was written. Please report it with the command you ran",
        "内部错误：{detail}；未写入任何文件。请连同所运行的命令一起报告",
    ),
}


def default_lang() -> str:
    """zh when the locale (LC_ALL, LC_MESSAGES, LANG) is Chinese, else en."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    loc = locale.getlocale()[0] or ""
    return "zh" if loc.lower().startswith("zh") else "en"


# Words passed as the `which` argument (whose signature), shown in the reader's language.
SIGNATURE_WORDS: dict[str, tuple[str, str]] = {
    "customer": ("customer", "客户"),
    "handler": ("handler", "经办人"),
    "supervisor": ("direct supervisor", "直接领导"),
}


def message(key: str, lang: str, **args: object) -> str:
    en, zh = MESSAGES[key]
    template = zh if lang == "zh" else en
    if args.get("which") in SIGNATURE_WORDS:
        args["which"] = SIGNATURE_WORDS[args["which"]][lang == "zh"]
    try:
        return template.format(**args)
    except (KeyError, IndexError):  # a missing argument must never hide the message
        return template
