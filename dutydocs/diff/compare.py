"""Comparing two revisions into a Diff: match the items, classify each change, align the explanation.

Kinds: an unmatched old item is *removed*, an unmatched new item *added* (matching: matching.py).
A matched item is *moved* when it changed list or place (moves.py); it keeps the fields whose
content changed, so a moved and reworded item is both moved and modified. Otherwise a matched
item with content changes is *modified*; one whose number alone changed is counted as renumbered
in the summary, and is not a change. Differences of whitespace or character width only (equal
after whitespace removal and NFKC) are not modifications: they are listed in ``Diff.formatting``.

Judgement calls, kept on purpose: an item that changes list changes the fields its new list has
(a withdrawn item given back loses 承接部门 and 承接方式), so it is moved and modified; of two items
swapped, or a run reversed, the longest run kept in order stays and the others are moved
(moves.py); without ids, a name replaced by one with nothing in common (below every threshold of
matching.py) is one item removed and another added, even at the same place.
"""

from __future__ import annotations

from collections import Counter

from ..model import LIST_KEYS, Document
from .align import align, align_groups, normalise
from .changes import (
    DOCUMENT_TITLES,
    FIELD_TITLES,
    FIELDS,
    KIND_TITLES,
    LIST_SHORT,
    BlockChange,
    Change,
    Diff,
    DutiesChange,
    EntryChange,
    FormattingChange,
    ListChange,
    Ops,
    ParagraphChange,
    Place,
    Row,
    SectionChange,
    TextChange,
)
from .matching import DIRECT_PAIRS, match, slots
from .moves import moved_within, rows
from .textdiff import compare_fields, compare_text, text_ops

__all__ = [
    "FIELDS",
    "FIELD_TITLES",
    "KIND_TITLES",
    "LIST_SHORT",
    "BlockChange",
    "Change",
    "Diff",
    "DutiesChange",
    "EntryChange",
    "FormattingChange",
    "ListChange",
    "ParagraphChange",
    "Place",
    "Row",
    "SectionChange",
    "TextChange",
    "compare",
    "text_ops",
]


def compare(
    old: Document, new: Document, old_label: str = "", new_label: str = "", direct_pairs: int = DIRECT_PAIRS
) -> Diff:
    """Compare two revisions and return the diff: item changes in reading order, rows, explanation, formatting."""
    old_slots, new_slots = slots(old), slots(new)
    pairs = match(old_slots, new_slots, direct_pairs)
    moved = moved_within(old_slots, new_slots, pairs)

    change_of_old: dict[int, Change] = {}
    change_of_new: dict[int, Change] = {}
    formatting_of_new: dict[int, tuple[FormattingChange, ...]] = {}
    renumbered: Counter = Counter()
    unchanged = 0
    for i, slot in enumerate(old_slots):
        if i not in pairs:
            change_of_old[i] = Change("removed", slot.place, None, slot.item, None, {})
            continue
        j, how = pairs[i]
        target = new_slots[j]
        fields, item_parts = compare_fields(slot.item, target.item)
        if item_parts:
            formatting_of_new[j] = tuple(
                FormattingChange("item", name, a, b, text_ops(a, b), slot.place, target.place, target.item, index)
                for name, parts in item_parts.items()
                for index, a, b in parts
            )
        if slot.place.list != target.place.list or i in moved:
            kind = "moved"
        elif fields:
            kind = "modified"
        else:
            unchanged += 1
            if slot.place.no != target.place.no:
                renumbered[target.place.list] += 1
            continue
        change = Change(kind, slot.place, target.place, slot.item, target.item, fields, how)
        change_of_old[i] = change_of_new[j] = change
    matched_new = {j for j, _ in pairs.values()}
    for j, slot in enumerate(new_slots):
        if j not in matched_new:
            change_of_new[j] = Change("added", None, slot.place, None, slot.item, {})

    list_rows = rows(old_slots, new_slots, pairs, change_of_old, change_of_new, formatting_of_new)
    changes: list[Change] = []
    item_formatting: list[FormattingChange] = []
    seen: set[int] = set()
    for key in LIST_KEYS:
        for row in list_rows[key]:
            item_formatting.extend(row.formatting)
            if row.change is not None and id(row.change) not in seen and row.state != "moved-out":
                seen.add(id(row.change))
                changes.append(row.change)
    formatting: list[FormattingChange] = []
    document: dict[str, TextChange] = {}
    old_texts, new_texts = document_texts(old), document_texts(new)
    for name in DOCUMENT_TITLES:
        a, b = old_texts[name], new_texts[name]
        text_change = compare_text(a, b)
        if text_change is None:
            continue
        if a and b and normalise(a) == normalise(b):
            formatting.append(FormattingChange("document", name, a, b, text_change.ops))
        else:
            document[name] = text_change
    explanation_title = compare_text(old.explanation.title, new.explanation.title)
    if explanation_title and normalise(old.explanation.title) == normalise(new.explanation.title):
        formatting.append(
            FormattingChange(
                "explanation", "title", old.explanation.title, new.explanation.title, explanation_title.ops
            )
        )
        explanation_title = None
    sections = compare_sections(old, new)
    formatting.extend(_explanation_formatting(sections))
    return Diff(
        old,
        new,
        old_label,
        new_label,
        changes,
        list_rows,
        document,
        explanation_title,
        sections,
        renumbered,
        unchanged,
        formatting + item_formatting,
    )


