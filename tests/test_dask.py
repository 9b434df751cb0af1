"""Batch builds on a real Dask distributed cluster: same outcome as --jobs, no shared files, workers may die."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

import distributed  # installed by the test extra ('.[test]'); a plain install has no Dask
import pytest
from openpyxl import load_workbook

from dutydocs.build import KILL_HOOK
from dutydocs.builders import PROJECT_TEMPLATES, BuildOptions
from dutydocs.cluster import pack_templates, render_sent
from dutydocs.fonts import serving_fonts

from batch_sources import build
from batch_sources import make_sources as _make_sources


def make_sources(folder: Path, count: int) -> list[Path]:
    return _make_sources(folder, count, prefix="集群")


def no_process_left() -> bool:
    """Whether every process a cluster started has ended (allowing them a few seconds to exit)."""
    deadline = time.monotonic() + 15
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.1)
    return not multiprocessing.active_children()


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.is_file())


@pytest.fixture(scope="module")
def odd_cluster(tmp_path_factory):
    """One worker process that sees only the Noto fonts (no Fandol), and a hook that kills it once, inside a task.

    With a single worker, its death also loses every result it held (the templates sent to it), so
    a retry has to recompute them on the worker that the nanny starts again.
    """
    folder = tmp_path_factory.mktemp("cluster")
    noto = Path(
        subprocess.run(
            ["fc-match", "-f", "%{file}", "Noto Sans CJK SC"], capture_output=True, text=True, check=True
        ).stdout
    ).parent
    fonts = folder / "fonts.conf"
    fonts.write_text(
        f'<?xml version="1.0"?><fontconfig><dir>{noto}</dir><cachedir>{folder / "fc"}</cachedir></fontconfig>', "utf-8"
    )
    marker = folder / "killed"
    marker.write_text("0")  # the hook is disarmed until a test removes the marker
    env = {"FONTCONFIG_FILE": str(fonts), KILL_HOOK: str(marker)}
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None, env=env
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield cluster.scheduler_address, client, marker
    assert no_process_left()


def test_local_cluster_builds_like_jobs_and_skips_unchanged_before_sending(tmp_path, templates_copy):
    sources = make_sources(tmp_path, 2)
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", "utf-8")
    missing = tmp_path / "missing.json"  # fails here, before anything is sent
    (templates_copy / "web.css").write_text((templates_copy / "web.css").read_text("utf-8") + "/* 集群模板 */")
    out = tmp_path / "out"
    options = ["-f", "pdf", "-f", "html", "--templates", templates_copy, "-o", out]
    result = build(*sources, bad, missing, *options, "--scheduler", "local")
    assert no_process_left()  # the cluster did not outlive the build
    assert result.exit_code == 1
    assert "bad.json" in result.output and "JSON 格式错误" in result.output and "[4/4]" in result.output
    assert "missing.json: 文件不存在" in result.output
    assert "2 个已生成" in result.output and "2 个失败" in result.output
    assert files(out) == [f"集群{n}镇履职事项清单.{s}" for n in range(2) for s in ("html", "pdf")]
    assert "/* 集群模板 */" in (out / "集群0镇履职事项清单.html").read_text("utf-8")  # the templates went along
    assert (out / "集群0镇履职事项清单.pdf").read_bytes().startswith(b"%PDF")
    # Up to date: decided here, before anything is sent; this scheduler address has nothing listening.
    again = build(*sources, *options, "--scheduler", "tcp://127.0.0.1:9")
    assert again.exit_code == 0 and "2 个未变化" in again.output


def test_worker_killed_during_a_build_has_its_source_retried(tmp_path, odd_cluster):
    address, client, marker = odd_cluster
    marker.unlink()  # arm the hook: the first task to run creates the marker again and kills its worker
    sources = make_sources(tmp_path, 3)
    out = tmp_path / "out"
    result = build(*sources, "-f", "xlsx", "-f", "html", "-o", out, "--scheduler", address)
    assert result.exit_code == 0, result.output
    killed = int(marker.read_text())  # the hook ran: after the first format, it killed its own worker
    assert killed not in client.run(os.getpid).values()
    assert "3 个已生成" in result.output and "0 个失败" in result.output
    assert files(out) == [f"集群{n}镇履职事项清单.{s}" for n in range(3) for s in ("html", "xlsx")]
    for n in range(3):
        load_workbook(out / f"集群{n}镇履职事项清单.xlsx")  # whole files, no partial one


def test_worker_with_other_fonts_fails_that_source(tmp_path, odd_cluster):
    """A worker whose fonts serve some role differently fails the source, naming each such role's font here and
    there, whichever fonts this machine has; nothing is written."""
    address, client, _ = odd_cluster
    ours = serving_fonts()
    (theirs,) = client.run(serving_fonts).values()  # what the worker's fontconfig chose
    differ = [f"{role} 本机 {ours[role]}，节点 {font}" for role, font in theirs.items() if font != ours[role]]
    assert differ  # the worker sees only the Noto fonts' folder, so some role is served by another font here
    (source,) = make_sources(tmp_path, 1)
    out = tmp_path / "out"
    result = build(source, "-f", "pdf", "-o", out, "--scheduler", address)
    assert result.exit_code == 1
    assert "town0.json" in result.output and "字体与本机不同" in result.output
    assert [d for d in differ if d not in result.output] == []
    assert not out.exists() or not files(out)


def test_a_worker_needs_none_of_the_senders_files(small_path):
    options = BuildOptions(templates=Path("/nowhere/templates"))
    templates = pack_templates(PROJECT_TEMPLATES)
    good = render_sent("/nowhere/town.json", small_path.read_text("utf-8"), ["xlsx", "html"], options, templates)
    assert good.error is None and good.source == "/nowhere/town.json" and good.outputs["xlsx"][:2] == b"PK"
    assert "示例镇履职事项清单" in good.outputs["html"].decode("utf-8")
    bad = render_sent("/nowhere/town.json", '{"title": 1}', ["xlsx"], options, templates)
    assert bad.error.startswith("/nowhere/town.json") and "dutydocs-" not in bad.error


def test_missing_dask_says_how_to_add_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # as in a plain install
    (source,) = make_sources(tmp_path, 1)
    result = build(source, "-f", "xlsx", "-o", tmp_path / "out", "--scheduler", "local")
    assert result.exit_code == 1 and "pip install 'dutydocs[dask]'" in result.output
    assert "Traceback" not in result.output
    assert build(source, "-f", "xlsx", "-o", tmp_path / "out").exit_code == 0  # the plain build needs no Dask


def test_jobs_and_scheduler_together_is_a_usage_error(tmp_path):
    (source,) = make_sources(tmp_path, 1)
    result = build(source, "--jobs", "2", "--scheduler", "local")
    assert result.exit_code == 2 and "--scheduler" in result.output
