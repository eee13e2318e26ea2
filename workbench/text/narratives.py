"""Narrative clusters: what the posts claim, across languages, and how much of each claim the campaign drives.

Pipeline (BERTopic's shape, steps passed in as objects where they matter)
-------------------------------------------------------------------------
1. Units. A repost says what the post it shares says: reposts (and quotes with no words of their own) take
   the narrative of their shared post when it is in the corpus. Other posts are clustered by their own
   text if it has at least `min_content_chars` letters (a Han character counts two): "转发微博", "lol" or a
   bare link says nothing to cluster. Units are distinct texts: 5,000 verbatim copies are one point (their
   weight shows in post counts), so copy volume cannot fake a narrative.
2. Embedding: any object with `key`, `dim`, `embed(texts)` (`workbench.text.embed`); the default is the
   multilingual Universal Sentence Encoder, so a claim, its paraphrase and its translation land close.
   With `mask=True`, `fit_narratives` masks the target's and competitors' names first (`mask_names`), so
   clusters follow what is said about a brand rather than which spelling of its name a post uses (measured:
   more smear posts in campaign clusters, but Chinese tactic labels collapse, so it is off by default).
3. `center=True`: the corpus mean vector is subtracted (what every post shares), rows re-normalised.
4. UMAP (`n_neighbors=15`, `n_components=5`, `min_dist=0`, cosine, fixed `random_state`: single-threaded,
   deterministic) and HDBSCAN (`min_cluster_size` = max(10, 0.5 % of the fit sample), `min_samples` =
   min(10, that), "eom") on at most `sample_size` units drawn with `random_state`.
5. Merge: clusters whose centroids (centred space) have cosine >= `merge_threshold` are one narrative:
   HDBSCAN splits one claim by language or wording; their centroids average the wording out.
6. Assignment of the other units: PCA (fit on the sample) to `assign_dims` dimensions, then a
   similarity-weighted vote of the `assign_neighbors` (10) nearest sample units, in blocks (memory bounded,
   voted on every core; noise can win). The neighbours come from an inverted-file index over the sample
   (`workbench.text.ann`: k-means cells, each unit searched in its `assign_probe` nearest cells) instead of
   every sample unit. Its outlier score is the weighted mean of the neighbours' GLOSH scores.
7. Description: keywords (class-based TF-IDF, stopwords of every language present removed, Chinese
   segmented with jieba), exemplars (most typical texts, languages taken in turn), languages; tactics from
   the posts' nearest prototypes (`tactics.TacticPrototypes`) when an embedding model is at hand, else
   from seed words; analyst overrides win.
8. Campaign drive (`narrative_drive`, not cached: flags change): per narrative the share of its posts and
   accounts that are flagged, the lift over the corpus' flagged share, whether the campaign drives it.

After `fit(posts, embeddings)`:
- `labels_` (np.int64, one per post row, -1 noise or too short) and `outlier_scores_` (float, 0 typical).
- `posts_`: post_id, account_id, created_at, lang, text_hash, cluster, outlier_score, tactic (per post).
- `clusters_`: cluster, size (posts), distinct_texts, accounts, first_post_at, last_post_at, languages,
  keywords, keyword_scores, exemplars, exemplar_post_ids, exemplar_langs, fit_posts, tactic, tactic_share,
  tactic_shares, tactic_source.
- `map_`: x, y, cluster, post_id, account_id, text (one post per mapped text).
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
from workbench.text.normalize import DENSE_CHARACTER_RE, PLACEHOLDERS_RE
from workbench.text.tactics import TacticPrototypes, label_tactics, label_tactics_by_posts



def content_chars(text_norm: pl.Expr) -> pl.Expr:
    """Letters of a normalised text with CJK characters counted twice (placeholders and digits left out)."""
    bare = text_norm.fill_null("").str.replace_all(PLACEHOLDERS_RE, " ")
    return bare.str.count_matches(r"\p{L}") + bare.str.count_matches(DENSE_CHARACTER_RE)


MASK_TOKENS = ("x", "y")  # lower case: texts are case-folded, and the tactic prototypes are normalised alike


def mask_names(text_norm: pl.Series, target_terms=(), competitor_terms=(), target_token: str = MASK_TOKENS[0],
               competitor_token: str = MASK_TOKENS[1]) -> pl.Series:
    """Normalised texts with the target's names replaced by `target_token` and competitors' by
    `competitor_token` (longest name first; names are normalised like the texts)."""
    from workbench.text.normalize import normalize_text

    pairs = {}
    for terms, token in ((competitor_terms, competitor_token), (target_terms, target_token)):
        for term in terms:
            norm = normalize_text(term)
            if norm:
                pairs[norm] = token
    if not pairs:
        return text_norm
    names = sorted(pairs, key=lambda term: (-len(term), term))
    return text_norm.str.replace_many(names, [pairs[name] for name in names], leftmost=True)


def knn_assign(reference: np.ndarray, reference_labels: np.ndarray, reference_scores: np.ndarray,
               queries: np.ndarray, k: int = 10, chunk: int = 1024, index=None) -> tuple[np.ndarray, np.ndarray]:
    """Labels and outlier scores for `queries` from their k most cosine-similar `reference` rows (both
    L2-normalised float32). Votes are weighted by similarity (clipped at 0); noise (-1) is a candidate label.
    Ties break to the smaller label. index: an approximate search fit on `reference` (`kneighbors(queries, k)`
    -> similarities, rows; see `workbench.text.ann`), None to compare with every reference row.
    Returns (labels int64, scores float64)."""
    n = queries.shape[0]
    labels = np.full(n, -1, dtype=np.int64)
    scores = np.ones(n, dtype=np.float64)
    if n == 0 or reference.shape[0] == 0:
        return labels, scores
    k = min(k, reference.shape[0])
    label_values, label_codes = np.unique(reference_labels, return_inverse=True)
    # Brute force: a chunk holds its similarities, their negation and argpartition's int64 positions, 16 bytes
    # per query and reference row (1024 x 20,000: 330 MB; 4096 rows held 1.3 GB for the same speed). The
    # index holds about 8 KB per query (centroid similarities, candidates, their order): 16 times the chunk.
    chunk = chunk * 16 if index is not None else chunk
    for start in range(0, n, chunk):
        if index is None:
            sims = queries[start:start + chunk] @ reference.T
            nearest = np.argpartition(-sims, k - 1, axis=1)[:, :k]
            near_sims = np.take_along_axis(sims, nearest, axis=1)
        else:
            near_sims, nearest = index.kneighbors(queries[start:start + chunk], k)
        # A row the index could not fill (-1 at -inf) weighs nothing.
        weights = np.clip(near_sims, 0.0, None).astype(np.float64) + 1e-9 * (nearest >= 0)
        codes = label_codes[nearest]
        votes = np.zeros((nearest.shape[0], label_values.size), dtype=np.float64)
        np.add.at(votes, (np.repeat(np.arange(nearest.shape[0]), k), codes.ravel()), weights.ravel())
        labels[start:start + chunk] = label_values[np.argmax(votes, axis=1)]
        scores[start:start + chunk] = (weights * reference_scores[nearest]).sum(axis=1) / weights.sum(axis=1)
    return labels, scores


def merge_clusters(vectors: np.ndarray, labels: np.ndarray, threshold: float) -> np.ndarray:
    """Labels with clusters merged when their centroids' cosine is >= threshold (connected components of
    that graph; noise stays noise). Merged clusters take the smallest label of their component."""
    clusters = np.unique(labels[labels >= 0])
    if clusters.size < 2 or threshold >= 1:
        return labels
    centroids = np.stack([vectors[labels == c].mean(axis=0) for c in clusters])
    centroids /= np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-12)
    linked = (centroids @ centroids.T) >= threshold
    parent = np.arange(clusters.size)

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in zip(*np.nonzero(np.triu(linked, 1))):
        a, b = root(i), root(j)
        if a != b:
            parent[max(a, b)] = min(a, b)
    mapping = {int(c): int(clusters[root(i)]) for i, c in enumerate(clusters)}
    return np.array([mapping.get(int(label), -1) for label in labels], dtype=np.int64)


class NarrativeClusters:
    """Claim-level narrative clusters with keywords, exemplars and tactic labels (see module docstring).

    Parameters: embedding_model (backend object or name; embeds texts when `fit` gets no embeddings, and the
    tactic prototypes); n_neighbors, n_components, min_dist, metric (UMAP); min_cluster_size, min_samples
    (HDBSCAN; None = auto); sample_size (units UMAP/HDBSCAN are fit on); merge_threshold (centroid cosine at
    which clusters merge; 1 = never); assign_neighbors, assign_dims (k for assigning the rest; PCA
    dimensions UMAP and the assignment work in, fit on the sample; 0 = full space); assign_probe (cells of
    the approximate neighbour index each unit is searched in; 0 = compare with every sample unit); min_content_chars (shorter texts are not clustered); map_sample_size; center; top_n_keywords,
    keyword_docs, n_exemplars; target_terms, competitor_terms (fill the tactic prototypes); tactic_prototypes,
    tactic_min_similarity, tactic_seeds (keyword fallback without a model), tactic_overrides,
    tactic_min_share; random_state.
    """

    # Set by fit (see the module docstring); methods that need them raise NotFittedError before it.
    FITTED_ATTRIBUTES = ("labels_", "outlier_scores_", "posts_", "clusters_", "map_")

    def __init__(self, embedding_model=None, n_neighbors: int = 15, n_components: int = 5, min_dist: float = 0.0,
                 metric: str = "cosine", min_cluster_size: int | None = None, min_samples: int | None = None,
                 sample_size: int = 20_000, merge_threshold: float = 0.8, assign_neighbors: int = 10,
                 assign_dims: int = 64, assign_probe: int = 16, min_content_chars: int = 8, map_sample_size: int = 5_000,
                 center: bool = True, top_n_keywords: int = 10, keyword_docs: int = 1000, n_exemplars: int = 5,
                 target_terms: tuple[str, ...] = (), competitor_terms: tuple[str, ...] = (),
                 tactic_prototypes: dict | None = None, tactic_min_similarity: float = 0.3,
                 tactic_seeds: dict | None = None, tactic_overrides: dict | None = None,
                 tactic_min_share: float = 0.3, random_state: int = 0):
        self.embedding_model = embedding_model
        self.n_neighbors = n_neighbors
        self.n_components = n_components
        self.min_dist = min_dist
        self.metric = metric
        self.min_cluster_size = min_cluster_size
        self.min_samples = min_samples
        self.sample_size = sample_size
        self.merge_threshold = merge_threshold
        self.assign_neighbors = assign_neighbors
        self.assign_dims = assign_dims
        self.assign_probe = assign_probe
        self.min_content_chars = min_content_chars
        self.map_sample_size = map_sample_size
        self.center = center
        self.top_n_keywords = top_n_keywords
        self.keyword_docs = keyword_docs
        self.n_exemplars = n_exemplars
        self.target_terms = target_terms
        self.competitor_terms = competitor_terms
        self.tactic_prototypes = tactic_prototypes
        self.tactic_min_similarity = tactic_min_similarity
        self.tactic_seeds = tactic_seeds
        self.tactic_overrides = tactic_overrides
        self.tactic_min_share = tactic_min_share
        self.random_state = random_state

    # -- units -----------------------------------------------------------------------------------
    def units(self, posts: pl.DataFrame) -> pl.DataFrame:
        """The posts frame (with text_norm, text_hash, lang) plus `own_text`: whether the post is clustered by
        its own text (else it inherits its shared post's narrative, or stays unclustered when too short)."""
        posts = prepare_texts(posts)
        if "lang" not in posts.columns or posts["lang"].null_count():
            posts = with_languages(posts)
        enough = content_chars(pl.col("text_norm")) >= self.min_content_chars
        if "kind" in posts.columns:
            reposted = pl.col("kind").fill_null("post").is_in(["repost"]) | (
                (pl.col("kind") == "quote") & ~enough)
            if "shared_post_id" in posts.columns:
                reposted = reposted & pl.col("shared_post_id").is_not_null()
            own = enough & ~reposted
        else:
            own = enough
        return posts.with_columns(own.fill_null(False).alias("own_text"))

    # -- fitting ---------------------------------------------------------------------------------
    def fit(self, posts: pl.DataFrame, embeddings: np.ndarray | None = None,
            text_vectors: tuple | None = None, embed_column: str = "text_norm", copy: bool = True
            ) -> "NarrativeClusters":
        """posts: canonical posts frame (post_id, account_id, created_at, text; lang, kind, shared_post_id
        used when present; `text_norm`, `text_hash` reused). Vectors come from (first that is given):
        `embeddings` (len(posts), dim), one row per post; `text_vectors` = (text hashes, (m, dim) vectors)
        for the distinct unit texts, keyed by `text_hash` (what `fit_narratives` passes: only the clustered
        texts are embedded), or (text hashes, vectors, rows) where hash i's vector is vectors[rows[i]];
        else `embedding_model` embeds the `embed_column` texts.
        copy: False lets fit centre the given vectors in place when they are already one row per unit text
        in text-hash order (what `fit_narratives` passes; saves a copy of the vectors: 3 GB at 2.5M posts).
        Returns self."""
        timings: dict[str, float] = {}
        started = time.perf_counter()
        posts = self.units(posts)
        frame = posts.select(
            "post_id", "account_id", "created_at", "lang", "text", "text_norm", "text_hash", "own_text",
            *[c for c in ("kind", "shared_post_id", embed_column) if c in posts.columns and c not in ("text_norm",)],
        ).with_row_index("row")
        distinct = (
            frame.filter(pl.col("own_text")).group_by("text_hash")
            .agg(pl.col("row").min(), pl.len().alias("posts")).sort("text_hash")
        )
        vectors = self._unit_vectors(frame, distinct, embeddings, text_vectors, embed_column, copy)
        del embeddings, text_vectors
        n = vectors.shape[0]
        self.mean_vector_ = vectors.mean(axis=0) if n else np.zeros(vectors.shape[1], np.float32)
        if self.center and n:
            for start in range(0, n, 65_536):  # in blocks: a whole-matrix norm would hold another copy
                block = vectors[start:start + 65_536]
                block -= self.mean_vector_
                block /= np.maximum(np.linalg.norm(block, axis=1, keepdims=True), 1e-12)
        self._projection = None
        rng = np.random.default_rng(self.random_state)
        fit_rows = np.sort(rng.choice(n, size=min(self.sample_size, n), replace=False)) if n else np.zeros(0, int)
        timings["prepare"] = time.perf_counter() - started

        labels = np.full(n, -1, dtype=np.int64)
        scores = np.ones(n, dtype=np.float64)
        self.min_cluster_size_ = self.min_cluster_size or max(10, int(round(0.005 * fit_rows.size)))
        self.min_samples_ = self.min_samples or min(10, self.min_cluster_size_)
        if fit_rows.size > max(self.n_neighbors, self.min_cluster_size_) + 1:
            started = time.perf_counter()
            self._projection = self._fit_projection(vectors[fit_rows])
            reference = self._project(vectors[fit_rows])
            reduced = self._umap(self.n_components).fit_transform(reference)
            timings["umap_fit"] = time.perf_counter() - started
            started = time.perf_counter()
            import hdbscan

            clusterer = hdbscan.HDBSCAN(min_cluster_size=self.min_cluster_size_, min_samples=self.min_samples_,
                                        cluster_selection_method="eom", core_dist_n_jobs=1)
            clusterer.fit(reduced)
            fit_labels = merge_clusters(vectors[fit_rows], clusterer.labels_.astype(np.int64), self.merge_threshold)
            fit_scores = np.nan_to_num(np.asarray(clusterer.outlier_scores_, dtype=np.float64), nan=1.0)
            timings["hdbscan"] = time.perf_counter() - started
            labels[fit_rows] = fit_labels
            scores[fit_rows] = fit_scores
            started = time.perf_counter()
            rest = np.setdiff1d(np.arange(n), fit_rows, assume_unique=True)
            labels[rest], scores[rest] = self._assign(vectors, reference, fit_labels, fit_scores, rest)
            timings["assign"] = time.perf_counter() - started
        labels = self._renumber(labels, distinct)

        started = time.perf_counter()
        per_text = distinct.select("text_hash").with_columns(
            pl.Series("cluster", labels, dtype=pl.Int64), pl.Series("outlier_score", scores, dtype=pl.Float64),
            pl.Series("in_fit_sample", np.isin(np.arange(n), fit_rows)),
        )
        post_frame = frame.join(per_text, on="text_hash", how="left", maintain_order="left").with_columns(
            pl.when(pl.col("own_text")).then(pl.col("cluster")).alias("cluster"),
            pl.when(pl.col("own_text")).then(pl.col("outlier_score")).alias("outlier_score"),
            (pl.col("in_fit_sample") & pl.col("own_text")).fill_null(False).alias("in_fit_sample"),
        )
        post_frame = self._inherit_shared(post_frame).with_columns(
            pl.col("cluster").fill_null(-1), pl.col("outlier_score").fill_null(1.0))
        timings["inherit"] = time.perf_counter() - started
        started = time.perf_counter()
        post_frame = post_frame.with_columns(self._post_tactics(post_frame, vectors, distinct, labels, per_text))
        timings["tactics"] = time.perf_counter() - started
        started = time.perf_counter()
        self.labels_ = post_frame["cluster"].to_numpy()
        self.outlier_scores_ = post_frame["outlier_score"].to_numpy()
        self.posts_ = post_frame.select("post_id", "account_id", "created_at", "lang", "text_hash", "cluster",
                                        "outlier_score", "tactic")
        self.clusters_ = self._describe(post_frame)
        timings["describe"] = time.perf_counter() - started
        started = time.perf_counter()
        self.map_ = self._map(vectors, fit_rows, labels, distinct, frame)
        timings["map"] = time.perf_counter() - started
        self.n_fit_texts_ = int(fit_rows.size)
        self.n_distinct_texts_ = int(n)
        self.timings_ = timings
        return self

    def _unit_vectors(self, frame, distinct, embeddings, text_vectors, embed_column, copy: bool) -> np.ndarray:
        """One float32 row per unit text (distinct's order), a new array unless `copy` is False and the
        given vectors are already that (a fancy index always makes a new array: no second copy)."""
        if embeddings is not None:
            embeddings = np.asarray(embeddings, dtype=np.float32)
            if embeddings.shape[0] != frame.height:
                raise ValueError(f"{embeddings.shape[0]} embeddings for {frame.height} posts")
            return embeddings[distinct["row"].to_numpy()]
        if text_vectors is not None:
            hashes, matrix = text_vectors[:2]
            position = pl.DataFrame({"text_hash": pl.Series(hashes, dtype=pl.String)}).with_row_index("at")
            at = distinct.select("text_hash").join(position, on="text_hash", how="left", maintain_order="left")["at"]
            if at.null_count():
                raise ValueError(f"text_vectors lack {at.null_count()} of the {distinct.height} unit texts")
            rows = at.to_numpy().astype(np.int64)
            if len(text_vectors) > 2:
                rows = np.asarray(text_vectors[2], dtype=np.int64)[rows]
            matrix = np.asarray(matrix, dtype=np.float32)
            in_place = (not copy and matrix.flags.c_contiguous and matrix.flags.writeable
                        and rows.size == matrix.shape[0] and bool((rows == np.arange(rows.size)).all()))
            return matrix if in_place else matrix[rows]
        from workbench.text.embed import get_backend

        texts = frame[embed_column].gather(distinct["row"]).to_list() if distinct.height else []
        return np.asarray(get_backend(self.embedding_model).embed(texts), dtype=np.float32).reshape(len(texts), -1)

    def _fit_projection(self, sample: np.ndarray) -> np.ndarray | None:
        """PCA components (dim, assign_dims) fit on the sample, or None to keep the full space. UMAP's
        neighbour search and the assignment vote both run in this space: 8x fewer dimensions, the same
        neighbours in practice."""
        if not self.assign_dims or self.assign_dims >= sample.shape[1] or sample.shape[0] <= self.assign_dims:
            return None
        from sklearn.decomposition import PCA

        pca = PCA(n_components=self.assign_dims, svd_solver="randomized", random_state=self.random_state)
        pca.fit(sample)
        return pca.components_.T.astype(np.float32)

    def _project(self, block: np.ndarray) -> np.ndarray:
        if self._projection is None:
            return block
        out = block @ self._projection
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)

    def _assign(self, vectors, reference, fit_labels, fit_scores, rest) -> tuple[np.ndarray, np.ndarray]:
        """kNN vote of the (projected) fit sample for the other units, in blocks of rows.

        Blocks are independent, so they run on every core (numpy releases the GIL in the products and the
        partitions) with BLAS on one thread each. Each worker holds one block's queries and its search state
        (about 0.3 GB)."""
        import os
        from concurrent.futures import ThreadPoolExecutor

        from threadpoolctl import threadpool_limits  # installed with scikit-learn

        from workbench.text.ann import InvertedFileIndex

        labels = np.empty(rest.size, dtype=np.int64)
        scores = np.empty(rest.size, dtype=np.float64)
        block = 65_536
        index = None
        if self.assign_probe and rest.size:
            index = InvertedFileIndex(n_probe=self.assign_probe, random_state=self.random_state).fit(reference)

        def vote(start: int) -> None:
            queries = self._project(vectors[rest[start:start + block]])
            labels[start:start + block], scores[start:start + block] = knn_assign(
                reference, fit_labels, fit_scores, queries, k=self.assign_neighbors, index=index)

        with threadpool_limits(1, user_api="blas"), ThreadPoolExecutor(max(1, min(os.cpu_count() or 1, 4))) as pool:
            list(pool.map(vote, range(0, rest.size, block)))
        return labels, scores

    @staticmethod
    def _inherit_shared(post_frame: pl.DataFrame, rounds: int = 3) -> pl.DataFrame:
        """Reposts take the cluster (and outlier score) of the post they share, following chains of reposts."""
        if "shared_post_id" not in post_frame.columns:
            return post_frame
        for _ in range(rounds):
            source = post_frame.filter(pl.col("cluster").is_not_null()).select(
                pl.col("post_id").alias("shared_post_id"), pl.col("cluster").alias("_c"), pl.col("outlier_score").alias("_s"))
            post_frame = post_frame.join(source, on="shared_post_id", how="left", maintain_order="left").with_columns(
                pl.coalesce("cluster", "_c").alias("cluster"), pl.coalesce("outlier_score", "_s").alias("outlier_score"),
            ).drop("_c", "_s")
        return post_frame

    def _post_tactics(self, post_frame, vectors, distinct, labels, per_text) -> pl.Series:
        """Tactic per post from its unit text's nearest prototypes (raw, uncentred vectors would be best, but
        centred ones keep the comparison consistent with the prototypes centred the same way)."""
        if self.embedding_model is None or distinct.height == 0:
            return pl.Series("tactic", [None] * post_frame.height, dtype=pl.String)
        prototypes = TacticPrototypes(self.embedding_model, tuple(self.target_terms), tuple(self.competitor_terms),
                                      self.tactic_prototypes, min_similarity=self.tactic_min_similarity).fit()
        if self.center:
            prototypes.vectors_ = prototypes.vectors_ - self.mean_vector_
            prototypes.vectors_ /= np.maximum(np.linalg.norm(prototypes.vectors_, axis=1, keepdims=True), 1e-12)
        per_unit = pl.DataFrame({"text_hash": distinct["text_hash"], "_t": pl.Series(prototypes.predict(vectors), dtype=pl.String)})
        tactic = post_frame.select("text_hash", "own_text", "shared_post_id" if "shared_post_id" in post_frame.columns else pl.lit(None, pl.String).alias("shared_post_id"), "post_id") \
            .join(per_unit, on="text_hash", how="left", maintain_order="left") \
            .with_columns(pl.when(pl.col("own_text")).then(pl.col("_t")).alias("_t"))
        for _ in range(3):  # reposts say what they share
            source = tactic.filter(pl.col("_t").is_not_null()).select(pl.col("post_id").alias("shared_post_id"), pl.col("_t").alias("_u"))
            tactic = tactic.join(source, on="shared_post_id", how="left", maintain_order="left").with_columns(
                pl.coalesce("_t", "_u").alias("_t")).drop("_u")
        return tactic["_t"].alias("tactic")

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
        if clustered.height == 0:
            return pl.DataFrame(schema={"cluster": pl.Int64})
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
        # Exemplars: the most typical own texts (lowest outlier score, more-copied first on ties), one language
        # after the other, so a narrative told in three languages shows all three.
        exemplars = (
            clustered.filter(pl.col("own_text"))
            .group_by("cluster", "text_hash")
            .agg(pl.col("outlier_score").first(), pl.len().alias("copies"), pl.col("text").first(),
                 pl.col("post_id").min(), pl.col("lang").first())
            .sort(["cluster", "outlier_score", "copies", "text_hash"], descending=[False, False, True, False])
            .with_columns(pl.int_range(pl.len()).over("cluster", "lang").alias("_turn"))
            .sort(["cluster", "_turn", "outlier_score", "copies", "text_hash"], descending=[False, False, False, True, False])
            .group_by("cluster", maintain_order=True)
            .agg(pl.col("text").head(self.n_exemplars).alias("exemplars"),
                 pl.col("post_id").head(self.n_exemplars).alias("exemplar_post_ids"),
                 pl.col("lang").head(self.n_exemplars).alias("exemplar_langs"))
        )
        own = post_frame.filter(pl.col("own_text"))
        keywords = class_tfidf_keywords(
            own["text_norm"].to_list(), own["cluster"].to_numpy(), own["lang"].to_list(),
            top_n=self.top_n_keywords, max_docs_per_class=self.keyword_docs, seed=self.random_state,
        ).group_by("cluster", maintain_order=True).agg(
            pl.col("keyword").alias("keywords"), pl.col("score").alias("keyword_scores"))
        clusters = (
            stats.join(languages, on="cluster", how="left")
            .join(keywords, on="cluster", how="left")
            .join(exemplars, on="cluster", how="left")
            .sort("cluster")
        )
        if self.embedding_model is not None:
            labelled = label_tactics_by_posts(clusters, clustered.select("cluster", "tactic"),
                                              overrides=self.tactic_overrides, min_share=self.tactic_min_share)
        else:
            labelled = label_tactics(clusters, posts=own.filter(pl.col("cluster") >= 0).select("cluster", "text_norm"),
                                     seeds=self.tactic_seeds, overrides=self.tactic_overrides,
                                     min_share=self.tactic_min_share)
        # One set of columns whichever way tactics were found, so stored results of both stack in one table.
        missing = {"tactic_words": pl.List(pl.String),
                   "tactic_shares": pl.List(pl.Struct({"tactic": pl.String, "share": pl.Float64}))}
        return labelled.with_columns([pl.lit(None, dtype=dtype).alias(name) for name, dtype in missing.items()
                                      if name not in labelled.columns])

    def _map(self, vectors, fit_rows, labels, distinct, frame) -> pl.DataFrame:
        empty = pl.DataFrame(schema={"x": pl.Float64, "y": pl.Float64, "cluster": pl.Int64, "post_id": pl.String,
                                     "account_id": pl.String, "text": pl.String})
        if fit_rows.size <= self.n_neighbors + 1 or self.map_sample_size <= 0:
            return empty
        rng = np.random.default_rng(self.random_state + 1)
        rows = np.sort(rng.choice(fit_rows, size=min(self.map_sample_size, fit_rows.size), replace=False))
        coords = self._umap(2).fit_transform(self._project(vectors[rows]))
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


