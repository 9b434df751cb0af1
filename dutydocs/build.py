"""Building one or many sources into their output files, in parallel and only when something changed."""
from __future__ import annotations

import hashlib
import json
import os
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
from .fonts import HARFBUZZ_WARNING, has_harfbuzz_subset
from .model import Document
from .outputs import safe_filename, write_atomic

STATE_DIR = ".dutydocs"
"""Folder inside the output folder where the content hash of each build is kept."""


@dataclass
class BuildResult:
    """What happened to one source: the files written, or why it failed, or that it was up to date."""

    source: str
    written: list[str] = field(default_factory=list)
    items: int = 0
    seconds: float = 0.0
    warnings: int = 0
    skipped: bool = False
    error: str | None = None


def output_paths(doc: Document, formats, out_dir: Path, stem: str | None = None) -> dict[str, Path]:
    """Return where each format of a document is written: <out>/<title>.<suffix>."""
    stem = stem or safe_filename(doc.title)
    return {fmt: Path(out_dir) / f"{stem}.{builder(fmt).SUFFIX}" for fmt in formats}


def build_source(source: Path, formats, out_dir: Path, options: BuildOptions,
                 stem: str | None = None) -> tuple[Document, list[Path], int]:
    """Load one source and write each format; nothing is written unless the source is valid."""
    doc, warnings = load_checked(source)
    written, made = [], {}
    for fmt, path in output_paths(doc, formats, out_dir, stem).items():
        module = builder(fmt)
        base = getattr(module, "BASED_ON", None)
        made[fmt] = module.convert(doc, options, made[base]) if base in made else module.render(doc, options)
        written.append(write_atomic(path, made[fmt]))
    return doc, written, len(warnings)


# --- incremental builds -----------------------------------------------------------------------

def content_hash(source: Path, fmt: str, options: BuildOptions) -> str:
    """Hash everything an output depends on: source bytes, templates, options, dutydocs version."""
    digest = hashlib.sha256()
    digest.update(f"{__version__}\0{fmt}\0{options.page_numbers}\0"
                  f"{os.environ.get('SOURCE_DATE_EPOCH', '')}\0".encode())  # it stamps the outputs
    digest.update(Path(source).read_bytes())
    templates = Path(options.templates)
    for path in sorted(p for p in templates.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(templates)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _state_path(out_dir: Path, source: Path) -> Path:
    key = hashlib.sha256(str(Path(source).resolve()).encode()).hexdigest()[:16]
    return Path(out_dir) / STATE_DIR / f"{safe_filename(Path(source).stem)}-{key}.json"


def _up_to_date(source: Path, formats, out_dir: Path, options: BuildOptions) -> list[str] | None:
    """Return the outputs when every one exists unchanged since a build with the same inputs."""
    state_path = _state_path(out_dir, source)
    try:
        state = json.loads(state_path.read_text("utf-8"))
        outputs = []
        for fmt in formats:
            entry = state[fmt]
            path = Path(entry["path"])
            if entry["input"] != content_hash(source, fmt, options) or \
                    hashlib.sha256(path.read_bytes()).hexdigest() != entry["output"]:
                return None
            outputs.append(str(path))
        return outputs
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _remember(source: Path, formats, written: list[Path], out_dir: Path, options: BuildOptions) -> None:
    state_path = _state_path(out_dir, source)
    try:
        state = json.loads(state_path.read_text("utf-8"))
    except (OSError, ValueError):
        state = {}
    for fmt, path in zip(formats, written):
        state[fmt] = {"path": str(path), "input": content_hash(source, fmt, options),
                      "output": hashlib.sha256(Path(path).read_bytes()).hexdigest()}
    write_atomic(state_path, json.dumps(state, ensure_ascii=False, indent=1))


# --- one source, as a worker process runs it ---------------------------------------------------

def build_one(source: str, formats: list[str], out_dir: str, options: BuildOptions, force: bool = False,
              stem: str | None = None) -> BuildResult:
    """Build one source and report the outcome instead of raising: the unit a batch engine calls."""
    started = time.perf_counter()
    result = BuildResult(source=str(source))
    try:
        if not force:
            outputs = _up_to_date(Path(source), formats, Path(out_dir), options)
            if outputs is not None:
                result.written, result.skipped = outputs, True
                return result
        doc, written, result.warnings = build_source(Path(source), formats, Path(out_dir), options, stem)
        _remember(Path(source), formats, written, Path(out_dir), options)
        result.written, result.items = [str(p) for p in written], doc.item_count()
    except DutydocsError as exc:
        result.error = exc.format_message()
    except Exception:  # a bug, not a user mistake: keep the traceback, but let the other sources build
        result.error = f"{source}: 内部错误（请报告此问题）\n{traceback.format_exc()}"
    result.seconds = time.perf_counter() - started
    return result


def _stems(sources: list[Path]) -> dict[str, str | None]:
    """Name outputs after the title; when two sources share a title, add the source file's name."""
    titles: dict[str, str | None] = {}
    for source in sources:
        try:
            titles[str(source)] = json.loads(Path(source).read_text("utf-8-sig")).get("title")
        except (OSError, ValueError, AttributeError, RecursionError):  # the build reports it properly
            titles[str(source)] = None
    counts: dict[str, int] = {}
    for title in titles.values():
        if isinstance(title, str):
            counts[title] = counts.get(title, 0) + 1
    return {source: (f"{safe_filename(title)}（{safe_filename(Path(source).stem)}）"
                     if isinstance(title, str) and counts[title] > 1 else None)
            for source, title in titles.items()}


def build_many(sources, formats, out_dir: Path, options: BuildOptions, jobs: int = 1,
               force: bool = False) -> bool:
    """Build every source with progress shown, one failure not stopping the rest; True when all built."""
    formats = [f for f in REGISTRY if f in formats]
    if "pdf" in formats and not has_harfbuzz_subset():
        click.echo(HARFBUZZ_WARNING, err=True)
    sources = [str(s) for s in sources]
    stems = _stems([Path(s) for s in sources])
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
                click.echo(f"{result.source}: {result.items} 项，{len(result.written)} 个文件，"
                           f"用时 {result.seconds:.1f} 秒{warned}", err=True)
        if show_progress:
            done = len(results)
            failed = sum(1 for r in results if r.error)
            items = sum(r.items for r in results)
            click.echo(f"[{done}/{len(sources)}] {items} 项，失败 {failed}，"
                       f"已用 {time.perf_counter() - started:.1f} 秒  {result.source}", err=True)

    if jobs == 1 or len(sources) == 1:
        for source in sources:
            report(build_one(source, formats, str(out_dir), options, force, stems[source]))
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(build_one, source, formats, str(out_dir), options, force, stems[source])
                       for source in sources]
            for future in as_completed(futures):
                report(future.result())

    failures = [r for r in results if r.error]
    if show_progress or failures:
        built = sum(1 for r in results if not r.error and not r.skipped)
        skipped = sum(1 for r in results if r.skipped)
        click.echo(f"完成：{built} 个已生成，{skipped} 个未变化，{len(failures)} 个失败，"
                   f"共 {sum(r.items for r in results)} 项，用时 {time.perf_counter() - started:.1f} 秒", err=True)
        for failure in failures:
            click.echo(f"  失败：{failure.source}", err=True)
    return not failures
