"""What a reviewer checks by hand: numbering, stated counts, duplicates, punctuation and likely typos."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from .errors import Problem, SourceError
from .model import CooperativeItem, Document, WithdrawnItem
from .source import from_data, locate, parse_json, problems_in_data, read_text, to_pointer
from .stated import stated_counts

CJK = "\u3400-\u9fff\uf900-\ufaff"


def check_file(path: Path) -> list[Problem]:
    """Return every problem in one source file, errors and warnings, in document order."""
    name = str(path)
    try:
        text = read_text(Path(path))
        data = parse_json(text, name)
    except SourceError as exc:
        return [Problem("error", name, exc.message.removeprefix(name + ":").lstrip(": "), code="read")]
    problems = problems_in_data(data, text, name)
    if problems:
        return problems
    doc = from_data(data)
    checker = _Checker(doc, text, name)
    checker.run()
    return checker.problems


def load_checked(path: Path):
    """Return (document, warnings) for a source without errors; raise SourceError listing the errors."""
    problems = check_file(path)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise SourceError(f"{path}: 源文件有 {len(errors)} 处错误，未生成任何文件", errors)
    text = read_text(Path(path))
    return from_data(parse_json(text, str(path))), [p for p in problems if p.severity == "warning"]


class _Checker:
    def __init__(self, doc: Document, text: str, name: str):
        self.doc, self.text, self.name = doc, text, name
        self.problems: list[Problem] = []

    def add(self, severity: str, path: list, message: str, hint: str = "", code: str = "") -> None:
        line, column = locate(self.text, path)
        if len(path) > 3 and path[0] == "lists" and code != "numbering":  # say which item, as a reader counts
            message = f"{self.doc.list(path[1]).title}第 {path[3] + 1} 项：{message}"
        self.problems.append(Problem(severity, self.name, message, to_pointer(path), line, column, hint, code))

    def run(self) -> None:
        self.numbering()
        self.ids()
        self.duplicates()
        self.stated_counts()
        self.punctuation()
        self.typos()

    # -- numbering and identity ---------------------------------------------------------------

    def numbering(self) -> None:
        for duty_list in self.doc.lists:
            for index, item in enumerate(duty_list.items):
                if item.no != index + 1:
                    self.add(
                        "error",
                        ["lists", duty_list.key, "items", index, "no"],
                        f"{duty_list.title}第 {index + 1} 项的序号是 {item.no}，应为 {index + 1}",
                        "序号应从 1 起连续；插入或删除事项后请重新编号",
                        code="numbering",
                    )

    def ids(self) -> None:
        seen: dict[str, tuple[str, int]] = {}
        for duty_list in self.doc.lists:
            for index, item in enumerate(duty_list.items):
                if item.id is None:
                    continue
                if item.id in seen:
                    other_list, other_index = seen[item.id]
                    self.add(
                        "error",
                        ["lists", duty_list.key, "items", index, "id"],
                        f"id “{item.id}” 与{self.doc.list(other_list).title}第 {other_index + 1} 项重复",
                        "每个事项的 id 必须唯一；新事项请删去 id 后运行 dutydocs ids",
                        code="id",
                    )
                else:
                    seen[item.id] = (duty_list.key, index)

    def duplicates(self) -> None:
        seen: dict[str, tuple[str, int]] = {}
        for duty_list in self.doc.lists:
            for index, item in enumerate(duty_list.items):
                key = re.sub(r"\s+", "", item.name)
                if key in seen:
                    other_list, other_index = seen[key]
                    where = "本清单" if other_list == duty_list.key else self.doc.list(other_list).title
                    self.add(
                        "warning",
                        ["lists", duty_list.key, "items", index, "name"],
                        f"事项名称与{where}第 {other_index + 1} 项相同：{item.name[:30]}",
                        "同一事项不应出现两次或同时出现在两个清单中",
                        code="duplicate",
                    )
                else:
                    seen[key] = (duty_list.key, index)

    # -- the counts the explanation states ------------------------------------------------------

    def stated_counts(self) -> None:
        for duty_list in self.doc.lists:
            departments = _departments(duty_list)
            actual = {"类别": len(duty_list.categories()), "事项": len(duty_list.items), "部门": len(departments)}
            for stated in stated_counts(self.doc.explanation, duty_list.title):
                if stated.number == actual[stated.what]:
                    continue
                hint = "请核对说明中的数字或清单内容"
                if stated.what == "部门":
                    hint += f"；清单中的部门：{'、'.join(departments)}"
                elif stated.what == "类别":
                    hint += f"；清单中的类别：{'、'.join(duty_list.categories())}"
                self.add(
                    "warning",
                    ["explanation", "sections", stated.section, "paragraphs", stated.paragraph],
                    f"说明称{duty_list.title}有 {stated.number} 个{stated.what}，清单中实际为 {actual[stated.what]} 个",
                    hint,
                    code="count",
                )

    # -- proof-reading ------------------------------------------------------------------------

    def punctuation(self) -> None:
        for path, value in self.texts():
            for message, hint in _punctuation_findings(value):
                self.add("warning", path, message, hint, code="punctuation")

    def texts(self):
        """Yield (path, text) of every text a reader sees."""
        explanation = self.doc.explanation
        for s, section in enumerate(explanation.sections):
            yield ["explanation", "sections", s, "heading"], section.heading
            for p, paragraph in enumerate(section.paragraphs):
                yield ["explanation", "sections", s, "paragraphs", p], paragraph
        for duty_list in self.doc.lists:
            for i, item in enumerate(duty_list.items):
                base = ["lists", duty_list.key, "items", i]
                yield [*base, "category"], item.category
                yield [*base, "name"], item.name
                if isinstance(item, CooperativeItem):
                    for d, department in enumerate(item.departments):
                        yield [*base, "departments", d], department
                    for cell in ("department_duties", "town_duties"):
                        for e, entry in enumerate(getattr(item, cell).entries):
                            yield [*base, cell, e, entry.kind], entry.text
                elif isinstance(item, WithdrawnItem):
                    for field in ("department", "takeover", "note"):
                        if getattr(item, field):
                            yield [*base, field], getattr(item, field)

    def typos(self) -> None:
        """A withdrawn item's 承接方式 usually repeats its name; a one-character difference is worth a look."""
        for index, item in enumerate(self.doc.list("withdrawn").items):
            if not isinstance(item, WithdrawnItem) or not item.takeover:
                continue
            for old, new in _small_differences(item.name, item.takeover):
                self.add(
                    "warning",
                    ["lists", "withdrawn", "items", index, "name"],
                    f"名称“…{old}…”与承接方式“…{new}…”用字不同，可能有错别字",
                    "请核对原文；dutydocs 不会自动修改",
                    code="typo",
                )


