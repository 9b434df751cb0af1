"""The new Word edition with the changes since the old revision as real tracked changes (w:ins / w:del).

The document is the Word edition (dutydocs/builders/docx.py, written through its public ``Writer``:
same template, styles, page set-up, column widths, list numbering and footer) with every difference
tracked, formatting-only ones included: inserted and deleted text as w:ins / w:del runs, whole
paragraphs with their paragraph mark, whole rows in w:trPr. 序号 and point numbers are Word list
numbers, so renumbering is no change and both accepting and rejecting every change give exactly the
new and the old edition. A moved item is a deleted row at its old place and an inserted row at its
new place, paired as one move (Word's w:moveFrom / w:moveTo in ranges of one name), with a Word
comment saying where it came from (原基本第 90 项) and where it went. Its word changes are tracked
character by character in those rows (see moved_cells).
"""

from __future__ import annotations

from datetime import UTC

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from ..builders import PROJECT_TEMPLATES, BuildOptions, revision_datetime
from ..builders.docx import (
    DELETED,
    INSERTED,
    KEPT,
    MOVED_FROM,
    MOVED_TO,
    Para,
    Tracking,
    Writer,
    duty_paras,
    finish,
    item_cells,
    numbered_from_one,
    open_template,
)
from ..edition import TAKEOVER_LABEL
from ..errors import DutydocsError
from ..model import CooperativeItem, Duties, WithdrawnItem
from .changes import LIST_SHORT, Diff, DutiesChange, ListChange, Row
from .textdiff import compare_duties, compare_names, text_ops

WHOLE = {"added": INSERTED, "moved-in": INSERTED, "removed": DELETED, "moved-out": DELETED}
MOVED = ("moved-in", "moved-out")


def _ops(old: str | None, new: str | None) -> tuple[tuple[int, str], ...]:
    """Return the runs from old to new text: kept whole when equal, else character-level changes."""
    if old == new:
        return ((KEPT, new or ""),)
    return text_ops(old or "", new or "")


def _state(runs) -> int:
    kinds = {op for op, text in runs if text}
    return INSERTED if kinds == {INSERTED} else DELETED if kinds == {DELETED} else KEPT


def _para(runs, style: str, **kw) -> Para:
    return Para(tuple(runs), style, _state(runs), **kw)


def _whole(para: Para, op: int) -> Para:
    return Para(tuple((op, text) for _, text in para.runs), para.style, op, para.number, para.restart)


def old_item(diff: Diff, row: Row):
    """Return the old item of a row: its change's, or for an unchanged row with formatting-only differences, its old place's."""
    place = row.formatting[0].old if row.formatting else None
    if row.old_item is not None or place is None:
        return row.old_item
    return diff.old.list(place.list).items[place.index]


def tracked_cells(row: Row, numbered: bool, old=None) -> list[list[Para]]:
    """Return each cell of a row as paragraphs with tracked runs (序号 as list numbers when numbered)."""
    old = old if old is not None else row.old_item
    if row.state in MOVED and row.old_item is not None and row.new_item is not None:
        return moved_cells(row, numbered)
    if row.state in WHOLE or old is None or row.new_item is None:
        op = WHOLE.get(row.state, KEPT)
        item = row.new_item if op != DELETED else row.old_item
        return [[_whole(para, op) for para in cell] for cell in item_cells(item, numbered)]
    new = row.new_item
    number = (
        Para(((KEPT, ""),), "center", number="item") if numbered else _para(_ops(str(old.no), str(new.no)), "center")
    )
    cells = [[number], [_para(_ops(old.category, new.category), "center")], [_para(_ops(old.name, new.name), "cell")]]
    if isinstance(new, CooperativeItem):
        cells.append(_departments(getattr(old, "departments", ()), new.departments))
        for name in ("department_duties", "town_duties"):
            cells.append(_duties(getattr(old, name, None), getattr(new, name)))
    elif isinstance(new, WithdrawnItem):
        cells.append(_withdrawn(old, new))
    return cells


