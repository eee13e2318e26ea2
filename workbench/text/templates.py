"""Template view of a text family: the shared skeleton with the variable slots marked.

Method: the family's most used text is the base. Texts are split into tokens (one token per CJK character,
words, runs of spaces, single punctuation marks). Every other text is aligned to the base with difflib's
SequenceMatcher (longest matching blocks, `autojunk` off). A base token that is replaced or deleted, or a gap
where words are inserted, in at least `min_share` of the other texts is variable; consecutive variable
positions form one slot. The skeleton is the base with each slot shown as `⟨n⟩`; each slot lists the fillers
seen there with their post counts (an empty filler means the text left the slot out).

Cost is O(texts x tokens^2) in the worst case, so callers pass a sample (the 50 most used texts).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher

_TOKEN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]|\w+|\s+|[^\w\s]", re.UNICODE)
SLOT_MARK = "⟨{}⟩"


@dataclass
class Template:
    """skeleton: text with slots as ⟨1⟩, ⟨2⟩...; parts: ("text", str) / ("slot", n) in order;
    slots: per slot, fillers as (filler, posts) most common first; texts: how many texts were aligned."""

    skeleton: str
    parts: list[tuple[str, str | int]]
    slots: dict[int, list[tuple[str, int]]] = field(default_factory=dict)
    texts: int = 0

    @property
    def fixed_share(self) -> float:
        """Share of the skeleton's characters that are fixed text (1.0 = all copies are identical)."""
        fixed = sum(len(value) for kind, value in self.parts if kind == "text")
        return fixed / max(1, fixed + len(self.slots))


def tokenize_for_alignment(text: str) -> list[str]:
    return _TOKEN.findall(text or "")


def family_template(texts: list[str], weights: list[int] | None = None, min_share: float = 0.2,
                    max_fillers: int = 10) -> Template:
    """Template of a family. texts: its distinct normalised texts, most used first (the first is the base);
    weights: posts per text (default 1 each); min_share: share of the other texts that must differ at a
    position for it to become a slot (0-1). Returns a `Template`."""
    if not texts:
        return Template(skeleton="", parts=[], texts=0)
    weights = list(weights) if weights is not None else [1] * len(texts)
    base = tokenize_for_alignment(texts[0])
    positions = 2 * len(base) + 1  # even: the gap before token k (2k); odd: token k (2k+1)
    varied = [0] * positions
    spans_per_text = []
    others = [tokenize_for_alignment(text) for text in texts[1:]]
    for other in others:
        spans: list[tuple[int, int] | None] = [None] * positions  # None: aligned unchanged
        matcher = SequenceMatcher(None, base, other, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            if tag == "insert":
                spans[2 * i1] = (j1, j2)
                varied[2 * i1] += 1
                continue
            # replace / delete: the whole other span goes to the first token, the rest map to nothing
            for k in range(i1, i2):
                spans[2 * k + 1] = (j1, j2) if k == i1 else (j2, j2)
                varied[2 * k + 1] += 1
        spans_per_text.append(spans)
    needed = max(1, min_share * len(others)) if others else float("inf")
    variable = [count >= needed for count in varied]
    # A gap between two variable tokens belongs to the slot: "⟨1⟩⟨2⟩" would split one slot in two.
    for gap in range(2, positions - 2, 2):
        if variable[gap - 1] and variable[gap + 1]:
            variable[gap] = True

    parts: list[tuple[str, str | int]] = []
    slots: dict[int, list[tuple[str, int]]] = {}
    position = 0
    while position < positions:
        if not variable[position]:
            if position % 2 == 1:
                token = base[position // 2]
                if parts and parts[-1][0] == "text":
                    parts[-1] = ("text", parts[-1][1] + token)
                else:
                    parts.append(("text", token))
            position += 1
            continue
        end = position
        while end < positions and variable[end]:
            end += 1
        slot_number = len(slots) + 1
        fillers: Counter[str] = Counter()
        base_filler = "".join(base[k // 2] for k in range(position, end) if k % 2 == 1)
        fillers[base_filler] += weights[0]
        for other, spans, weight in zip(others, spans_per_text, weights[1:]):
            fillers[_filler(other, spans, base, position, end)] += weight
        slots[slot_number] = sorted(fillers.items(), key=lambda item: (-item[1], item[0]))[:max_fillers]
        parts.append(("slot", slot_number))
        position = end
    skeleton = "".join(value if kind == "text" else SLOT_MARK.format(value) for kind, value in parts)
    return Template(skeleton=skeleton, parts=parts, slots=slots, texts=len(texts))


def _filler(other: list[str], spans: list, base: list[str], start: int, end: int) -> str:
    """What `other` has at base positions [start, end): unchanged base tokens or its aligned replacement."""
    out = []
    for k in range(start, end):
        span = spans[k]
        if span is None:
            if k % 2 == 1:
                out.append(base[k // 2])
        else:
            out.append("".join(other[span[0]:span[1]]))
    return "".join(out)
