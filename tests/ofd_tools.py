"""Reading, checking and drawing OFD files for the tests: structure rules, glyph positions, a Pillow/FreeType renderer."""
from __future__ import annotations

import io
import re
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree as ET

from fontTools.ttLib import TTFont, newTable
from fontTools.ttLib.tables import ttProgram
from fontTools.ttLib.tables._c_m_a_p import CmapSubtable
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

NS = {"ofd": "http://www.ofdspec.org/2016"}
DPI = 100
INK = 160  # a pixel darker than this is ink


def _q(tag: str) -> str:
    return f"{{{NS['ofd']}}}{tag}"


def _numbers(text: str | None) -> list[float]:
    return [float(v) for v in (text or "").split()]


def expand_deltas(text: str | None) -> list[float]:
    """Return DeltaX (or DeltaY) with every ``g N v`` written out."""
    tokens, out, i = (text or "").split(), [], 0
    while i < len(tokens):
        if tokens[i] == "g":
            out += [float(tokens[i + 2])] * int(tokens[i + 1])
            i += 3
        else:
            out.append(float(tokens[i]))
            i += 1
    return out


@dataclass
class PlacedGlyph:
    text: str  # the characters this glyph stands for
    glyph: int | None  # glyph id from a CGTransform, None when the font's cmap decides
    x: float  # origin on the page, mm from the left
    y: float  # baseline, mm from the top


@dataclass
class TextRun:
    font: str
    size: float
    color: int  # grey level 0–255
    glyphs: list[PlacedGlyph]


@dataclass
class Stroke:
    points: list[list[tuple[float, float]]]  # polylines (curves flattened), mm on the page
    width: float
    stroke: bool
    fill: bool
    color: int
    fill_color: int


@dataclass
class OfdPage:
    width: float
    height: float
    items: list = field(default_factory=list)  # TextRun and Stroke in painting order


@dataclass
class Ofd:
    parts: dict[str, bytes]
    info: dict[str, str]
    pages: list[OfdPage]
    fonts: dict[str, bytes]  # font ID → font file
    outlines: list[tuple[int, str, int]]  # (level, title, page index)


def _grey(element, default: int) -> int:
    if element is None or not element.get("Value"):
        return default
    r, g, b = _numbers(element.get("Value"))[:3]
    return round(0.299 * r + 0.587 * g + 0.114 * b)


