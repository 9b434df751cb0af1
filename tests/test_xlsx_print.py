"""The Excel edition printed through LibreOffice: landscape lists, text at full size, rows as tall as their text."""
from __future__ import annotations

import collections

import pytest
from pypdf import PdfReader

from lo import convert


@pytest.fixture(scope="module")
def printed(tmp_path_factory, bundled_xlsx):
    work = tmp_path_factory.mktemp("xlsx-print")
    workbook = work / "edition.xlsx"
    workbook.write_bytes(bundled_xlsx)
    return PdfReader(convert(workbook, "pdf", work))


def _sizes(page) -> collections.Counter:
    """Effective font sizes of the text on a page (font size times the page's scaling), by characters."""
    sizes: collections.Counter = collections.Counter()

    def visit(text, cm, tm, font, size):
        if text.strip():
            scale = (tm[2] ** 2 + tm[3] ** 2) ** 0.5 * (cm[2] ** 2 + cm[3] ** 2) ** 0.5
            sizes[round(size * scale, 1)] += len(text.strip())

    page.extract_text(visitor_text=visit)
    return sizes


def test_lists_print_landscape_at_full_size(printed, bundled_doc):
    pages = printed.pages
    explanation, lists = pages[0], pages[1:]
    assert explanation.mediabox.width < explanation.mediabox.height
    assert all(page.mediabox.width > page.mediabox.height for page in lists)
    smallest = min(size for page in lists for size in _sizes(page))
    # the bundled list needs no item below 11 pt to stay under Excel's 409-pt row cap (README)
    assert smallest >= 10
    body = collections.Counter()
    for page in lists:
        body.update(_sizes(page))
    assert body.most_common(1)[0][0] >= 11.5  # 小四 (12 pt), not shrunk to fit the page width


def test_rows_are_as_tall_as_their_text(printed):
    # row heights one and a third times the text (the old estimate) printed 63 pages; text-tall rows print 52
    assert len(printed.pages) <= 54


def _wrapped_lines(text: str, room_em: float) -> int:
    """Lines of text filled character by character into a line of room_em, as a spreadsheet wraps CJK text."""
    from dutydocs.edition import char_em

    lines = 0
    for paragraph in text.split("\n"):
        lines, used = lines + 1, 0.0
        for char in paragraph:
            if used + char_em(char) > room_em:
                lines, used = lines + 1, 0.0
            used += char_em(char)
    return lines


def test_every_row_is_tall_enough_for_its_wrapped_text(bundled_doc):
    """Each cell's estimated lines hold its text wrapped glyph by glyph: 94 em in 18.8 em lines is 6 lines, not 5
    (配合 85 and 收回 24 printed with their last line cut off when the estimate divided the widths)."""
    from dutydocs.builders.xlsx import CELL_PADDING_PX, COLUMNS, DIGIT_PX, cell_values, text_lines

    short = []
    for duty_list in bundled_doc.lists:
        for item in duty_list.items:
            values = cell_values(item)
            for column in COLUMNS[duty_list.key]:
                text = str(values[column.field] or "")
                room = (column.width * DIGIT_PX - CELL_PADDING_PX) / (12 * 96 / 72)
                if text_lines(text, column.width, 12) < _wrapped_lines(text, room):
                    short.append((duty_list.key, item.no, column.field))
    assert short == []
