"""Near-duplicate families: posts whose normalised text is identical (exact) or nearly so (near).

Method
------
1. Every post's text is normalised (`normalize.normalize_texts`) and hashed (`text_hash`). Posts with fewer
   than `min_chars` content characters are left out: content is the normalised text without placeholders,
   bracketed emoticon codes (Weibo's "[给力]"), punctuation, symbols and spaces. Such posts ("转发微博",
   "<mention> [good]", a bare link) match everything; on the Weibo cascades they chained 8,000 reactions
   into one meaningless family.
2. Exact groups: posts with the same hash. Each distinct text is handled once from here on, so a million
   posts with heavy copying cost what their distinct texts cost.
3. Near duplicates: MinHash signatures (`num_perm` permutations, `workbench.text.minhash`) of the distinct
   texts' shingle sets — word unigrams for spaced scripts, character bigrams for Chinese/Japanese/Korean,
   without the <url> and <mention> placeholders (on the IRA slice they chained 1,166 distinct texts such as
   "<mention> X #tag <url>" in five languages into one 1,632-post family; without them the largest is 425) —
   then LSH banding (`bands` x `rows`) proposes candidate pairs, and each candidate is checked with the exact
   Jaccard similarity of the two shingle sets (above `exact_check_max_texts` distinct texts: with the MinHash
   estimate, texts shingled in blocks, to bound memory). Pairs with Jaccard >= `threshold` are linked.
   Threshold: 0.5 by default. On the synthetic corpus (100k posts) template fills that vary slots and
   sentence order score 0.45-0.9 against each other: at 0.6 only 54 % of planted posts joined a family
   (ARI 0.17), at 0.5 84 % (ARI 0.71), at 0.45 92 % (ARI 0.85), with no organic post in a campaign family at
   any of them; at 0.4 organic chatter started to merge in. On the Weibo cascades 0.45 and 0.5 give the same
   top families. With 16 bands of 4 rows a pair at Jaccard 0.5 becomes a candidate with probability 0.65,
   at 0.6 with 0.88, at 0.7 with 0.98 (`minhash.candidate_probability`); single linkage recovers most of the
   missed pairs through other members of the family.
4. Families are the connected components of those links over distinct texts (single linkage: a chain
   A~B~C joins A and C even if they are less similar; templated text is exactly such a star around its
   skeleton). A component with one distinct text used by >= `min_size` posts is an `exact` family; one with
   several distinct texts is a `near` family. Buckets larger than `max_bucket_size` are linked as a chain
   (each member to the next) so one hot template cannot produce billions of candidate pairs.
5. Single linkage percolates at scale: where ordinary users write short texts from stock phrases, each text
   has dozens of neighbours at Jaccard >= 0.5 and the chains join a whole language. At 2.5M synthetic posts
   one component held 686,732 distinct organic texts (749,961 posts) whose random member pairs estimate
   0.01 on average; the planted families' members estimate 0.12-0.90. So every component of at least
   `coherence_min_texts` distinct texts is checked: the mean estimated similarity of up to 1,000 random
   member pairs (its coherence) must reach `min_coherence`. A loose component keeps only its links at a
   threshold 0.1 higher, and its parts are checked again, up to identical shingle sets.

Family ids are integers ordered by size (posts, descending), then first post time, then smallest text
hash, so the same corpus and parameters give the same ids.
"""
from __future__ import annotations

import numba
import numpy as np
import polars as pl

from workbench.errors import check_fitted
from workbench.text import minhash
from workbench.text.normalize import PLACEHOLDERS_RE, normalize_texts, text_hash

FAMILY_COLUMNS = (
    "family_id", "kind", "size", "distinct_texts", "accounts", "first_post_at", "last_post_at", "languages",
    "representative_text", "representative_hash",
)


_NON_CONTENT = PLACEHOLDERS_RE + r"|\[[^\[\]\s]{1,8}\]|[\s\p{P}\p{S}]"


def content_length(normalized: pl.Expr) -> pl.Expr:
    """Characters of a normalised text that carry content (no placeholders, emoticon codes, punctuation)."""
    return normalized.str.replace_all(_NON_CONTENT, "").str.len_chars()


