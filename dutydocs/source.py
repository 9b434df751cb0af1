"""Read, validate and write the canonical JSON source of a duty list."""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import Problem, SourceError
from .model import (
    LIST_KEYS,
    BasicItem,
    CooperativeItem,
    Document,
    Duties,
    DutyList,
    Entry,
    Explanation,
    Item,
    ListKey,
    Revision,
    Section,
    WithdrawnItem,
)

MAX_SOURCE_BYTES = 64 * 1024 * 1024
"""A township list is well under 1 MiB; anything past this is not a duty list."""

SCHEMA_NAME = "source.schema.json"


@lru_cache(maxsize=1)
def schema() -> dict:
    """Return the JSON Schema of the source format shipped in the package."""
    return json.loads(resources.files("dutydocs").joinpath("schema").joinpath(SCHEMA_NAME).read_text("utf-8"))


# --- reading -----------------------------------------------------------------------------------


def read_text(path: Path) -> str:
    """Return the text of a source file, or raise SourceError saying what is wrong with it."""
    name = str(path)
    if not path.exists():
        raise SourceError(f"{name}: 文件不存在（请检查路径）")
    if path.is_dir():
        raise SourceError(f"{name}: 这是一个文件夹，不是源文件（请给出 .json 文件）")
    try:
        size = path.stat().st_size
        if size > MAX_SOURCE_BYTES:
            raise SourceError(
                f"{name}: 文件过大（{size // (1024 * 1024)} MiB，上限 {MAX_SOURCE_BYTES // (1024 * 1024)} MiB），不像是履职事项清单源文件"
            )
        raw = path.read_bytes()
    except PermissionError:
        raise SourceError(f"{name}: 无权读取此文件（请检查文件权限）") from None
    except OSError as exc:
        raise SourceError(f"{name}: 无法读取：{exc.strerror or exc}") from None
    if not raw.strip():
        raise SourceError(f"{name}: 文件是空的（源文件应为 JSON 对象，参见 README）")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # a UTF-8 BOM, as Windows Notepad writes it: accepted
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        hint = "请用 UTF-8 编码另存此文件"
        try:
            raw.decode("gb18030")
            what = "文件似乎是 GBK/GB18030 编码，dutydocs 只读 UTF-8"
        except UnicodeDecodeError:
            what = "文件不是有效的 UTF-8 文本"
        raise SourceError(f"{name}:{line}: {what}（{hint}）") from None


