"""Moves and rows: which matched items changed place, and each list as a reader of the marked edition sees it.

A matched item is *moved* when it changed list, or when it changed place within its list: the items
matched within one list, taken in old order, keep their places when their new positions form a
longest increasing subsequence; every other item is moved. So an insertion or a deletion only
renumbers what follows it, an item taken out and put back elsewhere is the one moved item, and of a
block moved past another the shorter side is reported moved; the new order follows from the report.
"""

from __future__ import annotations

import bisect

from ..model import LIST_KEYS
from .changes import Change, Row


def longest_increasing(values: list[int]) -> set[int]:
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


def moved_within(old_slots, new_slots, pairs) -> set[int]:
    """Return the old indexes of the items matched within their list whose order against the others changed."""
    moved: set[int] = set()
    for key in LIST_KEYS:
        within = sorted(
            (i, j) for i, (j, _) in pairs.items() if old_slots[i].place.list == key and new_slots[j].place.list == key
        )
        keep = longest_increasing([j for _, j in within])
        moved.update(i for k, (i, _) in enumerate(within) if k not in keep)
    return moved


def rows(
    old_slots,
    new_slots,
    pairs,
    change_of_old: dict[int, Change],
    change_of_new: dict[int, Change],
    formatting_of_new: dict[int, tuple],
) -> dict[str, list[Row]]:
    """Interleave each list's new items with the rows that leave it, at their old places."""
    found: dict[str, list[tuple[tuple, Row]]] = {key: [] for key in LIST_KEYS}
    for j, slot in enumerate(new_slots):
        change = change_of_new.get(j)
        formatting = formatting_of_new.get(j, ())
        if change is None:
            found[slot.place.list].append(
                ((slot.place.index, 0, 0), Row("same", None, slot.place, None, slot.item, None, formatting))
            )
            continue
        state = {"added": "added", "modified": "modified", "moved": "moved-in"}[change.kind]
        found[slot.place.list].append(
            (
                (slot.place.index, 0, 0),
                Row(state, change.old, slot.place, change.old_item, slot.item, change, formatting),
            )
        )
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
                found[key].append(
                    ((anchor, 1, seq), Row(state, slot.place, change.new, slot.item, change.new_item, change))
                )
            elif i in pairs:
                anchor = new_slots[pairs[i][0]].place.index
    return {key: [row for _, row in sorted(entries, key=lambda e: e[0])] for key, entries in found.items()}
