"""Building one or many sources into their output files, in parallel and only when something changed.

The work is split in two. A worker (a local process, or a Dask worker on another machine) renders
one source into the bytes of its formats and writes nothing. This process plans the batch (skips
what is up to date, claims each output name), then writes what comes back, atomically.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import click

from . import __version__
from .builders import REGISTRY, BuildOptions, builder
from .check import load_checked
from .errors import DutydocsError
from .fonts import HARFBUZZ_WARNING, has_harfbuzz_subset, serving_fonts
from .outputs import claim, claim_holder, safe_filename, write_atomic
from .source import read_text

STATE_DIR = ".dutydocs"
"""Folder inside the output folder where the content hash of each build and the name claims are kept."""

KILL_HOOK = "DUTYDOCS_TEST_KILL_WORKER"
"""Tests only: a marker file path; the first render to create it kills its own process after one format."""


@dataclass
class Rendered:
    """What a worker hands back for one source: the bytes of each format, or why it failed."""

    source: str
    outputs: dict[str, bytes] = field(default_factory=dict)
    items: int = 0
    warnings: int = 0
    fonts: dict[str, str] | None = None  # role → font; recorded when a PDF was set
    host: str = ""
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    error: str | None = None


@dataclass
class BuildResult:
    """What happened to one source: the files written, or why it failed, or that it was up to date."""

    source: str
    written: list[str] = field(default_factory=list)
    items: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    warnings: int = 0
    skipped: bool = False
    error: str | None = None


# --- what a worker runs -----------------------------------------------------------------------


def render_source(source: str, formats, options: BuildOptions, record_fonts: bool = False) -> Rendered:
    """Check one source and render each format to bytes, writing nothing; report failure instead of raising.

    With record_fonts (a worker on another machine), a PDF's result names the fonts that set it.
    """
    started, cpu = time.perf_counter(), time.process_time()
    result = Rendered(source=str(source), host=socket.gethostname())
    try:
        doc, warnings = load_checked(Path(source))
        result.items, result.warnings = doc.item_count(), len(warnings)
        for fmt in formats:
            module, made = builder(fmt), result.outputs
            base = getattr(module, "BASED_ON", None)
            made[fmt] = module.convert(doc, options, made[base]) if base in made else module.render(doc, options)
            _kill_hook()
        if record_fonts and "pdf" in formats:
            result.fonts = serving_fonts()
    except DutydocsError as exc:
        result.error = exc.format_message()
    except Exception:  # a bug, not a user mistake: keep the traceback, but let the other sources build
        result.error = f"{source}: 内部错误（请报告此问题）\n{traceback.format_exc()}"
    result.outputs = result.outputs if result.error is None else {}
    result.seconds, result.cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    return result


def _kill_hook() -> None:
    """Let a test kill this worker in the middle of a build, once, without relying on timing."""
    marker = os.environ.get(KILL_HOOK)
    if not marker:
        return
    try:
        fd = os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
    except FileExistsError:
        return
    os.write(fd, str(os.getpid()).encode())
    os.close(fd)
    os.kill(os.getpid(), signal.SIGKILL)


# --- incremental builds -----------------------------------------------------------------------


def content_hash(source: Path, fmt: str, options: BuildOptions) -> str:
    """Hash everything an output depends on: source bytes, templates, options, dutydocs version."""
    digest = hashlib.sha256()
    digest.update(
        f"{__version__}\0{fmt}\0{options.page_numbers}\0{os.environ.get('SOURCE_DATE_EPOCH', '')}\0".encode()
    )  # it stamps the outputs
    digest.update(Path(source).read_bytes())
    templates = Path(options.templates)
    for path in sorted(p for p in templates.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(templates)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _seen_from(out_dir: Path, source: str | Path) -> str:
    """The source as seen from the output folder: the same wherever a project folder (sources and output/) is moved."""
    return os.path.relpath(Path(source).resolve(), Path(out_dir).resolve())


def _state_path(out_dir: Path, source: Path) -> Path:
    key = hashlib.sha256(_seen_from(out_dir, source).encode()).hexdigest()[:16]
    return Path(out_dir) / STATE_DIR / f"{safe_filename(Path(source).stem)}-{key}.json"


def _up_to_date(formats, out_dir: Path, state_path: Path, inputs: dict[str, str]) -> list[str] | None:
    """Return the outputs when every one exists unchanged since a build with the same inputs."""
    try:
        state = json.loads(state_path.read_text("utf-8"))
        outputs = []
        for fmt in formats:
            entry = state[fmt]
            path = Path(out_dir) / entry["path"]  # a name inside the output folder, wherever it now is
            if entry["input"] != inputs[fmt] or hashlib.sha256(path.read_bytes()).hexdigest() != entry["output"]:
                return None
            outputs.append(str(path))
        return outputs
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _remember(state_path: Path, written: dict[str, Path], inputs: dict[str, str]) -> None:
    try:
        state = json.loads(state_path.read_text("utf-8"))
    except (OSError, ValueError):
        state = {}
    for fmt, path in written.items():
        state[fmt] = {
            "path": Path(path).name,
            "input": inputs[fmt],
            "output": hashlib.sha256(Path(path).read_bytes()).hexdigest(),
        }
    write_atomic(state_path, json.dumps(state, ensure_ascii=False, indent=1))


# --- the batch, as this process plans and finishes it -------------------------------------------


@dataclass
class Planned:
    """A source that must be rendered: the name its outputs get and the input hashes to remember."""

    source: str
    stem: str | None
    inputs: dict[str, str]


def _title_stem(source: str) -> str | None:
    """Return the output name from the source's title, or None when it cannot be read (the render says why)."""
    try:
        title = json.loads(read_text(Path(source))).get("title")
    except (DutydocsError, ValueError, AttributeError, RecursionError):
        return None
    return safe_filename(title) if isinstance(title, str) else None


