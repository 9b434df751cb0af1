"""An import's revision: --date/--label, else the corrections, else --base; never the clock. Provenance is never printed."""
from __future__ import annotations

import io
import json
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from dutydocs import load
from dutydocs.builders import render
from dutydocs.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "source" / "import" / "yangmaogong.txt"
CORRECTIONS = ROOT / "source" / "import" / "yangmaogong.corrections.json"


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def undated(tmp_path_factory) -> Path:
    """The corrections without a revision in their document block."""
    data = json.loads(CORRECTIONS.read_text("utf-8"))
    del data["document"]["revision_date"], data["document"]["revision_label"]
    path = tmp_path_factory.mktemp("c") / "undated.corrections.json"
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return path


def test_without_any_date_the_date_is_required(tmp_path, undated):
    out = tmp_path / "new.json"
    result = invoke("import", SEED, "--corrections", undated, "-o", out)
    assert result.exit_code == 2 and "--date" in result.output and not out.exists()


def test_date_and_label_are_taken_as_given_and_repeatable(tmp_path, undated):
    outs = [tmp_path / "a.json", tmp_path / "b.json"]
    for out in outs:
        result = invoke("import", SEED, "--corrections", undated, "--date", "2025-09-01", "--label", "第三轮", "-o", out)
        assert result.exit_code == 0, result.output
    assert outs[0].read_bytes() == outs[1].read_bytes()
    doc = load(outs[0])
    assert (doc.revision.date, doc.revision.label) == ("2025-09-01", "第三轮")
    assert "导入自" in doc.provenance


def test_the_date_comes_from_the_corrections_then_from_base(tmp_path, undated, small_path):
    out = tmp_path / "new.json"
    assert invoke("import", SEED, "--corrections", CORRECTIONS, "-o", out).exit_code == 0
    assert load(out).revision.date == "2025-06-30"
    assert invoke("import", SEED, "--corrections", undated, "--base", small_path, "-o", out).exit_code == 0
    assert load(out).revision.date == load(small_path).revision.date


def test_an_excel_import_takes_date_and_label(tmp_path, small_xlsx):
    copy = tmp_path / "copy.xlsx"
    copy.write_bytes(small_xlsx)
    out = tmp_path / "new.json"
    assert invoke("import", copy, "--date", "2026-01-02", "--label", "部门返回", "-o", out).exit_code == 0
    assert (load(out).revision.date, load(out).revision.label) == ("2026-01-02", "部门返回")


def test_the_bundled_source_has_a_proper_label_and_its_provenance_apart(bundled_doc):
    assert bundled_doc.revision.label == "审定稿"
    assert "PDF" in bundled_doc.provenance and "PDF" not in bundled_doc.revision.label


def _docx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist() if n.endswith(".xml"))


def test_no_output_prints_the_provenance(small_doc):
    marker = "出处标记XYZ"
    doc = replace(small_doc, provenance=marker)
    assert marker not in render(doc, "html").decode("utf-8")
    assert marker not in _docx_text(render(doc, "docx"))
    assert marker not in _docx_text(render(doc, "xlsx"))
    pdf = render(doc, "pdf")
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    assert marker not in json.dumps({k: str(v) for k, v in (reader.metadata or {}).items()}, ensure_ascii=False)
    assert marker not in "".join(page.extract_text() or "" for page in reader.pages)


def test_a_text_import_with_base_keeps_the_base_ids(tmp_path, bundled_path):
    data = json.loads(CORRECTIONS.read_text("utf-8"))
    del data["document"]["id_prefix"]  # no ids of its own: they can only come from the base
    corrections = tmp_path / "c.json"
    corrections.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    out = tmp_path / "new.json"
    assert invoke("import", SEED, "--corrections", corrections, "--base", bundled_path, "-o", out).exit_code == 0
    assert out.read_bytes() == bundled_path.read_bytes()
