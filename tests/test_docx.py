"""The Word edition: read back with python-docx, and converted once with LibreOffice and read as PDF."""
from __future__ import annotations

import dataclasses
import html
import io
import os
import re
import unicodedata
import shutil
import subprocess
import zipfile
from pathlib import Path
from datetime import datetime, timezone

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm
from lxml import etree

from dutydocs.build import build_one
from dutydocs.builders import PROJECT_TEMPLATES, BuildOptions
from dutydocs.builders import render as render_format
from dutydocs.builders.docx import STYLES, render
from dutydocs.errors import DutydocsError
from dutydocs.model import Entry

SEED_PAGES = 92  # the original PDF; the Word edition follows GB/T 9704 sizes, so it runs a little longer
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
OFFICIAL = {"公文标题": "方正小标宋简体", "一级标题": "黑体", "Normal": "仿宋_GB2312", "清单标题": "方正小标宋简体",
            "表头文字": "黑体", "表格文字": "仿宋_GB2312", "表格居中": "仿宋_GB2312", "职责小标题": "黑体",
            "Footer": "宋体"}


def read(data: bytes):
    return docx.Document(io.BytesIO(data))


def list_labels(word) -> dict:
    """Return each list-numbered paragraph element's number as Word shows it ("3", "2."), counted per w:num."""
    numbering = word.part.numbering_part.element
    formats = {a.get(qn("w:abstractNumId")): a.find(f"{qn('w:lvl')}/{qn('w:lvlText')}").get(qn("w:val"))
               for a in numbering.findall(qn("w:abstractNum"))}
    starts, counts, labels = {}, {}, {}
    for num in numbering.findall(qn("w:num")):
        override = num.find(f"{qn('w:lvlOverride')}/{qn('w:startOverride')}")
        starts[num.get(qn("w:numId"))] = (formats[num.find(qn("w:abstractNumId")).get(qn("w:val"))],
                                          int(override.get(qn("w:val"))) if override is not None else 1)
    for p in word.element.body.iter(qn("w:p")):
        num = p.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
        if num is not None:
            fmt, start = starts[num.get(qn("w:val"))]
            counts[num.get(qn("w:val"))] = n = counts.get(num.get(qn("w:val")), start - 1) + 1
            labels[p] = fmt.replace("%1", str(n))
    return labels


def shown(p, labels) -> str:
    """Return a paragraph's text as Word shows it: its list number, then its text."""
    return labels.get(p._p, "") + p.text


def paragraphs(cell, labels) -> list[tuple[str, str]]:
    return [(shown(p, labels), p.style.name) for p in cell.paragraphs]


def item_rows(table):
    return table.rows[1:]


class ListTable:
    """A list's tables read as one: the first one's grid and header row, then every item row.

    A row that would break badly at a page foot starts a continuation table on the next page (after a
    page-break paragraph), with the same header and columns.
    """

    def __init__(self, tables):
        self.parts, self._tbl = tables, tables[0]._tbl
        self.rows = [tables[0].rows[0]] + [row for table in tables for row in table.rows[1:]]


def continues(table) -> bool:
    """Whether a table goes on with the list before it: it follows a page-break paragraph, not a title."""
    before = table._tbl.getprevious()
    return before is not None and before.find(f"{qn('w:pPr')}/{qn('w:pageBreakBefore')}") is not None


def list_tables(word) -> list[ListTable]:
    groups: list[list] = []
    for table in word.tables:
        if groups and continues(table):
            groups[-1].append(table)
        else:
            groups.append([table])
    return [ListTable(group) for group in groups]


@pytest.fixture(scope="session")
def small_docx(small_doc) -> bytes:
    return render(small_doc, BuildOptions())


@pytest.fixture(scope="session")
def bundled_docx(bundled_doc) -> bytes:
    return render(bundled_doc, BuildOptions())


@pytest.fixture(scope="session")
def bundled_word(bundled_docx):
    return read(bundled_docx)


@pytest.fixture(scope="session")
def converted_pdf(bundled_docx, tmp_path_factory):
    """Return the bundled Word edition converted to PDF by LibreOffice, with the project's font aliases."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice (soffice) is needed: run scripts/setup.sh"
    work = tmp_path_factory.mktemp("lo")
    (work / "list.docx").write_bytes(bundled_docx)
    fonts = work / "fonts.conf"
    fonts.write_text('<?xml version="1.0"?><fontconfig><include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
                     f'<include>{PROJECT_TEMPLATES / "fonts.conf"}</include></fontconfig>', encoding="utf-8")
    subprocess.run([soffice, f"-env:UserInstallation=file://{work / 'profile'}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(work), str(work / "list.docx")],
                   check=True, capture_output=True, timeout=180, env={**os.environ, "FONTCONFIG_FILE": str(fonts)})
    return work / "list.pdf"


@pytest.fixture(scope="session")
def converted(converted_pdf):
    """Return (page texts, pdffonts output) of the bundled Word edition converted by LibreOffice."""
    boxes = subprocess.run(["pdftotext", "-bbox", str(converted_pdf), "-"], capture_output=True, text=True,
                           check=True).stdout
    pages = [[(float(x), float(y), html.unescape(word)) for x, y, word in WORD.findall(page)]
             for page in boxes.split("<page ")[1:]]
    fonts_used = subprocess.run(["pdffonts", str(converted_pdf)], capture_output=True, text=True, check=True).stdout
    return pages, fonts_used


LINE = re.compile(r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">(.*?)</line>', re.S)


@pytest.fixture(scope="session")
def explanation_lines(converted_pdf) -> list[tuple[int, float, float, float, str]]:
    """Return the lines of the 说明's two pages as LibreOffice set them: (page, left, right, top, text)."""
    layout = subprocess.run(["pdftotext", "-bbox-layout", "-l", "2", str(converted_pdf), "-"], capture_output=True,
                            text=True, check=True).stdout
    return [(n, float(left), float(right), float(top), "".join(html.unescape(w) for w in re.findall(r">([^<]*)</word>", body)))
            for n, page in enumerate(layout.split("<page ")[1:], 1) for left, top, right, body in LINE.findall(page)]


WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>')


def page_text(words) -> str:
    return "".join(word for _, _, word in words)


def column_text(pages, left: float, right: float, header: str) -> str:
    """Return the text of one table column across pages: words starting in [left, right), repeated header left out."""
    return "".join(w for page in pages for y, x, w in sorted((y, x, w) for x, y, w in page)
                   if left - 2 <= x < right - 2 and w != header)


# --- the template ---------------------------------------------------------------------------------

def test_every_style_the_builder_uses_is_in_the_template():
    template = docx.Document(str(PROJECT_TEMPLATES / "template.docx"))
    for name, kind in STYLES.values():
        assert template.styles[name].type == kind, name


def test_every_style_the_output_refers_to_is_defined(small_docx):
    with zipfile.ZipFile(io.BytesIO(small_docx)) as z:
        defined = {s.get(W + "styleId") for s in etree.fromstring(z.read("word/styles.xml")).iter(W + "style")}
        used = set()
        for name in z.namelist():
            if re.fullmatch(r"word/(document|footer\d*|header\d*)\.xml", name):
                root = etree.fromstring(z.read(name))
                used |= {e.get(W + "val") for tag in ("pStyle", "tblStyle", "rStyle") for e in root.iter(W + tag)}
    assert used and used <= defined, used - defined


def test_a_template_missing_a_style_is_refused(small_doc, tmp_path):
    template = docx.Document(str(PROJECT_TEMPLATES / "template.docx"))
    style = template.styles["表格文字"].element
    style.getparent().remove(style)
    template.save(str(tmp_path / "template.docx"))
    with pytest.raises(DutydocsError, match="表格文字"):
        render(small_doc, BuildOptions(templates=tmp_path))


def test_a_template_that_is_not_a_docx_is_refused(small_doc, tmp_path):
    (tmp_path / "template.docx").write_text("这不是 Word 文件", encoding="utf-8")
    with pytest.raises(DutydocsError, match="无法打开 Word 模板"):
        render(small_doc, BuildOptions(templates=tmp_path))


def test_styles_put_the_official_fonts_in_the_east_asian_slot(small_docx):
    word = read(small_docx)
    for name, font in OFFICIAL.items():
        style = word.styles[name]
        while style.element.rPr is None or style.element.rPr.rFonts is None:
            style = style.base_style
        fonts = style.element.rPr.rFonts
        assert fonts.get(qn("w:eastAsia")) == font == fonts.get(qn("w:ascii")), name
    runs = list(word.element.body.iter(qn("w:r")))
    assert runs and not any(r.find(qn("w:rPr")) is not None for r in runs), "fonts come from styles, not runs"


def test_template_edits_are_followed(small_doc, tmp_path):
    template = docx.Document(str(PROJECT_TEMPLATES / "template.docx"))
    template.styles["表格文字"].font.size = docx.shared.Pt(10.5)
    basic = template.sections[1]  # the clerk turns the basic list's page upright and narrows its margin
    basic.orientation, basic.page_width, basic.page_height = 0, Mm(210), Mm(297)
    basic.left_margin = Mm(20)
    template.save(str(tmp_path / "template.docx"))
    word = read(render(small_doc, BuildOptions(templates=tmp_path)))
    assert word.styles["表格文字"].font.size.pt == 10.5
    section = word.sections[1]
    assert section.page_width < section.page_height and abs(section.left_margin - Mm(20)) < Mm(0.1)
    assert word.sections[2].page_width > word.sections[2].page_height
    grid = word.tables[0]._tbl.tblGrid.gridCol_lst
    text_width = section.page_width - section.left_margin - section.right_margin
    assert abs(sum(int(c.get(qn("w:w"))) for c in grid) * 635 - text_width) < 635 * 2


# --- the document ---------------------------------------------------------------------------------

def test_explanation_then_each_list_in_its_own_landscape_section(small_doc, small_docx):
    word = read(small_docx)
    first, *lists = word.sections
    assert abs(first.page_width - Mm(210)) < Mm(0.1) and abs(first.page_height - Mm(297)) < Mm(0.1)
    for got, want in ((first.top_margin, 37), (first.left_margin, 28), (first.right_margin, 26), (first.bottom_margin, 35)):
        assert abs(got - Mm(want)) < Mm(0.1)
    assert len(lists) == 3 and all(s.orientation == 1 and s.page_width > s.page_height for s in lists)
    body = [p for p in word.paragraphs if p.style.name != "分节段落"]
    assert (body[0].text, body[0].style.name) == (small_doc.title, "公文标题")
    assert small_doc.township in body[0].text
    assert (body[1].text, body[1].style.name) == (small_doc.explanation.title, "说明标题")
    assert [p.text for p in body if p.style.name == "一级标题"] == [s.heading for s in small_doc.explanation.sections]
    assert [p.text for p in body if p.style.name == "清单标题"] == [lst.title for lst in small_doc.lists]


