"""Twitter API v2 JSON Lines: each line a response page (`data` plus `includes.users`) or one tweet.

Retweets, quotes and replies come from `referenced_tweets`; links, hashtags and mentions from
`entities`; author profiles from `includes.users` become accounts.

UTF-8 JSON Lines files are decoded a block of lines at a time by Arrow against `LINE_SCHEMA` (the fields
this preset maps; see `workbench.ingest.jsonlines`) instead of by `expand_record` record by record, about
4x less CPU. A block Arrow cannot decode exactly is read line by line as before; so is each line whose
meaning could differ between the two (a `null` where `data`, `users` or `urls` should be a list, a link
with neither `expanded_url` nor `url`, a null element in `data` or `referenced_tweets`). The raw layer
keeps each line of the file as read; a quarantined tweet's raw text is its line when the line is the
tweet, else the tweet's fields as decoded (the whole page is in the raw layer under the same row number).
"""
from __future__ import annotations

from typing import Iterator

import polars as pl
import pyarrow as pa

from workbench.ingest.presets.base import (Mapped, MapContext, Preset, build_accounts, build_posts, col_or_null,
                                           require_columns)
from workbench.ingest.readers import RAW_COLUMN, ROW_COLUMN, InputInfo, RawBatch, RawReject, _parse_record_line, _records_batch, iter_batches

REFERENCE_KINDS = {"retweeted": "repost", "quoted": "quote", "replied_to": "reply"}

_METRICS = pa.struct([("like_count", pa.int64()), ("retweet_count", pa.int64()), ("reply_count", pa.int64())])
_TWEET = [
    ("id", pa.string()), ("author_id", pa.string()), ("created_at", pa.string()), ("text", pa.string()),
    ("lang", pa.string()), ("source", pa.string()), ("public_metrics", _METRICS),
    ("referenced_tweets", pa.list_(pa.struct([("type", pa.string()), ("id", pa.string())]))),
    ("entities", pa.struct([
        ("urls", pa.list_(pa.struct([("url", pa.string()), ("expanded_url", pa.string())]))),
        ("hashtags", pa.list_(pa.struct([("tag", pa.string())]))),
        ("mentions", pa.list_(pa.struct([("username", pa.string())]))),
    ])),
]
_USER = [
    ("id", pa.string()), ("username", pa.string()), ("name", pa.string()), ("created_at", pa.string()),
    ("description", pa.string()), ("location", pa.string()), ("verified", pa.bool_()),
    ("public_metrics", pa.struct([("followers_count", pa.int64()), ("following_count", pa.int64()), ("tweet_count", pa.int64())])),
]
TWEET_FIELDS = [name for name, _ in _TWEET]
USER_FIELDS = [name for name, _ in _USER]
# A line is a page ({"data": [...], "includes": {"users": [...]}}) or one tweet: the schema holds both.
LINE_SCHEMA = pa.schema([("data", pa.list_(pa.struct(_TWEET))), ("includes", pa.struct([("users", pa.list_(pa.struct(_USER)))])),
                         *_TWEET])
# After decoding, an absent key and a null look alike; expand_record treats these nulls differently from
# absence (it rejects the record), so lines holding one take the record-by-record path.
_NULL_WHERE_LIST = r'"(?:data|users|urls)"\s*:\s*null'


def _object(value, what: str) -> dict:
    """`value` when it is a JSON object (absent, null or empty: {}), else a ValueError naming the field: the
    record's reason."""
    if not value:
        return {}
    if not isinstance(value, dict):
        raise ValueError(f"{what} is a {type(value).__name__}, not a JSON object")
    return value


def _objects(value, what: str) -> list[dict]:
    """The objects of a JSON list (absent, null or empty: none), else a ValueError naming the field."""
    if not value:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ValueError(f"{what} is not a list of JSON objects")
    return value


def _values(items: list[dict], key: str) -> list[str]:
    """The non-empty `key` values of the objects, as text. Kept as a list (never joined and split again),
    so a hashtag holding any character, the separator included, stays one hashtag."""
    return [str(item[key]) for item in items if item.get(key) not in (None, "")]


