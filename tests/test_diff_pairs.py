"""Revision pairs beyond the scenarios, each with its known answer: every change once, nothing else, in every format.

The bundled source is parsed once per id mode (conftest.py's bundled); pairs are in diff_pairs.py.
"""
from __future__ import annotations

import copy
import io
import json
import os
import re
import subprocess
import sys

import jsonschema
import pytest
from openpyxl import load_workbook

from dutydocs.diff import render
from dutydocs.diff.compare import compare
from dutydocs.diff.report import schema

from diff_pairs import PAIRS
from diff_scenarios import Revision, data_of, doc_of, renumber, reported, reported_formatting, strip_ids, with_ids

IDS = ["both", "neither", "old-only"]


def run_pair(bundled, ids: str, name: str):
    data, olds = bundled
    r = Revision(data)
    PAIRS[name](r)
    new, expected, formatting = r.answer()
    _, new = with_ids(data, new, ids)
    return compare(olds[ids], doc_of(new)), expected, formatting


def run_data(bundled, ids: str, new: dict):
    data, olds = bundled
    _, new = with_ids(data, new, ids)
    return compare(olds[ids], doc_of(new))


@pytest.mark.parametrize("ids", IDS)
@pytest.mark.parametrize("name", list(PAIRS))
def test_pair_is_reported_exactly(bundled, name, ids):
    diff, expected, formatting = run_pair(bundled, ids, name)
    assert reported(diff) == expected
    assert len(diff.changes) == len(expected)  # each change once
    assert reported_formatting(diff) == formatting
    summary = diff.summary()
    assert summary["added"] + summary["removed"] + summary["moved"] + sum(
        1 for c in diff.changes if c.kind == "modified") == len(expected)
    assert summary["modified"] == sum(1 for _, _, _, fields in expected if fields)
    if ids == "neither":  # the indexed candidate path finds the same pairs
        data, olds = bundled
        assert reported(compare(olds[ids], diff.new, direct_pairs=0)) == expected


@pytest.mark.parametrize("ids", IDS)
def test_adjacent_items_swapped_are_one_move(bundled, ids):
    data, _ = bundled
    new = copy.deepcopy(data)
    items = new["lists"]["basic"]["items"]
    items[29], items[30] = items[30], items[29]
    renumber(new)
    diff = run_data(bundled, ids, new)
    [change] = diff.changes
    assert change.kind == "moved" and not change.fields
    assert {(change.old.no, change.new.no)} <= {(30, 31), (31, 30)}
    assert diff.summary()["renumbered"] == 1  # the other one of the two


@pytest.mark.parametrize("ids", IDS)
def test_category_reversed_moves_all_but_one(bundled, ids):
    data, _ = bundled
    new = copy.deepcopy(data)
    items = new["lists"]["basic"]["items"]
    items[0:29] = items[28::-1]
    renumber(new)
    diff = run_data(bundled, ids, new)
    assert len(diff.changes) == 28
    assert all(c.kind == "moved" and not c.fields and c.item.category == "党的建设" and c.new.no == 30 - c.old.no
               for c in diff.changes)


@pytest.fixture(scope="module")
def explanation_restructured(bundled):
    """A section inserted before 三, 三 renumbered 四, a paragraph of 二 split, two paragraphs of 三 merged."""
    data, olds = bundled
    new = copy.deepcopy(data)
    sections = new["explanation"]["sections"]
    first = sections[2]["paragraphs"]
    first[1:3] = [first[1] + first[2]]
    sections[2]["heading"] = "四、清单内容"
    sections.insert(2, {"heading": "三、调整情况", "paragraphs": ["本次调整新增事项2项。"]})
    one = sections[0]["paragraphs"][0]
    cut = one.index("。") + 1
    sections[0]["paragraphs"][0:1] = [one[:cut], one[cut:]]
    return compare(olds["both"], doc_of(new))


def test_explanation_restructured_is_counted_alike_everywhere(explanation_restructured):
    diff = explanation_restructured
    entries = [(op, part) for op, part, _, _ in diff.explanation_entries()]
    assert entries == [("added", "paragraph"), ("modified", "paragraph"),  # split: the larger (second) part modified
                       ("added", "heading"), ("added", "paragraph"),
                       ("modified", "heading"), ("modified", "paragraph"), ("removed", "paragraph")]  # merge
    data = json.loads(render(diff, "json"))
    assert data["summary"]["explanation"] == len(data["explanation"]) == len(entries)
    assert not data["changes"] and not data["formatting"]
    wb = load_workbook(io.BytesIO(render(diff, "xlsx")))
    rows = [[c.value for c in row] for row in wb["说明的变化"].iter_rows(min_row=2)]
    assert [(r[0], r[1]) for r in rows][2:5] == [("新增", "小节标题（三、调整情况）"), ("新增", "三、调整情况"),
                                              ("修改", "小节标题（四、清单内容）")]
    assert len(rows) == len(entries)


