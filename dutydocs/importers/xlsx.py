"""Read a returned Excel copy back into a document: items matched by their hidden id, duty cells parsed.

Rows are read wherever they are: an item keeps its id when its row was moved, re-sorted or pasted
into another sheet, and takes the list of the sheet it is in now. A row without an id is a new
item and gets no id (``dutydocs ids`` gives it one), so that build → import is exact even for
items that had none. 序号 is renumbered by position. Every problem is collected and reported at
once with its sheet and cell; nothing is returned unless the whole workbook could be read.
"""

from __future__ import annotations

import datetime
import functools
import json
import re
import unicodedata
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..builders.xlsx import (
    COLUMNS,
    EXPLANATION_SHEET,
    GUIDE_SHEET,
    ID_HEADER,
    KIND_HEADING,
    KIND_PARAGRAPH,
    LIST_SHEETS,
    PROPERTY_PREFIX,
    REVISION_MARK,
    REVISION_SHEET,
    cell_values,
    revision_digest,
)
from ..cells import (
    _ORDINAL_HEADING,
    CellFormatError,
    ooxml_unescape,
    split_lines,
    text_to_duties,
    text_to_names,
)
from ..edition import LIST_TITLES
from ..errors import DutydocsError, Problem
from ..model import (
    LIST_KEYS,
    BasicItem,
    CooperativeItem,
    Document,
    DutyList,
    Explanation,
    Revision,
    Section,
    WithdrawnItem,
)
from .common import PackageKind, check_package

XLSX = PackageKind(
    suffix=".xlsx",
    main_part="xl/workbook.xml",
    what="Excel .xlsx 文件",
    old_format="旧版 .xls 或加密的工作簿",
    programs="Excel/WPS",
    max_file_bytes=50 * 2**20,
    max_unpacked_bytes=100 * 2**20,  # a returned copy of a 300-item list unpacks to about 0.5 MiB
    max_entries=5000,
    xml_suffixes=(".xml", ".rels", ".vml"),
)
MULTILINE = {"departments", "department_duties", "town_duties"}
_ID = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,63}$")


@dataclass(frozen=True)
class Returned:
    """A returned copy as read: what it holds now, the revision it was made from, and where each row is."""

    path: Path
    doc: Document
    revision: Document | None  # embedded in the workbook; None for copies made before it was
    department: str  # "" for the full edition
    refs: dict = field(default_factory=dict)  # (list key, index in that list) -> "工作表 第 N 行"
    unread: tuple[str, ...] = ()  # text the copy holds where no field is read: extra columns, comments, sheets
    copied: tuple[str, ...] = ()  # rows read as new items because their id repeats another row's


def import_workbook(path, base=None) -> Document:
    """Return the document a returned copy holds; raise DutydocsError listing everything it cannot read."""
    returned = read_returned(path, base)
    return returned.doc


