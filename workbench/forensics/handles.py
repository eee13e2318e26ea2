"""Handle (screen name) patterns typical of bulk-registered accounts.

Three patterns, each cheap and explainable:

- ``name_plus_digits``: letters followed by a long run of digits (``lei_zhang83920147``), the default
  shape of names chosen by registration scripts and of platform default names (``用户7386124950``).
- ``random_string``: no pronounceable structure (high character entropy, long consonant runs, letters
  and digits interleaved), e.g. ``xq7vtk2mz9``.
- shared stems: many accounts whose handle is the same stem plus digits (``mi_truth_01``...``mi_truth_57``).
  A stem shared by `min_stem_accounts` accounts or more, and far more than the corpus norm, is a batch.

Only the shared stem and the random string fire on their own; a lone ``name_plus_digits`` is common
among real users and is reported (value 1) at reduced strength.
"""
from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np
import polars as pl

from workbench.forensics.baseline import empty_signals, fmt, signal_rows

_NAME_PLUS_DIGITS = re.compile(r"^(?P<stem>[^\d]+?)[_\-.]?(?P<digits>\d{4,})$")
_TRAILING_DIGITS = re.compile(r"[\d_\-.]+$")
_VOWELS = set("aeiouy")


def _char_entropy_bits(text: str) -> float:
    counts = Counter(text)
    n = len(text)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def _max_consonant_run(letters: str) -> int:
    best = run = 0
    for ch in letters:
        if "a" <= ch <= "z" and ch not in _VOWELS:
            run += 1
            best = max(best, run)
        else:
            run = 0
    return best


def _letter_digit_switches(text: str) -> int:
    kinds = ["d" if ch.isdigit() else "l" for ch in text if ch.isalnum()]
    return sum(1 for a, b in zip(kinds, kinds[1:]) if a != b)


def classify_handle(handle: str | None) -> str:
    """Return ``missing``, ``name_plus_digits``, ``random_string`` or ``plain`` for one handle."""
    if handle is None or not handle.strip():
        return "missing"
    text = handle.strip().lower()
    if _NAME_PLUS_DIGITS.match(text):
        return "name_plus_digits"
    ascii_alnum = "".join(ch for ch in text if ch.isascii() and ch.isalnum())
    if len(ascii_alnum) >= 8 and len(ascii_alnum) == len(text.replace("_", "")):
        letters = "".join(ch for ch in ascii_alnum if ch.isalpha())
        vowel_share = sum(ch in _VOWELS for ch in letters) / max(len(letters), 1)
        switches = _letter_digit_switches(ascii_alnum)
        entropy = _char_entropy_bits(ascii_alnum)
        if switches >= 3 or _max_consonant_run(letters) >= 5 or (vowel_share < 0.15 and entropy >= 2.8):
            return "random_string"
    return "plain"


def handle_stem(handle: str | None) -> str | None:
    """The handle without trailing digits and separators, lower-cased; None when too short to mean anything."""
    if handle is None:
        return None
    stem = _TRAILING_DIGITS.sub("", handle.strip().lower())
    return stem if len(stem) >= 3 and stem != handle.strip().lower() else None


def handle_signals(accounts: pl.DataFrame, min_stem_accounts: int = 5, stem_factor: float = 10.0) -> pl.DataFrame:
    """Signal rows ``handle_pattern`` for every account in `accounts` (needs account_id, handle).

    value: 1 for a suspicious pattern, plus the number of accounts sharing the stem when it is shared.
    baseline: share of corpus accounts with the same pattern. The check fires for ``random_string``
    and for stems shared by at least `min_stem_accounts` accounts and at least `stem_factor` times the
    median stem group size; ``name_plus_digits`` alone scores strength 0.25 without firing.
    """
    if accounts.height == 0 or "handle" not in accounts.columns:
        return empty_signals()
    ids = accounts["account_id"].to_list()
    handles = accounts["handle"].to_list()
    patterns = [classify_handle(h) for h in handles]
    stems = [handle_stem(h) for h in handles]
    pattern_counts = Counter(patterns)
    stem_counts = Counter(s for s in stems if s is not None)
    # Median over accounts (an account without a stem is a group of one): in organic corpora handles are
    # mostly unique, so the median is 1 and a stem needs max(min_stem_accounts, stem_factor) accounts.
    median_stem = float(np.median([stem_counts.get(s, 1) if s is not None else 1 for s in stems]))
    stem_needed = max(float(min_stem_accounts), stem_factor * median_stem)
    n = len(ids)

    values, baselines, fired, strength, details = [], [], [], [], []
    for pattern, stem in zip(patterns, stems):
        shared = stem_counts.get(stem, 0) if stem is not None else 0
        is_batch = shared >= stem_needed
        share = pattern_counts[pattern] / n
        if pattern == "missing":
            values.append(float("nan"))
            fired.append(False)
            strength.append(0.0)
            details.append("no handle")
        else:
            suspicious = pattern in ("name_plus_digits", "random_string")
            values.append(float(suspicious) + (float(shared) if is_batch else 0.0))
            fired.append(pattern == "random_string" or is_batch)
            if is_batch:
                strength.append(min(1.0, 0.5 * shared / stem_needed))
            elif pattern == "random_string":
                strength.append(0.75)
            elif pattern == "name_plus_digits":
                strength.append(0.25)
            else:
                strength.append(0.0)
            text = f"{pattern} ({fmt(100 * share, 3)}% of accounts)"
            if is_batch:
                text += f"; stem '{stem}' shared by {shared} accounts (fires at {fmt(stem_needed)})"
            details.append(text)
        baselines.append(share)
    return signal_rows(
        "handle_pattern", ids, np.array(values), np.array(baselines), stem_needed, fired, strength, details
    )
