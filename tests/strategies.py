"""Hypothesis strategies for valid documents, shared by the property tests."""
from __future__ import annotations

from datetime import date

from hypothesis import strategies as st

from dutydocs.model import (
    BasicItem, CooperativeItem, Document, Duties, DutyList, Entry, Explanation, Revision, Section,
    WithdrawnItem,
)

_alphabet = st.sampled_from(list("甲乙丙丁区局镇一二、（）()【】.．'1２①：= -+@\t\u3000\u2028"))
_chinese = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF) | st.sampled_from(list("，。、；：“”‘’（）《》—…！？·"))


def texts(long: int = 500):
    """Short look-alikes, ordinary Chinese, and long names of up to ``long`` characters."""
    return st.one_of(
        st.text(_alphabet, min_size=1, max_size=10),  # look-alikes of numbering, markers and formulas
        st.text(_chinese, min_size=1, max_size=40),  # ordinary Chinese text with its punctuation
        st.text(_chinese, min_size=1, max_size=40),
        st.text(_chinese, min_size=2, max_size=6).map(lambda s: (s * 200)[:long]),  # long names
    ).filter(lambda s: s.strip())


@st.composite
def documents(draw, long: int = 500) -> Document:
    """Any document the source format allows, with unique (or missing) ids and consecutive numbers.

    ``long`` caps the long texts: the PDF property lays out a hundred documents and keeps them short
    enough to stay cheap, while still wrapping over many lines.
    """
    _text = texts(long)
    _duties = st.lists(st.builds(Entry, st.sampled_from(["heading", "point", "paragraph"]), _text), max_size=6)
    _maybe = st.one_of(st.none(), _text)
    counter = iter(range(10_000))

    def item_id():
        return draw(st.one_of(st.none(), st.just(f"g-{next(counter):03d}")))

    basic = [BasicItem(n, draw(_text), draw(_text), item_id())
             for n in range(1, draw(st.integers(0, 3)) + 1)]
    coop = [CooperativeItem(n, draw(_text), draw(_text), tuple(draw(st.lists(_text, min_size=1, max_size=3))),
                            Duties(tuple(draw(_duties))), Duties(tuple(draw(_duties))), item_id())
            for n in range(1, draw(st.integers(0, 3)) + 1)]
    withdrawn = []
    for n in range(1, draw(st.integers(0, 3)) + 1):
        department = draw(_maybe)
        note = draw(_text) if department is None else draw(_maybe)
        withdrawn.append(WithdrawnItem(n, draw(_text), draw(_text), department, draw(_maybe), note, item_id()))
    sections = tuple(Section(draw(_text), tuple(draw(st.lists(_text, max_size=3))))
                     for _ in range(draw(st.integers(0, 3))))
    return Document(
        title=draw(_text), township=draw(_text), region=draw(st.one_of(st.just(""), _text)),
        revision=Revision(draw(st.dates(date(1980, 1, 1), date(2099, 12, 31))).isoformat(), draw(st.one_of(st.just(""), _text))),
        explanation=Explanation(draw(_text), sections),
        lists=(DutyList("basic", draw(_text), tuple(basic)), DutyList("cooperative", draw(_text), tuple(coop)),
               DutyList("withdrawn", draw(_text), tuple(withdrawn))),
    )