def moved_cells(row: Row, numbered: bool) -> list[list[Para]]:
    """Return a moved item's row at one end of its move, its word changes marked character by character.

    At the new place the words it kept are moved-in text (w:moveTo) and its new words inserted; at
    the old place the words it kept are moved-out text (w:moveFrom) and its dropped words deleted.
    Each row then holds only changes of its own side, all undone with the row, so LibreOffice 7.4
    removes the row on rejecting (new place) or accepting (old place) every change; a word both
    inserted and deleted (w:ins around w:del) loses its deletion in LibreOffice 7.4. At the old place
    the comparison runs from the new item back to the old, so that the row has the old item's columns
    (a withdrawn item's, when it left the withdrawn list).
    """
    moved_in = row.state == "moved-in"
    old, new = (row.old_item, row.new_item) if moved_in else (row.new_item, row.old_item)
    carried, own = (MOVED_TO, INSERTED) if moved_in else (MOVED_FROM, DELETED)
    cells = tracked_cells(Row("modified", row.old, row.new, old, new, None), numbered)
    out = []
    for cell in cells:
        paras, restart = [], False
        for para in cell:
            if para.state == DELETED:  # a paragraph of the other end only
                restart = restart or para.restart
                continue
            runs: list[tuple[int, str]] = []
            for op, text in para.runs:
                if op == DELETED:  # words of the other end only
                    continue
                mark = carried if op == KEPT else own
                if runs and runs[-1][0] == mark:  # kept words on both sides of a dropped word: one run
                    runs[-1] = (mark, runs[-1][1] + text)
                else:
                    runs.append((mark, text))
            restarts = para.restart or (restart and para.number == "point")
            paras.append(Para(tuple(runs), para.style, own, para.number, restarts))
            restart = restart and para.number != "point"
        out.append(paras)
    return out


def _departments(old: tuple[str, ...], new: tuple[str, ...]) -> list[Para]:
    """Return the department names, a name replaced by one other shown as its changed characters."""
    change = compare_names(old, new)
    ops = list(change.ops) if isinstance(change, ListChange) else [(KEPT, n) for n in new]
    paras = []
    while ops:
        (op, name), ops = ops[0], ops[1:]
        if op == DELETED and ops and ops[0][0] == INSERTED and (len(ops) == 1 or ops[1][0] != INSERTED):
            (_, renamed), ops = ops[0], ops[1:]  # one name out, one in: 米东区市场监督管理局 → 米东区市场监管局
            paras.append(_para(_ops(name, renamed), "center"))
        else:
            paras.append(Para(((op, name),), "center", op))
    return paras


def _withdrawn(old, new: WithdrawnItem) -> list[Para]:
    paras = []
    for name, label in (("department", ""), ("takeover", TAKEOVER_LABEL), ("note", "")):
        a, b = getattr(old, name, None), getattr(new, name)
        if a is None and b is None:
            continue
        if a is None or b is None:
            op = INSERTED if a is None else DELETED
            paras.append(Para(((op, label + (b if a is None else a)),), "cell", op))
        else:
            paras.append(_para((((KEPT, label),) if label else ()) + _ops(a, b), "cell"))
    return paras


def _duties(old: Duties | None, new: Duties) -> list[Para]:
    """Return a duty cell's paragraphs: headings and points, each block's points one numbered list."""
    change = compare_duties(old, new)
    if not isinstance(change, DutiesChange):
        return duty_paras(new)
    paras = []
    for block in change.blocks:
        if block.old_heading is not None or block.new_heading is not None:
            paras.append(_para(_ops(block.old_heading, block.new_heading), "duty_heading"))
        first = True
        for entry in block.entries:
            pairs = [(entry.old, entry.new)]
            if entry.old is not None and entry.new is not None and entry.old.kind != entry.new.kind:
                pairs = [(entry.old, None), (None, entry.new)]  # a point become a paragraph: out, then in
            for a, b in pairs:
                if a is not None and b is not None:
                    runs, kind = _ops(a.text, b.text), b.kind
                elif b is not None:
                    runs, kind = ((INSERTED, b.text),), b.kind
                elif a is not None:
                    runs, kind = ((DELETED, a.text),), a.kind
                else:
                    continue
                point = kind == "point"
                paras.append(_para(runs, "cell", number="point" if point else None, restart=point and first))
                first = first and not point
    return paras


