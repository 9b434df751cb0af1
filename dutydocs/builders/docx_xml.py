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
    set_attrs(
        _child(
            tblPr,
            "w:tblW",
            (
                "w:jc",
                "w:tblCellSpacing",
                "w:tblInd",
                "w:tblBorders",
                "w:shd",
                "w:tblLayout",
                "w:tblCellMar",
                "w:tblLook",
            ),
        ),
        w=sum(widths),
        type="dxa",
    )
    set_attrs(_child(tblPr, "w:tblLayout", ("w:tblCellMar", "w:tblLook")), type="fixed")
    for grid_col, width in zip(tbl.tblGrid.gridCol_lst, widths, strict=True):
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
    for kind, text in (
        ("begin", None),
        ("instr", f" {instruction} "),
        ("separate", None),
        ("text", shown),
        ("end", None),
    ):
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
    return (
        width - get(margins, "left", 1440) - get(margins, "right", 1440) - get(margins, "gutter", 0),
        height - get(margins, "top", 1440) - get(margins, "bottom", 1440),
    )


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
    """Close the current section with a tiny paragraph carrying its properties (or none: a plain tiny paragraph)."""
    p = OxmlElement("w:p")
    pPr = OxmlElement("w:pPr")
    style = OxmlElement("w:pStyle")
    style.set(qn("w:val"), style_id)
    pPr.append(style)
    if sectPr is not None:
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


def mark_change(pPr, mark) -> None:
    """Mark a paragraph's mark as inserted or deleted (w:pPr/w:rPr/w:ins|w:del), in schema order."""
    rPr = _child(pPr, "w:rPr", ("w:sectPr", "w:pPrChange"))
    rPr.insert(0, mark)


def add_comment_range(p, comment_id: int, mark=None) -> None:
    """Anchor a comment to a whole paragraph: range start after pPr; reference run, then range end, at the end.

    In a tracked row the reference run goes inside mark (the row's w:ins or w:del), and the range ends
    after it: LibreOffice 7.4 keeps a deleted row on accepting every change if the reference is
    untracked or comes after the range end (measured with tests/lo_uno.py).
    """
    start, end = OxmlElement("w:commentRangeStart"), OxmlElement("w:commentRangeEnd")
    for element in (start, end):
        element.set(qn("w:id"), str(comment_id))
    pPr = p.find(qn("w:pPr"))
    if pPr is not None:
        pPr.addnext(start)
    else:
        p.insert(0, start)
    run, reference = OxmlElement("w:r"), OxmlElement("w:commentReference")
    reference.set(qn("w:id"), str(comment_id))
    run.append(reference)
    if mark is not None:
        mark.append(run)
        run = mark
    p.append(run)
    p.append(end)


def add_move_range(tr, start, name: str) -> None:
    """Enclose a row's text in a move range: start (w:moveFromRangeStart|w:moveToRangeStart) … its end.

    Word reads w:moveFrom / w:moveTo runs only inside a range of that kind, paired by w:name with the
    range at the other end of the move. The range starts in the row's first paragraph and ends in its last.
    """
    start.set(qn("w:name"), name)
    end = OxmlElement(start.tag.replace("Start", "End").replace(f"{{{start.nsmap['w']}}}", "w:"))
    end.set(qn("w:id"), start.get(qn("w:id")))
    paragraphs = list(tr.iter(qn("w:p")))
    pPr = paragraphs[0].find(qn("w:pPr"))
    if pPr is not None:
        pPr.addnext(start)
    else:
        paragraphs[0].insert(0, start)
    paragraphs[-1].append(end)


LIST_FORMATS = {"item": "%1", "point": "%1."}
"""Word list numbering: 序号 as a bare number, duty points as "1." (no tab or space after)."""


