"""Revision pairs an independent checker built (issue 11: "pairs you have not seen"), each with its known answer.

The kinds of edit a township makes between review rounds, none of them in diff_scenarios.py or diff_pairs.py:
neighbours swapped in a list with duty cells, a withdrawn item given to the cooperative list under another
department, a category deleted from every list, a category renamed in every list, an item split into three,
three items merged into one, a duty point removed mid-block and another added at the block's end, a department
renamed in some items only, punctuation-only edits, explanation paragraphs inserted or replaced, a section
heading rewritten, 序号 renumbering only, an item withdrawn with its 承接方式, items deleted and a near-identical
one added in another category, one name in two categories, the lists' titles edited, brackets re-typed beside a
reword, and a second department giving a duty cell its headings. Each pair runs with ids, without (a Word or
Excel round trip), and with the old side's only; json, text and html counts are checked per pair, the xlsx and
docx counts and the same bytes twice on all pairs at once. About 10 s on a loaded 2-core machine.

Which punctuation edits are formatting only follows the issue's rule (equal after whitespace removal and NFKC):
，→,  ；→;  （）→()  and ：→: are (NFKC maps full-width forms to ASCII); 、→,  。→.  and “”→"" are not (those
characters have no compatibility mapping), so those are modifications.
"""
from __future__ import annotations

import copy
import io
import json
import re
import unicodedata
import zipfile
from collections import Counter

import jsonschema
import pytest
from lxml import etree, html
from openpyxl import load_workbook
from openpyxl.cell.rich_text import CellRichText

from dutydocs.diff import render
from dutydocs.diff.changes import DOCUMENT_TITLES
from dutydocs.diff.compare import compare
from dutydocs.diff.report import schema

from diff_scenarios import Revision, doc_of, renumber, reported, reported_formatting, with_ids

IDS = ["both", "neither", "old-only"]
TITLES = {"added": "新增", "removed": "删除", "modified": "修改", "moved": "移动"}


def neighbours_swapped(r: Revision) -> None:
    """Two neighbouring cooperative items swapped: one of them moved, nothing else (checked in the test)."""
    items = r.items("cooperative")
    a, b = r.find("ymg-0160"), r.find("ymg-0161")
    k = items.index(a)
    items[k], items[k + 1] = b, a
    r.expect("moved", a)


def withdrawn_to_cooperative(r: Revision) -> None:
    """A withdrawn item handed back as a cooperative item under another department: moved, every field of both lists."""
    a = r.transfer(r.take("ymg-0235"), "cooperative", at=20, departments=["米东区动物疫病预防控制中心"],
                   department_duties=[{"point": "负责动物产地检疫和动物产品检疫；"}],
                   town_duties=[{"point": "协助做好动物检疫申报的宣传和组织工作。"}])
    r.expect("moved", a, {"department", "takeover", "departments", "department_duties", "town_duties"})


def category_deleted(r: Revision) -> None:
    """卫生健康 deleted from all three lists: ten removals."""
    for duty_list in r.new["lists"].values():
        for item in [i for i in duty_list["items"] if i["category"] == "卫生健康"]:
            duty_list["items"].remove(item)
            r.expect("removed", old=r.where[id(item)])


def category_renamed(r: Revision) -> None:
    """社会保障 renamed 社会保障和就业 in all three lists: one modification (category) per item, twenty."""
    for duty_list in r.new["lists"].values():
        for item in duty_list["items"]:
            if item["category"] == "社会保障":
                item["category"] = "社会保障和就业"
                r.expect("modified", item, {"category"})


def split_in_three(r: Revision) -> None:
    """An item split into three rows, the first keeping the largest part: it is modified, the two others added."""
    a = r.find("ymg-0008")
    a["name"] = "按照干部管理权限，负责干部教育、培养、选拔、考核、管理和监督工作"
    parts = [{"no": 0, "category": "党的建设", "name": "负责村“两委”干部及其后备力量“选育管用”工作"},
             {"no": 0, "category": "党的建设", "name": "服务管理退休老干部"}]
    items = r.items("basic")
    k = items.index(a)
    items[k + 1:k + 1] = parts
    r.expect("modified", a, {"name"})
    for part in parts:
        r.expect("added", part)


