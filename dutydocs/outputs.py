"""Writing outputs safely: names that fit, checks before any work, atomic replacement, claims on names."""

from __future__ import annotations

import errno
import json
import os
import re
import secrets
import socket
import stat
import tempfile
from pathlib import Path

from .errors import DutydocsError, UsageMistake

NAME_MAX_BYTES = 255
"""The longest file name ext4 and most other file systems accept, in bytes (a CJK character takes 3)."""

TEMP_NAME_BYTES = 64
"""Room for what write_atomic adds around a name for its temporary file: "." before, and after it
".<random>.tmp" today, ".<host, at most 40>.<pid>.<random>.tmp" (63 bytes) in the naming that names
its process; tests/test_small_things.py writes a name of the longest length to prove it fits."""

DEFAULT_SUFFIX_BYTES = len("-0123456789abcdef.json")
"""Room for what callers append to a safe name when they do not say: the longest is the build state file's."""

_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def safe_filename(title: str, fallback: str = "清单", suffix: str | None = None) -> str:
    """Return a readable file name (Chinese kept) that cannot leave its folder on any system.

    The name is cut, on a character boundary, so that name + suffix still fits in NAME_MAX_BYTES
    together with write_atomic's temporary-file prefix and suffix; without a suffix, room is kept
    for the longest one dutydocs appends.
    """
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f\x7f]', "_", title).strip(" .")
    name = re.sub(r"_+", "_", name).strip("_ .")
    if not name or set(name) <= {"."}:
        name = fallback
    if name.split(".")[0].upper() in _WINDOWS_RESERVED:
        name = "_" + name
    room = NAME_MAX_BYTES - TEMP_NAME_BYTES - (DEFAULT_SUFFIX_BYTES if suffix is None else len(suffix.encode()))
    return _cut_to_bytes(name, room).rstrip(" .") or fallback


def _cut_to_bytes(text: str, limit: int) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode("utf-8", "ignore")


def temporary_path(path: Path) -> Path:
    """Return a hidden temporary name beside path that names this host and process, plus a random part."""
    host = re.sub(r"[^A-Za-z0-9-]", "_", socket.gethostname())[:40] or "host"
    return path.parent / f".{path.name}.{host}.{os.getpid()}.{secrets.token_hex(4)}.tmp"


def _create(path: Path, data: bytes) -> None:
    """Create a new file (never an existing one) holding data, on disk before this returns."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def write_atomic(path: Path, data: bytes | str) -> Path:
    """Write data to path through this process's own temporary file, then rename: the old file or the new, never part.

    Only the temporary file this call created is ever removed, so builds on other hosts or in other
    processes writing into the same folder are never disturbed. A file that is replaced keeps its
    permissions (a source kept private with mode 0600 stays private after ``fmt`` or ``ids``); as with
    any atomic replacement, other hard links to it keep the old text.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        mode: int | None = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        mode = None
    tmp = temporary_path(path)
    try:
        _create(tmp, data)
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def claim_holder(folder: Path, name: str) -> str | None:
    """Return the source that holds an output name in folder, or None when nobody claimed it."""
    path = Path(folder) / name
    try:
        return json.loads(path.read_text("utf-8"))["source"]
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        return f"（记录无法读取：{path}）"


