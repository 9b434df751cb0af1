"""Describing formatting-only differences for the reports: where each one is, which text, and its marks."""

from __future__ import annotations

from .changes import DOCUMENT_TITLES, EXPLANATION_TITLES, FIELD_TITLES, Diff, FormattingChange, Ops

SECTION_TITLE = "仅格式变化"
NOTE = "以下文字只差空白或全角、半角（如“１２３４５”与“12345”），内容未变，不计为修改；空白标作 ␣（空格）、□（全角空格）、↵（换行）、→（制表符）。"
NAME_SHOWN = 16
_VISIBLE = str.maketrans({" ": "␣", "\u3000": "□", "\n": "↵", "\t": "→", "\u00a0": "␣"})


def where(f: FormattingChange) -> str:
    """Return where the difference is, as a reader names it: 基本 4（原基本 3）, 说明 第一节 第 2 段, 标题."""
    if f.part == "item":
        assert f.old is not None and f.new is not None and f.item is not None, "an item's difference has its places"
        moved = f"（原 {f.old.label()}）" if f.old.label() != f.new.label() else ""
        name = f.item.name if len(f.item.name) <= NAME_SHOWN else f.item.name[:NAME_SHOWN] + "…"
        return f"{f.new.label()}{moved} {name}"
    if f.part == "document":
        return DOCUMENT_TITLES[f.field]
    if f.field == "title":
        return EXPLANATION_TITLES["title"]
    assert f.index is not None, "an explanation's difference has its section"
    place = f"说明第 {f.index + 1} 节"
    if f.field == "paragraph":
        assert f.paragraph is not None, "a paragraph's difference has its position"
        return place + f" 第 {f.paragraph + 1} 段"
    return place + " 标题"


def what(f: FormattingChange) -> str:
    """Return which text differs: the item's field (and entry), or the explanation's part."""
    if f.part != "item":
        return EXPLANATION_TITLES.get(f.field, "") if f.part == "explanation" else ""
    title = FIELD_TITLES[f.field]
    if f.index is None:
        return title
    return f"{title} 第 {f.index + 1} {'个' if f.field == 'departments' else '条'}"


def visible(ops: Ops) -> Ops:
    """Return the operations with inserted and deleted whitespace shown as signs, so a reader sees it."""
    return tuple((op, text if op == 0 else text.translate(_VISIBLE)) for op, text in ops)


def formatting_rows(diff: Diff) -> list[tuple[str, str, Ops]]:
    """Return (where, what, ops) for every formatting-only difference, in report order, whitespace made visible."""
    return [(where(f), what(f), visible(f.ops)) for f in diff.formatting]
