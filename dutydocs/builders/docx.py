"""The Word edition: the document written into the styles, page set-up and footer of templates/template.docx.

``Writer`` is the public surface both the edition and the tracked-changes diff (dutydocs/diff/docx.py)
write through: paragraphs (``Para``: text as kept / inserted / deleted runs, a style, optional list
numbering) and list tables of rows. 序号 and duty points use Word's own list numbering (numbering.xml),
so a number is never text: an inserted row or point renumbers the rest by itself, in Word, WPS and
LibreOffice, whether changes are shown, accepted or rejected.
"""

from __future__ import annotations

import copy
import io
import math
import zipfile
from dataclasses import dataclass

import docx
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_ALIGN_VERTICAL
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, Twips
from docx.table import Table

from .. import wordbreak
from ..edition import PRINTED_COLUMNS, TAKEOVER_LABEL, text_em
from ..errors import DutydocsError
from ..model import BasicItem, CooperativeItem, Document, Duties, DutyList, WithdrawnItem
from . import BuildOptions, revision_datetime
from .docx_xml import (
    ListNumbering,
    add_comment_range,
    add_field,
    add_move_range,
    cell_margins,
    clear_body,
    end_section,
    fix_table_layout,
    mark_change,
    mark_row,
    normalized_zip,
    numbering_root,
    plain_section,
    section_properties,
    text_block,
    turned_landscape,
)

SUFFIX = "docx"
TEMPLATE = "template.docx"

# Every style the builder uses, by purpose; each must exist in the template (see check_styles).
STYLES = {
    "title": ("公文标题", WD_STYLE_TYPE.PARAGRAPH),
    "explanation_title": ("说明标题", WD_STYLE_TYPE.PARAGRAPH),
    "heading": ("一级标题", WD_STYLE_TYPE.PARAGRAPH),
    "body": ("Normal", WD_STYLE_TYPE.PARAGRAPH),
    "list_title": ("清单标题", WD_STYLE_TYPE.PARAGRAPH),
    "head": ("表头文字", WD_STYLE_TYPE.PARAGRAPH),
    "cell": ("表格文字", WD_STYLE_TYPE.PARAGRAPH),
    "center": ("表格居中", WD_STYLE_TYPE.PARAGRAPH),
    "duty_heading": ("职责小标题", WD_STYLE_TYPE.PARAGRAPH),
    "break": ("分节段落", WD_STYLE_TYPE.PARAGRAPH),
    "footer": ("Footer", WD_STYLE_TYPE.PARAGRAPH),
    "table": ("清单表格", WD_STYLE_TYPE.TABLE),
}

DEPARTMENTS = None
"""Marks the content-sized department column in WIDTHS."""

# Width of each column of a list (dutydocs.edition.PRINTED_COLUMNS) in millimetres of the 225 mm landscape text
# block (scaled to the template's). The department column takes the width of its longest word (see Writer.widths).
WIDTHS: dict[str, dict[str, float | None]] = {
    "basic": {"no": 14, "category": 34, "name": 177},
    "cooperative": {
        "no": 12,
        "category": 21,
        "name": 34,
        "departments": DEPARTMENTS,
        "department_duties": 62.5,
        "town_duties": 62.5,
    },
    "withdrawn": {"no": 14, "category": 34, "name": 87, "takeover": 90},
}


def table_columns(list_key: str) -> list[tuple[str, str, float | None]]:
    """Return (key, header, width) of each column of a list's table."""
    return [(c.key, c.label, WIDTHS[list_key][c.key]) for c in PRINTED_COLUMNS[list_key]]


DEPARTMENT_EMS = (6, 9)
"""The department column holds its longest word, and at least 6, at most 9 characters a line."""
WORDS_AT_MOST = 10
WORD_BROKEN = ("category", "departments")
DUTY_COLUMNS = ("department_duties", "town_duties")
"""Columns whose text breaks only between words: 文化和/旅游, never 文化和旅/游 (dutydocs.wordbreak)."""
"""Department names have a handful of words (米东区/党史/地方志/编纂/委员会/办公室 has six)."""

