"""The three-way merge: each copy against the revision it was made from, its changes applied to BASE.

Items are matched by id. Fields are merged one by one; duty cells entry by entry, aligned with the
diff's alignment. A change lands when no other copy changed the same entry differently and the
office has not changed it since the copy was made; otherwise it is a conflict and BASE is kept.
Deleted rows are proposals; new rows go after the row above them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from ..copies import names_department
from ..diff import align
from ..edition import FIELD_LABELS, LIST_TITLES, SHEET_COLUMNS
from ..model import Document, Duties, Entry, Explanation, Item

if TYPE_CHECKING:
    from ..importers.xlsx import Returned

FIELDS = {key: tuple(c.key for c in columns if c.key != "no") for key, columns in SHEET_COLUMNS.items()}
"""The fields a returned copy may change, per list: its columns but 序号."""
FIELD_NAMES = {
    **FIELD_LABELS,  # the names the lists print over the fields, as the diff reports use them
    "explanation": "说明",
    "list": "所在清单",
    "item": "整项",
}
LIST_NAMES = LIST_TITLES
DELETED = "（删除）"


@dataclass
class Copy:
    """One returned copy: its file name, its department ("" for the full edition) and what was read."""

    name: str
    department: str
    returned: Returned | None  # None when the file could not be read
    refused: str = ""
    rows: tuple[str, ...] = ()
    warnings: list[str] = field(default_factory=list)
    whole: bool = False  # the full edition: every row was in it

    @property
    def who(self) -> str:
        return self.department or self.name


@dataclass(frozen=True)
class Applied:
    copy: str
    department: str
    item_id: str | None
    name: str
    list: str
    field: str
    action: str  # modify | insert | delete | add-item | delete-item
    old: str | None
    new: str | None


@dataclass(frozen=True)
class Proposal:
    copy: str
    department: str
    value: str | None


@dataclass(frozen=True)
class Conflict:
    item_id: str | None
    name: str
    list: str
    field: str
    base: str | None
    proposals: tuple[Proposal, ...]
    reason: str


@dataclass(frozen=True)
class Deletion:
    copy: str
    department: str
    item_id: str
    name: str
    list: str
    applied: bool


@dataclass
class MergeResult:
    doc: Document
    copies: list[Copy]
    applied: list[Applied]
    conflicts: list[Conflict]
    deletions: list[Deletion]
    notes: list[str]
    missing: list[str]

    @property
    def waiting(self) -> bool:
        """Whether anything waits for the office: conflicts, deletion proposals or refused copies."""
        return bool(self.conflicts or any(not d.applied for d in self.deletions) or any(c.refused for c in self.copies))


def _show(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, Duties):
        return value.text()
    if isinstance(value, tuple):
        return "\n".join(value)
    if isinstance(value, Entry):
        return value.text
    if isinstance(value, Explanation):
        return "\n".join(line for s in value.sections for line in (s.heading, *s.paragraphs))
    return str(value)


class _Merger:
    def __init__(self, base: Document, accept_deletions: bool):
        self.base = base
        self.accept = accept_deletions
        self.items = {item.id: (dl.key, item) for dl, item in base.all_items() if item.id}
        self.scalar: dict[tuple, list] = {}  # (id, field) -> [(copy, value, stale)]
        self.entry_ops: dict[tuple, list] = {}  # (id, field) -> [(copy, op)]
        self.new_rows: list[tuple] = []  # (copy, list key, the row above (a mark) or None, its own mark, item)
        self.deletions: list[Deletion] = []
        self.conflicts: list[Conflict] = []
        self.applied: list[Applied] = []
        self.notes: list[str] = []

    # --- collecting each copy's changes against its own revision --------------------------------

    def collect(self, copy: Copy) -> None:
        returned = copy.returned
        if returned is None:  # an unreadable copy brings no changes (merge() skips it already)
            return
        origin = returned.revision or self.base
        old_items = {item.id: (dl.key, item) for dl, item in origin.all_items() if item.id}
        seen = set()
        if returned.doc.explanation != origin.explanation:
            self._scalar(
                copy, ("说明", "explanation"), returned.doc.explanation, origin.explanation, self.base.explanation
            )
        for duty_list in returned.doc.lists:
            previous: tuple | None = None
            for index, item in enumerate(duty_list.items):
                if item.id is None or item.id not in old_items:
                    if item.id is not None:
                        copy.warnings.append(f"编号 {item.id} 不在副本所依据的修订版本中，按新事项处理")
                    mark = ("new", copy.name, duty_list.key, index)
                    self.new_rows.append((copy, duty_list.key, previous, mark, replace(item, id=None)))
                    previous = mark
                    continue
                seen.add(item.id)
                previous = ("id", item.id)
                old_key, old = old_items[item.id]
                if old_key != duty_list.key:
                    self.conflicts.append(
                        Conflict(
                            item.id,
                            item.name,
                            LIST_NAMES[old_key],
                            "list",
                            LIST_NAMES[old_key],
                            (Proposal(copy.name, copy.department, LIST_NAMES[duty_list.key]),),
                            "移到另一清单需由办公室决定",
                        )
                    )
                    continue
                current = self.items.get(item.id)
                for name in FIELDS[old_key]:
                    new_value, old_value = getattr(item, name), getattr(old, name)
                    if new_value == old_value:
                        continue
                    if current is None:
                        self._conflict(
                            item.id, old.name, old_key, name, None, [(copy, new_value)], "办公室在此后删除了该事项"
                        )
                        continue
                    base_value = getattr(current[1], name)
                    if isinstance(new_value, Duties):
                        self._entries(copy, (item.id, name), old_value, new_value, base_value)
                    else:
                        self._scalar(copy, (item.id, name), new_value, old_value, base_value)
        for old_key, old in old_items.values():
            if old.id in seen or not self._held(copy, old):
                continue
            if old.id in self.items:
                self.deletions.append(
                    Deletion(copy.name, copy.department, old.id, old.name, LIST_NAMES[old_key], self.accept)
                )

    def _held(self, copy: Copy, item: Item) -> bool:
        """Whether the item was a row of the copy when it was sent out."""
        if copy.whole:
            return True
        return bool(copy.department) and names_department(item, copy.department)

    def _scalar(self, copy, key, new_value, old_value, base_value) -> None:
        if new_value == base_value:  # the office already made the same change
            return
        stale = old_value != base_value and new_value != base_value
        self.scalar.setdefault(key, []).append((copy, new_value, stale))

    def _entries(self, copy, key, old: Duties, new: Duties, base: Duties) -> None:
        """Turn a copy's edit of a duty cell into operations on BASE's entries."""
        old_e, new_e, base_e = list(old.entries), list(new.entries), list(base.entries)
        to_base = (
            {i: i for i in range(len(old_e))}
            if old_e == base_e
            else {
                i: k
                for i, k in align([e.text for e in old_e], [e.text for e in base_e])
                if i is not None and k is not None
            }
        )
        anchor = -1
        for i, j in _replacements(align([e.text for e in old_e], [e.text for e in new_e])):
            if i is not None:
                anchor = i
                if j is not None and old_e[i] == new_e[j]:
                    continue
                value = new_e[j] if j is not None else None
                k = to_base.get(i)
                if k is not None and value == base_e[k]:
                    continue  # the office already made the same change
                if k is None or base_e[k] != old_e[i]:
                    why = "办公室在此后删除了这一条" if k is None else "办公室在此后也改了这一条"
                    kept = base_e[k] if k is not None else None
                    self.entry_ops.setdefault(key, []).append((copy, ("stale", i, kept, value, why)))
                else:
                    self.entry_ops.setdefault(key, []).append((copy, ("set", k, value)))
            else:
                k = max((to_base[x] for x in range(anchor + 1) if x in to_base), default=-1)
                self.entry_ops.setdefault(key, []).append((copy, ("insert", k, new_e[j])))

    # --- deciding and applying -------------------------------------------------------------------

    def _conflict(self, item_id, name, list_key, field_name, base_value, proposals, reason) -> None:
        self.conflicts.append(
            Conflict(
                item_id,
                name,
                LIST_NAMES.get(list_key, list_key),
                field_name,
                _show(base_value),
                tuple(Proposal(c.name, c.department, _show(v) if v is not None else DELETED) for c, v in proposals),
                reason,
            )
        )

    def _where(self, item_id):
        if item_id == "说明":
            return "说明", "说明"
        key, item = self.items[item_id]
        return key, item.name

    def decide(self) -> dict:
        """Return {(id, field): new value} for every change that lands."""
        values = {}
        for key, proposals in self.scalar.items():
            item_id, name = key
            list_key, item_name = self._where(item_id)
            base_value = self.base.explanation if item_id == "说明" else getattr(self.items[item_id][1], name)
            if any(stale for _, _, stale in proposals):
                reason = "办公室在副本发出后也改了这一栏"
            elif len({_show(v) for _, v, _ in proposals}) > 1:
                reason = "几份副本改得不同"
            else:
                reason = ""
            if reason:
                changes = [(c, v) for c, v, _ in proposals]
                self._conflict(item_id, item_name, list_key, name, base_value, changes, reason)
            else:
                values[key] = proposals[0][1]
                for copy, value, _ in proposals:
                    self.applied.append(
                        Applied(
                            copy.name,
                            copy.department,
                            None if item_id == "说明" else item_id,
                            item_name,
                            LIST_NAMES.get(list_key, list_key),
                            name,
                            "modify",
                            _show(base_value),
                            _show(value),
                        )
                    )
        for key, ops in self.entry_ops.items():
            item_id, name = key
            list_key, item_name = self._where(item_id)
            base_entries = list(getattr(self.items[item_id][1], name).entries)
            values[key] = self._apply_entries(item_id, item_name, list_key, name, base_entries, ops)
        return values

    def _apply_entries(self, item_id, item_name, list_key, name, base_entries, ops) -> Duties:
        sets: dict[int, list] = {}
        inserts: dict[int, list] = {}
        for copy, op in ops:
            if op[0] == "stale":
                _, _, old_entry, value, why = op
                self._conflict(item_id, item_name, list_key, name, old_entry, [(copy, value)], why)
            elif op[0] == "set":
                sets.setdefault(op[1], []).append((copy, op[2]))
            else:
                inserts.setdefault(op[1], []).append((copy, op[2]))
        label = LIST_NAMES[list_key]
        result: list[Entry] = []

        def put_inserts(k: int) -> None:
            landed: list[Entry] = []
            for copy, entry in inserts.get(k, []):
                if entry in landed:
                    continue
                landed.append(entry)
                result.append(entry)
                self.applied.append(
                    Applied(copy.name, copy.department, item_id, item_name, label, name, "insert", None, entry.text)
                )
            if len({c.name for c, _ in inserts.get(k, [])}) > 1:
                self.notes.append(
                    f"{label}“{item_name}”的{FIELD_NAMES[name]}：几份副本在同一位置插入了内容，"
                    f"按副本给出的顺序排列（{'、'.join(dict.fromkeys(c.who for c, _ in inserts[k]))}）"
                )

        put_inserts(-1)
        for k, entry in enumerate(base_entries):
            proposals = sets.get(k)
            if not proposals:
                result.append(entry)
            elif len({v for _, v in proposals}) > 1:
                self._conflict(item_id, item_name, list_key, name, entry, proposals, "几份副本把同一条改得不同")
                result.append(entry)
            else:
                value = proposals[0][1]
                if value is not None:
                    result.append(value)
                for copy, _ in proposals:
                    self.applied.append(
                        Applied(
                            copy.name,
                            copy.department,
                            item_id,
                            item_name,
                            label,
                            name,
                            "modify" if value is not None else "delete",
                            entry.text,
                            _show(value),
                        )
                    )
            put_inserts(k)
        return Duties(tuple(result))

    def build(self, values: dict) -> Document:
        deleted = {d.item_id for d in self.deletions if d.applied}
        for d in self.deletions:
            if d.applied:
                self.applied.append(
                    Applied(d.copy, d.department, d.item_id, d.name, d.list, "item", "delete-item", d.name, None)
                )
        lists = []
        for duty_list in self.base.lists:
            rows: list[tuple] = []
            for item in duty_list.items:
                if item.id in deleted:
                    continue
                changes = {name: values[(item.id, name)] for name in FIELDS[duty_list.key] if (item.id, name) in values}
                rows.append((("id", item.id), replace(item, **changes) if changes else item))
            self._place_new_rows(duty_list.key, rows)
            items = tuple(replace(item, no=no) for no, (_, item) in enumerate(rows, 1))
            lists.append(replace(duty_list, items=items))
        explanation = values.get(("说明", "explanation"), self.base.explanation)
        return replace(self.base, lists=tuple(lists), explanation=explanation)

    def _place_new_rows(self, key: str, rows: list[tuple]) -> None:
        """New rows go after the row above them; first in their category when there is none."""
        after: dict = {}  # anchor -> the last row placed after it, so copies keep their order
        anchors_by_copy: dict = {}
        for copy, list_key, anchor, mark, item in self.new_rows:
            if list_key != key:
                continue
            keys = [k for k, _ in rows]
            target = after.get(anchor, anchor)
            if target in keys:
                position = keys.index(target) + 1
            else:
                same = [n for n, (_, other) in enumerate(rows) if other.category == item.category]
                position = same[0] if same else len(rows)
                if anchor is not None:
                    self.notes.append(f"{LIST_NAMES[key]}新增事项“{item.name}”的上一行已不在新版本中，放在同类别之首")
            if anchor in anchors_by_copy and anchors_by_copy[anchor] != copy.name:
                self.notes.append(
                    f"{LIST_NAMES[key]}：几份副本在同一位置新增了事项，按副本给出的顺序排列"
                    f"（“{item.name}”来自{copy.who}）"
                )
            anchors_by_copy.setdefault(anchor, copy.name)
            rows.insert(position, (mark, item))
            after[anchor] = mark
            self.applied.append(
                Applied(
                    copy.name, copy.department, None, item.name, LIST_NAMES[key], "item", "add-item", None, item.name
                )
            )


def _replacements(pairs: list) -> list:
    """Pair an entry dropped right before one added: a point rewritten beyond recognition is replaced."""
    out: list = []
    for i, j in pairs:
        if i is None and out and out[-1][1] is None and out[-1][0] is not None:
            out[-1] = (out[-1][0], j)
        else:
            out.append((i, j))
    return out


def merge(base: Document, copies: list[Copy], accept_deletions: bool = False) -> MergeResult:
    """Merge the usable copies into base and return the new document with everything the report needs."""
    from ..copies import departments

    merger = _Merger(base, accept_deletions)
    for copy in copies:
        if copy.returned is not None and not copy.refused:
            merger.collect(copy)
    values = merger.decide()
    doc = merger.build(values)
    returned = {c.department for c in copies if c.department}
    missing = [d for d in departments(base) if d not in returned]
    return MergeResult(doc, copies, merger.applied, merger.conflicts, merger.deletions, merger.notes, missing)
