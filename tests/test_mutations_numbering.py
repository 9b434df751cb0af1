"""Point numbers in every edition: 1. 2. 3. per heading block, and paragraphs never advance the count.

Each edition is read back the way a reader sees it: the PDF through pdftotext, the HTML as text, the
Word edition through LibreOffice's text export (which prints list numbers, whether they are typed or
Word list numbering) and the Excel edition's cells.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import replace
from html import unescape

import pytest
from openpyxl import load_workbook

from dutydocs.builders import BuildOptions, render
from dutydocs.model import Duties, Entry

# An intro paragraph before the first point and a paragraph between points: the classic miscount
# gives "2. 3." after the intro and "5." after the middle paragraph.
DEPARTMENT = (
    Entry("heading", "一、甲组工作"),
    Entry("paragraph", "甲组引言段落。"),
    Entry("point", "甲一要点；"),
    Entry("point", "甲二要点；"),
    Entry("paragraph", "甲组中段说明。"),
    Entry("point", "甲三要点。"),
    Entry("heading", "二、乙组工作"),
    Entry("point", "乙一要点；"),
    Entry("point", "乙二要点。"),
)
TOWN = (Entry("paragraph", "镇引言段落。"), Entry("point", "镇一要点；"), Entry("point", "镇二要点。"))
POINTS = {"甲一要点": 1, "甲二要点": 2, "甲三要点": 3, "乙一要点": 1, "乙二要点": 2, "镇一要点": 1, "镇二要点": 2}
PARAGRAPHS = ("甲组引言段落", "甲组中段说明", "镇引言段落")


@pytest.fixture(scope="module")
def doc(small_doc):
    items = list(small_doc.list("cooperative").items)
    items[0] = replace(items[0], department_duties=Duties(DEPARTMENT), town_duties=Duties(TOWN))
    return small_doc.with_list("cooperative", items)


def numbers_in(text: str) -> tuple[dict[str, int | None], dict[str, str]]:
    """Return the number printed before each point, and what precedes each paragraph, in flat text."""
    flat = re.sub(r"\s+", "", text)
    points = {}
    for point in POINTS:
        m = re.search(rf"(\d+)[.．、]?{point}", flat)
        points[point] = int(m.group(1)) if m else None
    before = {p: flat[max(0, flat.find(p) - 2) : flat.find(p)] if p in flat else "missing" for p in PARAGRAPHS}
    return points, before


def assert_numbered(text: str) -> None:
    points, before = numbers_in(text)
    assert points == POINTS
    assert not any(re.search(r"\d[.．]$", b) or b == "missing" for b in before.values()), before


def test_pdf_numbers_points_per_block(doc, tmp_path):
    path = tmp_path / "n.pdf"
    path.write_bytes(render(doc, "pdf", BuildOptions()))
    assert_numbered(subprocess.run(["pdftotext", "-raw", path, "-"], capture_output=True, text=True, check=True).stdout)


def test_html_numbers_points_per_block(doc):
    page = render(doc, "html", BuildOptions()).decode("utf-8")
    body = page[page.index("<body") :]
    assert_numbered(unescape(re.sub(r"<[^>]+>", "", re.sub(r"<script.*?</script>", "", body, flags=re.S))))


def test_excel_numbers_points_per_block(doc):
    sheet = load_workbook(io.BytesIO(render(doc, "xlsx", BuildOptions())))["配合履职事项清单"]
    assert_numbered("\n".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None))


def test_word_numbers_points_per_block(doc, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is part of the environment (scripts/setup.sh)"
    (tmp_path / "n.docx").write_bytes(render(doc, "docx", BuildOptions()))
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "txt:Text (encoded):UTF8",
            "--outdir",
            tmp_path,
            tmp_path / "n.docx",
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    assert_numbered((tmp_path / "n.txt").read_text("utf-8-sig"))