def _flatten(data: str) -> list[list[tuple[float, float]]]:
    tokens = data.split()
    polylines, current, i = [], [], 0
    start = (0.0, 0.0)
    while i < len(tokens):
        op = tokens[i]
        i += 1
        if op in ("M", "S"):
            current = [(float(tokens[i]), float(tokens[i + 1]))]
            polylines.append(current)
            start = current[0]
            i += 2
        elif op == "L":
            current.append((float(tokens[i]), float(tokens[i + 1])))
            i += 2
        elif op in ("B", "Q"):
            count = 3 if op == "B" else 2
            pts = [current[-1]] + [(float(tokens[i + 2 * k]), float(tokens[i + 2 * k + 1])) for k in range(count)]
            i += 2 * count
            for step in range(1, 9):
                t = step / 8
                if op == "B":
                    coeffs = [(1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t * t * (1 - t), t ** 3]
                else:
                    coeffs = [(1 - t) ** 2, 2 * t * (1 - t), t * t]
                current.append((sum(c * p[0] for c, p in zip(coeffs, pts)), sum(c * p[1] for c, p in zip(coeffs, pts))))
        elif op == "C":
            current.append(start)
        else:
            raise ValueError(f"unexpected path command {op}")
    return polylines


def read_ofd(data: bytes) -> Ofd:
    """Parse an OFD (as dutydocs writes it: one document, one layer per page) into pages of runs and strokes."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    ofd = ET.fromstring(parts["OFD.xml"])
    info = {child.tag.split("}")[1]: child.text for child in ofd.find("ofd:DocBody/ofd:DocInfo", NS)}
    doc_path = PurePosixPath(ofd.findtext("ofd:DocBody/ofd:DocRoot", namespaces=NS))
    document = ET.fromstring(parts[str(doc_path)])
    base = doc_path.parent
    res_path = base / document.findtext("ofd:CommonData/ofd:PublicRes", namespaces=NS)
    res = ET.fromstring(parts[str(res_path)])
    res_base = res_path.parent / res.get("BaseLoc", "")
    fonts = {font.get("ID"): parts[str(res_base / font.findtext("ofd:FontFile", namespaces=NS))]
             for font in res.iter(_q("Font"))}
    page_ids = [page.get("ID") for page in document.iter(_q("Page"))]
    pages = []
    for entry in document.iter(_q("Page")):
        root = ET.fromstring(parts[str(base / entry.get("BaseLoc"))])
        _, _, width, height = _numbers(root.findtext("ofd:Area/ofd:PhysicalBox", namespaces=NS))
        page = OfdPage(width, height)
        for obj in root.find("ofd:Content/ofd:Layer", NS):
            left, top, _, _ = _numbers(obj.get("Boundary"))
            if obj.tag == _q("TextObject"):
                transforms = {}
                glyphs = []
                for child in obj:
                    if child.tag == _q("CGTransform"):
                        transforms[int(child.get("CodePosition"))] = (
                            int(child.get("CodeCount", "1")), int(child.findtext("ofd:Glyphs", namespaces=NS)))
                    elif child.tag == _q("TextCode"):
                        text = child.text or ""
                        x, y = left + float(child.get("X")), top + float(child.get("Y"))
                        deltas = expand_deltas(child.get("DeltaX"))
                        i = 0
                        while i < len(text):
                            count, glyph = transforms.get(i, (1, None))
                            glyphs.append(PlacedGlyph(text[i:i + count], glyph, x, y))
                            for k in range(i, i + count):
                                x += deltas[k] if k < len(deltas) else 0
                            i += count
                        transforms = {}
                page.items.append(TextRun(obj.get("Font"), float(obj.get("Size")),
                                          _grey(obj.find("ofd:FillColor", NS), 0), glyphs))
            elif obj.tag == _q("PathObject"):
                polylines = [[(left + x, top + y) for x, y in line]
                             for line in _flatten(obj.findtext("ofd:AbbreviatedData", namespaces=NS))]
                page.items.append(Stroke(polylines, float(obj.get("LineWidth", "0.353")),
                                         obj.get("Stroke", "true") == "true", obj.get("Fill", "false") == "true",
                                         _grey(obj.find("ofd:StrokeColor", NS), 0),
                                         _grey(obj.find("ofd:FillColor", NS), 0)))
        pages.append(page)
    outlines = []

    def walk(element, level):
        for elem in element.findall("ofd:OutlineElem", NS):
            dest = elem.find("ofd:Actions/ofd:Action/ofd:Goto/ofd:Dest", NS)
            outlines.append((level, elem.get("Title"), page_ids.index(dest.get("PageID"))))
            walk(elem, level + 1)

    for root in document.findall("ofd:Outlines", NS):
        walk(root, 1)
    return Ofd(parts, info, pages, fonts, outlines)


# --- the structure rules ---------------------------------------------------------------------

def structure_problems(data: bytes) -> list[str]:
    """Return every breach of the rules an OFD must keep; an empty list when it keeps them all."""
    problems = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    trees = {name: ET.fromstring(body) for name, body in parts.items() if name.endswith(".xml")}
    ofd = trees.get("OFD.xml")
    if ofd is None or ofd.tag != _q("OFD"):
        return ["OFD.xml is missing or not an ofd:OFD"]
    doc_path = PurePosixPath(ofd.findtext("ofd:DocBody/ofd:DocRoot", namespaces=NS) or "")
    if str(doc_path) not in trees:
        return [f"DocRoot {doc_path} does not resolve"]
    if not re.fullmatch(r"[0-9a-f]{32}", ofd.findtext("ofd:DocBody/ofd:DocInfo/ofd:DocID", "", NS)):
        problems.append("DocID is not 32 hex digits")
    document = trees[str(doc_path)]
    common = document.find("ofd:CommonData", NS)
    if common is None or not len(common) or common[0].tag != _q("MaxUnitID"):
        return problems + ["CommonData does not start with MaxUnitID"]
    max_id = int(common[0].text)
    base = doc_path.parent
    ids: dict[str, str] = {}

    def register(element, where):
        value = element.get("ID")
        if value is None:
            problems.append(f"{where}: <{element.tag.split('}')[1]}> has no ID")
        elif value in ids:
            problems.append(f"{where}: ID {value} is used twice")
        elif not value.isdigit() or not 0 < int(value) <= max_id:
            problems.append(f"{where}: ID {value} is not within 1..MaxUnitID {max_id}")
        else:
            ids[value] = element.tag

    fonts: dict[str, TTFont] = {}
    cmaps: dict[str, dict[int, str]] = {}
    for res_elem in common.findall("ofd:PublicRes", NS):
        res_path = base / res_elem.text
        if str(res_path) not in trees:
            problems.append(f"PublicRes {res_path} does not resolve")
            continue
        res = trees[str(res_path)]
        for font in res.iter(_q("Font")):
            register(font, str(res_path))
            file = res_path.parent / res.get("BaseLoc", "") / (font.findtext("ofd:FontFile", "", NS))
            if str(file) not in parts:
                problems.append(f"font {font.get('ID')}: FontFile {file} does not resolve")
                continue
            try:
                tt = TTFont(io.BytesIO(parts[str(file)]))
                tt.ensureDecompiled()
                if "glyf" not in tt or tt.sfntVersion != "\x00\x01\x00\x00":
                    problems.append(f"font {font.get('ID')}: {file} is not TrueType")
                fonts[font.get("ID")] = tt
                cmaps[font.get("ID")] = tt.getBestCmap() or {}
            except Exception as exc:  # a truncated or foreign file
                problems.append(f"font {font.get('ID')}: {file} does not load ({type(exc).__name__}: {exc})")
    page_ids = []
    for page in document.iter(_q("Page")):
        register(page, str(doc_path))
        page_ids.append(page.get("ID"))
        content_path = str(base / page.get("BaseLoc", ""))
        if content_path not in trees:
            problems.append(f"page {page.get('ID')}: {content_path} does not resolve")
            continue
        root = trees[content_path]
        for element in root.iter():
            if element.tag in (_q("Layer"), _q("TextObject"), _q("PathObject")):
                register(element, content_path)
        for obj in root.iter(_q("TextObject")):
            font_id = obj.get("Font")
            where = f"{content_path} text {obj.get('ID')}"
            if font_id not in fonts:
                problems.append(f"{where}: Font {font_id} does not resolve")
                continue
            glyph_count = len(fonts[font_id].getGlyphOrder())
            covered: set[int] = set()
            for child in obj:
                if child.tag == _q("CGTransform"):
                    position, count = int(child.get("CodePosition")), int(child.get("CodeCount", "1"))
                    covered |= set(range(position, position + count))
                    for glyph in _numbers(child.findtext("ofd:Glyphs", namespaces=NS)):
                        if not 0 <= glyph < glyph_count:
                            problems.append(f"{where}: CGTransform glyph {glyph:g} is not in the font")
                elif child.tag == _q("TextCode"):
                    text = child.text or ""
                    deltas = expand_deltas(child.get("DeltaX"))
                    if len(deltas) != max(len(text) - 1, 0):
                        problems.append(f"{where}: {len(deltas)} DeltaX for {len(text)} characters")
                    for index, char in enumerate(text):
                        if index not in covered and ord(char) not in cmaps[font_id]:
                            problems.append(f"{where}: {char!r} is not in font {font_id}'s cmap")
                    covered = set()
    for dest in document.iter(_q("Dest")):
        if dest.get("PageID") not in page_ids:
            problems.append(f"outline destination {dest.get('PageID')} is not a page")
    return problems


# --- drawing ---------------------------------------------------------------------------------

def _px(mm: float) -> float:
    return mm / 25.4 * DPI


def _at(mm: float) -> float:
    """A position in Pillow's pixels: Pillow's whole coordinates are pixel centres, poppler's pixel edges."""
    return _px(mm) - 0.5


class _Fonts:
    """Pillow fonts made from the embedded font files, one per size; glyph ids drawn through a private-use cmap."""

    def __init__(self, files: dict[str, bytes]):
        self.files = files
        self.files_ready: dict[tuple[str, bool], bytes] = {}
        self.cache = {}

    def get(self, font_id: str, size: float, by_glyph: bool = False):
        key = (font_id, round(size, 3), by_glyph)
        if key not in self.cache:
            self.cache[key] = ImageFont.truetype(io.BytesIO(self.unhinted(font_id, by_glyph)), size=size,
                                                 layout_engine=ImageFont.Layout.BASIC)
        return self.cache[key]

    def unhinted(self, font_id: str, by_glyph: bool) -> bytes:
        """The font file with no-op ``fpgm`` and ``prep`` programs, so that FreeType draws it unhinted as poppler does.

        FreeType auto-hints TrueType fonts that carry no instructions at all (no fpgm, no prep, maxp's
        maxSizeOfInstructions 0), snapping stems to whole pixels: a page of 亯 then has 3 % more ink than
        poppler's. The outlines are unchanged. With ``by_glyph`` the cmap maps U+F0000 + glyph id to each glyph.
        """
        if (font_id, by_glyph) not in self.files_ready:
            tt = TTFont(io.BytesIO(self.files[font_id]))
            for tag in ("fpgm", "prep"):
                tt[tag] = newTable(tag)
                tt[tag].program = ttProgram.Program()
                tt[tag].program.fromBytecode(b"\x00")  # SVTCA[y]: changes nothing
            tt["maxp"].maxSizeOfInstructions = max(tt["maxp"].maxSizeOfInstructions, 1)
            tt["maxp"].maxStackElements = max(tt["maxp"].maxStackElements, 8)
            if by_glyph:
                table = CmapSubtable.newSubtable(12)
                table.platformID, table.platEncID, table.language = 3, 10, 0
                table.cmap = {0xF0000 + gid: name for gid, name in enumerate(tt.getGlyphOrder())}
                tt["cmap"].tables = [table]
            out = io.BytesIO()
            tt.save(out)
            self.files_ready[font_id, by_glyph] = out.getvalue()
        return self.files_ready[font_id, by_glyph]


def render_pages(ofd: Ofd, indexes=None) -> list[Image.Image]:
    """Draw pages in grey at DPI with the embedded fonts: glyphs by cmap (or CGTransform), paths as polylines."""
    fonts = _Fonts(ofd.fonts)
    images = []
    for index in indexes if indexes is not None else range(len(ofd.pages)):
        page = ofd.pages[index]
        image = Image.new("L", (round(_px(page.width)), round(_px(page.height))), 255)
        draw = ImageDraw.Draw(image)
        for item in page.items:
            if isinstance(item, TextRun):
                for glyph in item.glyphs:
                    if glyph.glyph is None:
                        font, text = fonts.get(item.font, _px(item.size)), glyph.text
                    else:
                        font, text = fonts.get(item.font, _px(item.size), True), chr(0xF0000 + glyph.glyph)
                    draw.text((_at(glyph.x), _at(glyph.y)), text, font=font, fill=item.color, anchor="ls")
            else:
                for line in item.points:
                    points = [(_at(x), _at(y)) for x, y in line]
                    if item.fill and len(points) > 2:
                        draw.polygon(points, fill=item.fill_color)
                    if item.stroke and len(points) > 1:
                        draw.line(points, fill=item.color, width=max(1, round(_px(item.width))))
        images.append(image)
    return images


def render_pdf(pdf: bytes, first: int | None = None, last: int | None = None) -> list[Image.Image]:
    """Render PDF pages with pdftoppm, grey, at DPI."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "in.pdf"
        source.write_bytes(pdf)
        pages = ["-f", str(first), "-l", str(last)] if first else []
        subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", *pages, source, Path(folder) / "p"], check=True)
        return [Image.open(path).convert("L") for path in sorted(Path(folder).glob("p-*.pgm"),
                                                                  key=lambda p: int(p.stem.split("-")[1]))]


def _ink(image: Image.Image) -> Image.Image:
    return image.point(lambda v: 255 if v < INK else 0)


def unmatched_ink(a: Image.Image, b: Image.Image) -> tuple[int, int]:
    """Return (ink pixels of either image with no ink of the other within 1 pixel, all ink pixels of both)."""
    if a.size != b.size:
        width, height = max(a.width, b.width), max(a.height, b.height)
        canvas_a, canvas_b = Image.new("L", (width, height), 255), Image.new("L", (width, height), 255)
        canvas_a.paste(a)
        canvas_b.paste(b)
        a, b = canvas_a, canvas_b
    ink_a, ink_b = _ink(a), _ink(b)
    near_a, near_b = _ink(a.filter(ImageFilter.MinFilter(3))), _ink(b.filter(ImageFilter.MinFilter(3)))
    lonely = ImageChops.subtract(ink_a, near_b).histogram()[255] + ImageChops.subtract(ink_b, near_a).histogram()[255]
    return lonely, ink_a.histogram()[255] + ink_b.histogram()[255]


def side_by_side(a: Image.Image, b: Image.Image) -> Image.Image:
    """The two renderings next to each other, then their overlay: ink of a only in red, of b only in blue."""
    b = b.resize(a.size) if a.size != b.size else b
    ink_a, ink_b = _ink(a), _ink(b)
    overlay = Image.merge("RGB", (ImageChops.invert(ink_b), ImageChops.invert(ImageChops.lighter(ink_a, ink_b)),
                                  ImageChops.invert(ink_a)))
    out = Image.new("RGB", (a.width * 3, a.height), "white")
    for n, image in enumerate((a.convert("RGB"), b.convert("RGB"), overlay)):
        out.paste(image, (a.width * n, 0))
    return out