class ListNumbering:
    """Word's own list numbering in numbering.xml: one w:num, over its own abstract format, per list.

    Lists sharing an abstract format are one list to LibreOffice, restarted at a list's first
    paragraph: when a tracked change deletes that paragraph, the next list would go on counting.
    """

    def __init__(self, numbering):
        """Start afresh: the template's lists numbered its sample body, which the build replaces."""
        self.root = numbering
        for child in numbering.findall(qn("w:num")) + numbering.findall(qn("w:abstractNum")):
            numbering.remove(child)
        nums = [int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))]
        abstracts = [int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))]
        self.next_num = max(nums, default=0) + 1
        self.next_abstract = max(abstracts, default=0) + 1

    def _abstract(self, kind: str) -> int:
        """Add an abstract format of this kind (one level, no indent, nothing after the number)."""
        aid = self.next_abstract
        self.next_abstract += 1
        abstract = OxmlElement("w:abstractNum")
        abstract.set(qn("w:abstractNumId"), str(aid))
        multi = OxmlElement("w:multiLevelType")
        multi.set(qn("w:val"), "singleLevel")
        abstract.append(multi)
        lvl = OxmlElement("w:lvl")
        lvl.set(qn("w:ilvl"), "0")
        for tag, value in (
            ("w:start", "1"),
            ("w:numFmt", "decimal"),
            ("w:suff", "nothing"),
            ("w:lvlText", LIST_FORMATS[kind]),
            ("w:lvlJc", "left"),
        ):
            element = OxmlElement(tag)
            element.set(qn("w:val"), value)
            lvl.append(element)
        pPr, ind = OxmlElement("w:pPr"), OxmlElement("w:ind")
        set_attrs(ind, left=0, hanging=0)
        pPr.append(ind)
        lvl.append(pPr)
        abstract.append(lvl)
        first_num = self.root.find(qn("w:num"))
        if first_num is not None:
            first_num.addprevious(abstract)  # every abstractNum comes before the first num
        else:
            self.root.append(abstract)
        return aid

    def new_list(self, kind: str) -> int:
        """Return a new w:num of this kind that counts from 1."""
        num_id = self.next_num
        self.next_num += 1
        num, abstract_id = OxmlElement("w:num"), OxmlElement("w:abstractNumId")
        num.set(qn("w:numId"), str(num_id))
        abstract_id.set(qn("w:val"), str(self._abstract(kind)))
        num.append(abstract_id)
        override, start = OxmlElement("w:lvlOverride"), OxmlElement("w:startOverride")
        override.set(qn("w:ilvl"), "0")
        start.set(qn("w:val"), "1")
        override.append(start)
        num.append(override)
        self.root.append(num)
        return num_id

    @staticmethod
    def apply(p, num_id: int) -> None:
        """Make a paragraph an entry of the list num_id."""
        pPr = p.get_or_add_pPr()
        numPr = _child(
            pPr,
            "w:numPr",
            (
                "w:suppressLineNumbers",
                "w:pBdr",
                "w:shd",
                "w:tabs",
                "w:suppressAutoHyphens",
                "w:kinsoku",
                "w:wordWrap",
                "w:overflowPunct",
                "w:topLinePunct",
                "w:autoSpaceDE",
                "w:autoSpaceDN",
                "w:bidi",
                "w:adjustRightInd",
                "w:snapToGrid",
                "w:spacing",
                "w:ind",
                "w:contextualSpacing",
                "w:mirrorIndents",
                "w:suppressOverlap",
                "w:jc",
                "w:textDirection",
                "w:textAlignment",
                "w:textboxTightWrap",
                "w:outlineLvl",
                "w:divId",
                "w:cnfStyle",
                "w:rPr",
                "w:sectPr",
                "w:pPrChange",
            ),
        )
        ilvl, num = OxmlElement("w:ilvl"), OxmlElement("w:numId")
        ilvl.set(qn("w:val"), "0")
        num.set(qn("w:val"), str(num_id))
        numPr.append(ilvl)
        numPr.append(num)


def numbering_root(word):
    """Return the document's w:numbering element, adding an empty numbering part if the template has none."""
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.parts.numbering import NumberingPart

    try:
        return word.part.part_related_by(RT.NUMBERING).element
    except KeyError:
        blob = (
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            b'<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>'
        )
        part = NumberingPart.load(PackURI("/word/numbering.xml"), CT.WML_NUMBERING, blob, word.part.package)
        word.part.relate_to(part, RT.NUMBERING)
        return part.element
