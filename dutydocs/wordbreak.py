"""Where a department name may break: its words, and its lines in a narrow column.

Chinese has no spaces, so the words come from jieba's dictionary, helped by the document's own
place names (乌鲁木齐市米东区 → 乌鲁木齐市, 米东区), which jieba does not know:

    >>> words("米东区人力资源和社会保障局", places("乌鲁木齐市米东区"))
    ['米东区', '人力资源和', '社会', '保障局']
    >>> lines("米东区文化体育广播电视和旅游局", 7, places("乌鲁木齐市米东区"))
    ['米东区文化体育', '广播电视和', '旅游局']

A line breaks only between words and never holds one character alone (…保障/局). When no such
layout fits, ``lines`` returns None and the caller widens the column or sets the name smaller.
jieba is loaded on first use, quietly: no log output and no cache file.
"""

from __future__ import annotations

import itertools
import re
import threading
from functools import lru_cache

from .edition import text_em

__all__ = ["lines", "places", "words"]

PLACE_SUFFIXES = "省市州盟县区旗镇乡"
JOINS_PREVIOUS = set("和与及的、")  # a connector stays with the word before it: 人力资源和/社会保障局
MAX_SEARCH_WORDS = 12  # up to 2^11 layouts are compared; longer texts are filled line by line
_lock = threading.Lock()
_tokenizer = None


def places(*names: str | None) -> tuple[str, ...]:
    """Return the place names inside region or township names, longest first (乌鲁木齐市米东区 → 乌鲁木齐市, 米东区)."""
    found = {
        m
        for name in names
        if name
        for m in re.findall(rf"[^{PLACE_SUFFIXES}]+?[{PLACE_SUFFIXES}]", name)
        if len(m) >= 2
    }
    return tuple(sorted(found, key=lambda p: (-len(p), p)))


def words(name: str, known_places: tuple[str, ...] = ()) -> list[str]:
    """Return the words of a department name, in order; joined they give the name back."""
    return list(_words(name, tuple(known_places)))


def lines(name: str, max_width: float, known_places: tuple[str, ...] = ()) -> list[str] | None:
    """Lay a name into the fewest lines of at most max_width characters, breaking only between words.

    No line holds a single character, unless the name is one. Among layouts with the fewest lines
    the one that breaks beside place names (米东区/…, …/米东区分局) wins, then the most even one. Return None when
    no such layout exists.
    """
    return _lines(name, float(max_width), tuple(known_places))


@lru_cache(maxsize=4096)
def _words(name: str, known: tuple[str, ...]) -> tuple[str, ...]:
    out: list[str] = []
    for part, is_place in _place_split(name, known):
        out += [part] if is_place else _merge(list(_jieba().cut(part, HMM=True)))
    return tuple(out)


def _place_split(name: str, known: tuple[str, ...]):
    """Yield (text, is place) pieces; a place followed by 委 keeps it (米东区委/组织部)."""
    rest = name
    while rest:
        hits = [(rest.find(p), -len(p), p) for p in known if p in rest]
        if not hits:
            yield rest, False
            return
        start, _, place = min(hits)
        end = start + len(place)
        end += rest[end : end + 1] == "委" and len(rest) > end + 1
        if start:
            yield rest[:start], False
        yield rest[start:end], True
        rest = rest[end:]


def _merge(pieces: list[str]) -> list[str]:
    """Join single characters: runs of them together (网/信/办), a connector or a lone one to its neighbour."""
    runs: list[str] = []
    for piece in pieces:
        if (
            len(piece) == 1
            and runs
            and len(runs[-1]) == 1
            and piece not in JOINS_PREVIOUS
            and runs[-1] not in JOINS_PREVIOUS
        ):
            runs[-1] += piece
        else:
            runs.append(piece)
    out: list[str] = []
    for n, piece in enumerate(runs):
        if len(piece) == 1 and out:
            out[-1] += piece
        elif len(piece) == 1 and n + 1 < len(runs):
            runs[n + 1] = piece + runs[n + 1]
        else:
            out.append(piece)
    return out


@lru_cache(maxsize=4096)
def _lines(name: str, max_width: float, known: tuple[str, ...]) -> list[str] | None:
    if text_em(name) <= max_width or len(name) <= 1:
        return [name] if text_em(name) <= max_width else None
    parts = _words(name, known)
    if len(parts) > MAX_SEARCH_WORDS:  # not a department name as offices write them: fill lines in order
        return _greedy(parts, max_width)
    ends = known + tuple(p + "委" for p in known)
    widths = [text_em(part) for part in parts]  # widths add up exactly (halves and ones): measured once
    best, best_key = None, None
    for cuts in itertools.product((False, True), repeat=len(parts) - 1):  # names have a handful of words
        layout, line, width, line_widths = [], parts[0], widths[0], []
        for cut, part, part_width in zip(cuts, parts[1:], widths[1:], strict=True):
            if cut:
                layout.append(line)
                line_widths.append(width)
                line, width = part, part_width
            else:
                line += part
                width += part_width
        layout.append(line)
        line_widths.append(width)
        if max(line_widths) > max_width + 1e-9 or any(len(x) == 1 for x in layout):
            continue
        at_place = sum(a.endswith(ends) or b.startswith(known) for a, b in itertools.pairwise(layout))
        key = (len(layout), -at_place, max(line_widths), [-w for w in line_widths])
        if best_key is None or key < best_key:
            best, best_key = layout, key
    return best


def _greedy(parts: tuple[str, ...], max_width: float) -> list[str] | None:
    out: list[str] = []
    for part in parts:
        if text_em(part) > max_width + 1e-9:
            return None
        if out and text_em(out[-1] + part) <= max_width + 1e-9:
            out[-1] += part
        else:
            out.append(part)
    return out


def _jieba():
    """Return jieba's tokenizer, built once from its bundled dictionary without log output or cache file."""
    global _tokenizer
    with _lock:
        if _tokenizer is None:
            import jieba

            tokenizer = jieba.Tokenizer()
            tokenizer.FREQ, tokenizer.total = tokenizer.gen_pfdict(tokenizer.get_dict_file())
            tokenizer.initialized = True  # skips initialize(), which logs and writes a cache file
            _tokenizer = tokenizer
        return _tokenizer
