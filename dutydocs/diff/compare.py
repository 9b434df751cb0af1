"""Matching two revisions of a duty list and the model of what changed between them.

Matching (all three lists at once, so an item that changes list is one move):

1. by stable ``id`` where both revisions carry it;
2. by content, only between items that cannot be told apart by id (one of the two has none):
   exact (category + name) first, then exact name alone, then similarity: the best pairs whose
   name similarity (rapidfuzz ``fuzz.ratio`` of the normalised names, 0–100) is at least
   ``NAME_THRESHOLD``, or whose whole text (name and duties / 承接方式) is at least
   ``BODY_THRESHOLD`` similar, are paired greedily, best first. Candidates come from a
   character-bigram index, so the cost stays about linear in the list size.

Kinds: an unmatched old item is *removed*, an unmatched new item *added*. A matched item is
*moved* when it changed list, or when it changed place within its list: the items matched
within one list, taken in old order, keep their places when their new positions form a
longest increasing subsequence; every other item is moved. So an insertion or a deletion only
renumbers what follows it, and an item taken out and put back elsewhere is the one moved item.
Otherwise a matched item with different fields is *modified*; one whose number alone changed is
counted as renumbered in the summary, and is not a change.
"""
from __future__ import annotations

import bisect
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any, Iterator

from diff_match_patch import diff_match_patch
from rapidfuzz import fuzz, process

from ..model import LIST_KEYS, LIST_TITLES, Document, Duties, Entry, Item

NAME_THRESHOLD = 70
"""Least name similarity (0–100) for two items to be the same reworded item."""
BODY_THRESHOLD = 85
"""Least similarity of the whole item text when the names alone are further apart."""
ENTRY_THRESHOLD = 50
"""Least similarity for a duty point, heading or paragraph to be the same one reworded."""
DIRECT_PAIRS = 250_000
"""Up to this many leftover pairs are all scored; beyond it candidates come from the bigram index."""
CANDIDATES = 20
BIGRAM_STOP = 200
"""A bigram in more leftover items than this (e.g. 工作) says nothing about identity."""

FIELDS = ("category", "name", "departments", "department_duties", "town_duties",
          "department", "takeover", "note")
FIELD_TITLES = {
    "category": "事项类别", "name": "事项名称", "departments": "对应上级部门",
    "department_duties": "上级部门职责", "town_duties": "镇配合职责", "department": "承接部门",
    "takeover": "承接方式", "note": "备注",
}
KIND_TITLES = {"added": "新增", "removed": "删除", "modified": "修改", "moved": "移动"}
LIST_SHORT = {"basic": "基本", "cooperative": "配合", "withdrawn": "收回"}

Ops = list[tuple[int, str]]
"""diff-match-patch operations: (-1 deleted | 0 kept | 1 inserted, text)."""


# --- the change model ---------------------------------------------------------------------------

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
    ops: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class ListChange:
    """A changed list of names (对应上级部门): each name kept, removed or added, in order."""

    old: tuple[str, ...]
    new: tuple[str, ...]
    ops: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class EntryChange:
    """One entry of a duty cell aligned with its counterpart: op is same|added|removed|modified."""

    op: str
    old: Entry | None
    new: Entry | None
    old_label: str = ""
    new_label: str = ""
    ops: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class BlockChange:
    """One heading block of a duty cell aligned with its counterpart, with its entries aligned."""

    op: str
    old_heading: str | None
    new_heading: str | None
    heading_ops: tuple[tuple[int, str], ...]
    entries: tuple[EntryChange, ...]

    @property
    def changed(self) -> bool:
        return self.op != "same" or any(e.op != "same" for e in self.entries)


@dataclass(frozen=True)
class DutiesChange:
    """A duty cell compared block by block."""

    blocks: tuple[BlockChange, ...]


FieldChange = TextChange | ListChange | DutiesChange


@dataclass(frozen=True)
class Change:
    """One reported change of an item."""

    kind: str  # added | removed | modified | moved
    old: Place | None
    new: Place | None
    old_item: Item | None
    new_item: Item | None
    fields: dict[str, FieldChange]
    match: str = ""  # id | exact | name | similar, for matched items

    @property
    def item(self) -> Item:
        return self.new_item or self.old_item

    @property
    def list(self) -> str:
        return (self.new or self.old).list


