"""Text measurement: how many lines a text takes in a column and how tall a row is, estimated as the stylesheet sets it.

Widths are dutydocs.edition.text_em's (CJK characters 1 em, Latin ones half), lines break greedily with CJK punctuation kept
off line starts, and a row is as tall as its tallest cell. On the bundled source the estimate
matches WeasyPrint's row heights to within a few per cent for the median row. The PDF's page
breaks do not rest on it (trial.py measures the real layout); column widths and the diff reports do.
Department names are laid out by dutydocs.wordbreak: between words, never one character alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .. import wordbreak
from ..edition import char_em, text_em
from .rows import Row, cell_paragraphs

if TYPE_CHECKING:
    from .layout import Column, Layout

SMALLER = 0.857  # 五号 10.5 pt → 小五 9 pt, 小四 12 pt → 五号 10.5 pt … one size down


NO_LINE_START = set("，。、；：？！）》」』”’〉】〕…—%,.;:?!)]}")
NO_LINE_END = set("（《「『“‘〈【〔([{")


def line_count(text: str, width_em: float, indent_em: float = 0.0) -> int:
    """Estimate the lines a paragraph takes in a column: greedy breaks, CJK punctuation kept off line starts."""
    if width_em <= 1:
        return max(1, len(text))
    lines, used, run = 1, indent_em, 0.0  # run: width of the unbreakable Latin run being set
    prev = ""
    for char in text:
        w = char_em(char)
        latin = char.isascii() and (char.isalnum() or char in ".-/%")
        if used + w > width_em + 1e-6:
            carried = w
            if char in NO_LINE_START or prev in NO_LINE_END:
                carried += char_em(prev) if prev else 0
            if latin and prev.isascii() and prev.isalnum():
                carried += run
            lines += 1
            used = min(carried, width_em)
        else:
            used += w
        run = run + w if latin else 0.0
        prev = char
    return lines


CONNECTORS = set("和及与、")


def category_words(text: str) -> list[str]:
    """Split a category into words: pairs of characters, a connector (和、及) alone."""
    pieces, current = [], ""
    for char in text:
        if char in CONNECTORS:
            pieces += [current, char] if current else [char]
            current = ""
        else:
            current += char
            if len(current) == 2:
                pieces.append(current)
                current = ""
    return pieces + ([current] if current else [])


def pieces(text: str, width_em: float, words=category_words) -> tuple[tuple[str, bool], ...]:
    """Return (piece, keep on one line) for a short name in a narrow column, so lines break between words.

    A name that fits is one breakable piece; a word wider than the column may break anywhere.
    """
    if text_em(text) <= width_em:
        return ((text, False),)
    return tuple((word, text_em(word) <= width_em) for word in words(text))


def pieces_line_count(parts: tuple[tuple[str, bool], ...], width_em: float) -> int:
    """Estimate the lines of a name set as pieces: kept pieces move whole to the next line."""
    lines, used = 1, 0.0
    for word, keep in parts:
        if keep:
            if used and used + text_em(word) > width_em + 1e-6:
                lines, used = lines + 1, 0.0
            used += text_em(word)
            continue
        for char in word:
            if used + char_em(char) > width_em + 1e-6:
                lines, used = lines + 1, 0.0
            used += char_em(char)
    return lines


@dataclass(frozen=True)
class NameLines:
    """A department name laid out in a narrow column: its lines, and whether it is set a size smaller."""

    lines: tuple[str, ...]
    smaller: bool = False


def department_lines(name: str, width_em: float, places: tuple[str, ...] = ()) -> NameLines:
    """Lay a department name between words (dutydocs.wordbreak); a size smaller if it fits no other way.

    A name no layout fits even a size smaller keeps its words whole, one a line.
    """
    laid = wordbreak.lines(name, width_em, places)
    if laid is not None:
        return NameLines(tuple(laid))
    laid = wordbreak.lines(name, width_em / SMALLER, places)
    return NameLines(tuple(laid or wordbreak.words(name, places)), True)


def department_width(names, low: float, high: float, places: tuple[str, ...] = ()) -> float:
    """Return the narrowest width (em, in half steps from low to high) at which every name lays out between words."""
    width = low
    while width < high and any(wordbreak.lines(n, width, places) is None for n in names):
        width += 0.5
    return width


class Estimator:
    """Estimate row heights (mm) of one list the way the stylesheet sets them."""

    def __init__(self, layout: Layout, key: str, cols: list[Column], places: tuple[str, ...] = ()):
        self.layout, self.cols, self.places = layout, cols, places
        self.line_mm = layout.line_mm(key)
        self.gap = layout.data["table"]["heading_gap"]
        self.frame = 2 * layout.data["table"]["padding"][0] + 0.3

    def cell(self, paragraphs, width_em: float, key: str = "") -> float:
        """Return the height of a cell's text; the first heading has no space above (see page_css)."""
        lines = sum(self.lines(key, text, width_em, indent) + gap for text, indent, gap in paragraphs)
        return (lines - (paragraphs[0][2] if paragraphs else 0)) * self.line_mm

    def lines(self, key: str, text: str, width_em: float, indent: float) -> float:
        """Return the lines of one paragraph; categories and departments break between words."""
        if key == "category":
            return pieces_line_count(pieces(text, width_em), width_em)
        if key == "departments":
            laid = department_lines(text, width_em, self.places)
            return len(laid.lines) * (SMALLER if laid.smaller else 1)
        return line_count(text, width_em, indent)

    def row(self, row: Row) -> float:
        return self.frame + max(
            self.cell(cell_paragraphs(row, c.key, self.gap), c.content_em, c.key) for c in self.cols
        )

    def header(self) -> float:
        return self.frame + max(line_count(c.label, c.content_em) for c in self.cols) * self.line_mm
