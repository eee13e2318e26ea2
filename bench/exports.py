"""Benchmark inputs in the formats users bring, written from the synthetic corpus or the IRA slice.

    .venv/bin/python bench/exports.py twitter_v2 OUT.jsonl --posts 100000 [--page-size 100]
    .venv/bin/python bench/exports.py ira OUT.parquet --copies 6
    .venv/bin/python bench/exports.py cnt OUT.csv --posts 200000

- twitter_v2: Twitter API v2 search responses as twarc2 writes them, one page per line: `data` (up to
  `page_size` tweets with the usual tweet.fields: entities, public_metrics, referenced_tweets,
  edit_history_tweet_ids, context annotations left out), `includes.users` (each author of the page once,
  with user.fields) and `meta`. About 1 KB per tweet, as real exports.
- ira: the IRA slice of ../shared/datasets repeated `copies` times, each copy shifted by 46 days (the
  slice spans 45), so rows stay distinct and duplicates within the slice stay duplicates.
- cnt: coordination_network_toolkit's own CSV (message_id,user_id,username,repost_id,reply_id,message,
  timestamp,urls), from the synthetic corpus; what both tools read in bench/bench_whole_process.py.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

DATASETS = Path(__file__).resolve().parents[1] / ".." / "shared" / "datasets"


def synth_frames(posts: int, seed: int, work: Path):
    import polars as pl

    from workbench.synth import generate

    folder = work / f"synth_{posts}_{seed}"
    if not (folder / "manifest.json").exists():
        generate(folder, posts=posts, seed=seed)
    return pl.read_parquet(folder / "posts.parquet"), pl.read_parquet(folder / "accounts.parquet")


def _bare(identifier: str | None) -> str | None:
    """"twitter:123" -> "123" (v2 ids carry no platform)."""
    return identifier.split(":", 1)[1] if identifier and ":" in identifier else identifier


def _numeric_id(identifier: str | None, salt: int) -> str | None:
    if identifier is None:
        return None
    import hashlib

    return str(int.from_bytes(hashlib.blake2b(f"{salt}:{identifier}".encode(), digest_size=7).digest(), "big"))


def _iso(value) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _entities(text: str, urls: list[str], hashtags: list[str], mentions: list[str]) -> dict:
    entities: dict = {}
    if urls:
        entities["urls"] = [{"start": 0, "end": 23, "url": f"https://t.co/{i:010d}", "expanded_url": url,
                             "display_url": url.split("//")[-1][:30]} for i, url in enumerate(urls)]
    if hashtags:
        entities["hashtags"] = [{"start": max(text.find("#" + tag), 0), "end": max(text.find("#" + tag), 0) + len(tag) + 1,
                                 "tag": tag} for tag in hashtags]
    if mentions:
        entities["mentions"] = [{"start": 0, "end": len(m) + 1, "username": m, "id": _numeric_id(m, 2)} for m in mentions]
    return entities


def write_twitter_v2(posts, accounts, path: Path, page_size: int = 100) -> int:
    """Pages of tweets with their authors, one JSON object per line. Returns the number of tweets."""
    users = {row["account_id"]: row for row in accounts.iter_rows(named=True)}
    kinds = {"repost": "retweeted", "quote": "quoted", "reply": "replied_to"}
    written = 0
    with path.open("w", encoding="utf-8") as out:
        for start in range(0, posts.height, page_size):
            page = posts.slice(start, page_size)
            tweets, authors = [], {}
            for row in page.iter_rows(named=True):
                author = _numeric_id(row["account_id"], 1)
                tweet = {
                    "edit_history_tweet_ids": [_numeric_id(row["post_id"], 0)],
                    "id": _numeric_id(row["post_id"], 0), "author_id": author, "text": row["text"] or "",
                    "created_at": _iso(row["created_at"]), "lang": row["lang"] or "und",
                    "conversation_id": _numeric_id(row["parent_post_id"] or row["post_id"], 0),
                    "source": row["source_app"] or "Twitter Web App", "possibly_sensitive": False, "reply_settings": "everyone",
                    "public_metrics": {"retweet_count": row["repost_count"] or 0, "reply_count": row["reply_count"] or 0,
                                       "like_count": row["like_count"] or 0, "quote_count": 0, "bookmark_count": 0,
                                       "impression_count": 10 * (row["like_count"] or 0)},
                }
                entities = _entities(tweet["text"], row["urls"] or [], row["hashtags"] or [], row["mentions"] or [])
                if entities:
                    tweet["entities"] = entities
                reference = row["shared_post_id"] if row["kind"] in ("repost", "quote") else row["parent_post_id"]
                if row["kind"] in kinds and reference:
                    tweet["referenced_tweets"] = [{"type": kinds[row["kind"]], "id": _numeric_id(reference, 0)}]
                tweets.append(tweet)
                if author not in authors:
                    account = users.get(row["account_id"]) or {}
                    authors[author] = {
                        "id": author, "username": account.get("handle") or f"user{author}",
                        "name": account.get("display_name") or "", "created_at": _iso(account["created_at"]) if account.get("created_at") else "2010-01-01T00:00:00.000Z",
                        "description": account.get("description") or "", "location": account.get("location") or "",
                        "verified": bool(account.get("verified")), "protected": False,
                        "profile_image_url": f"https://pbs.twimg.com/profile_images/{author}/photo_normal.jpg",
                        "public_metrics": {"followers_count": account.get("followers") or 0, "following_count": account.get("following") or 0,
                                           "tweet_count": account.get("posts_count") or 0, "listed_count": 0, "like_count": 0},
                    }
            meta = {"newest_id": tweets[0]["id"], "oldest_id": tweets[-1]["id"], "result_count": len(tweets), "next_token": f"b26v89c19zqg8o3f{start:08d}"}
            out.write(json.dumps({"data": tweets, "includes": {"users": list(authors.values())}, "meta": meta}, ensure_ascii=False))
            out.write("\n")
            written += len(tweets)
    return written


def write_ira(path: Path, copies: int) -> int:
    import polars as pl

    slice_ = pl.read_parquet(DATASETS / "ira_troll_tweets_dev.parquet")
    shifted = [slice_.with_columns(pl.col("publish_date") + pl.duration(days=46 * copy),
                                   pl.col("harvested_date") + pl.duration(days=46 * copy)) for copy in range(copies)]
    frame = pl.concat(shifted)
    frame.write_parquet(path, compression="zstd", row_group_size=100_000)
    return frame.height


def write_cnt(posts, accounts, path: Path) -> int:
    """The toolkit's CSV columns, with platform prefixes stripped (ids as the toolkit's users would have them)."""
    import polars as pl

    handles = accounts.select("account_id", pl.col("handle").alias("username"))
    frame = posts.join(handles, on="account_id", how="left").select(
        pl.col("post_id").map_elements(_bare, return_dtype=pl.String).alias("message_id"),
        pl.col("account_id").map_elements(_bare, return_dtype=pl.String).alias("user_id"),
        pl.col("username").fill_null(""),
        pl.when(pl.col("kind") == "repost").then(pl.col("shared_post_id")).otherwise(None)
        .map_elements(_bare, return_dtype=pl.String).fill_null("").alias("repost_id"),
        pl.col("parent_post_id").map_elements(_bare, return_dtype=pl.String).fill_null("").alias("reply_id"),
        pl.col("text").fill_null("").alias("message"),
        pl.col("created_at").dt.epoch("s").alias("timestamp"),
        pl.col("urls").list.join(" ").fill_null("").alias("urls"),
    )
    frame.write_csv(path)
    return frame.height


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("format", choices=("twitter_v2", "ira", "cnt"))
    parser.add_argument("out")
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--copies", type=int, default=6)
    parser.add_argument("--work", default="/tmp/bench_exports", help="where the synthetic corpus is generated once")
    args = parser.parse_args()
    out, work = Path(args.out), Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    if args.format == "ira":
        rows = write_ira(out, args.copies)
    else:
        posts, accounts = synth_frames(args.posts, args.seed, work)
        rows = write_twitter_v2(posts, accounts, out, args.page_size) if args.format == "twitter_v2" else write_cnt(posts, accounts, out)
    print(f"{out}: {rows:,} rows, {out.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
