"""Import a duty list from a Word document: our own Word edition, or a list laid out as an office lays it out.

What is read, and how:

- The tables are recognised by their header row, whatever the wording: a column whose header
  names 配合 and 职责 holds the town's duties, 职责 alone the department's, 承接 the withdrawn
  item's department and how it is taken over, 部门 the departments, 类别 the category, 名称 the
  name, 序号 the number. A table with duty columns is the cooperative list, one with 承接 the
  withdrawn list, any other the basic list; consecutive tables of one kind are one list. The
  header may follow a title row and may take two rows (职责 over 上级部门职责 | 镇配合职责); a header
  repeated inside a table is skipped, and so are labels between tables (a list's title, 附件2, 续表).
- 序号 may be typed or produced by Word numbering; items are numbered by their order. A category
  cell merged down over several rows, or left empty, is the category above; a departments, duty
  or 承接 cell merged down over several items belongs to each of them.
- A row whose number, category and name are empty (or repeat the row above's number and name)
  continues the item above: a cell split across pages.
- In a duty cell, a paragraph in a heading style or in bold, or opening with 一、 (一．), is a heading; a
  paragraph opening with a typed "1." or carrying Word numbering is a point (stored without its
  number); any other paragraph is a paragraph. Where the document has no heading style and no
  bold, a short line without closing punctuation that more text follows is a heading (区卫健委).
- The 承接部门及工作方式 cell: a paragraph opening with 承接方式： is the takeover, the paragraph
  before it the department (承接部门：… in the same paragraph also) and any after it a note.
  Without 承接方式：, a first paragraph that reads as a department name (short, no punctuation,
  ending as bodies end: 局, 委, 办…) is the department and the rest a note; with --base, the
  base's reading of the same item decides.
- Paragraphs before the first table are the title and the explanation (一、… or 一．… headings).
  After the last table, a note (注：… and its numbered points), a signature, a date or a contact
  line is left out, and the import says so; any other text there cannot be placed.
- Departments are one a paragraph, or separated by 、，；, or by line breaks (see departments).
- A text box's paragraphs are lines of the cell holding it, read once (not again from the copy
  Word keeps for programs that cannot draw shapes).

What cannot be placed is reported by table, row and cell, and nothing is written.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..edition import LIST_TITLES, PRINTED_COLUMNS, TAKEOVER_LABEL
from ..errors import DutydocsError, Problem, UsageMistake
from ..model import (
    LIST_KEYS,
    BasicItem,
    CooperativeItem,
    Document,
    Duties,
    DutyList,
    Entry,
    Explanation,
    Item,
    Revision,
    Section,
    WithdrawnItem,
)
from .common import PackageKind, check_package

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
DOCX = PackageKind(
    suffix=".docx",
    main_part="word/document.xml",
    what="Word .docx 文件",
    old_format="旧版 .doc 或加密的文档",
    programs="Word/WPS",
    max_file_bytes=64 * 2**20,
    max_unpacked_bytes=256 * 2**20,
    max_entries=2000,
)
TOPIC = re.compile(r"^[一二三四五六七八九十]+[、．.]")
POINT = re.compile(r"^\s*(\d{1,2})\s*[.．、]\s*(?!\d)")
END_PUNCTUATION = "。；！？;!?"
BODY_ENDINGS = "部委局办室会队院所站心团社行司处科组庭联协台门"
SHORT_HEADING = 16
SHARED_ROLES = ("departments", "department_duties", "town_duties", "handover")
"""Columns whose cell, merged down over several items, holds what each of them has."""
IGNORED_BETWEEN = re.compile(r"清单[）)]?$|^附件\s*\d*[：:]?$|^[（(]?续表?[)）]?$")
"""Text between tables that labels them (a list's title, 附件2, 续表) and holds no content."""
NOTE = re.compile(r"^(注|备注|附注|说明)\s*[0-9０-９]*\s*[：:]")
NOTE_POINT = re.compile(r"^[(（]?\s*[0-9０-９一二三四五六七八九十]{1,2}\s*[)）.．、]")
DATE = re.compile(r"^[(（]?\s*([0-9]{4}|[〇○零一二三四五六七八九]{4})\s*年\s*\S{1,3}\s*月(\s*\S{1,3}\s*日)?\s*[)）]?$")
LABELLED = re.compile(r"^(联系人|联系电话|电话|抄送|印发|签发人?|审核人?|制表人?|填报单位|填报人|经办人)\s*[：:]")
SIGNATURE = re.compile(r"^[^。；，,;.!?！？]{2,30}(人民政府|委员会|党委|政府|办公室|[（(]\s*[盖印]章\s*[)）])$")
"""After the last table: a note (注：…, and its numbered points), a signature, a date, a contact line, not list content."""


# --- the package ---------------------------------------------------------------------------------


# --- paragraphs and cells as printed --------------------------------------------------------------


@dataclass
class Para:
    """A paragraph as printed: its text, and whether Word numbers it, styles it as a heading or bolds it.

    A line break inside the paragraph is kept as "\n": in a name or a department it is where the
    narrow column wraps (某某区委/组织部), in a duty cell it separates entries (see lines).
    """

    text: str
    numbered: bool = False
    heading_style: bool = False
    bold: bool = False

    def lines(self) -> list[Para]:
        """Return the paragraph as one Para per line."""
        parts = [line.strip() for line in self.text.split("\n") if line.strip()]
        return [replace(self, text=line) for line in parts] or ([replace(self, text="")] if self.numbered else [])


def flat(paragraphs: list[Para]) -> str:
    """Return the text of paragraphs printed as one wrapped text (a name, a category)."""
    return "".join(p.text.replace("\n", "") for p in paragraphs).strip()


def lines(paragraphs: list[Para]) -> list[Para]:
    return [line for p in paragraphs for line in p.lines()]


@dataclass
class Cell:
    paragraphs: list[Para]
    merged: bool = False  # a vertically merged cell continuing the one above

    def text(self) -> str:
        return flat(self.paragraphs)


class _Reader:
    """Read a body's paragraphs and tables with what the rules need to know about each paragraph."""

    def __init__(self, word):
        self.style_names = {s.style_id: (s.name or "") for s in word.styles}
        self.numbered_styles = {s.style_id for s in word.styles if s.element.find(f"{W}pPr/{W}numPr") is not None}
        self.bold_styles = {s.style_id for s in word.styles if _bold(s.element.find(f"{W}rPr"))}

    def paragraphs(self, p) -> list[Para]:
        """Return a w:p as a Para (none for an empty paragraph that Word does not number)."""
        ppr = p.find(f"{W}pPr")
        style = ppr.find(f"{W}pStyle").get(f"{W}val") if ppr is not None and ppr.find(f"{W}pStyle") is not None else ""
        num = ppr.find(f"{W}numPr") if ppr is not None else None
        num_id = num.find(f"{W}numId") if num is not None else None
        numbered = (num_id is not None and num_id.get(f"{W}val") != "0") or (
            num is None and style in self.numbered_styles
        )
        name = self.style_names.get(style, style)
        heading_style = "标题" in name or name.lower().startswith("heading")
        lines, bold_runs, plain_runs = [""], 0, 0
        owner = p
        for run in p.iter(f"{W}r"):
            if any(a.tag == f"{MC}Fallback" for a in run.iterancestors()):
                continue  # the same text box again, for programs that cannot draw shapes
            inner = next(run.iterancestors(f"{W}p"))
            if inner is not owner and lines[-1]:  # a paragraph in a text box: a line of its own
                lines.append("")
            owner = inner
            text = ""
            for child in run:
                if child.tag == f"{W}t":
                    text += child.text or ""
                elif child.tag in (f"{W}br", f"{W}cr") and child.get(f"{W}type", "textWrapping") == "textWrapping":
                    lines[-1] += text
                    text = ""
                    lines.append("")
                elif child.tag == f"{W}tab":
                    text += " "
            lines[-1] += text
            if text.strip():
                if _bold(run.find(f"{W}rPr")) or style in self.bold_styles:
                    bold_runs += 1
                else:
                    plain_runs += 1
        bold = bold_runs > 0 and plain_runs == 0
        text = "\n".join(line.strip() for line in lines if line.strip())
        return [Para(text, numbered, heading_style, bold)] if text or numbered else []

    def rows(self, tbl) -> list[list[Cell]]:
        """Return the rows of a w:tbl as lists of cells by grid column, with merges made explicit."""
        rows = []
        for tr in tbl.findall(f"{W}tr"):
            cells: list[Cell] = []
            for tc in tr.findall(f"{W}tc"):
                tcpr = tc.find(f"{W}tcPr")
                span, merged = 1, False
                if tcpr is not None:
                    grid = tcpr.find(f"{W}gridSpan")
                    span = int(grid.get(f"{W}val", "1")) if grid is not None else 1
                    vmerge = tcpr.find(f"{W}vMerge")
                    merged = vmerge is not None and vmerge.get(f"{W}val", "continue") != "restart"
                paragraphs = [para for p in tc.findall(f"{W}p") for para in self.paragraphs(p)]
                cells.append(Cell(paragraphs, merged))
                cells.extend(Cell([], merged) for _ in range(span - 1))  # the grid columns it spans
            rows.append(cells)
        return rows


def _bold(rpr) -> bool:
    if rpr is None:
        return False
    b = rpr.find(f"{W}b")
    return b is not None and b.get(f"{W}val", "true") not in ("0", "false", "off")


# --- columns and lists ------------------------------------------------------------------------------


def column_role(header: str) -> str | None:
    """Return which field a column holds, from its header text in any of the usual wordings."""
    text = re.sub(r"\s+", "", header)
    if "职责" in text:
        return "town_duties" if any(word in text for word in ("配合", "镇", "乡", "街道")) else "department_duties"
    rules = (
        ("承接", "handover"),
        ("部门", "departments"),
        ("类别", "category"),
        ("名称", "name"),
        ("序号", "no"),
        ("编号", "no"),
    )
    return next((role for word, role in rules if word in text), None)


def _role(column_key: str) -> str:
    """Return the role of a printed column: the withdrawn list's takeover column holds department, takeover and note."""
    return "handover" if column_key == "takeover" else column_key


ROLE_NAMES = {_role(c.key): c.label for columns in PRINTED_COLUMNS.values() for c in columns}
KIND_ROLES = {key: {_role(c.key) for c in columns} for key, columns in PRINTED_COLUMNS.items()}
"""The columns each list prints; any other column's content cannot be placed."""


def list_kind(roles: set[str]) -> str | None:
    if {"department_duties", "town_duties"} & roles:
        return "cooperative"
    if "handover" in roles:
        return "withdrawn"
    return "basic" if "name" in roles else None


@dataclass
class _Row:
    """One item being read: where it starts, and its cells' paragraphs by role."""

    place: str
    cells: dict[str, list[Para]] = field(default_factory=dict)
    category: str = ""
    typed_no: str = ""


@dataclass
class Problems:
    name: str
    found: list[Problem] = field(default_factory=list)

    def add(self, where: str, message: str, hint: str = "") -> None:
        self.found.append(Problem("error", self.name, message, pointer=where, hint=hint, code="docx"))


def _sub_header(row: list[Cell]) -> bool:
    """Whether a row under the header names columns too (a header of two rows), rather than an item."""
    texts = [c.text() for c in row if not c.merged and c.text()]
    return bool(texts) and all(column_role(t) and len(t) <= 12 and not re.search(r"[\d，。；：,.;:]", t) for t in texts)


def _read_table(rows: list[list[Cell]], t_no: int, problems: Problems):
    """Return (list kind, rows of items) of one table, or (None, []) with a problem when its header is unknown."""
    start = next((i for i, row in enumerate(rows[:3]) if "name" in {column_role(c.text()) for c in row}), None)
    if start is None:
        texts = [c.text() for c in rows[0]] if rows else []
        problems.add(
            f"表格 {t_no} 第 1 行",
            f"无法识别表头：{' | '.join(texts)[:80]}",
            "清单表格开头应是表头，如 序号、事项类别、事项名称……",
        )
        return None, []
    header_texts = [c.text() for c in rows[start]]
    roles = [column_role(h) for h in header_texts]
    if start + 1 < len(rows) and _sub_header(rows[start + 1]):  # 职责 over 上级部门职责 | 镇配合职责
        sub = [column_role(c.text()) if c.text() else None for c in rows[start + 1]]
        roles = [b or a for a, b in zip(roles, sub, strict=False)] + sub[len(roles) :]
        start += 1
    doubled = next(((c, role) for c, role in enumerate(roles) if role and role in roles[:c]), None)
    if doubled is not None:  # two columns read as one field: one of them would be lost
        twice, twice_role = doubled
        first = roles.index(twice_role)
        shown = [
            " ".join(dict.fromkeys(r[c].text() for r in rows[: start + 1] if c < len(r) and r[c].text()))
            for c in (twice, first)
        ]
        problems.add(
            f"表格 {t_no} 第 {start + 1} 行 第 {twice + 1} 列",
            f"表头“{shown[0]}”与第 {first + 1} 列“{shown[1]}”都读作{ROLE_NAMES[twice_role]}，无法确定各归何处",
            f"请把表头改成本工具认识的写法：{'、'.join(ROLE_NAMES.values())}",
        )
        return None, []
    kind = list_kind({r for r in roles if r})
    allowed = KIND_ROLES[kind] if kind is not None else set()
    roles = [role if role in allowed else None for role in roles]  # 责任部门 in the basic list
    items: list[_Row] = []
    category_above = ""
    above: dict[str, list[Para]] = {}  # by role, the cell a vertically merged cell below continues
    for r_no, row in enumerate(rows[start + 1 :], start=start + 2):
        texts = [c.text() for c in row]
        if texts == header_texts or _sub_header(row):
            continue  # the header repeated on a new page
        if not any(texts) and all(not c.paragraphs for c in row):
            continue
        cells: dict[str, list[Para]] = {}
        for c_no, (cell, role) in enumerate(zip(row, roles, strict=False), start=1):
            if role is None:
                if cell.text() and not cell.merged:
                    problems.add(
                        f"表格 {t_no} 第 {r_no} 行 第 {c_no} 列",
                        f"这一列的表头“{header_texts[c_no - 1]}”不是{LIST_TITLES[kind] if kind else '清单'}的栏目，"
                        f"其内容无处归入：{cell.text()[:30]}",
                    )
                continue
            cells[role] = [] if cell.merged and role not in ("category",) else cell.paragraphs
            if not cell.merged:
                above[role] = cell.paragraphs
        if len(row) > len(roles) and any(c.text() for c in row[len(roles) :]):
            problems.add(f"表格 {t_no} 第 {r_no} 行", "这一行的单元格比表头多，多出的内容无处归入")
        category, name, typed_no = (flat(cells.get(role, [])) for role in ("category", "name", "no"))
        merged_category = any(c.merged for c, role in zip(row, roles, strict=False) if role == "category")
        continues = (
            items and not name and not typed_no and (not category or merged_category or category == items[-1].category)
        )
        repeats = (
            items
            and name
            and typed_no
            and typed_no == items[-1].typed_no
            and name == flat(items[-1].cells.get("name", []))
        )
        if continues or repeats:
            last = items[-1]
            for role in ("department_duties", "town_duties", "handover"):
                last.cells.setdefault(role, []).extend(cells.get(role, []))
            known = {p.text for p in last.cells.get("departments", [])}
            last.cells.setdefault("departments", []).extend(
                p for p in cells.get("departments", []) if p.text not in known
            )
            continue
        if not name:
            problems.add(
                f"表格 {t_no} 第 {r_no} 行",
                "事项名称为空，这一行既不是新事项也不是上一事项的续行",
                "请填写事项名称，或清空序号与类别使它成为上一行的续行",
            )
            continue
        if typed_no and not re.fullmatch(r"[（(]?\d{1,4}[)）.．、]?", typed_no):
            problems.add(f"表格 {t_no} 第 {r_no} 行 第 {roles.index('no') + 1} 列", f"序号“{typed_no}”不是数字")
        if not category and not merged_category:
            category = category_above
        if merged_category and not category:
            category = category_above
        if not category:
            problems.add(f"表格 {t_no} 第 {r_no} 行", "事项类别为空，上方也没有类别可沿用")
            continue
        category_above = category
        for role in SHARED_ROLES:  # a cell merged down over several items is printed for each of them
            if any(c.merged for c, r in zip(row, roles, strict=False) if r == role):
                cells[role] = above.get(role, [])
        items.append(_Row(f"表格 {t_no} 第 {r_no} 行", cells, category, typed_no))
    return kind, items


# --- cells to the model --------------------------------------------------------------------------------


def duties(paragraphs: list[Para], guess_headings: bool) -> Duties:
    """Return a duty cell's paragraphs as headings, points and paragraphs."""
    entries: list[Entry] = []
    paragraphs = lines(paragraphs)
    for index, para in enumerate(paragraphs):
        text = para.text
        typed = POINT.match(text)
        if para.heading_style or para.bold or TOPIC.match(text):
            entries.append(Entry("heading", text))
        elif typed:
            entries.append(Entry("point", text[typed.end() :].strip()))
        elif para.numbered:
            entries.append(Entry("point", text))
        elif (
            guess_headings
            and index + 1 < len(paragraphs)
            and len(text) <= SHORT_HEADING
            and text[-1] not in END_PUNCTUATION + "，、：,:"
        ):
            entries.append(Entry("heading", text))
        else:
            entries.append(Entry("paragraph", text))
    return Duties(tuple(e for e in entries if e.text))


def departments(paragraphs: list[Para]) -> tuple[str, ...]:
    """Return the department names of a cell: one a paragraph, or separated by 、，； or spaces.

    A line break inside a paragraph separates two names when both lines read as names of bodies
    and open alike (某某区民政局 / 某某区财政局); otherwise it is where the narrow column wrapped
    one name (某某区残疾人 / 联合会, 某某区委 / 组织部).
    """

    def joined(text: str) -> str:
        parts = text.split("\n")
        return (
            "".join(
                part
                + ("、" if looks_like_department(part) and looks_like_department(after) and part[0] == after[0] else "")
                for part, after in itertools.pairwise(parts)
            )
            + parts[-1]
        )

    names = [n for p in paragraphs for n in re.split(r"[、，,；;\s]+", joined(p.text)) if n]
    return tuple(dict.fromkeys(names))


def looks_like_department(text: str) -> bool:
    return len(text) <= 30 and not re.search(r"[，。；：,;:！？]", text) and text[-1:] in BODY_ENDINGS


def handover(paragraphs: list[Para], base_item: WithdrawnItem | None = None) -> dict:
    """Read the 承接部门及工作方式 cell into department, takeover and note (see the module's rule)."""
    texts = []
    for text in (p.text for p in lines(paragraphs) if p.text):
        before, found, after = text.partition(TAKEOVER_LABEL)
        if found and before:  # 承接部门：某某局；承接方式：…… in one paragraph
            before = re.sub(r"^承接部门[：:]", "", before).rstrip("；;，, ")
            texts += [t for t in (before, TAKEOVER_LABEL + after) if t]
        else:
            texts.append(text)
    label = next((i for i, t in enumerate(texts) if t.startswith(TAKEOVER_LABEL)), None)
    if label is not None:
        department = "".join(texts[:label]) or None
        takeover = "".join([texts[label][len(TAKEOVER_LABEL) :]]).strip() or None
        note = "".join(texts[label + 1 :]) or None
    elif texts and (base_item.department is not None if base_item is not None else looks_like_department(texts[0])):
        department, takeover, note = texts[0], None, "".join(texts[1:]) or None
    else:
        department, takeover, note = None, None, "".join(texts) or None
    return {"department": department, "takeover": takeover, "note": note}


# --- the document -----------------------------------------------------------------------------------


def import_docx(
    path: Path,
    base: Path | None = None,
    revision_date: str | None = None,
    revision_label: str | None = None,
    notes: list[str] | None = None,
) -> Document:
    """Read a Word document and return the document; raise listing what cannot be placed.

    What was read but left out on purpose (a note or signature after the tables) is said in notes.
    """
    import docx

    from ..source import load
    from .common import ids_from, validate

    path = Path(path)
    check_package(path, DOCX)
    try:
        word = docx.Document(str(path))
    except Exception as exc:  # python-docx raises many kinds for a damaged package
        raise DutydocsError(
            f"{path}: 无法读取 Word 文档：{type(exc).__name__}: {exc}（请在 Word/WPS 中另存为 .docx）"
        ) from None
    base_doc = load(base) if base is not None else None
    reader = _Reader(word)
    problems = Problems(str(path))
    before: list[Para] = []
    found: dict[str, list[_Row]] = {key: [] for key in LIST_KEYS}
    tables = 0
    after: list[Para] = []  # since the last table
    for child in word.element.body:
        if child.tag == f"{W}p":
            paras = lines(reader.paragraphs(child))
            if not tables:
                before.extend(paras)
            else:
                after.extend(p for p in paras if p.text.strip() and not IGNORED_BETWEEN.search(p.text))
        elif child.tag == f"{W}tbl":
            for para in after:
                problems.add(f"表格 {tables} 之后的段落", f"表格之间的文字无处归入：{para.text[:30]}")
            after = []
            tables += 1
            kind, rows = _read_table(reader.rows(child), tables, problems)
            if kind:
                found[kind].extend(rows)
    ignored = _trailing(after, tables, problems)
    title, explanation = _explanation(before, problems)
    guess = not any(
        p.bold or p.heading_style
        for row in found["cooperative"]
        for role in ("department_duties", "town_duties")
        for p in row.cells.get(role, [])
    )
    base_withdrawn = (
        {item.name: item for item in base_doc.list("withdrawn").items if isinstance(item, WithdrawnItem)}
        if base_doc
        else {}
    )
    lists = []
    for key in LIST_KEYS:
        items: list[Item] = []
        for no, row in enumerate(found[key], start=1):
            name = flat(row.cells.get("name", []))
            if key == "basic":
                items.append(BasicItem(no=no, category=row.category, name=name))
            elif key == "cooperative":
                items.append(
                    CooperativeItem(
                        no=no,
                        category=row.category,
                        name=name,
                        departments=departments(row.cells.get("departments", [])),
                        department_duties=duties(row.cells.get("department_duties", []), guess),
                        town_duties=duties(row.cells.get("town_duties", []), guess),
                    )
                )
            else:
                items.append(
                    WithdrawnItem(
                        no=no,
                        category=row.category,
                        name=name,
                        **handover(row.cells.get("handover", []), base_withdrawn.get(name)),
                    )
                )
        lists.append(DutyList(key, base_doc.list(key).title if base_doc else LIST_TITLES[key], tuple(items)))
    if problems.found:
        raise DutydocsError(f"{path}: {len(problems.found)} 处内容无法归入清单，未写入任何文件", problems.found)
    props = word.core_properties
    title = (base_doc.title if base_doc else None) or props.title or title or ""
    township = base_doc.township if base_doc else (title.split("履职事项清单")[0] or props.author or "")
    doc = Document(
        title=title or "履职事项清单",
        township=township or title,
        region=base_doc.region if base_doc else (props.category or ""),
        revision=Revision(revision_date or (base_doc.revision.date if base_doc else ""), revision_label or ""),
        explanation=explanation,
        lists=tuple(lists),
        provenance=f"dutydocs import 导入自 Word 文档 {path.name}",
    )
    if base_doc is not None:
        doc = ids_from(base_doc, doc)
    validate(
        doc if doc.revision.date else replace(doc, revision=Revision("2000-01-01")),
        str(path),
        hint="请核对 Word 文档的表格，或用 --base 指定上一版源文件",
    )
    if not doc.revision.date:
        raise UsageMistake("导入需要修订日期：请用 --date 年-月-日 指定（或用 --base 指定上一版源文件）")
    if ignored and notes is not None:
        shown = "；".join(text[:20] + ("…" if len(text) > 20 else "") for text in ignored[:3])
        more = f" 等 {len(ignored)} 段" if len(ignored) > 3 else ""
        notes.append(f"{path}: 最后一个表格之后的注、落款或日期不是清单内容，未导入：{shown}{more}")
    return doc


def _trailing(paragraphs: list[Para], tables: int, problems: Problems) -> list[str]:
    """Return the texts after the last table that are a note, signature or date; report any other as unplaced."""
    ignored: list[str] = []
    in_note = False
    for para in paragraphs:
        text = para.text.strip()
        in_note = bool(NOTE.match(text)) or (in_note and bool(NOTE_POINT.match(text) or para.numbered))
        if in_note or DATE.match(text) or LABELLED.match(text) or SIGNATURE.match(text):
            ignored.append(text)
        else:
            problems.add(
                f"表格 {tables} 之后的段落",
                f"最后一个表格之后的文字无处归入：{text[:30]}",
                "表格之后只能有注（注：……）、落款和日期；事项请放进表格",
            )
    return ignored


def _explanation(paragraphs: list[Para], problems: Problems) -> tuple[str | None, Explanation]:
    """Return the document title (if printed) and the explanation from the paragraphs before the tables."""
    texts = [p.text for p in paragraphs if p.text and p.text not in LIST_TITLES.values()]
    title = None
    if texts and texts[0].endswith("清单"):
        title = texts.pop(0)
    heading = "说明"
    if texts and len(re.sub(r"\s+", "", texts[0])) <= 6 and not TOPIC.match(texts[0]):
        heading = re.sub(r"\s+", "", texts.pop(0))
    sections: list[Section] = []
    for index, text in enumerate(texts):
        if TOPIC.match(text) and len(text) <= 30:
            sections.append(Section(text, ()))
        elif not sections:
            problems.add(
                f"说明第 {index + 1} 段",
                f"这一段不在任何“一、……”标题之下：{text[:30]}",
                "说明的每一部分应以“一、”“二、”……开头的标题开始",
            )
        else:
            sections[-1] = Section(sections[-1].heading, (*sections[-1].paragraphs, text))
    return title, Explanation(heading, tuple(sections))
