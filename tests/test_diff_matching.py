"""Matching without ids: each threshold and bonus of dutydocs.diff.matching pinned from both sides.

Every test states the similarity its texts have (so a reader sees which side of which threshold it
tests), then checks the report on the bundled source with the ids stripped.
"""
from __future__ import annotations

import copy

import pytest

from dutydocs.diff.align import ENTRY_THRESHOLD, similarity
from dutydocs.diff.compare import compare
from dutydocs.diff.matching import BODY_THRESHOLD, KEPT_THRESHOLD, NAME_THRESHOLD, REWRITE_THRESHOLD, body

from diff_scenarios import data_of, doc_of, renumber, reported, strip_ids


@pytest.fixture(scope="module")
def pair(bundled_path):
    data = strip_ids(data_of(bundled_path))
    return data, doc_of(data)


def kinds_after(pair, edit):
    """Edit a copy of the bundled data; return the set of (kind, fields) reported, and the diff."""
    data, old = pair
    new = copy.deepcopy(data)
    edit(new["lists"])
    renumber(new)
    diff = compare(old, doc_of(new))
    return sorted((c.kind, tuple(sorted(c.fields))) for c in diff.changes), diff


def _move_far(items, k, name=None):
    item = items.pop(k)
    if name is not None:
        item["name"] = name
    items.insert(len(items) - 5, item)
    return item


# --- NAME_THRESHOLD -----------------------------------------------------------------------------

def test_name_similar_enough_pairs_a_moved_item(pair):
    old = pair[0]["lists"]["basic"]["items"][20]["name"]
    new = "推动监察职能向村延伸，强化对村级“小微权力”的日常监督，整治群众身边不正之风"
    assert NAME_THRESHOLD <= similarity(old, new) < min(BODY_THRESHOLD, 85)  # only the name rule pairs them
    kinds, _ = kinds_after(pair, lambda lists: _move_far(lists["basic"]["items"], 20, new))
    assert kinds == [("moved", ("name",))]


def test_names_too_far_apart_do_not_pair(pair):
    old = pair[0]["lists"]["basic"]["items"][20]["name"]
    new = "推动村务监督委员会建设，加强对村级事务的监督检查"
    assert 25 <= similarity(old, new) < NAME_THRESHOLD
    kinds, _ = kinds_after(pair, lambda lists: _move_far(lists["basic"]["items"], 20, new))
    assert kinds == [("added", ()), ("removed", ())]


# --- BODY_THRESHOLD -----------------------------------------------------------------------------

def test_whole_item_similar_enough_pairs_a_renamed_item(pair):
    item = pair[0]["lists"]["cooperative"]["items"][10]
    renamed = dict(item, name="社会诚信建设")
    assert similarity(item["name"], renamed["name"]) < NAME_THRESHOLD
    assert BODY_THRESHOLD <= _body_similarity(item, renamed) < 100
    kinds, _ = kinds_after(pair, lambda lists: _move_far(lists["cooperative"]["items"], 10, renamed["name"]))
    assert kinds == [("moved", ("name",))]


def test_whole_items_too_far_apart_do_not_pair(pair):
    item = pair[0]["lists"]["cooperative"]["items"][10]
    other = dict(item, name="推进招商引资项目落地工作", category="投资促进",
                 department_duties=item["department_duties"][:1] + [{"point": "负责统筹全区招商引资项目的谋划、洽谈和落地服务。"}],
                 town_duties=[{"point": "做好项目落地的用地、用工等保障服务。"}])
    assert 30 <= _body_similarity(item, other) < BODY_THRESHOLD
    assert similarity(item["name"], other["name"]) < NAME_THRESHOLD

    def edit(lists):
        items = lists["cooperative"]["items"]
        items.pop(10)
        items.insert(len(items) - 5, other)

    kinds, _ = kinds_after(pair, edit)
    assert kinds == [("added", ()), ("removed", ())]


def _body_similarity(a: dict, b: dict) -> float:
    from dutydocs import source

    def item(data):
        return source.from_data({**_SKELETON, "lists": {"basic": {"title": "", "items": []},
                                                        "cooperative": {"title": "", "items": [dict(data, no=1)]},
                                                        "withdrawn": {"title": "", "items": []}}}).lists[1].items[0]
    from rapidfuzz import fuzz
    return fuzz.ratio(body(item(a)), body(item(b)))


_SKELETON = {"schema_version": 1, "title": "t", "township": "t", "revision": {"date": "2025-01-01"},
             "explanation": {"title": "说明", "sections": []}}


# --- REWRITE_THRESHOLD and PLACE_BONUS ----------------------------------------------------------

def test_heavy_rewrite_in_place_stays_paired(pair):
    old = pair[0]["lists"]["basic"]["items"][23]["name"]
    new = "推进镇村两级工会组织建设，保障职工合法权益，组织开展劳动竞赛和先进典型推荐"
    assert REWRITE_THRESHOLD <= similarity(old, new) < NAME_THRESHOLD
    kinds, _ = kinds_after(pair, lambda lists: lists["basic"]["items"][23].update(name=new))
    assert kinds == [("modified", ("name",))]


