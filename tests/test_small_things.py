"""The small things that each cost a user a minute: exit codes, Ctrl-C, git paths, places, dates, names."""
from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from dutydocs.builders import BuildOptions
from dutydocs.cli import main
from dutydocs.outputs import NAME_MAX_BYTES, safe_filename, write_atomic

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "small.json"
DUTYDOCS = Path(sys.executable).with_name("dutydocs")


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.mark.parametrize("args", [
    ["diff", FIXTURE, FIXTURE, "--format", "docx"],
    ["diff", FIXTURE, FIXTURE, "--format", "pdf"],
    ["diff", FIXTURE, FIXTURE, "--date", "2025-02-30"],
    ["diff", FIXTURE, FIXTURE, "--date", "30.06.2025"],
    ["import", FIXTURE, "--date", "2025/06/30"],
])
def test_usage_mistakes_exit_2_in_one_line(args):
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output


def test_dates_are_explained_in_words(tmp_path):
    result = invoke("diff", FIXTURE, FIXTURE, "--date", "2025-6-30")
    assert "年-月-日" in result.output and "如 2025-06-30" in result.output
    assert not re.search(r"\\d|\[0-9\]|\{4\}|\^", result.output), result.output
    data = json.loads(FIXTURE.read_text("utf-8"))
    data["revision"]["date"] = "2025年6月30日"
    path = tmp_path / "s.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), "utf-8")
    check = invoke("check", path)
    assert check.exit_code == 1 and "年-月-日" in check.output
    assert not re.search(r"\[0-9\]|\{4\}|\^", check.output), check.output


def test_ctrl_c_in_a_command_prints_interrupted_and_exits_130(monkeypatch):
    import dutydocs.check

    def interrupted(path):
        raise KeyboardInterrupt
    monkeypatch.setattr(dutydocs.check, "check_file", interrupted)
    result = invoke("check", FIXTURE)
    assert result.exit_code == 130 and "已中断" in result.output and "Aborted" not in result.output


def test_ctrl_c_during_a_real_build(tmp_path, bundled_path):
    """SIGINT at any moment of a PDF build (seconds long): 已中断, exit 130, no stray temporary file."""
    # A process started in the background (a CI job, a test worker) may inherit SIGINT ignored, and Python
    # then installs no KeyboardInterrupt handler: the build gets Ctrl-C's default disposition, as from a terminal.
    process = subprocess.Popen([str(DUTYDOCS), "build", str(bundled_path), "-f", "pdf", "-o", str(tmp_path)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    time.sleep(1.5)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, (out, err)
    assert "已中断" in err and "Aborted" not in err and "Traceback" not in err
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".*.tmp"))


def test_git_paths_read_from_the_repository_root_or_with_dot_from_here(tmp_path, monkeypatch):
    from dutydocs.diff import load_revision
    from dutydocs.errors import DutydocsError

    repo = tmp_path / "repo"
    (repo / "source").mkdir(parents=True)
    (repo / "source" / "town.json").write_text(FIXTURE.read_text("utf-8"), "utf-8")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(repo)]
    subprocess.run(git[:5] + ["init", "-q", str(repo)], check=True)
    subprocess.run(git + ["add", "."], check=True)
    subprocess.run(git + ["commit", "-qm", "one"], check=True)
    monkeypatch.chdir(repo / "source")
    assert load_revision("HEAD:source/town.json").title  # from the root, as git reads it
    assert load_revision("HEAD:./town.json").title       # from the current folder
    with pytest.raises(DutydocsError, match="git 中找不到"):
        load_revision("HEAD:town.json")                  # not at the root


def test_a_misspelt_key_is_located_on_its_own_line(tmp_path):
    text = FIXTURE.read_text("utf-8").replace('"townsh' + 'ip":', '"townshp":', 1)
    path = tmp_path / "s.json"
    path.write_text(text, "utf-8")
    report = json.loads(invoke("check", path, "--format", "json").output)
    (problem,) = [p for p in report["problems"] if "townshp" in p["message"]]
    assert '"townshp"' in text.splitlines()[problem["line"] - 1]
    nested = FIXTURE.read_text("utf-8").replace('"category"', '"catgory"', 1)
    path.write_text(nested, "utf-8")
    report = json.loads(invoke("check", path, "--format", "json").output)
    (problem,) = [p for p in report["problems"] if "catgory" in p["message"]]
    assert '"catgory"' in nested.splitlines()[problem["line"] - 1]


def test_file_names_fit_in_255_bytes_with_suffix_and_temporary_name(tmp_path):
    title = "乌鲁木齐市米东区羊毛工镇" * 30 + "履职事项清单"
    name = safe_filename(title)
    assert len(name.encode()) + len("-0123456789abcdef.json") + len(".") + len(".abcdefgh.tmp") <= NAME_MAX_BYTES
    assert title.startswith(name) and len(name) > 40  # cut on a character, still readable
    for suffix in (".xlsx", ".docx"):
        write_atomic(tmp_path / (safe_filename(title, suffix=suffix) + suffix), b"x")  # the OS accepts it
    data = json.loads(FIXTURE.read_text("utf-8"))
    data["title"] = title
    source = tmp_path / ("长" * 80 + ".json")
    source.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    result = invoke("build", source, "-f", "html", "-f", "xlsx", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "out").glob("*.html")) + list((tmp_path / "out").glob("*.xlsx"))) == 2


def test_source_date_epoch_is_part_of_the_incremental_hash(monkeypatch, small_path):
    from dutydocs.build import content_hash

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    plain = content_hash(small_path, "html", BuildOptions())
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert content_hash(small_path, "html", BuildOptions()) != plain


def test_readme_documents_base_and_fmt():
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "--base" in readme and "dutydocs fmt" in readme and "--date" in readme
