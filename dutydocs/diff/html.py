"""The HTML report (self-contained, printable) and the same report as PDF through WeasyPrint."""

from __future__ import annotations

from pathlib import Path

from ..edition import LIST_TITLES, PROJECT_TEMPLATES, inline_text, render_template
from ..model import LIST_KEYS, CooperativeItem, Item, WithdrawnItem
from .changes import (
    DOCUMENT_TITLES,
    FIELD_TITLES,
    KIND_TITLES,
    LIST_SHORT,
    UNCHANGED,
    Diff,
    DutiesChange,
    ListChange,
    TextChange,
)
from .formatting import NOTE, SECTION_TITLE, formatting_rows

TEMPLATE = "diff.html.j2"
STYLESHEET = "diff.css"


def _item_lines(item: Item) -> list[tuple[str, str]]:
    """Return an added or removed item's content as (label, text) lines."""
    lines: list[tuple[str, str]] = []
    if isinstance(item, CooperativeItem):
        lines.append((FIELD_TITLES["departments"], "、".join(item.departments)))
        for name in ("department_duties", "town_duties"):
            for k, line in enumerate(getattr(item, name).as_lines()):
                lines.append((FIELD_TITLES[name] if k == 0 else "", line))
    elif isinstance(item, WithdrawnItem):
        for name in ("department", "takeover", "note"):
            if getattr(item, name):
                lines.append((FIELD_TITLES[name], getattr(item, name)))
    return lines


def _field(name: str, change) -> dict:
    """Return one changed field as template data: kind text|names|duties with its operations."""
    if isinstance(change, TextChange):
        return {"key": name, "title": FIELD_TITLES[name], "kind": "text", "ops": change.ops}
    if isinstance(change, ListChange):
        return {"key": name, "title": FIELD_TITLES[name], "kind": "names", "ops": change.shown()}
    assert isinstance(change, DutiesChange)
    blocks = []
    for block in change.blocks:
        if not block.changed:
            continue
        entries = [
            {
                "op": e.op,
                "label": e.new_label if e.new is not None else e.old_label,
                "old_label": e.old_label,
                "ops": e.ops,
            }
            for e in block.entries
            if e.op not in UNCHANGED
        ]
        text = block.new_heading or block.old_heading
        heading = block.heading_ops if block.op not in UNCHANGED else (((0, text),) if text else ())
        blocks.append({"op": block.op, "heading": heading, "entries": entries})
    return {"key": name, "title": FIELD_TITLES[name], "kind": "duties", "blocks": blocks}


def context(diff: Diff) -> dict:
    """Return the template context: summary tables, explanation changes, changes per list."""
    summary = diff.summary()
    lists = []
    for key in LIST_KEYS:
        changes = []
        for change in diff.changes:
            if change.list != key:
                continue
            changes.append(
                {
                    "kind": change.kind,
                    "kind_title": KIND_TITLES[change.kind],
                    "kinds": [(k, KIND_TITLES[k]) for k in change.kinds],
                    "old": change.old,
                    "new": change.new,
                    "item": change.item,
                    "moved_list": bool(change.old and change.new and change.old.list != change.new.list),
                    "fields": [_field(name, value) for name, value in change.fields.items()],
                    "lines": _item_lines(change.item) if change.kind in ("added", "removed") else [],
                }
            )
        lists.append({"key": key, "title": LIST_TITLES[key], "summary": summary["lists"][key], "changes": changes})
    categories = [
        (LIST_TITLES[key], name, counts)
        for key in LIST_KEYS
        for name, counts in summary["lists"][key]["categories"].items()
    ]
    return {
        "diff": diff,
        "summary": summary,
        "lists": lists,
        "categories": categories,
        "kinds": KIND_TITLES,
        "list_titles": LIST_TITLES,
        "labels": FIELD_TITLES,
        "list_short": LIST_SHORT,
        "document": [(DOCUMENT_TITLES[k], v.ops) for k, v in diff.document.items()],
        "sections": [s for s in diff.sections if s.changed],
        "explanation_title": diff.explanation_title,
        "formatting": formatting_rows(diff),
        "formatting_title": SECTION_TITLE,
        "formatting_note": NOTE,
    }


def render_html(diff: Diff, templates: Path = PROJECT_TEMPLATES) -> str:
    """Return the self-contained HTML report (stylesheet inlined), from the templates folder given (--templates)."""
    css = inline_text(templates, STYLESHEET, "</style")
    return render_template(templates, TEMPLATE, css=css, **context(diff))


def render_pdf(diff: Diff, templates: Path = PROJECT_TEMPLATES) -> bytes:
    """Return the HTML report laid out as PDF by WeasyPrint."""
    from weasyprint import HTML

    from ..builders.pdf import templates_only_fetcher

    html = render_html(diff, templates)
    base = templates.resolve().as_uri() + "/"
    return HTML(string=html, base_url=base, url_fetcher=templates_only_fetcher(templates)).write_pdf()
