"""The department's spreadsheets 表格 in and out: mappings from columns to fields, reading and
writing xlsx and csv, import (all rows or none) and export, and cells that stay data 单元格只是数据
(sheet_cells). It imports record/, regulation/, access/, git/ and archive/.
"""
