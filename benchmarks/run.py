"""Benchmark dutydocs on this machine: medians of several runs, each in a fresh process, with peak memory.

    .venv/bin/python benchmarks/run.py            # print the table
    .venv/bin/python benchmarks/run.py --write    # also write benchmarks/RESULTS.md

Every measurement runs in its own process (``--one NAME``), so the peak resident memory of that process
is the memory the job needs; the time is measured inside it around the job itself (without interpreter
start-up), except for the CLI and LibreOffice rows, which are whole commands as a user runs them.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "source" / "yangmaogong.json"
WORK = Path(tempfile.gettempdir()) / "dutydocs-bench"
MARKER = "<!-- 以下是人工分析，--write 保留 -->"


# --- documents to measure on -------------------------------------------------------------------

def average_township(basic: int = 120, cooperative: int = 100, withdrawn: int = 130, seed: int = 0):
    """A list of the national average shape, made of the bundled list's real items, resampled."""
    from dutydocs import load
    from dutydocs.model import DutyList

    doc = load(BUNDLED)
    rng = random.Random(seed)
    lists = []
    serial = 0
    for duty_list, count in zip(doc.lists, (basic, cooperative, withdrawn)):
        items = []
        for index in range(count):
            serial += 1
            item = rng.choice(duty_list.items)
            items.append(replace(item, no=index + 1, id=f"avg-{serial:05d}", name=f"{item.name}（{serial}）"))
        items.sort(key=lambda i: [dl.categories() for dl in doc.lists if dl.key == duty_list.key][0].index(i.category))
        items = [replace(item, no=n + 1) for n, item in enumerate(items)]
        lists.append(DutyList(duty_list.key, duty_list.title, tuple(items)))
    return replace(doc, title="平均规模镇履职事项清单", township="平均规模镇", lists=tuple(lists))


def edited_revision(doc, edits: int, seed: int = 1):
    """A next revision: some items reworded, some removed, some added, one moved to the withdrawn list."""
    from dutydocs.model import WithdrawnItem

    rng = random.Random(seed)
    lists = {dl.key: list(dl.items) for dl in doc.lists}
    for n in range(edits):
        key = rng.choice(("basic", "cooperative", "withdrawn"))
        items = lists[key]
        action = n % 4
        index = rng.randrange(len(items))
        if action == 0:
            items[index] = replace(items[index], name=items[index].name.replace("做好", "切实做好", 1) + "，加强督促检查")
        elif action == 1:
            del items[index]
        elif action == 2:
            items.insert(index, replace(items[index], id=None, name=f"新增事项{n}：{items[index].name[:12]}"))
        else:
            moved = lists["basic"].pop(rng.randrange(len(lists["basic"])))
            lists["withdrawn"].append(WithdrawnItem(no=0, category=moved.category, name=moved.name,
                                                    department="某区某局", takeover="负责" + moved.name, id=moved.id))
    for key in lists:
        lists[key] = [replace(item, no=n + 1) for n, item in enumerate(lists[key])]
        doc = doc.with_list(key, lists[key])
    return doc