def test_unrelated_replacement_in_place_is_removal_and_addition(pair):
    old = pair[0]["lists"]["basic"]["items"][23]["name"]
    new = "指导基层工会组织开展职工技能培训和劳动竞赛工作"
    assert 30 <= similarity(old, new) < REWRITE_THRESHOLD
    kinds, _ = kinds_after(pair, lambda lists: lists["basic"]["items"][23].update(name=new))
    assert kinds == [("added", ()), ("removed", ())]


@pytest.mark.parametrize("category, at", [("社会保障", 95), ("社会保障", 24), ("党的建设", 95)],
                         ids=["other-category-far", "other-category-next-to-it", "same-category-far"])
def test_heavy_rewrite_is_not_stolen_by_a_lookalike(pair, category, at):
    """The lookalike is more similar to the old item than the rewrite is; category and place decide."""
    old = pair[0]["lists"]["basic"]["items"][23]["name"]
    rewrite = "推进镇村两级工会组织建设，保障职工合法权益，组织开展劳动竞赛和先进典型推荐"
    lookalike = "加强基层工会组织规范化建设，维护农民工合法权益，做好先进典型选树工作"
    assert similarity(old, rewrite) < similarity(old, lookalike) < BODY_THRESHOLD

    def edit(lists):
        items = lists["basic"]["items"]
        items[23]["name"] = rewrite
        items.insert(at, {"no": 0, "category": category, "name": lookalike})

    kinds, diff = kinds_after(pair, edit)
    assert kinds == [("added", ()), ("modified", ("name",))]
    assert [c.new.no for c in diff.changes if c.kind == "added"] == [at + 1]


def test_moved_item_is_not_taken_by_a_weaker_rewrite_in_its_place(pair):
    """Place is evidence, not a verdict: a new item at the old place, much less similar, does not win."""
    old = pair[0]["lists"]["basic"]["items"][20]["name"]
    moved = "推动监察职能向村延伸，加强对“小微权力”运行情况的监督检查，整治群众身边不正之风和腐败问题"
    in_place = "推动监察职能向村延伸，开展村级财务运行情况的监督检查和审计"
    assert REWRITE_THRESHOLD <= similarity(old, in_place) < NAME_THRESHOLD <= similarity(old, moved)

    def edit(lists):
        items = lists["basic"]["items"]
        _move_far(items, 20, moved)
        items.insert(20, {"no": 0, "category": "党的建设", "name": in_place})

    kinds, diff = kinds_after(pair, edit)
    assert kinds == [("added", ()), ("moved", ("name",))]
    assert [c.new.no for c in diff.changes if c.kind == "added"] == [21]


def test_recategorised_item_is_not_taken_by_a_lookalike_of_its_old_category(pair):
    """Category is evidence, not a verdict: a lightly reworded item that changed category stays itself."""
    old = pair[0]["lists"]["basic"]["items"][20]["name"]
    reworded = old.replace("深化整治", "持续深化整治")
    lookalike = "推动监察职能向村延伸，强化对村级“小微权力”的日常监督，整治群众身边不正之风"
    assert NAME_THRESHOLD <= similarity(old, lookalike) < similarity(old, reworded)

    def edit(lists):
        items = lists["basic"]["items"]
        items[20].update(name=reworded, category="平安法治")
        items.insert(len(items) - 5, {"no": 0, "category": "党的建设", "name": lookalike})

    kinds, _ = kinds_after(pair, edit)
    assert kinds == [("added", ()), ("modified", ("category", "name"))]


def test_merge_keeps_the_more_similar_item(pair):
    items = pair[0]["lists"]["basic"]["items"]
    a, b = items[24]["name"], items[25]["name"]
    merged = "加强基层妇联和团组织建设，开展妇女儿童关爱帮扶工作，维护妇女儿童合法权益，做好青少年思想引领"
    assert similarity(b, merged) > similarity(a, merged)

    def edit(lists):
        basic = lists["basic"]["items"]
        basic[24]["name"] = merged
        del basic[25]

    _, diff = kinds_after(pair, edit)
    assert reported(diff) == {("modified", ("basic", 26), ("basic", 25), frozenset({"name"})),
                              ("removed", ("basic", 25), None, frozenset())}


# --- KEPT_THRESHOLD -----------------------------------------------------------------------------

SHORT = "做好“双拥”工作"  # basic 29


def _kept(old: str, new: str) -> float:
    from rapidfuzz import fuzz

    from dutydocs.diff.align import normalise

    return fuzz.partial_ratio(normalise(old), normalise(new))


def test_short_name_expanded_in_place_stays_paired(pair):
    new = "做好“双拥”共建工作，落实退役军人优抚安置政策，开展拥军优属、拥政爱民活动"
    assert similarity(SHORT, new) < REWRITE_THRESHOLD <= KEPT_THRESHOLD <= _kept(SHORT, new) < 90
    kinds, _ = kinds_after(pair, lambda lists: lists["basic"]["items"][28].update(name=new))
    assert kinds == [("modified", ("name",))]
    cut = pair[0]["lists"]["basic"]["items"][21]["name"].split("，")[0]
    kinds, _ = kinds_after(pair, lambda lists: lists["basic"]["items"][21].update(name=cut))
    assert kinds == [("modified", ("name",))]


