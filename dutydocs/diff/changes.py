"""The change model: what a diff reports about items, rows, texts and formatting, as plain data classes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..edition import FIELD_LABELS, LIST_SHORT
from ..model import Document, Entry, Item

FIELDS = ("category", "name", "departments", "department_duties", "town_duties", "department", "takeover", "note")
FIELD_TITLES = {**FIELD_LABELS, "note": "备注"}
"""The fields by name; a report says 备注 for the note, as 说明 there names the explanation."""
KIND_TITLES = {"added": "新增", "removed": "删除", "modified": "修改", "moved": "移动"}
DOCUMENT_TITLES = {
    "title": "标题",
    "township": "乡镇",
    "region": "地区",
    "basic_title": "基本清单标题",
    "cooperative_title": "配合清单标题",
    "withdrawn_title": "收回清单标题",
}
"""The document's own texts a diff compares: its title, township, region and the three lists' titles."""
EXPLANATION_TITLES = {"title": "说明标题", "heading": "小节标题", "paragraph": "说明段落"}

UNCHANGED = ("same", "formatting")
"""Ops of aligned texts that are not changes: equal, or different in formatting only."""

Ops = tuple[tuple[int, str], ...]
"""diff-match-patch operations: (-1 deleted | 0 kept | 1 inserted, text)."""


@dataclass(frozen=True)
class Place:
    """Where an item is in one revision: its list, printed number and 0-based position."""

    list: str
    no: int
    index: int

    def as_dict(self) -> dict:
        return {"list": self.list, "no": self.no}

    def label(self) -> str:
        return f"{LIST_SHORT[self.list]} {self.no}"


@dataclass(frozen=True)
class TextChange:
    """A changed text field: old and new value and the character-level operations between them."""

    old: str | None
    new: str | None
    ops: Ops


@dataclass(frozen=True)
class ListChange:
    """A changed list of names (对应上级部门): each name kept, removed or added, in order."""

    old: tuple[str, ...]
    new: tuple[str, ...]
    ops: Ops

    def shown(self, separator: str = "、") -> Ops:
        """Return the ops with a kept separator between names, none between a removed name and the name
        added in its place: 甲、[-乙-]{+丙+}, never 甲、[-乙-]、{+丙+}, which reads as a list of both."""
        out: list = []
        for k, (op, name) in enumerate(self.ops):
            if k and not (self.ops[k - 1][0] < 0 < op):
                out.append((0, separator))
            out.append((op, name))
        return tuple(out)


@dataclass(frozen=True)
class EntryChange:
    """One entry of a duty cell aligned with its counterpart: op is same|added|removed|modified|formatting.

    formatting: the texts differ in whitespace or character width only (also listed in Diff.formatting).
    index is the entry's position in the new cell's entries (None for a removed entry).
    """

    op: str
    old: Entry | None
    new: Entry | None
    old_label: str = ""
    new_label: str = ""
    ops: Ops = ()
    index: int | None = None


@dataclass(frozen=True)
class BlockChange:
    """One heading block of a duty cell aligned with its counterpart, with its entries aligned.

    op is that of the heading (same|added|removed|modified|formatting); heading_index its position in
    the new cell's entries (None without a heading in the new cell).
    """

    op: str
    old_heading: str | None
    new_heading: str | None
    heading_ops: Ops
    entries: tuple[EntryChange, ...]
    heading_index: int | None = None

    @property
    def changed(self) -> bool:
        return self.op not in UNCHANGED or any(e.op not in UNCHANGED for e in self.entries)


@dataclass(frozen=True)
class DutiesChange:
    """A duty cell compared block by block."""

    blocks: tuple[BlockChange, ...]


FieldChange = TextChange | ListChange | DutiesChange


@dataclass(frozen=True)
class FormattingChange:
    """A difference of whitespace or character width only (equal under whitespace removal + NFKC).

    Not a modification: reports list it apart ("仅格式变化"); the tracked Word edition tracks it inline.
    part is item | document | explanation. For an item, field is one of FIELDS, old/new its places,
    item the new item, and index the position of the entry in the duty cell (Duties.entries) or of the
    name in departments (None for a text field). For the document, field is title | township | region.
    For the explanation, field is title | heading | paragraph, index the section (in the new revision)
    and paragraph the paragraph's position in it.
    """

    part: str
    field: str
    old_text: str
    new_text: str
    ops: Ops
    old: Place | None = None
    new: Place | None = None
    item: Item | None = None
    index: int | None = None
    paragraph: int | None = None


@dataclass(frozen=True)
class Change:
    """One reported change of an item.

    kind is added | removed | modified | moved. A moved item keeps the fields whose content changed,
    so it is both moved and modified when fields is not empty.
    """

    kind: str
    old: Place | None
    new: Place | None
    old_item: Item | None
    new_item: Item | None
    fields: dict[str, FieldChange]
    match: str = ""  # id | exact | name | similar, for matched items

    @property
    def item(self) -> Item:
        item = self.new_item or self.old_item
        assert item is not None, "a change has an old or a new item"
        return item

    @property
    def list(self) -> str:
        place = self.new or self.old
        assert place is not None, "a change has an old or a new place"
        return place.list

    @property
    def kinds(self) -> tuple[str, ...]:
        """Return every kind the change counts under: ("moved", "modified") for a moved, reworded item."""
        if self.kind == "moved" and self.fields:
            return ("moved", "modified")
        return (self.kind,)

    @property
    def title(self) -> str:
        """Return the badge text, e.g. 移动+修改."""
        return "+".join(KIND_TITLES[k] for k in self.kinds)


@dataclass(frozen=True)
class Row:
    """A row of a list as a reader of the new edition with changes marked sees it.

    state is same | added | removed | modified | moved-in | moved-out; a moved item appears twice:
    removed (moved-out) at its old place and inserted (moved-in) at its new place. formatting holds
    the item's formatting-only differences (on the row of its new place).
    """

    state: str
    old: Place | None
    new: Place | None
    old_item: Item | None
    new_item: Item | None
    change: Change | None
    formatting: tuple[FormattingChange, ...] = ()


@dataclass(frozen=True)
class ParagraphChange:
    """One paragraph of the explanation aligned with its counterpart: op is same|added|removed|modified|formatting."""

    op: str
    section: str
    old: str | None
    new: str | None
    ops: Ops = ()


@dataclass(frozen=True)
class SectionChange:
    """One section of the explanation aligned with its counterpart (op of its heading as for paragraphs)."""

    op: str
    old_heading: str | None
    new_heading: str | None
    heading_ops: Ops
    paragraphs: tuple[ParagraphChange, ...]

    @property
    def changed(self) -> bool:
        return self.op not in ("same", "formatting") or any(p.op not in ("same", "formatting") for p in self.paragraphs)


@dataclass
class Diff:
    """Everything that changed between two revisions, and how their items correspond."""

    old: Document
    new: Document
    old_label: str
    new_label: str
    changes: list[Change]
    rows: dict[str, list[Row]]
    document: dict[str, TextChange]
    explanation_title: TextChange | None
    sections: list[SectionChange]
    renumbered: dict[str, int] = field(default_factory=dict)
    unchanged: int = 0
    formatting: list[FormattingChange] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """True when the content differs; formatting-only differences do not count."""
        return bool(self.changes or self.document or self.explanation_title or any(s.changed for s in self.sections))

    def explanation_entries(self) -> Iterator[tuple[str, str, str, Ops]]:
        """Yield (op, part, section, ops) for each content change of the explanation, in reading order.

        part is title | heading | paragraph; op is modified for the title, else that of the heading or paragraph.
        These are the entries of the JSON report's "explanation" and its summary's count.
        """
        if self.explanation_title:
            yield "modified", "title", "", self.explanation_title.ops
        for section in self.sections:
            if section.op not in UNCHANGED:
                yield section.op, "heading", section.new_heading or section.old_heading or "", section.heading_ops
            for p in section.paragraphs:
                if p.op not in UNCHANGED:
                    yield p.op, "paragraph", p.section, p.ops

    def explanation_changes(self) -> Iterator[ParagraphChange]:
        for section in self.sections:
            for paragraph in section.paragraphs:
                if paragraph.op not in ("same", "formatting"):
                    yield paragraph

    def summary(self) -> dict[str, Any]:
        """Return counts per kind, per list and per category (see summary.py)."""
        from .summary import summary

        return summary(self)