def test_tiny_lists_and_an_empty_revision(small_path):
    small = data_of(small_path)
    empty = copy.deepcopy(small)
    for duty_list in empty["lists"].values():
        duty_list["items"] = []
    swapped = copy.deepcopy(small)
    basic = swapped["lists"]["basic"]["items"]
    basic[0], basic[1] = basic[1], basic[0]
    basic[2]["name"] += "工作"
    renumber(swapped)
    validator = jsonschema.Draft202012Validator(schema())
    for ids in ("both", "neither"):
        strip = (lambda d: d) if ids == "both" else strip_ids
        gone = compare(doc_of(strip(small)), doc_of(strip(empty)))
        assert [c.kind for c in gone.changes] == ["removed"] * 7 and gone.summary()["unchanged"] == 0
        back = compare(doc_of(strip(empty)), doc_of(strip(small)))
        assert [c.kind for c in back.changes] == ["added"] * 7
        assert not compare(doc_of(strip(empty)), doc_of(strip(empty))).changed
        for diff in (gone, back):
            validator.validate(json.loads(render(diff, "json")))
            render(diff, "xlsx"), render(diff, "html")
        tiny = compare(doc_of(strip(small)), doc_of(strip(swapped)))
        assert sorted((c.kind, c.old.no, c.new.no, tuple(c.fields)) for c in tiny.changes) in (
            [("modified", 3, 3, ("name",)), ("moved", 1, 2, ())], [("modified", 3, 3, ("name",)), ("moved", 2, 1, ())])


def test_hostile_text_stays_text_in_the_reports(bundled):
    diff, _, _ = run_pair(bundled, "neither", "hostile_text")
    html = render(diff, "html")
    assert "<script>" not in html and "&lt;script&gt;" in html and "<b>负责" not in html
    wb = load_workbook(io.BytesIO(render(diff, "xlsx")))
    cells = [c for ws in wb for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and ("HYPERLINK" in c.value or "@SUM" in c.value)]
    assert len(cells) >= 2 and all(c.data_type == "s" for c in cells)


def _summary_of_text(text: str) -> dict:
    line = next(line for line in text.splitlines() if line.startswith("事项："))
    return {kind: int(n) for kind, n in re.findall(r"(新增|删除|修改|移动) (\d+) 项", line)}


def test_text_and_xlsx_agree_with_the_json_on_counts(bundled):
    diff, _, _ = run_pair(bundled, "neither", "combined")
    data = json.loads(render(diff, "json"))["summary"]
    titles = {"added": "新增", "removed": "删除", "modified": "修改", "moved": "移动"}
    assert _summary_of_text(render(diff, "text")) == {titles[k]: data[k] for k in titles if data[k]}
    wb = load_workbook(io.BytesIO(render(diff, "xlsx")))
    header = [c.value for c in wb["摘要"][5]]
    for row, key in zip(wb["摘要"].iter_rows(min_row=6, max_row=8), ("basic", "cooperative", "withdrawn")):
        values = dict(zip(header, [c.value for c in row]))
        assert {k: values[t] or 0 for k, t in titles.items()} == {k: data["lists"][key][k] for k in titles}


CHILD = """
import hashlib, json, sys
sys.path.insert(0, "tests")
from diff_pairs import PAIRS
from diff_scenarios import Revision, data_of, doc_of, strip_ids
from dutydocs.diff import render
from dutydocs.diff.compare import compare
data = data_of("source/yangmaogong.json")
r = Revision(data)
for name in ("combined", "category_renamed", "block_points_reordered", "expanded_in_place"):
    PAIRS[name](r)
diff = compare(doc_of(data), doc_of(strip_ids(r.answer()[0])))
out = {}
for fmt in ("json", "text", "html", "xlsx", "docx"):
    report = render(diff, fmt)
    out[fmt] = hashlib.sha256(report.encode() if isinstance(report, str) else report).hexdigest()
print(json.dumps(out))
"""


def test_reports_are_the_same_bytes_in_separate_processes(bundled_path):
    """Set and dict orders vary with the hash seed from process to process; the reports must not."""
    root = bundled_path.parent.parent
    found = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", CHILD], cwd=root, env=env, capture_output=True, text=True,
                              check=True)
        found.append(json.loads(done.stdout))
    assert found[0] == found[1]
    assert len(found[0]) == 5