def three_merged(r: Revision) -> None:
    """Three items of one category merged into the first, which is the most similar: it is modified, two removed."""
    a, b, c = r.find("ymg-0012"), r.find("ymg-0013"), r.find("ymg-0016")
    a["name"] = "健全党建引领基层治理机制，完善社会参与制度，加强基层政权治理能力建设，构建城镇党建联动体系"
    r.expect("modified", a, {"name"})
    for gone in (b, c):
        r.items("basic").remove(gone)
        r.expect("removed", old=r.where[id(gone)])


def point_removed_and_added(r: Revision) -> None:
    """In a block of seven points the third removed and a new one added at the block's end: one modified item."""
    a = r.find("ymg-0138")
    duties = a["department_duties"]
    del duties[3]
    end = next(k for k, e in enumerate(duties) if k and "heading" in e)
    duties.insert(end, {"point": "区人大做好代表建议办理情况的跟踪督办；"})
    r.expect("modified", a, {"department_duties"})


def department_renamed_in_some(r: Revision) -> None:
    """米东区农业农村局 renamed in its first four cooperative items and one withdrawn item, not in the others."""
    renamed = 0
    for item in r.items("cooperative"):
        if "米东区农业农村局" in item["departments"] and renamed < 4:
            item["departments"] = ["米东区农业农村和水利局" if d == "米东区农业农村局" else d for d in item["departments"]]
            r.expect("modified", item, {"departments"})
            renamed += 1
    withdrawn = next(i for i in r.items("withdrawn") if i.get("department") == "米东区农业农村局")
    withdrawn["department"] = "米东区农业农村和水利局"
    r.expect("modified", withdrawn, {"department"})


def punctuation_only(r: Revision) -> None:
    """，→,  （）→()  ；→;  ：→: are formatting only; 、→,  “”→"" and 。→. are modifications (see the module's note)."""
    a = r.find("ymg-0031")
    a["name"] = a["name"].replace("，", ",")
    r.expect_formatting(a, "name")
    b = r.find("ymg-0083")
    b["name"] = b["name"].replace("（", "(").replace("）", ")")
    r.expect_formatting(b, "name")
    c = r.find("ymg-0141")
    c["town_duties"][0]["point"] = c["town_duties"][0]["point"].replace("；", ";")
    r.expect_formatting(c, "town_duties", 0)
    d = r.find("ymg-0191")
    d["department_duties"][2]["point"] = d["department_duties"][2]["point"].replace("如：", "如:")
    r.expect_formatting(d, "department_duties", 2)
    e = r.find("ymg-0104")
    e["name"] = e["name"].replace("、", ",")
    r.expect("modified", e, {"name"})
    f = r.find("ymg-0001")
    f["name"] = f["name"].replace("“", '"').replace("”", '"')
    r.expect("modified", f, {"name"})
    g = r.find("ymg-0154")
    g["town_duties"][1]["point"] = g["town_duties"][1]["point"].replace("。", ".")
    r.expect("modified", g, {"town_duties"})


def explanation_paragraph_inserted(r: Revision) -> None:
    """A paragraph inserted between two of 三's, and the count in the next one updated: added + modified paragraph."""
    paragraphs = r.new["explanation"]["sections"][2]["paragraphs"]
    paragraphs[1] = paragraphs[1].replace("共有配合履职事项98项", "共有配合履职事项99项")
    paragraphs.insert(1, "配合履职事项按照“谁主管、谁负责”的原则，由上级部门牵头，本镇配合落实。")
    r.explanation = [("added", "paragraph"), ("modified", "paragraph")]


