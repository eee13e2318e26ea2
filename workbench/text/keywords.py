"""Class-based TF-IDF keywords per cluster, language-aware.

All posts of a cluster are one document (BERTopic's c-TF-IDF). For term t and cluster c:

    score(t, c) = tf(t, c) / words(c) * log(1 + A / f(t))

where tf is t's count in c, words(c) the cluster's word count, f(t) t's count over all clusters (noise
included) and A the average word count per cluster. Words come from `segment.tokenize` with each post's
language: jieba words for Chinese, regex words for the rest; the stopwords of every language present in the
corpus are dropped from every post (a Russian post quoted in an English thread, an English brand slogan
inside Chinese text), so no function word of any language ranks as a keyword.

jieba is slow, so each cluster contributes at most `max_docs_per_class` posts, drawn with `seed`: keywords of
a 100k-post cluster come from a 1,000-post sample, which ranks the top words the same way in practice.
"""
from __future__ import annotations

import math
from collections import Counter

import numpy as np
import polars as pl

from workbench.text.segment import stopwords_for, tokenize


def sample_per_class(labels: np.ndarray, max_per_class: int, seed: int = 0) -> np.ndarray:
    """Sorted row indices with at most `max_per_class` rows of each label, chosen with `seed`."""
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    keep = []
    for label in np.unique(labels):
        rows = np.flatnonzero(labels == label)
        if rows.size > max_per_class:
            rows = np.sort(rng.choice(rows, size=max_per_class, replace=False))
        keep.append(rows)
    return np.sort(np.concatenate(keep)) if keep else np.zeros(0, dtype=np.int64)


def class_tfidf_keywords(texts: list[str], labels: np.ndarray, langs: list[str | None] | None = None,
                         top_n: int = 10, max_docs_per_class: int = 1000, seed: int = 0,
                         include_noise: bool = False) -> pl.DataFrame:
    """Top keywords per cluster. texts: normalised texts; labels: cluster per text (-1 = noise); langs:
    language code per text (None: guessed per text by script). Returns cluster, rank (1 = best), keyword,
    score, count (occurrences in the cluster's sample); sorted by cluster, rank. Ties break alphabetically."""
    labels = np.asarray(labels)
    rows = sample_per_class(labels, max_docs_per_class, seed)
    per_class: dict[int, Counter] = {}
    stop = stopwords_for(set(langs) if langs is not None else {None})
    for row in rows:
        lang = langs[row] if langs is not None else None
        per_class.setdefault(int(labels[row]), Counter()).update(tokenize(texts[row], lang, stop=stop))
    overall: Counter = Counter()
    for counts in per_class.values():
        overall.update(counts)
    if not per_class:
        return pl.DataFrame(schema={"cluster": pl.Int64, "rank": pl.Int64, "keyword": pl.String,
                                    "score": pl.Float64, "count": pl.Int64})
    average_words = sum(overall.values()) / len(per_class)
    out = []
    for cluster in sorted(per_class):
        if cluster < 0 and not include_noise:
            continue
        counts = per_class[cluster]
        words = sum(counts.values()) or 1
        scored = [(count / words * math.log(1 + average_words / overall[term]), term, count)
                  for term, count in counts.items()]
        scored.sort(key=lambda item: (-item[0], item[1]))
        out += [(cluster, rank, term, score, count) for rank, (score, term, count) in enumerate(scored[:top_n], 1)]
    return pl.DataFrame(out, schema={"cluster": pl.Int64, "rank": pl.Int64, "keyword": pl.String,
                                     "score": pl.Float64, "count": pl.Int64}, orient="row")
