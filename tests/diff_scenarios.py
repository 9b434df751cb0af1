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


# --- realistic revisions of the bundled source, each with its known answer ---------------------------

class Revision:
    """A revision being edited from old data, with the changes it must be reported as.

    expect() records a change by the item dict (its places are read after renumbering), or by the old
    place for a removal; expect_formatting() a formatting-only difference.
    """

    def __init__(self, old: dict):
        self.new = copy.deepcopy(old)
        self.where = {id(item): (key, item["no"]) for key, dl in self.new["lists"].items() for item in dl["items"]}
        self.expected: list = []
        self.formatting: list = []

    def items(self, key: str) -> list:
        return self.new["lists"][key]["items"]

    def find(self, item_id: str) -> dict:
        return next(item for dl in self.new["lists"].values() for item in dl["items"] if item.get("id") == item_id)

    def take(self, item_id: str) -> dict:
        item = self.find(item_id)
        self.items(self.where[id(item)][0]).remove(item)
        return item

    def transfer(self, item: dict, key: str, at: int | None = None, **fields) -> dict:
        """Put a taken item in another list as that list's kind of item (old place kept for the answer)."""
        out = {k: item[k] for k in ("id", "no", "category", "name") if k in item}
        out.update(fields)
        self.where[id(out)] = self.where[id(item)]
        items = self.items(key)
        items.insert(len(items) if at is None else at, out)
        return out

    def expect(self, kind: str, item: dict | None = None, fields=(), old: tuple | None = None) -> None:
        self.expected.append((kind, item, frozenset(fields), old))

    def expect_formatting(self, item: dict, field: str, index: int | None = None) -> None:
        self.formatting.append((item, field, index))

    def answer(self) -> tuple[dict, set, set]:
        """Renumber; return the new data, the expected changes and the expected formatting differences."""
        renumber(self.new)
        changes = set()
        for kind, item, fields, old in self.expected:
            if kind == "removed":
                changes.add(("removed", old, None, fields))
            else:
                new = (_list_of(self.new, item), item["no"])
                changes.add((kind, None if kind == "added" else self.where[id(item)], new, fields))
        formatting = {("item", (_list_of(self.new, item), item["no"]), field, index)
                      for item, field, index in self.formatting}
        return self.new, changes, formatting


def wording(r: Revision) -> None:
    """A few words changed in a name, a duty point and a 承接方式."""
    a = r.find("ymg-0021")
    a["name"] = a["name"].replace("深化整治", "持续深化整治")
    r.expect("modified", a, {"name"})
    b = r.find("ymg-0134")
    b["town_duties"][1]["point"] = b["town_duties"][1]["point"].replace("；", "，并及时上报；", 1)
    r.expect("modified", b, {"town_duties"})
    c = r.find("ymg-0233")
    c["takeover"] = c["takeover"] + "，按季度报送工作情况"
    r.expect("modified", c, {"takeover"})


def split(r: Revision) -> None:
    """One item split in two: the larger part modified in place, the other part added after it."""
    a = r.find("ymg-0022")
    a["name"] = "负责镇人大换届选举，履行镇人大主席团职责，做好人大代表的履职服务、保障等工作"
    part = {"no": 0, "category": a["category"], "name": "负责人大代表联络站建设，做好交办的人大代表建议的办理工作"}
    items = r.items("basic")
    items.insert(items.index(a) + 1, part)
    r.expect("modified", a, {"name"})
    r.expect("added", part)


def merge(r: Revision) -> None:
    """Two neighbouring items merged into one: the more similar modified, the other removed."""
    a, b = r.find("ymg-0025"), r.find("ymg-0026")
    a["name"] = "加强基层团组织建设和少先队工作，做好青少年思想引领、组织动员和联系服务工作，加强基层妇联组织建设"
    r.items("basic").remove(b)
    r.expect("modified", a, {"name"})
    r.expect("removed", old=r.where[id(b)])


def department_renamed(r: Revision) -> None:
    """A department renamed across every cooperative item that names it: one modification per item."""
    for item in r.items("cooperative"):
        if "米东区市场监督管理局" in item["departments"]:
            item["departments"] = ["米东区市场监管局" if d == "米东区市场监督管理局" else d for d in item["departments"]]
            r.expect("modified", item, {"departments"})


def block_moved(r: Revision) -> None:
    """The six 应急管理及消防 items moved as a block to the top of the basic list: those six moved."""
    block = [r.take(f"ymg-{n:04d}") for n in range(113, 119)]
    r.items("basic")[0:0] = block
    for item in block:
        r.expect("moved", item)


def withdrawn_and_restored(r: Revision) -> None:
    """A basic item taken back by a district department, and a withdrawn item given back to the township."""
    gone = r.take("ymg-0101")
    gone = r.transfer(gone, "withdrawn", department="米东区住房和城乡建设局", takeover="负责自建房安全隐患排查和报告工作")
    r.expect("moved", gone, {"department", "takeover"})
    back = r.take("ymg-0231")
    back = r.transfer(back, "basic", at=60)
    r.expect("moved", back, {"department", "takeover"})


