"""What every importer does with its result: check it like any source, and carry ids over from a base."""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass, replace
from pathlib import Path

from ..edition import LIST_TITLES
from ..errors import DutydocsError
from ..model import Document
from ..stated import stated_count


def validate(
    doc: Document,
    name: str,
    hint: str = "请核对提取的文本（pdftotext 请不用 -layout），或用校正文件、--departments 部门名称表补充",
) -> None:
    """Check an imported document like any source; refuse it saying what was found and what is missing."""
    from ..source import dumps, problems_in_data, to_data

    counts = {dl.key: len(dl.items) for dl in doc.lists}
    found = (
        f"找到说明 {len(doc.explanation.sections)} 节、{LIST_TITLES['basic']} {counts['basic']} 项、"
        f"{LIST_TITLES['cooperative']} {counts['cooperative']} 项、{LIST_TITLES['withdrawn']} {counts['withdrawn']} 项"
    )
    missing = [f"{LIST_TITLES[key]}没有一项" for key, count in counts.items() if not count]
    for duty_list in doc.lists:
        stated = stated_count(doc.explanation, duty_list.title)
        if stated is not None and stated != len(duty_list.items):
            missing.append(f"说明称{duty_list.title}有 {stated} 项，只读出 {len(duty_list.items)} 项")
    problems = problems_in_data(to_data(doc), dumps(doc), name)
    by_kind: dict[str, list[str]] = {}
    for problem in problems:
        parts = problem.pointer.split("/")
        if len(parts) > 4 and parts[1] == "lists":
            where = f"{LIST_TITLES[parts[2]]}第 {int(parts[4]) + 1} 项"
            what = {"departments": "没有读出部门"}.get(parts[5] if len(parts) > 5 else "", problem.message)
        elif len(parts) > 4 and parts[1] == "explanation" and parts[2] == "sections":
            where = f"说明第 {int(parts[3]) + 1} 节的" + ("标题" if parts[4] == "heading" else "段落")
            what = problem.message
        else:
            where, what = problem.pointer or "文档", problem.message
        by_kind.setdefault(what, []).append(where)
    for what, places in by_kind.items():
        places = list(dict.fromkeys(places))
        shown = "、".join(places[:5]) + (f" 等 {len(places)} 处" if len(places) > 5 else "")
        missing.append(f"{shown}：{what}")
    if missing:
        raise DutydocsError(
            f"{name}: 导入结果不是完整有效的清单，未写入任何文件：{found}；{'；'.join(missing[:6])}（{hint}）"
        )


def ids_from(base: Document, doc: Document) -> Document:
    """Give each item the id of the base item the diff matches it with; unmatched items get none."""
    from ..diff.matching import match, slots

    old, new = slots(base), slots(doc)
    ids = {(new[j].place.list, new[j].place.index): old[i].item.id for i, (j, _) in match(old, new).items()}
    for duty_list in doc.lists:
        doc = doc.with_list(
            duty_list.key, [replace(item, id=ids.get((duty_list.key, i))) for i, item in enumerate(duty_list.items)]
        )
    return doc


# --- office packages ---------------------------------------------------------------------------------

OLE_MAGIC = b"\xd0\xcf\x11\xe0"
"""The first bytes of an old binary .doc/.xls file, and of any password-protected Office file."""
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


@dataclass(frozen=True)
class PackageKind:
    """What a sound package of one office format holds, its limits, and how its messages name it."""

    suffix: str  # ".docx"
    main_part: str  # "word/document.xml"
    what: str  # "Word .docx 文件"
    old_format: str  # "旧版 .doc 或加密的文档"
    programs: str  # "Word/WPS"
    max_file_bytes: int
    max_unpacked_bytes: int
    max_entries: int
    xml_suffixes: tuple[str, ...] = (".xml", ".rels")
    max_ratio: int = 200  # a part over 10 MiB unpacked may be at most this many times its packed size


def check_package(path: Path, kind: PackageKind, too_large: str = "不像是履职事项清单") -> None:
    """Refuse anything that is not a sound package of this kind before the library parses it.

    Old binary or encrypted files, oversized files, zip bombs (too many parts, too large unpacked, or a
    large part packed far too tightly), a missing main part, and XML with DOCTYPE/ENTITY declarations
    are each refused in one line.
    """
    name = str(path)
    size = path.stat().st_size
    if size > kind.max_file_bytes:
        raise DutydocsError(f"{name}: 文件过大（{size // 2**20} MiB），{too_large}")
    with path.open("rb") as handle:
        if handle.read(8).startswith(OLE_MAGIC):
            raise DutydocsError(
                f"{name}: 这是{kind.old_format}（请在 {kind.programs} 中取消密码，另存为 {kind.suffix} 后再导入）"
            )
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > kind.max_entries:
                raise DutydocsError(f"{name}: 压缩包内文件过多（{len(infos)} 个），拒绝读取")
            unpacked = sum(info.file_size for info in infos)
            if unpacked > kind.max_unpacked_bytes or any(
                info.file_size > 10 * 2**20 and info.file_size > kind.max_ratio * max(info.compress_size, 1)
                for info in infos
            ):
                raise DutydocsError(f"{name}: 解压后过大（{unpacked // 2**20} MiB），疑似压缩炸弹，拒绝读取")
            if kind.main_part not in {info.filename for info in infos}:
                raise DutydocsError(f"{name}: 压缩包中没有 {kind.main_part}，不是 {kind.what}")
            for info in infos:
                if info.filename.endswith(kind.xml_suffixes) and _DTD.search(archive.read(info)):
                    raise DutydocsError(
                        f"{name}: {info.filename} 含 XML 文档类型声明（DOCTYPE/ENTITY），"
                        f"{kind.programs} 不会写出这种内容，拒绝读取"
                    )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        raise DutydocsError(
            f"{name}: 文件已损坏或不是 {kind.suffix} 文件（{exc}）"
            f"（请在 {kind.programs} 中重新打开并另存为 {kind.suffix}）"
        ) from None
