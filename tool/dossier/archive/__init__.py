"""The archive 档案 as files, and what every part shares. It finds the archive and reads its
settings (archive.yaml, people.yaml), loads YAML strictly with positions, compiles the archive's
JSON Schemas 模式, parses electronic codes 电子编码, lists the catalogue, names enumerated values and
people as readers see them, and writes YAML back; and it holds the one error type, the message
table (every message in Chinese and English, rendered to text here), problems as plain data, safe
file writes and progress counting. It is the bottom layer: it imports nothing else of dossier.
"""
