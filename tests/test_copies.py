"""Department copies, the revision embedded in every workbook, scrambled ids, and merge's exit statuses."""
from __future__ import annotations

import io
import json
from dataclasses import replace

import openpyxl
import pytest
from click.testing import CliRunner

from dutydocs import source
from dutydocs.builders import render
from dutydocs.cli import main
from dutydocs.copies import departments, render_copy
from dutydocs.errors import DutydocsError
from dutydocs.importers.xlsx import import_workbook, read_returned
from lo import convert

COOP = "配合履职事项清单"
REVISION = "dutydocs_revision"


def _run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def copies_dir(tmp_path_factory, bundled_path):
    out = tmp_path_factory.mktemp("copies")
    result = _run("copies", bundled_path, "-o", out)
    assert result.exit_code == 0, result.output
    return out


def test_one_copy_per_department_with_only_its_rows(copies_dir, bundled_doc):
    named = departments(bundled_doc)
    assert len(named) == 48
    assert sorted(p.stem for p in copies_dir.glob("*.xlsx")) == sorted(named)
    wb = openpyxl.load_workbook(copies_dir / "米东区人大常委会办公室.xlsx")
    assert wb.sheetnames[0] == "填写说明" and "隐藏的编号列" in "".join(str(c.value) for c in wb["填写说明"]["A"])
    ids = [wb[COOP].cell(r, 7).value for r in range(3, wb[COOP].max_row + 1)]
    assert ids == [i.id for i in bundled_doc.list("cooperative").items if "米东区人大常委会办公室" in i.departments]
    assert wb["基本履职事项清单"].max_row == 2  # no basic item names a department
    assert wb["基本履职事项清单"].sheet_state == "hidden" and wb[COOP].sheet_state == "visible"
    civil = openpyxl.load_workbook(copies_dir / "米东区民政局.xlsx")["上级部门收回事项清单"]
    assert [civil.cell(r, 4).value for r in range(3, civil.max_row + 1)] == [
        i.department for i in bundled_doc.list("withdrawn").items if i.department == "米东区民政局"]


def test_every_workbook_embeds_its_whole_revision(copies_dir, bundled_doc, bundled_xlsx, tmp_path):
    edition = tmp_path / "edition.xlsx"
    edition.write_bytes(bundled_xlsx)
    for path, department in ((edition, ""), (copies_dir / "米东区统计局.xlsx", "米东区统计局")):
        wb = openpyxl.load_workbook(path)
        assert wb[REVISION].sheet_state == "veryHidden"
        assert all(len(c.value) <= 32767 for c in wb[REVISION]["A"] if c.value)
        returned = read_returned(path)
        assert source.dumps(returned.revision) == source.dumps(bundled_doc)
        assert returned.department == department


@pytest.mark.parametrize("route", [("ods", "xlsx"), ("xlsx:Calc MS Excel 2007 XML",)])
def test_copies_survive_libreoffice(copies_dir, bundled_doc, tmp_path, route):
    path = copies_dir / "米东区统计局.xlsx"
    for step, target in enumerate(route):
        path = convert(path, target, tmp_path / str(step))
    wb = openpyxl.load_workbook(path)
    assert wb[REVISION].sheet_state in ("hidden", "veryHidden")  # LibreOffice saves very hidden as hidden
    returned = read_returned(path)
    assert source.dumps(returned.revision) == source.dumps(bundled_doc)
    assert returned.department == "米东区统计局"
    assert [i.id for i in returned.doc.list("cooperative").items] == [
        i.id for i in bundled_doc.list("cooperative").items if "米东区统计局" in i.departments]


def _edited(tmp_path, data: bytes, edit, name="edited.xlsx"):
    wb = openpyxl.load_workbook(io.BytesIO(data))
    edit(wb)
    path = tmp_path / name
    wb.save(path)
    return path


def test_an_edited_embedded_revision_is_detected(tmp_path, small_xlsx):
    def tamper(wb):
        cell = wb[REVISION]["A2"]
        cell.value = cell.value.replace("婚姻登记", "婚姻登讫", 1)

    path = _edited(tmp_path, small_xlsx, tamper)
    with pytest.raises(DutydocsError, match="已被改动或损坏"):
        import_workbook(path)


def _sort_visible_columns(wb):
    """What a department does when it selects columns A–F and sorts by name: G stays behind."""
    ws = wb[COOP]
    rows = list(range(3, ws.max_row + 1))
    values = sorted(([ws.cell(r, c).value for c in range(1, 7)] for r in rows), key=lambda v: v[2])
    for r, row_values in zip(rows, values):
        for c, value in enumerate(row_values, 1):
            ws.cell(r, c).value = value


def test_import_refuses_scrambled_ids_and_writes_nothing(tmp_path, bundled_xlsx):
    path = _edited(tmp_path, bundled_xlsx, _sort_visible_columns)
    out = tmp_path / "new.json"
    result = _run("import", path, "-o", out)
    assert result.exit_code == 1 and not out.exists()
    assert "配合履职事项清单 第 3 行" in result.output and "隐藏的编号" in result.output
    assert "Traceback" not in result.output


