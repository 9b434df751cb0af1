"""The output formats: each builder turns the document model into the bytes of one file.

A builder is a module with ``SUFFIX`` and ``render(doc, options) -> bytes``. A builder made from another
format's bytes also has ``BASED_ON`` (that format) and ``convert(doc, options, data) -> bytes``. The registry
below maps a format name to its module, bases before what is made from them; modules are imported only when
their format is built.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..edition import PROJECT_TEMPLATES, template_file
from ..errors import DutydocsError
from ..model import Document

REGISTRY: dict[str, str] = {
    "pdf": "dutydocs.builders.pdf",
    "docx": "dutydocs.builders.docx",
    "xlsx": "dutydocs.builders.xlsx",
    "html": "dutydocs.builders.html",
    "ofd": "dutydocs.builders.ofd",
}
FORMATS = tuple(REGISTRY)
DEFAULT_FORMATS = tuple(fmt for fmt in REGISTRY if fmt != "ofd")
"""What ``dutydocs build`` makes unless asked: the OFD (for filing with official documents) is opt-in."""


@dataclass(frozen=True)
class BuildOptions:
    """What a user may choose about a build; every builder receives the same options."""

    templates: Path = PROJECT_TEMPLATES
    page_numbers: str = "total"  # "total": 第 X 页，共 Y 页; "dash": — X — (GB/T 9704)

    def template(self, name: str) -> Path:
        """Return a file of the templates folder (dutydocs.edition.template_file)."""
        return template_file(self.templates, name)


def builder(fmt: str):
    """Return the module that builds one format."""
    try:
        return importlib.import_module(REGISTRY[fmt])
    except KeyError:
        raise DutydocsError(f"不支持的格式：{fmt}（可选：{', '.join(FORMATS)}）") from None


def render(doc: Document, fmt: str, options: BuildOptions | None = None) -> bytes:
    """Return the bytes of one format of the document."""
    return builder(fmt).render(doc, options or BuildOptions())


def revision_datetime(doc: Document) -> datetime:
    """Return the date stamped into outputs: SOURCE_DATE_EPOCH if set, else the source's revision date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    return datetime.strptime(doc.revision.date, "%Y-%m-%d").replace(tzinfo=UTC)