NARRATIVE_FRAMES = ("narrative_posts", "narrative_clusters", "narrative_map")


def fit_narratives(posts: pl.DataFrame, backend=None, cache=None, target_terms=(), competitor_terms=(),
                   mask: bool = False, flagged_accounts=None, progress: bool = False, lookup=None,
                   **params) -> NarrativeClusters:
    """The whole narrative step on a posts frame: normalise, mask brand names, embed the unit texts (through
    `cache`, an embedding cache with the Store's `cached_vectors`/`cache_vectors`, when given), fit
    `NarrativeClusters(embedding_model=backend, **params)`, and, given `flagged_accounts`, add the campaign
    drive (`narrative_drive`) to `clusters_` and `drive_timeline_`.

    backend: an embedding backend object or name (`embed.get_backend`; default the multilingual encoder).
    target_terms, competitor_terms: the investigation's names (any language); they fill the tactic
    prototypes and, with `mask=True` (off by default, see BENCHMARKS.md), are replaced by neutral tokens
    before embedding. `model.run_id_` is a key derived from the corpus fingerprint, the backend and the
    parameters, and `model.settings_` those settings. lookup: a function key -> {"narrative_posts",
    "narrative_clusters", "narrative_map"} frames stored earlier, or None; when it finds them the model is
    filled from them instead of refitting (`model.cache_hit_`). Storing results is the caller's business
    (`workbench.pipeline.fit_narratives_cached`): this layer writes nothing. progress: print each stage,
    with counts, to stderr."""
    import hashlib
    import json
    import sys

    from workbench.text.embed import EmbeddingStats, embed_distinct, get_backend

    def say(message: str) -> None:
        if progress:
            print(f"narratives: {message}", file=sys.stderr, flush=True)

    backend = get_backend(backend)
    target_terms, competitor_terms = tuple(target_terms), tuple(competitor_terms)
    # Masked texts are compared with prototypes masked the same way.
    named = ((MASK_TOKENS[0],), (MASK_TOKENS[1],)) if mask and target_terms else (target_terms, competitor_terms)
    model = NarrativeClusters(embedding_model=backend, target_terms=named[0], competitor_terms=named[1], **params)
    started = time.perf_counter()
    say(f"normalising {posts.height:,} posts")
    posts = prepare_texts(posts)
    settings = {key: value for key, value in vars(model).items() if key != "embedding_model"}
    settings.update(backend=backend.key, mask=mask, names=[target_terms, competitor_terms])
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
            say("loaded the cached results of this corpus and parameters")
            _add_drive(model, flagged_accounts)
            return model
    units = model.units(posts)
    if mask and target_terms:
        units = units.with_columns(mask_names(units["text_norm"], target_terms, competitor_terms).alias("embed_text"))
    else:
        units = units.with_columns(pl.col("text_norm").alias("embed_text"))
    # The cache key is the embedded (masked) text's hash; the unit key stays the post's own text hash.
    from workbench.text.normalize import text_hash

    units = units.with_columns(text_hash(units["embed_text"]).alias("embed_hash"))
    distinct = units.filter(pl.col("own_text")).unique("embed_hash", keep="first").sort("embed_hash")
    say(f"embedding {distinct.height:,} distinct texts with {backend.key} (cached by text hash)")
    stats = EmbeddingStats(texts=units.height, distinct=distinct.height)
    bar = _progress_bar(progress, distinct.height, "embedding")
    if bar is not None and hasattr(backend, "progress"):
        backend.progress = bar
    try:
        vectors = embed_distinct(distinct["embed_text"].to_list(), distinct["embed_hash"].to_list(), backend, cache,
                                 stats=stats)
    finally:
        if bar is not None and hasattr(backend, "progress"):
            backend.progress = None
    say(f"{stats.embedded:,} texts embedded, {stats.cached:,} from the cache; clustering")
    by_text = units.filter(pl.col("own_text")).select("text_hash", "embed_hash").unique("text_hash", keep="first") \
        .join(distinct.select("embed_hash").with_row_index("at"), on="embed_hash", how="left")
    # The vectors are handed over, not copied: fit centres them in place when they are in unit order already
    # (no masking: one vector per unit text, both sorted by hash), which saves a copy of 3 GB at 2.5M posts.
    text_vectors = (by_text["text_hash"], vectors, by_text["at"].to_numpy())
    del vectors
    model.fit(units, text_vectors=text_vectors, embed_column="embed_text", copy=False)
    del text_vectors
    say(f"{model.clusters_.height} narratives; steps (s): "
        + ", ".join(f"{k} {v:.1f}" for k, v in model.timings_.items()))
    model.timings_ = {"prepare": prepare_s, "embed": sum(stats.seconds.values()), **model.timings_}
    model.embedding_stats_ = stats
    model.cache_hit_, model.run_id_ = False, run_id
    _add_drive(model, flagged_accounts)
    return model


