"""The library leaves the process as it found it: no logging levels set, no other library patched."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import openpyxl.reader.excel

from dutydocs.build import build_one
from dutydocs.builders import BuildOptions, render
from dutydocs.diff import compare
from dutydocs.diff.html import render_pdf
from dutydocs.importers.xlsx import import_workbook

LOGGERS = ("weasyprint", "fontTools")


def levels() -> dict[str, int]:
    return {name: logging.getLogger(name).level for name in LOGGERS}


def test_building_sets_no_logging_level(small_doc, small_path, tmp_path):
    before = levels()
    render(small_doc, "pdf", BuildOptions())
    render_pdf(compare(small_doc, small_doc))
    result = build_one(str(small_path), ["pdf"], str(tmp_path), BuildOptions())
    assert result.error is None and result.written
    assert levels() == before


def test_importing_a_workbook_patches_nothing_in_openpyxl(bundled_xlsx, tmp_path):
    """Sample openpyxl's module while another thread imports: nothing is swapped, not even for a moment."""
    path = Path(tmp_path) / "copy.xlsx"
    path.write_bytes(bundled_xlsx)
    original = dict(vars(openpyxl.reader.excel))
    done = threading.Event()
    seen: list[str] = []

    def work():
        try:
            for _ in range(3):
                import_workbook(path)
        finally:
            done.set()

    worker = threading.Thread(target=work)
    worker.start()
    while not done.wait(0.0005):
        seen += [name for name, value in vars(openpyxl.reader.excel).items() if original.get(name) is not value]
    worker.join()
    assert seen == []
