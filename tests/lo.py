"""Convert files with LibreOffice itself, as a department's spreadsheet program would open and save them."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def convert(source: Path, target: str, out_dir: Path) -> Path:
    """Run soffice --headless --convert-to TARGET on source; return the file it wrote in out_dir."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice (soffice) is part of the environment: run scripts/setup.sh"
    out_dir.mkdir(parents=True, exist_ok=True)
    profile = out_dir / ".lo-profile"
    result = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", target,
         "--outdir", str(out_dir), str(source)], capture_output=True, text=True, timeout=180, check=False)
    written = out_dir / f"{source.stem}.{target.split(':')[0]}"
    assert written.is_file(), f"LibreOffice did not convert {source}: {result.stdout} {result.stderr}"
    return written
