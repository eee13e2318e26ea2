"""Narrative clusters: UMAP (cosine) then HDBSCAN over text embeddings, fit on a sample, the rest assigned.

Defaults (BERTopic's where they apply) and why
----------------------------------------------
- Units are distinct normalised texts, not posts: 5,000 verbatim copies are one point (their weight shows
  in the cluster's post counts), so copy volume cannot fake a narrative and duplicates do not break UMAP.
- `center=True`: the corpus mean vector is subtracted and rows re-normalised before anything else. With the
  default hashing embedding this removes what every post shares (common characters, `<url>`) — the job IDF
  does in TF-IDF — without making the cached vectors corpus-dependent.
- UMAP: `n_neighbors=15`, `n_components=5`, `min_dist=0.0`, `metric="cosine"`, `random_state` fixed (UMAP
  is then single-threaded and deterministic).
- HDBSCAN (the `hdbscan` package, ~10x faster than scikit-learn's here): `min_cluster_size` defaults to
  max(10, 0.5 % of the fit sample), `min_samples` to min(10, min_cluster_size), leaf-free "eom" selection.
- Scale: UMAP costs ~137 s per 100k points on 2 cores and grows faster than linearly, so it is fit on at
  most `sample_size` (20,000) distinct texts drawn with `random_state`. Every other text is assigned by its
  `assign_neighbors` (10) nearest fit-sample texts in the (centred) embedding space, cosine, with votes
  weighted by similarity; if "noise" wins the vote the text is noise. Its outlier score is the similarity-
  weighted mean of its neighbours' GLOSH scores. bench/bench_text_narratives.py measures what this costs in
  agreement with a full fit.
- Map: a separate 2D UMAP over at most `map_sample_size` (5,000) texts of the fit sample, for plotting.

After `fit(posts, embeddings)`:
- `labels_` (np.int64, one per post row, -1 noise) and `outlier_scores_` (float, 0 typical - 1 outlying).
- `posts_`: post_id, account_id, created_at, lang, text_hash, cluster, outlier_score.
- `clusters_`: cluster, size (posts), distinct_texts, accounts, first_post_at, last_post_at, languages,
  keywords (list), keyword_scores (list), exemplars (list of texts), exemplar_post_ids, fit_texts (texts
  of the cluster inside the fit sample), plus tactic, tactic_share, tactic_words, tactic_source.
- `map_`: x, y, cluster, post_id, account_id, text (the original text of one post per mapped text).
- `timeseries(every="1d")`: posts per cluster per time bucket.
"""
from __future__ import annotations

import time

import numpy as np
import polars as pl

from workbench.errors import check_fitted
from workbench.text.families import prepare_texts
from workbench.text.keywords import class_tfidf_keywords
from workbench.text.lang import with_languages
from workbench.text.tactics import label_tactics


def knn_assign(reference: np.ndarray, reference_labels: np.ndarray, reference_scores: np.ndarray,
               queries: np.ndarray, k: int = 10, chunk: int = 4096) -> tuple[np.ndarray, np.ndarray]:
    """Labels and outlier scores for `queries` from their k most cosine-similar `reference` rows (both
    L2-normalised float32). Votes are weighted by similarity (clipped at 0); noise (-1) is a candidate label.
    Ties break to the smaller label. Returns (labels int64, scores float64)."""
    n = queries.shape[0]
    labels = np.full(n, -1, dtype=np.int64)
    scores = np.ones(n, dtype=np.float64)
    if n == 0 or reference.shape[0] == 0:
        return labels, scores
    k = min(k, reference.shape[0])
    label_values, label_codes = np.unique(reference_labels, return_inverse=True)
    for start in range(0, n, chunk):
        sims = queries[start:start + chunk] @ reference.T
        nearest = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        weights = np.clip(np.take_along_axis(sims, nearest, axis=1), 0.0, None).astype(np.float64) + 1e-9
        codes = label_codes[nearest]
        votes = np.zeros((nearest.shape[0], label_values.size), dtype=np.float64)
        np.add.at(votes, (np.repeat(np.arange(nearest.shape[0]), k), codes.ravel()), weights.ravel())
        labels[start:start + chunk] = label_values[np.argmax(votes, axis=1)]
        scores[start:start + chunk] = (weights * reference_scores[nearest]).sum(axis=1) / weights.sum(axis=1)
    return labels, scores


