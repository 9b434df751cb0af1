"""The edition spec: the lists, their columns and labels, the text-width metric and the templates, shared by every format.

Every builder (PDF, HTML, Word, Excel, OFD), importer (Excel, Word, PDF text) and report (diff, merge)
reads the facts of an edition from here, so that a header the Excel edition writes is the header its
importer looks for. What a user may change about the page stays in the templates folder
(``--templates``): the page geometry and the column-width rules are read from its layout.toml
(``layout_data``), the stylesheets, HTML templates and the Word template from the folder itself.
"""

from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import DutydocsError
from .model import LIST_KEYS

if TYPE_CHECKING:
    from markupsafe import Markup

# --- the lists and their columns -----------------------------------------------------------------

LIST_TITLES = {
    "basic": "基本履职事项清单",
    "cooperative": "配合履职事项清单",
    "withdrawn": "上级部门收回事项清单",
}
"""Each list's title, for a document that gives none (imports) and for reports."""
LIST_SHORT = {"basic": "基本", "cooperative": "配合", "withdrawn": "收回"}
"""Each list's name where space is short (“配合 12” in reports)."""

FIELD_LABELS = {
    "no": "序号",
    "category": "事项类别",
    "name": "事项名称",
    "departments": "对应上级部门",
    "department_duties": "上级部门职责",
    "town_duties": "镇配合职责",
    "department": "承接部门",
    "takeover": "承接方式",
    "note": "说明",
}
"""Each field of an item by the name the lists print over it (the Excel edition's headers)."""
HANDOVER_LABEL = "承接部门及工作方式"
"""The printed withdrawn list's one column for 承接部门, 承接方式 and 说明 (column key ``takeover``)."""
TAKEOVER_LABEL = "承接方式："
"""What opens the 承接方式 paragraph in that column, where the department and a note may stand beside it."""
CONTINUED_LABEL = "（续）"
"""What follows an item's name, and a duty heading, where a row continues from the page before (PDF)."""
MORE_DEPARTMENTS = "……"
"""Below the first departments at a page foot, where the rest follow on the next page with the row (PDF)."""


@dataclass(frozen=True)
class ColumnSpec:
    """A column of a list: the key of what it holds and its header."""

    key: str
    label: str


def _columns(*keys: str) -> tuple[ColumnSpec, ...]:
    return tuple(ColumnSpec(key, FIELD_LABELS[key]) for key in keys)


PRINTED_COLUMNS: dict[str, tuple[ColumnSpec, ...]] = {
    "basic": _columns("no", "category", "name"),
    "cooperative": _columns("no", "category", "name", "departments", "department_duties", "town_duties"),
    "withdrawn": (*_columns("no", "category", "name"), ColumnSpec("takeover", HANDOVER_LABEL)),
}
"""The columns of each list as the PDF, HTML and Word editions print them."""
SHEET_COLUMNS: dict[str, tuple[ColumnSpec, ...]] = {
    **PRINTED_COLUMNS,
    "withdrawn": _columns("no", "category", "name", "department", "takeover", "note"),
}
"""The columns of each list in the Excel edition: one field a column, so an edited copy reads back field by field."""

# --- text width ----------------------------------------------------------------------------------


def char_em(char: str) -> float:
    """Return the advance of one character in em: CJK and full-width forms 1, others about half."""
    return 1.0 if unicodedata.east_asian_width(char) in "WFA" else 0.5


def text_em(text: str) -> float:
    """Return the width of a text in em of its font, as every format's estimates measure it."""
    return sum(char_em(c) for c in text)


# --- the templates folder ------------------------------------------------------------------------

_PACKAGE = Path(__file__).resolve().parent
PROJECT_TEMPLATES = next(
    (p for p in (_PACKAGE / "templates", _PACKAGE.parent / "templates") if p.is_dir()), _PACKAGE / "templates"
)
"""The templates an installed wheel carries (dutydocs/templates), else the checkout's top-level templates/."""
LAYOUT = "layout.toml"


def template_file(folder: Path, name: str) -> Path:
    """Return a file of the templates folder, or say which is missing."""
    path = Path(folder) / name
    if not path.is_file():
        raise DutydocsError(f"模板文件不存在：{path}（请检查 --templates 指定的文件夹）")
    return path


def render_template(folder: Path, name: str, **context) -> str:
    """Render one Jinja2 template of the folder, turning a template mistake into a one-line error that names the file.

    Autoescape is on and an undefined name fails, so a misspelt field is an error rather than a blank.
    """
    import jinja2

    template_file(folder, name)
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    try:
        return environment.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        raise DutydocsError(f"模板 {exc.filename or name} 第 {exc.lineno} 行有语法错误：{exc.message}") from None
    except jinja2.UndefinedError as exc:
        raise DutydocsError(f"模板 {name} 使用了未定义的名称：{exc.message}") from None


def inline_text(folder: Path, name: str, closing: str) -> Markup:
    """Return a stylesheet or script file for inlining; refuse one that would close its own element."""
    from markupsafe import Markup

    text = template_file(folder, name).read_text("utf-8")
    if closing in text.lower():
        raise DutydocsError(f"模板 {name} 不能包含 {closing}（会提前结束内嵌的元素）")
    return Markup(text)


REQUIRED = {
    "page": ("margin", "landscape_margin", "landscape"),
    "body": ("font_size", "chars_per_line", "lines_per_page"),
    "table": ("font_size", "line_height", "padding", "heading_gap"),
    "columns": LIST_KEYS,
}


def layout_data(folder: Path) -> dict:
    """Return the numbers of the folder's layout.toml: page geometry, table metrics and each printed column's width rule.

    ``data["columns"][list][key]`` is the width rule of that column of PRINTED_COLUMNS: [least, most] em or "*".
    """
    path = template_file(folder, LAYOUT)
    return _layout_data(path, path.stat().st_mtime_ns)


@lru_cache(maxsize=8)
def _layout_data(path: Path, _mtime: int) -> dict:
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise DutydocsError(f"{path}: 版式参数文件格式有误：{exc}") from None
    missing = [
        f"{table}.{key}"
        for table, keys in REQUIRED.items()
        for key in keys
        if not isinstance(data.get(table), dict) or key not in data[table]
    ]
    if missing:
        raise DutydocsError(f"{path}: 缺少版式参数 {', '.join(missing)}（参见项目自带的 templates/layout.toml）")
    data["columns"] = {key: _column_widths(path, key, data["columns"][key]) for key in LIST_KEYS}
    return data


def _column_widths(path: Path, list_key: str, specs) -> dict:
    """Return {column key: width rule} of one list, checked against the list's printed columns."""
    wanted = [c.key for c in PRINTED_COLUMNS[list_key]]
    where = f"{path}: [columns] {list_key}"
    if not isinstance(specs, list) or not all(isinstance(s, dict) and "key" in s and "width" in s for s in specs):
        raise DutydocsError(f"{where} 应是 {{ key = …, width = … }} 的列表（参见项目自带的 templates/layout.toml）")
    widths = {spec["key"]: spec["width"] for spec in specs}
    for spec in specs:
        if spec["key"] not in wanted:
            raise DutydocsError(
                f"{where} 中的列 {spec['key']} 不属于{LIST_TITLES[list_key]}（该清单的列：{', '.join(wanted)}）"
            )
        if "label" in spec:
            raise DutydocsError(f"{where} 中的列 {spec['key']} 不能设置 label：各格式的表头相同，由 dutydocs 规定")
    if absent := [key for key in wanted if key not in widths]:
        raise DutydocsError(f"{where} 缺少列 {', '.join(absent)} 的宽度")
    return widths
