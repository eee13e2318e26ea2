"""co_paraphrase: posts of different accounts saying the same thing in other words or another language,
within the window.

Definition: two non-repost posts of different accounts, at most ``window_us`` apart, whose texts have at
least ``min_content_chars`` letters (a Han character counts two: a few words, not "lol"), match when the
cosine of their sentence embeddings is at least ``min_similarity`` (default 0.8 with the multilingual
encoder) and the Jaccard of their shingle sets (:mod:`workbench.text.minhash`: words plus CJK character
bigrams) is below ``max_char_overlap`` (0.5). Near-copies are co_similar_text's evidence; what is left
here is the signature of rewriting software and LLMs: the claim is kept, the characters are not.

Work is bounded like the other signals: only posts with another eligible post within the window are
embedded; posts are swept in time order in blocks of ``block`` rows, each compared with the posts that
follow it within the window, at most ``max_partners`` best partners kept per post. A block whose window
holds more than ``max_window_posts`` posts (a launch minute everyone posts in) is compared with its first
``max_window_posts`` only and reported as hot. Embeddings come from the embedding backend
(:mod:`workbench.text.embed`; default the multilingual encoder), through a cache when one is given.
"""
from __future__ import annotations

import numpy as np
import polars as pl

from workbench.text.minhash import jaccard_of_pairs, shingle_sets
from workbench.text.normalize import DENSE_CHARACTER_RE, PLACEHOLDERS_RE


def _content_chars(texts: pl.Series) -> np.ndarray:
    bare = texts.fill_null("").str.replace_all(PLACEHOLDERS_RE, " ")
    return (bare.str.count_matches(r"\p{L}") + bare.str.count_matches(DENSE_CHARACTER_RE)).to_numpy()


def _with_neighbours(times_us: np.ndarray, window_us: int) -> np.ndarray:
    order = np.argsort(times_us, kind="stable")
    sorted_times = times_us[order]
    count = np.searchsorted(sorted_times, sorted_times + window_us, side="right")
    count -= np.searchsorted(sorted_times, sorted_times - window_us, side="left")
    return np.sort(order[count > 1])


def paraphrase_pairs(
    texts: pl.Series,
    times_us: np.ndarray,
    accounts: np.ndarray,
    window_us: int,
    *,
    backend=None,
    cache=None,
    min_similarity: float = 0.8,
    max_char_overlap: float = 0.5,
    min_content_chars: int = 20,
    max_partners: int = 20,
    block: int = 2048,
    max_window_posts: int = 50_000,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[dict]]:
    """Paraphrase pairs among posts.

    texts: (n,) normalised texts (:func:`workbench.text.normalize.normalize_texts`); times_us: int64 (n,);
    accounts: int (n,) account codes. Returns (left, right, similarity, char_overlap, hot): int64 indices into
    the inputs (left earlier, different accounts), float64 cosine >= min_similarity, float64 shingle Jaccard
    < max_char_overlap, and hot blocks (dicts with posts, window_posts) whose window was cut.
    """
    from workbench.text.embed import embed_texts

    times_us = np.asarray(times_us, dtype=np.int64)
    accounts = np.asarray(accounts)
    empty = np.zeros(0, dtype=np.int64)
    nothing = (empty, empty, np.zeros(0), np.zeros(0), [])
    eligible = np.flatnonzero(_content_chars(texts) >= min_content_chars)
    if eligible.size < 2:
        return nothing
    eligible = eligible[_with_neighbours(times_us[eligible], window_us)]
    if eligible.size < 2:
        return nothing
    eligible = eligible[np.argsort(times_us[eligible], kind="stable")]
    times = times_us[eligible]
    owners = accounts[eligible]
    vectors = embed_texts(texts.gather(eligible), backend=backend, cache=cache, normalized=True)
    ends = np.searchsorted(times, times + window_us, side="right")
    left_parts, right_parts, sim_parts, hot = [], [], [], []
    n = eligible.size
    for lo in range(0, n, block):
        hi = min(n, lo + block)
        stop = int(ends[hi - 1])
        if stop - lo > max_window_posts:
            hot.append({"posts": hi - lo, "window_posts": stop - lo})
            stop = lo + max_window_posts
        sims = vectors[lo:hi] @ vectors[lo:stop].T  # (rows, partners); partner j is at lo + j
        rows = np.arange(lo, hi)[:, None]
        partners = np.arange(lo, stop)[None, :]
        valid = (partners > rows) & (partners < ends[lo:hi, None]) & (owners[lo:hi, None] != owners[None, lo:stop])
        sims = np.where(valid & (sims >= min_similarity), sims, -np.inf)
        keep = min(max_partners, sims.shape[1])
        best = np.argpartition(-sims, keep - 1, axis=1)[:, :keep]
        best_sims = np.take_along_axis(sims, best, axis=1)
        r, c = np.nonzero(np.isfinite(best_sims))
        left_parts.append(lo + r)
        right_parts.append(lo + best[r, c])
        sim_parts.append(best_sims[r, c].astype(np.float64))
    left = np.concatenate(left_parts)
    right = np.concatenate(right_parts)
    similarity = np.concatenate(sim_parts)
    if left.size == 0:
        return nothing
    shingles = shingle_sets(texts.gather(eligible))
    overlap = jaccard_of_pairs(shingles, left, right)
    keep = overlap < max_char_overlap
    order = np.lexsort((eligible[right[keep]], eligible[left[keep]]))
    return (eligible[left[keep]][order], eligible[right[keep]][order], similarity[keep][order], overlap[keep][order], hot)
