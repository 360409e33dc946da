"""Paper volumes 纸质案卷: planning which items go into the volumes of a category and year with their
piece numbers 件号 and archive numbers 档号, binding them with their manifests, rendering them as
archival PDF 长期保存格式 (render/, pdfa), checking paper against the archive (check-paper) and the
electronic catalogue 电子文件归档目录. It imports sheets/ (cells that stay data), record/,
regulation/, access/, git/ and archive/.
"""