def explanation_paragraph_replaced(r: Revision) -> None:
    """In 三 a paragraph put first and the (old) second paragraph removed: one added, one removed paragraph."""
    paragraphs = r.new["explanation"]["sections"][2]["paragraphs"]
    del paragraphs[1]
    paragraphs.insert(0, "本清单按照事项性质分为三类。")
    r.explanation = [("added", "paragraph"), ("removed", "paragraph")]


def section_heading_rewritten(r: Revision) -> None:
    """二、编制过程 renamed 二、工作开展情况 (nothing in common but the number), its paragraph kept: one heading modified."""
    r.new["explanation"]["sections"][1]["heading"] = "二、工作开展情况"
    r.explanation = [("modified", "heading")]


def withdrawn_with_takeover(r: Revision) -> None:
    """A basic item withdrawn into the middle of the withdrawn list with its 承接部门 and 承接方式: moved, those two fields."""
    a = r.transfer(r.take("ymg-0090"), "withdrawn", at=19, department="乌鲁木齐市自然资源局米东区分局",
                   takeover="负责测绘基础设施的保护和监督管理")
    r.expect("moved", a, {"department", "takeover"})


def deleted_and_near_identical_added(r: Revision) -> None:
    """Two basic items deleted, one of them re-added near-identical in another category: one removed, one moved+modified."""
    gone = r.take("ymg-0053")
    r.expect("removed", old=r.where[id(gone)])
    old = r.take("ymg-0069")
    new = {"no": 0, "category": "文化和旅游", "name": "开展科学技术普及宣传工作"}  # no id: typed as a new row
    items = r.items("basic")
    items.insert(items.index(r.find("ymg-0107")), new)
    r.where[id(new)] = r.where[id(old)]
    r.expect("moved", new, {"category", "name"})


def one_name_two_categories(r: Revision) -> None:
    """A name used in 社会管理 and 综合政务 (old side, see OLD_EDITS): the 社会管理 one made distinct, the 综合政务 one
    moved to the head of its category: one modified in place, one moved."""
    second = r.find("ymg-9001")
    second["name"] = "做好村级档案管理工作"
    r.expect("modified", second, {"name"})
    first = r.take("ymg-0127")
    items = r.items("basic")
    items.insert(items.index(r.find("ymg-0122")), first)
    r.expect("moved", first)


def list_titles_edited(r: Revision) -> None:
    """The cooperative list's title given （试行）, the withdrawn list's re-spaced: one document change, one formatting
    difference. (They are printed above each table; the tracked Word edition tracks them.)"""
    r.new["lists"]["cooperative"]["title"] += "（试行）"
    r.new["lists"]["withdrawn"]["title"] = "上级部门收回事项清单　"
    r.document = {"cooperative_title"}
    r.document_formatting = {"withdrawn_title"}


def brackets_beside_a_reword(r: Revision) -> None:
    """A withdrawn item's name given half-width brackets and its 承接方式 reworded: modified in 承接方式 only, the
    brackets listed as formatting."""
    a = r.find("ymg-0229")
    a["name"] = a["name"].replace("（", "(").replace("）", ")")
    a["takeover"] = "负责内地居民婚姻登记工作"
    r.expect("modified", a, {"takeover"})
    r.expect_formatting(a, "name")


def second_department_with_headings(r: Revision) -> None:
    """A second department added to a cooperative item, so its duty cell gains a heading per department (as the list's
    cells of several departments have): departments and department duties modified."""
    a = r.find("ymg-0141")
    a["departments"].append("米东区市场监督管理局")
    a["department_duties"] = [{"heading": "区发展改革委"}, *a["department_duties"], {"heading": "区市场监管局"},
                              {"point": "负责市场主体信用信息的归集和公示。"}]
    r.expect("modified", a, {"departments", "department_duties"})


def renumbering_only(r: Revision) -> None:
    """The old revision numbered two basic rows 20 (see OLD_EDITS); the new one numbers them right: no change at all."""


