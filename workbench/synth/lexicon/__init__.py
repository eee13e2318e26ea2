"""Per-language vocabularies of the synthetic corpus (zh, en, de), loaded as plain modules."""
from __future__ import annotations

from types import ModuleType

from workbench.synth.lexicon import de, en, zh

LANGUAGES: tuple[str, ...] = ("zh", "en", "de")
LEXICONS: dict[str, ModuleType] = {"zh": zh, "en": en, "de": de}
NARRATIVES: tuple[str, ...] = ("false_claim", "competitor_comparison", "division")
