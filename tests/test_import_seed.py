"""The bundled source is exactly the seed's content: import + corrections, character for character."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from dutydocs import source
from dutydocs.importers.pdftext import import_text, parse

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "source" / "import" / "yangmaogong.txt"
CORRECTIONS = ROOT / "source" / "import" / "yangmaogong.corrections.json"

# --- an independent reading of the seed: only what is needed to cut it into items ------------

FOOTER = re.compile(r"^\s*第 \d+ 页，共 \d+ 页\s*$")
HEADER_LINES = {"序号 事项类别 事项名称", "序号 事项类别 事项名称 承接部门及工作方式"}
COOPERATIVE_HEADER = ["序号", "事项", "类别", "事项名称", "对应上级", "部门", "上级部门职责 镇配合职责"]
TITLES = {"基本履职事项清单": "basic", "配合履职事项清单": "cooperative", "上级部门收回事项清单": "withdrawn"}


def seed_chunks():
    """Return {(list, no): [fragment text, …]} and the explanation text, from the seed alone."""
    lines = [line.strip() for line in SEED.read_text("utf-8").splitlines()]
    lines = [line for line in lines if line and not FOOTER.match(line)]
    index = 0
    while index < len(lines):  # the cooperative table's header, one cell a line
        if lines[index:index + len(COOPERATIVE_HEADER)] == COOPERATIVE_HEADER:
            del lines[index:index + len(COOPERATIVE_HEADER)]
        index += 1
    chunks: dict[tuple[str, int], list[str]] = {}
    explanation: list[str] = []
    current_list, current_key = None, None
    for line in lines:
        if line in TITLES:
            current_list, current_key = TITLES[line], None
            continue
        if current_list is None:
            explanation.append(line)
            continue
        if line in HEADER_LINES:
            continue
        m = re.match(r"^(\d+) ", line)
        if m:
            no = int(m.group(1))
            expected = (current_key[1] + 1) if current_key else 1
            if no == expected:
                current_key = (current_list, no)
                chunks[current_key] = [line[m.end():]]
                continue
            if current_key and no == current_key[1]:
                chunks[current_key].append(line[m.end():])  # a row continued on the next page
                continue
        chunks[current_key][-1] += "\n" + line
    return chunks, "\n".join(explanation)


def characters(text: str) -> Counter:
    return Counter(ch for ch in text if not ch.isspace())


CHUNKS, EXPLANATION = seed_chunks()


def test_seed_is_cut_into_the_stated_numbers_of_items():
    counts = Counter(key for key, _ in CHUNKS)
    assert counts == {"basic": 130, "cooperative": 98, "withdrawn": 45}
    split = sorted(no for (key, no), fragments in CHUNKS.items() if len(fragments) > 1)
    assert split == [2, 14, 21, 81]  # the four cooperative rows split across pages


# Each item's fields against the seed, in order: tests/test_seed_fields.py.


def test_explanation_holds_exactly_the_seed_characters(bundled_doc):
    explanation = bundled_doc.explanation
    text = explanation.title + "".join(
        s.heading + "".join(s.paragraphs) for s in explanation.sections)
    assert characters(text) == characters(EXPLANATION)


def test_bundled_source_is_import_plus_corrections(bundled_path):
    imported = import_text(SEED, CORRECTIONS)
    assert source.dumps(imported) == bundled_path.read_text("utf-8")


def test_every_correction_is_used_and_needed():
    """A correction the rules already get right is noise a reviewer must not have to read."""
    import json

    from dutydocs.importers.pdftext import Corrections

    text = SEED.read_text("utf-8")
    corrected = source.dumps(parse(text, Corrections.load(CORRECTIONS)))
    data = json.loads(CORRECTIONS.read_text("utf-8"))
    for key in data["items"]:
        without = dict(data, items={k: v for k, v in data["items"].items() if k != key})
        path = Path("/tmp") / f"dutydocs-corrections-{key.replace('/', '-')}.json"
        path.write_text(json.dumps(without, ensure_ascii=False), "utf-8")
        try:
            assert source.dumps(parse(text, Corrections.load(path))) != corrected, f"{key} changes nothing"
        finally:
            path.unlink()


def test_paragraphs_are_whole_not_wrapped_lines(bundled_doc):
    """A PDF line wrap is not a paragraph break: no paragraph ends mid-sentence."""
    for section in bundled_doc.explanation.sections:
        for paragraph in section.paragraphs:
            assert paragraph.endswith("。"), paragraph
    assert [len(s.paragraphs) for s in bundled_doc.explanation.sections] == [1, 1, 3]


def test_departments_are_whole_names(bundled_doc):
    for item in bundled_doc.list("cooperative").items:
        for department in item.departments:
            assert re.match(r"^(米东区|乌鲁木齐市)", department) or department == "负有安全监管职责的其他部门", \
                (item.no, department)
            assert department[-1] in "部委局室会队心办门", (item.no, department)
    assert bundled_doc.list("cooperative").items[0].departments == ("米东区委组织部",)


def test_every_cooperative_item_has_both_cells(bundled_doc):
    for item in bundled_doc.list("cooperative").items:
        assert item.department_duties.entries, item.no
        assert item.town_duties.entries, item.no


def test_structured_duties_of_item_2(bundled_doc):
    item = bundled_doc.list("cooperative").items[1]
    blocks = item.town_duties.blocks()
    assert [b.heading for b in blocks] == ["一、年度绩效考核", "二、领导班子及领导干部年度考核工作"]
    assert [label for label, _ in blocks[1].numbered()] == ["1.", "2.", "3."]
    assert not any(re.match(r"^\d+[.．]", e.text) for e in item.town_duties.entries)


def test_withdrawn_item_keeps_department_and_takeover_apart(bundled_doc):
    withdrawn = bundled_doc.list("withdrawn").items
    assert (withdrawn[0].department, withdrawn[0].takeover) == ("米东区民政局", "负责婚姻登记工作")
    assert withdrawn[1].department is None and withdrawn[1].note == "法律法规条款已失效，不再开展此项工作"
    assert withdrawn[9].department is None and withdrawn[9].note.startswith("落实党中央精简优化基层考核")


def test_typos_are_kept(bundled_doc):
    assert "禁止开垦度以上" in bundled_doc.list("withdrawn").items[18].name


def test_import_command_reproduces_the_bundled_source(tmp_path, bundled_path):
    from click.testing import CliRunner

    from dutydocs.cli import main

    out = tmp_path / "imported.json"
    result = CliRunner().invoke(main, ["import", str(SEED), "--corrections", str(CORRECTIONS), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == bundled_path.read_bytes()


def test_text_that_is_not_a_duty_list_is_refused_clearly(tmp_path):
    from click.testing import CliRunner

    from dutydocs.cli import main

    path = tmp_path / "other.txt"
    path.write_text("一份与清单无关的文字\n第 1 页，共 1 页\n", "utf-8")
    result = CliRunner().invoke(main, ["import", str(path), "-o", str(tmp_path / "x.json")])
    assert result.exit_code == 1
    assert "找不到清单标题" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "x.json").exists()