def _twin_name(old: dict) -> None:
    items = old["lists"]["basic"]["items"]
    at = next(k for k, i in enumerate(items) if i["id"] == "ymg-0070")
    items.insert(at, {"id": "ymg-9001", "no": 0, "category": "社会管理", "name": "做好档案管理工作"})
    renumber(old)


def _number_twenty_twice(old: dict) -> None:
    for item in old["lists"]["basic"]["items"][20:]:
        item["no"] -= 1


OLD_EDITS = {"one_name_two_categories": _twin_name, "renumbering_only": _number_twenty_twice}
PAIRS = {f.__name__: f for f in (
    neighbours_swapped, withdrawn_to_cooperative, category_deleted, category_renamed, split_in_three, three_merged,
    point_removed_and_added, department_renamed_in_some, punctuation_only, explanation_paragraph_inserted,
    withdrawn_with_takeover, deleted_and_near_identical_added, one_name_two_categories, renumbering_only,
    list_titles_edited, brackets_beside_a_reword, second_department_with_headings, section_heading_rewritten,
    explanation_paragraph_replaced)}


def strip(data: dict) -> dict:
    data = copy.deepcopy(data)
    for duty_list in data["lists"].values():
        for item in duty_list["items"]:
            item.pop("id", None)
    return data


def build(bundled, name: str):
    """Return (old data, Revision with its answer taken, new data, expected changes, expected formatting)."""
    data, olds = bundled
    old = data
    if name in OLD_EDITS:
        old = copy.deepcopy(data)
        OLD_EDITS[name](old)
    r = Revision(old)
    r.explanation, r.document, r.document_formatting = [], set(), set()
    PAIRS[name](r)
    new, expected, formatting = r.answer()
    return old, r, new, expected, formatting


def run(bundled, name: str, ids: str):
    old, r, new, expected, formatting = build(bundled, name)
    old_doc = bundled[1][ids] if old is bundled[0] else doc_of(strip(old) if ids == "neither" else old)
    _, new = with_ids(old, new, ids)
    return compare(old_doc, doc_of(new)), old, r, expected, formatting


def renumbered_by_list(old: dict, new: dict, expected: set) -> Counter:
    """Count, per list, the items kept in their list and unchanged whose number alone changed (known by id)."""
    changed_new = {place for _, _, place, _ in expected if place}
    where = {item["id"]: (key, item["no"]) for key, dl in old["lists"].items() for item in dl["items"] if "id" in item}
    counts: Counter = Counter()
    for key, duty_list in new["lists"].items():
        for item in duty_list["items"]:
            before = where.get(item.get("id"))
            if before and before[0] == key and before[1] != item["no"] and (key, item["no"]) not in changed_new:
                counts[key] += 1
    return counts


@pytest.mark.parametrize("ids", IDS)
@pytest.mark.parametrize("name", list(PAIRS))
def test_pair_is_reported_exactly(bundled, name, ids):
    diff, old, r, expected, formatting = run(bundled, name, ids)
    assert reported(diff) == expected
    assert len(diff.changes) == len(expected)  # each change once
    assert reported_formatting(diff) == formatting
    assert [(op, part) for op, part, _, _ in diff.explanation_entries()] == r.explanation
    assert set(diff.document) == r.document and not diff.explanation_title
    assert {f.field for f in diff.formatting if f.part == "document"} == r.document_formatting
    summary = diff.summary()
    kinds = Counter(kind for kind, _, _, _ in expected)
    assert {k: summary[k] for k in ("added", "removed", "moved")} == {k: kinds[k] for k in ("added", "removed", "moved")}
    assert summary["modified"] == sum(1 for kind, _, _, fields in expected if fields)  # wherever the item is now
    assert summary["formatting"] == len(formatting) + len(r.document_formatting)
    renumbered = renumbered_by_list(old, r.new, expected)
    assert {k: summary["lists"][k]["renumbered"] for k in renumbered} == dict(renumbered)
    assert summary["renumbered"] == sum(renumbered.values())
    matched = sum(len(dl["items"]) for dl in r.new["lists"].values()) - kinds["added"]
    assert summary["unchanged"] == matched - kinds["moved"] - kinds["modified"]
    assert summary["changed"] == bool(expected or r.explanation or r.document)
    if ids == "neither":  # the large-list candidate index finds the same pairs
        assert reported(compare(diff.old, diff.new, direct_pairs=0)) == expected


