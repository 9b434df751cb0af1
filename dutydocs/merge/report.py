"""The merge report for the office, per department: JSON (documented by a schema), HTML or Excel."""

from __future__ import annotations

import io
import json
from dataclasses import asdict
from pathlib import Path

from ..edition import PROJECT_TEMPLATES, render_template
from .three_way import FIELD_NAMES, MergeResult

REPORT_VERSION = 1
TEMPLATE = "merge-report.html.j2"
ACTIONS = {"modify": "修改", "insert": "插入", "delete": "删除", "add-item": "新增事项", "delete-item": "删除事项"}


def report_data(result: MergeResult) -> dict:
    """Return the report as plain data; dutydocs/schema/merge-report.schema.json describes it."""
    departments = []
    for copy in result.copies:
        mine = [a for a in result.applied if a.copy == copy.name]
        departments.append(
            {
                "copy": copy.name,
                "department": copy.department,
                "status": "refused" if copy.refused else "merged",
                "refused": copy.refused or None,
                "rows": list(copy.rows),
                "warnings": list(copy.warnings),
                "applied": len(mine),
                "conflicts": sum(1 for c in result.conflicts if any(p.copy == copy.name for p in c.proposals)),
                "deletion_proposals": sum(1 for d in result.deletions if d.copy == copy.name and not d.applied),
            }
        )
    return {
        "report_version": REPORT_VERSION,
        "status": "waiting" if result.waiting else "complete",
        "copies": departments,
        "applied": [asdict(a) for a in result.applied],
        "conflicts": [asdict(c) for c in result.conflicts],
        "deletions": [asdict(d) for d in result.deletions],
        "notes": list(result.notes),
        "missing_departments": list(result.missing),
    }


def waiting_lines(result: MergeResult) -> list[str]:
    """One line for each thing that waits for the office or was not read: for the terminal without --report."""
    data = report_data(result)
    return ["｜".join(part for part in row if part) for row in _rows(data) if row[0] not in ("已合并", "未交回")]


def render_report(result: MergeResult, fmt: str, templates: Path = PROJECT_TEMPLATES) -> str | bytes:
    """Return the report as .json, .html (from the templates folder, --templates) or .xlsx."""
    data = report_data(result)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if fmt == "html":
        return _html(data, templates)
    return _xlsx(data)


def _what(record: dict) -> str:
    return FIELD_NAMES.get(record["field"], record["field"])


def _rows(data: dict):
    """Yield (section, department/copy, item, what, text) rows shared by the HTML and Excel reports."""
    for copy in data["copies"]:
        who = copy["department"] or copy["copy"]
        if copy["refused"]:
            yield "拒收的副本", who, "", "整份副本", copy["refused"]
        for warning in copy["warnings"]:
            yield "提示", who, "", "", warning
        for a in (a for a in data["applied"] if a["copy"] == copy["copy"]):
            old, new = a["old"] or "", a["new"] or ""
            yield "已合并", who, a["name"], f"{_what(a)}·{ACTIONS[a['action']]}", (f"{old} → {new}" if old else new)
        for d in (d for d in data["deletions"] if d["copy"] == copy["copy"]):
            yield ("已删除" if d["applied"] else "删除建议"), who, d["name"], d["list"], "删除整项"
    for c in data["conflicts"]:
        proposals = "；".join(f"{p['department'] or p['copy']}：{p['value']}" for p in c["proposals"])
        yield (
            "冲突（保留原文）",
            "、".join(p["department"] or p["copy"] for p in c["proposals"]),
            c["name"],
            f"{_what(c)}（{c['reason']}）",
            f"原文：{c['base'] or ''}｜{proposals}",
        )
    for note in data["notes"]:
        yield "说明", "", "", "", note
    for department in data["missing_departments"]:
        yield "未交回", department, "", "", "尚未交回副本"


def _html(data: dict, templates: Path) -> str:
    """One section per returned copy with its changes, conflicts and proposals; then who has not replied."""
    rows = list(_rows(data))
    copies = []
    for copy in data["copies"]:
        who = copy["department"] or copy["copy"]
        mine = [r for r in rows if r[1] == who or who in r[1].split("、")]
        copies.append({**copy, "who": who, "rows": mine})
    return render_template(
        templates,
        TEMPLATE,
        data=data,
        copies=copies,
        waiting=sum(1 for d in data["deletions"] if not d["applied"]),
        refused=sum(1 for c in data["copies"] if c["refused"]),
    )


def _xlsx(data: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    wb = Workbook()
    ws = wb.active
    ws.title = "合并报告"
    ws.append(["类别", "部门", "事项", "内容", "变化"])
    for row in _rows(data):
        ws.append(list(row))
        for cell in ws[ws.max_row]:
            cell.data_type = "s"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDE", (14, 24, 30, 24, 80), strict=True):
        ws.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
