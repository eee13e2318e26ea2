"""MinHash/LSH: estimates track exact Jaccard, planted near-duplicates become candidates, edge cases hold."""
from __future__ import annotations

import numpy as np
import pytest

from workbench.text.minhash import (
    EMPTY_SIGNATURE_VALUE,
    candidate_probability,
    jaccard,
    lsh_candidate_pairs,
    lsh_similar_pairs,
    minhash_signatures,
    pairwise_jaccard,
    shingle_hashes,
    shingle_sets,
    signature_similarity,
)


def _corpus_with_near_duplicates(seed: int = 7, n_random: int = 1500, n_families: int = 40, family_size: int = 5):
    """Random 30-word texts plus families whose members differ from their base by one or two words."""
    rng = np.random.default_rng(seed)
    vocabulary = [f"tok{i}" for i in range(5000)]
    texts, family_of = [], []
    for _ in range(n_random):
        texts.append(" ".join(rng.choice(vocabulary, 30)))
        family_of.append(-1)
    for family in range(n_families):
        base = list(rng.choice(vocabulary, 30, replace=False))
        for _ in range(family_size):
            variant = list(base)
            variant[int(rng.integers(30))] = f"edit{int(rng.integers(10**6))}"
            texts.append(" ".join(variant))
            family_of.append(family)
    return texts, np.array(family_of)


def test_signature_similarity_tracks_exact_jaccard():
    texts, _ = _corpus_with_near_duplicates(n_random=300)
    shingles = shingle_sets(texts)
    signatures = minhash_signatures(shingles=shingles, num_perm=256, seed=3)
    rng = np.random.default_rng(0)
    pairs = np.sort(rng.integers(0, len(texts), size=(400, 2)), axis=1)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    pairs = np.vstack([pairs, [[300 + 5 * f, 301 + 5 * f] for f in range(40)]])  # high-similarity pairs too
    exact = pairwise_jaccard(shingles, pairs)
    estimate = signature_similarity(signatures, pairs)
    # 256 permutations: standard error <= 0.5 / 16 ~ 0.031; allow 4 sigma.
    assert np.max(np.abs(exact - estimate)) < 0.13
    assert exact[-40:].min() > 0.85


def test_lsh_finds_every_planted_near_duplicate_pair():
    texts, family_of = _corpus_with_near_duplicates()
    signatures = minhash_signatures(texts, num_perm=64, seed=0)
    candidates = lsh_candidate_pairs(signatures, bands=16, rows=4)
    assert candidates.dtype == np.int64 and np.all(candidates[:, 0] < candidates[:, 1])
    assert len(np.unique(candidates, axis=0)) == len(candidates)
    found = {tuple(p) for p in candidates.tolist()}
    planted = {
        (i, j)
        for i in range(len(texts))
        for j in range(i + 1, len(texts))
        if family_of[i] >= 0 and family_of[i] == family_of[j]
    }
    assert planted <= found
    # Random 30-of-5000 texts share almost no words: candidates are nearly all planted pairs.
    assert len(found - planted) < 0.05 * len(planted)


def test_exact_pairwise_jaccard_matches_set_jaccard():
    texts = ["the cat sat on the mat", "the cat sat on a mat", "", "dog", "mat on sat cat the", None]
    lists = shingle_hashes(texts)
    pairs = np.array([(i, j) for i in range(len(texts)) for j in range(i + 1, len(texts))])
    expected = [jaccard(lists[i].tolist(), lists[j].tolist()) for i, j in pairs]
    assert np.allclose(pairwise_jaccard(shingle_sets(texts), pairs), expected)
    assert jaccard("the cat sat on the mat".split(), "mat on sat cat the".split()) == 1.0
    assert jaccard([], []) == 0.0