class NarrativeClusters:
    """UMAP + HDBSCAN narrative clusters with keywords, exemplars and tactic labels (see module docstring).

    Parameters: n_neighbors, n_components, min_dist, metric (UMAP); min_cluster_size, min_samples (HDBSCAN;
    None = auto); sample_size (distinct texts UMAP/HDBSCAN are fit on); assign_neighbors (k for assigning the
    rest); map_sample_size (points on the 2D map); center (subtract the corpus mean vector); top_n_keywords,
    keyword_docs (posts per cluster segmented for keywords), n_exemplars; tactic_seeds, tactic_overrides,
    tactic_min_share (see `tactics.label_tactics`); random_state.
    """

    # Set by fit (see the module docstring); methods that need them raise NotFittedError before it.
    FITTED_ATTRIBUTES = ("labels_", "outlier_scores_", "posts_", "clusters_", "map_")

    def __init__(self, n_neighbors: int = 15, n_components: int = 5, min_dist: float = 0.0, metric: str = "cosine",
                 min_cluster_size: int | None = None, min_samples: int | None = None, sample_size: int = 20_000,
                 assign_neighbors: int = 10, map_sample_size: int = 5_000, center: bool = True,
                 top_n_keywords: int = 10, keyword_docs: int = 1000, n_exemplars: int = 5,
                 tactic_seeds: dict | None = None, tactic_overrides: dict | None = None,
                 tactic_min_share: float = 0.15, random_state: int = 0):
        self.n_neighbors = n_neighbors
        self.n_components = n_components
        self.min_dist = min_dist
        self.metric = metric
        self.min_cluster_size = min_cluster_size
        self.min_samples = min_samples
        self.sample_size = sample_size
        self.assign_neighbors = assign_neighbors
        self.map_sample_size = map_sample_size
        self.center = center
        self.top_n_keywords = top_n_keywords
        self.keyword_docs = keyword_docs
        self.n_exemplars = n_exemplars
        self.tactic_seeds = tactic_seeds
        self.tactic_overrides = tactic_overrides
        self.tactic_min_share = tactic_min_share
        self.random_state = random_state

    # -- fitting ---------------------------------------------------------------------------------
    def fit(self, posts: pl.DataFrame, embeddings: np.ndarray) -> "NarrativeClusters":
        """posts: canonical posts frame (post_id, account_id, created_at, text; lang optional; `text_norm`,
        `text_hash` reused if present). embeddings: (len(posts), dim) float, one row per post, e.g. from
        `embed.embed_texts(posts["text"])`. Returns self."""
        timings: dict[str, float] = {}
        started = time.perf_counter()
        embeddings = np.asarray(embeddings, dtype=np.float32)
        if embeddings.shape[0] != posts.height:
            raise ValueError(f"{embeddings.shape[0]} embeddings for {posts.height} posts")
        posts = prepare_texts(posts)
        if "lang" not in posts.columns or posts["lang"].null_count():
            posts = with_languages(posts)
        frame = posts.select("post_id", "account_id", "created_at", "lang", "text", "text_norm", "text_hash") \
            .with_row_index("row")
        distinct = (
            frame.filter(pl.col("text_norm").str.len_chars() > 0)
            .group_by("text_hash")
            .agg(pl.col("row").min(), pl.len().alias("posts"))
            .sort("text_hash")
        )
        vectors = embeddings[distinct["row"].to_numpy()]
        if self.center and vectors.shape[0]:
            vectors = vectors - vectors.mean(axis=0, keepdims=True)
            norms = np.linalg.norm(vectors, axis=1, keepdims=True)
            vectors = (vectors / np.where(norms > 0, norms, 1.0)).astype(np.float32)
        n = vectors.shape[0]
        rng = np.random.default_rng(self.random_state)
        fit_rows = np.sort(rng.choice(n, size=min(self.sample_size, n), replace=False)) if n else np.zeros(0, int)
        timings["prepare"] = time.perf_counter() - started

        labels = np.full(n, -1, dtype=np.int64)
        scores = np.ones(n, dtype=np.float64)
        self.min_cluster_size_ = self.min_cluster_size or max(10, int(round(0.005 * fit_rows.size)))
        self.min_samples_ = self.min_samples or min(10, self.min_cluster_size_)
        if fit_rows.size > max(self.n_neighbors, self.min_cluster_size_) + 1:
            started = time.perf_counter()
            reduced = self._umap(self.n_components).fit_transform(vectors[fit_rows])
            timings["umap_fit"] = time.perf_counter() - started
            started = time.perf_counter()
            import hdbscan

            clusterer = hdbscan.HDBSCAN(min_cluster_size=self.min_cluster_size_, min_samples=self.min_samples_,
                                        cluster_selection_method="eom", core_dist_n_jobs=1)
            clusterer.fit(reduced)
            fit_labels = clusterer.labels_.astype(np.int64)
            fit_scores = np.nan_to_num(np.asarray(clusterer.outlier_scores_, dtype=np.float64), nan=1.0)
            timings["hdbscan"] = time.perf_counter() - started
            labels[fit_rows] = fit_labels
            scores[fit_rows] = fit_scores
            started = time.perf_counter()
            rest = np.setdiff1d(np.arange(n), fit_rows, assume_unique=True)
            labels[rest], scores[rest] = knn_assign(vectors[fit_rows], fit_labels, fit_scores, vectors[rest],
                                                    k=self.assign_neighbors)
            timings["assign"] = time.perf_counter() - started
        labels = self._renumber(labels, distinct)

        started = time.perf_counter()
        per_text = distinct.select("text_hash").with_columns(
            pl.Series("cluster", labels, dtype=pl.Int64), pl.Series("outlier_score", scores, dtype=pl.Float64),
            pl.Series("in_fit_sample", np.isin(np.arange(n), fit_rows)),
        )
        post_frame = frame.join(per_text, on="text_hash", how="left", maintain_order="left").with_columns(
            pl.col("cluster").fill_null(-1), pl.col("outlier_score").fill_null(1.0), pl.col("in_fit_sample").fill_null(False)
        )
        self.labels_ = post_frame["cluster"].to_numpy()
        self.outlier_scores_ = post_frame["outlier_score"].to_numpy()
        self.posts_ = post_frame.select("post_id", "account_id", "created_at", "lang", "text_hash", "cluster", "outlier_score")
        self.clusters_ = self._describe(post_frame)
        timings["describe"] = time.perf_counter() - started
        started = time.perf_counter()
        self.map_ = self._map(vectors, fit_rows, labels, distinct, frame)
        timings["map"] = time.perf_counter() - started
        self.n_fit_texts_ = int(fit_rows.size)
        self.n_distinct_texts_ = int(n)
        self.timings_ = timings
        return self

    def _umap(self, components: int):
        import umap

        return umap.UMAP(n_neighbors=self.n_neighbors, n_components=components, min_dist=self.min_dist,
                         metric=self.metric, random_state=self.random_state, low_memory=True, n_jobs=1)

    @staticmethod
    def _renumber(labels: np.ndarray, distinct: pl.DataFrame) -> np.ndarray:
        """Cluster ids ordered by posts (descending), then smallest text hash: stable across reruns."""
        frame = pl.DataFrame({"label": labels, "posts": distinct["posts"], "text_hash": distinct["text_hash"]})
        order = (
            frame.filter(pl.col("label") >= 0).group_by("label")
            .agg(pl.col("posts").sum(), pl.col("text_hash").min())
            .sort(["posts", "text_hash"], descending=[True, False])
            .with_row_index("new")
        )
        mapping = dict(zip(order["label"].to_list(), order["new"].to_list()))
        return np.array([mapping.get(int(label), -1) for label in labels], dtype=np.int64)

    def _describe(self, post_frame: pl.DataFrame) -> pl.DataFrame:
        clustered = post_frame.filter(pl.col("cluster") >= 0)
        schema_frame = pl.DataFrame(schema={"cluster": pl.Int64})
        if clustered.height == 0:
            return schema_frame
        stats = clustered.group_by("cluster").agg(
            pl.len().alias("size"),
            pl.col("text_hash").n_unique().alias("distinct_texts"),
            pl.col("account_id").n_unique().alias("accounts"),
            pl.col("created_at").min().alias("first_post_at"),
            pl.col("created_at").max().alias("last_post_at"),
            pl.col("in_fit_sample").sum().alias("fit_posts"),
        )
        languages = (
            clustered.group_by("cluster", "lang").len()
            .sort(["cluster", "len", "lang"], descending=[False, True, False])
            .group_by("cluster", maintain_order=True).agg(pl.col("lang").alias("languages"))
        )
        # Exemplars: the most typical distinct texts (lowest outlier score), more-copied first on ties.
        exemplars = (
            clustered.group_by("cluster", "text_hash")
            .agg(pl.col("outlier_score").first(), pl.len().alias("copies"), pl.col("text").first(),
                 pl.col("post_id").min())
            .sort(["cluster", "outlier_score", "copies", "text_hash"], descending=[False, False, True, False])
            .group_by("cluster", maintain_order=True)
            .agg(pl.col("text").head(self.n_exemplars).alias("exemplars"),
                 pl.col("post_id").head(self.n_exemplars).alias("exemplar_post_ids"))
        )
        keywords = class_tfidf_keywords(
            post_frame["text_norm"].to_list(), post_frame["cluster"].to_numpy(), post_frame["lang"].to_list(),
            top_n=self.top_n_keywords, max_docs_per_class=self.keyword_docs, seed=self.random_state,
        ).group_by("cluster", maintain_order=True).agg(
            pl.col("keyword").alias("keywords"), pl.col("score").alias("keyword_scores"))
        clusters = (
            stats.join(languages, on="cluster", how="left")
            .join(keywords, on="cluster", how="left")
            .join(exemplars, on="cluster", how="left")
            .sort("cluster")
        )
        return label_tactics(clusters, posts=clustered.select("cluster", "text_norm"), seeds=self.tactic_seeds,
                             overrides=self.tactic_overrides, min_share=self.tactic_min_share)

    def _map(self, vectors, fit_rows, labels, distinct, frame) -> pl.DataFrame:
        empty = pl.DataFrame(schema={"x": pl.Float64, "y": pl.Float64, "cluster": pl.Int64, "post_id": pl.String,
                                     "account_id": pl.String, "text": pl.String})
        if fit_rows.size <= self.n_neighbors + 1:
            return empty
        rng = np.random.default_rng(self.random_state + 1)
        rows = np.sort(rng.choice(fit_rows, size=min(self.map_sample_size, fit_rows.size), replace=False))
        coords = self._umap(2).fit_transform(vectors[rows])
        first_rows = distinct["row"].to_numpy()[rows]
        picked = frame[first_rows]
        return pl.DataFrame({
            "x": coords[:, 0].astype(np.float64), "y": coords[:, 1].astype(np.float64),
            "cluster": labels[rows], "post_id": picked["post_id"], "account_id": picked["account_id"],
            "text": picked["text"],
        })

    # -- views -----------------------------------------------------------------------------------
    def timeseries(self, every: str = "1d") -> pl.DataFrame:
        """Posts per cluster per time bucket (`every` as in polars: "1h", "1d", "1w"): cluster, bucket, posts."""
        check_fitted(self)
        return (
            self.posts_.with_columns(pl.col("created_at").dt.truncate(every).alias("bucket"))
            .group_by("cluster", "bucket").len().rename({"len": "posts"})
            .sort(["cluster", "bucket"])
        )


