"""The tracked-changes .docx as LibreOffice really shows it, driven through UNO (tests/lo_uno.py, python3-uno).

For realistic revision pairs of the bundled list: LibreOffice sees tracked changes only in what
changed; accepting every change gives exactly the text of the new Word edition and rejecting every
change that of the old one, 序号 and point numbers included; a moved and reworded row shows its word
changes one run at a time. The file is loaded as a reviewer gets it, comments included (that needs
the full libreoffice-writer: -nogui lacks the comment margin's UI file and aborts). One soffice
serves the whole session.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from dutydocs.builders import BuildOptions
from dutydocs.builders.docx import item_cells, render as edition
from dutydocs.diff import render
from dutydocs.diff.compare import compare

from dutydocs.diff.changes import DutiesChange
from dutydocs.diff.textdiff import compare_duties, text_ops

from diff_pairs import PAIRS as MORE_PAIRS
from diff_scenarios import SCENARIOS, Revision, data_of, doc_of, with_ids

HARNESS = Path(__file__).with_name("lo_uno.py")
SYSTEM_PYTHON = "/usr/bin/python3"  # python3-uno is a Debian package of the system Python

PAIRS = {
    # name: (scenarios applied to the bundled source, which side keeps its ids)
    "point-inserted-moved-reworded": (("points_inserted", "moved_and_reworded", "withdrawn_and_restored", "wording"),
                                      "both"),
    "split-merge-formatting": (("split", "merge", "formatting_only", "explanation_edits"), "neither"),
    "renamed-block-moved": (("department_renamed", "block_moved"), "old"),
    "moved-reworded-within-and-across": (("combined", "swapped_between_lists", "moved_with_duties_reworded"), "both"),
}


def revised(old: dict, *names: str) -> dict:
    """Return old revised by the named edits (of tests/diff_scenarios.py or tests/diff_pairs.py)."""
    r = Revision(old)
    for name in names:
        {**SCENARIOS, **MORE_PAIRS}[name](r)
    return r.answer()[0]


class LibreOffice:
    """A running tests/lo_uno.py: send a job, read LibreOffice's answer."""

    def __init__(self, work: Path):
        self.work = work
        self.proc = subprocess.Popen([SYSTEM_PYTHON, str(HARNESS), str(work)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)

    def __call__(self, mode: str, data: bytes, name: str) -> tuple[int, str]:
        """Return (tracked changes LibreOffice sees, its text export or the redlines' JSON) of a .docx."""
        source, out = self.work / f"{name}.docx", self.work / f"{name}.{mode}.txt"
        source.write_bytes(data)
        self.proc.stdin.write(f"{mode}\t{source}\t{out}\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline().strip()
        assert answer.isdigit(), f"LibreOffice: {answer or 'no answer'}"
        return int(answer), out.read_text("utf-8-sig")

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=60)
        self.proc.stdout.close()


CONTINUED = re.compile(r"\n\n序号\n事项类别\n事项名称\n(对应上级部门\n上级部门职责\n镇配合职责\n|承接部门及工作方式\n)?")
"""Where the edition goes on with a list in a new table on the next page: a page-break paragraph, the header again."""


def edition_view(answer: tuple[int, str]) -> tuple[int, str]:
    """Return LibreOffice's view of an edition with each list read as one table, as the tracked diff has it."""
    count, text = answer
    return count, CONTINUED.sub("\n", text)


@pytest.fixture(scope="session")
def libreoffice(tmp_path_factory):
    assert shutil.which("soffice"), "LibreOffice is part of the environment (scripts/setup.sh)"
    program = Path(shutil.which("soffice")).resolve().parent
    assert (program.parent / "share/config/soffice.cfg/modules/swriter/ui/annotation.ui").exists(), (
        "LibreOffice without Writer's UI files (libreoffice-writer-nogui) aborts opening a comment: "
        "bash scripts/setup.sh installs libreoffice-writer")
    assert Path(SYSTEM_PYTHON).exists(), "python3-uno is part of the environment (scripts/setup.sh)"
    office = LibreOffice(tmp_path_factory.mktemp("uno"))
    yield office
    office.close()


@pytest.fixture(scope="module", params=sorted(PAIRS))
def pair(request, bundled_path, libreoffice):
    """Return (diff, LibreOffice's view of the tracked .docx, of the old edition and of the new edition)."""
    names, ids = PAIRS[request.param]
    old = data_of(bundled_path)
    new = revised(old, *names)
    old, new = with_ids(old, new, ids)
    diff = compare(doc_of(old), doc_of(new), "old.json", "new.json")
    tracked = render(diff, "docx")
    name = request.param
    views = {mode: libreoffice(mode, tracked, name) for mode in ("redlines", "accept", "reject")}
    views["old"] = edition_view(libreoffice("keep", edition(diff.old, BuildOptions()), name + "-old"))
    views["new"] = edition_view(libreoffice("keep", edition(diff.new, BuildOptions()), name + "-new"))
    return diff, tracked, views


def test_accepting_every_change_gives_the_new_edition(pair):
    _, _, views = pair
    assert views["new"][0] == 0
    assert views["accept"][1] == views["new"][1]


def test_rejecting_every_change_gives_the_old_edition_numbers_included(pair):
    _, _, views = pair
    assert views["reject"][1] == views["old"][1]
    assert views["reject"][1] != views["accept"][1]


def _changed_text(diff) -> str:
    """Return the text of everything that changed: both sides of changed rows and of explanation changes."""
    parts = [diff.old.title, diff.new.title]
    for rows in diff.rows.values():
        for row in rows:
            if row.state != "same" or row.formatting:
                for item in (row.old_item, row.new_item, *(f.item for f in row.formatting)):
                    if item is not None:
                        parts += [para.text() for cell in item_cells(item) for para in cell] + ["\n"]
                parts += [f.old_text for f in row.formatting]
    for section in diff.sections:
        parts += [section.old_heading or "", section.new_heading or ""]
        parts += [p.old or "" for p in section.paragraphs if p.op != "same"]
        parts += [p.new or "" for p in section.paragraphs if p.op != "same"]
    return "|".join(re.sub(r"\s+", "", part) for part in parts)


def test_only_what_changed_carries_tracked_changes(pair):
    diff, _, views = pair
    count, covered = views["redlines"]
    covered = json.loads(covered)
    assert count == len(covered) > 0
    changed = _changed_text(diff)
    unchanged_names = {item.name for rows in diff.rows.values() for row in rows
                       if row.state == "same" and not row.formatting for item in (row.new_item,)}
    for line in (line for text in covered for line in text.split("\n")):
        flat = re.sub(r"\s+", "", line)
        if len(flat) > 2:  # a list number or a single character says nothing about where it is
            assert flat in changed, line
            assert flat not in unchanged_names, line


def test_a_renumbering_alone_is_no_tracked_change(bundled_path, libreoffice):
    """The first cooperative item removed renumbers every later row: one tracked row, nothing else.

    Its list still counts from 1 once the change is accepted (a list sharing its format with the basic
    list's would go on from 131 in LibreOffice).
    """
    old = data_of(bundled_path)
    new = json.loads(json.dumps(old))
    gone = new["lists"]["cooperative"]["items"].pop(0)
    for no, item in enumerate(new["lists"]["cooperative"]["items"], 1):
        item["no"] = no
    diff = compare(doc_of(old), doc_of(new))
    tracked = render(diff, "docx")
    count, covered = libreoffice("redlines", tracked, "renumbered")
    removed = "|".join(re.sub(r"\s+", "", p.text()) for cell in item_cells(diff.old.list("cooperative").items[0])
                       for p in cell)
    lines = [re.sub(r"\s+", "", line) for text in json.loads(covered) for line in text.split("\n")]
    assert count >= 1 and all(line in removed for line in lines if line), lines
    assert gone["name"] in removed
    new_edition = edition_view(libreoffice("keep", edition(diff.new, BuildOptions()), "renumbered-new"))
    assert libreoffice("accept", tracked, "renumbered")[1] == new_edition[1]


def _segments(old: str, new: str, side: int) -> list[str]:
    """Return the runs of the new text (side 1) or of the old (side -1) as the moved row's changes split it."""
    a, b = (old, new) if side > 0 else (new, old)
    runs: list[tuple[int, str]] = []
    for op, text in text_ops(a, b):
        if op >= 0 and text:
            runs[-1:] = [(op, runs[-1][1] + text)] if runs and runs[-1][0] == op else [*runs[-1:], (op, text)]
    return [text for _, text in runs]


def _reworded_texts(old, new) -> list[tuple[str, str]]:
    """Return the texts of a moved item that changed: its name and its duty points, old and new."""
    texts = [(old.name, new.name)]
    for name in ("department_duties", "town_duties"):
        change = compare_duties(getattr(old, name, None), getattr(new, name, None))
        if isinstance(change, DutiesChange):
            texts += [(e.old.text, e.new.text) for block in change.blocks for e in block.entries
                      if e.old is not None and e.new is not None and e.old.text != e.new.text]
    return [(a, b) for a, b in texts if a != b]


def test_a_moved_row_shows_its_word_changes_character_by_character(pair, request):
    """Each end of a moved and reworded item: one tracked change per run of kept or changed words.

    At the new place its kept words (moved in) and its new words (inserted) are separate changes, at
    the old place its kept words (moved out) and its dropped words (deleted): LibreOffice sees each
    run of its name and of each reworded duty point as a change of its own, not the whole text as one.
    """
    diff, _, views = pair
    # LibreOffice joins a change running to the end of a paragraph with a like change opening the next
    covered = [line for text in json.loads(views["redlines"][1]) for line in text.split("\n") if line]
    texts = [text for rows in diff.rows.values() for row in rows if row.state == "moved-in" and row.old_item
             for text in _reworded_texts(row.old_item, row.new_item)]
    assert texts or "reworded" not in request.node.callspec.params["pair"]
    for old, new in texts:
        sides = [_segments(old, new, side) for side in (1, -1)]
        assert max(map(len, sides)) >= 2, sides  # words kept and words changed: at least two changes
        for runs in sides:
            at = [i for i in range(len(covered)) if covered[i:i + len(runs)] == runs]
            assert len(at) == 1, (runs, [c for c in covered if c in old + new])
