"""The revision diff: matching, exactness of the reported changes, text and JSON reports, inputs."""
from __future__ import annotations

import copy
import json
import subprocess

import pytest
from click.testing import CliRunner

from dutydocs.cli import main
from dutydocs.diff import load_revision, render
from dutydocs.diff.compare import compare, text_ops
from dutydocs.diff.moves import longest_increasing
from dutydocs.errors import DutydocsError

from diff_scenarios import NEW_NAME, data_of, doc_of, generated, renumber, reported, scripted, strip_ids


@pytest.fixture(scope="module", params=["generated", "bundled"])
def base(request, bundled_path):
    return generated(300) if request.param == "generated" else data_of(bundled_path)


@pytest.mark.parametrize("ids", ["both", "neither", "old-only"])
def test_scripted_edits_are_reported_exactly(base, ids):
    new, expected = scripted(base)
    old = strip_ids(base) if ids == "neither" else base
    new = new if ids == "both" else strip_ids(new)
    diff = compare(doc_of(old), doc_of(new))
    assert reported(diff) == expected
    paragraphs = [p for p in diff.explanation_changes()]
    assert [(p.op, p.ops[1]) for p in paragraphs] == [("modified", (1, "（已修订）"))]
    assert diff.summary()["renumbered"] > 0


def test_same_revision_is_empty(base):
    diff = compare(doc_of(base), doc_of(copy.deepcopy(base)))
    assert not diff.changed and diff.changes == [] and diff.summary()["renumbered"] == 0


def test_one_insertion_only_renumbers_what_follows(base):
    new = copy.deepcopy(base)
    new["lists"]["basic"]["items"].insert(0, {"no": 0, "category": "党的建设", "name": NEW_NAME})
    renumber(new)
    for old_data, new_data in ((base, new), (strip_ids(base), strip_ids(new))):
        diff = compare(doc_of(old_data), doc_of(new_data))
        assert reported(diff) == {("added", None, ("basic", 1), frozenset())}
        assert diff.summary()["lists"]["basic"]["renumbered"] == len(base["lists"]["basic"]["items"])


def test_unrelated_replacement_is_removal_and_addition_not_rewording(base):
    new = strip_ids(base)
    new["lists"]["basic"]["items"][3]["name"] = NEW_NAME
    diff = compare(doc_of(strip_ids(base)), doc_of(new))
    assert {c.kind for c in diff.changes} == {"added", "removed"}
    assert len(diff.changes) == 2


def test_ids_win_over_content():
    data = generated(40)
    new = copy.deepcopy(data)
    basic = new["lists"]["basic"]["items"]
    basic[0]["id"], basic[1]["id"] = "other-1", "other-2"  # same text, new identities
    diff = compare(doc_of(data), doc_of(new))
    assert sorted(c.kind for c in diff.changes) == ["added", "added", "removed", "removed"]


def test_swap_marks_one_item_moved():
    data = generated(60)
    new = copy.deepcopy(data)
    items = new["lists"]["basic"]["items"]
    items[4], items[5] = items[5], items[4]
    renumber(new)
    diff = compare(doc_of(data), doc_of(new))
    assert [c.kind for c in diff.changes] == ["moved"]
    assert diff.summary()["renumbered"] == 1  # the other of the two kept its place and changed number


def testlongest_increasing_subsequence():
    assert longest_increasing([]) == set()
    assert longest_increasing([0, 1, 2]) == {0, 1, 2}
    values = [1, 2, 3, 4, 0]
    assert sorted(values[k] for k in longest_increasing(values)) == [1, 2, 3, 4]
    values = [0, 5, 1, 2, 3]
    assert sorted(values[k] for k in longest_increasing(values)) == [0, 1, 2, 3]


def test_chinese_edit_shows_only_the_changed_characters():
    ops = text_ops("负责婚姻登记工作", "负责婚姻登记和收养登记工作")
    assert ops == ((0, "负责婚姻登记"), (1, "和收养登记"), (0, "工作"))
    ops = text_ops("下辖 3 个行政村", "下辖 13 个行政村")
    assert [op for op in ops if op[0]] == [(1, "1")]


def test_duty_points_are_compared_per_block(small_path):
    old = data_of(small_path)
    new = copy.deepcopy(old)
    duties = new["lists"]["cooperative"]["items"][1]["department_duties"]
    # block "一、年度绩效考核": add a point after the first, reword the second; block "区人社局": unchanged
    duties.insert(2, {"point": "组织开展考核结果反馈；"})
    duties[3] = {"point": "下发年度绩效考核指标和评分细则。"}
    diff = compare(doc_of(old), doc_of(new))
    [change] = diff.changes
    assert change.kind == "modified" and set(change.fields) == {"department_duties"}
    blocks = [b for b in change.fields["department_duties"].blocks if b.changed]
    assert [b.new_heading for b in blocks] == ["一、年度绩效考核"]
    changed = [(e.op, e.old_label, e.new_label) for e in blocks[0].entries if e.op != "same"]
    assert changed == [("added", "", "2."), ("modified", "2.", "3.")]
    reworded = next(e for e in blocks[0].entries if e.op == "modified")
    assert [op for op in reworded.ops if op[0]] == [(1, "和评分细则")]