SPLIT_SHARE = 0.85
"""A row estimated taller than this share of a page may split: Word clips a cantSplit row taller than a page.

Measured against LibreOffice on the bundled source, the estimate was never more than 1 % short (up to 12 %
long for short rows, where lines end early); 0.85 leaves room for fonts a little wider than the official ones.
"""

PAGE_NUMBERS = {"total": ("第 ", "PAGE", " 页，共 ", "NUMPAGES", " 页"), "dash": ("— ", "PAGE", " —")}

KEPT, INSERTED, DELETED = 0, 1, -1
MOVED_TO, MOVED_FROM = 2, -2
TRACKED_AS = {INSERTED: "w:ins", DELETED: "w:del", MOVED_TO: "w:moveTo", MOVED_FROM: "w:moveFrom"}
"""The tracked-change element around a run of each op: moved text is Word's w:moveTo / w:moveFrom."""
OLD_SIDE, NEW_SIDE = (KEPT, DELETED, MOVED_FROM), (KEPT, INSERTED, MOVED_TO)
"""The ops of the text before and after the changes."""


@dataclass(frozen=True)
class Para:
    """A paragraph to write: its text as (op, text) runs, its style, and its list numbering.

    op is KEPT, INSERTED or DELETED (tracked changes; the edition has only KEPT runs). state says
    whether the paragraph itself (its mark) is inserted or deleted whole. number is "item" (序号) or
    "point" (a duty point); restart starts the point numbering afresh (the first point of a block).
    """

    runs: tuple[tuple[int, str], ...]
    style: str
    state: int = KEPT
    number: str | None = None
    restart: bool = False

    @classmethod
    def plain(cls, text: str, style: str, **kw) -> Para:
        return cls(((KEPT, text),), style, **kw)

    def text(self) -> str:
        """Return the text as shown with changes marked (inserted and deleted runs both)."""
        return "".join(text for _, text in self.runs)


@dataclass(frozen=True)
class Tracking:
    """Who made the tracked changes, and when (w:author, w:date)."""

    author: str
    date: str


@dataclass
class Template:
    """The opened template: the document to write into, its styles and the page set-up of each part."""

    word: DocxDocument
    styles: dict
    explanation: object  # sectPr of the explanation: the template's first section, header and footer included
    lists: list  # sectPr of each list: the template's later sections (the last one serves any further list)

    def list_section(self, i: int):
        return plain_section(self.lists[min(i, len(self.lists) - 1)])


def open_template(options: BuildOptions) -> Template:
    """Open the Word template, check its styles, take its page set-ups and empty its body."""
    path = options.template(TEMPLATE)
    try:
        word = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise DutydocsError(
            f"无法打开 Word 模板：{path}（不是有效的 .docx 文件；请用 Word 另存为 .docx，"
            "或用 scripts/make_docx_template.py 重新生成）"
        ) from None
    styles = check_styles(word)
    body = word.element.body
    sections = section_properties(body)
    if not sections:
        raise DutydocsError(f"Word 模板没有页面设置：{path}（请用 scripts/make_docx_template.py 重新生成）")
    # The first section keeps its header, footer and page numbering; the later ones inherit and continue them.
    first = copy.deepcopy(sections[0])
    lists = sections[1:] or [turned_landscape(sections[0])]
    clear_body(body)
    return Template(word, styles, first, lists)


def check_styles(word) -> dict:
    """Return the template's style for each purpose; raise if the template lacks one."""
    found, missing = {}, []
    for purpose, (name, kind) in STYLES.items():
        try:
            style = word.styles[name]
        except KeyError:
            style = None
        if style is None or style.type != kind:
            missing.append(name)
        else:
            found[purpose] = style
    if missing:
        raise DutydocsError(
            f"Word 模板缺少样式：{'、'.join(missing)}（请在模板中恢复这些样式，"
            "或用 scripts/make_docx_template.py 重新生成模板）"
        )
    return found


