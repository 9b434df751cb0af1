"""What the PDF and HTML editions share: the Jinja2 environment, the page layout and the rows of each list.

WeasyPrint cannot repeat a row's cells on the next page, so long cooperative items are split here,
before layout. Row heights are estimated from templates/layout.toml the way the stylesheet sets
them: CJK characters are 1 em wide and Latin ones half, lines break greedily with CJK punctuation
kept off line starts, and a row is as tall as its tallest cell. On the bundled source the estimate
matches WeasyPrint's row heights to within 1 % for the median row (tests/test_pdf.py checks it).
The lists are then paginated as WeasyPrint does (a row that does not fit moves to the next page);
an item that does not fit is split between its duty blocks when the rest of the page can hold at
least one block, every part filling at most ``split.fill`` of a page to absorb estimate errors.
"""
from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from ..errors import DutydocsError
from ..model import CooperativeItem, Document, Duties, DutyList, Item, WithdrawnItem
from . import BuildOptions, revision_datetime

MM_PER_PT = 25.4 / 72
PAGE_MM = (210, 297)  # A4 portrait, width × height


# --- templates -----------------------------------------------------------------------------------

def environment(options: BuildOptions) -> jinja2.Environment:
    """Return the Jinja2 environment over the templates folder: autoescape on, undefined names fail."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(options.templates)),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True)


def render_template(options: BuildOptions, name: str, **context) -> str:
    """Render one template, turning a template mistake into a one-line error that names the file."""
    options.template(name)
    try:
        return environment(options).get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        raise DutydocsError(f"模板 {exc.filename or name} 第 {exc.lineno} 行有语法错误：{exc.message}") from None
    except jinja2.UndefinedError as exc:
        raise DutydocsError(f"模板 {name} 使用了未定义的名称：{exc.message}") from None


def inline_text(options: BuildOptions, name: str, closing: str) -> Markup:
    """Return a stylesheet or script file for inlining; refuse one that would close its own element."""
    text = options.template(name).read_text("utf-8")
    if closing in text.lower():
        raise DutydocsError(f"模板 {name} 不能包含 {closing}（会提前结束内嵌的元素）")
    return Markup(text)


# --- layout ---------------------------------------------------------------------------------------

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
            f".explanation {{ font-size: {self.data['body']['font_size']}pt;"
            f" line-height: {self.data['body']['line_height']}pt; }}\n"
            f"table.list {{ font-size: {t['font_size']}pt; line-height: {t['line_height']}; }}\n"
            + "".join(f".list-{key} table.list {{ font-size: {size}pt; }}\n"
                      for key, size in t.get("font_size_by_list", {}).items()) +
            f"table.list th, table.list td {{ padding: {pad_v}mm {pad_h}mm; }}\n"
            f".duty-heading {{ margin-top: {t['heading_gap']}em; }}\n"
            f".duty-heading:first-child {{ margin-top: 0; }}\n"
            f".department + .department {{ margin-top: {t['heading_gap']}em; }}\n"
        )


def load_layout(options: BuildOptions) -> Layout:
    """Read templates/layout.toml."""
    path = options.template("layout.toml")
    return _load_layout(path, path.stat().st_mtime_ns)


REQUIRED = {"page": ("margin", "landscape_margin", "landscape"), "body": ("font_size", "line_height"),
            "table": ("font_size", "line_height", "padding", "heading_gap", "title_height"),
            "columns": ("basic", "cooperative", "withdrawn"), "split": ("min_first_part", "fill")}


@lru_cache(maxsize=8)
def _load_layout(path: Path, _mtime: int) -> Layout:
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise DutydocsError(f"{path}: 版式参数文件格式有误：{exc}") from None
    missing = [f"{table}.{key}" for table, keys in REQUIRED.items() for key in keys
               if not isinstance(data.get(table), dict) or key not in data[table]]
    if missing:
        raise DutydocsError(f"{path}: 缺少版式参数 {', '.join(missing)}（参见项目自带的 templates/layout.toml）")
    return Layout(data)


# --- text measure -------------------------------------------------------------------------------

NO_LINE_START = set("，。、；：？！）》」』”’〉】〕…—%,.;:?!)]}")
NO_LINE_END = set("（《「『“‘〈【〔([{")


def char_em(char: str) -> float:
    """Return the advance of one character in em: CJK and full-width forms 1, others about half."""
    return 1.0 if unicodedata.east_asian_width(char) in "WFA" else 0.5


def text_em(text: str) -> float:
    return sum(char_em(c) for c in text)


def line_count(text: str, width_em: float, indent_em: float = 0.0) -> int:
    """Estimate the lines a paragraph takes in a column: greedy breaks, CJK punctuation kept off line starts."""
    if width_em <= 1:
        return max(1, len(text))
    lines, used, run = 1, indent_em, 0.0  # run: width of the unbreakable Latin run being set
    prev = ""
    for char in text:
        w = char_em(char)
        latin = char.isascii() and (char.isalnum() or char in ".-/%")
        if used + w > width_em + 1e-6:
            carried = w
            if char in NO_LINE_START or prev in NO_LINE_END:
                carried += char_em(prev) if prev else 0
            if latin and prev.isascii() and prev.isalnum():
                carried += run
            lines += 1
            used = min(carried, width_em)
        else:
            used += w
        run = run + w if latin else 0.0
        prev = char
    return lines


CONNECTORS = set("和及与、")
DEPARTMENT_BREAKS = set("市区县局队会和及与、")  # a word of a department name often ends here


def category_words(text: str) -> list[str]:
    """Split a category into words: pairs of characters, a connector (和、及) alone."""
    pieces, current = [], ""
    for char in text:
        if char in CONNECTORS:
            pieces += [current, char] if current else [char]
            current = ""
        else:
            current += char
            if len(current) == 2:
                pieces.append(current)
                current = ""
    return pieces + ([current] if current else [])


def department_words(text: str) -> list[str]:
    """Split a department name into words: after 市、区、局、会 … (米东区/人力资源和/社会保障局), 区委 kept whole.

    A 市 or 区 inside a word does not end it (市场), and a long word is split again before
    the common endings 管理局, 委员会, 办公室 (米东区/市场监督/管理局), so narrow columns break between words.
    """
    pieces, current = [], ""
    for n, char in enumerate(text):
        current += char
        following = text[n + 1:n + 2]
        if following and (current.endswith("区委") or char in DEPARTMENT_BREAKS and following != "委"
                          and current[-1] + following not in UNBROKEN_WORDS):
            pieces.append(current)
            current = ""
    pieces += [current] if current else []
    return [part for piece in pieces for part in _split_ending(piece)]


UNBROKEN_WORDS = {"市场", "区域"}  # 市 and 区 that do not end a place name
LONG_WORD_ENDINGS = ("管理局", "委员会", "办公室", "联合会", "分中心")


def _split_ending(word: str) -> list[str]:
    for ending in LONG_WORD_ENDINGS:
        if len(word) > len(ending) + 1 and word.endswith(ending):
            return [word[: -len(ending)], ending]
    return [word]


def pieces(text: str, width_em: float, words=category_words) -> tuple[tuple[str, bool], ...]:
    """Return (piece, keep on one line) for a short name in a narrow column, so lines break between words.

    A name that fits is one breakable piece; a word wider than the column may break anywhere.
    """
    if text_em(text) <= width_em:
        return ((text, False),)
    return tuple((word, text_em(word) <= width_em) for word in words(text))


def pieces_line_count(parts: tuple[tuple[str, bool], ...], width_em: float) -> int:
    """Estimate the lines of a name set as pieces: kept pieces move whole to the next line."""
    lines, used = 1, 0.0
    for word, keep in parts:
        if keep:
            if used and used + text_em(word) > width_em + 1e-6:
                lines, used = lines + 1, 0.0
            used += text_em(word)
            continue
        for char in word:
            if used + char_em(char) > width_em + 1e-6:
                lines, used = lines + 1, 0.0
            used += char_em(char)
    return lines


# --- rows ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DutyBlock:
    """A heading block of a duties cell, with its points already numbered."""

    heading: str | None
    entries: tuple[tuple[str, str, str], ...]  # (kind, label, text)
    continued: bool = False  # the rest of a block split at its entries

    def paragraphs(self, gap: float) -> list[tuple[str, float, float]]:
        """Return (text, first-line indent em, space before in lines) for the row estimate."""
        out = [(self.heading, 0.0, gap)] if self.heading else []
        out += [(label + text, 2.0 if kind == "paragraph" else 0.0, 0.0) for kind, label, text in self.entries]
        return out


def duty_blocks(duties: Duties) -> tuple[DutyBlock, ...]:
    """Return the blocks of a duties cell with their points numbered per heading."""
    return tuple(DutyBlock(b.heading, tuple((e.kind, label, e.text) for label, e in b.numbered()))
                 for b in duties.blocks())


@dataclass(frozen=True)
class Row:
    """One table row: a whole item, or one part of a long cooperative item."""

    key: str
    item: Item
    part: int = 0
    department_duties: tuple[DutyBlock, ...] = ()
    town_duties: tuple[DutyBlock, ...] = ()
    category_start: bool = False

    @property
    def continued(self) -> bool:
        return self.part > 0

    @property
    def anchor(self) -> str:
        return f"{self.key}-{self.item.no}"

    @property
    def id_anchor(self) -> str | None:
        return f"item-{self.item.id}" if self.item.id else None


def cell_paragraphs(row: Row, key: str, gap: float) -> list[tuple[str, float, float]]:
    """Return the paragraphs of one cell of a row, for the height estimate."""
    item = row.item
    if key == "no":
        return [(str(item.no), 0, 0)]
    if key == "category":
        return [(item.category, 0, 0)]
    if key == "name":
        return [(item.name + ("（续）" if row.continued else ""), 0, 0)]
    if key == "departments":
        return [(d, 0, gap if n else 0) for n, d in enumerate(item.departments)]  # a little space between
    if key in ("department_duties", "town_duties"):
        return [p for block in getattr(row, key) for p in block.paragraphs(gap)]
    if key == "takeover":
        return [(t, 0, 0) for t in withdrawn_lines(item)]
    raise DutydocsError(f"版式参数中的列名未知：{key}（可用：no, category, name, departments, "
                        "department_duties, town_duties, takeover）")


def withdrawn_lines(item: WithdrawnItem) -> list[str]:
    """Return the lines of the 承接部门及工作方式 cell."""
    lines = [item.department] if item.department else []
    if item.takeover:
        lines.append("承接方式：" + item.takeover)
    if item.note:
        lines.append(item.note)
    return lines


SLACK_EM = 0.3
"""Extra width of a content-sized column, so rounding never pushes its longest word to a second line."""


def columns(layout: Layout, duty_list: DutyList) -> list[Column]:
    """Return the columns of a list, sized to their content within the limits of layout.toml."""
    specs = layout.data["columns"][duty_list.key]
    width_mm, _ = layout.text_box(duty_list.key)
    pad_mm = 2 * layout.data["table"]["padding"][1] + 0.3
    em_mm = layout.em_mm(duty_list.key)
    widths: dict[str, float | None] = {}
    for spec in specs:
        if spec["width"] == "*":
            widths[spec["key"]] = None
            continue
        low, high = spec["width"]
        need = max((text_em(p[0]) for item in duty_list.items
                    for p in cell_paragraphs(Row(duty_list.key, item), spec["key"], 0)), default=low)
        widths[spec["key"]] = (min(max(need, low), high) + SLACK_EM) * em_mm + pad_mm
    flexible = [k for k, w in widths.items() if w is None]
    rest = (width_mm - sum(w for w in widths.values() if w)) / max(1, len(flexible))
    if rest < 4 * em_mm + pad_mm:
        raise DutydocsError(f"layout.toml 中 {duty_list.key} 各列的最小宽度之和超过了版心宽度，请减小列宽")
    out = []
    for spec in specs:
        w = widths[spec["key"]] or rest
        out.append(Column(spec["key"], spec["label"], round(100 * w / width_mm, 3), (w - pad_mm) / em_mm))
    return out


class Estimator:
    """Estimate row heights (mm) of one list the way the stylesheet sets them."""

    def __init__(self, layout: Layout, key: str, cols: list[Column]):
        self.layout, self.cols = layout, cols
        self.line_mm = layout.line_mm(key)
        self.gap = layout.data["table"]["heading_gap"]
        self.frame = 2 * layout.data["table"]["padding"][0] + 0.3

    def cell(self, paragraphs, width_em: float, key: str = "") -> float:
        """Return the height of a cell's text; the first heading has no space above (see page_css)."""
        lines = sum(self.lines(key, text, width_em, indent) + gap for text, indent, gap in paragraphs)
        return (lines - (paragraphs[0][2] if paragraphs else 0)) * self.line_mm

    @staticmethod
    def lines(key: str, text: str, width_em: float, indent: float) -> int:
        """Return the lines of one paragraph; categories and departments break between words (see pieces)."""
        if key == "category":
            return pieces_line_count(pieces(text, width_em), width_em)
        if key == "departments":
            return pieces_line_count(pieces(text, width_em, department_words), width_em)
        return line_count(text, width_em, indent)

    def row(self, row: Row) -> float:
        return self.frame + max(self.cell(cell_paragraphs(row, c.key, self.gap), c.content_em, c.key) for c in self.cols)

    def blocks(self, blocks, key: str) -> float:
        col = next(c for c in self.cols if c.key == key)
        return self.cell([p for b in blocks for p in b.paragraphs(self.gap)], col.content_em)

    def header(self) -> float:
        return self.frame + max(line_count(c.label, c.content_em) for c in self.cols) * self.line_mm


