"""Realistic revisions of the bundled source with known answers: every change reported once, nothing else.

Each scenario runs with ids on both sides, on neither (a revision back through Word or Excel), and on
the old side only. The old side is parsed once per id mode and shared (conftest.py's bundled).
"""
from __future__ import annotations

import copy

import pytest

from dutydocs.diff import render
from dutydocs.diff.compare import compare

from diff_scenarios import SCENARIOS, doc_of, reported, reported_formatting, revised, with_ids

IDS = ["both", "neither", "old-only"]


def run(bundled, ids: str, *names: str):
    data, olds = bundled
    new, expected, formatting = revised(data, *names)
    _, new = with_ids(data, new, ids)
    return compare(olds[ids], doc_of(new)), expected, formatting


@pytest.mark.parametrize("ids", IDS)
@pytest.mark.parametrize("name", [n for n in SCENARIOS if n != "explanation_edits"])
def test_scenario_is_reported_exactly(bundled, name, ids):
    diff, expected, formatting = run(bundled, ids, name)
    assert reported(diff) == expected
    assert len(diff.changes) == len(expected)  # each change once
    assert reported_formatting(diff) == formatting
    assert not diff.document and not diff.explanation_title and not list(diff.explanation_changes())


@pytest.mark.parametrize("ids", IDS)
def test_all_scenarios_at_once(bundled, ids):
    diff, expected, formatting = run(bundled, ids, *SCENARIOS)
    assert reported(diff) == expected
    assert reported_formatting(diff) == formatting
    assert len(diff.changes) == len(expected)  # each change once


def test_explanation_edits(bundled):
    diff, expected, _ = run(bundled, "both", "explanation_edits")
    assert expected == set() and diff.changes == []
    changes = [(p.op, p.section, [t for op, t in p.ops if op]) for p in diff.explanation_changes()]
    assert changes == [("added", "一、基本情况", ["清单实行动态调整，每年评估一次。"]),
                       ("modified", "二、编制过程", ["三", "四"])]
    assert diff.summary()["explanation"] == 2


def test_moved_and_reworded_counts_as_both(bundled):
    diff, _, _ = run(bundled, "neither", "moved_and_reworded", "block_moved", "wording")
    summary = diff.summary()
    assert (summary["moved"], summary["modified"]) == (7, 4)
    [both] = [c for c in diff.changes if c.fields and c.kind == "moved"]
    assert both.kinds == ("moved", "modified") and both.title == "移动+修改"
    assert summary["lists"]["basic"]["categories"]["党的建设"]["moved"] == 1
    assert summary["lists"]["basic"]["categories"]["党的建设"]["modified"] == 2


def test_department_renamed_is_one_modification_per_item(bundled):
    diff, expected, _ = run(bundled, "neither", "department_renamed")
    assert diff.summary()["modified"] == len(expected) == 10


def test_inserted_point_only_adds_one_entry(bundled):
    diff, _, _ = run(bundled, "neither", "points_inserted")
    for change in diff.changes:
        [field] = change.fields.values()
        ops = [e.op for b in field.blocks for e in b.entries]
        assert ops.count("added") == 1 and set(ops) == {"same", "added"}


def test_formatting_only_is_not_a_change(bundled):
    diff, _, _ = run(bundled, "neither", "formatting_only")
    assert diff.changes == [] and not diff.changed
    assert diff.summary()["modified"] == 0 and diff.summary()["formatting"] == 4
    [paragraph] = [f for f in diff.formatting if f.part == "explanation"]
    assert (paragraph.field, paragraph.index, paragraph.paragraph) == ("paragraph", 0, 0)
    assert "１９．３" in paragraph.new_text and "19.3" in paragraph.old_text
    row = next(r for r in diff.rows["basic"] if r.formatting)
    assert row.state == "same" and row.formatting[0].item is row.new_item


def test_formatting_beside_a_change_is_not_shown_as_a_change(bundled):
    diff, _, _ = run(bundled, "neither", "formatting_beside_a_change")
    [change] = diff.changes
    entries = [e.op for b in change.fields["town_duties"].blocks for e in b.entries]
    assert entries == ["modified", "same", "formatting", "same", "same"]
    assert [op for op, _ in change.fields["departments"].ops] == [0, 0, 1]
    text = render(diff, "text")
    assert text.count("镇配合职责：") == 1 and "{+　+}" not in text and "[-米东区委组织部-]" not in text


def test_formatting_of_titles_and_headings_is_listed_apart(bundled):
    data, olds = bundled
    new = copy.deepcopy(data)
    new["title"] = new["title"] + " "
    new["explanation"]["title"] = new["explanation"]["title"].replace("说明", "说 明")
    sections = new["explanation"]["sections"]
    sections[1]["heading"] = sections[1]["heading"].replace("、", "、 ")
    diff = compare(olds["both"], doc_of(new))
    assert not diff.changed and not diff.document and diff.explanation_title is None
    assert [(f.part, f.field, f.index) for f in diff.formatting] == [
        ("document", "title", None), ("explanation", "title", None), ("explanation", "heading", 1)]
    assert render(diff, "text").count("{+␣+}") == 3
