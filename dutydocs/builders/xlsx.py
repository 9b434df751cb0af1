"""The Excel edition: one workbook to send to departments, laid out so an edited copy can be imported back.

Sheets: 说明 and one per list, and a very hidden sheet that carries the whole revision the workbook
was made from (REVISION_SHEET), so that a returned copy can be merged three ways without the
original file. A department copy (dutydocs.copies) is the same workbook holding only its rows,
opened by a sheet that says how to edit it. Every list sheet has its title in row 1, the header in row 2 and
one item per row from row 3. Column G (on every list sheet, so a whole row pasted into another
sheet keeps its id) holds the item's stable id; it is hidden and labelled as not to be edited.
It is hidden rather than protected: with sheet protection on, Excel and WPS refuse to delete or
sort rows that contain locked cells, and departments must be able to do both. Duty cells use the
text format of dutydocs.cells. Every text cell is written as a string, never as a formula.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import re
import zipfile
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.writer.excel import ExcelWriter
from openpyxl.xml.functions import tostring

from ..cells import CELL_LIMIT, duties_to_text, names_to_text, ooxml_escape
from ..edition import LIST_TITLES, SHEET_COLUMNS, text_em
from ..errors import DutydocsError, Problem
from ..model import CooperativeItem, Document, WithdrawnItem
from . import BuildOptions, revision_datetime

SUFFIX = "xlsx"

EXPLANATION_SHEET = "说明"
LIST_SHEETS = LIST_TITLES
"""Each list's sheet is named by the list's standard title, whatever the document calls it, so the importer finds it."""
HEADER_ROW = 2
FIRST_ROW = 3
ID_COLUMN = 7  # G on every list sheet
ID_HEADER = "编号（系统使用，请勿修改）"
KIND_HEADING, KIND_PARAGRAPH = "标题", "段落"
PROPERTY_PREFIX = "dutydocs."
GUIDE_SHEET = "填写说明"
REVISION_SHEET = "dutydocs_revision"
REVISION_MARK = "dutydocs 修订版本 1（系统使用，请勿修改）"
REVISION_CHUNK = 30000
"""Characters of the embedded revision per cell: under Excel's 32,767 even after OOXML escaping."""


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    width: float
    centre: bool = False


WIDTHS = {
    "basic": {"no": 6, "category": 14, "name": 102},
    "cooperative": {"no": 5, "category": 10, "name": 15, "departments": 15, "department_duties": 37, "town_duties": 38},
    "withdrawn": {"no": 5, "category": 10, "name": 36, "department": 15, "takeover": 37, "note": 19},
}
"""Widths in Excel units (the width of "0" in the workbook's default font, DEFAULT_FONT), 122 in all:
what A4 landscape holds between its margins at full size, so that fit-to-width does not shrink the text.
The withdrawn list's 说明 (note) column is narrow: few items have a note (2 of 45 in the bundled list), and
its width goes to the name and takeover columns, which set the row heights (1,644 pt in all, not 1,942)."""
CENTRED = {"no", "category"}
COLUMNS: dict[str, tuple[Column, ...]] = {
    key: tuple(Column(c.key, c.label, WIDTHS[key][c.key], c.key in CENTRED) for c in columns)
    for key, columns in SHEET_COLUMNS.items()
}
"""Each list's columns (dutydocs.edition.SHEET_COLUMNS) with their widths; 序号 and 事项类别 centred."""

BODY_FONT, HEADER_FONT, TITLE_FONT = "仿宋_GB2312", "黑体", "方正小标宋简体"
GB2312 = 134  # the font charset that tells Excel to fall back to a Chinese font
DEFAULT_FONT = "宋体"
"""The workbook's Normal font, whose "0" sets the width unit. Chinese Excel's own default, and a CJK
font everywhere else: with openpyxl's Calibri, LibreOffice falls back to DejaVu Sans, whose wider
digits made every column a third wider than planned and fit-to-width shrank the text to 9 pt."""
DIGIT_PX = 8.3
"""The width of "0" of DEFAULT_FONT at 11 pt in pixels, as LibreOffice measures it (Excel: 7–8)."""
CELL_PADDING_PX = 6
"""What a cell keeps free of text across its width, in pixels."""
_THIN = Side(style="thin", color="000000")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
ID_FILL = PatternFill("solid", fgColor="EDEDED")

INSTRUCTIONS = (
    "修改说明：直接修改单元格文字即可。新增事项请插入整行（编号列留空）；删除事项请删除整行；"
    "把事项移到另一张清单请剪切整行后插入。序号会按行的位置重新编排，无需手动修改。"
)
DUTIES_HELP = (
    "每行一条：要点以 1. 2. 开头（编号会自动重排）；标题单独一行，写在【】中，"
    "或以“一、”“（一）”开头；其他行为段落；空行只为便于阅读。行首的 ' 表示其后文字原样保留。"
)
ID_HELP = "事项的稳定编号，用于把修改后的副本对应回源文件。请勿修改；新增的行留空即可。"

