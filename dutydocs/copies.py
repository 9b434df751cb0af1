"""Department copies: one workbook per department named in a source, holding only the rows that name it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from .builders import BuildOptions
from .model import CooperativeItem, Document, Item, WithdrawnItem

GUIDE = (
    "填写说明",
    "本副本只列出与贵单位有关的事项（配合履职事项中“对应上级部门”含贵单位的，收回事项中由贵单位承接的），"
    "供核对修改后交回乡镇。乡镇用 dutydocs merge 把各单位交回的副本逐项合并到下一版清单。",
    "可以修改：直接修改单元格文字。职责单元格每行一条，要点以 1. 2. 开头（编号会自动重排），"
    "标题单独一行写在【】中。可以在一条要点之后另起一行插入新的要点。",
    "新增事项：在要放的位置插入一整行，填写事项类别、名称和其他各列，编号列（隐藏的 G 列）留空。"
    "新事项会放在它上一行的事项之后。",
    "删除事项：删除整行。删除只作为建议交乡镇办公室决定，不会直接生效。",
    "请勿改动：隐藏的编号列（G 列）和隐藏的工作表；不要只选中可见的几列排序或筛选后排序"
    "（这会让隐藏的编号与内容错位，副本将被拒收）。需要排序时请先取消隐藏 G 列并选中整张表。",
    "请保存为 .xlsx（Excel、WPS、LibreOffice 均可），文件名可以改。",
)


def departments(doc: Document) -> dict[str, list[Item]]:
    """Return every department named in the document with the items that name it, in order of first mention."""
    found: dict[str, list[Item]] = {}
    for _, item in doc.all_items():
        if isinstance(item, CooperativeItem):
            names = item.departments
        elif isinstance(item, WithdrawnItem) and item.department:
            names = (item.department,)
        else:
            continue
        for name in dict.fromkeys(names):
            found.setdefault(name, []).append(item)
    return found


def names_department(item: Item, department: str) -> bool:
    """Return whether an item is one a department's copy holds."""
    if isinstance(item, CooperativeItem):
        return department in item.departments
    return isinstance(item, WithdrawnItem) and item.department == department


def department_rows(doc: Document, department: str) -> Document:
    """Return the document with only the items that name the department (numbers kept as printed)."""
    lists = tuple(
        replace(duty_list, items=tuple(i for i in duty_list.items if names_department(i, department)))
        for duty_list in doc.lists
    )
    return replace(doc, lists=lists)


def render_copy(doc: Document, department: str, options: BuildOptions | None = None) -> bytes:
    """Return the workbook for one department."""
    from .builders.xlsx import render_rows

    return render_rows(
        doc,
        department_rows(doc, department),
        options or BuildOptions(),
        department=department,
        guide=(f"{GUIDE[0]}：{department}", *GUIDE[1:]),
    )


def write_copies(doc: Document, out_dir: Path, options: BuildOptions | None = None) -> list[Path]:
    """Write one workbook per department into out_dir and return their paths."""
    from .builders.xlsx import cell_problems
    from .errors import DutydocsError
    from .outputs import safe_filename, write_atomic

    problems = cell_problems(doc)
    if problems:
        raise DutydocsError(f"有 {len(problems)} 个单元格无法写入 Excel，未生成副本", problems)
    written, seen = [], set()
    for department in departments(doc):
        name = safe_filename(department, "部门", suffix=".xlsx")
        if name in seen:
            raise DutydocsError(f"两个部门的文件名相同：{name}.xlsx（请检查部门名称“{department}”）")
        seen.add(name)
        written.append(write_atomic(Path(out_dir) / f"{name}.xlsx", render_copy(doc, department, options)))
    return written
