"""The department's archive regulation 档案管理规定 as rules, and validation 校验. The rules look at
loaded documents and return problems, never print (rules; the confidential-values rule in
confidential); validate runs them over the whole archive with a per-file cache. Where each rule of
the regulation lives is listed in docs/architecture.md. It imports access/ (the rules on grants and
confidential values ask the read rights), git/ and archive/.
"""
