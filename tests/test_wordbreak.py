"""Department names break only between words, never leaving one character alone on a line."""
from __future__ import annotations

import doctest
import os
import subprocess
import sys

import pytest

from dutydocs import wordbreak

PLACES = wordbreak.places("乌鲁木齐市米东区", "羊毛工镇")
# the four names the typographer found broken inside a word (issue 13), and the broken line they showed
REPORTED = {"米东区文化体育广播电视和旅游局": "文化体", "负有安全监管职责的其他部门": "其他部",
            "米东区党史地方志编纂委员会办公室": "党史地", "米东区人力资源和社会保障局": "社会保障"}


def test_places_come_from_the_region_and_township():
    assert PLACES == ("乌鲁木齐市", "羊毛工镇", "米东区")


def test_words_give_the_name_back_and_keep_place_names_whole():
    assert wordbreak.words("米东区人力资源和社会保障局", PLACES) == ["米东区", "人力资源和", "社会", "保障局"]
    assert wordbreak.words("米东区委组织部", PLACES) == ["米东区委", "组织部"]
    assert wordbreak.words("米东区市场监督管理局", PLACES) == ["米东区", "市场", "监督", "管理局"]
    assert wordbreak.words("米东区委网信办", PLACES) == ["米东区委", "网信办"]  # single characters join up
    assert wordbreak.words("米东区文化体育广播电视和旅游局", PLACES) == [
        "米东区", "文化", "体育", "广播电视和", "旅游局"]


@pytest.mark.parametrize("name", sorted(REPORTED))
@pytest.mark.parametrize("max_width", [5, 6, 7, 8])
def test_reported_names_break_between_words_only(name, max_width):
    laid = wordbreak.lines(name, max_width, PLACES)
    if laid is None:  # no layout fits: the longest word is wider than the column
        assert max(map(len, wordbreak.words(name, PLACES))) > max_width or max_width < 6
        return
    assert "".join(laid) == name
    assert all(1 < len(line) <= max_width for line in laid), laid
    assert REPORTED[name] not in laid
    words = wordbreak.words(name, PLACES)
    ends = {sum(map(len, words[:n])) for n in range(len(words) + 1)}
    assert {sum(map(len, laid[:n])) for n in range(len(laid) + 1)} <= ends


def test_lines_prefer_breaks_beside_place_names_and_refuse_what_cannot_fit():
    assert wordbreak.lines("米东区市场监督管理局", 7, PLACES) == ["米东区", "市场监督管理局"]
    assert wordbreak.lines("乌鲁木齐市公安局米东区分局", 6, PLACES) == ["乌鲁木齐市", "公安局", "米东区分局"]
    assert wordbreak.lines("米东区人力资源和社会保障局", 6, PLACES) == ["米东区", "人力资源和", "社会保障局"]
    assert wordbreak.lines("米东区民政局", 6, PLACES) == ["米东区民政局"]
    assert wordbreak.lines("米东区人大常委会办公室", 4, PLACES) is None  # 人大常委会 is five characters


def test_examples_in_the_docstring_hold():
    assert doctest.testmod(wordbreak).failed == 0


def test_jieba_starts_quietly_and_writes_no_cache(tmp_path):
    """No log lines on stderr, no jieba.cache in the temporary folder, the working folder or home."""
    env = {**os.environ, "TMPDIR": str(tmp_path / "tmp"), "HOME": str(tmp_path / "home")}
    for name in ("tmp", "home", "work"):
        (tmp_path / name).mkdir()
    code = "from dutydocs import wordbreak; print('/'.join(wordbreak.words('米东区市场监督管理局')))"
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path / "work", env=env, capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "米东区/市场/监督/管理局"
    assert out.stderr == ""
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["home", "tmp", "work"]


def test_a_very_long_name_is_laid_out_quickly_between_words():
    """Generated text of hundreds of words: filled in order (no search over 2^n layouts), words whole."""
    name = "米东区市场监督管理局" * 40
    laid = wordbreak.lines(name, 8, PLACES)
    assert "".join(laid) == name and all(1 < len(line) <= 8 for line in laid)
