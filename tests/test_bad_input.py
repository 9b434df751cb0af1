"""Bad and hostile sources get one clear message naming the file and the place, and change nothing."""
from __future__ import annotations

import copy
import json
import re
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from dutydocs.cli import main

SMALL = json.loads((Path(__file__).parent / "fixtures" / "small.json").read_text("utf-8"))


def edited(change) -> bytes:
    data = copy.deepcopy(SMALL)
    change(data)
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def _set(path, value):
    def change(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change


def _delete(path):
    def change(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]
    return change


def _rename(path, old, new):
    def change(data):
        target = data
        for key in path:
            target = target[key]
        target[new] = target.pop(old)
    return change


BASIC0 = ["lists", "basic", "items", 0]
COOP1 = ["lists", "cooperative", "items", 1]

# name: (file content, expected message fragment)
CASES = {
    "empty file": (b"", "文件是空的"),
    "only whitespace": (b"  \n\t\n", "文件是空的"),
    "broken json": (b'{"title": "x",, }', "JSON 格式错误"),
    "truncated json": (json.dumps(SMALL, ensure_ascii=False).encode("utf-8")[:500], "JSON 格式错误"),
    "trailing garbage": (json.dumps(SMALL).encode() + b" xyz", "多余内容"),
    "top-level array": (b"[1, 2, 3]", "顶层应为 JSON 对象"),
    "top-level string": (b'"hello"', "顶层应为 JSON 对象"),
    "gbk encoded": (json.dumps(SMALL, ensure_ascii=False).encode("gbk"), "GBK"),
    "latin-1 bytes": (b'{"title": "\xff\xfe\xfa"}', "不是有效的 UTF-8"),
    "missing title": (edited(_delete(["title"])), "缺少字段 “title”"),
    "missing lists": (edited(_delete(["lists"])), "缺少字段 “lists”"),
    "missing withdrawn list": (edited(_delete(["lists", "withdrawn"])), "缺少字段 “withdrawn”"),
    "missing item name": (edited(_delete(BASIC0 + ["name"])), "缺少字段 “name”"),
    "misspelt field": (edited(_rename(BASIC0, "category", "catgory")), "是否应为 “category”"),
    "misspelt top-level field": (edited(_rename([], "township", "townshp")), "未知字段 “townshp”"),
    "number as text": (edited(_set(BASIC0 + ["no"], "1")), "应为 整数"),
    "name as number": (edited(_set(BASIC0 + ["name"], 42)), "应为 文本"),
    "items not a list": (edited(_set(["lists", "basic", "items"], {"a": 1})), "应为 数组"),
    "empty name": (edited(_set(BASIC0 + ["name"], "   ")), "内容为空"),
    "zero number": (edited(_set(BASIC0 + ["no"], 0)), "不小于 1"),
    "duplicate number": (edited(_set(["lists", "basic", "items", 1, "no"], 1)), "序号是 1，应为 2"),
    "missing number": (edited(_set(["lists", "basic", "items", 2, "no"], 5)), "序号是 5，应为 3"),
    "duplicate id": (edited(_set(["lists", "withdrawn", "items", 0, "id"], "t-001")), "id “t-001” 与"),
    "bad id characters": (edited(_set(BASIC0 + ["id"], "a b/c")), "格式不对"),
    "wrong schema version": (edited(_set(["schema_version"], 2)), "schema_version 1"),
    "bad revision date": (edited(_set(["revision", "date"], "2025年3月1日")), "格式不对"),
    "impossible revision date": (edited(_set(["revision", "date"], "2025-02-30")), "修订日期 2025-02-30 无效"),
    "duty entry with two kinds": (edited(_set(COOP1 + ["town_duties", 0], {"point": "a", "heading": "b"})),
                                  "heading、point 或 paragraph 之一"),
    "unknown duty kind": (edited(_set(COOP1 + ["town_duties", 0], {"bullet": "a"})), "未知字段 “bullet”"),
    "no departments": (edited(_set(COOP1 + ["departments"], [])), "至少需要一项"),
    "withdrawn without department or note": (
        edited(_delete(["lists", "withdrawn", "items", 1, "note"])), "承接部门（department）或说明（note）"),
    "control character": (edited(_set(BASIC0 + ["name"], "做好\u0007工作")), "控制字符 U+0007"),
    "lone surrogate": (edited(_set(BASIC0 + ["name"], "SURROGATE")).replace(b"SURROGATE", b"\\ud800"),
                       "孤立的代理字符"),
    "deeply nested arrays": (b"[" * 100000 + b"]" * 100000, "嵌套层数过深"),
}


def run(args, cwd):
    runner = CliRunner()
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return runner.invoke(main, args, catch_exceptions=False)
    finally:
        os.chdir(old)


def test_corpus_is_large_enough():
    assert len(CASES) + len(FILE_CASES) + 4 >= 30  # + the four bad workbooks below


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_source_is_refused_clearly(tmp_path, name):
    content, expected = CASES[name]
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    out = tmp_path / "out"
    result = run(["build", str(path), "-f", "html", "-o", str(out)], tmp_path)
    assert result.exit_code == 1, result.output
    assert expected in result.output
    assert "bad.json" in result.output
    assert "Traceback" not in result.output
    assert not out.exists() or not any(out.iterdir()), "nothing is written for a bad source"
    check = run(["check", str(path)], tmp_path)
    assert check.exit_code == 1 and expected in check.output and "Traceback" not in check.output


def test_errors_name_line_column_and_pointer(tmp_path):
    path = tmp_path / "bad.json"
    path.write_bytes(edited(_set(["lists", "basic", "items", 2, "name"], 7)))
    result = run(["check", str(path), "--format", "json"], tmp_path)
    assert result.exit_code == 1
    report = json.loads(result.output)
    (problem,) = report["problems"]
    assert problem["pointer"] == "/lists/basic/items/2/name"
    lines = path.read_text("utf-8").splitlines()
    assert '"name": 7' in lines[problem["line"] - 1]
    assert lines[problem["line"] - 1][problem["column"] - 1] == "7"


def test_all_problems_are_reported_at_once(tmp_path):
    def many(data):
        del data["title"]
        data["lists"]["basic"]["items"][0]["no"] = "x"
        data["lists"]["cooperative"]["items"][0]["departments"] = []
    path = tmp_path / "bad.json"
    path.write_bytes(edited(many))
    result = run(["check", str(path)], tmp_path)
    assert result.exit_code == 1
    assert result.output.count("错误") >= 3


def test_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(SMALL, ensure_ascii=False).encode("utf-8"))
    assert run(["check", str(path)], tmp_path).exit_code == 0


