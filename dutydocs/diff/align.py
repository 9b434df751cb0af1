"""Aligning two sequences of texts in order (duty points, headings, paragraphs): kept, reworded, added, removed."""

from __future__ import annotations

import unicodedata
from difflib import SequenceMatcher

from rapidfuzz import fuzz

ENTRY_THRESHOLD = 50
"""Least similarity (rapidfuzz ``fuzz.ratio`` of the normalised texts, 0–100) for a duty point,
heading or paragraph to be the same one reworded rather than one removed and another added; and,
for two blocks of a duty cell or two sections of the explanation whose headings do not pair, of their
whole texts (heading and entries or paragraphs) for them to be one block or section whose heading was
put on, taken off or rewritten (align_groups)."""


def normalise(text: str | None) -> str:
    """Return the text as matching sees it: NFKC, no whitespace (so ``１２３４５`` equals ``12345``)."""
    return "".join(unicodedata.normalize("NFKC", text or "").split())


def similarity(a: str, b: str) -> float:
    """Return the similarity (0–100) of two texts as matching sees them."""
    return fuzz.ratio(normalise(a), normalise(b))


def align(old: list[str], new: list[str], threshold: float = ENTRY_THRESHOLD) -> list[tuple[int | None, int | None]]:
    """Align two sequences of texts in order: equal texts pair, reworded ones pair when similar enough."""
    pairs: list[tuple[int | None, int | None]] = []
    matcher = SequenceMatcher(None, [normalise(t) for t in old], [normalise(t) for t in new], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs.extend(zip(range(i1, i2), range(j1, j2), strict=True))
            continue
        j = j1
        for i in range(i1, i2):
            best, best_score = None, threshold
            for k in range(j, j2):
                score = similarity(old[i], new[k])
                if score >= best_score and (best is None or score > best_score):
                    best, best_score = k, score
            if best is None:
                pairs.append((i, None))
                continue
            pairs.extend((None, k) for k in range(j, best))
            pairs.append((i, best))
            j = best + 1
        pairs.extend((None, k) for k in range(j, j2))
    return pairs


def align_groups(
    old_keys: list[str], new_keys: list[str], old_texts: list[str], new_texts: list[str]
) -> list[tuple[int | None, int | None]]:
    """Align two sequences of groups (duty blocks, explanation sections) in order: by their keys (headings), then
    the groups left over between two pairs by their whole texts, so a group whose heading alone was put on,
    taken off or rewritten is still one group."""
    result: list[tuple[int | None, int | None]] = []
    gap_old: list[int] = []
    gap_new: list[int] = []

    def close_gap() -> None:
        for a, b in align([old_texts[i] for i in gap_old], [new_texts[j] for j in gap_new]):
            result.append((gap_old[a] if a is not None else None, gap_new[b] if b is not None else None))
        gap_old.clear()
        gap_new.clear()

    for i, j in align(old_keys, new_keys):
        if i is not None and j is not None:
            close_gap()
            result.append((i, j))
        elif i is not None:
            gap_old.append(i)
        elif j is not None:
            gap_new.append(j)
    close_gap()
    return result
