"""The text import knows no place: any township's list imports, and what it cannot read is refused clearly."""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from dutydocs import load
from dutydocs.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "source" / "import" / "yangmaogong.txt"
CORRECTIONS = ROOT / "source" / "import" / "yangmaogong.corrections.json"


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def renamed(text: str) -> str:
    """米东区 → 朝阳区 and 乌鲁木齐市 → 北京市, also where the PDF wrapped a name over two lines."""
    text = re.sub(r"米(\s*)东(\s*)区", r"朝\1阳\2区", text)
    return re.sub(r"乌(\s*)鲁(\s*)木(\s*)齐(\s*)市",
                  lambda m: "北" + "".join(m.groups()[:2]) + "京" + "".join(m.groups()[2:]) + "市", text)


def test_the_importer_names_no_place():
    code = "".join(p.read_text("utf-8") for p in (ROOT / "dutydocs" / "importers").glob("*.py"))
    doc = load(ROOT / "source" / "yangmaogong.json")
    places = {"米东", "乌鲁木齐", "新疆", doc.township, doc.region}
    assert not [place for place in places if place in code]


def test_another_township_imports_with_the_same_structure(tmp_path, bundled_path):
    seed, corrections = tmp_path / "seed.txt", tmp_path / "seed.corrections.json"
    seed.write_text(renamed(SEED.read_text("utf-8")), "utf-8")
    corrections.write_text(renamed(CORRECTIONS.read_text("utf-8")), "utf-8")
    out = tmp_path / "out.json"
    result = invoke("import", seed, "--corrections", corrections, "-o", out)
    assert result.exit_code == 0, result.output
    assert out.read_text("utf-8") == renamed(bundled_path.read_text("utf-8"))
    doc = load(out)
    assert all(item.departments for item in doc.list("cooperative").items)
    original = load(bundled_path).list("cooperative").items
    assert [len(item.departments) for item in doc.list("cooperative").items] == [len(i.departments) for i in original]
    assert doc.list("cooperative").items[0].departments == ("朝阳区委组织部",)


def test_a_users_department_list_places_names_without_an_area(tmp_path):
    text = SEED.read_text("utf-8")
    assert "表彰激励\n\n米东区委组\n织部" in text
    seed = tmp_path / "seed.txt"
    seed.write_text(text.replace("表彰激励\n\n米东区委组\n织部", "表彰激励\n\n组织部门", 1), "utf-8")
    out = tmp_path / "out.json"
    refused = invoke("import", seed, "--corrections", CORRECTIONS, "-o", out)
    assert refused.exit_code == 1 and not out.exists()
    assert "配合履职事项清单第 1 项：没有读出部门" in refused.output and "--departments" in refused.output
    names = tmp_path / "部门.txt"
    names.write_text("组织部门\n", "utf-8")
    result = invoke("import", seed, "--corrections", CORRECTIONS, "--departments", names, "-o", out)
    assert result.exit_code == 0, result.output
    first = load(out).list("cooperative").items[0]
    assert first.departments == ("组织部门",) and first.name == "做好区级以上党内表彰激励"
    data = json.loads(CORRECTIONS.read_text("utf-8"))
    data["departments"] = ["组织部门"]
    corrections = tmp_path / "c.json"
    corrections.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    assert invoke("import", seed, "--corrections", corrections, "-o", tmp_path / "c-out.json").exit_code == 0
    assert (tmp_path / "c-out.json").read_bytes() == out.read_bytes()


def test_a_bare_number_line_is_read_with_the_text_after_it(tmp_path, bundled_path):
    text = SEED.read_text("utf-8")
    seed = tmp_path / "seed.txt"
    seed.write_text(text.replace("1.研究制定党内表彰具体工作方案；", "1.\n研究制定党内表彰具体工作方案；", 1), "utf-8")
    out = tmp_path / "out.json"
    assert invoke("import", seed, "--corrections", CORRECTIONS, "-o", out).exit_code == 0
    assert out.read_bytes() == bundled_path.read_bytes()


def test_text_with_titles_but_no_items_is_refused_saying_what_was_found(tmp_path):
    path = tmp_path / "bare.txt"
    path.write_text("说明\n一、基本情况\n1.\n基本履职事项清单\n1.\n配合履职事项清单\n1.\n上级部门收回事项清单\n1.\n", "utf-8")
    out = tmp_path / "x.json"
    result = invoke("import", path, "--date", "2025-06-30", "-o", out)
    assert result.exit_code == 1 and "Traceback" not in result.output and not out.exists()
    assert "基本履职事项清单 0 项" in result.output and "基本履职事项清单没有一项" in result.output


@pytest.fixture(scope="module")
def our_pdf(tmp_path_factory, bundled_doc) -> Path:
    from dutydocs.builders import render

    path = tmp_path_factory.mktemp("pdf") / "edition.pdf"
    path.write_bytes(render(bundled_doc, "pdf"))
    return path


@pytest.mark.parametrize("mode", ["-layout", "-raw"])
def test_the_text_of_our_own_pdf_imports_the_same_or_is_refused_clearly(tmp_path, our_pdf, bundled_path, mode):
    text = tmp_path / "edition.txt"
    subprocess.run(["pdftotext", mode, str(our_pdf), str(text)], check=True)
    out = tmp_path / "x.json"
    result = invoke("import", text, "--corrections", CORRECTIONS, "-o", out)
    if result.exit_code == 0:
        assert out.read_text("utf-8") == bundled_path.read_text("utf-8")
    else:
        assert result.exit_code == 1 and "Traceback" not in result.output and not out.exists()
        assert "导入结果不是完整有效的清单" in result.output and "找到说明" in result.output