def read_returned(path, base=None, copies_are_new: bool = False) -> Returned:
    """Read a returned copy; refuse it when its rows were sorted away from their hidden ids.

    copies_are_new: a row whose id repeats another row's (a whole row copied) is a new item,
    listed in ``copied``, instead of an error.
    """
    path = Path(path)
    check_package(path, XLSX, too_large="不像是履职事项清单副本")
    workbook = _open(path)
    reader = _Reader(str(path))
    missing = [name for name in (EXPLANATION_SHEET, *LIST_SHEETS.values()) if name not in workbook.sheetnames]
    if missing:
        raise DutydocsError(
            f"{path}: 缺少工作表“{'”“'.join(missing)}”，这不是 dutydocs 生成的清单副本，或工作表被改名、删除"
            f"（现有工作表：{'、'.join(workbook.sheetnames)}；请用原副本的工作表名）"
        )
    embedded, department = read_embedded(workbook, path)
    base_doc = _load_base(base) or embedded
    explanation = reader.explanation(workbook[EXPLANATION_SHEET])
    lists = {key: reader.list_rows(workbook[LIST_SHEETS[key]], key) for key in LIST_KEYS}
    reader.check_ids(copies_are_new, base_doc)
    meta = _metadata(workbook, base_doc, reader)
    if reader.problems:
        raise DutydocsError(f"{path}: 有 {len(reader.problems)} 处无法读取，未生成源文件", reader.problems)
    duty_lists, refs = [], {}
    for key in LIST_KEYS:
        title, rows = lists[key]
        if not title:
            title = base_doc.list(key).title if base_doc else LIST_TITLES[key]
        items = tuple(row.item(key, no) for no, row in enumerate(rows, 1))
        refs.update({(key, index): row.ref for index, row in enumerate(rows)})
        duty_lists.append(DutyList(key=key, title=title, items=items))
    doc = Document(explanation=explanation, lists=tuple(duty_lists), **meta)
    if base_doc is not None:
        try:
            check_scrambled(doc, base_doc, refs, str(path))
        except ScrambledError as exc:
            exc.department = department
            raise
    _validate(doc, str(path))
    known = {GUIDE_SHEET, EXPLANATION_SHEET, REVISION_SHEET, *LIST_SHEETS.values()}
    extra_sheets = [
        f"工作表“{ws.title}”"
        for ws in workbook.worksheets
        if ws.title not in known and any(c.value is not None for row in ws.iter_rows() for c in row)
    ]
    return Returned(path, doc, embedded, department, refs, tuple(reader.unread + extra_sheets), tuple(reader.copied))


def read_embedded(workbook, path) -> tuple[Document | None, str]:
    """Return (the revision embedded in a workbook, the department of the copy); (None, "") when there is none.

    Excel writes the sheet very hidden and LibreOffice saves it as hidden; either is accepted. A
    revision whose text no longer matches its hash was edited or damaged and is refused.
    """
    if REVISION_SHEET not in workbook.sheetnames:
        return None, ""
    ws = workbook[REVISION_SHEET]
    where = f"隐藏工作表“{REVISION_SHEET}”"
    mark, digest, department = (ws.cell(1, column).value for column in (1, 2, 3))
    if mark != REVISION_MARK or not isinstance(digest, str):
        raise DutydocsError(
            f"{path}: {where}第 1 行已被改动，无法确认副本来自哪个修订版本（请用原副本，或删除该工作表后按 BASE 合并）"
        )
    department = ooxml_unescape(department) if isinstance(department, str) else ""
    chunks = []
    for row in range(2, ws.max_row + 1):
        value = ws.cell(row, 1).value
        if value is None:
            break
        chunks.append(ooxml_unescape(str(value)))
    text = "".join(chunks)
    if revision_digest(department, text) != digest:
        raise DutydocsError(
            f"{path}: {where}中的修订版本与其哈希不符，已被改动或损坏（请用原副本，或删除该工作表后按 BASE 合并）"
        )
    try:
        return _revision(text, where), department
    except DutydocsError as exc:
        raise DutydocsError(f"{path}: {exc.format_message()}") from None


@functools.lru_cache(maxsize=4)
def _revision(text: str, where: str) -> Document:
    """Parse and validate an embedded revision; the copies of one round share it, so it is read once."""
    from ..source import from_data, problems_in_data

    try:
        data = json.loads(text)
    except ValueError:
        raise DutydocsError(f"{where}中的修订版本不是有效的 JSON，已损坏") from None
    if problems_in_data(data, text, where):
        raise DutydocsError(f"{where}中的修订版本不符合源文件格式，已损坏")
    return from_data(data)


SCRAMBLE_HINT = (
    "只对可见的列排序会把隐藏的编号列（G 列）留在原处，使每行的编号指向别的事项："
    "请撤销排序，或取消隐藏 G 列后选中整张表（含 G 列）重新排序，再导入或合并"
)