def claim(folder: Path, name: str, owner: str) -> str | None:
    """Claim an output name for owner by an atomic create in folder; return the other owner if it is taken.

    The record is written in full under a temporary name and then hard-linked to the claim's name,
    which fails when the name exists, so every reader sees a whole record, on any host.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    while True:
        tmp = temporary_path(path)
        try:
            _create(tmp, json.dumps({"source": owner}, ensure_ascii=False).encode("utf-8"))
            os.link(tmp, path)
            return None
        except FileExistsError:
            holder = claim_holder(folder, name)
            if holder is not None:  # None: released between the two steps, so try again
                return None if holder == owner else holder
        finally:
            tmp.unlink(missing_ok=True)


# --- before any work: outputs that would destroy an input, places that cannot be written -------


def check_outputs(files=(), inputs=(), folders=()) -> None:
    """Refuse, before any work, to write where it would destroy an input or cannot succeed.

    files: output files a command will write (None entries, meaning standard output, are ignored);
    inputs: the files it reads; folders: output folders it will write into (created if missing).
    An output that is one of the inputs — the same path, or the same file through a symbolic or
    hard link —, two outputs that are one file, and a folder given for a file or the reverse raise
    UsageMistake (exit status 2); a place that cannot be written raises
    DutydocsError (exit status 1). Both name the path in one line.
    """
    files = [Path(f) for f in files if f is not None]
    read: dict[tuple[int, int], str | os.PathLike[str]] = {}
    for source in inputs:  # each file once, by device and inode: links to it are the same file
        identity = _identity(source)
        if identity is not None:
            read.setdefault(identity, source)
    written: dict = {}
    for out in files:
        identity = _identity(out)
        source = read.get(identity) if identity is not None else None
        if source is not None:
            raise UsageMistake(f"{out}: 输出文件就是输入文件 {source}，写入会毁掉它（请用 -o 指定另一个文件）")
        other = written.setdefault(os.path.realpath(out), out)
        if other is not out:
            raise UsageMistake(f"{out}: 与另一个输出 {other} 是同一个文件，后写的会覆盖先写的（请给它们不同的文件名）")
    tried: dict = {}  # each folder is tried once, however many outputs go into it
    for path, folder in [(Path(f), True) for f in folders] + [(f, False) for f in files]:
        if os.path.exists(path) and os.path.isdir(path) != folder:  # a folder where a file goes, or the reverse
            raise UsageMistake(
                f"{path}: 这是一个文件夹，不能作为输出文件（请给出文件名）"
                if path.is_dir()
                else f"{path}: 这是一个文件，不是文件夹（请给出输出文件夹）"
            )
        problem = _unwritable(path, folder, tried)
        if problem:
            raise DutydocsError(problem)


SOURCE_FOLDER = Path("source")
"""Where a project keeps its sources: a bare build or check reads source/*.json in the working folder."""


def check_output_folder(folder: Path, sources=(), templates: Path | None = None) -> None:
    """Refuse an output folder that would mix outputs into the inputs: in the templates folder, or holding a source.

    Outputs written among the templates would be read as templates (and change their hash on every
    build); outputs written beside or above the sources would mix with them. UsageMistake, exit status 2.
    """
    if templates is not None and _within(folder, templates):
        raise UsageMistake(
            f"{folder}: 输出文件夹在模板文件夹 {templates} 之内，生成的文件会混进模板"
            "（请用 -o 另选一个文件夹，如 output）"
        )
    out = Path(os.path.realpath(folder))
    for source in sources:
        if out in Path(os.path.realpath(source)).parents:
            raise UsageMistake(
                f"{folder}: 输出文件夹含有源文件 {source}，生成的文件会与源文件混在一起"
                "（请用 -o 另选一个文件夹，如 output）"
            )


def check_output_file(file: Path | None, templates=(), report: bool = False, option: str = "-o") -> None:
    """Refuse, like check_output_folder, an output file in a templates folder, or a report in the source folder.

    A new source (import, merge) may go into source/ beside the others; a report there would mix with
    them, and a .json report would be read as a source by a bare build. A report beside the files a
    command compares, elsewhere, is where a user expects it. None (standard output) passes.
    UsageMistake, exit status 2.
    """
    if file is None:
        return
    for folder in templates:
        if _within(file.parent, folder):
            raise UsageMistake(
                f"{file}: 在模板文件夹 {folder} 之内，会混进模板（请用 {option} 写到模板文件夹以外，如 {file.name}）"
            )
    if report and os.path.realpath(file.parent) == os.path.realpath(SOURCE_FOLDER):
        read = "，dutydocs build 还会把它当作源文件读" if file.suffix.lower() == ".json" else ""
        raise UsageMistake(
            f"{file}: 报告写在源文件夹 {SOURCE_FOLDER} 中会与源文件混在一起{read}"
            f"（请用 {option} 写到源文件夹以外，如 {file.name}）"
        )


def _within(path, folder) -> bool:
    """Whether path is the folder or inside it, links resolved."""
    path, folder = Path(os.path.realpath(path)), Path(os.path.realpath(folder))
    return path == folder or folder in path.parents


def _identity(path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except (OSError, ValueError):  # it does not exist (yet): nothing to destroy
        return None
    return info.st_dev, info.st_ino


OS_REASONS = {
    errno.EACCES: "无权读写",
    errno.EPERM: "不允许读写（文件或文件夹被锁定？）",
    errno.EROFS: "文件系统是只读的",
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "超出磁盘配额",
    errno.ENAMETOOLONG: "文件名过长",
    errno.ENOENT: "路径不存在，也无法创建",
    errno.ENOTDIR: "路径中有一段不是文件夹",
}
"""The refusals of the system a user can act on, in the user's words."""


def os_reason(exc: OSError) -> str:
    reason = OS_REASONS.get(exc.errno) if exc.errno is not None else None
    return reason or exc.strerror or str(exc)


def _unwritable(path: Path, folder: bool, tried: dict) -> str | None:
    """Return why path cannot be written (as a file, or as a folder to write into), or None."""
    path = Path(os.path.abspath(path))
    if os.path.islink(path) and not path.exists():
        return f"{path}: 这是一个指向不存在位置（或循环）的符号链接，无法写入（请换一个输出位置或修正此链接）"
    try:
        return _why_unwritable(path, folder, tried)
    except OSError as exc:  # a name too long, a loop of links…
        return f"{path}: 无法写入：{os_reason(exc)}（请换一个输出位置）"


def _why_unwritable(path: Path, folder: bool, tried: dict) -> str | None:
    if path.exists():
        if not folder and not path.is_dir() and not path.is_file():
            return f"{path}: 这不是普通文件（设备、管道等），不能作为输出文件（请给出普通文件的路径）"
        if not os.access(path, os.W_OK):
            what = "文件夹" if folder else "文件"
            return f"{path}: 无法写入此{what}（只读、被锁定或无权限；请换一个输出位置或检查权限）"
    where = path if folder and path.is_dir() else path.parent
    if where not in tried:  # each folder once, however many outputs go into it
        tried[where] = _folder_problem(where)
    return f"{path}: 无法写入：{tried[where]}（请换一个输出位置或检查权限）" if tried[where] else None


def _folder_problem(folder: Path) -> str | None:
    """Return why nothing can be created in folder (made if missing), or None; tried, then undone."""
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        return f"{existing} 不是文件夹"
    if not os.access(existing, os.W_OK | os.X_OK):
        return f"文件夹 {existing} 不可写（只读、被锁定或无权限）"
    exc = _try(existing, make_dir=existing != folder)
    return None if exc is None else os_reason(exc)


def _try(folder: Path, make_dir: bool) -> OSError | None:
    try:
        if make_dir:
            os.rmdir(tempfile.mkdtemp(prefix=".dutydocs-probe-", dir=folder))
        else:
            fd, name = tempfile.mkstemp(prefix=".dutydocs-probe-", dir=folder)
            os.close(fd)
            os.unlink(name)
    except OSError as exc:
        return exc
    return None
