"""The typographic roles of GB/T 9704-2012 and the fonts that serve them on this machine."""

from __future__ import annotations

import ctypes.util
import shutil
import subprocess
from functools import cache

# Official font first, then the names Windows and WPS use, then free fonts Debian installs.
ROLES: dict[str, tuple[str, ...]] = {
    "title（标题，小标宋）": ("方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05S", "Noto Serif CJK SC"),
    "heading（一级标题，黑体）": ("黑体", "SimHei", "Noto Sans CJK SC"),
    "kai（二级标题，楷体）": ("楷体_GB2312", "KaiTi_GB2312", "楷体", "KaiTi", "FandolKai", "AR PL UKai CN"),
    "body（正文，仿宋）": ("仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "FandolFang", "Noto Serif CJK SC"),
    "page（页码，宋体）": ("宋体", "SimSun", "Noto Serif CJK SC"),
}


@cache
def installed_families() -> frozenset[str]:
    """Return the font family names fontconfig knows (empty if fontconfig is missing)."""
    if not shutil.which("fc-list"):
        return frozenset()
    out = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, check=False).stdout
    return frozenset(name.strip() for line in out.splitlines() for name in line.split(","))


def serving_font(chain: tuple[str, ...]) -> str | None:
    """Return the first font of the chain that is installed, or None."""
    families = installed_families()
    return next((name for name in chain if name in families), None)


@cache
def serving_fonts() -> dict[str, str]:
    """Return, per role, the family and version(s) of the font that serves it here: what a PDF is set in."""
    versions: dict[str, set[str]] = {}
    if shutil.which("fc-list"):
        out = subprocess.run(
            ["fc-list", "--format", "%{family}\t%{fontversion}\n"], capture_output=True, text=True, check=False
        ).stdout
        for line in out.splitlines():
            families, _, version = line.partition("\t")
            for name in families.split(","):
                versions.setdefault(name.strip(), set()).add(version)
    fonts = {}
    for role, chain in ROLES.items():
        family = serving_font(chain)
        fonts[role] = f"{family} {'/'.join(sorted(versions.get(family, ())))}".strip() if family else "无"
    return fonts


def has_harfbuzz_subset() -> bool:
    """Whether libharfbuzz-subset is present; without it WeasyPrint subsets CJK fonts several times slower."""
    return ctypes.util.find_library("harfbuzz-subset") is not None


HARFBUZZ_WARNING = (
    "警告：未找到 HarfBuzz 字体子集库（libharfbuzz-subset0），PDF 生成会慢数倍；"
    "请运行 scripts/setup.sh 或 apt-get install libharfbuzz-subset0"
)