def tracked_opening(diff: Diff) -> list[Para]:
    """Return the document title and the explanation with their changes tracked."""
    old, new = diff.old, diff.new
    paras = [
        _para(_ops(old.title, new.title), "title"),
        _para(_ops(old.explanation.title, new.explanation.title), "explanation_title"),
    ]
    for section in diff.sections:
        heading = _para(_ops(section.old_heading, section.new_heading), "heading")
        paras.append(heading)
        for p in section.paragraphs:
            paras.append(_para(_ops(p.old, p.new), "body"))
    return paras


def _comment(row: Row) -> str | None:
    """Return the comment of a moved item's rows: where it came from, where it went."""
    if row.state == "moved-in" and row.old is not None:
        return f"原{LIST_SHORT[row.old.list]}第 {row.old.no} 项"
    if row.state == "moved-out" and row.new is not None:
        return f"移至{LIST_SHORT[row.new.list]}第 {row.new.no} 项"
    return None


def _move_name(row: Row) -> str | None:
    """Return the name pairing the two ends of a move (w:name of its move ranges): its old place."""
    if row.state in MOVED and row.old is not None:
        return f"move_{row.old.list}_{row.old.no}"
    return None


def change_datetime(diff: Diff, change_date: str | None) -> str:
    """Return the w:date of every change: the date given, else the new revision's date (SOURCE_DATE_EPOCH wins)."""
    if change_date:
        day, _, time = change_date.removesuffix("Z").partition("T")
        time = (time or "00:00") + (":00" if len(time or "00:00") == 5 else "")
        return f"{day}T{time}Z"
    stamp = revision_datetime(diff.new).astimezone(UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")


def render_docx(
    diff: Diff, author: str = "dutydocs", change_date: str | None = None, options: BuildOptions | None = None
) -> bytes:
    """Return the new Word edition with every change since the old revision tracked."""
    options = options or BuildOptions(templates=PROJECT_TEMPLATES)
    if not author.strip():
        raise DutydocsError("修订作者不能为空（--author）")
    template = open_template(options)
    writer = Writer(diff.new, template, Tracking(author, change_datetime(diff, change_date)))
    for para in tracked_opening(diff):
        writer.paragraph(para)
    writer.close_section(template.explanation, last=False)
    lists = diff.new.lists
    for i, duty_list in enumerate(lists):
        section = template.list_section(i)
        writer.use_section(section)
        old_list = next((dl for dl in diff.old.lists if dl.key == duty_list.key), None)
        numbered = numbered_from_one(duty_list.items) and (old_list is None or numbered_from_one(old_list.items))
        title = _para(_ops(old_list.title if old_list else duty_list.title, duty_list.title), "list_title")
        table = writer.list_table(duty_list, numbered, title)
        for row in diff.rows[duty_list.key]:
            cells = tracked_cells(row, numbered, old_item(diff, row))
            writer.row(table, cells, WHOLE.get(row.state, KEPT), _comment(row), _move_name(row))
        writer.close_section(section, last=i == len(lists) - 1)
    _show_revisions(template.word)
    return finish(template, diff.new, options, title=f"{diff.new.title}（修订稿）")


def _show_revisions(word) -> None:
    """Turn on track changes in settings.xml, so a reviewer's further edits are tracked too."""
    settings = word.settings.element
    if settings.find(qn("w:trackRevisions")) is None:
        track = OxmlElement("w:trackRevisions")
        # trackRevisions comes early in CT_Settings: after view/zoom/removePersonalInformation/…
        anchor = next(
            (
                settings.find(qn(t))
                for t in ("w:doNotTrackMoves", "w:doNotTrackFormatting", "w:documentProtection", "w:defaultTabStop")
                if settings.find(qn(t)) is not None
            ),
            None,
        )
        if anchor is not None:
            anchor.addprevious(track)
        else:
            settings.append(track)


__all__ = ["change_datetime", "render_docx", "tracked_cells", "tracked_opening"]