TITLES = {"basic": "基本履职事项清单", "cooperative": "配合履职事项清单", "withdrawn": "上级部门收回事项清单"}
STATED = {"basic": 130, "cooperative": 98, "withdrawn": 45}


def cut(text: str, key: str, keep: int) -> str:
    """The seed with a list's items after the first `keep` cut off, exactly where item keep + 1 begins."""
    lines = text.split("\n")
    starts = {k: next(i for i, line in enumerate(lines) if line.strip() == title) for k, title in TITLES.items()}
    start = starts[key]
    end = min((i for i in starts.values() if i > start), default=len(lines))
    first = next(i for i in range(start, end) if re.match(rf"\s*{keep + 1}\s+\S", lines[i]))
    return "\n".join(lines[:first] + lines[end:])


def imported(tmp_path, text: str):
    seed, out = tmp_path / "seed.txt", tmp_path / "out.json"
    seed.write_text(text, "utf-8")
    return invoke("import", seed, "--date", "2025-06-30", "-o", out), out


@pytest.mark.parametrize("key", list(TITLES))
def test_a_seed_cut_at_an_item_boundary_is_refused_with_the_stated_count(tmp_path, key):
    result, out = imported(tmp_path, cut(SEED.read_text("utf-8"), key, STATED[key] - 10))
    assert result.exit_code == 1 and not out.exists() and "Traceback" not in result.output
    assert f"说明称{TITLES[key]}有 {STATED[key]} 项，只读出 {STATED[key] - 10} 项" in result.output


def test_a_count_stated_in_a_paragraph_not_opening_with_the_title_is_checked(tmp_path):
    """（一）基本履职事项清单是……共有基本履职事项 130 项: the count is read wherever the paragraph begins."""
    text = SEED.read_text("utf-8")
    assert text.count("\n基本履职事项清单是本镇") == 1
    text = text.replace("\n基本履职事项清单是本镇", "\n（一）基本履职事项清单是本镇")
    result, out = imported(tmp_path, cut(text, "basic", 120))
    assert result.exit_code == 1 and not out.exists()
    assert "说明称基本履职事项清单有 130 项，只读出 120 项" in result.output


def test_where_no_count_is_stated_the_import_says_what_it_found(tmp_path):
    text = SEED.read_text("utf-8")
    said = "等 20个类别，\n\n共有基本履职事项 130项。"
    assert text.count(said) == 1
    result, out = imported(tmp_path, cut(text.replace(said, "等 20个类别。"), "basic", 120))
    assert result.exit_code == 0 and out.exists(), result.output
    assert "读出基本履职事项清单 120 项、配合履职事项清单 98 项、上级部门收回事项清单 45 项" in result.output
    assert "说明没有写明基本履职事项清单的项数，无法核对是否读全" in result.output


def test_a_count_of_another_list_is_not_taken_for_this_lists():
    """A paragraph on the basic list that runs on into the cooperative list's: 98 is not the basic list's count."""
    from dutydocs.stated import stated_count
    from dutydocs.model import Explanation, Section

    paragraph = "基本履职事项清单是本镇必须为的事项，配合履职事项清单是本镇配合的事项，共有配合履职事项 98项。"
    explanation = Explanation("说明", (Section("三、清单内容", (paragraph,)),))
    assert stated_count(explanation, "基本履职事项清单") is None
    assert stated_count(explanation, "配合履职事项清单") == 98


SAID = "等 20个类别，\n\n共有基本履职事项 130项。"
EXPLANATIONS = {
    "as published": (lambda text: text, 130),
    "an ordinal before the title": (lambda text: text.replace("\n基本履职事项清单是本镇", "\n（一）基本履职事项清单是本镇"), 130),
    "no count stated": (lambda text: text.replace(SAID, "等 20个类别。"), None),
    "running on into the next list's": (lambda text: text.replace(SAID, "等 20个类别，"), None),
}


@pytest.mark.parametrize("variant", list(EXPLANATIONS))
def test_check_and_import_read_the_same_stated_count(tmp_path, variant):
    """The basic list cut to 120 items: import refuses and check warns with the same stated count, or neither does."""
    change, stated = EXPLANATIONS[variant]
    text = change(SEED.read_text("utf-8"))
    assert text.count("\n基本履职事项清单是本镇") + text.count("\n（一）基本履职事项清单是本镇") == 1
    full, source = imported(tmp_path, text)
    assert full.exit_code == 0, full.output
    data = json.loads(source.read_text("utf-8"))
    del data["lists"]["basic"]["items"][120:]
    source.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    checked = invoke("check", source, "--format", "json")
    check_said = [p["message"] for p in json.loads(checked.output)["problems"] if p.get("code") == "count"]
    said_by_import = re.findall(r"说明称基本履职事项清单有 (\d+) 项", imported(tmp_path, cut(text, "basic", 120))[0].output)
    said_by_check = re.findall(r"说明称基本履职事项清单有 (\d+) 个事项", " ".join(check_said))
    assert said_by_import == said_by_check == ([str(stated)] if stated else [])
    if variant == "running on into the next list's":  # 98 items and 44 departments are the cooperative list's
        assert not [m for m in check_said if "98" in m or "44" in m]