# -- a cached run: embeddings by text hash, whole results by corpus fingerprint ------------------------
def corpus_fingerprint(posts: pl.DataFrame) -> str:
    """BLAKE2b-128 over the posts' (post_id, account_id, created_at, text_hash), in post_id order: any
    change to the corpus changes it. posts need `text_hash` (see `families.prepare_texts`)."""
    import hashlib

    joined = (
        posts.sort("post_id")
        .select(pl.concat_str([pl.col("post_id"), pl.col("account_id"), pl.col("created_at").cast(pl.String),
                               pl.col("text_hash")], separator="\x1f", ignore_nulls=True).alias("key"))
        .select(pl.col("key").str.join("\x1e"))
        .item()
    )
    return hashlib.blake2b((joined or "").encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def fit_narratives(posts: pl.DataFrame, backend=None, cache=None, lookup=None, **params) -> NarrativeClusters:
    """The whole narrative step on a posts frame: normalise, embed (through `cache`, an embedding cache with
    the Store's `cached_vectors`/`cache_vectors`, when given), fit `NarrativeClusters(**params)`.

    `model.run_id_` is a key derived from the corpus fingerprint, the backend and the parameters, and
    `model.settings_` those settings. lookup: a function key -> {"narrative_posts", "narrative_clusters",
    "narrative_map"} frames stored earlier, or None; when it finds them the model is filled from them
    instead of refitting (`model.cache_hit_`). Storing results is the caller's business
    (`workbench.pipeline.fit_narratives_cached`): this layer writes nothing."""
    import hashlib
    import json

    from workbench.text.embed import EmbeddingStats, embed_texts, get_backend

    backend = get_backend(backend)
    model = NarrativeClusters(**params)
    started = time.perf_counter()
    posts = prepare_texts(posts)
    settings = {key: value for key, value in vars(model).items()}
    settings["backend"] = backend.key
    run_id = "narratives-" + hashlib.blake2b(
        (corpus_fingerprint(posts) + json.dumps(settings, sort_keys=True, default=str)).encode(), digest_size=12
    ).hexdigest()
    prepare_s = time.perf_counter() - started
    model.settings_ = settings
    if lookup is not None:
        loaded = lookup(run_id)
        if loaded and loaded["narrative_posts"].height == posts.height:
            by_post = posts.select("post_id").join(loaded["narrative_posts"], on="post_id", how="left", maintain_order="left")
            model.posts_ = by_post
            model.labels_ = by_post["cluster"].to_numpy()
            model.outlier_scores_ = by_post["outlier_score"].to_numpy()
            model.clusters_ = loaded["narrative_clusters"].sort("cluster")
            model.map_ = loaded["narrative_map"]
            model.cache_hit_, model.run_id_ = True, run_id
            model.timings_ = {"prepare": prepare_s, "load_cached": time.perf_counter() - started - prepare_s}
            return model
    stats = EmbeddingStats()
    embeddings = embed_texts(posts["text_norm"], backend=backend, cache=cache, normalized=True, stats=stats)
    model.fit(posts, embeddings)
    model.timings_ = {"prepare": prepare_s, "embed": sum(stats.seconds.values()), **model.timings_}
    model.embedding_stats_ = stats
    model.cache_hit_, model.run_id_ = False, run_id
    return model
