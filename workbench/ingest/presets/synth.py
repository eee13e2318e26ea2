"""The synthetic corpus written by `workbench synth` (posts, accounts, events and ground truth).

Files are recognised by their columns: posts (canonical post columns), accounts, events
(event_id, name, occurred_at) and truth files, which become labels with origin `ground_truth`
(accounts: campaign_id, squad_id, role, is_campaign, is_fan_club, is_bought; posts: campaign_id,
narrative, template_id, only where set). Analyses never read ground-truth labels by default.
"""
from __future__ import annotations

import polars as pl

from workbench import schema
from workbench.ingest.presets.base import (REASON, REASON_COLUMN, Mapped, MapContext, Preset, build_accounts, build_posts,
                                           empty_rejects, nonempty, split_rejects)
from workbench.ingest.timeparse import parse_times

ACCOUNT_TRUTH = ("campaign_id", "squad_id", "role", "is_campaign", "is_fan_club", "is_bought")
POST_TRUTH = ("campaign_id", "narrative", "template_id", "is_camouflage")


def _truth_labels(frame: pl.DataFrame, entity_type: str, id_column: str, names: tuple[str, ...], source_id: int) -> pl.DataFrame:
    parts = [
        frame.select(pl.lit(entity_type).alias("entity_type"), pl.col(id_column).alias("entity_id"), pl.lit(name).alias("label"),
                     pl.col(name).cast(pl.String).alias("value"))
        for name in names if name in frame.columns
    ]
    labels = pl.concat(parts).filter(pl.col("value").is_not_null() & (pl.col("value") != "false"))
    return labels.with_columns(pl.lit("ground_truth").alias("origin"), pl.lit(source_id, dtype=pl.Int32).alias("source_id"))


class SynthPreset(Preset):
    name = "synth"
    platform = "synth"
    description = "files written by `workbench synth` (posts, accounts, events.csv, truth_*.parquet)"
    default_timezone = "UTC"
    ids_qualified = True

    def map_batch(self, frame: pl.DataFrame, ctx: MapContext) -> Mapped:
        columns = set(frame.columns)
        if {"post_id", "text", "kind"} <= columns:
            fields = {name: pl.col(name) for name in schema.POSTS.column_names if name in columns and name not in ("source_id", "source_row")}
            posts, rejects = build_posts(frame, ctx, fields, time_column="created_at", account_column="account_id")
            return Mapped("posts", posts, rejects)
        if "event_id" in columns and "occurred_at" in columns:
            occurred, reason = parse_times(frame["occurred_at"], "occurred_at", "UTC", str(ctx.path))
            events = frame.with_columns(occurred.alias("occurred_at"), reason.alias(REASON), pl.lit("occurred_at").alias(REASON_COLUMN))
            good, rejects = split_rejects(events, frame)
            rows = good.select(*[c for c in schema.EVENTS.column_names if c in good.columns and c != "source_id"]).with_columns(
                pl.lit(ctx.source_id, dtype=pl.Int32).alias("source_id"), good["_row"].alias("_row"))
            return Mapped("events", rows, rejects if rejects.height else empty_rejects())
        if "is_campaign" in columns:
            labels = _truth_labels(frame, "account", "account_id", ACCOUNT_TRUTH, ctx.source_id)
            return Mapped("labels", labels, empty_rejects())
        if "template_id" in columns and "post_id" in columns:
            labels = _truth_labels(frame, "post", "post_id", POST_TRUTH, ctx.source_id)
            return Mapped("labels", labels, empty_rejects())
        fields = {name: pl.col(name) for name in schema.ACCOUNTS.column_names if name in columns and name not in ("source_id", "source_row", "raw")}
        if "account_id" in fields:
            fields["account_id"] = nonempty(pl.col("account_id"))
        accounts, rejects = build_accounts(frame, ctx, fields, "account_id")
        return Mapped("accounts", accounts, rejects)


PRESET = SynthPreset()