@dataclass
class ListTable:
    """A list's table being written: the table, its column keys, header and widths (twips) and a page's room."""

    table: Table
    keys: list[str]
    heads: list[list[Para]]
    widths: list[int]
    room: float
    numbering: int | None  # the w:num of its 序号, None when the numbers are written as text
    used: float = 0  # estimated height (twips) the table takes on its current page


class Writer:
    """Write paragraphs and list tables into the template's body, section by section.

    With tracking, inserted and deleted runs, paragraphs and rows are written as tracked changes.
    """

    def __init__(self, doc: Document, template: Template, tracking: Tracking | None = None):
        self.template, self.word, self.styles, self.tracking = template, template.word, template.styles, tracking
        self.places = wordbreak.places(doc.region, doc.township)
        self.next_id = 1
        self.use_section(template.list_section(0))
        self.margins = cell_margins(self.styles["table"].element)
        # python-docx looks a style up anew on every paragraph.style = …; resolve each id once (None: the default)
        self.style_ids = {
            purpose: self.word.part.get_style_id(style, WD_STYLE_TYPE.PARAGRAPH)
            for purpose, style in self.styles.items()
            if style.type == WD_STYLE_TYPE.PARAGRAPH
        }
        cell = self.styles["cell"]
        self.font = _inherited(cell, lambda s: s.font.size) or Pt(12)
        line = _inherited(cell, lambda s: s.paragraph_format.line_spacing)
        self.line = line if hasattr(line, "pt") else Pt(self.font.pt * 1.5)
        self.numbering = ListNumbering(numbering_root(self.word))
        self.points: int | None = None

    # --- sections ---------------------------------------------------------------------------------

    def use_section(self, sectPr) -> None:
        """Lay the next table out for the text block of this page set-up."""
        self.width, self.height = text_block(sectPr)

    def close_section(self, sectPr, last: bool) -> None:
        """End the part just written with its page set-up; the last part ends with a paragraph, then it.

        LibreOffice shows every row of a table that ends the body as changed (NOTES.md): an empty
        paragraph after the last table avoids it, in the edition and the tracked diff alike.
        """
        body = self.word.element.body
        if last:
            end_section(body, None, self.style_ids["break"])
            body.append(sectPr)
        else:
            end_section(body, sectPr, self.style_ids["break"])

    # --- paragraphs -------------------------------------------------------------------------------

    def paragraph(self, para: Para) -> None:
        """Add a paragraph to the body."""
        self.write(self.word.add_paragraph(), para)

    def write(self, paragraph, para: Para, numbering: int | None = None) -> list:
        """Fill an empty paragraph with para's runs; return the run elements written."""
        p = paragraph._p
        p.style = self.style_ids[para.style]
        if para.number == "item" and numbering is not None:
            self.numbering.apply(p, numbering)
        elif para.number == "point":
            if para.restart or self.points is None:
                self.points = self.numbering.new_list("point")
            self.numbering.apply(p, self.points)
        runs = []
        for op, text in para.runs:
            if not text:
                continue
            run = paragraph.add_run()._r
            _set_text(run, text, deleted=op not in NEW_SIDE)
            if op != KEPT:
                wrapper = self._mark(TRACKED_AS[op])
                run.addprevious(wrapper)
                wrapper.append(run)
            runs.append(run)
        if para.state != KEPT:
            mark_change(p.get_or_add_pPr(), self._mark(TRACKED_AS[para.state]))
        return runs

    def _mark(self, tag: str):
        if self.tracking is None:
            raise ValueError("a tracked change in an edition written without tracking")
        element = OxmlElement(tag)
        element.set(qn("w:id"), str(self.next_id))
        element.set(qn("w:author"), self.tracking.author)
        element.set(qn("w:date"), self.tracking.date)
        self.next_id += 1
        return element

    def comment(self, paragraph, text: str, state: int = KEPT) -> None:
        """Attach a Word comment (comments part) to a whole paragraph, dated like the tracked changes.

        state is that of the paragraph's row: its comment reference is tracked with it.
        """
        author, date = (self.tracking.author, self.tracking.date) if self.tracking else ("dutydocs", None)
        comment = self.word.comments.add_comment(text=text, author=author, initials="")
        if date:  # python-docx stamps the clock; the report must not depend on it
            for element in comment.part.element.iterchildren(qn("w:comment")):
                if element.get(qn("w:id")) == str(comment.comment_id):
                    element.set(qn("w:date"), date)
        mark = self._mark("w:ins" if state == INSERTED else "w:del") if state != KEPT else None
        add_comment_range(paragraph._p, comment.comment_id, mark)

    # --- tables -----------------------------------------------------------------------------------

    def widths(self, duty_list: DutyList) -> list[int]:
        """Return the column widths in twips: the department column as wide as its longest word."""
        columns = table_columns(duty_list.key)
        em = self.font.pt * 20
        across = self.margins[0]
        fixed = {}
        for key, _, share in columns:
            if share is DEPARTMENTS:
                fixed[key] = round(self.department_ems(duty_list) * em + across + em * 0.2)
        share = sum(s for _, _, s in columns if s is not DEPARTMENTS)
        rest = self.width - sum(fixed.values())
        widths = [fixed[key] if s is DEPARTMENTS else math.floor(rest * s / share) for key, _, s in columns]
        widths[-1] += self.width - sum(widths)
        return widths

    def department_ems(self, duty_list: DutyList) -> int:
        """Return the characters a line of the department column holds: what its longest word needs, within DEPARTMENT_EMS."""
        low, high = DEPARTMENT_EMS
        names = [name for item in duty_list.items for name in getattr(item, "departments", ())]
        longest = max(
            (math.ceil(text_em(word)) for name in names for word in wordbreak.words(name, self.places)),
            default=low,
        )
        need = min(max(longest, low), high)
        while need < high and any(
            self.department_lines(name, need) == [name] and text_em(name) > need for name in names
        ):
            need += 1  # a wider column where a name would otherwise leave one character alone
        return need

    def department_lines(self, name: str, per_line: float) -> list[str]:
        """Return a department name's lines: breaks only between words (dutydocs.wordbreak), else as Word breaks it.

        wordbreak.lines tries every layout of a name's words; a text of more than WORDS_AT_MOST words is
        no department name, and Word breaks it.
        """
        if len(wordbreak.words(name, self.places)) > WORDS_AT_MOST:
            return [name]
        return wordbreak.lines(name, math.floor(per_line + 1e-6), self.places) or [name]

    def list_table(self, duty_list: DutyList, numbered: bool = True, title: Para | None = None) -> ListTable:
        """Add a list's title and its table with the repeating header row; column widths from duty_list."""
        self.paragraph(title or Para.plain(duty_list.title, "list_title"))
        columns = table_columns(duty_list.key)
        widths = self.widths(duty_list)
        keys = [key for key, _, _ in columns]
        heads = [[Para.plain(text, "head")] for _, text, _ in columns]
        room = self.height - self.row_height(heads, widths, keys)
        title_format = self.styles["list_title"].paragraph_format
        used = sum(length.twips for length in (title_format.line_spacing, title_format.space_after) if length)
        numbering = self.numbering.new_list("item") if numbered else None
        return ListTable(self._table(heads, widths), keys, heads, widths, room, numbering, used)

    def _table(self, heads: list[list[Para]], widths: list[int]) -> Table:
        """Add a table of fixed column widths with its header row, which repeats on every page."""
        table = self.word.add_table(rows=1, cols=len(widths))
        table.style = self.styles["table"]
        table.autofit = False
        fix_table_layout(table._tbl, widths)
        header = table.rows[0]
        for cell, paras, width in zip(header.cells, heads, widths, strict=True):
            cell.width = Twips(width)
            cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER  # a two-line header beside one-line ones
            self._fill(cell, paras, None)
        mark_row(header._tr, header=True)
        return table

    def row(
        self,
        table: ListTable,
        cells: list[list[Para]],
        state: int = KEPT,
        comment: str | None = None,
        move: str | None = None,
    ) -> None:
        """Add an item's row: one cell per column, all top-aligned; a row that fits a page never splits.

        Categories and department names break only between words (WORD_BROKEN). In the edition, a row taller
        than a page that would break badly where it starts goes to the next page (breaks_badly); the tracked
        diff, which shows deleted rows too, paginates like neither edition and is left as it falls. A tracked
        row that is one end of a move names the move: its text goes in a move range of that name.
        """
        height = self.row_height(cells, table.widths, table.keys)
        fits = height <= SPLIT_SHARE * table.room
        if not fits and self.tracking is None and len(table.table.rows) > 1 and self.breaks_badly(cells, table):
            self.continue_table(table)
        left = table.room - table.used
        if fits:
            table.used = height if height > left else table.used + height
        else:
            table.used = (height - left) % table.room  # a split row runs on over the next pages
        tr_row = table.table.add_row()
        mark_row(tr_row._tr, cant_split=fits)
        if state != KEPT:
            tr_row._tr.get_or_add_trPr().append(self._mark("w:ins" if state == INSERTED else "w:del"))
        for cell, paras, key, width in zip(tr_row.cells, cells, table.keys, table.widths, strict=True):
            cell.vertical_alignment = WD_ALIGN_VERTICAL.TOP
            if key in WORD_BROKEN:
                per_line = (width - self.margins[0]) / (self.font.pt * 20)
                paras = [self._broken(para, per_line) for para in paras]
            self._fill(cell, paras, table.numbering)
        if comment:
            name = tr_row.cells[table.keys.index("name")].paragraphs[0]
            self.comment(name, comment, state)
        if move and state != KEPT:
            add_move_range(
                tr_row._tr, self._mark("w:moveToRangeStart" if state == INSERTED else "w:moveFromRangeStart"), move
            )

    def breaks_badly(self, cells: list[list[Para]], table: ListTable) -> bool:
        """Whether a splitting row, started in what is left of the page, would break where a reader sees it.

        Word and LibreOffice split such a row at the page foot wherever it falls, and LibreOffice ignores
        keepLines and keepNext inside it. So its 序号, category, name and departments must fit whole above
        the break, and no duty heading may end the page without a line after it. The estimate may be a
        line off either way: a line of slack on each side.
        """
        room = math.floor((table.room - table.used - self.margins[1]) / (self.line.pt * 20))
        for paras, width, key in zip(cells, table.widths, table.keys, strict=True):
            if key not in DUTY_COLUMNS:
                if self.cell_lines(paras, width, key) > room - 1:
                    return True
                continue
            top = 0
            for para in paras:
                lines = self.cell_lines([para], width, key)
                if para.style == "duty_heading" and top <= room + 1 and top + lines + 1 >= room - 1:
                    return True
                top += lines
        return False

    def continue_table(self, table: ListTable) -> None:
        """Go on with the list in a new table on the next page, its header repeated (one list to the importer)."""
        p = OxmlElement("w:p")
        pPr = p.get_or_add_pPr()
        pPr.style = self.style_ids["break"]
        pPr.pageBreakBefore_val = True
        self.word.element.body.append(p)
        table.table = self._table(table.heads, table.widths)
        table.used = 0

    def _broken(self, para: Para, per_line: float) -> Para:
        """Return a department name with line breaks between its words, so no word is cut.

        A name with tracked changes gets the breaks of its old text and of its new text, each tracked
        with its side (kept where both break), so accepting or rejecting leaves that side's lines.
        """

        def breaks(text: str) -> set[int]:
            lines = self.department_lines(text, per_line)
            return {sum(map(len, lines[:k])) for k in range(1, len(lines))}

        old = "".join(text for op, text in para.runs if op in OLD_SIDE)
        new = "".join(text for op, text in para.runs if op in NEW_SIDE)
        old_breaks, new_breaks = breaks(old), breaks(new)
        runs, at_old, at_new = [], 0, 0
        for op, text in para.runs:
            for char in text:
                due_old = op in OLD_SIDE and at_old in old_breaks
                due_new = op in NEW_SIDE and at_new in new_breaks
                if due_old or due_new:
                    runs.append((KEPT if due_old and due_new else DELETED if due_old else INSERTED, "\n"))
                    if due_old:
                        old_breaks.discard(at_old)
                    if due_new:
                        new_breaks.discard(at_new)
                runs.append((op, char))
                at_old += op in OLD_SIDE
                at_new += op in NEW_SIDE
        merged: list[tuple[int, str]] = []
        for op, text in runs:
            if merged and merged[-1][0] == op:
                merged[-1] = (op, merged[-1][1] + text)
            else:
                merged.append((op, text))
        return Para(tuple(merged), para.style, para.state, para.number, para.restart)

    def _fill(self, cell, paras: list[Para], numbering: int | None) -> None:
        """Write paragraphs into a new cell (whose one empty paragraph stays, styled, if there are none)."""
        first = cell.paragraphs[0]
        first._p.style = self.style_ids["cell"]
        for i, para in enumerate(paras):
            self.write(first if i == 0 else cell.add_paragraph(), para, numbering)

    def row_height(self, cells: list[list[Para]], widths: list[int], keys: list[str]) -> float:
        """Estimate a row's height in twips from its text, the column widths and the cell style."""
        tallest = max(self.cell_lines(paras, width, key) for paras, width, key in zip(cells, widths, keys, strict=True))
        return tallest * self.line.pt * 20 + self.margins[1]

    def cell_lines(self, paras: list[Para], width: int, key: str) -> int:
        """Estimate how many lines a cell's paragraphs take in a column of this width."""
        per_line = max(1, math.floor((width - self.margins[0]) / (self.font.pt * 20)))  # whole characters a line
        lines = 0
        for para in paras:
            text = para.text() + ("99." if para.number == "point" else "")
            parts = self.department_lines(text, per_line) if key in WORD_BROKEN else text.split("\n")
            lines += sum(max(1, math.ceil(text_em(part) / per_line)) for part in parts)
        return lines


