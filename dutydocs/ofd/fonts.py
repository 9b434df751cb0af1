"""Turning a PDF's embedded fonts into subset TrueType fonts whose cmap is rebuilt from the PDF's ToUnicode data."""

from __future__ import annotations

import io
from dataclasses import dataclass

from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable
from fontTools.ttLib.tables._c_m_a_p import CmapSubtable

MAX_ERROR = 1.0  # font units: how far a quadratic outline may stray from the cubic one
KEPT_TABLES = {"head", "hhea", "OS/2", "name", "post", "maxp", "cmap", "hmtx", "glyf", "loca"}
"""Tables of the new font; layout and vertical tables refer to glyphs that are gone, or are not needed to draw."""


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


def _quadratic_glyphs(font: TTFont, names: list[str]) -> dict:
    """Return TrueType glyf glyphs for the named glyphs; cubic (CFF) outlines are converted with cu2qu."""
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in names:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, MAX_ERROR, reverse_direction="CFF " in font))
        glyphs[name] = pen.glyph()
    return glyphs


def _cmap_table(mapping: dict[int, str]):
    table = newTable("cmap")
    table.tableVersion, table.tables = 0, []
    bmp = {code: name for code, name in mapping.items() if code <= 0xFFFF}
    for fmt, encoding, codes in ((4, 1, bmp), (12, 10, mapping)):
        if fmt == 12 and len(bmp) == len(mapping):
            continue
        subtable = CmapSubtable.newSubtable(fmt)
        subtable.platformID, subtable.platEncID, subtable.language, subtable.cmap = 3, encoding, 0, dict(codes)
        table.tables.append(subtable)
    return table


def _name(font: TTFont, *ids: int) -> str:
    for name_id in ids:
        name = font["name"].getDebugName(name_id) if "name" in font else None
        if name:
            return name
    return ""


def truetype(data: bytes, texts: dict[int, str], fallback_name: str, family: str = "") -> TrueTypeFont:
    """Return the glyphs the PDF uses (its cids, with their texts) as a TrueType font with a Unicode cmap.

    The family is the one the PDF names (the name the layout asked for), else the font's own.
    """
    font = TTFont(io.BytesIO(data), recalcTimestamp=False)
    ps_name = _name(font, 6) or fallback_name
    family = family or _name(font, 16, 1) or ps_name
    wanted = {cid: _glyph_name(font, cid) for cid in sorted(texts)}
    notdef = font.getGlyphOrder()[0]
    order = [notdef, *sorted(set(wanted.values()) - {notdef}, key=font.getGlyphID)]
    glyphs = _quadratic_glyphs(font, order)
    advances = font["hmtx"].metrics
    mapping: dict[int, str] = {}
    for cid, text in texts.items():  # a character drawn with two glyphs keeps the first; the other is a CGTransform
        if len(text) == 1 and ord(text) not in mapping and wanted[cid] != notdef:
            mapping[ord(text)] = wanted[cid]
    for tag in list(font.keys()):
        if tag not in KEPT_TABLES and tag != "GlyphOrder":
            del font[tag]
    font.setGlyphOrder(order)
    font["glyf"], font["loca"], font["hmtx"] = newTable("glyf"), newTable("loca"), newTable("hmtx")
    font["glyf"].glyphOrder, font["glyf"].glyphs = order, glyphs
    for glyph in glyphs.values():
        glyph.recalcBounds(font["glyf"])  # the left side bearings below are the glyphs' xMin
    font["hmtx"].metrics = {name: (advances[name][0], getattr(glyphs[name], "xMin", 0)) for name in order}
    font["cmap"] = _cmap_table(mapping)
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion, maxp.maxZones = 0x00010000, 1
    for attr in (
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, attr, 0)
    post = font["post"]
    post.formatType, post.extraNames, post.mapping = 3.0, [], {}
    font.sfntVersion = "\x00\x01\x00\x00"
    out = io.BytesIO()
    font.save(out)
    ids = {name: index for index, name in enumerate(order)}
    return TrueTypeFont(
        out.getvalue(),
        ps_name,
        family,
        {cid: ids[name] for cid, name in wanted.items()},
        {chr(code): ids[name] for code, name in mapping.items()},
    )
