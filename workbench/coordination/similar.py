"""co_similar_text: pairs of posts by different accounts, within the window, whose texts are near-duplicates.

Definition: two non-repost posts match when the exact Jaccard similarity of their shingle sets
(:mod:`workbench.text.minhash`; by default word sets plus CJK character bigrams of the normalised text) is
at least ``threshold`` (default 0.8; coordination_network_toolkit's co_similar_tweet uses Jaccard on its
word-token sets with 0.9; variants of one template, with slots filled, synonyms swapped and sentences
reordered, share only about a third of their shingles, which 0.3 catches at a cost: docs/coordination.md). Texts with fewer than ``min_shingles`` shingles never match.

Candidates come from MinHash LSH: every band bucket is treated as a shared object and swept with the same
time window as the other signals (:func:`workbench.coordination.signals.window_pairs`), so only pairs
within the window are ever formed; each candidate is then verified with the exact Jaccard, so there are
no false positives and the only misses are LSH misses (probability ``1 - candidate_probability``, below
2e-4 at similarity 0.9 with the settings :func:`lsh_settings` picks for thresholds >= 0.85).
"""
from __future__ import annotations

import numpy as np
import polars as pl

from workbench.arrays import distinct, run_numbers
from workbench.coordination.signals import sorted_window_pairs, stable_order, toolkit_preprocess_expr
from workbench.text.normalize import normalize_expr


_BLOCK_TEXTS = 500_000


