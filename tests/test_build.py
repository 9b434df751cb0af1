"""Batch and incremental builds, safe writes and output names."""
from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from dutydocs.build import Planned, render_units
from dutydocs.builders import DEFAULT_FORMATS
from dutydocs.outputs import claim, safe_filename, temporary_path, write_atomic

from batch_sources import FIXTURE, build, make_sources




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


def retitle(source: Path, title: str) -> None:
    data = json.loads(source.read_text("utf-8"))
    data["title"] = title
    source.write_text(json.dumps(data, ensure_ascii=False), "utf-8")


def test_same_title_in_another_source_is_refused_whatever_the_shard(tmp_path):
    town0, town1, town2 = make_sources(tmp_path, 3)
    retitle(town1, "示例0镇履职事项清单")
    retitle(town2, "示例0镇履职事项清单")
    out = tmp_path / "out"
    first = build(town0, town1, "-f", "xlsx", "-o", out)  # one shard holding both
    assert first.exit_code == 1 and "1 个已生成" in first.output and "1 个失败" in first.output
    assert "town1.json" in first.output and "已属于另一个源文件" in first.output and str(town0) in first.output
    (output,) = out.glob("*.xlsx")
    before = output.read_bytes()
    later = build(town2, "-f", "xlsx", "-o", out)  # another shard, another run
    assert later.exit_code == 1 and "已属于另一个源文件" in later.output
    assert output.read_bytes() == before and [p.name for p in out.glob("*.xlsx")] == [output.name]
    assert build(town0, "-f", "xlsx", "-o", out, "--force").exit_code == 0  # the owner itself is not refused


def test_claim_is_an_atomic_create_recording_the_source(tmp_path):
    folder = tmp_path / "claims"
    assert claim(folder, "甲镇", "/data/a.json") is None
    assert claim(folder, "甲镇", "/data/a.json") is None
    assert claim(folder, "甲镇", "/data/b.json") == "/data/a.json"
    assert json.loads((folder / "甲镇").read_text("utf-8")) == {"source": "/data/a.json"}
    assert [p.name for p in folder.iterdir()] == ["甲镇"]


def test_overlapping_shards_build_into_one_folder(tmp_path):
    """Two dutydocs build processes at once, as two Slurm array tasks whose shards overlap."""
    sources = make_sources(tmp_path, 4)
    out = tmp_path / "out"
    cli = Path(sys.executable).parent / "dutydocs"
    shards = [sources[:3], sources[1:]]
    processes = [subprocess.Popen([cli, "build", *shard, "-f", "xlsx", "-o", out], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True) for shard in shards]
    errors = [process.communicate()[1] for process in processes]
    assert [process.returncode for process in processes] == [0, 0], errors
    assert sorted(p.name for p in out.iterdir() if p.is_file()) == [f"示例{n}镇履职事项清单.xlsx" for n in range(4)]
    claims = {p.name: json.loads(p.read_text("utf-8"))["source"] for p in (out / ".dutydocs" / "claims").iterdir()}
    assert claims == {f"示例{n}镇履职事项清单": os.path.join("..", sources[n].name) for n in range(4)}
    for n in range(4):
        load_workbook(out / f"示例{n}镇履职事项清单.xlsx")  # each output whole
    again = subprocess.run([cli, "build", *sources, "-f", "xlsx", "-o", out], capture_output=True, text=True)
    assert again.returncode == 0 and "4 个未变化" in again.stderr


def test_one_source_renders_pdf_apart_from_the_other_formats(tmp_path, small_path):
    job = Planned(str(small_path), "x", {})
    formats = list(DEFAULT_FORMATS)
    assert render_units([job], formats, 2) == [(0, ["pdf"]), (0, ["docx", "xlsx", "html"])]
    assert render_units([job], ["pdf", "docx", "ofd"], 2) == [(0, ["pdf", "ofd"]), (0, ["docx"])]  # OFD is made from the PDF
    assert render_units([job], formats, 1) == [(0, formats)]
    assert render_units([job, job], formats, 2) == [(0, formats), (1, formats)]
    one, two = tmp_path / "one", tmp_path / "two"
    assert build(small_path, "-o", one).exit_code == 0
    result = build(small_path, "-o", two, "--jobs", "2")
    assert result.exit_code == 0 and result.output.count("已生成") == 4
    for path in (p for p in one.iterdir() if p.is_file()):
        assert (two / path.name).read_bytes() == path.read_bytes(), path.name


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


