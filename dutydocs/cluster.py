"""Rendering sources on a Dask distributed cluster: what is sent, what runs there, what comes back.

Workers share no file system with this process: each task carries the text of its source, the
templates folder is sent once to every worker, and the rendered bytes come back to be written
here. A task whose worker dies is run again by Dask on another worker.
"""

from __future__ import annotations

import logging
import os
import tempfile
import uuid
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

from .build import Rendered, render_source
from .builders import BuildOptions
from .errors import DutydocsError, SourceError
from .source import read_text

IN_FLIGHT_PER_THREAD = 4
"""Tasks kept submitted per worker thread: enough to keep workers busy, few enough to bound memory."""

MISSING = (
    "--scheduler 需要 Dask distributed，本环境没有安装；请运行 pip install 'dutydocs[dask]'"
    "（在项目目录中：.venv/bin/pip install -e '.[dask]'），或改用 --jobs 在本机并行"
)


def pack_templates(folder: Path) -> dict[str, bytes]:
    """Return every file of a templates folder by its relative path, to be sent to the workers."""
    folder = Path(folder)
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def render_sent(
    name: str, text: str, formats: list[str], options: BuildOptions, templates: dict[str, bytes]
) -> Rendered:
    """Render a source that arrived as text, with templates that arrived as bytes, in a private folder.

    Messages name the source and templates as the sender knows them, not the worker's folder.
    """
    with tempfile.TemporaryDirectory(prefix="dutydocs-") as tmp:
        folder = Path(tmp)
        for relative, data in templates.items():
            target = folder / "templates" / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        source = folder / "source.json"
        source.write_text(text, "utf-8")
        result = render_source(
            str(source), formats, replace(options, templates=folder / "templates"), record_fonts=True
        )
    result.source = name
    if result.error:
        result.error = result.error.replace(str(source), name).replace(
            str(folder / "templates"), str(options.templates)
        )
    return result


def _client(address: str, stack: ExitStack):
    """Return a Dask client on the scheduler at address, or on a LocalCluster sized to this machine."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise DutydocsError(MISSING) from None
    if address == "local":
        workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        cluster = stack.enter_context(
            LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
        )
        return stack.enter_context(Client(cluster))
    try:
        return stack.enter_context(Client(address, timeout="20s"))
    except (OSError, TimeoutError, ValueError) as exc:
        raise DutydocsError(
            f"无法连接 Dask 调度器 {address}（{exc}）；请检查地址与端口，或用 --scheduler local 在本机启动"
        ) from None


def render_on_cluster(sources: list[str], groups: list[list[str]], options: BuildOptions, address: str):
    """Yield (index, rendered) for each source as the cluster finishes it; a lost task is a failure, not a crash.

    Only a few tasks per worker thread are in flight at a time, so a round of tens of thousands of
    sources never holds all their texts in memory here or on the scheduler.
    """
    with ExitStack() as stack:
        client = _client(address, stack)
        from distributed import as_completed

        batch = uuid.uuid4().hex[:8]
        # A task, not scattered data: Dask can compute it again if every worker holding it dies.
        templates = client.submit(dict, pack_templates(options.templates), key=f"dutydocs-{batch}-templates")
        todo = iter(enumerate(zip(sources, groups, strict=True)))
        running = as_completed()
        indexes = {}

        def refill():
            """Submit sources until the cluster's threads have a few each; yield the ones unreadable here."""
            target = IN_FLIGHT_PER_THREAD * max(1, sum(client.nthreads().values()))
            while running.count() < target:
                try:
                    index, (source, formats) = next(todo)
                except StopIteration:
                    return
                try:
                    text = read_text(Path(source))
                except SourceError as exc:
                    yield index, Rendered(source, error=exc.format_message())
                    continue
                future = client.submit(
                    render_sent, source, text, formats, options, templates, key=f"dutydocs-{batch}-{index}", pure=False
                )
                indexes[future.key] = index
                running.add(future)

        yield from refill()
        for future in running:
            index = indexes.pop(future.key)
            try:
                yield index, future.result()
            except Exception as exc:  # e.g. KilledWorker: the workers running it died again and again
                yield (
                    index,
                    Rendered(
                        sources[index],
                        error=(
                            f"{sources[index]}: 集群未能完成此源文件（{type(exc).__name__}: {exc}）；"
                            f"请查看工作节点的日志与内存"
                        ),
                    ),
                )
            future.release()
            yield from refill()
