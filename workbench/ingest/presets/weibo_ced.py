"""Weibo rumour cascades (CED dataset) as in ../shared/datasets.

Source posts file (`seq`, `user_*` columns): posts with counts, author profiles as accounts, and the
rumor / non-rumor label as a post label (origin `weibo_ced`). Reposts file (`parent_mid`): every row is
a repost or comment of the cascade's source post (shared_post_id), and of `parent_mid` when it
reposts a repost. Repost times are naive Beijing time (their earliest lands 8 h after the source post
when read as UTC), so the default time zone is Asia/Shanghai.
"""
from __future__ import annotations

import polars as pl

from workbench.ingest.presets.base import (Mapped, MapContext, Preset, build_accounts, build_posts, col_or_null,
                                           nonempty, require_columns)


class WeiboCedPreset(Preset):
    name = "weibo_ced"
    platform = "weibo"
    description = "Weibo CED cascades: source posts (with user_* fields) or reposts (cascade_id, mid, uid, parent_mid)"
    default_timezone = "Asia/Shanghai"

    def map_batch(self, frame: pl.DataFrame, ctx: MapContext) -> Mapped:
        require_columns(frame, {"post_id": "mid", "account_id": "uid", "created_at": "created_at"}, ctx.path)
        if "parent_mid" in frame.columns or "cascade_id" in frame.columns and "seq" not in frame.columns:
            # The cascade "0_<root mid>_<uid>" names its source post; a cascade id of another shape stands for
            # its cascade as a whole (never a shared id made up from the repost's text, which would join
            # unrelated reposts that say the same "转发微博").
            cascade = nonempty(col_or_null(frame, "cascade_id").cast(pl.String))
            root = cascade.str.split("_").list.get(1, null_on_oob=True).fill_null(cascade)
            fields = {"post_id": pl.col("mid"), "account_id": pl.col("uid"), "created_at": pl.col("created_at"),
                      "text": col_or_null(frame, "text"), "kind": pl.lit("repost"), "lang": pl.lit("zh"),
                      "parent_post_id": col_or_null(frame, "parent_mid"), "shared_post_id": root}
            posts, rejects = build_posts(frame, ctx, fields, time_column="created_at", account_column="uid", raw_columns=["text"])
            accounts, _ = build_accounts(frame, ctx, {"account_id": pl.col("uid")}, "uid", in_posts=True)
            return Mapped("posts", posts, rejects, accounts=accounts)
        fields = {"post_id": pl.col("mid"), "account_id": pl.col("uid"), "created_at": pl.col("created_at"),
                  "text": col_or_null(frame, "text"), "kind": pl.lit("post"), "lang": pl.lit("zh"),
                  "source_app": col_or_null(frame, "source"), "like_count": col_or_null(frame, "likes"),
                  "repost_count": col_or_null(frame, "reposts"), "reply_count": col_or_null(frame, "comments")}
        posts, rejects = build_posts(frame, ctx, fields, time_column="created_at", account_column="uid", raw_columns=["text"])
        user_columns = [c for c in frame.columns if c.startswith("user_")] + ["uid"]
        accounts, problems = build_accounts(frame, ctx, {
            "account_id": pl.col("uid"), "followers": col_or_null(frame, "user_followers"),
            "following": col_or_null(frame, "user_friends"), "posts_count": col_or_null(frame, "user_messages"),
            "verified": col_or_null(frame, "user_verified"), "location": col_or_null(frame, "user_location"),
            "created_at": col_or_null(frame, "user_created_at"),
        }, "uid", raw=pl.struct(user_columns).struct.json_encode(), in_posts=True)
        labels = None
        if "label" in frame.columns:
            labels = posts.join(frame.select(pl.col("_row").alias("source_row"), pl.col("label").cast(pl.String)),
                                on="source_row").select(
                pl.lit("post").alias("entity_type"), pl.col("post_id").alias("entity_id"), pl.lit("rumor").alias("label"),
                pl.col("label").alias("value"), pl.lit("weibo_ced").alias("origin"),
                pl.lit(ctx.source_id, dtype=pl.Int32).alias("source_id")).filter(pl.col("value").is_not_null())
        return Mapped("posts", posts, rejects, accounts=accounts, labels=labels, value_problems=problems)


PRESET = WeiboCedPreset()
