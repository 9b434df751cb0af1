"""The OFD edition: its structure, its text read back by a third-party reader, and its pages drawn beside the PDF's."""

from __future__ import annotations

import dataclasses
import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import ofdkit
import pytest
from fontTools.ttLib import TTLibError
from hypothesis import HealthCheck, Phase, given, settings
from pdfminer.converter import PDFPageAggregator
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.layout import LTChar
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfparser import PDFParser

from dutydocs.builders import DEFAULT_FORMATS, BuildOptions, builder, render
from dutydocs.fonts import ROLES, serving_font
from ofd_tools import read_ofd, render_pages, render_pdf, side_by_side, structure_problems, unmatched_ink
from strategies import documents

MM = 25.4 / 72


def make_ofd(doc) -> tuple[bytes, bytes]:
    pdf = render(doc, "pdf", BuildOptions())
    return pdf, builder("ofd").convert(doc, BuildOptions(), pdf)


@pytest.fixture(scope="session")
def bundled(bundled_doc):
    """The bundled list's PDF and the OFD converted from it, made once."""
    return make_ofd(bundled_doc)


@pytest.fixture(scope="session")
def small(small_doc):
    return make_ofd(small_doc)


def pdf_glyphs(pdf: bytes) -> list[list[tuple[str, float, float]]]:
    """Each page's glyphs as pdfminer sees them, text and origin in mm from the top left; those off the page,
    which pdftotext leaves out, are left out."""
    resources = PDFResourceManager()
    device = PDFPageAggregator(resources, laparams=None)  # no layout analysis: characters in drawing order
    interpreter = PDFPageInterpreter(resources, device)
    pages = []
    for page in PDFPage.get_pages(io.BytesIO(pdf)):
        interpreter.process_page(page)
        layout = device.get_result()
        pages.append(
            [
                (item.get_text(), x * MM, (layout.height - y) * MM)
                for item in layout
                if isinstance(item, LTChar)
                for x, y in [item.matrix[4:6]]
                if x + item.adv * item.matrix[0] >= 0 and x <= layout.width and 0 <= y <= layout.height
            ]
        )
    return pages


def pdftotext_pages(pdf: bytes) -> list[str]:
    text = subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return [re.sub(r"\s+", "", page) for page in text.decode().split("\f")[:-1]]


def replace_parts(data: bytes, change) -> bytes:
    """Return the OFD with change(name, bytes) -> bytes applied to each of its parts."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            target.writestr(entry, change(entry.filename, source.read(entry)))
    return out.getvalue()


def shift_text(data: bytes, mm: float) -> bytes:
    def change(name, body):
        if "Content.xml" not in name:
            return body
        return re.sub(rb'(<ofd:TextCode X=")([\d.]+)', lambda m: m[1] + f"{float(m[2]) + mm:.3f}".encode(), body)

    return replace_parts(data, change)


# --- checks shared by the bundled list, the small list and generated documents -------------------


def reference_pages(pdf: bytes) -> list[list[tuple[str, float, float]] | None]:
    """pdfminer's glyphs of each page, or None where they do not hold pdftotext's text.

    Stock pdfminer cannot decode fonts whose encoding CMap is embedded (WeasyPrint writes some for
    generated text); such pages are checked by text and pixels only.
    """
    return [
        glyphs if re.sub(r"\s+", "", "".join(text for text, _, _ in glyphs)) == expected else None
        for glyphs, expected in zip(pdf_glyphs(pdf), pdftotext_pages(pdf))
    ]


def text_problems(pdf: bytes, ofd: bytes) -> list[str]:
    """ofdkit's text runs hold exactly pdftotext's characters, page by page, and start at the PDF's glyph origins."""
    problems = []
    reference = reference_pages(pdf)
    with ofdkit.open(ofd) as document:
        assert len(document.pages) == len(reference)
        for number, (page, expected, pdf_page) in enumerate(zip(document.pages, pdftotext_pages(pdf), reference), 1):
            runs = page.runs
            text = re.sub(r"\s+", "", "".join(run.text for run in runs))
            if text != expected:
                problems.append(f"page {number}: ofdkit reads {text[:60]!r}…, pdftotext {expected[:60]!r}…")
                continue
            position = 0
            for run in runs if pdf_page is not None else ():
                _, x, y = pdf_page[position]
                if abs(run.x - x) > 0.01 or abs(run.y - y) > 0.01:
                    problems.append(
                        f"page {number}: run {run.text[:10]!r} at ({run.x:.3f}, {run.y:.3f}), "
                        f"PDF glyph at ({x:.3f}, {y:.3f})"
                    )
                position += len(run.text)
    return problems


