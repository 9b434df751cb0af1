"""Comparing two values of one field: character-level text diffs, name lists, duty cells, formatting-only differences.

diff-match-patch runs without a time limit (``Diff_Timeout = 0``), so the same texts give the same
operations on any machine; the texts compared are cells and paragraphs, short enough for that.

Judgement calls, kept on purpose:

* Duty points that only changed order inside a block are shown as the point removed at its old
  place and added at its new one, as a reader of the marked cell sees it; the item is one
  modification. (A "moved point" kind would need every format and the tracked .docx to show it.)
* Inside a text that really changed, differences of whitespace or width are part of its character
  diff: the operations must rebuild both texts exactly (the JSON's "diff", the tracked .docx's
  accept and reject). Only a whole unit that differs in formatting alone — a text field, a duty
  point or heading, a department's name — is listed apart as formatting.
"""

from __future__ import annotations

from difflib import SequenceMatcher

from diff_match_patch import diff_match_patch

from ..model import Block, Duties, Item
from .align import align, align_groups, normalise
from .changes import FIELDS, BlockChange, DutiesChange, EntryChange, FieldChange, ListChange, Ops, TextChange

_dmp = diff_match_patch()
_dmp.Diff_Timeout = 0  # no clock: the result must not depend on the machine's speed


def text_ops(old: str, new: str) -> Ops:
    """Return the character-level diff of two texts after diff-match-patch's semantic clean-up."""
    ops = _dmp.diff_main(old, new)
    _dmp.diff_cleanupSemantic(ops)
    return tuple((op, text) for op, text in ops)


def compare_text(old: str | None, new: str | None) -> TextChange | None:
    if (old or None) == (new or None):
        return None
    return TextChange(old, new, text_ops(old or "", new or ""))


def _formatting_op(old: str, new: str) -> str:
    """Return how two aligned, different texts differ: formatting (only) or modified."""
    return "formatting" if normalise(old) == normalise(new) else "modified"


