"""A simulated review round: department copies out, edited (some through LibreOffice), merged back."""
from __future__ import annotations

import io
import json
from dataclasses import replace

import jsonschema
import openpyxl
import pytest
from click.testing import CliRunner

from dutydocs import source
from dutydocs.cells import duties_to_text
from dutydocs.cli import main
from dutydocs.copies import departments, render_copy
from dutydocs.model import CooperativeItem, Duties, Entry
from lo import convert

COOP, WITHDRAWN = "配合履职事项清单", "上级部门收回事项清单"
COLUMN = {"name": 3, "departments": 4, "department_duties": 5, "town_duties": 6, "takeover": 5}


def _item(doc, item_id):
    return next(item for _, item in doc.all_items() if item.id == item_id)


def _with(doc, item_id, **changes):
    """Return doc with one item changed."""
    lists = tuple(replace(dl, items=tuple(replace(i, **changes) if i.id == item_id else i for i in dl.items))
                  for dl in doc.lists)
    return replace(doc, lists=lists)


def _entries(doc, item_id, field, edit) -> Duties:
    entries = list(getattr(_item(doc, item_id), field).entries)
    edit(entries)
    return Duties(tuple(entries))


class Copy:
    """A department's copy opened in a spreadsheet program (openpyxl stands in for Excel)."""

    def __init__(self, doc, department):
        self.department = department
        self.wb = openpyxl.load_workbook(io.BytesIO(render_copy(doc, department)))

    def row(self, item_id, sheet=COOP):
        ws = self.wb[sheet]
        return next(r for r in range(3, ws.max_row + 1) if ws.cell(r, 7).value == item_id)

    def set(self, item_id, field, value, sheet=COOP):
        if isinstance(value, Duties):
            value = duties_to_text(value)
        self.wb[sheet].cell(self.row(item_id, sheet), COLUMN[field]).value = value

    def save(self, folder, name=None):
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name or self.department}.xlsx"
        self.wb.save(path)
        return path


