"""Stable ids: existing ones never change; new items get the next number of the document's prefix."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from dutydocs import load
from dutydocs.cli import main
from dutydocs.ids import assign_ids, next_ids

FIXTURE = Path(__file__).parent / "fixtures" / "small.json"


def test_next_ids_follow_the_prefix_and_width():
    fresh = next_ids(["ymg-0001", "ymg-0273", "other-9"])
    assert [next(fresh), next(fresh)] == ["ymg-0274", "ymg-0275"]
    assert next(next_ids([])) == "item-0001"
    assert next(next_ids(["a-1"], prefix="new-")) == "new-0001"


def test_ids_command_fills_only_missing_ids(tmp_path):
    data = json.loads(FIXTURE.read_text("utf-8"))
    del data["lists"]["basic"]["items"][1]["id"]
    del data["lists"]["withdrawn"]["items"][0]["id"]
    path = tmp_path / "s.json"
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    before = load(path)
    result = CliRunner().invoke(main, ["ids", str(path)])
    assert result.exit_code == 0 and "2 个新 id" in result.output
    after = load(path)
    pairs = list(zip((i for _, i in before.all_items()), (i for _, i in after.all_items())))
    assert all(old.id == new.id for old, new in pairs if old.id)
    assert [new.id for old, new in pairs if not old.id] == ["t-008", "t-009"]
    assert CliRunner().invoke(main, ["ids", str(path)]).output.strip().endswith("已分配 0 个新 id")


def test_bundled_source_has_an_id_on_every_item(bundled_doc):
    ids = [item.id for _, item in bundled_doc.all_items()]
    assert len(set(ids)) == len(ids) == 273 and ids[0] == "ymg-0001"
    assert assign_ids(bundled_doc)[1] == 0
