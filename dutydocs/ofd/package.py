"""Writing the OFD package (GB/T 33190): XML parts for pages, fonts and outlines, in a reproducible zip."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape, quoteattr

from .fonts import TrueTypeFont, truetype
from .pdfread import Bookmark, Glyph, Page, Path, PdfContent

NS = "http://www.ofdspec.org/2016"
MM = 25.4 / 72  # millimetres per PDF point
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


@dataclass(frozen=True)
class DocInfo:
    title: str
    author: str
    created: date
    creator: str
    creator_version: str


def _n(value: float) -> str:
    """Return a length in millimetres as OFD writes it: at most three decimals, no trailing zeros."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _color(tag: str, rgb) -> str:
    return f'<ofd:{tag} Value="{rgb[0]} {rgb[1]} {rgb[2]}"/>'


def _deltas(values: list[str]) -> str:
    """Return DeltaX: the advances, with repeats written as ``g N v``."""
    out, i = [], 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and values[j + 1] == values[i]:
            j += 1
        out.append(f"g {j - i + 1} {values[i]}" if j > i else values[i])
        i = j + 1
    return " ".join(out)


class _Writer:
    """Turns what was read from a PDF into the package's parts, numbering every unit (ID) as it is written."""

    def __init__(self, content: PdfContent):
        self.next_id = 0
        self.content = content
        self.fonts: dict[int, tuple[int, TrueTypeFont]] = {}
        for pdf_font in content.fonts:
            font = truetype(pdf_font.data, pdf_font.texts, pdf_font.name, pdf_font.family)
            self.fonts[id(pdf_font)] = (self.new_id(), font)

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    # --- page content ---

    def text_object(self, run: list[Glyph], page_height: float) -> str:
        first = run[0]
        font_id, font = self.fonts[id(first.font)]
        size = first.size * MM
        baseline = (page_height - first.y) * MM
        left = round(first.x * MM - size, 3)
        top = round(baseline - 1.5 * size, 3)
        width = (run[-1].x - first.x) * MM + 2.5 * size
        chars: list[str] = []
        deltas: list[float] = []
        transforms: list[str] = []
        position = round(first.x * MM - left, 3)
        start = position
        for index, glyph in enumerate(run):
            # a glyph the PDF gives no text for stands for no text: a space, drawn with its own glyph
            text = _XML_ILLEGAL.sub("\ufffd", glyph.text) or " "
            glyph_id = font.glyph_ids[glyph.cid]
            if len(text) != 1 or font.cmap.get(text) != glyph_id:
                transforms.append(
                    f'<ofd:CGTransform CodePosition="{len(chars)}" CodeCount="{len(text)}" '
                    f'GlyphCount="1"><ofd:Glyphs>{glyph_id}</ofd:Glyphs></ofd:CGTransform>'
                )
            chars.extend(text)
            if index + 1 < len(run):
                target = round(run[index + 1].x * MM - left, 3)
                deltas += [0.0] * (len(text) - 1) + [round(target - position, 3)]
                position = target
            else:
                deltas += [0.0] * (len(text) - 1)
        fill = _color("FillColor", first.color) if first.color != (0, 0, 0) else ""
        delta_attr = f' DeltaX="{_deltas([_n(d) for d in deltas])}"' if deltas else ""
        return (
            f'<ofd:TextObject ID="{self.new_id()}" Boundary="{_n(left)} {_n(top)} {_n(width)} {_n(2 * size)}" '
            f'Font="{font_id}" Size="{_n(size)}">{fill}{"".join(transforms)}'
            f'<ofd:TextCode X="{_n(start)}" Y="{_n(baseline - top)}"{delta_attr}>'
            f"{escape(''.join(chars))}</ofd:TextCode></ofd:TextObject>"
        )

    def path_object(self, path: Path, page_height: float) -> str:
        points = [(x * MM, (page_height - y) * MM) for segment in path.segments for (x, y) in segment[1:]]
        if not points:
            return ""
        half = path.line_width * MM / 2 if path.stroke else 0
        left = round(min(p[0] for p in points) - half, 3)
        top = round(min(p[1] for p in points) - half, 3)
        width = max(p[0] for p in points) + half - left
        height = max(p[1] for p in points) + half - top
        data = " ".join(
            " ".join([segment[0]] + [f"{_n(x * MM - left)} {_n((page_height - y) * MM - top)}" for x, y in segment[1:]])
            for segment in path.segments
        )
        attrs = f' LineWidth="{_n(path.line_width * MM)}"' if path.stroke else ' Stroke="false"'
        if path.fill:
            attrs += ' Fill="true"' + (' Rule="Even-Odd"' if path.even_odd else "")
        if path.stroke and path.dash:
            attrs += f' DashPattern="{" ".join(_n(v * MM) for v in path.dash)}"'
        colors = (_color("StrokeColor", path.stroke) if path.stroke else "") + (
            _color("FillColor", path.fill) if path.fill else ""
        )
        return (
            f'<ofd:PathObject ID="{self.new_id()}" Boundary="{_n(left)} {_n(top)} {_n(max(width, 0.001))} '
            f'{_n(max(height, 0.001))}"{attrs}>{colors}<ofd:AbbreviatedData>{data}</ofd:AbbreviatedData>'
            f"</ofd:PathObject>"
        )

    def page(self, page: Page) -> str:
        layer_id = self.new_id()
        objects: list[str] = []
        run: list[Glyph] = []

        def flush():
            if run:
                objects.append(self.text_object(run, page.height))
                run.clear()

        for mark in page.marks:
            if isinstance(mark, Glyph):
                if run:
                    last = run[-1]
                    if (
                        mark.font is not last.font
                        or mark.size != last.size
                        or mark.color != last.color
                        or abs(mark.y - last.y) > 1e-6
                        or mark.x <= last.x
                    ):
                        flush()
                run.append(mark)
            else:
                flush()
                objects.append(self.path_object(mark, page.height))
        flush()
        return (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Page xmlns:ofd="{NS}">'
            f"<ofd:Area><ofd:PhysicalBox>0 0 {_n(page.width * MM)} {_n(page.height * MM)}</ofd:PhysicalBox>"
            f'</ofd:Area><ofd:Content><ofd:Layer ID="{layer_id}" Type="Body">{"".join(objects)}'
            f"</ofd:Layer></ofd:Content></ofd:Page>"
        )

    # --- document parts ---

    def outlines(self, bookmarks: list[Bookmark], page_ids: list[int]) -> str:
        if not bookmarks:
            return ""
        out, depth = [], 0
        for mark in bookmarks:
            level = max(1, min(mark.level, depth + 1))
            while depth >= level:
                out.append("</ofd:OutlineElem>")
                depth -= 1
            height = self.content.pages[mark.page].height
            if mark.x is not None and mark.y is not None:
                dest = (
                    f'Type="XYZ" PageID="{page_ids[mark.page]}" Left="{_n(mark.x * MM)}" '
                    f'Top="{_n((height - mark.y) * MM)}"'
                )
            else:
                dest = f'Type="Fit" PageID="{page_ids[mark.page]}"'
            out.append(
                f"<ofd:OutlineElem Title={quoteattr(_XML_ILLEGAL.sub('', mark.title))}><ofd:Actions>"
                f'<ofd:Action Event="CLICK"><ofd:Goto><ofd:Dest {dest}/></ofd:Goto></ofd:Action>'
                f"</ofd:Actions>"
            )
            depth = level
        out.append("</ofd:OutlineElem>" * depth)
        return f"<ofd:Outlines>{''.join(out)}</ofd:Outlines>"

    def parts(self, info: DocInfo) -> list[tuple[str, bytes]]:
        pages = self.content.pages
        page_ids = [self.new_id() for _ in pages]
        contents = [self.page(page) for page in pages]
        fonts = "".join(
            f'<ofd:Font ID="{font_id}" FontName={quoteattr(font.ps_name)} FamilyName={quoteattr(font.family)}>'
            f"<ofd:FontFile>font_{font_id}.ttf</ofd:FontFile></ofd:Font>"
            for font_id, font in self.fonts.values()
        )
        public_res = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Res xmlns:ofd="{NS}" BaseLoc="Res">'
            f"{f'<ofd:Fonts>{fonts}</ofd:Fonts>' if fonts else ''}</ofd:Res>"
        )
        first = pages[0] if pages else Page(595.276, 841.89)
        page_list = "".join(
            f'<ofd:Page ID="{page_id}" BaseLoc="Pages/Page_{n}/Content.xml"/>' for n, page_id in enumerate(page_ids)
        )
        outlines = self.outlines(self.content.bookmarks, page_ids)
        document = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Document xmlns:ofd="{NS}"><ofd:CommonData>'
            f"<ofd:MaxUnitID>{self.next_id}</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 "
            f"{_n(first.width * MM)} {_n(first.height * MM)}</ofd:PhysicalBox></ofd:PageArea>"
            f"<ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData>"
            f"<ofd:Pages>{page_list}</ofd:Pages>{outlines}</ofd:Document>"
        )
        parts = [("Doc_0/Document.xml", document.encode()), ("Doc_0/PublicRes.xml", public_res.encode())]
        parts += [(f"Doc_0/Res/font_{font_id}.ttf", font.data) for font_id, font in self.fonts.values()]
        parts += [(f"Doc_0/Pages/Page_{n}/Content.xml", xml.encode()) for n, xml in enumerate(contents)]
        digest = hashlib.sha256()
        for name, data in parts:
            digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
        doc_info = "".join(
            f"<ofd:{tag}>{escape(_XML_ILLEGAL.sub('', value))}</ofd:{tag}>"
            for tag, value in (
                ("DocID", digest.hexdigest()[:32]),
                ("Title", info.title),
                ("Author", info.author),
                ("CreationDate", info.created.isoformat()),
                ("Creator", info.creator),
                ("CreatorVersion", info.creator_version),
            )
        )
        ofd = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:OFD xmlns:ofd="{NS}" Version="1.0" DocType="OFD">'
            f"<ofd:DocBody><ofd:DocInfo>{doc_info}</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>"
            f"</ofd:DocBody></ofd:OFD>"
        )
        return [("OFD.xml", ofd.encode()), *parts]


def write_ofd(content: PdfContent, info: DocInfo) -> bytes:
    """Return the bytes of an OFD file holding the content read from a PDF; the same input gives the same bytes."""
    parts = _Writer(content).parts(info)
    stamp = (max(1980, min(info.created.year, 2107)), info.created.month, info.created.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in parts:
            entry = zipfile.ZipInfo(name, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            entry.create_system = 3
            archive.writestr(entry, data, compresslevel=6)
    return out.getvalue()
