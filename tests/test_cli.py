"""The command line itself: help with examples, version, doctor."""
from __future__ import annotations

import re
import unicodedata

import pytest
from click.testing import CliRunner

from dutydocs import __version__
from dutydocs.cli import main


@pytest.mark.parametrize("command", ["build", "check", "diff", "import", "ids", "fmt", "doctor"])
def test_every_command_has_help_with_an_example(command):
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert "例：" in result.output and f"dutydocs {command}" in result.output


def test_version():
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and result.output == f"dutydocs {__version__}\n"


def _columns(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


@pytest.mark.parametrize("command", ["", *main.commands])
def test_help_pages_are_chinese_throughout_and_aligned(command):
    """click's usage prefix, headings, --help/--version, value names and notes in Chinese; help in one column."""
    result = CliRunner().invoke(main, [command, "--help"] if command else ["--help"])
    page = result.output
    assert result.exit_code == 0 and page.startswith(f"用法：dutydocs {command}".rstrip() + " [选项]"), page
    assert "\n选项：\n" in page and "-h, --help" in page and "显示本帮助并退出。" in page
    for english in ("Usage", "Options", "Commands", "Show ", " and exit", "default:", "required", "[OPTIONS]", "[ARGS]"):
        assert english not in page, english
    options = page.split("\n选项：\n")[1].split("\n\n")[0].splitlines()
    rows = [re.match(r"(\s+-\S.*?\S)  +(\S.*)", line) for line in options]
    assert not [line for line in options if re.search(r"\b(PATH|TEXT|FILE|DIRECTORY|INTEGER)\b", line)]
    assert all(re.search(r"[\u4e00-\u9fff]", m.group(2)) for m in rows if m), options
    assert len({_columns(m.group(1)) + len(line) - len(m.group(1)) - len(m.group(2)) for line, m in zip(options, rows) if m}) == 1


def test_doctor_reports_fonts_subsetter_and_libreoffice():
    result = CliRunner().invoke(main, ["doctor"])
    assert result.exit_code == 0, result.output  # setup.sh installed everything a build needs
    for role in ("标题", "黑体", "楷体", "仿宋", "宋体"):
        assert role in result.output
    assert "HarfBuzz 字体子集库：有" in result.output
    assert "LibreOffice：LibreOffice" in result.output
    assert "缺失" not in result.output