def all_pairs(data: dict) -> Revision:
    """Return one revision of the bundled source with every pair's edits that apply to its old side."""
    r = Revision(data)
    r.explanation, r.document, r.document_formatting = [], set(), set()
    for name in PAIRS:
        if name not in OLD_EDITS:
            PAIRS[name](r)
    return r


@pytest.mark.parametrize("ids", IDS)
def test_all_pairs_at_once(bundled, ids):
    """Every pair on the bundled old side in one revision: the answers add up, each change still once."""
    data, olds = bundled
    r = all_pairs(data)
    new, expected, formatting = r.answer()
    _, new = with_ids(data, new, ids)
    diff = compare(olds[ids], doc_of(new))
    assert reported(diff) == expected and len(diff.changes) == len(expected)
    assert reported_formatting(diff) == formatting


def test_swapped_neighbours_either_one_moved(bundled):
    """Of two neighbours swapped either may be the one moved, as long as the new order follows from the report."""
    for ids in IDS:
        diff, _, _, _, _ = run(bundled, "neighbours_swapped", ids)
        [change] = diff.changes
        assert change.kind == "moved" and not change.fields
        assert (change.old.no, change.new.no) in ((30, 31), (31, 30))
        assert diff.summary()["lists"]["cooperative"]["renumbered"] == 1


def test_point_removed_and_added_touch_only_those_points(bundled):
    diff, _, _, _, _ = run(bundled, "point_removed_and_added", "neither")
    [change] = diff.changes
    entries = [(e.op, e.old_label, e.new_label) for b in change.fields["department_duties"].blocks for e in b.entries
               if e.op != "same"]
    assert entries == [("removed", "3.", ""), ("added", "", "7.")]


def test_heading_put_over_kept_points_keeps_them(bundled):
    """The cell's three points are kept under the heading put over them: a heading added, one block with one point
    added; no point removed and added again."""
    diff, _, _, _, _ = run(bundled, "second_department_with_headings", "neither")
    [change] = diff.changes
    blocks = change.fields["department_duties"].blocks
    assert [(b.old_heading, b.new_heading, [e.op for e in b.entries]) for b in blocks] == [
        (None, "区发展改革委", ["same", "same", "same"]), (None, "区市场监管局", ["added"])]
    text = render(diff, "text")
    assert "删除" not in text and text.count("新增 1.") == 1


def test_a_removed_paragraph_is_placed_by_its_old_position(bundled):
    """The removed paragraph was the old second one of 三 (a paragraph was put before it): 原第 2 段 everywhere."""
    diff, _, _, _, _ = run(bundled, "explanation_paragraph_replaced", "both")
    assert "    - 原第 2 段删除：" in render(diff, "text")
    where = html.fromstring(render(diff, "html")).xpath('//p[contains(@class, "removed")]/span[@class="where"]')
    assert [w.text_content() for w in where] == ["原第 2 段"]


def test_renumbering_only_is_no_change_anywhere(bundled):
    diff, _, _, _, _ = run(bundled, "renumbering_only", "neither")
    assert not diff.changed and diff.summary()["renumbered"] == 110
    assert "两个版本内容相同（110 项仅序号变化）" in render(diff, "text")
    assert "两个版本内容相同（110 项仅序号变化）" in render(diff, "html")


def test_punctuation_rule_is_nfkc_and_whitespace():
    """The module's note on punctuation, checked against the rule itself."""
    def same(a, b):
        return unicodedata.normalize("NFKC", a) == unicodedata.normalize("NFKC", b)
    assert all(same(a, b) for a, b in (("，", ","), ("；", ";"), ("（）", "()"), ("：", ":")))
    assert not any(same(a, b) for a, b in (("、", ","), ("。", "."), ("“”", '""')))