def check_scrambled(doc: Document, base: Document, refs: dict, name: str) -> None:
    """Refuse rows whose id names a base item they no longer resemble while they equal another id's item.

    That is what sorting only the visible columns does: the hidden id column stays behind.
    """
    base_items = {item.id: item for _, item in base.all_items() if item.id}
    by_name: dict[tuple[str, str], str] = {}
    for item_id, item in base_items.items():
        by_name.setdefault((item.category, item.name), item_id)
    wrong = []
    for duty_list in doc.lists:
        for index, item in enumerate(duty_list.items):
            old = base_items.get(item.id) if item.id is not None else None
            if old is None or item.name == old.name:
                continue
            now, then = _fields(item), _fields(old)
            differing = sum(1 for key in then if now.get(key) != then[key])
            other = by_name.get((item.category, item.name))
            if differing * 2 > len(then) and other is not None and other != item.id:
                wrong.append((refs[(duty_list.key, index)], item.id, other))
    if wrong:
        shown = "、".join(f"{ref}（编号 {item_id}，内容是 {other}）" for ref, item_id, other in wrong[:8])
        more = f"等 {len(wrong)} 行" if len(wrong) > 8 else f"共 {len(wrong)} 行"
        problem = Problem(
            "error",
            name,
            f"编号与内容错位：{shown}，{more}",
            wrong[0][0],
            hint=SCRAMBLE_HINT,
            code="xlsx-scrambled-ids",
        )
        raise ScrambledError(
            f"{name}: 表格被部分排序，隐藏的编号与行内容错位，未生成源文件",
            [problem],
            rows=tuple(ref for ref, _, _ in wrong),
        )


class ScrambledError(DutydocsError):
    """A copy whose rows were sorted away from their hidden ids; ``rows`` names them."""

    def __init__(self, message: str, problems: list[Problem], rows: tuple[str, ...]):
        super().__init__(message, problems)
        self.rows = rows
        self.department = ""  # of the copy, from its embedded revision


def _fields(item) -> dict:
    values = cell_values(item)
    values.pop("no")
    return values


# --- the package -------------------------------------------------------------------------------


def _open(path: Path):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = _raw_strings_reader()(path)
            reader.read()
            return reader.wb
    except Exception as exc:  # openpyxl raises many kinds for a damaged package
        raise DutydocsError(
            f"{path}: 无法读取工作簿：{type(exc).__name__}: {exc}（请在 Excel/WPS 中另存为 .xlsx 后再导入）"
        ) from None


def _raw_strings_reader():
    """Return an openpyxl workbook reader that keeps shared strings as Excel wrote them, for ooxml_unescape.

    openpyxl strips every "x005F_" from shared strings but leaves other _xHHHH_ escapes and inline
    strings alone; undoing the escapes in one place keeps a literal "_x0041_" typed in Excel intact.
    """
    from openpyxl.cell.text import Text
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse

    class RawStringsReader(ExcelReader):
        def read_strings(self):
            part = self.package.find(SHARED_STRINGS)
            if part is None:
                return
            strings = []
            with self.archive.open(part.PartName[1:]) as src:
                for _, node in iterparse(src):
                    if node.tag == f"{{{SHEET_MAIN_NS}}}si":
                        strings.append(Text.from_tree(node).content)
                        node.clear()
            self.shared_strings = strings

    return RawStringsReader


def _load_base(base):
    if base is None:
        return None
    from ..source import load

    return load(base)


# --- cells and rows ----------------------------------------------------------------------------


class _Row:
    """The cells of one item row, read but not yet numbered."""

    def __init__(self, values: dict, item_id: str | None, ref: str = ""):
        self.values, self.id, self.ref = values, item_id, ref

    def item(self, key: str, no: int):
        v = self.values
        common = dict(no=no, category=v["category"], name=v["name"], id=self.id)
        if key == "basic":
            return BasicItem(**common)
        if key == "cooperative":
            return CooperativeItem(
                **common,
                departments=v["departments"],
                department_duties=v["department_duties"],
                town_duties=v["town_duties"],
            )
        return WithdrawnItem(**common, department=v["department"], takeover=v["takeover"], note=v["note"])


