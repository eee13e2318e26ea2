"""Which posts are about the target: the one definition the analysis (share of voice) and the report use."""
from __future__ import annotations

import polars as pl


def about_target_expr(target_terms: list[str] | tuple[str, ...]) -> pl.Expr:
    """True for posts whose text or one of whose hashtags contains any term, case-insensitively (literal
    substrings, so "小米" matches inside a sentence); every post when there are no terms. Needs the columns
    `text` and `hashtags` (List[str])."""
    terms = [term.lower() for term in target_terms if term]
    if not terms:
        return pl.lit(True).alias("about_target")
    text_hit = pl.col("text").fill_null("").str.to_lowercase().str.contains_any(terms)
    tag_hit = pl.col("hashtags").list.eval(pl.element().str.to_lowercase().str.contains_any(terms)).list.any()
    return (text_hit | tag_hit.fill_null(False)).alias("about_target")
