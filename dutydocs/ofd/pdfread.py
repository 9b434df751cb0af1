"""Reading a PDF back into pages of glyphs, paths and bookmarks, with pdfminer.six's public API."""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass, field

from pdfminer.cmapdb import CMapBase
from pdfminer.converter import PDFLayoutAnalyzer
from pdfminer.pdfdocument import PDFDocument, PDFNoOutlines
from pdfminer.pdffont import PDFCIDFont, PDFUnicodeNotDefined
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import PDFObjRef, PDFStream, resolve1
from pdfminer.psparser import PSLiteral
from pdfminer.utils import apply_matrix_pt, decode_text

# Coordinates below are PDF points, origin at the page's bottom left, y upwards.
Color = tuple[int, int, int]


@dataclass
class PdfFont:
    """An embedded font as the PDF uses it: its file and the text each glyph (CID) stands for."""

    name: str
    data: bytes
    family: str  # the family the PDF's font descriptor names ("" when it names none)
    texts: dict[int, str] = field(default_factory=dict)  # cid → the first text drawn with it ("" for none)
    code_texts: dict[int, str] = field(default_factory=dict)  # character code → text


@dataclass
class Glyph:
    font: PdfFont
    cid: int
    text: str
    x: float
    y: float
    size: float  # em size in points
    color: Color


@dataclass
class Path:
    segments: list[tuple]  # ("M"|"L"|"B"|"C", points...) in page coordinates
    line_width: float
    stroke: Color | None
    fill: Color | None
    even_odd: bool
    dash: tuple[float, ...] = ()


@dataclass
class Page:
    width: float
    height: float
    marks: list[Glyph | Path] = field(default_factory=list)  # in painting order


@dataclass
class Bookmark:
    level: int
    title: str
    page: int  # index into the pages
    x: float | None
    y: float | None


@dataclass
class PdfContent:
    pages: list[Page]
    fonts: list[PdfFont]
    bookmarks: list[Bookmark]


def _rgb(color) -> Color:
    """Return a PDF colour (grey, RGB or CMYK components 0–1) as 8-bit RGB."""
    if color is None:
        return (0, 0, 0)
    values = list(color) if isinstance(color, (list, tuple)) else [color]
    try:
        values = [min(1.0, max(0.0, float(v))) for v in values]
    except (TypeError, ValueError):  # a pattern or a named colour: draw it black
        return (0, 0, 0)
    if len(values) == 1:
        values *= 3
    elif len(values) == 4:
        c, m, y, k = values
        values = [(1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k)]
    return tuple(round(v * 255) for v in values[:3])


