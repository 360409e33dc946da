"""The command line 命令行 `dossier`: the click group with its shared options and the entry point
(main, launch), one module per command group, each thin over the part it fronts, and the terminal's
own formatting: problems as lines or JSON with widths of Chinese text (reporter), an item as a
person reads it (display), progress on a terminal. Nothing imports the command line; it imports
every part.
"""