def glyph_position_problems(pdf: bytes, ofd: bytes) -> list[str]:
    """Every glyph of the OFD (run start plus DeltaX) sits within 0.01 mm of the PDF's glyph with the same text."""
    problems = []
    for number, (page, pdf_page) in enumerate(zip(read_ofd(ofd).pages, reference_pages(pdf)), 1):
        if pdf_page is None:
            continue
        placed = [glyph for item in page.items if hasattr(item, "glyphs") for glyph in item.glyphs]
        if [g.text for g in placed] != [text for text, _, _ in pdf_page]:
            problems.append(f"page {number}: the glyphs' texts differ from the PDF's")
            continue
        worst = max((max(abs(g.x - x), abs(g.y - y)) for g, (_, x, y) in zip(placed, pdf_page)), default=0)
        if worst > 0.01:
            problems.append(f"page {number}: a glyph is {worst:.3f} mm from the PDF's")
    return problems


def pixel_ratios(pdf: bytes, ofd: bytes, pages=None) -> tuple[float, list[float]]:
    """Unmatched ink of the OFD drawn with its embedded fonts against pdftoppm's PDF: overall and per page."""
    document = read_ofd(ofd)
    indexes = list(pages if pages is not None else range(len(document.pages)))
    drawn = render_pages(document, indexes)
    reference = [render_pdf(pdf, i + 1, i + 1)[0] for i in indexes] if pages is not None else render_pdf(pdf)
    counts = [unmatched_ink(a, b) for a, b in zip(drawn, reference)]
    total = sum(n for _, n in counts)
    return sum(lonely for lonely, _ in counts) / max(total, 1), [lonely / max(n, 1) for lonely, n in counts]


def assert_same_as_pdf(pdf: bytes, ofd: bytes) -> None:
    assert structure_problems(ofd) == []
    assert text_problems(pdf, ofd) == []
    assert glyph_position_problems(pdf, ofd) == []
    overall, per_page = pixel_ratios(pdf, ofd)
    assert overall < 0.01 and max(per_page) < 0.03, (overall, per_page)


# --- the bundled list ----------------------------------------------------------------------------


def test_bundled_structure(bundled):
    assert structure_problems(bundled[1]) == []


def test_bundled_text_and_run_positions_as_read_by_ofdkit(bundled):
    assert None not in reference_pages(bundled[0])  # every page's positions are checked
    assert text_problems(*bundled) == []


def test_bundled_every_glyph_at_the_pdfs_position(bundled):
    assert glyph_position_problems(*bundled) == []


def test_bundled_pages_drawn_with_embedded_fonts_match_the_pdf(bundled):
    overall, per_page = pixel_ratios(*bundled)
    assert overall < 0.01, overall
    assert max(per_page) < 0.03, max(per_page)


def test_pages_sizes_docinfo_and_outlines_follow_the_pdf(bundled, bundled_doc):
    pdf, ofd = bundled
    document = read_ofd(ofd)
    pdf_pages = list(PDFPage.get_pages(io.BytesIO(pdf)))
    sizes = [(round((x1 - x0) * MM, 1), round((y1 - y0) * MM, 1)) for x0, y0, x1, y1 in (p.mediabox for p in pdf_pages)]
    assert [(round(p.width, 1), round(p.height, 1)) for p in document.pages] == sizes
    assert {(210.0, 297.0), (297.0, 210.0)} <= set(sizes)  # portrait and landscape pages alike
    assert document.info["Title"] == bundled_doc.title
    assert document.info["Author"] == bundled_doc.township
    assert document.info["CreationDate"] == bundled_doc.revision.date
    page_numbers = {page.pageid: n for n, page in enumerate(pdf_pages)}
    pdf_outlines = [
        (level, title, page_numbers[dest[0].objid])
        for level, title, dest, *_ in PDFDocument(PDFParser(io.BytesIO(pdf))).get_outlines()
    ]
    assert len(pdf_outlines) > 3
    assert document.outlines == pdf_outlines


