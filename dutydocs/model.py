"""The one immutable model of a duty list document that every builder, check and diff receives."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Literal

LIST_KEYS: tuple[ListKey, ...] = ("basic", "cooperative", "withdrawn")
"""The three lists, in the order they are published."""

ListKey = Literal["basic", "cooperative", "withdrawn"]
EntryKind = Literal["heading", "point", "paragraph"]


@dataclass(frozen=True)
class Entry:
    """One entry of a duty cell: a heading, a numbered point (stored without its number) or a paragraph."""

    kind: EntryKind
    text: str


@dataclass(frozen=True)
class Block:
    """A run of entries under one heading (or under none, at the start of a cell)."""

    heading: str | None
    entries: tuple[Entry, ...]

    def numbered(self) -> Iterator[tuple[str, Entry]]:
        """Yield (label, entry) where label is "1." "2." … for points and "" for paragraphs."""
        n = 0
        for entry in self.entries:
            if entry.kind == "point":
                n += 1
                yield f"{n}.", entry
            else:
                yield "", entry


@dataclass(frozen=True)
class Duties:
    """The structured content of a 上级部门职责 or 镇配合职责 cell."""

    entries: tuple[Entry, ...] = ()

    def blocks(self) -> tuple[Block, ...]:
        """Split the entries at each heading; points are numbered afresh in every block."""
        blocks: list[Block] = []
        heading: str | None = None
        current: list[Entry] = []
        for entry in self.entries:
            if entry.kind == "heading":
                if heading is not None or current:
                    blocks.append(Block(heading, tuple(current)))
                heading, current = entry.text, []
            else:
                current.append(entry)
        if heading is not None or current:
            blocks.append(Block(heading, tuple(current)))
        return tuple(blocks)

    def as_lines(self) -> list[str]:
        """Return the cell as display lines: headings, numbered points, paragraphs."""
        lines: list[str] = []
        for block in self.blocks():
            if block.heading is not None:
                lines.append(block.heading)
            for label, entry in block.numbered():
                lines.append(label + entry.text)
        return lines

    def text(self) -> str:
        return "\n".join(self.as_lines())


@dataclass(frozen=True)
class BasicItem:
    no: int
    category: str
    name: str
    id: str | None = None


@dataclass(frozen=True)
class CooperativeItem:
    no: int
    category: str
    name: str
    departments: tuple[str, ...]
    department_duties: Duties
    town_duties: Duties
    id: str | None = None


@dataclass(frozen=True)
class WithdrawnItem:
    """An item taken back by a higher-level department.

    ``department`` receives the work and ``takeover`` says how (承接方式); an item that no
    department takes over has only a ``note`` (for example that the legal basis has lapsed).
    """

    no: int
    category: str
    name: str
    department: str | None = None
    takeover: str | None = None
    note: str | None = None
    id: str | None = None


Item = BasicItem | CooperativeItem | WithdrawnItem

ITEM_TYPES: dict[str, type] = {
    "basic": BasicItem,
    "cooperative": CooperativeItem,
    "withdrawn": WithdrawnItem,
}


@dataclass(frozen=True)
class DutyList:
    key: ListKey
    title: str
    items: tuple[Item, ...]

    def categories(self) -> list[str]:
        """Return the categories in order of first appearance."""
        return list(dict.fromkeys(item.category for item in self.items))


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Explanation:
    title: str
    sections: tuple[Section, ...]


@dataclass(frozen=True)
class Revision:
    """Which revision of the list this is; its date stamps every output, so builds are reproducible."""

    date: str  # ISO date, YYYY-MM-DD
    label: str = ""


@dataclass(frozen=True)
class Document:
    title: str
    township: str
    revision: Revision
    explanation: Explanation
    lists: tuple[DutyList, ...]
    region: str = ""
    schema_version: int = 1
    provenance: str = ""
    """Where this source came from (an import, its file): for maintainers, never printed in an output."""

    def list(self, key: str) -> DutyList:
        for duty_list in self.lists:
            if duty_list.key == key:
                return duty_list
        raise KeyError(key)

    def all_items(self) -> Iterator[tuple[DutyList, Item]]:
        for duty_list in self.lists:
            for item in duty_list.items:
                yield duty_list, item

    def item_count(self) -> int:
        return sum(len(duty_list.items) for duty_list in self.lists)

    def with_list(self, key: str, items) -> Document:
        """Return a copy with the items of one list replaced."""
        lists = tuple(
            replace(duty_list, items=tuple(items)) if duty_list.key == key else duty_list for duty_list in self.lists
        )
        return replace(self, lists=lists)


__all__ = [
    "ITEM_TYPES",
    "LIST_KEYS",
    "BasicItem",
    "Block",
    "CooperativeItem",
    "Document",
    "Duties",
    "DutyList",
    "Entry",
    "Explanation",
    "Item",
    "Revision",
    "Section",
    "WithdrawnItem",
]