def test_merge_refuses_a_scrambled_copy_and_merges_the_others(tmp_path, bundled_doc, bundled_path):
    sorted_copy = _edited(tmp_path, render_copy(bundled_doc, "米东区委组织部"), _sort_visible_columns, "组织部.xlsx")

    def reword(wb):
        wb[COOP]["C3"].value = "开展统计造假治理（改）"

    good = _edited(tmp_path, render_copy(bundled_doc, "米东区统计局"), reword, "统计局.xlsx")
    out, report = tmp_path / "new.json", tmp_path / "report.json"
    result = _run("merge", bundled_path, sorted_copy, good, "-o", out, "--report", report)
    assert result.exit_code == 3, result.output
    data = json.loads(report.read_text(encoding="utf-8"))
    refused, merged = data["copies"]
    assert refused["status"] == "refused" and "配合履职事项清单 第 4 行" in refused["rows"]
    assert refused["department"] == "米东区委组织部" and "米东区委组织部" not in data["missing_departments"]
    assert "隐藏的编号" in refused["refused"]
    assert merged["status"] == "merged" and merged["applied"] == 1
    assert [a["copy"] for a in data["applied"]] == ["统计局.xlsx"]
    assert "开展统计造假治理（改）" in out.read_text(encoding="utf-8")


def test_merge_report_uses_the_templates_folder_given(tmp_path, small_path, small_xlsx, templates_copy):
    def reword(wb):
        wb["基本履职事项清单"]["C3"].value = "改<过>的名称"

    copy = _edited(tmp_path, small_xlsx, reword)
    page = templates_copy / "merge-report.html.j2"
    page.write_text(page.read_text("utf-8").replace("<h1>副本合并报告</h1>", "<h1>本地的合并报告</h1>"), "utf-8")
    report = tmp_path / "r.html"
    result = _run("merge", small_path, copy, "-o", tmp_path / "new.json", "--report", report,
                  "--templates", templates_copy)
    assert result.exit_code == 0, result.output
    text = report.read_text(encoding="utf-8")
    assert "<h1>本地的合并报告</h1>" in text and "改&lt;过&gt;的名称" in text  # the folder's template, escaped
    page.write_text("{% if %}", "utf-8")
    result = _run("merge", small_path, copy, "-o", tmp_path / "again.json", "--report", tmp_path / "again.html",
                  "--templates", templates_copy)
    assert result.exit_code == 1 and "merge-report.html.j2" in result.output and "语法错误" in result.output
    assert not (tmp_path / "again.json").exists()  # nothing written when the report cannot be made


def test_exit_zero_when_everything_landed_and_one_on_errors(tmp_path, small_doc, small_path, small_xlsx):
    def reword(wb):
        wb["基本履职事项清单"]["C3"].value = "改过的名称"

    copy = _edited(tmp_path, small_xlsx, reword)
    out = tmp_path / "new.json"
    result = _run("merge", small_path, copy, "-o", out, "--report", tmp_path / "r.html")
    assert result.exit_code == 0, result.output
    assert source.load(out).list("basic").items[0].name == "改过的名称"
    assert "改过的名称" in (tmp_path / "r.html").read_text(encoding="utf-8")
    missing = tmp_path / "none.json"
    result = _run("merge", tmp_path / "不存在.json", copy, "-o", missing)
    assert result.exit_code == 1 and not missing.exists() and "Traceback" not in result.output
    result = _run("merge", small_path, copy, "-o", small_path)
    assert result.exit_code == 2  # the inputs are never overwritten


def test_copies_made_before_embedding_merge_against_base_with_a_warning(tmp_path, bundled_doc, bundled_path):
    def older(wb):
        del wb[REVISION]
        wb[COOP]["C3"].value = "盘活闲置资产（旧副本改）"
        wb[COOP].delete_rows(4)  # this copy's department is known from its file name: a proposal

    copy = _edited(tmp_path, render_copy(bundled_doc, "米东区财政局"), older, "米东区财政局.xlsx")
    out, report = tmp_path / "new.json", tmp_path / "report.xlsx"
    result = _run("merge", bundled_path, copy, "-o", out, "--report", report)
    assert result.exit_code == 3, result.output  # the deleted row waits for the office
    rows = [[c.value for c in row] for row in openpyxl.load_workbook(report).active.iter_rows()]
    assert any("没有内嵌的修订版本" in str(row) for row in rows)
    assert any(row[0] == "删除建议" for row in rows)
    assert "盘活闲置资产（旧副本改）" in out.read_text(encoding="utf-8")


def test_deletions_apply_only_when_accepted(tmp_path, bundled_doc, bundled_path):
    union = _edited(tmp_path, render_copy(bundled_doc, "米东区总工会"), lambda wb: wb[COOP].delete_rows(3))
    out = tmp_path / "new.json"
    assert _run("merge", bundled_path, union, "-o", out).exit_code == 3
    assert "ymg-0143" in out.read_text(encoding="utf-8")
    assert _run("merge", bundled_path, union, "-o", out, "--accept-deletions").exit_code == 0
    assert "ymg-0143" not in out.read_text(encoding="utf-8")
    assert source.load(out).item_count() == bundled_doc.item_count() - 1


