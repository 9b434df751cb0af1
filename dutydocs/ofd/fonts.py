"""Turning a PDF's embedded fonts into subset TrueType fonts whose cmap is rebuilt from the PDF's ToUnicode data."""
from __future__ import annotations

import io
from dataclasses import dataclass

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable
from fontTools.ttLib.tables._c_m_a_p import CmapSubtable

MAX_ERROR = 1.0  # font units: how far a quadratic outline may stray from the cubic one


@dataclass
class TrueTypeFont:
    data: bytes
    ps_name: str
    family: str
    glyph_ids: dict[int, int]  # the PDF's cid → glyph id in data
    cmap: dict[str, int]  # character → glyph id, as the font's cmap maps it


def _glyph_name(font: TTFont, cid: int) -> str:
    """Return the glyph a PDF CID selects: by CID in CID-keyed CFF, else the glyph with that index."""
    name = f"cid{cid:05d}"
    if name in font.getReverseGlyphMap():
        return name
    order = font.getGlyphOrder()
    return order[cid] if 0 <= cid < len(order) else order[0]


def _to_quadratic(font: TTFont) -> None:
    """Replace CFF outlines by TrueType glyf outlines (cu2qu), as fontTools' otf2ttf recipe does."""
    glyph_set = font.getGlyphSet()
    order = font.getGlyphOrder()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, MAX_ERROR, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    del font["CFF "]
    for tag in ("VORG", "vhea", "vmtx"):
        if tag in font:
            del font[tag]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, glyph in glyphs.items():
        hmtx[name] = (hmtx[name][0], getattr(glyph, "xMin", 0))
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones",):
        setattr(maxp, attr, 1)
    for attr in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, attr, 0)
    font.sfntVersion = "\x00\x01\x00\x00"


def _set_cmap(font: TTFont, mapping: dict[int, str]) -> None:
    tables = []
    bmp = {code: name for code, name in mapping.items() if code <= 0xFFFF}
    for fmt, encoding, codes in ((4, 1, bmp), (12, 10, mapping)):
        if fmt == 12 and len(bmp) == len(mapping):
            continue
        table = CmapSubtable.newSubtable(fmt)
        table.platformID, table.platEncID, table.language, table.cmap = 3, encoding, 0, dict(codes)
        tables.append(table)
    font["cmap"] = newTable("cmap")
    font["cmap"].tableVersion = 0
    font["cmap"].tables = tables


def _name(font: TTFont, *ids: int) -> str:
    for name_id in ids:
        name = font["name"].getDebugName(name_id) if "name" in font else None
        if name:
            return name
    return ""


def truetype(data: bytes, texts: dict[int, str], fallback_name: str) -> TrueTypeFont:
    """Return the glyphs the PDF uses (its cids, with their texts) as a TrueType font with a Unicode cmap."""
    font = TTFont(io.BytesIO(data), recalcTimestamp=False)
    ps_name = _name(font, 6) or fallback_name
    family = _name(font, 16, 1) or ps_name
    wanted = {cid: _glyph_name(font, cid) for cid in sorted(texts)}
    options = subset.Options()
    options.glyph_names = False
    options.notdef_outline = True
    options.layout_features = []
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 16, 17]
    options.drop_tables += ["VORG", "vhea", "vmtx", "GSUB", "GPOS", "GDEF", "BASE", "DSIG"]
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(glyphs=sorted(set(wanted.values())))
    subsetter.subset(font)
    if "CFF " in font:
        _to_quadratic(font)
    ids = font.getReverseGlyphMap()
    glyph_ids = {cid: ids[name] for cid, name in wanted.items()}
    mapping: dict[int, str] = {}
    for cid, text in texts.items():  # a character drawn with two glyphs keeps the first; the other is a CGTransform
        if len(text) == 1 and ord(text) not in mapping:
            mapping[ord(text)] = wanted[cid]
    _set_cmap(font, mapping)
    post = font["post"]
    post.formatType, post.extraNames, post.mapping = 3.0, [], {}
    out = io.BytesIO()
    font.save(out)
    return TrueTypeFont(out.getvalue(), ps_name, family, glyph_ids, {chr(c): ids[n] for c, n in mapping.items()})
