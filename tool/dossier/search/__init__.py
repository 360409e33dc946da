"""Finding items at once 检索: the SQLite index under .dossier/ and `dossier watch`, live validation
that keeps it current. The index is a cache that speeds up listing; nothing is decided from it alone.
It imports record/, regulation/, access/, git/ and archive/.
"""