class TwitterV2Preset(Preset):
    name = "twitter_v2"
    platform = "twitter"
    description = "Twitter API v2 JSONL (data + includes.users per line, or one tweet per line)"

    def expand_record(self, record: dict) -> list[dict]:
        if "data" in record:
            tweets = record["data"] if isinstance(record["data"], list) else [record["data"]]
            users = {u.get("id"): u for u in _objects(_object(record.get("includes"), "includes").get("users"), "includes.users")}
        else:
            tweets, users = [record], {}
        out = []
        for tweet in tweets:
            if not isinstance(tweet, dict):
                raise ValueError("a data element is not an object")
            flat = dict(tweet)
            kind, shared, parent = None, None, None
            for reference in _objects(tweet.get("referenced_tweets"), "referenced_tweets"):
                kind = REFERENCE_KINDS.get(reference.get("type"), kind)
                if reference.get("type") in ("retweeted", "quoted"):
                    shared = reference.get("id")
                elif reference.get("type") == "replied_to":
                    parent = reference.get("id")
            entities = _object(tweet.get("entities"), "entities")
            flat["_kind"], flat["_shared"], flat["_parent"] = kind, shared, parent
            links = [u.get("expanded_url") or u.get("url") for u in _objects(entities.get("urls"), "entities.urls")]
            flat["_urls"] = [str(link) for link in links if link not in (None, "")]
            flat["_hashtags"] = _values(_objects(entities.get("hashtags"), "entities.hashtags"), "tag")
            flat["_mentions"] = _values(_objects(entities.get("mentions"), "entities.mentions"), "username")
            flat["_author"] = users.get(tweet.get("author_id")) or {}
            out.append(flat)
        return out

    def read_batches(self, info: InputInfo, batch_rows: int) -> Iterator[RawBatch]:
        from workbench.ingest.jsonlines import fast_path_applies

        if not fast_path_applies(info):
            return iter_batches(info, expand=self.expand_record, batch_rows=batch_rows)
        return self._read_json_lines(info, batch_rows)

    def _read_json_lines(self, info: InputInfo, batch_rows: int) -> Iterator[RawBatch]:
        from workbench.ingest.jsonlines import iter_block_records, iter_json_blocks

        for block in iter_json_blocks(info, LINE_SCHEMA):
            if block.table is None:
                yield from iter_block_records(block, info, self.expand_record, batch_rows)
                continue
            lines = pl.from_arrow(block.table).with_columns(
                pl.int_range(block.first_line, block.first_line + block.table.num_rows, dtype=pl.Int64).alias(ROW_COLUMN),
                pl.Series("_line", block.lines, dtype=pl.String))
            original = pa.table({ROW_COLUMN: lines[ROW_COLUMN].to_arrow(), RAW_COLUMN: block.lines})
            ambiguous = _ambiguous_lines(lines)
            slow = lines.filter(ambiguous).select(ROW_COLUMN, "_line") if ambiguous.any() else None
            tweets, empty_pages = _tweet_rows(lines.filter(~ambiguous) if slow is not None else lines)
            rejects = [RawReject(number, line.rstrip("\n"), "record holds no posts or accounts for this preset")
                       for number, line in empty_pages.iter_rows()]
            slow_records: list[tuple[int, dict, str]] = []
            if slow is not None:
                for number, line in slow.iter_rows():
                    slow_records.extend(_parse_record_line(line.strip(), number, self.expand_record, rejects))
            yield RawBatch(tweets, rejects, rows_read=tweets.height + len(rejects), original=original, layout="json_records")
            if slow_records:
                # Records read the old way: their rows go in a batch of their own (their raw text is already kept).
                batch = _records_batch(slow_records, [])
                yield RawBatch(batch.frame, [], rows_read=batch.rows_read)

    def map_batch(self, frame: pl.DataFrame, ctx: MapContext) -> Mapped:
        require_columns(frame, {"post_id": "id", "account_id": "author_id", "created_at": "created_at"}, ctx.path)

        def listed(name: str) -> pl.Expr:
            # Lists as decoded by blocks; read record by record, the JSON text of the list expand_record made.
            column = col_or_null(frame, name)
            if name in frame.columns and frame.schema[name] == pl.String:
                column = column.str.json_decode(pl.List(pl.String))
            return column.fill_null(pl.lit([], dtype=pl.List(pl.String)))

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
        # A JSON object as text, or a plain value as public_metrics, is quarantined, not NULLed.
        posts, rejects = build_posts(frame, ctx, fields, time_column="created_at", account_column="author_id",
                                     raw_columns=["text"], object_columns=["public_metrics"])
        # One row per author: the loader keeps the first profile of each account anyway, and a page repeats
        # its authors' profiles on every tweet.
        authors = frame.filter(col_or_null(frame, "_author.id").is_not_null())
        if "_author.id" in authors.columns:
            authors = authors.unique("_author.id", keep="first", maintain_order=True)
        accounts = problems = None
        if authors.height:
            a = "_author."
            accounts, problems = build_accounts(authors, ctx, {
                "account_id": pl.col(a + "id"), "handle": col_or_null(authors, a + "username"),
                "display_name": col_or_null(authors, a + "name"), "created_at": col_or_null(authors, a + "created_at"),
                "followers": col_or_null(authors, a + "public_metrics.followers_count"),
                "following": col_or_null(authors, a + "public_metrics.following_count"),
                "posts_count": col_or_null(authors, a + "public_metrics.tweet_count"),
                "verified": col_or_null(authors, a + "verified"), "description": col_or_null(authors, a + "description"),
                "location": col_or_null(authors, a + "location"),
            }, "author_id", raw=pl.struct([c for c in authors.columns if c.startswith(a)]).struct.json_encode(), in_posts=True)
            if a + "public_metrics" in authors.columns:  # a plain value where the counts' object should be
                plain = authors.filter(pl.col(a + "public_metrics").is_not_null())
                problems = pl.concat([problems, *[plain.select(
                    ROW_COLUMN, pl.lit(name).alias("column_name"), pl.col(a + "public_metrics").str.slice(0, 200).alias("value"),
                    pl.lit("the author's public_metrics is a value, not a JSON object").alias("reason"))
                    for name in ("followers", "following", "posts_count")]]).sort(ROW_COLUMN, maintain_order=True)
        return Mapped("posts", posts, rejects, accounts=accounts, value_problems=problems)


