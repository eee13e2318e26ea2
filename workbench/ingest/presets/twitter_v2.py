"""Twitter API v2 JSON Lines: each line a response page (`data` plus `includes.users`) or one tweet.

Retweets, quotes and replies come from `referenced_tweets`; links, hashtags and mentions from
`entities`; author profiles from `includes.users` become accounts.
"""
from __future__ import annotations

import polars as pl

from workbench.ingest.presets.base import (Mapped, MapContext, Preset, build_accounts, build_posts, col_or_null,
                                           nonempty, require_columns)

SEP = "\x1f"
REFERENCE_KINDS = {"retweeted": "repost", "quoted": "quote", "replied_to": "reply"}


def _joined(items: list | None, key: str) -> str:
    return SEP.join(str(item.get(key, "")) for item in (items or []) if isinstance(item, dict) and item.get(key))


class TwitterV2Preset(Preset):
    name = "twitter_v2"
    platform = "twitter"
    description = "Twitter API v2 JSONL (data + includes.users per line, or one tweet per line)"

    def expand_record(self, record: dict) -> list[dict]:
        if "data" in record:
            tweets = record["data"] if isinstance(record["data"], list) else [record["data"]]
            users = {u.get("id"): u for u in (record.get("includes") or {}).get("users", []) if isinstance(u, dict)}
        else:
            tweets, users = [record], {}
        out = []
        for tweet in tweets:
            if not isinstance(tweet, dict):
                raise ValueError("a data element is not an object")
            flat = dict(tweet)
            kind, shared, parent = None, None, None
            for reference in tweet.get("referenced_tweets") or []:
                kind = REFERENCE_KINDS.get(reference.get("type"), kind)
                if reference.get("type") in ("retweeted", "quoted"):
                    shared = reference.get("id")
                elif reference.get("type") == "replied_to":
                    parent = reference.get("id")
            entities = tweet.get("entities") or {}
            flat["_kind"], flat["_shared"], flat["_parent"] = kind, shared, parent
            flat["_urls"] = SEP.join(u.get("expanded_url") or u.get("url", "") for u in entities.get("urls", []) if isinstance(u, dict))
            flat["_hashtags"] = _joined(entities.get("hashtags"), "tag")
            flat["_mentions"] = _joined(entities.get("mentions"), "username")
            flat["_author"] = users.get(tweet.get("author_id")) or {}
            out.append(flat)
        return out

    def map_batch(self, frame: pl.DataFrame, ctx: MapContext) -> Mapped:
        require_columns(frame, {"post_id": "id", "account_id": "author_id", "created_at": "created_at"}, ctx.path)

        def listed(name: str) -> pl.Expr:
            return nonempty(col_or_null(frame, name)).str.split(SEP).fill_null(pl.lit([], dtype=pl.List(pl.String)))

        fields = {
            "post_id": pl.col("id"), "account_id": pl.col("author_id"), "created_at": pl.col("created_at"),
            "text": col_or_null(frame, "text"), "lang": col_or_null(frame, "lang"), "kind": col_or_null(frame, "_kind"),
            "shared_post_id": col_or_null(frame, "_shared"), "parent_post_id": col_or_null(frame, "_parent"),
            "urls": listed("_urls"), "hashtags": listed("_hashtags"), "mentions": listed("_mentions"),
            "source_app": col_or_null(frame, "source"),
            "like_count": col_or_null(frame, "public_metrics.like_count"),
            "repost_count": col_or_null(frame, "public_metrics.retweet_count"),
            "reply_count": col_or_null(frame, "public_metrics.reply_count"),
        }
        posts, rejects = build_posts(frame, ctx, fields, time_column="created_at", account_column="author_id")
        authors = frame.filter(col_or_null(frame, "_author.id").is_not_null())
        accounts = None
        if authors.height:
            a = "_author."
            accounts, _ = build_accounts(authors, ctx, {
                "account_id": pl.col(a + "id"), "handle": col_or_null(authors, a + "username"),
                "display_name": col_or_null(authors, a + "name"), "created_at": col_or_null(authors, a + "created_at"),
                "followers": col_or_null(authors, a + "public_metrics.followers_count"),
                "following": col_or_null(authors, a + "public_metrics.following_count"),
                "posts_count": col_or_null(authors, a + "public_metrics.tweet_count"),
                "verified": col_or_null(authors, a + "verified"), "description": col_or_null(authors, a + "description"),
                "location": col_or_null(authors, a + "location"),
            }, "author_id", raw=pl.struct([c for c in authors.columns if c.startswith(a)]).struct.json_encode())
        return Mapped("posts", posts, rejects, accounts=accounts)


PRESET = TwitterV2Preset()