def rows(layout: Layout, duty_list: DutyList, cols: list[Column], paginate: bool) -> list[Row]:
    """Return the rows of a list; with paginate, long cooperative items are split between duty blocks."""
    out: list[Row] = []
    seen: set[str] = set()
    est = Estimator(layout, duty_list.key, cols)
    _, page_mm = layout.text_box(duty_list.key)
    page = page_mm - est.header()  # what WeasyPrint fills before it moves a row to the next page
    safe = page * layout.data["split"]["fill"]  # what a part may fill, leaving room for estimate errors
    used = layout.data["table"]["title_height"]  # the list title shares the first page
    for item in duty_list.items:
        row = Row(duty_list.key, item, category_start=item.category not in seen)
        seen.add(item.category)
        if isinstance(item, CooperativeItem):
            row = Row(duty_list.key, item, 0, duty_blocks(item.department_duties),
                      duty_blocks(item.town_duties), row.category_start)
        height = est.row(row)
        if paginate and isinstance(item, CooperativeItem) and used + height > page:
            parts = None
            if page - used >= layout.data["split"]["min_first_part"] * page:
                parts = split(est, row, [safe - used] + [safe] * 99, page)
            if parts is None and height > page:
                parts = split(est, row, [safe] * 100, page)
            if parts:
                out.extend(parts)
                used = est.row(parts[-1])
                continue
        out.append(row)
        used = used + height if used + height <= page else height
    return out


