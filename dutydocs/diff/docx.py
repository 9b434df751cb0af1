"""The new Word edition with the changes since the old revision as real tracked changes (w:ins / w:del).

The document is the Word edition of dutydocs/builders/docx.py (same template, styles, page set-up,
column widths and footer) with the differences tracked: inserted and deleted text as w:ins / w:del
runs, whole paragraphs with their paragraph mark, whole rows in w:trPr. An item moved to another
place is a deleted row at its old place and an inserted row at its new place. Numbers (序号) of
rows that only changed number are written as in the new edition, untracked, so that renumbering
does not bury the real changes; accepting every change gives exactly the new edition.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timezone

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_ALIGN_VERTICAL
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from ..builders import PROJECT_TEMPLATES, BuildOptions, revision_datetime
from ..builders import docx as word_edition
from ..builders.docx_xml import mark_row
from ..errors import DutydocsError
from ..model import CooperativeItem, WithdrawnItem
from .compare import Diff, DutiesChange, ListChange, Row, text_ops

TAKEOVER_LABEL = "承接方式："


@dataclass(frozen=True)
class Para:
    """A paragraph to write: its text as diff operations, its style, and whether it is inserted or deleted whole."""

    ops: tuple[tuple[int, str], ...]
    style: str
    state: str = "same"  # same | inserted | deleted


def _whole(text: str, style: str, op: int) -> Para:
    return Para(((op, text),), style, {0: "same", 1: "inserted", -1: "deleted"}[op])


def _from_ops(ops, style: str) -> Para:
    kinds = {op for op, text in ops if text}
    state = "inserted" if kinds == {1} else "deleted" if kinds == {-1} else "same"
    return Para(tuple(ops), style, state)


def _same_or_ops(old: str | None, new: str | None) -> tuple[tuple[int, str], ...]:
    if old == new:
        return ((0, new or ""),)
    return text_ops(old or "", new or "")


def tracked_cells(row: Row, contents) -> list[list[Para]]:
    """Return each cell of a row as paragraphs with tracked operations; contents(item) gives a plain row's cells."""
    if row.state in ("added", "moved-in", "removed", "moved-out", "same"):
        op = {"added": 1, "moved-in": 1, "removed": -1, "moved-out": -1, "same": 0}[row.state]
        item = row.old_item if op < 0 else row.new_item
        return [[_whole(text, style, op) for text, style in cell] for cell in contents(item)]
    old, new, fields = row.old_item, row.new_item, row.change.fields
    cells = [[Para(((0, str(new.no)),), "center")],
             [_from_ops(_same_or_ops(old.category, new.category), "center")],
             [_from_ops(_same_or_ops(old.name, new.name), "cell")]]
    if isinstance(new, CooperativeItem):
        change = fields.get("departments")
        ops = change.ops if isinstance(change, ListChange) else tuple((0, n) for n in new.departments)
        cells.append([_whole(name, "center", op) for op, name in ops])
        for name in ("department_duties", "town_duties"):
            change = fields.get(name)
            cells.append(_duties_paras(change) if isinstance(change, DutiesChange)
                         else [_whole(t, s, 0) for t, s in word_edition._duties(getattr(new, name))])
    elif isinstance(new, WithdrawnItem):
        cells.append(_withdrawn_paras(old, new))
    return cells


def _withdrawn_paras(old: WithdrawnItem, new: WithdrawnItem) -> list[Para]:
    paras = []
    for name, label in (("department", ""), ("takeover", TAKEOVER_LABEL), ("note", "")):
        a, b = getattr(old, name), getattr(new, name)
        if a is None and b is None:
            continue
        if a is None:
            paras.append(_whole(label + b, "cell", 1))
        elif b is None:
            paras.append(_whole(label + a, "cell", -1))
        else:
            paras.append(_from_ops(((0, label),) + _same_or_ops(a, b) if label else _same_or_ops(a, b), "cell"))
    return paras


def _duties_paras(change: DutiesChange) -> list[Para]:
    """Return a duty cell's paragraphs: headings and numbered entries with their tracked changes."""
    paras = []
    for block in change.blocks:
        if block.old_heading is not None or block.new_heading is not None:
            paras.append(_from_ops(_same_or_ops(block.old_heading, block.new_heading), "duty_heading"))
        for entry in block.entries:
            if entry.op == "added":
                paras.append(_whole(entry.new_label + entry.new.text, "cell", 1))
            elif entry.op == "removed":
                paras.append(_whole(entry.old_label + entry.old.text, "cell", -1))
            else:
                label = _same_or_ops(entry.old_label, entry.new_label)
                body = entry.ops if entry.op in ("modified", "formatting") else ((0, entry.new.text),)
                paras.append(Para(tuple(op for op in label + tuple(body) if op[1]), "cell"))
    return paras


