"""The edition spec: every format prints the spec's headers, and layout.toml only sizes the spec's columns."""

import io
import re

import docx
import openpyxl
import pytest

from dutydocs.builders import BuildOptions, render
from dutydocs.builders.rows import Row, cell_paragraphs
from dutydocs.edition import PRINTED_COLUMNS, SHEET_COLUMNS, TAKEOVER_LABEL, layout_data, text_em
from dutydocs.errors import DutydocsError
from dutydocs.importers.docx import ROLE_NAMES
from dutydocs.importers.xlsx import import_workbook


def labels(columns) -> list[str]:
    return [c.label for c in columns]


def test_every_format_prints_the_spec_headers(small_doc):
    keys = [lst.key for lst in small_doc.lists]
    word = docx.Document(io.BytesIO(render(small_doc, "docx")))
    tables = word.tables
    assert [[cell.text for cell in table.rows[0].cells] for table in tables] == [
        labels(PRINTED_COLUMNS[key]) for key in keys
    ]
    workbook = openpyxl.load_workbook(io.BytesIO(render(small_doc, "xlsx")))
    for key, ws in zip(keys, workbook.worksheets[1:], strict=False):
        assert [c.value for c in ws[2]][: len(SHEET_COLUMNS[key])] == labels(SHEET_COLUMNS[key])
    html = render(small_doc, "html").decode()
    heads = [re.findall(r'<th scope="col" class="[^"]*">([^<]*)</th>', t) for t in html.split("<thead>")[1:]]
    assert heads == [labels(PRINTED_COLUMNS[key]) for key in keys]
    assert f'<span class="label">{TAKEOVER_LABEL}</span>' in html


def test_importers_read_the_spec_headers(small_doc, small_xlsx, tmp_path):
    """The Word importer knows every printed header; the Excel importer finds the headers the edition wrote."""
    assert set(ROLE_NAMES.values()) == {c.label for columns in PRINTED_COLUMNS.values() for c in columns}
    path = tmp_path / "copy.xlsx"
    path.write_bytes(small_xlsx)
    assert import_workbook(path).lists == small_doc.lists


def test_text_width_counts_cjk_and_quotes_whole_latin_half():
    assert text_em("米东区") == 3
    assert text_em("“1.”") == 3  # CJK fonts set the quotes full width, digits and stops half


def write_columns(templates, old: str, new: str):
    layout = templates / "layout.toml"
    text = layout.read_text("utf-8")
    assert old in text
    layout.write_text(text.replace(old, new, 1), "utf-8")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('{ key = "name", width = "*" },\n]\ncooperative',
         '{ key = "name", width = "*" },\n  { key = "departments", width = [7, 8] },\n]\ncooperative',
         r"layout\.toml: \[columns\] basic 中的列 departments 不属于基本履职事项清单（该清单的列：no, category, name）"),
        ('  { key = "takeover", width = "*" },\n', '',
         r"layout\.toml: \[columns\] withdrawn 缺少列 takeover 的宽度"),
        ('{ key = "no", width = [2, 3] },', '{ key = "no", label = "编号", width = [2, 3] },',
         r"layout\.toml: \[columns\] basic 中的列 no 不能设置 label"),
        ('basic = [', 'basic_old = [', r"缺少版式参数 columns\.basic"),
        ('{ key = "no", width = [2, 3] },', '{ width = [2, 3] },', r"\[columns\] basic 应是 \{ key = …, width = … \} 的列表"),
    ],
)
def test_a_misassigned_layout_column_is_a_one_line_error(small_doc, templates_copy, old, new, message):
    write_columns(templates_copy, old, new)
    with pytest.raises(DutydocsError, match=message) as caught:
        render(small_doc, "pdf", BuildOptions(templates=templates_copy))
    assert "\n" not in str(caught.value)


def test_a_column_of_another_list_is_refused_where_the_rows_are_cut(small_doc):
    basic = small_doc.list("basic").items[0]
    for key in ("departments", "takeover"):
        with pytest.raises(DutydocsError, match=f"layout.toml 把列 {key} 给了基本履职事项清单"):
            cell_paragraphs(Row("basic", basic), key, 0)


def test_layout_widths_are_read_by_column(templates_copy):
    write_columns(templates_copy, '{ key = "category", width = [4, 7] }', '{ key = "category", width = [5, 6] }')
    assert layout_data(templates_copy)["columns"]["basic"] == {"no": [2, 3], "category": [5, 6], "name": "*"}
