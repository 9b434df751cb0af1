"""Matching the items of two revisions: which old item is which new item, using all the evidence.

All three lists are matched at once, so an item that changes list is one move. In order:

1. by stable ``id`` where both revisions carry it;
2. between items that cannot be told apart by id (one of the two has none): exact (category + name),
   then exact name alone — among all the items of one key, the nearest pairs first (the same list
   before another, then the nearest relative place), so a new item of the same name in an earlier
   list does not take the old item that stayed in its own;
3. the items still unmatched, by similarity, assigned globally (one old item to at most one new
   item, best total score) with scipy's ``linear_sum_assignment``, one connected group of
   candidate pairs at a time.

Evidence for step 3, with ``name`` and ``body`` the rapidfuzz ``fuzz.ratio`` (0–100) of the
normalised names and of the normalised whole items (name, departments, duties, 承接部门/方式/备注):

* a pair may be matched when ``name >= NAME_THRESHOLD``, or ``body >= BODY_THRESHOLD``, or —
  a heavy rewrite in place — when both are in the same list and category, the new item stands
  where the old one stood (between the new places of the matched items around the old one), and
  ``body >= REWRITE_THRESHOLD`` or ``kept >= KEPT_THRESHOLD``, with ``kept`` the rapidfuzz
  ``fuzz.partial_ratio`` of the names: the shorter name found nearly whole in the longer, as when a
  short name is expanded to several times its length or a long one cut down to its first clause;
* its score is ``max(name, body)``, plus ``PLACE_BONUS`` when list, category and place agree as
  above, less the distance between the relative positions in their lists (0–1; 1 across lists)
  as a tie-break. So a heavily reworded item stays paired with its own item rather than with a
  new item elsewhere up to ``PLACE_BONUS`` more similar; an item moved elsewhere stays itself
  unless the new item at its old place is nearly as similar; of two old items merged into one,
  the more similar is the one modified and the other is removed; of an item split in two, the
  more similar part is the one modified and the other is added.

Without ids an exact name is taken as identity before any similarity (step 2): a removed item and an
unrelated new item that happens to carry the same name elsewhere are reported as one move.

Candidates: up to ``DIRECT_PAIRS`` unmatched pairs are all scored. Beyond that, each new item's
candidates are the ``CANDIDATES`` old items sharing most of its rarer character bigrams, over the
name and over the whole item alike, plus the pairs standing in the same place where that place holds
at most ``CANDIDATES`` new items; each candidate is scored exactly as on the direct path, so both
paths give the same pairs whenever the index finds them.
"""

from __future__ import annotations

import bisect
import heapq
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from ..model import Document, Item
from .align import normalise
from .changes import Place

NAME_THRESHOLD = 70
"""Least name similarity for two items to be the same item reworded, wherever they stand."""
BODY_THRESHOLD = 85
"""Least whole-item similarity for the same item when the names alone are further apart."""
REWRITE_THRESHOLD = 50
"""Least whole-item similarity for a heavy rewrite that kept its list, category and place."""
KEPT_THRESHOLD = 85
"""Least partial_ratio of the names (the shorter found in the longer, about one character in seven
differing at most) for a name expanded or cut down in place."""
PLACE_BONUS = 30
"""Score added when the new item stands where the old one stood: same list and category, between the same neighbours."""
DIRECT_PAIRS = 250_000
"""Up to this many unmatched pairs are all scored; beyond it candidates come from the bigram index."""
CANDIDATES = 20
"""Candidates per new item and per text (name, whole item) on the indexed path."""
BIGRAM_STOP = 200
"""A bigram in more unmatched items than this (e.g. 工作) says nothing about identity."""


@dataclass(frozen=True)
class Slot:
    """An item of one revision with its place."""

    place: Place
    item: Item


def slots(doc: Document) -> list[Slot]:
    """Return every item of the document with its place, list by list."""
    return [Slot(Place(dl.key, item.no, i), item) for dl in doc.lists for i, item in enumerate(dl.items)]


def body(item: Item) -> str:
    """Return the whole item's text as matching sees it."""
    parts = [item.name, *getattr(item, "departments", ())]
    for name in ("department_duties", "town_duties"):
        duties = getattr(item, name, None)
        if duties is not None:
            parts.append(duties.text())
    parts.extend(getattr(item, name, None) or "" for name in ("department", "takeover", "note"))
    return normalise("".join(parts))