def parse_json(text: str, name: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(
            f"{name}:{exc.lineno}:{exc.colno}: JSON 格式错误：{_json_message(exc.msg)}（请检查此处附近的括号、引号和逗号）"
        ) from None
    except RecursionError:
        raise SourceError(f"{name}: JSON 嵌套层数过深，不是履职事项清单源文件") from None


_JSON_MESSAGES = {
    "Expecting value": "此处缺少值",
    "Expecting property name enclosed in double quotes": "字段名必须用英文双引号括起",
    "Expecting ',' delimiter": "缺少逗号",
    "Expecting ':' delimiter": "缺少冒号",
    "Unterminated string starting at": "字符串没有结束引号",
    "Invalid control character at": "字符串中有控制字符",
    "Extra data": "JSON 结束后还有多余内容",
}


def _json_message(msg: str) -> str:
    for english, chinese in _JSON_MESSAGES.items():
        if msg.startswith(english):
            return f"{chinese}（{msg}）"
    return msg


def problems_in_data(data: Any, text: str, name: str) -> list[Problem]:
    """Return every schema violation and unusable character in the parsed source, all at once."""
    from jsonschema import Draft202012Validator

    if not isinstance(data, dict):
        return [
            Problem(
                "error",
                name,
                f"顶层应为 JSON 对象（{{…}}），实际是 {_json_type(data)}",
                pointer="",
                line=1,
                column=1,
                code="schema",
            )
        ]
    validator = Draft202012Validator(schema())
    problems = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        problems.extend(_schema_problems(error, text, name))
    problems.extend(_character_problems(data, text, name))
    if not problems:
        problems.extend(_date_problems(data, text, name))
    return problems


def _date_problems(data: dict, text: str, name: str) -> list[Problem]:
    """The revision date stamps every output; it must be a real date that Office formats can hold."""
    from datetime import date

    value = data["revision"]["date"]
    try:
        when = date.fromisoformat(value)
    except ValueError:
        when = None
    if when is None or not 1980 <= when.year <= 2099:
        line, column = locate(text, ["revision", "date"])
        return [
            Problem(
                "error",
                name,
                f"修订日期 {value} 无效",
                "/revision/date",
                line,
                column,
                "应为 1980—2099 年间的真实日期，如 2025-06-30",
                code="date",
            )
        ]
    return []


def _schema_problems(error, text: str, name: str) -> list[Problem]:
    if (
        error.validator in ("anyOf", "oneOf")
        and error.context
        and error.validator_value
        and not all("required" in option for option in error.validator_value)
    ):
        # report the most specific sub-error rather than "is not valid under any of the given schemas"
        best = min(error.context, key=lambda e: len(e.schema_path))
        return _schema_problems(best, text, name)
    pointer = to_pointer(error.absolute_path)
    path = list(error.absolute_path)
    if error.validator in ("additionalProperties", "unevaluatedProperties"):
        extra = re.findall(r"'([^']+)'", error.message)
        if extra:  # point at the unknown key itself, not at the object that holds it
            path.append(extra[0])
    line, column = locate(text, path)
    message, hint = _explain(error)
    return [Problem("error", name, message, pointer, line, column, hint, code="schema")]


def _explain(error) -> tuple[str, str]:
    v, value = error.validator, error.instance
    if v == "required":
        missing = [f for f in error.validator_value if not (isinstance(value, dict) and f in value)]
        field = missing[0] if missing else error.message
        return f"缺少字段 “{field}”", "请补上此字段，参见 dutydocs 的 JSON Schema"
    if v in ("additionalProperties", "unevaluatedProperties"):
        extra = re.findall(r"'([^']+)'", error.message)
        known = _known_fields(error.schema)
        guess = _closest(extra[0], known) if extra and known else None
        hint = f"是否应为 “{guess}”？" if guess else "请删除或改正此字段"
        return f"未知字段 “{'”、“'.join(extra) or error.message}”", hint
    if v == "type":
        return f"类型错误：应为 {_type_name(error.validator_value)}，实际是 {_json_type(value)}", ""
    if v == "const":
        return (
            f"值应为 {json.dumps(error.validator_value)}，实际是 {json.dumps(value, ensure_ascii=False)}",
            "此版本只读 schema_version 1",
        )
    if v in ("minLength", "pattern") and isinstance(value, str) and not value.strip():
        return "内容为空", "请填写内容或删除此项"
    if v == "pattern":
        return f"格式不对：{json.dumps(value, ensure_ascii=False)[:60]}", _PATTERN_WORDS.get(
            error.validator_value, "请参照 README 中的源文件格式改正"
        )
    if v == "minimum":
        return f"数值应不小于 {error.validator_value}，实际是 {value}", ""
    if v == "minItems":
        return "至少需要一项", ""
    if v in ("minProperties", "maxProperties"):
        return "每一条应恰好是 heading、point 或 paragraph 之一", '例如 {"point": "……"}'
    if v == "anyOf":
        return "上级部门收回事项应有承接部门（department）或说明（note）", ""
    return error.message, ""


_PATTERN_WORDS = {
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}$": "日期应写成 年-月-日：四位年份、两位月份、两位日子，用半角短横线连接，如 2025-06-30",
    "^[0-9A-Za-z][0-9A-Za-z._-]{0,63}$": "id 只能用英文字母、数字和 . _ -，以字母或数字开头，最长 64 个字符，如 ymg-0042",
}
"""What each pattern of the schema asks for, in words a clerk reads (never the regular expression)."""