BODY_SIZES = (12, 11, 10.5, 10, 9)
"""小四 normally; smaller only for the few items whose text would pass Excel's largest row height."""
LINE_POINTS = 1.08
"""Line pitch as a multiple of the font size. GB fonts (仿宋_GB2312, 宋体) and their stand-ins set lines
one em apart in Excel, WPS and LibreOffice; the rest is a margin for rounding to whole pixels."""
MAX_ROW_POINTS = 409  # Excel's largest row height

EXPLANATION_WIDTH = 80

_NOT_XML = re.compile("[\ufffe\uffff\ud800-\udfff]")


def render(doc: Document, options: BuildOptions) -> bytes:
    """Return the bytes of the workbook; the same document always gives the same bytes."""
    problems = cell_problems(doc)
    if problems:
        raise DutydocsError(f"有 {len(problems)} 个单元格无法写入 Excel，未生成工作簿", problems)
    return render_rows(doc, doc, options)


def render_rows(
    doc: Document, shown: Document, options: BuildOptions, department: str = "", guide: tuple[str, ...] = ()
) -> bytes:
    """Return a workbook of the rows of ``shown`` that carries all of ``doc``, the revision it comes from.

    ``department`` names the department a copy is for; ``guide`` is the text of an opening sheet.
    """
    stamp = revision_datetime(doc).replace(tzinfo=None)
    wb = Workbook()
    _default_font(wb)
    footer = "第 &P 页，共 &N 页" if options.page_numbers == "total" else "— &P —"
    if guide:
        _guide_sheet(wb.active, guide)
        _explanation_sheet(wb.create_sheet(EXPLANATION_SHEET), shown, footer)
    else:
        _explanation_sheet(wb.active, shown, footer)
    for duty_list in shown.lists:
        ws = wb.create_sheet(LIST_SHEETS[duty_list.key])
        _list_sheet(ws, duty_list, footer)
        if guide and not duty_list.items:  # a copy's list with none of its rows: kept for import, not shown
            ws.sheet_state = "hidden"
    _revision_sheet(wb.create_sheet(REVISION_SHEET), doc, department)
    _properties(wb, doc, stamp)
    wb.properties.modified = stamp
    buffer = io.BytesIO()
    # stored, not deflated: _reproducible_zip compresses every part once, with fixed dates
    ExcelWriter(wb, zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED)).save()
    return _reproducible_zip(buffer.getvalue(), tostring(wb.properties.to_tree()), stamp)


def cell_values(item) -> dict[str, object]:
    """Return what each column of an item's row holds."""
    values: dict[str, object] = {"no": item.no, "category": item.category, "name": item.name}
    if isinstance(item, CooperativeItem):
        values["departments"] = names_to_text(item.departments)
        values["department_duties"] = duties_to_text(item.department_duties)
        values["town_duties"] = duties_to_text(item.town_duties)
    elif isinstance(item, WithdrawnItem):
        values.update(department=item.department, takeover=item.takeover, note=item.note)
    return values


def cell_problems(doc: Document) -> list[Problem]:
    """Texts Excel cannot hold: longer than a cell allows, or characters XML cannot carry."""
    cells: list[tuple[str, str, object]] = [
        (f"{EXPLANATION_SHEET}!A", f"说明“{text[:20]}”", text)
        for section in doc.explanation.sections
        for text in (section.heading, *section.paragraphs)
    ]
    for duty_list in doc.lists:
        for row, item in enumerate(duty_list.items, FIRST_ROW):
            values = cell_values(item)
            for letter, column in zip("ABCDEF", COLUMNS[duty_list.key], strict=False):
                where = f"{duty_list.title} 第 {item.no} 项（{item.name[:20]}）的“{column.header}”"
                cells.append((f"{LIST_SHEETS[duty_list.key]}!{letter}{row}", where, values[column.field]))
    problems = []
    for pointer, where, value in cells:
        if not isinstance(value, str):
            continue
        if len(value) > CELL_LIMIT:
            problems.append(
                Problem(
                    "error",
                    doc.title,
                    f"{where}有 {len(value)} 个字符，超过 Excel 单元格上限 {CELL_LIMIT}",
                    pointer,
                    hint="请精简或把内容拆分到多个事项",
                    code="xlsx-cell-limit",
                )
            )
        if _NOT_XML.search(value):
            problems.append(
                Problem(
                    "error",
                    doc.title,
                    f"{where}含有 Excel 无法保存的字符",
                    pointer,
                    hint="请删除该字符",
                    code="xlsx-character",
                )
            )
    return problems