def _claim(job_source: str, stem: str, out_dir: Path, check_only: bool = False) -> str | None:
    """Claim the output name for this source (or only look, with check_only); return why it is refused."""
    folder = Path(out_dir) / STATE_DIR / "claims"
    # The source as seen from the output folder: a project folder moved or copied whole (sources and
    # output/ together) still holds its own names; a different source of the same title does not.
    owner = _seen_from(out_dir, job_source)
    try:
        holder = claim_holder(folder, stem) if check_only else claim(folder, stem, owner)
    except OSError as exc:
        return f"{job_source}: 无法写入输出文件夹 {out_dir}（{exc.strerror or exc}）；请检查空间与权限"
    if holder is None or holder == owner:
        return None
    shown = holder if os.path.isabs(holder) else os.path.normpath(Path(out_dir) / holder)
    return (
        f"{job_source}: 输出文件名“{stem}”已属于另一个源文件 {shown}（两份清单标题相同）；"
        f"请修改其中一份的 title，或确认不再需要那一份后删除 {folder / stem} 再生成"
    )


def plan(source: str, formats, out_dir: Path, options: BuildOptions, force: bool) -> Planned | BuildResult:
    """Return what must be rendered, or the outcome when the source is up to date or its name is taken.

    A name held by another source is refused here, before any rendering; the claim itself is made
    only when there is something to write, so a source with errors leaves nothing behind.
    """
    stem = _title_stem(source)
    if stem is not None and (refused := _claim(source, stem, out_dir, check_only=True)):
        return BuildResult(source, error=refused)
    try:
        inputs = {fmt: content_hash(Path(source), fmt, options) for fmt in formats}
    except OSError:
        return Planned(source, stem, {})  # unreadable: the render reports it in the user's terms
    state_path = _state_path(out_dir, Path(source))
    if not force and stem is not None:
        outputs = _up_to_date(formats, out_dir, state_path, inputs)
        if outputs is not None:
            refused = _claim(source, stem, out_dir)  # held since it was built; claimed again if it was deleted
            return BuildResult(source, error=refused) if refused else BuildResult(source, written=outputs, skipped=True)
    return Planned(source, stem, inputs)


def finish(job: Planned, parts: list[Rendered], formats, out_dir: Path) -> BuildResult:
    """Write the rendered bytes of one source atomically and remember their hashes; fonts must be ours."""
    result = BuildResult(
        job.source, seconds=max(p.seconds for p in parts), cpu_seconds=sum(p.cpu_seconds for p in parts)
    )
    failed = next((p for p in parts if p.error), None)
    if failed or job.stem is None:
        result.error = failed.error if failed else f"{job.source}: 内部错误：读不出标题（请报告此问题）"
        return result
    for part in parts:
        if part.fonts is not None and part.fonts != (ours := serving_fonts()):
            differ = "；".join(
                f"{role} 本机 {ours.get(role)}，节点 {font}"
                for role, font in part.fonts.items()
                if ours.get(role) != font
            )
            result.error = (
                f"{job.source}: 工作节点 {part.host} 的字体与本机不同（{differ}），未写入任何文件；"
                f"请在所有节点安装同样的字体（scripts/setup.sh），用 dutydocs doctor 核对"
            )
            return result
    if refused := _claim(job.source, job.stem, out_dir):
        result.error = refused
        return result
    outputs = {fmt: data for part in parts for fmt, data in part.outputs.items()}
    try:
        written = {
            fmt: write_atomic(Path(out_dir) / f"{job.stem}.{builder(fmt).SUFFIX}", outputs[fmt]) for fmt in formats
        }
        _remember(_state_path(out_dir, Path(job.source)), written, job.inputs)
    except OSError as exc:
        result.error = f"{job.source}: 无法写入输出文件夹 {out_dir}（{exc.strerror or exc}）；请检查空间与权限"
        return result
    result.written = [str(p) for p in written.values()]
    result.items, result.warnings = parts[0].items, parts[0].warnings
    return result


