"""The OFD edition (GB/T 33190), converted from the PDF edition so that both have the same layout."""

from __future__ import annotations

from .. import __version__
from ..model import Document
from . import BuildOptions, revision_datetime
from . import render as render_format

SUFFIX = "ofd"
BASED_ON = "pdf"
"""The format this one is converted from; a build that makes both converts the PDF it has just made."""


def convert(doc: Document, options: BuildOptions, pdf: bytes) -> bytes:
    """Return the bytes of the OFD of a PDF edition of the document; DocInfo comes from the source."""
    from ..ofd import DocInfo, pdf_to_ofd

    info = DocInfo(
        title=doc.title,
        author=doc.township,
        created=revision_datetime(doc).date(),
        creator="dutydocs",
        creator_version=__version__,
    )
    return pdf_to_ofd(pdf, info)


def render(doc: Document, options: BuildOptions) -> bytes:
    """Return the bytes of the OFD: the PDF edition, read back and written as OFD."""
    return convert(doc, options, render_format(doc, BASED_ON, options))
