"""The dutydocs command line: thin commands that each call one library function."""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import sys
from pathlib import Path
from typing import ClassVar

import click
import click.formatting

from . import __version__
from .builders import DEFAULT_FORMATS, FORMATS, PROJECT_TEMPLATES, BuildOptions

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
INTERRUPTED = "已中断：输出文件保持原样"


def _usage_message(exc: click.UsageError, command: str = "dutydocs") -> str:
    """Say a usage error click found (a missing argument, an unknown option, a bad value) in Chinese, in one line."""
    command = exc.ctx.command_path if exc.ctx else command
    param = getattr(exc, "param", None)
    name = ("/".join(param.opts) if isinstance(param, click.Option) else param.human_readable_name) if param else ""
    text = exc.message
    if isinstance(exc, click.NoSuchOption):
        guess = f"，是否要用 {'、'.join(exc.possibilities)}" if exc.possibilities else ""
        said = f"没有选项 {exc.option_name}{guess}"
    elif isinstance(exc, click.MissingParameter):
        said = f"缺少{'选项' if isinstance(param, click.Option) else '参数'} {name}"
    elif isinstance(exc, click.BadParameter) and param is not None:
        said = f"{name} 的值无效：{_bad_value(param.type, text)}"
    elif m := re.search(r"No such command '(.+)'", text):
        said = f"没有命令 {m.group(1)}"
    elif m := re.search(r"unexpected extra arguments? \((.*)\)", text):
        said = f"多余的参数 {m.group(1)}"
    elif m := re.search(r"Option '(.+)' does not take a value", text):
        said = f"选项 {m.group(1)} 不带值"
    elif m := re.search(r"Option '(.+)' requires", text):
        said = f"选项 {m.group(1)} 后面缺少值"
    else:  # a message of ours (Chinese already), or one click adds later
        said = text
    return f"{command}: {said}（运行 {command} --help 查看用法）"


def _bad_value(kind: click.ParamType, text: str) -> str:
    if isinstance(kind, click.Choice):
        return f"只能是 {'、'.join(map(str, kind.choices))} 之一"
    if isinstance(kind, click.IntRange):
        return f"须是 {kind.min} 到 {kind.max} 之间的整数"
    return text  # _Path says it in Chinese


class _Path(click.Path):
    """click.Path whose refusal (missing, a file for a folder or the reverse, unreadable) is said in Chinese."""

    def convert(self, value, param, ctx):
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            path = os.fsdecode(value)
            what = "文件" if self.file_okay else "文件夹"
            if not os.path.exists(path):
                said = f"{what} {path} 不存在"
            elif os.path.isdir(path) != (not self.file_okay):
                said = f"{path} 不是{what}"
            else:
                said = f"{what} {path} 无法读取"
            self.fail(said, param, ctx)


class _HelpFormatter(click.HelpFormatter):
    """Help pages in Chinese throughout: click's usage prefix, headings and option notes, aligned as displayed."""

    HEADINGS: ClassVar = {"Options": "选项", "Commands": "命令", "Arguments": "参数"}
    NOTES = (("default: ", "默认："), ("required", "必需"), ("; ", "；"))
    """The words of click's note after an option's help: [default: output; 1<=x<=64; required]."""

    def write_usage(self, prog, args="", prefix=None):
        super().write_usage(prog, args, "用法：" if prefix is None else prefix)

    def write_heading(self, heading):
        self.write(f"{'':>{self.current_indent}}{self.HEADINGS.get(heading, heading)}：\n")

    def write_dl(self, rows, col_max=30, col_spacing=2):
        """Write terms and their help in two columns, a CJK character taking two columns (click counts one)."""
        rows = list(rows)
        first = min(max((_columns(term) for term, _ in rows), default=0), col_max) + col_spacing
        for term, text in rows:
            if note := re.search(r"\[[^\[\]]*\]$", text):
                said = note.group()
                for english, chinese in self.NOTES:
                    said = said.replace(english, chinese)
                text = text[: note.start()] + said
            self.write(f"{'':>{self.current_indent}}{term}")
            fits = _columns(term) <= first - col_spacing
            self.write(" " * (first - _columns(term)) if fits else "\n" + " " * (first + self.current_indent))
            lines = click.formatting.wrap_text(text, max(self.width - first - 2, 10), preserve_paragraphs=True)
            self.write(f"\n{'':>{first + self.current_indent}}".join(lines.splitlines()) + "\n")


