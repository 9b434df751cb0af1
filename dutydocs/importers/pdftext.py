"""Import a duty list from the text pdftotext extracts from its PDF, then apply reviewed corrections.

The extracted text carries artefacts of the PDF that are not content: page footers
(``第 N 页，共 M 页``), a leading space on the first line of most pages, table headers repeated on
every page, lines wrapped at the column width (often with a blank line after the first line of a
cell paragraph) and the repeated number, category, name and departments of a row split over two
pages. The importer removes those, then reads each list's rows into the model.

The table cells of the cooperative list come out column by column: name, departments, then the
上级部门职责 cell and the 镇配合职责 cell. Where the two duty cells meet, where a department name
ends, and whether a short line is a heading are decided by the rules below; where the rules guess
wrong, the corrections file (``*.corrections.json``, reviewed by a person) says what is right, so
the canonical source is exactly import + corrections.

No place is written into the rules: the areas that begin department names (某某区, 某某市) are
learned from the document, and a user may list department names (``--departments FILE`` or the
corrections file's ``departments``). The result is validated like any source and against the
counts the explanation states; an incomplete reading is refused, saying what was found and what
is missing, and nothing is written.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..edition import LIST_TITLES, PRINTED_COLUMNS, TAKEOVER_LABEL
from ..errors import DutydocsError, UsageMistake
from ..ids import assign_ids
from ..model import (
    BasicItem,
    CooperativeItem,
    Document,
    Duties,
    DutyList,
    Entry,
    Explanation,
    Revision,
    Section,
    WithdrawnItem,
)
from ..outputs import os_reason
from ..source import load
from .common import ids_from, validate

FOOTER = re.compile(r"^\s*第\s*\d+\s*页，共\s*\d+\s*页\s*$")
BASIC_HEADER, WITHDRAWN_HEADER = (
    re.compile(rf"^\s*{' '.join(c.label for c in PRINTED_COLUMNS[key])}\s*$") for key in ("basic", "withdrawn")
)
COOPERATIVE_HEADER = ["序号", "事项", "类别", "事项名称", "对应上级", "部门", "上级部门职责 镇配合职责"]
ROW_START = re.compile(r"^\s*(\d{1,4}) (\S+)(?: (.+))?$")
POINT = re.compile(r"^(\d{1,2})[.．、](?!\d)\s*")
TOPIC = re.compile(r"^[一二三四五六七八九十]+、")
SECTION_HEADING = re.compile(r"^[一二三四五六七八九十]+、\S{2,12}$")
AREA_LEVELS = "省市区县旗州盟"
"""The last character of the name of an administrative area: 某某市, 某某区, 某某县…"""
LEVEL_PREFIX = r"自治区|市(?!场)"
"""A department of the next level up may be named by its level alone: 市交通运输局, 自治区…"""
SHORT_CELL = 6  # the department column holds at most this many characters a line
AREA_REPEATS = 3  # an area name that begins this many short lines is one the document uses for its departments
DEPARTMENT_SUFFIX = "部委局办室会队院所站心团社行司处科组庭联协台门"
END_PUNCTUATION = "。；！？"
SHORT_LINE = 12  # a cell line this short that does not end a sentence is a heading, not a wrap
CJK = r"\u3400-\u9fff\uf900-\ufaff"
CJK_PUNCT = "，。、；：？！（）《》“”‘’—…"
# Word puts extra space between Chinese and Latin text; pdftotext turns that gap into a space.
AUTOSPACE = re.compile(
    rf"(?<=[{CJK}{CJK_PUNCT}])[ \u00a0]+(?=[0-9A-Za-z])|(?<=[0-9A-Za-z%])[ \u00a0]+(?=[{CJK}{CJK_PUNCT}])"
)


def clean(text: str) -> str:
    """Return a line of content without the spaces that are artefacts of extraction."""
    return AUTOSPACE.sub("", text.strip())


def join(lines) -> str:
    """Join wrapped lines into one text: Chinese wraps carry no space."""
    return "".join(clean(line) for line in lines if line.strip())


# --- corrections ------------------------------------------------------------------------------


@dataclass
class ItemCorrection:
    """What a reviewer decided about one item; every field is optional."""

    reason: str = ""
    fields: dict = field(default_factory=dict)  # name, category, department, takeover, note, departments
    town_duties_start: list = field(default_factory=list)  # per page fragment: first text of 镇配合职责
    headings: list = field(default_factory=list)  # lines that are headings
    not_headings: list = field(default_factory=list)  # lines that are not headings
    breaks: list = field(default_factory=list)  # lines that start a new paragraph
    joins: list = field(default_factory=list)  # lines that continue the previous paragraph


@dataclass
class Corrections:
    items: dict[str, ItemCorrection] = field(default_factory=dict)
    explanation_breaks: list = field(default_factory=list)
    document: dict = field(default_factory=dict)
    departments: list = field(default_factory=list)  # department names, as --departments lists them

    def item(self, key: str, no: int) -> ItemCorrection:
        return self.items.get(f"{key}/{no}", ItemCorrection())

    @classmethod
    def load(cls, path: Path | None) -> Corrections:
        if path is None:
            return cls()
        try:
            data = json.loads(Path(path).read_text("utf-8"))
        except OSError as exc:
            raise DutydocsError(f"{path}: 无法读取校正文件：{os_reason(exc)}（请检查路径与权限）") from None
        except json.JSONDecodeError as exc:
            raise DutydocsError(f"{path}:{exc.lineno}:{exc.colno}: 校正文件不是有效的 JSON（请检查此处）") from None
        except ValueError:
            raise DutydocsError(f"{path}: 校正文件不是 UTF-8 文本（请用 UTF-8 编码另存）") from None
        items = {}
        known = set(ItemCorrection.__dataclass_fields__)
        for key, raw in data.get("items", {}).items():
            unknown = set(raw) - known
            if unknown:
                raise DutydocsError(f"{path}: items/{key} 有未知字段 {sorted(unknown)}（可用：{sorted(known)}）")
            items[key] = ItemCorrection(**raw)
        return cls(items, data.get("explanation_breaks", []), data.get("document", {}), data.get("departments", []))


# --- departments ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Departments:
    """How this document's department names begin: the areas it names, and names a user listed.

    No place is known in advance. The areas are read from the document itself: an area name
    (ending 市, 区, 县…) that begins several short lines is the prefix of its departments, as
    the department column's narrow lines start 某某区委组/织部, 某某市自然/资源局. Names a user lists
    (the corrections file's "departments", or --departments FILE) are recognised as they are.
    """

    areas: tuple[str, ...] = ()
    names: tuple[str, ...] = ()

    @classmethod
    def learn(cls, lines: list[str], names=()) -> Departments:
        counts: Counter = Counter()
        for line in lines:
            line = line.strip()
            if len(line) <= SHORT_CELL:
                counts.update(line[:n] for n in range(3, len(line) + 1) if line[n - 1] in AREA_LEVELS)
        found = [area for area, count in counts.items() if count >= AREA_REPEATS]
        areas = [a for a in found if not any(a != b and a.startswith(b) for b in found)]
        return cls(tuple(sorted(areas, key=len, reverse=True)), tuple(n.strip() for n in names if n.strip()))

    def _prefix(self) -> re.Pattern:
        return re.compile("^(" + "|".join([re.escape(a) for a in self.areas] + [LEVEL_PREFIX]) + ")")

    def starts(self, line: str) -> bool:
        """Whether a line of the department column begins a department."""
        return bool(self._prefix().match(line)) or (
            len(line) >= 2 and any(name.startswith(line) or line.startswith(name) for name in self.names)
        )

    def continues(self, previous: str, line: str) -> bool:
        """某某市自然资源局 + 某某区分局: a city bureau's branch in the district is one department."""
        cities = [a for a in self.areas if a.endswith("市")] + ["市"]
        districts = [a for a in self.areas if not a.endswith(("市", "省"))]
        return (
            previous.startswith(tuple(cities))
            and line.startswith(tuple(districts))
            and line.endswith(("分局", "大队", "支队"))
        )


def read_department_list(path: Path | None) -> list[str]:
    """Return the department names of a --departments file: one a line, blank lines ignored."""
    if path is None:
        return []
    try:
        return [line.strip() for line in Path(path).read_text("utf-8-sig").splitlines() if line.strip()]
    except (OSError, UnicodeDecodeError) as exc:
        raise DutydocsError(f"{path}: 无法读取部门名称表（应为 UTF-8 文本，一行一个部门）：{exc}") from None


# --- the import -------------------------------------------------------------------------------


def import_text(
    path: Path,
    corrections_path: Path | None = None,
    base: Path | None = None,
    departments: Path | None = None,
    revision_date: str | None = None,
    revision_label: str | None = None,
) -> Document:
    """Read pdftotext output of a duty list PDF and return the document.

    The revision date is revision_date, else the corrections file's ``document.revision_date``,
    else the date of the base source; never the day of the import, so an import is repeatable.
    """
    try:
        text = Path(path).read_text("utf-8-sig")
    except OSError as exc:
        raise DutydocsError(f"{path}: 无法读取 PDF 提取文本：{os_reason(exc)}（请检查路径与权限）") from None
    except UnicodeDecodeError:
        raise DutydocsError(
            f"{path}: PDF 提取文本不是 UTF-8 编码（请用 pdftotext 重新提取，或用 UTF-8 编码另存）"
        ) from None
    corrections = Corrections.load(corrections_path)
    meta = corrections.document
    date = revision_date or meta.get("revision_date")
    if not date and base is not None:
        date = load(base).revision.date
    label = meta.get("revision_label", "") if revision_label is None else revision_label
    doc = parse(
        text,
        corrections,
        source_name=str(path),
        revision=Revision(date or "", label),
        departments=read_department_list(departments),
    )
    if base is not None:
        doc = ids_from(load(base), doc)
        if corrections.document.get("id_prefix"):
            doc, _ = assign_ids(doc, corrections.document["id_prefix"])
    validate(doc if date else replace(doc, revision=Revision("2000-01-01", label)), str(path))
    if not date:
        raise UsageMistake(
            "导入需要修订日期：请用 --date 年-月-日 指定（或在校正文件 document 中写 revision_date，"
            "或用 --base 指定上一版源文件）"
        )
    return replace(doc, provenance=meta.get("provenance") or f"dutydocs import 导入自 PDF 提取文本 {Path(path).name}")


def parse(
    text: str,
    corrections: Corrections | None = None,
    source_name: str = "<text>",
    revision: Revision | None = None,
    departments=(),
) -> Document:
    """Return the document read from extracted text (revision: default from the corrections)."""
    corrections = corrections or Corrections()
    lines = [line.rstrip() for line in text.splitlines() if not FOOTER.match(line)]
    parts = split_parts(lines, source_name)
    known = Departments.learn(
        parts["cooperative"] + parts["withdrawn"], list(corrections.departments) + list(departments)
    )
    explanation = parse_explanation(parts["explanation"], corrections)
    basic = parse_basic(strip_headers(parts["basic"]), corrections)
    basic_categories = {item.category for item in basic}
    cooperative = parse_cooperative(strip_headers(parts["cooperative"]), corrections, basic_categories, known)
    withdrawn = parse_withdrawn(strip_headers(parts["withdrawn"]), corrections, known)
    meta = corrections.document
    title = meta.get("title") or _guess_title(explanation)
    doc = Document(
        title=title,
        township=meta.get("township") or title.split("履职事项清单")[0] or title,
        region=meta.get("region", ""),
        revision=revision or Revision(meta.get("revision_date", ""), meta.get("revision_label", "")),
        explanation=explanation,
        lists=(
            DutyList("basic", LIST_TITLES["basic"], tuple(basic)),
            DutyList("cooperative", LIST_TITLES["cooperative"], tuple(cooperative)),
            DutyList("withdrawn", LIST_TITLES["withdrawn"], tuple(withdrawn)),
        ),
    )
    if meta.get("id_prefix"):
        doc, _ = assign_ids(doc, meta["id_prefix"])
    return doc


def _guess_title(explanation: Explanation) -> str:
    for section in explanation.sections:
        for paragraph in section.paragraphs:
            m = re.search(r"形成(\S{2,12}?履职事项清单)", paragraph)
            if m:
                return m.group(1)
    return "履职事项清单"


def split_parts(lines: list[str], source_name: str) -> dict[str, list[str]]:
    """Split the text at the three list titles."""
    starts = {}
    for index, line in enumerate(lines):
        for key, title in LIST_TITLES.items():
            if line.strip() == title and key not in starts:
                starts[key] = index
    missing = [LIST_TITLES[k] for k in LIST_TITLES if k not in starts]
    if missing:
        raise DutydocsError(f"{source_name}: 找不到清单标题 {'、'.join(missing)}（应单独成行）")
    b, c, w = starts["basic"], starts["cooperative"], starts["withdrawn"]
    return {
        "explanation": lines[:b],
        "basic": lines[b + 1 : c],
        "cooperative": lines[c + 1 : w],
        "withdrawn": lines[w + 1 :],
    }


def strip_headers(lines: list[str]) -> list[str]:
    """Drop the table headers that repeat on every page."""
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if BASIC_HEADER.match(line) or WITHDRAWN_HEADER.match(line):
            index += 1
            continue
        window = [x.strip() for x in lines[index : index + 2 * len(COOPERATIVE_HEADER)] if x.strip()]
        if window[: len(COOPERATIVE_HEADER)] == COOPERATIVE_HEADER:
            seen = 0
            while seen < len(COOPERATIVE_HEADER):
                if lines[index].strip():
                    seen += 1
                index += 1
            continue
        out.append(line)
        index += 1
    return out


# --- explanation ------------------------------------------------------------------------------


def parse_explanation(lines: list[str], corrections: Corrections) -> Explanation:
    content = [clean(line) for line in lines if line.strip()]
    title = re.sub(r"\s+", "", content[0]) if content else "说明"
    width = max((len(line) for line in content[1:]), default=0)
    sections: list[tuple[str, list[list[str]]]] = []
    for line in content[1:]:
        if SECTION_HEADING.match(line):
            sections.append((line, []))
            continue
        if not sections:
            sections.append(("", []))
        paragraphs = sections[-1][1]
        starts_new = (
            not paragraphs
            or (paragraphs[-1][-1].endswith("。") and len(paragraphs[-1][-1]) < width - 3)
            or any(line.startswith(b) for b in corrections.explanation_breaks)
        )
        if starts_new:
            paragraphs.append([line])
        else:
            paragraphs[-1].append(line)
    return Explanation(title, tuple(Section(h, tuple("".join(p) for p in ps)) for h, ps in sections))


# --- rows -------------------------------------------------------------------------------------


@dataclass
class Row:
    no: int
    category: str
    rest: str | None
    fragments: list[list[str]]  # the lines of each page fragment, first line excluded


def split_rows(lines: list[str]) -> list[Row]:
    """Split a list's lines into rows at "N 类别" lines numbered in sequence; a repeated number is a continuation."""
    rows: list[Row] = []
    for line in lines:
        m = ROW_START.match(line)
        if m:
            no = int(m.group(1))
            expected = rows[-1].no + 1 if rows else 1
            if no == expected:
                rows.append(Row(no, m.group(2), m.group(3), [[]]))
                continue
            if rows and no == rows[-1].no and m.group(2) == rows[-1].category:
                rows[-1].fragments.append([])
                continue
        if rows:
            rows[-1].fragments[-1].append(line)
    return rows


def parse_basic(lines: list[str], corrections: Corrections) -> list[BasicItem]:
    items = []
    for row in split_rows(lines):
        name = join(([row.rest] if row.rest else []) + row.fragments[0])
        item = BasicItem(no=row.no, category=row.category, name=name)
        items.append(_apply_fields(item, corrections.item("basic", row.no)))
    return items


def parse_withdrawn(lines: list[str], corrections: Corrections, known: Departments) -> list[WithdrawnItem]:
    items = []
    for row in split_rows(lines):
        body = [clean(x) for x in row.fragments[0] if x.strip()]
        name_lines, department, takeover, note = [], None, [], []
        if row.rest:
            name, _, tail = row.rest.partition(" ")
            name_lines = [name]
            if tail:
                note.append(tail)
        state = "name" if not row.rest else "after-name"
        for line in body:
            if line.startswith(TAKEOVER_LABEL):
                state = "takeover"
                takeover.append(line[len(TAKEOVER_LABEL) :])
            elif state == "takeover":
                takeover.append(line)
            elif known.starts(line) and department is None and state != "note":
                department = line
                state = "department"
            elif state == "name":
                name_lines.append(line)
            else:
                note.append(line)
                state = "note"
        item = WithdrawnItem(
            no=row.no,
            category=row.category,
            name=join(name_lines),
            department=department,
            takeover=join(takeover) or None,
            note=join(note) or None,
        )
        items.append(_apply_fields(item, corrections.item("withdrawn", row.no)))
    return items


def _apply_fields(item, correction: ItemCorrection):
    if not correction.fields:
        return item
    values = dict(correction.fields)
    if "departments" in values:
        values["departments"] = tuple(values["departments"])
    return replace(item, **values)


# --- the cooperative list ---------------------------------------------------------------------


def parse_cooperative(
    lines: list[str], corrections: Corrections, categories: set[str], known: Departments
) -> list[CooperativeItem]:
    items = []
    for row in split_rows(lines):
        correction = corrections.item("cooperative", row.no)
        department_entries: list[Entry] = []
        town_entries: list[Entry] = []
        header = None
        for index, fragment in enumerate(row.fragments):
            category, name, departments, duty_lines = _split_row_cells(row, fragment, categories, known)
            if header is None:
                header = (category, name, departments)
            starts = correction.town_duties_start
            start = starts[index] if index < len(starts) else None
            first, second = _split_duties(parse_entries(duty_lines, correction), start)
            department_entries.extend(first)
            town_entries.extend(second)
        assert header is not None  # split_rows gives every row a first fragment
        category, name, departments = header
        item = CooperativeItem(
            no=row.no,
            category=category,
            name=name,
            departments=tuple(departments),
            department_duties=Duties(tuple(department_entries)),
            town_duties=Duties(tuple(town_entries)),
        )
        items.append(_apply_fields(item, correction))
    return items


def _split_row_cells(row: Row, fragment: list[str], categories: set[str], known: Departments):
    """Return category, name, departments and the duty lines of one page fragment of a row."""
    lines = [clean(x) for x in fragment if x.strip()]
    category = row.category
    name_lines = [row.rest] if row.rest else []
    index = 0
    if category not in categories and lines and (category + lines[0] in categories or len(lines[0]) <= 3):
        category += lines[0]  # a category wrapped in its narrow column: 文化和/旅游, 应急管理/及消防
        index = 1
    while index < len(lines) and not known.starts(lines[index]):
        name_lines.append(lines[index])
        index += 1
    departments: list[str] = []
    while index < len(lines):
        line = lines[index]
        if len(line) > 6 or POINT.match(line) or TOPIC.match(line):
            break
        if departments and known.continues(departments[-1], line):
            departments[-1] += line
        elif not departments or (known.starts(line) and departments[-1][-1] in DEPARTMENT_SUFFIX):
            if departments and not known.starts(line):
                break
            departments.append(line)
        elif departments[-1][-1] not in DEPARTMENT_SUFFIX or (
            line[-1] in DEPARTMENT_SUFFIX and not line.startswith("区")
        ):
            departments[-1] += line
        else:
            unprefixed = _unprefixed_department(lines, index)
            if not unprefixed:
                break
            departments.append("".join(lines[index : index + unprefixed]))
            index += unprefixed
            continue
        index += 1
    return category, "".join(name_lines), departments, lines[index:]


@dataclass
class RawEntry:
    """An entry as printed: a point keeps its printed number until the cell is split."""

    kind: str
    text: str
    number: int | None = None
    last_line: str = ""

    def add(self, line: str) -> None:
        self.text += line
        self.last_line = line

    def complete(self) -> bool:
        """Whether the entry has ended: closing punctuation, or a short last line (a heading)."""
        if not self.text:  # a bare "1." line: the point's text is on the next line
            return False
        if self.text[-1] in END_PUNCTUATION:
            return True
        if self.kind == "heading" and TOPIC.match(self.text):
            return len(self.last_line) < SHORT_LINE + 4
        return len(self.last_line) <= SHORT_LINE and self.text[-1] not in "，、：（《“"


def _unprefixed_department(lines: list[str], index: int) -> int:
    """Return how many short lines from index make a department without an area prefix (负有安全监/管职责的其/他部门)."""
    text = ""
    for count, line in enumerate(lines[index : index + 4], start=1):
        if len(line) > 5 or line.startswith("区") or re.search(r"[，。、；：]", line):
            return 0
        text += line
        if count > 1 and text[-1] in DEPARTMENT_SUFFIX + "门":
            return count
    return 0


def parse_entries(lines: list[str], correction: ItemCorrection) -> list[RawEntry]:
    """Read a duty cell's lines as headings, points and paragraphs."""
    entries: list[RawEntry] = []

    def starts_with_any(line, prefixes):
        return any(line.startswith(p) for p in prefixes)

    for line in lines:
        previous = entries[-1] if entries else None
        point = POINT.match(line) or _undotted_point(line, previous)
        if previous and starts_with_any(line, correction.joins):
            previous.add(line)
        elif point:
            entries.append(RawEntry("point", line[point.end() :], int(point.group(1)), line))
        elif TOPIC.match(line) or starts_with_any(line, correction.headings):
            entries.append(RawEntry("heading", line, last_line=line))
        elif previous is None or starts_with_any(line, correction.breaks) or previous.complete():
            entries.append(RawEntry("paragraph", line, last_line=line))
        else:
            previous.add(line)
    # a short paragraph without closing punctuation that more text follows is a heading (灾中救助, 区卫健委)
    for entry in entries[:-1]:
        if (
            entry.kind == "paragraph"
            and _looks_like_heading(entry.text)
            and not starts_with_any(entry.text, correction.not_headings)
        ):
            entry.kind = "heading"
    return entries


def _undotted_point(line: str, previous: RawEntry | None):
    """A point printed without its dot ("2区教育局…") when 2 is the next number and the last point ended."""
    m = re.match(r"^(\d{1,2})(?=[\u4e00-\u9fff])", line)
    if (
        m
        and previous is not None
        and previous.kind == "point"
        and previous.number is not None
        and int(m.group(1)) == previous.number + 1
        and previous.text.endswith(tuple(END_PUNCTUATION))
    ):
        return m
    return None


def _looks_like_heading(text: str) -> bool:
    return 0 < len(text) <= 16 and text[-1] not in END_PUNCTUATION + "，、：" and not POINT.match(text)


def _split_duties(entries: list[RawEntry], town_start: str | None) -> tuple[list[Entry], list[Entry]]:
    """Split a fragment's entries into the 上级部门职责 part and the 镇配合职责 part."""
    index = _town_index(entries, town_start)
    convert = lambda part: [Entry(e.kind, e.text) for e in part]  # noqa: E731
    return convert(entries[:index]), convert(entries[index:])


def _town_index(entries: list[RawEntry], town_start: str | None) -> int:
    if town_start is not None:
        if town_start == "":
            return len(entries)
        for index, entry in enumerate(entries):
            printed = f"{entry.number}.{entry.text}" if entry.kind == "point" else entry.text
            if printed.startswith(town_start) or entry.text.startswith(town_start):
                return index
        raise DutydocsError(f"校正文件中的 town_duties_start “{town_start}” 在该事项中找不到")
    # the town's cell repeats the topic headings of the department's cell: 一、… again
    topics = [i for i, e in enumerate(entries) if e.kind == "heading" and TOPIC.match(e.text)]
    if topics:
        numeral = entries[topics[0]].text.split("、")[0]
        again = [i for i in topics[1:] if entries[i].text.split("、")[0] == numeral]
        if again:
            return again[0]
        # the department's cell has department headings only; the town's opens with 一、
        if topics[0] > 0 and numeral == "一":
            return topics[0]
    # otherwise a point whose printed number breaks the running count starts the town's cell
    expected = 1
    for index, entry in enumerate(entries):
        if entry.kind == "heading":
            expected = 1
        elif entry.kind == "point":
            if entry.number != expected and index > 0:
                return index
            expected += 1
    # under a department heading, a paragraph then points from 1: the points are the town's
    for index in range(1, len(entries)):
        entry, before = entries[index], entries[index - 1]
        if entry.kind == "point" and entry.number == 1 and before.kind == "paragraph":
            block_start = max((i for i in range(index) if entries[i].kind == "heading"), default=-1)
            if all(e.kind == "paragraph" for e in entries[block_start + 1 : index]):
                return index
    # points, then only paragraphs: the paragraphs are the town's cell
    last_point = max((i for i, e in enumerate(entries) if e.kind == "point"), default=None)
    if (
        last_point is not None
        and last_point + 1 < len(entries)
        and all(e.kind == "paragraph" for e in entries[last_point + 1 :])
        and entries[last_point].text.endswith("。")
    ):
        return last_point + 1
    # nothing but paragraphs: the last one is the town's
    if len(entries) >= 2 and all(e.kind == "paragraph" for e in entries):
        return len(entries) - 1
    return len(entries)
