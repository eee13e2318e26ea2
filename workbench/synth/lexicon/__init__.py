"""Per-language vocabularies of the synthetic corpus, loaded as plain modules.

zh, en and de are the seed languages of the organic population; ja is written only by campaign squads
when `campaign_lang_mix` has a fourth share (the `newlang` scenario: a language outside every seed list).
"""
from __future__ import annotations

from types import ModuleType

from workbench.synth.lexicon import de, en, ja, zh

LANGUAGES: tuple[str, ...] = ("zh", "en", "de", "ja")
SEED_LANGUAGES = 3  # the first three: organic accounts and stray-language posts stay within these
LEXICONS: dict[str, ModuleType] = {"zh": zh, "en": en, "de": de, "ja": ja}
NARRATIVES: tuple[str, ...] = ("false_claim", "competitor_comparison", "division")