def _reword(entries, index, text):
    entries[index] = Entry(entries[index].kind, text)


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory, bundled_doc):
    """Make the copies, let 16 departments edit them, merge; return (expected, NEW, report, exit code)."""
    tmp = tmp_path_factory.mktemp("round")
    base = bundled_doc
    base_path = tmp / "base.json"
    base_path.write_text(source.dumps(base), encoding="utf-8")
    # the previous revision, before the office reworded the first point of ymg-0140 a little
    first = _item(base, "ymg-0140").department_duties.entries[0].text
    previous = _with(base, "ymg-0140", department_duties=_entries(
        base, "ymg-0140", "department_duties", lambda e: _reword(e, 0, first[:-1] + "（旧）。")))
    expected = base
    paths = []

    def edit(department, item_id, field, change, doc=base, expect=True, copy=None):
        nonlocal expected
        copy = copy or Copy(doc, department)
        value = (_entries(doc, item_id, field, change) if field.endswith("duties") else change)
        copy.set(item_id, field, value, WITHDRAWN if field == "takeover" else COOP)
        if expect:
            landed = (_entries(expected, item_id, field, change) if field.endswith("duties") else change)
            expected = _with(expected, item_id, **{field: landed})
        return copy

    # two departments edit different points of one shared item: both land
    paths.append(edit("米东区人大常委会办公室", "ymg-0138", "department_duties",
                      lambda e: _reword(e, 1, "人大改写的第一条要点；")).save(tmp))
    paths.append(edit("米东区政协办公室", "ymg-0138", "department_duties",
                      lambda e: _reword(e, 3, "政协改写的第三条要点；")).save(tmp))
    # two departments change the same point differently: a conflict, base kept
    paths.append(edit("米东区红十字会", "ymg-0144", "town_duties", lambda e: _reword(e, 0, "红十字会的说法。"),
                      expect=False).save(tmp))
    paths.append(edit("米东区卫生健康委员会", "ymg-0144", "town_duties", lambda e: _reword(e, 0, "卫健委的说法。"),
                      expect=False).save(tmp))
    # an inserted point
    paths.append(edit("米东区统计局", "ymg-0139", "town_duties",
                      lambda e: e.insert(1, Entry("point", "统计局新增的一条要点。"))).save(tmp))
    # a new row, after the item in the row above
    reform = Copy(base, "米东区发展和改革委员会")
    ws = reform.wb[COOP]
    row = reform.row("ymg-0141") + 1
    ws.insert_rows(row)
    for column, value in zip(range(2, 7), ("经济发展", "新增的配合事项", "米东区发展和改革委员会", "1.上级职责一条。",
                                           "1.镇配合一条。")):
        ws.cell(row, column).value = value
    paths.append(reform.save(tmp))
    new_item = CooperativeItem(no=0, category="经济发展", name="新增的配合事项", departments=("米东区发展和改革委员会",),
                               department_duties=Duties((Entry("point", "上级职责一条。"),)),
                               town_duties=Duties((Entry("point", "镇配合一条。"),)))
    coop = list(expected.list("cooperative").items)
    coop.insert(next(n for n, i in enumerate(coop) if i.id == "ymg-0141") + 1, new_item)
    expected = expected.with_list("cooperative", coop)
    # a deleted row: a proposal only
    union = Copy(base, "米东区总工会")
    union.wb[COOP].delete_rows(union.row("ymg-0143"))
    paths.append(union.save(tmp))
    # a reworded name; a withdrawn item's 承接方式
    paths.append(edit("米东区委巡察办公室", "ymg-0137", "name", "开展对村巡察工作（改）").save(tmp))
    paths.append(edit("米东区民政局", "ymg-0229", "takeover", "负责婚姻登记工作（改）").save(tmp))
    # through LibreOffice: xlsx -> ods -> xlsx, and xlsx -> xlsx
    staffing = edit("米东区委机构编制委员会办公室", "ymg-0136", "town_duties",
                    lambda e: _reword(e, 2, "编办经 LibreOffice 改写的一条；")).save(tmp / "lo-in")
    ods = convert(staffing, "ods", tmp / "lo-ods")
    paths.append(convert(ods, "xlsx", tmp / "lo-out"))
    emergency = edit("米东区应急管理局", "ymg-0145", "department_duties",
                     lambda e: _reword(e, 0, "应急局经 LibreOffice 改写；")).save(tmp / "lo-in")
    paths.append(convert(emergency, "xlsx:Calc MS Excel 2007 XML", tmp / "lo-xlsx"))
    # a stale copy from the previous revision: the point the office changed since is a conflict
    stale = Copy(previous, "米东区财政局")
    stale.set("ymg-0140", "department_duties",
              _entries(previous, "ymg-0140", "department_duties", lambda e: (_reword(e, 0, "财政局改旧的第一条。"),
                                                                               _reword(e, 2, "财政局改第三条。"))))
    expected = _with(expected, "ymg-0140", department_duties=_entries(
        expected, "ymg-0140", "department_duties", lambda e: _reword(e, 2, "财政局改第三条。")))
    paths.append(stale.save(tmp))
    # two departments insert points at the same place: both land, in the order given
    organisation = edit("米东区委组织部", "ymg-0134", "town_duties",
                        lambda e: e.insert(1, Entry("point", "组织部插入的要点。")))
    organisation = edit("米东区委组织部", "ymg-0131", "department_duties",
                        lambda e: _reword(e, 1, "组织部改写的第二条；"), copy=organisation)
    paths.append(organisation.save(tmp))
    paths.append(edit("米东区人力资源和社会保障局", "ymg-0134", "town_duties",
                      lambda e: e.insert(1, Entry("point", "人社局插入的要点。")), expect=False).save(tmp))
    expected = _with(expected, "ymg-0134", town_duties=_entries(
        expected, "ymg-0134", "town_duties", lambda e: e.insert(2, Entry("point", "人社局插入的要点。"))))
    # a deleted point, a reworded point, and a copy returned unchanged
    paths.append(edit("米东区工商业联合会", "ymg-0142", "department_duties", lambda e: e.pop(4)).save(tmp))
    paths.append(edit("米东区农业农村局", "ymg-0147", "town_duties", lambda e: _reword(e, 0, "农业农村局改写。"))
                 .save(tmp))
    paths.append(Copy(base, "米东区教育局").save(tmp))

    new, report = tmp / "new.json", tmp / "report.json"
    result = CliRunner().invoke(main, ["merge", str(base_path), *map(str, paths), "-o", str(new),
                                       "--report", str(report)])
    expected = source.from_data(json.loads(source.dumps(expected)))  # renumbered through the source
    return expected, new, json.loads(report.read_text(encoding="utf-8")), result


