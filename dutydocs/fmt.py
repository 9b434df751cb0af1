"""Rewriting a source in its canonical form, in place: printed numbers renumbered, keys ordered.

Like black for Python: a clerk who inserted, deleted or moved an item by hand runs
``dutydocs fmt`` and every ``no`` after it follows; keys come in the canonical order with
two-space indentation and one duty entry per line. ``"$schema"`` is kept. Formatting a formatted
file changes nothing. The file is replaced atomically, and only when its text changes.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from .errors import DutydocsError, SourceError
from .model import Document
from .outputs import check_outputs, write_atomic
from .source import dumps, from_data, parse_json, problems_in_data, read_text


def renumber(data: dict) -> None:
    """Set each item's ``no`` to its position in its list (1, 2, …), wherever the shape allows."""
    lists = data.get("lists") if isinstance(data, dict) else None
    if not isinstance(lists, dict):
        return
    for duty_list in lists.values():
        items = duty_list.get("items") if isinstance(duty_list, dict) else None
        if isinstance(items, list):
            for number, item in enumerate(items, start=1):
                if isinstance(item, dict):
                    item["no"] = number


Change = Callable[[Document], "Document | None"]


def canonical_text(text: str, name: str, change: Change | None = None, numbers: bool = True) -> str | None:
    """Return the canonical text of a source (renumbered unless numbers is False, then changed).

    Return None when change returns None (it had nothing to do); raise SourceError for an
    invalid source.
    """
    data = parse_json(text, name)
    if numbers:
        renumber(data)
    problems = problems_in_data(data, text, name)
    if problems:
        raise SourceError(f"{name}: 源文件有 {len(problems)} 处错误，未改动此文件", problems)
    doc = from_data(data)
    if change is not None:
        changed = change(doc)
        if changed is None:
            return None
        doc = changed
    out = dumps(doc)
    if "$schema" in data:  # an editor's pointer to the JSON Schema: kept, first, as editors put it
        out = '{\n  "$schema": ' + json.dumps(data["$schema"], ensure_ascii=False) + "," + out[1:]
    return out


def rewrite(path: str | Path, change: Change | None = None, check: bool = False, numbers: bool = True) -> bool:
    """Rewrite one source in canonical form, in place; return True when its text changes.

    change(doc) returns the changed document, or None to leave the file as it is. With check,
    nothing is written. Before any work the file is checked for being writable.
    """
    path = Path(path)
    text = read_text(path)
    target = Path(os.path.realpath(path))  # through a symbolic link, the file it points to is the one rewritten
    if not check:
        check_outputs([target])
    out = canonical_text(text, str(path), change, numbers)
    if out is None or out == text:
        return False
    if not check:
        write_atomic(target, out)
    return True


def format_file(path: str | Path, check: bool = False) -> bool:
    """Format one source (``dutydocs fmt``); return True when it changed or, with check, would change."""
    return rewrite(path, check=check)


def format_files(paths, check: bool = False) -> dict:
    """Format each source on its own: path → True (changed, or would change), False, or the error's message."""
    outcomes: dict = {}
    for path in paths:
        try:
            outcomes[path] = format_file(path, check=check)
        except DutydocsError as exc:
            outcomes[path] = exc.format_message()
    return outcomes
