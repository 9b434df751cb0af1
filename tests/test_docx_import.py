"""Word import: our own Word edition comes back the same; an office's own layout is read; what cannot be placed is reported."""
from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.shared import Pt

from dutydocs import dumps, load
from dutydocs.builders import render
from dutydocs.cli import main
from dutydocs.model import (
    BasicItem, CooperativeItem, Document, Duties, DutyList, Entry, Explanation, Revision, Section, WithdrawnItem,
)


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def content(doc: Document) -> str:
    """The source text without what an import cannot know from the page: ids, provenance."""
    doc = replace(doc, provenance="")
    for duty_list in doc.lists:
        doc = doc.with_list(duty_list.key, [replace(item, id=None) for item in duty_list.items])
    return dumps(doc)


# --- our own Word edition -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def edition(tmp_path_factory, bundled_doc) -> Path:
    path = tmp_path_factory.mktemp("word") / "edition.docx"
    path.write_bytes(render(bundled_doc, "docx"))
    return path


def test_our_word_edition_imports_back_to_the_same_content(edition, bundled_doc, tmp_path):
    out = tmp_path / "back.json"
    result = invoke("import", edition, "--date", bundled_doc.revision.date, "--label", bundled_doc.revision.label,
                    "-o", out)
    assert result.exit_code == 0, result.output
    assert content(load(out)) == content(bundled_doc)


def test_with_base_the_ids_come_from_the_base(edition, bundled_doc, bundled_path, tmp_path):
    out = tmp_path / "back.json"
    result = invoke("import", edition, "--base", bundled_path, "--label", bundled_doc.revision.label, "-o", out)
    assert result.exit_code == 0, result.output
    assert dumps(replace(load(out), provenance="")) == dumps(replace(bundled_doc, provenance=""))


def saved_by_libreoffice(path: Path, folder: Path) -> Path:
    """The document opened and saved again by LibreOffice Writer, as a clerk's office suite would."""
    subprocess.run(["soffice", f"-env:UserInstallation=file://{folder}/profile", "--headless",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(folder / "lo"), str(path)],
                   check=True, capture_output=True, timeout=180)
    return folder / "lo" / path.name


def test_our_word_edition_saved_by_libreoffice_imports_back(edition, bundled_doc, bundled_path, tmp_path):
    out = tmp_path / "back.json"
    result = invoke("import", saved_by_libreoffice(edition, tmp_path), "--base", bundled_path,
                    "--label", bundled_doc.revision.label, "-o", out)
    assert result.exit_code == 0, result.output
    assert dumps(replace(load(out), provenance="")) == dumps(replace(bundled_doc, provenance=""))


def test_a_withdrawn_cell_with_only_a_note_is_read_as_a_note(bundled_doc):
    from dutydocs.importers.docx import Para, handover

    note = bundled_doc.list("withdrawn").items[1]
    assert note.department is None and note.note
    assert handover([Para(note.note)]) == {"department": None, "takeover": None, "note": note.note}
    assert handover([Para("某某区民政局")])["department"] == "某某区民政局"
    # what the rule would read as a department, the base says is a note
    assert handover([Para("某某区民政局")], replace(note, note="某某区民政局"))["note"] == "某某区民政局"


# --- a list laid out as an office lays it out ----------------------------------------------------------

