"""Altair chart builders: `plot_<thing>(frame, ...) -> alt.Chart` (or a layered/concatenated chart).

Every builder aggregates or samples in polars *before* charting, so a chart embeds at most a few
thousand rows whatever the corpus size (a million posts become a few hundred daily buckets, a narrative
map becomes a seeded sample). Builders are deterministic: the same frame and parameters give the same
chart specification (stable sort orders, seeded samples, explicitly named selections).

Post text is attacker-controlled. Charts only carry it as data values (tooltips and text marks render
values as text, never as HTML) and truncate it to `TEXT_CHARS` characters to keep pages small.

Inputs follow the canonical frames of docs/architecture.md: posts with `created_at` (naive UTC
datetime) and `account_id`; accounts with `created_at`; analysis frames as documented per function.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import altair as alt
import numpy as np
import polars as pl

from workbench.visible import visible_expr, visible_id_expr

TEXT_CHARS = 160
MAX_POINTS = 5000
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
SUSPICIOUS_COLOR = "#d62728"
ORGANIC_COLOR = "#7f7f7f"


def truncate_text(values: pl.Expr, max_chars: int = TEXT_CHARS) -> pl.Expr:
    """Expression: text cut to `max_chars` characters (with an ellipsis), NUL bytes removed and control or
    bidirectional-override characters shown as escapes (a handle `safe\u202Etxt.exe` must not read as
    `safeexe.txt` in a tooltip)."""
    cleaned = visible_expr(values.cast(pl.Utf8).fill_null("").str.replace_all("\x00", "", literal=True))
    return (
        pl.when(cleaned.str.len_chars() > max_chars)
        .then(cleaned.str.slice(0, max_chars) + "…")
        .otherwise(cleaned)
    )


def sample_rows(frame: pl.DataFrame, max_rows: int = MAX_POINTS, seed: int = 0, by: str | None = None) -> pl.DataFrame:
    """A deterministic sample of at most `max_rows` rows, stratified by column `by` when given.

    Strata keep at least one row each (up to `max_rows`), so small clusters stay visible on a map.
    Row order of the result follows the input order, so the sample does not depend on hash order.
    """
    if frame.height <= max_rows:
        return frame
    rng = np.random.default_rng(seed)
    if by is None:
        keep = np.sort(rng.choice(frame.height, size=max_rows, replace=False))
        return frame[keep]
    groups = frame.with_row_index("_row").group_by(by, maintain_order=True).agg(pl.col("_row"))
    fraction = max_rows / frame.height
    chosen: list[np.ndarray] = []
    for rows in groups["_row"].to_list():
        rows = np.asarray(rows)
        take = max(1, int(round(len(rows) * fraction)))
        chosen.append(rng.choice(rows, size=min(take, len(rows)), replace=False))
    keep = np.sort(np.concatenate(chosen))[:max_rows] if chosen else np.array([], dtype=int)
    return frame[np.sort(keep)]


MAX_BUCKETS = 400  # time buckets a timeline or histogram draws at most; coarser buckets beyond that
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400, "mo": 30.44 * 86400, "q": 91.3 * 86400,
                 "y": 365.25 * 86400}
COARSER_BUCKETS = ("1h", "6h", "1d", "1w", "1mo", "3mo", "1y")


def duration_seconds(every: str) -> float:
    """Approximate length of a polars duration string ("1h", "1d", "2w", "1mo") in seconds."""
    parts = re.findall(r"(\d+)(mo|ns|us|ms|[smhdwqy])", every)
    if not parts:
        raise ValueError(f"not a polars duration: {every!r}")
    return sum(int(number) * _UNIT_SECONDS.get(unit, 0) for number, unit in parts) or 1.0


def bucket_every(start, end, every: str = "1d", max_buckets: int = MAX_BUCKETS) -> str:
    """`every`, or the first coarser standard bucket (6h, 1d, 1w, 1mo, 3mo, 1y) that cuts [start, end]
    into at most `max_buckets` buckets: a six-year corpus gets monthly bars, never 2,000 daily ones."""
    if start is None or end is None:
        return every
    span = max((end - start).total_seconds(), 1.0)
    if span / duration_seconds(every) <= max_buckets:
        return every
    for candidate in COARSER_BUCKETS:
        if duration_seconds(candidate) > duration_seconds(every) and span / duration_seconds(candidate) <= max_buckets:
            return candidate
    return COARSER_BUCKETS[-1]


def time_axis(start, end, title: str) -> alt.Axis:
    """A time axis whose labels carry the year: days within a year, months across years."""
    multi_year = start is not None and end is not None and (end - start).days > 400
    return alt.Axis(title=title, format="%Y-%m" if multi_year else "%Y-%m-%d", labelOverlap=True)


def bucket_label(every: str) -> str:
    return {"1h": "hour", "6h": "6 hours", "1d": "day", "1w": "week", "1mo": "month", "3mo": "quarter",
            "1y": "year"}.get(every, every)


def _suspicious_flag(posts: pl.DataFrame, suspicious_accounts: Iterable[str] | pl.Series | None) -> pl.Expr:
    if suspicious_accounts is None:
        return pl.lit(False)
    values = suspicious_accounts.to_list() if isinstance(suspicious_accounts, pl.Series) else list(suspicious_accounts)
    return pl.col("account_id").is_in(pl.Series(values, dtype=pl.Utf8).implode())


def timeline_counts(
    posts: pl.DataFrame,
    suspicious_accounts: Iterable[str] | pl.Series | None = None,
    every: str = "1d",
    min_posts_for_share: int = 1,
) -> pl.DataFrame:
    """Posts per time bucket: `bucket` (datetime, start of bucket, UTC), `posts`, `suspicious_posts`,
    `suspicious_share` (0..1; null in buckets with fewer than `min_posts_for_share` posts, where a share
    of one or two posts would swing between 0 and 100 %). `every` is a polars duration ("1h", "1d", "1w")."""
    return (
        posts.lazy()
        .select(
            pl.col("created_at").dt.truncate(every).alias("bucket"),
            _suspicious_flag(posts, suspicious_accounts).alias("suspicious"),
        )
        .group_by("bucket")
        .agg(pl.len().alias("posts"), pl.col("suspicious").sum().alias("suspicious_posts"))
        .with_columns(
            pl.col("posts").cast(pl.Int64),
            pl.col("suspicious_posts").cast(pl.Int64),
            pl.when(pl.col("posts") >= min_posts_for_share)
            .then(pl.col("suspicious_posts") / pl.col("posts")).alias("suspicious_share"),
        )
        .sort("bucket")
        .collect()
    )


def _event_rules(events: pl.DataFrame | None, start, end) -> alt.Chart | None:
    if events is None or events.height == 0:
        return None
    marks = events.select(
        pl.col("occurred_at"),
        truncate_text(pl.col("name"), 80).alias("event"),
        truncate_text(pl.col("kind") if "kind" in events.columns else pl.lit(""), 40).alias("event_kind"),
    )
    if start is not None and end is not None:
        marks = marks.filter(pl.col("occurred_at").is_between(start, end))
    marks = marks.sort("occurred_at", "event")
    if marks.height == 0:
        return None
    base = alt.Chart(marks)
    rules = base.mark_rule(color="black", strokeDash=[4, 3]).encode(
        x="occurred_at:T",
        tooltip=[alt.Tooltip("event:N"), alt.Tooltip("event_kind:N", title="kind"),
                 alt.Tooltip("occurred_at:T", format="%Y-%m-%d %H:%M")],
    )
    labels = base.mark_text(align="left", dx=3, dy=-4, baseline="top", fontSize=10, angle=0).encode(
        x="occurred_at:T", y=alt.value(2), text="event:N"
    )
    return rules + labels


def plot_timeline(
    posts: pl.DataFrame,
    events: pl.DataFrame | None = None,
    suspicious_accounts: Iterable[str] | pl.Series | None = None,
    every: str = "1d",
    title: str = "Posts over time",
    max_buckets: int = MAX_BUCKETS,
    highlight: str = "suspicious accounts",
) -> alt.LayerChart:
    """Posts per bucket (bars: suspicious vs other accounts), the suspicious share (line, right axis)
    and dashed rules at the events. `posts` needs `created_at` and `account_id`; `events` needs
    `occurred_at`, `name` (and optionally `kind`). `every` is coarsened when the corpus spans more than
    `max_buckets` of them; the share is drawn only for buckets with enough posts to mean something."""
    start = posts["created_at"].min() if posts.height else None
    end = posts["created_at"].max() if posts.height else None
    every = bucket_every(start, end, every, max_buckets)
    counts = timeline_counts(posts, suspicious_accounts, every)
    typical = float(counts["posts"].median()) if counts.height else 0.0
    counts = timeline_counts(posts, suspicious_accounts, every, min_posts_for_share=max(10, int(typical * 0.2)))
    stacked = counts.select(
        "bucket",
        (pl.col("posts") - pl.col("suspicious_posts")).alias("other accounts"),
        pl.col("suspicious_posts").alias(highlight),
        "suspicious_share",
    ).unpivot(index=["bucket", "suspicious_share"], variable_name="group", value_name="count")
    stacked = stacked.sort("bucket", "group")
    base = alt.Chart(stacked)
    bars = base.mark_bar().encode(
        x=alt.X("bucket:T", axis=time_axis(start, end, f"time (UTC, per {bucket_label(every)})")),
        y=alt.Y("sum(count):Q", title="posts", stack="zero"),
        color=alt.Color(
            "group:N",
            scale=alt.Scale(domain=["other accounts", highlight], range=[ORGANIC_COLOR, SUSPICIOUS_COLOR]),
            title=None,
        ),
        order=alt.Order("group:N", sort="ascending"),
        tooltip=[alt.Tooltip("bucket:T", title="bucket start"), "group:N", alt.Tooltip("count:Q", title="posts")],
    )
    layers: list = [bars]
    if suspicious_accounts is not None:
        share = alt.Chart(counts.filter(pl.col("suspicious_share").is_not_null())).mark_line(
            color="black", strokeWidth=1.2, opacity=0.7).encode(
            x="bucket:T",
            y=alt.Y("suspicious_share:Q", title=f"share of {highlight}", axis=alt.Axis(format="%"),
                    scale=alt.Scale(domain=[0, 1])),
            tooltip=[alt.Tooltip("bucket:T", title="bucket start"), alt.Tooltip("posts:Q"),
                     alt.Tooltip("suspicious_share:Q", format=".1%")],
        )
        layers.append(share)
    start = counts["bucket"].min() if counts.height else None
    end = counts["bucket"].max() if counts.height else None
    rules = _event_rules(events, start, end)
    if rules is not None:
        layers.append(rules)
    chart = alt.layer(*layers).properties(title=title, width=720, height=260)
    if suspicious_accounts is not None:
        chart = chart.resolve_scale(y="independent")
    return chart


def plot_registration_histogram(
    accounts: pl.DataFrame,
    every: str = "1d",
    suspicious_accounts: Iterable[str] | pl.Series | None = None,
    title: str = "Account registrations",
    max_buckets: int = MAX_BUCKETS,
) -> alt.Chart:
    """Accounts registered per bucket (`every`, polars duration, coarsened to weeks, months... when the
    registrations span more than `max_buckets` buckets), split into suspicious/other. Batches registered
    on the same days stand out as spikes. Needs `account_id`, `created_at`."""
    known = accounts.filter(pl.col("created_at").is_not_null())
    start = known["created_at"].min() if known.height else None
    end = known["created_at"].max() if known.height else None
    every = bucket_every(start, end, every, max_buckets)
    frame = (
        known.select(
            pl.col("created_at").dt.truncate(every).alias("registered"),
            pl.when(_suspicious_flag(known, suspicious_accounts)).then(pl.lit("suspicious accounts"))
            .otherwise(pl.lit("other accounts")).alias("group"),
        )
        .group_by("registered", "group")
        .agg(pl.len().cast(pl.Int64).alias("accounts"))
        .sort("registered", "group")
    )
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("registered:T", axis=time_axis(start, end, f"registration date (UTC, per {bucket_label(every)})")),
            y=alt.Y("sum(accounts):Q", title="accounts"),
            color=alt.Color("group:N", scale=alt.Scale(domain=["other accounts", "suspicious accounts"],
                                                      range=[ORGANIC_COLOR, SUSPICIOUS_COLOR]), title=None),
            tooltip=[alt.Tooltip("registered:T", title="bucket start"), "group:N", "accounts:Q"],
        )
        .properties(title=title, width=720, height=220)
    )


def activity_matrix(posts: pl.DataFrame) -> pl.DataFrame:
    """Posts per (weekday, hour) in UTC: all 7 x 24 cells, zero-filled. Columns `weekday` (Mon..Sun),
    `weekday_index` (1..7), `hour` (0..23), `posts`."""
    counts = (
        posts.select(
            pl.col("created_at").dt.weekday().cast(pl.Int32).alias("weekday_index"),
            pl.col("created_at").dt.hour().cast(pl.Int32).alias("hour"),
        )
        .group_by("weekday_index", "hour")
        .agg(pl.len().cast(pl.Int64).alias("posts"))
    )
    grid = pl.DataFrame({"weekday_index": pl.Series([d for d in range(1, 8) for _ in range(24)], dtype=pl.Int32),
                         "hour": pl.Series(list(range(24)) * 7, dtype=pl.Int32)})
    return (
        grid.join(counts, on=["weekday_index", "hour"], how="left")
        .with_columns(pl.col("posts").fill_null(0),
                      pl.col("weekday_index").map_elements(lambda d: WEEKDAYS[d - 1], return_dtype=pl.Utf8)
                      .alias("weekday"))
        .sort("weekday_index", "hour")
    )


def plot_activity_heatmap(posts: pl.DataFrame, title: str = "Activity by hour (UTC) and weekday") -> alt.Chart:
    """Heatmap of posts per hour of day by weekday (UTC). Round-the-clock or office-hours blocks
    show scheduled or paid posting. Needs `created_at`."""
    frame = activity_matrix(posts)
    return (
        alt.Chart(frame)
        .mark_rect()
        .encode(
            x=alt.X("hour:O", title="hour of day (UTC)"),
            y=alt.Y("weekday:O", sort=list(WEEKDAYS), title=None),
            color=alt.Color("posts:Q", scale=alt.Scale(scheme="blues"), title="posts"),
            tooltip=["weekday:N", "hour:O", "posts:Q"],
        )
        .properties(title=title, width=600, height=180)
    )


def plot_narrative_map(
    points: pl.DataFrame,
    max_points: int = MAX_POINTS,
    seed: int = 0,
    label_column: str = "narrative",
    title: str = "Narrative map",
) -> alt.HConcatChart:
    """2D map of posts coloured by narrative cluster, with a brushed selection linked to a table of
    the selected posts' text.

    `points` needs `x`, `y` (2D coordinates, unitless), `cluster` (int, -1 = noise) and `text`;
    optional `post_id`, `account_id` and `label_column` (a readable cluster name). At most
    `max_points` posts are drawn, sampled per cluster with `seed`; the table lists up to 20.
    """
    frame = points
    default_label = (pl.when(pl.col("cluster") < 0).then(pl.lit("noise"))
                     .otherwise(pl.lit("narrative ") + pl.col("cluster").cast(pl.Utf8)))
    if label_column not in frame.columns:
        frame = frame.with_columns(default_label.alias(label_column))
    else:  # clusters without a label (noise, or missing from the label table) still get a name
        frame = frame.with_columns(pl.col(label_column).fill_null(default_label))
    keep = ["x", "y", "cluster", label_column, "text"] + [c for c in ("post_id", "account_id") if c in frame.columns]
    frame = sample_rows(frame.select(keep), max_points, seed, by="cluster")
    frame = frame.with_columns(truncate_text(pl.col("text"), 100).alias("text"),
                               truncate_text(pl.col(label_column), 60).alias(label_column))
    legend_order = frame.group_by(label_column).agg(pl.col("cluster").min()).sort("cluster")[label_column].to_list()
    brush = alt.selection_interval(name="map_brush", encodings=["x", "y"])
    tooltip = [alt.Tooltip(f"{label_column}:N", title="narrative"), alt.Tooltip("text:N")]
    if "account_id" in frame.columns:
        tooltip.append(alt.Tooltip("account_id:N", title="account"))
    base = alt.Chart(frame)
    scatter = (
        base.mark_circle(size=14, opacity=0.7)
        .encode(
            x=alt.X("x:Q", axis=None),
            y=alt.Y("y:Q", axis=None),
            color=alt.condition(brush, alt.Color(f"{label_column}:N", title="narrative", sort=legend_order,
                                                 legend=alt.Legend(symbolLimit=30, labelLimit=300)),
                                alt.value("lightgray")),
            tooltip=tooltip,
        )
        .add_params(brush)
        .properties(width=520, height=420, title=title)
    )
    table = (
        base.mark_text(align="left", baseline="middle", fontSize=10, limit=420)
        .encode(y=alt.Y("row_number:O", axis=None), text="text:N")
        .transform_filter(brush)
        .transform_window(row_number="row_number()")
        .transform_filter(alt.datum.row_number <= 20)
        .properties(width=430, height=420, title="Selected posts (drag on the map)")
    )
    return alt.hconcat(scatter, table)


def plot_narratives_over_time(
    posts: pl.DataFrame,
    every: str = "1d",
    top: int = 10,
    label_column: str = "narrative",
    events: pl.DataFrame | None = None,
    title: str = "Narratives over time",
    max_buckets: int = MAX_BUCKETS,
) -> alt.LayerChart:
    """Stacked posts per bucket for the `top` largest narratives (others grouped as "other"; the legend in
    narrative-number order). `posts` needs `created_at`, `cluster` (int, -1 noise) and optionally
    `label_column`. `every` is coarsened when the posts span more than `max_buckets` buckets."""
    frame = posts.filter(pl.col("cluster") >= 0)
    start = frame["created_at"].min() if frame.height else None
    end = frame["created_at"].max() if frame.height else None
    every = bucket_every(start, end, every, max_buckets)
    if label_column not in frame.columns:
        frame = frame.with_columns((pl.lit("narrative ") + pl.col("cluster").cast(pl.Utf8)).alias(label_column))
    sizes = frame.group_by(label_column).agg(pl.len().alias("n")).sort(["n", label_column], descending=[True, False])
    leaders = sizes.head(top)[label_column]
    grouped = (
        frame.select(
            pl.col("created_at").dt.truncate(every).alias("bucket"),
            pl.when(pl.col(label_column).is_in(leaders.implode())).then(truncate_text(pl.col(label_column), 60))
            .otherwise(pl.lit("other")).alias("narrative"),
        )
        .group_by("bucket", "narrative")
        .agg(pl.len().cast(pl.Int64).alias("posts"))
        .sort("bucket", "narrative")
    )
    order = (frame.filter(pl.col(label_column).is_in(leaders.implode())).group_by(label_column)
             .agg(pl.col("cluster").min()).sort("cluster")[label_column].map_elements(
                 lambda text: text if len(text) <= 60 else text[:60] + "…", return_dtype=pl.Utf8).to_list())
    domain = order + (["other"] if "other" in grouped["narrative"].to_list() else [])
    area = alt.Chart(grouped).mark_area().encode(
        x=alt.X("bucket:T", axis=time_axis(start, end, f"time (UTC, per {bucket_label(every)})")),
        y=alt.Y("posts:Q", stack="zero", title="posts"),
        color=alt.Color("narrative:N", title="narrative", sort=domain, scale=alt.Scale(domain=domain),
                        legend=alt.Legend(symbolLimit=len(domain) + 1, labelLimit=320)),
        tooltip=[alt.Tooltip("bucket:T", title="bucket start"), "narrative:N", "posts:Q"],
    )
    layers: list = [area]
    if grouped.height:
        rules = _event_rules(events, grouped["bucket"].min(), grouped["bucket"].max())
        if rules is not None:
            layers.append(rules)
    return alt.layer(*layers).properties(title=title, width=720, height=260)


def plot_family_sizes(
    families: pl.DataFrame,
    top: int = 30,
    size_column: str = "size",
    label_column: str | None = "template",
    title: str = "Largest near-duplicate families",
) -> alt.Chart:
    """Horizontal bars for the `top` largest near-duplicate families. `families` needs `family_id`
    and `size_column` (posts per family); `label_column` (e.g. the template text) goes in the tooltip."""
    columns = ["family_id", size_column] + ([label_column] if label_column and label_column in families.columns else [])
    frame = (
        families.select(columns)
        .with_columns(pl.col("family_id").cast(pl.Utf8))
        .sort([size_column, "family_id"], descending=[True, False])
        .head(top)
    )
    tooltip = ["family_id:N", alt.Tooltip(f"{size_column}:Q", title="posts")]
    if len(columns) == 3:
        frame = frame.with_columns(truncate_text(pl.col(label_column)).alias(label_column))
        tooltip.append(alt.Tooltip(f"{label_column}:N", title="template"))
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("family_id:N", sort="-x", title="family"),
            x=alt.X(f"{size_column}:Q", title="posts"),
            tooltip=tooltip,
        )
        .properties(title=title, width=520, height=max(120, 14 * frame.height))
    )


def network_layout(nodes: pl.DataFrame, edges: pl.DataFrame, seed: int = 0, iterations: int = 300) -> pl.DataFrame:
    """Node positions (`account_id`, `x`, `y`) from a seeded Fruchterman-Reingold layout (igraph),
    weighted by edge `weight`. `nodes` needs `account_id`; `edges` needs `source`, `target`, `weight`."""
    import igraph as ig
    import random

    ids = nodes["account_id"].cast(pl.Utf8).to_list()
    index = {account: i for i, account in enumerate(ids)}
    id_list = pl.Series(ids, dtype=pl.Utf8).implode()
    kept = edges.filter(pl.col("source").is_in(id_list) & pl.col("target").is_in(id_list))
    graph = ig.Graph(n=len(ids), edges=[(index[s], index[t]) for s, t in zip(kept["source"], kept["target"])])
    # igraph seeds its layouts from Python's `random` module; save and restore it so callers are unaffected.
    state = random.getstate()
    random.seed(seed)
    try:
        layout = graph.layout_fruchterman_reingold(
            weights=kept["weight"].cast(pl.Float64).to_list() if kept.height else None, niter=iterations
        )
    finally:
        random.setstate(state)
    coords = np.asarray(layout.coords, dtype=float).reshape(len(ids), 2) if ids else np.zeros((0, 2))
    return pl.DataFrame({"account_id": ids, "x": coords[:, 0].round(4), "y": coords[:, 1].round(4)})


def plot_coordination_network(
    nodes: pl.DataFrame,
    edges: pl.DataFrame,
    max_nodes: int = 800,
    max_edges: int = 4000,
    seed: int = 0,
    color_column: str = "community",
    size_column: str | None = "score",
    title: str = "Coordination network",
    color_order: Sequence[str] | None = None,
    max_colours: int = 12,
) -> alt.LayerChart:
    """Coordination network drawn with a precomputed, seeded layout.

    `nodes`: `account_id` plus optional `color_column` (community), `size_column` (score), `handle`,
    and `x`, `y` if a layout is given (else one is computed with `network_layout`). `edges`: `source`,
    `target`, `weight` (and optionally `kind`). Only the `max_nodes` nodes with the highest
    weighted degree and the `max_edges` heaviest edges among them are drawn.

    Colours: `color_order` lists the `color_column` values in legend order (for example campaigns first,
    then other coordinated groups, then "not in a group"); without it numeric values (communities) are
    sorted as numbers. At most `max_colours` values get their own colour, the rest are drawn as "other"."""
    strength = (
        pl.concat([edges.select(pl.col("source").alias("account_id"), "weight"),
                   edges.select(pl.col("target").alias("account_id"), "weight")])
        .group_by("account_id").agg(pl.col("weight").sum().cast(pl.Float64).alias("strength"))
    )
    ranked = (
        nodes.with_columns(pl.col("account_id").cast(pl.Utf8))
        .join(strength, on="account_id", how="left")
        .with_columns(pl.col("strength").fill_null(0.0))
        .sort(["strength", "account_id"], descending=[True, False])
        .head(max_nodes)
    )
    ids = ranked["account_id"]
    drawn_edges = (
        edges.filter(pl.col("source").is_in(ids.implode()) & pl.col("target").is_in(ids.implode()))
        .sort(["weight", "source", "target"], descending=[True, False, False])
        .head(max_edges)
    )
    if not {"x", "y"}.issubset(ranked.columns):
        ranked = ranked.join(network_layout(ranked, drawn_edges, seed=seed), on="account_id", how="left")
    if color_column not in ranked.columns:
        ranked = ranked.with_columns(pl.lit("all").alias(color_column))
    ranked, domain, palette = _node_colours(ranked, color_column, color_order, max_colours)
    label = "handle" if "handle" in ranked.columns else "account_id"
    node_frame = ranked.select(
        "account_id", "x", "y", color_column, "strength",
        *([size_column] if size_column and size_column in ranked.columns else []),
        *([truncate_text(pl.col("handle"), 40).alias("handle")] if label == "handle" else []),
    )
    positions = node_frame.select("account_id", "x", "y")
    segment_frame = (
        drawn_edges.select("source", "target", pl.col("weight").cast(pl.Float64))
        .join(positions.rename({"account_id": "source", "x": "x1", "y": "y1"}), on="source")
        .join(positions.rename({"account_id": "target", "x": "x2", "y": "y2"}), on="target")
        .sort(["weight", "source", "target"], descending=[True, False, False])
        .with_columns(visible_id_expr(pl.col("source")), visible_id_expr(pl.col("target")))  # ids as the tables show them
    )
    node_frame = node_frame.with_columns(visible_id_expr(pl.col("account_id")))
    segments = alt.Chart(segment_frame).mark_rule(opacity=0.25, color="#888").encode(
        x=alt.X("x1:Q", axis=None), y=alt.Y("y1:Q", axis=None), x2="x2:Q", y2="y2:Q",
        strokeWidth=alt.StrokeWidth("weight:Q", scale=alt.Scale(range=[0.3, 3]), legend=None),
        tooltip=["source:N", "target:N", "weight:Q"],
    )
    tooltip = [alt.Tooltip(f"{label}:N", title="account"), alt.Tooltip(f"{color_column}:N"),
               alt.Tooltip("strength:Q", title="weighted degree", format=".1f")]
    encoding = dict(
        x=alt.X("x:Q", axis=None), y=alt.Y("y:Q", axis=None),
        color=alt.Color(f"{color_column}:N", sort=domain, scale=alt.Scale(domain=domain, range=palette),
                        legend=alt.Legend(symbolLimit=len(domain) + 1, labelLimit=300, title=color_column)),
        tooltip=tooltip,
    )
    if size_column and size_column in node_frame.columns:
        encoding["size"] = alt.Size(f"{size_column}:Q", scale=alt.Scale(range=[10, 200]))
        tooltip.append(alt.Tooltip(f"{size_column}:Q", format=".3f"))
    points = alt.Chart(node_frame).mark_circle(opacity=0.85).encode(**encoding)
    return alt.layer(segments, points).properties(title=title, width=620, height=520)


GROUP_PALETTE = ("#d62728", "#ff7f0e", "#8c564b", "#e377c2", "#bcbd22", "#9467bd", "#1f77b4", "#17becf",
                 "#2ca02c", "#aec7e8", "#98df8a", "#ffbb78")
NO_GROUP_COLOR = "#c7c7c7"


def _node_colours(nodes: pl.DataFrame, column: str, order: Sequence[str] | None, max_colours: int):
    """(nodes with `column` as text, legend domain, colours): values in `order` (or numeric order, else
    by node count) keep their own colour up to `max_colours`; the rest become "other" (light grey)."""
    values = nodes[column]
    if order is None:
        counts = nodes.group_by(column).agg(pl.len().alias("n"))
        if values.dtype.is_numeric():
            leaders = counts.sort(["n", column], descending=[True, False]).head(max_colours)[column].sort().to_list()
        else:
            leaders = counts.with_columns(pl.col(column).cast(pl.Utf8)).sort(["n", column], descending=[True, False]) \
                .head(max_colours)[column].to_list()
        order = [str(v) for v in leaders]
    present = set(values.cast(pl.Utf8).to_list())
    domain = [v for v in order if v in present][:max_colours]
    nodes = nodes.with_columns(
        pl.when(pl.col(column).cast(pl.Utf8).is_in(pl.Series(domain, dtype=pl.Utf8).implode()))
        .then(pl.col(column).cast(pl.Utf8)).otherwise(pl.lit("other")).alias(column))
    palette = [NO_GROUP_COLOR if v.startswith("not in") else GROUP_PALETTE[i % len(GROUP_PALETTE)]
               for i, v in enumerate(domain)]
    if "other" in nodes[column].to_list() and "other" not in domain:
        domain, palette = domain + ["other"], palette + ["#dddddd"]
    return nodes, domain, palette


def plot_score_distribution(
    scores: pl.DataFrame,
    score_column: str = "score",
    group_column: str | None = None,
    bins: int = 40,
    threshold: float | None = None,
    title: str | None = None,
) -> alt.LayerChart:
    """Histogram of a score (binned in polars into `bins` equal-width bins over its range), optionally
    split by `group_column` (e.g. a ground-truth label) and with a rule at `threshold`."""
    values = scores.filter(pl.col(score_column).is_not_null() & pl.col(score_column).is_finite())
    low = float(values[score_column].min()) if values.height else 0.0
    high = float(values[score_column].max()) if values.height else 1.0
    width = (high - low) / bins if high > low else 1.0
    group_expr = pl.col(group_column).cast(pl.Utf8).fill_null("(none)") if group_column else pl.lit("all")
    frame = (
        values.select(
            ((pl.col(score_column).cast(pl.Float64) - low) / width).floor().clip(0, bins - 1).cast(pl.Int64).alias("bin"),
            group_expr.alias("group"),
        )
        .group_by("bin", "group")
        .agg(pl.len().cast(pl.Int64).alias("count"))
        .with_columns((low + pl.col("bin") * width).alias("bin_start"), (low + (pl.col("bin") + 1) * width).alias("bin_end"))
        .sort("bin", "group")
    )
    bars = alt.Chart(frame).mark_bar(opacity=0.8).encode(
        x=alt.X("bin_start:Q", title=score_column, bin="binned"),
        x2="bin_end:Q",
        y=alt.Y("count:Q", title="count", stack="zero"),
        color=alt.Color("group:N", title=group_column or None, legend=None if group_column is None else alt.Legend()),
        tooltip=[alt.Tooltip("bin_start:Q", format=".3f", title="from"), alt.Tooltip("bin_end:Q", format=".3f", title="to"),
                 "group:N", "count:Q"],
    )
    layers: list = [bars]
    if threshold is not None and threshold >= 0:  # a negative threshold means "use the analysis flag": no line
        layers.append(alt.Chart(pl.DataFrame({"threshold": [float(threshold)]})).mark_rule(
            color=SUSPICIOUS_COLOR, strokeDash=[4, 3]).encode(x="threshold:Q"))
    return alt.layer(*layers).properties(title=title or f"Distribution of {score_column}", width=520, height=220)


def plot_category_bars(frame: pl.DataFrame, category: str, count: str = "count", top: int = 20,
                       title: str = "") -> alt.Chart:
    """Horizontal bars of `count` per `category` (top `top`, ties broken by name): source apps,
    languages, tactic labels, handle patterns."""
    data = (frame.select(truncate_text(pl.col(category), 60).alias(category), pl.col(count).cast(pl.Int64))
            .sort([count, category], descending=[True, False]).head(top))
    return (
        alt.Chart(data).mark_bar().encode(
            y=alt.Y(f"{category}:N", sort="-x", title=None), x=alt.X(f"{count}:Q", title=count),
            tooltip=[f"{category}:N", f"{count}:Q"],
        ).properties(title=title or f"{count} by {category}", width=420, height=max(80, 16 * data.height))
    )


def chart_rows(chart: alt.TopLevelMixin) -> int:
    """Total number of data rows embedded in a chart's specification (all datasets)."""
    spec = chart.to_dict()
    return sum(len(rows) for rows in spec.get("datasets", {}).values())


__all__: Sequence[str] = (
    "plot_timeline", "plot_registration_histogram", "plot_activity_heatmap", "plot_narrative_map",
    "plot_narratives_over_time", "plot_family_sizes", "plot_coordination_network", "plot_score_distribution",
    "plot_category_bars", "timeline_counts", "activity_matrix", "network_layout", "sample_rows",
    "truncate_text", "chart_rows", "bucket_every",
)
