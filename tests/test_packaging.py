"""The wheel: built from the checkout and installed (not editable) into a clean virtual environment, it works from any folder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WHEELHOUSE = ROOT / ".venv" / "wheelhouse"
"""Wheels of the dependencies at the pinned versions, kept beside the project's venv so reruns need no network."""


def run(*args, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"{' '.join(map(str, args))}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Build the wheel from a copy of the checkout, so no stale build/ folder can leak into it."""
    work = tmp_path_factory.mktemp("wheel")
    tree = work / "tree"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    for name in ("dutydocs", "templates"):
        shutil.copytree(ROOT / name, tree / name, ignore=ignore)
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy2(ROOT / name, tree / name)
    run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", work / "dist", tree)
    (built,) = (work / "dist").glob("dutydocs-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A fresh virtual environment with the wheel and its pinned dependencies installed from wheels on disk."""
    target = tmp_path_factory.mktemp("venv") / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", target)
    install = [
        sys.executable,
        "-m",
        "pip",
        "--python",
        target / "bin" / "python",
        "install",
        "-q",
        "--no-index",
        "--find-links",
        WHEELHOUSE,
        "-c",
        ROOT / "constraints.txt",
        wheel,
    ]
    if subprocess.run(install, capture_output=True).returncode:  # first run, or new dependencies: fetch them
        run(sys.executable, "-m", "pip", "wheel", "-q", "-w", WHEELHOUSE, "-c", ROOT / "constraints.txt", wheel)
        for stale in WHEELHOUSE.glob("dutydocs-*.whl"):  # pip saves the project's wheel too; keep only dependencies
            stale.unlink()
        run(*install)
    return target


def test_wheel_carries_every_module_and_template(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {str(p.relative_to(ROOT)) for p in (ROOT / "dutydocs").rglob("*.py")}
    templates = {f"dutydocs/templates/{p.name}" for p in (ROOT / "templates").iterdir() if p.is_file()}
    assert modules - names == set()
    assert templates - names == set()
    assert "dutydocs/schema/source.schema.json" in names


def test_installed_wheel_builds_and_diffs_from_another_folder(venv, tmp_path):
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    location = run(
        venv / "bin" / "python",
        "-c",
        "import dutydocs.builders as b; print(b.__file__, b.PROJECT_TEMPLATES)",
        cwd=elsewhere,
        env=env,
    ).stdout.split()
    assert all(Path(p).is_relative_to(venv) for p in location), location  # not the checkout

    source = elsewhere / "镇.json"
    data = json.loads((ROOT / "tests" / "fixtures" / "small.json").read_text("utf-8"))
    source.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    run(venv / "bin" / "dutydocs", "build", source.name, "-o", "out", cwd=elsewhere, env=env)
    suffixes = sorted(p.suffix for p in (elsewhere / "out").iterdir() if p.is_file())
    assert suffixes == [".docx", ".html", ".pdf", ".xlsx"]
    (pdf,) = (elsewhere / "out").glob("*.pdf")
    assert data["lists"]["basic"]["items"][0]["name"][:8] in run("pdftotext", pdf, "-").stdout.replace("\n", "")

    data["lists"]["basic"]["items"][0]["name"] = "改写后的事项名称"
    changed = elsewhere / "新.json"
    changed.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    run(
        venv / "bin" / "dutydocs",
        "diff",
        source.name,
        changed.name,
        "--format",
        "pdf",
        "-o",
        "变化.pdf",
        cwd=elsewhere,
        env=env,
    )
    assert "改写后的事项名称" in run("pdftotext", elsewhere / "变化.pdf", "-").stdout.replace("\n", "")


def test_checkout_uses_its_own_templates_folder():
    from dutydocs.builders import PROJECT_TEMPLATES

    assert PROJECT_TEMPLATES == ROOT / "templates"  # an editable install reads the checkout's folder