def test_bundled_tables_hold_every_item(bundled_doc, bundled_word):
    tables = list_tables(bundled_word)
    labels = list_labels(bundled_word)
    assert [len(item_rows(t)) for t in tables] == [130, 98, 45]
    for table, duty_list in zip(tables, bundled_doc.lists):
        rows = item_rows(table)
        assert [r.cells[2].text for r in rows] == [item.name for item in duty_list.items]
        assert [shown(r.cells[0].paragraphs[0], labels) for r in rows] == [str(item.no) for item in duty_list.items]
        assert all(r.cells[0].text == "" for r in rows), "序号 is Word's list number, not text"


def test_header_rows_repeat_and_widths_are_fixed(bundled_word):
    for listed in list_tables(bundled_word):  # a continuation table has the header and columns of its list
        first = [(c.get(qn("w:w"))) for c in listed._tbl.tblGrid.gridCol_lst]
        assert all([c.get(qn("w:w")) for c in t._tbl.tblGrid.gridCol_lst] == first for t in listed.parts)
        assert all(t.rows[0]._tr.xml == listed.parts[0].rows[0]._tr.xml for t in listed.parts)
    for table in bundled_word.tables:
        tbl = table._tbl
        flags = [tr.trPr is not None and tr.trPr.find(qn("w:tblHeader")) is not None for tr in tbl.tr_lst]
        assert flags[0] and not any(flags[1:])
        assert tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed" and not table.autofit
        grid = [int(c.get(qn("w:w"))) for c in tbl.tblGrid.gridCol_lst]
        assert int(tbl.tblPr.find(qn("w:tblW")).get(qn("w:w"))) == sum(grid)
        section = bundled_word.sections[1]
        assert abs(sum(grid) * 635 - (section.page_width - section.left_margin - section.right_margin)) < 635 * 2
        for tr in tbl.tr_lst:
            assert [int(tc.tcPr.tcW.get(qn("w:w"))) for tc in tr.tc_lst] == grid


