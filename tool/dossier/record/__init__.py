"""The record in git 记录: the life of an item (new, delete, restore, purge), numbering 编号 that never
reuses a code anywhere in the history, the modification record 修改记录, change control 变更控制
and approvals 审批 (the one policy, signatures, the server's receipts, verify, review, approve), the
git hooks that make git enforce it, `dossier init`, a customer's reassignment, and where outputs may
be written. It imports regulation/ (an approval validates the merged archive), access/, git/ and
archive/.
"""
