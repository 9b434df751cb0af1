"""Batch and incremental builds, safe writes and output names."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from dutydocs.cli import main
from dutydocs.outputs import safe_filename, write_atomic

FIXTURE = Path(__file__).parent / "fixtures" / "small.json"


def make_sources(folder: Path, count: int) -> list[Path]:
    data = json.loads(FIXTURE.read_text("utf-8"))
    paths = []
    for n in range(count):
        data["title"] = f"示例{n}镇履职事项清单"
        path = folder / f"town{n}.json"
        path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
        paths.append(path)
    return paths


def build(*args):
    return CliRunner().invoke(main, ["build", *map(str, args)], catch_exceptions=False)


def test_batch_build_in_parallel_with_one_bad_source(tmp_path):
    sources = make_sources(tmp_path, 3)
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", "utf-8")
    out = tmp_path / "out"
    result = build(*sources, bad, "-f", "xlsx", "--jobs", "2", "-o", out)
    assert result.exit_code == 1
    assert "bad.json" in result.output and "JSON 格式错误" in result.output
    assert "3 个已生成" in result.output and "1 个失败" in result.output
    assert sorted(p.name for p in out.glob("*.xlsx")) == [f"示例{n}镇履职事项清单.xlsx" for n in range(3)]
    assert "[4/4]" in result.output  # progress counts every source


def test_rebuild_of_unchanged_source_does_nothing(tmp_path):
    (source,) = make_sources(tmp_path, 1)
    out = tmp_path / "out"
    assert build(source, "-f", "xlsx", "-o", out).exit_code == 0
    (output,) = out.glob("*.xlsx")
    before = output.stat().st_mtime_ns
    again = build(source, "-f", "xlsx", "-o", out)
    assert again.exit_code == 0 and "未变化" in again.output
    assert output.stat().st_mtime_ns == before
    forced = build(source, "-f", "xlsx", "-o", out, "--force")
    assert "已生成" in forced.output and output.stat().st_mtime_ns != before


def test_rebuild_after_a_change_renders_again(tmp_path):
    (source,) = make_sources(tmp_path, 1)
    out = tmp_path / "out"
    build(source, "-f", "xlsx", "-o", out)
    (output,) = out.glob("*.xlsx")
    output.write_bytes(b"tampered")  # an output changed by hand is rebuilt
    assert "已生成" in build(source, "-f", "xlsx", "-o", out).output
    data = json.loads(source.read_text("utf-8"))
    data["lists"]["basic"]["items"][0]["name"] = "新的名称"
    source.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    assert "已生成" in build(source, "-f", "xlsx", "-o", out).output


def test_unchanged_rebuild_renders_nothing(tmp_path, small_path, monkeypatch):
    """The second build of unchanged inputs calls no builder at all: every render would fail here."""
    from dutydocs.builders import DEFAULT_FORMATS, FORMATS, builder

    out = tmp_path / "out"
    assert build(small_path, "-o", out).exit_code == 0

    def must_not_render(doc, options):
        raise AssertionError("rendered again although nothing changed")
    for fmt in FORMATS:
        monkeypatch.setattr(builder(fmt), "render", must_not_render)
    again = build(small_path, "-o", out)
    assert again.exit_code == 0, again.output
    assert again.output.count("未变化") == len(DEFAULT_FORMATS)


def test_same_title_in_two_sources_does_not_overwrite(tmp_path):
    sources = make_sources(tmp_path, 2)
    data = json.loads(sources[1].read_text("utf-8"))
    data["title"] = "示例0镇履职事项清单"
    sources[1].write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    out = tmp_path / "out"
    assert build(*sources, "-f", "xlsx", "-o", out).exit_code == 0
    assert len(list(out.glob("*.xlsx"))) == 2


@pytest.mark.parametrize("title, expected", [
    ("../../etc/passwd", "etc_passwd"),
    ("/abs/path", "abs_path"),
    ("a:b*c?", "a_b_c"),
    ("CON", "_CON"),
    ("  ..  ", "清单"),
    ("羊毛工镇履职事项清单", "羊毛工镇履职事项清单"),
])
def test_output_names_stay_inside_the_folder(title, expected):
    name = safe_filename(title)
    assert name == expected
    assert "/" not in name and "\\" not in name and name not in (".", "..")


def test_hostile_title_writes_inside_output_folder(tmp_path):
    data = json.loads(FIXTURE.read_text("utf-8"))
    data["title"] = "../../逃逸/清单"
    source = tmp_path / "s.json"
    source.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    out = tmp_path / "out"
    assert build(source, "-f", "xlsx", "-o", out).exit_code == 0
    written = [p for p in tmp_path.rglob("*.xlsx")]
    assert written and all(out in p.parents for p in written)


def test_failed_write_leaves_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "doc.pdf"
    target.write_bytes(b"old")

    def broken(*args, **kwargs):
        raise OSError("disk full")
    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["doc.pdf"]


def test_interrupted_build_cleans_its_temporary_file(tmp_path, bundled_path):
    """Ctrl-C during the write itself removes the temporary file."""
    from dutydocs import outputs

    target = tmp_path / "x.bin"
    target.write_bytes(b"old")
    real_fsync = os.fsync

    def interrupt(fd):
        real_fsync(fd)
        raise KeyboardInterrupt
    try:
        os.fsync = interrupt
        with pytest.raises(KeyboardInterrupt):
            outputs.write_atomic(target, b"new")
    finally:
        os.fsync = real_fsync
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.bin"]


def test_leftover_temporary_file_of_a_killed_write_is_removed_next_time(tmp_path):
    target = tmp_path / "x.bin"
    (tmp_path / ".x.bin.abc123.tmp").write_bytes(b"half")  # what SIGKILL during a write leaves
    write_atomic(target, b"new")
    assert [p.name for p in tmp_path.iterdir()] == ["x.bin"]