def test_rows_that_fit_on_a_page_never_split(bundled_doc, bundled_word):
    def can_split(row):
        return row._tr.trPr.find(qn("w:cantSplit")) is None
    basic, cooperative, withdrawn = list_tables(bundled_word)
    assert not any(can_split(r) for r in item_rows(basic) + item_rows(withdrawn))
    long_rows = [n for n, r in enumerate(item_rows(cooperative), 1) if can_split(r)]
    # Only the longest cooperative items may split (Word would clip a cantSplit row taller than a page).
    size = {i.no: len(i.department_duties.text()) + len(i.town_duties.text())
            for i in bundled_doc.list("cooperative").items}
    assert 0 < len(long_rows) < 30
    assert min(size[n] for n in long_rows) > sorted(size.values())[len(size) // 2]


def test_duties_are_paragraphs_with_headings_and_numbers(small_docx):
    word = read(small_docx)
    table, labels = word.tables[1], list_labels(word)
    assert paragraphs(item_rows(table)[1].cells[4], labels) == [
        ("一、年度绩效考核", "职责小标题"), ("1.审核乡镇年度绩效考核指标；", "表格文字"), ("2.下发年度绩效考核指标。", "表格文字"),
        ("区人社局", "职责小标题"), ("负责乡镇推荐晋升事业单位九级职员人选的审批备案工作。", "表格文字")]
    assert [p.text.replace("\n", "") for p in item_rows(table)[1].cells[3].paragraphs] == [
        "某区委组织部", "某区人力资源和社会保障局"]


def test_bundled_duties_match_the_source_line_for_line(bundled_doc, bundled_word):
    rows = item_rows(list_tables(bundled_word)[1])
    labels = list_labels(bundled_word)
    for row, item in zip(rows, bundled_doc.list("cooperative").items):
        assert [shown(p, labels) for p in row.cells[4].paragraphs] == (item.department_duties.as_lines() or [""])
        assert [shown(p, labels) for p in row.cells[5].paragraphs] == (item.town_duties.as_lines() or [""])


def test_withdrawn_cell_has_department_then_takeover_or_the_note(small_docx):
    rows = item_rows(read(small_docx).tables[2])
    assert [p.text for p in rows[0].cells[3].paragraphs] == ["某区民政局", "承接方式：负责婚姻登记工作"]
    assert [p.text for p in rows[1].cells[3].paragraphs] == ["法律法规条款已失效，不再开展此项工作"]


def test_hostile_text_appears_as_typed(small_doc):
    hostile = ["<script>alert(1)</script>", "{{ 7*7 }}", '=HYPERLINK("http://x","点我")', "&amp; ]]>"]
    basic = small_doc.list("basic")
    items = [dataclasses.replace(item, name=text) for item, text in zip(basic.items, hostile)]
    coop = small_doc.list("cooperative").items[0]
    duties = dataclasses.replace(coop.town_duties, entries=(Entry("heading", "{% raw %}"), Entry("point", "@SUM(1+1)")))
    doc = small_doc.with_list("basic", items).with_list("cooperative", [dataclasses.replace(coop, town_duties=duties)])
    word = read(render(doc, BuildOptions()))
    assert [r.cells[2].text for r in item_rows(word.tables[0])] == hostile[:len(items)]
    labels = list_labels(word)
    assert [shown(p, labels) for p in item_rows(word.tables[1])[0].cells[5].paragraphs] == ["{% raw %}", "1.@SUM(1+1)"]


# --- footer, properties, reproducibility ----------------------------------------------------------

def footer_xml(data: bytes) -> tuple[str, list[str]]:
    word = read(data)
    footer = word.sections[0].footer
    instructions = [t.text.strip() for t in footer._element.iter(qn("w:instrText"))]
    shown = "".join(t.text for t in footer._element.iter(qn("w:t")))
    return shown, instructions


def test_footer_counts_pages_through_every_section(small_doc, small_docx):
    shown, instructions = footer_xml(small_docx)
    assert instructions == ["PAGE", "NUMPAGES"] and shown == "第 1 页，共 1 页"
    word = read(small_docx)
    for section in word.sections[1:]:
        assert section.footer.is_linked_to_previous
        assert section._sectPr.find(qn("w:pgNumType")) is None
    shown, instructions = footer_xml(render(small_doc, BuildOptions(page_numbers="dash")))
    assert instructions == ["PAGE"] and shown == "— 1 —"


def test_a_template_with_one_upright_section_gets_landscape_lists(small_doc, tmp_path):
    template = docx.Document(str(PROJECT_TEMPLATES / "template.docx"))
    body = template.element.body
    for p in body.findall(qn("w:p")):
        if p.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None:
            body.remove(p)
    last = template.sections[-1]
    last.orientation, last.page_width, last.page_height = 0, Mm(210), Mm(297)
    template.save(str(tmp_path / "template.docx"))
    word = read(render(small_doc, BuildOptions(templates=tmp_path)))
    assert [s.page_width > s.page_height for s in word.sections] == [False, True, True, True]
    assert abs(word.sections[1].page_height - Mm(210)) < Mm(0.1)


def test_odd_and_even_footers_both_count_and_keep_their_alignment(small_doc, tmp_path):
    template = docx.Document(str(PROJECT_TEMPLATES / "template.docx"))
    template.settings.odd_and_even_pages_header_footer = True
    even = template.sections[0].even_page_footer
    even.is_linked_to_previous = False
    even.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.LEFT  # GB/T 9704 puts even page numbers at the left
    template.save(str(tmp_path / "template.docx"))
    section = read(render(small_doc, BuildOptions(templates=tmp_path, page_numbers="dash"))).sections[0]
    for footer in (section.footer, section.even_page_footer):
        assert [t.text.strip() for t in footer._element.iter(qn("w:instrText"))] == ["PAGE"]
    assert section.even_page_footer.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.LEFT


def test_core_properties_come_from_the_source(small_doc, small_docx):
    props = read(small_docx).core_properties
    assert (props.title, props.author, props.subject) == (small_doc.title, small_doc.township, "乡镇履职事项清单")
    assert small_doc.township in props.keywords
    assert props.created == props.modified == datetime(2025, 3, 1, tzinfo=timezone.utc)


def test_same_source_gives_the_same_bytes(small_doc, small_docx, monkeypatch):
    assert render(small_doc, BuildOptions()) == small_docx
    with zipfile.ZipFile(io.BytesIO(small_docx)) as z:
        assert {info.date_time for info in z.infolist()} == {(2025, 3, 1, 0, 0, 0)}
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    later = render(small_doc, BuildOptions())
    assert later != small_docx and read(later).core_properties.modified == datetime(2026, 1, 1, tzinfo=timezone.utc)


def test_build_writes_the_word_edition(small_path, tmp_path):
    result = build_one(str(small_path), ["docx"], tmp_path, BuildOptions())
    [path] = [Path(p) for p in result.written]
    assert path.name == "示例镇履职事项清单.docx" and len(read(path.read_bytes()).tables) == 3


# --- LibreOffice ----------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def pdf_edition_pages(bundled_doc) -> int:
    from pypdf import PdfReader
    return len(PdfReader(io.BytesIO(render_format(bundled_doc, "pdf"))).pages)


def test_libreoffice_pages_are_close_to_the_pdf_edition(converted, pdf_edition_pages):
    # Word keeps every row that fits on a page whole (cantSplit), so it leaves more room at page feet
    # than the PDF edition, which splits a long item between any two paragraphs, fills its pages to
    # about 92 % and sets the cooperative list in 五号: measured 101 against 73 (a row taller than a page
    # goes to the next page where it would break badly, tests below). Fewer pages than the
    # PDF edition would mean lost rows; more than 1.45 times as many, rows split or spaced wrongly.
    pages = len(converted[0])
    assert pdf_edition_pages <= pages <= 1.45 * pdf_edition_pages, (pages, pdf_edition_pages)
    assert abs(pages - SEED_PAGES) <= 0.2 * SEED_PAGES, pages


def test_libreoffice_shows_every_item_and_each_list_opens_a_page(bundled_doc, bundled_word, converted):
    pages, _ = converted
    titles = [lst.title for lst in bundled_doc.lists]
    starts = [n for n, page in enumerate(pages) if page and page[0][2] in titles]
    assert [pages[n][0][2] for n in starts] == titles
    for duty_list, table, first, end in zip(bundled_doc.lists, list_tables(bundled_word), starts, starts[1:] + [len(pages)]):
        section = bundled_word.sections[1]
        grid = [int(c.get(qn("w:w"))) / 20 for c in table._tbl.tblGrid.gridCol_lst]
        left = section.left_margin.pt + sum(grid[:2])
        names = column_text(pages[first:end], left, left + grid[2], "事项名称")
        position = 0
        for item in duty_list.items:  # every name, in order, in the name column of its list's pages
            found = names.find(re.sub(r"\s+", "", item.name), position)
            assert found >= 0, (duty_list.key, item.no, item.name)
            position = found
    total = len(pages)
    assert all(f"第{n}页，共{total}页" in page_text(page) for n, page in enumerate(pages, 1))
    assert all(len(page_text(page)) > 40 for page in pages), "a section break must not leave an empty page"


def test_libreoffice_uses_the_east_asian_fonts(converted, tmp_path):
    """LibreOffice embeds the font fontconfig gives the official name on this machine: the real 仿宋_GB2312
    where it is installed, else the free font templates/fonts.conf names; never an unrelated fallback."""
    from dutydocs.fonts import ROLES

    _, fonts = converted
    config = tmp_path / "fonts.conf"
    config.write_text('<?xml version="1.0"?><fontconfig><include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
                      f'<include>{PROJECT_TEMPLATES / "fonts.conf"}</include></fontconfig>', encoding="utf-8")
    embedded = [line.split()[0].partition("+")[2] for line in fonts.splitlines()[2:]]
    for official, role in (("仿宋_GB2312", "body（正文，仿宋）"), ("黑体", "heading（一级标题，黑体）")):
        match = subprocess.run(["fc-match", "-f", "%{family}|%{file}", official], capture_output=True,
                               text=True, check=True, env={**os.environ, "FONTCONFIG_FILE": str(config)}).stdout
        families, file = match.split("|")
        assert set(families.split(",")) & set(ROLES[role]), (official, families)
        faces = subprocess.run(["fc-scan", "--format", "%{postscriptname}\n", file], capture_output=True, text=True,
                               check=True).stdout.split()  # a collection (.ttc) holds several faces
        assert any(name.startswith(face) for name in embedded for face in faces), (official, faces, embedded)


# --- typesetting (issue 13) -----------------------------------------------------------------------

def _style_value(style, path: str):
    """Return the w:val-like element found at path in a style's XML, looking through the styles it is based on."""
    while style is not None:
        found = style.element.find(path)
        if found is not None:
            return found
        style = style.base_style
    return None


def test_titles_and_headings_are_simplified_chinese_and_kept_with_what_follows(bundled_word):
    for name in ("公文标题", "说明标题", "一级标题", "清单标题", "Normal", "表格文字", "表头文字", "Footer"):
        lang = _style_value(bundled_word.styles[name], f"{qn('w:rPr')}/{qn('w:lang')}")
        assert lang is not None and lang.get(qn("w:eastAsia")) == "zh-CN", name
    for name in ("公文标题", "说明标题", "一级标题", "清单标题", "职责小标题"):
        assert _style_value(bundled_word.styles[name], f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None, name


def test_page_numbers_are_four_hao_in_both_styles(small_doc):
    for style in ("total", "dash"):
        word = read(render(small_doc, BuildOptions(page_numbers=style)))
        footer = word.sections[0].footer.paragraphs[0]
        assert footer.style.name == "Footer" and footer.style.font.size.pt == 14, style
        assert all(r.font.size is None for r in footer.runs)
        assert all(ord(c) < 0x2000 or c in "—页第共，" for c in footer.text), footer.text  # 半角 digits


def test_the_explanation_has_a_grid_of_22_lines_and_28_characters(bundled_word):
    section = bundled_word.sections[0]
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars" and int(grid.get(qn("w:linePitch"))) == 579  # 22 in 225 mm
    width_pt = (section.page_width - section.left_margin - section.right_margin) / 12700
    normal = bundled_word.styles["Normal"].font.size.pt
    pitch = normal + int(grid.get(qn("w:charSpace"))) / 4096  # ECMA-376: Normal's size + charSpace / 4096 pt
    assert normal == 16 and int(width_pt / pitch) == 28
    assert all(s._sectPr.find(qn("w:docGrid")) is None for s in bundled_word.sections[1:]), "table text keeps its size"


SCHEMA_ORDER = {  # ECMA-376 CT_PPr, CT_RPr and CT_SectPr: Word refuses children out of this order
    "pPr": "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd tabs "
           "suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi "
           "adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc textDirection "
           "textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange",
    "rPr": "ins del rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof "
           "snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd fitText "
           "vertAlign rtl cs em lang eastAsianLayout specVanish oMath",
    "sectPr": "headerReference footerReference footnotePr endnotePr type pgSz pgMar paperSrc pgBorders lnNumType "
              "pgNumType cols formProt vAlign noEndnote titlePg textDirection bidi rtlGutter docGrid printerSettings",
}


def test_paragraph_run_and_section_properties_are_in_schema_order(bundled_docx):
    with zipfile.ZipFile(io.BytesIO(bundled_docx)) as package:
        for part in ("word/styles.xml", "word/document.xml"):
            root = etree.fromstring(package.read(part))
            for tag, order in SCHEMA_ORDER.items():
                names = order.split()
                for element in root.iter(W + tag):
                    children = [child.tag.replace(W, "") for child in element if isinstance(child.tag, str)]
                    assert all(c in names for c in children), (part, children)
                    assert children == sorted(children, key=names.index), (part, children)


def test_the_document_ends_with_a_paragraph_after_the_last_table(bundled_docx):
    body = read(bundled_docx).element.body
    blocks = [child.tag for child in body]
    assert blocks[-1] == qn("w:sectPr") and blocks[-2] == qn("w:p") and blocks[-3] == qn("w:tbl")


def test_numbers_are_word_list_numbers_one_list_per_table_and_per_block(bundled_doc, bundled_word):
    def num_id(p):
        found = p._p.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
        return None if found is None else found.get(qn("w:val"))
    tables = [{num_id(r.cells[0].paragraphs[0]) for r in item_rows(t)} for t in list_tables(bundled_word)]
    assert all(len(ids) == 1 and None not in ids for ids in tables) and len(set.union(*tables)) == 3
    numbering = bundled_word.part.numbering_part.element
    nums = {n.get(qn("w:numId")): n for n in numbering.findall(qn("w:num"))}
    abstracts = [n.find(qn("w:abstractNumId")).get(qn("w:val")) for n in nums.values()]
    assert len(abstracts) == len(set(abstracts)), "a list of its own: LibreOffice joins lists sharing a format"
    assert all(n.find(f"{qn('w:lvlOverride')}/{qn('w:startOverride')}").get(qn("w:val")) == "1" for n in nums.values())
    # every block of points is its own list: as many lists as blocks with points
    blocks = sum(1 for item in bundled_doc.list("cooperative").items
                 for duties in (item.department_duties, item.town_duties) for block in duties.blocks()
                 if any(e.kind == "point" for e in block.entries))
    point_lists = {num_id(p) for r in item_rows(list_tables(bundled_word)[1]) for c in r.cells[4:] for p in c.paragraphs} - {None}
    assert len(point_lists) == blocks


def test_every_item_cell_is_top_aligned(bundled_word):
    for table in list_tables(bundled_word):
        for row in item_rows(table):
            assert {c._tc.tcPr.find(qn("w:vAlign")).get(qn("w:val")) for c in row.cells} == {"top"}


def test_department_names_break_between_words_only(bundled_doc, bundled_word):
    from dutydocs import wordbreak
    from dutydocs.edition import text_em
    places = wordbreak.places(bundled_doc.region, bundled_doc.township)
    table = list_tables(bundled_word)[1]
    width = int(table._tbl.tblGrid.gridCol_lst[3].get(qn("w:w")))
    chars = (width - 170) / 240  # cell margins 85 + 85 twips, 小四 = 240 twips a character
    names = [(p.text, item) for row, item in zip(item_rows(table), bundled_doc.list("cooperative").items)
             for p in row.cells[3].paragraphs]
    assert [text.replace("\n", "") for text, _ in names] == [n for i in bundled_doc.list("cooperative").items
                                                            for n in i.departments]
    longest = max(text_em(w) for text, _ in names for w in wordbreak.words(text.replace("\n", ""), places))
    assert longest <= chars < longest + 2, "the column is as wide as the longest word"
    for text, _ in names:
        words = wordbreak.words(text.replace("\n", ""), places)
        ends = {sum(len(w) for w in words[:k]) for k in range(len(words) + 1)}
        lines = text.split("\n")
        assert all(len(line) > 1 and text_em(line) <= chars for line in lines) or len(text) == 1, text
        assert {sum(len(x) for x in lines[:k]) for k in range(len(lines))} <= ends, text


def test_libreoffice_never_cuts_a_name_or_department_nor_ends_a_page_with_a_heading(bundled_doc, bundled_word,
                                                                                   converted):
    """A cooperative row taller than a page splits, but its name and departments stay whole on its first page,
    and no duty heading (一、… or a department's name) is the last line of a column on a page."""
    pages, _ = converted
    titles = [lst.title for lst in bundled_doc.lists]
    start, end = (next(n for n, page in enumerate(pages) if page and page[0][2] == t) for t in titles[1:])
    grid = [int(c.get(qn("w:w"))) / 20 for c in list_tables(bundled_word)[1]._tbl.tblGrid.gridCol_lst]
    edges = [bundled_word.sections[1].left_margin.pt + sum(grid[:k]) - 2 for k in range(len(grid) + 1)]
    headings = [block.heading for item in bundled_doc.list("cooperative").items
                for duties in (item.department_duties, item.town_duties) for block in duties.blocks() if block.heading]
    breaks = 0
    header = "".join(cell.text for cell in list_tables(bundled_word)[1].rows[0].cells)
    for page in pages[start:end]:
        columns: list[dict] = [{} for _ in grid]
        for x, y, word in page:
            column = next((k for k in range(len(grid)) if edges[k] <= x < edges[k + 1]), None)
            if column is not None and 100 < y < 520 and word not in header:  # the body, above the footer
                columns[column].setdefault(round(y), []).append((x, word))
        first_row = min(columns[0], default=999)
        assert not [y for y in (*columns[2], *columns[3]) if y < first_row], "a name or department cut"
        for column in columns[4:]:
            last = "".join(w for _, w in sorted(column[max(column)])) if column else ""
            assert not (len(last) > 3 and any(last in heading for heading in headings)), last
        breaks += first_row > 130  # the page opens with the rest of a row
    assert breaks >= 10  # the bundled list has rows taller than a page


def test_categories_break_between_words_only(bundled_doc, bundled_word):
    """文化和/旅游 in the narrow cooperative column, never 文化和旅/游; the wider columns hold a category whole."""
    from dutydocs import wordbreak
    places = wordbreak.places(bundled_doc.region, bundled_doc.township)
    broken = set()
    for duty_list, table in zip(bundled_doc.lists, list_tables(bundled_word), strict=True):
        chars = (int(table._tbl.tblGrid.gridCol_lst[1].get(qn("w:w"))) - 170) / 240
        for row, item in zip(item_rows(table), duty_list.items, strict=True):
            text = row.cells[1].paragraphs[0].text
            lines = text.split("\n")
            assert "".join(lines) == item.category
            words = wordbreak.words(item.category, places)
            ends = {sum(len(w) for w in words[:k]) for k in range(len(words) + 1)}
            assert {sum(len(x) for x in lines[:k]) for k in range(len(lines))} <= ends, text
            assert all(len(line) > 1 and len(line) <= chars for line in lines), (text, chars)
            if len(lines) > 1:
                broken.add(text)
    assert "文化和\n旅游" in broken  # the bundled list has a category that needs breaking


def test_libreoffice_sets_the_explanation_28_characters_a_line_and_22_lines_a_page(explanation_lines):
    right = Mm(210 - 26).pt  # the text block's right edge (GB/T 9704 margins)
    assert all(x1 <= right + 0.5 for _, _, x1, _, _ in explanation_lines), "nothing hangs past the text block"
    following = dict(zip(explanation_lines, [t for *_, t in explanation_lines[1:]] + [""]))
    body = [line for line in explanation_lines
            if line[3] < 740 and len(line[4]) > 2 and all(unicodedata.east_asian_width(c) in "WF" for c in line[4])]
    full = [(t, following[line]) for line in body for _, x0, x1, _, t in [line]
            if x1 > right - 2 and x0 < Mm(28).pt + 1]  # all-Chinese lines set to the full measure from the left margin
    # 28 a line; 27 where the 28th would be a 、 or ， that may not start the next line, so both go down
    assert all(len(t) == 28 or (len(t) == 27 and after[1:2] in "、，。；：") for t, after in full), full
    assert sum(len(t) == 28 for t, _ in full) >= 6, full  # 9 all-Chinese full lines in the bundled 说明
    tops = [y for n, _, _, y, _ in explanation_lines if n == 2 and y < 740]  # the footer left out
    assert len(tops) > 6 and all(abs(b - a - 28.95) < 0.1 for a, b in zip(tops, tops[1:])), tops  # 579 twips
    # a page's lines start at the top margin: 22 of 28.95 pt fill the 225 mm text block (a 23rd would not fit)
    assert Mm(37).pt < tops[0] < Mm(37).pt + 28.95 and 22 * 28.95 <= Mm(225).pt < 23 * 28.95


def test_libreoffice_loses_no_character_of_the_explanation(bundled_doc, converted):
    pages, _ = converted
    shown = "".join(w for page in pages[:2] for _, _, w in sorted(page, key=lambda word: (round(word[1]), word[0])))
    for section in bundled_doc.explanation.sections:
        for text in section.paragraphs:
            assert "".join(text.split()) in shown, text  # a 、 or ， at the end of a full line included


# --- the tracked-changes diff ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def moved_pair(bundled_path):
    import json
    data = json.loads(bundled_path.read_text("utf-8"))
    new = json.loads(json.dumps(data))
    basic = new["lists"]["basic"]["items"]
    moved = basic.pop(89)  # 基本第 90 项, reworded, to the top
    moved["name"] = "认真" + moved["name"]
    basic.insert(0, moved)
    for no, item in enumerate(basic, 1):
        item["no"] = no
    from dutydocs import source
    from dutydocs.diff.compare import compare
    return compare(source.from_data(data), source.from_data(new)), moved["name"]


def test_a_moved_row_says_where_it_came_from_in_a_comment(moved_pair):
    from dutydocs.diff import render as render_diff
    diff, name = moved_pair
    data = render_diff(diff, "docx")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        comments = etree.fromstring(z.read("word/comments.xml"))
    texts = ["".join(t.text for t in c.iter(W + "t")) for c in comments.iter(W + "comment")]
    assert texts == ["原基本第 90 项", "移至基本第 1 项"]  # the words changed are tracked in the row, not listed
    assert {c.get(W + "date") for c in comments.iter(W + "comment")} == {diff.new.revision.date + "T00:00:00Z"}
    word = read(data)
    rows = item_rows(word.tables[0])
    inserted = [r for r in rows if r._tr.trPr.find(qn("w:ins")) is not None]
    assert len(inserted) == 1 and "".join(t.text for t in inserted[0].cells[2]._tc.iter(W + "t")) == name
    name_cell = inserted[0].cells[2]._tc
    assert ["".join(t.text for t in e.iter(W + "t")) for e in name_cell.iter(W + "ins", W + "moveTo")
            if e.getparent().tag == W + "p" and e.find(W + "r/" + W + "t") is not None] == ["认真", name[2:]]
    assert inserted[0].cells[2].paragraphs[0]._p.find(qn("w:commentRangeStart")) is not None
    assert "原基本" not in "".join(c.text for r in rows for c in r.cells), "where it came from is no text of the list"
    body = [child.tag for child in word.element.body]
    assert body[-3:] == [qn("w:tbl"), qn("w:p"), qn("w:sectPr")]
    assert all(r.cells[0].paragraphs[0]._p.find(f"{qn('w:pPr')}/{qn('w:numPr')}") is not None for r in rows)


TRACKED = {W + tag for tag in ("ins", "del", "moveFrom", "moveTo")}
RANGES = {W + tag for tag in ("moveFromRangeStart", "moveToRangeStart")}


def word_problems(document: bytes, comments: bytes) -> list[str]:
    """Return what Word would find wrong in the tracked changes, moves and comments of a document part."""
    body, notes = etree.fromstring(document), etree.fromstring(comments)
    problems = []
    ids = [e.get(W + "id") for e in body.iter(*TRACKED, *RANGES)]
    if len(ids) != len(set(ids)):
        problems.append("tracked-change ids not unique")
    open_ranges: dict[str, str] = {}
    names: dict[str, list[str]] = {"moveFrom": [], "moveTo": []}
    for e in body.iter():
        tag = etree.QName(e).localname
        if e.tag in RANGES:
            open_ranges[tag.replace("RangeStart", "")] = e.get(W + "id")
            names[tag.replace("RangeStart", "")].append(e.get(W + "name"))
        elif tag in ("moveFromRangeEnd", "moveToRangeEnd"):
            kind = tag.replace("RangeEnd", "")
            if open_ranges.pop(kind, None) != e.get(W + "id"):
                problems.append(f"{tag} {e.get(W + 'id')} closes no open range")
        elif tag in ("moveFrom", "moveTo") and e.getparent().tag == W + "p" and tag not in open_ranges:
            problems.append(f"w:{tag} outside a range of its kind")
        if e.tag in TRACKED and e.getparent().tag == W + "p":
            if any(child.tag != W + "r" for child in e):
                problems.append(f"w:{tag} holds more than runs")
            deleted = tag in ("del", "moveFrom")
            if e.find(f".//{W}{'t' if deleted else 'delText'}") is not None:
                problems.append(f"w:{tag} holds {'w:t' if deleted else 'w:delText'}")
        if e.tag == W + "p" and e.find(W + "pPr") is not None and e[0].tag != W + "pPr":
            problems.append("w:pPr not first in its paragraph")
        if e.tag == W + "rPr" and e.getparent().tag == W + "pPr":
            kinds = [child.tag in TRACKED for child in e]
            if kinds != sorted(kinds, reverse=True):
                problems.append("a paragraph mark's change after its properties")
    if open_ranges or sorted(names["moveFrom"]) != sorted(names["moveTo"]) or len(set(names["moveTo"])) != len(
        names["moveTo"]
    ):
        problems.append(f"move ranges unpaired: {names}")
    for tr in body.iter(W + "tr"):
        row = tr.find(f"{W}trPr/{W}ins")
        row = row if row is not None else tr.find(f"{W}trPr/{W}del")
        if row is None:
            continue
        side = ("ins", "moveTo") if row.tag == W + "ins" else ("del", "moveFrom")
        for r in tr.iter(W + "r"):
            if etree.QName(r.getparent()).localname not in side:
                problems.append(f"a run of a tracked row ({etree.QName(row).localname}) outside {side}")
        for p in tr.iter(W + "p"):
            if p.find(f"{W}pPr/{W}rPr/{W}{side[0]}") is None:
                problems.append("a paragraph mark of a tracked row not tracked with it")
    comment_ids = [c.get(W + "id") for c in notes.iter(W + "comment")]
    for tag in ("commentRangeStart", "commentRangeEnd", "commentReference"):
        if sorted(e.get(W + "id") for e in body.iter(W + tag)) != sorted(comment_ids):
            problems.append(f"w:{tag} ids differ from the comments'")
    return problems


@pytest.fixture(scope="module")
def moves_docx(bundled_path) -> bytes:
    """The tracked .docx of a pair with rows moved and reworded within a list and between lists."""
    from dutydocs.diff import render as render_diff
    from dutydocs.diff.compare import compare

    from diff_pairs import PAIRS
    from diff_scenarios import Revision, data_of, doc_of

    old = data_of(bundled_path)
    r = Revision(old)
    for name in ("combined", "swapped_between_lists", "moved_with_duties_reworded"):
        PAIRS[name](r)
    return render_diff(compare(doc_of(old), doc_of(r.answer()[0])), "docx")


def test_moved_rows_are_tracked_as_word_writes_moves(moves_docx):
    """Ids unique, runs only in w:ins/w:del/w:moveFrom/w:moveTo, moves inside named ranges paired from and to,
    a tracked row holding only changes of its side, every comment anchored once (no w:rsid needed)."""
    with zipfile.ZipFile(io.BytesIO(moves_docx)) as z:
        document, comments = z.read("word/document.xml"), z.read("word/comments.xml")
    assert word_problems(document, comments) == []
    body = etree.fromstring(document)
    assert len(list(body.iter(W + "moveFromRangeStart"))) == 5  # 5 moves, 4 of them reworded
    moved_in = [tr for tr in body.iter(W + "tr") if tr.find(f"{W}trPr/{W}ins") is not None
                and tr.find(f".//{W}moveTo") is not None]
    assert len(moved_in) == 5 and sum(tr.find(f".//{W}ins/{W}r/{W}t") is not None for tr in moved_in) == 4
    broken = document.replace(b"<w:moveFromRangeStart ", b"<w:moveFromRangeStartX ", 1)
    assert any("range" in p for p in word_problems(broken, comments))


def test_the_title_font_is_a_bold_simplified_chinese_serif_where_the_official_one_is_missing(tmp_path):
    config = tmp_path / "fonts.conf"
    config.write_text('<?xml version="1.0"?><fontconfig><include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
                      f'<include>{PROJECT_TEMPLATES / "fonts.conf"}</include></fontconfig>', encoding="utf-8")
    matched = subprocess.run(["fc-match", "方正小标宋简体:lang=zh-cn", "family", "style"], capture_output=True, text=True,
                             check=True, env={**os.environ, "FONTCONFIG_FILE": str(config)}).stdout
    from dutydocs.fonts import ROLES
    title = next(chain for role, chain in ROLES.items() if role.startswith("title"))
    assert matched.split(":")[0] in title, matched  # the official face where installed, else its stand-in
    if matched.startswith("Noto Serif CJK SC"):
        assert "Bold" in matched, matched  # 小标宋 is heavy: its stand-in is taken bold
