"""Raw WordprocessingML the python-docx API lacks: table layout, row flags, fields, sections, zip dates."""
from __future__ import annotations

import copy
import io
import zipfile

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

PAGE_SIZE_TAGS = ("w:pgSz", "w:pgMar")


def _child(parent, tag: str, before: tuple[str, ...] = ()):
    """Return the child `tag` of parent, creating it (ahead of any of `before`) if missing."""
    found = parent.find(qn(tag))
    if found is None:
        found = OxmlElement(tag)
        successor = next((parent.find(qn(t)) for t in before if parent.find(qn(t)) is not None), None)
        if successor is not None:
            successor.addprevious(found)
        else:
            parent.append(found)
    return found


def set_attrs(element, **attrs) -> None:
    for name, value in attrs.items():
        element.set(qn(f"w:{name}"), str(value))


def fix_table_layout(tbl, widths: list[int]) -> None:
    """Give the table a fixed layout, its total width and the grid column widths, in twips."""
    tblPr = tbl.tblPr
    set_attrs(_child(tblPr, "w:tblW", ("w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd",
                                        "w:tblLayout", "w:tblCellMar", "w:tblLook")), w=sum(widths), type="dxa")
    set_attrs(_child(tblPr, "w:tblLayout", ("w:tblCellMar", "w:tblLook")), type="fixed")
    for grid_col, width in zip(tbl.tblGrid.gridCol_lst, widths):
        grid_col.set(qn("w:w"), str(width))


def mark_row(tr, header: bool = False, cant_split: bool = True) -> None:
    """Set the row flags: cantSplit keeps the row on one page, tblHeader repeats it on every page."""
    trPr = tr.get_or_add_trPr()
    if cant_split:
        trPr.append(OxmlElement("w:cantSplit"))
    if header:
        trPr.append(OxmlElement("w:tblHeader"))


def add_field(paragraph, instruction: str, shown: str = "1") -> None:
    """Append a field (PAGE, NUMPAGES) as begin / instruction / separate / cached text / end runs."""
    p = paragraph._p
    for kind, text in (("begin", None), ("instr", f" {instruction} "), ("separate", None),
                       ("text", shown), ("end", None)):
        r = OxmlElement("w:r")
        if kind == "instr":
            t = OxmlElement("w:instrText")
            t.set(qn("xml:space"), "preserve")
            t.text = text
        elif kind == "text":
            t = OxmlElement("w:t")
            t.text = text
        else:
            t = OxmlElement("w:fldChar")
            t.set(qn("w:fldCharType"), kind)
        r.append(t)
        p.append(r)


def section_properties(body) -> list:
    """Return the body's section properties in document order (the last is the body's own)."""
    return body.findall(".//" + qn("w:sectPr"))


def plain_section(sectPr):
    """Return a copy of a section that inherits headers and footers and continues the page numbers."""
    section = copy.deepcopy(sectPr)
    for tag in ("w:headerReference", "w:footerReference", "w:titlePg", "w:pgNumType"):
        for element in section.findall(qn(tag)):
            section.remove(element)
    for attr in list(section.attrib):
        del section.attrib[attr]  # rsid stamps of the editor that saved the template
    set_attrs(_child(section, "w:type", PAGE_SIZE_TAGS), val="nextPage")
    return section


def turned_landscape(sectPr):
    """Return a landscape copy of a portrait section: the text block turned a quarter."""
    section = plain_section(sectPr)
    size, margins = section.find(qn("w:pgSz")), section.find(qn("w:pgMar"))
    width, height = size.get(qn("w:w")), size.get(qn("w:h"))
    if int(width) < int(height):
        set_attrs(size, w=height, h=width, orient="landscape")
        if margins is not None:
            top, right, bottom, left = (margins.get(qn(f"w:{side}")) for side in ("top", "right", "bottom", "left"))
            set_attrs(margins, top=left, bottom=right, left=top, right=bottom)
    return section


def text_block(sectPr) -> tuple[int, int]:
    """Return the width and height of a section's text block in twips."""
    size, margins = sectPr.find(qn("w:pgSz")), sectPr.find(qn("w:pgMar"))
    get = lambda element, name, default: int(element.get(qn(f"w:{name}"), default))  # noqa: E731
    width, height = get(size, "w", 11906), get(size, "h", 16838)
    if margins is None:
        return width - 2880, height - 2880
    return (width - get(margins, "left", 1440) - get(margins, "right", 1440) - get(margins, "gutter", 0),
            height - get(margins, "top", 1440) - get(margins, "bottom", 1440))


def cell_margins(table_style) -> tuple[int, int]:
    """Return a table style's cell margins in twips: left + right, top + bottom (Word's defaults if unset)."""
    margins = table_style.find(f"{qn('w:tblPr')}/{qn('w:tblCellMar')}")
    width = {"left": 108, "right": 108, "top": 0, "bottom": 0}
    for side in width:
        found = margins.find(qn(f"w:{side}")) if margins is not None else None
        if found is not None:
            width[side] = int(found.get(qn("w:w")))
    return width["left"] + width["right"], width["top"] + width["bottom"]


def end_section(body, sectPr, style_id: str) -> None:
    """Close the current section with a tiny paragraph carrying its properties."""
    p = OxmlElement("w:p")
    pPr = OxmlElement("w:pPr")
    style = OxmlElement("w:pStyle")
    style.set(qn("w:val"), style_id)
    pPr.append(style)
    pPr.append(sectPr)
    p.append(pPr)
    body.append(p)


def clear_body(body) -> None:
    """Remove every block of the body, its final section properties included."""
    for child in list(body):
        body.remove(child)


def normalized_zip(data: bytes, date_time: tuple[int, int, int, int, int, int]) -> bytes:
    """Return the package with every entry dated date_time, so the same input gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = 0
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()
