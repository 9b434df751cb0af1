"""The rows of each list as the templates set them: whole items, or the parts of a cooperative item cut across pages."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..edition import CONTINUED_LABEL, LIST_TITLES, MORE_DEPARTMENTS, PRINTED_COLUMNS, TAKEOVER_LABEL
from ..errors import DutydocsError
from ..model import CooperativeItem, Duties, DutyList, Item, WithdrawnItem


@dataclass(frozen=True)
class DutyBlock:
    """A heading block of a duties cell, with its points already numbered."""

    heading: str | None
    entries: tuple[tuple[str, str, str], ...]  # (kind, label, text)
    continued: bool = False  # the rest of a block begun in an earlier part: its heading repeats with （续）

    def paragraphs(self, gap: float) -> list[tuple[str, float, float]]:
        """Return (text, first-line indent em, space before in lines) for the row estimate."""
        out = [(self.heading, 0.0, gap)] if self.heading else []
        out += [(label + text, 2.0 if kind == "paragraph" else 0.0, 0.0) for kind, label, text in self.entries]
        return out


def duty_blocks(duties: Duties) -> tuple[DutyBlock, ...]:
    """Return the blocks of a duties cell with their points numbered per heading."""
    return tuple(
        DutyBlock(b.heading, tuple((e.kind, label, e.text) for label, e in b.numbered())) for b in duties.blocks()
    )


@dataclass(frozen=True)
class Row:
    """One table row: a whole item, or one part of a long cooperative item."""

    key: str
    item: Item
    part: int = 0
    department_duties: tuple[DutyBlock, ...] = ()
    town_duties: tuple[DutyBlock, ...] = ()
    category_start: bool = False
    shown_departments: int | None = None  # a first part at a page foot may show only the first departments

    @property
    def continued(self) -> bool:
        return self.part > 0

    @property
    def anchor(self) -> str:
        return f"{self.key}-{self.item.no}"

    @property
    def id_anchor(self) -> str | None:
        return f"item-{self.item.id}" if self.item.id else None


def cell_paragraphs(row: Row, key: str, gap: float) -> list[tuple[str, float, float]]:
    """Return the paragraphs of one cell of a row, for the height estimate."""
    item = row.item
    if key == "no":
        return [(str(item.no), 0, 0)]
    if key == "category":
        return [(item.category, 0, 0)]
    if key == "name":
        return [(item.name + (CONTINUED_LABEL if row.continued else ""), 0, 0)]
    if key == "departments":
        if not isinstance(item, CooperativeItem):
            raise misassigned(row, key)
        shown = list(item.departments[: row.shown_departments])
        shown += [MORE_DEPARTMENTS] if len(shown) < len(item.departments) else []  # the rest on the next page
        return [(d, 0, gap if n else 0) for n, d in enumerate(shown)]  # a little space between
    if key in ("department_duties", "town_duties"):
        return [p for block in getattr(row, key) for p in block.paragraphs(gap)]
    if key == "takeover":
        if not isinstance(item, WithdrawnItem):
            raise misassigned(row, key)
        return [(t, 0, 0) for t in withdrawn_lines(item)]
    raise DutydocsError(
        f"版式参数中的列名未知：{key}（可用：no, category, name, departments, "
        "department_duties, town_duties, takeover）"
    )


def misassigned(row: Row, key: str) -> DutydocsError:
    """Return the error for a column layout.toml gives to a list whose items do not have it."""
    return DutydocsError(
        f"layout.toml 把列 {key} 给了{LIST_TITLES.get(row.key, row.key)}，但该清单的事项没有这一列"
        f"（该清单的列：{', '.join(c.key for c in PRINTED_COLUMNS.get(row.key, ()))}）"
    )


def withdrawn_lines(item: WithdrawnItem) -> list[str]:
    """Return the lines of the 承接部门及工作方式 cell."""
    lines = [item.department] if item.department else []
    if item.takeover:
        lines.append(TAKEOVER_LABEL + item.takeover)
    if item.note:
        lines.append(item.note)
    return lines


def rows(duty_list: DutyList) -> list[Row]:
    """Return the whole rows of a list, each marked where its category starts (pdf.py cuts long ones)."""
    out: list[Row] = []
    seen: set[str] = set()
    for item in duty_list.items:
        row = Row(duty_list.key, item, category_start=item.category not in seen)
        seen.add(item.category)
        if isinstance(item, CooperativeItem):
            row = replace(
                row, department_duties=duty_blocks(item.department_duties), town_duties=duty_blocks(item.town_duties)
            )
        out.append(row)
    return out
