"""Converting our PDF edition into an OFD (GB/T 33190) with the same pages, text, fonts and rules."""

from __future__ import annotations

from .package import DocInfo, write_ofd
from .pdfread import read_pdf

__all__ = ["DocInfo", "pdf_to_ofd"]


def pdf_to_ofd(pdf: bytes, info: DocInfo) -> bytes:
    """Return an OFD of a PDF made by the pdf builder: text in embedded TrueType fonts, rules as paths."""
    return write_ofd(read_pdf(pdf), info)
