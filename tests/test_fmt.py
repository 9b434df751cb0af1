"""dutydocs fmt renumbers and lays a source out canonically, keeping $schema; ids keeps $schema too."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from dutydocs import load
from dutydocs.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "small.json"
SCHEMA_REF = "../dutydocs/schema/source.schema.json"


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def hand_edited(tmp_path) -> Path:
    """What a clerk does: an item copied and pasted in the middle, keys shuffled, one-line JSON."""
    data = json.loads(FIXTURE.read_text("utf-8"))
    items = data["lists"]["basic"]["items"]
    inserted = dict(reversed(list(items[0].items())), name="新插入的事项")
    del inserted["id"]
    items.insert(1, inserted)
    del data["lists"]["withdrawn"]["items"][0]["no"]
    data = {"$schema": SCHEMA_REF, **dict(reversed(list(data.items())))}
    path = tmp_path / "s.json"
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return path


def test_fmt_renumbers_every_list_and_keeps_every_field(tmp_path):
    path = hand_edited(tmp_path)
    before = json.loads(path.read_text("utf-8"))
    assert invoke("fmt", "--check", path).exit_code == 1
    result = invoke("fmt", path)
    assert result.exit_code == 0, result.output
    after = json.loads(path.read_text("utf-8"))
    assert list(after)[:3] == ["$schema", "schema_version", "title"] and after["$schema"] == SCHEMA_REF
    for key, duty_list in after["lists"].items():
        assert [item["no"] for item in duty_list["items"]] == list(range(1, len(duty_list["items"]) + 1))
        assert list(duty_list["items"][0])[:2] in (["id", "no"], ["no", "category"])
    for key in before["lists"]:  # nothing but the numbers changed
        for old, new in zip(before["lists"][key]["items"], after["lists"][key]["items"]):
            assert {k: v for k, v in old.items() if k != "no"} == {k: v for k, v in new.items() if k != "no"}
    assert {k: v for k, v in before.items() if k != "lists"} == {k: v for k, v in after.items() if k != "lists"}
    assert load(path).list("basic").items[1].name == "新插入的事项"


def test_fmt_is_idempotent_and_check_writes_nothing(tmp_path):
    path = hand_edited(tmp_path)
    original = path.read_bytes()
    assert invoke("fmt", "--check", path).exit_code == 1 and path.read_bytes() == original
    invoke("fmt", path)
    once = path.read_bytes()
    assert invoke("fmt", path).exit_code == 0 and path.read_bytes() == once
    check = invoke("fmt", "--check", path)
    assert check.exit_code == 0 and "无需整理" in check.output


def test_fmt_leaves_the_bundled_source_as_it_is(bundled_path):
    assert invoke("fmt", "--check", bundled_path).exit_code == 0


def test_fmt_refuses_an_invalid_source_and_leaves_it_but_formats_the_others(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"title": 1}', "utf-8")
    other = hand_edited(tmp_path)
    result = invoke("fmt", path, other)
    assert result.exit_code == 1 and "未改动此文件" in result.output and "Traceback" not in result.output
    assert path.read_text("utf-8") == '{"title": 1}'
    assert "已整理 1 个文件" in result.output and invoke("fmt", "--check", other).exit_code == 0


def test_ids_keeps_the_schema_reference(tmp_path):
    path = hand_edited(tmp_path)
    assert invoke("fmt", path).exit_code == 0  # ids itself leaves the numbers to fmt
    result = invoke("ids", path)
    assert result.exit_code == 0 and "已分配 1 个新 id" in result.output
    data = json.loads(path.read_text("utf-8"))
    assert data["$schema"] == SCHEMA_REF and data["lists"]["basic"]["items"][1]["id"] == "t-008"
