"""No command destroys a user's file: outputs that are inputs are refused, unwritable places found first."""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from dutydocs.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "small.json"


def run(args, cwd: Path):
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, [str(a) for a in args])
    finally:
        os.chdir(old)


@pytest.fixture
def two(tmp_path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    shutil.copy(FIXTURE, a)
    data = json.loads(FIXTURE.read_text("utf-8"))
    data["lists"]["basic"]["items"][0]["name"] += "（改）"
    b.write_text(json.dumps(data, ensure_ascii=False, indent=2), "utf-8")
    return a, b


def _link(kind: str, target: Path, name: Path) -> Path:
    if kind == "symlink":
        name.symlink_to(target.name)
    elif kind == "hardlink":
        os.link(target, name)
    else:
        return target
    return name


@pytest.mark.parametrize("kind", ["same", "symlink", "hardlink"])
@pytest.mark.parametrize("fmt, which", [("html", 0), ("json", 1), ("text", 0), ("xlsx", 1)])
def test_diff_refuses_to_write_over_an_input(two, tmp_path, kind, fmt, which):
    before = [p.read_bytes() for p in two]
    out = _link(kind, two[which], tmp_path / "report.out")
    result = run(["diff", two[0].name, two[1].name, "--format", fmt, "-o", out.name], tmp_path)
    assert result.exit_code == 2, result.output
    assert "输出文件就是输入文件" in result.output and len(result.output.strip().splitlines()) == 1
    assert [p.read_bytes() for p in two] == before


def test_import_refuses_to_write_over_its_inputs(tmp_path, small_xlsx, small_path):
    copy = tmp_path / "copy.xlsx"
    copy.write_bytes(small_xlsx)
    result = run(["import", copy, "-o", copy], tmp_path)
    assert result.exit_code == 2 and "输出文件就是输入文件" in result.output
    assert copy.read_bytes() == small_xlsx
    base = tmp_path / "base.json"
    shutil.copy(small_path, base)
    link = _link("symlink", base, tmp_path / "link.json")
    result = run(["import", copy, "--base", base, "-o", link], tmp_path)
    assert result.exit_code == 2 and base.read_bytes() == small_path.read_bytes()


def test_build_refuses_an_output_that_is_its_source(tmp_path, small_path):
    """A source saved under the name the build would give its HTML edition, in the output folder."""
    title = json.loads(small_path.read_text("utf-8"))["title"]
    source = tmp_path / f"{title}.html"
    shutil.copy(small_path, source)
    result = run(["build", source, "-f", "html", "-o", tmp_path], tmp_path)
    assert result.exit_code == 2 and "输出文件就是输入文件" in result.output
    assert source.read_bytes() == small_path.read_bytes()


@contextlib.contextmanager
def immutable(path: Path):
    """chattr +i: not even root may write (NOTES.md); undone whatever happens."""
    subprocess.run(["chattr", "+i", str(path)], check=True)
    try:
        yield path
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def _one_clear_line(result, place: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "内部错误" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and place in lines[0] and "无法写入" in lines[0], result.output


def test_unwritable_output_folder_is_found_before_any_rendering(two, tmp_path, monkeypatch):
    import dutydocs.build

    def never(fmt):
        raise AssertionError("rendered although the output folder cannot be written")

    monkeypatch.setattr(dutydocs.build, "builder", never)
    locked = tmp_path / "locked"
    locked.mkdir()
    with immutable(locked):
        _one_clear_line(run(["build", two[0], "-o", locked], tmp_path), str(locked))
        _one_clear_line(run(["build", two[0], "-o", locked / "new" / "deeper"], tmp_path), str(locked))
        _one_clear_line(run(["diff", two[0], two[1], "--format", "html", "-o", locked / "r.html"], tmp_path),
                        str(locked))
        _one_clear_line(run(["import", two[0], "-o", locked / "x.json"], tmp_path), str(locked))
    assert not any(locked.iterdir())


def test_in_place_commands_report_a_locked_source(two, tmp_path):
    source = two[0]
    before = source.read_bytes()
    with immutable(source):
        _one_clear_line(run(["ids", source], tmp_path), str(source))
        _one_clear_line(run(["fmt", source], tmp_path), str(source))
    assert source.read_bytes() == before
    folder = tmp_path / "sub"
    folder.mkdir()
    inside = folder / "s.json"
    shutil.copy(source, inside)
    with immutable(folder):  # the file is writable, but its folder cannot take the replacement
        _one_clear_line(run(["ids", inside], tmp_path), str(folder))


def test_a_device_is_not_an_output_file(two, tmp_path):
    result = run(["diff", two[0], two[1], "--format", "json", "-o", "/dev/null"], tmp_path)
    assert result.exit_code == 1 and "不是普通文件" in result.output
    assert Path("/dev/null").is_char_device()


def test_fmt_through_a_symbolic_link_rewrites_the_file_and_keeps_the_link(tmp_path):
    real = tmp_path / "real.json"
    real.write_text(json.dumps(json.loads(FIXTURE.read_text("utf-8")), ensure_ascii=False), "utf-8")  # one line
    link = tmp_path / "link.json"
    link.symlink_to(real.name)
    assert run(["fmt", link], tmp_path).exit_code == 0
    assert link.is_symlink() and real.read_text("utf-8").count("\n") > 10


def test_a_write_the_system_refuses_late_is_one_line(two, tmp_path, monkeypatch):
    import dutydocs.diff

    def refuse(path, data):
        raise PermissionError(13, "Permission denied", str(path))
    monkeypatch.setattr(dutydocs.diff, "write_atomic", refuse)
    result = run(["diff", two[0], two[1], "--format", "json", "-o", "r.json"], tmp_path)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.strip().splitlines() == ["r.json: 无权读写（请检查此位置的权限与剩余空间）"]


def test_a_folder_the_permissions_allow_but_the_system_refuses_is_found_first(two, tmp_path, monkeypatch):
    """/proc looks writable to root (os.access says yes), yet nothing can be created there: tried, and undone."""
    import dutydocs.build

    monkeypatch.setattr(dutydocs.build, "builder", lambda fmt: pytest.fail("rendered into an unwritable folder"))
    assert os.access("/proc", os.W_OK) or os.getuid() != 0
    _one_clear_line(run(["build", two[0], "-f", "html", "-o", "/proc/dutydocs-out"], tmp_path), "/proc")
    assert not list(tmp_path.glob(".dutydocs-probe-*"))


def test_a_replaced_file_keeps_its_permissions(tmp_path):
    from dutydocs.outputs import write_atomic

    private = tmp_path / "source.json"
    private.write_text("{}", "utf-8")
    private.chmod(0o600)
    write_atomic(private, "{ }")
    assert private.read_text("utf-8") == "{ }"
    assert private.stat().st_mode & 0o777 == 0o600
    fresh = write_atomic(tmp_path / "new.json", "{}")
    assert fresh.stat().st_mode & 0o777 == 0o644


def _tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.mark.parametrize(
    "command, out, says",
    [
        ("build", "templates", "模板文件夹"),
        ("build", "templates/新建", "模板文件夹"),
        ("build", "source", "含有源文件"),
        ("build", ".", "含有源文件"),
        ("copies", "source", "含有源文件"),
    ],
)
def test_an_output_folder_among_the_inputs_is_refused(tmp_path, command, out, says):
    """Outputs never go into the templates (they would be read as templates) nor among the sources."""
    from dutydocs.builders import PROJECT_TEMPLATES

    shutil.copytree(PROJECT_TEMPLATES, tmp_path / "templates")
    (tmp_path / "source").mkdir()
    shutil.copy(FIXTURE, tmp_path / "source" / "small.json")
    before = _tree(tmp_path)
    args = ["build", "-f", "html", "--templates", "templates"] if command == "build" else ["copies", "source/small.json"]
    result = run([*args, "-o", out], tmp_path)
    assert result.exit_code == 2 and says in result.output and "请用 -o 另选" in result.output, result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert _tree(tmp_path) == before  # nothing written, not even the state folder


def test_dash_writes_a_single_text_to_standard_output(tmp_path, small_xlsx):
    """`-o -` is standard output where one text goes there: an imported source, a json or text report."""
    shutil.copy(FIXTURE, tmp_path / "a.json")
    (tmp_path / "copy.xlsx").write_bytes(small_xlsx)
    imported = run(["import", "copy.xlsx", "-o", "-"], tmp_path)
    assert imported.exit_code == 0 and json.loads(imported.stdout)["title"] == json.loads(FIXTURE.read_text())["title"]
    report = run(["diff", "a.json", "a.json", "--format", "json", "-o", "-"], tmp_path)
    assert report.exit_code == 0 and json.loads(report.stdout)["summary"], report.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "copy.xlsx"]  # no file named -


@pytest.mark.parametrize(
    "args, says",
    [
        (["build", "a.json", "-o", "-"], "输出文件夹"),
        (["copies", "a.json", "-o", "-"], "输出文件夹"),
        (["diff", "a.json", "a.json", "--format", "docx", "-o", "-"], "二进制文件"),
        (["merge", "a.json", "a.json", "-o", "-"], "新的源文件"),
        (["merge", "a.json", "a.json", "-o", "new.json", "--report", "-"], "合并报告须写入文件"),
    ],
)
def test_dash_where_no_single_text_goes_is_refused(tmp_path, args, says):
    shutil.copy(FIXTURE, tmp_path / "a.json")
    result = run(args, tmp_path)
    assert result.exit_code == 2 and says in result.output and "不能写到标准输出" in result.output, result.output
    assert len(result.output.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json"]  # nothing written, no file named -


@pytest.mark.parametrize(
    "args, says",
    [
        (["import", "returned.xlsx", "-o", "templates/new.json"], "在模板文件夹"),
        (["diff", "source/small.json", "source/small.json", "--format", "html", "-o", "templates/r.html"], "在模板文件夹"),
        (["diff", "source/small.json", "source/small.json", "--format", "html", "-o", "source/r.html"], "源文件夹 source"),
        (["diff", "source/small.json", "source/small.json", "--format", "json", "-o", "source/r.json"], "当作源文件读"),
        (["merge", "source/small.json", "returned.xlsx", "-o", "templates/sub/new.json"], "在模板文件夹"),
        (["merge", "source/small.json", "returned.xlsx", "-o", "new.json", "--report", "templates/r.html"], "在模板文件夹"),
        (["merge", "source/small.json", "returned.xlsx", "-o", "new.json", "--report", "source/r.json"], "请用 --report"),
    ],
)
def test_an_output_file_among_the_templates_or_a_report_among_the_sources_is_refused(tmp_path, monkeypatch, args, says):
    """A file in the templates folder would mix into the templates; a report in source/ would mix with the sources."""
    monkeypatch.setattr("dutydocs.cli.PROJECT_TEMPLATES", tmp_path / "templates")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "sub").mkdir()
    (tmp_path / "source").mkdir()
    shutil.copy(FIXTURE, tmp_path / "source" / "small.json")
    shutil.copy(FIXTURE.with_name("small.libreoffice.xlsx"), tmp_path / "returned.xlsx")
    before = _tree(tmp_path)
    result = run(args, tmp_path)
    assert result.exit_code == 2 and says in result.output, result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert _tree(tmp_path) == before


@pytest.mark.parametrize(
    "args, written",
    [
        (["import", "returned.xlsx", "-o", "source/new.json"], "source/new.json"),  # a new source beside the others
        (["diff", "small.json", "new.json", "--format", "html", "-o", "r.html"], "r.html"),  # beside what it compares
    ],
)
def test_a_new_source_in_the_source_folder_and_a_report_beside_its_inputs_are_written(tmp_path, args, written):
    (tmp_path / "source").mkdir()
    for place in ("small.json", "new.json"):
        shutil.copy(FIXTURE, tmp_path / place)
    shutil.copy(FIXTURE.with_name("small.libreoffice.xlsx"), tmp_path / "returned.xlsx")
    result = run(args, tmp_path)
    assert result.exit_code == 0 and (tmp_path / written).is_file(), result.output
