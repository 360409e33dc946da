"""Workbooks written part by part (the XML of each sheet, the shared strings, the number formats),
for what openpyxl never writes: shared strings, rich text, error cells, cached formula values,
_xHHHH_ escapes, macro-enabled workbooks. Tests read them back with both xlsx readers."""

from __future__ import annotations

import zipfile
from pathlib import Path

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
NS = f'xmlns="{MAIN}" xmlns:r="{RELS}"'
CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
MAIN_TYPES = {False: f"{CONTENT}.sheet.main+xml", True: "application/vnd.ms-excel.sheet.macroEnabled.main+xml"}
# the cell styles (s="N") every workbook has after its own number formats (164…): 14 a date,
# 22 a date and time, then text with Excel's quote prefix
BUILT_IN_STYLES = '<xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="22" applyNumberFormat="1"/>' \
                  '<xf numFmtId="0" quotePrefix="1"/>'


def write_parts(path: Path, sheets: dict[str, str], shared: list[str] = (), formats: list[str] = (),
                macro: bool = False, hidden: tuple[str, ...] = ()) -> Path:
    """A workbook whose sheets hold `sheets` (name → the XML inside <worksheet>), with the shared
    strings `shared` (the XML inside each <si>) and cell styles 1… using `formats`."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", _content_types(len(sheets), macro))
        book.writestr("_rels/.rels", f'<Relationships xmlns="{PACKAGE_RELS}"><Relationship Id="rId1" '
                                     f'Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        book.writestr("xl/workbook.xml", _workbook(list(sheets), hidden))
        book.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(sheets)))
        book.writestr("xl/styles.xml", _styles(formats))
        book.writestr("xl/sharedStrings.xml", f'<sst {NS} count="{len(shared)}" uniqueCount="{len(shared)}">'
                                              + "".join(f"<si>{text}</si>" for text in shared) + "</sst>")
        for number, body in enumerate(sheets.values(), 1):
            book.writestr(f"xl/worksheets/sheet{number}.xml", f"<worksheet {NS}>{body}</worksheet>")
    return path


def _content_types(count: int, macro: bool) -> str:
    sheets = "".join(f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{CONTENT}.worksheet+xml"/>'
                     for n in range(1, count + 1))
    return ('<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{MAIN_TYPES[macro]}"/>{sheets}'
            f'<Override PartName="/xl/styles.xml" ContentType="{CONTENT}.styles+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{CONTENT}.sharedStrings+xml"/></Types>')


def _workbook(names: list[str], hidden: tuple[str, ...]) -> str:
    sheets = "".join(f'<sheet name="{name}" sheetId="{n}" r:id="rId{n}"'
                     + (' state="hidden"' if name in hidden else "") + "/>" for n, name in enumerate(names, 1))
    return f"<workbook {NS}><sheets>{sheets}</sheets></workbook>"


def _workbook_rels(count: int) -> str:
    sheets = "".join(f'<Relationship Id="rId{n}" Type="{RELS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
                     for n in range(1, count + 1))
    return (f'<Relationships xmlns="{PACKAGE_RELS}">{sheets}'
            f'<Relationship Id="rS" Type="{RELS}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rT" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>')


def _styles(formats: list[str]) -> str:
    own = "".join(f'<numFmt numFmtId="{164 + n}" formatCode="{code.replace(chr(34), "&quot;")}"/>'
                  for n, code in enumerate(formats))
    styles = '<xf numFmtId="0"/>' + "".join(f'<xf numFmtId="{164 + n}" applyNumberFormat="1"/>'
                                            for n in range(len(formats))) + BUILT_IN_STYLES
    return (f'<styleSheet {NS}><numFmts count="{len(formats)}">{own}</numFmts><fonts count="1"><font/></fonts>'
            '<fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/>'
            f'</borders><cellXfs count="{len(formats) + 4}">{styles}</cellXfs></styleSheet>')
