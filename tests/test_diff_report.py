"""The reports as files: JSON schema, formatting section in every format, same bytes whatever the clock."""
from __future__ import annotations

import inspect
import io
import itertools
import json
import zipfile
from importlib import resources
from types import SimpleNamespace

import jsonschema
import pytest
from openpyxl import load_workbook

from dutydocs.diff import render
from dutydocs.diff.compare import compare
from dutydocs.diff.report import REPORT_VERSION, diff_data, schema

from diff_scenarios import SCENARIOS, data_of, doc_of, revised, strip_ids


@pytest.fixture(scope="module")
def realistic(bundled_path):
    """The bundled source against every scenario at once, the new side without ids."""
    data = data_of(bundled_path)
    new, _, _ = revised(data, *SCENARIOS)
    return compare(doc_of(data), doc_of(strip_ids(new)), "旧.json", "新.json")


def test_json_report_validates_against_the_shipped_schema(realistic, small_doc):
    shipped = resources.files("dutydocs").joinpath("schema").joinpath("diff-report.schema.json")
    assert json.loads(shipped.read_text("utf-8")) == schema()
    validator = jsonschema.Draft202012Validator(schema())
    data = json.loads(render(realistic, "json"))
    validator.validate(data)
    validator.validate(json.loads(render(compare(small_doc, small_doc), "json")))
    assert data["report_version"] == REPORT_VERSION
    data["changes"][0]["kinds"] = ["moved"]  # the schema does not let an unknown key through
    assert not validator.is_valid(data)


def test_json_keeps_formatting_apart_and_moved_items_keep_fields(realistic):
    data = diff_data(realistic)
    assert {(f["part"], f["field"]) for f in data["formatting"]} == {
        ("item", "name"), ("item", "town_duties"), ("item", "departments"), ("explanation", "paragraph")}
    assert len(data["formatting"]) == data["summary"]["formatting"] == 7
    assert all(c["kind"] != "formatting" and c["fields"] or c["kind"] != "modified" for c in data["changes"])
    moved_modified = [c for c in data["changes"] if c["kind"] == "moved" and c["fields"]]
    assert data["summary"]["modified"] == sum(1 for c in data["changes"] if c["kind"] == "modified") + len(moved_modified)
    assert {"old_text", "new_text", "diff"} <= set(data["formatting"][0])


def test_every_format_shows_moved_and_modified_and_the_formatting_section(realistic, tmp_path):
    text = render(realistic, "text")
    assert "移动+修改" in text and "仅格式变化（7 处）" in text and "１２３４５" in text
    html = render(realistic, "html")
    assert '<span class="badge moved">移动</span><span class="badge modified">修改</span>' in html
    assert "<h2>仅格式变化</h2>" in html and "<ins>１２３４５</ins>" in html
    wb = load_workbook(io.BytesIO(render(realistic, "xlsx")))
    rows = [[c.value for c in row] for row in wb["仅格式变化"].iter_rows(min_row=2)]
    assert len(rows) == 7 and any(str(r[0]).startswith("基本 ") and r[1] == "事项名称" for r in rows)
    marks = [c.value for c in wb["基本履职事项清单"]["A"]]
    assert any(m and m.startswith("移动") and m.endswith("+修改") for m in marks)
    header = [c.value for c in wb["摘要"][5]]
    assert header[-1] == "仅格式变化"


def test_pdf_report_has_the_formatting_section(realistic):
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(render(realistic, "pdf"))).pages)
    assert "仅格式变化" in text and "移动" in text


def test_same_inputs_give_the_same_bytes_whatever_the_clock(realistic, bundled_path, monkeypatch):
    """A slow machine is a fast clock: time jumps a minute at every look, and the reports do not change."""
    data = data_of(bundled_path)
    new, _, _ = revised(data, *SCENARIOS)
    first = {fmt: render(realistic, fmt) for fmt in ("text", "json", "html", "xlsx", "docx", "pdf")}
    dmp_module = inspect.getmodule(__import__("diff_match_patch").diff_match_patch)
    ticks = itertools.count(0, 60)
    monkeypatch.setattr(dmp_module, "time", SimpleNamespace(time=lambda: float(next(ticks))))
    again = compare(doc_of(data), doc_of(strip_ids(new)), "旧.json", "新.json")
    for fmt, report in first.items():
        assert render(again, fmt) == report, fmt