def office_document(path: Path) -> Path:
    """A Word file typed by hand: original headers, merged categories, a row split over pages, Word numbering."""
    word = docx.Document()
    word.add_paragraph("示范镇履职事项清单")
    word.add_paragraph("说  明")
    word.add_paragraph("一、基本情况")
    word.add_paragraph("示范镇位于某某区。")
    word.add_paragraph("二、清单内容")
    word.add_paragraph("基本履职事项清单是本镇必须为、负全责的事项，共有基本履职事项 3 项。")
    word.add_paragraph("配合履职事项清单是以上级部门为主负责、本镇为辅配合的履职事项，共有配合履职事项 2 项。")

    word.add_paragraph("基本履职事项清单")
    table = word.add_table(rows=4, cols=3)
    for cell, text in zip(table.rows[0].cells, ["序号", "事项类别", "事项名称"]):
        cell.text = text
    for r, name in enumerate(["宣传党的路线方针政策", "加强基层党组织建设", "组织开展民兵训练"], start=1):
        number = table.cell(r, 0).paragraphs[0]
        number.style = word.styles["List Number"]  # 序号 by Word numbering: no typed digits
        table.cell(r, 2).text = name
    table.cell(1, 1).text = "党的建设"
    table.cell(1, 1).merge(table.cell(2, 1))  # the category merged down over two rows
    table.cell(3, 1).text = "武装工作"

    word.add_paragraph("配合履职事项清单")
    table = word.add_table(rows=4, cols=6)
    for cell, text in zip(table.rows[0].cells, ["序号", "事项类别", "事项名称", "对应上级部门", "上级部门职责", "镇配合职责"]):
        cell.text = text
    row = table.rows[1].cells
    row[0].text, row[1].text, row[2].text = "1", "民生服务", "开展红十字会工作"
    row[3].text = "某某区卫生健康委员会、某某区红十字会"
    duty = row[4]
    duty.paragraphs[0].add_run("区卫健委").bold = True  # a department heading in bold
    typed = duty.add_paragraph("1.组织应急救护培训；")
    typed.add_run().add_break()  # Shift+Enter: a new line in the same paragraph
    typed.add_run("2.指导开展无偿献血。")
    row[5].text = "协助做好宣传动员。"
    # the same item continued on the next page: identity cells empty
    cont = table.rows[2].cells
    cont[4].paragraphs[0].add_run("区红十字会").bold = True
    cont[4].add_paragraph("1.开展“三救三献”工作。")
    row = table.rows[3].cells
    row[0].text, row[1].text, row[2].text = "2", "民生服务", "残疾人证办理"
    wrapped = row[3].paragraphs[0]  # a department name broken by hand in its narrow column
    wrapped.add_run("某某区残疾人")
    wrapped.add_run().add_break()
    wrapped.add_run("联合会")
    row[4].text = "一、证件核发"
    for text in ["审核残疾人证申请；", "核发证件。"]:
        row[4].add_paragraph(text, style="List Number")  # points numbered by Word
    row[5].text = "受理申请并初审。"

    word.add_paragraph("上级部门收回事项清单")
    table = word.add_table(rows=3, cols=4)
    for cell, text in zip(table.rows[0].cells, ["序号", "事项类别", "事项名称", "承接部门及工作方式"]):
        cell.text = text
    row = table.rows[1].cells
    row[0].text, row[1].text, row[2].text = "1", "民生服务", "婚姻登记"
    row[3].text = "某某区民政局"
    row[3].add_paragraph("承接方式：负责婚姻登记工作")
    row = table.rows[2].cells
    row[0].text, row[1].text, row[2].text = "2", "民生服务", "老年证办理"
    row[3].text = "法律法规条款已失效，不再开展此项工作"
    for paragraph in (p for t in word.tables for c in t._cells for p in c.paragraphs):
        for run in paragraph.runs:
            run.font.size = Pt(12)
    word.save(str(path))
    return path


EXPECTED = Document(
    title="示范镇履职事项清单", township="示范镇", revision=Revision("2026-01-05", "部门返回稿"),
    explanation=Explanation("说明", (
        Section("一、基本情况", ("示范镇位于某某区。",)),
        Section("二、清单内容", ("基本履职事项清单是本镇必须为、负全责的事项，共有基本履职事项 3 项。",
                               "配合履职事项清单是以上级部门为主负责、本镇为辅配合的履职事项，共有配合履职事项 2 项。")))),
    lists=(
        DutyList("basic", "基本履职事项清单", (
            BasicItem(1, "党的建设", "宣传党的路线方针政策"), BasicItem(2, "党的建设", "加强基层党组织建设"),
            BasicItem(3, "武装工作", "组织开展民兵训练"))),
        DutyList("cooperative", "配合履职事项清单", (
            CooperativeItem(1, "民生服务", "开展红十字会工作", ("某某区卫生健康委员会", "某某区红十字会"),
                            Duties((Entry("heading", "区卫健委"), Entry("point", "组织应急救护培训；"),
                                    Entry("point", "指导开展无偿献血。"), Entry("heading", "区红十字会"),
                                    Entry("point", "开展“三救三献”工作。"))),
                            Duties((Entry("paragraph", "协助做好宣传动员。"),))),
            CooperativeItem(2, "民生服务", "残疾人证办理", ("某某区残疾人联合会",),
                            Duties((Entry("heading", "一、证件核发"), Entry("point", "审核残疾人证申请；"),
                                    Entry("point", "核发证件。"))),
                            Duties((Entry("paragraph", "受理申请并初审。"),))))),
        DutyList("withdrawn", "上级部门收回事项清单", (
            WithdrawnItem(1, "民生服务", "婚姻登记", department="某某区民政局", takeover="负责婚姻登记工作"),
            WithdrawnItem(2, "民生服务", "老年证办理", note="法律法规条款已失效，不再开展此项工作"))),
    ))


