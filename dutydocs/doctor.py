"""`dutydocs doctor`: what this machine brings to a build."""

from __future__ import annotations

import shutil
import subprocess
import sys
from importlib import metadata

import click

from . import __version__
from .fonts import ROLES, has_harfbuzz_subset, installed_families, serving_font


def libreoffice_version() -> str | None:
    """Return LibreOffice's version line, or None when it is not installed."""
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    if not binary:
        return None
    try:
        out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.strip().splitlines()[0] if out.strip() else binary


def report() -> bool:
    """Print the environment report; return False when something a build needs is missing."""
    ok = True
    click.echo(f"dutydocs {__version__}，Python {sys.version.split()[0]}")
    for package in ("weasyprint", "python-docx", "openpyxl", "jinja2", "click", "jsonschema"):
        try:
            click.echo(f"  {package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            click.echo(f"  {package}：未安装")
            ok = False
    click.echo("字体（按 GB/T 9704 的角色，先用正式字体，缺则用替代字体）：")
    if not installed_families():
        click.echo("  未找到 fontconfig（fc-list），无法判断字体")
        ok = False
    for role, chain in ROLES.items():
        font = serving_font(chain)
        official = font == chain[0]
        state = "正式字体" if official else ("替代字体" if font else "缺失")
        click.echo(f"  {role}：{font or '无'}（{state}；候选：{' → '.join(chain)}）")
        ok &= font is not None
    harfbuzz = has_harfbuzz_subset()
    click.echo(
        f"HarfBuzz 字体子集库：{'有' if harfbuzz else '无（PDF 生成会慢数倍；apt-get install libharfbuzz-subset0）'}"
    )
    lo = libreoffice_version()
    click.echo(f"LibreOffice：{lo or '无（仅用于检查 Word 版与基准测试，生成不需要）'}")
    for tool in ("pdftotext", "pdffonts", "pdftoppm"):
        click.echo(f"{tool}：{'有' if shutil.which(tool) else '无（测试需要 poppler-utils）'}")
    return ok
