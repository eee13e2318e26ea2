"""Rewriting software of the synthetic campaigns: one manuscript per claim, rewritten for every post.

"Black manuscript" tools do not write each post afresh; they spin one article into many: clauses
shuffled, words swapped for synonyms, the target's name spelled evasively so keyword filters miss it
("某珑", "Q家", "Qi-lora"), fillers dropped in, typos typed in. Variants of one claim share about half
their shingles (pairwise Jaccard of word unigrams / CJK character bigrams 0.3 to 0.7, measured by a test).
"""
from __future__ import annotations

import re

from workbench.synth.brands import Brand
from workbench.synth.frames import Dice

_CLAUSE_ZH = re.compile(r"[^，。！？；、]+[，。！？；、]*")
_CLAUSE_LATIN = re.compile(r"[^.,!?;]+[.,!?;]*\s*")
# Characters typed wrongly by pinyin input (same sound, other character).
_JA_TYPOS = {"は": "わ", "を": "お", "づ": "ず", "じ": "ぢ", "っ": "つ", "ー": "～", "が": "か", "で": "て"}
_ZH_TYPOS = {"的": "得", "在": "再", "已": "己", "做": "作", "那": "哪", "吗": "嘛", "是": "事", "到": "道",
             "以": "已", "象": "像", "车": "扯", "都": "读", "还": "换", "说": "硕"}


def evasive_spellings(brand: Brand, lang: str) -> list[tuple[str, list[str]]]:
    """(name, evasive spellings) for the target's names in `lang`, longest name first."""
    latin = brand.name_en
    initial = latin[:1].upper()
    if lang == "zh":  # other languages (ja included) write the Latin names
        name = brand.name_zh
        spellings = [f"某{name[1:]}", f"{name[:1]}某", f"{initial}家", f"{name[:1]}*{name[1:]}",
                     f"{latin[:2].lower()}{name[1:]}", f"{initial}{latin[-1].upper()}", "某品牌"]
        out = [(name, spellings)]
        if brand.chip_zh and name not in brand.chip_zh:
            chip = brand.chip_zh
            out.append((chip, [f"{chip[:1]}*{chip[1:]}", f"某{chip[1:]}", f"{chip[:1]}某{chip[2:]}"]))
    else:
        spellings = [f"{latin[:2]}-{latin[2:]}", f"{initial}*{latin[2:]}", latin.replace("o", "0").replace("i", "1"),
                     f"{initial}-brand", {"en": f"{initial}-company", "de": f"Firma {initial}"}.get(lang, f"{initial}社"),
                     " ".join(latin.lower())]
        out = [(latin, spellings)]
        if brand.chip_en and latin not in brand.chip_en:
            chip = brand.chip_en
            out.append((chip, [chip.replace(" ", "-"), f"{chip[:1]}*{chip[2:]}", chip.lower().replace(" ", "")]))
    return sorted(out, key=lambda item: -len(item[0]))


class Rewriter:
    """Spins a manuscript into a variant: `rewrite(text, dice)`. One instance per language."""

    def __init__(self, lang: str, synonyms: dict[str, list[str]], fillers: list[str], target: Brand):
        self.lang = lang
        self.zh = lang in ("zh", "ja")  # scripts written without spaces: clauses end in full-width marks
        self.comma = "、" if lang == "ja" else "，"
        # One alternation of every synonym key (longest first), for one regex pass per post.
        options = dict(synonyms)
        if lang not in ("zh", "ja"):
            options.update({word.capitalize(): [o.capitalize() for o in alts] for word, alts in synonyms.items()})
        self.synonyms = options
        self.synonym_pattern = re.compile("|".join(re.escape(w) for w in sorted(options, key=len, reverse=True)))
        typos = _JA_TYPOS if lang == "ja" else _ZH_TYPOS
        self.typo_pattern = re.compile("[" + "".join(typos) + "]")
        self.fillers = list(fillers)
        self.evasive = evasive_spellings(target, lang)

    def rewrite(self, text: str, dice: Dice) -> str:
        text = self._synonyms(text, dice)
        clauses = (_CLAUSE_ZH if self.zh else _CLAUSE_LATIN).findall(text)
        if not clauses:
            return text
        # A clause moved from the end still needs its separator.
        clauses = [c if c.rstrip()[-1:] in "，。！？；、.,!?;" else c.rstrip() + (self.comma if self.zh else ",")
                   for c in clauses]
        # Clause shuffle: the lead clause usually stays, the others are reordered.
        head = clauses[:1] if dice(3) else []
        rest = clauses[len(head):]
        for j in range(len(rest) - 1, 0, -1):
            k = dice(j + 1)
            rest[j], rest[k] = rest[k], rest[j]
        clauses = head + rest
        out = []
        for clause in clauses:
            if dice(3) == 0:  # fillers at a clause start
                filler = self.fillers[dice(len(self.fillers))]
                clause = f"{filler}{self.comma}{clause}" if self.zh else f"{filler}, {clause}"
            out.append(clause)
        joined = "".join(out) if self.zh else " ".join(c.strip() for c in out)
        if joined[-1:] in "，、,":
            joined = joined[:-1] + ("。" if self.zh else ".")
        joined = self._evade(joined, dice)
        for _ in range(1 + dice(3)):
            joined = self._typo(joined, dice)
        return joined

    def _synonyms(self, text: str, dice: Dice) -> str:
        def swap(match: re.Match) -> str:
            if dice(10) >= 7:
                return match.group(0)
            options = self.synonyms[match.group(0)]
            return options[dice(len(options))]

        return self.synonym_pattern.sub(swap, text)

    def _evade(self, text: str, dice: Dice) -> str:
        # One evasive spelling per post for each name, used wherever the name appears (most of the time).
        for name, spellings in self.evasive:
            if name in text and dice(10) < 8:
                text = text.replace(name, spellings[dice(len(spellings))])
        return text

    def _typo(self, text: str, dice: Dice) -> str:
        if len(text) < 8:
            return text
        if self.zh:
            typos = _JA_TYPOS if self.lang == "ja" else _ZH_TYPOS
            spots = [m.start() for m in self.typo_pattern.finditer(text)]
            if spots and dice(3):
                k = spots[dice(len(spots))]
                return text[:k] + typos[text[k]] + text[k + 1:]
            k = dice(len(text))
            return text[:k] + text[k + 1:] if "\u3040" <= text[k] <= "\u9fff" else text
        words = [m for m in re.finditer(r"[A-Za-zÄÖÜäöüß]{4,}", text)]
        if not words:
            return text
        m = words[dice(len(words))]
        w = m.group(0)
        k = 1 + dice(len(w) - 2)
        kind = dice(3)
        if kind == 0:
            w = w[:k] + w[k + 1] + w[k] + w[k + 2:]   # swapped letters
        elif kind == 1:
            w = w[:k] + w[k + 1:]                     # dropped letter
        else:
            w = w[:k] + w[k] + w[k:]                  # doubled letter
        return text[:m.start()] + w + text[m.end():]
