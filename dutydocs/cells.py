"""Duty cells as text in a spreadsheet cell: what the Excel builder writes and the importer reads back.

The cell text is one entry per line, meant for people to read and edit:

    一、年度绩效考核
    1.审核乡镇年度绩效考核指标；
    2.下发年度绩效考核指标。

    【区人社局】
    负责乡镇推荐晋升事业单位九级职员人选的审批备案工作。

How a line is read (surrounding spaces ignored):

- A blank line separates blocks for the eye only; any number of them is ignored.
- ``【…】`` is a heading; the text inside is taken exactly. A heading that starts with a Chinese
  ordinal (``一、`` or ``（一）``) may also stand without brackets.
- A line starting with a number is a point: ``1.`` ``1．`` ``1、`` ``１.`` ``(1)`` ``（1）`` ``1）``
  ``①``. The number itself is dropped (points are numbered afresh in every block), so stale or
  missing numbers do not matter.
- Any other line is a paragraph.
- The marker ``'`` (an apostrophe, as Excel uses for "literally this text") at the start of a line,
  or right after a point's number, means "the rest of the line is text, exactly as written". The
  builder writes it only where the plain text would be read as something else: a paragraph that
  starts with ``1.`` or ``一、``, that is wrapped in 【】, that starts with ``'`` itself, or text with
  leading or trailing spaces. So every cell the builder writes reads back to the same entries.

Department cells hold one name per line, with the same ``'`` for a name that would otherwise lose
its surrounding spaces.

Separately from this format, the file itself escapes text that looks like ``_x000D_`` (OOXML's way
of writing a character); ``ooxml_escape`` and ``ooxml_unescape`` keep such text exact.
"""

from __future__ import annotations

import re

from .model import Duties, Entry

ESCAPE = "'"
CELL_LIMIT = 32767
"""Excel holds at most this many characters in one cell."""

_POINT = re.compile(r"^(?:[(（]\s*[0-9０-９]+\s*[)）]|[0-9０-９]+\s*[.．、)）]|[①-⑳])[ \t\u3000]*")
_ORDINAL_HEADING = re.compile(r"^(?:[一二三四五六七八九十百]+、|（[一二三四五六七八九十百]+）)\S")
_BRACKETED = re.compile(r"^【(.*\S.*)】$")


_OOXML_ESCAPE = re.compile(r"_x[0-9A-Fa-f]{4}_")


def ooxml_escape(text: str) -> str:
    """Protect text that looks like an OOXML escape (``_x000D_``), which Excel would turn into a character."""
    return _OOXML_ESCAPE.sub(lambda m: "_x005F" + m.group(0), text)


def ooxml_unescape(text: str) -> str:
    """Undo OOXML escapes as Excel writes them (``_x000D_`` for a carriage return); openpyxl leaves them."""
    return _OOXML_ESCAPE.sub(lambda m: chr(int(m.group(0)[2:6], 16)), text)


class CellFormatError(ValueError):
    """A line of a cell that cannot be read; the message says which line and why."""


def split_lines(text: str) -> list[str]:
    """Split cell text into lines, accepting the \\r\\n and \\r that Windows copies carry."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _literal(raw: str) -> str | None:
    """Return the text after a leading escape marker, exactly, or None without one."""
    stripped = raw.lstrip()
    if stripped.startswith(ESCAPE):
        return stripped[len(ESCAPE) :]
    return None


def read_line(raw: str) -> Entry | None:
    """Return the entry a line stands for, or None for a blank line."""
    line = raw.strip()
    if not line:
        return None
    literal = _literal(raw)
    if literal is not None:
        return Entry("paragraph", literal) if literal.strip() else None
    bracketed = _BRACKETED.match(line)
    if bracketed:
        return Entry("heading", bracketed.group(1))
    number = _POINT.match(line)
    if number:
        rest = raw.lstrip()[number.end() :]
        literal = _literal(rest) if rest.lstrip().startswith(ESCAPE) else None
        text = literal if literal is not None else rest.strip()
        if not text.strip():
            raise CellFormatError(f"“{line}”只有编号，没有内容")
        return Entry("point", text)
    if _ORDINAL_HEADING.match(line):
        return Entry("heading", line)
    return Entry("paragraph", line)


def _plain_ok(text: str) -> bool:
    """Whether text written as it is reads back as a paragraph with the same text."""
    try:
        return read_line(text) == Entry("paragraph", text)
    except CellFormatError:
        return False


def write_entry(label: str, entry: Entry) -> str:
    """Return the line for one entry; label is the point's number such as "1." or ""."""
    text = entry.text
    if entry.kind == "heading":
        try:
            plain = read_line(text) == Entry("heading", text)
        except CellFormatError:
            plain = False
        return text if plain else f"【{text}】"
    if entry.kind == "point":
        plain = text == text.strip() and not text.startswith(ESCAPE)
        return label + (text if plain else ESCAPE + text)
    return text if _plain_ok(text) else ESCAPE + text


def duties_to_text(duties: Duties) -> str:
    """Return the cell text of duties: headings on their own line, points numbered, blank lines between blocks."""
    lines: list[str] = []
    for block in duties.blocks():
        if lines:
            lines.append("")
        if block.heading is not None:
            lines.append(write_entry("", Entry("heading", block.heading)))
        for label, entry in block.numbered():
            lines.append(write_entry(label, entry))
    return "\n".join(lines)


def text_to_duties(text: str) -> Duties:
    """Return the duties a cell's text stands for; raise CellFormatError naming the line that cannot be read."""
    entries = []
    for number, raw in enumerate(split_lines(text or ""), 1):
        try:
            entry = read_line(raw)
        except CellFormatError as exc:
            raise CellFormatError(f"第 {number} 行{exc}") from None
        if entry is not None:
            entries.append(entry)
    return Duties(tuple(entries))


def names_to_text(names) -> str:
    """Return names one per line, escaping any that would not read back exactly."""
    return "\n".join(name if name == name.strip() and not name.startswith(ESCAPE) else ESCAPE + name for name in names)


def text_to_names(text: str) -> tuple[str, ...]:
    """Return the names in a cell, one per line; blank lines are ignored."""
    names = []
    for raw in split_lines(text or ""):
        literal = _literal(raw)
        name = literal if literal is not None else raw.strip()
        if name.strip():
            names.append(name)
    return tuple(names)