def document_texts(doc: Document) -> dict[str, str]:
    """Return the document's own printed texts by DOCUMENT_TITLES key: title, township, region, each list's title."""
    texts = {name: getattr(doc, name) for name in ("title", "township", "region")}
    texts.update({f"{key}_title": doc.list(key).title for key in LIST_KEYS})
    return texts


def _op(a: str | None, b: str | None) -> str:
    """Return how an aligned text changed: added | removed | same | formatting | modified."""
    if a is None:
        return "added"
    if b is None:
        return "removed"
    if a == b:
        return "same"
    return "formatting" if normalise(a) == normalise(b) else "modified"


def _paragraph_ops(a: str | None, b: str | None) -> Ops:
    """Return the operations from one aligned paragraph to the other: all inserted, deleted or kept, else diffed."""
    if a is None:
        assert b is not None, "align pairs a paragraph with at most one missing side"
        return ((1, b),)
    if b is None:
        return ((-1, a),)
    if a == b:
        return ((0, b),)
    return text_ops(a, b)


def compare_sections(old: Document, new: Document) -> list[SectionChange]:
    """Align the explanation's sections (by heading, then by whole text: align_groups) and their paragraphs inside each."""
    a, b = old.explanation.sections, new.explanation.sections
    sections = []
    whole_a, whole_b = (
        ["".join([s.heading, *s.paragraphs]) for s in a],
        ["".join([s.heading, *s.paragraphs]) for s in b],
    )
    for i, j in align_groups([s.heading for s in a], [s.heading for s in b], whole_a, whole_b):
        sa = a[i] if i is not None else None
        sb = b[j] if j is not None else None
        shown = sb or sa
        assert shown is not None, "align pairs a section with at most one missing side"
        heading = shown.heading
        old_paragraphs = list(sa.paragraphs) if sa else []
        new_paragraphs = list(sb.paragraphs) if sb else []
        paragraphs = []
        for p, q in align(old_paragraphs, new_paragraphs):
            po = old_paragraphs[p] if p is not None else None
            pn = new_paragraphs[q] if q is not None else None
            paragraphs.append(ParagraphChange(_op(po, pn), heading, po, pn, _paragraph_ops(po, pn)))
        oh, nh = (sa.heading if sa else None), (sb.heading if sb else None)
        sections.append(
            SectionChange(_op(oh, nh), oh, nh, text_ops(oh or "", nh or "") if oh != nh else (), tuple(paragraphs))
        )
    return sections


def _explanation_formatting(sections: list[SectionChange]) -> list[FormattingChange]:
    found: list[FormattingChange] = []
    index = -1
    for section in sections:
        if section.new_heading is not None:
            index += 1
        if section.op == "formatting" and section.old_heading is not None and section.new_heading is not None:
            found.append(
                FormattingChange(
                    "explanation", "heading", section.old_heading, section.new_heading, section.heading_ops, index=index
                )
            )
        number = -1
        for p in section.paragraphs:
            if p.new is not None:
                number += 1
            if p.op == "formatting" and p.old is not None and p.new is not None:
                found.append(
                    FormattingChange("explanation", "paragraph", p.old, p.new, p.ops, index=index, paragraph=number)
                )
    return found
