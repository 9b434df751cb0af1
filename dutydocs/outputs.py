"""Writing outputs safely: names that fit, checks before any work, atomic replacement of the file."""
from __future__ import annotations

import errno
import glob
import os
import re
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

_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                     *(f"LPT{i}" for i in range(1, 10))}


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


def write_atomic(path: Path, data: bytes | str) -> Path:
    """Write data to path through a temporary file in the same folder, so a failure leaves the old file intact."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    for stale in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):  # left by a killed write
        stale.unlink(missing_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path


# --- before any work: outputs that would destroy an input, places that cannot be written -------

def check_outputs(files=(), inputs=(), folders=()) -> None:
    """Refuse, before any work, to write where it would destroy an input or cannot succeed.

    files: output files a command will write (None entries, meaning standard output, are ignored);
    inputs: the files it reads; folders: output folders it will write into (created if missing).
    An output that is one of the inputs — the same path, or the same file through a symbolic or
    hard link — raises UsageMistake (exit status 2); a place that cannot be written raises
    DutydocsError (exit status 1). Both name the path in one line.
    """
    files = [Path(f) for f in files if f is not None]
    read = {}
    for source in inputs:  # each file once, by device and inode: links to it are the same file
        identity = _identity(source)
        if identity is not None:
            read.setdefault(identity, source)
    for out in files:
        source = read.get(_identity(out))
        if source is not None:
            raise UsageMistake(f"{out}: 输出文件就是输入文件 {source}，写入会毁掉它（请用 -o 指定另一个文件）")
    tried: dict = {}  # each folder is tried once, however many outputs go into it
    for path, folder in [(f, False) for f in files] + [(Path(f), True) for f in folders]:
        problem = _unwritable(path, folder, tried)
        if problem:
            raise DutydocsError(problem)


def _identity(path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except (OSError, ValueError):  # it does not exist (yet): nothing to destroy
        return None
    return info.st_dev, info.st_ino


OS_REASONS = {errno.EACCES: "无权读写", errno.EPERM: "不允许读写（文件或文件夹被锁定？）",
              errno.EROFS: "文件系统是只读的", errno.ENOSPC: "磁盘空间不足", errno.EDQUOT: "超出磁盘配额",
              errno.ENAMETOOLONG: "文件名过长", errno.ENOENT: "路径不存在，也无法创建",
              errno.ENOTDIR: "路径中有一段不是文件夹"}
"""The refusals of the system a user can act on, in the user's words."""


def os_reason(exc: OSError) -> str:
    return OS_REASONS.get(exc.errno, exc.strerror or str(exc))


def _unwritable(path: Path, folder: bool, tried: dict) -> str | None:
    """Return why path cannot be written (as a file, or as a folder to write into), or None."""
    path = Path(os.path.abspath(path))
    try:
        return _why_unwritable(path, folder, tried)
    except OSError as exc:  # a name too long, a loop of links…
        return f"{path}: 无法写入：{os_reason(exc)}（请换一个输出位置）"


def _why_unwritable(path: Path, folder: bool, tried: dict) -> str | None:
    if path.exists():
        if not folder and not path.is_dir() and not path.is_file():
            return f"{path}: 这不是普通文件（设备、管道等），不能作为输出文件（请给出普通文件的路径）"
        if folder and not path.is_dir():
            return f"{path}: 输出位置已有同名文件，不是文件夹（请换一个输出文件夹）"
        if not folder and path.is_dir():
            return f"{path}: 这是一个文件夹，不能作为输出文件（请给出文件名）"
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
