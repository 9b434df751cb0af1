"""A trial layout of the cooperative list's whole rows in WeasyPrint, read back as the heights paginate needs.

The trial sets the list on one page as tall as needed (from the row estimate) and as wide as the real one, with the same
stylesheets, so every paragraph has its real height. For each item it lays out the whole row and a
probe of its continuation (name with （续）, each heading with （续））.
"""

from __future__ import annotations

from dataclasses import replace

from ..errors import DutydocsError
from .paginate import DUTY_KEYS, Heights, Paragraph

PX_PER_MM = 96 / 25.4
IDENTITY_KEYS = ("no", "category", "name", "departments")


def probe(row):
    """Return the row's continuation probe: identity with （续）, each headed block as its heading with （续）."""

    def headings(blocks):
        return tuple(replace(b, entries=(), continued=True) for b in blocks if b.heading)

    return replace(
        row,
        part=1,
        department_duties=headings(row.department_duties),
        town_duties=headings(row.town_duties),
        category_start=False,
    )


def trial_rows(rows) -> list:
    """Return the rows of the trial: each whole row followed by its probe."""
    return [r for row in rows for r in (row, probe(row))]


def tall_page_css(width_mm: float, height_mm: float, landscape: bool) -> str:
    """Return CSS that sets the list's pages as one page of the given height and hides everything but the list."""
    return (
        f"@page{' landscape' if landscape else ''} {{ size: {width_mm}mm {height_mm:.0f}mm; }}\n"
        ".explanation { display: none; }\n"
    )


def tall_page_mm(estimated_rows_mm: float) -> float:
    """Return a page height that holds the trial in one page: twice the estimate, and a margin."""
    return 2 * estimated_rows_mm + 1000


def page_box(page):
    """Return the root box of a laid-out WeasyPrint page: the one place that reads WeasyPrint's private page box.

    WeasyPrint has no public accessor for the boxes of a page; its layout tests read them the same way.
    """
    return page._page_box


def heights(document, key: str, rows, text_height_mm: float) -> Heights:
    """Read the trial layout back: room on a page, a row's frame, identity and paragraph heights per item."""
    page = page_box(document.pages[0])
    section = _find(page, lambda b: _element_class(b, "list-" + key))
    table = _find(section, lambda b: type(b).__name__ == "TableBox")
    header = next((g for g in table.children if g.is_header), None)
    if header is None or len(document.pages) != 1:
        raise _mismatch()
    body = [r for g in table.children if not g.is_header for r in g.children]
    if len(body) != 2 * len(rows):
        raise _mismatch()
    text_height = text_height_mm * PX_PER_MM
    header_height = sum(r.height for r in header.children)
    title = header.position_y - page.content_box_y()
    frames, identity, openings, paragraphs, continued = [], [], [], [], []
    for whole, cont in zip(body[::2], body[1::2], strict=True):
        cells = {_cell_key(c): c for c in whole.children}
        cont_cells = {_cell_key(c): c for c in cont.children}
        frames.append(whole.height - max(_content_height(c) for c in cells.values()))
        if any(k not in cells or k not in cont_cells for k in DUTY_KEYS):
            raise _mismatch()
        identity.append(
            (
                max((_content_height(cells[k]) for k in IDENTITY_KEYS if k in cells), default=0.0),
                max((_content_height(cont_cells[k]) for k in IDENTITY_KEYS if k in cont_cells), default=0.0),
            )
        )
        openings.append(_openings(cells))
        paragraphs.append({k: tuple(_paragraph(p) for p in cells[k].children) for k in DUTY_KEYS})
        continued.append({k: tuple(_paragraph(p) for p in cont_cells[k].children) for k in DUTY_KEYS})
    frame = max(frames, default=0.0)
    return Heights(
        first_page=text_height - title - header_height,
        page=text_height - header_height,
        frame=frame,
        identity=tuple(identity),
        openings=tuple(openings),
        paragraphs=tuple(paragraphs),
        continued_headings=tuple(continued),
    )


def _openings(cells) -> tuple[float, ...]:
    """Return the identity cells' content height when they show the first 1, 2 … of the departments.

    Below departments cut short stands a line of MORE_DEPARTMENTS, as tall as the next department's first line.
    """
    floor = max((_content_height(cells[k]) for k in IDENTITY_KEYS[:3] if k in cells), default=0.0)
    if "departments" not in cells:
        return ()
    cell = cells["departments"]
    top = cell.content_box_y()
    paragraphs = cell.children
    cut = [p.position_y + p.margin_top + _first_line(p) - top for p in paragraphs[1:]]
    whole = paragraphs[-1].position_y + paragraphs[-1].margin_height() - top if paragraphs else 0.0
    return tuple(max(floor, height) for height in [*cut, whole])


def _first_line(box) -> float:
    """Return the height of a paragraph's first line."""
    return next((c.height for c in box.children if type(c).__name__ == "LineBox"), box.height)


def _paragraph(box) -> Paragraph:
    """Return a paragraph's height, margin and lines: each line's top below the paragraph's top, and its text."""
    line_boxes = [c for c in box.children if type(c).__name__ == "LineBox"]
    top = box.content_box_y()
    return Paragraph(
        box.border_height(),
        box.margin_top,
        len(line_boxes),
        tuple(line.position_y - top for line in line_boxes),
        tuple("".join(t.text for t in line.descendants() if type(t).__name__ == "TextBox") for line in line_boxes),
    )


def _content_height(cell) -> float:
    if not cell.children:
        return 0.0
    return max(c.position_y + c.margin_height() for c in cell.children) - cell.content_box_y()


def _cell_key(cell) -> str:
    return (cell.element.get("class") or "").split()[0]


def _element_class(box, name: str) -> bool:
    element = getattr(box, "element", None)
    return (
        element is not None
        and getattr(box, "element_tag", "") == "section"
        and name in (element.get("class") or "").split()
    )


def _find(box, test):
    stack = [box]
    while stack:
        current = stack.pop(0)
        if test(current):
            return current
        stack.extend(getattr(current, "children", None) or [])
    raise _mismatch()


def _mismatch() -> DutydocsError:
    return DutydocsError(
        "模板 document.html.j2 中配合事项清单的结构与预期不符（需要 section.list-cooperative 中的"
        " table，每个事项一行，单元格的 class 为列名），无法试排分页；请对照项目自带的模板修改"
    )
