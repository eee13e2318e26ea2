"""Shingles, MinHash signatures and LSH banding for near-duplicate text, vectorised with polars + numpy.

Pipeline and shapes
-------------------
``texts`` (n strings) -> :func:`shingle_sets` (flat, per-text *sets* of shingles) ->
:func:`minhash_signatures` ``(n, num_perm)`` uint32 -> :func:`lsh_candidate_pairs` ``(m, 2)`` int64 pairs
``i < j`` -> check them with :func:`signature_similarity` (estimate) or :func:`pairwise_jaccard` (exact);
:func:`lsh_similar_pairs` does both band by band when the estimate decides.

Shingles
--------
Text is lower-cased; word tokens are runs of ``\\w`` characters that are not CJK (tokenizer ``"words"``),
optionally with punctuation characters as tokens of their own (``"words_punct"``, close to the Unicode
word segmentation that coordination_network_toolkit uses for co_similar_tweet). Word shingles are word
``word_ngram``-grams (1 = a bag of words, the Jaccard-on-word-sets of the toolkit). Chinese, Japanese and
Korean have no spaces, so every run of CJK characters gives character ``cjk_ngram``-grams instead (a run
shorter than ``cjk_ngram`` gives itself). Shingles are hashed with polars' 64-bit hash (``seed`` fixed):
deterministic for a given polars version, not a stable on-disk format.

A text with no shingle (empty, only punctuation under ``"words"``, NULL) has an empty set: its signature
is all ``EMPTY_SIGNATURE_VALUE``, it never becomes an LSH candidate and its Jaccard with anything is 0.

MinHash
-------
Permutation k maps a shingle hash h to ``(a_k * h + b_k) mod 2**64 >> 32`` (a_k odd, drawn from ``seed``):
multiply-add-shift hashing, which is universal for the already pseudo-random 64-bit shingle hashes. The
signature entry is the minimum over the text's shingles, so ``P[sig_a[k] == sig_b[k]] = Jaccard(a, b)``
(up to 2**-32 collisions). The loop is compiled with numba (cached in the environment by
:mod:`workbench.warmup`).

Threshold / bands trade-off
---------------------------
With ``bands`` bands of ``rows`` rows (``bands * rows <= num_perm``) a pair with Jaccard s becomes a
candidate with probability ``1 - (1 - s**rows)**bands``; the curve's midpoint is near
``(1 / bands) ** (1 / rows)``. More rows per band: fewer false candidates, lower recall below the
midpoint; more bands: higher recall, more candidates to verify. :func:`candidate_probability` computes the
curve. Examples with 64 permutations:

=========  ==========  ===================  =====================  =====================
bands      rows        midpoint ~           P(candidate | s=0.9)   P(candidate | s=0.5)
=========  ==========  ===================  =====================  =====================
16         4           0.50                 1.0000                 0.65
8          8           0.77                 0.9996                 0.03
32         2           0.18                 1.0000                 1.0
=========  ==========  ===================  =====================  =====================

For a similarity threshold t, pick the midpoint well below t (recall) and then verify candidates exactly
with :func:`pairwise_jaccard` (precision): the default ``bands=16, rows=4`` suits t >= 0.7.
"""
from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numba
import numpy as np
import polars as pl

from workbench.arrays import concatenated_ranges as _ranges
from workbench.arrays import distinct

EMPTY_SIGNATURE_VALUE = np.uint32(0xFFFFFFFF)

# Scripts without spaces between words: shingled as character n-grams.
_CJK = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}"
_CJK_RUN = rf"[{_CJK}]+"
_WORD = rf"[\w--[{_CJK}]]+"
# Toolkit-like words keep inner apostrophes, dots, colons and commas ("don't", "3.14", "t.co") the way
# Unicode word segmentation (UAX #29) does; any other non-space character is a token of its own.
_WORD_PUNCT = rf"[\w--[{_CJK}]]+(?:['’.:,][\w--[{_CJK}]]+)*|[^\w\s]"
_TOKENIZERS = {"words": _WORD, "words_punct": _WORD_PUNCT}

