"""The diff reports on the scripted revision of the bundled source: Word tracked changes, HTML, PDF, Excel."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
from html.parser import HTMLParser

import docx
import pytest
from docx.oxml.ns import qn
from openpyxl import load_workbook
from openpyxl.cell.rich_text import CellRichText

from dutydocs.builders import BuildOptions
from dutydocs.builders import docx as word_edition
from dutydocs.diff import render, run_diff
from dutydocs.diff.compare import compare
from dutydocs.builders.pdf import templates_only_fetcher
from dutydocs.errors import DutydocsError

from diff_scenarios import NEW_NAME, data_of, doc_of, scripted

AUTHOR, DATE = "区委编办审核组", "2025-07-01T09:30:00Z"


@pytest.fixture(scope="module")
def scenario(bundled_path):
    old = data_of(bundled_path)
    new, expected = scripted(old)
    return compare(doc_of(old), doc_of(new), "old.json", "new.json"), expected


@pytest.fixture(scope="module")
def tracked(scenario):
    return render(scenario[0], "docx", author=AUTHOR, change_date=DATE)


# --- Word: tracked changes -------------------------------------------------------------------------

def _text(p) -> str:
    return "".join(t.text or "" for t in p.iter(qn("w:t")))


def body_text(word) -> list:
    """Return the body as a list of paragraph texts and tables (rows of cell texts).

    A list the edition continues in a new table on the next page (a page-break paragraph, then the header
    again) reads as one table, as it does to a reader: the tracked diff paginates differently.
    """
    out: list = []
    continued = False
    for child in word.element.body:
        if child.tag == qn("w:p"):
            continued = child.find(f"{qn('w:pPr')}/{qn('w:pageBreakBefore')}") is not None
            if not continued:
                out.append(_text(child))
        elif child.tag == qn("w:tbl"):
            rows = [["\n".join(_text(p) for p in tc.iter(qn("w:p"))) for tc in tr.iter(qn("w:tc"))]
                    for tr in child.iter(qn("w:tr"))]
            if continued:
                out[-1].extend(rows[1:])
            else:
                out.append(rows)
    return out


def _resolve(word, keep: str) -> None:
    """Accept (keep="ins") or reject (keep="del") every tracked change, as Word would."""
    drop = "del" if keep == "ins" else "ins"
    body = word.element.body
    for tr in list(body.iter(qn("w:tr"))):
        if tr.find(f"{qn('w:trPr')}/{qn('w:' + drop)}") is not None:
            tr.getparent().remove(tr)
    for p in list(body.iter(qn("w:p"))):
        if p.find(f"{qn('w:pPr')}/{qn('w:rPr')}/{qn('w:' + drop)}") is not None:
            if len(p.getparent().findall(qn("w:p"))) > 1:
                p.getparent().remove(p)
    for element in list(body.iter(qn("w:" + drop))):
        element.getparent().remove(element)
    for element in list(body.iter(qn("w:" + keep))):
        parent = element.getparent()
        if parent.tag in (qn("w:rPr"), qn("w:trPr")):
            parent.remove(element)
            continue
        for child in list(element):
            element.addprevious(child)
        parent.remove(element)
    for t in list(body.iter(qn("w:delText"))):
        t.tag = qn("w:t")


def test_accepting_every_change_gives_the_new_edition(scenario, tracked):
    diff = scenario[0]
    accepted = docx.Document(io.BytesIO(tracked))
    _resolve(accepted, "ins")
    edition = docx.Document(io.BytesIO(word_edition.render(diff.new, BuildOptions())))
    assert body_text(accepted) == body_text(edition)


def test_rejecting_every_change_gives_the_old_text_except_numbers(scenario, tracked):
    diff = scenario[0]
    rejected = docx.Document(io.BytesIO(tracked))
    _resolve(rejected, "del")
    old = docx.Document(io.BytesIO(word_edition.render(diff.old, BuildOptions())))

    def without_numbers(blocks):
        return [[row[1:] for row in b] if isinstance(b, list) else b for b in blocks]

    assert without_numbers(body_text(rejected)) == without_numbers(body_text(old))


def test_tracked_changes_carry_author_date_and_unique_ids(scenario, tracked):
    diff, expected = scenario
    word = docx.Document(io.BytesIO(tracked))
    marks = [e for tag in ("w:ins", "w:del") for e in word.element.body.iter(qn(tag))]
    assert marks and {m.get(qn("w:author")) for m in marks} == {AUTHOR}
    assert {m.get(qn("w:date")) for m in marks} == {DATE}
    ids = [m.get(qn("w:id")) for m in marks]
    assert len(ids) == len(set(ids))
    rows = {"ins": 0, "del": 0}
    for tr in word.element.body.iter(qn("w:tr")):
        for kind in rows:
            rows[kind] += tr.find(f"{qn('w:trPr')}/{qn('w:' + kind)}") is not None
    kinds = [kind for kind, *_ in expected]
    moves = kinds.count("moved")
    assert rows == {"ins": kinds.count("added") + moves, "del": kinds.count("removed") + moves}
    deleted = "".join(t.text for t in word.element.body.iter(qn("w:delText")))
    inserted = "".join(_text(e) for e in word.element.body.iter(qn("w:ins")))
    assert "等相关" in inserted and NEW_NAME in inserted and "（已修订）" in inserted
    assert "及时汇总上报工作进展情况；" in inserted
    assert diff.old.list("basic").items[0].name in deleted


def test_libreoffice_opens_the_tracked_edition(tracked, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is part of the environment (scripts/setup.sh)"
    source = tmp_path / "修订.docx"
    source.write_bytes(tracked)
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=180)
    text = subprocess.run(["pdftotext", str(tmp_path / "修订.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "基本履职事项清单" in text and "网格化服务管理机制" in text


def test_docx_change_date_defaults_to_the_new_revision(scenario):
    word = docx.Document(io.BytesIO(render(scenario[0], "docx")))
    dates = {e.get(qn("w:date")) for e in word.element.body.iter(qn("w:ins"))}
    assert dates == {scenario[0].new.revision.date + "T00:00:00Z"}


# --- HTML and PDF ----------------------------------------------------------------------------------

class _Marks(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inside, self.ins, self.dels, self.links = [], [], [], []

    def handle_starttag(self, tag, attrs):
        self.inside.append(tag)
        self.links += [v for k, v in attrs if k in ("src", "href") and v]

    def handle_endtag(self, tag):
        if self.inside and self.inside[-1] == tag:
            self.inside.pop()

    def handle_data(self, data):
        if "ins" in self.inside:
            self.ins.append(data)
        if "del" in self.inside:
            self.dels.append(data)


def test_html_report_marks_changes_and_is_self_contained(scenario):
    diff, expected = scenario
    html = render(diff, "html")
    marks = _Marks()
    marks.feed(html)
    assert marks.links == []  # nothing to fetch: the stylesheet is inline
    assert "等相关" in marks.ins and NEW_NAME in marks.ins and "（已修订）" in marks.ins
    assert diff.old.list("basic").items[0].name in marks.dels
    rows = re.findall(r'<tr class="(added|removed|modified|moved)">', html)
    assert sorted(rows) == sorted(kind for kind, *_ in expected)
    assert 'content: "第 " counter(page)' in html  # the inlined CSS was not escaped


def test_pdf_report(scenario, tmp_path):
    path = tmp_path / "diff.pdf"
    path.write_bytes(render(scenario[0], "pdf"))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "修订对照" in text and "变化摘要" in text and "网格化服务管理机制" in text
    assert re.search(r"第 1 页，共 \d+ 页", text)


def test_pdf_fetcher_reads_only_templates(tmp_path):
    from weasyprint.urls import URLFetchingError

    fetcher = templates_only_fetcher(tmp_path)
    (tmp_path / "ok.css").write_text("p {}", "utf-8")
    assert fetcher.fetch((tmp_path / "ok.css").as_uri())
    for url in ("file:///etc/passwd", "https://example.invalid/x.css", (tmp_path / "../x.css").as_uri()):
        with pytest.raises(URLFetchingError):
            fetcher.fetch(url)


# --- Excel -------------------------------------------------------------------------------------------

def test_xlsx_report_marks_rows_and_cells(scenario):
    diff, expected = scenario
    wb = load_workbook(io.BytesIO(render(diff, "xlsx")), rich_text=True)
    assert wb.sheetnames == ["摘要", "基本履职事项清单", "配合履职事项清单", "上级部门收回事项清单", "说明的变化", "仅格式变化"]
    marks = []
    for name in wb.sheetnames[1:4]:
        ws = wb[name]
        assert ws.cell(1, 1).value == "变化"
        for row in ws.iter_rows(min_row=2):
            if row[0].value:
                marks.append(row[0].value.split("\n")[0])
            if row[0].value == "删除":
                assert all(c.font.strike for c in row[3:] if c.value)
    kinds = [kind for kind, *_ in expected]
    assert marks.count("新增") == kinds.count("added") and marks.count("删除") == kinds.count("removed")
    assert marks.count("修改") == kinds.count("modified")
    assert marks.count("移入") + marks.count("移出") + marks.count("移动") == 2 * kinds.count("moved")
    basic = wb["基本履职事项清单"]
    reworded = next(r for r in basic.iter_rows(min_row=2) if r[0].value == "修改")
    name = reworded[4].value
    assert isinstance(name, CellRichText)
    assert [block.text for block in name if hasattr(block, "font") and block.font.u] == ["等相关"]
    total = len(diff.new.list("basic").items) + kinds.count("removed") + sum(
        1 for k, o, n, _ in expected if k == "moved" and o[0] == "basic")
    assert basic.max_row == 1 + total


def test_binary_report_is_written_atomically(scenario, tmp_path, small_path):
    out = tmp_path / "sub" / "r.xlsx"
    assert run_diff(str(small_path), str(small_path), output_format="xlsx", out=out) is False
    assert load_workbook(out).sheetnames[0] == "摘要"
    with pytest.raises(DutydocsError):
        run_diff(str(small_path), str(small_path), output_format="pdf", out=None)


@pytest.mark.parametrize("given, stamped", [("2025-07-01", "2025-07-01T00:00:00Z"),
                                            ("2025-07-01T09:30", "2025-07-01T09:30:00Z"),
                                            ("2025-07-01T09:30:15Z", "2025-07-01T09:30:15Z")])
def test_change_date_forms(scenario, given, stamped):
    from dutydocs.diff.docx import change_datetime

    assert change_datetime(scenario[0], given) == stamped
