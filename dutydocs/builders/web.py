"""The template context that the PDF and the HTML edition share: the lists with their columns and rows.

The work is done in modules of one concern each: dutydocs/edition.py (lists, labels, the templates
folder), layout.py (templates/layout.toml and column widths), measure.py (text measurement), rows.py
(the rows), and for the PDF trial.py and paginate.py (where long cooperative rows split).
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import wordbreak
from ..edition import CONTINUED_LABEL, MORE_DEPARTMENTS, TAKEOVER_LABEL
from ..model import Document
from . import BuildOptions, revision_datetime
from .layout import Column, columns, load_layout
from .measure import department_lines, pieces
from .rows import Row, rows


@dataclass(frozen=True)
class ListView:
    key: str
    title: str
    columns: list[Column]
    rows: list[Row]
    categories: list[str]
    landscape: bool
    count: int


def places(doc: Document) -> tuple[str, ...]:
    """Return the document's place names, which help break department names between words."""
    return wordbreak.places(doc.region, doc.township)


def context(doc: Document, options: BuildOptions) -> dict:
    """Return the template context shared by the PDF and the HTML edition; every row is a whole item."""
    layout = load_layout(options)
    known = places(doc)
    lists = []
    for duty_list in doc.lists:
        cols = columns(layout, duty_list, known)
        lists.append(
            ListView(
                duty_list.key,
                duty_list.title,
                cols,
                rows(duty_list),
                duty_list.categories(),
                layout.landscape(duty_list.key),
                len(duty_list.items),
            )
        )
    date = revision_datetime(doc)
    return {
        "doc": doc,
        "lists": lists,
        "date": date.strftime("%Y-%m-%d"),
        "timestamp": date.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "subject": f"{doc.township}履职事项清单" + (f"（{doc.revision.label}）" if doc.revision.label else ""),
        "keywords": ", ".join(["履职事项清单", doc.township, *(lst.title for lst in doc.lists)]),
        "page_numbers": options.page_numbers,
        "takeover_label": TAKEOVER_LABEL,
        "continued_label": CONTINUED_LABEL,
        "more_departments": MORE_DEPARTMENTS,
        "pieces": pieces,
        "department_lines": lambda name, width_em: department_lines(name, width_em, known),
        "department_words": lambda name: wordbreak.words(name, known),
    }
