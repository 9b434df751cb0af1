"""Revision diffs: what changed between two revisions of a duty list, in six report formats."""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

import click

from ..errors import DutydocsError, UsageMistake
from ..model import Document
from ..outputs import write_atomic
from .align import align
from .compare import Diff, compare

__all__ = ["FORMATS", "Diff", "align", "compare", "load_revision", "render", "run_diff"]

FORMATS = ("text", "html", "pdf", "docx", "xlsx", "json")
BINARY = {"pdf", "docx", "xlsx"}
_GIT_SPEC = re.compile(r"^(?P<rev>[^:]+):(?P<path>.+)$")


def load_revision(spec: str) -> Document:
    """Read a revision: a .json source, an .xlsx copy, or REV:path from git."""
    path = Path(spec)
    git = _GIT_SPEC.match(spec)
    if path.exists() or not git or re.match(r"^[A-Za-z]:[\\/]", spec):
        return _load_file(path)
    rev, rel = git.group("rev", "path")
    return _load_git(rev, rel, spec)


def _load_file(path: Path, name: str | None = None) -> Document:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from ..importers.xlsx import read_returned

        if not path.is_file():
            raise DutydocsError(f"{name or path}: 文件不存在或不是文件（请检查路径）")
        returned = read_returned(path)
        if returned.department:  # a copy holds only its department's rows: the rest would read as deleted
            raise UsageMistake(
                f"{name or path}: 这是{returned.department}的部门副本，只含该部门的事项，与完整清单比较会把其余事项"
                f"都算作删除；请用 dutydocs merge 旧.json {path.name} -o 新.json 合并后再比较 旧.json 与 新.json"
            )
        return returned.doc
    if path.suffix.lower() != ".json" and path.exists():
        raise DutydocsError(f"{name or path}: 只能比较 .json 源文件、.xlsx 副本或 git 版本（版本:路径）")
    from ..source import load

    return load(path)


def _load_git(rev: str, rel: str, spec: str) -> Document:
    """Read path as it was at rev, as git reads REV:path: from the repository's root, or from the
    current folder when the path starts with ./ or ../; an absolute path from the folder holding it."""
    target = Path(rel)
    if target.is_absolute():
        folder = next(p for p in target.parents if p.is_dir())
        inside = "./" + target.relative_to(folder).as_posix()
    else:
        folder, inside = Path.cwd(), rel
    try:
        result = subprocess.run(["git", "show", f"{rev}:{inside}"], cwd=folder, capture_output=True, check=False)
    except FileNotFoundError:
        raise DutydocsError(f"{spec}: 未找到 git 命令，无法读取 git 中的版本") from None
    if result.returncode != 0:
        reason = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise DutydocsError(f"{spec}: git 中找不到此版本的文件（{reason[-1] if reason else 'git show 失败'}）")
    with tempfile.TemporaryDirectory(prefix="dutydocs-diff-") as tmp:
        copy = Path(tmp) / target.name
        copy.write_bytes(result.stdout)
        try:
            return _load_file(copy, spec)
        except DutydocsError as exc:
            raise DutydocsError(exc.format_message().replace(str(copy), spec)) from None


def render(
    diff: Diff,
    output_format: str,
    author: str = "dutydocs",
    change_date: str | None = None,
    color: bool = False,
    templates: Path | None = None,
) -> bytes | str:
    """Return the report in one format: str for text, html and json, bytes for the others.

    templates: the templates folder (--templates) for the html, pdf and docx reports; the project's by default.
    """
    from ..builders import BuildOptions
    from ..edition import PROJECT_TEMPLATES

    templates = templates or PROJECT_TEMPLATES
    if output_format == "text":
        from .text import render_text

        return render_text(diff, color=color)
    if output_format == "json":
        from .report import render_json

        return render_json(diff)
    if output_format == "html":
        from .html import render_html

        return render_html(diff, templates)
    if output_format == "pdf":
        from .html import render_pdf

        return render_pdf(diff, templates)
    if output_format == "docx":
        from .docx import render_docx

        return render_docx(diff, author=author, change_date=change_date, options=BuildOptions(templates=templates))
    if output_format == "xlsx":
        from .xlsx import render_xlsx

        return render_xlsx(diff)
    raise DutydocsError(f"不支持的报告格式：{output_format}（可选：{'、'.join(FORMATS)}）")


def run_diff(
    old: str,
    new: str,
    output_format: str = "text",
    out: Path | None = None,
    author: str = "dutydocs",
    change_date: str | None = None,
    color: bool | None = None,
    templates: Path | None = None,
) -> bool:
    """Compare two revisions, write the report (stdout or out) and return True when they differ."""
    if output_format in BINARY and out is None:
        raise DutydocsError(
            f"{output_format} 报告是二进制文件，请用 -o/--out 指定输出文件，例如 -o 修订对照.{output_format}"
        )
    if change_date is not None and not re.match(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?Z?)?$", change_date):
        raise DutydocsError(f"修订日期格式不对：{change_date}（应为 YYYY-MM-DD 或 YYYY-MM-DDThh:mm:ssZ）")
    diff = compare(load_revision(old), load_revision(new), old, new)
    if color is None:
        color = sys.stdout.isatty()
    color = bool(color) and out is None and output_format == "text"
    data = render(diff, output_format, author=author, change_date=change_date, color=color, templates=templates)
    if out is None:
        click.echo(data, nl=False, color=color)
    else:
        write_atomic(out, data)
        click.echo(f"已写入 {out}", err=True)
    return diff.changed