def _columns(text: str) -> int:
    """The columns a terminal gives text: two for a wide (CJK) character."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


class _Context(click.Context):
    formatter_class = _HelpFormatter


METAVARS = {"path": "路径", "file": "文件", "directory": "文件夹", "text": "文本", "integer range": "整数"}
"""Option values in the help, in Chinese, by click's type name (PATH, FILE, DIRECTORY, TEXT, INTEGER RANGE)."""


class _Command(click.Command):
    """A dutydocs command, with its help page in Chinese (usage, option values, the help option)."""

    context_class = _Context

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)
        for param in self.params:
            if isinstance(param, click.Option) and param.metavar is None and param.type.name in METAVARS:
                param.metavar = METAVARS[param.type.name]

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = "显示本帮助并退出。"
        return option


class _Commands(_Command, click.Group):
    """The command group: click's usage errors said in Chinese (exit status 2); Ctrl-C ends any command
    with 已中断 and exit status 130."""

    command_class = _Command

    def make_context(self, *args, **kwargs):
        from .errors import UsageMistake

        try:
            return super().make_context(*args, **kwargs)
        except getattr(click.exceptions, "NoArgsIsHelpError", ()):  # `dutydocs` alone: the help, as is
            raise
        except click.UsageError as exc:
            raise UsageMistake(_usage_message(exc)) from None

    def invoke(self, ctx):
        from .errors import DutydocsError, Interrupted, UsageMistake

        try:
            return super().invoke(ctx)
        except click.UsageError as exc:  # the option parser does not say which command it was parsing
            raise UsageMistake(
                _usage_message(exc, f"{ctx.command_path} {ctx.invoked_subcommand or ''}".strip())
            ) from None
        except KeyboardInterrupt:
            raise Interrupted(INTERRUPTED) from None
        except OSError as exc:  # the system refused a read or a write the checks could not foresee
            from .outputs import OS_REASONS, os_reason

            if exc.filename is None or exc.errno not in OS_REASONS:
                raise
            raise DutydocsError(f"{exc.filename}: {os_reason(exc)}（请检查此位置的权限与剩余空间）") from None


def templates_option(help_text: str):
    """Return the --templates option of build, diff and merge: the folder of templates, stylesheets and layout.toml."""
    return click.option(
        "--templates",
        type=_Path(exists=True, file_okay=False, path_type=Path),
        default=PROJECT_TEMPLATES,
        show_default="项目的 templates/",
        help=help_text,
    )


def _date_option(value: str | None, with_time: bool = False) -> str | None:
    """Check a --date value and explain in words what is expected."""
    import re
    from datetime import date, datetime

    from .errors import UsageMistake

    if value is None:
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            date.fromisoformat(value)
            return value
        if with_time and re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?Z?", value):
            datetime.fromisoformat(value.rstrip("Z"))
            return value
    except ValueError:
        pass
    also = "，或加上时刻写成 2025-06-30T09:30:00Z" if with_time else ""
    raise UsageMistake(
        f"--date {value}：不是有效的日期（应写成 年-月-日，四位年份、两位月份、两位日子，如 2025-06-30{also}）"
    )


def _dash(out: Path | None, refusal: str | None, option: str = "-o") -> Path | None:
    """Read ``-o -`` as standard output where one text goes there (refusal None); elsewhere refuse it, saying why."""
    if out is None or str(out) != "-":
        return out
    if refusal is None:
        return None
    from .errors import UsageMistake

    raise UsageMistake(f"{option} -：{refusal}")


FOLDER_NOT_STDOUT = "这里要的是输出文件夹，不能写到标准输出（请给出文件夹，如 -o output）"


def _inputs(*specs) -> list[Path]:
    """The files among command arguments (a git REV:path is not a file of the user's)."""
    return [Path(s) for s in specs if s is not None and Path(s).exists()]


