"""Hostile item text appears literally in every edition and diff report; nothing is executed, fetched or evaluated."""
from __future__ import annotations

import io
import re
import subprocess
import zipfile
from dataclasses import replace
from html.parser import HTMLParser

import openpyxl
import pytest

from dutydocs.builders import BuildOptions, render
from dutydocs.diff import compare
from dutydocs.diff import render as render_report
from dutydocs.model import Entry, Section

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src="file:///etc/passwd">',
    "{{ 7*7 }}",
    '=HYPERLINK("http://x","y")',
    "+1",
    "@SUM(A1)",
    "-2+3",
    "{% raw %}",
    "&amp; &lt;",
]


@pytest.fixture(scope="module")
def hostile_doc(small_doc):
    basic = small_doc.list("basic")
    items = [replace(item, name=text) for item, text in zip(basic.items * 3, HOSTILE)]
    items = [replace(item, no=n + 1, id=f"h-{n}") for n, item in enumerate(items)]
    doc = small_doc.with_list("basic", items)
    coop = doc.list("cooperative").items[0]
    coop = replace(coop, departments=("<b>部门</b>",),
                   town_duties=replace(coop.town_duties, entries=tuple(Entry("point", t) for t in HOSTILE[:4])))
    doc = doc.with_list("cooperative", [coop, *doc.list("cooperative").items[1:]])
    sections = (Section("{{ config }}", ("<script>alert(2)</script>",)),) + doc.explanation.sections
    return replace(doc, title="测试<清单>{{ 7*7 }}", explanation=replace(doc.explanation, sections=sections))


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_pdf_shows_text_literally(hostile_doc, tmp_path):
    pdf = tmp_path / "h.pdf"
    pdf.write_bytes(render(hostile_doc, "pdf", BuildOptions()))
    text = _plain(subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True, check=True).stdout)
    for hostile in HOSTILE:
        assert _plain(hostile) in text, hostile
    assert "49" not in text.replace("第49", "")  # {{ 7*7 }} was not evaluated
    images = subprocess.run(["pdfimages", "-list", pdf], capture_output=True, text=True, check=True).stdout
    assert len(images.strip().splitlines()) <= 2, "no image was fetched into the PDF"


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.scripts, self.text, self._in_script = [], [], [], False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        (self.scripts if self._in_script else self.text).append(data)


def test_html_escapes_everything(hostile_doc):
    html = render(hostile_doc, "html", BuildOptions()).decode("utf-8")
    parser = _Collector()
    parser.feed(html)
    text = "".join(parser.text)
    for hostile in HOSTILE:
        assert hostile in text, hostile
    assert not any(tag == "img" for tag, _ in parser.tags)
    assert not any(tag == "b" for tag, _ in parser.tags)
    assert not any("alert(" in script for script in parser.scripts)
    assert "49" not in re.sub(r"\d{3,}|[-\w]49|49[-\w]", "", text)


def test_word_keeps_text_literally(hostile_doc):
    data = render(hostile_doc, "docx", BuildOptions())
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    for hostile in HOSTILE:
        escaped = hostile.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        assert escaped in xml or escaped.replace('"', "&quot;") in xml, hostile
    assert "<w:fldSimple" not in xml.replace('w:instr="PAGE"', "").replace('w:instr="NUMPAGES"', "")
    assert "HYPERLINK" not in re.sub(r"<w:t[^>]*>[^<]*</w:t>", "", xml)  # never a field instruction


def test_excel_cells_are_strings_not_formulas(hostile_doc):
    data = render(hostile_doc, "xlsx", BuildOptions())
    book = openpyxl.load_workbook(io.BytesIO(data))
    values = {cell.value for sheet in book for row in sheet.iter_rows() for cell in row if cell.value is not None}
    for hostile in HOSTILE:
        assert hostile in values, hostile
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert "<f>" not in archive.read(name).decode("utf-8"), name


@pytest.mark.parametrize("fmt", ["text", "json", "html"])
def test_diff_reports_keep_text_literally(small_doc, hostile_doc, fmt):
    report = render_report(compare(small_doc, hostile_doc), fmt)
    if fmt == "html":
        parser = _Collector()
        parser.feed(report)
        assert not any(tag == "img" for tag, _ in parser.tags)
        assert not any("alert(" in script for script in parser.scripts)
        text = "".join(parser.text)
    elif fmt == "json":
        import json

        def strings(value):
            if isinstance(value, str):
                yield value
            elif isinstance(value, dict):
                for item in value.values():
                    yield from strings(item)
            elif isinstance(value, list):
                for item in value:
                    yield from strings(item)
        text = "\n".join(strings(json.loads(report)))
    else:
        text = report
    for hostile in ["<script>alert(1)</script>", "{{ 7*7 }}", '=HYPERLINK("http://x","y")']:
        assert hostile in text, (fmt, hostile)


def test_diff_excel_and_word_keep_text_literally(small_doc, hostile_doc):
    xlsx = render_report(compare(small_doc, hostile_doc), "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("=HYPERLINK" in c.value for c in cells)
    assert all(c.data_type != "f" for c in cells)
    docx = render_report(compare(small_doc, hostile_doc), "docx")
    xml = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode("utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in xml
