"""Where cooperative rows split across pages, planned page by page from measured paragraph heights.

WeasyPrint cannot repeat a row's cells on the next page, so a row that does not fit in the rest of
a page is cut here into parts, each one table row that repeats 序号, 类别, 名称 and 部门 with （续）.
Each duty column is cut at the last of its own breaks that fits, between paragraphs or between two
lines of one, so that both columns fill the page and both continue; a column is empty in a part
only when its text has ended. A part keeps at least two lines on each side of a cut (and of a cut
inside a paragraph), and a heading stays with the paragraph after it; a block continued from the
previous part repeats its heading with （续）. A first part at a page foot whose departments do not
all fit shows the first of them; its continuation repeats them all.

The heights come from a trial layout of the whole rows (``Heights``), in CSS px. Every part fits
its page by construction, so WeasyPrint never splits a row itself (WeasyPrint issue #2462: the
cells of a row it splits can land on different pages).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, replace

DUTY_KEYS = ("department_duties", "town_duties")
EPSILON = 1.0  # px kept free at the foot of each page against rounding


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a duty column as laid out: its height, the margin above it, its lines.

    tops and texts (each line's top below the paragraph's top, and its text) let a part end inside
    the paragraph at a line boundary; without them it is cut only before or after it.
    """

    height: float
    margin: float
    lines: int
    tops: tuple[float, ...] = ()
    texts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Heights:
    """What the trial layout measured for one list, in CSS px."""

    first_page: float  # room for body rows on the list's first page (below its title and header)
    page: float  # room for body rows on a following page (below the repeated header)
    frame: float  # a row's height minus its tallest cell's content
    identity: tuple[tuple[float, float], ...]  # per item: identity cells' content height, whole / continued
    paragraphs: tuple[dict[str, tuple[Paragraph, ...]], ...]  # per item and duty column, flat
    continued_headings: tuple[dict[str, tuple[Paragraph, ...]], ...]  # per item and column: "heading（续）"
    openings: tuple[tuple[float, ...], ...] = ()  # per item: identity showing the first 1, 2 … departments


def flat(blocks) -> list[tuple[int, int | None]]:
    """Return a duty column's paragraphs in order as (block index, entry index or None for the heading)."""
    out: list[tuple[int, int | None]] = []
    for b, block in enumerate(blocks):
        if block.heading:
            out.append((b, None))
        out += [(b, e) for e in range(len(block.entries))]
    return out


def line_starts(text: str, lines: tuple[str, ...]) -> tuple[int, ...] | None:
    """Return where each laid-out line starts in the paragraph's text, or None if the lines are not that text.

    Line ends may drop spaces, so the lines are matched to the text by their other characters.
    """
    starts, at = [], 0
    for line in lines:
        while at < len(text) and text[at].isspace():
            at += 1
        starts.append(at)
        for char in line:
            if char.isspace():
                continue
            while at < len(text) and text[at].isspace():
                at += 1
            if at >= len(text) or text[at] != char:
                return None
            at += 1
    rest_is_space = not text[at:].strip()
    return tuple(starts) if rest_is_space and len(starts) > 1 else None


class Column:
    """One duty column of one item: its paragraphs, and how far it has been set, counted in lines.

    A position is a line index over the whole column; a part runs from start to an end that falls
    between paragraphs or, where the trial gave each line's text, between two lines of a paragraph.
    """

    def __init__(self, blocks, paragraphs: tuple[Paragraph, ...], continued: tuple[Paragraph, ...]):
        self.blocks, self.places, self.paragraphs = blocks, flat(blocks), paragraphs
        headed = [b for b, block in enumerate(blocks) if block.heading]
        self.continued = dict(zip(headed, continued, strict=False))  # continued: as many as the trial render laid out
        self.firsts = [0]
        for p in paragraphs:
            self.firsts.append(self.firsts[-1] + p.lines)
        self.total = self.firsts[-1]
        self.starts = [self._starts(n) for n in range(len(paragraphs))]
        self.start = 0

    def _starts(self, n: int) -> tuple[int, ...] | None:
        """Return where paragraph n's lines start in its text, if it may be cut inside (an entry, measured)."""
        b, e = self.places[n]
        p = self.paragraphs[n]
        if e is None or len(p.tops) != p.lines or len(p.texts) != p.lines or p.lines < 4:
            return None
        _, label, text = self.blocks[b].entries[e]
        starts = line_starts(label + text, p.texts)
        return starts if starts and starts[2] > len(label) else None

    @property
    def done(self) -> bool:
        return self.start >= self.total

    def at(self, position: int) -> tuple[int, int]:
        """Return (paragraph, line within it) of a position; the end of the column is (paragraphs, 0)."""
        n = bisect_right(self.firsts, position) - 1
        return (n, position - self.firsts[n]) if n < len(self.paragraphs) else (n, 0)

    def height(self, end: int) -> float:
        """Return the height of the lines start..end set as one part (its first paragraph has no margin above)."""
        if end <= self.start:
            return 0.0
        (n0, l0), (n1, l1) = self.at(self.start), self.at(end)
        total, first = 0.0, True
        block, entry = self.places[n0]
        if entry is not None and self.start and block in self.continued:
            total, first = self.continued[block].height, False
        for n in range(n0, n1 + (l1 > 0)):
            p = self.paragraphs[n]
            cut_above = n == n0 and l0 > 0  # the rest of a paragraph cut inside: its lines below l0, no margin
            top = p.tops[l0] if cut_above else 0.0
            bottom = p.tops[l1] if n == n1 and l1 else p.height
            total += bottom - top + (0 if first or cut_above else p.margin)
            first = False
        return total

    def ends(self):
        """Yield the positions after start where a part may end, in order."""
        n0 = self.at(self.start)[0]
        for n in range(n0, len(self.paragraphs)):
            starts, first = self.starts[n], self.firsts[n]
            if starts:
                yield from (first + line for line in range(2, len(starts) - 1) if first + line > self.start)
            yield self.firsts[n + 1]

    def may_end(self, end: int) -> bool:
        """Whether a part may end here: two lines or more on each side, and never right after a heading."""
        if end >= self.total:
            return True
        n, line = self.at(end)
        return end - self.start >= 2 and self.total - end >= 2 and (line > 0 or self.places[n - 1][1] is not None)

    def cut(self, room: float) -> int:
        """Return the end of the longest part that fits the room and may end there; start if none."""
        best = self.start
        for end in self.ends():
            if self.height(end) > room:
                break
            if self.may_end(end):
                best = end
        return best

    def paragraph_end(self) -> int:
        """Return the end of the paragraph that start falls in."""
        return self.firsts[self.at(self.start)[0] + 1] if not self.done else self.start

    def part(self, end: int) -> tuple:
        """Return the blocks of lines start..end; a block begun earlier is marked continued.

        A paragraph cut inside keeps its kind and label in the part that holds its first line; its
        other lines go on as a plain paragraph ("rest", no indent) in the next part.
        """
        (n0, l0), (n1, l1) = self.at(self.start), self.at(end)
        out = []
        for b, block in enumerate(self.blocks):
            chosen = [n for n in range(n0, n1 + (l1 > 0)) if self.places[n][0] == b]
            if not chosen:
                continue
            entries = []
            for n in chosen:
                e = self.places[n][1]
                if e is None:
                    continue
                kind, label, text = block.entries[e]
                starts, whole = self.starts[n] or (), label + text
                low = starts[l0] if n == n0 and l0 else 0
                high = starts[l1] if n == n1 and l1 else len(whole)
                entries.append(("rest", "", whole[low:high]) if low else (kind, label, whole[len(label) : high]))
            begun_earlier = chosen[0] > self.places.index((b, None if block.heading else 0)) or (
                chosen[0] == n0 and l0 > 0
            )
            out.append(replace(block, entries=tuple(entries), continued=begun_earlier))
        return tuple(out)


