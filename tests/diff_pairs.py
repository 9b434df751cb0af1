"""More revision pairs of the bundled source with known answers, beyond diff_scenarios: several edits at once,
moves across lists, near-identical items, reordering, categories renamed or emptied, tiny and empty lists,
edits of duty blocks and of the explanation, and hostile text. Each pair function edits a Revision.
"""
from __future__ import annotations

from diff_scenarios import Revision


def combined(r: Revision) -> None:
    """One revision with a reword, a move, a move+reword, an addition and a removal in one list."""
    a = r.find("ymg-0031")
    a["name"] = a["name"] + "，壮大村集体经济"
    r.expect("modified", a, {"name"})
    b = r.take("ymg-0040")
    items = r.items("basic")
    items.insert(items.index(r.find("ymg-0005")), b)
    r.expect("moved", b)
    c = r.take("ymg-0070")
    c["name"] = c["name"].replace("工作", "相关工作", 1) if "工作" in c["name"] else c["name"] + "相关工作"
    items.insert(items.index(r.find("ymg-0110")), c)
    r.expect("moved", c, {"name"})
    gone = r.take("ymg-0050")
    r.expect("removed", old=r.where[id(gone)])
    new = {"no": 0, "category": r.find("ymg-0060")["category"], "name": "做好辖区老旧小区改造的群众动员和矛盾调处工作"}
    items.insert(items.index(r.find("ymg-0060")), new)
    r.expect("added", new)


def moved_across_and_reworded(r: Revision) -> None:
    """A basic item given to a district department and reworded on the way: one move with its fields."""
    a = r.take("ymg-0099")
    a = r.transfer(a, "withdrawn", at=3, department="米东区住房和城乡建设局", takeover="负责小型工程施工安全监管")
    a["name"] = a["name"].replace("排查和报告", "排查、报告和督促整改")
    r.expect("moved", a, {"name", "department", "takeover"})


def twin_removed(r: Revision) -> None:
    """Of two items with similar names in one category, one removed and the other lightly reworded."""
    a, b = r.find("ymg-0099"), r.find("ymg-0101")
    r.items("basic").remove(b)
    a["name"] = a["name"].replace("排查和报告", "排查、报告")
    r.expect("modified", a, {"name"})
    r.expect("removed", old=r.where[id(b)])


def category_renamed(r: Revision) -> None:
    """应急管理及消防 renamed 应急管理 in every list: one modification (category) per item."""
    for dl in r.new["lists"].values():
        for item in dl["items"]:
            if item["category"] == "应急管理及消防":
                item["category"] = "应急管理"
                r.expect("modified", item, {"category"})


def category_emptied(r: Revision) -> None:
    """Every basic item of 民生服务 removed."""
    for item in [i for i in r.items("basic") if i["category"] == "民生服务"]:
        r.items("basic").remove(item)
        r.expect("removed", old=r.where[id(item)])


def withdrawn_emptied(r: Revision) -> None:
    """The withdrawn list emptied: every item removed."""
    for item in list(r.items("withdrawn")):
        r.expect("removed", old=r.where[id(item)])
    r.items("withdrawn").clear()


def same_name_other_list(r: Revision) -> None:
    """A cooperative item added with the very name of a basic item (the township's part split out)."""
    a = r.find("ymg-0127")
    new = {"no": 0, "category": a["category"], "name": a["name"], "departments": ["米东区档案馆"],
           "department_duties": [{"point": "指导镇档案规范化管理；"}], "town_duties": [{"point": "按要求移交档案。"}]}
    r.items("cooperative").insert(5, new)
    r.expect("added", new)


def block_points_reordered(r: Revision) -> None:
    """Two points of a duty block swapped, one point's words changed in another item."""
    a = r.find("ymg-0170")
    d = a["department_duties"]
    d[0], d[1] = d[1], d[0]
    r.expect("modified", a, {"department_duties"})


def duty_heading_renamed(r: Revision) -> None:
    """A duty block's heading renamed in both cells of one item."""
    a = r.find("ymg-0132")
    for cell in ("department_duties", "town_duties"):
        for e in a[cell]:
            if e.get("heading") == "一、年度绩效考核":
                e["heading"] = "一、年度绩效考核工作"
    r.expect("modified", a, {"department_duties", "town_duties"})


def department_dropped(r: Revision) -> None:
    """One department taken off an item's list, and its block with it."""
    a = r.find("ymg-0160")
    a["departments"].remove("米东区工业和信息化局")
    a["department_duties"] = a["department_duties"][:4]
    r.expect("modified", a, {"departments", "department_duties"})


def formatting_and_words_in_one_field(r: Revision) -> None:
    """A name re-spaced and given full-width digits, and a word changed, in the same text."""
    a = r.find("ymg-0130")
    a["name"] = a["name"].replace("12345", "１２３４５").replace("、", "、 ", 1) + "，按时办结"
    r.expect("modified", a, {"name"})