# --- every format tells the same counts -------------------------------------------------------------------

def _text_counts(text: str) -> dict:
    line = next((line for line in text.splitlines() if line.startswith("事项：")), "")
    counts = {kind: int(n) for kind, n in re.findall(r"(新增|删除|修改|移动) (\d+) 项", line)}
    found = re.search(r"仅格式变化（(\d+) 处）", text)
    counts["changes"] = sum(1 for line in text.splitlines() if re.match(r"^[-+~>] (新增|删除|修改|移动)", line))
    counts["formatting"] = int(found.group(1)) if found else 0
    counts["text"] = text
    return counts


def _html_counts(page: str) -> dict:
    tree = html.fromstring(page)
    rows = tree.xpath('//section[@class="list"]//table[@class="changes"]/tbody/tr')
    badges = Counter(b.get("class").split()[-1] for row in rows for b in row.xpath('./td[@class="kind"]/span'))
    total = tree.xpath('//table[@class="counts"]//tr[@class="total"]/td')
    return {"badges": dict(badges), "changes": len(rows),
            "total": [t.text_content() for t in total[3:7]],
            "formatting": len(tree.xpath('//table[contains(@class, "formatting")]/tbody/tr')),
            "document": [label.text_content() for label in tree.xpath('//section[@class="explanation"]/p/span[@class="label"]')]}