def test_fonts_are_subset_truetype_named_without_subset_tags(bundled):
    with zipfile.ZipFile(io.BytesIO(bundled[1])) as archive:
        res = archive.read("Doc_0/PublicRes.xml").decode()
        fonts = [name for name in archive.namelist() if name.endswith(".ttf")]
        assert fonts and all(archive.read(name)[:4] == b"\x00\x01\x00\x00" for name in fonts)
        assert sum(archive.getinfo(name).file_size for name in fonts) < 3_000_000  # subset, not whole CJK fonts
    assert not re.search(r'FontName="[A-Z]{6}\+', res)
    families = set(re.findall(r'FamilyName="([^"]+)"', res))
    for role in ("title", "heading", "body"):  # each named as the font that serves the role here is
        assert families & family_names(role), (role, families)


def family_names(role: str) -> set[str]:
    """The family names of the font that serves a typographic role on this machine (as dutydocs doctor reports)."""
    family = serving_font(next(chain for name, chain in ROLES.items() if name.startswith(role)))
    assert family, f"no font for {role}"
    out = subprocess.run(["fc-list", family, "family"], capture_output=True, text=True, check=True).stdout
    return {family} | {name.strip() for line in out.splitlines() for name in line.split(",")}


def test_reproducible_and_docid_from_the_content(bundled, small, small_doc):
    pdf, ofd = small
    assert builder("ofd").convert(small_doc, BuildOptions(), pdf) == ofd
    with zipfile.ZipFile(io.BytesIO(ofd)) as archive:
        assert {entry.date_time for entry in archive.infolist()} == {(2025, 3, 1, 0, 0, 0)}  # the revision date
        assert archive.namelist()[0] == "OFD.xml"
    assert read_ofd(small[1]).info["DocID"] != read_ofd(bundled[1]).info["DocID"]


# --- deliberately broken files must fail ------------------------------------------------------------


