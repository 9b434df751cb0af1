"""The numbers of templates/layout.toml as CSS and millimetres: page geometry, table metrics, column widths sized to the content."""

from __future__ import annotations

from dataclasses import dataclass

from ..edition import PRINTED_COLUMNS, layout_data, text_em
from ..errors import DutydocsError
from ..model import DutyList
from . import BuildOptions
from .measure import SMALLER, Estimator, department_width
from .rows import Row, cell_paragraphs, rows

MM_PER_PT = 25.4 / 72
PAGE_MM = (210, 297)  # A4 portrait, width × height


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    percent: float  # share of the table width
    content_em: float  # width available to text, in em of the table font


@dataclass(frozen=True)
class Layout:
    """The numbers of templates/layout.toml that both the stylesheet and the row estimate use."""

    data: dict

    def font_size(self, key: str) -> float:
        """Return the table font size (pt) of one list."""
        return self.data["table"].get("font_size_by_list", {}).get(key, self.data["table"]["font_size"])

    def em_mm(self, key: str) -> float:
        return self.font_size(key) * MM_PER_PT

    def line_mm(self, key: str) -> float:
        return self.em_mm(key) * self.data["table"]["line_height"]

    def landscape(self, key: str) -> bool:
        return key in self.data["page"]["landscape"]

    def margins(self, key: str | None) -> list[float]:
        name = "landscape_margin" if key and self.landscape(key) else "margin"
        return self.data["page"][name]

    def text_box(self, key: str | None) -> tuple[float, float]:
        """Return (width, height) in mm of the text block of the pages of one list (None: explanation)."""
        width, height = PAGE_MM[::-1] if key and self.landscape(key) else PAGE_MM
        top, right, bottom, left = self.margins(key)
        return width - left - right, height - top - bottom

    def page_css(self) -> str:
        """Return the page geometry and table metrics as CSS (fonts and decoration stay in pdf.css)."""
        t = self.data["table"]
        pad_v, pad_h = t["padding"]
        top, right, bottom, left = self.margins(None)
        ltop, lright, lbottom, lleft = self.data["page"]["landscape_margin"]
        return (
            f"@page {{ size: A4 portrait; margin: {top}mm {right}mm {bottom}mm {left}mm; }}\n"
            f"@page landscape {{ size: A4 landscape; margin: {ltop}mm {lright}mm {lbottom}mm {lleft}mm; }}\n"
            + self.explanation_css()
            + f"table.list {{ font-size: {t['font_size']}pt; line-height: {t['line_height']}; }}\n"
            + "".join(
                f".list-{key} table.list {{ font-size: {size}pt; }}\n"
                for key, size in t.get("font_size_by_list", {}).items()
            )
            + f"table.list th, table.list td {{ padding: {pad_v}mm {pad_h}mm; }}\n"
            f".duty-heading {{ margin-top: {t['heading_gap']}em; }}\n"
            f".duty-heading:first-child {{ margin-top: 0; }}\n"
            f".department + .department {{ margin-top: {t['heading_gap']}em; }}\n"
            f".department.smaller {{ font-size: {SMALLER}em; }}\n"
        )

    def explanation_css(self) -> str:
        """Return the 说明's grid as CSS: chars_per_line characters a line at a fixed pitch, lines_per_page lines.

        GB/T 9704 sets 28 三号 characters in 156 mm, so the pitch (156/28 mm) is a little under the
        font size; letter-spacing takes up the difference, as Word's document grid does.
        """
        body = self.data["body"]
        width, height = self.text_box(None)
        pitch_pt = (width - 0.05) / body["chars_per_line"] / MM_PER_PT  # a hair under, so rounding keeps 28
        line_pt = height / body["lines_per_page"] / MM_PER_PT
        return (
            f".explanation {{ font-size: {body['font_size']}pt; line-height: {line_pt:.3f}pt;"
            f" letter-spacing: {pitch_pt - body['font_size']:.4f}pt; }}\n"
            f".explanation p.body {{ text-indent: {2 * pitch_pt:.3f}pt; }}\n"
        )


def load_layout(options: BuildOptions) -> Layout:
    """Read the layout.toml of the templates folder (dutydocs.edition.layout_data)."""
    return Layout(layout_data(options.templates))


SLACK_EM = 0.3
"""Extra width of a content-sized column, so rounding never pushes its longest word to a second line."""


def columns(layout: Layout, duty_list: DutyList, places: tuple[str, ...] = ()) -> list[Column]:
    """Return the columns of a list, sized to their content within the limits of layout.toml.

    The departments column is as narrow as lets every name break between words (dutydocs.wordbreak);
    two "*" columns share what is left in the proportion that makes the list shortest.
    """
    specs = PRINTED_COLUMNS[duty_list.key]
    rules = layout.data["columns"][duty_list.key]
    width_mm, _ = layout.text_box(duty_list.key)
    pad_mm = 2 * layout.data["table"]["padding"][1] + 0.3
    em_mm = layout.em_mm(duty_list.key)
    widths: dict[str, float | None] = {}
    for spec in specs:
        if rules[spec.key] == "*":
            widths[spec.key] = None
            continue
        low, high = rules[spec.key]
        texts = [p[0] for item in duty_list.items for p in cell_paragraphs(Row(duty_list.key, item), spec.key, 0)]
        if spec.key == "departments":
            need = department_width(texts, low, high, places)
        else:
            need = max(map(text_em, texts), default=low)
        widths[spec.key] = (min(max(need, low), high) + SLACK_EM) * em_mm + pad_mm
    rest = width_mm - sum(w for w in widths.values() if w)
    flexible = [k for k, w in widths.items() if w is None]
    if flexible and rest / len(flexible) < 4 * em_mm + pad_mm:
        raise DutydocsError(f"layout.toml 中 {duty_list.key} 各列的最小宽度之和超过了版心宽度，请减小列宽")

    def make(shares):
        sized = {**widths, **{k: rest * share for k, share in zip(flexible, shares, strict=True)}}
        return [
            Column(
                spec.key,
                spec.label,
                round(100 * sized[spec.key] / width_mm, 3),
                (sized[spec.key] - pad_mm) / em_mm,
            )
            for spec in specs
        ]

    if len(flexible) != 2:
        return make([1 / len(flexible)] * len(flexible) if flexible else [])
    # two "*" columns share the rest so that the list is shortest by the row estimate, evenly on a tie
    all_rows = rows(duty_list)

    def height(cols):
        estimator = Estimator(layout, duty_list.key, cols, places)
        return round(sum(estimator.row(row) for row in all_rows), 1)

    return min((make([share, 1 - share]) for share in (0.5, 0.45, 0.55, 0.4, 0.6, 0.35, 0.65)), key=height)