def test_an_office_document_is_read(tmp_path):
    path = office_document(tmp_path / "示范镇.docx")
    out = tmp_path / "new.json"
    result = invoke("import", path, "--date", "2026-01-05", "--label", "部门返回稿", "-o", out)
    assert result.exit_code == 0, result.output
    assert content(load(out)) == content(EXPECTED)


def test_an_office_document_saved_again_by_libreoffice_is_read(tmp_path):
    path = office_document(tmp_path / "typed.docx")
    out = tmp_path / "new.json"
    result = invoke("import", saved_by_libreoffice(path, tmp_path), "--date", "2026-01-05", "--label", "部门返回稿",
                    "-o", out)
    assert result.exit_code == 0, result.output
    assert content(load(out)) == content(EXPECTED)


def test_what_cannot_be_placed_is_reported_by_table_row_and_cell(tmp_path):
    path = office_document(tmp_path / "bad.docx")
    word = docx.Document(str(path))
    basic = word.tables[0]
    basic.add_column(Pt(40)).cells[0].text = "附注"  # a column nobody knows
    basic.cell(2, 3).text = "另行研究"
    cooperative = word.tables[1]
    cooperative.cell(3, 2).text = ""  # a row with a number and category but no name
    word.save(str(path))
    out = tmp_path / "new.json"
    result = invoke("import", path, "--date", "2026-01-05", "-o", out)
    assert result.exit_code == 1 and "Traceback" not in result.output and not out.exists()
    assert "表格 1 第 3 行 第 4 列" in result.output and "另行研究" in result.output
    assert "表格 2 第 4 行" in result.output and "事项名称为空" in result.output
    assert "未写入任何文件" in result.output


TRAILING = ["注：1.本清单实行动态调整；", "2.未列入清单的事项，由镇党委研究确定。", "示范镇人民政府（盖章）",
            "中共示范镇委员会", "2026年1月5日", "二〇二六年一月五日", "联系人：王某  联系电话：0991-1234567"]


def test_a_note_signature_and_date_after_the_tables_are_left_out_and_said(tmp_path):
    """A township's document ends with 注：…, the signature and the date: not list content, and the summary says so."""
    path = office_document(tmp_path / "示范镇.docx")
    word = docx.Document(str(path))
    for text in TRAILING:
        word.add_paragraph(text)
    word.save(str(path))
    out = tmp_path / "new.json"
    result = invoke("import", path, "--date", "2026-01-05", "--label", "部门返回稿", "-o", out)
    assert result.exit_code == 0, result.output
    assert content(load(out)) == content(EXPECTED)
    (said,) = [line for line in result.output.splitlines() if "未导入" in line]
    assert "最后一个表格之后" in said and "注：1.本清单实行动态调整" in said and "等 7 段" in said


@pytest.mark.parametrize("text", ["组织开展民兵训练", "4 武装工作 组织开展民兵训练", "3.做好征兵工作。"])
def test_content_after_the_last_table_is_still_refused(tmp_path, text):
    """Only a note (and its numbered points), a signature, a date or a contact line may follow the tables."""
    path = office_document(tmp_path / "示范镇.docx")
    word = docx.Document(str(path))
    for trailing in ("注：本清单实行动态调整。", "示范镇人民政府"):
        word.add_paragraph(trailing)
    word.add_paragraph(text)  # a numbered line not right under the 注： is not the note's
    word.save(str(path))
    out = tmp_path / "new.json"
    result = invoke("import", path, "--date", "2026-01-05", "-o", out)
    assert result.exit_code == 1 and "Traceback" not in result.output and not out.exists(), result.output
    assert "表格 3 之后的段落" in result.output and "最后一个表格之后的文字无处归入" in result.output
    assert text[:10] in result.output and "示范镇人民政府" not in result.output


def test_a_word_import_needs_a_date(tmp_path):
    path = office_document(tmp_path / "x.docx")
    result = invoke("import", path, "-o", tmp_path / "x.json")
    assert result.exit_code == 2 and "--date" in result.output