def test_what_dutydocs_does_not_read_is_listed_not_lost(tmp_path, bundled_doc, bundled_path):
    from openpyxl.comments import Comment

    def annotate(wb):
        wb[COOP]["H3"] = "我局意见：建议删除第二条"
        wb[COOP]["E4"].comment = Comment("这里的表述需要再议", "财政局")
        wb.create_sheet("意见")["A1"] = "总体同意"

    copy = _edited(tmp_path, render_copy(bundled_doc, "米东区财政局"), annotate)
    report = tmp_path / "report.json"
    assert _run("merge", bundled_path, copy, "-o", tmp_path / "new.json", "--report", report).exit_code == 0
    warnings = "\n".join(json.loads(report.read_text(encoding="utf-8"))["copies"][0]["warnings"])
    assert "配合履职事项清单!H3：我局意见：建议删除第二条" in warnings
    assert "配合履职事项清单!E4 的批注：这里的表述需要再议" in warnings
    assert "工作表“意见”" in warnings


def _add_row(wb, row, category, name, department):
    ws = wb[COOP]
    ws.insert_rows(row)
    for column, value in zip(range(2, 7), (category, name, department, "1.上级职责。", "1.镇配合。")):
        ws.cell(row, column).value = value


def test_new_rows_land_after_the_row_above_or_first_in_their_category(tmp_path, bundled_doc, bundled_path):
    first = _edited(tmp_path, render_copy(bundled_doc, "米东区发展和改革委员会"),
                    lambda wb: _add_row(wb, 3, "经济发展", "放在最上面的新事项", "米东区发展和改革委员会"), "a.xlsx")
    congress = _edited(tmp_path, render_copy(bundled_doc, "米东区人大常委会办公室"),
                       lambda wb: _add_row(wb, 4, "党的建设", "人大新增", "米东区人大常委会办公室"), "b.xlsx")
    cppcc = _edited(tmp_path, render_copy(bundled_doc, "米东区政协办公室"),
                    lambda wb: _add_row(wb, 4, "党的建设", "政协新增", "米东区政协办公室"), "c.xlsx")
    out, report = tmp_path / "new.json", tmp_path / "report.json"
    assert _run("merge", bundled_path, first, congress, cppcc, "-o", out, "--report", report).exit_code == 0
    merged = source.load(out).list("cooperative").items
    names = [i.name for i in merged]
    assert next(i.name for i in merged if i.category == "经济发展") == "放在最上面的新事项"
    after = names.index(next(i.name for i in bundled_doc.list("cooperative").items if i.id == "ymg-0138"))
    assert names[after + 1:after + 3] == ["人大新增", "政协新增"]
    notes = json.loads(report.read_text(encoding="utf-8"))["notes"]
    assert any("同一位置新增" in note for note in notes)


def test_merge_reads_a_copied_row_as_a_new_item(tmp_path, bundled_doc, bundled_path):
    def copy_row_above(wb):  # a department duplicates a row (hidden id included) above, and edits the copy
        ws = wb[COOP]
        ws.insert_rows(3)
        for column in range(1, 8):
            ws.cell(3, column).value = ws.cell(4, column).value
        ws["C3"] = "照着改出的新事项"

    copy = _edited(tmp_path, render_copy(bundled_doc, "米东区财政局"), copy_row_above)
    out, report = tmp_path / "new.json", tmp_path / "report.json"
    assert _run("merge", bundled_path, copy, "-o", out, "--report", report).exit_code == 0
    merged = source.load(out).list("cooperative").items
    original = next(i for i in bundled_doc.list("cooperative").items if i.id == "ymg-0140")
    kept = next(i for i in merged if i.id == "ymg-0140")
    assert replace(kept, no=0) == replace(original, no=0)  # the unedited row keeps the id
    assert [i.id for i in merged if i.name == "照着改出的新事项"] == [None]
    warnings = json.loads(report.read_text(encoding="utf-8"))["copies"][0]["warnings"]
    assert any("整行复制" in w for w in warnings)
    with pytest.raises(DutydocsError) as refused:  # import keeps refusing it, with its hint
        import_workbook(copy)
    assert "出现 2 次" in str(refused.value.problems[0].message)


def test_diff_against_a_department_copy_points_to_merge(tmp_path, bundled_path):
    """A copy holds one department's rows: diffing it against the whole list would call the rest deleted."""
    from click.testing import CliRunner

    from dutydocs.cli import main

    out = tmp_path / "copies"
    assert CliRunner().invoke(main, ["copies", str(bundled_path), "-o", str(out)]).exit_code == 0
    copy = out / "米东区民政局.xlsx"
    result = CliRunner().invoke(main, ["diff", str(bundled_path), str(copy)])
    assert result.exit_code == 2
    assert "部门副本" in result.output and "dutydocs merge" in result.output and "删除 " not in result.output
