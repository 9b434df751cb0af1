"""Word lists typed with habits our other fixtures do not have: each is read right, or refused by table and row."""
from __future__ import annotations

import subprocess
from pathlib import Path

import docx
from click.testing import CliRunner
from lxml import etree

from dutydocs import load
from dutydocs.cli import main

BASIC = ["序号", "事项类别", "事项名称"]
COOPERATIVE = ["序号", "事项类别", "事项名称", "对应上级部门", "上级部门职责", "镇配合职责"]
WITHDRAWN = ["序号", "事项类别", "事项名称", "承接部门及工作方式"]
TEXT_BOX = (  # a text box as Word writes it: drawn, and again for programs that cannot draw shapes
    '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml"><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx>'
    '<w:txbxContent><w:p><w:r><w:t>做好登记。</w:t></w:r></w:p></w:txbxContent></wps:txbx></w:drawing></mc:Choice>'
    '<mc:Fallback><w:pict><v:textbox><w:txbxContent><w:p><w:r><w:t>做好登记。</w:t></w:r></w:p></w:txbxContent>'
    '</v:textbox></w:pict></mc:Fallback></mc:AlternateContent></w:r>')


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def table(word, header, rows):
    """A table, after an empty paragraph: Word keeps one between tables (LibreOffice joins tables that touch)."""
    word.add_paragraph("")
    made = word.add_table(rows=1 + len(rows), cols=len(header))
    for cell, text in zip(made.rows[0].cells, header):
        cell.text = text
    for r, row in enumerate(rows, start=1):
        for cell, text in zip(made.rows[r].cells, row):
            cell.text = text
    return made


def start(explanation=("一、基本情况", "示范镇位于某某区。")) -> docx.Document:
    word = docx.Document()
    for text in ("示范镇履职事项清单", "说明", *explanation):
        word.add_paragraph(text)
    return word


def odd_habits(path: Path, text_box: bool = True) -> Path:
    """Headings 一．, blank rows, 序号 typed 1、 （2） ３, the header again mid-table, a table per category,
    departments on lines of one paragraph, a text box in a cell (a bare one, which LibreOffice drops)."""
    word = start(("一．基本情况", "示范镇位于某某区。", "二.清单内容", "共有基本履职事项４项。"))
    table(word, BASIC, [["1、", "党的建设", "宣传党的路线方针政策"], ["", "", ""], BASIC,
                        ["（2）", "党的建设", "加强基层党组织建设"], ["", "", ""]])
    table(word, BASIC, [["３", "武装工作", "组织开展民兵训练"], ["4.", "武装工作", "做好征兵工作"]])
    coop = table(word, COOPERATIVE, [["1", "民生服务", "开展社会救助", "", "1.审核救助申请。", "受理申请。"]])
    names = coop.cell(1, 3).paragraphs[0]
    names.add_run("某某区民政局")
    names.add_run().add_break()
    names.add_run("某某区财政局")
    if text_box:
        coop.cell(1, 5).paragraphs[0]._p.append(etree.fromstring(TEXT_BOX))
    table(word, WITHDRAWN, [["1", "民生服务", "婚姻登记", "某某区民政局"]])
    word.save(str(path))
    return path


def assert_odd_habits_read(out: Path, text_box: bool = True) -> None:
    doc = load(out)
    assert [(s.heading, s.paragraphs) for s in doc.explanation.sections] == [
        ("一．基本情况", ("示范镇位于某某区。",)), ("二.清单内容", ("共有基本履职事项４项。",))]
    assert [(i.no, i.category, i.name) for i in doc.list("basic").items] == [
        (1, "党的建设", "宣传党的路线方针政策"), (2, "党的建设", "加强基层党组织建设"),
        (3, "武装工作", "组织开展民兵训练"), (4, "武装工作", "做好征兵工作")]
    (item,) = doc.list("cooperative").items
    assert item.departments == ("某某区民政局", "某某区财政局")
    assert [(e.kind, e.text) for e in item.department_duties.entries] == [("point", "审核救助申请。")]
    assert [e.text for e in item.town_duties.entries] == ["受理申请。"] + ["做好登记。"] * text_box
    (gone,) = doc.list("withdrawn").items
    assert gone.department == "某某区民政局"


def test_odd_habits_are_read(tmp_path):
    out = tmp_path / "new.json"
    result = invoke("import", odd_habits(tmp_path / "镇.docx"), "--date", "2026-01-05", "-o", out)
    assert result.exit_code == 0, result.output
    assert_odd_habits_read(out)


def test_odd_habits_saved_again_by_libreoffice_are_read(tmp_path):
    path = odd_habits(tmp_path / "镇.docx", text_box=False)
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(tmp_path / "lo"), str(path)],
                   check=True, capture_output=True, timeout=180)
    out = tmp_path / "new.json"
    result = invoke("import", tmp_path / "lo" / path.name, "--date", "2026-01-05", "-o", out)
    assert result.exit_code == 0, result.output
    assert_odd_habits_read(out, text_box=False)


def test_a_line_break_inside_one_name_is_not_two_departments(tmp_path):
    word = start()
    table(word, BASIC, [["1", "党的建设", "宣传党的路线方针政策"]])
    coop = table(word, COOPERATIVE, [["1", "党的建设", "组织党员学习", "", "指导学习。", "组织学习。"]])
    wrapped = coop.cell(1, 3).paragraphs[0]
    wrapped.add_run("某某区委")
    wrapped.add_run().add_break()
    wrapped.add_run("组织部")
    table(word, WITHDRAWN, [["1", "民生服务", "婚姻登记", "某某区民政局"]])
    word.save(str(tmp_path / "x.docx"))
    out = tmp_path / "x.json"
    assert invoke("import", tmp_path / "x.docx", "--date", "2026-01-05", "-o", out).exit_code == 0
    assert load(out).list("cooperative").items[0].departments == ("某某区委组织部",)