def _departments(duty_list) -> list[str]:
    names: dict[str, None] = {}
    for item in duty_list.items:
        if isinstance(item, CooperativeItem):
            names.update(dict.fromkeys(item.departments))
        elif isinstance(item, WithdrawnItem) and item.department:
            names[item.department] = None
    return list(names)


_PAIRS = [
    ("（", "）", "括号"),
    ("《", "》", "书名号"),
    ("“", "”", "引号"),
    ("(", ")", "半角括号"),
    ("【", "】", "方头括号"),
]
_DOUBLED = re.compile(r"([，。、；：！？])\1|[，、；：][。，、；：]|。[，、；]")
_HALF_WIDTH = re.compile(rf"(?<=[{CJK}])[,;:?!()]|[,;:?!()](?=[{CJK}])")
_SPACE = re.compile(rf"(?<=[{CJK}，。、；：（）“”《》])[ \u3000]+(?=[{CJK}，。、；：（）“”《》])")


def _punctuation_findings(text: str):
    if text != text.strip():
        yield "首尾有多余空格", "请删除"
    m = _DOUBLED.search(text)
    if m:
        yield f"标点重复或连用：“{_context(text, m.start())}”", "请删去多余的标点"
    for opening, closing, what in _PAIRS:
        if text.count(opening) != text.count(closing):
            place = _context(text, max(text.rfind(opening), text.rfind(closing)))
            yield (
                f"{what}不成对：前{what} {opening} 有 {text.count(opening)} 个，后{what} {closing} 有 "
                f"{text.count(closing)} 个，见“{place}”",
                "请补全或删去",
            )
    if re.search(r'"', text):
        yield f"使用了半角引号：“{_context(text, text.index(chr(34)))}”", "中文文本应使用全角引号“”"
    m = _HALF_WIDTH.search(text)
    if m:
        yield f"中文中使用了半角标点 “{m.group()}”：“{_context(text, m.start())}”", "应使用全角标点"
    m = _SPACE.search(text)
    if m:
        yield f"中文之间有空格：“{_context(text, m.start())}”", "请删去空格"


def _context(text: str, index: int, width: int = 8) -> str:
    return text[max(0, index - width) : index + width + 1]


def _small_differences(name: str, takeover: str):
    """Yield (name part, takeover part) for one- or two-character differences inside matching text."""
    body = re.sub(r"^(负责|会负责)?对?", "", takeover)
    matcher = difflib.SequenceMatcher(None, name, body, autojunk=False)
    if matcher.ratio() < 0.85:
        return
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal" or max(a2 - a1, b2 - b1) > 2 or a1 == 0 or a2 >= len(name):
            continue
        if op == "insert" and (b2 - b1) > 1:
            continue
        yield name[max(0, a1 - 3) : a2 + 3], body[max(0, b1 - 3) : b2 + 3]
