"""Properties of every valid document: each format builds, reproducibly; a revision compared with itself is unchanged."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from dutydocs import dumps
from dutydocs.builders import DEFAULT_FORMATS, BuildOptions, render
from dutydocs.diff import compare
from dutydocs.source import from_data, problems_in_data, to_data
from strategies import documents

# At least 100 examples each (issue 15); the strategies keep documents small, so each example is cheap.
FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(documents())
def test_generated_documents_are_valid_sources(doc):
    text = dumps(doc)
    assert problems_in_data(to_data(doc), text, "generated.json") == []
    assert from_data(to_data(doc)) == doc


@pytest.mark.parametrize("fmt", ["html", "docx", "xlsx"])
@FAST
@given(doc=documents())
def test_every_format_builds(fmt, doc):
    data = render(doc, fmt, BuildOptions())
    assert data and render(doc, fmt, BuildOptions()) == data  # and reproducibly


@FAST
@given(doc=documents(long=150))
def test_pdf_builds_with_every_name(tmp_path_factory, doc):
    path = tmp_path_factory.mktemp("pdf") / "doc.pdf"
    path.write_bytes(render(doc, "pdf", BuildOptions()))
    text = re.sub(r"\s+", "", subprocess.run(["pdftotext", "-raw", path, "-"], capture_output=True, text=True).stdout)
    for _, item in doc.all_items():
        name = re.sub(r"\s+", "", item.name)
        # a name taller than the rest of a page continues after the page footer: check it piece by piece
        for start in range(0, len(name), 30):
            chunk = name[start:start + 30]
            assert chunk in text or (chunk[:15] in text and chunk[15:] in text), chunk


@FAST
@given(documents())
def test_diff_of_a_revision_with_itself_is_empty(doc):
    diff = compare(doc, doc)
    assert diff.changes == [] and not diff.changed


def test_every_format_gives_the_same_bytes_in_another_process(tmp_path, small_path):
    """Two builds of one source, in separate processes with different hash seeds, are byte-identical."""
    cli = Path(sys.executable).parent / "dutydocs"
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        subprocess.run([cli, "build", small_path, "-o", out], check=True, capture_output=True,
                       env={"PATH": "/usr/bin:/bin", "PYTHONHASHSEED": seed, "HOME": str(tmp_path)})
        outputs.append({p.name: p.read_bytes() for p in out.iterdir() if p.is_file()})
    assert len(outputs[0]) == len(DEFAULT_FORMATS)
    assert outputs[0] == outputs[1]


def test_source_date_epoch_sets_the_dates(tmp_path, small_path):
    cli = Path(sys.executable).parent / "dutydocs"
    out = tmp_path / "out"
    env = {"PATH": "/usr/bin:/bin", "SOURCE_DATE_EPOCH": "1700000000", "HOME": str(tmp_path)}
    subprocess.run([cli, "build", small_path, "-f", "pdf", "-o", out], check=True, capture_output=True, env=env)
    info = subprocess.run(["pdfinfo", next(out.glob("*.pdf"))], capture_output=True, text=True).stdout
    assert "2023" in re.search(r"CreationDate:.*", info).group()
