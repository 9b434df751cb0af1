"""The diff as plain JSON data: the machine-readable report and the base of the other formats."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from ..model import Entry
from ..source import item_data
from .changes import UNCHANGED, Change, Diff, DutiesChange, EntryChange, FormattingChange, ListChange, TextChange

REPORT_VERSION = 3
"""Version of the JSON report's shape (schema/diff-report.schema.json); it only gains additions."""
SCHEMA_NAME = "diff-report.schema.json"
OP_NAMES = {-1: "-", 0: "=", 1: "+"}


def schema() -> dict:
    """Return the JSON Schema of the report, shipped in the package next to the source schema."""
    return json.loads(resources.files("dutydocs").joinpath("schema").joinpath(SCHEMA_NAME).read_text("utf-8"))


def ops_data(ops) -> list[list[str]]:
    """Return diff operations as [["=" | "-" | "+", text], …]."""
    return [[OP_NAMES[op], text] for op, text in ops]


def field_data(change) -> dict[str, Any]:
    if isinstance(change, TextChange):
        return {"old": change.old, "new": change.new, "diff": ops_data(change.ops)}
    if isinstance(change, ListChange):
        return {
            "old": list(change.old),
            "new": list(change.new),
            "removed": [name for op, name in change.ops if op < 0],
            "added": [name for op, name in change.ops if op > 0],
        }
    assert isinstance(change, DutiesChange)
    blocks = []
    for block in change.blocks:
        if not block.changed:
            continue
        entries = [
            {
                "change": entry.op,
                "kind": _entry(entry).kind,
                "old": {"label": entry.old_label, "kind": entry.old.kind, "text": entry.old.text}
                if entry.old
                else None,
                "new": {"label": entry.new_label, "kind": entry.new.kind, "text": entry.new.text}
                if entry.new
                else None,
                "diff": ops_data(entry.ops),
            }
            for entry in block.entries
            if entry.op not in UNCHANGED
        ]
        blocks.append(
            {
                "change": "same" if block.op == "formatting" else block.op,
                "heading": block.new_heading if block.op != "removed" else block.old_heading,
                "old_heading": block.old_heading,
                "entries": entries,
            }
        )
    return {"blocks": blocks}


def _entry(entry: EntryChange) -> Entry:
    """Return the entry as it is now, or as it was when removed."""
    shown = entry.new or entry.old
    assert shown is not None, "an aligned entry has an old or a new side"
    return shown


def change_data(change: Change) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": change.kind,
        "old": change.old.as_dict() if change.old else None,
        "new": change.new.as_dict() if change.new else None,
    }
    if change.item.id:
        data["id"] = change.item.id
    data["category"] = change.item.category
    data["name"] = change.item.name
    data["fields"] = {name: field_data(value) for name, value in change.fields.items()}
    if change.kind in ("added", "removed"):
        data["item"] = {k: v for k, v in item_data(change.item).items() if k != "no"}
    if change.match:
        data["match"] = change.match
    return data


def formatting_data(f: FormattingChange) -> dict[str, Any]:
    """Return one formatting-only difference: where it is, and the old and new text."""
    data: dict[str, Any] = {"part": f.part, "field": f.field}
    if f.part == "item":
        assert f.old is not None and f.new is not None and f.item is not None, "an item's difference has its places"
        data.update(old=f.old.as_dict(), new=f.new.as_dict())
        if f.item.id:
            data["id"] = f.item.id
        data.update(category=f.item.category, name=f.item.name)
    if f.index is not None:
        data["index"] = f.index
    if f.paragraph is not None:
        data["paragraph"] = f.paragraph
    data.update({"old_text": f.old_text, "new_text": f.new_text, "diff": ops_data(f.ops)})
    return data


def diff_data(diff: Diff) -> dict[str, Any]:
    """Return the whole report as JSON-ready data."""
    explanation = []
    if diff.explanation_title:
        explanation.append({"change": "modified", "part": "title", **field_data(diff.explanation_title)})
    for section in diff.sections:
        if section.op == "modified":
            explanation.append(
                {
                    "change": "modified",
                    "part": "heading",
                    "old": section.old_heading,
                    "new": section.new_heading,
                    "diff": ops_data(section.heading_ops),
                }
            )
        elif section.op in ("added", "removed"):
            explanation.append(
                {"change": section.op, "part": "heading", "old": section.old_heading, "new": section.new_heading}
            )
        for p in section.paragraphs:
            if p.op not in ("same", "formatting"):
                explanation.append(
                    {
                        "change": p.op,
                        "part": "paragraph",
                        "section": p.section,
                        "old": p.old,
                        "new": p.new,
                        "diff": ops_data(p.ops),
                    }
                )
    return {
        "report_version": REPORT_VERSION,
        "summary": diff.summary(),
        "document": {name: field_data(value) for name, value in diff.document.items()},
        "explanation": explanation,
        "changes": [change_data(c) for c in diff.changes],
        "formatting": [formatting_data(f) for f in diff.formatting],
    }


def render_json(diff: Diff) -> str:
    return json.dumps(diff_data(diff), ensure_ascii=False, indent=2) + "\n"
