"""The package's forms: the 移交清单 (DA/T 93 表A.1: 序号, 档号, 题名, 文件数量, 密级, 保管期限, 备注)
and the 移交接收登记表 (表C.1: the transfer, its counts and bytes, and each side's result for the
four properties), as PDF/A and as xlsx."""

from __future__ import annotations

import datetime as dt
import html

from .fixed import pdfa, stable_xlsx

LIST_COLUMNS = ("序号", "档号", "题名", "文件数量", "密级", "保管期限", "备注")
STYLE = """@page { size: A4 landscape; margin: 15mm }
body { font-family: 'Noto Serif CJK SC', 'Noto Sans CJK SC', serif; font-size: 10pt }
h1 { text-align: center; font-size: 16pt; letter-spacing: 0.3em }
table { border-collapse: collapse; width: 100% }
td, th { border: 0.6pt solid #000; padding: 3pt 4pt; vertical-align: top }
th { background: #eee } .meta td { border: none } .sign td { height: 24mm }"""


def _page(title: str, body: str) -> str:
    return (f"<!DOCTYPE html><html lang='zh'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"<style>{STYLE}</style></head><body><h1>{html.escape(title)}</h1>{body}</body></html>")


def _table(header: tuple[str, ...] | list[str], rows: list[list[object]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def transfer_list(rows: list[list[object]], meta: list[tuple[str, str]], when: dt.datetime, creator: str,
                  identifier: str) -> tuple[bytes, bytes]:
    """(PDF/A, xlsx) of the 移交清单."""
    intro = _table(["项目", "内容"], [list(m) for m in meta]).replace("<table>", "<table class='meta'>", 1)
    pdf = pdfa(_page("移交清单", intro + "<p></p>" + _table(LIST_COLUMNS, rows)), "file:///", when, "移交清单",
               creator, identifier)
    return pdf, _xlsx("移交清单", meta, list(LIST_COLUMNS), rows, when)


def registration(fields: list[tuple[str, str]], results: list[list[str]], when: dt.datetime, creator: str,
                 identifier: str) -> tuple[bytes, bytes]:
    """(PDF/A, xlsx) of the 移交接收登记表: its fields, then the check results of both sides."""
    header = ["检验项目", "移交单位检验结果", "接收单位检验结果"]
    body = (_table(["项目", "内容"], [list(f) for f in fields]) + "<p></p>" + _table(header, results) +
            "<p></p>" + _table(["", "移交单位", "接收单位"],
                               [["填表人", "", ""], ["审核人", "", ""], ["单位（印章）", "", ""], ["日期", "", ""]]))
    pdf = pdfa(_page("电子档案移交接收登记表", body), "file:///", when, "电子档案移交接收登记表", creator, identifier)
    return pdf, _xlsx("移交接收登记表", fields, header, results, when)


def _xlsx(title: str, meta: list[tuple[str, str]], header: list[str], rows: list[list[object]],
          when: dt.datetime) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    for name, value in meta:
        sheet.append([name, value])
    sheet.append([])
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
    for column, width in zip("ABCDEFG", (8, 30, 50, 10, 8, 10, 40)):
        sheet.column_dimensions[column].width = width
    return stable_xlsx(book, when)
