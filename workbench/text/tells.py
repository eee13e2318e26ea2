"""AI-text tells: self-revealing language-model phrases and refusals pasted into posts.

The phrase lists are data, in `workbench/text/data/tells_<lang>.txt` (zh, en, de): one phrase per line,
`## <category>` lines start a category (`self_reveal`, `refusal`, or any an analyst adds). Phrases are
normalised like post text (case, width, punctuation folded) and matched as substrings of the normalised
post with one Aho-Corasick pass (polars `str.extract_many`), so 1M posts take seconds. Every language's list
is matched against every post: a campaign may paste an English refusal into Chinese text.

A tell is strong evidence of software-written text but not proof of a campaign: people also quote
"as an AI language model" jokingly. Counts per account and per family are where it becomes a signal.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

import polars as pl

from workbench.text.normalize import normalize_text, normalize_texts

TELL_LANGS = ("zh", "en", "de")


def parse_tells(text: str, lang: str) -> list[tuple[str, str, str]]:
    """(phrase, category, lang) rows of one tells file's text (format in the module docstring)."""
    rows, category = [], "self_reveal"
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("##"):
            category = line.lstrip("#").strip() or category
        elif line and not line.startswith("#"):
            phrase = normalize_text(line)
            if phrase:
                rows.append((phrase, category, lang))
    return rows


def load_tells(langs: tuple[str, ...] = TELL_LANGS, extra_files: list[str | Path] | None = None,
               extra_phrases: dict[str, list[str]] | None = None) -> pl.DataFrame:
    """The tell phrases: shipped lists for `langs`, plus analyst files (same format; lang from a
    `tells_<lang>.txt` name, else "und") and `extra_phrases` ({category: [phrase, ...]}).
    Returns phrase (normalised), category, lang; unique by phrase (first occurrence wins), sorted by phrase."""
    rows: list[tuple[str, str, str]] = []
    for lang in langs:
        text = resources.files("workbench.text").joinpath(f"data/tells_{lang}.txt").read_text("utf-8")
        rows += parse_tells(text, lang)
    for path in extra_files or []:
        path = Path(path)
        lang = path.stem.split("_", 1)[1] if path.stem.startswith("tells_") else "und"
        rows += parse_tells(path.read_text("utf-8"), lang)
    for category, phrases in (extra_phrases or {}).items():
        rows += [(normalize_text(p), category, "und") for p in phrases if normalize_text(p)]
    frame = pl.DataFrame(rows, schema=["phrase", "category", "lang"], orient="row")
    return frame.unique("phrase", keep="first", maintain_order=True).sort("phrase")


def find_tells(posts: pl.DataFrame, tells: pl.DataFrame | None = None) -> pl.DataFrame:
    """Posts containing a tell. posts: post_id, account_id, text (or a precomputed `text_norm`).
    tells: from `load_tells()` (default). Returns one row per (post, phrase) found: post_id, account_id,
    phrase, category, tell_lang; sorted by post_id, phrase."""
    tells = load_tells() if tells is None else tells
    columns = ["post_id", "account_id"]
    norm = posts["text_norm"] if "text_norm" in posts.columns else normalize_texts(posts["text"])
    frame = posts.select(columns).with_columns(norm.alias("text_norm"))
    phrases = tells["phrase"].to_list()
    if not phrases or frame.height == 0:
        return pl.DataFrame(schema={"post_id": pl.String, "account_id": pl.String, "phrase": pl.String,
                                    "category": pl.String, "tell_lang": pl.String})
    # Cheap pre-filter, then extract only from the rows that matched at all.
    hits = frame.filter(pl.col("text_norm").str.contains_any(phrases))
    found = (
        hits.select(*columns, pl.col("text_norm").str.extract_many(phrases, overlapping=True).alias("phrase"))
        .explode("phrase")
        .drop_nulls("phrase")
        .unique(["post_id", "phrase"])
        .join(tells.select("phrase", "category", pl.col("lang").alias("tell_lang")), on="phrase", how="left")
    )
    return found.select(*columns, "phrase", "category", "tell_lang").sort(["post_id", "phrase"])


def tells_per_account(tells_found: pl.DataFrame, posts: pl.DataFrame | None = None) -> pl.DataFrame:
    """Per account: tell_posts (posts with a tell), tells (distinct phrases), categories; with `posts`
    also posts (all its posts) and tell_share. Sorted by tell_posts descending, then account_id."""
    per = tells_found.group_by("account_id").agg(
        pl.col("post_id").n_unique().alias("tell_posts"),
        pl.col("phrase").n_unique().alias("tells"),
        pl.col("category").unique().sort().alias("categories"),
    )
    if posts is not None:
        totals = posts.group_by("account_id").agg(pl.len().alias("posts"))
        per = per.join(totals, on="account_id", how="left").with_columns(
            (pl.col("tell_posts") / pl.col("posts")).alias("tell_share")
        )
    return per.sort(["tell_posts", "account_id"], descending=[True, False])


def tells_per_family(tells_found: pl.DataFrame, assignments: pl.DataFrame) -> pl.DataFrame:
    """Per near-duplicate family (assignments: post_id, family_id from `NearDuplicateFamilies`):
    tell_posts, tells (distinct phrases), categories. Sorted by tell_posts descending, then family_id."""
    return (
        tells_found.join(assignments.select("post_id", "family_id"), on="post_id", how="inner")
        .group_by("family_id")
        .agg(
            pl.col("post_id").n_unique().alias("tell_posts"),
            pl.col("phrase").n_unique().alias("tells"),
            pl.col("category").unique().sort().alias("categories"),
        )
        .sort(["tell_posts", "family_id"], descending=[True, False])
    )
