"""Scripted revisions for the diff tests: edits applied to a source, and the changes they must produce."""
from __future__ import annotations

import copy
import json
import random
from pathlib import Path

from dutydocs import source

NEW_NAME = "建立健全网格化服务管理机制，定期开展入户走访"


def data_of(path: Path) -> dict:
    return json.loads(Path(path).read_text("utf-8"))


def renumber(data: dict) -> None:
    for duty_list in data["lists"].values():
        for k, item in enumerate(duty_list["items"], 1):
            item["no"] = k


def strip_ids(data: dict) -> dict:
    data = copy.deepcopy(data)
    for duty_list in data["lists"].values():
        for item in duty_list["items"]:
            item.pop("id", None)
    return data


def doc_of(data: dict):
    return source.from_data(data)


def scripted(old: dict) -> tuple[dict, set]:
    """Apply one edit of every kind to a copy of old; return it and the expected (kind, old, new, fields) set."""
    new = copy.deepcopy(old)
    lists = new["lists"]
    basic, coop, withdrawn = (lists[k]["items"] for k in ("basic", "cooperative", "withdrawn"))
    where = {}  # id(dict) -> old place
    for key, duty_list in lists.items():
        for item in duty_list["items"]:
            where[id(item)] = (key, item["no"])
    expected = []

    deleted = basic.pop(0)
    expected.append(("removed", where[id(deleted)], None, frozenset()))

    reworded = basic[1]
    reworded["name"] = reworded["name"][:-2] + "等相关" + reworded["name"][-2:]
    expected.append(("modified", reworded, frozenset({"name"})))

    added = {"id": "zz-9001", "no": 0, "category": basic[2]["category"], "name": NEW_NAME}
    basic.insert(2, added)
    expected.append(("added", None, added, frozenset()))

    last = basic.pop()
    basic.insert(0, last)
    expected.append(("moved", last, frozenset()))

    moved = coop.pop(0)
    as_withdrawn = {k: moved[k] for k in ("id", "no", "category", "name") if k in moved}
    as_withdrawn.update(department=moved["departments"][0], takeover="负责此项工作的组织实施")
    withdrawn.append(as_withdrawn)
    where[id(as_withdrawn)] = where[id(moved)]
    expected.append(("moved", as_withdrawn, frozenset(
        {"departments", "department_duties", "town_duties", "department", "takeover"})))

    grown = coop[0]
    entries = grown["department_duties"]
    at = next(k for k, e in enumerate(entries) if "point" in e) + 1
    entries.insert(at, {"point": "及时汇总上报工作进展情况；"})
    expected.append(("modified", grown, frozenset({"department_duties"})))

    returned = withdrawn.pop(0)
    as_basic = {k: returned[k] for k in ("id", "no", "category", "name") if k in returned}
    basic.append(as_basic)
    where[id(as_basic)] = where[id(returned)]
    fields = {f for f in ("department", "takeover", "note") if f in returned}
    expected.append(("moved", as_basic, frozenset(fields)))

    paragraphs = new["explanation"]["sections"][0]["paragraphs"]
    paragraphs[0] = paragraphs[0][:4] + "（已修订）" + paragraphs[0][4:]

    renumber(new)
    result = set()
    for entry in expected:
        if entry[0] == "removed":
            result.add(entry)
        elif entry[0] == "added":
            item = entry[2]
            result.add(("added", None, (_list_of(new, item), item["no"]), entry[3]))
        else:
            kind, item, fields = entry
            result.add((kind, where[id(item)], (_list_of(new, item), item["no"]), fields))
    return new, result


def _list_of(data: dict, item: dict) -> str:
    return next(key for key, dl in data["lists"].items() if any(x is item for x in dl["items"]))


def reported(diff) -> set:
    """Return the diff's changes in the form scripted() expects them."""
    return {(c.kind, (c.old.list, c.old.no) if c.old else None, (c.new.list, c.new.no) if c.new else None,
             frozenset(c.fields)) for c in diff.changes}


_WORDS = ("组织", "开展", "落实", "宣传", "教育", "管理", "服务", "监督", "检查", "安全", "生产", "农业", "水利",
          "林草", "民政", "救助", "养老", "医疗", "卫生", "防疫", "文化", "体育", "旅游", "交通", "道路", "环境",
          "保护", "污染", "防治", "土地", "规划", "建设", "住房", "就业", "社保", "退役", "军人", "优抚", "应急",
          "消防", "防汛", "抗旱", "统计", "调查", "信访", "调解", "综治", "网格", "禁毒", "反诈", "普法", "宗教",
          "民族", "团结", "妇女", "儿童", "老龄", "残疾", "村务", "公开", "集体", "经济", "合作社", "产业")


def generated(n_items: int, seed: int = 1) -> dict:
    """Return source data with about n_items items of random but plausible text, with ids."""
    rng = random.Random(seed)
    categories = [rng.choice(_WORDS) + rng.choice(_WORDS) for _ in range(20)]

    def name():
        return "".join(rng.choice(_WORDS) for _ in range(rng.randint(5, 14))) + "工作"

    def points(k):
        return [{"point": "".join(rng.choice(_WORDS) for _ in range(rng.randint(6, 12))) + "；"} for _ in range(k)]

    serial = iter(range(1, 10 ** 6))
    lists = {"basic": [], "cooperative": [], "withdrawn": []}
    for key, share in (("basic", 0.45), ("cooperative", 0.35), ("withdrawn", 0.2)):
        for k in range(int(n_items * share)):
            item = {"id": f"g-{next(serial):05d}", "no": k + 1, "category": categories[(k // 15) % 20], "name": name()}
            if key == "cooperative":
                item.update(departments=["某区" + rng.choice(_WORDS) + "局"],
                            department_duties=[{"heading": "一、" + rng.choice(_WORDS)}] + points(3),
                            town_duties=points(2))
            elif key == "withdrawn":
                item.update(department="某区" + rng.choice(_WORDS) + "局", takeover="负责" + name())
            lists[key].append(item)
    return {
        "schema_version": 1, "title": "生成镇履职事项清单", "township": "生成镇",
        "revision": {"date": "2025-01-01"},
        "explanation": {"title": "说明", "sections": [{"heading": "一、基本情况", "paragraphs": ["生成的测试数据。"]}]},
        "lists": {key: {"title": key, "items": items} for key, items in lists.items()},
    }
