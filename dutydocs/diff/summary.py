"""The diff's summary: counts per kind, per list and per category, renumbering and formatting-only differences.

``modified`` counts every item whose content changed, wherever it is now (a moved, reworded item
counts under ``moved`` and ``modified``); ``moved`` every item whose place changed.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from ..edition import LIST_TITLES
from ..model import LIST_KEYS
from .changes import KIND_TITLES, Diff


def summary(diff: Diff) -> dict[str, Any]:
    """Return the counts of the diff, as the JSON report's "summary"."""
    kinds = Counter(k for c in diff.changes for k in c.kinds)
    lists: dict[str, Any] = {}
    for key in LIST_KEYS:
        mine = [c for c in diff.changes if c.list == key]
        counts = Counter(k for c in mine for k in c.kinds)
        categories: dict[str, Counter] = {}
        for c in mine:
            categories.setdefault(c.item.category, Counter()).update(c.kinds)
        lists[key] = {
            "title": LIST_TITLES[key],
            "items": {"old": len(diff.old.list(key).items), "new": len(diff.new.list(key).items)},
            **{kind: counts[kind] for kind in KIND_TITLES},
            "moved_out": sum(
                1 for c in diff.changes if c.kind == "moved" and c.old and c.new and c.old.list == key != c.new.list
            ),
            "renumbered": diff.renumbered.get(key, 0),
            "categories": {
                name: {k: counts[k] for k in KIND_TITLES if counts[k]} for name, counts in categories.items()
            },
        }
    return {
        "old": {
            "source": diff.old_label,
            "title": diff.old.title,
            "revision": diff.old.revision.date,
            "label": diff.old.revision.label,
        },
        "new": {
            "source": diff.new_label,
            "title": diff.new.title,
            "revision": diff.new.revision.date,
            "label": diff.new.revision.label,
        },
        "changed": diff.changed,
        **{kind: kinds[kind] for kind in KIND_TITLES},
        "renumbered": sum(diff.renumbered.values()),
        "unchanged": diff.unchanged,
        "formatting": len(diff.formatting),
        "explanation": sum(1 for _ in diff.explanation_entries()),
        "lists": lists,
    }
