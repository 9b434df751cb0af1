"""dutydocs check: what a reviewer checks by hand, on the bundled source and on crafted ones."""
from __future__ import annotations

import copy
import json
from pathlib import Path

from click.testing import CliRunner

from dutydocs.check import check_file
from dutydocs.cli import main

SMALL = json.loads((Path(__file__).parent / "fixtures" / "small.json").read_text("utf-8"))


def write(tmp_path, data) -> Path:
    path = tmp_path / "s.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), "utf-8")
    return path


def test_small_fixture_is_clean(small_path):
    assert check_file(small_path) == []


def test_bundled_source_has_no_errors_and_the_known_warnings(bundled_path):
    problems = check_file(bundled_path)
    assert not [p for p in problems if p.severity == "error"]
    messages = [p.message for p in problems]
    assert "说明称配合履职事项清单有 44 个部门，清单中实际为 43 个" in messages
    assert "说明称上级部门收回事项清单有 8 个类别，清单中实际为 10 个" in messages
    assert any("禁止开垦度以上" in m or "止开垦度以上" in m for m in messages)  # a typo kept from the original
    assert any("；；" in m for m in messages) and any("。。" in m for m in messages)
    assert all(p.line and p.column and p.pointer for p in problems)


def test_strict_makes_warnings_fail(bundled_path):
    runner = CliRunner()
    assert runner.invoke(main, ["check", str(bundled_path)]).exit_code == 0
    assert runner.invoke(main, ["check", str(bundled_path), "--strict"]).exit_code == 1


def test_json_report(bundled_path):
    result = CliRunner().invoke(main, ["check", str(bundled_path), "--format", "json"])
    report = json.loads(result.output)
    assert report["errors"] == 0 and report["warnings"] == len(report["problems"]) > 0
    assert {"file", "pointer", "line", "column", "message", "hint", "severity"} <= set(report["problems"][0])


def test_stated_counts_are_compared_with_the_lists(tmp_path):
    data = copy.deepcopy(SMALL)
    data["lists"]["basic"]["items"].pop()
    problems = check_file(write(tmp_path, data))
    assert [p.message for p in problems] == [
        "说明称基本履职事项清单有 2 个类别，清单中实际为 1 个", "说明称基本履职事项清单有 3 个事项，清单中实际为 2 个"]
    assert {p.severity for p in problems} == {"warning"}


def test_stated_counts_are_read_after_an_ordinal_and_not_from_the_next_lists_sentence(tmp_path):
    """（一）基本履职事项清单… is the basic list's paragraph; where it runs on into the cooperative list's, that
    list's categories, items and departments are not taken for the basic list's."""
    data = copy.deepcopy(SMALL)
    data["lists"]["basic"]["items"].pop()
    paragraphs = data["explanation"]["sections"][1]["paragraphs"]
    paragraphs[0] = "（一）" + paragraphs[0]
    assert [p.message for p in check_file(write(tmp_path, data))] == [
        "说明称基本履职事项清单有 2 个类别，清单中实际为 1 个", "说明称基本履职事项清单有 3 个事项，清单中实际为 2 个"]
    paragraphs[0] = "基本履职事项清单是本镇必须为的事项，" + paragraphs.pop(1)
    assert [p.message for p in check_file(write(tmp_path, data))] == []


def test_duplicates_within_and_across_lists(tmp_path):
    data = copy.deepcopy(SMALL)
    basic = data["lists"]["basic"]["items"]
    basic[1]["name"] = basic[0]["name"]
    data["lists"]["withdrawn"]["items"][0]["name"] = basic[2]["name"]
    messages = [p.message for p in check_file(write(tmp_path, data))]
    assert any("与本清单第 1 项相同" in m for m in messages)
    assert any("与基本履职事项清单第 3 项相同" in m for m in messages)


def test_proofreading_findings(tmp_path):
    data = copy.deepcopy(SMALL)
    names = ["做好工作，，落实", "开展（宣传教育", "开展宣传,教育", "开展 宣传", " 前后空格"]
    for item, name in zip(data["lists"]["basic"]["items"] * 2, names):
        item["name"] = name
    data["lists"]["basic"]["items"] = [dict(i, no=n + 1, id=f"p-{n}") for n, i in enumerate(
        [dict(data["lists"]["basic"]["items"][0], name=name) for name in names])]
    messages = " ".join(p.message for p in check_file(write(tmp_path, data)))
    for expected in ("标点重复或连用", "括号不成对", "半角标点", "中文之间有空格", "首尾有多余空格"):
        assert expected in messages, expected


def test_numbering_gap_is_an_error_with_the_fix(tmp_path):
    data = copy.deepcopy(SMALL)
    data["lists"]["basic"]["items"][2]["no"] = 4
    (problem,) = [p for p in check_file(write(tmp_path, data)) if p.severity == "error"]
    assert problem.pointer == "/lists/basic/items/2/no" and "应为 3" in problem.message
