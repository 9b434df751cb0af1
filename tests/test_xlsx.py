"""The Excel edition: sheets, print set-up, text that stays text, reproducible bytes, and the duty-cell format."""
from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import zipfile
from dataclasses import replace

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dutydocs.builders import BuildOptions, render
from dutydocs.builders.xlsx import ID_HEADER, MAX_ROW_POINTS
from dutydocs.cells import (
    CELL_LIMIT, CellFormatError, duties_to_text, names_to_text, text_to_duties, text_to_names,
)
from dutydocs.errors import DutydocsError
from dutydocs.model import Duties, Entry

SHEETS = ["说明", "基本履职事项清单", "配合履职事项清单", "上级部门收回事项清单"]


def _open(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


# --- the workbook ------------------------------------------------------------------------------

def test_sheets_titles_and_headers(small_xlsx, small_doc):
    wb = _open(small_xlsx)
    assert wb.sheetnames == [*SHEETS, "dutydocs_revision"]
    assert wb["dutydocs_revision"].sheet_state == "veryHidden"
    assert wb["说明"]["A1"].value == small_doc.explanation.title
    assert wb["说明"]["A3"].value == "一、基本情况"
    for duty_list, name in zip(small_doc.lists, SHEETS[1:]):
        ws = wb[name]
        assert ws["A1"].value == duty_list.title
        assert ws["A2"].value == "序号" and ws["C2"].value == "事项名称"
        assert ws["G2"].value == ID_HEADER
        assert [ws.cell(3 + i, 7).value for i in range(len(duty_list.items))] == [i.id for i in duty_list.items]
    coop = wb["配合履职事项清单"]
    assert [c.value for c in coop[2]][:6] == ["序号", "事项类别", "事项名称", "对应上级部门", "上级部门职责", "镇配合职责"]
    withdrawn = wb["上级部门收回事项清单"]
    assert [c.value for c in withdrawn[2]][:6] == ["序号", "事项类别", "事项名称", "承接部门", "承接方式", "说明"]
    assert withdrawn["D3"].value == "某区民政局" and withdrawn["E3"].value == "负责婚姻登记工作"
    assert withdrawn["D4"].value is None and withdrawn["F4"].value.startswith("法律法规条款已失效")


def test_duty_cells_are_readable(small_xlsx):
    ws = _open(small_xlsx)["配合履职事项清单"]
    assert ws["E4"].value == ("一、年度绩效考核\n1.审核乡镇年度绩效考核指标；\n2.下发年度绩效考核指标。\n\n"
                              "【区人社局】\n负责乡镇推荐晋升事业单位九级职员人选的审批备案工作。")
    assert ws["D4"].value == "某区委组织部\n某区人力资源和社会保障局"


def test_layout_and_print_setup(small_xlsx, small_doc):
    wb = _open(small_xlsx)
    for name, duty_list in zip(SHEETS[1:], small_doc.lists):
        ws = wb[name]
        last = 2 + len(duty_list.items)
        assert ws.freeze_panes == "A3"
        assert ws.auto_filter.ref == f"A2:G{last}"  # the hidden id column sorts with its row
        assert ws.print_title_rows == "$2:$2"
        assert ws.print_area.endswith(f"$A$1:${'C' if name == SHEETS[1] else 'F'}${last}")
        setup = ws.page_setup
        assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == ("landscape", 9, 1, 0)
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert ws.oddFooter.center.text == "第 &P 页，共 &N 页"
        assert ws.HeaderFooter.firstFooter.center.text == "第 &P 页，共 &N 页"
        assert ws.oddHeader.center.text == duty_list.title
        assert ws.column_dimensions["G"].hidden
        header, body = ws["B2"], ws["C3"]
        assert header.font.name == "黑体" and header.fill.fgColor.rgb.endswith("D9D9D9")
        assert body.font.name == "仿宋_GB2312" and body.alignment.wrap_text
        assert body.border.left.style == "thin" and body.border.bottom.style == "thin"
        for row in range(3, last + 1):
            assert 0 < ws.row_dimensions[row].height <= MAX_ROW_POINTS
    assert all(wb["基本履职事项清单"].column_dimensions[c].hidden for c in "DEF")
    assert not any(wb["配合履职事项清单"].column_dimensions[c].hidden for c in "ABCDEF")
    explanation = wb["说明"]
    assert explanation.page_setup.orientation == "portrait"
    assert explanation.column_dimensions["B"].hidden


def test_dash_page_numbers(small_doc):
    wb = _open(render(small_doc, "xlsx", BuildOptions(page_numbers="dash")))
    assert {wb[name].oddFooter.center.text for name in SHEETS} == {"— &P —"}


def test_wrapped_rows_are_tall_enough(bundled_xlsx, bundled_doc):
    ws = _open(bundled_xlsx)["配合履职事项清单"]
    heights = [ws.row_dimensions[r].height for r in range(3, 3 + len(bundled_doc.list("cooperative").items))]
    lines = [max(c.value.count("\n") + 1 for c in ws[r][4:6]) for r in range(3, 3 + len(heights))]
    sizes = [ws.cell(r, 5).font.sz for r in range(3, 3 + len(heights))]
    assert all(h >= size * 1.2 * n for h, size, n in zip(heights, sizes, lines))  # every line has room
    assert max(heights) < MAX_ROW_POINTS  # the longest items are set smaller rather than cut off
    assert sizes.count(12) > 0.9 * len(sizes) and min(sizes) >= 9


def test_properties_and_reproducible_bytes(small_doc, small_xlsx):
    assert render(small_doc, "xlsx") == small_xlsx
    with zipfile.ZipFile(io.BytesIO(small_xlsx)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2025, 3, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert core.count("2025-03-01T00:00:00Z") == 2  # created and modified: the revision, not the build
    props = _open(small_xlsx).properties
    assert (props.title, props.creator) == (small_doc.title, small_doc.township)
    later = replace(small_doc, revision=replace(small_doc.revision, date="2025-04-02"))
    assert render(later, "xlsx") != small_xlsx


def test_same_bytes_in_another_process(bundled_path, bundled_xlsx):
    script = ("import sys; from dutydocs import source; from dutydocs.builders import render; "
              "sys.stdout.buffer.write(render(source.load(sys.argv[1]), 'xlsx'))")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    env.pop("SOURCE_DATE_EPOCH", None)
    other = subprocess.run([sys.executable, "-c", script, str(bundled_path)], capture_output=True, env=env, check=True)
    assert other.stdout == bundled_xlsx


def test_real_duty_cells_need_no_escape_marker(bundled_xlsx):
    ws = _open(bundled_xlsx)["配合履职事项清单"]
    lines = [line for row in ws.iter_rows(min_row=3, min_col=5, max_col=6, values_only=True)
             for value in row for line in (value or "").split("\n")]
    assert not [line for line in lines if line.startswith("'")]
    assert sum(line.startswith("【") for line in lines) > 20  # department headings stand out in brackets


def test_formula_like_text_stays_text(small_doc):
    tricky = ["=SUM(A1:A9)", "+86 991", "-1", "@cmd", "=1+1"]
    basic = small_doc.list("basic")
    items = [replace(item, name=name) for item, name in zip(basic.items, tricky)]
    doc = small_doc.with_list("basic", items)
    data = render(doc, "xlsx")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("xl/worksheets/sheet2.xml").decode()
    assert "<f>" not in xml and "<f " not in xml
    cells = dict(re.findall(r'<c r="(C[345])"[^>]*t="(\w+)"', xml))
    assert cells == {"C3": "inlineStr", "C4": "inlineStr", "C5": "inlineStr"}
    ws = _open(data)["基本履职事项清单"]
    assert [ws.cell(r, 3).value for r in (3, 4, 5)] == tricky[:3]
    assert all(ws.cell(r, 3).data_type == "s" for r in (3, 4, 5))


def test_text_longer_than_a_cell_is_refused(small_doc):
    coop = small_doc.list("cooperative")
    long = Duties((Entry("paragraph", "很长的职责" * (CELL_LIMIT // 5 + 1)),))
    doc = small_doc.with_list("cooperative", [replace(coop.items[0], town_duties=long), coop.items[1]])
    with pytest.raises(DutydocsError) as caught:
        render(doc, "xlsx", BuildOptions())
    problem = caught.value.problems[0]
    assert problem.pointer == "配合履职事项清单!F3"
    assert "做好区级以上党内表彰激励" in problem.message and str(CELL_LIMIT) in problem.message


def test_characters_xml_cannot_carry_are_refused(small_doc):
    basic = small_doc.list("basic").items
    doc = small_doc.with_list("basic", [basic[0], replace(basic[1], name="做好\uffff工作"), basic[2]])
    with pytest.raises(DutydocsError) as caught:
        render(doc, "xlsx")
    assert [(p.pointer, p.code) for p in caught.value.problems] == [("基本履职事项清单!C4", "xlsx-character")]


# --- the duty-cell text format -----------------------------------------------------------------

P, H, G = (lambda t: Entry("point", t)), (lambda t: Entry("heading", t)), (lambda t: Entry("paragraph", t))


def test_what_people_type_is_read():
    typed = "  三、旧标题\n3、甲\n\n\n１．乙\n(7) 丙\n（2）丁\n① 戊\n【区财政局】\r\n其他说明\r\n5. 己"
    assert text_to_duties(typed).entries == (
        H("三、旧标题"), P("甲"), P("乙"), P("丙"), P("丁"), P("戊"), H("区财政局"), G("其他说明"), P("己"))
    assert text_to_duties("").entries == ()


def test_markers_keep_lookalikes_exact():
    entries = (G("1.5倍补贴按规定发放"), H("区人社局"), G("一、这是段落"), H("【带括号】"), G("【注】"),
               P(" 前有空格"), P("'引号开头"), G("'"), H(" 空格 "), P("2.3亿元"), G("末尾空格 "))
    text = duties_to_text(Duties(entries))
    assert text.splitlines()[:3] == ["'1.5倍补贴按规定发放", "", "【区人社局】"]
    assert text_to_duties(text).entries == entries


def test_a_number_without_text_is_reported():
    with pytest.raises(CellFormatError, match="第 2 行"):
        text_to_duties("1.甲\n2.")


_alphabet = st.sampled_from(list("甲乙丙一二十、（）()【】.．'1２①：:= -@\t\u3000区局"))
_text = st.text(_alphabet, min_size=1, max_size=8).filter(lambda s: s.strip())
_entries = st.lists(st.builds(Entry, st.sampled_from(["heading", "point", "paragraph"]), _text), max_size=8)


@settings(max_examples=300, deadline=None)
@given(_entries)
def test_duties_round_trip(entries):
    duties = Duties(tuple(entries))
    assert text_to_duties(duties_to_text(duties)) == duties


@settings(max_examples=200, deadline=None)
@given(st.lists(_text, min_size=1, max_size=5))
def test_names_round_trip(names):
    assert text_to_names(names_to_text(names)) == tuple(names)