def _known_fields(schema_part: dict) -> list[str]:
    fields = set(schema_part.get("properties", {}))
    ref = schema_part.get("$ref", "")
    if ref.startswith("#/$defs/"):
        fields |= set(schema()["$defs"][ref[8:]].get("properties", {}))
    return sorted(fields)


def _closest(word: str, candidates: list[str]) -> str | None:
    import difflib

    found = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return found[0] if found else None


def _type_name(t: str | list[str]) -> str:
    names = {
        "object": "对象 {…}",
        "array": "数组 […]",
        "string": "文本",
        "integer": "整数",
        "number": "数字",
        "boolean": "true/false",
        "null": "null",
    }
    return "或".join(names.get(x, x) for x in (t if isinstance(t, list) else [t]))


def _json_type(value) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "对象"
    if isinstance(value, list):
        return "数组"
    if isinstance(value, str):
        return f"文本 {json.dumps(value, ensure_ascii=False)[:40]}"
    if isinstance(value, int):
        return f"整数 {value}"
    if isinstance(value, float):
        return f"小数 {value}"
    return "null" if value is None else type(value).__name__


def _character_problems(data: Any, text: str, name: str) -> list[Problem]:
    """Characters no document format can carry: lone surrogates and control characters."""
    problems = []
    for path, value in _strings(data, []):
        bad = next((ch for ch in value if 0xD800 <= ord(ch) <= 0xDFFF), None)
        what = "孤立的代理字符（无效 Unicode）"
        if bad is None:
            bad = next((ch for ch in value if unicodedata.category(ch) == "Cc" and ch not in "\t"), None)
            what = "控制字符"
        if bad is not None:
            line, column = locate(text, path)
            problems.append(
                Problem(
                    "error",
                    name,
                    f"文本含{what} U+{ord(bad):04X}",
                    to_pointer(path),
                    line,
                    column,
                    "请删除此字符；它无法写入 Word、Excel 或 PDF",
                    code="character",
                )
            )
    return problems


def _strings(value, path):
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, [*path, key])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, [*path, index])


def load(path: str | Path) -> Document:
    """Read a source file, validate it and return the document; raise SourceError listing every problem."""
    path = Path(path)
    text = read_text(path)
    data = parse_json(text, str(path))
    problems = problems_in_data(data, text, str(path))
    if problems:
        raise SourceError(f"{path}: 源文件有 {len(problems)} 处错误，未生成任何文件", problems)
    return from_data(data)


def from_data(data: dict) -> Document:
    """Build the model from data that has passed the schema."""
    lists = tuple(_list_from_data(key, data["lists"][key]) for key in LIST_KEYS)
    explanation = data["explanation"]
    return Document(
        title=data["title"],
        township=data["township"],
        region=data.get("region", ""),
        revision=Revision(date=data["revision"]["date"], label=data["revision"].get("label", "")),
        explanation=Explanation(
            title=explanation["title"],
            sections=tuple(Section(s["heading"], tuple(s["paragraphs"])) for s in explanation["sections"]),
        ),
        lists=lists,
        schema_version=data["schema_version"],
        provenance=data.get("provenance", ""),
    )


def _list_from_data(key: ListKey, data: dict) -> DutyList:
    items: list[Item] = []
    for raw in data["items"]:
        common = dict(no=raw["no"], category=raw["category"], name=raw["name"], id=raw.get("id"))
        if key == "basic":
            items.append(BasicItem(**common))
        elif key == "cooperative":
            items.append(
                CooperativeItem(
                    **common,
                    departments=tuple(raw["departments"]),
                    department_duties=duties_from_data(raw["department_duties"]),
                    town_duties=duties_from_data(raw["town_duties"]),
                )
            )
        else:
            items.append(
                WithdrawnItem(
                    **common, department=raw.get("department"), takeover=raw.get("takeover"), note=raw.get("note")
                )
            )
    return DutyList(key=key, title=data["title"], items=tuple(items))


def duties_from_data(entries: list[dict]) -> Duties:
    return Duties(tuple(Entry(kind, text) for entry in entries for kind, text in entry.items()))


