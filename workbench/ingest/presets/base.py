"""What every preset shares: turning raw columns into canonical rows, with a reason for each bad row.

A preset says, for one kind of export, which raw column feeds which canonical column (as polars
expressions). `build_posts` and `build_accounts` then do the common work: parse times to UTC,
platform-qualify ids, extract links/hashtags/mentions from text when the export has none, read
"RT @handle:" retweets, derive a stable post id when the export has none, and give every row that
cannot be loaded a reason instead of dropping it.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping

import polars as pl

from workbench import schema
from workbench.errors import InputFileError
from workbench.ingest import extract
from workbench.ingest.readers import RAW_COLUMN, ROW_COLUMN, InputInfo, RawBatch, iter_batches, raw_json
from workbench.ingest.timeparse import DATE_ORDERS, TimeEvidence, parse_times

REASON = "_reason"
REASON_COLUMN = "_reason_column"
LIST_COLUMNS = ("urls", "hashtags", "mentions", "media_hashes")
COUNT_COLUMNS = ("like_count", "repost_count", "reply_count")


@dataclass
class MapContext:
    path: Path
    source_id: int
    platform: str
    timezone: str | None
    options: dict[str, Any] = field(default_factory=dict)
    ids_qualified: bool = False  # the files' ids already carry their platform (Preset.ids_qualified)
    time_evidence: dict[str, TimeEvidence] = field(default_factory=dict)  # per time column, across batches


@dataclass
class Mapped:
    """A preset's output for one batch. `table` is posts, accounts, events or labels; `rows` are the
    loadable rows (canonical columns + `_row`); `rejects` have `_row`, `_raw`, `_reason`, `_reason_column`;
    `value_problems` have `_row`, `column_name`, `value`, `reason`."""

    table: str
    rows: pl.DataFrame
    rejects: pl.DataFrame
    accounts: pl.DataFrame | None = None
    labels: pl.DataFrame | None = None
    value_problems: pl.DataFrame | None = None  # of `accounts` (author fields of a posts file): build_accounts


class Preset:
    """Base class. Subclasses set `name`, `platform`, `description` and implement `map_batch`."""

    name = ""
    platform = ""
    description = ""
    default_timezone: str | None = None
    ids_qualified = False  # True for files whose ids already carry their platform ("synth:p1"): written by us
    option_names: tuple[str, ...] = ()  # the --option names it reads (besides date_order, which every preset reads)

    def expand_record(self, record: dict) -> list[dict]:
        """For JSON inputs: the records (posts or accounts) inside one JSON object."""
        return [record]

    def read_batches(self, info: InputInfo, batch_rows: int) -> Iterator[RawBatch]:
        """The file's rows in batches for `map_batch`. A preset with a faster reader for its format
        (twitter_v2: JSON Lines decoded by polars) overrides this; the default is `readers.iter_batches`."""
        return iter_batches(info, expand=self.expand_record, batch_rows=batch_rows)

    def map_batch(self, frame: pl.DataFrame, ctx: MapContext) -> Mapped:
        raise NotImplementedError


# -- helpers for presets -------------------------------------------------------------------------
def require_columns(frame: pl.DataFrame, needed: Mapping[str, str], path: Path) -> None:
    """Raise a clear error when a raw column the preset needs is missing from the file.

    JSON records have no header: a key missing from every record of a batch is a per-row matter (a record
    without an optional key, or rows quarantined for a missing account or time), so for them the missing
    columns are added to `frame`, in place, as nulls.
    """
    missing = [(raw, canonical) for canonical, raw in needed.items() if raw not in frame.columns]
    if missing and RAW_COLUMN in frame.columns:
        absent = list(dict.fromkeys(raw for raw, _ in missing))
        frame.hstack([pl.Series(raw, [None] * frame.height, dtype=pl.String) for raw in absent], in_place=True)
        return
    if missing:
        described = ", ".join(f"{raw!r} (for {canonical})" for raw, canonical in missing)
        present = ", ".join(repr(c) for c in frame.columns if c not in (ROW_COLUMN, RAW_COLUMN))
        raise InputFileError(f"{path}: missing required column {described}; the file has: {present or 'no columns'}")


def col_or_null(frame: pl.DataFrame, name: str | None, dtype: pl.DataType = pl.String) -> pl.Expr:
    if name and name in frame.columns:
        return pl.col(name)
    return pl.lit(None, dtype=dtype)


def nonempty(expr: pl.Expr) -> pl.Expr:
    """Text with empty or blank strings turned into null (CSV has no other null)."""
    text = expr.cast(pl.String)
    return pl.when(text.str.strip_chars() == "").then(None).otherwise(text)


# Above 2**53 a float no longer holds every integer: a count written "9007199254740993.0" cannot be read exactly.
_EXACT_FLOAT = 2.0**53


def as_count(expr: pl.Expr) -> pl.Expr:
    """A count cell as Int64: integer text exactly ("9007199254740993"), else a whole float ("5.0", "1e3")."""
    text = nonempty(expr)
    return pl.coalesce(text.cast(pl.Int64, strict=False), text.cast(pl.Float64, strict=False).cast(pl.Int64, strict=False))


_TRUE, _FALSE = ["true", "1", "yes", "y", "t"], ["false", "0", "no", "n", "f", "-1"]


def as_bool(expr: pl.Expr) -> pl.Expr:
    text = nonempty(expr).str.to_lowercase()
    return pl.when(text.is_in(_TRUE)).then(True).when(text.is_in(_FALSE)).then(False).otherwise(None)


def split_list(expr: pl.Expr, separator: str = " ") -> pl.Expr:
    """A delimited text cell (or a JSON array text) to a list of non-empty strings."""
    text = nonempty(expr)
    as_json = text.str.starts_with("[")
    parts = pl.when(as_json).then(
        text.str.strip_chars("[]").str.replace_all('"', "").str.split(",")
    ).otherwise(text.str.split(separator))
    return parts.list.eval(pl.element().str.strip_chars().filter(pl.element().str.len_chars() > 0))


_PLATFORM = re.compile(r"[A-Za-z0-9_.-]+")


def check_platform(name: str) -> str:
    """A platform name, refused when it could make two ids one: it prefixes every id with ":" after it, so
    platform "a:b" with id "1" and platform "a" with id "b:1" would collide (and "" gives ":1")."""
    if not isinstance(name, str) or not _PLATFORM.fullmatch(name):
        raise InputFileError(f"platform names are letters, digits, '_', '.' or '-', not {name!r}")
    return name


def qualify(expr: pl.Expr, platform: str | pl.Expr) -> pl.Expr:
    """Prefix ids with their platform ("weibo:123"), always: an id the file writes "generic:5" is another id
    than "5" (leaving it alone made two posts one, and dropped the second as a duplicate)."""
    prefix = platform if isinstance(platform, pl.Expr) else pl.lit(platform)
    return prefix + ":" + nonempty(expr)


def _extract_where_marked(texts: pl.Series, name: str, extractor) -> pl.Series:
    """`extractor` (urls, hashtags or mentions) over the texts, as a list per text ([] for none).

    Only texts holding the entity's marker ("#", "@", "http") can hold one, and the list operations cost
    per row even where nothing is found, so the extractor runs on those texts alone and every other text
    gets [] (1M posts, 14% with "#": 0.6 s -> 0.2 s for hashtags).
    """
    as_lists = pl.List(pl.String)
    marked = texts.str.contains(extract.MARKERS[name]).fill_null(False)
    found = pl.DataFrame({"t": texts.filter(marked)}).select(extractor(pl.col("t")).fill_null(pl.lit([], dtype=as_lists)).cast(as_lists))
    unmarked = (~marked).arg_true()
    in_order = pl.concat([
        pl.DataFrame({"i": marked.arg_true(), name: found.to_series()}),
        pl.DataFrame({"i": unmarked, name: pl.repeat([], unmarked.len(), dtype=as_lists, eager=True)}),
    ]).sort("i")
    return in_order[name]


def _count_problem(base: pl.DataFrame, name: str) -> pl.Expr:
    """Why a count cell cannot be loaded ("1,234", "abc", 1e400, 2.5), else null: never a silent NULL."""
    if name not in base.columns or base.schema[name].is_integer():
        return pl.lit(None, dtype=pl.String)
    text = nonempty(pl.col(name))
    number = text.cast(pl.Float64, strict=False)
    shown = text.str.slice(0, 40)
    # A float column's NaN is how pandas writes a missing value; a "NaN" text is not a count.
    not_a_number = number.is_nan() if not base.schema[name].is_float() else pl.lit(False)
    read_as_float = text.is_not_null() & text.cast(pl.Int64, strict=False).is_null()  # integer text is exact
    return (
        pl.when(read_as_float & (number.is_null() | number.is_infinite() | not_a_number))
        .then(pl.lit(f"unparseable number in {name}: ") + shown)
        .when(read_as_float & (number.abs() >= _EXACT_FLOAT))
        .then(pl.lit(f"number too large to read exactly in {name}: ") + shown)
        .when(read_as_float & number.is_not_nan() & (number != number.floor()))
        .then(pl.lit(f"not a whole number in {name}: ") + shown)
    )


def _count_column(base: pl.DataFrame, name: str) -> pl.Expr:
    """A count column as Int64: integers as they are, text parsed (as_count), absent as null."""
    if name not in base.columns:
        return pl.lit(None, dtype=pl.Int64).alias(name)
    if base.schema[name].is_integer():
        return pl.col(name).cast(pl.Int64).alias(name)
    return as_count(pl.col(name)).alias(name)


def _platform_of(base: pl.DataFrame) -> str | pl.Expr:
    """The batch's one platform as a literal (prefix tests against a literal are far cheaper than against a
    column), or the `platform` column when rows differ."""
    platforms = base["platform"].unique()
    return platforms[0] if platforms.len() == 1 and platforms[0] is not None else pl.col("platform")


def stable_hash(values: pl.Series, length: int = 24) -> pl.Series:
    """A hash that never changes across runs, machines or library versions (BLAKE2b of UTF-8 text)."""
    # polars holds UTF-8 (no lone surrogates), so its bytes are what encode("utf-8") gave, without a
    # Python str and an encode per value (a third of the time on 100k IRA rows).
    blake2b, size = hashlib.blake2b, length // 2
    encoded = values.cast(pl.String).cast(pl.Binary).to_list()
    return pl.Series(values.name, [blake2b(v, digest_size=size).hexdigest() if v is not None else None for v in encoded],
                     dtype=pl.String)


def _evidence(ctx: MapContext) -> TimeEvidence:
    """A time column's evidence, starting from the date order the user gave (`--option date_order=...`)."""
    given = ctx.options.get("date_order")
    if given is not None and given not in DATE_ORDERS:
        raise InputFileError(f"--option date_order must be {' or '.join(DATE_ORDERS)}, not {given!r}")
    return TimeEvidence(given=given)


