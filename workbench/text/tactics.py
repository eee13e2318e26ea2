"""Tactic labels for narrative clusters: seed keyword lists (zh/en/de, editable) plus manual overrides.

Seeds are data (`workbench/text/data/tactic_seeds.json`, or an analyst's own file or dict):
`{tactic: {lang: [word, ...]}}`. Any tactic name works ("false_claim", "comparison", "division", or
"price_attack" if an analyst defines it). For each cluster and tactic, the share of the cluster's posts whose
normalised text contains at least one seed word is measured; the tactic with the largest share wins when that
share is at least `min_share` (ties break by tactic name). Overrides (`{cluster: tactic}`, `None` to clear)
win over seeds. The result says where each label came from (`tactic_source`: "seeds" or "manual") and which
seed words matched, and `tactic_params` gives the seeds and overrides to store with the run.
"""
from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import numpy as np
import polars as pl

from workbench.text.normalize import normalize_text, normalize_texts


def load_tactic_seeds(path: str | Path | None = None) -> dict[str, dict[str, list[str]]]:
    """Seed lists from a JSON file (default: the shipped one). Keys starting with "_" are comments."""
    if path is None:
        text = resources.files("workbench.text").joinpath("data/tactic_seeds.json").read_text("utf-8")
    else:
        text = Path(path).read_text("utf-8")
    raw = json.loads(text)
    return {tactic: {lang: list(words) for lang, words in langs.items()}
            for tactic, langs in sorted(raw.items()) if not tactic.startswith("_")}


def _seed_words(seeds: dict[str, dict[str, list[str]]]) -> dict[str, list[str]]:
    out = {}
    for tactic, langs in seeds.items():
        words = {normalize_text(word) for words in langs.values() for word in words}
        out[tactic] = sorted(word for word in words if word)
    return out


def tactic_shares(posts: pl.DataFrame, seeds: dict[str, dict[str, list[str]]]) -> pl.DataFrame:
    """Per cluster and tactic: share of posts matching a seed and the matched seed words (most frequent first).
    posts: `cluster` plus `text_norm` (or `text`). Noise (-1) is skipped."""
    words = _seed_words(seeds)
    norm = posts["text_norm"] if "text_norm" in posts.columns else normalize_texts(posts["text"])
    frame = pl.DataFrame({"cluster": posts["cluster"], "text_norm": norm}).filter(pl.col("cluster") >= 0)
    sizes = frame.group_by("cluster").agg(pl.len().alias("posts"))
    rows = []
    for tactic, tactic_words in words.items():
        if not tactic_words:
            continue
        matched = frame.select(
            "cluster",
            pl.col("text_norm").str.extract_many(tactic_words, overlapping=True).list.unique().alias("words"),
        ).filter(pl.col("words").list.len() > 0)
        per = matched.group_by("cluster").agg(pl.len().alias("matching"))
        top = (
            matched.explode("words").group_by("cluster", "words").len()
            .sort(["cluster", "len", "words"], descending=[False, True, False])
            .group_by("cluster", maintain_order=True).agg(pl.col("words").head(5).alias("matched_words"))
        )
        rows.append(
            sizes.join(per, on="cluster", how="left").join(top, on="cluster", how="left")
            .with_columns(pl.lit(tactic).alias("tactic"),
                          (pl.col("matching").fill_null(0) / pl.col("posts")).alias("share"))
            .select("cluster", "tactic", "share", pl.col("matched_words").fill_null([]))
        )
    if not rows:
        return pl.DataFrame(schema={"cluster": pl.Int64, "tactic": pl.String, "share": pl.Float64,
                                    "matched_words": pl.List(pl.String)})
    return pl.concat(rows).sort(["cluster", "tactic"])


def label_tactics(clusters: pl.DataFrame, posts: pl.DataFrame | None = None,
                  seeds: dict[str, dict[str, list[str]]] | None = None,
                  overrides: dict[int, str | None] | None = None, min_share: float = 0.15) -> pl.DataFrame:
    """The clusters frame with `tactic`, `tactic_share`, `tactic_words` and `tactic_source` added.

    clusters: needs `cluster` (and `exemplars`/`keywords` lists when `posts` is None). posts: `cluster` per post
    plus `text_norm` or `text`; without it the cluster's exemplars and keywords stand in for its posts.
    seeds: `{tactic: {lang: [words]}}` (default: `load_tactic_seeds()`). overrides: `{cluster: tactic}`.
    """
    seeds = load_tactic_seeds() if seeds is None else seeds
    if posts is None:
        pieces = []
        for column in ("exemplars", "keywords"):
            if column in clusters.columns:
                pieces.append(clusters.select("cluster", pl.col(column).alias("text")).explode("text"))
        posts = pl.concat(pieces) if pieces else pl.DataFrame(schema={"cluster": pl.Int64, "text": pl.String})
    shares = tactic_shares(posts, seeds)
    best = (
        shares.filter(pl.col("share") >= min_share)
        .sort(["cluster", "share", "tactic"], descending=[False, True, False])
        .group_by("cluster", maintain_order=True).first()
        .select("cluster", "tactic", pl.col("share").alias("tactic_share"), pl.col("matched_words").alias("tactic_words"),
                pl.lit("seeds").alias("tactic_source"))
    )
    out = clusters.drop([c for c in ("tactic", "tactic_share", "tactic_words", "tactic_source") if c in clusters.columns])
    out = out.join(best.with_columns(pl.col("cluster").cast(out["cluster"].dtype)), on="cluster", how="left")
    return apply_overrides(out, overrides)


