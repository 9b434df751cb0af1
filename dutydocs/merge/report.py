"""The merge report for the office, per department: JSON (documented by a schema), HTML or Excel."""

from __future__ import annotations

import html
import io
import json
from dataclasses import asdict

from .three_way import FIELD_NAMES, MergeResult

REPORT_VERSION = 1
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


def render_report(result: MergeResult, fmt: str) -> str | bytes:
    data = report_data(result)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if fmt == "html":
        return _html(data)
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


def _html(data: dict) -> str:
    """One section per returned copy with its changes, conflicts and proposals; then who has not replied."""
    e = html.escape
    waiting = sum(1 for d in data["deletions"] if not d["applied"])
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8"><title>副本合并报告</title>',
        "<style>body{font-family:sans-serif;margin:2em;max-width:72em}table{border-collapse:collapse;width:100%}"
        "td,th{border:1px solid #999;padding:4px;vertical-align:top;white-space:pre-wrap;text-align:left}"
        "td:first-child,th:first-child{white-space:nowrap}"
        ".refused{color:#a00}</style></head><body>",
        "<h1>副本合并报告</h1>",
        f"<p>{'有待办公室决定的事项' if data['status'] == 'waiting' else '全部改动已合并，没有待办事项'}。"
        f"已合并 {len(data['applied'])} 处；冲突 {len(data['conflicts'])} 处（保留原文）；删除建议 {waiting} 项；"
        f"拒收副本 {sum(1 for c in data['copies'] if c['refused'])} 份；未交回 {len(data['missing_departments'])} 个部门。</p>",
    ]
    rows = list(_rows(data))
    for copy in data["copies"]:
        who = copy["department"] or copy["copy"]
        out.append(
            f"<h2>{e(who)}</h2><p>副本 {e(copy['copy'])}：已合并 {copy['applied']} 处，冲突 {copy['conflicts']} 处，"
            f"删除建议 {copy['deletion_proposals']} 项。</p>"
        )
        mine = [r for r in rows if r[1] == who or who in r[1].split("、")]
        if mine:
            out.append("<table><tr><th>类别</th><th>事项</th><th>栏目</th><th>变化</th></tr>")
            out += [
                f"<tr{' class=refused' if r[0] == '拒收的副本' else ''}><td>{e(r[0])}</td><td>{e(r[2])}</td>"
                f"<td>{e(r[3])}</td><td>{e(r[4])}</td></tr>"
                for r in mine
            ]
            out.append("</table>")
    if data["notes"]:
        out.append("<h2>说明</h2><ul>" + "".join(f"<li>{e(n)}</li>" for n in data["notes"]) + "</ul>")
    if data["missing_departments"]:
        out.append(
            f"<h2>尚未交回副本的部门（{len(data['missing_departments'])}）</h2>"
            f"<p>{e('、'.join(data['missing_departments']))}</p>"
        )
    out.append("</body></html>\n")
    return "\n".join(out)


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