def _first_reason(*reasons: pl.Expr) -> pl.Expr:
    return pl.coalesce(list(reasons))


def single_values(frame: pl.DataFrame, columns: Iterator[str] | list[str],
                  required: list[str] = (), objects: list[str] = ()) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(frame, problems) for the raw `columns` a mapping reads: each becomes one value per row, and a row
    whose value is not one is a problem (`_value_reason`, `_value_column`; null when fine):
    - an empty value in a `required` column ("missing content_id"; these come first, in their order);
    - a JSON object (the JSON readers flatten it to `name.key` columns and leave `name` null);
    - a Parquet list or struct (text would have to be made up from it);
    - bytes that are not UTF-8 in a binary column (decoded row by row; polars would fail the whole batch);
    - a value where one of `objects` should be a JSON object (Twitter's `public_metrics: "12"`): the fields
      read from inside it would be NULL.
    The frame returned has such values null; the caller keeps the original frame for the rows' raw text."""
    missing = [frame.select(nonempty(pl.col(raw)).is_null()).to_series() for raw in required]
    reasons = [pl.when(pl.lit(mask)).then(pl.lit(f"missing {raw}")) for raw, mask in zip(required, missing)]
    names = [pl.when(pl.lit(mask)).then(pl.lit(raw)) for raw, mask in zip(required, missing)]
    for raw in objects:
        if raw in frame.columns:  # the JSON readers flatten an object to `raw.key` columns: `raw` holds a non-object
            reasons.append(pl.when(pl.col(raw).is_not_null()).then(pl.lit(f"column {raw!r} holds a value, not a JSON object")))
            names.append(pl.when(pl.col(raw).is_not_null()).then(pl.lit(raw)))
    for raw in dict.fromkeys(columns):
        children = [c for c in frame.columns if c.startswith(raw + ".")]
        if raw not in frame.columns:
            if children:  # every record of the batch held an object there
                frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(raw))
            else:
                continue
        dtype = frame.schema[raw]
        problem = None
        if children:
            problem = pl.col(raw).is_null() & pl.any_horizontal([pl.col(c).is_not_null() for c in children])
            reason = f"column {raw!r} holds a JSON object, not a value"
        elif isinstance(dtype, (pl.List, pl.Array, pl.Struct)):
            frame = frame.with_columns(frame[raw].is_not_null().alias(f"_bad_{raw}"),
                                       pl.lit(None, dtype=pl.String).alias(raw))  # every non-null row is a problem
            problem = pl.col(f"_bad_{raw}")
            reason = f"column {raw!r} holds a {'struct' if isinstance(dtype, pl.Struct) else 'list'}, not a value"
        elif dtype == pl.Binary:
            decoded, bad = [], []
            for value in frame[raw].to_list():
                try:
                    decoded.append(None if value is None else value.decode("utf-8"))
                    bad.append(False)
                except UnicodeDecodeError:
                    decoded.append(None)
                    bad.append(True)
            frame = frame.with_columns(pl.Series(raw, decoded, dtype=pl.String), pl.Series(f"_bad_{raw}", bad, dtype=pl.Boolean))
            problem, reason = pl.col(f"_bad_{raw}"), f"bytes not valid utf-8 in column {raw!r}"
        if problem is not None:
            reasons.append(pl.when(problem).then(pl.lit(reason)))
            names.append(pl.when(problem).then(pl.lit(raw)))
    problems = frame.with_columns(
        _first_reason(pl.lit(None, dtype=pl.String), *reasons).alias("_value_reason"),
        _first_reason(pl.lit(None, dtype=pl.String), *names).alias("_value_column"),
    ).select("_value_reason", "_value_column")
    return frame.drop([c for c in frame.columns if c.startswith("_bad_")]), problems