def match(old: list[Slot], new: list[Slot], direct_pairs: int = DIRECT_PAIRS) -> dict[int, tuple[int, str]]:
    """Return old index → (new index, how) for every pair of slots that are the same item.

    how is id | exact | name | similar. direct_pairs: see DIRECT_PAIRS (tests lower it to force the index).
    """
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
        same_id = new_ids.get(slot.item.id) if slot.item.id is not None else None
        if same_id is not None and same_id not in taken:
            pair(i, same_id, "id")

    def eligible(i: int, j: int) -> bool:
        return old[i].item.id is None or new[j].item.id is None

    sizes_old, sizes_new = Counter(s.place.list for s in old), Counter(s.place.list for s in new)

    def distance(i: int, j: int) -> float:
        a, b = old[i].place, new[j].place
        if a.list != b.list:
            return 1.0
        return abs(a.index / sizes_old[a.list] - b.index / sizes_new[b.list])

    for how, key in (
        ("exact", lambda s: (normalise(s.item.category), normalise(s.item.name))),
        ("name", lambda s: normalise(s.item.name)),
    ):
        waiting: dict = defaultdict(list)
        for i, slot in enumerate(old):
            if i not in pairs:
                waiting[key(slot)].append(i)
        arriving: dict = defaultdict(list)
        for j, slot in enumerate(new):
            if j not in taken and key(slot) in waiting:
                arriving[key(slot)].append(j)
        for k, news in arriving.items():  # nearest pairs first over all items of the key, not new item by new item
            for _, i, j in sorted((distance(i, j), i, j) for i in waiting[k] for j in news if eligible(i, j)):
                if i not in pairs and j not in taken:
                    pair(i, j, how)

    left_old = [i for i in range(len(old)) if i not in pairs]
    left_new = [j for j in range(len(new)) if j not in taken]
    scored = _Scorer(old, new, left_old, left_new, pairs, distance)
    edges = scored.direct() if len(left_old) * len(left_new) <= direct_pairs else scored.indexed()
    for i, j in _assign([(score, i, j) for score, i, j in edges if eligible(i, j)]):
        pair(i, j, "similar")
    return pairs


class _Scorer:
    """The evidence about the unmatched items, and the score of a candidate pair."""

    def __init__(self, old, new, left_old, left_new, pairs, distance):
        self.old, self.new, self.left_old, self.left_new, self.distance = old, new, left_old, left_new, distance
        self.names_old = [normalise(old[i].item.name) for i in left_old]
        self.names_new = [normalise(new[j].item.name) for j in left_new]
        self.bodies_old = [body(old[i].item) for i in left_old]
        self.bodies_new = [body(new[j].item) for j in left_new]
        self.gaps = _gaps(old, new, pairs)

    def in_place(self, i: int, j: int) -> bool:
        """True when new item j stands where old item i stood: same list, between the same matched neighbours."""
        lo, hi = self.gaps[i]
        place = self.new[j].place
        return place.list == self.old[i].place.list and lo < place.index < hi

    def score(self, a: int, b: int, name: float, whole: float) -> float | None:
        """Return the score of the a-th unmatched old and b-th unmatched new item, None when they may not pair."""
        i, j = self.left_old[a], self.left_new[b]
        o, n = self.old[i], self.new[j]
        same_category = normalise(o.item.category) == normalise(n.item.category)
        in_place = same_category and self.in_place(i, j)
        if not (
            name >= NAME_THRESHOLD
            or whole >= BODY_THRESHOLD
            or (
                in_place
                and (
                    whole >= REWRITE_THRESHOLD
                    or fuzz.partial_ratio(self.names_old[a], self.names_new[b]) >= KEPT_THRESHOLD
                )
            )
        ):
            return None
        return max(name, whole) + PLACE_BONUS * in_place - self.distance(i, j)

    def direct(self) -> list[tuple[float, int, int]]:
        """Score every unmatched pair."""
        if not self.left_old or not self.left_new:
            return []
        import numpy as np  # here: numpy and scipy are needed only when items are left unmatched

        names = process.cdist(self.names_old, self.names_new, scorer=fuzz.ratio, dtype=np.float64)
        wholes = process.cdist(self.bodies_old, self.bodies_new, scorer=fuzz.ratio, dtype=np.float64)
        hopeful = {
            (int(a), int(b))
            for a, b in np.argwhere((names >= NAME_THRESHOLD) | (wholes >= min(BODY_THRESHOLD, REWRITE_THRESHOLD)))
        }
        hopeful.update(self.same_place())
        return self._edges((a, b, float(names[a, b]), float(wholes[a, b])) for a, b in sorted(hopeful))

    def indexed(self) -> list[tuple[float, int, int]]:
        """Score the candidates from the bigram index (name and whole item) and the pairs in a narrow same place."""
        candidates: set[tuple[int, int]] = set()
        for olds, news in ((self.names_old, self.names_new), (self.bodies_old, self.bodies_new)):
            candidates.update(_indexed_candidates(olds, news))
        candidates.update(self.same_place(CANDIDATES))
        return self._edges(
            (a, b, fuzz.ratio(self.names_old[a], self.names_new[b]), fuzz.ratio(self.bodies_old[a], self.bodies_new[b]))
            for a, b in sorted(candidates)
        )

    def same_place(self, most: int | None = None) -> set[tuple[int, int]]:
        """Return the unmatched pairs standing in the same place (see in_place), where that place holds at most
        ``most`` unmatched new items (any number when None)."""
        by_list: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for b, j in enumerate(self.left_new):
            by_list[self.new[j].place.list].append((self.new[j].place.index, b))
        found: set[tuple[int, int]] = set()
        for a, i in enumerate(self.left_old):
            lo, hi = self.gaps[i]
            row = by_list[self.old[i].place.list]
            first, last = bisect.bisect_right(row, (lo, 1 << 30)), bisect.bisect_left(row, (hi, -1))
            if most is None or last - first <= most:
                found.update((a, b) for _, b in row[first:last])
        return found

    def _edges(self, scored: Iterable[tuple[int, int, float, float]]) -> list[tuple[float, int, int]]:
        edges = []
        for a, b, name, whole in scored:
            score = self.score(a, b, name, whole)
            if score is not None:
                edges.append((score, self.left_old[a], self.left_new[b]))
        return edges


