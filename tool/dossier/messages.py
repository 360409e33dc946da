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
    "person-duplicate": (
        "{field} {value} is used by {other} too; each person needs their own",
        "{field} {value} 与 {other} 重复；每人须各不相同",
    ),
    "supervisor-cycle": (
        "the chain of direct supervisors from {person} comes back to {person}; correct `supervisor:`",
        "从 {person} 开始的直接领导链又回到了 {person}；请更正 `supervisor:`",
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
        "{code} has no change in the git history of the current branch; check the code (`dossier list` shows the codes) and that the item was committed",
        "当前分支的 git 历史中没有 {code} 的任何修改；请核对编码（`dossier list` 可列出编码），并确认该档案已提交",
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
    # --- command line ---------------------------------------------------------------------------
    "summary": (
        "{errors} error(s), {warnings} warning(s) in {files} file(s)",
        "{files} 个文件中有 {errors} 个错误、{warnings} 个警告",
    ),
    "clean": ("{files} file(s) checked, no problems", "已检查 {files} 个文件，没有问题"),
    "warning-word": ("warning", "警告"),
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
    "no-section": (
        "{person} has no section and customer {customer} has no manager with one; new items go into a customer manager's section",
        "{person} 没有卷章，客户 {customer} 也没有带卷章的客户经理；新档案须归入某位客户经理的卷章",
    ),
    "customer-needed": (
        "type {type} (category {category}) needs a customer: add --customer",
        "文件类型 {type}（第 {category} 类）必须指定客户：请加上 --customer",
    ),
    "unknown-type": ("unknown item type {type}; the types are: {types}", "未知的文件类型 {type}；可用类型：{types}"),
    "unknown-customer-option": (
        "customer {customer} does not exist; `dossier list` and customers/ show the customers",
        "客户 {customer} 不存在；请查看 customers/ 目录",
    ),
    "date-invalid": ("'{value}' is not a date; write YYYY-MM-DD", "'{value}' 不是日期；请写作 YYYY-MM-DD"),
    "wrote-draft": ("wrote draft {file}", "已生成草稿 {file}"),
    "config-broken": (
        "the archive's configuration has problems (above); fix them first",
        "档案配置有问题（见上）；请先修正",
    ),
    "interrupted": ("interrupted; nothing was written", "已中断；未写入任何文件"),
    # --- git: approvals, verify, hooks ------------------------------------------------------------
    "verify-unapproved": (
        "changes filed items ({paths}) directly on the main line; such changes reach main only through a merge approved and signed by the sales manager: revert it and open a pull request",
        "直接在主线上修改了已归档档案（{paths}）；修改须经销售部经理审批签名的合并才能进入主线：请撤销并提交合并请求",
    ),
    "verify-missing-reason": (
        "changes filed items ({paths}) without a `Reason:` trailer; amend the commit message with `Reason: <why>`",
        "修改已归档档案（{paths}）却没有 `Reason:` 修改原因；请在提交信息末尾加上 `Reason: 原因`",
    ),
    "verify-unsigned": (
        "merge by {committer} approves changes to filed items but is not signed; the sales manager merges with `dossier approve`, which signs",
        "{committer} 的合并批准了对已归档档案的修改，但没有签名；应由销售部经理用 `dossier approve` 签名合并",
    ),
    "verify-bad-signature": (
        "merge by {committer} is signed with a key people.yaml does not list for anyone (git status {status}); the sales manager signs with the key in people.yaml",
        "{committer} 的合并所用签名密钥不在 people.yaml 中（git 状态 {status}）；销售部经理须用 people.yaml 登记的密钥签名",
    ),
    "verify-not-sales-manager": (
        "merge approving filed items is signed by {signer}, who is not the sales manager; only the sales manager approves modifications and deletions",
        "批准修改已归档档案的合并由 {signer} 签名，其不是销售部经理；修改和删除只能由销售部经理批准",
    ),
    "verify-self-approval": (
        "{signer} approved their own changes; another sales manager (or the general manager's delegate) must approve them",
        "{signer} 批准了自己的修改；须由他人审批",
    ),
    "verify-bound-changed": (
        "{path} was bound into a volume and then changed; bound items are frozen: revert the change and file a supplement instead",
        "{path} 已装订成卷后又被修改；已装订的档案不得修改：请撤销修改，改为补充归档",
    ),
    "verify-purge-early": (
        "{code} was purged on {date}, before its retention month ended ({purge_after}); restore it with `dossier restore {code} --from-history`",
        "{code} 在 {date} 被彻底删除，早于保留期满日 {purge_after}；请用 `dossier restore {code} --from-history` 恢复",
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
    "catalogue-output-not-folder": (
        "--output {path} is a file, not a folder; give the folder to write the catalogue into",
        "--output {path} 是文件而不是文件夹；请指定存放目录的文件夹",
    ),
    "verify-clean": ("{commits} commit(s) checked, no violations", "已检查 {commits} 个提交，没有违规"),
    "verify-summary": ("{count} violation(s) in {commits} commit(s)", "{commits} 个提交中有 {count} 处违规"),
    "hook-needs-reason": (
        "this commit modifies or deletes filed items ({paths}); the regulation asks for the reason: add a last paragraph `Reason: <why>` to the commit message",
        "本次提交修改或删除了已归档档案（{paths}）；按制度须留存修改原因：请在提交信息末尾另起一段写 `Reason: 原因`",
    ),
    "push-refused": (
        "push refused: {ref} would bring changes that break the archive regulation (above); fix them and push again",
        "推送被拒绝：{ref} 含有违反档案管理制度的修改（见上）；请修正后重新推送",
    ),
    "approve-not-sales-manager": (
        "{person} is not the sales manager; only the sales manager approves modifications and deletions",
        "{person} 不是销售部经理；只有销售部经理可以批准修改和删除",
    ),
    "approve-no-key": (
        "no signing key: set `git config gpg.format ssh` and `git config user.signingkey <your key>` (the key people.yaml lists for you)",
        "未设置签名密钥：请设置 `git config gpg.format ssh` 和 `git config user.signingkey 密钥文件`（须与 people.yaml 登记的一致）",
    ),
    "approve-failed": (
        "the merge of {branch} failed: {detail}; nothing was merged",
        "合并 {branch} 失败：{detail}；未做任何合并",
    ),
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