@dataclass(frozen=True)
class Row:
    """A row of a list as a reader of the new edition with changes marked sees it.

    state is same | added | removed | modified | moved-in | moved-out; a moved item appears twice:
    removed (moved-out) at its old place and inserted (moved-in) at its new place.
    """

    state: str
    old: Place | None
    new: Place | None
    old_item: Item | None
    new_item: Item | None
    change: Change | None


@dataclass(frozen=True)
class ParagraphChange:
    """One paragraph of the explanation aligned with its counterpart."""

    op: str
    section: str
    old: str | None
    new: str | None
    ops: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class SectionChange:
    op: str
    old_heading: str | None
    new_heading: str | None
    heading_ops: tuple[tuple[int, str], ...]
    paragraphs: tuple[ParagraphChange, ...]

    @property
    def changed(self) -> bool:
        return self.op != "same" or any(p.op != "same" for p in self.paragraphs)


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
    renumbered: Counter = field(default_factory=Counter)
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.changes or self.document or self.explanation_title
                    or any(s.changed for s in self.sections))

    def explanation_changes(self) -> Iterator[ParagraphChange]:
        for section in self.sections:
            for paragraph in section.paragraphs:
                if paragraph.op != "same":
                    yield paragraph

    def summary(self) -> dict[str, Any]:
        """Return counts per kind, per list and per category, and the renumbering count."""
        kinds = Counter(c.kind for c in self.changes)
        lists: dict[str, Any] = {}
        for key in LIST_KEYS:
            mine = [c for c in self.changes if c.list == key]
            categories: dict[str, Counter] = {}
            for c in mine:
                categories.setdefault(c.item.category, Counter())[c.kind] += 1
            lists[key] = {
                "title": LIST_TITLES[key],
                "items": {"old": len(self.old.list(key).items), "new": len(self.new.list(key).items)},
                **{kind: sum(1 for c in mine if c.kind == kind) for kind in KIND_TITLES},
                "moved_out": sum(1 for c in self.changes if c.kind == "moved" and c.old.list == key != c.new.list),
                "renumbered": self.renumbered[key],
                "categories": {name: {k: n for k, n in counts.items()} for name, counts in categories.items()},
            }
        return {
            "old": {"source": self.old_label, "title": self.old.title, "revision": self.old.revision.date,
                    "label": self.old.revision.label},
            "new": {"source": self.new_label, "title": self.new.title, "revision": self.new.revision.date,
                    "label": self.new.revision.label},
            "changed": self.changed,
            **{kind: kinds[kind] for kind in KIND_TITLES},
            "renumbered": sum(self.renumbered.values()),
            "unchanged": self.unchanged,
            "explanation": sum(1 for _ in self.explanation_changes()) + (1 if self.explanation_title else 0)
                           + sum(1 for s in self.sections if s.op == "modified"),
            "lists": lists,
        }


# --- text comparison ----------------------------------------------------------------------------

_dmp = diff_match_patch()
_dmp.Diff_Timeout = 2.0


def text_ops(old: str, new: str) -> tuple[tuple[int, str], ...]:
    """Return the character-level diff of two texts after diff-match-patch's semantic clean-up."""
    ops = _dmp.diff_main(old, new)
    _dmp.diff_cleanupSemantic(ops)
    return tuple((op, text) for op, text in ops)