def test_temporary_file_of_another_process_is_left_alone(tmp_path):
    target = tmp_path / "x.bin"
    other = tmp_path / ".x.bin.node7.4242.abc123.tmp"  # another host's build, still writing
    other.write_bytes(b"half")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new" and other.read_bytes() == b"half"
    assert sorted(p.name for p in tmp_path.iterdir()) == [other.name, "x.bin"]


def test_temporary_name_carries_host_process_and_a_random_part(tmp_path):
    first, second = temporary_path(tmp_path / "x.bin"), temporary_path(tmp_path / "x.bin")
    host = re.sub(r"[^A-Za-z0-9-]", "_", socket.gethostname())
    assert first.name.startswith(f".x.bin.{host}.{os.getpid()}.") and first.name.endswith(".tmp")
    assert first != second and first.parent == tmp_path



def test_a_project_folder_moved_whole_still_builds(tmp_path):
    """A clerk moves the folder holding the source and output/ (to another disk, say): the names stay its own."""
    project = tmp_path / "桌面" / "清单"
    project.mkdir(parents=True)
    (source,) = make_sources(project, 1)
    assert build(source, "-f", "xlsx", "-o", project / "output").exit_code == 0
    moved = tmp_path / "D盘" / "清单"
    moved.parent.mkdir()
    project.rename(moved)
    again = build(moved / source.name, "-f", "xlsx", "-o", moved / "output")
    assert again.exit_code == 0 and "未变化" in again.output, again.output  # up to date, not rebuilt or refused
    other = make_sources(tmp_path, 1)[0]  # a different source of the same title is still refused
    refused = build(other, "-f", "xlsx", "-o", moved / "output")
    assert refused.exit_code == 1 and "已属于另一个源文件" in refused.output
    assert str(moved / source.name) in refused.output


def test_a_cloned_project_checks_its_own_outputs(tmp_path):
    """A copy of the project beside the original: its outputs, not the original's, decide whether it is up to date."""
    import shutil

    project = tmp_path / "原" / "清单"
    project.mkdir(parents=True)
    (source,) = make_sources(project, 1)
    assert build(source, "-f", "xlsx", "-o", project / "output").exit_code == 0
    clone = tmp_path / "副本" / "清单"
    shutil.copytree(project, clone)
    (output,) = (clone / "output").glob("*.xlsx")
    assert "未变化" in build(clone / source.name, "-f", "xlsx", "-o", clone / "output").output
    output.write_bytes(b"changed by hand")  # the clone's output only; the original's is intact
    assert "已生成" in build(clone / source.name, "-f", "xlsx", "-o", clone / "output").output
    assert output.read_bytes() != b"changed by hand"


def test_two_sources_of_one_file_name_keep_their_own_state(tmp_path):
    """Two sources named alike in different folders, built into one output folder, are never taken for each other."""
    (tmp_path / "甲").mkdir(), (tmp_path / "乙").mkdir()
    (first,), (second,) = make_sources(tmp_path / "甲", 1, "甲"), make_sources(tmp_path / "乙", 1, "乙")
    assert first.name == second.name
    out = tmp_path / "out"
    assert build(first, second, "-f", "xlsx", "-o", out).exit_code == 0
    again = build(first, second, "-f", "xlsx", "-o", out)
    assert again.exit_code == 0 and "0 个已生成，2 个未变化" in again.output, again.output
    retitle(second, "乙0镇履职事项清单（修订）")
    changed = build(first, second, "-f", "xlsx", "-o", out)
    assert "1 个已生成，1 个未变化" in changed.output, changed.output
