"""Building one or many sources into their output files."""
from __future__ import annotations

import logging
import time
from pathlib import Path

import click

from .builders import REGISTRY, BuildOptions, builder
from .errors import DutydocsError
from .fonts import HARFBUZZ_WARNING, has_harfbuzz_subset
from .model import Document
from .outputs import safe_filename, write_atomic
from .check import load_checked


def output_paths(doc: Document, formats, out_dir: Path) -> dict[str, Path]:
    """Return where each format of a document is written: <out>/<title>.<suffix>."""
    stem = safe_filename(doc.title)
    return {fmt: Path(out_dir) / f"{stem}.{builder(fmt).SUFFIX}" for fmt in formats}


def build_source(source: Path, formats, out_dir: Path, options: BuildOptions) -> list[Path]:
    """Load one source and write each format; nothing is written unless the source is valid."""
    doc, warnings = load_checked(source)
    if warnings:
        click.echo(f"{source}: {len(warnings)} 个警告（运行 dutydocs check {source} 查看）", err=True)
    written = []
    for fmt, path in output_paths(doc, formats, out_dir).items():
        data = builder(fmt).render(doc, options)
        written.append(write_atomic(path, data))
    return written


def build_many(sources, formats, out_dir: Path, options: BuildOptions, jobs: int = 1,
               force: bool = False) -> bool:
    """Build every source, report progress and failures; return True when all built."""
    formats = [f for f in REGISTRY if f in formats]
    if "pdf" in formats and not has_harfbuzz_subset():
        click.echo(HARFBUZZ_WARNING, err=True)
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    failures = 0
    for source in sources:
        started = time.perf_counter()
        try:
            written = build_source(Path(source), formats, out_dir, options)
        except DutydocsError as exc:
            failures += 1
            click.echo(exc.format_message(), err=True)
            continue
        seconds = time.perf_counter() - started
        for path in written:
            click.echo(f"已生成 {path}")
        click.echo(f"{source}: {len(written)} 个文件，用时 {seconds:.1f} 秒", err=True)
    if failures:
        click.echo(f"{failures} 个源文件失败", err=True)
    return failures == 0