def refused(tmp_path, word) -> str:
    word.save(str(tmp_path / "x.docx"))
    out = tmp_path / "x.json"
    result = invoke("import", tmp_path / "x.docx", "--date", "2026-01-05", "-o", out)
    assert result.exit_code == 1 and "Traceback" not in result.output and not out.exists(), result.output
    return result.output


def test_a_category_row_across_the_table_is_refused_by_row(tmp_path):
    word = start()
    basic = table(word, BASIC, [["一、党的建设", "", ""], ["1", "", "宣传党的路线方针政策"]])
    basic.cell(1, 0).merge(basic.cell(1, 2))
    output = refused(tmp_path, word)
    assert "表格 1 第 2 行" in output and "事项名称为空" in output


def test_category_headings_between_tables_are_refused_by_place(tmp_path):
    word = start()
    table(word, BASIC, [["1", "党的建设", "宣传党的路线方针政策"]])
    word.add_paragraph("武装工作")
    table(word, BASIC, [["2", "武装工作", "组织开展民兵训练"]])
    output = refused(tmp_path, word)
    assert "表格 1 之后的段落" in output and "武装工作" in output


def test_a_document_with_only_the_basic_list_says_what_is_missing(tmp_path):
    word = start()
    table(word, BASIC, [["1", "党的建设", "宣传党的路线方针政策"]])
    output = refused(tmp_path, word)
    assert "基本履职事项清单 1 项" in output and "配合履职事项清单没有一项" in output


def test_explanation_headings_numbered_1_are_refused_by_paragraph(tmp_path):
    word = start(("1.基本情况", "示范镇位于某某区。"))
    table(word, BASIC, [["1", "党的建设", "宣传党的路线方针政策"]])
    output = refused(tmp_path, word)
    assert "说明第 1 段" in output and "1.基本情况" in output


def test_cells_merged_down_over_two_items_belong_to_both(tmp_path):
    word = start()
    table(word, BASIC, [["1", "党的建设", "宣传党的路线方针政策"]])
    coop = table(word, COOPERATIVE, [["1", "民生服务", "开展红十字会工作", "某某区红十字会", "1.组织应急救护培训。", "协助宣传。"],
                                     ["2", "民生服务", "组织无偿献血", "", "", ""]])
    for column in (3, 4, 5):
        coop.cell(1, column).merge(coop.cell(2, column))
    gone = table(word, WITHDRAWN, [["1", "民生服务", "婚姻登记", "某某区民政局"], ["2", "民生服务", "收养登记", ""]])
    gone.cell(1, 3).merge(gone.cell(2, 3))
    word.save(str(tmp_path / "x.docx"))
    out = tmp_path / "x.json"
    result = invoke("import", tmp_path / "x.docx", "--date", "2026-01-05", "-o", out)
    assert result.exit_code == 0, result.output
    doc = load(out)
    first, second = doc.list("cooperative").items
    assert second.name == "组织无偿献血"
    for item in (first, second):
        assert item.departments == ("某某区红十字会",)
        assert [(e.kind, e.text) for e in item.department_duties.entries] == [("point", "组织应急救护培训。")]
        assert [e.text for e in item.town_duties.entries] == ["协助宣传。"]
    assert [item.department for item in doc.list("withdrawn").items] == ["某某区民政局", "某某区民政局"]


def test_two_columns_read_as_one_field_are_refused_by_cell(tmp_path):
    """A 子项名称 beside the 事项名称: one of them would be lost, so neither is guessed."""
    word = start()
    table(word, BASIC + ["子项名称"], [["1", "党的建设", "宣传党的路线方针政策", "宣传会议精神"]])
    output = refused(tmp_path, word)
    assert "表格 1 第 1 行 第 4 列" in output and "子项名称" in output and "事项名称" in output


def test_a_duty_column_headed_乡职责_holds_the_towns_duties(tmp_path):
    word = start()
    table(word, BASIC, [["1", "党的建设", "宣传党的路线方针政策"]])
    table(word, COOPERATIVE[:5] + ["乡职责"], [["1", "民生服务", "开展红十字会工作", "某某区红十字会", "组织培训。", "协助宣传。"]])
    table(word, WITHDRAWN, [["1", "民生服务", "婚姻登记", "某某区民政局"]])
    word.save(str(tmp_path / "x.docx"))
    out = tmp_path / "x.json"
    assert invoke("import", tmp_path / "x.docx", "--date", "2026-01-05", "-o", out).exit_code == 0
    (item,) = load(out).list("cooperative").items
    assert [e.text for e in item.department_duties.entries] == ["组织培训。"]
    assert [e.text for e in item.town_duties.entries] == ["协助宣传。"]


def test_a_column_the_list_does_not_print_is_refused_by_cell(tmp_path):
    """A 责任部门 column in the basic list: the basic list has no departments, so it is not dropped unsaid."""
    word = start()
    table(word, BASIC + ["责任部门"], [["1", "党的建设", "宣传党的路线方针政策", "党政办"]])
    output = refused(tmp_path, word)
    assert "表格 1 第 2 行 第 4 列" in output and "责任部门" in output and "党政办" in output
