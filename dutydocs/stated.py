"""Read the counts the explanation states for a list (its items, categories, departments): one reading for all."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .edition import LIST_TITLES
from .model import Explanation

NUMERALS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_ORDINAL = r"\s*(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十\d]+[、.．])?\s*"
"""What may come before a list's title where a paragraph opens with it: （一） 1. 一、"""


@dataclass(frozen=True)
class Stated:
    """A count the explanation states: what it counts (事项, 类别, 部门), the number, and where it is said."""

    what: str
    number: int
    section: int
    paragraph: int


def stated_counts(explanation: Explanation, title: str) -> list[Stated]:
    """Return the counts the explanation states for the list titled `title`, the first of each kind, in order.

    A paragraph opening with the title (after an ordinal such as （一）) speaks of the list up to where it
    names another list; its item count may also be said anywhere as 共有基本履职事项 130 项.
    """
    name = title.removesuffix("清单")
    others = [other.removesuffix("清单") for other in LIST_TITLES.values() if other.removesuffix("清单") not in name]
    named = re.compile(rf"共(?:有|计)?\s*{re.escape(name)}\s*(\d+)\s*项")
    opening = re.compile(_ORDINAL + re.escape(title))
    patterns = {
        "类别": re.compile(r"(\d+|[一二三四五六七八九十两]+)\s*个类别"),
        "事项": re.compile(r"共有[^，。\d]*?(\d+)\s*项"),
        "部门": re.compile(r"涉及\s*(\d+)\s*个部门"),
    }
    found: dict[str, Stated] = {}
    for s, section in enumerate(explanation.sections):
        for p, paragraph in enumerate(section.paragraphs):
            own = ""
            if opening.match(paragraph):
                ends = [i for i in (paragraph.find(other) for other in others) if i >= 0]
                own = paragraph[: min(ends, default=len(paragraph))]
            for what, pattern in patterns.items():
                m = pattern.search(own) or (named.search(paragraph) if what == "事项" else None)
                if m and what not in found:
                    found[what] = Stated(what, number(m.group(1)), s, p)
    return [found[what] for what in patterns if what in found]


def stated_count(explanation: Explanation, title: str) -> int | None:
    """Return the number of items the explanation says the list titled `title` has, if it says."""
    return next((s.number for s in stated_counts(explanation, title) if s.what == "事项"), None)


def number(text: str) -> int:
    """Return the value of 130, 二十 or 十九 as written in a count."""
    if text.isdigit():
        return int(text)
    if text.startswith("十"):
        return 10 + NUMERALS.get(text[1:], 0)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return NUMERALS[tens] * 10 + NUMERALS.get(ones, 0)
    return NUMERALS.get(text, 0)