def build_one(source: str, formats, out_dir: str | Path, options: BuildOptions, force: bool = False) -> BuildResult:
    """Build one source in this process, as a batch does, and report the outcome instead of raising."""
    formats = [f for f in REGISTRY if f in formats]
    outcome = plan(str(source), formats, Path(out_dir), options, force)
    if isinstance(outcome, BuildResult):
        return outcome
    return finish(outcome, [render_source(outcome.source, formats, options)], formats, Path(out_dir))


def render_units(jobs: list[Planned], formats, workers: int) -> list[tuple[int, list[str]]]:
    """Split the renders into units: one per source, or, with spare workers, the PDF (and what is made from it) apart."""
    with_pdf = [f for f in formats if f == "pdf" or getattr(builder(f), "BASED_ON", None) == "pdf"]
    rest = [f for f in formats if f not in with_pdf]
    split = workers > 1 and len(jobs) < workers and "pdf" in formats and rest
    groups = [with_pdf, rest] if split else [list(formats)]
    return [(index, group) for index in range(len(jobs)) for group in groups]


def render_locally(jobs: list[Planned], units, options: BuildOptions, workers: int):
    """Yield (unit, rendered) as this machine's processes finish them."""
    if workers == 1:
        for unit in units:
            yield unit, render_source(jobs[unit[0]].source, unit[1], options)
        return
    with ProcessPoolExecutor(max_workers=min(workers, len(units))) as pool:
        futures = {pool.submit(render_source, jobs[unit[0]].source, unit[1], options): unit for unit in units}
        for future in as_completed(futures):
            yield futures[future], future.result()


def build_many(
    sources,
    formats,
    out_dir: Path,
    options: BuildOptions,
    jobs: int = 1,
    force: bool = False,
    scheduler: str | None = None,
) -> bool:
    """Build every source with progress shown, one failure not stopping the rest; True when all built.

    With ``scheduler`` the renders run on a Dask distributed cluster; otherwise in ``jobs`` local processes.
    """
    formats = [f for f in REGISTRY if f in formats]
    if "pdf" in formats and not has_harfbuzz_subset():
        click.echo(HARFBUZZ_WARNING, err=True)
    sources = [str(s) for s in sources]
    started = time.perf_counter()
    results: list[BuildResult] = []
    show_progress = len(sources) > 1

    def report(result: BuildResult) -> None:
        results.append(result)
        if result.error:
            click.echo(result.error, err=True)
        elif not show_progress:
            for path in result.written:
                click.echo(f"{'未变化' if result.skipped else '已生成'} {path}")
            if not result.skipped:
                warned = f"，{result.warnings} 个警告（运行 dutydocs check 查看）" if result.warnings else ""
                click.echo(
                    f"{result.source}: {result.items} 项，{len(result.written)} 个文件，"
                    f"用时 {result.seconds:.1f} 秒{warned}",
                    err=True,
                )
        if show_progress:
            done = len(results)
            failed = sum(1 for r in results if r.error)
            items = sum(r.items for r in results)
            click.echo(
                f"[{done}/{len(sources)}] {items} 项，失败 {failed}，"
                f"已用 {time.perf_counter() - started:.1f} 秒  {result.source}",
                err=True,
            )

    pending: list[Planned] = []
    for source in sources:
        outcome = plan(source, formats, out_dir, options, force)
        if isinstance(outcome, BuildResult):
            report(outcome)
        else:
            pending.append(outcome)
    if pending:
        if scheduler:
            from .cluster import render_on_cluster

            units = render_units(pending, formats, 1)
            rendered = render_on_cluster(
                [pending[i].source for i, _ in units], [g for _, g in units], options, scheduler
            )
            done = ((units[n], part) for n, part in rendered)
        else:
            units = render_units(pending, formats, jobs)
            done = render_locally(pending, units, options, jobs)
        parts: dict[int, list[Rendered]] = {}
        for (index, _group), part in done:
            parts.setdefault(index, []).append(part)
            if len(parts[index]) == len(units) // len(pending):
                report(finish(pending[index], parts[index], formats, out_dir))

    failures = [r for r in results if r.error]
    if show_progress or failures:
        built = sum(1 for r in results if not r.error and not r.skipped)
        skipped = sum(1 for r in results if r.skipped)
        click.echo(
            f"完成：{built} 个已生成，{skipped} 个未变化，{len(failures)} 个失败，"
            f"共 {sum(r.items for r in results)} 项，用时 {time.perf_counter() - started:.1f} 秒",
            err=True,
        )
        for failure in failures:
            click.echo(f"  失败：{failure.source}", err=True)
    return not failures
