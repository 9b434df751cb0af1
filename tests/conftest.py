"""Shared fixtures: the small hand-made source and the bundled 羊毛工镇 source."""
from __future__ import annotations

from pathlib import Path

import os

import pytest
from hypothesis import settings

# CI explores the same examples every run, so a red build always means a change broke something;
# developers' runs explore new examples each time and keep what they find in .hypothesis/.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

from dutydocs import source
from dutydocs.builders import render

ROOT = Path(__file__).resolve().parent.parent

LONGEST = (
    "tests/test_properties.py::test_pdf_builds_with_every_name",
    "tests/test_ofd.py::test_generated_documents_convert_faithfully",
    "tests/test_properties.py::test_every_format_builds",
    "tests/test_diff_property.py",
    "tests/test_xlsx_import.py::test_generated_documents_round_trip",
)
"""Tests of a minute or more (pytest --durations): run first, so that with one worker per core
(scripts/checks.sh, pytest-xdist) no worker is left running one of them alone at the end."""


def pytest_collection_modifyitems(items):
    def rank(item) -> int:  # stable sort: the rest keep their order
        return next((n for n, prefix in enumerate(LONGEST) if item.nodeid.startswith(prefix)), len(LONGEST))

    items.sort(key=rank)
FIXTURES = ROOT / "tests" / "fixtures"
BUNDLED = ROOT / "source" / "yangmaogong.json"


@pytest.fixture(scope="session")
def small_path() -> Path:
    return FIXTURES / "small.json"


@pytest.fixture(scope="session")
def small_doc(small_path):
    return source.load(small_path)


@pytest.fixture(scope="session")
def bundled_path() -> Path:
    return BUNDLED


@pytest.fixture(scope="session")
def bundled_doc(bundled_path):
    return source.load(bundled_path)


@pytest.fixture(scope="session")
def small_xlsx(small_doc) -> bytes:
    return render(small_doc, "xlsx")


@pytest.fixture(scope="session")
def bundled(bundled_path):
    """The bundled source's data, and its document parsed once per id mode of the diff tests (old side)."""
    from diff_scenarios import data_of, doc_of, strip_ids

    data = data_of(bundled_path)
    return data, {"both": doc_of(data), "old-only": doc_of(data), "neither": doc_of(strip_ids(data))}


@pytest.fixture(scope="session")
def bundled_xlsx(bundled_doc) -> bytes:
    return render(bundled_doc, "xlsx")


@pytest.fixture
def templates_copy(tmp_path) -> Path:
    """A copy of the project's templates folder that a test may edit."""
    import shutil

    from dutydocs.builders import PROJECT_TEMPLATES

    target = tmp_path / "templates"
    shutil.copytree(PROJECT_TEMPLATES, target)
    return target