class _EmbeddedCMap(CMapBase):
    """A font's two-byte encoding CMap embedded in the PDF, which pdfminer only looks up by name.

    WeasyPrint writes one for a font with a missing glyph: every code is its glyph id, except that
    codes of characters no font has select CID 0, the missing glyph.
    """

    def __init__(self, data: bytes):
        super().__init__()
        text = data.decode("latin-1")
        self.codes: dict[bytes, int] = {}
        for block in re.findall(r"begincidchar(.*?)endcidchar", text, re.S):
            for code, cid in re.findall(r"<([0-9a-fA-F]+)>\s*(\d+)", block):
                self.codes[bytes.fromhex(code)] = int(cid)
        for block in re.findall(r"begincidrange(.*?)endcidrange", text, re.S):
            for low, high, cid in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\d+)", block):
                first = int(low, 16)
                for code in range(first, int(high, 16) + 1):
                    self.codes[code.to_bytes(len(low) // 2, "big")] = int(cid) + code - first
        if re.findall(r"begincodespacerange\s*<([0-9a-fA-F]+)>", text) not in ([], ["0000"]) or any(
            len(code) != 2 for code in self.codes
        ):
            raise ValueError("only two-byte encoding CMaps (as WeasyPrint writes them) are read")

    def decode(self, code: bytes):
        """Yield the character codes (not the CIDs): ToUnicode and the widths are keyed by code."""
        for i in range(0, len(code) - 1, 2):
            yield int.from_bytes(code[i : i + 2], "big")


class _Resources(PDFResourceManager):
    """pdfminer's resources, with embedded encoding CMaps read."""

    def get_font(self, objid, spec):
        font = super().get_font(objid, spec)
        encoding = resolve1(spec.get("Encoding")) if isinstance(spec, dict) else None
        if (
            isinstance(font, PDFCIDFont)
            and isinstance(encoding, PDFStream)
            and not isinstance(font.cmap, _EmbeddedCMap)
        ):
            font.cmap = _EmbeddedCMap(encoding.get_data())
        return font


class _Recorder(PDFLayoutAnalyzer):
    """A pdfminer device that records each glyph and path as it is painted."""

    def __init__(self, resources: PDFResourceManager):
        super().__init__(resources, laparams=None)
        self.fonts: dict[int, PdfFont] = {}
        self.sources: list = []  # pdfminer's font objects, kept alive so that their ids stay theirs
        self.pages: list[Page] = []

    def begin_page(self, page, ctm):
        super().begin_page(page, ctm)
        x0, y0, x1, y1 = page.mediabox
        width, height = x1 - x0, y1 - y0
        if page.rotate % 180:
            width, height = height, width
        self.pages.append(Page(width, height))

    def _font(self, font) -> PdfFont:
        known = self.fonts.get(id(font))
        if known is None:
            descriptor = font.descriptor
            stream = resolve1(descriptor.get("FontFile2") or descriptor.get("FontFile3") or descriptor.get("FontFile"))
            data = stream.get_data() if stream is not None else b""
            family = resolve1(descriptor.get("FontFamily"))
            family = decode_text(family) if isinstance(family, bytes) else ""
            known = self.fonts[id(font)] = PdfFont(font.fontname.split("+")[-1], data, family)
            self.sources.append(font)
        return known

    def render_char(self, matrix, font, fontsize, scaling, rise, cid, ncs, graphicstate):
        # With an embedded CMap pdfminer is handed the character code, by which ToUnicode and the widths
        # are keyed; the glyph is the CID the CMap gives for it.
        code = cid
        pdf_font = self._font(font)
        if isinstance(font.cmap, _EmbeddedCMap):
            cid = font.cmap.codes.get(code.to_bytes(2, "big"), 0)
        if code not in pdf_font.code_texts:
            try:
                pdf_font.code_texts[code] = font.to_unichr(code)
            except PDFUnicodeNotDefined:
                pdf_font.code_texts[code] = ""
        text = pdf_font.code_texts[code]
        pdf_font.texts.setdefault(cid, text)
        advance = super().render_char(matrix, font, fontsize, scaling, rise, code, ncs, graphicstate)
        x, y = apply_matrix_pt(matrix, (0, rise))
        a, b, c, d = matrix[:4]
        page = self.pages[-1]
        if x + advance * a < 0 or x > page.width or not 0 <= y <= page.height:
            return advance  # wholly off the page: no viewer shows it, and pdftotext leaves it out too
        size = fontsize * math.sqrt(abs(a * d - b * c))
        page.marks.append(Glyph(pdf_font, cid, text, x, y, size, _rgb(graphicstate.ncolor)))
        return advance

    def paint_path(self, gstate, stroke, fill, evenodd, path):
        segments = []
        current = start = (0.0, 0.0)
        for operator, *operands in path:
            points = [
                apply_matrix_pt(self.ctm, (float(operands[i]), float(operands[i + 1])))
                for i in range(0, len(operands) - 1, 2)
            ]
            if operator == "m":
                segments.append(("M", *points))
                current = start = points[-1]
            elif operator == "l":
                segments.append(("L", *points))
            elif operator == "c":
                segments.append(("B", *points))
            elif operator == "v":  # first control point is the current point
                segments.append(("B", current, *points))
            elif operator == "y":  # second control point is the end point
                segments.append(("B", points[0], points[1], points[1]))
            elif operator == "h":
                segments.append(("C",))
                points = [start]
            if points:
                current = points[-1]
        if segments and (stroke or fill):
            scale = math.sqrt(abs(self.ctm[0] * self.ctm[3] - self.ctm[1] * self.ctm[2]))
            dash = tuple(float(v) * scale for v in (gstate.dash[0] if gstate.dash else ()) or ())
            self.pages[-1].marks.append(
                Path(
                    segments,
                    gstate.linewidth,
                    _rgb(gstate.scolor) if stroke else None,
                    _rgb(gstate.ncolor) if fill else None,
                    bool(evenodd),
                    dash,
                )
            )


def _bookmarks(document: PDFDocument, page_index: dict[object, int]) -> list[Bookmark]:
    found = []
    try:
        outlines = list(document.get_outlines())
    except PDFNoOutlines:
        return []
    for level, title, dest, action, _ in outlines:
        if dest is None and isinstance(action, dict):
            dest = action.get("D")
        dest = resolve1(dest)
        if isinstance(dest, (str, bytes, PSLiteral)):
            try:
                dest = resolve1(document.get_dest(dest.name if isinstance(dest, PSLiteral) else dest))
            except KeyError:
                continue
        if isinstance(dest, dict):
            dest = resolve1(dest.get("D"))
        if not isinstance(dest, list) or not dest or not isinstance(dest[0], PDFObjRef):
            continue
        page = page_index.get(dest[0].objid)
        if page is None:
            continue
        kind = getattr(dest[1], "name", "") if len(dest) > 1 else ""
        x = y = None
        if kind == "XYZ" and len(dest) >= 4:
            x = resolve1(dest[2]) if isinstance(resolve1(dest[2]), (int, float)) else None
            y = resolve1(dest[3]) if isinstance(resolve1(dest[3]), (int, float)) else None
        found.append(Bookmark(level, str(title), page, x, y))
    return found


def read_pdf(data: bytes) -> PdfContent:
    """Return the pages (glyphs and paths in painting order), embedded fonts and bookmarks of a PDF."""
    document = PDFDocument(PDFParser(io.BytesIO(data)))
    resources = _Resources()
    recorder = _Recorder(resources)
    interpreter = PDFPageInterpreter(resources, recorder)
    page_index: dict[object, int] = {}
    for number, page in enumerate(PDFPage.create_pages(document)):
        page_index[page.pageid] = number
        interpreter.process_page(page)
    return PdfContent(recorder.pages, list(recorder.fonts.values()), _bookmarks(document, page_index))