def normalise(text: str) -> str:
    """Return the text as matching sees it: NFKC, no whitespace."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def similarity(a: str, b: str) -> float:
    return fuzz.ratio(normalise(a), normalise(b))


def align(old: list[str], new: list[str], threshold: float = ENTRY_THRESHOLD) -> list[tuple[int | None, int | None]]:
    """Align two sequences of texts in order: equal texts pair, reworded ones pair when similar enough."""
    pairs: list[tuple[int | None, int | None]] = []
    matcher = SequenceMatcher(None, [normalise(t) for t in old], [normalise(t) for t in new], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs.extend(zip(range(i1, i2), range(j1, j2)))
            continue
        j = j1
        for i in range(i1, i2):
            best, best_score = None, threshold
            for k in range(j, j2):
                score = similarity(old[i], new[k])
                if score >= best_score and (best is None or score > best_score):
                    best, best_score = k, score
            if best is None:
                pairs.append((i, None))
                continue
            pairs.extend((None, k) for k in range(j, best))
            pairs.append((i, best))
            j = best + 1
        pairs.extend((None, k) for k in range(j, j2))
    return pairs


def compare_text(old: str | None, new: str | None) -> TextChange | None:
    if (old or None) == (new or None):
        return None
    return TextChange(old, new, text_ops(old or "", new or ""))


def compare_names(old: tuple[str, ...], new: tuple[str, ...]) -> ListChange | None:
    if tuple(old) == tuple(new):
        return None
    ops: list[tuple[int, str]] = []
    matcher = SequenceMatcher(None, list(old), list(new), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            ops.extend((0, name) for name in old[i1:i2])
        else:
            ops.extend((-1, name) for name in old[i1:i2])
            ops.extend((1, name) for name in new[j1:j2])
    return ListChange(tuple(old), tuple(new), tuple(ops))


def compare_duties(old: Duties | None, new: Duties | None) -> DutiesChange | None:
    """Compare two duty cells block by block (blocks paired by heading), entries aligned inside each."""
    old, new = old or Duties(), new or Duties()
    if old.entries == new.entries:
        return None
    old_blocks, new_blocks = old.blocks(), new.blocks()
    blocks = []
    for i, j in align([b.heading or "" for b in old_blocks], [b.heading or "" for b in new_blocks]):
        ob = old_blocks[i] if i is not None else None
        nb = new_blocks[j] if j is not None else None
        old_entries = list(ob.numbered()) if ob else []
        new_entries = list(nb.numbered()) if nb else []
        entries = []
        for a, b in align([e.text for _, e in old_entries], [e.text for _, e in new_entries]):
            (ol, oe) = old_entries[a] if a is not None else ("", None)
            (nl, ne) = new_entries[b] if b is not None else ("", None)
            if oe is None:
                entries.append(EntryChange("added", None, ne, "", nl, ((1, ne.text),)))
            elif ne is None:
                entries.append(EntryChange("removed", oe, None, ol, "", ((-1, oe.text),)))
            elif oe == ne:
                entries.append(EntryChange("same", oe, ne, ol, nl, ((0, ne.text),)))
            else:
                entries.append(EntryChange("modified", oe, ne, ol, nl, text_ops(oe.text, ne.text)))
        if ob is None:
            op = "added"
        elif nb is None:
            op = "removed"
        else:
            op = "same" if ob.heading == nb.heading else "modified"
        oh, nh = (ob.heading if ob else None), (nb.heading if nb else None)
        blocks.append(BlockChange(op, oh, nh, text_ops(oh or "", nh or "") if oh != nh else (), tuple(entries)))
    return DutiesChange(tuple(blocks))


def compare_fields(old: Item, new: Item) -> dict[str, FieldChange]:
    """Return the fields that differ between two items (of the same list or not)."""
    fields: dict[str, FieldChange] = {}
    for name in FIELDS:
        a, b = getattr(old, name, None), getattr(new, name, None)
        if name == "departments":
            change = compare_names(a or (), b or ())
        elif name.endswith("_duties"):
            change = compare_duties(a, b)
        else:
            change = compare_text(a, b)
        if change is not None:
            fields[name] = change
    return fields


# --- matching -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Slot:
    place: Place
    item: Item


def _slots(doc: Document) -> list[_Slot]:
    return [_Slot(Place(dl.key, item.no, i), item) for dl in doc.lists for i, item in enumerate(dl.items)]


def _body(item: Item) -> str:
    parts = [item.name, *getattr(item, "departments", ())]
    for name in ("department_duties", "town_duties"):
        duties = getattr(item, name, None)
        if duties is not None:
            parts.append(duties.text())
    parts.extend(getattr(item, name, None) or "" for name in ("department", "takeover", "note"))
    return normalise("".join(parts))


def match(old: list[_Slot], new: list[_Slot]) -> dict[int, tuple[int, str]]:
    """Return old index → (new index, how) for every pair of slots that are the same item."""
    pairs: dict[int, tuple[int, str]] = {}
    taken: set[int] = set()

    def pair(i: int, j: int, how: str) -> None:
        pairs[i] = (j, how)
        taken.add(j)

    new_ids: dict[str, int] = {}
    for j, slot in enumerate(new):
        if slot.item.id is not None:
            new_ids.setdefault(slot.item.id, j)
    for i, slot in enumerate(old):
        j = new_ids.get(slot.item.id) if slot.item.id is not None else None
        if j is not None and j not in taken:
            pair(i, j, "id")

    def eligible(i: int, j: int) -> bool:
        return old[i].item.id is None or new[j].item.id is None

    for how, key in (("exact", lambda s: (normalise(s.item.category), normalise(s.item.name))),
                     ("name", lambda s: normalise(s.item.name))):
        waiting: dict[Any, list[int]] = defaultdict(list)
        for i, slot in enumerate(old):
            if i not in pairs:
                waiting[key(slot)].append(i)
        for j, slot in enumerate(new):
            if j in taken:
                continue
            candidates = [i for i in waiting.get(key(slot), ()) if eligible(i, j)]
            if candidates:
                same_list = [i for i in candidates if old[i].place.list == slot.place.list]
                i = (same_list or candidates)[0]
                waiting[key(slot)].remove(i)
                pair(i, j, how)

    left_old = [i for i in range(len(old)) if i not in pairs]
    left_new = [j for j in range(len(new)) if j not in taken]
    for _, i, j in _similar_pairs(old, new, left_old, left_new):
        if i not in pairs and j not in taken and eligible(i, j):
            pair(i, j, "similar")
    return pairs


def _similar_pairs(old, new, left_old, left_new) -> list[tuple[float, int, int]]:
    """Return candidate (score, old, new) pairs above the thresholds, best first."""
    if not left_old or not left_new:
        return []
    old_names = [normalise(old[i].item.name) for i in left_old]
    new_names = [normalise(new[j].item.name) for j in left_new]
    old_bodies = [_body(old[i].item) for i in left_old]
    new_bodies = [_body(new[j].item) for j in left_new]
    if len(left_old) * len(left_new) <= DIRECT_PAIRS:
        candidates = {(b, a) for b in range(len(left_new))
                      for texts, choices, cutoff in ((new_names, old_names, NAME_THRESHOLD),
                                                     (new_bodies, old_bodies, BODY_THRESHOLD))
                      for _, _, a in process.extract(texts[b], choices, scorer=fuzz.ratio,
                                                     score_cutoff=cutoff, limit=None)}
    else:
        candidates = _indexed_candidates(old_names, new_names)
    found = []
    for b, a in candidates:
        name = fuzz.ratio(old_names[a], new_names[b])
        body = fuzz.ratio(old_bodies[a], new_bodies[b])
        score = max(name if name >= NAME_THRESHOLD else 0, body if body >= BODY_THRESHOLD else 0)
        if score:
            i, j = left_old[a], left_new[b]
            same_list = old[i].place.list == new[j].place.list
            found.append((score, same_list, -abs(old[i].place.index - new[j].place.index), i, j))
    found.sort(key=lambda t: (-t[0], not t[1], -t[2], t[3], t[4]))
    return [(score, i, j) for score, _, _, i, j in found]


def _bigrams(text: str) -> set[str]:
    return {text[k:k + 2] for k in range(max(len(text) - 1, 1))}


def _indexed_candidates(old_names: list[str], new_names: list[str]) -> Iterator[tuple[int, int]]:
    """Yield (new, old) candidate pairs: for each new name, the old names sharing most of its rarer bigrams."""
    index: dict[str, list[int]] = defaultdict(list)
    for a, name in enumerate(old_names):
        for gram in _bigrams(name):
            index[gram].append(a)
    for b, name in enumerate(new_names):
        shared: Counter = Counter()
        for gram in _bigrams(name):
            postings = index.get(gram, ())
            if len(postings) <= BIGRAM_STOP:
                shared.update(postings)
        for a, _ in shared.most_common(CANDIDATES):
            yield b, a


def _longest_increasing(values: list[int]) -> set[int]:
    """Return the positions (in values) of one longest strictly increasing subsequence."""
    tails: list[int] = []
    tail_at: list[int] = []
    previous = [-1] * len(values)
    for k, value in enumerate(values):
        p = bisect.bisect_left(tails, value)
        if p == len(tails):
            tails.append(value)
            tail_at.append(k)
        else:
            tails[p] = value
            tail_at[p] = k
        previous[k] = tail_at[p - 1] if p else -1
    keep: set[int] = set()
    k = tail_at[-1] if tail_at else -1
    while k != -1:
        keep.add(k)
        k = previous[k]
    return keep


# --- the comparison -----------------------------------------------------------------------------

def compare(old: Document, new: Document, old_label: str = "", new_label: str = "") -> Diff:
    """Compare two revisions and return the diff: item changes in reading order, rows, explanation."""
    old_slots, new_slots = _slots(old), _slots(new)
    pairs = match(old_slots, new_slots)
    moved_within: set[int] = set()
    for key in LIST_KEYS:
        within = sorted((i, j) for i, (j, _) in pairs.items()
                        if old_slots[i].place.list == key and new_slots[j].place.list == key)
        keep = _longest_increasing([j for _, j in within])
        moved_within.update(i for k, (i, _) in enumerate(within) if k not in keep)

    change_of_old: dict[int, Change] = {}
    change_of_new: dict[int, Change] = {}
    renumbered: Counter = Counter()
    unchanged = 0
    for i, slot in enumerate(old_slots):
        if i not in pairs:
            change_of_old[i] = Change("removed", slot.place, None, slot.item, None, {})
            continue
        j, how = pairs[i]
        target = new_slots[j]
        fields = compare_fields(slot.item, target.item)
        if slot.place.list != target.place.list or i in moved_within:
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

    rows = _rows(old_slots, new_slots, pairs, moved_within, change_of_old, change_of_new)
    changes: list[Change] = []
    seen: set[int] = set()
    for key in LIST_KEYS:
        for row in rows[key]:
            if row.change is not None and id(row.change) not in seen and row.state != "moved-out":
                seen.add(id(row.change))
                changes.append(row.change)
    document = {name: change for name in ("title", "township", "region")
                if (change := compare_text(getattr(old, name), getattr(new, name))) is not None}
    return Diff(old, new, old_label, new_label, changes, rows, document,
                compare_text(old.explanation.title, new.explanation.title),
                _compare_sections(old, new), renumbered, unchanged)


def _rows(old_slots, new_slots, pairs, moved_within, change_of_old, change_of_new) -> dict[str, list[Row]]:
    """Interleave each list's new items with the rows that leave it, at their old places."""
    rows: dict[str, list[tuple[tuple, Row]]] = {key: [] for key in LIST_KEYS}
    for j, slot in enumerate(new_slots):
        change = change_of_new.get(j)
        if change is None:
            rows[slot.place.list].append(((slot.place.index, 0, 0), Row("same", None, slot.place, None, slot.item, None)))
            continue
        state = {"added": "added", "modified": "modified", "moved": "moved-in"}[change.kind]
        rows[slot.place.list].append(((slot.place.index, 0, 0), Row(state, change.old, slot.place, change.old_item,
                                                                   slot.item, change)))
    for key in LIST_KEYS:
        anchor = -1
        seq = 0
        for i, slot in enumerate(old_slots):
            if slot.place.list != key:
                continue
            change = change_of_old.get(i)
            if change is not None and change.kind in ("removed", "moved"):
                seq += 1
                state = "removed" if change.kind == "removed" else "moved-out"
                rows[key].append(((anchor, 1, seq), Row(state, slot.place, change.new, slot.item, change.new_item, change)))
            elif i in pairs:
                anchor = new_slots[pairs[i][0]].place.index
    return {key: [row for _, row in sorted(entries, key=lambda e: e[0])] for key, entries in rows.items()}