DUTY_KEYS = ("department_duties", "town_duties")
Unit = tuple[tuple[DutyBlock, ...], tuple[DutyBlock, ...]]  # what moves together: (department, town) blocks


def split(est: Estimator, row: Row, rooms: list[float], limit: float) -> list[Row] | None:
    """Split a cooperative row into parts that fit the successive heights; None if no good split exists.

    When both duty cells have the same headings, a heading's two blocks stay side by side; otherwise
    each cell is packed on its own. A block taller than ``limit`` (a page) is cut between its entries.
    """
    rooms = [r - est.frame for r in rooms]
    dept, town = row.department_duties, row.town_duties
    if dept and town and [b.heading for b in dept] == [b.heading for b in town]:
        units = []
        for d, t in zip(dept, town):
            pieces = (_cut(est, d, DUTY_KEYS[0], limit - est.frame), _cut(est, t, DUTY_KEYS[1], limit - est.frame))
            units += [(tuple(pieces[0][n:n + 1]), tuple(pieces[1][n:n + 1])) for n in range(max(map(len, pieces)))]
        parts = _pack(est, units, rooms)
    else:
        columns = [_pack(est, [((b,), ()) for c in dept for b in _cut(est, c, DUTY_KEYS[0], limit - est.frame)], rooms),
                   _pack(est, [((), (b,)) for c in town for b in _cut(est, c, DUTY_KEYS[1], limit - est.frame)], rooms)]
        count = max(map(len, columns))
        columns = [c + [((), ())] * (count - len(c)) for c in columns]
        parts = [(d[0], t[1]) for d, t in zip(*columns)]
    fixed = max(est.cell(cell_paragraphs(row, c.key, est.gap), c.content_em, c.key)
                for c in est.cols if c.key not in DUTY_KEYS)
    if len(parts) == 1 or not any(parts[0]) or fixed > rooms[0]:
        return None
    return [Row(row.key, row.item, n, d, t, row.category_start and n == 0) for n, (d, t) in enumerate(parts)]