def test_a_file_that_is_not_a_word_document_is_refused(tmp_path):
    path = tmp_path / "fake.docx"
    path.write_bytes(b"not a zip at all")
    result = invoke("import", path, "--date", "2026-01-05", "-o", tmp_path / "x.json")
    assert result.exit_code == 1 and "不是 .docx" in result.output and "Traceback" not in result.output


def another_office(path: Path) -> Path:
    """Another office's habits: a title row in the table, a header of two rows repeated on the next
    page, 附件 labels, numbers typed as （1）, department and takeover in one paragraph."""
    word = docx.Document()
    for text in ["示范镇履职事项清单", "说明", "一、清单内容", "共有基本履职事项 1 项。", "附件1"]:
        word.add_paragraph(text)
    basic = word.add_table(rows=3, cols=3)
    basic.cell(0, 0).merge(basic.cell(0, 2)).text = "基本履职事项清单"
    for cell, text in zip(basic.rows[1].cells, ["序 号", "事项\n类别", "事项名称"]):
        cell.text = text
    for cell, text in zip(basic.rows[2].cells, ["（1）", "党的建设", "宣传党的路线方针政策"]):
        cell.text = text
    word.add_paragraph("附件2")
    coop = word.add_table(rows=6, cols=6)
    for cell, text in zip(coop.rows[0].cells, ["序号", "事项类别", "事项名称", "对应上级部门", "职责", ""]):
        cell.text = text
    coop.cell(0, 4).merge(coop.cell(0, 5))
    for cell, text in zip(coop.rows[1].cells, ["", "", "", "", "上级部门职责", "镇配合职责"]):
        cell.text = text
    for c in range(4):
        coop.cell(0, c).merge(coop.cell(1, c))  # the first four headers span both header rows
    for cell, text in zip(coop.rows[2].cells, ["1", "民生服务", "开展红十字会工作", "某某区红十字会",
                                                "区红十字会", "协助做好宣传动员。"]):
        cell.text = text
    coop.cell(2, 4).add_paragraph("1.组织应急救护培训。")  # under a department heading typed plain
    for r, texts in ((3, ["序号", "事项类别", "事项名称", "对应上级部门", "职责", "职责"]),
                     (4, ["", "", "", "", "上级部门职责", "镇配合职责"])):
        for cell, text in zip(coop.rows[r].cells, texts):
            cell.text = text  # the header again, where a page break fell
    for cell, text in zip(coop.rows[5].cells, ["", "", "", "", "指导开展无偿献血。", ""]):
        cell.text = text
    word.add_paragraph("附件3")
    withdrawn = word.add_table(rows=2, cols=4)
    for cell, text in zip(withdrawn.rows[0].cells, ["序号", "类别", "事项名称", "承接部门及工作方式"]):
        cell.text = text
    for cell, text in zip(withdrawn.rows[1].cells, ["1", "民生服务", "婚姻登记",
                                                     "承接部门：某某区民政局；承接方式：负责婚姻登记工作"]):
        cell.text = text
    word.save(str(path))
    return path


def test_another_offices_habits_are_read(tmp_path):
    path = another_office(tmp_path / "另一镇.docx")
    out = tmp_path / "new.json"
    result = invoke("import", path, "--date", "2026-01-05", "-o", out)
    assert result.exit_code == 0, result.output
    doc = load(out)
    assert [(i.no, i.category, i.name) for i in doc.list("basic").items] == [(1, "党的建设", "宣传党的路线方针政策")]
    (coop,) = doc.list("cooperative").items
    assert coop.departments == ("某某区红十字会",)
    assert [(e.kind, e.text) for e in coop.department_duties.entries] == [
        ("heading", "区红十字会"), ("point", "组织应急救护培训。"), ("paragraph", "指导开展无偿献血。")]
    assert [e.text for e in coop.town_duties.entries] == ["协助做好宣传动员。"]
    (item,) = doc.list("withdrawn").items
    assert (item.department, item.takeover, item.note) == ("某某区民政局", "负责婚姻登记工作", None)


def test_a_word_file_with_entity_declarations_is_refused(tmp_path):
    import zipfile

    good = office_document(tmp_path / "good.docx")
    bad = tmp_path / "bad.docx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                data = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]>' + data.split(b"?>", 1)[1]
            dst.writestr(info, data)
    result = invoke("import", bad, "--date", "2026-01-05", "-o", tmp_path / "x.json")
    assert result.exit_code == 1 and "DOCTYPE" in result.output and "Traceback" not in result.output