def _text(cell, value) -> None:
    """Put text in a cell as a string, even when it starts with = + - or @."""
    if isinstance(value, str):
        cell.value = ooxml_escape(value)
        cell.data_type = "s"
    else:
        cell.value = value


def _default_font(wb: Workbook) -> None:
    """Make DEFAULT_FONT the Normal style's font (openpyxl offers no public setter)."""
    font = _font(DEFAULT_FONT, 11)
    wb._fonts = IndexedList([font])
    wb._named_styles["Normal"].font = font


def _font(name: str, size: float, bold: bool = False) -> Font:
    return Font(name=name, size=size, bold=bold, charset=GB2312)


def _title_row(ws, title: str, width: int) -> None:
    if width > 1:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    _text(ws.cell(1, 1), title)
    ws.cell(1, 1).font = _font(TITLE_FONT, 20)
    ws.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 40


def _list_sheet(ws, duty_list, footer: str) -> None:
    columns = COLUMNS[duty_list.key]
    last_row = HEADER_ROW + len(duty_list.items)
    _title_row(ws, duty_list.title, len(columns))
    for index, column in enumerate(columns, 1):
        cell = ws.cell(HEADER_ROW, index)
        _text(cell, column.header)
        cell.font = _font(HEADER_FONT, 12)
        cell.fill, cell.border = HEADER_FILL, BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(index)].width = column.width
    for index in range(len(columns) + 1, ID_COLUMN):
        ws.column_dimensions[get_column_letter(index)].hidden = True
    ws.cell(HEADER_ROW, 1).comment = _comment(INSTRUCTIONS)
    for index, column in enumerate(columns, 1):
        if column.field.endswith("duties"):
            ws.cell(HEADER_ROW, index).comment = _comment(DUTIES_HELP)
    id_cell = ws.cell(HEADER_ROW, ID_COLUMN)
    _text(id_cell, ID_HEADER)
    id_cell.font, id_cell.fill, id_cell.border = _font(HEADER_FONT, 10), HEADER_FILL, BORDER
    id_cell.comment = _comment(ID_HELP)
    ws.column_dimensions[get_column_letter(ID_COLUMN)].width = 16
    ws.column_dimensions[get_column_letter(ID_COLUMN)].hidden = True

    for row, item in enumerate(duty_list.items, FIRST_ROW):
        values = cell_values(item)
        texts = [(str(values[c.field] or ""), c.width) for c in columns]
        size = next((s for s in BODY_SIZES if row_height(texts, s) < MAX_ROW_POINTS), BODY_SIZES[-1])
        body = _font(BODY_FONT, size)
        for index, column in enumerate(columns, 1):
            cell = ws.cell(row, index)
            _text(cell, values[column.field])
            cell.font, cell.border = body, BORDER
            cell.alignment = Alignment(
                horizontal="center" if column.centre else "left",
                vertical="center" if column.centre else "top",
                wrap_text=True,
            )
        ws.row_dimensions[row].height = row_height(texts, size)
        id_cell = ws.cell(row, ID_COLUMN)
        _text(id_cell, item.id)
        id_cell.font, id_cell.fill = _font(BODY_FONT, 10), ID_FILL

    last_column = get_column_letter(len(columns))
    ws.freeze_panes = ws.cell(FIRST_ROW, 1)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(ID_COLUMN)}{max(last_row, HEADER_ROW + 1)}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.print_area = f"A1:{last_column}{last_row}"
    _page_setup(ws, duty_list.title, footer, landscape=True)


def text_lines(text: str, width: float, size: float) -> int:
    """Estimate how many lines wrapped text takes in a column of the given Excel width."""
    # an Excel width unit is the "0" of the 11 pt default font; a CJK glyph is one em, and a line holds
    # whole glyphs only: 18.8 em of room wrap 94 em of text on 6 lines, not 5
    per_line = max(math.floor((width * DIGIT_PX - CELL_PADDING_PX) / (size * 96 / 72)), 1)
    lines = 0
    for line in text.split("\n"):
        lines += max(1, math.ceil(text_em(line) / per_line))
    return lines


def row_height(cells, size: float) -> float:
    """Return a row height in points that shows every wrapped line of the cells (Excel caps it at 409)."""
    lines = max(text_lines(text, width, size) for text, width in cells)
    return min(round(lines * size * LINE_POINTS + 4, 1), MAX_ROW_POINTS)


def _explanation_sheet(ws, doc: Document, footer: str) -> None:
    """The explanation as a page of text; hidden column B says which rows are headings."""
    ws.title = EXPLANATION_SHEET
    explanation = doc.explanation
    _title_row(ws, explanation.title, 1)
    ws.column_dimensions["A"].width = EXPLANATION_WIDTH
    ws.column_dimensions["B"].hidden = True
    row = 2
    for section in explanation.sections:
        row += 1
        _explanation_row(ws, row, section.heading, KIND_HEADING, _font(HEADER_FONT, 14))
        for paragraph in section.paragraphs:
            row += 1
            _explanation_row(ws, row, paragraph, KIND_PARAGRAPH, _font(BODY_FONT, 14))
    ws.print_area = f"A1:A{max(row, 1)}"
    _page_setup(ws, explanation.title, footer, landscape=False)


