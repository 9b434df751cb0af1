"""Where cooperative rows split across pages, planned page by page from measured paragraph heights.

WeasyPrint cannot repeat a row's cells on the next page, so a row that does not fit in the rest of
a page is cut here into parts, each one table row that repeats 序号, 类别, 名称 and 部门 with （续）.
Each duty column is cut at the last of its own paragraph breaks that fits, so that both columns
fill the page and both continue; a column is empty in a part only when its text has ended. A part
keeps at least two lines on each side of a cut, and a heading stays with the paragraph after it;
a block continued from the previous part repeats its heading with （续）.

The heights come from a trial layout of the whole rows (``Heights``), in CSS px. Every part fits
its page by construction, so WeasyPrint never splits a row itself (WeasyPrint issue #2462: the
cells of a row it splits can land on different pages).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

DUTY_KEYS = ("department_duties", "town_duties")
EPSILON = 1.0  # px kept free at the foot of each page against rounding


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a duty column as laid out: its height, the margin above it, its line count."""

    height: float
    margin: float
    lines: int


@dataclass(frozen=True)
class Heights:
    """What the trial layout measured for one list, in CSS px."""

    first_page: float  # room for body rows on the list's first page (below its title and header)
    page: float  # room for body rows on a following page (below the repeated header)
    frame: float  # a row's height minus its tallest cell's content
    identity: tuple[tuple[float, float], ...]  # per item: identity cells' content height, whole / continued
    paragraphs: tuple[dict[str, tuple[Paragraph, ...]], ...]  # per item and duty column, flat
    continued_headings: tuple[dict[str, tuple[Paragraph, ...]], ...]  # per item and column: "heading（续）"


def flat(blocks) -> list[tuple[int, int | None]]:
    """Return a duty column's paragraphs in order as (block index, entry index or None for the heading)."""
    out: list[tuple[int, int | None]] = []
    for b, block in enumerate(blocks):
        if block.heading:
            out.append((b, None))
        out += [(b, e) for e in range(len(block.entries))]
    return out


def part_blocks(blocks, places, start: int, end: int):
    """Return the blocks of paragraphs start..end of a column; a block begun earlier is marked continued."""
    out = []
    for b, block in enumerate(blocks):
        chosen = [n for n in range(start, end) if places[n][0] == b]
        if not chosen:
            continue
        entries = tuple(block.entries[places[n][1]] for n in chosen if places[n][1] is not None)
        begun_earlier = chosen[0] > places.index((b, None if block.heading else 0))
        out.append(replace(block, entries=entries, continued=begun_earlier))
    return tuple(out)


class Column:
    """One duty column of one item: its paragraphs and how far it has been set."""

    def __init__(self, blocks, paragraphs: tuple[Paragraph, ...], continued: tuple[Paragraph, ...]):
        self.blocks, self.places, self.paragraphs = blocks, flat(blocks), paragraphs
        headed = [b for b, block in enumerate(blocks) if block.heading]
        self.continued = dict(zip(headed, continued, strict=False))  # continued: as many as the trial render laid out
        self.start = 0

    @property
    def done(self) -> bool:
        return self.start >= len(self.places)

    def height(self, end: int) -> float:
        """Return the height of paragraphs start..end set as one part (its first has no margin above)."""
        if end <= self.start:
            return 0.0
        total, first = 0.0, True
        block, entry = self.places[self.start]
        if entry is not None and self.start and block in self.continued:
            total, first = self.continued[block].height, False
        for n in range(self.start, end):
            p = self.paragraphs[n]
            total += p.height + (0 if first else p.margin)
            first = False
        return total

    def lines(self, start: int, end: int) -> int:
        return sum(p.lines for p in self.paragraphs[start:end])

    def cut(self, room: float) -> int:
        """Return the end of the longest part that fits the room and may end there; start if none."""
        end = self.start
        while end < len(self.places) and self.height(end + 1) <= room:
            end += 1
        while (
            end > self.start
            and end < len(self.places)
            and (
                self.places[end - 1][1] is None  # a heading never ends a part
                or self.lines(self.start, end) < 2
                or self.lines(end, len(self.places)) < 2
            )
        ):
            end -= 1
        return end


@dataclass(frozen=True)
class Plan:
    """The rows as cut, the page (from 0) each one is planned on, and how much of each page's room is used."""

    rows: list
    pages: list[int]
    used: list[float]


def plan(rows, heights: Heights) -> Plan:
    """Cut every row that does not fit the rest of its page into parts, page by page."""
    out, pages, used = [], [], [0.0]
    room = heights.first_page

    def place(row, height):
        nonlocal room
        out.append(row)
        pages.append(len(used) - 1)
        used[-1] += height
        room -= height

    def new_page():
        nonlocal room
        used.append(0.0)
        room = heights.page

    for n, row in enumerate(rows):
        cols = [
            Column(getattr(row, key), heights.paragraphs[n][key], heights.continued_headings[n][key])
            for key in DUTY_KEYS
        ]
        part = 0
        while True:
            identity = heights.identity[n][1 if part else 0]
            need = heights.frame + max([identity] + [c.height(len(c.places)) for c in cols])
            if need <= room - EPSILON:
                place(_part(row, part, cols, [len(c.places) for c in cols]), need)
                break
            ends = _cut(cols, room - EPSILON - heights.frame, identity)
            if ends is None and room == heights.page:  # not even a whole page holds a part
                if identity + heights.frame > room - EPSILON or all(c.start + 1 >= len(c.places) for c in cols):
                    place(_part(row, part, cols, [len(c.places) for c in cols]), need)  # WeasyPrint splits it
                    break
                ends = [c.start + (not c.done) for c in cols]  # one paragraph a column, and go on
            if ends is None:
                new_page()
                continue
            cut = _part(row, part, cols, ends)
            place(cut, heights.frame + max([identity] + [c.height(end) for c, end in zip(cols, ends, strict=True)]))
            for c, end in zip(cols, ends, strict=True):
                c.start = end
            part += 1
            new_page()
    return Plan(out, pages, used)


def _cut(cols: list[Column], room: float, identity: float) -> list[int] | None:
    """Return where each column ends in this part, or None if the part would leave a column behind."""
    if identity > room:
        return None
    ends = [c.cut(room) for c in cols]
    if any(end == c.start and not c.done for c, end in zip(cols, ends, strict=True)):
        return None
    return ends


def _part(row, part: int, cols: list[Column], ends: list[int]):
    blocks = [part_blocks(c.blocks, c.places, c.start, end) for c, end in zip(cols, ends, strict=True)]
    return replace(
        row,
        part=part,
        department_duties=blocks[0],
        town_duties=blocks[1],
        category_start=row.category_start and part == 0,
    )