_SHINGLE_HASH_SEED = 0x5EED


@dataclass(frozen=True)
class ShingleSets:
    """Per-text shingles in flat (CSR-like) form.

    ``offsets``: int64 (n + 1,); text i owns ``hashes[offsets[i]:offsets[i+1]]``.
    ``hashes``: uint64 shingle hashes. Unless ``deduplicated`` is True they are in text order and may
    repeat within a text (MinHash does not care; :meth:`deduplicated` gives sorted sets for Jaccard).
    """

    offsets: np.ndarray
    hashes: np.ndarray
    deduplicated_: bool = False

    def __len__(self) -> int:
        return len(self.offsets) - 1

    @property
    def counts(self) -> np.ndarray:
        """Shingles per text as stored (with repeats unless deduplicated), int64 (n,)."""
        return np.diff(self.offsets)

    @property
    def sizes(self) -> np.ndarray:
        """Number of distinct shingles per text (int64, (n,))."""
        return self.deduplicated().counts

    def take(self, docs: np.ndarray) -> "ShingleSets":
        """The shingles of the texts ``docs`` (int array), in that order."""
        docs = np.asarray(docs, dtype=np.int64)
        counts = self.counts[docs]
        positions = np.repeat(self.offsets[docs], counts) + _ranges(counts)
        offsets = np.zeros(docs.size + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        return ShingleSets(offsets, self.hashes[positions], self.deduplicated_)

    def deduplicated(self, *, in_place: bool = False) -> "ShingleSets":
        """The same texts with each text's shingles sorted ascending and unique.

        in_place: reuse this object's hash buffer (for a fresh copy nobody else reads, such as the
        result of :meth:`take`), so deduplicating costs no second copy of the hashes.
        """
        if self.deduplicated_:
            return self
        hashes = self.hashes if in_place and self.hashes.flags.writeable else self.hashes.copy()
        offsets = np.empty_like(self.offsets, dtype=np.int64)
        total = _sort_unique_kernel(np.ascontiguousarray(hashes, dtype=np.uint64),
                                    np.ascontiguousarray(self.offsets, dtype=np.int64), offsets)
        return ShingleSets(offsets, hashes[:total], True)

    def as_list(self) -> list[np.ndarray]:
        """One sorted array of distinct uint64 shingle hashes per text."""
        unique = self.deduplicated()
        return np.split(unique.hashes, unique.offsets[1:-1])


def shingle_sets(
    texts: Sequence[str | None] | pl.Series,
    *,
    tokenizer: str = "words",
    word_ngram: int = 1,
    cjk_ngram: int = 2,
    seed: int = _SHINGLE_HASH_SEED,
) -> ShingleSets:
    """Shingle every text (see the module docstring) and return the shingles in flat form.

    texts: strings (None counts as empty). tokenizer: "words" or "words_punct". word_ngram, cjk_ngram:
    shingle sizes in tokens / characters (>= 1). seed: hash seed. Returns :class:`ShingleSets` (not
    deduplicated: call ``.deduplicated()`` for sorted sets).
    """
    if tokenizer not in _TOKENIZERS:
        raise ValueError(f"tokenizer must be one of {sorted(_TOKENIZERS)}, got {tokenizer!r}")
    if word_ngram < 1 or cjk_ngram < 1:
        raise ValueError("word_ngram and cjk_ngram must be >= 1")
    series = texts if isinstance(texts, pl.Series) else pl.Series("text", list(texts), dtype=pl.String)
    n = len(series)
    frame = pl.DataFrame({"doc": np.arange(n, dtype=np.int64), "text": series.cast(pl.String)})
    frame = frame.with_columns(pl.col("text").fill_null(""))

    # Shingles are hashed inside per-text lists and exploded once, as numbers: exploding millions of
    # token strings first cost more than the tokenising itself. Lower-casing inside the expression keeps
    # no lower-cased copy of every text alive (CJK runs, below, have no case).
    tokens = pl.col("text").str.to_lowercase().str.extract_all(_TOKENIZERS[tokenizer])
    if word_ngram == 1:
        per_text = frame.select(shingles=tokens.list.eval(pl.element().hash(seed=seed)))["shingles"]
    else:
        words = frame.select("doc", token=tokens).explode("token").drop_nulls("token")
        per_text = _hashed_lists(_word_ngrams(words, word_ngram), n, seed)
    runs = frame.select("doc", run=pl.col("text").str.extract_all(_CJK_RUN)).explode("run").drop_nulls("run")
    if len(runs):
        cjk = (
            runs.with_columns(length=pl.col("run").str.len_chars().cast(pl.Int64))
            .with_columns(start=pl.int_ranges(0, pl.max_horizontal(pl.col("length") - cjk_ngram + 1, 1)))
            .explode("start")
            .select("doc", token=pl.col("run").str.slice(pl.col("start"), cjk_ngram))
        )
        # Each text's shingles stay contiguous: its words, then its CJK n-grams.
        per_text = pl.select(pl.concat_list(pl.lit(per_text), pl.lit(_hashed_lists(cjk, n, seed)))).to_series()
    del frame
    counts = per_text.list.len().to_numpy().astype(np.int64)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    # The lists' value buffer, read in place (no null hashes inside a list): no exploded copy at 10M texts.
    values = per_text.rechunk().to_arrow().flatten()
    hashes = values.to_numpy(zero_copy_only=values.null_count == 0).astype(np.uint64, copy=False)
    return ShingleSets(offsets=offsets, hashes=hashes)


def _hashed_lists(tokens: pl.DataFrame, n: int, seed: int) -> pl.Series:
    """Per text 0..n-1, the list of hashes of its tokens (frame doc, token; docs in order), [] when none."""
    lists = tokens.group_by("doc", maintain_order=True).agg(shingles=pl.col("token").hash(seed=seed))
    return (
        pl.DataFrame({"doc": np.arange(n, dtype=np.int64)})
        .join(lists, on="doc", how="left", maintain_order="left")
        .select(pl.col("shingles").fill_null(pl.lit([], dtype=pl.List(pl.UInt64))))
        .to_series()
    )


def _word_ngrams(words: pl.DataFrame, k: int) -> pl.DataFrame:
    """Word k-grams within each doc (a doc with fewer than k words keeps its words joined as one)."""
    words = words.with_columns(
        position=pl.int_range(pl.len()).over("doc").cast(pl.Int64), count=pl.len().over("doc").cast(pl.Int64)
    )
    gram = pl.col("token")
    for step in range(1, k):
        gram = gram + "\x1f" + pl.col("token").shift(-step).over("doc")
    short = (
        words.filter(pl.col("count") < k)
        .group_by("doc", maintain_order=True)
        .agg(token=pl.col("token").str.join("\x1f"))
    )
    # The k-gram is built before filtering, while the look-ahead rows still exist.
    full = words.with_columns(gram=gram).filter(pl.col("position") <= pl.col("count") - k).select(
        "doc", token=pl.col("gram")
    )
    return pl.concat([full, short], how="vertical")


def shingle_hashes(texts: Sequence[str | None] | pl.Series, **options) -> list[np.ndarray]:
    """One uint64 array of distinct shingle hashes per text (options as in :func:`shingle_sets`)."""
    return shingle_sets(texts, **options).as_list()


def _permutation_parameters(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    multipliers = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    offsets = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64) * np.uint64(2)
    return multipliers, offsets


def minhash_signatures(
    texts: Sequence[str | None] | pl.Series | None = None,
    num_perm: int = 64,
    seed: int = 0,
    *,
    shingles: ShingleSets | None = None,
    **shingle_options,
) -> np.ndarray:
    """MinHash signatures, (n, num_perm) uint32.

    Give either ``texts`` (shingled with ``shingle_options``, see :func:`shingle_sets`) or precomputed
    ``shingles``. ``seed`` draws the permutations: same seed, same signatures. Texts with no shingle get a
    row of ``EMPTY_SIGNATURE_VALUE``.
    """
    if shingles is None:
        if texts is None:
            raise ValueError("give texts or shingles")
        shingles = shingle_sets(texts, **shingle_options)
    n = len(shingles)
    signatures = np.full((n, num_perm), EMPTY_SIGNATURE_VALUE, dtype=np.uint32)
    nonempty = np.flatnonzero(shingles.counts > 0)
    if nonempty.size == 0:
        return signatures
    multipliers, adders = _permutation_parameters(num_perm, seed)
    _signature_kernel(np.ascontiguousarray(shingles.hashes, dtype=np.uint64), np.ascontiguousarray(shingles.offsets, dtype=np.int64),
                      nonempty.astype(np.int64), multipliers, adders, signatures)
    return signatures


def _array(dtype, ndim: int = 1, *, readonly: bool = False):
    """A numba C-contiguous array type for the kernels' explicit signatures. Read-only inputs also accept
    writable arrays; shingle hashes straight from polars are read-only."""
    return numba.types.Array(dtype, ndim, "C", readonly=readonly)


# The kernels below have explicit signatures, so they are compiled (from the cache in the environment)
# when this module is imported: the ~0.4 s of loading them is import time, not a call's.
@numba.njit(numba.void(_array(numba.uint64, readonly=True), _array(numba.int64, readonly=True),
                       _array(numba.int64, readonly=True), _array(numba.uint64, readonly=True),
                       _array(numba.uint64, readonly=True), _array(numba.uint32, 2)), cache=True, nogil=True)
def _signature_kernel(hashes, offsets, docs, multipliers, adders, out):  # pragma: no cover (compiled)
    """out[d, k] = min over text d's shingle hashes h of (multipliers[k] * h + adders[k]) mod 2**64 >> 32.

    One fused loop per text: the numpy version it replaces materialised every permuted shingle and
    reduced with ``np.minimum.reduceat`` (3x slower on two threads than this on one), same results.
    """
    shift = np.uint64(32)
    for i in range(docs.size):
        doc = docs[i]
        lo, hi = offsets[doc], offsets[doc + 1]
        for k in range(multipliers.size):
            multiplier, adder = multipliers[k], adders[k]
            smallest = np.uint64(0xFFFFFFFF)
            for j in range(lo, hi):
                value = (hashes[j] * multiplier + adder) >> shift
                if value < smallest:
                    smallest = value
            out[doc, k] = np.uint32(smallest)


def candidate_probability(similarity: float | np.ndarray, bands: int, rows: int) -> float | np.ndarray:
    """Probability that a pair with Jaccard ``similarity`` shares at least one of ``bands`` bands of ``rows``."""
    return 1.0 - (1.0 - np.asarray(similarity, dtype=float) ** rows) ** bands


def band_keys(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """(n, bands) uint64 bucket keys: a 64-bit mix of each band's ``rows`` signature values.

    Rows whose signature is empty get key 0 in every band (callers skip them; see ``nonempty_rows``).
    """
    n, num_perm = signatures.shape
    if bands * rows > num_perm:
        raise ValueError(f"bands * rows = {bands * rows} exceeds num_perm = {num_perm}")
    multipliers, _ = _permutation_parameters(rows, seed=0xBA5D)
    keys = np.zeros((n, bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for band in range(bands):
            key = np.full(n, np.uint64(band + 1) * np.uint64(0x9E3779B97F4A7C15), dtype=np.uint64)
            for r in range(rows):
                column = signatures[:, band * rows + r].astype(np.uint64)
                key = (key ^ column) * multipliers[r]
                key ^= key >> np.uint64(29)
            keys[:, band] = key
    keys[~nonempty_rows(signatures)] = 0
    return keys


def nonempty_rows(signatures: np.ndarray) -> np.ndarray:
    """Boolean (n,): rows whose text had at least one shingle."""
    return ~np.all(signatures == EMPTY_SIGNATURE_VALUE, axis=1)


def lsh_candidate_pairs(
    signatures: np.ndarray, bands: int = 16, rows: int = 4, *, max_bucket_size: int | None = None
) -> np.ndarray:
    """Pairs of rows that share at least one LSH band: (m, 2) int64, ``i < j``, unique, sorted.

    Empty signatures never pair. ``max_bucket_size``: a bucket with more members than this is linked as a
    chain (each member with the next one, in row order) instead of all pairs, which keeps connected
    components (families) intact while bounding the output; None (default) emits all pairs.
    """
    n = max(len(signatures), 1)
    codes = list(_band_codes(signatures, bands, rows, max_bucket_size))
    if not codes:
        return np.empty((0, 2), dtype=np.int64)
    return _pairs_of_codes(distinct(np.concatenate(codes)), n)


def lsh_similar_pairs(
    signatures: np.ndarray, min_similarity: float, bands: int = 16, rows: int = 4, *, max_bucket_size: int | None = None
) -> tuple[np.ndarray, np.ndarray, int]:
    """The pairs of ``lsh_candidate_pairs`` whose MinHash estimate (``signature_similarity``) reaches
    ``min_similarity``, their estimates (float32), and how many candidate checks that took (a pair found in several
    bands is checked in each). The same pairs, checked band by band: only the pairs kept are held, never every
    candidate (at 2.5M posts: 44M candidates, 62M over the 16 bands, 22M kept; the families' peak fell from
    4.8 to 3.4 GB)."""
    n = max(len(signatures), 1)
    signatures = np.ascontiguousarray(signatures, dtype=np.uint32)
    width = signatures.shape[1]
    empty = ~nonempty_rows(signatures)
    # Each kept code carries its number of equal entries in its low bits, so deduplicating the codes keeps
    # the estimates without a second pass (a pair has the same estimate in every band).
    shift = int(width).bit_length()
    packable = n * n < np.iinfo(np.int64).max >> shift
    kept, checks = [], 0
    for codes in _band_codes(signatures, bands, rows, max_bucket_size):
        checks += codes.size
        estimate = signature_similarity(signatures, _pairs_of_codes(codes, n), empty_rows=empty)
        linked = estimate >= min_similarity
        if packable:
            kept.append((codes[linked] << shift) | np.rint(estimate[linked] * width).astype(np.int64))
        else:
            kept.append(codes[linked])
    if not kept:
        return np.empty((0, 2), dtype=np.int64), np.empty(0, dtype=np.float32), checks
    # The bands' arrays are freed before the codes are sorted, in place: at 10M posts a sorted copy was 0.8 GB
    # more at the families' peak.
    codes = np.concatenate(kept)
    kept.clear()
    kept = distinct(codes, overwrite=True)
    del codes
    if not packable:
        pairs = _pairs_of_codes(kept, n)
        return pairs, signature_similarity(signatures, pairs, empty_rows=empty).astype(np.float32), checks
    similarity = ((kept & ((1 << shift) - 1)) / width).astype(np.float32)
    kept >>= shift
    return _pairs_of_codes(kept, n), similarity, checks


def _band_codes(signatures: np.ndarray, bands: int, rows: int, max_bucket_size: int | None):
    """Per band, the distinct codes low * n + high of the pairs in its buckets (sorted int64)."""
    keys = band_keys(signatures, bands, rows)
    valid = np.flatnonzero(nonempty_rows(signatures))
    n = max(len(signatures), 1)
    # Pairs are kept as codes (8 bytes a pair, not 16, and no pair twice within a band): at 2.5M posts the
    # pairs of 16 bands held 4.6 GB before they were deduplicated.
    for band in range(bands):
        band_key = keys[valid, band]
        # Order within a bucket does not matter (pairs are made canonical and sorted), so the vectorised
        # unstable sort will do.
        order = np.argsort(band_key)
        members = valid[order]
        sorted_keys = band_key[order]
        yield _pair_codes(_pairs_within_equal_runs(sorted_keys, members, max_bucket_size), n)


def _pairs_of_codes(codes: np.ndarray, n: int) -> np.ndarray:
    """(m, 2) int64 pairs (low, high) from codes low * n + high, written in place (no temporaries)."""
    pairs = np.empty((codes.size, 2), dtype=np.int64)
    np.floor_divide(codes, n, out=pairs[:, 0])
    np.remainder(codes, n, out=pairs[:, 1])
    return pairs


def _pair_codes(pairs: np.ndarray, n: int) -> np.ndarray:
    """Distinct codes low * n + high of the pairs (self-pairs dropped), sorted."""
    low = np.minimum(pairs[:, 0], pairs[:, 1])
    high = np.maximum(pairs[:, 0], pairs[:, 1])
    keep = low != high
    return distinct(low[keep] * np.int64(n) + high[keep])


def _pairs_within_equal_runs(sorted_keys: np.ndarray, members: np.ndarray, max_run: int | None) -> np.ndarray:
    """All (i, j) pairs of members inside each run of equal keys (chain for runs longer than max_run)."""
    if sorted_keys.size < 2:
        return np.empty((0, 2), dtype=np.int64)
    boundaries = np.flatnonzero(sorted_keys[1:] != sorted_keys[:-1]) + 1
    starts = np.concatenate(([0], boundaries))
    lengths = np.diff(np.concatenate((starts, [sorted_keys.size])))
    multi = lengths >= 2
    starts, lengths = starts[multi], lengths[multi]
    out = []
    if max_run is not None:
        long_runs = lengths > max_run
        if long_runs.any():
            out.append(_chains(starts[long_runs], lengths[long_runs], members))
        starts, lengths = starts[~long_runs], lengths[~long_runs]
    if starts.size:
        out.append(pairs_in_runs(starts, lengths, members))
    return np.concatenate(out) if out else np.empty((0, 2), dtype=np.int64)


def _chains(starts: np.ndarray, lengths: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Each run ``members[start:start+length]`` in increasing order, linked member to next member."""
    positions = np.repeat(starts, lengths) + _ranges(lengths)
    run = np.repeat(np.arange(starts.size, dtype=np.int64), lengths)
    values = members[positions]
    order = np.lexsort((values, run))
    chained, run = values[order], run[order]
    linked = run[1:] == run[:-1]
    return np.column_stack((chained[:-1][linked], chained[1:][linked])).astype(np.int64, copy=False)


def pairs_in_runs(starts: np.ndarray, lengths: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Every unordered pair inside each run ``members[start:start+length]``: (sum C(len, 2), 2) int64."""
    # Position p in a run pairs with the (run_end - p - 1) positions after it.
    positions = np.repeat(starts, lengths) + _ranges(lengths)
    run_ends = np.repeat(starts + lengths, lengths)
    partners = run_ends - positions - 1
    left = np.repeat(positions, partners)
    right = left + 1 + _ranges(partners)
    return np.column_stack((members[left], members[right])).astype(np.int64, copy=False)


def signature_similarity(signatures: np.ndarray, pairs: np.ndarray, *, empty_rows: np.ndarray | None = None) -> np.ndarray:
    """Estimated Jaccard of each pair: share of equal signature entries (float64, (m,)); 0 if one is empty.

    empty_rows: ``~nonempty_rows(signatures)`` when the caller has it (it costs a pass over the signatures)."""
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    if pairs.shape[0] == 0:
        return np.empty(0, dtype=np.float64)
    estimate = np.empty(pairs.shape[0], dtype=np.float64)
    # A compiled loop compares the two rows in place (gathering both rows of every pair moved 0.5 KB per
    # pair through memory: 9 s for the 44M candidates of 2.5M posts), on two threads (it releases the GIL).
    signatures = np.ascontiguousarray(signatures, dtype=np.uint32)
    left, right = np.ascontiguousarray(pairs[:, 0]), np.ascontiguousarray(pairs[:, 1])
    half = pairs.shape[0] // 2
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda part: _agreement_kernel(signatures, left[part], right[part], estimate[part]),
                      (slice(0, half), slice(half, None))))
    empty = ~nonempty_rows(signatures) if empty_rows is None else empty_rows
    estimate[empty[left] | empty[right]] = 0.0
    return estimate


@numba.njit(numba.void(_array(numba.uint32, 2, readonly=True), *[_array(numba.int64, readonly=True)] * 2,
                       _array(numba.float64)), cache=True, nogil=True)
def _agreement_kernel(signatures, left, right, out):  # pragma: no cover (compiled)
    """out[p] = share of equal entries of signature rows left[p] and right[p]."""
    width = signatures.shape[1]
    for p in range(left.size):
        same = 0
        for k in range(width):
            if signatures[left[p], k] == signatures[right[p], k]:
                same += 1
        out[p] = same / width


def jaccard(a_tokens, b_tokens) -> float:
    """Exact Jaccard similarity |A ∩ B| / |A ∪ B| of two token collections (as sets); 0.0 if both are empty."""
    a, b = set(a_tokens), set(b_tokens)
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def pairwise_jaccard(shingles: ShingleSets, pairs: np.ndarray) -> np.ndarray:
    """Exact Jaccard of the shingle sets of each pair of texts: float64 (m,); 0.0 when both sets are empty.

    pairs: int (m, 2) text indices. See :func:`jaccard_of_pairs`.
    """
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    return jaccard_of_pairs(shingles, pairs[:, 0], pairs[:, 1])


def jaccard_of_pairs(shingles: ShingleSets, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Exact Jaccard of texts ``left[p]`` and ``right[p]``: float64 (m,); 0.0 when both sets are empty.

    Only the texts named are deduplicated (each text's hashes sorted and distinct); a compiled loop then
    intersects each pair's two sorted sets by walking them side by side. Taking the two index columns
    separately spares a copy of the pairs (tens of millions of candidates at 10M posts).
    """
    if len(left) == 0:
        return np.zeros(0, dtype=np.float64)
    docs = distinct(np.concatenate((left, right)).astype(np.int64, copy=False))
    subset = shingles.take(docs).deduplicated(in_place=True)
    left = np.searchsorted(docs, left)
    right = np.searchsorted(docs, right)
    intersection = np.zeros(left.size, dtype=np.int64)
    _intersection_kernel(np.ascontiguousarray(subset.hashes, dtype=np.uint64), subset.offsets, left, right, intersection)
    union = subset.counts[left] + subset.counts[right] - intersection
    return np.where(union > 0, intersection / np.maximum(union, 1), 0.0)


@numba.njit(numba.int64(_array(numba.uint64), _array(numba.int64, readonly=True), _array(numba.int64)),
           cache=True, nogil=True)
def _sort_unique_kernel(hashes, offsets, new_offsets):  # pragma: no cover (compiled)
    """Sort each text's slice of ``hashes`` in place and pack its distinct values to the front of the
    buffer (writes never overtake reads); fills ``new_offsets`` and returns the packed length."""
    write = 0
    new_offsets[0] = 0
    for text in range(offsets.size - 1):
        lo, hi = offsets[text], offsets[text + 1]
        if hi > lo:
            hashes[lo:hi].sort()
            previous = hashes[lo]
            hashes[write] = previous
            write += 1
            for i in range(lo + 1, hi):
                value = hashes[i]
                if value != previous:
                    hashes[write] = value
                    write += 1
                    previous = value
        new_offsets[text + 1] = write
    return write


@numba.njit(numba.void(_array(numba.uint64, readonly=True), *[_array(numba.int64, readonly=True)] * 3, _array(numba.int64)),
           cache=True, nogil=True)
def _intersection_kernel(hashes, offsets, left, right, out):  # pragma: no cover (compiled)
    """out[p] = size of the intersection of sets left[p] and right[p] (sorted, distinct hashes per set)."""
    for p in range(left.size):
        i, i_end = offsets[left[p]], offsets[left[p] + 1]
        j, j_end = offsets[right[p]], offsets[right[p] + 1]
        shared = 0
        while i < i_end and j < j_end:
            if hashes[i] == hashes[j]:
                shared += 1
                i += 1
                j += 1
            elif hashes[i] < hashes[j]:
                i += 1
            else:
                j += 1
        out[p] = shared