def expanded_in_place(r: Revision) -> None:
    """A short name expanded to three times its length, the old words kept: modified in place."""
    a = r.find("ymg-0029")
    a["name"] = a["name"] + "，落实退役军人优抚安置政策，开展拥军优属、拥政爱民活动"
    r.expect("modified", a, {"name"})
    b = r.find("ymg-0022")
    b["name"] = "负责镇人大换届选举"
    r.expect("modified", b, {"name"})


def hostile_text(r: Revision) -> None:
    """Changed fields holding markup and formula-like text."""
    a = r.find("ymg-0004")
    a["name"] = '=HYPERLINK("http://x.invalid")' + a["name"] + "<script>alert(1)</script>"
    r.expect("modified", a, {"name"})
    b = r.find("ymg-0233")
    b["takeover"] = "+1 & <b>负责</b> @SUM(A1)"
    r.expect("modified", b, {"takeover"})


PAIRS = {f.__name__: f for f in (combined, moved_across_and_reworded, twin_removed, category_renamed,
                                 category_emptied, withdrawn_emptied, same_name_other_list, block_points_reordered,
                                 duty_heading_renamed, department_dropped, formatting_and_words_in_one_field,
                                 expanded_in_place, hostile_text)}


def fields_emptied_and_filled(r: Revision) -> None:
    """A withdrawn item's 承接方式 taken away and a 说明 given; a cooperative item's town duties emptied."""
    a = r.find("ymg-0229")
    del a["takeover"]
    a["note"] = "法律法规条款已失效，不再开展此项工作"
    r.expect("modified", a, {"takeover", "note"})
    b = r.find("ymg-0150")
    b["town_duties"] = []
    r.expect("modified", b, {"town_duties"})


def moved_across_with_formatting(r: Revision) -> None:
    """A withdrawn item given back to the township, its name re-spaced on the way: a move, the spacing apart."""
    a = r.take("ymg-0236")
    a = r.transfer(a, "basic", at=40)
    a["name"] = a["name"].replace("安全", "安全 ")
    r.expect("moved", a, {"department", "takeover"})
    r.expect_formatting(a, "name")


PAIRS.update({f.__name__: f for f in (fields_emptied_and_filled, moved_across_with_formatting)})


def neighbours_rewritten(r: Revision) -> None:
    """Three neighbouring items of one category all rewritten heavily: three modifications in place, no move."""
    rewrites = {
        "ymg-0025": "推进基层共青团和少先队组织建设，做好青少年思想政治引领和服务工作",  # 64 to its old name
        "ymg-0026": "推进基层妇联组织建设，做好妇女儿童关爱服务，依法维护其合法权益",  # 68
        "ymg-0027": "推进基层关工委组织建设，发挥“五老”在关心下一代工作中的作用",  # 57; 25–32 to the others
    }
    for item_id, name in rewrites.items():
        a = r.find(item_id)
        a["name"] = name
        r.expect("modified", a, {"name"})


def swapped_between_lists(r: Revision) -> None:
    """A basic item withdrawn and a withdrawn item given back, each reworded: two moves with their fields."""
    a = r.transfer(r.take("ymg-0101"), "withdrawn", at=10, department="米东区住房和城乡建设局",
                   takeover="负责自建房安全隐患排查工作")
    a["name"] = a["name"].replace("排查和报告", "排查、整治和报告")
    r.expect("moved", a, {"name", "department", "takeover"})
    b = r.transfer(r.take("ymg-0246"), "basic", at=100)
    b["name"] = b["name"].replace("水质检测", "水质日常检测")
    r.expect("moved", b, {"name", "department", "takeover"})


PAIRS.update({f.__name__: f for f in (neighbours_rewritten, swapped_between_lists)})


def same_name_earlier_list(r: Revision) -> None:
    """A basic item added with the very name of a cooperative item (the township's own part of it)."""
    a = r.find("ymg-0134")
    new = {"no": 0, "category": a["category"], "name": a["name"]}
    r.items("basic").insert(20, new)
    r.expect("added", new)


PAIRS.update({f.__name__: f for f in (same_name_earlier_list,)})


def moved_with_duties_reworded(r: Revision) -> None:
    """A cooperative item moved up its list, its name, a town duty point and a department renamed on the way,
    and a point inserted first in its town duties: one move with those fields (each shown word by word)."""
    a = r.take("ymg-0141")
    a["name"] = a["name"].replace("推进社会信用体系建设工作", "推进社会信用体系和诚信文化建设工作")
    a["departments"] = ["米东区发展和改革委"]
    a["town_duties"][0]["point"] = a["town_duties"][0]["point"].replace("开展信用评价宣传工作", "常态化开展信用宣传工作")
    a["town_duties"].insert(0, {"point": "明确专人负责社会信用体系建设工作；"})
    items = r.items("cooperative")
    items.insert(items.index(r.find("ymg-0133")), a)
    r.expect("moved", a, {"name", "departments", "town_duties"})


PAIRS.update({f.__name__: f for f in (moved_with_duties_reworded,)})
