"""The four-property check 四性检测 (DA/T 70-2018) and the handover package 移交信息包 (DA/T 93-2022).

Data flows one way: a holding (the archive in place, or a received package) is read into
entries (holding.py, archive_source.py, package_reader.py), the check items of a stage decide on
it (checks.py), the outcome is a report (report.py) and a record of the run (runs.py). The
package builder (package.py) writes what the reader reads. It imports reports/ (the report's
PDF and xlsx), paper/ (the volumes handed over), sheets/, record/, regulation/ (the archive is
validated), access/, git/ and archive/.
"""
