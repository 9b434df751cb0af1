"""Readers that turn other documents into a source: PDF-extracted text, returned Excel copies, Word documents."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..errors import DutydocsError
from ..model import Document, Revision


def import_file(
    path: Path,
    corrections: Path | None = None,
    base: Path | None = None,
    departments: Path | None = None,
    revision_date: str | None = None,
    revision_label: str | None = None,
    notes: list[str] | None = None,
) -> Document:
    """Read a .txt (pdftotext output of a duty list PDF), an .xlsx copy or a .docx and return the document.

    revision_date and revision_label, when given, are the revision the result is stamped with; what
    the import left out on purpose is appended to notes, in the user's terms.
    """
    path = Path(path)
    if not path.is_file():
        raise DutydocsError(f"{path}: 文件不存在或不是文件（请检查路径）")
    suffix = path.suffix.lower()
    if suffix == ".txt":
        from .pdftext import import_text

        return import_text(
            path,
            corrections,
            base=base,
            departments=departments,
            revision_date=revision_date,
            revision_label=revision_label,
        )
    if suffix in (".xlsx", ".xlsm"):
        from .xlsx import import_workbook

        doc = import_workbook(path, base=base)
        return replace(
            doc,
            revision=Revision(
                revision_date or doc.revision.date, doc.revision.label if revision_label is None else revision_label
            ),
        )
    if suffix in (".docx", ".docm"):
        from .docx import import_docx

        return import_docx(path, base=base, revision_date=revision_date, revision_label=revision_label, notes=notes)
    raise DutydocsError(
        f"{path}: 不支持的导入格式 {suffix or '（无扩展名）'}"
        "（可导入 .txt 的 PDF 提取文本、.xlsx 副本或 .docx Word 文档）"
    )
