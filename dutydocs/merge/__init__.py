"""Returned copies merged back into BASE: read them, merge three ways, write NEW and the report."""

from __future__ import annotations

from pathlib import Path

from ..errors import DutydocsError, UsageMistake
from .three_way import Copy, MergeResult, merge

__all__ = ["REPORT_FORMATS", "Copy", "MergeResult", "merge", "read_copies", "run_merge"]

REPORT_FORMATS = ("json", "html", "xlsx")


def read_copies(base, paths) -> list[Copy]:
    """Read every returned copy; a copy that cannot be used is kept as refused, with the reason."""
    from ..copies import departments
    from ..importers.xlsx import SCRAMBLE_HINT, ScrambledError, read_returned

    known = departments(base)
    copies = []
    for path in paths:
        path = Path(path)
        if not path.is_file():
            raise DutydocsError(f"{path}: 文件不存在或不是文件（请检查路径）")
        try:
            returned = read_returned(path, copies_are_new=True)
        except ScrambledError as exc:
            shown = "、".join(exc.rows[:8]) + (f" 等 {len(exc.rows)} 行" if len(exc.rows) > 8 else "")
            copies.append(
                Copy(
                    path.name,
                    exc.department,
                    None,
                    rows=exc.rows,
                    refused=f"整份拒收：表格被部分排序，隐藏的编号与行内容错位（{shown}）。{SCRAMBLE_HINT}",
                )
            )
            continue
        except DutydocsError as exc:
            copies.append(Copy(path.name, "", None, refused=exc.format_message()))
            continue
        warnings = [f"未合并（dutydocs 不读取此处，请办公室查看）：{text}" for text in returned.unread]
        warnings += list(returned.copied)
        department = returned.department
        if returned.revision is None:
            warnings.append("副本中没有内嵌的修订版本（是此功能之前生成的副本），按 BASE 比较")
            department = path.stem if path.stem in known else ""
            if not department:
                warnings.append("无法从文件名确定部门，副本中缺少的行不作为删除建议")
        copies.append(
            Copy(
                path.name,
                department,
                returned,
                warnings=warnings,
                whole=returned.revision is not None and not returned.department,
            )
        )
    return copies


def run_merge(
    base_path,
    copy_paths,
    out: Path,
    report: Path | None = None,
    accept_deletions: bool = False,
    templates: Path | None = None,
) -> MergeResult:
    """Merge returned copies into BASE, write NEW (and the report, an .html one from templates); return the result."""
    from ..edition import PROJECT_TEMPLATES
    from ..outputs import write_atomic
    from ..source import dumps, load
    from .report import render_report

    if report is not None and report.suffix.lower().lstrip(".") not in REPORT_FORMATS:
        raise UsageMistake(f"{report}: 报告格式只能是 .json、.html 或 .xlsx（按扩展名选择）")
    base = load(base_path)
    copies = read_copies(base, copy_paths)
    result = merge(base, copies, accept_deletions=accept_deletions)
    fmt = report.suffix.lower().lstrip(".") if report is not None else None
    data = render_report(result, fmt, templates or PROJECT_TEMPLATES) if fmt is not None else None
    write_atomic(out, dumps(result.doc))
    if report is not None and data is not None:
        write_atomic(report, data)
    return result