def _renumbered(doc):
    return replace(doc, lists=tuple(replace(dl, items=tuple(replace(i, no=n) for n, i in enumerate(dl.items, 1)))
                                    for dl in doc.lists))


def test_merged_source_equals_the_expected_revision(round_trip):
    expected, new, report, result = round_trip
    assert result.exit_code == 3, result.output  # a conflict and a deletion proposal wait
    assert new.read_text(encoding="utf-8") == source.dumps(_renumbered(expected))
    assert len(report["copies"]) == 17 and all(c["status"] == "merged" for c in report["copies"])
    assert not any(c["warnings"] for c in report["copies"])  # the LibreOffice copies kept their revision


def test_conflicts_proposals_and_sources_are_listed(round_trip):
    _, _, report, _ = round_trip
    conflicts = {(c["item_id"], c["field"]): c for c in report["conflicts"]}
    assert set(conflicts) == {("ymg-0144", "town_duties"), ("ymg-0140", "department_duties")}
    shared = conflicts["ymg-0144", "town_duties"]
    assert [(p["department"], p["value"]) for p in shared["proposals"]] == [
        ("米东区红十字会", "红十字会的说法。"), ("米东区卫生健康委员会", "卫健委的说法。")]
    stale = conflicts["ymg-0140", "department_duties"]
    assert stale["base"].endswith("（旧）。") is False and stale["proposals"][0]["value"] == "财政局改旧的第一条。"
    assert "办公室在此后也改了" in stale["reason"]
    assert [(d["item_id"], d["department"], d["applied"]) for d in report["deletions"]] == [
        ("ymg-0143", "米东区总工会", False)]
    by_item = {}
    for a in report["applied"]:
        by_item.setdefault(a["item_id"], []).append(a["department"])
    assert by_item["ymg-0138"] == ["米东区人大常委会办公室", "米东区政协办公室"]
    assert by_item["ymg-0134"] == ["米东区委组织部", "米东区人力资源和社会保障局"]
    assert any("同一位置" in note for note in report["notes"])
    # departments whose copies did not come back
    assert "米东区委社会工作部" in report["missing_departments"]
    assert "米东区民政局" not in report["missing_departments"]


def test_nothing_a_department_wrote_is_lost_unlisted(round_trip):
    _, new, report, _ = round_trip
    text = new.read_text(encoding="utf-8")
    listed = json.dumps(report, ensure_ascii=False)
    for written in ("人大改写的第一条要点", "政协改写的第三条要点", "红十字会的说法", "卫健委的说法", "统计局新增的一条要点",
                    "新增的配合事项", "开展对村巡察工作（改）", "负责婚姻登记工作（改）", "编办经 LibreOffice 改写的一条",
                    "应急局经 LibreOffice 改写", "财政局改旧的第一条", "财政局改第三条", "组织部插入的要点",
                    "人社局插入的要点", "组织部改写的第二条", "农业农村局改写"):
        assert written in text or written in listed, written
        assert written in listed, written  # every change is in the report, with its department


def test_report_follows_its_schema(round_trip):
    from importlib.resources import files

    _, _, report, _ = round_trip
    schema = json.loads(files("dutydocs").joinpath("schema/merge-report.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(report, schema)