def _xlsx_counts(data: bytes) -> dict:
    """Count the list sheets' rows by mark, rows of the new edition (with a 序号) apart from rows that left."""
    wb = load_workbook(io.BytesIO(data))
    marks: Counter = Counter()
    for sheet in wb.sheetnames[1:4]:
        for mark, _, no in wb[sheet].iter_rows(min_row=2, max_col=3, values_only=True):
            if mark:
                side = "new" if no not in (None, "") else "old"
                marks[side, mark.split("\n")[0]] += 1
                marks[side, "+修改"] += mark.endswith("+修改")
    summary = [[c.value or 0 for c in row[3:7]] for row in wb["摘要"].iter_rows(min_row=6, max_row=8)]
    return {"marks": marks, "summary": summary, "formatting": wb["仅格式变化"].max_row - 1,
            "explanation": wb["说明的变化"].max_row - 1}


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_counts(data: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        body = etree.fromstring(z.read("word/document.xml"))
        comments = z.read("word/comments.xml") if "word/comments.xml" in z.namelist() else b""
    inserted = deleted = inline = 0
    for row in body.iter(W + "tr"):
        props = row.find(W + "trPr")
        if props is not None and props.find(W + "ins") is not None:
            inserted += 1
        elif props is not None and props.find(W + "del") is not None:
            deleted += 1
        elif row.find(".//" + W + "ins") is not None or row.find(".//" + W + "del") is not None:
            inline += 1
    notes = ["".join(c.itertext()) for c in etree.fromstring(comments).iter(W + "comment")] if comments else []
    came_from = sum(1 for note in notes if re.match(r"原(基本|配合|收回)第 \d+ 项", note))
    return {"inserted": inserted, "deleted": deleted, "inline": inline, "came_from": came_from}


@pytest.mark.parametrize("name", list(PAIRS))
def test_json_text_and_html_tell_the_same_counts(bundled, name):
    diff, _, _, _, _ = run(bundled, name, "neither")
    summary = diff.summary()
    data = json.loads(render(diff, "json"))
    jsonschema.Draft202012Validator(schema()).validate(data)
    assert data["summary"] == json.loads(json.dumps(summary, ensure_ascii=False))
    assert Counter(c["kind"] for c in data["changes"]) == Counter(c.kind for c in diff.changes)
    assert len(data["formatting"]) == summary["formatting"] == len(diff.formatting)
    assert len(data["explanation"]) == summary["explanation"] and set(data["document"]) == set(diff.document)

    text = _text_counts(render(diff, "text"))
    assert {TITLES[k]: summary[k] for k in TITLES if summary[k]} == {k: text[k] for k in TITLES.values() if k in text}
    assert (text["changes"], text["formatting"]) == (len(diff.changes), summary["formatting"])
    assert all(f"{DOCUMENT_TITLES[name]}：" in text["text"] for name in diff.document)

    page = _html_counts(render(diff, "html"))
    assert page["changes"] == len(diff.changes) and page["formatting"] == summary["formatting"]
    assert page["document"] == [DOCUMENT_TITLES[name] + "：" for name in diff.document]
    assert page["badges"] == {k: summary[k] for k in TITLES if summary[k]}  # a moved, reworded item wears both
    if diff.changed:
        assert page["total"] == [str(summary[k] or "") for k in TITLES]


@pytest.fixture(scope="module")
def combined(bundled):
    """Every pair on the bundled old side at once, without ids, and its reports in the office formats."""
    data, olds = bundled
    r = all_pairs(data)
    new = strip(r.answer()[0])
    diff = compare(olds["neither"], doc_of(new))
    return new, diff, {fmt: render(diff, fmt) for fmt in ("json", "text", "html", "xlsx", "docx")}


def test_xlsx_and_docx_tell_the_same_counts(combined):
    _, diff, reports = combined
    summary = diff.summary()
    kinds = Counter(c.kind for c in diff.changes)
    assert kinds["moved"] and kinds["added"] and kinds["removed"] and kinds["modified"] and diff.formatting
    book = _xlsx_counts(reports["xlsx"])
    marks = book["marks"]
    moved = [c for c in diff.changes if c.kind == "moved"]
    assert (marks["new", "新增"], marks["new", "修改"], marks["old", "删除"]) == (
        kinds["added"], kinds["modified"], kinds["removed"])
    assert marks["new", "移入"] + marks["new", "移动"] == marks["old", "移出"] + marks["old", "移动"] == len(moved)
    assert marks["new", "+修改"] == marks["old", "+修改"] == sum(1 for c in moved if c.fields)
    assert book["summary"] == [[summary["lists"][k][kind] for kind in TITLES] for k in ("basic", "cooperative",
                                                                                        "withdrawn")]
    assert book["formatting"] == summary["formatting"]
    assert book["explanation"] == len(diff.document) + summary["explanation"]

    word = _docx_counts(reports["docx"])
    formatting_rows = sum(1 for rows in diff.rows.values() for row in rows if row.state == "same" and row.formatting)
    assert word["inserted"] == kinds["added"] + kinds["moved"]
    assert word["deleted"] == kinds["removed"] + kinds["moved"]
    assert word["inline"] == kinds["modified"] + formatting_rows
    assert word["came_from"] == kinds["moved"]


def test_xlsx_marks_only_the_cells_whose_content_changed(combined):
    """A cell that differs in formatting only is not shown as changed in the list sheets (it is in 仅格式变化)."""
    _, diff, reports = combined
    sheet = load_workbook(io.BytesIO(reports["xlsx"]), rich_text=True)["上级部门收回事项清单"]
    [row] = [r for r in sheet.iter_rows(min_row=2) if "婚姻登记" in str(r[4].value) and r[2].value == 1]
    assert row[0].value == "修改"
    assert row[4].fill.fgColor.rgb != row[6].fill.fgColor.rgb  # 事项名称 not marked, 承接方式 marked
    assert isinstance(row[6].value, CellRichText) and row[4].value == "婚姻登记(仅内地居民)"


def test_every_report_is_the_same_bytes_twice(combined, bundled):
    """The combined pair compared and rendered again: identical bytes. (The PDF: test_diff_report.)"""
    new, _, reports = combined
    again = compare(bundled[1]["neither"], doc_of(new))
    for fmt, report in reports.items():
        assert render(again, fmt) == report, fmt