@click.group("dutydocs", cls=_Commands, context_settings=CONTEXT, subcommand_metavar="命令 [参数]...")
@click.version_option(
    __version__, "-V", "--version", prog_name="dutydocs", message="%(prog)s %(version)s", help="显示版本号并退出。"
)
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
    from .outputs import SOURCE_FOLDER

    found = sorted(SOURCE_FOLDER.glob("*.json"))
    if not found:
        from .errors import UsageMistake

        raise UsageMistake("未指定源文件，当前目录下也没有 source/*.json（请给出源文件路径）")
    return found


@main.command(context_settings=CONTEXT)
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path, readable=False))
@click.option(
    "-f",
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(FORMATS),
    help="只生成这些格式（可重复）；默认 pdf、docx、xlsx、html。ofd（GB/T 33190，随公文归档、报送用）须指定才生成。",
)
@click.option(
    "-o", "--out", "out_dir", default="output", show_default=True, type=click.Path(path_type=Path), help="输出文件夹。"
)
@templates_option("模板文件夹。")
@click.option(
    "--page-numbers",
    type=click.Choice(["total", "dash"]),
    default="total",
    show_default=True,
    help="页码样式：total 为“第 X 页，共 Y 页”，dash 为 GB/T 9704 的“— X —”。",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="并行进程数：批量时各源文件并行；只有一个源文件时 PDF 与其他格式并行。",
)
@click.option(
    "--scheduler",
    metavar="地址",
    help="把生成交给 Dask distributed 集群：调度器地址（如 tcp://10.0.0.5:8786），"
    "或 local 在本机按核数启动；需要 pip install 'dutydocs[dask]'。",
)
@click.option("--force", is_flag=True, help="即使源文件与模板都没有变化也重新生成。")
def build(sources, formats, out_dir, templates, page_numbers, jobs, scheduler, force):
    """把源文件发布为正式文本（PDF、Word、Excel、HTML；OFD 须用 -f ofd 指定）。

    \b
    例：
      dutydocs build                                   # source/ 下全部清单
      dutydocs build source/yangmaogong.json -f pdf    # 只生成 PDF
      dutydocs build -f pdf -f ofd                     # PDF 与 OFD（公文附件归档、报送用）
      dutydocs build source/*.json --jobs 2 -o output  # 批量生成
      dutydocs build 分片/*.json --scheduler tcp://调度器:8786   # 在 Dask 集群上生成
    """
    from .build import STATE_DIR, build_many
    from .errors import UsageMistake
    from .outputs import check_output_folder, check_outputs

    _dash(out_dir, FOLDER_NOT_STDOUT)
    if scheduler and jobs != 1:
        raise UsageMistake("--jobs 与 --scheduler 不能同时使用：在集群上，并行数由工作节点决定（去掉 --jobs）")
    sources = list(sources) or _default_sources()
    formats = formats or DEFAULT_FORMATS
    template_files = [p for p in Path(templates).rglob("*") if p.is_file()]
    check_outputs(
        _build_outputs(sources, formats, out_dir),
        inputs=sources + template_files,
        folders=[out_dir, out_dir / STATE_DIR],
    )
    check_output_folder(out_dir, sources, templates)
    options = BuildOptions(templates=templates, page_numbers=page_numbers)
    ok = build_many(sources, formats, out_dir, options, jobs=jobs, force=force, scheduler=scheduler)
    if not ok:
        sys.exit(1)


def _build_outputs(sources, formats, out_dir: Path) -> list[Path]:
    """The files a build may write for these sources: <title>.<format> (a second source of a title is refused)."""
    from .outputs import safe_filename

    paths = []
    for source in sources:
        try:
            title = json.loads(Path(source).read_text("utf-8-sig")).get("title")
        except (OSError, ValueError, AttributeError, RecursionError):  # the build reports it properly
            continue
        if isinstance(title, str):
            paths += [out_dir / f"{safe_filename(title)}.{fmt}" for fmt in formats]
    return list(dict.fromkeys(paths))  # two sources of one title: the build's claims refuse the second


