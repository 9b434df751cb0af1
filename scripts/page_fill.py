#!/usr/bin/env python3
"""Measure how full the pages of a PDF are, from the text boxes of `pdftotext -bbox-layout`.

A page's fill is how far down its lowest body line reaches, between the highest and the lowest
body text seen on pages of the same orientation (so a page filled to the foot is 1.0). Page
numbers are not body text. White space is the sum of (1 − fill) over all pages. The mid-list
pages are the pages of one list (found by a header label, 镇配合职责 for the cooperative list)
except its last.

    python3 scripts/page_fill.py output/羊毛工镇履职事项清单.pdf          # a summary and every page
    python3 scripts/page_fill.py --json output/羊毛工镇履职事项清单.pdf   # the same as JSON
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

FOOTER = re.compile(r"^(第\s*\d+\s*页.*|—\s*\d+\s*—|\d+)$")
NS = "{http://www.w3.org/1999/xhtml}"


def pages(pdf: str) -> list[dict]:
    """Return per page: orientation, its body lines' top and bottom (points), and its text."""
    xml = subprocess.run(["pdftotext", "-bbox-layout", pdf, "-"], capture_output=True, check=True).stdout
    out = []
    for page in ET.fromstring(xml).iter(f"{NS}page"):
        body = []
        for line in page.iter(f"{NS}line"):
            text = "".join(w.text or "" for w in line.iter(f"{NS}word"))
            if not FOOTER.match(re.sub(r"\s+", "", text) if "—" in text else text.strip()):
                body.append((float(line.get("yMin")), float(line.get("yMax")), text))
        landscape = float(page.get("width")) > float(page.get("height"))
        out.append({"landscape": landscape, "top": min((b[0] for b in body), default=None),
                    "bottom": max((b[1] for b in body), default=None), "text": "".join(b[2] for b in body)})
    return out


def measure(pdf: str, list_label: str = "镇配合职责") -> dict:
    """Return the fill of every page, the mid-list pages' average and minimum, and the white space."""
    found = pages(pdf)
    extent = {}
    for orientation in (False, True):
        same = [p for p in found if p["landscape"] == orientation and p["top"] is not None]
        if same:
            extent[orientation] = (min(p["top"] for p in same), max(p["bottom"] for p in same))
    fills = []
    for p in found:
        if p["top"] is None:
            fills.append(0.0)
            continue
        top, bottom = extent[p["landscape"]]
        fills.append(round((p["bottom"] - top) / (bottom - top), 4))
    listed = [n for n, p in enumerate(found) if list_label in p["text"]]
    mid = [fills[n] for n in listed[:-1]]
    return {"pages": len(found), "fill": fills, "list_pages": [n + 1 for n in listed],
            "mid_list_average": round(sum(mid) / len(mid), 4) if mid else None,
            "mid_list_minimum": min(mid) if mid else None,
            "white_space": round(sum(1 - f for f in fills), 3)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdf")
    parser.add_argument("--list-label", default="镇配合职责", help="a header label found only on that list's pages")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    result = measure(args.pdf, args.list_label)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    print(f"pages: {result['pages']}; list pages {result['list_pages'][0]}–{result['list_pages'][-1]}"
          if result["list_pages"] else f"pages: {result['pages']}")
    if result["mid_list_average"] is not None:
        print(f"mid-list fill: average {result['mid_list_average']:.1%}, minimum {result['mid_list_minimum']:.1%}")
    print(f"white space: {result['white_space']:.2f} page-equivalents")
    for n, fill in enumerate(result["fill"], 1):
        print(f"  p{n}: {fill:.1%}{'  *' if n in result['list_pages'] else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