def _band_keys_in_blocks(texts: pl.Series, tokenizer: str, min_shingles: int, num_perm: int, bands: int, rows: int,
                         seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(n, bands) uint32 LSH bucket keys and the mask of texts with at least ``min_shingles`` shingles
    (and one), computed in blocks of texts.

    Shingles and signatures live one block at a time: the shingles of 6.6M texts took 5.6 GB to build and
    1.9 GB to hold, the signatures are (n, num_perm) uint32 (2.5 GB at 10M texts with 64 permutations).
    Keys keep 32 of the 64 mixed bits: an accidental bucket collision only adds a candidate, which the exact
    Jaccard check then rejects.
    """
    from workbench.text.minhash import band_keys, minhash_signatures, nonempty_rows, shingle_sets

    n = len(texts)
    keys = np.zeros((n, bands), dtype=np.uint32)
    eligible = np.zeros(n, dtype=bool)
    for lo in range(0, n, _BLOCK_TEXTS):
        block = shingle_sets(texts.slice(lo, _BLOCK_TEXTS), tokenizer=tokenizer)
        signatures = minhash_signatures(shingles=block, num_perm=num_perm, seed=seed)
        keys[lo : lo + len(block)] = (band_keys(signatures, bands, rows) >> np.uint64(32)).astype(np.uint32)
        usable = nonempty_rows(signatures)
        if min_shingles > 1:
            usable &= block.sizes >= min_shingles
        eligible[lo : lo + len(block)] = usable
    return keys, eligible


def lsh_settings(threshold: float) -> tuple[int, int, int]:
    """(num_perm, bands, rows) for a Jaccard threshold: few permutations, few misses just above the threshold.

    >= 0.85: 32 permutations, 8 bands x 4 rows (P(candidate | 0.85) = 0.997, | 0.9 = 0.9998);
    >= 0.7: 64 permutations, 16 x 4 (P(candidate | 0.8) = 0.9998, | 0.7 = 0.98);
    lower: 64 permutations, 32 x 2 (P(candidate | 0.3) = 0.951, | 0.4 = 0.995, | 0.5 = 0.9999).
    """
    if threshold >= 0.85:
        return 32, 8, 4
    if threshold >= 0.7:
        return 64, 16, 4
    return 64, 32, 2


def _with_neighbours(times_us: np.ndarray, window_us: int) -> np.ndarray:
    """Indices of the posts with another post within the window: only those can pair, so only those are
    shingled. In a corpus spread over months many posts have no neighbour within a minute."""
    order = np.argsort(times_us, kind="stable")
    sorted_times = times_us[order]
    # Sorted queries keep the binary searches cache-friendly (3x faster than querying in input order).
    neighbours = np.searchsorted(sorted_times, sorted_times + window_us, side="right")
    neighbours -= np.searchsorted(sorted_times, sorted_times - window_us, side="left")
    return np.sort(order[neighbours > 1])


def _band_candidates(band_key, eligible_rows, times, accounts, window_us, n, max_pairs_per_object):
    """One LSH band: pairs of posts of different accounts in the same bucket within the window, as codes
    ``min * n + max`` of their row numbers, and the buckets skipped as hot (dicts with posts, pairs).

    band_key: the band's bucket key per eligible row (eligible_rows sorted by time, times their times)."""
    order = stable_order({"key": band_key})
    objects = run_numbers(band_key[order])  # dense bucket codes in sorted order
    n_objects = int(objects[-1]) + 1 if order.size else 0
    found = sorted_window_pairs(order, objects, times[order], window_us, n_objects, max_pairs_per_object=max_pairs_per_object)
    skipped = [{"posts": int(found.object_posts[code]), "pairs": int(found.object_pairs[code])} for code in found.skipped_objects]
    left, right = eligible_rows[found.left], eligible_rows[found.right]
    different = accounts[left] != accounts[right]
    left, right = left[different], right[different]
    return np.minimum(left, right) * np.int64(n) + np.maximum(left, right), skipped


def similar_text_pairs(
    texts: pl.Series,
    times_us: np.ndarray,
    accounts: np.ndarray,
    window_us: int,
    *,
    threshold: float = 0.8,
    text_normalizer: str = "workbench",
    tokenizer: str = "words",
    min_shingles: int = 1,
    num_perm: int | None = None,
    bands: int | None = None,
    rows: int | None = None,
    max_pairs_per_object: int | None = None,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[dict]]:
    """Near-duplicate post pairs within the window.

    texts: (n,) the candidate posts' texts (already normalised when ``text_normalizer="none"``);
    times_us: int64 (n,) microseconds; accounts: int (n,) account codes. Returns (left, right, similarity, hot_buckets): int64 indices into the inputs with
    ``left < right`` and different accounts, float64 exact Jaccard >= threshold, and a list of band buckets
    skipped for exceeding ``max_pairs_per_object`` (dicts with band, posts, pairs).
    num_perm, bands, rows: MinHash/LSH settings; None picks them from the threshold (:func:`lsh_settings`).
    """
    # The MinHash kernels (numba) load here, on first use: the other signals never need them.
    from workbench.text.minhash import jaccard_of_pairs, shingle_sets

    if num_perm is None or bands is None or rows is None:
        num_perm, bands, rows = lsh_settings(threshold)
    times_us = np.asarray(times_us, dtype=np.int64)
    active = _with_neighbours(times_us, window_us)
    if active.size < len(texts):
        left, right, similarity, hot = similar_text_pairs(
            texts.gather(active), times_us[active], np.asarray(accounts)[active], window_us, threshold=threshold,
            text_normalizer=text_normalizer, tokenizer=tokenizer, min_shingles=min_shingles, num_perm=num_perm,
            bands=bands, rows=rows, max_pairs_per_object=max_pairs_per_object, seed=seed,
        )
        return active[left], active[right], similarity, hot
    del active
    if text_normalizer == "toolkit":
        prepared = pl.select(toolkit_preprocess_expr(pl.lit(texts.cast(pl.String)))).to_series()
    elif text_normalizer == "none":
        prepared = texts.cast(pl.String)
    else:
        prepared = pl.select(normalize_expr(pl.lit(texts.cast(pl.String)))).to_series()
    keys, eligible = _band_keys_in_blocks(prepared, tokenizer, min_shingles, num_perm, bands, rows, seed)
    n = len(texts)
    candidate_codes = []
    hot = []
    # Sorted by time once, so a stable sort by bucket key alone gives the (bucket, time) order per band.
    eligible_rows = np.flatnonzero(eligible)
    eligible_rows = eligible_rows[np.argsort(times_us[eligible_rows], kind="stable")]
    times = times_us[eligible_rows]
    accounts = np.asarray(accounts)
    for band in range(bands):
        codes, skipped = _band_candidates(keys[eligible_rows, band], eligible_rows, times, accounts, window_us, n,
                                          max_pairs_per_object)
        candidate_codes.append(codes)
        hot.extend({"band": band, **bucket} for bucket in skipped)
    codes = distinct(np.concatenate(candidate_codes)) if candidate_codes else np.empty(0, np.int64)
    del candidate_codes, keys
    left, right = np.divmod(codes, max(n, 1))
    del codes
    # Only the texts of some candidate pair are shingled again for the exact check.
    involved = distinct(np.concatenate((left, right)))
    shingles = shingle_sets(prepared.gather(involved), tokenizer=tokenizer)
    similarity = jaccard_of_pairs(shingles, np.searchsorted(involved, left), np.searchsorted(involved, right))
    keep = similarity >= threshold
    return left[keep], right[keep], similarity[keep], hot