def test_json_report_shape(small_path, tmp_path):
    old = data_of(small_path)
    new = copy.deepcopy(old)
    new["lists"]["basic"]["items"][1]["name"] = "做好“双拥”和优抚工作"
    new["lists"]["withdrawn"]["items"].pop(0)
    renumber(new)
    path = tmp_path / "new.json"
    path.write_text(json.dumps(new, ensure_ascii=False), "utf-8")
    result = CliRunner().invoke(main, ["diff", str(small_path), str(path), "--format", "json", "--exit-code"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert data["summary"]["modified"] == 1 and data["summary"]["removed"] == 1
    assert data["summary"]["lists"]["withdrawn"]["renumbered"] == 1
    modified, removed = data["changes"]
    assert modified["kind"] == "modified"
    assert modified["old"] == {"list": "basic", "no": 2} == modified["new"]
    assert modified["fields"]["name"]["diff"] == [["=", "做好“双拥”"], ["+", "和优抚"], ["=", "工作"]]
    assert removed["kind"] == "removed" and removed["new"] is None
    assert removed["old"] == {"list": "withdrawn", "no": 1} and removed["item"]["department"] == "某区民政局"


def test_text_report_marks_insertions_and_deletions(small_path, tmp_path):
    new = data_of(small_path)
    new["lists"]["basic"]["items"][2]["name"] = "优化营商服务，服务企业"
    path = tmp_path / "new.json"
    path.write_text(json.dumps(new, ensure_ascii=False), "utf-8")
    plain = CliRunner().invoke(main, ["diff", str(small_path), str(path)])
    assert plain.exit_code == 0
    assert "优化营商[-环境-]{+服务+}，服务企业" in plain.stdout and "\x1b[" not in plain.stdout
    coloured = CliRunner().invoke(main, ["diff", str(small_path), str(path), "--color"])
    assert "\x1b[" in coloured.stdout and "[-环境-]" not in coloured.stdout
    same = CliRunner().invoke(main, ["diff", str(small_path), str(small_path), "--exit-code"])
    assert same.exit_code == 0 and "内容相同" in same.stdout


def test_git_revision_input(small_path, tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    (repo / "source").mkdir(parents=True)
    target = repo / "source" / "town.json"
    target.write_text(small_path.read_text("utf-8"), "utf-8")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(repo)]
    subprocess.run(git[:5] + ["init", "-q", str(repo)], check=True)
    subprocess.run(git + ["add", "."], check=True)
    subprocess.run(git + ["commit", "-qm", "one"], check=True)
    data = data_of(target)
    data["lists"]["basic"]["items"].pop()
    target.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    diff = compare(load_revision(f"HEAD:{target}"), load_revision(str(target)))
    assert [(c.kind, c.old.no) for c in diff.changes] == [("removed", 3)]
    monkeypatch.chdir(repo)
    assert not compare(load_revision("HEAD:source/town.json"), load_revision("HEAD~0:./source/town.json")).changed
    with pytest.raises(DutydocsError, match="git 中找不到"):
        load_revision(f"nosuchrev:{target}")


def test_binary_format_needs_out(small_path):
    result = CliRunner().invoke(main, ["diff", str(small_path), str(small_path), "--format", "docx"])
    assert result.exit_code == 2 and "-o/--out" in result.output


def test_renders_every_format_of_an_empty_diff(small_doc):
    import io

    import docx
    from docx.oxml.ns import qn
    from openpyxl import load_workbook

    diff = compare(small_doc, small_doc)
    assert "内容相同" in render(diff, "text")
    assert json.loads(render(diff, "json"))["changes"] == []
    assert "两个版本内容相同" in render(diff, "html")
    assert render(diff, "pdf").startswith(b"%PDF")
    word = docx.Document(io.BytesIO(render(diff, "docx")))
    assert not [e for tag in ("w:ins", "w:del") for e in word.element.body.iter(qn(tag))]
    wb = load_workbook(io.BytesIO(render(diff, "xlsx")))
    assert all(not row[0].value for ws in wb.worksheets[1:4] for row in ws.iter_rows(min_row=2))


def test_returned_excel_copy_is_compared_through_the_importer(small_doc, tmp_path):
    from openpyxl import load_workbook

    from dutydocs.builders import render as build
    from dutydocs.builders.xlsx import FIRST_ROW, LIST_SHEETS

    copy_path = tmp_path / "返回.xlsx"
    copy_path.write_bytes(build(small_doc, "xlsx"))
    assert not compare(small_doc, load_revision(str(copy_path))).changed
    wb = load_workbook(copy_path)
    ws = wb[LIST_SHEETS["basic"]]
    name = next(c for c in ws[FIRST_ROW] if c.value == small_doc.list("basic").items[0].name)
    name.value = "宣传和贯彻执行党的路线方针政策"
    wb.save(copy_path)
    diff = compare(small_doc, load_revision(str(copy_path)))
    assert [(c.kind, c.old.no, c.match, list(c.fields)) for c in diff.changes] == [("modified", 1, "id", ["name"])]