class _Reader:
    """Reads sheets into rows and collects every problem on the way."""

    def __init__(self, name: str):
        self.name = name
        self.problems: list[Problem] = []
        self.id_cells: dict[str, list[str]] = {}
        self.unread: list[str] = []  # what a department wrote where dutydocs does not read
        self.id_rows: dict[str, list[_Row]] = {}
        self.copied: list[str] = []  # rows whose id repeats an earlier row's, read as new rows

    def problem(self, ref: str, message: str, hint: str = "", code: str = "xlsx") -> None:
        self.problems.append(Problem("error", self.name, message, ref, hint=hint, code=code))

    def text(self, cell, ref: str) -> str | None:
        """Return a cell's text (None when empty), reporting values that are not plain text."""
        value = cell.value
        if value is None:
            return None
        if cell.data_type == "f" or not isinstance(value, (str, int, float)):
            if isinstance(value, (datetime.date, datetime.time, datetime.timedelta)):
                self.problem(ref, "单元格是日期或时间，不是文字", "请把单元格格式设为“文本”后重新输入")
            else:
                self.problem(ref, "单元格含公式", "请删除开头的 = 并改为文字，或在开头加 ' 使其成为文字")
            return None
        if isinstance(value, bool):
            self.problem(ref, "单元格是逻辑值（TRUE/FALSE），不是文字", "请改为文字")
            return None
        if isinstance(value, float):
            value = str(int(value)) if value.is_integer() else repr(value)
        value = ooxml_unescape(str(value)) if isinstance(value, str) else str(value)
        bad = next((ch for ch in value if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r"), None)
        if bad is not None:
            self.problem(ref, f"单元格含控制字符 U+{ord(bad):04X}", "请删除该字符")
            return None
        return value if value.strip() else None

    def line(self, cell, ref: str) -> str | None:
        """Return the text of a cell that must be one line, reporting a line break in it."""
        text = self.text(cell, ref)
        if text is not None and ("\n" in text or "\r" in text):
            self.problem(ref, "单元格内有换行，此处应为一行文字", "请删除单元格内的换行（Alt+Enter 产生的）")
        return text

    def explanation(self, ws) -> Explanation:
        title = self.line(ws.cell(1, 1), f"{ws.title}!A1") or ""
        if not title:
            self.problem(f"{ws.title}!A1", "说明的标题为空", "请在 A1 填写标题（如“说明”）")
        sections: list[Section] = []
        for row in range(2, ws.max_row + 1):
            ref = f"{ws.title}!A{row}"
            text = self.text(ws.cell(row, 1), ref)
            if text is None:
                continue
            kind = ws.cell(row, 2).value
            heading = kind == KIND_HEADING or (kind != KIND_PARAGRAPH and _ORDINAL_HEADING.match(text.strip()))
            if heading:
                sections.append(Section(self.line(ws.cell(row, 1), ref) or "", ()))
            elif not sections:
                self.problem(ref, "段落之前没有标题", "请在其上方插入一行标题，如“一、基本情况”")
            else:  # a cell with line breaks holds several paragraphs
                paragraphs = tuple(p for p in split_lines(text) if p.strip())
                sections[-1] = Section(sections[-1].heading, sections[-1].paragraphs + paragraphs)
        return Explanation(title=title, sections=tuple(sections))

    def _header(self, ws, key: str):
        """Return (header row, {field: column}) found by the header texts, or None after reporting."""
        wanted = {column.header: column.field for column in COLUMNS[key]}
        wanted[ID_HEADER] = "id"
        for row in range(1, min(ws.max_row, 10) + 1):
            found: dict[str, int] = {}
            for cell in ws[row]:
                if isinstance(cell.value, str) and cell.value.strip() in wanted:
                    found.setdefault(wanted[cell.value.strip()], cell.column)
            if "name" in found and "category" in found:
                missing = [header for header, field in wanted.items() if field not in found]
                if missing:
                    self.problem(
                        f"{ws.title}!{row}:{row}",
                        f"表头缺少“{'”“'.join(missing)}”列",
                        "请恢复被删除或改名的列（编号列是隐藏的 G 列，右键列标可取消隐藏）",
                    )
                    return None
                return row, found
        self.problem(f"{ws.title}!A2", "找不到表头行（序号、事项类别、事项名称……）", "请恢复原副本的表头")
        return None

    def list_rows(self, ws, key: str) -> tuple[str | None, list[_Row]]:
        header = self._header(ws, key)
        if header is None:
            return None, []
        header_row, columns = header
        self._unread(ws, header_row, set(columns.values()))
        title = next((t for r in range(1, header_row) if (t := self.line(ws.cell(r, 1), f"{ws.title}!A{r}"))), None)
        rows = []
        content = [c.field for c in COLUMNS[key] if c.field != "no"]
        merged = _merged_cells(ws, header_row)
        for r in range(header_row + 1, ws.max_row + 1):
            cells = {
                field: (merged.get((r, col)) or ws.cell(r, col), f"{ws.title}!{ws.cell(r, col).coordinate}")
                for field, col in columns.items()
            }
            raw = {
                field: (self.text if field in MULTILINE else self.line)(cell, ref)
                for field, (cell, ref) in cells.items()
                if field != "no"
            }
            if all(raw[field] is None for field in content):
                continue  # a blank row, or one whose contents were cleared: no item
            rows.append(self._row(key, raw, cells))
            rows[-1].ref = f"{ws.title} 第 {r} 行"
        return title, rows

    def _unread(self, ws, header_row: int, read: set) -> None:
        """Note text in columns dutydocs does not read, and comments on item rows."""
        for row in ws.iter_rows(min_row=header_row):
            for cell in row:
                if cell.comment is not None and cell.row > header_row:
                    self.unread.append(f"{ws.title}!{cell.coordinate} 的批注：{cell.comment.text.strip()[:200]}")
                if cell.column not in read and cell.value is not None and str(cell.value).strip():
                    self.unread.append(f"{ws.title}!{cell.coordinate}：{str(cell.value).strip()[:200]}")

    def _row(self, key: str, raw: dict, cells: dict) -> _Row:
        """Read one item row; cells maps a field to (cell, "sheet!A1")."""

        def require(field: str, what: str, hint: str) -> None:
            if raw[field] is None:
                self.problem(cells[field][1], f"{what}为空", hint)

        require("category", "事项类别", "请填写事项类别")
        require("name", "事项名称", "请填写事项名称")
        values = {field: raw[field] for field in ("category", "name")}
        if key == "cooperative":
            values["departments"] = text_to_names(raw["departments"] or "")
            if not values["departments"]:
                self.problem(cells["departments"][1], "对应上级部门为空", "请填写至少一个部门，每行一个")
            for field in ("department_duties", "town_duties"):
                try:
                    values[field] = text_to_duties(raw[field])
                except CellFormatError as exc:
                    self.problem(cells[field][1], f"无法识别：{exc}", "要点请写成“1.内容”，标题单独一行写在【】中")
                    values[field] = None
        elif key == "withdrawn":
            values.update({field: raw[field] for field in ("department", "takeover", "note")})
            if raw["department"] is None and raw["note"] is None:
                self.problem(
                    cells["department"][1], "承接部门和说明都为空", "请填写承接部门；没有部门承接时在“说明”列写明原因"
                )
        item_id = raw["id"]
        if item_id is not None:
            item_id = item_id.strip()
            if not _ID.match(item_id):
                self.problem(
                    cells["id"][1],
                    f"编号“{item_id[:40]}”不是 dutydocs 的编号",
                    "编号列请勿修改：请恢复原值，或清空它使此行成为新事项",
                )
            self.id_cells.setdefault(item_id, []).append(cells["id"][1])
        row = _Row(values, item_id)
        if item_id is not None:
            self.id_rows.setdefault(item_id, []).append(row)
        return row

    def check_ids(self, copies_are_new: bool = False, base=None) -> None:
        """Report an id found on several rows; or, for merge, read all but one of them as new items.

        The row that keeps the id is the one still equal to the base item, else the first.
        """
        base_items = {item.id: item for _, item in base.all_items()} if base is not None else {}
        for item_id, refs in self.id_cells.items():
            if len(refs) > 1 and copies_are_new:
                rows = self.id_rows[item_id]
                old = base_items.get(item_id)
                keeper = next(
                    (
                        r
                        for r in rows
                        if old is not None and all(v == getattr(old, k, None) for k, v in r.values.items())
                    ),
                    rows[0],
                )
                kept = refs[rows.index(keeper)]
                for row, ref in zip(rows, refs, strict=True):
                    if row is not keeper:
                        row.id = None
                        self.copied.append(f"{ref} 与 {kept} 的编号相同（{item_id}，整行复制而来），按新事项合并")
            elif len(refs) > 1:
                self.problem(
                    refs[1],
                    f"编号 {item_id} 出现 {len(refs)} 次（{'、'.join(refs)}）",
                    "复制整行会连同隐藏的编号一起复制：请清空新增那一行的编号（G 列），它将作为新事项导入",
                    code="xlsx-duplicate-id",
                )


def _merged_cells(ws, header_row: int) -> dict:
    """Map every cell of a merged range below the header to the range's first cell, which holds the value.

    People merge 事项类别 over the items of one category, as the printed list does; each item keeps it.
    """
    found = {}
    for merged in ws.merged_cells.ranges:
        if merged.min_row > header_row:
            first = ws.cell(merged.min_row, merged.min_col)
            for row, column in merged.cells:
                found[(row, column)] = first
    return found


# --- the document ------------------------------------------------------------------------------


def _metadata(workbook, base_doc, reader: _Reader) -> dict:
    """Title, township, region and revision: from the workbook's own properties, else the base source."""
    custom = {}
    for prop in getattr(workbook, "custom_doc_props", []) or []:
        if prop.name and prop.name.startswith(PROPERTY_PREFIX) and isinstance(prop.value, str):
            custom[prop.name[len(PROPERTY_PREFIX) :]] = prop.value
    core = workbook.properties
    meta: dict[str, Any]  # Document's keyword arguments
    if "title" in custom:
        meta = dict(
            title=custom["title"],
            township=custom.get("township", ""),
            region=custom.get("region", ""),
            revision=Revision(custom.get("revision_date", ""), custom.get("revision_label", "")),
        )
    elif base_doc is not None:
        meta = dict(
            title=base_doc.title, township=base_doc.township, region=base_doc.region, revision=base_doc.revision
        )
    else:
        created = core.created.date().isoformat() if isinstance(core.created, datetime.datetime) else ""
        meta = dict(
            title=core.title or "",
            township=core.creator or "",
            region=core.subject or "",
            revision=Revision(created, core.description or ""),
        )
    for key, label in (("title", "文件标题"), ("township", "乡镇名称")):
        if not meta[key]:
            reader.problem("文件属性", f"工作簿中没有{label}", "请用 --base 指定分发此副本时的源文件")
    if not re.match(r"^\d{4}-\d{2}-\d{2}$", meta["revision"].date):
        reader.problem("文件属性", "工作簿中没有修订日期", "请用 --base 指定分发此副本时的源文件")
    return meta


def _validate(doc: Document, name: str) -> None:
    """Check the result against the source schema, so an import never writes an invalid source."""
    import json

    from ..source import problems_in_data, to_data

    data = to_data(doc)
    problems = problems_in_data(data, json.dumps(data, ensure_ascii=False, indent=2), name)
    if problems:
        raise DutydocsError(f"{name}: 导入结果不符合源文件格式，未生成源文件", problems)
