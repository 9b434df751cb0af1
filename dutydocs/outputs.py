"""Writing outputs safely: temporary file beside the target, then an atomic rename."""
from __future__ import annotations

import glob
import os
import re
import tempfile
from pathlib import Path

from .errors import DutydocsError, UsageMistake

NAME_MAX_BYTES = 255
"""The longest file name most file systems (ext4, NTFS in UTF-16 aside, APFS) accept, in bytes."""

TEMP_NAME_BYTES = 32
"""Room for what write_atomic adds around a name for its temporary file ("." before, ".<random>.tmp" after)."""

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
    for out in files:
        for source in inputs:
            if source is not None and _same_file(out, Path(source)):
                raise UsageMistake(
                    f"{out}: 输出文件就是输入文件 {source}，写入会毁掉它（请用 -o 指定另一个文件）")
    for out in files:
        problem = _unwritable(out, folder=False)
        if problem:
            raise DutydocsError(problem)
    for folder in folders:
        problem = _unwritable(Path(folder), folder=True)
        if problem:
            raise DutydocsError(problem)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist: nothing to destroy
        return False


def _unwritable(path: Path, folder: bool) -> str | None:
    """Return why path cannot be written (as a file, or as a folder to write into), or None."""
    path = Path(os.path.abspath(path))
    try:
        return _why_unwritable(path, folder)
    except OSError as exc:  # a name too long, a loop of links…
        return f"{path}: 无法写入：{exc.strerror or exc}（请换一个输出位置）"


def _why_unwritable(path: Path, folder: bool) -> str | None:
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
        if folder:
            return None
    existing = path.parent
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        return f"{path}: 无法写入：{existing} 不是文件夹（请换一个输出位置）"
    if not os.access(existing, os.W_OK | os.X_OK):
        return f"{path}: 无法写入：文件夹 {existing} 不可写（只读、被锁定或无权限；请换一个输出位置或检查权限）"
    return None
