"""The Word edition: the document written into the styles, page set-up and footer of templates/template.docx."""
from __future__ import annotations

import copy
import io
import math
import unicodedata
import zipfile
from dataclasses import dataclass

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_ALIGN_VERTICAL
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.shared import Pt, Twips

from ..errors import DutydocsError
from ..model import BasicItem, CooperativeItem, Document, Duties, DutyList, WithdrawnItem
from . import BuildOptions, revision_datetime
from .docx_xml import (
    add_field, cell_margins, clear_body, end_section, fix_table_layout, mark_row, normalized_zip,
    plain_section, section_properties, text_block, turned_landscape,
)

SUFFIX = "docx"
TEMPLATE = "template.docx"

# Every style the builder uses, by purpose; each must exist in the template (see check_styles).
STYLES = {
    "title": ("公文标题", WD_STYLE_TYPE.PARAGRAPH),
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

# Columns of each list: header text and width in millimetres of the 225 mm landscape text block (scaled to the template's).
COLUMNS = {
    "basic": (("序号", 14), ("事项类别", 34), ("事项名称", 177)),
    "cooperative": (("序号", 12), ("事项类别", 21), ("事项名称", 34), ("对应上级部门", 33),
                    ("上级部门职责", 62.5), ("镇配合职责", 62.5)),
    "withdrawn": (("序号", 14), ("事项类别", 34), ("事项名称", 87), ("承接部门及工作方式", 90)),
}

SPLIT_SHARE = 0.85
"""A row estimated taller than this share of a page may split: Word clips a cantSplit row taller than a page.

Measured against LibreOffice on the bundled source, the estimate was never more than 1 % short (up to 12 %
long for short rows, where lines end early); 0.85 leaves room for fonts a little wider than the official ones.
"""

PAGE_NUMBERS = {"total": ("第 ", "PAGE", " 页，共 ", "NUMPAGES", " 页"), "dash": ("— ", "PAGE", " —")}


@dataclass
class Template:
    """The opened template: the document to write into, its styles and the page set-up of each part."""

    word: object
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
        raise DutydocsError(f"无法打开 Word 模板：{path}（不是有效的 .docx 文件；请用 Word 另存为 .docx，"
                            "或用 scripts/make_docx_template.py 重新生成）") from None
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


def close_section(template: Template, sectPr, last: bool) -> None:
    """End the part just written with its page set-up (the last part's goes at the end of the body)."""
    body = template.word.element.body
    if last:
        body.append(sectPr)
    else:
        end_section(body, sectPr, template.styles["break"].style_id)


def finish(template: Template, doc: Document, options: BuildOptions, title: str | None = None) -> bytes:
    """Write the footer and the properties, and return the package with no build time in it."""
    _write_footers(template.word, template.styles["footer"], options.page_numbers)
    _set_properties(template.word, doc)
    if title:
        template.word.core_properties.title = title
    buffer = io.BytesIO()
    template.word.save(buffer)
    stamp = revision_datetime(doc)
    return normalized_zip(buffer.getvalue(), (max(stamp.year, 1980), stamp.month, stamp.day,
                                              stamp.hour, stamp.minute, stamp.second))


def render(doc: Document, options: BuildOptions) -> bytes:
    """Return the bytes of the Word edition of the document."""
    template = open_template(options)
    writer = _Writer(template.word, template.styles, template.list_section(0))
    writer.explanation(doc)
    close_section(template, template.explanation, last=False)
    for i, duty_list in enumerate(doc.lists):
        section = template.list_section(i)
        writer.use_section(section)
        writer.duty_list(duty_list)
        close_section(template, section, last=i == len(doc.lists) - 1)
    return finish(template, doc, options)


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
        raise DutydocsError(f"Word 模板缺少样式：{'、'.join(missing)}（请在模板中恢复这些样式，"
                            "或用 scripts/make_docx_template.py 重新生成模板）")
    return found


class _Writer:
    """Write the explanation and the list tables into the body of the template document."""

    def __init__(self, word, styles: dict, landscape):
        self.word, self.styles = word, styles
        self.use_section(landscape)
        self.margins = cell_margins(styles["table"].element)
        # python-docx looks a style up anew on every paragraph.style = …; resolve each id once (None: the default)
        self.style_ids = {purpose: word.part.get_style_id(style, WD_STYLE_TYPE.PARAGRAPH)
                          for purpose, style in styles.items() if style.type == WD_STYLE_TYPE.PARAGRAPH}
        cell = styles["cell"]
        self.font = _inherited(cell, lambda s: s.font.size) or Pt(12)
        line = _inherited(cell, lambda s: s.paragraph_format.line_spacing)
        self.line = line if hasattr(line, "pt") else Pt(self.font.pt * 1.5)

    def use_section(self, sectPr) -> None:
        """Lay the next table out for the text block of this page set-up."""
        self.width, self.height = text_block(sectPr)

    def paragraph(self, text: str, style: str):
        paragraph = self.word.add_paragraph()
        self._write(paragraph, text, style)
        return paragraph

    def _write(self, paragraph, text: str, style: str) -> None:
        paragraph._p.style = self.style_ids[style]
        paragraph.add_run(text)

    def explanation(self, doc: Document) -> None:
        self.paragraph(doc.explanation.title, "title")
        for section in doc.explanation.sections:
            self.paragraph(section.heading, "heading")
            for text in section.paragraphs:
                self.paragraph(text, "body")

    def list_table(self, key: str):
        """Add a list's table with its repeating header row; return it, its column widths and a page's room."""
        columns = COLUMNS[key]
        share = sum(s for _, s in columns)
        widths = [math.floor(self.width * s / share) for _, s in columns]
        widths[-1] += self.width - sum(widths)
        table = self.word.add_table(rows=1, cols=len(columns))
        table.style = self.styles["table"]
        table.autofit = False
        fix_table_layout(table._tbl, widths)
        header = table.rows[0]
        for cell, (text, _), width in zip(header.cells, columns, widths):
            cell.width = Twips(width)
            cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
            self._fill(cell, [(text, "head")])
        mark_row(header._tr, header=True)
        room = self.height - self._height([[(text, "head")] for text, _ in columns], widths)
        return table, widths, room

    def duty_list(self, duty_list: DutyList) -> None:
        self.paragraph(duty_list.title, "list_title")
        table, widths, room = self.list_table(duty_list.key)
        for item in duty_list.items:
            contents = self._contents(item)
            row = table.add_row()
            fits = self._height(contents, widths) <= SPLIT_SHARE * room
            mark_row(row._tr, cant_split=fits)
            # A row that may split starts at the top of every cell, so the item's name opens it.
            align = WD_ALIGN_VERTICAL.CENTER if fits else WD_ALIGN_VERTICAL.TOP
            for cell, content in zip(row.cells, contents):
                self._fill(cell, content)
                cell.vertical_alignment = align

    def _contents(self, item) -> list[list[tuple[str, str]]]:
        """Return each cell of an item's row as (text, style) paragraphs."""
        cells = [[(str(item.no), "center")], [(item.category, "center")], [(item.name, "cell")]]
        if isinstance(item, CooperativeItem):
            cells.append([(name, "center") for name in item.departments])
            cells.append(_duties(item.department_duties))
            cells.append(_duties(item.town_duties))
        elif isinstance(item, WithdrawnItem):
            cell = [(item.department, "cell")] if item.department else []
            if item.takeover:
                cell.append(("承接方式：" + item.takeover, "cell"))
            if item.note:
                cell.append((item.note, "cell"))
            cells.append(cell)
        elif not isinstance(item, BasicItem):
            raise TypeError(f"unknown item type {type(item).__name__}")
        return cells

    def _fill(self, cell, paragraphs: list[tuple[str, str]]) -> None:
        """Write paragraphs into a new cell (whose one empty paragraph stays, styled, if there are none)."""
        first = cell.paragraphs[0]
        first._p.style = self.style_ids["cell"]
        for i, (text, style) in enumerate(paragraphs):
            self._write(first if i == 0 else cell.add_paragraph(), text, style)

    def _height(self, contents, widths: list[int]) -> float:
        """Estimate a row's height in twips from its text, the column widths and the cell style."""
        em = self.font.pt * 20
        across, down = self.margins
        tallest = 0
        for paragraphs, width in zip(contents, widths):
            per_line = max(1, math.floor((width - across) / em))  # whole characters fit on a line
            lines = sum(max(1, math.ceil(_ems(text) / per_line)) for text, _ in paragraphs)
            tallest = max(tallest, lines)
        return tallest * self.line.pt * 20 + down


def _duties(duties: Duties) -> list[tuple[str, str]]:
    """Return a duties cell as paragraphs: headings, then points numbered afresh under each heading."""
    paragraphs = []
    for block in duties.blocks():
        if block.heading is not None:
            paragraphs.append((block.heading, "duty_heading"))
        for label, entry in block.numbered():
            paragraphs.append((label + entry.text, "cell"))
    return paragraphs


def _ems(text: str) -> float:
    """Return the width of text in ems: wide (CJK) characters 1, others about half."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55 for ch in text)


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
