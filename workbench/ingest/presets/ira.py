"""The IRA troll tweets (FiveThirtyEight / Linvill & Warren), as in ../shared/datasets.

Tweets file (has `content`): account id is `author_id`; times are minute-resolution UTC; retweets are
known only from "RT @handle:" text. The export has no tweet ids, so a post id is derived from the whole
row: rows that repeat an author, minute and text but differ elsewhere (the account's `updates` tweet
counter moved) are distinct tweets; rows identical in every column are the same tweet recorded twice
and count as duplicates. account_category and account_type become account labels (origin `ira`).
Authors file (no `content`): accounts with their labels.
"""
from __future__ import annotations

import polars as pl

from workbench.ingest.presets.base import (Mapped, MapContext, Preset, account_labels, build_accounts, build_posts,
                                           empty_rejects, require_columns)

LANGUAGES = {"English": "en", "Russian": "ru", "German": "de", "Spanish": "es", "French": "fr", "Italian": "it",
             "Arabic": "ar", "Ukrainian": "uk", "Dutch": "nl", "Portuguese": "pt", "Japanese": "ja",
             "Chinese (Simplified)": "zh", "Chinese (Traditional)": "zh", "Turkish": "tr", "Polish": "pl"}


class IraPreset(Preset):
    name = "ira"
    platform = "twitter"
    description = "IRA troll tweets / authors (FiveThirtyEight columns); account_category as labels"
    default_timezone = "UTC"

    def map_batch(self, frame: pl.DataFrame, ctx: MapContext) -> Mapped:
        require_columns(frame, {"account_id": "author_id", "handle": "author"}, ctx.path)
        account_fields = {"account_id": pl.col("author_id"), "handle": pl.col("author"), "display_name": pl.col("author")}
        for canonical, raw in (("followers", "followers"), ("following", "following"), ("posts_count", "updates")):
            if raw in frame.columns:
                account_fields[canonical] = pl.col(raw)
        profile_columns = [c for c in ("author_id", "author", "external_author_id", "region", "account_type",
                                       "account_category", "new_june_2018") if c in frame.columns]
        profile_raw = pl.struct(profile_columns).struct.json_encode()
        in_posts = "content" in frame.columns
        accounts, account_rejects = build_accounts(frame, ctx, account_fields, "author_id", raw=profile_raw, in_posts=in_posts)
        labels = [account_labels(accounts, label, frame, label, "ira", ctx.source_id)
                  for label in ("account_category", "account_type") if label in frame.columns]
        label_frame = pl.concat(labels) if labels else None
        if not in_posts:
            return Mapped("accounts", accounts, account_rejects, labels=label_frame)
        require_columns(frame, {"created_at": "publish_date", "text": "content"}, ctx.path)
        fields = {
            "account_id": pl.col("author_id"),
            "created_at": pl.col("publish_date"),
            "text": pl.col("content"),
            "lang": pl.col("language").cast(pl.String).replace_strict(LANGUAGES, default=None) if "language" in frame.columns else pl.lit(None, dtype=pl.String),
            "kind": pl.col("post_type").cast(pl.String).replace_strict({"R": "repost", "Q": "quote"}, default=None) if "post_type" in frame.columns else pl.lit(None, dtype=pl.String),
        }
        posts, rejects = build_posts(frame, ctx, fields, time_column="publish_date", account_column="author_id")
        return Mapped("posts", posts, rejects if rejects.height else empty_rejects(), accounts=accounts, labels=label_frame,
                      value_problems=account_rejects)


PRESET = IraPreset()
