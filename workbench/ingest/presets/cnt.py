"""coordination_network_toolkit's 8-column CSV: message_id, user_id, username, repost_id, reply_id,
message, timestamp (seconds), urls (space separated).

Unlike the toolkit's own loader, an empty urls cell means no links (the toolkit turns it into the
link '' so that every post without links co-links with every other).
"""
from __future__ import annotations

import polars as pl

from workbench.ingest.presets.base import (Mapped, MapContext, Preset, build_accounts, build_posts,
                                           require_columns, split_list)

COLUMNS = {"post_id": "message_id", "account_id": "user_id", "handle": "username", "shared_post_id": "repost_id",
           "parent_post_id": "reply_id", "text": "message", "created_at": "timestamp", "urls": "urls"}


class ToolkitCsvPreset(Preset):
    name = "cnt"
    platform = "cnt"
    description = "coordination_network_toolkit CSV (message_id,user_id,username,repost_id,reply_id,message,timestamp,urls)"
    default_timezone = "UTC"

    def map_batch(self, frame: pl.DataFrame, ctx: MapContext) -> Mapped:
        require_columns(frame, COLUMNS, ctx.path)
        posts, rejects = build_posts(
            frame, ctx,
            {
                "post_id": pl.col("message_id"),
                "account_id": pl.col("user_id"),
                "shared_post_id": pl.col("repost_id"),
                "parent_post_id": pl.col("reply_id"),
                "text": pl.col("message"),
                "created_at": pl.col("timestamp"),
                "urls": split_list(pl.col("urls"), " ").fill_null(pl.lit([], dtype=pl.List(pl.String))),
            },
            time_column="timestamp", account_column="user_id",
        )
        accounts, problems = build_accounts(frame, ctx, {"account_id": pl.col("user_id"), "handle": pl.col("username")},
                                            "user_id", in_posts=True)
        return Mapped("posts", posts, rejects, accounts=accounts, value_problems=problems)


PRESET = ToolkitCsvPreset()