def test_structure_check_catches_broken_files(small):
    ofd = small[1]
    assert structure_problems(ofd) == []

    duplicate = replace_parts(
        ofd,
        lambda n, b: (
            re.sub(rb'(<ofd:TextObject ID=")\d+', lambda m: m[1] + b"1", b, 1) if "Page_0/Content.xml" in n else b
        ),
    )  # font 1 has ID 1
    assert any("used twice" in p for p in structure_problems(duplicate))
    too_big = replace_parts(ofd, lambda n, b: re.sub(rb"<ofd:MaxUnitID>\d+", b"<ofd:MaxUnitID>3", b))
    assert any("MaxUnitID" in p for p in structure_problems(too_big))
    short_delta = replace_parts(
        ofd, lambda n, b: re.sub(rb'DeltaX="([\d.]+) ', rb'DeltaX="', b, 1) if "Page_0/Content.xml" in n else b
    )
    assert any("DeltaX" in p for p in structure_problems(short_delta))
    unmapped = replace_parts(
        ofd,
        lambda n, b: re.sub(rb"(<ofd:TextCode[^>]*>)", "\\1\u9fa5".encode(), b, 1) if "Page_0/Content.xml" in n else b,
    )
    assert any("cmap" in p for p in structure_problems(unmapped))
    dangling = replace_parts(
        ofd, lambda n, b: re.sub(rb'Font="\d+"', b'Font="99999"', b, 1) if "Page_0/Content.xml" in n else b
    )
    assert any("does not resolve" in p for p in structure_problems(dangling))
    truncated = replace_parts(ofd, lambda n, b: b[: len(b) // 2] if n.endswith(".ttf") else b)
    assert any("does not load" in p for p in structure_problems(truncated))
    otf = replace_parts(ofd, lambda n, b: b"OTTO" + b[4:] if n.endswith(".ttf") else b)
    assert any("TrueType" in p or "does not load" in p for p in structure_problems(otf))


def test_shifted_text_fails_the_position_and_pixel_checks(small):
    pdf, ofd = small
    shifted = shift_text(ofd, 0.5)
    assert structure_problems(shifted) == []
    assert text_problems(pdf, shifted)  # ofdkit's run positions
    assert glyph_position_problems(pdf, shifted)
    overall, per_page = pixel_ratios(pdf, shifted)
    assert overall >= 0.01 or max(per_page) >= 0.03


def test_swapped_font_fails_the_pixel_check(small):
    pdf, ofd = small
    with zipfile.ZipFile(io.BytesIO(ofd)) as archive:
        fonts = sorted(name for name in archive.namelist() if name.endswith(".ttf"))
        sizes = {name: archive.getinfo(name).file_size for name in fonts}
    body = max(fonts, key=sizes.get)  # the body text's font, swapped for another font of the file
    other = next(name for name in fonts if name != body)
    with zipfile.ZipFile(io.BytesIO(ofd)) as archive:
        replacement = archive.read(other)
    swapped = replace_parts(ofd, lambda n, b: replacement if n == body else b)
    overall, per_page = pixel_ratios(pdf, swapped)
    assert overall >= 0.01 or max(per_page) >= 0.03
    _, clean = pixel_ratios(pdf, ofd)
    assert max(clean) < 0.03


def test_truncated_font_fails(small):
    pdf, ofd = small
    truncated = replace_parts(ofd, lambda n, b: b[: len(b) * 2 // 3] if n.endswith(".ttf") else b)
    assert any("does not load" in problem for problem in structure_problems(truncated))
    with pytest.raises(TTLibError):  # nor can the renderer draw with it
        pixel_ratios(pdf, truncated)


def covered(char: str) -> bool:
    """Whether any font installed here has the character (what fontconfig offers Pango as a fallback)."""
    out = subprocess.run(
        ["fc-list", f":charset={ord(char):x}", "family"], capture_output=True, text=True, check=True
    ).stdout
    return bool(out.strip())


# CJK ideographs of Unicode 14 and 13 (extension G), then Tangut and Khitan: the first no installed font has
ABSENT = ("\u9ff2", "\u9ffc", "\U00031350", "\U00017000", "\U00018b00")


def test_text_in_a_font_with_an_embedded_encoding_cmap(small_doc):
    """A character no font has makes WeasyPrint embed an encoding CMap, which stock pdfminer cannot read;
    the missing character (U+2028, and one no installed font has, U+9FF2 unless one has it) is drawn with
    the missing glyph but keeps its text."""
    from dutydocs.model import Explanation, Section

    absent = next(c for c in ABSENT if not covered(c))
    doc = dataclasses.replace(
        small_doc, explanation=Explanation("说明", (Section("一、概况", (f"甲\u2028乙丙丁{absent}。",)),))
    )
    pdf, ofd = make_ofd(doc)
    fonts = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "Custom" in fonts  # the case this test is about
    assert structure_problems(ofd) == []
    assert text_problems(pdf, ofd) == []
    assert "甲乙丙丁" + absent in re.sub(r"\s+", "", "".join(run.text for run in ofdkit.open(ofd).pages[0].runs))
    overall, per_page = pixel_ratios(pdf, ofd)
    assert overall < 0.01 and max(per_page) < 0.03


# --- the command and generated documents ------------------------------------------------------------


def test_build_writes_ofd_only_when_asked(tmp_path, small_path):
    cli = Path(sys.executable).parent / "dutydocs"
    subprocess.run([cli, "build", small_path, "-o", tmp_path / "default"], check=True, capture_output=True)
    assert "ofd" not in DEFAULT_FORMATS
    assert not list((tmp_path / "default").glob("*.ofd"))
    made = []
    for seed in ("1", "2"):  # in two processes with different hash seeds: the same bytes
        out = tmp_path / seed
        args = [cli, "build", small_path, "-f", "ofd", "-o", out] + (["-f", "pdf"] if seed == "1" else [])
        result = subprocess.run(
            args,
            capture_output=True,
            text=True,
            env={"PATH": "/usr/bin:/bin", "PYTHONHASHSEED": seed, "HOME": str(tmp_path)},
        )
        assert result.returncode == 0, result.stderr
        (ofd,) = out.glob("*.ofd")
        made.append(ofd.read_bytes())
    assert made[0] == made[1]
    (pdf,) = (tmp_path / "1").glob("*.pdf")
    assert ofd.stem == pdf.stem
    assert not [p for p in (tmp_path / "1").iterdir() if p.name.endswith(".tmp")]
    assert_same_as_pdf(pdf.read_bytes(), made[0])


# each example is a PDF render, a conversion and two renderings: few examples, and no shrinking
@settings(
    max_examples=4,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
)
@given(doc=documents())
def test_generated_documents_convert_faithfully(doc):
    pdf, ofd = make_ofd(doc)
    assert_same_as_pdf(pdf, ofd)
    assert builder("ofd").convert(doc, BuildOptions(), pdf) == ofd
