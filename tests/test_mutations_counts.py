"""The counts the explanation states are read whole: 12 items, 11 categories, 十一 categories, 11 departments."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from dutydocs.check import check_file
from dutydocs.source import from_data
from dutydocs.stated import stated_count

SMALL = json.loads((Path(__file__).parent / "fixtures" / "small.json").read_text("utf-8"))
CATEGORIES = [
    "党的建设",
    "经济发展",
    "乡村振兴",
    "精神文明",
    "社会管理",
    "安全稳定",
    "民族宗教",
    "社会保障",
    "自然资源",
    "生态环保",
    "城乡建设",
]
DEPARTMENTS = [
    f"某区{name}局" for name in ("教育", "民政", "财政", "司法", "交通", "水务", "农业", "商务", "文旅", "卫健", "应急")
]


def source(tmp_path, items: int, categories: str, departments: int, *, basic: int = 12, named: bool = True) -> Path:
    """A source with `basic` (12) basic items in 11 categories and cooperative items naming 11 departments.

    The explanation says 共有基本履职事项 N项, or with `named` false only 共有 N项.
    """
    data = copy.deepcopy(SMALL)
    template = data["lists"]["basic"]["items"][0]
    data["lists"]["basic"]["items"] = [
        dict(template, id=f"c-{n:03d}", no=n, category=CATEGORIES[min(n, 11) - 1], name=f"第{n}项基本履职事项")
        for n in range(1, basic + 1)
    ]
    coop = data["lists"]["cooperative"]["items"]
    coop[0]["departments"], coop[1]["departments"] = DEPARTMENTS[:6], DEPARTMENTS[5:]
    paragraphs = data["explanation"]["sections"][1]["paragraphs"]
    paragraphs[0] = (
        f"基本履职事项清单是本镇必须为、负全责的事项。主要包括党的建设等 {categories}个类别，"
        f"共有{'基本履职事项' if named else ''} {items}项。"
    )
    paragraphs[1] = paragraphs[1].replace("涉及 2个部门", f"涉及 {departments}个部门")
    path = tmp_path / "counts.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), "utf-8")
    return path


def count_messages(path: Path) -> list[str]:
    return [p.message for p in check_file(path) if p.message.startswith("说明称")]


@pytest.mark.parametrize("categories", ["11", "十一"])
def test_true_counts_of_ten_and_more_pass(tmp_path, categories):
    assert count_messages(source(tmp_path, 12, categories, 11)) == []


def test_wrong_counts_of_ten_and_more_are_reported_with_both_numbers(tmp_path):
    assert count_messages(source(tmp_path, 13, "12", 10)) == [
        "说明称基本履职事项清单有 12 个类别，清单中实际为 11 个",
        "说明称基本履职事项清单有 13 个事项，清单中实际为 12 个",
        "说明称配合履职事项清单有 10 个部门，清单中实际为 11 个",
    ]


def test_wrong_count_in_chinese_numerals_is_reported(tmp_path):
    assert count_messages(source(tmp_path, 12, "十二", 11)) == [
        "说明称基本履职事项清单有 12 个类别，清单中实际为 11 个"
    ]


def test_a_count_not_naming_the_list_is_read_whole(tmp_path):
    """A paragraph opening with the list's title says only 共有 12项 of 11 items: 12 is read whole and reported.

    No other pattern reads this count (the sentence does not repeat the list's name), so reading one digit would
    find nothing here and report nothing; a true count of 11 said the same way passes.
    """
    wrong = source(tmp_path, 12, "11", 11, basic=11, named=False)
    assert "共有 12项。" in wrong.read_text("utf-8") and "共有基本" not in wrong.read_text("utf-8")
    explanation = from_data(json.loads(wrong.read_text("utf-8"))).explanation
    assert stated_count(explanation, "基本履职事项清单") == 12
    assert count_messages(wrong) == ["说明称基本履职事项清单有 12 个事项，清单中实际为 11 个"]
    assert count_messages(source(tmp_path, 11, "11", 11, basic=11, named=False)) == []