# --- the edition ----------------------------------------------------------------------------------


def title_paras(doc: Document) -> list[Para]:
    """Return the opening: the document title, then the explanation's title, headings and paragraphs."""
    paras = [Para.plain(doc.title, "title"), Para.plain(doc.explanation.title, "explanation_title")]
    for section in doc.explanation.sections:
        paras.append(Para.plain(section.heading, "heading"))
        paras.extend(Para.plain(text, "body") for text in section.paragraphs)
    return paras


def numbered_from_one(items) -> bool:
    """Whether the items are numbered 1, 2, 3 … so that Word's list numbering shows their 序号."""
    return [item.no for item in items] == list(range(1, len(items) + 1))


def item_cells(item, numbered: bool = True) -> list[list[Para]]:
    """Return each cell of an item's row as paragraphs; 序号 as a list number unless numbered is False."""
    number = Para(((KEPT, ""),), "center", number="item") if numbered else Para.plain(str(item.no), "center")
    cells = [[number], [Para.plain(item.category, "center")], [Para.plain(item.name, "cell")]]
    if isinstance(item, CooperativeItem):
        cells.append([Para.plain(name, "center") for name in item.departments])
        cells.append(duty_paras(item.department_duties))
        cells.append(duty_paras(item.town_duties))
    elif isinstance(item, WithdrawnItem):
        cell = [Para.plain(item.department, "cell")] if item.department else []
        if item.takeover:
            cell.append(Para.plain(TAKEOVER_LABEL + item.takeover, "cell"))
        if item.note:
            cell.append(Para.plain(item.note, "cell"))
        cells.append(cell)
    elif not isinstance(item, BasicItem):
        raise TypeError(f"unknown item type {type(item).__name__}")
    return cells