def test_xlsx_report_is_dated_by_the_revision_not_the_clock(realistic):
    report = render(realistic, "xlsx")
    stamp = realistic.new.revision.date
    wb = load_workbook(io.BytesIO(report))
    assert wb.properties.modified.date().isoformat() == wb.properties.created.date().isoformat() == stamp
    with zipfile.ZipFile(io.BytesIO(report)) as archive:
        assert {"%04d-%02d-%02d" % info.date_time[:3] for info in archive.infolist()} == {stamp}


def test_diff_command_uses_the_templates_folder_given(small_path, templates_copy, tmp_path):
    from click.testing import CliRunner

    from dutydocs.cli import main

    css = templates_copy / "diff.css"
    css.write_text(css.read_text("utf-8") + "\n/* 本地样式标记 */\n", "utf-8")
    out = tmp_path / "r.html"
    result = CliRunner().invoke(main, ["diff", str(small_path), str(small_path), "--format", "html",
                                       "-o", str(out), "--templates", str(templates_copy)])
    assert result.exit_code == 0, result.output
    assert "本地样式标记" in out.read_text("utf-8")
    (templates_copy / "diff.html.j2").write_text("{% for x in %}", "utf-8")
    result = CliRunner().invoke(main, ["diff", str(small_path), str(small_path), "--format", "html",
                                       "--templates", str(templates_copy)])
    assert result.exit_code == 1 and "diff.html.j2" in result.output and "语法错误" in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def test_a_renamed_department_reads_as_one_name_replaced_not_a_list_of_both(bundled_path):
    """米东区民政局 renamed where it is an item's only department: no 、 between the old name and the new."""
    data = data_of(bundled_path)
    new = json.loads(json.dumps(data))
    items = new["lists"]["cooperative"]["items"]
    alone = next(i for i in items if i["departments"] == ["米东区民政局"])
    alone["departments"] = ["米东区民政和社会保障局"]
    joined = next(i for i in items if len(i["departments"]) == 2)
    kept = joined["departments"][0]
    joined["departments"] = [kept, "米东区数据局", *joined["departments"][1:]]
    diff = compare(doc_of(data), doc_of(new))
    text = render(diff, "text")
    assert "对应上级部门：[-米东区民政局-]{+米东区民政和社会保障局+}" in text
    assert f"对应上级部门：{kept}、{{+米东区数据局+}}、{joined['departments'][2]}" in text  # an added name between two
    html = render(diff, "html")
    assert "<del>米东区民政局</del><ins>米东区民政和社会保障局</ins>" in html
    assert f"{kept}、<ins>米东区数据局</ins>" in html


def test_xlsx_duty_cell_marks_an_inserted_point_not_the_points_renumbered_after_it(bundled_path):
    """A point inserted as 3. in a block of seven: its line is the one insertion; 4. … 8. stand unmarked."""
    from dutydocs.cells import duties_to_text
    from dutydocs.diff.xlsx import duty_cell_ops

    data = data_of(bundled_path)
    new = json.loads(json.dumps(data))
    item = next(i for i in new["lists"]["cooperative"]["items"] if i["no"] == 2)
    duties = item["department_duties"]
    k = next(n for n, e in enumerate(duties) if "成立考核组" in e.get("point", "")) + 1
    duties.insert(k, {"point": "组织考核组成员学习考核纪律；"})
    diff = compare(doc_of(data), doc_of(new))
    (change,) = diff.changes
    ops = duty_cell_ops(change.fields["department_duties"])
    assert [(op, text) for op, text in ops if op] == [(1, "3."), (1, "组织考核组成员学习考核纪律；")]
    assert "".join(text for op, text in ops if op >= 0) == duties_to_text(change.item.department_duties)
    wb = load_workbook(io.BytesIO(render(diff, "xlsx")), rich_text=True)
    marked = [b.text for ws in wb.worksheets for row in ws.iter_rows() for c in row if not isinstance(c.value, (str, int, float, type(None)))
              for b in c.value if not isinstance(b, str) and (b.font.u or b.font.strike)]
    assert marked == ["3.", "组织考核组成员学习考核纪律；"]