@dataclass(frozen=True)
class Plan:
    """The rows as cut, the page (from 0) each one is planned on, and how much of each page's room is used."""

    rows: list
    pages: list[int]
    used: list[float]


def plan(rows, heights: Heights) -> Plan:
    """Cut every row that does not fit the rest of its page into parts, page by page."""
    out, pages, used = [], [], [0.0]
    for n, row in enumerate(rows):
        for part, page, height in _set_row(n, row, heights, len(used) - 1, used[-1]):
            used += [0.0] * (page + 1 - len(used))
            out.append(part)
            pages.append(page)
            used[page] += height
    return Plan(out, pages, used)


def _set_row(n: int, row, heights: Heights, page: int, used: float) -> list[tuple]:
    """Return the parts of row n begun at a page's used height, each as (row part, page, height)."""
    cols = [
        Column(getattr(row, key), heights.paragraphs[n][key], heights.continued_headings[n][key]) for key in DUTY_KEYS
    ]
    out: list[tuple] = []
    while True:
        part = len(out)
        room = (heights.page if page else heights.first_page) - used - EPSILON
        identity = heights.identity[n][1 if part else 0]
        need = heights.frame + max([identity] + [c.height(c.total) for c in cols])
        if need <= room:
            return [*out, (_part(row, part, cols, [c.total for c in cols]), page, need)]
        ends, shown = _cut(cols, room - heights.frame, identity), None
        if ends is None and not part:  # the first part may show the first departments; the next repeats all
            shown, opening = _opening(heights.openings[n] if heights.openings else (), room - heights.frame)
            ends = _cut(cols, room - heights.frame, opening) if shown else None
            identity, shown = (opening, shown) if ends else (identity, None)
        if ends is None and page and not used:  # not even a whole page holds a part
            if identity + heights.frame > room or all(c.paragraph_end() >= c.total for c in cols):
                return [*out, (_part(row, part, cols, [c.total for c in cols]), page, need)]  # WeasyPrint splits it
            ends = [c.paragraph_end() for c in cols]  # one paragraph a column, and go on
        if ends is not None:
            height = heights.frame + max([identity] + [c.height(end) for c, end in zip(cols, ends, strict=True)])
            out.append((_part(row, part, cols, ends, shown), page, height))
            for c, end in zip(cols, ends, strict=True):
                c.start = end
        page, used = page + 1, 0.0


def _cut(cols: list[Column], room: float, identity: float) -> list[int] | None:
    """Return where each column ends in this part, or None if the part would leave a column behind."""
    if identity > room:
        return None
    ends = [c.cut(room) for c in cols]
    if any(end == c.start and not c.done for c, end in zip(cols, ends, strict=True)):
        return None
    return ends


def _opening(openings: tuple[float, ...], room: float) -> tuple[int | None, float]:
    """Return how many departments (not all) the identity of a first part shows in the room, and its height."""
    fits = [k for k in range(1, len(openings)) if openings[k - 1] <= room]
    return (fits[-1], openings[fits[-1] - 1]) if fits else (None, 0.0)


def _part(row, part: int, cols: list[Column], ends: list[int], shown: int | None = None):
    blocks = [c.part(end) for c, end in zip(cols, ends, strict=True)]
    return replace(
        row,
        part=part,
        shown_departments=shown,
        department_duties=blocks[0],
        town_duties=blocks[1],
        category_start=row.category_start and part == 0,
    )
