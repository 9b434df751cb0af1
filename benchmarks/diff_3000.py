"""Time the revision diff on a generated 3,000-item pair with a few dozen edits, with and without ids.

    .venv/bin/python benchmarks/diff_3000.py
"""
from __future__ import annotations

import copy
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from diff_scenarios import doc_of, generated, renumber, strip_ids  # noqa: E402

from dutydocs.diff import render  # noqa: E402
from dutydocs.diff.compare import compare  # noqa: E402


def edited(old: dict, seed: int = 5) -> dict:
    """Return old with 10 deletions, 10 rewordings, 8 insertions, 5 moves, 5 list changes and 5 new duty points."""
    new = copy.deepcopy(old)
    rng = random.Random(seed)
    basic, coop, withdrawn = (new["lists"][k]["items"] for k in ("basic", "cooperative", "withdrawn"))
    for _ in range(10):
        basic.pop(rng.randrange(len(basic)))
    for _ in range(10):
        item = basic[rng.randrange(len(basic))]
        item["name"] = item["name"][:-2] + "等有关" + item["name"][-2:]
    for k in range(8):
        basic.insert(rng.randrange(len(basic)), {"no": 0, "category": "新增", "name": f"新增事项{k}号：建立健全某某机制并组织实施"})
    for _ in range(5):
        item = basic.pop(rng.randrange(len(basic)))
        basic.insert(rng.randrange(len(basic)), item)
    for _ in range(5):
        item = coop.pop(rng.randrange(len(coop)))
        withdrawn.append({k: item[k] for k in ("id", "no", "category", "name")} | {"department": "某局", "takeover": "负责"})
    for _ in range(5):
        coop[rng.randrange(len(coop))]["town_duties"].insert(1, {"point": "新增要点；"})
    renumber(new)
    return new


def main() -> None:
    old = generated(3000)
    new = edited(old)
    for label, (a, b) in {"ids": (old, new), "no ids": (strip_ids(old), strip_ids(new))}.items():
        before, after = doc_of(a), doc_of(b)
        started = time.perf_counter()
        diff = compare(before, after)
        seconds = time.perf_counter() - started
        s = diff.summary()
        counts = ", ".join(f"{k} {s[k]}" for k in ("added", "removed", "modified", "moved", "renumbered"))
        print(f"{label}: {before.item_count()} → {after.item_count()} items, compare {seconds:.3f} s ({counts})")
        for fmt in ("text", "json", "html", "xlsx", "docx"):
            started = time.perf_counter()
            render(diff, fmt)
            print(f"  {fmt:5} {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