def _gaps(old: list[Slot], new: list[Slot], pairs: dict[int, tuple[int, str]]) -> dict[int, tuple[int, int]]:
    """Return, for every unmatched old item, the new positions (lo, hi) of the matched items around it in its list."""
    gaps: dict[int, tuple[int, int]] = {}
    by_list: dict[str, list[int]] = defaultdict(list)
    for i, slot in enumerate(old):
        by_list[slot.place.list].append(i)
    for key, members in by_list.items():
        anchors = [
            (k, new[pairs[i][0]].place.index)
            for k, i in enumerate(members)
            if i in pairs and new[pairs[i][0]].place.list == key
        ]
        positions = [k for k, _ in anchors]
        for k, i in enumerate(members):
            if i in pairs:
                continue
            p = bisect.bisect_left(positions, k)
            lo = anchors[p - 1][1] if p else -1
            hi = anchors[p][1] if p < len(anchors) else 1 << 30
            gaps[i] = (lo, hi)
    return gaps


def _assign(edges: list[tuple[float, int, int]]) -> list[tuple[int, int]]:
    """Return the pairs of best total score, one old to at most one new, over each connected group of edges."""
    parent: dict = {}

    def root(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for _, i, j in edges:
        parent[root(("o", i))] = root(("n", j))
    groups: dict = defaultdict(list)
    for edge in edges:
        groups[root(("o", edge[1]))].append(edge)
    chosen = []
    if any(len(group) > 1 for group in groups.values()):
        import numpy as np  # here: numpy and scipy are needed only when items are left unmatched
        from scipy.optimize import linear_sum_assignment
    for group in groups.values():
        olds = sorted({i for _, i, _ in group})
        news = sorted({j for _, _, j in group})
        if len(group) == 1:
            chosen.append(group[0][1:])
            continue
        weights = np.zeros((len(olds), len(news)))
        allowed = np.zeros((len(olds), len(news)), dtype=bool)
        row, col = {i: k for k, i in enumerate(olds)}, {j: k for k, j in enumerate(news)}
        for score, i, j in group:
            weights[row[i], col[j]] = score
            allowed[row[i], col[j]] = True
        for r, c in zip(*linear_sum_assignment(weights, maximize=True), strict=True):
            if allowed[r, c]:
                chosen.append((olds[r], news[c]))
    return sorted(chosen)


def _bigrams(text: str) -> set[str]:
    return {text[k : k + 2] for k in range(max(len(text) - 1, 1))}


def _indexed_candidates(olds: list[str], news: list[str]) -> set[tuple[int, int]]:
    """Return (old, new) candidate pairs: for each new text, the old texts sharing most of its rarer bigrams."""
    index: dict[str, list[int]] = defaultdict(list)
    for a, text in enumerate(olds):
        for gram in _bigrams(text):
            index[gram].append(a)
    found: set[tuple[int, int]] = set()
    for b, text in enumerate(news):
        shared: Counter = Counter()
        for gram in sorted(_bigrams(text)):
            postings = index.get(gram, ())
            if len(postings) <= BIGRAM_STOP:
                shared.update(postings)
        best = heapq.nsmallest(CANDIDATES, shared.items(), key=lambda kv: (-kv[1], kv[0]))
        found.update((a, b) for a, _ in best)
    return found