def compare_names(old: tuple[str, ...], new: tuple[str, ...]) -> ListChange | None:
    """Compare two lists of names in order; names equal but for formatting are kept, under their new form."""
    if tuple(old) == tuple(new):
        return None
    ops: list[tuple[int, str]] = []
    matcher = SequenceMatcher(None, [normalise(n) for n in old], [normalise(n) for n in new], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            ops.extend((0, name) for name in new[j1:j2])
        else:
            ops.extend((-1, name) for name in old[i1:i2])
            ops.extend((1, name) for name in new[j1:j2])
    return ListChange(tuple(old), tuple(new), tuple(ops))


def _names_formatting(old: tuple[str, ...], new: tuple[str, ...]) -> list[tuple[int | None, str, str]]:
    """Return (index in new, old, new) for the names kept whose form alone changed."""
    matcher = SequenceMatcher(None, [normalise(n) for n in old], [normalise(n) for n in new], autojunk=False)
    return [
        (j1 + k, old[i1 + k], new[j1 + k])
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag == "equal"
        for k in range(i2 - i1)
        if old[i1 + k] != new[j1 + k]
    ]


def pair_blocks(old: tuple[Block, ...], new: tuple[Block, ...]) -> list[tuple[int | None, int | None]]:
    """Pair the blocks of two cells in order: by heading, then those left over by their whole text (align_groups).

    So points kept under a heading put over them (a cell of one department given a heading per department), or
    under a heading taken away or rewritten beyond recognition, stay the same points in one block.
    """
    return align_groups(
        [b.heading or "" for b in old],
        [b.heading or "" for b in new],
        ["".join([b.heading or "", *(e.text for e in b.entries)]) for b in old],
        ["".join([b.heading or "", *(e.text for e in b.entries)]) for b in new],
    )


def compare_duties(old: Duties | None, new: Duties | None) -> DutiesChange | None:
    """Compare two duty cells block by block (blocks paired by pair_blocks), entries aligned inside each."""
    old, new = old or Duties(), new or Duties()
    if old.entries == new.entries:
        return None
    old_blocks, new_blocks = old.blocks(), new.blocks()
    starts, at = [], 0
    for block in new_blocks:
        starts.append(at)
        at += len(block.entries) + (block.heading is not None)
    blocks = []
    for i, j in pair_blocks(old_blocks, new_blocks):
        ob = old_blocks[i] if i is not None else None
        nb = new_blocks[j] if j is not None else None
        first = starts[j] + (nb.heading is not None) if nb and j is not None else 0
        old_entries = list(ob.numbered()) if ob else []
        new_entries = list(nb.numbered()) if nb else []
        entries = []
        for a, b in align([e.text for _, e in old_entries], [e.text for _, e in new_entries]):
            (ol, oe) = old_entries[a] if a is not None else ("", None)
            (nl, ne) = new_entries[b] if b is not None else ("", None)
            index = first + b if b is not None else None
            if oe is None:
                assert ne is not None, "align pairs an entry with at most one missing side"
                entries.append(EntryChange("added", None, ne, "", nl, ((1, ne.text),), index))
            elif ne is None:
                entries.append(EntryChange("removed", oe, None, ol, "", ((-1, oe.text),)))
            elif oe == ne:
                entries.append(EntryChange("same", oe, ne, ol, nl, ((0, ne.text),), index))
            else:
                op = _formatting_op(oe.text, ne.text) if oe.kind == ne.kind else "modified"
                entries.append(EntryChange(op, oe, ne, ol, nl, text_ops(oe.text, ne.text), index))
        if ob is None:
            op = "added"
        elif nb is None:
            op = "removed"
        else:
            op = "same" if ob.heading == nb.heading else _formatting_op(ob.heading or "", nb.heading or "")
        oh, nh = (ob.heading if ob else None), (nb.heading if nb else None)
        blocks.append(
            BlockChange(
                op,
                oh,
                nh,
                text_ops(oh or "", nh or "") if oh != nh else (),
                tuple(entries),
                starts[j] if j is not None and nb is not None and nh is not None else None,
            )
        )
    return DutiesChange(tuple(blocks))


def _duties_formatting(change: DutiesChange) -> list[tuple[int | None, str, str]]:
    """Return (index in new, old, new) for the headings and entries of a changed cell that differ in formatting only."""
    found: list[tuple[int | None, str, str]] = []
    for block in change.blocks:
        if block.op == "formatting" and block.old_heading is not None and block.new_heading is not None:
            found.append((block.heading_index, block.old_heading, block.new_heading))
        found.extend(
            (e.index, e.old.text, e.new.text)
            for e in block.entries
            if e.op == "formatting" and e.old is not None and e.new is not None
        )
    return found


def _parts(name: str, value) -> list[tuple[str, str]]:
    """Return a field's value as (kind, text) parts, the unit of formatting-only differences."""
    if value is None:
        return []
    if name == "departments":
        return [("name", text) for text in value]
    if name.endswith("_duties"):
        return [(entry.kind, entry.text) for entry in value.entries]
    return [("text", value)]


def formatting_only(name: str, old, new) -> list[tuple[int | None, str, str]] | None:
    """Return the differing parts (index, old, new) when two values of a field differ in formatting only, else None.

    Formatting only: equal after whitespace removal and Unicode NFKC, part by part (index None for a text field).
    """
    a, b = _parts(name, old), _parts(name, new)
    if (
        a == b
        or len(a) != len(b)
        or any(ka != kb or normalise(ta) != normalise(tb) for (ka, ta), (kb, tb) in zip(a, b, strict=True))
    ):
        return None
    single = name not in ("departments",) and not name.endswith("_duties")
    return [(None if single else k, ta, tb) for k, ((_, ta), (_, tb)) in enumerate(zip(a, b, strict=True)) if ta != tb]


def compare_fields(old: Item, new: Item) -> tuple[dict[str, FieldChange], dict[str, list[tuple[int | None, str, str]]]]:
    """Return the fields whose content differs, and apart those that differ in formatting only."""
    fields: dict[str, FieldChange] = {}
    formatting: dict[str, list[tuple[int | None, str, str]]] = {}
    for name in FIELDS:
        a, b = getattr(old, name, None), getattr(new, name, None)
        change: FieldChange | None
        if name == "departments":
            change = compare_names(a or (), b or ())
        elif name.endswith("_duties"):
            change = compare_duties(a, b)
        else:
            change = compare_text(a, b)
        if change is None:
            continue
        parts = formatting_only(name, a, b)
        if not parts:
            fields[name] = change
            if isinstance(change, DutiesChange):
                parts = _duties_formatting(change)
            elif isinstance(change, ListChange):
                parts = _names_formatting(change.old, change.new)
        if parts:
            formatting[name] = parts
    return fields, formatting