def duty_paras(duties: Duties) -> list[Para]:
    """Return a duties cell as paragraphs: headings, then points numbered afresh under each heading."""
    paras = []
    for block in duties.blocks():
        if block.heading is not None:
            paras.append(Para.plain(block.heading, "duty_heading"))
        first = True
        for entry in block.entries:
            if entry.kind == "point":
                paras.append(Para.plain(entry.text, "cell", number="point", restart=first))
                first = False
            else:
                paras.append(Para.plain(entry.text, "cell"))
    return paras


def render(doc: Document, options: BuildOptions) -> bytes:
    """Return the bytes of the Word edition of the document."""
    template = open_template(options)
    writer = Writer(doc, template)
    for para in title_paras(doc):
        writer.paragraph(para)
    writer.close_section(template.explanation, last=False)
    for i, duty_list in enumerate(doc.lists):
        section = template.list_section(i)
        writer.use_section(section)
        numbered = numbered_from_one(duty_list.items)
        table = writer.list_table(duty_list, numbered)
        for item in duty_list.items:
            writer.row(table, item_cells(item, numbered))
        writer.close_section(section, last=i == len(doc.lists) - 1)
    return finish(template, doc, options)


def finish(template: Template, doc: Document, options: BuildOptions, title: str | None = None) -> bytes:
    """Write the footer and the properties, and return the package with no build time in it."""
    _write_footers(template.word, template.styles["footer"], options.page_numbers)
    _set_properties(template.word, doc)
    if title:
        template.word.core_properties.title = title
    buffer = io.BytesIO()
    template.word.save(buffer)
    stamp = revision_datetime(doc)
    return normalized_zip(
        buffer.getvalue(), (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    )


# --- helpers --------------------------------------------------------------------------------------


def _set_text(run, text: str, deleted: bool) -> None:
    """Write text into a run: line breaks as w:br, text as w:t (w:delText when deleted)."""
    for i, part in enumerate(text.split("\n")):
        if i:
            run.append(OxmlElement("w:br"))
        if part:
            t = OxmlElement("w:delText" if deleted else "w:t")
            t.text = part
            if part != part.strip():
                t.set(qn("xml:space"), "preserve")
            run.append(t)


def _inherited(style, get):
    """Return a style property, looking through the styles it is based on."""
    while style is not None:
        value = get(style)
        if value is not None:
            return value
        style = style.base_style
    return None


def _write_footers(word, style, page_numbers: str) -> None:
    """Write the page number into the first section's footer, which every later section inherits."""
    if page_numbers not in PAGE_NUMBERS:
        raise DutydocsError(f"不支持的页码格式：{page_numbers}（可选：{'、'.join(PAGE_NUMBERS)}）")
    section = word.sections[0]
    section.footer.is_linked_to_previous = False
    footers = [section.footer]
    if not section.even_page_footer.is_linked_to_previous:
        footers.append(section.even_page_footer)  # odd and even pages differ: a clerk may align them apart
    for footer in footers:
        for p in footer.paragraphs[1:]:
            p._p.getparent().remove(p._p)
        paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        for child in list(paragraph._p):
            if child.tag != qn("w:pPr"):
                paragraph._p.remove(child)  # the text goes; the paragraph's own alignment stays
        paragraph.style = style
        for i, part in enumerate(PAGE_NUMBERS[page_numbers]):
            if i % 2:
                add_field(paragraph, part)
            else:
                paragraph.add_run(part)


def _set_properties(word, doc: Document) -> None:
    """Stamp the core properties from the source, never from the clock."""
    props = word.core_properties
    when = revision_datetime(doc).replace(tzinfo=None)

    def fit(text: str) -> str:  # Word's core properties hold at most 255 characters
        return text if len(text) <= 255 else text[:254] + "…"

    props.title = fit(doc.title)
    props.author = props.last_modified_by = fit(doc.township)
    props.subject = "乡镇履职事项清单"
    props.keywords = fit("、".join([doc.township, *(duty_list.title for duty_list in doc.lists)]))
    props.comments = fit(doc.revision.label)
    props.category = fit(doc.region)
    props.created = props.modified = when
    props.revision = 1