@main.command(context_settings=CONTEXT)
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path, readable=False))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="报告格式。",
)
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
        click.echo(
            json.dumps(
                {"errors": len(errors), "warnings": len(warnings), "problems": [p.as_dict() for p in problems]},
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for problem in problems:
            click.echo(problem.format())
        click.echo(f"{len(errors)} 个错误，{len(warnings)} 个警告", err=True)
    if errors or (strict and warnings):
        sys.exit(1)


@main.command("import", context_settings=CONTEXT)
@click.argument("file", type=click.Path(path_type=Path, readable=False))
@click.option("-o", "--out", type=click.Path(path_type=Path), help="写入此 JSON 源文件；省略或为 - 时输出到标准输出。")
@click.option(
    "--corrections",
    type=_Path(exists=True, dir_okay=False, readable=False, path_type=Path),
    help="（PDF 文本）导入后应用的人工校正文件。",
)
@click.option(
    "--base",
    type=_Path(exists=True, dir_okay=False, readable=False, path_type=Path),
    help="上一版源文件：保留表格中没有的信息（标题、地区、修订日期），沿用其中事项的 id。",
)
@click.option(
    "--departments",
    type=_Path(exists=True, dir_okay=False, readable=False, path_type=Path),
    help="（PDF 文本）部门名称表，一行一个，帮助识别部门列。",
)
@click.option("--date", "revision_date", help="导入所得修订版本的日期（年-月-日）；默认取校正文件或 --base 的日期。")
@click.option("--label", "revision_label", help="导入所得修订版本的名称，如 第三轮征求意见稿。")
def import_(file, out, corrections, base, departments, revision_date, revision_label):
    """把 PDF 提取文本、部门修改后的 Excel 副本或 Word 文档（.docx）转换为源文件。

    Word 文档可以是本工具生成的 Word 版，也可以是办公室自己排版的清单表格；
    读不出的内容按“表格、行、列”报告，不写任何文件。

    修订日期取 --date，否则取校正文件 document 中的 revision_date，否则取 --base 的日期；
    都没有时必须给出 --date（导入结果不随导入当天变化）。

    \b
    例：
      dutydocs import source/import/yangmaogong.txt \\
          --corrections source/import/yangmaogong.corrections.json -o source/yangmaogong.json
      dutydocs import 返回的副本.xlsx --base source/yangmaogong.json -o new.json
      dutydocs import 清单.txt --departments 部门.txt --date 2025-09-01 -o new.json
      dutydocs import 清单.docx --base source/yangmaogong.json --label 第三轮征求意见稿 -o new.json
    """
    from .importers import import_file
    from .outputs import check_output_file, check_outputs, write_atomic
    from .source import dumps

    out = _dash(out, None)
    revision_date = _date_option(revision_date)
    check_outputs([out], inputs=_inputs(file, corrections, base, departments))
    check_output_file(out, templates=[PROJECT_TEMPLATES])
    notes: list[str] = []
    doc = import_file(
        file,
        corrections=corrections,
        base=base,
        departments=departments,
        revision_date=revision_date,
        revision_label=revision_label,
        notes=notes,
    )
    text = dumps(doc)
    if out is None:
        click.echo(text, nl=False)
    else:
        write_atomic(out, text)
    click.echo(f"{f'已写入 {out}：' if out else ''}{_counts_read(doc, file)}", err=True)
    for note in notes:
        click.echo(note, err=True)
    new_items = sum(1 for _, item in doc.all_items() if item.id is None)
    if new_items and file.suffix.lower() != ".txt":
        target = out or "新源文件"
        click.echo(f"其中 {new_items} 项没有 id（新增的事项）；运行 dutydocs ids {target} 为它们分配稳定编号", err=True)


def _counts_read(doc, file: Path) -> str:
    """The items read per list; for a text or Word import, the lists whose count the explanation does not state.

    A stated count that differs has refused the import already; an unstated one cannot reveal a cut-off list.
    """
    from .stated import stated_count

    said = "读出" + "、".join(f"{dl.title} {len(dl.items)} 项" for dl in doc.lists)
    unstated = [dl.title for dl in doc.lists if stated_count(doc.explanation, dl.title) is None]
    if unstated and file.suffix.lower() in (".txt", ".docx", ".docm"):
        said += f"；说明没有写明{'、'.join(unstated)}的项数，无法核对是否读全（请对照原件核对项数）"
    return said


@main.command(context_settings=CONTEXT)
@click.argument("old")
@click.argument("new")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "html", "pdf", "docx", "xlsx", "json"]),
    default="text",
    show_default=True,
    help="报告格式。",
)
@click.option(
    "-o",
    "--out",
    type=click.Path(path_type=Path),
    help="报告写入此文件；text、json、html 省略或为 - 时输出到标准输出。",
)
@click.option("--author", default="dutydocs", show_default=True, help="（docx）修订的作者。")
@click.option("--date", "change_date", default=None, help="（docx）修订日期，默认取新版本的修订日期。")
@click.option("--exit-code", is_flag=True, help="两个版本不同时退出码为 1（同 git diff）。")
@click.option("--color/--no-color", default=None, help="终端着色（默认：终端时着色）。")
@templates_option("（html、pdf、docx）模板文件夹。")
def diff(old, new, output_format, out, author, change_date, exit_code, color, templates):
    """比较两个修订版本：新增、删除、修改、移动的事项。

    OLD 与 NEW 可以是源文件、Excel 副本，或 git 中的版本（REV:路径）。

    \b
    例：
      dutydocs diff HEAD~1:source/yangmaogong.json source/yangmaogong.json
      dutydocs diff old.json new.json --format docx -o 修订.docx
    """
    from .diff import BINARY, run_diff
    from .errors import UsageMistake
    from .outputs import check_output_file, check_outputs

    binary = f"{output_format} 报告是二进制文件，不能写到标准输出（请给出文件名，例如 -o 修订对照.{output_format}）"
    out = _dash(out, binary if output_format in BINARY else None)
    if output_format in BINARY and out is None:
        raise UsageMistake(
            f"{output_format} 报告是二进制文件，请用 -o/--out 指定输出文件，例如 -o 修订对照.{output_format}"
        )
    change_date = _date_option(change_date, with_time=True)
    check_outputs([out], inputs=_inputs(old, new))
    check_output_file(out, templates=[templates, PROJECT_TEMPLATES], report=True)
    changed = run_diff(
        old,
        new,
        output_format=output_format,
        out=out,
        author=author,
        change_date=change_date,
        color=color,
        templates=templates,
    )
    if exit_code and changed:
        sys.exit(1)