def _progress_bar(progress: bool, total: int, label: str):
    if not progress or total == 0:
        return None
    from tqdm import tqdm

    bar = tqdm(total=total, desc=f"narratives: {label}", unit="text", file=__import__("sys").stderr, mininterval=2)

    def update(done: int, _total: int) -> None:
        bar.update(done - bar.n)
        if done >= _total:
            bar.close()

    return update


def _add_drive(model: NarrativeClusters, flagged_accounts) -> None:
    if flagged_accounts is None:
        return
    clusters, timeline = narrative_drive(model.posts_, model.clusters_, flagged_accounts)
    model.clusters_ = clusters
    model.drive_timeline_ = timeline


def narrative_drive(narrative_posts: pl.DataFrame, clusters: pl.DataFrame, flagged_accounts, every: str = "1d",
                    min_flagged_share: float = 0.5, min_lift: float = 2.0) -> tuple[pl.DataFrame, pl.DataFrame]:
    """How much the campaign drives each narrative.

    narrative_posts: post_id, account_id, created_at, cluster (e.g. `model.posts_`); clusters: one row per
    cluster; flagged_accounts: the suspicious accounts (list or Series of account ids).
    Returns (clusters with `flagged_posts`, `flagged_post_share`, `flagged_accounts`, `flagged_account_share`,
    `lift` (flagged post share in the narrative / in the whole corpus), `campaign_driven` (flagged post share
    >= `min_flagged_share` and lift >= `min_lift`) and `drive_rank` (1 = most driven: campaign-driven first,
    then by flagged posts, then by share), sorted by drive_rank; timeline: cluster, bucket (`every`), posts,
    flagged_posts)."""
    flagged = pl.DataFrame({"account_id": pl.Series(list(flagged_accounts), dtype=pl.String)}).unique() \
        .with_columns(pl.lit(True).alias("flagged"))
    posts = narrative_posts.select("account_id", "created_at", "cluster").join(flagged, on="account_id", how="left") \
        .with_columns(pl.col("flagged").fill_null(False))
    corpus_share = float(posts["flagged"].mean()) if posts.height else 0.0
    per_cluster = posts.filter(pl.col("cluster") >= 0).group_by("cluster").agg(
        pl.col("flagged").sum().cast(pl.Int64).alias("flagged_posts"),
        pl.col("flagged").mean().alias("flagged_post_share"),
        pl.col("account_id").filter(pl.col("flagged")).n_unique().cast(pl.Int64).alias("flagged_accounts"),
        (pl.col("account_id").filter(pl.col("flagged")).n_unique() / pl.col("account_id").n_unique()).alias("flagged_account_share"),
    ).with_columns(
        (pl.col("flagged_post_share") / corpus_share if corpus_share > 0 else pl.lit(None, pl.Float64)).alias("lift"))
    per_cluster = per_cluster.with_columns(
        ((pl.col("flagged_post_share") >= min_flagged_share) & (pl.col("lift").fill_null(0) >= min_lift)).alias("campaign_driven"))
    out = clusters.drop([c for c in per_cluster.columns if c != "cluster" and c in clusters.columns] + (
        ["drive_rank"] if "drive_rank" in clusters.columns else []))
    out = out.join(per_cluster.with_columns(pl.col("cluster").cast(out["cluster"].dtype)), on="cluster", how="left") \
        .sort(["campaign_driven", "flagged_posts", "flagged_post_share", "cluster"],
              descending=[True, True, True, False], nulls_last=True) \
        .with_row_index("drive_rank", offset=1).with_columns(pl.col("drive_rank").cast(pl.Int64))
    timeline = (
        posts.filter(pl.col("cluster") >= 0)
        .with_columns(pl.col("created_at").dt.truncate(every).alias("bucket"))
        .group_by("cluster", "bucket").agg(pl.len().alias("posts"), pl.col("flagged").sum().cast(pl.Int64).alias("flagged_posts"))
        .sort(["cluster", "bucket"])
    )
    return out, timeline