def tactic_params(seeds: dict | None = None, overrides: dict | None = None, min_share: float = 0.15) -> dict:
    """What to store with the run so a tactic label can be traced to the lists and overrides that made it."""
    return {"tactic_seeds": load_tactic_seeds() if seeds is None else seeds,
            "tactic_overrides": {str(k): v for k, v in sorted((overrides or {}).items())},
            "tactic_min_share": min_share}


# -- nearest prototype in the embedding space (any language the model knows) ---------------------------
NO_TACTIC = "none"


def load_tactic_prototypes(path: str | Path | None = None) -> dict[str, dict[str, list[str]]]:
    """Prototype sentences `{tactic: {lang: [sentence with {target}/{competitor}]}}` (default: the shipped
    file). The tactic "none" holds what is not a smear tactic. Keys starting with "_" are comments."""
    if path is None:
        text = resources.files("workbench.text").joinpath("data/tactic_prototypes.json").read_text("utf-8")
    else:
        text = Path(path).read_text("utf-8")
    raw = json.loads(text)
    return {tactic: {lang: list(items) for lang, items in langs.items()}
            for tactic, langs in sorted(raw.items()) if not tactic.startswith("_")}


_GENERIC_NAMES = {
    "target": {"zh": "这个品牌", "en": "the brand", "de": "die Marke"},
    "competitor": {"zh": "别的品牌", "en": "another brand", "de": "eine andere Marke"},
}


def _has_han(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in text)


def _names_for(lang: str, terms: tuple[str, ...] | list[str], role: str, limit: int = 3) -> list[str]:
    """Names to put in a prototype of `lang`: Han-script terms for zh, the others for other languages."""
    fitting = [t for t in terms if _has_han(t) == (lang == "zh")] or list(terms)
    return fitting[:limit] or [_GENERIC_NAMES[role].get(lang, _GENERIC_NAMES[role]["en"])]


def prototype_sentences(prototypes: dict[str, dict[str, list[str]]], target_terms=(), competitor_terms=()
                        ) -> pl.DataFrame:
    """The prototypes with names filled in: tactic, lang, sentence. Each sentence is filled with up to three
    target names (and, where it names one, three competitor names) of its script, so no single brand
    spelling dominates; without names a generic phrase stands in ("the brand")."""
    rows = []
    for tactic, langs in prototypes.items():
        for lang, sentences in langs.items():
            targets = _names_for(lang, tuple(target_terms), "target")
            competitors = _names_for(lang, tuple(competitor_terms), "competitor")
            for sentence in sentences:
                for i, target in enumerate(targets):
                    competitor = competitors[i % len(competitors)]
                    rows.append((tactic, lang, sentence.replace("{target}", target).replace("{competitor}", competitor)))
    return pl.DataFrame(rows, schema={"tactic": pl.String, "lang": pl.String, "sentence": pl.String}, orient="row").unique(
        maintain_order=True)


