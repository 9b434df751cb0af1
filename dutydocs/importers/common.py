"""What every importer does with its result: check it like any source, and carry ids over from a base."""

from __future__ import annotations

import re
from dataclasses import replace

from ..errors import DutydocsError
from ..model import LIST_TITLES, Document, Explanation


def validate(
    doc: Document,
    name: str,
    hint: str = "请核对提取的文本（pdftotext 请不用 -layout），或用校正文件、--departments 部门名称表补充",
) -> None:
    """Check an imported document like any source; refuse it saying what was found and what is missing."""
    from ..source import dumps, problems_in_data, to_data

    counts = {dl.key: len(dl.items) for dl in doc.lists}
    found = (
        f"找到说明 {len(doc.explanation.sections)} 节、{LIST_TITLES['basic']} {counts['basic']} 项、"
        f"{LIST_TITLES['cooperative']} {counts['cooperative']} 项、{LIST_TITLES['withdrawn']} {counts['withdrawn']} 项"
    )
    missing = [f"{LIST_TITLES[key]}没有一项" for key, count in counts.items() if not count]
    for duty_list in doc.lists:
        stated = _stated_count(doc.explanation, duty_list.title)
        if stated is not None and stated != len(duty_list.items):
            missing.append(f"说明称{duty_list.title}有 {stated} 项，只读出 {len(duty_list.items)} 项")
    problems = problems_in_data(to_data(doc), dumps(doc), name)
    by_kind: dict[str, list[str]] = {}
    for problem in problems:
        parts = problem.pointer.split("/")
        if len(parts) > 4 and parts[1] == "lists":
            where = f"{LIST_TITLES[parts[2]]}第 {int(parts[4]) + 1} 项"
            what = {"departments": "没有读出部门"}.get(parts[5] if len(parts) > 5 else "", problem.message)
        elif len(parts) > 4 and parts[1] == "explanation" and parts[2] == "sections":
            where = f"说明第 {int(parts[3]) + 1} 节的" + ("标题" if parts[4] == "heading" else "段落")
            what = problem.message
        else:
            where, what = problem.pointer or "文档", problem.message
        by_kind.setdefault(what, []).append(where)
    for what, places in by_kind.items():
        places = list(dict.fromkeys(places))
        shown = "、".join(places[:5]) + (f" 等 {len(places)} 处" if len(places) > 5 else "")
        missing.append(f"{shown}：{what}")
    if missing:
        raise DutydocsError(
            f"{name}: 导入结果不是完整有效的清单，未写入任何文件：{found}；{'；'.join(missing[:6])}（{hint}）"
        )


def _stated_count(explanation: Explanation, title: str) -> int | None:
    """The number of items the explanation says a list has (共有基本履职事项 130 项), if it says."""
    for section in explanation.sections:
        for paragraph in section.paragraphs:
            if paragraph.startswith(title):
                m = re.search(r"共有[^，。\d]*?(\d+)\s*项", paragraph)
                if m:
                    return int(m.group(1))
    return None


def ids_from(base: Document, doc: Document) -> Document:
    """Give each item the id of the base item the diff matches it with; unmatched items get none."""
    from ..diff.matching import match, slots

    old, new = slots(base), slots(doc)
    ids = {(new[j].place.list, new[j].place.index): old[i].item.id for i, (j, _) in match(old, new).items()}
    for duty_list in doc.lists:
        doc = doc.with_list(
            duty_list.key, [replace(item, id=ids.get((duty_list.key, i))) for i, item in enumerate(duty_list.items)]
        )
    return doc