def _explanation_row(ws, row: int, text: str, kind: str, font: Font) -> None:
    ws.row_dimensions[row].height = row_height([(text, EXPLANATION_WIDTH)], font.size)
    cell = ws.cell(row, 1)
    _text(cell, text)
    cell.font = font
    cell.alignment = Alignment(vertical="top", wrap_text=True)
    _text(ws.cell(row, 2), kind)


def _guide_sheet(ws, lines: tuple[str, ...]) -> None:
    """How to edit this copy: one paragraph a row, the first as the title."""
    ws.title = GUIDE_SHEET
    ws.column_dimensions["A"].width = EXPLANATION_WIDTH
    for row, text in enumerate(lines, 1):
        size = 16 if row == 1 else 12
        cell = ws.cell(row, 1)
        _text(cell, text)
        cell.font = _font(HEADER_FONT if row == 1 else BODY_FONT, size, bold=row == 1)
        cell.alignment = Alignment(vertical="top", wrap_text=True)
        ws.row_dimensions[row].height = row_height([(text, EXPLANATION_WIDTH)], size)
    _page_setup(ws, lines[0], "", landscape=False)


def revision_digest(department: str, text: str) -> str:
    """Return the content hash stored beside an embedded revision."""
    return "sha256:" + hashlib.sha256(f"{department}\n{text}".encode()).hexdigest()


def _revision_sheet(ws, doc: Document, department: str) -> None:
    """The whole revision as compact JSON in column A from row 2; A1 marks it, B1 hashes it, C1 names the copy."""
    from ..source import to_data

    text = json.dumps(to_data(doc), ensure_ascii=False, separators=(",", ":"))
    ws.sheet_state = "veryHidden"
    _text(ws.cell(1, 1), REVISION_MARK)
    _text(ws.cell(1, 2), revision_digest(department, text))
    _text(ws.cell(1, 3), department)
    for row, start in enumerate(range(0, len(text), REVISION_CHUNK), 2):
        _text(ws.cell(row, 1), text[start : start + REVISION_CHUNK])


def _comment(text: str) -> Comment:
    comment = Comment(text, "dutydocs")
    comment.width, comment.height = 320, 140
    return comment


def _header_text(text: str) -> str:
    return text.replace("&", "&&")


def _page_setup(ws, title: str, footer_text: str, landscape: bool) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    # LibreOffice clips a centred page that has hidden columns, so only the wide tables are centred
    ws.print_options.horizontalCentered = landscape
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top, ws.page_margins.bottom = 0.8, 0.7
    ws.page_margins.header, ws.page_margins.footer = 0.35, 0.3
    # page 1 shows the big title row; the later pages carry the title in the page header
    ws.HeaderFooter.differentFirst = True
    ws.oddHeader.center.text = _header_text(title)
    ws.oddHeader.center.font, ws.oddHeader.center.size = f"{HEADER_FONT},Regular", 11
    for footer in (ws.oddFooter, ws.HeaderFooter.firstFooter):
        footer.center.text = footer_text
        footer.center.font, footer.center.size = f"{BODY_FONT},Regular", 11


def _properties(wb: Workbook, doc: Document, stamp) -> None:
    props = wb.properties
    props.title, props.creator, props.lastModifiedBy = doc.title, doc.township, doc.township
    props.subject = doc.region or None
    props.description = doc.revision.label or None
    props.created = props.modified = stamp
    custom = {
        "schema_version": str(doc.schema_version),
        "title": doc.title,
        "township": doc.township,
        "region": doc.region,
        "revision_date": doc.revision.date,
        "revision_label": doc.revision.label,
    }
    for name, value in custom.items():
        if value:
            wb.custom_doc_props.append(StringProperty(name=PROPERTY_PREFIX + name, value=value))


def _reproducible_zip(data: bytes, core_xml: bytes, stamp) -> bytes:
    """Rewrite the package with fixed entry dates and the revision date in docProps/core.xml."""
    if not 1980 <= stamp.year <= 2107:  # what a zip entry's DOS date can hold
        stamp = stamp.replace(year=min(max(stamp.year, 1980), 2107), month=1, day=1, hour=0, minute=0, second=0)
    date_time = (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            content = core_xml if info.filename == "docProps/core.xml" else zin.read(info)
            entry = zipfile.ZipInfo(info.filename, date_time=date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            zout.writestr(entry, content, compresslevel=1)  # fast: copies are written by the dozen
    return out.getvalue()