def split_rejects(base: pl.DataFrame, frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split mapped rows into (good, rejects) by their `_reason`.

    base : the mapped rows, row for row the input `frame`. A reject's raw text is base's `_raw` when it has
        one, else the input row as JSON, computed for the rejects only (loaded rows are kept whole in the
        raw layer instead).
    """
    is_bad = base[REASON].is_not_null()
    good = base.filter(~is_bad)
    bad = base.filter(is_bad)
    raw = bad.select(RAW_COLUMN) if RAW_COLUMN in bad.columns else frame.filter(is_bad).select(raw_json(frame).alias(RAW_COLUMN))
    rejects = pl.concat([
        bad.select(
            pl.col(ROW_COLUMN), pl.col(REASON),
            (pl.col(REASON_COLUMN) if REASON_COLUMN in bad.columns else pl.lit(None, dtype=pl.String)).alias(REASON_COLUMN),
        ),
        raw,
    ], how="horizontal")
    return good, rejects.select(ROW_COLUMN, RAW_COLUMN, REASON, REASON_COLUMN)


# -- posts -----------------------------------------------------------------------------------------
def build_posts(frame: pl.DataFrame, ctx: MapContext, fields: Mapping[str, pl.Expr],
                time_column: str, account_column: str, raw_columns: list[str] = (),
                required_columns: list[str] = (), object_columns: list[str] = ()) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Canonical posts from raw rows.

    fields : canonical column name -> expression over raw columns. `created_at` must be given (raw
        values of any accepted layout); missing list columns are extracted from `text`; a missing
        `post_id` is derived from the platform and the raw row (as JSON), so identical rows get the same id.
    time_column, account_column : raw column names, for the reasons given to bad rows.
    raw_columns : the raw columns `fields` read, checked to hold one value per row (`single_values`).
    required_columns : raw columns a row cannot be loaded without (besides the account and the time); an
        empty one quarantines the row ("missing content_id") instead of making up an id.
    object_columns : raw JSON keys `fields` read inside of; a row holding a plain value there is quarantined.
    Returns (posts with canonical columns + `_row`, rejects).
    """
    platform = fields.get("platform", pl.lit(ctx.platform))
    values, problems = single_values(frame, raw_columns, list(required_columns), list(object_columns))
    base = values.select(
        pl.col(ROW_COLUMN),
        platform.cast(pl.String).alias("platform"),
        *[expr.alias(name) for name, expr in fields.items() if name not in ("platform", "created_at")],
    ).with_columns(problems)
    created_at, time_reason = parse_times(values.select(fields["created_at"].alias("t"))["t"], time_column, ctx.timezone,
                                          str(ctx.path), ctx.time_evidence.setdefault(time_column, _evidence(ctx)))
    base = base.with_columns(created_at.alias("created_at"), time_reason.alias("_time_reason"))

    for name in ("text", "lang", "kind", "parent_post_id", "shared_post_id", "source_app", "post_id", "account_id"):
        if name not in base.columns:
            base = base.with_columns(pl.lit(None, dtype=pl.String).alias(name))
        else:
            base = base.with_columns(nonempty(pl.col(name)).alias(name) if name != "text" else pl.col(name).cast(pl.String))
    if not ctx.ids_qualified:  # the ids the file wrote; the ids derived below are built qualified
        platform_of_rows = _platform_of(base)
        base = base.with_columns(qualify(pl.col(name), platform_of_rows).alias(name)
                                 for name in ("post_id", "account_id", "parent_post_id", "shared_post_id"))
    checked = [name for name in COUNT_COLUMNS if name in base.columns and not base.schema[name].is_integer()]
    base = base.with_columns(*[_count_problem(base, name).alias(f"_problem_{name}") for name in checked])
    base = base.with_columns(
        _first_reason(pl.lit(None, dtype=pl.String), *[pl.col(f"_problem_{name}") for name in checked]).alias("_count_reason"),
        _first_reason(pl.lit(None, dtype=pl.String), *[pl.when(pl.col(f"_problem_{name}").is_not_null()).then(pl.lit(name))
                                                       for name in checked]).alias("_count_column"),
    ).drop([f"_problem_{name}" for name in checked])
    base = base.with_columns(*[_count_column(base, name) for name in COUNT_COLUMNS])

    text = pl.col("text")
    # Retweets known only from their text ("RT @handle: ..." or, as in the IRA export, a repost row
    # holding the original's text): the target is the retweeted author + text, hashed, so two accounts
    # retweeting the same tweet share one shared_post_id (what co-share needs).
    # The handle's pattern only matches texts starting "RT @", and the key is only built for rows that need
    # one: when a batch has none, neither regex runs (0.11 s per 1M synthetic posts otherwise).
    has_rt_prefix = bool(base["text"].str.starts_with("RT @").any())
    rt_handle = extract.extract_retweet_handle(text) if has_rt_prefix else pl.lit(None, dtype=pl.String)
    is_text_repost = rt_handle.is_not_null() | ((pl.col("kind").str.to_lowercase() == "repost") & text.is_not_null())
    needs_key = pl.col("shared_post_id").is_null() & is_text_repost
    rt_key = None
    if base.select(needs_key.any()).item():
        derived_rt = rt_handle.str.to_lowercase().fill_null("") + pl.lit("|") + extract.retweeted_text(text)
        rt_key = base.select(pl.when(needs_key).then(derived_rt).otherwise(None))
    base = base.with_columns(
        pl.when(pl.col("kind").is_null() & (pl.col("shared_post_id").is_not_null() | rt_handle.is_not_null())).then(pl.lit("repost"))
        .when(pl.col("kind").is_null() & pl.col("parent_post_id").is_not_null()).then(pl.lit("reply"))
        .when(pl.col("kind").is_null()).then(pl.lit("post"))
        .otherwise(pl.col("kind").str.to_lowercase()).alias("kind"),
    )
    if rt_key is not None and rt_key.to_series().is_not_null().any():
        hashed = stable_hash(rt_key.to_series())
        base = base.with_columns(
            pl.when(hashed.is_not_null()).then(pl.lit(f"{ctx.platform}:rt:") + hashed).otherwise(pl.col("shared_post_id")).alias("shared_post_id")
        )

    for name, extractor in (("urls", extract.extract_urls), ("hashtags", extract.extract_hashtags), ("mentions", extract.extract_mentions)):
        if name not in base.columns:
            base = base.with_columns(_extract_where_marked(base["text"], name, extractor))
    if "media_hashes" not in base.columns:
        base = base.with_columns(pl.lit([], dtype=pl.List(pl.String)).alias("media_hashes"))
    for name in LIST_COLUMNS:
        base = base.with_columns(pl.col(name).cast(pl.List(pl.String)).fill_null(pl.lit([], dtype=pl.List(pl.String))))

    if base["post_id"].is_null().any():
        raw = frame.select(raw_json(frame)).to_series()
        derived = pl.lit(ctx.platform + ":h") + stable_hash(base["platform"] + "\x1f" + raw)
        base = base.with_columns(pl.col("post_id").fill_null(derived))
    base = base.with_columns(
        _first_reason(
            pl.col("_value_reason"),
            pl.when(pl.col("account_id").is_null()).then(pl.lit(f"missing account id in column {account_column!r}")),
            pl.col("_time_reason"),
            pl.when(~pl.col("kind").is_in(list(schema.POST_KINDS))).then(pl.lit("unknown kind: ") + pl.col("kind").str.slice(0, 40)),
            pl.col("_count_reason"),
        ).alias(REASON),
        pl.when(pl.col("_value_reason").is_not_null()).then(pl.col("_value_column"))
        .when(pl.col("account_id").is_null()).then(pl.lit(account_column))
        .when(pl.col("_time_reason").is_not_null()).then(pl.lit(time_column))
        .when(~pl.col("kind").is_in(list(schema.POST_KINDS))).then(pl.lit("kind"))
        .otherwise(pl.col("_count_column"))
        .alias(REASON_COLUMN),
    ).drop("_time_reason", "_count_reason", "_count_column", "_value_reason", "_value_column")
    good, rejects = split_rejects(base, frame)
    posts = good.with_columns(pl.lit(ctx.source_id, dtype=pl.Int32).alias("source_id"), pl.col(ROW_COLUMN).alias("source_row"))
    return posts.select(*schema.POSTS.column_names), rejects


# -- accounts --------------------------------------------------------------------------------------
PROFILE_COUNTS = ("followers", "following", "posts_count")


def _bool_problem(base: pl.DataFrame, name: str) -> pl.Expr:
    """Why a true/false cell cannot be loaded ("maybe"), else null."""
    if name not in base.columns or base.schema[name] == pl.Boolean:
        return pl.lit(None, dtype=pl.String)
    text = nonempty(pl.col(name))
    known = text.str.to_lowercase().is_in(_TRUE + _FALSE)
    return pl.when(text.is_not_null() & ~known).then(pl.lit(f"not a true/false value in {name}: ") + text.str.slice(0, 40))


def build_accounts(frame: pl.DataFrame, ctx: MapContext, fields: Mapping[str, pl.Expr], account_column: str,
                   raw: pl.Expr | None = None, *, in_posts: bool = False) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Canonical accounts from raw rows (profile files, or the author fields of post files).

    `created_at` may be given (times of any accepted layout). A value that cannot be read as its type (a count
    "1,234", a registration time "yesterday", a verified flag "maybe") is never stored NULL without a word:
    - in a profile file the row is quarantined, like a row without an account id (returns accounts, rejects);
    - in a posts file (`in_posts`) the post decides the row's fate, so the account is stored with NULL there and
      the value is reported (returns accounts, problems: `_row`, column_name, value, reason, for the
      `value_problems` table); a row without an account id gives no account (its post is quarantined for it).
    """
    platform = fields.get("platform", pl.lit(ctx.platform))
    base = frame.select(
        pl.col(ROW_COLUMN),
        (raw if raw is not None else raw_json(frame)).alias(RAW_COLUMN),
        platform.cast(pl.String).alias("platform"),
        *[expr.alias(name) for name, expr in fields.items() if name not in ("platform", "created_at")],
    )
    problems = {name: _count_problem(base, name) for name in PROFILE_COUNTS} | {"verified": _bool_problem(base, "verified")}
    if "created_at" in fields:
        times = frame.with_columns(fields["created_at"].alias("__created_at"))["__created_at"]  # a literal, broadcast
        created, time_reason = parse_times(times, "created_at", ctx.timezone or "UTC", str(ctx.path))
        base = base.with_columns(created.alias("created_at"), times.cast(pl.String).alias("_value_created_at"))
        # An account without a registration time is no problem; one that cannot be read is.
        base = base.with_columns(pl.when(nonempty(pl.col("_value_created_at")).is_not_null()).then(time_reason)
                                 .alias("_problem_created_at"))
        problems["created_at"] = pl.col("_problem_created_at")
    else:
        base = base.with_columns(pl.lit(None, dtype=pl.Datetime("us")).alias("created_at"))
    base = base.with_columns(*[reason.alias(f"_problem_{name}") for name, reason in problems.items() if name != "created_at"])
    values = {name: (pl.col("_value_created_at") if name == "created_at" else
                     pl.col(name).cast(pl.String) if name in base.columns else pl.lit(None, dtype=pl.String))
              for name in problems}
    for name in ("handle", "display_name", "description", "location", "account_id"):
        base = base.with_columns((nonempty(pl.col(name)) if name in base.columns else pl.lit(None, dtype=pl.String)).alias(name))
    found = [pl.when(pl.col(f"_problem_{name}").is_not_null()).then(pl.struct(
        column_name=pl.lit(name), value=values[name].str.slice(0, 200), reason=pl.col(f"_problem_{name}")))
        for name in problems]
    base = base.with_columns(pl.concat_list(found).list.drop_nulls().alias("_problems"))
    base = base.with_columns(*[_count_column(base, name) for name in PROFILE_COUNTS])
    base = base.with_columns((as_bool(pl.col("verified")) if "verified" in base.columns else pl.lit(None, dtype=pl.Boolean)).alias("verified"))
    if not ctx.ids_qualified:
        base = base.with_columns(qualify(pl.col("account_id"), _platform_of(base)).alias("account_id"))
    if in_posts:
        # The value is NULL where it could not be read ("2.5" followers would otherwise be cut to 2).
        base = base.filter(pl.col("account_id").is_not_null()).with_columns(
            pl.when(pl.col(f"_problem_{name}").is_null()).then(pl.col(name)).alias(name) for name in problems)
        reported = base.select(ROW_COLUMN, "_problems").explode("_problems").drop_nulls("_problems").unnest("_problems")
        accounts = base.with_columns(pl.lit(ctx.source_id, dtype=pl.Int32).alias("source_id"),
                                     pl.col(ROW_COLUMN).alias("source_row"), pl.col(RAW_COLUMN).alias("raw"))
        return accounts.select(*schema.ACCOUNTS.column_names), reported.select(ROW_COLUMN, "column_name", "value", "reason")
    first = pl.col("_problems").list.first()
    base = base.with_columns(
        _first_reason(pl.when(pl.col("account_id").is_null()).then(pl.lit(f"missing account id in column {account_column!r}")),
                      first.struct.field("reason")).alias(REASON),
        pl.when(pl.col("account_id").is_null() | first.is_null()).then(pl.lit(account_column))
        .otherwise(first.struct.field("column_name")).alias(REASON_COLUMN),
    )
    good, rejects = split_rejects(base, frame)
    accounts = good.with_columns(pl.lit(ctx.source_id, dtype=pl.Int32).alias("source_id"), pl.col(ROW_COLUMN).alias("source_row"),
                                 pl.col(RAW_COLUMN).alias("raw"))
    return accounts.select(*schema.ACCOUNTS.column_names), rejects


def account_labels(accounts: pl.DataFrame, label: str, frame: pl.DataFrame, column: str, origin: str,
                   source_id: int) -> pl.DataFrame:
    """Labels about accounts (e.g. IRA account_category) from `column` of the raw rows `frame`, one per loaded
    account and value present: matched by input row, so an account row that was quarantined gives none."""
    values = frame.select(pl.col(ROW_COLUMN).alias("source_row"), pl.col(column).cast(pl.String).alias("value"))
    frame = accounts.select(pl.col("account_id").alias("entity_id"), "source_row").join(
        values, on="source_row", how="left", maintain_order="left")
    return frame.filter(pl.col("value").is_not_null()).unique("entity_id", keep="first", maintain_order=True).select(
        pl.lit("account").alias("entity_type"), pl.col("entity_id"), pl.lit(label).alias("label"), pl.col("value"),
        pl.lit(origin).alias("origin"), pl.lit(source_id, dtype=pl.Int32).alias("source_id"),
    )


def empty_rejects() -> pl.DataFrame:
    return pl.DataFrame(schema={ROW_COLUMN: pl.Int64, RAW_COLUMN: pl.String, REASON: pl.String, REASON_COLUMN: pl.String})