def test_long_name_is_accepted_and_rendered(tmp_path):
    long_name = "长" * 100_000
    path = tmp_path / "long.json"
    path.write_bytes(edited(_set(BASIC0 + ["name"], long_name)))
    assert run(["check", str(path)], tmp_path).exit_code == 0
    result = run(["build", str(path), "-f", "html", "-o", str(tmp_path / "out")], tmp_path)
    assert result.exit_code == 0, result.output
    (html,) = (tmp_path / "out").glob("*.html")
    assert long_name in html.read_text("utf-8")


FILE_CASES = {
    "missing file": "文件不存在",
    "directory": "这是一个文件夹",
    "unreadable file": "无权读取",
    "very large file": "文件过大",
}


@pytest.mark.parametrize("name", sorted(FILE_CASES))
def test_unusable_file_is_refused_clearly(tmp_path, name, monkeypatch):
    path = tmp_path / "src.json"
    if name == "directory":
        path.mkdir()
    elif name == "unreadable file":
        path.write_text("{}")
        path.chmod(0)
        if os.access(path, os.R_OK):  # root reads anything: simulate the refusal the OS gives others
            original = Path.read_bytes

            def refuse(self):
                if self == path:
                    raise PermissionError(13, "Permission denied")
                return original(self)
            monkeypatch.setattr(Path, "read_bytes", refuse)
    elif name == "very large file":
        with open(path, "wb") as handle:
            handle.truncate(65 * 1024 * 1024)  # sparse: no real disk use
    result = run(["build", str(path), "-f", "html", "-o", str(tmp_path / "out")], tmp_path)
    assert result.exit_code == 1
    assert FILE_CASES[name] in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    "args, says",
    [
        (["build", "--format", "odt"], "dutydocs build: -f/--format 的值无效：只能是 pdf、docx、xlsx、html、ofd 之一"),
        (["check", "--format", "xml"], "--format 的值无效：只能是 text、json 之一"),
        (["frobnicate"], "dutydocs: 没有命令 frobnicate"),
        (["import"], "dutydocs import: 缺少参数 FILE"),
        (["diff", "a.json"], "缺少参数 NEW"),
        (["merge", "--out", "n.json"], "缺少参数 BASE"),
        (["build", "--bogus"], "没有选项 --bogus"),
        (["build", "-j", "0"], "-j/--jobs 的值无效：须是 1 到 64 之间的整数"),
        (["build", "--templates", "没有的模板"], "--templates 的值无效：文件夹 没有的模板 不存在"),
        (["import", "x.txt", "--base", "."], "--base 的值无效：. 不是文件"),
        (["import", "x.txt", "y.txt"], "dutydocs import: 多余的参数 y.txt"),
        (["build", "-o"], "dutydocs build: 选项 -o 后面缺少值"),
        (["build", "--force=yes"], "选项 --force 不带值"),
        (["build"], "未指定源文件，当前目录下也没有 source/*.json"),
    ],
)
def test_usage_mistakes_are_one_chinese_line_with_exit_2(tmp_path, args, says):
    """click's own refusals too: no English Usage/Error lines, the command named and its --help pointed to."""
    result = run(args, tmp_path)
    assert result.exit_code == 2 and says in result.output, result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert not re.search(r"Usage|Error|Try|Invalid|Missing|No such|not one of|does not", result.output)