class TacticPrototypes:
    """Tactic per post by its nearest prototypes in the embedding space (scikit-learn style).

    Parameters: embedding_model (a backend with `embed`), target_terms and competitor_terms (names filling
    the prototypes' placeholders), prototypes (`load_tactic_prototypes()` format; None: the shipped ones),
    top_k (a tactic's score is the mean similarity of its `top_k` most similar prototype sentences),
    min_similarity (below it the post is not labelled), normalize (the embedding model sees normalised text,
    as the posts' vectors do).

    `fit()` embeds the prototypes; `predict(vectors)` gives the tactic per row (None when "none" wins or the
    best score is below `min_similarity`), `scores(vectors)` the per-tactic scores.
    """

    def __init__(self, embedding_model=None, target_terms: tuple[str, ...] = (), competitor_terms: tuple[str, ...] = (),
                 prototypes: dict | None = None, top_k: int = 3, min_similarity: float = 0.3, normalize: bool = True):
        self.embedding_model = embedding_model
        self.target_terms = target_terms
        self.competitor_terms = competitor_terms
        self.prototypes = prototypes
        self.top_k = top_k
        self.min_similarity = min_similarity
        self.normalize = normalize

    def fit(self, posts=None) -> "TacticPrototypes":
        from workbench.text.embed import get_backend

        backend = get_backend(self.embedding_model)
        self.sentences_ = prototype_sentences(load_tactic_prototypes() if self.prototypes is None else self.prototypes,
                                              self.target_terms, self.competitor_terms)
        texts = self.sentences_["sentence"]
        texts = normalize_texts(texts) if self.normalize else texts
        self.vectors_ = np.asarray(backend.embed(texts.to_list()), dtype=np.float32)
        self.tactics_ = sorted(set(self.sentences_["tactic"].to_list()))
        return self

    def scores(self, vectors: np.ndarray, chunk: int = 8192) -> np.ndarray:
        """(n, len(tactics_)) float32: mean of the top_k prototype similarities per tactic."""
        vectors = np.asarray(vectors, dtype=np.float32)
        tactic_of = self.sentences_["tactic"].to_numpy()
        out = np.zeros((vectors.shape[0], len(self.tactics_)), dtype=np.float32)
        for start in range(0, vectors.shape[0], chunk):
            sims = vectors[start:start + chunk] @ self.vectors_.T
            for j, tactic in enumerate(self.tactics_):
                own = sims[:, tactic_of == tactic]
                k = min(self.top_k, own.shape[1])
                out[start:start + chunk, j] = np.sort(own, axis=1)[:, -k:].mean(axis=1)
        return out

    def predict(self, vectors: np.ndarray) -> list[str | None]:
        scores = self.scores(vectors)
        best = np.argmax(scores, axis=1)
        names = np.array(self.tactics_, dtype=object)[best]
        keep = (names != NO_TACTIC) & (scores[np.arange(len(best)), best] >= self.min_similarity)
        return [str(name) if ok else None for name, ok in zip(names, keep)]


def label_tactics_by_posts(clusters: pl.DataFrame, post_tactics: pl.DataFrame, overrides: dict | None = None,
                           min_share: float = 0.3) -> pl.DataFrame:
    """Cluster tactic from its posts' tactics (e.g. `TacticPrototypes.predict`): the most common tactic when
    its share of the cluster's posts is at least `min_share`. post_tactics: cluster, tactic (None = no tactic).
    Adds tactic, tactic_share, tactic_shares (struct list: tactic, share), tactic_source ("prototypes" or
    "manual"); overrides `{cluster: tactic}` win."""
    frame = post_tactics.filter(pl.col("cluster") >= 0)
    sizes = frame.group_by("cluster").agg(pl.len().alias("n"))
    shares = (
        frame.drop_nulls("tactic").group_by("cluster", "tactic").len()
        .join(sizes, on="cluster").with_columns((pl.col("len") / pl.col("n")).alias("share"))
        .sort(["cluster", "share", "tactic"], descending=[False, True, False])
    )
    per_cluster = shares.group_by("cluster", maintain_order=True).agg(
        pl.col("tactic").first().alias("top"), pl.col("share").first().alias("top_share"),
        pl.struct("tactic", "share").alias("tactic_shares"))
    best = per_cluster.with_columns(
        pl.when(pl.col("top_share") >= min_share).then(pl.col("top")).alias("tactic"),
        pl.when(pl.col("top_share") >= min_share).then(pl.col("top_share")).alias("tactic_share"),
        pl.when(pl.col("top_share") >= min_share).then(pl.lit("prototypes")).alias("tactic_source"),
    ).select("cluster", "tactic", "tactic_share", "tactic_shares", "tactic_source")
    out = clusters.drop([c for c in ("tactic", "tactic_share", "tactic_shares", "tactic_words", "tactic_source")
                         if c in clusters.columns])
    out = out.join(best.with_columns(pl.col("cluster").cast(out["cluster"].dtype)), on="cluster", how="left")
    return apply_overrides(out, overrides)


def apply_overrides(clusters: pl.DataFrame, overrides: dict | None) -> pl.DataFrame:
    """Analyst overrides (cluster -> tactic) win over any computed label; their source is "manual"."""
    for cluster, tactic in (overrides or {}).items():
        hit = pl.col("cluster") == int(cluster)
        clusters = clusters.with_columns(
            pl.when(hit).then(pl.lit(tactic, dtype=pl.String)).otherwise(pl.col("tactic")).alias("tactic"),
            pl.when(hit).then(pl.lit("manual")).otherwise(pl.col("tactic_source")).alias("tactic_source"),
        )
    return clusters