@main.command(context_settings=CONTEXT)
@click.argument("source", type=click.Path(path_type=Path, readable=False))
@click.option(
    "-o",
    "--out",
    "out_dir",
    default="copies",
    show_default=True,
    type=click.Path(path_type=Path),
    help="副本写入此文件夹。",
)
def copies(source, out_dir):
    """为清单中出现的每个部门生成一份只含其事项的 Excel 副本，供部门核对修改后交回。

    \b
    例：
      dutydocs copies source/yangmaogong.json -o 第三轮副本
    """
    from .copies import write_copies
    from .outputs import check_output_folder, check_outputs
    from .source import load

    _dash(out_dir, FOLDER_NOT_STDOUT)
    check_outputs(folders=[out_dir])
    check_output_folder(out_dir, [source])
    written = write_copies(load(source), out_dir)
    click.echo(f"已写入 {len(written)} 份部门副本到 {out_dir}", err=True)


@main.command(context_settings=CONTEXT)
@click.argument("base", type=click.Path(path_type=Path, readable=False))
@click.argument("returned", nargs=-1, required=True, type=click.Path(path_type=Path, readable=False))
@click.option(
    "-o",
    "--out",
    required=True,
    type=click.Path(path_type=Path),
    help="合并结果写入此 JSON 源文件（不会覆盖 BASE 以外的输入）。",
)
@click.option("--report", type=click.Path(path_type=Path), help="合并报告：.html、.xlsx 或 .json（按扩展名）。")
@click.option("--accept-deletions", is_flag=True, help="同时执行部门删除的事项（默认只作为建议列出）。")
@templates_option("（.html 报告）模板文件夹。")
def merge(base, returned, out, report, accept_deletions, templates):
    """把各部门交回的副本三方合并到 BASE，写出新的源文件。

    \b
    退出码：0 全部合并、无待办；3 已写出，但有冲突、删除建议或被拒收的副本待办公室决定；1 错误，未写出任何文件。
    例：
      dutydocs merge source/yangmaogong.json 交回/*.xlsx -o source/new.json --report 合并报告.html
    """
    from .merge import run_merge
    from .outputs import check_output_file, check_outputs

    _dash(out, "合并结果是新的源文件，不能写到标准输出（请给出文件名，如 -o source/new.json）")
    _dash(report, "合并报告须写入文件（.html、.xlsx 或 .json），不能写到标准输出", "--report")
    check_outputs([out, report], inputs=_inputs(base, *returned))
    check_output_file(out, templates=[templates, PROJECT_TEMPLATES])
    check_output_file(report, templates=[templates, PROJECT_TEMPLATES], report=True, option="--report")
    result = run_merge(base, returned, out, report=report, accept_deletions=accept_deletions, templates=templates)
    if report is None:
        from .merge.report import waiting_lines

        for line in waiting_lines(result):
            click.echo(line, err=True)
    refused = sum(1 for c in result.copies if c.refused)
    proposals = sum(1 for d in result.deletions if not d.applied)
    click.echo(
        f"已写入 {out}：合并 {len(result.applied)} 处，冲突 {len(result.conflicts)} 处，删除建议 {proposals} 项，"
        f"拒收副本 {refused} 份，未交回 {len(result.missing)} 个部门",
        err=True,
    )
    if result.waiting:
        sys.exit(3)


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
@click.argument("source", type=click.Path(path_type=Path, readable=False))
@click.option("--prefix", default=None, help="新编号的前缀；默认沿用已有编号的前缀。")
def ids(source, prefix):
    """给没有稳定编号（id）的事项分配编号，写回源文件。

    id 永不随序号变化，比对和 Excel 回收都靠它识别同一事项。

    \b
    例：
      dutydocs ids source/yangmaogong.json
    """
    from .fmt import rewrite
    from .ids import assign_ids

    counted = []

    def assign(doc):
        doc, count = assign_ids(doc, prefix)
        counted.append(count)
        return doc if count else None

    rewrite(source, assign, numbers=False)
    click.echo(f"已分配 {counted[0]} 个新 id", err=True)


