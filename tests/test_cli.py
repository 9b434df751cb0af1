"""The command line itself: help with examples, version, doctor."""
from __future__ import annotations

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
    assert result.exit_code == 0 and __version__ in result.output


def test_doctor_reports_fonts_subsetter_and_libreoffice():
    result = CliRunner().invoke(main, ["doctor"])
    assert result.exit_code == 0, result.output  # setup.sh installed everything a build needs
    for role in ("标题", "黑体", "楷体", "仿宋", "宋体"):
        assert role in result.output
    assert "HarfBuzz 字体子集库：有" in result.output
    assert "LibreOffice：LibreOffice" in result.output
    assert "缺失" not in result.output