def _cut(est: Estimator, block: DutyBlock, key: str, limit: float) -> list[DutyBlock]:
    """Return the block whole, or cut between entries if taller than the limit (later pieces marked continued)."""
    if est.blocks([block], key) <= limit:
        return [block]
    out, entries = [], []
    for entry in block.entries:
        trial = DutyBlock(block.heading, tuple(entries + [entry]), bool(out))
        if entries and est.blocks([trial], key) > limit:
            out.append(DutyBlock(block.heading, tuple(entries), bool(out)))
            entries = []
        entries.append(entry)
    return out + [DutyBlock(block.heading, tuple(entries), bool(out))]


def _pack(est: Estimator, units: list[Unit], rooms: list[float]) -> list[Unit]:
    """Pack units greedily into parts whose heights fit the successive rooms; the first part may stay empty."""
    def height(part):
        return max(est.blocks(part[0], DUTY_KEYS[0]), est.blocks(part[1], DUTY_KEYS[1]))

    parts: list[Unit] = [((), ())]
    for unit in units:
        while True:
            trial = (parts[-1][0] + unit[0], parts[-1][1] + unit[1])
            if height(trial) <= rooms[len(parts) - 1] or (not any(parts[-1]) and len(parts) > 1):
                parts[-1] = trial
                break
            parts.append(((), ()))
    return parts


# --- context ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ListView:
    key: str
    title: str
    columns: list[Column]
    rows: list[Row]
    categories: list[str]
    landscape: bool
    count: int


def context(doc: Document, options: BuildOptions, paginate: bool) -> dict:
    """Return the template context shared by the PDF and the HTML edition."""
    layout = load_layout(options)
    lists = []
    for duty_list in doc.lists:
        cols = columns(layout, duty_list)
        lists.append(ListView(duty_list.key, duty_list.title, cols, rows(layout, duty_list, cols, paginate),
                              duty_list.categories(), layout.landscape(duty_list.key), len(duty_list.items)))
    date = revision_datetime(doc)
    return {
        "doc": doc,
        "lists": lists,
        "date": date.strftime("%Y-%m-%d"),
        "timestamp": date.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "subject": f"{doc.township}履职事项清单" + (f"（{doc.revision.label}）" if doc.revision.label else ""),
        "keywords": ", ".join(["履职事项清单", doc.township, *(lst.title for lst in doc.lists)]),
        "page_numbers": options.page_numbers,
        "pieces": pieces,
        "department_words": department_words,
    }