@main.command("fmt", context_settings=CONTEXT)
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path, readable=False))
@click.option("--check", is_flag=True, help="只检查，不改写：有文件需要整理时退出码为 1。")
def fmt(sources, check):
    """整理源文件：重排每个清单的序号，统一字段顺序与缩进（改写源文件本身）。

    手工插入或删除事项后运行，其后各项的序号自动顺延；"$schema" 与其他字段保持不变。
    重复运行结果不变。

    \b
    退出码：0 已整理或无需整理；1 有错误（或 --check 下有文件需要整理）；2 用法错误。
    例：
      dutydocs fmt source/yangmaogong.json
      dutydocs fmt source/*.json --check
    """
    from .fmt import format_files

    outcomes = format_files(sources, check=check)
    for path, outcome in outcomes.items():
        if isinstance(outcome, str):
            click.echo(outcome, err=True)
        elif outcome:
            click.echo(f"{'需要整理' if check else '已整理'} {path}", err=True)
        elif len(outcomes) == 1:
            click.echo(f"无需整理 {path}", err=True)
    changed = sum(1 for o in outcomes.values() if o is True)
    failed = sum(1 for o in outcomes.values() if isinstance(o, str))
    same = len(outcomes) - changed - failed
    if len(outcomes) > 1:
        errors = f"，{failed} 个有错误未改动" if failed else ""
        click.echo(
            f"{changed} 个文件需要整理，{same} 个无需整理{errors}"
            if check
            else f"已整理 {changed} 个文件，{same} 个无需改动{errors}",
            err=True,
        )
    if failed or (check and changed):
        sys.exit(1)


def _terminate(signum, frame):  # pragma: no cover - exercised through a subprocess in the tests
    raise KeyboardInterrupt


def run() -> None:
    """Console entry: a terminate signal unwinds like Ctrl-C, so temporary files are removed.

    The command, not the library, decides what reaches the terminal: the PDF libraries' warnings
    (unsupported CSS, font subsetting notes) are for developers, so only their errors are shown.
    """
    signal.signal(signal.SIGTERM, _terminate)
    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)
    try:
        main(prog_name="dutydocs")
    except KeyboardInterrupt:  # pressed before or after a command runs
        click.echo(INTERRUPTED, err=True)
        sys.exit(130)


if __name__ == "__main__":  # pragma: no cover
    run()