def large_pair(total: int = 3000):
    doc = average_township(basic=total * 12 // 35, cooperative=total * 10 // 35, withdrawn=total * 13 // 35, seed=3)
    return doc, edited_revision(doc, edits=40, seed=4)


def renamed_pair(total: int = 3000):
    """The large pair without ids, every cooperative and withdrawn item's name rewritten, its duties kept."""
    old = average_township(basic=total * 12 // 35, cooperative=total * 10 // 35, withdrawn=total * 13 // 35, seed=3)
    lists = {dl.key: [replace(item, id=None) for item in dl.items] for dl in old.lists}
    new = old
    for key, items in lists.items():
        old = old.with_list(key, items)
        if key != "basic":
            items = [replace(item, name="落实" + item.name[len(item.name) // 2:] + "相关要求") for item in items]
        new = new.with_list(key, items)
    return old, new

def returned_copies(count: int) -> list[Path]:
    """Department copies of the bundled list as departments return them: one cell edited in each."""
    import openpyxl

    from dutydocs import load
    from dutydocs.copies import departments, render_copy

    doc = load(BUNDLED)
    folder = WORK / "returned"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    names = list(departments(doc))
    paths = []
    for n in range(count):
        department = names[n % len(names)]
        wb = openpyxl.load_workbook(io.BytesIO(render_copy(doc, department)))
        ws = next(ws for ws in wb.worksheets[3:5] if ws.max_row >= 3)
        ws["C3"].value = f"{ws['C3'].value}（{department}改）"
        paths.append(folder / f"{n:02d}-{department}.xlsx")
        wb.save(paths[-1])
    return paths


# --- one measurement, run in a child process ---------------------------------------------------

def _time(job) -> float:
    started = time.perf_counter()
    job()
    return time.perf_counter() - started


def one(name: str) -> float:
    """Run one job in this process and return its seconds."""
    from dutydocs import load
    from dutydocs.builders import BuildOptions, render

    options = BuildOptions()
    if name == "ofd-seed":  # the OFD beyond the PDF: converting the PDF edition that is already made
        from dutydocs.builders import builder

        doc = load(BUNDLED)
        pdf = render(doc, "pdf", options)
        return _time(lambda: builder("ofd").convert(doc, options, pdf))
    if name.startswith("render-"):
        _, size, fmt = name.split("-")
        doc = load(BUNDLED) if size == "seed" else average_township()
        return _time(lambda: render(doc, fmt, options))
    if name.startswith("diff-"):
        from dutydocs.diff import compare, render as render_report

        if name == "diff-seed":
            old = load(BUNDLED)
            new = edited_revision(old, edits=12)
        elif name.startswith("diff-renamed"):
            from collections import Counter

            old, new = renamed_pair()
            direct = {"direct_pairs": 10 ** 9} if name == "diff-renamed-direct" else {}
            result = {}
            seconds = _time(lambda: result.update(diff=compare(old, new, **direct)))
            counts = Counter(k for c in result["diff"].changes for k in c.kinds)
            print(f"{name}: " + ", ".join(f"{k} {counts[k]}" for k in ("added", "removed", "modified", "moved")),
                  file=sys.stderr)
            return seconds
        else:
            old, new = large_pair()
        return _time(lambda: render_report(compare(old, new), "json"))
    if name == "copies-seed":
        from dutydocs.copies import write_copies

        doc = load(BUNDLED)
        shutil.rmtree(WORK / "copies", ignore_errors=True)
        return _time(lambda: write_copies(doc, WORK / "copies"))
    if name == "merge-40":
        from dutydocs import dumps
        from dutydocs.merge import merge, read_copies

        base, paths = load(BUNDLED), returned_copies(40)
        return _time(lambda: dumps(merge(base, read_copies(base, paths)).doc))
    raise SystemExit(f"unknown measurement {name}")


def measure(argv: list[str], runs: int) -> tuple[float, float]:
    """Return the median seconds and the largest peak memory (MiB) of runs of a command."""
    seconds, peaks = [], []
    for _ in range(runs):
        started = time.perf_counter()
        process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        out = process.stdout.read().decode().strip()
        process.stdout.close()
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"failed: {' '.join(map(str, argv))}")
        seconds.append(float(out.splitlines()[-1]) if argv[1:3] == [__file__, "--one"] else wall)
        peaks.append(usage.ru_maxrss / 1024)
    return statistics.median(seconds), max(peaks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (median is reported)")
    parser.add_argument("--write", action="store_true", help="write benchmarks/RESULTS.md")
    parser.add_argument("--diff", action="store_true", help="measure only the comparisons (no RESULTS.md)")
    args = parser.parse_args()
    if args.one:
        print(one(args.one))
        return
    if args.diff:
        py = sys.executable
        for label, name in (("比较：随附清单与编辑后的修订（12 处修改）", "diff-seed"),
                            ("比较：3,000 项（40 处修改）", "diff-large"),
                            ("比较：3,000 项，无 id，配合与收回事项改名、职责不变（候选索引）", "diff-renamed"),
                            ("同上，强制全部配对打分（直接路径）", "diff-renamed-direct")):
            subprocess.run([py, __file__, "--one", name], cwd=ROOT, stdout=subprocess.DEVNULL, check=True)
            seconds, peak = measure([py, __file__, "--one", name], args.runs)
            print(f"| {label} | {seconds:.2f} s | {peak:.0f} MiB |")
        return

    py, cli = sys.executable, str(Path(sys.executable).parent / "dutydocs")
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    from dutydocs import dumps, load

    average = WORK / "average.json"
    average.write_text(dumps(average_township()), "utf-8")
    rows: list[tuple[str, float, float]] = []

    def row(label, argv):
        seconds, peak = measure(argv, args.runs)
        rows.append((label, seconds, peak))
        print(f"{label:<58} {seconds:8.2f} s {peak:8.0f} MiB", file=sys.stderr)
        return seconds

    def job(name):
        return [py, __file__, "--one", name]

    for fmt in ("pdf", "docx", "xlsx", "html"):
        row(f"{fmt}，随附清单（273 项）", job(f"render-seed-{fmt}"))
    ofd_seconds = row("ofd，随附清单：PDF 之外的转换（读回 PDF、字体转 TrueType、写包）", job("ofd-seed"))
    whole = row("dutydocs build 全部格式，随附清单（命令行，含启动）",
                [cli, "build", str(BUNDLED), "-o", str(WORK / "out"), "--force"])
    docx = WORK / "out" / "羊毛工镇履职事项清单.docx"
    libreoffice = shutil.which("soffice")
    lo = None
    if libreoffice:
        lo = row("LibreOffice 把我们的 .docx 转为 PDF（用户的另一条路）",
                 [libreoffice, f"-env:UserInstallation=file://{WORK}/lo", "--headless", "--convert-to", "pdf",
                  "--outdir", str(WORK / "lo-out"), str(docx)])
    for fmt in ("pdf", "docx", "xlsx", "html"):
        row(f"{fmt}，平均规模清单（350 项）", job(f"render-average-{fmt}"))
    row("dutydocs build 全部格式，平均规模清单（命令行，含启动）",
        [cli, "build", str(average), "-o", str(WORK / "out-average"), "--force"])
    row("比较：随附清单与编辑后的修订（12 处修改，仅比较与报告）", job("diff-seed"))
    row("比较：3,000 项的两个修订（40 处修改，仅比较与报告）", job("diff-large"))
    seed_old, seed_new = WORK / "seed-old.json", WORK / "seed-new.json"
    seed_old.write_text(BUNDLED.read_text("utf-8"), "utf-8")
    seed_new.write_text(dumps(edited_revision(load(BUNDLED), edits=12)), "utf-8")
    large_old, large_new = (WORK / "large-old.json", WORK / "large-new.json")
    for path, doc in zip((large_old, large_new), large_pair()):
        path.write_text(dumps(doc), "utf-8")
    row("dutydocs diff 随附清单 --format json（命令行，含启动与校验）",
        [cli, "diff", str(seed_old), str(seed_new), "--format", "json", "-o", str(WORK / "d1.json")])
    row("dutydocs diff 3,000 项 --format json（命令行，含启动与校验）",
        [cli, "diff", str(large_old), str(large_new), "--format", "json", "-o", str(WORK / "d2.json")])
    row("重新生成未变化的随附清单（增量，命令行）", [cli, "build", str(BUNDLED), "-o", str(WORK / "out")])
    row("部门副本：随附清单的全部 48 份（仅生成）", job("copies-seed"))
    row("合并 40 份交回的部门副本（读取、三方合并、写出）", job("merge-40"))

    batch = WORK / "batch"
    batch.mkdir()
    for n in range(4):
        (batch / f"town{n}.json").write_text(
            average.read_text("utf-8").replace("平均规模镇履职事项清单", f"平均规模{n}镇履职事项清单"), "utf-8")
    sources = sorted(map(str, batch.glob("*.json")))
    one_job = row("批量 4 个平均规模清单，--jobs 1", [cli, "build", *sources, "-o", str(WORK / "b1"), "--jobs", "1", "--force"])
    two_jobs = row("批量 4 个平均规模清单，--jobs 2", [cli, "build", *sources, "-o", str(WORK / "b2"), "--jobs", "2", "--force"])

    pdf_seconds = rows[0][1]
    lines = ["| 测量 | 中位数 | 峰值内存 |", "|---|---:|---:|"]
    lines += [f"| {label} | {seconds:.2f} s | {peak:.0f} MiB |" for label, seconds, peak in rows]
    lines.append("")
    if lo:
        lines.append(f"- PDF（随附清单）与 LibreOffice 转换之比：**{pdf_seconds / lo:.2f}**（目标 < 1.0，力争 0.7）")
        lines.append(f"- 全部格式与 LibreOffice 转换之比：**{whole / lo:.2f}**（目标 < 2.0）")
    lines.append(f"- 批量吞吐量 --jobs 2 相对 --jobs 1：**{one_job / two_jobs:.2f}×**（目标 ≥ 1.7×）")
    lines.append(f"- OFD 在 PDF 之外的用时：**{ofd_seconds:.2f} s**（目标 < 5 s）")
    header = (f"机器：{platform.machine()}，{os.cpu_count()} 核，Python {platform.python_version()}；"
              f"每项 {args.runs} 次运行取中位数；命令：`.venv/bin/python benchmarks/run.py --write`")
    table = "\n".join([header, ""] + lines)
    print(table)
    if args.write:  # the table is replaced; the analysis a person wrote below the marker is kept
        results = ROOT / "benchmarks" / "RESULTS.md"
        old = results.read_text("utf-8") if results.exists() else ""
        analysis = old[old.index(MARKER):] if MARKER in old else MARKER + "\n"
        results.write_text(f"# 基准测试结果\n\n{table}\n\n{analysis}", "utf-8")


if __name__ == "__main__":
    main()