# --- writing -----------------------------------------------------------------------------------


def to_data(doc: Document) -> dict:
    """Return the document as plain JSON data in the canonical field order."""
    data: dict[str, Any] = {"schema_version": doc.schema_version, "title": doc.title, "township": doc.township}
    if doc.region:
        data["region"] = doc.region
    data["revision"] = {"date": doc.revision.date}
    if doc.revision.label:
        data["revision"]["label"] = doc.revision.label
    if doc.provenance:
        data["provenance"] = doc.provenance
    data["explanation"] = {
        "title": doc.explanation.title,
        "sections": [{"heading": s.heading, "paragraphs": list(s.paragraphs)} for s in doc.explanation.sections],
    }
    data["lists"] = {dl.key: {"title": dl.title, "items": [item_data(item) for item in dl.items]} for dl in doc.lists}
    return data


def item_data(item) -> dict:
    """Return one item as plain JSON data in the canonical field order."""
    data: dict[str, Any] = {}
    if item.id is not None:
        data["id"] = item.id
    data.update(no=item.no, category=item.category, name=item.name)
    if isinstance(item, CooperativeItem):
        data["departments"] = list(item.departments)
        data["department_duties"] = duties_to_data(item.department_duties)
        data["town_duties"] = duties_to_data(item.town_duties)
    elif isinstance(item, WithdrawnItem):
        for field in ("department", "takeover", "note"):
            if getattr(item, field) is not None:
                data[field] = getattr(item, field)
    return data


def duties_to_data(duties: Duties) -> list[dict]:
    return [{entry.kind: entry.text} for entry in duties.entries]


def dumps(doc: Document) -> str:
    """Return the canonical text of a source: UTF-8 JSON, two-space indent, one entry per line."""
    text = json.dumps(to_data(doc), ensure_ascii=False, indent=2)
    # keep each duty entry ({"point": "…"}) on one line, as people read and diff it
    text = re.sub(r'\{\n\s+("(?:heading|point|paragraph)": "(?:[^"\\]|\\.)*")\n\s+\}', r"{\1}", text)
    return text + "\n"


# --- places in the text ------------------------------------------------------------------------


def to_pointer(path) -> str:
    """Return the RFC 6901 JSON pointer of a path such as ['lists', 'basic', 'items', 3]."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def locate(text: str, path) -> tuple[int | None, int | None]:
    """Return the 1-based line and column of the value at path in JSON text (None if not found)."""
    try:
        offset = _find(text, _skip_ws(text, 0), list(path))
    except (ValueError, IndexError, RecursionError):
        return None, None
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


_decoder = json.JSONDecoder()
_WS = re.compile(r"[ \t\n\r]*")


def _skip_ws(text: str, pos: int) -> int:
    match = _WS.match(text, pos)
    assert match is not None, "the pattern matches the empty string"
    return match.end()


def _find(text: str, pos: int, path: list) -> int:
    if not path:
        return pos
    head, rest = path[0], path[1:]
    if text[pos] == "{":
        pos = _skip_ws(text, pos + 1)
        while text[pos] != "}":
            key, pos = json.decoder.scanstring(text, pos + 1)  # type: ignore[attr-defined]  # undocumented, not in typeshed
            pos = _skip_ws(text, pos)
            pos = _skip_ws(text, pos + 1)  # past ':'
            if key == head:
                return _find(text, pos, rest)
            _, pos = _decoder.raw_decode(text, pos)
            pos = _skip_ws(text, pos)
            if text[pos] == ",":
                pos = _skip_ws(text, pos + 1)
        raise ValueError(head)
    if text[pos] == "[":
        pos = _skip_ws(text, pos + 1)
        index = 0
        while text[pos] != "]":
            if index == head:
                return _find(text, pos, rest)
            _, pos = _decoder.raw_decode(text, pos)
            pos = _skip_ws(text, pos)
            if text[pos] == ",":
                pos = _skip_ws(text, pos + 1)
            index += 1
        raise ValueError(head)
    raise ValueError(head)
