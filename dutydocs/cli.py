"""The dutydocs command line: thin commands that each call one library function."""
from __future__ import annotations

import json
import signal
import sys
from pathlib import Path

import click

from . import __version__
from .builders import FORMATS, PROJECT_TEMPLATES, BuildOptions

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="dutydocs")
def main() -> None:
    """dutydocs：乡镇履职事项清单的发布与修订比对工具。

    \b
    一份 JSON 源文件（source/*.json）发布为 Word、Excel、PDF、HTML，
    并报告两次修订之间的变化。

    \b
    例：
      dutydocs check source/yangmaogong.json
      dutydocs build source/yangmaogong.json
    """


def _default_sources() -> list[Path]:
    found = sorted(Path("source").glob("*.json"))
    if not found:
        raise click.UsageError("未指定源文件，当前目录下也没有 source/*.json")
    return found


@main.command(context_settings=CONTEXT)
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option("-f", "--format", "formats", multiple=True, type=click.Choice(FORMATS),
              help="只生成这些格式（可重复）；默认全部：pdf、docx、xlsx、html。")
@click.option("-o", "--out", "out_dir", default="output", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="输出文件夹。")
@click.option("--templates", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=PROJECT_TEMPLATES, show_default="项目的 templates/", help="模板文件夹。")
@click.option("--page-numbers", type=click.Choice(["total", "dash"]), default="total", show_default=True,
              help="页码样式：total 为“第 X 页，共 Y 页”，dash 为 GB/T 9704 的“— X —”。")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=1, show_default=True,
              help="并行进程数：批量时各源文件并行；只有一个源文件时 PDF 与其他格式并行。")
@click.option("--scheduler", metavar="ADDRESS",
              help="把生成交给 Dask distributed 集群：调度器地址（如 tcp://10.0.0.5:8786），"
                   "或 local 在本机按核数启动；需要 pip install 'dutydocs[dask]'。")
@click.option("--force", is_flag=True, help="即使源文件与模板都没有变化也重新生成。")
def build(sources, formats, out_dir, templates, page_numbers, jobs, scheduler, force):
    """把源文件发布为正式文本（PDF、Word、Excel、HTML）。

    \b
    例：
      dutydocs build                                   # source/ 下全部清单
      dutydocs build source/yangmaogong.json -f pdf    # 只生成 PDF
      dutydocs build source/*.json --jobs 2 -o output  # 批量生成
      dutydocs build 分片/*.json --scheduler tcp://调度器:8786   # 在 Dask 集群上生成
    """
    from .build import build_many

    if scheduler and jobs != 1:
        raise click.UsageError("--jobs 与 --scheduler 不能同时使用：在集群上，并行数由工作节点决定")
    options = BuildOptions(templates=templates, page_numbers=page_numbers)
    ok = build_many(list(sources) or _default_sources(), formats or FORMATS, out_dir, options,
                    jobs=jobs, force=force, scheduler=scheduler)
    if not ok:
        sys.exit(1)


@main.command(context_settings=CONTEXT)
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="报告格式。")
@click.option("--strict", is_flag=True, help="把警告也当作错误（退出码 1）。")
def check(sources, output_format, strict):
    """检查源文件：格式、编号、说明中的统计数字、重复事项、标点。

    \b
    退出码：0 无错误；1 有错误（或 --strict 下有警告）；2 用法错误。
    例：
      dutydocs check source/yangmaogong.json
      dutydocs check source/*.json --format json --strict
    """
    from .check import check_file

    problems = [p for path in (list(sources) or _default_sources()) for p in check_file(path)]
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    if output_format == "json":
        click.echo(json.dumps({"errors": len(errors), "warnings": len(warnings),
                               "problems": [p.as_dict() for p in problems]}, ensure_ascii=False, indent=2))
    else:
        for problem in problems:
            click.echo(problem.format())
        click.echo(f"{len(errors)} 个错误，{len(warnings)} 个警告", err=True)
    if errors or (strict and warnings):
        sys.exit(1)


@main.command("import", context_settings=CONTEXT)
@click.argument("file", type=click.Path(path_type=Path))
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path),
              help="写入此 JSON 源文件；省略时输出到标准输出。")