def _compare_sections(old: Document, new: Document) -> list[SectionChange]:
    a, b = old.explanation.sections, new.explanation.sections
    sections = []
    for i, j in align([s.heading for s in a], [s.heading for s in b]):
        sa = a[i] if i is not None else None
        sb = b[j] if j is not None else None
        heading = (sb or sa).heading
        old_paragraphs = list(sa.paragraphs) if sa else []
        new_paragraphs = list(sb.paragraphs) if sb else []
        paragraphs = []
        for p, q in align(old_paragraphs, new_paragraphs):
            po = old_paragraphs[p] if p is not None else None
            pn = new_paragraphs[q] if q is not None else None
            if po is None:
                paragraphs.append(ParagraphChange("added", heading, None, pn, ((1, pn),)))
            elif pn is None:
                paragraphs.append(ParagraphChange("removed", heading, po, None, ((-1, po),)))
            elif po == pn:
                paragraphs.append(ParagraphChange("same", heading, po, pn, ((0, pn),)))
            else:
                paragraphs.append(ParagraphChange("modified", heading, po, pn, text_ops(po, pn)))
        op = "added" if sa is None else "removed" if sb is None else "same" if sa.heading == sb.heading else "modified"
        oh, nh = (sa.heading if sa else None), (sb.heading if sb else None)
        sections.append(SectionChange(op, oh, nh, text_ops(oh or "", nh or "") if oh != nh else (), tuple(paragraphs)))
    return sections
