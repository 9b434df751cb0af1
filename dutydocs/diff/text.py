"""The terminal report: one line per change, field changes beneath it, coloured on a TTY."""

from __future__ import annotations

import click

from ..edition import LIST_TITLES
from ..model import LIST_KEYS
from .changes import (
    DOCUMENT_TITLES,
    FIELD_TITLES,
    KIND_TITLES,
    UNCHANGED,
    Change,
    Diff,
    DutiesChange,
    ListChange,
    TextChange,
)
from .formatting import NOTE, SECTION_TITLE, formatting_rows

KIND_MARKS = {"added": "+", "removed": "-", "modified": "~", "moved": ">"}
KIND_COLOURS = {"added": "green", "removed": "red", "modified": "yellow", "moved": "cyan"}


class _Writer:
    def __init__(self, color: bool):
        self.color = color
        self.lines: list[str] = []

    def style(self, text: str, **styles) -> str:
        return click.style(text, **styles) if self.color else text

    def ops(self, ops) -> str:
        """Render diff operations inline: colour on a TTY, [-deleted-]{+inserted+} otherwise."""
        parts = []
        for op, text in ops:
            if op == 0:
                parts.append(text)
            elif self.color:
                parts.append(
                    click.style(text, fg="red", strikethrough=True)
                    if op < 0
                    else click.style(text, fg="green", underline=True)
                )
            else:
                parts.append(f"[-{text}-]" if op < 0 else f"{{+{text}+}}")
        return "".join(parts)

    def add(self, line: str = "") -> None:
        self.lines.append(line)


def _revision(summary: dict) -> str:
    extra = " ".join(x for x in (summary["revision"], summary["label"]) if x)
    return f"{summary['source']}（{extra}）" if extra else summary["source"]


def render_text(diff: Diff, color: bool = False) -> str:
    """Return the report for a terminal."""
    w = _Writer(color)
    summary = diff.summary()
    w.add(w.style(f"比较 {_revision(summary['old'])}", bold=True))
    w.add(w.style(f"  → {_revision(summary['new'])}", bold=True))
    if not diff.changed:
        w.add(
            "两个版本内容相同" + (f"（{summary['renumbered']} 项仅序号变化）" if summary["renumbered"] else "") + "。"
        )
        _formatting(w, diff)
        return "\n".join(w.lines) + "\n"
    counts = "，".join(f"{KIND_TITLES[k]} {summary[k]} 项" for k in KIND_TITLES if summary[k]) or "事项无变化"
    w.add(
        f"事项：{counts}；{summary['renumbered']} 项仅序号变化"
        + (f"；{SECTION_TITLE} {summary['formatting']} 处" if summary["formatting"] else "")
    )
    for key in LIST_KEYS:
        s = summary["lists"][key]
        parts = [f"{KIND_TITLES[k]} {s[k]}" for k in KIND_TITLES if s[k]]
        if s["moved_out"]:
            parts.append(f"移出 {s['moved_out']}")
        if s["renumbered"]:
            parts.append(f"仅序号变化 {s['renumbered']}")
        w.add(
            f"  {LIST_TITLES[key]}：{s['items']['old']} → {s['items']['new']} 项"
            + (f"；{'，'.join(parts)}" if parts else "")
        )
        for category, counts in s["categories"].items():
            w.add(f"    {category}：{'，'.join(f'{KIND_TITLES[k]} {counts[k]}' for k in KIND_TITLES if k in counts)}")
    for name, text_change in diff.document.items():
        w.add(f"{DOCUMENT_TITLES[name]}：{w.ops(text_change.ops)}")
    _explanation(w, diff)
    current = None
    for change in diff.changes:
        if change.list != current:
            current = change.list
            w.add()
            w.add(w.style(LIST_TITLES[current], bold=True))
        _change(w, change)
    _formatting(w, diff)
    return "\n".join(w.lines) + "\n"