def prepare_texts(posts: pl.DataFrame, text_column: str = "text") -> pl.DataFrame:
    """The posts with `text_norm` (normalised text) and `text_hash` columns, computed unless already present."""
    if "text_norm" not in posts.columns:
        posts = posts.with_columns(normalize_texts(posts[text_column]).alias("text_norm"))
    if "text_hash" not in posts.columns:
        posts = posts.with_columns(text_hash(posts["text_norm"]).alias("text_hash"))
    return posts


class NearDuplicateFamilies:
    """Exact and near-duplicate text families over a canonical posts frame.

    Parameters: threshold (Jaccard of shingle sets, 0-1), num_perm (MinHash permutations), bands and rows
    (LSH banding; bands * rows <= num_perm), min_chars (fewest content characters, see step 1), min_size
    (fewest posts in a family), max_bucket_size (larger LSH buckets are chained), exact_check_max_texts (up to
    this many distinct texts candidates are checked with the exact Jaccard; above it, shingling and signing go
    in blocks of block_texts texts to bound memory and the MinHash estimate decides), min_coherence and
    coherence_min_texts (a component of at least that many distinct texts whose random member pairs estimate
    less than min_coherence on average is split at a higher threshold, see step 5), random_state (MinHash seed
    and the coherence samples).

    After `fit(posts)` (posts need post_id, account_id, created_at, text; lang optional):
    - `families_`: one row per family — family_id (int), kind ("exact"/"near"), size (posts), distinct_texts,
      accounts (distinct account_id), first_post_at, last_post_at, languages (list of codes, by frequency),
      representative_text (the family's most used normalised text), representative_hash.
    - `assignments_`: post_id, family_id, text_hash for every post in a family (posts in no family are absent).
    - `texts_`: distinct texts in families: family_id, text_hash, text_norm, posts (count), first_post_at.
    - `n_candidate_pairs_`, `n_linked_pairs_`: LSH work done (for benchmarks; above exact_check_max_texts a
      candidate found in several bands counts once per band); `n_split_components_`: loose components split.
    """

    # Set by fit; methods that need them raise NotFittedError before it.
    FITTED_ATTRIBUTES = ("families_", "assignments_", "texts_")

    def __init__(
        self,
        threshold: float = 0.5,
        num_perm: int = 64,
        bands: int = 16,
        rows: int = 4,
        min_chars: int = 8,
        min_size: int = 2,
        max_bucket_size: int = 50,
        exact_check_max_texts: int = 200_000,
        block_texts: int = 100_000,
        min_coherence: float = 0.1,
        coherence_min_texts: int = 20,
        random_state: int = 0,
    ):
        self.threshold = threshold
        self.num_perm = num_perm
        self.bands = bands
        self.rows = rows
        self.min_chars = min_chars
        self.min_size = min_size
        self.max_bucket_size = max_bucket_size
        self.exact_check_max_texts = exact_check_max_texts
        self.block_texts = block_texts
        self.min_coherence = min_coherence
        self.coherence_min_texts = coherence_min_texts
        self.random_state = random_state

    def fit(self, posts: pl.DataFrame) -> "NearDuplicateFamilies":
        if self.bands * self.rows > self.num_perm:
            raise ValueError(f"bands * rows ({self.bands} * {self.rows}) exceeds num_perm ({self.num_perm})")
        posts = prepare_texts(posts)
        lang = pl.col("lang") if "lang" in posts.columns else pl.lit(None, dtype=pl.String)
        usable = posts.select(
            "post_id", "account_id", "created_at", "text_norm", "text_hash", lang.alias("lang")
        ).filter(content_length(pl.col("text_norm")) >= self.min_chars)
        distinct = (
            usable.group_by("text_hash")
            .agg(pl.col("text_norm").first(), pl.len().alias("posts"), pl.col("created_at").min().alias("first_post_at"))
            .sort("text_hash")  # fixed row order: MinHash rows and components do not depend on input order
        )
        # Placeholders are no shingles: "<mention> X <url>" and "<mention> Y <url>" would share half their words.
        component = self._components(distinct["text_norm"].str.replace_all(PLACEHOLDERS_RE, " "))
        distinct = distinct.with_columns(pl.Series("component", component, dtype=pl.Int64))
        members = usable.join(distinct.select("text_hash", "component"), on="text_hash", how="inner")
        per_component = (
            members.group_by("component")
            .agg(
                pl.len().alias("size"),
                pl.col("text_hash").n_unique().alias("distinct_texts"),
                pl.col("account_id").n_unique().alias("accounts"),
                pl.col("created_at").min().alias("first_post_at"),
                pl.col("created_at").max().alias("last_post_at"),
                pl.col("text_hash").min().alias("smallest_hash"),
            )
            .filter(pl.col("size") >= self.min_size)
        )
        representative = (
            distinct.sort(["posts", "first_post_at", "text_hash"], descending=[True, False, False])
            .group_by("component", maintain_order=True)
            .first()
            .select("component", pl.col("text_norm").alias("representative_text"),
                    pl.col("text_hash").alias("representative_hash"))
        )
        languages = (
            members.with_columns(pl.col("lang").fill_null("und"))
            .group_by("component", "lang").len()
            .sort(["component", "len", "lang"], descending=[False, True, False])
            .group_by("component", maintain_order=True)
            .agg(pl.col("lang").alias("languages"))
        )
        families = (
            per_component.sort(["size", "first_post_at", "smallest_hash"], descending=[True, False, False])
            .with_row_index("family_id")
            .with_columns(pl.col("family_id").cast(pl.Int64))
            .join(representative, on="component", how="left")
            .join(languages, on="component", how="left")
            .with_columns(
                pl.when(pl.col("distinct_texts") > 1).then(pl.lit("near")).otherwise(pl.lit("exact")).alias("kind")
            )
            .sort("family_id")
        )
        component_to_family = families.select("component", "family_id")
        self.families_ = families.select(FAMILY_COLUMNS)
        self.assignments_ = (
            members.join(component_to_family, on="component", how="inner")
            .select("post_id", "family_id", "text_hash")
            .sort(["family_id", "post_id"])
        )
        self.texts_ = (
            distinct.join(component_to_family, on="component", how="inner")
            .select("family_id", "text_hash", "text_norm", "posts", "first_post_at")
            .sort(["family_id", "posts", "text_hash"], descending=[False, True, False])
        )
        return self

    def _components(self, texts: pl.Series) -> np.ndarray:
        """Connected component id per distinct text (index into `texts`)."""
        n = len(texts)
        self.n_candidate_pairs_ = 0
        self.n_linked_pairs_ = 0
        self.n_split_components_ = 0
        if n == 0:
            return np.zeros(0, dtype=np.int64)
        exact_check = n <= self.exact_check_max_texts
        if exact_check:
            shingles = minhash.shingle_sets(texts)
            signatures = minhash.minhash_signatures(num_perm=self.num_perm, seed=self.random_state, shingles=shingles)
        else:
            # Shingle sets of a million long texts take several GB: shingle and sign in blocks instead, and
            # check candidates with the MinHash estimate (standard error about 0.06 at 64 permutations).
            signatures = np.vstack([
                minhash.minhash_signatures(texts[start:start + self.block_texts], num_perm=self.num_perm,
                                           seed=self.random_state)
                for start in range(0, n, self.block_texts)
            ])
        if exact_check:
            pairs = minhash.lsh_candidate_pairs(
                signatures, bands=self.bands, rows=self.rows, max_bucket_size=self.max_bucket_size
            )
            self.n_candidate_pairs_ = int(pairs.shape[0])
            similarity = np.empty(0, dtype=np.float32)
            if pairs.shape[0]:  # the estimate is cheap; only pairs near the threshold need the exact check
                pairs = pairs[minhash.signature_similarity(signatures, pairs) >= self.threshold - 0.2]
                similarity = minhash.pairwise_jaccard(shingles, pairs).astype(np.float32)
                passing = similarity >= self.threshold
                pairs, similarity = pairs[passing], similarity[passing]
            del shingles
        else:
            # The estimate decides: candidates are checked band by band and only the linked pairs are held.
            pairs, similarity, self.n_candidate_pairs_ = minhash.lsh_similar_pairs(
                signatures, self.threshold, bands=self.bands, rows=self.rows, max_bucket_size=self.max_bucket_size
            )
        self.n_linked_pairs_ = int(pairs.shape[0])
        labels = _components_of(pairs, n)
        linked = [pairs, similarity]
        del pairs, similarity
        return self._split_loose(labels, linked, signatures)

    def _split_loose(self, labels, linked: list, signatures) -> np.ndarray:
        """Step 5: split components whose members do not resemble each other (see the module docstring).
        linked: [pairs, similarity], each pair's Jaccard (exact, or the MinHash estimate that linked it); the
        list is emptied so that the first selection frees the full arrays."""
        pairs, similarity = linked
        linked.clear()
        rng = np.random.default_rng(self.random_state)
        loose = self._loose_components(labels, signatures, rng)
        self.n_split_components_ = int(loose.size)
        level = self.threshold
        while loose.size and level < 1.0:
            level = min(1.0, round(level + 0.1, 6))
            is_loose = np.zeros(labels.max() + 1, dtype=bool)
            is_loose[loose] = True
            # From here on only the loose components' pairs matter: the others' components are final. One
            # mask and one copy (at 10M posts the pairs are the family step's largest arrays).
            kept = similarity >= level
            kept &= is_loose[labels[pairs[:, 0]]]
            pairs, similarity = pairs[kept], similarity[kept]
            del kept
            members = np.flatnonzero(is_loose[labels])
            local = np.empty(labels.size, dtype=np.int64)  # text -> its position among the members
            local[members] = np.arange(members.size)
            labels[members] = labels.max() + 1 + _components_of(local[pairs], members.size)
            loose = self._loose_components(labels, signatures, rng, among=np.unique(labels[members]))
        return labels

    def _loose_components(self, labels, signatures, rng, among=None) -> np.ndarray:
        """Component ids (sorted) with at least coherence_min_texts texts whose coherence is below
        min_coherence. Coherence: the mean MinHash estimate over up to 1,000 random pairs of members."""
        sizes = np.bincount(labels)
        checked = np.flatnonzero(sizes >= max(self.coherence_min_texts, 2))
        if among is not None:
            checked = np.intersect1d(checked, among)
        if checked.size == 0 or self.min_coherence <= 0:
            return np.empty(0, dtype=np.int64)
        order = np.argsort(labels, kind="stable")
        starts = np.concatenate(([0], np.cumsum(sizes)))[checked]
        samples = np.minimum(1_000, sizes[checked] * (sizes[checked] - 1) // 2)
        component = np.repeat(np.arange(checked.size), samples)
        span = sizes[checked][component]
        left = rng.integers(0, span)
        right = (left + 1 + rng.integers(0, span - 1)) % span  # never the same member
        pairs = np.column_stack((order[starts[component] + left], order[starts[component] + right]))
        mean = np.bincount(component, weights=minhash.signature_similarity(signatures, pairs)) / samples
        return checked[mean < self.min_coherence]

    def template(self, family_id: int, max_texts: int = 50):
        """The template view of one family (see `workbench.text.templates.family_template`)."""
        from workbench.text.templates import family_template

        check_fitted(self)
        texts = self.texts_.filter(pl.col("family_id") == family_id)
        if texts.height == 0:
            raise KeyError(f"no family {family_id}")
        return family_template(texts["text_norm"].to_list()[:max_texts], weights=texts["posts"].to_list()[:max_texts])


def _components_of(pairs: np.ndarray, n: int) -> np.ndarray:
    """Connected component id per row of an n-row graph given by its (m, 2) edge pairs, numbered in the order
    of each component's smallest row (as scipy's connected_components numbers them)."""
    root = np.arange(n, dtype=np.int64)
    # Union-find in one compiled pass: building the sparse matrix for scipy took 3 s for 22M pairs.
    _union_kernel(np.ascontiguousarray(pairs, dtype=np.int64).reshape(-1, 2), root)
    is_root = root == np.arange(n)
    return (np.cumsum(is_root) - 1)[root]


@numba.njit(numba.void(numba.types.Array(numba.int64, 2, "C", readonly=True), numba.int64[::1]),
            cache=True, nogil=True)
def _union_kernel(pairs, root):  # pragma: no cover (compiled)
    """Join the two ends of every pair; afterwards root[i] is the smallest row of i's component."""
    for p in range(pairs.shape[0]):
        a, b = pairs[p, 0], pairs[p, 1]
        while root[a] != a:  # path halving
            root[a] = root[root[a]]
            a = root[a]
        while root[b] != b:
            root[b] = root[root[b]]
            b = root[b]
        if a < b:
            root[b] = a
        elif b < a:
            root[a] = b
    for i in range(root.size):
        root[i] = root[root[i]]  # roots are smaller than their members, so one pass in order flattens all
