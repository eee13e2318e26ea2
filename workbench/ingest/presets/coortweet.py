"""CooRTweet's input table: object_id, account_id, content_id, timestamp_share (unix seconds).

A row is one share of an object by a post. One post (content_id) can share several objects, so the
post id is content_id and object_id together, joined by "~" (a "%" or "~" inside either is written %25 or
%7E first, so that ("a", "b~c") and ("a~b", "c") stay two posts). Option `object_kind` says what the objects are:
`shared_post` (default: retweeted posts), `url` or `hashtag`.
"""
from __future__ import annotations

import polars as pl

from workbench.errors import InputFileError
from workbench.ingest.presets.base import Mapped, MapContext, Preset, build_accounts, build_posts, require_columns

COLUMNS = {"shared object": "object_id", "account_id": "account_id", "post_id": "content_id", "created_at": "timestamp_share"}
OBJECT_KINDS = ("shared_post", "url", "hashtag")


def _id_part(text: pl.Expr) -> pl.Expr:
    return text.str.replace_all("%", "%25", literal=True).str.replace_all("~", "%7E", literal=True)


class CooRTweetPreset(Preset):
    name = "coortweet"
    platform = "twitter"
    description = "CooRTweet table (object_id, account_id, content_id, timestamp_share); --option object_kind=shared_post|url|hashtag"
    default_timezone = "UTC"
    option_names = ("object_kind",)

    def map_batch(self, frame: pl.DataFrame, ctx: MapContext) -> Mapped:
        require_columns(frame, COLUMNS, ctx.path)
        object_kind = ctx.options.get("object_kind", "shared_post")
        if object_kind not in OBJECT_KINDS:
            raise InputFileError(f"{ctx.path}: object_kind must be one of {', '.join(OBJECT_KINDS)}, not {object_kind!r}")
        obj = pl.col("object_id").cast(pl.String)
        as_list = pl.when(obj.is_null()).then(pl.lit([], dtype=pl.List(pl.String))).otherwise(pl.concat_list(obj))
        empty = pl.lit([], dtype=pl.List(pl.String))
        fields = {
            "post_id": _id_part(pl.col("content_id").cast(pl.String)) + "~" + _id_part(obj.fill_null("")),
            "account_id": pl.col("account_id"),
            "created_at": pl.col("timestamp_share"),
            "shared_post_id": obj if object_kind == "shared_post" else pl.lit(None, dtype=pl.String),
            "kind": pl.lit("repost") if object_kind == "shared_post" else pl.lit("post"),
            "urls": as_list if object_kind == "url" else empty,
            "hashtags": as_list if object_kind == "hashtag" else empty,
            "mentions": empty,
        }
        posts, rejects = build_posts(frame, ctx, fields, time_column="timestamp_share", account_column="account_id",
                                     required_columns=["content_id", "object_id"])
        accounts, _ = build_accounts(frame, ctx, {"account_id": pl.col("account_id")}, "account_id", in_posts=True)
        return Mapped("posts", posts, rejects, accounts=accounts)


PRESET = CooRTweetPreset()