def test_the_command_alone_still_shows_its_help(tmp_path):
    result = run([], tmp_path)
    assert "dutydocs：乡镇履职事项清单的发布与修订比对工具" in result.output and "build" in result.output


def _workbooks(small_xlsx: bytes) -> dict[str, tuple[bytes, str]]:
    import io as _io

    import openpyxl

    from test_xlsx_import import _repacked

    wrong = openpyxl.load_workbook(_io.BytesIO(small_xlsx))
    wrong["配合履职事项清单"].title = "Sheet2"
    buffer = _io.BytesIO()
    wrong.save(buffer)
    laughs = b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
    return {
        "corrupt workbook": (small_xlsx[: len(small_xlsx) // 2], "已损坏"),
        "zip bomb": (_repacked(small_xlsx, lambda n, d: d + b" " * (20 * 2**20) if n == "xl/styles.xml" else d),
                     "压缩炸弹"),
        "entity expansion": (_repacked(small_xlsx, lambda n, d: laughs + d if n == "xl/worksheets/sheet2.xml" else d),
                             "DOCTYPE"),
        "wrong sheets": (buffer.getvalue(), "缺少工作表"),
    }


@pytest.mark.parametrize("name", ["corrupt workbook", "zip bomb", "entity expansion", "wrong sheets"])
def test_bad_workbook_import_is_refused_clearly(tmp_path, small_xlsx, name):
    content, expected = _workbooks(small_xlsx)[name]
    path = tmp_path / "返回副本.xlsx"
    path.write_bytes(content)
    out = tmp_path / "new.json"
    result = run(["import", str(path), "-o", str(out)], tmp_path)
    assert result.exit_code == 1
    assert expected in result.output and "返回副本.xlsx" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()
