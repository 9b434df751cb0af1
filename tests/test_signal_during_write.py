"""A build killed or terminated in the middle of writing an output leaves the previous output whole.

The signal is sent from inside the write itself (tests/signal_during_write.py), after half of the
bytes reached the disk, so only a write through a temporary file and an atomic rename passes.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

HOOK = Path(__file__).with_name("signal_during_write.py")
PREVIOUS = b"PK previous workbook"


def build_with_signal(signame: str, source: Path, out: Path) -> subprocess.CompletedProcess:
    out.mkdir(exist_ok=True)
    (out / "示例镇履职事项清单.xlsx").write_bytes(PREVIOUS)
    return subprocess.run(
        [sys.executable, HOOK, signame, out, "build", source, "-f", "xlsx", "-o", out, "--force"],
        capture_output=True,
        text=True,
        timeout=120,
    )


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.is_file())


def test_kill_during_the_write_leaves_the_previous_output(tmp_path, small_path):
    out = tmp_path / "out"
    result = build_with_signal("SIGKILL", small_path, out)
    assert result.returncode == -signal.SIGKILL, result.stderr  # the hook really fired during a write
    assert (out / "示例镇履职事项清单.xlsx").read_bytes() == PREVIOUS
    # the half-written temporary file is all that is left over, and the next build removes it
    assert [name for name in files(out) if name != "示例镇履职事项清单.xlsx"] != []
    subprocess.run(
        [Path(sys.executable).parent / "dutydocs", "build", small_path, "-f", "xlsx", "-o", out],
        check=True,
        capture_output=True,
    )
    assert files(out) == ["示例镇履职事项清单.xlsx"]
    assert (out / "示例镇履职事项清单.xlsx").read_bytes()[:2] == b"PK" != PREVIOUS


def test_terminate_during_the_write_leaves_the_previous_output_and_no_temporary(tmp_path, small_path):
    out = tmp_path / "out"
    result = build_with_signal("SIGTERM", small_path, out)
    assert result.returncode == 130, result.stderr
    assert "已中断：输出文件保持原样" in result.stderr and "Traceback" not in result.stderr
    assert (out / "示例镇履职事项清单.xlsx").read_bytes() == PREVIOUS
    assert files(out) == ["示例镇履职事项清单.xlsx"]
