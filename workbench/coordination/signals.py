"""Co-action signals: which posts perform the same action, and which post pairs do so within a window.

An *action* is (post, account, time, object): the object is what two posts must share for the signal.

=================  ========================================================================================
signal             object (posts considered)
=================  ========================================================================================
co_link            each URL in ``urls`` (not reposts: a repost carries its original's links); '' and NULL
                   are not links
co_domain          the host of each URL, lower-cased, without ``www.`` (not reposts)
co_share           ``shared_post_id`` (reposts and quotes)
co_text            the normalised text (not reposts; empty normalised texts never match). Normaliser
                   ``"workbench"`` = :func:`workbench.text.normalize.normalize_expr`; ``"toolkit"`` =
                   coordination_network_toolkit's ``message_preprocessor`` (lower-case, drop ``@\\S*``,
                   fold whitespace), which also lets empty texts match as the toolkit does
co_reply           ``parent_post_id`` (not reposts)
co_hashtag         the post's set of hashtags, lower-cased, sorted and joined (not reposts, >= 1 tag)
co_mention         each mentioned handle, lower-cased (not reposts)
co_media           each attached media hash in ``media_hashes`` (not reposts: a repost carries its
                   original's media); the same image or video pushed by several accounts
co_post            nothing: any two posts (synchronous posting, a baseline; expensive, off by default)
co_similar_text    near-duplicate text, see :mod:`workbench.coordination.similar`
co_paraphrase      the same claim in other words or another language (embedding similarity high,
                   character overlap low), see :mod:`workbench.coordination.paraphrase`
=================  ========================================================================================

The window sweep (:func:`window_pairs`) never self-joins an object: actions are sorted by (object, time);
gaps longer than the window are compressed to ``window + 1`` so times of all objects fit one monotone
int64 axis, and one binary search per action finds the last action within ``+window``. Work and memory are
proportional to the pairs actually inside the window. An object whose in-window pairs exceed
``max_pairs_per_object`` is skipped and reported as hot rather than exploding.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from workbench.arrays import concatenated_ranges
from workbench.coordination.signal_names import ALL_SIGNALS, PLAIN_SIGNALS, SIGNAL_COLUMNS  # noqa: F401  (ALL_SIGNALS re-exported)
from workbench.text.normalize import normalize_expr


# Optional precomputed column: the normalised text (CoordinationNetwork computes it once for co_text and
# co_similar_text).
NORMALIZED_TEXT = "__normalized_text"

_SIGNAL_COLUMNS = {signal: column for signal, column in SIGNAL_COLUMNS.items() if signal in PLAIN_SIGNALS}
_NOT_REPOST = pl.col("kind").fill_null("post") != "repost"


def normalized_text_expr(text_normalizer: str) -> pl.Expr:
    """The normalised ``text`` column for ``text_normalizer`` ("workbench" or "toolkit")."""
    if text_normalizer == "toolkit":
        return toolkit_preprocess_expr(pl.col("text"))
    if text_normalizer == "workbench":
        return normalize_expr(pl.col("text"))
    raise ValueError(f"text_normalizer must be 'workbench' or 'toolkit', got {text_normalizer!r}")


def toolkit_preprocess_expr(expr: pl.Expr) -> pl.Expr:
    """coordination_network_toolkit's ``message_preprocessor`` as a polars expression.

    Lower-case, remove every ``@`` up to the next whitespace, collapse whitespace runs to one space and
    strip the ends. (Python's ``str.split()`` also splits on the ASCII separators \\x1c-\\x1f, which are
    not Unicode whitespace for Rust's ``\\s``; texts containing them may differ.)
    """
    return (
        expr.fill_null("")
        .str.to_lowercase()
        .str.replace_all(r"@\S*", "")
        # Same as replacing every run of \s with one space, but a lone space (most matches) is left alone,
        # which makes the fold 6x faster.
        .str.replace_all(r"\s{2,}|[^\S ]", " ")
        .str.strip_chars(" \t\n\r\x0b\x0c")
    )


def signal_actions(posts: pl.DataFrame, signal: str, *, text_normalizer: str = "workbench") -> pl.DataFrame:
    """The actions of one signal: columns ``row`` (int64 row number in ``posts``), ``object`` (String).

    posts: the canonical posts frame (the columns the signal reads, plus ``kind``; a signal whose column
    is absent has no actions). One row per (post, object), duplicates removed.
    """
    needed = _SIGNAL_COLUMNS.get(signal)
    if needed is not None and needed not in posts.columns:
        return pl.DataFrame(schema={"row": pl.Int64, "object": pl.String})
    # Only the columns this signal reads, so that filtering out reposts copies nothing else.
    wanted = [c for c in (needed, NORMALIZED_TEXT if signal == "co_text" else None, "kind") if c is not None and c in posts.columns]
    frame = posts.select(pl.int_range(pl.len(), dtype=pl.Int64).alias("row"), *wanted)
    if "kind" not in frame.columns:
        frame = frame.with_columns(kind=pl.lit("post"))
    if signal in ("co_link", "co_domain", "co_media"):  # lists where '' and NULL are not objects
        out = frame.filter(_NOT_REPOST).select("row", object=pl.col(needed)).explode("object")
        out = out.filter(pl.col("object").is_not_null() & (pl.col("object").str.strip_chars() != ""))
        if signal == "co_domain":
            host = (
                pl.col("object")
                .str.to_lowercase()
                .str.replace(r"^[a-z][a-z0-9+.\-]*://", "")
                .str.extract(r"^([^/?#:@\s]+)", 1)
                .str.replace(r"^www\.", "")
            )
            out = out.with_columns(object=host).drop_nulls("object")
    elif signal == "co_share":
        out = frame.select("row", object=pl.col("shared_post_id")).drop_nulls("object")
    elif signal == "co_reply":
        out = frame.filter(_NOT_REPOST).select("row", object=pl.col("parent_post_id")).drop_nulls("object")
    elif signal == "co_text":
        if NORMALIZED_TEXT in frame.columns:
            out = frame.filter(_NOT_REPOST).select("row", object=pl.col(NORMALIZED_TEXT))
            if text_normalizer != "toolkit":
                out = out.filter(pl.col("object") != "")
        elif text_normalizer == "toolkit":
            out = frame.filter(_NOT_REPOST).select("row", object=toolkit_preprocess_expr(pl.col("text")))
        elif text_normalizer == "workbench":
            out = frame.filter(_NOT_REPOST).select("row", object=normalize_expr(pl.col("text")))
            out = out.filter(pl.col("object") != "")
        else:
            raise ValueError(f"text_normalizer must be 'workbench' or 'toolkit', got {text_normalizer!r}")
    elif signal == "co_hashtag":
        tags = pl.col("hashtags").list.eval(pl.element().str.to_lowercase()).list.unique().list.sort()
        out = frame.filter(_NOT_REPOST).select("row", tags=tags)
        out = out.filter(pl.col("tags").list.len() > 0).select("row", object=pl.col("tags").list.join(" #"))
    elif signal == "co_mention":
        out = frame.filter(_NOT_REPOST).select("row", object=pl.col("mentions")).explode("object")
        out = out.drop_nulls("object").with_columns(pl.col("object").str.to_lowercase())
    elif signal == "co_post":
        out = frame.select("row", object=pl.lit("*"))
    else:
        raise ValueError(f"unknown signal {signal!r}; known: {', '.join(ALL_SIGNALS)}")
    if signal in ("co_link", "co_domain", "co_mention", "co_media"):  # several objects per post: drop repeats, sort
        return out.unique(["row", "object"]).sort(["row", "object"])
    return out  # one object per post, already in row order


@dataclass(frozen=True)
class WindowPairs:
    """Pairs of actions on the same object within the window.

    ``left``, ``right``: int64 indices into the action arrays given to :func:`window_pairs` (left precedes
    right in time, ties by input order). ``object_posts`` / ``object_pairs``: per object code, how many
    actions it has and how many in-window pairs it produced; ``skipped_objects``: codes of hot objects
    whose pairs were not emitted (their pair count is still reported).
    """

    left: np.ndarray
    right: np.ndarray
    object_posts: np.ndarray
    object_pairs: np.ndarray
    skipped_objects: np.ndarray


def window_pairs(
    object_codes: np.ndarray,
    times_us: np.ndarray,
    window_us: int,
    *,
    max_pairs_per_object: int | None = None,
) -> WindowPairs:
    """All pairs of actions with the same object code and ``|t_a - t_b| <= window_us`` (inclusive).

    object_codes: int64 (n,) dense codes 0..k-1; times_us: int64 (n,) microseconds. Work and memory are
    O(n log n + pairs emitted).
    """
    object_codes = np.asarray(object_codes, dtype=np.int64)
    times_us = np.asarray(times_us, dtype=np.int64)
    n = object_codes.size
    n_objects = int(object_codes.max()) + 1 if n else 0
    empty = np.empty(0, dtype=np.int64)
    if n < 2:
        return WindowPairs(empty, empty, np.bincount(object_codes, minlength=n_objects), np.zeros(n_objects, np.int64), empty)
    order = stable_order({"object": object_codes, "time": times_us})
    return sorted_window_pairs(order, object_codes[order], times_us[order], window_us, n_objects,
                               max_pairs_per_object=max_pairs_per_object)


def stable_order(columns: dict[str, np.ndarray]) -> np.ndarray:
    """int64 indices that sort by the columns in turn (multi-threaded, stable: ties keep input order)."""
    return (
        pl.DataFrame(columns).select(pl.arg_sort_by(list(columns), maintain_order=True)).to_series().to_numpy()
        .astype(np.int64, copy=False)
    )


def sorted_window_pairs(
    order: np.ndarray,
    objects: np.ndarray,
    times: np.ndarray,
    window_us: int,
    n_objects: int,
    *,
    max_pairs_per_object: int | None = None,
) -> WindowPairs:
    """The sweep of :func:`window_pairs` over actions already sorted by (object, time).

    order: int64 (n,) input index of each sorted action; objects: int64 (n,) dense object codes in sorted
    order (non-decreasing); times: int64 (n,) microseconds in sorted order.
    """
    n = order.size
    empty = np.empty(0, dtype=np.int64)
    if n < 2:
        return WindowPairs(empty, empty, np.bincount(objects, minlength=n_objects), np.zeros(n_objects, np.int64), empty)
    gap_cap = np.int64(window_us) + 1
    gaps = np.minimum(np.diff(times), gap_cap)
    gaps[objects[1:] != objects[:-1]] = gap_cap
    compressed = np.zeros(n, dtype=np.int64)
    np.cumsum(gaps, out=compressed[1:])
    ends = np.searchsorted(compressed, compressed + np.int64(window_us), side="right")
    partners = ends - np.arange(n, dtype=np.int64) - 1
    object_posts = np.bincount(objects, minlength=n_objects)
    object_pairs = np.bincount(objects, weights=partners, minlength=n_objects).astype(np.int64)
    skipped = empty
    if max_pairs_per_object is not None:
        skipped = np.flatnonzero(object_pairs > max_pairs_per_object)
        if skipped.size:
            partners = np.where(np.isin(objects, skipped), 0, partners)
    positions = np.repeat(np.arange(n, dtype=np.int64), partners)
    partner_positions = positions + 1 + concatenated_ranges(partners)
    return WindowPairs(order[positions], order[partner_positions], object_posts, object_pairs, skipped)


def encode(values: pl.Series, *, sorted_labels: bool = True) -> tuple[np.ndarray, pl.Series]:
    """Dense int64 codes for a String series and the code -> value labels.

    sorted_labels: codes follow the sorted values (labels can be searched with ``search_sorted``); False
    numbers values in order of first appearance, which skips the sort (half the time on 200k texts)
    and is as deterministic for the same input.
    """
    labels = values.unique().sort() if sorted_labels else values.unique(maintain_order=True)
    codes = (
        pl.DataFrame({"value": values})
        .join(pl.DataFrame({"value": labels, "code": np.arange(len(labels), dtype=np.int64)}), on="value", how="left", maintain_order="left")
        ["code"]
        .to_numpy()
    )
    return codes, labels
