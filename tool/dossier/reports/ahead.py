"""A report's PDF laid out in a second process, started before the archive is read.

Importing WeasyPrint and pypdf takes half a second or more (cffi parses WeasyPrint's C
declarations each time), as long as reading a large archive's figures from the index: a forked
process imports them meanwhile, on the other core, then receives the report (model.Document)
and sends its PDF back. The process writes nothing; the command writes the file.

Where it cannot run (no fork, one core) or fails, the PDF is made in the command's own
process, which also reports the error the second process could not send whole.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal

from .model import Document


class PdfAhead:
    """A process that has imported what a PDF takes and waits for one report; a context
    manager (the process is ended when the command is done, whatever happened)."""

    def __init__(self) -> None:
        self.process = self._connection = None
        try:
            context = multiprocessing.get_context("fork")
        except ValueError:  # no fork on this platform: the PDF is made here
            return
        if (os.cpu_count() or 1) < 2:
            return
        self._connection, theirs = context.Pipe()
        # not a daemon: it starts the process that draws the charts (render_pdf.py)
        self.process = context.Process(target=_serve, args=(theirs, self._connection), name="dossier-report-pdf")
        self.process.start()
        theirs.close()

    def pdf(self, doc: Document, identifier: str) -> bytes:
        """The report as PDF (render_pdf.document_pdf), from the second process if it could make it."""
        if self._connection is not None:
            try:
                self._connection.send((doc, identifier))
                pdf = self._connection.recv()
            except (EOFError, OSError):  # the process ended (killed, out of memory)
                pdf = None
            self.close()
            if pdf is not None:
                return pdf
        from .render_pdf import document_pdf

        return document_pdf(doc, identifier)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()  # the process, waiting for a report, sees the end and stops
            self._connection = None
        if self.process is not None:
            self.process.join()
            self.process = None

    def __enter__(self) -> PdfAhead:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _serve(connection, commands_end) -> None:
    """In the second process: import, wait for the report, send back its PDF, or None when it
    could not be made (a DossierError does not survive pickling whole: the command makes it
    again and reports it). The command's end of the pipe, inherited, is closed here: the
    command closing its own is then seen as the end."""
    commands_end.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the command's: its end ends this process
    try:
        from ..search.index import collector_paused
        from .render_pdf import document_pdf, prepare, warm_up

        prepare()
        if not connection.poll():  # the report is not there yet (else it would wait)
            warm_up()
        gc.freeze()  # what the imports made lives until the process ends: no collection walks it
        doc, identifier = connection.recv()
    except Exception:  # no report came (EOFError), or nothing to make one with: the command sees
        connection.close()
        return
    try:
        with collector_paused():  # a few MB of cycles at most, freed when the process ends right after
            pdf = document_pdf(doc, identifier)
    except Exception:
        pdf = None
    try:
        connection.send(pdf)
    except OSError:  # the command has gone
        pass
    connection.close()
