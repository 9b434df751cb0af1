"""The Excel report: a summary sheet, then one sheet per list with every row, changes marked and highlighted."""

from __future__ import annotations

import io
import zipfile

from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from ..builders import revision_datetime
from ..builders.docx_xml import normalized_zip
from ..builders.xlsx import (
    BODY_FONT,
    BORDER,
    COLUMNS,
    HEADER_FILL,
    HEADER_FONT,
    LIST_SHEETS,
    MAX_ROW_POINTS,
    cell_values,
    text_lines,
)
from ..cells import write_entry
from ..edition import LIST_TITLES
from ..model import LIST_KEYS, Entry
from .changes import DOCUMENT_TITLES, KIND_TITLES, LIST_SHORT, Diff, DutiesChange, Row
from .formatting import formatting_rows
from .textdiff import text_ops

STATE_TITLES = {
    "same": "",
    "added": "新增",
    "removed": "删除",
    "modified": "修改",
    "moved-in": "移入",
    "moved-out": "移出",
}
FILLS = {
    "added": PatternFill("solid", fgColor="DCF5E3"),
    "removed": PatternFill("solid", fgColor="FBE1E2"),
    "modified": PatternFill("solid", fgColor="FFF2C8"),
    "moved-in": PatternFill("solid", fgColor="DDE9FA"),
    "moved-out": PatternFill("solid", fgColor="EDEDED"),
}
CHANGED_CELL = PatternFill("solid", fgColor="FFE08A")
GB2312 = 134
MARK_WIDTH, OLD_NO_WIDTH = 8, 11
_INSERTED = InlineFont(rFont=BODY_FONT, charset=GB2312, sz=11, color="FF0A6B2C", u="single")
_DELETED = InlineFont(rFont=BODY_FONT, charset=GB2312, sz=11, color="FFA3141B", strike=True)
_KEPT = InlineFont(rFont=BODY_FONT, charset=GB2312, sz=11)


def _font(bold: bool = False, strike: bool = False, name: str = BODY_FONT, size: float = 11) -> Font:
    return Font(name=name, size=size, bold=bold, strike=strike, charset=GB2312)


def _set(cell, value, font: Font | None = None, fill=None, centre: bool = False) -> None:
    """Write a value as text (never a formula) with the report's cell style."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    cell.font = font or _font()
    cell.border = BORDER
    cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="center" if centre else "left")
    if fill is not None:
        cell.fill = fill


def rich(ops) -> CellRichText | str:
    """Return diff operations as rich text: insertions green underlined, deletions red struck through."""
    blocks = [TextBlock(_DELETED if op < 0 else _INSERTED if op > 0 else _KEPT, text) for op, text in ops if text]
    return CellRichText(blocks) if blocks else ""


def duty_cell_ops(change: DutiesChange) -> list[tuple[int, str]]:
    """Return a changed duty cell as the Excel edition writes it (cells.duties_to_text), marked entry by entry.

    A point's number is its revision's and is never marked, so points renumbered after an inserted one show
    nothing; a heading's 【】 and a line's escape go with their line. Without the deleted runs the text is the
    new cell's, exactly.
    """
    lines: list[tuple[bool, list[tuple[int, str]]]] = []  # (in the new cell, marked runs)
    for block in change.blocks:
        if lines:  # a blank line between blocks, where either cell has one
            lines.append((block.op != "removed" and any(new for new, _ in lines), []))
        if block.new_heading is not None:
            lines.append(_line(block.op, Entry("heading", block.new_heading), block.old_heading, block.heading_ops))
        elif block.old_heading is not None:
            lines.append(_removed("", Entry("heading", block.old_heading)))
        for e in block.entries:
            if e.new is not None:
                lines.append(_line(e.op, e.new, e.old.text if e.old is not None else None, e.ops, e.new_label))
            elif e.old is not None:
                lines.append(_removed(e.old_label, e.old))
    out: list[tuple[int, str]] = []
    begun = False
    for k, (new, runs) in enumerate(lines):
        if k:
            out.append((0 if new and begun else -1, "\n"))
        begun = begun or new
        out.extend(runs)
    return [(op, text) for op, text in out if text]


def _removed(label: str, entry: Entry) -> tuple[bool, list[tuple[int, str]]]:
    """Return a line only the old cell has: (not in the new cell, the whole line deleted)."""
    return False, [(-1, write_entry(label, entry))]


def _line(op: str, new: Entry, old_text: str | None, ops, label: str = "") -> tuple[bool, list[tuple[int, str]]]:
    """Return a line of the new cell: (in the new cell, runs). Its number, 【】 and escape are the new line's."""
    written = write_entry(label, new)
    start = written.rindex(new.text) if new.text else len(written)
    frame = 1 if op == "added" or old_text is None else 0
    middle = list(ops) if op == "modified" else [(frame, new.text)]
    return True, [(frame, written[:start]), *middle, (frame, written[start + len(new.text) :])]