def test_chinese_uses_character_ngrams_and_near_duplicates_match():
    original = "小米汽车的刹车有严重问题大家千万不要买"
    variant = "小米汽车的刹车有严重问题大家千万别买"
    unrelated = "今天天气很好我们去公园散步吧"
    sets = shingle_sets([original, variant, unrelated], cjk_ngram=2)
    assert sets.sizes[0] == len(original) - 1  # all character bigrams distinct here
    similarity = pairwise_jaccard(sets, np.array([[0, 1], [0, 2]]))
    assert similarity[0] > 0.7 and similarity[1] < 0.1
    signatures = minhash_signatures(shingles=sets, num_perm=64)
    assert [0, 1] in lsh_candidate_pairs(signatures, bands=16, rows=4).tolist()


def test_empty_texts_get_empty_signatures_and_never_pair():
    texts = ["", None, "!!!", "", "real words here", "real words here"]
    signatures = minhash_signatures(texts)
    assert np.all(signatures[:4] == EMPTY_SIGNATURE_VALUE)
    assert lsh_candidate_pairs(signatures).tolist() == [[4, 5]]
    assert signature_similarity(signatures, np.array([[0, 1]]))[0] == 0.0


def test_signatures_are_deterministic_per_seed():
    texts, _ = _corpus_with_near_duplicates(n_random=50, n_families=2)
    first = minhash_signatures(texts, num_perm=32, seed=11)
    assert np.array_equal(first, minhash_signatures(texts, num_perm=32, seed=11))
    assert not np.array_equal(first, minhash_signatures(texts, num_perm=32, seed=12))


def test_word_ngrams_and_punctuation_tokenizer():
    assert shingle_sets(["a b c d"], word_ngram=2).sizes.tolist() == [3]
    assert shingle_sets(["a"], word_ngram=3).sizes.tolist() == [1]
    # "words" ignores punctuation; "words_punct" counts it and keeps "t.co" / "don't" whole.
    assert shingle_sets(["don't stop!"], tokenizer="words").sizes.tolist() == [3]
    assert shingle_sets(["don't stop! t.co"], tokenizer="words_punct").sizes.tolist() == [4]
    with pytest.raises(ValueError):
        shingle_sets(["x"], tokenizer="nope")


def test_similar_pairs_band_by_band_are_the_candidates_that_pass_the_estimate():
    texts, _ = _corpus_with_near_duplicates()
    texts += ["same text here"] * 6 + [""]  # a chained bucket and an empty signature too
    signatures = minhash_signatures(texts, num_perm=64, seed=0)
    for cap in (None, 3):
        candidates = lsh_candidate_pairs(signatures, max_bucket_size=cap)
        expected = candidates[signature_similarity(signatures, candidates) >= 0.9]
        pairs, similarity, checks = lsh_similar_pairs(signatures, 0.9, max_bucket_size=cap)
        assert 0 < len(expected) < len(candidates)
        assert pairs.tolist() == expected.tolist()
        assert similarity.tolist() == signature_similarity(signatures, expected).tolist()
        assert checks >= len(candidates)  # a pair found in several bands is checked in each


def test_large_bucket_is_chained_when_capped():
    signatures = minhash_signatures(["same text here"] * 6 + ["other words entirely"])
    assert len(lsh_candidate_pairs(signatures)) == 15
    assert lsh_candidate_pairs(signatures, max_bucket_size=3).tolist() == [[0, 1], [1, 2], [2, 3], [3, 4], [4, 5]]


def test_candidate_probability_curve():
    assert candidate_probability(0.9, 16, 4) > 0.999
    assert candidate_probability(0.2, 8, 8) < 0.001


def test_distinct_equals_numpy_unique():
    from workbench.arrays import distinct

    rng = np.random.default_rng(0)
    for values in (rng.integers(-10**12, 10**12, 5000), rng.integers(0, 5, 100), np.empty(0, np.int64),
                   rng.integers(0, 2**63, 1000, dtype=np.uint64), rng.integers(0, 9, (20, 2))):
        assert np.array_equal(distinct(values), np.unique(values))
