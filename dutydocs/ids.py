"""Stable item ids: how they look and how new items get one.

An id is the identity of an item across revisions; it never changes when the item is renumbered,
reworded or moved to another list. Ids look like ``ymg-0042``: a prefix naming the township and a
number. A new item gets the prefix of the document's existing ids and the next unused number.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .model import Document

_ID = re.compile(r"^(?P<prefix>.*?)(?P<number>\d+)$")


def next_ids(existing, prefix: str | None = None):
    """Yield fresh ids after the highest number already used with the prefix."""
    numbers = [
        (m.group("prefix"), int(m.group("number")), len(m.group("number"))) for m in map(_ID.match, existing) if m
    ]
    if prefix is None:
        prefix = max((p for p, _, _ in numbers), key=[p for p, _, _ in numbers].count, default="item-")
    width = max((w for p, _, w in numbers if p == prefix), default=4)
    n = max((k for p, k, _ in numbers if p == prefix), default=0)
    taken = set(existing)
    while True:
        n += 1
        candidate = f"{prefix}{n:0{width}d}"
        if candidate not in taken:
            yield candidate


def assign_ids(doc: Document, prefix: str | None = None) -> tuple[Document, int]:
    """Return the document with an id on every item, and how many ids were new."""
    existing = [item.id for _, item in doc.all_items() if item.id]
    fresh = next_ids(existing, prefix)
    count = 0
    for duty_list in doc.lists:
        items = []
        for item in duty_list.items:
            if item.id is None:
                item = replace(item, id=next(fresh))
                count += 1
            items.append(item)
        doc = doc.with_list(duty_list.key, items)
    return doc, count