def row_height(cells, size: float = 11) -> float:
    """Return a row height in points that shows every wrapped line of the (text, column width) cells."""
    lines = max([1] + [text_lines(text, width, size) for text, width in cells])
    return min(round(lines * size * 1.6 + 6, 1), MAX_ROW_POINTS)  # roomier than the edition: marks need space


def _text(value) -> str:
    return "" if value is None else str(value)


def _list_sheet(ws, key: str, rows: list[Row]) -> None:
    columns = COLUMNS[key]
    headers = ["变化", "原序号"] + [c.header for c in columns]
    widths = [MARK_WIDTH, OLD_NO_WIDTH] + [c.width for c in columns]
    for k, (header, width) in enumerate(zip(headers, widths, strict=True), 1):
        _set(ws.cell(row=1, column=k), header, _font(name=HEADER_FONT), HEADER_FILL, centre=True)
        ws.column_dimensions[get_column_letter(k)].width = width
    for r, row in enumerate(rows, 2):
        fill = FILLS.get(row.state)
        struck = row.state in ("removed", "moved-out")
        mark = STATE_TITLES[row.state]
        if row.state == "moved-in" and row.change is not None and row.old is not None:
            mark = f"移入\n（{LIST_SHORT[row.old.list]} {row.old.no}）" if row.old.list != key else "移动"
        elif row.state == "moved-out" and row.new is not None:
            mark = f"移出\n（{LIST_SHORT[row.new.list]} {row.new.no}）" if row.new.list != key else "移动"
        if row.state in ("moved-in", "moved-out") and row.change is not None and row.change.fields:
            mark += "\n+修改"
        _set(ws.cell(row=r, column=1), mark, _font(bold=True), fill, centre=True)
        old_no = "" if row.old is None else row.old.no if row.old.list == key else row.old.label()
        _set(ws.cell(row=r, column=2), old_no, fill=fill, centre=True)
        item = row.old_item if struck else row.new_item
        shown = cell_values(item)
        before = cell_values(row.old_item) if row.old_item is not None and not struck else None
        heights: list[tuple[str, float]] = [(mark, MARK_WIDTH)]
        for k, column in enumerate(columns, 3):
            cell = ws.cell(row=r, column=k)
            value = shown.get(column.field)
            if column.field == "no":
                _set(cell, "" if struck else value, fill=fill, centre=True)
                continue
            old_value = before.get(column.field) if before is not None else value
            content = row.change is not None and column.field in row.change.fields  # not formatting only
            if row.state in ("modified", "moved-in") and content and _text(old_value) != _text(value):
                _set(cell, None, fill=CHANGED_CELL, centre=column.centre)
                field = row.change.fields[column.field] if row.change is not None else None
                ops = (
                    duty_cell_ops(field)
                    if isinstance(field, DutiesChange)
                    else list(text_ops(_text(old_value), _text(value)))
                )
                cell.value = rich(ops)
                heights.append(("".join(text for _, text in ops), column.width))
            else:
                _set(cell, _text(value), _font(strike=struck), fill, centre=column.centre)
                heights.append((_text(value), column.width))
        ws.row_dimensions[r].height = row_height(heights)
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(len(rows) + 1, 2)}"
    _print_setup(ws)