def points_inserted(r: Revision) -> None:
    """A duty point inserted in the middle of a block, another at a block's start: one modified item each."""
    a = r.find("ymg-0141")
    a["department_duties"].insert(1, {"point": "负责建立信用信息归集共享机制，按月通报失信主体名单；"})
    r.expect("modified", a, {"department_duties"})
    b = r.find("ymg-0132")
    b["town_duties"].insert(0, {"point": "制定年度工作计划，明确责任分工；"})
    r.expect("modified", b, {"town_duties"})


HEAVY_OLD = "加强基层工会组织建设，维护职工合法权益，做好先进典型的培育、推荐工作"
HEAVY_NEW = "推进镇村两级工会组织建设，保障职工合法权益，组织开展劳动竞赛和先进典型推荐"
LOOKALIKE = "加强基层工会组织规范化建设，维护农民工合法权益，做好先进典型选树工作"


def heavy_rewrite(r: Revision) -> None:
    """An item rewritten heavily in place, and a new item elsewhere worded like the old one: modified + added."""
    a = r.find("ymg-0024")
    assert a["name"] == HEAVY_OLD
    a["name"] = HEAVY_NEW
    lookalike = {"no": 0, "category": "社会保障", "name": LOOKALIKE}
    items = r.items("basic")
    items.insert(items.index(r.find("ymg-0090")), lookalike)
    r.expect("modified", a, {"name"})
    r.expect("added", lookalike)


def moved_and_reworded(r: Revision) -> None:
    """An item moved to another place and reworded: one move with its word changes (移动+修改)."""
    a = r.take("ymg-0023")
    a["name"] = a["name"].replace("建立基层政协联络工作机制", "健全政协委员联络工作机制")
    items = r.items("basic")
    items.insert(items.index(r.find("ymg-0080")), a)
    r.expect("moved", a, {"name"})


def explanation_edits(r: Revision) -> None:
    """A sentence changed in one paragraph and a paragraph added: explanation changes, no item changes."""
    sections = r.new["explanation"]["sections"]
    sections[1]["paragraphs"][0] = sections[1]["paragraphs"][0].replace("分三个阶段", "分四个阶段")
    sections[0]["paragraphs"].append("清单实行动态调整，每年评估一次。")


def formatting_only(r: Revision) -> None:
    """Full-width digits, a stray space and a half-width comma: listed as formatting, not as changes."""
    a = r.find("ymg-0130")
    a["name"] = a["name"].replace("12345", "１２３４５")
    r.expect_formatting(a, "name")
    b = r.find("ymg-0141")
    b["town_duties"][1]["point"] = " " + b["town_duties"][1]["point"]
    r.expect_formatting(b, "town_duties", 1)
    c = r.find("ymg-0104")
    c["name"] = c["name"].replace("、", "、 ")
    r.expect_formatting(c, "name")
    paragraphs = r.new["explanation"]["sections"][0]["paragraphs"]
    paragraphs[0] = paragraphs[0].replace("19.3", "１９．３")


def formatting_beside_a_change(r: Revision) -> None:
    """In one cell a point reworded and another re-spaced, in one list of names a name re-spaced and one added:
    the item is modified in those fields, and the re-spacings are listed as formatting, not as changes."""
    a = r.find("ymg-0133")
    a["town_duties"][0]["point"] = a["town_duties"][0]["point"].replace("；", "，按月报送；", 1)
    a["town_duties"][2]["point"] = a["town_duties"][2]["point"] + "　"
    a["departments"] = [d.replace("米东区", "米东区 ", 1) for d in a["departments"]] + ["米东区财政局"]
    r.expect("modified", a, {"town_duties", "departments"})
    r.expect_formatting(a, "town_duties", 2)
    for k in range(len(a["departments"]) - 1):
        r.expect_formatting(a, "departments", k)


SCENARIOS = {f.__name__: f for f in (wording, split, merge, department_renamed, block_moved, withdrawn_and_restored,
                                     points_inserted, heavy_rewrite, moved_and_reworded, explanation_edits,
                                     formatting_only, formatting_beside_a_change)}


def revised(old: dict, *names: str) -> tuple[dict, set, set]:
    """Apply the named scenarios to a copy of old; return new data, expected changes, expected formatting."""
    r = Revision(old)
    for name in names:
        SCENARIOS[name](r)
    return r.answer()


def reported_formatting(diff) -> set:
    return {(f.part, (f.new.list, f.new.no), f.field, f.index) for f in diff.formatting if f.part == "item"}


def with_ids(old: dict, new: dict, ids: str) -> tuple[dict, dict]:
    """Return the pair as compared: ids on both sides, on neither, or on the old side only."""
    return (strip_ids(old) if ids == "neither" else old), (new if ids == "both" else strip_ids(new))
