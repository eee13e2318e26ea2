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
    for cluster, tactic in (overrides or {}).items():
        hit = pl.col("cluster") == int(cluster)
        out = out.with_columns(
            pl.when(hit).then(pl.lit(tactic, dtype=pl.String)).otherwise(pl.col("tactic")).alias("tactic"),
            pl.when(hit).then(pl.lit("manual")).otherwise(pl.col("tactic_source")).alias("tactic_source"),
        )
    return out


def tactic_params(seeds: dict | None = None, overrides: dict | None = None, min_share: float = 0.15) -> dict:
    """What to store with the run so a tactic label can be traced to the lists and overrides that made it."""
    return {"tactic_seeds": load_tactic_seeds() if seeds is None else seeds,
            "tactic_overrides": {str(k): v for k, v in sorted((overrides or {}).items())},
            "tactic_min_share": min_share}