def _print_setup(ws) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = "1:1"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def _summary_sheet(ws, diff: Diff) -> None:
    summary = diff.summary()
    ws.column_dimensions["A"].width = 26
    for letter in "BCDEFGHIJ":
        ws.column_dimensions[letter].width = 11
    ws.column_dimensions["D"].width = 60
    ws["A1"] = f"{diff.new.title} 修订对照"
    ws["A1"].font = _font(bold=True, size=16)
    for r, (label, side) in enumerate((("原版本", summary["old"]), ("新版本", summary["new"])), 2):
        ws.cell(row=r, column=1, value=label).font = _font(bold=True)
        detail = " ".join(x for x in (side["revision"], side["label"]) if x)
        ws.cell(row=r, column=2, value=f"{side['source']}（{detail}）" if detail else side["source"]).font = _font()
    headers = ["清单", "原项数", "新项数", *KIND_TITLES.values(), "移出", "仅序号变化", "仅格式变化"]
    r = 5
    for k, header in enumerate(headers, 1):
        _set(ws.cell(row=r, column=k), header, _font(name=HEADER_FONT), HEADER_FILL, centre=True)
    ws.column_dimensions["D"].width = 11
    for key in LIST_KEYS:
        r += 1
        s = summary["lists"][key]
        values = [
            LIST_TITLES[key],
            s["items"]["old"],
            s["items"]["new"],
            *(s[k] or "" for k in KIND_TITLES),
            s["moved_out"] or "",
            s["renumbered"] or "",
            sum(1 for f in diff.formatting if f.part == "item" and f.new and f.new.list == key) or "",
        ]
        for k, value in enumerate(values, 1):
            _set(ws.cell(row=r, column=k), value, centre=k > 1)
    r += 2
    ws.cell(
        row=r,
        column=1,
        value="说明：序号变化而内容、位置未变的事项不标为变化，只计入“仅序号变化”。"
        "移动指换了清单，或在本清单中相对前后事项的次序改变；移动且内容改变的事项同时计入“移动”与“修改”。"
        "只差空白或全角半角的文字不算修改，列在“仅格式变化”表。",
    ).font = _font(size=10)
    _print_setup(ws)


def _explanation_sheet(ws, diff: Diff) -> None:
    """List the changes of the title and the explanation: its title, section headings and paragraphs."""
    changes = [("modified", DOCUMENT_TITLES[name], c.ops) for name, c in diff.document.items()]
    changes += [
        (op, {"title": "说明标题", "heading": f"小节标题（{section}）"}.get(part, section), ops)
        for op, part, section, ops in diff.explanation_entries()
    ]
    for k, (header, width) in enumerate(
        (("变化", MARK_WIDTH), ("小节", 20), ("内容（绿色下划线为新增，红色删除线为删除）", 100)), 1
    ):
        _set(ws.cell(row=1, column=k), header, _font(name=HEADER_FONT), HEADER_FILL, centre=True)
        ws.column_dimensions[get_column_letter(k)].width = width
    for r, (op, section, ops) in enumerate(changes, 2):
        _set(ws.cell(row=r, column=1), KIND_TITLES[op], _font(bold=True), FILLS[op], centre=True)
        _set(ws.cell(row=r, column=2), section)
        _set(ws.cell(row=r, column=3), None)
        ws.cell(row=r, column=3).value = rich(ops)
        ws.row_dimensions[r].height = row_height([("".join(text for _, text in ops), 100)])
    ws.freeze_panes = "A2"
    _print_setup(ws)


def _formatting_sheet(ws, diff: Diff) -> None:
    """List the formatting-only differences: where, and the text with the differing characters marked."""
    for k, (header, width) in enumerate(
        (("位置", 24), ("内容", 16), ("文字（绿色下划线为新增，红色删除线为删除）", 90)), 1
    ):
        _set(ws.cell(row=1, column=k), header, _font(name=HEADER_FONT), HEADER_FILL, centre=True)
        ws.column_dimensions[get_column_letter(k)].width = width
    for r, (where, what, ops) in enumerate(formatting_rows(diff), 2):
        _set(ws.cell(row=r, column=1), where)
        _set(ws.cell(row=r, column=2), what)
        _set(ws.cell(row=r, column=3), None)
        ws.cell(row=r, column=3).value = rich(ops)
        ws.row_dimensions[r].height = row_height([("".join(text for _, text in ops), 90), (where, 24)])
    ws.freeze_panes = "A2"
    _print_setup(ws)


def render_xlsx(diff: Diff) -> bytes:
    """Return the workbook: 摘要, the three lists with changes marked, 说明的变化, then 仅格式变化.

    No clock: the package's dates are the new revision's (SOURCE_DATE_EPOCH wins), so the same
    inputs give the same bytes.
    """
    wb = Workbook()
    wb.active.title = "摘要"
    _summary_sheet(wb.active, diff)
    for key in LIST_KEYS:
        _list_sheet(wb.create_sheet(LIST_SHEETS[key]), key, diff.rows[key])
    _explanation_sheet(wb.create_sheet("说明的变化"), diff)
    _formatting_sheet(wb.create_sheet("仅格式变化"), diff)
    stamp = revision_datetime(diff.new).replace(tzinfo=None)
    wb.properties.creator = "dutydocs"
    wb.properties.created = wb.properties.modified = stamp
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()  # not openpyxl's save(), which stamps the time of saving
    stamp = stamp.replace(year=min(max(stamp.year, 1980), 2107))
    return normalized_zip(
        buffer.getvalue(), (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    )
