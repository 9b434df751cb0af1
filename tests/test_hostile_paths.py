"""Hostile paths through every command that writes: one line, the right exit status, no input lost, no stray file.

Each case prepares a folder holding a.json and b.json (two revisions of the small fixture) and, if it
needs them, links or folders; then runs one command there. Builds write HTML only, which is fast.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from dutydocs.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "small.json"
LONG = "长" * 90 + ".json"  # 274 bytes: one name longer than the file system takes


def _prepare(folder: Path) -> None:
    shutil.copy(FIXTURE, folder / "a.json")
    data = json.loads(FIXTURE.read_text("utf-8"))
    data["lists"]["basic"]["items"][0]["name"] += "（改）"
    (folder / "b.json").write_text(json.dumps(data, ensure_ascii=False, indent=2), "utf-8")
    for name in ("空 格.json", "中文😀.json", "-x.json"):
        shutil.copy(folder / "a.json", folder / name)
    (folder / "loop1").symlink_to("loop2")
    (folder / "loop2").symlink_to("loop1")
    (folder / "dangling").symlink_to("nowhere/deeper")
    (folder / "real").mkdir()
    (folder / "linked").symlink_to("real")
    os.link(folder / "b.json", folder / "hard.json")
    (folder / "sub").mkdir()
    (folder / "t.txt").write_text("基本履职事项清单\n", "utf-8")
    (folder / "b.txt").write_text("not json\n", "utf-8")
    (folder / "gbk.txt").write_bytes("基本履职事项清单\n".encode("gbk"))


def _snapshot(folder: Path) -> dict:
    """Every entry under folder: a file's digest, a link's target, or a folder marker."""
    seen = {}
    for path in sorted(folder.rglob("*")):
        key = str(path.relative_to(folder))
        if path.is_symlink():
            seen[key] = "->" + os.readlink(path)
        elif path.is_dir():
            seen[key] = "/"
        else:
            seen[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return seen


DIFF_JSON = ["diff", "a.json", "b.json", "--format", "json"]
BUILD = ["build", "a.json", "-f", "html"]
MERGE = ["merge", "a.json", "b.json"]

# (case, arguments, exit status, words the one line must hold, files the command may add)
CASES = [
    ("Chinese and emoji name as its own output", ["diff", "中文😀.json", "b.json", "--format", "html", "-o", "中文😀.json"],
     2, "输出文件就是输入文件", []),
    ("name starting with '-' after --", ["diff", "--", "-x.json", "b.json"], 0, "", []),
    ("output equals input through '..'", DIFF_JSON + ["-o", "sub/../b.json"], 2, "输出文件就是输入文件", []),
    ("output equals input with a trailing slash", DIFF_JSON + ["-o", "b.json/"], 2, "输出文件就是输入文件", []),
    ("output is a hard link to an input", DIFF_JSON + ["-o", "hard.json"], 2, "输出文件就是输入文件", []),
    ("output differs from an input only in case", DIFF_JSON + ["-o", "B.json"], 0, "已写入", ["B.json"]),
    ("the same input twice", ["diff", "a.json", "./a.json"], 0, "", []),
    ("output in folders that do not exist yet", DIFF_JSON + ["-o", "new/deeper/r.json"], 0, "已写入",
     ["new", "new/deeper", "new/deeper/r.json"]),
    ("a quoted ~ is a folder name like any other", DIFF_JSON + ["-o", "~/r.json"], 0, "已写入", ["~", "~/r.json"]),
    ("output name over 255 bytes", DIFF_JSON + ["-o", LONG], 1, "无法写入：文件名过长", []),
    ("output folder name over 255 bytes", BUILD + ["-o", LONG], 1, "无法写入：文件名过长", []),
    ("import into a name over 255 bytes", ["import", "b.json", "--base", "a.json", "-o", LONG], 1,
     "无法写入：文件名过长", []),
    ("output is a device", DIFF_JSON + ["-o", "/dev/null"], 1, "不是普通文件", []),
    ("output in /proc", DIFF_JSON + ["-o", "/proc/dutydocs.json"], 1, "无法写入", []),
    ("output is a symbolic-link loop", DIFF_JSON + ["-o", "loop1"], 1, "符号链接", []),
    ("output folder is a symbolic-link loop", BUILD + ["-o", "loop1"], 1, "符号链接", []),
    ("output folder is a dangling symbolic link", BUILD + ["-o", "dangling"], 1, "符号链接", []),
    ("copies into a dangling symbolic link", ["copies", "a.json", "-o", "dangling"], 1, "符号链接", []),
    ("output folder through a symbolic link", BUILD + ["-o", "linked"], 0, "已生成",
     ["real/示例镇履职事项清单.html", "real/.dutydocs"]),
    ("output folder given as a file that is an input", BUILD + ["-o", "b.json"], 2, "不是文件夹", []),
    ("output file given as a folder", DIFF_JSON + ["-o", "sub"], 2, "这是一个文件夹", []),
    ("copies into a file", ["copies", "a.json", "-o", "a.json"], 2, "不是文件夹", []),
    ("merge report into a folder", MERGE + ["-o", "m.json", "--report", "sub/"], 2, "这是一个文件夹", []),
    ("corrections that are not JSON", ["import", "t.txt", "--corrections", "b.txt", "-o", "x.json"], 1,
     "b.txt:1:1: 校正文件不是有效的 JSON", []),
    ("extracted text that is not UTF-8", ["import", "gbk.txt", "--date", "2025-06-30"], 1, "不是 UTF-8 编码", []),
    ("output folder with spaces and emoji", BUILD + ["-o", "输 出😀"], 0, "已生成",
     ["输 出😀", "输 出😀/示例镇履职事项清单.html", "输 出😀/.dutydocs"]),
    ("merge result and report are the same file", MERGE + ["-o", "m.json", "--report", "m.json"], 2, "同一个文件", []),
    ("merge result and report are the same file, spelled apart", MERGE + ["-o", "m.json", "--report", "./sub/../m.json"],
     2, "同一个文件", []),
    ("merge report of an unknown kind is a usage error", MERGE + ["-o", "m.json", "--report", "r.txt"], 2, "报告格式", []),
    ("import over its base through '..'", ["import", "b.json", "--base", "a.json", "-o", "sub/../a.json"],
     2, "输出文件就是输入文件", []),
    ("a symbolic-link loop as source", ["fmt", "loop1"], 1, "loop1", []),
]


@pytest.mark.parametrize("args, status, words, added", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_hostile_path(tmp_path, args, status, words, added):
    _prepare(tmp_path)
    before = _snapshot(tmp_path)
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = CliRunner().invoke(main, args)
    finally:
        os.chdir(old)
    assert result.exit_code == status, result.output
    assert "Traceback" not in result.output and "内部错误" not in result.output, result.output
    if status:
        assert len(result.output.strip().splitlines()) == 1, result.output
    assert words in result.output, result.output
    after = _snapshot(tmp_path)
    for name in added:  # what the command made: nothing else changed, nothing else appeared
        after.pop(name, None)
    after = {k: v for k, v in after.items() if not k.startswith("real/.dutydocs/")
             and not k.startswith("输 出😀/.dutydocs/")}
    assert after == before


def test_files_without_permission_to_read_are_named_in_one_line(tmp_path_factory, small_xlsx):
    """chmod 000 binds root only through another user: the commands run as nobody (setpriv) when root."""
    import subprocess
    import sys
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="dutydocs-unreadable-"))  # not under root's private pytest folder
    try:
        _prepare(folder)
        (folder / "c.xlsx").write_bytes(small_xlsx)
        as_user = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"] if os.geteuid() == 0 else []
        if as_user:
            for path in [folder, *folder.rglob("*")]:
                os.chown(path, 65534, 65534, follow_symlinks=False)
        for name in ("b.json", "t.txt", "c.xlsx"):
            (folder / name).chmod(0)
        before = _snapshot_sizes(folder)
        commands = [["check", "b.json"], ["build", "b.json", "-f", "html", "-o", "out"], ["fmt", "b.json"],
                    ["ids", "b.json"], ["copies", "b.json", "-o", "cp"], ["import", "t.txt", "--date", "2025-06-30"],
                    ["import", "c.xlsx", "--base", "a.json"], ["merge", "b.json", "a.json", "-o", "m.json"],
                    ["diff", "a.json", "b.json"]]
        for args in commands:
            done = subprocess.run(as_user + [sys.executable, "-m", "dutydocs", *args], cwd=folder,
                                  capture_output=True, text=True, env={**os.environ, "HOME": str(folder)})
            said = done.stdout + done.stderr
            assert done.returncode == 1, (args, said)
            (unreadable,) = {"b.json", "t.txt", "c.xlsx"} & set(args)
            lines = [line for line in said.splitlines() if line.startswith(unreadable + ":")]
            assert lines and "Usage" not in said and "Traceback" not in said, (args, said)
            assert "无权读" in lines[0], (args, said)
        assert _snapshot_sizes(folder) == before
    finally:
        shutil.rmtree(folder)


def _snapshot_sizes(folder: Path) -> dict:
    return {str(p.relative_to(folder)): p.lstat().st_size for p in folder.rglob("*")}
