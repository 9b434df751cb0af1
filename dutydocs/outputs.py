"""Writing outputs safely: names that stay in their folder, atomic replacement, and claims on names."""
from __future__ import annotations

import json
import os
import re
import secrets
import socket
from pathlib import Path

_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                     *(f"LPT{i}" for i in range(1, 10))}


def safe_filename(title: str, fallback: str = "清单") -> str:
    """Return a readable file name (Chinese kept) that cannot leave its folder on any system."""
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f\x7f]', "_", title).strip(" .")
    name = re.sub(r"_+", "_", name).strip("_ .")
    if not name or set(name) <= {"."}:
        name = fallback
    if name.split(".")[0].upper() in _WINDOWS_RESERVED:
        name = "_" + name
    return name[:100]


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
    processes writing into the same folder are never disturbed.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    tmp = temporary_path(path)
    try:
        _create(tmp, data)
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