class _TrackedWriter(word_edition._Writer):
    """The Word edition's writer, writing paragraphs and rows with tracked changes."""

    def __init__(self, word, styles, landscape, author: str, date: str):
        super().__init__(word, styles, landscape)
        self.author, self.date = author, date
        self.next_id = 1
        # python-docx looks a style up anew on every paragraph.style = …; resolve each id once (None: the default)
        self.style_ids = {purpose: word.part.get_style_id(style, WD_STYLE_TYPE.PARAGRAPH)
                          for purpose, style in styles.items() if style.type == WD_STYLE_TYPE.PARAGRAPH}

    def _mark(self, tag: str):
        element = OxmlElement(tag)
        element.set(qn("w:id"), str(self.next_id))
        element.set(qn("w:author"), self.author)
        element.set(qn("w:date"), self.date)
        self.next_id += 1
        return element

    def write(self, paragraph, para: Para) -> None:
        """Fill an empty paragraph with the runs of para, inserted and deleted text tracked."""
        p = paragraph._p
        p.style = self.style_ids[para.style]
        for op, text in para.ops:
            if not text:
                continue
            run = paragraph.add_run(text)._r
            if op == 0:
                continue
            for t in run.findall(qn("w:t")):
                if op < 0:
                    t.tag = qn("w:delText")
            wrapper = self._mark("w:ins" if op > 0 else "w:del")
            run.addprevious(wrapper)
            wrapper.append(run)
        if para.state != "same":
            pPr = p.get_or_add_pPr()
            rPr = OxmlElement("w:rPr")
            rPr.append(self._mark("w:ins" if para.state == "inserted" else "w:del"))
            pPr.append(rPr)

    def body_paragraph(self, para: Para) -> None:
        self.write(self.word.add_paragraph("", self.styles[para.style]), para)

    def tracked_explanation(self, diff: Diff) -> None:
        title = diff.explanation_title
        self.body_paragraph(_from_ops(title.ops if title else ((0, diff.new.explanation.title),), "title"))
        for section in diff.sections:
            self.body_paragraph(_from_ops(_same_or_ops(section.old_heading, section.new_heading), "heading"))
            for p in section.paragraphs:
                self.body_paragraph(_from_ops(p.ops, "body"))

    def tracked_list(self, key: str, title: str, rows: list[Row]) -> None:
        self.paragraph(title, "list_title")
        table, widths, room = self.list_table(key)
        for row in rows:
            cells = tracked_cells(row, self._contents)
            estimate = [[("".join(t for _, t in para.ops), para.style) for para in cell] for cell in cells]
            fits = self._height(estimate, widths) <= word_edition.SPLIT_SHARE * room
            tr_row = table.add_row()
            mark_row(tr_row._tr, cant_split=fits)
            if row.state in ("added", "moved-in", "removed", "moved-out"):
                tr_row._tr.get_or_add_trPr().append(
                    self._mark("w:ins" if row.state in ("added", "moved-in") else "w:del"))
            align = WD_ALIGN_VERTICAL.CENTER if fits else WD_ALIGN_VERTICAL.TOP
            for cell, paras in zip(tr_row.cells, cells):
                cell.vertical_alignment = align
                for k, para in enumerate(paras):
                    self.write(cell.paragraphs[0] if k == 0 else cell.add_paragraph(), para)
                if not paras:
                    cell.paragraphs[0].style = self.styles["cell"]


def change_datetime(diff: Diff, change_date: str | None) -> str:
    """Return the w:date of every change: the date given, else the new revision's date (SOURCE_DATE_EPOCH wins)."""
    if change_date:
        day, _, time = change_date.removesuffix("Z").partition("T")
        time = (time or "00:00") + (":00" if len(time or "00:00") == 5 else "")
        return f"{day}T{time}Z"
    stamp = revision_datetime(diff.new).astimezone(timezone.utc)
    return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")


def render_docx(diff: Diff, author: str = "dutydocs", change_date: str | None = None,
                options: BuildOptions | None = None) -> bytes:
    """Return the new Word edition with every change since the old revision tracked."""
    options = options or BuildOptions(templates=PROJECT_TEMPLATES)
    if not author.strip():
        raise DutydocsError("修订作者不能为空（--author）")
    template = word_edition.open_template(options)
    writer = _TrackedWriter(template.word, template.styles, template.list_section(0), author,
                            change_datetime(diff, change_date))
    writer.tracked_explanation(diff)
    word_edition.close_section(template, template.explanation, last=False)
    lists = diff.new.lists
    for i, duty_list in enumerate(lists):
        section = template.list_section(i)
        writer.use_section(section)
        writer.tracked_list(duty_list.key, duty_list.title, diff.rows[duty_list.key])
        word_edition.close_section(template, section, last=i == len(lists) - 1)
    _show_revisions(template.word)
    return word_edition.finish(template, diff.new, options, title=f"{diff.new.title}（修订稿）")


def _show_revisions(word) -> None:
    """Turn on track changes in settings.xml, so a reviewer's further edits are tracked too."""
    settings = word.settings.element
    if settings.find(qn("w:trackRevisions")) is None:
        track = OxmlElement("w:trackRevisions")
        # trackRevisions comes early in CT_Settings: after view/zoom/removePersonalInformation/…
        anchor = next((settings.find(qn(t)) for t in ("w:doNotTrackMoves", "w:doNotTrackFormatting",
                                                       "w:documentProtection", "w:defaultTabStop")
                       if settings.find(qn(t)) is not None), None)
        if anchor is not None:
            anchor.addprevious(track)
        else:
            settings.append(track)


__all__ = ["render_docx", "tracked_cells", "change_datetime"]
