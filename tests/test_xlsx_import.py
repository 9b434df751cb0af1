"""Returned Excel copies: build → import is exact, department edits come back as intended, bad files are refused."""
from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from pathlib import Path

import defusedxml
import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from openpyxl.packaging.custom import CustomPropertyList

from dutydocs import source
from dutydocs.builders import render
from dutydocs.cli import main
from dutydocs.errors import DutydocsError
from dutydocs.importers import import_file
from dutydocs.importers.xlsx import import_workbook
from strategies import documents

from dutydocs.model import BasicItem, CooperativeItem, Document, Duties, Entry, Section, WithdrawnItem

FIXTURES = Path(__file__).resolve().parent / "fixtures"
BASIC, COOP, WITHDRAWN = "基本履职事项清单", "配合履职事项清单", "上级部门收回事项清单"


def _write(tmp_path, data: bytes, name: str = "copy.xlsx"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _edited(tmp_path, data: bytes, edit) -> object:
    """Save a copy of the workbook after a department's edit (made with openpyxl) and return its path."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    edit(wb)
    path = tmp_path / "edited.xlsx"
    wb.save(path)
    return path


def _same(a: Document, b: Document) -> None:
    """Same content; the provenance (where a source came from, never printed) is the import's own."""
    assert source.dumps(replace(a, provenance="")) == source.dumps(replace(b, provenance=""))


# --- build → import ----------------------------------------------------------------------------

def test_small_round_trip(tmp_path, small_doc, small_xlsx):
    _same(import_workbook(_write(tmp_path, small_xlsx)), small_doc)


def test_bundled_round_trip(tmp_path, bundled_doc, bundled_xlsx):
    assert bundled_doc.item_count() == 273
    _same(import_file(_write(tmp_path, bundled_xlsx)), bundled_doc)


def test_copy_saved_by_another_office_suite(small_doc):
    """small.libreoffice.xlsx is the built small fixture opened and saved again by LibreOffice Calc.

    It has shared strings, Calc's own styles and properties, as a returned copy would. Regenerate it
    after changing small.json: dutydocs build tests/fixtures/small.json -f xlsx, then
    soffice --headless --convert-to 'xlsx:Calc MS Excel 2007 XML' on the result.
    """
    path = FIXTURES / "small.libreoffice.xlsx"
    with zipfile.ZipFile(path) as archive:
        assert "xl/sharedStrings.xml" in archive.namelist()
    _same(import_workbook(path), small_doc)


def test_escapes_as_an_office_suite_writes_them():
    """escape.libreoffice.xlsx: the small fixture with 事项名称 代码_x0041_不是字母, saved again by LibreOffice.

    Calc stores that name as rich text with the OOXML escape _x005F_x0041_ in the shared strings.
    """
    doc = import_workbook(FIXTURES / "escape.libreoffice.xlsx")
    assert doc.list("basic").items[0].name == "代码_x0041_不是字母"


def test_cli_build_then_import(tmp_path, small_path):
    runner = CliRunner()
    built = runner.invoke(main, ["build", str(small_path), "-f", "xlsx", "-o", str(tmp_path)])
    assert built.exit_code == 0, built.output
    copy = tmp_path / "示例镇履职事项清单.xlsx"
    result = runner.invoke(main, ["import", str(copy), "--out", str(tmp_path / "new.json")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "new.json").read_text("utf-8") == source.dumps(source.load(small_path))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(documents())
def test_generated_documents_round_trip(tmp_path, doc):
    _same(import_workbook(_write(tmp_path, render(doc, "xlsx"))), doc)


# --- copies edited by a department -------------------------------------------------------------

def test_changed_cells_and_stale_numbers(tmp_path, small_doc, small_xlsx):
    def edit(wb):
        wb[BASIC]["C3"] = "宣传和执行党的路线方针政策（已修改）"
        wb[COOP]["F4"] = "一、年度绩效考核\r\n3.反馈修改意见建议；\n\n\n1、接受年度绩效考核。\n4．新增一条。"
        wb[COOP]["D3"] = "某区委组织部\n\n某区财政局 "
        for ws in (wb[BASIC], wb[COOP]):
            for row in range(3, ws.max_row + 1):
                ws.cell(row, 1).value = 42  # 序号 left stale
        wb["说明"]["A4"] = "示例镇下辖 4 个行政村。"

    doc = import_workbook(_edited(tmp_path, small_xlsx, edit))
    basic, coop = small_doc.list("basic").items, small_doc.list("cooperative").items
    expected = small_doc.with_list("basic", [replace(basic[0], name="宣传和执行党的路线方针政策（已修改）"), *basic[1:]])
    town = Duties((Entry("heading", "一、年度绩效考核"), Entry("point", "反馈修改意见建议；"),
                   Entry("point", "接受年度绩效考核。"), Entry("point", "新增一条。")))
    expected = expected.with_list("cooperative", [replace(coop[0], departments=("某区委组织部", "某区财政局")),
                                                  replace(coop[1], town_duties=town)])
    sections = small_doc.explanation.sections
    expected = replace(expected, explanation=replace(small_doc.explanation, sections=(
        Section(sections[0].heading, ("示例镇下辖 4 个行政村。",)), sections[1])))
    _same(doc, expected)


def test_inserted_deleted_moved_and_resorted_rows(tmp_path, small_doc, small_xlsx):
    def edit(wb):
        basic, coop, withdrawn = wb[BASIC], wb[COOP], wb[WITHDRAWN]
        # move 优化营商环境 (row 5) to the withdrawn list: cut the whole row, insert it there
        withdrawn.insert_rows(3)
        for column in range(1, 8):
            withdrawn.cell(3, column).value = basic.cell(5, column).value
        withdrawn["D3"] = "某区发展改革委"
        basic.delete_rows(5)
        # re-sort the remaining two and insert a new item (no id) between them
        first, second = [[basic.cell(r, c).value for c in range(1, 8)] for r in (3, 4)]
        for column, value in enumerate(second, 1):
            basic.cell(3, column).value = value
        for column, value in enumerate(first, 1):
            basic.cell(4, column).value = value
        basic.insert_rows(4)
        basic["B4"], basic["C4"] = "党的建设", "新增：组织开展主题党日"
        coop.delete_rows(3)  # 做好区级以上党内表彰激励 is no longer the town's duty

    doc = import_workbook(_edited(tmp_path, small_xlsx, edit))
    b, c, w = (small_doc.list(k).items for k in ("basic", "cooperative", "withdrawn"))
    expected = small_doc.with_list("basic", [
        replace(b[1], no=1), BasicItem(2, "党的建设", "新增：组织开展主题党日"), replace(b[0], no=3)])
    expected = expected.with_list("cooperative", [replace(c[1], no=1)])
    moved = WithdrawnItem(1, b[2].category, b[2].name, department="某区发展改革委", id=b[2].id)
    expected = expected.with_list("withdrawn", [moved, replace(w[0], no=2), replace(w[1], no=3)])
    _same(doc, expected)


def test_text_that_looks_like_an_ooxml_escape(tmp_path, small_doc):
    basic = small_doc.list("basic").items
    doc = small_doc.with_list("basic", [replace(basic[0], name="代码_x0041_不是字母 A"), *basic[1:]])
    data = render(doc, "xlsx")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "_x005F_x0041_" in archive.read("xl/worksheets/sheet2.xml").decode()  # Excel shows it as typed
    _same(import_workbook(_write(tmp_path, data)), doc)


def test_merged_category_cells(tmp_path, small_doc, small_xlsx):
    def edit(wb):
        ws = wb[BASIC]
        ws["B4"] = None
        ws.merge_cells("B3:B4")  # 党的建设 over both of its items, as the printed list shows it

    _same(import_workbook(_edited(tmp_path, small_xlsx, edit)), small_doc)


def test_explanation_rows_added(tmp_path, small_doc, small_xlsx):
    def edit(wb):
        ws = wb["说明"]
        ws.insert_rows(5)
        ws["A5"] = "新增一段：全镇耕地 5.9 万亩。_x000D_\n\n又一段。"  # as Excel writes Alt+Enter from Windows
        last = ws.max_row
        ws.cell(last + 1, 1).value = "四、联系方式"
        ws.cell(last + 2, 1).value = "镇党政办公室。"

    doc = import_workbook(_edited(tmp_path, small_xlsx, edit))
    first, third = small_doc.explanation.sections
    assert doc.explanation.sections == (
        Section(first.heading, first.paragraphs + ("新增一段：全镇耕地 5.9 万亩。", "又一段。")), third,
        Section("四、联系方式", ("镇党政办公室。",)))


def test_bundled_copy_edited_by_a_department(tmp_path, bundled_doc, bundled_xlsx):
    coop = bundled_doc.list("cooperative").items

    def edit(wb):
        ws = wb[COOP]
        ws.delete_rows(4)  # the second item
        ws["F3"] = ws["F3"].value + "\n\n【米东区财政局】\n9.保障工作经费。"
        ws.insert_rows(10)
        ws["B10"], ws["C10"], ws["D10"] = "党的建设", "新增配合事项", "区委组织部"
        ws["F10"] = "1.配合做好相关工作。"
        for row in range(3, ws.max_row + 1):
            ws.cell(row, 1).value = None

    doc = import_workbook(_edited(tmp_path, bundled_xlsx, edit))
    town = Duties(coop[0].town_duties.entries + (Entry("heading", "米东区财政局"), Entry("point", "保障工作经费。")))
    new = CooperativeItem(0, "党的建设", "新增配合事项", ("区委组织部",), Duties(), Duties((Entry("point", "配合做好相关工作。"),)))
    items = [replace(coop[0], town_duties=town), *coop[2:8], new, *coop[8:]]
    expected = bundled_doc.with_list("cooperative", [replace(item, no=n) for n, item in enumerate(items, 1)])
    _same(doc, expected)


# --- what cannot be read -----------------------------------------------------------------------

def test_every_problem_is_reported_with_its_cell(tmp_path, small_xlsx):
    def edit(wb):
        wb[COOP]["F3"] = "=A1"  # typed as a formula
        wb[COOP]["E4"] = "1.甲\n2."
        wb[BASIC]["C4"] = None
        wb[BASIC]["G5"] = wb[BASIC]["G3"].value  # a copied row carries the hidden id
        wb[WITHDRAWN]["D3"] = None
        wb[WITHDRAWN]["F3"] = None
        wb[WITHDRAWN]["C4"] = "出具婚姻\n状况证明"

    path = _edited(tmp_path, small_xlsx, edit)
    with pytest.raises(DutydocsError) as caught:
        import_workbook(path)
    places = {p.pointer for p in caught.value.problems}
    assert places == {f"{COOP}!F3", f"{COOP}!E4", f"{BASIC}!C4", f"{BASIC}!G5", f"{WITHDRAWN}!D3",
                      f"{WITHDRAWN}!C4"}
    text = caught.value.format_message()
    assert "单元格含公式" in text and "只有编号" in text and "编号 t-001 出现 2 次" in text and "换行" in text
    result = CliRunner().invoke(main, ["import", str(path), "--out", str(tmp_path / "new.json")])
    assert result.exit_code == 1
    assert f"{COOP}!F3" in result.output and "未生成源文件" in result.output
    assert not (tmp_path / "new.json").exists()


def test_changed_id_is_reported(tmp_path, small_xlsx):
    path = _edited(tmp_path, small_xlsx, lambda wb: wb[BASIC].cell(3, 7, "请勿 修改"))
    with pytest.raises(DutydocsError) as caught:
        import_workbook(path)
    assert [p.pointer for p in caught.value.problems] == [f"{BASIC}!G3"]


def test_wrong_sheets_are_refused(tmp_path, small_xlsx):
    path = _edited(tmp_path, small_xlsx, lambda wb: setattr(wb[COOP], "title", "Sheet2"))
    with pytest.raises(DutydocsError, match="缺少工作表“配合履职事项清单”"):
        import_workbook(path)
    plain = openpyxl.Workbook()
    plain.save(tmp_path / "plain.xlsx")
    with pytest.raises(DutydocsError, match="缺少工作表"):
        import_workbook(tmp_path / "plain.xlsx")


def test_missing_header_column_is_reported(tmp_path, small_xlsx):
    path = _edited(tmp_path, small_xlsx, lambda wb: wb[WITHDRAWN].delete_cols(5))
    with pytest.raises(DutydocsError) as caught:
        import_workbook(path)
    assert "表头缺少“承接方式”列" in caught.value.format_message()


def test_metadata_from_base_when_the_copy_lost_it(tmp_path, small_doc, small_path, small_xlsx):
    def edit(wb):
        wb.custom_doc_props = CustomPropertyList()
        wb.properties.title = "别人改过的标题"

    path = _edited(tmp_path, small_xlsx, edit)
    assert import_workbook(path).title == small_doc.title  # from the embedded revision
    _same(import_workbook(path, base=small_path), small_doc)

    def edit_older(wb):  # a copy made before revisions were embedded
        edit(wb)
        del wb["dutydocs_revision"]

    older = _edited(tmp_path, small_xlsx, edit_older)
    assert import_workbook(older).title == "别人改过的标题"  # core properties, as a last resort


# --- files that are not a sound workbook -------------------------------------------------------

def _repacked(data: bytes, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, change(info.filename, zin.read(info)))
    return out.getvalue()


def test_corrupt_and_foreign_files_are_refused(tmp_path, small_xlsx):
    for data, message in [
        (small_xlsx[: len(small_xlsx) // 2], "已损坏"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "旧版 .xls"),
        (b"just text", "已损坏"),
    ]:
        with pytest.raises(DutydocsError, match=message):
            import_workbook(_write(tmp_path, data))


def test_damaged_member_is_refused(tmp_path, small_xlsx):
    data = bytearray(small_xlsx)
    at = data.index(b"xl/worksheets/sheet2.xml") + 40  # inside that member's compressed bytes
    data[at:at + 8] = b"\x00" * 8
    with pytest.raises(DutydocsError, match="已损坏|无法读取"):
        import_workbook(_write(tmp_path, bytes(data)))


def test_zip_bomb_is_refused_before_parsing(tmp_path, small_xlsx):
    bomb = _repacked(small_xlsx, lambda name, d: d + b" " * (20 * 2**20) if name == "xl/styles.xml" else d)
    assert len(bomb) < 2**20
    with pytest.raises(DutydocsError, match="压缩炸弹"):
        import_workbook(_write(tmp_path, bomb))


def test_xml_entities_are_refused(tmp_path, small_xlsx):
    laughs = (b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "aaaaaaaaaa">'
              b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>')

    def change(name, data):
        if name == "xl/worksheets/sheet2.xml":
            return laughs + data.replace(b"<is><t>", b"<is><t>&c;", 1)
        return data

    path = _write(tmp_path, _repacked(small_xlsx, change))
    with pytest.raises(DutydocsError, match="DOCTYPE"):
        import_workbook(path)
    with open(path, "rb") as file, pytest.raises(ValueError, match="could not read worksheets") as caught:
        openpyxl.load_workbook(file)  # openpyxl alone refuses too, more vaguely (the file: closed by us, not leaked)
    assert isinstance(caught.value.__context__, defusedxml.EntitiesForbidden)  # it refuses because of defusedxml