@click.option("--corrections", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="（PDF 文本）导入后应用的人工校正文件。")
@click.option("--base", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="（Excel）分发此副本时的源文件，用于保留标题、说明以外未在表格中的信息。")
def import_(file, out, corrections, base):
    """把 PDF 提取文本或部门修改后的 Excel 副本转换为源文件。

    \b
    例：
      dutydocs import source/import/yangmaogong.txt \\
          --corrections source/import/yangmaogong.corrections.json -o source/yangmaogong.json
      dutydocs import 返回的副本.xlsx -o new.json
    """
    from .importers import import_file
    from .outputs import write_atomic
    from .source import dumps

    doc = import_file(file, corrections=corrections, base=base)
    text = dumps(doc)
    if out is None:
        click.echo(text, nl=False)
    else:
        write_atomic(out, text)
        click.echo(f"已写入 {out}（{doc.item_count()} 项）", err=True)
    new_items = sum(1 for _, item in doc.all_items() if item.id is None)
    if new_items and file.suffix.lower() != ".txt":
        target = out or "新源文件"
        click.echo(f"其中 {new_items} 项没有 id（新增的事项）；运行 dutydocs ids {target} 为它们分配稳定编号", err=True)


@main.command(context_settings=CONTEXT)
@click.argument("old")
@click.argument("new")
@click.option("--format", "output_format",
              type=click.Choice(["text", "html", "pdf", "docx", "xlsx", "json"]), default="text",
              show_default=True, help="报告格式。")
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path),
              help="报告写入此文件；text 与 json 省略时输出到标准输出。")
@click.option("--author", default="dutydocs", show_default=True, help="（docx）修订的作者。")
@click.option("--date", "change_date", default=None, help="（docx）修订日期，默认取新版本的修订日期。")
@click.option("--exit-code", is_flag=True, help="两个版本不同时退出码为 1（同 git diff）。")
@click.option("--color/--no-color", default=None, help="终端着色（默认：终端时着色）。")
def diff(old, new, output_format, out, author, change_date, exit_code, color):
    """比较两个修订版本：新增、删除、修改、移动的事项。

    OLD 与 NEW 可以是源文件、Excel 副本，或 git 中的版本（REV:路径）。

    \b
    例：
      dutydocs diff HEAD~1:source/yangmaogong.json source/yangmaogong.json
      dutydocs diff old.json new.json --format docx -o 修订.docx
    """
    from .diff import run_diff

    changed = run_diff(old, new, output_format=output_format, out=out, author=author,
                       change_date=change_date, color=color)
    if exit_code and changed:
        sys.exit(1)


@main.command(context_settings=CONTEXT)
def doctor():
    """报告本机环境：各字体角色由哪个字体承担、HarfBuzz 子集库、LibreOffice、版本。

    \b
    例：
      dutydocs doctor
    """
    from .doctor import report

    ok = report()
    if not ok:
        sys.exit(1)


@main.command(context_settings=CONTEXT)
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--prefix", default=None, help="新编号的前缀；默认沿用已有编号的前缀。")
def ids(source, prefix):
    """给没有稳定编号（id）的事项分配编号，写回源文件。

    id 永不随序号变化，比对和 Excel 回收都靠它识别同一事项。

    \b
    例：
      dutydocs ids source/yangmaogong.json
    """
    from .ids import assign_ids
    from .outputs import write_atomic
    from .source import dumps, load

    doc, count = assign_ids(load(source), prefix)
    if count:
        write_atomic(source, dumps(doc))
    click.echo(f"已分配 {count} 个新 id", err=True)


def _terminate(signum, frame):  # pragma: no cover - exercised through a subprocess in the tests
    click.echo("已中止：输出文件保持原样", err=True)
    sys.exit(130)


def run() -> None:
    """Console entry: a terminate signal unwinds like Ctrl-C, so temporary files are removed."""
    signal.signal(signal.SIGTERM, _terminate)
    try:
        main(prog_name="dutydocs")
    except KeyboardInterrupt:
        click.echo("已中止：输出文件保持原样", err=True)
        sys.exit(130)


if __name__ == "__main__":  # pragma: no cover
    run()