def _formatting(w: _Writer, diff: Diff) -> None:
    rows = formatting_rows(diff)
    if not rows:
        return
    w.add()
    w.add(w.style(f"{SECTION_TITLE}（{len(rows)} 处）", bold=True))
    w.add(f"  {NOTE}")
    for where, what, ops in rows:
        w.add(f"  · {where}" + (f" {what}" if what else "") + f"：{w.ops(ops)}")


def _explanation(w: _Writer, diff: Diff) -> None:
    if not (diff.explanation_title or any(s.changed for s in diff.sections)):
        return
    w.add()
    w.add(w.style(diff.new.explanation.title, bold=True))
    if diff.explanation_title:
        w.add(f"  标题：{w.ops(diff.explanation_title.ops)}")
    for section in diff.sections:
        if not section.changed:
            continue
        if section.op in ("added", "removed"):
            mark = KIND_MARKS[section.op]
            w.add(
                w.style(
                    f"  {mark} {KIND_TITLES[section.op]}一节：{section.new_heading or section.old_heading}",
                    fg=KIND_COLOURS[section.op],
                )
            )
        elif section.op == "modified":
            w.add(f"  ~ 小节标题：{w.ops(section.heading_ops)}")
        else:
            w.add(f"  {section.new_heading}")
        number = old_number = 0  # the paragraph's position in the new section, and in the old one
        for p in section.paragraphs:
            number += p.new is not None
            old_number += p.old is not None
            if p.op in ("same", "formatting"):
                continue
            where = f"第 {number} 段" if p.new is not None else f"原第 {old_number} 段"
            w.add(
                w.style(f"    {KIND_MARKS.get(p.op, '~')} {where}{KIND_TITLES[p.op]}：", fg=KIND_COLOURS[p.op])
                + w.ops(p.ops)
            )


def _change(w: _Writer, change: Change) -> None:
    mark, colour = KIND_MARKS[change.kind], KIND_COLOURS[change.kind]
    old, new = change.old, change.new
    if change.kind == "added" and new is not None:
        where = f"→ {new.label()}"
    elif change.kind == "removed" and old is not None:
        where = f"{old.label()} →"
    else:
        assert old is not None and new is not None, "a modified or moved item has both places"
        if old == new:
            where = new.label()
        elif old.list == new.list:
            where = f"{old.label()} → {new.no}"
        else:
            where = f"{old.label()} → {new.label()}"
    head = w.style(f"{mark} {change.title}  {where}", fg=colour, bold=True)
    w.add(f"{head}  [{change.item.category}] {change.item.name}")
    for name, field in change.fields.items():
        title = FIELD_TITLES[name]
        if isinstance(field, TextChange):
            w.add(f"    {title}：{w.ops(field.ops)}")
        elif isinstance(field, ListChange):
            w.add(f"    {title}：{w.ops(field.shown())}")
        elif isinstance(field, DutiesChange):
            w.add(f"    {title}：")
            for block in field.blocks:
                if not block.changed:
                    continue
                if block.op == "modified":
                    w.add(f"      ~ {w.ops(block.heading_ops)}")
                elif block.op in ("added", "removed") and (block.new_heading or block.old_heading):
                    w.add(
                        w.style(
                            f"      {KIND_MARKS[block.op]} {KIND_TITLES[block.op]}一组："
                            f"{block.new_heading or block.old_heading}",
                            fg=KIND_COLOURS[block.op],
                        )
                    )
                elif block.new_heading:
                    w.add(f"      {block.new_heading}")
                for entry in block.entries:
                    if entry.op in UNCHANGED:
                        continue
                    label = entry.new_label if entry.new is not None else entry.old_label
                    if entry.op == "modified" and entry.old_label != entry.new_label:
                        label = f"{entry.old_label or '段'}→{entry.new_label or '段'}"
                    w.add(
                        w.style(f"        {KIND_MARKS[entry.op]} {KIND_TITLES[entry.op]} ", fg=KIND_COLOURS[entry.op])
                        + f"{label}{w.ops(entry.ops)}"
                    )