def _ambiguous_lines(lines: pl.DataFrame) -> pl.Series:
    """Lines that expand_record could read differently from the decoded columns (see the module docstring)."""
    data, urls = pl.col("data"), pl.col("entities").struct.field("urls")
    references = pl.col("referenced_tweets")

    def no_link(element: pl.Expr) -> pl.Expr:
        expanded, url = element.struct.field("expanded_url"), element.struct.field("url")
        return (expanded.is_null() | (expanded == "")) & url.is_null() & element.is_not_null()

    page_links = data.list.eval(pl.element().struct.field("entities").struct.field("urls").list.eval(no_link(pl.element())).list.any())
    page_references = data.list.eval(pl.element().struct.field("referenced_tweets").list.eval(pl.element().is_null()).list.any())
    return lines.select(
        pl.col("_line").str.contains(_NULL_WHERE_LIST)
        | data.list.eval(pl.element().is_null()).list.any().fill_null(False)
        | page_links.list.any().fill_null(False) | page_references.list.any().fill_null(False)
        | urls.list.eval(no_link(pl.element())).list.any().fill_null(False)
        | references.list.eval(pl.element().is_null()).list.any().fill_null(False)
    ).to_series()


def _listed_field(items: pl.Expr, key: str) -> pl.Expr:
    """_values as an expression: the non-empty `key` values of the list's objects."""
    return items.list.eval(pl.element().struct.field(key).filter(pl.element().struct.field(key).is_not_null()
                                                                 & (pl.element().struct.field(key) != "")))


def _tweet_rows(lines: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(one row per tweet with the columns expand_record gives map_batch, pages holding no tweet (number, line))."""
    unpacked = lines.with_row_index("_line_index")
    is_page = pl.col("data").is_not_null()
    empty_pages = unpacked.filter(is_page & (pl.col("data").list.len() == 0)).select(ROW_COLUMN, "_line")
    pages = (unpacked.filter(is_page).select("_line_index", ROW_COLUMN, "data").explode("data", keep_nulls=False)
             .unnest("data").with_columns(pl.lit(None, dtype=pl.String).alias(RAW_COLUMN)))
    tweet_columns = list(TWEET_FIELDS)
    singles = unpacked.filter(~is_page).select("_line_index", ROW_COLUMN, *tweet_columns,
                                               pl.col("_line").str.strip_chars().alias(RAW_COLUMN))
    tweets = pl.concat([pages.select(singles.columns), singles]).sort("_line_index", maintain_order=True)
    # A page's tweet as decoded (its fields this preset reads), as JSON: its quarantine text if it is rejected.
    tweets = tweets.with_columns(pl.col(RAW_COLUMN).fill_null(pl.struct(tweet_columns).struct.json_encode()))

    users = (unpacked.select("_line_index", pl.col("includes").struct.field("users")).explode("users", keep_nulls=False)
             .unnest("users").unique(["_line_index", "id"], keep="last", maintain_order=True))
    users = users.select("_line_index", pl.col("id").alias("author_id"), *[
        pl.col(name).alias(f"_author.{name}") for name in USER_FIELDS if name != "public_metrics"],
        *[pl.col("public_metrics").struct.field(count).alias(f"_author.public_metrics.{count}")
          for count in ("followers_count", "following_count", "tweet_count")])

    references = pl.col("referenced_tweets")
    reference_type, reference_id = pl.element().struct.field("type"), pl.element().struct.field("id")
    entities = pl.col("entities")
    links = entities.struct.field("urls").list.eval(
        pl.when(pl.element().struct.field("expanded_url").is_not_null() & (pl.element().struct.field("expanded_url") != ""))
        .then(pl.element().struct.field("expanded_url")).otherwise(pl.element().struct.field("url")).drop_nulls())
    frame = tweets.select(
        "_line_index", ROW_COLUMN, RAW_COLUMN, "id", "author_id", "created_at", "text", "lang", "source",
        *[pl.col("public_metrics").struct.field(count).alias(f"public_metrics.{count}")
          for count in ("like_count", "retweet_count", "reply_count")],
        references.list.eval(reference_type.replace_strict(REFERENCE_KINDS, default=None).drop_nulls()).list.last().alias("_kind"),
        references.list.eval(reference_id.filter(reference_type.is_in(["retweeted", "quoted"]))).list.last().alias("_shared"),
        references.list.eval(reference_id.filter(reference_type == "replied_to")).list.last().alias("_parent"),
        links.list.eval(pl.element().filter(pl.element() != "")).alias("_urls"),
        _listed_field(entities.struct.field("hashtags"), "tag").alias("_hashtags"),
        _listed_field(entities.struct.field("mentions"), "username").alias("_mentions"),
    )
    frame = frame.join(users, on=["_line_index", "author_id"], how="left", maintain_order="left", nulls_equal=False)
    return frame.drop("_line_index"), empty_pages


PRESET = TwitterV2Preset()
