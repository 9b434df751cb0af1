"""The HTML report (self-contained, printable) and the same report as PDF through WeasyPrint."""
from __future__ import annotations

from pathlib import Path

import jinja2
from markupsafe import Markup

from ..builders import PROJECT_TEMPLATES
from ..errors import DutydocsError
from ..model import LIST_KEYS, LIST_TITLES, CooperativeItem, Item, WithdrawnItem
from .compare import FIELD_TITLES, KIND_TITLES, LIST_SHORT, Diff, DutiesChange, ListChange, TextChange

TEMPLATE = "diff.html.j2"
STYLESHEET = "diff.css"


def _template_path(templates: Path, name: str) -> Path:
    path = templates / name
    if not path.is_file():
        raise DutydocsError(f"模板文件不存在：{path}")
    return path


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
        return {"title": FIELD_TITLES[name], "kind": "text", "ops": change.ops}
    if isinstance(change, ListChange):
        return {"title": FIELD_TITLES[name], "kind": "names", "ops": change.ops}
    assert isinstance(change, DutiesChange)
    blocks = []
    for block in change.blocks:
        if not block.changed:
            continue
        entries = [{"op": e.op, "label": e.new_label if e.new is not None else e.old_label,
                    "old_label": e.old_label, "ops": e.ops} for e in block.entries if e.op != "same"]
        text = block.new_heading or block.old_heading
        heading = block.heading_ops or (((0, text),) if text else ())
        blocks.append({"op": block.op, "heading": heading, "entries": entries})
    return {"title": FIELD_TITLES[name], "kind": "duties", "blocks": blocks}


def context(diff: Diff) -> dict:
    """Return the template context: summary tables, explanation changes, changes per list."""
    summary = diff.summary()
    lists = []
    for key in LIST_KEYS:
        changes = []
        for change in diff.changes:
            if change.list != key:
                continue
            changes.append({
                "kind": change.kind, "kind_title": KIND_TITLES[change.kind],
                "old": change.old, "new": change.new, "item": change.item,
                "moved_list": bool(change.old and change.new and change.old.list != change.new.list),
                "fields": [_field(name, value) for name, value in change.fields.items()],
                "lines": _item_lines(change.item) if change.kind in ("added", "removed") else [],
            })
        lists.append({"key": key, "title": LIST_TITLES[key], "summary": summary["lists"][key], "changes": changes})
    categories = [(LIST_TITLES[key], name, counts) for key in LIST_KEYS
                  for name, counts in summary["lists"][key]["categories"].items()]
    return {
        "diff": diff, "summary": summary, "lists": lists, "categories": categories,
        "kinds": KIND_TITLES, "list_titles": LIST_TITLES, "list_short": LIST_SHORT,
        "document": [({"title": "标题", "township": "乡镇", "region": "地区"}[k], v.ops) for k, v in diff.document.items()],
        "sections": [s for s in diff.sections if s.changed],
        "explanation_title": diff.explanation_title,
    }


def render_html(diff: Diff, templates: Path = PROJECT_TEMPLATES) -> str:
    """Return the self-contained HTML report (stylesheet inlined)."""
    css = _template_path(templates, STYLESHEET).read_text("utf-8")
    if "</style" in css.lower():
        raise DutydocsError(f"模板 {STYLESHEET} 不能包含 </style>")
    _template_path(templates, TEMPLATE)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates)), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    try:
        return env.get_template(TEMPLATE).render(css=Markup(css), **context(diff))
    except jinja2.TemplateError as exc:
        raise DutydocsError(f"模板 {TEMPLATE} 有误：{exc}") from None


def render_pdf(diff: Diff, templates: Path = PROJECT_TEMPLATES) -> bytes:
    """Return the HTML report laid out as PDF by WeasyPrint."""
    from weasyprint import HTML

    from ..builders.pdf import templates_only_fetcher

    html = render_html(diff, templates)
    base = templates.resolve().as_uri() + "/"
    return HTML(string=html, base_url=base, url_fetcher=templates_only_fetcher(templates)).write_pdf()
