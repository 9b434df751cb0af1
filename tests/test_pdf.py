"""The formal PDF: parsed with poppler and pypdf, laid-out boxes inspected, pages rasterised."""
from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader
from weasyprint.urls import URLFetchingError

from dutydocs.builders import BuildOptions, pdf, web
from dutydocs.errors import DutydocsError
from dutydocs.model import CooperativeItem, Duties, Entry

HOSTILE = ('<script>alert(1)</script>', '{{ 7*7 }}', '<img src="file:///etc/passwd">')


def squash(text: str) -> str:
    """Remove all whitespace, so text wrapped across lines compares whole."""
    return re.sub(r"\s+", "", text)


def pages_text(path: Path, *mode: str) -> list[str]:
    """Return the text of each page; mode "-raw" keeps the order in which the PDF sets the text."""
    out = subprocess.run(["pdftotext", *mode, "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    return out.split("\f")[:-1]


def body_rows(box):
    """Yield the table body rows (not header rows) laid out inside a box."""
    for child in getattr(box, "children", None) or []:
        if type(child).__name__ == "TableRowGroupBox" and not child.is_header:
            yield from child.children
        else:
            yield from body_rows(child)


def page_list(page) -> str | None:
    """Return the key of the list whose table is on a laid-out page, or None."""
    stack = [page._page_box]
    while stack:
        box = stack.pop()
        classes = (box.element.get("class") or "").split() if getattr(box, "element", None) is not None else []
        if "list" in classes and box.element_tag == "section":
            return next(c.removeprefix("list-") for c in classes if c.startswith("list-"))
        stack.extend(getattr(box, "children", None) or [])
    return None


@pytest.fixture(scope="session")
def bundled(bundled_doc, tmp_path_factory):
    """The bundled source laid out once and written once: (layout, pdf path, per-page text)."""
    layout = pdf.document(bundled_doc, BuildOptions())
    path = tmp_path_factory.mktemp("pdf") / "bundled.pdf"
    path.write_bytes(layout.write_pdf())
    return layout, path, pages_text(path)


@pytest.fixture(scope="session")
def small_pdf(small_doc, tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "small.pdf"
    path.write_bytes(pdf.render(small_doc, BuildOptions()))
    return path


def test_page_count_is_sane(bundled, bundled_doc):
    layout, path, texts = bundled
    count = len(PdfReader(path).pages)
    assert count == len(layout.pages) == len(texts)
    # the original was 92 pages; one item per page at most, a few items per page at least
    assert 40 <= count <= bundled_doc.item_count()


def test_every_item_name_is_in_the_text(bundled, bundled_doc):
    """In reading (content) order every name is whole; pdftotext's column guessing is not the PDF's order."""
    text = squash("".join(pages_text(bundled[1], "-raw")))
    missing = [item.name for _, item in bundled_doc.all_items() if squash(item.name) not in text]
    assert missing == []


def test_lists_start_on_new_pages_in_order_with_their_titles(bundled, bundled_doc):
    layout, _, texts = bundled
    keys = [page_list(page) for page in layout.pages]
    assert keys[0] is None  # the explanation
    order = list(dict.fromkeys(k for k in keys if k))
    assert order == [lst.key for lst in bundled_doc.lists]
    for lst in bundled_doc.lists:
        first = keys.index(lst.key)
        assert texts[first].lstrip().startswith(lst.title)
    landscape = {k for k, page in zip(keys, layout.pages) if page.width > page.height}
    assert landscape == {"cooperative"}


def test_header_row_on_every_list_page(bundled, bundled_doc):
    layout, _, texts = bundled
    options = BuildOptions()
    lay = web.load_layout(options)
    labels = {lst.key: [c.label for c in web.columns(lay, lst)] for lst in bundled_doc.lists}
    keys = [page_list(page) for page in layout.pages]
    explanation = keys.index(bundled_doc.lists[0].key)
    assert 1 <= explanation <= 3 and all(keys[explanation:])
    for key, text in zip(keys[explanation:], texts[explanation:]):
        assert all(squash(label) in squash(text) for label in labels[key]), text[:200]


def test_footers_number_every_page_of_the_whole(bundled):
    texts = bundled[2]
    total = len(texts)
    for n, text in enumerate(texts, 1):
        assert re.findall(r"第 (\d+) 页，共 (\d+) 页", text) == [(str(n), str(total))]


def test_dash_page_numbers(small_doc, tmp_path):
    path = tmp_path / "dash.pdf"
    path.write_bytes(pdf.render(small_doc, BuildOptions(page_numbers="dash")))
    texts = pages_text(path)
    assert [re.findall(r"—(\d+)—", squash(t)) for t in texts] == [[str(n)] for n in range(1, len(texts) + 1)]
    assert not any("共" in t and "页" in t.split("共")[-1] for t in texts)


def test_no_row_is_broken_across_pages(bundled):
    layout = bundled[0]
    pages_of: dict[int, set[int]] = {}
    for n, page in enumerate(layout.pages):
        for row in body_rows(page._page_box):
            pages_of.setdefault(id(row.element), set()).add(n)
    assert pages_of and all(len(pages) == 1 for pages in pages_of.values())


def test_long_cooperative_items_continue_with_their_identity(bundled, bundled_doc):
    layout, _, texts = bundled
    context = web.context(bundled_doc, BuildOptions(), paginate=True)
    rows = next(lst for lst in context["lists"] if lst.key == "cooperative").rows
    continued = [row for row in rows if row.continued]
    assert continued, "the bundled source has items taller than a page"
    text = squash("".join(pages_text(bundled[1], "-raw")))
    for row in continued:
        item = row.item
        assert squash(item.name + "（续）") in text
        parts = [r for r in rows if r.item is item]
        for key in web.DUTY_KEYS:  # the parts hold the item's blocks, in order, each whole or cut at entries
            blocks = [b for part in parts for b in getattr(part, key)]
            merged = []
            for block in blocks:
                if block.continued:
                    merged[-1] = replace(merged[-1], entries=merged[-1].entries + block.entries)
                else:
                    merged.append(block)
            assert merged == list(web.duty_blocks(getattr(item, key)))


def test_split_happens_between_heading_blocks():
    """An item of many short heading blocks splits at a heading, never inside a block."""
    entries = []
    for n in range(40):
        entries += [Entry("heading", f"第{n}部门"), Entry("point", "负责本部门的相关工作，做好协调配合。"),
                    Entry("point", "及时报送工作情况。")]
    item = CooperativeItem(1, "党的建设", "很长的事项", ("某部门",), Duties(tuple(entries)), Duties(()))
    from dutydocs.model import DutyList
    lst = DutyList("cooperative", "配合履职事项清单", (item,))
    lay = web.load_layout(BuildOptions())
    rows = web.rows(lay, lst, web.columns(lay, lst), paginate=True)
    assert len(rows) > 1
    assert [r.part for r in rows] == list(range(len(rows)))
    assert all(block.heading and not block.continued and len(block.entries) == 2
               for row in rows for block in row.department_duties)
    assert sum(len(r.department_duties) for r in rows) == 40


def test_estimated_row_heights_match_the_layout(bundled, bundled_doc):
    """The split decisions rest on the row-height estimate: it must agree with WeasyPrint."""
    layout = bundled[0]
    context = web.context(bundled_doc, BuildOptions(), paginate=True)
    lay = web.load_layout(BuildOptions())
    estimates = [web.Estimator(lay, lst.key, lst.columns).row(row) for lst in context["lists"] for row in lst.rows]
    actual = [row.height * 25.4 / 96 for page in layout.pages for row in body_rows(page._page_box)]
    assert len(actual) == len(estimates)
    ratios = sorted(a / e for a, e in zip(actual, estimates))
    assert 0.97 <= ratios[len(ratios) // 2] <= 1.03
    assert ratios[int(len(ratios) * 0.05)] >= 0.9 and ratios[int(len(ratios) * 0.95)] <= 1.1


def test_fonts_are_embedded_and_subset(bundled):
    out = subprocess.run(["pdffonts", str(bundled[1])], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in out.splitlines()[2:]]
    assert rows
    for row in rows:
        assert row[-5:-2] == ["yes", "yes", "yes"], row  # emb, sub, uni
        assert re.match(r"^[A-Z]{6}\+", row[0]), row


def test_outline_has_explanation_lists_and_categories(bundled, bundled_doc):
    reader = PdfReader(bundled[1])
    outline = reader.outline
    top = [entry.title for entry in outline if not isinstance(entry, list)]
    assert top == [bundled_doc.explanation.title] + [lst.title for lst in bundled_doc.lists]
    children = [entry for entry in outline if isinstance(entry, list)]
    assert [[c.title for c in group] for group in children] == [lst.categories() for lst in bundled_doc.lists]


def test_metadata_and_dates_come_from_the_source(small_pdf, small_doc):
    info = PdfReader(small_pdf).metadata
    assert info.title == small_doc.title
    assert info.author == small_doc.township
    assert small_doc.township in info.subject
    assert "履职事项清单" in info["/Keywords"]
    assert info.creation_date.strftime("%Y-%m-%d") == small_doc.revision.date


def test_two_builds_give_the_same_bytes(small_doc, small_path, small_pdf, tmp_path):
    """Also in another process, whose string hashing (PYTHONHASHSEED) differs."""
    assert pdf.render(small_doc, BuildOptions()) == small_pdf.read_bytes()
    other = tmp_path / "other.pdf"
    code = ("import sys; from dutydocs import source; from dutydocs.builders import BuildOptions, pdf; "
            "open(sys.argv[2], 'wb').write(pdf.render(source.load(sys.argv[1]), BuildOptions()))")
    import sys
    subprocess.run([sys.executable, "-c", code, str(small_path), str(other)], check=True,
                   env={"PYTHONHASHSEED": "12345", "PATH": "/usr/bin:/bin"})
    assert other.read_bytes() == small_pdf.read_bytes()


def dark_fraction(pdf_path: Path, page: int, tmp_path: Path) -> float:
    """Rasterise one page in grey and return the fraction of dark pixels."""
    prefix = tmp_path / f"page{page}"
    subprocess.run(["pdftoppm", "-gray", "-r", "40", "-f", str(page), "-l", str(page), str(pdf_path),
                    str(prefix)], check=True)
    data = next(tmp_path.glob(f"page{page}*.pgm")).read_bytes()
    _, width, height, _maxval, pixels = re.match(rb"(P5)\s+(\d+)\s+(\d+)\s+(\d+)\s(.*)", data, re.S).groups()
    assert len(pixels) == int(width) * int(height)
    return sum(1 for value in pixels if value < 128) / len(pixels)


def test_rendered_pages_are_not_blank(bundled, tmp_path):
    layout, path, texts = bundled
    split_page = next(n for n, t in enumerate(texts, 1) if "（续）" in t)
    for page in (1, split_page):
        assert 0.005 < dark_fraction(path, page, tmp_path) < 0.5


def test_hostile_text_is_printed_literally(small_doc, tmp_path):
    items = [replace(item, name=HOSTILE[n % 3] + item.name) for n, item in enumerate(small_doc.list("basic").items)]
    doc = small_doc.with_list("basic", items)
    path = tmp_path / "hostile.pdf"
    path.write_bytes(pdf.render(doc, BuildOptions()))
    text = squash("".join(pages_text(path)))
    for hostile in HOSTILE:
        assert squash(hostile) in text
    assert sum(len(page.images) for page in PdfReader(path).pages) == 0


def test_fetcher_serves_only_the_templates_folder(tmp_path):
    templates = BuildOptions().templates
    fetch = pdf.templates_only_fetcher(templates)
    assert b"@page" in fetch((templates / "pdf.css").resolve().as_uri()).read()
    for url in ("file:///etc/passwd", (templates / ".." / "pyproject.toml").as_uri(),
                "http://example.com/x.css", "https://example.com/", "data:text/css,body{}"):
        with pytest.raises(URLFetchingError, match="不允许读取模板文件夹以外的资源"):
            fetch(url)


def test_stylesheet_cannot_pull_outside_files(small_doc, tmp_path, templates_copy):
    templates = templates_copy
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red; } .doc-title::after { content: 'LEAKED'; }", "utf-8")
    css = templates / "pdf.css"
    css.write_text(f"@import url({secret.as_uri()});\n" + css.read_text("utf-8"), "utf-8")
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf.render(small_doc, BuildOptions(templates=templates)))
    assert "LEAKED" not in squash("".join(pages_text(path)))


def test_stylesheet_may_import_files_beside_it(small_doc, tmp_path):
    import shutil
    templates = tmp_path / "我的 模板"
    shutil.copytree(BuildOptions().templates, templates)
    (templates / "extra.css").write_text(".doc-title::after { content: 'INSIDE'; }", "utf-8")
    css = templates / "pdf.css"
    css.write_text("@import url(extra.css);\n" + css.read_text("utf-8"), "utf-8")
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf.render(small_doc, BuildOptions(templates=templates)))
    assert "INSIDE" in squash("".join(pages_text(path)))


def test_template_mistake_is_a_one_line_error(small_doc, tmp_path, templates_copy):
    templates = templates_copy
    page = templates / "document.html.j2"
    page.write_text(page.read_text("utf-8").replace("{{ doc.title }}", "{{ doc.titel }}"), "utf-8")
    with pytest.raises(DutydocsError, match="document.html.j2"):
        pdf.render(small_doc, BuildOptions(templates=templates))


def source_characters(doc) -> set[str]:
    strings = [doc.title] + [p for s in doc.explanation.sections for p in (s.heading, *s.paragraphs)]
    for duty_list, item in doc.all_items():
        strings += [duty_list.title, item.category, item.name]
        if isinstance(item, CooperativeItem):
            strings += list(item.departments) + item.department_duties.as_lines() + item.town_duties.as_lines()
        else:
            strings += [getattr(item, "department", None) or "", getattr(item, "takeover", None) or "",
                        getattr(item, "note", None) or ""]
    return set(squash("".join(strings)))


def test_no_character_is_lost(bundled, bundled_doc):
    """Every character of the source reaches the PDF text: no missing glyph, no dropped run."""
    text = set(squash("".join(pages_text(bundled[1], "-raw"))))
    assert source_characters(bundled_doc) - text == set()


def missing_glyphs(layout) -> list[str]:
    """Return the laid-out text runs that Pango set with a missing glyph (no installed font has it)."""
    from weasyprint.text.ffi import ffi, pango

    unknown = 0x10000000  # PANGO_GLYPH_UNKNOWN_FLAG
    found, stack = [], [page._page_box for page in layout.pages]
    while stack:
        box = stack.pop()
        stack.extend(getattr(box, "children", None) or [])
        if type(box).__name__ != "TextBox":
            continue
        box.pango_layout.reactivate(box.style)
        runs = pango.pango_layout_get_line_readonly(box.pango_layout.layout, 0).runs
        while runs != ffi.NULL:
            glyphs = ffi.cast("PangoGlyphItem *", runs.data).glyphs
            if any(glyphs.glyphs[i].glyph & unknown for i in range(glyphs.num_glyphs)):
                found.append(box.text)
            runs = runs.next
    return found


def test_no_glyph_is_missing(bundled):
    assert missing_glyphs(bundled[0]) == []


def test_rare_characters_fall_back_to_a_font_that_has_them(small_doc):
    def names_with(extra):
        items = [replace(item, name=item.name + extra) for item in small_doc.list("basic").items]
        return pdf.document(small_doc.with_list("basic", items), BuildOptions())

    def covered(char: str) -> bool:
        """Whether any font installed here has the character (what fontconfig offers Pango as a fallback)."""
        out = subprocess.run(["fc-list", f":charset={ord(char):x}", "family"], capture_output=True, text=True,
                             check=True).stdout
        return bool(out.strip())

    rare = "堃𠮷䶮"  # outside GB2312, which the Fandol fonts cover; Noto CJK (setup.sh) has them
    assert all(covered(c) for c in rare)
    assert missing_glyphs(names_with(rare)) == []
    # a character no installed font has (Tangut, unless a Tangut font is installed): the check must see it
    absent = next(c for c in ("𗀀", "\U00018B00", "\U0001B300", "\U0003FFFD") if not covered(c))
    assert len(missing_glyphs(names_with(absent))) == len(small_doc.list("basic").items)


def test_layout_file_mistakes_are_one_line_errors(small_doc, tmp_path, templates_copy):
    templates = templates_copy
    layout = templates / "layout.toml"
    layout.write_text(layout.read_text("utf-8").replace("fill = ", "# fill = "), "utf-8")
    with pytest.raises(DutydocsError, match="split.fill"):
        pdf.render(small_doc, BuildOptions(templates=templates))
    layout.write_text("[page\n", "utf-8")
    with pytest.raises(DutydocsError, match="layout.toml"):
        pdf.render(small_doc, BuildOptions(templates=templates))


def test_department_names_break_between_words():
    from dutydocs.builders.web import department_words

    assert department_words("米东区市场监督管理局") == ["米东区", "市场监督", "管理局"]  # never 米东区市/场…
    assert department_words("米东区人力资源和社会保障局") == ["米东区", "人力资源和", "社会", "保障局"]
    assert department_words("乌鲁木齐市公安局米东区分局") == ["乌鲁木齐市", "公安局", "米东区", "分局"]
    assert department_words("米东区委组织部") == ["米东区委", "组织部"]