def test_short_name_mostly_replaced_in_place_is_removal_and_addition(pair):
    new = "做好“拥军优属”工作，落实退役军人优抚安置政策，开展拥政爱民活动"
    assert similarity(SHORT, new) < REWRITE_THRESHOLD and 60 <= _kept(SHORT, new) < KEPT_THRESHOLD
    kinds, _ = kinds_after(pair, lambda lists: lists["basic"]["items"][28].update(name=new))
    assert kinds == [("added", ()), ("removed", ())]


def test_short_name_expanded_elsewhere_is_removal_and_addition(pair):
    new = SHORT + "，落实退役军人优抚安置政策，开展拥军优属、拥政爱民活动"
    assert _kept(SHORT, new) == 100 and similarity(SHORT, new) < REWRITE_THRESHOLD
    kinds, _ = kinds_after(pair, lambda lists: _move_far(lists["basic"]["items"], 28, new))
    assert kinds == [("added", ()), ("removed", ())]


# --- ENTRY_THRESHOLD ----------------------------------------------------------------------------

def _entry_ops(pair, text):
    def edit(lists):
        lists["cooperative"]["items"][10]["town_duties"][0]["point"] = text
    _, diff = kinds_after(pair, edit)
    [change] = diff.changes
    return [e.op for b in change.fields["town_duties"].blocks for e in b.entries if e.op != "same"]


def test_reworded_point_is_one_modified_entry(pair):
    old = pair[0]["lists"]["cooperative"]["items"][10]["town_duties"][0]["point"]
    new = "开展信用评价宣传活动，提高辖区企业、村民对社会信用体系的知晓度；"
    assert ENTRY_THRESHOLD <= similarity(old, new) < 100
    assert _entry_ops(pair, new) == ["modified"]


def test_unrelated_point_is_removed_and_added(pair):
    old = pair[0]["lists"]["cooperative"]["items"][10]["town_duties"][0]["point"]
    new = "按月汇总失信被执行人名单并上报；"
    assert 0 < similarity(old, new) < ENTRY_THRESHOLD
    assert sorted(_entry_ops(pair, new)) == ["added", "removed"]


def _blocks(old, new):
    from dutydocs.diff.textdiff import compare_duties
    from dutydocs.model import Duties, Entry

    def duties(entries):
        return Duties(tuple(Entry("heading", t[1:]) if t.startswith("#") else Entry("point", t) for t in entries))
    change = compare_duties(duties(old), duties(new))
    return [(b.old_heading, b.new_heading, [e.op for e in b.entries]) for b in change.blocks]


KEPT_POINTS = ["指导乡镇开展信用评价宣传工作；", "协助推进诚信评选树立工作，汇总报送推荐名单。"]


def test_points_under_a_heading_put_over_them_stay_one_block():
    new = ["#区发展改革委", *KEPT_POINTS]
    assert ENTRY_THRESHOLD <= similarity("".join(KEPT_POINTS), "".join(new).replace("#", "")) < 100
    assert _blocks(KEPT_POINTS, new) == [(None, "区发展改革委", ["same", "same"])]
    assert _blocks(new, KEPT_POINTS) == [("区发展改革委", None, ["same", "same"])]  # and the heading taken off


def test_unrelated_blocks_whose_headings_differ_stay_apart():
    new = ["#区市场监管局", "负责市场主体信用信息的归集和公示。"]
    assert similarity("".join(KEPT_POINTS), "".join(new).replace("#", "")) < ENTRY_THRESHOLD
    assert _blocks(KEPT_POINTS, new) == [(None, None, ["removed", "removed"]), (None, "区市场监管局", ["added"])]


# --- the indexed candidate path -----------------------------------------------------------------

def test_indexed_path_gives_the_direct_paths_report():
    """A few hundred items without ids, names rewritten, duties kept: the index finds what scoring all pairs finds."""
    import random

    from diff_scenarios import generated

    base = strip_ids(generated(400, seed=5))
    new = copy.deepcopy(base)
    rng = random.Random(9)
    for key in ("cooperative", "withdrawn"):
        for item in new["lists"][key]["items"]:
            item["name"] = rng.choice(["统筹", "推进", "做好", "落实"]) + "本镇" + item["name"][::-1][:8] + "事项"
    basic = new["lists"]["basic"]["items"]
    basic.insert(40, basic.pop(5))
    old_doc, new_doc = doc_of(base), doc_of(new)
    direct = compare(old_doc, new_doc)
    indexed = compare(old_doc, new_doc, direct_pairs=0)
    assert reported(indexed) == reported(direct)
    kinds = sorted((c.kind, tuple(c.fields)) for c in direct.changes)
    assert kinds.count(("modified", ("name",))) >= 200 and ("moved", ()) in kinds
    assert {c.kind for c in direct.changes} <= {"modified", "moved", "added", "removed"}
    assert sum(c.kind in ("added", "removed") for c in direct.changes) <= 2
