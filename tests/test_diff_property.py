"""Random edit sequences: every item is accounted for once, and the tracked Word edition resolves both ways."""
from __future__ import annotations

import copy
import io

import docx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dutydocs.builders import BuildOptions
from dutydocs.builders import docx as word_edition
from dutydocs.diff import render
from dutydocs.cells import duties_to_text
from dutydocs.diff.changes import DutiesChange
from dutydocs.diff.compare import compare
from dutydocs.diff.xlsx import duty_cell_ops
from dutydocs.model import Duties

from diff_scenarios import doc_of, generated, renumber, strip_ids
from test_diff_formats import _resolve, body_text

BASE = generated(12, seed=3)  # small enough for 100 examples, big enough for every kind of edit
KEYS = ("basic", "cooperative", "withdrawn")


def _convert(item: dict, key: str) -> dict:
    """Return the item as an item of another list (fields that list lacks dropped, required ones added)."""
    out = {k: item[k] for k in ("id", "no", "category", "name") if k in item}
    if key == "cooperative":
        out.update(departments=["某区新设局"], department_duties=[{"point": "负责统筹；"}], town_duties=[{"point": "配合落实。"}])
    elif key == "withdrawn":
        out.update(department="某区新设局", takeover="负责此项工作")
    return out


def apply(data: dict, edits) -> dict:
    new = copy.deepcopy(data)
    lists = new["lists"]
    for kind, a, b, c in edits:
        items = lists[KEYS[a % 3]]["items"]
        if not items:
            continue
        item = items[b % len(items)]
        if kind == "delete":
            items.remove(item)
        elif kind == "insert":
            items.insert(c % (len(items) + 1), _convert({"no": 0, "category": "新增类别", "name": f"全新事项第{c}号：统筹推进某项专门工作"}, KEYS[a % 3]))
        elif kind == "reword":
            item["name"] = item["name"][: c % 5] + "切实" + item["name"][c % 5:]
        elif kind == "category":
            item["category"] = item["category"] + "与服务"
        elif kind == "move":
            items.remove(item)
            items.insert(c % (len(items) + 1), item)
        elif kind == "transfer":
            items.remove(item)
            target = lists[KEYS[c % 3]]["items"]
            target.insert(c % (len(target) + 1), _convert(item, KEYS[c % 3]))
        elif kind == "duty" and "department_duties" in item:
            entries = item["department_duties"]
            at = c % (len(entries) + 1)
            if c % 3 == 0 and len(entries) > 1:
                entries.pop(at % len(entries))
            elif c % 3 == 1:
                entries.insert(at, {"point": "新增一条要点；"})
            else:
                entries[at % len(entries)] = {"heading": "（二）调整后的小标题"}
        elif kind == "department" and "departments" in item:
            item["departments"] = item["departments"] + ["某区协办局"] if c % 2 else ["某区改名局"]
        elif kind == "takeover" and "takeover" in item:
            item["takeover"] = item["takeover"] + "，并定期通报"
        elif kind == "explanation":
            paragraphs = new["explanation"]["sections"][0]["paragraphs"]
            paragraphs.insert(c % (len(paragraphs) + 1), f"新增说明段落{c}。")
    renumber(new)
    return new


EDITS = st.lists(st.tuples(
    st.sampled_from(["delete", "insert", "reword", "category", "move", "transfer", "duty", "department",
                     "takeover", "explanation"]),
    st.integers(0, 2), st.integers(0, 50), st.integers(0, 50)), min_size=1, max_size=8)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=EDITS, with_ids=st.booleans())
def test_random_edits_resolve_to_either_revision(edits, with_ids):
    old = BASE if with_ids else strip_ids(BASE)
    new = apply(old, edits)
    diff = compare(doc_of(old), doc_of(new))
    # every new item is reported once or unchanged; every old item once or unchanged
    sides = [(c.old is not None, c.new is not None) for c in diff.changes]
    new_count = sum(n for _, n in sides) + diff.unchanged
    old_count = sum(o for o, _ in sides) + diff.unchanged
    assert new_count == doc_of(new).item_count() and old_count == doc_of(old).item_count()
    tracked = render(diff, "docx")
    accepted = docx.Document(io.BytesIO(tracked))
    _resolve(accepted, "ins")
    edition = docx.Document(io.BytesIO(word_edition.render(diff.new, BuildOptions())))
    assert body_text(accepted) == body_text(edition)
    rejected = docx.Document(io.BytesIO(tracked))
    _resolve(rejected, "del")
    original = docx.Document(io.BytesIO(word_edition.render(diff.old, BuildOptions())))

    def without_numbers(blocks):
        return [[row[1:] for row in b] if isinstance(b, list) else b for b in blocks]

    assert without_numbers(body_text(rejected)) == without_numbers(body_text(original))
    assert not compare(doc_of(new), doc_of(copy.deepcopy(new))).changed
    for change in diff.changes:  # the xlsx report's duty cells: without the deleted runs, the new cell exactly
        for name, field in change.fields.items():
            if isinstance(field, DutiesChange):
                shown = "".join(text for op, text in duty_cell_ops(field) if op >= 0)
                assert shown == duties_to_text(getattr(change.new_item, name, None) or Duties())  # Duties(): moved to a list without the cell
